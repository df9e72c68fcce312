"""Every source the warehouse ingests: each module has `locate(settings)` and `parse(delivery)`."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from types import ModuleType

from ingest.delivery import Delivery, Parsed
from ingest.settings import Settings
from ingest.sources import (
    ai_index,
    azure,
    carbon,
    ecb,
    epoch,
    epoch_datasets,
    epoch_efficiency,
    funding,
    gpu_feeds,
    gpu_marketplace,
    gpu_tracker,
    skypilot,
)
from ingest.sources.llm import litellm, llmrates, openrouter, token_tariff
from ingest.sources.llm.prices import ListPrices


@dataclass(frozen=True)
class Source:
    name: str
    raw_table: str
    parser_version: str
    schema: type
    locate: Callable[[Settings], list[Delivery]]
    parse: Callable[[Delivery], Parsed]
    description: str
    arrives_as: str
    """`url` (fetched unless a mirror is set), `files` (read from the inbox or mirror) or `package`."""
    subject: str
    """What the source is about (`gpu_prices`, `epoch`, ...): its raw asset's group is `ingest_<subject>`, and the
    jobs select by group."""
    parse_batches: Callable[[Sequence[Delivery]], Iterator[Parsed]] | None = None
    """Streams deliveries with one header in batches tagged `_delivery` (flat memory); raises NeedsCarefulParse
    for files only `parse` reads exactly."""
    editions_are_days: bool = False
    """The edition is the day the prices were observed (a feed polled daily): an unchanged file on a new day
    is a new observation."""
    freshness_days: int | None = None
    """A feed that publishes on a cadence: its newest observation (`observed_column`) should be at most this old."""
    feeds_named_by: str | None = None
    """The raw column that tells several feeds of one table apart (each judged fresh on its own), if any."""
    observed_column: str = "observed_on"
    """The raw column that dates an observation (a day or a moment)."""
    cells_named_by: tuple[str, ...] = ()
    """A long table, one row per published cell: the columns that name a cell's figure and header. The delivery
    contract keeps each header's cells (a renamed header is a rejected version, not emptied mart rows)."""
    vintages_replace: bool = False
    """Each edition is a vintage of one data set that replaces the earlier in the marts (Epoch AI's): a new vintage
    is held to the delivery contract against the newest loaded one (warehouse/contract.py), not only a
    re-delivery of the same edition."""


OPTIONAL_DECLARATIONS = {
    "parse_batches": None,
    "FRESHNESS_DAYS": None,
    "EDITIONS_ARE_DAYS": False,
    "OBSERVED_COLUMN": "observed_on",
    "FEEDS_NAMED_BY": None,
    "CELLS_NAMED_BY": (),
}
"""What a source module may declare beside SOURCE, RAW_TABLE, PARSER_VERSION, locate and parse, with the default."""


class MisspeltDeclaration(NameError):
    """A source module names a declaration almost like a known one (a check would silently be off)."""


def _declared(module: ModuleType, name: str):
    """The module's declaration `name`, or its default; a constant named almost like it (`FRESHNES_DAYS`) fails at
    import instead of leaving the declaration at its default unseen."""
    constants = [own for own in vars(module) if own.isupper() and own not in OPTIONAL_DECLARATIONS]
    for own in constants if name.isupper() else []:
        if difflib.SequenceMatcher(None, own, name).ratio() > 0.85:
            raise MisspeltDeclaration(
                f"{module.__name__}.{own}: did you mean {name}? (a source declares {', '.join(OPTIONAL_DECLARATIONS)})"
            )
    return getattr(module, name, OPTIONAL_DECLARATIONS[name])


def _source(module: ModuleType, schema: type, arrives_as: str, subject: str) -> Source:
    declared = {name.lower(): _declared(module, name) for name in OPTIONAL_DECLARATIONS}
    return Source(
        name=module.SOURCE,
        raw_table=module.RAW_TABLE,
        parser_version=module.PARSER_VERSION,
        schema=schema,
        locate=module.locate,
        parse=module.parse,
        description=(module.__doc__ or "").strip().splitlines()[0],
        arrives_as=arrives_as,
        subject=subject,
        **declared,
    )


def _epoch_source(dataset: epoch.Dataset, subject: str) -> Source:
    return Source(
        name=dataset.name,
        raw_table=dataset.raw_table,
        parser_version=epoch.PARSER_VERSION,
        schema=dataset.model(),
        locate=partial(epoch.locate, dataset),
        parse=partial(epoch.parse, dataset),
        description=dataset.description,
        arrives_as="url",
        subject=subject,
        vintages_replace=True,
    )


SOURCES: dict[str, Source] = {
    s.name: s
    for s in (
        _source(ai_index, ai_index.FigureValues, "files", "ai_index"),
        _source(skypilot, skypilot.SkypilotOffers, "url", "gpu_prices"),
        _source(gpu_tracker, gpu_tracker.TrackerObservations, "url", "gpu_prices"),
        _source(gpu_feeds, gpu_feeds.FeedOffers, "url", "gpu_prices"),
        _source(azure, azure.AzureGpuPrices, "url", "gpu_prices"),
        _source(gpu_marketplace, gpu_marketplace.MarketplaceSnapshots, "url", "gpu_prices"),
        _source(funding, funding.FundingRounds, "files", "funding"),
        _source(ecb, ecb.FxRates, "package", "reference"),
        *(_epoch_source(dataset, "epoch") for dataset in epoch_datasets.DATASETS.values()),
        *(_source(module, ListPrices, "url", "llm_prices") for module in (litellm, openrouter, llmrates, token_tariff)),
        *(_epoch_source(dataset, "llm_prices") for dataset in epoch_efficiency.DATASETS),
        *(
            Source(
                name=name,
                raw_table=table,
                parser_version=carbon.PARSER_VERSION,
                schema=schema,
                locate=locate,
                parse=parse,
                description=description,
                arrives_as="url",
                subject="carbon",
            )
            for name, table, schema, locate, parse, description in carbon.SOURCES
        ),
    )
}
