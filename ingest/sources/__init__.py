"""Every source the warehouse ingests: the registry of the declarations its modules write beside their parsers."""

from __future__ import annotations

from ingest.sources import (
    ai_index,
    azure,
    carbon,
    ecb,
    epoch_datasets,
    epoch_efficiency,
    funding,
    gpu_feeds,
    gpu_marketplace,
    gpu_tracker,
    skypilot,
)
from ingest.sources.declaration import Source
from ingest.sources.llm import litellm, llmrates, openrouter, token_tariff

__all__ = ["SOURCES", "Source"]

SOURCES: dict[str, Source] = {
    source.name: source
    for source in (
        ai_index.DECLARATION,
        skypilot.DECLARATION,
        gpu_tracker.DECLARATION,
        gpu_feeds.DECLARATION,
        azure.DECLARATION,
        gpu_marketplace.DECLARATION,
        funding.DECLARATION,
        ecb.DECLARATION,
        *epoch_datasets.DECLARATIONS,
        litellm.DECLARATION,
        openrouter.DECLARATION,
        llmrates.DECLARATION,
        token_tariff.DECLARATION,
        *epoch_efficiency.DECLARATIONS,
        *carbon.DECLARATIONS,
    )
}
"""Every source, in the order the UI lists them: each module's own declaration (ingest/sources/declaration.py)."""
