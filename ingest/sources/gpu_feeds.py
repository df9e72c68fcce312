"""GPU price feeds declared without code: a YAML file in `ingest/feeds/` (or AIMETRICS_GPU_FEEDS_DIR) names a
URL or mirror path, the format (CSV, or JSON with the path to its list of records) and which published
column holds each field of an offer, and the unit its prices are in (`price_unit`: `instance_hour` or
`gpu_hour`, as the feed documents it). Each retrieval is a vintage dated by the day it was fetched (a mirror
file's modification day). A feed kept as dated versions (`mirror_versions`: a glob of files named
`<YYYY-MM-DD>_...`) is one delivery per version, observed on the day the table changed. A feed that dates its
own rows (`observed_on` among its columns) is observed on that date, and one with a row per pricing model names
the column (`pricing`). Rows the publisher marks as not observations are quarantined with the feed's reason
(`quarantine_when`). Every row says which date it carries (`date_basis`)."""

from __future__ import annotations

import fnmatch
import json
import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandera.polars as pa
import polars as pl
import yaml

from ingest.delivery import Delivery, Parsed, RejectedDelivery, frame_for, modified_day, quarantine_frame
from ingest.fetch import locate_file
from ingest.read.careful import load_json, read_csv_records, read_text, whole_records
from ingest.settings import Settings, load_settings
from ingest.sources.declaration import Source, first_line
from ingest.values import parse_number
from ingest.versions import dated_versions, version_problem

log = logging.getLogger(__name__)
SOURCE = "gpu_feeds"
RAW_TABLE = "gpu_feed_offers"
PARSER_VERSION = "5"
FEED_DIR = Path(__file__).resolve().parent.parent / "feeds"
FIELDS = (
    "provider",
    "region",
    "instance_type",
    "gpu_name",
    "gpu_count",
    "usd_per_hour",
    "spot_usd_per_hour",
    "observed_on",
    "pricing",
)
REQUIRED = ("provider", "gpu_name", "gpu_count", "usd_per_hour")
PRICE_UNITS = ("instance_hour", "gpu_hour")
DATE_BASES = ("version date", "retrieval date", "file modification date", "observation date")


@dataclass(frozen=True)
class Feed:
    name: str
    format: str
    url: str | None
    mirror_path: str | None
    columns: dict[str, str]
    constants: dict[str, str]
    price_unit: str
    records: str | None = None
    description: str = ""
    mirror_versions: str | None = None
    quarantine_when: tuple[tuple[str, str, str], ...] = ()
    """(published column, value, reason): rows holding that value are set aside with that reason."""
    folder: Path | None = None
    """The folder of the feed's YAML: a user's feed (AIMETRICS_GPU_FEEDS_DIR) may keep its file beside it."""

    def own_file(self) -> Path | None:
        """The feed's file in its own folder, for a feed defined outside the project (read with or without a
        mirror: a user adds a feed without copying the mirror)."""
        if not self.mirror_path or self.folder is None or self.folder.resolve() == FEED_DIR:
            return None
        path = self.folder / self.mirror_path
        return path if path.is_file() else None


def load_feed(path: Path) -> Feed:
    spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    columns, constants = spec.get("columns") or {}, spec.get("constants") or {}
    missing = [f for f in REQUIRED if f not in columns and f not in constants]
    unknown = set(columns) | set(constants) - set(FIELDS)
    if not spec.get("name") or spec.get("format") not in ("csv", "json") or missing or unknown - set(FIELDS):
        raise ValueError(
            f"{path}: a GPU feed needs a name, format csv or json, and columns for {list(REQUIRED)} "
            f"(missing {missing}, unknown {sorted(unknown - set(FIELDS))})"
        )
    if spec.get("price_unit") not in PRICE_UNITS:
        raise ValueError(
            f"{path}: a GPU feed declares its price_unit, one of {list(PRICE_UNITS)} (got {spec.get('price_unit')!r})"
        )
    if not spec.get("url") and not spec.get("mirror_path") and not spec.get("mirror_versions"):
        raise ValueError(f"{path}: a GPU feed needs a url, a mirror_path or mirror_versions")
    rules = spec.get("quarantine_when") or []
    if not all(isinstance(r, dict) and {"column", "equals", "reason"} <= set(r) for r in rules):
        raise ValueError(f"{path}: each quarantine_when rule names a column, the value it equals and a reason")
    return Feed(
        name=spec["name"],
        format=spec["format"],
        url=spec.get("url"),
        mirror_path=spec.get("mirror_path"),
        columns=dict(columns),
        constants={k: str(v) for k, v in constants.items()},
        price_unit=spec["price_unit"],
        records=spec.get("records"),
        description=spec.get("description", ""),
        mirror_versions=spec.get("mirror_versions"),
        quarantine_when=tuple((r["column"], str(r["equals"]), r["reason"]) for r in rules),
        folder=path.parent,
    )


def feeds() -> list[Feed]:
    extra = load_settings().gpu_feeds_dir
    folders = [FEED_DIR] + ([extra] if extra else [])
    return [load_feed(p) for folder in folders if folder.is_dir() for p in sorted(folder.glob("*.yml"))]


def locate(settings: Settings) -> list[Delivery]:
    """Every feed's file (or dated versions). A mirror copy with the same bytes as a dated version is that version,
    already observed on its date: it is left out, rather than observed again on the copy's modification day."""
    versions, copies = [], []
    for feed in feeds():
        if own := feed.own_file():
            copies.append(Delivery.from_file(SOURCE, modified_day(own), feed.mirror_path, own, root=feed.folder))
        elif feed.mirror_versions:
            versions += dated_versions(SOURCE, settings, feed.mirror_versions)
        elif feed.mirror_path if settings.mirror_dir else feed.url:
            copies += locate_file(SOURCE, feed.mirror_path or "", feed.url or "", settings)
    dated = {d.sha256: d.source_file for d in versions if not d.refused}  # empty without a mirror
    for copy in copies:
        if copy.sha256 in dated:
            log.info(
                "%s: same bytes as the dated version %s, observed on its date", copy.source_file, dated[copy.sha256]
            )
    return versions + [copy for copy in copies if copy.sha256 not in dated]


def feed_for(delivery: Delivery) -> Feed:
    for feed in feeds():
        if delivery.source_file in (feed.url, feed.mirror_path) or (
            feed.mirror_versions and fnmatch.fnmatch(delivery.source_file, feed.mirror_versions)
        ):
            return feed
    raise RejectedDelivery(f"{delivery.source_file}: no GPU feed definition names this file")


def date_basis(feed: Feed, delivery: Delivery) -> str:
    """Which date `observed_on` is: the row's own, the version's, the retrieval's, or a mirror file's
    modification day."""
    if "observed_on" in feed.columns:
        return "observation date"
    if feed.mirror_versions:
        return "version date"
    return "retrieval date" if delivery.source_file == feed.url else "file modification date"


class FeedOffers(pa.DataFrameModel):
    feed: str
    observed_on: pl.Date
    provider: str = pa.Field(str_length={"min_value": 1})
    region: str = pa.Field(nullable=True)
    instance_type: str = pa.Field(nullable=True)
    gpu_name: str = pa.Field(str_length={"min_value": 1})
    gpu_count: float = pa.Field(gt=0, le=64)
    usd_per_hour: float = pa.Field(gt=0, lt=10_000)
    spot_usd_per_hour: float = pa.Field(nullable=True, gt=0, lt=10_000)
    price_unit: str = pa.Field(isin=list(PRICE_UNITS))
    date_basis: str = pa.Field(isin=list(DATE_BASES))
    pricing: str = pa.Field(nullable=True)

    class Config:
        strict = True


def _records(feed: Feed, delivery: Delivery, bad: list) -> list[tuple[int, dict[str, str]]]:
    """The feed's records as {published column: text}; CSV records of the wrong length go to `bad`."""
    if feed.format == "csv":
        header, rows = read_csv_records(delivery.path)
        rows, ragged = whole_records(header, rows)
        bad += ragged
        return [(n, dict(zip(header, r))) for n, r in rows]
    data = load_json(read_text(delivery.path), delivery.source_file)
    for key in (feed.records or "").split("."):
        data = data.get(key) if key and isinstance(data, dict) else data
    if not isinstance(data, list):
        raise RejectedDelivery(f"{delivery.source_file}: no list of records at {feed.records!r}")
    records = []
    for number, record in enumerate(data, 1):
        if isinstance(record, dict):
            records.append((number, {k: "" if v is None else str(v) for k, v in record.items()}))
        else:  # a number, a string, a list: no offer, and never dropped without a word
            bad.append((number, f"a record is a JSON object, not {type(record).__name__}", json.dumps(record)[:2000]))
    return records


def _row_date(text: str | None) -> tuple[date | None, str | None]:
    day = (text or "").strip()[:10]
    problem = version_problem(day)
    return (None, f"date {text!r}: {problem}") if problem else (date.fromisoformat(day), None)


def parse(delivery: Delivery) -> Parsed:
    feed = feed_for(delivery)
    edition_day = date.fromisoformat(delivery.edition)
    basis = date_basis(feed, delivery)
    rows, bad = [], []
    for number, record in _records(feed, delivery, bad):
        value = {
            f: (record.get(feed.columns[f], "").strip() if f in feed.columns else feed.constants.get(f, "")) or None
            for f in FIELDS
        }
        count, price = parse_number(value["gpu_count"]), parse_number(value["usd_per_hour"])
        spot = parse_number(value["spot_usd_per_hour"])
        observed_on, date_problem = (
            _row_date(value["observed_on"]) if "observed_on" in feed.columns else (edition_day, None)
        )
        problem = next(
            (reason for column, equals, reason in feed.quarantine_when if (record.get(column) or "").strip() == equals),
            None,
        ) or (
            "provider or GPU name is missing"
            if not value["provider"] or not value["gpu_name"]
            else f"gpu count {value['gpu_count']!r} is not a positive number"
            if not count or count <= 0
            else f"price {value['usd_per_hour']!r} is missing or not positive"
            if not price or price <= 0
            else date_problem
        )
        if problem:
            bad.append((number, problem, json.dumps(record, ensure_ascii=False)))
            continue
        rows.append(
            (
                feed.name,
                observed_on,
                value["provider"],
                value["region"],
                value["instance_type"],
                value["gpu_name"],
                count,
                price,
                spot if spot and 0 < spot <= price else None,
                feed.price_unit,
                basis,
                value["pricing"],
            )
        )
    return Parsed(rows=frame_for(FeedOffers, rows), quarantine=quarantine_frame(bad))


DECLARATION = Source(
    name=SOURCE,
    raw_table=RAW_TABLE,
    parser_version=PARSER_VERSION,
    schema=FeedOffers,
    locate=locate,
    parse=parse,
    description=first_line(__doc__),
    arrives_as="url",
    subject="gpu_prices",
    freshness_days=120,  # the FSDL table is edited in bursts, months apart
    editions_are_days=True,  # an unchanged price list on a new day still says that day's prices
    feeds_named_by="feed",  # each YAML feed is judged fresh on its own
)
