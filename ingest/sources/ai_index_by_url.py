"""AI Index figures published only online (the 2024 edition's economy figures on Google Drive): the URLs,
figure ids and edition in `ingest/layouts/ai_index_by_url.yml`, fetched with the cache and retries of every
URL source. Used when no local mirror is set and the inbox lacks that edition."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

import yaml

from ingest.delivery import Delivery
from ingest.fetch import SourceUnavailable, fetch
from ingest.settings import Settings

log = logging.getLogger(__name__)
LAYOUT = Path(__file__).resolve().parent.parent / "layouts" / "ai_index_by_url.yml"


@dataclass(frozen=True)
class OnlineFigure:
    edition: str
    figure_id: str
    url: str
    chapter: int | None
    chapter_name: str | None


@lru_cache(maxsize=1)
def online_figures() -> dict[str, OnlineFigure]:
    """URL -> the figure it holds."""
    figures = {}
    for edition in yaml.safe_load(LAYOUT.read_text(encoding="utf-8")) or []:
        for figure_id, file_id in edition["figures"].items():
            url = edition["url"].format(id=file_id)
            figures[url] = OnlineFigure(
                str(edition["edition"]), figure_id, url, edition.get("chapter"), edition.get("chapter_name")
            )
    return figures


def url_deliveries(source: str, settings: Settings, editions_present: set[str]) -> list[Delivery]:
    """A delivery per online figure of an edition not already present. A figure that cannot be fetched is a
    refused delivery with the reason; a machine that cannot reach the host at all stops trying (one warning)."""
    found = []
    for figure in online_figures().values():
        if figure.edition in editions_present:
            continue
        now = datetime.now(UTC)
        try:
            path = fetch(figure.url, settings)
        except SourceUnavailable as error:
            if error.unreachable:
                log.warning(
                    "%s: the AI Index %s figures are not reachable (%s); set AIMETRICS_DATA_DIR or drop the "
                    "edition into the inbox",
                    source,
                    figure.edition,
                    error,
                )
                return found
            found.append(
                Delivery(
                    source=source,
                    edition=figure.edition,
                    source_file=figure.url,
                    path=Path(figure.figure_id),
                    retrieved_at=now,
                    refused=str(error),
                    checksum=hashlib.sha256(f"unavailable:{figure.url}".encode()).hexdigest(),
                )
            )
            continue
        found.append(Delivery.from_file(source, figure.edition, figure.url, path, now))
    return found
