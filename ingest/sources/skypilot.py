"""SkyPilot catalog `vms.csv` files: cloud GPU instance offers (on-demand and spot USD per instance-hour).

Columns are read by name (their order and spelling differ between clouds and catalog versions). Only rows
with an accelerator are kept; CPU-only instances are counted, not loaded. Placeholder spot prices (0,
99999999, above on-demand) are flagged in `spot_price_issue` and never used as prices downstream.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlparse

import pandera.polars as pa
import polars as pl

from ingest.delivery import Delivery, Parsed, frame_for, modified_day, quarantine_frame
from ingest.fetch import fetch
from ingest.read.careful import record_json
from ingest.read.records import Records, parse_carefully, parse_streamed
from ingest.read.streamed import unique_names
from ingest.settings import Settings
from ingest.sources.declaration import Source, first_line
from ingest.values import latest_observation_day, numbers

SOURCE = "skypilot_catalog"
RAW_TABLE = "skypilot_offers"
PARSER_VERSION = "3"
PRICE_UNIT = "instance_hour"  # SkyPilot's Price and SpotPrice are the hourly price of the whole instance
CATALOG_URL = (
    "https://raw.githubusercontent.com/skypilot-org/skypilot-catalog/master/catalogs/{version}/{cloud}/vms.csv"
)
PLACEHOLDER_SPOT_MIN = 99_999.0

REQUIRED = ("instancetype", "acceleratorname", "acceleratorcount", "price", "region")


def mirror_deliveries(root: Path) -> list[Delivery]:
    """Catalog files of a local mirror: `<version>/<cloud>/vms.csv`, observed on the file's modification day
    (UTC), and dated snapshots `<version>/<cloud>/<YYYY-MM-DD>/vms.csv`, observed on that day."""
    catalogs = root / "gpu_prices" / "skypilot_catalog"
    found = [(modified_day(path), path) for path in catalogs.glob("*/*/vms.csv")]
    found += [(path.parent.name, path) for path in catalogs.glob("*/*/*/vms.csv")]
    deliveries = []
    for day, path in sorted(found, key=lambda item: (item[0], item[1].as_posix())):
        delivery = Delivery.from_file(SOURCE, day, path.relative_to(root).as_posix(), path, root=root)
        problem = _not_an_observation_day(day)
        deliveries.append(replace(delivery, refused=problem) if problem and not delivery.refused else delivery)
    return deliveries


def _not_an_observation_day(day: str) -> str | None:
    """Why a snapshot folder's name cannot be the day its prices were observed, or None."""
    if not _is_day(day):
        return f"snapshot folder {day!r} is not a YYYY-MM-DD date"
    if date.fromisoformat(day) > latest_observation_day():
        return f"snapshot folder {day} is a day in the future"
    return None


def _is_day(name: str) -> bool:
    try:
        return date.fromisoformat(name).isoformat() == name
    except ValueError:
        return False


def url_deliveries(settings: Settings) -> list[Delivery]:
    """Fetch today's catalog of every configured cloud (AIMETRICS_SKYPILOT_CLOUDS, AIMETRICS_SKYPILOT_VERSION)."""
    version, clouds = settings.skypilot_version, settings.clouds()
    now = datetime.now(UTC)
    found = []
    for cloud in clouds:
        url = CATALOG_URL.format(version=version, cloud=cloud)
        found.append(Delivery.from_file(SOURCE, now.date().isoformat(), url, fetch(url, settings), now))
    return found


def locate(settings: Settings) -> list[Delivery]:
    return mirror_deliveries(settings.mirror_dir) if settings.mirror_dir else url_deliveries(settings)


def _provider_and_version(source_file: str) -> tuple[str, str | None]:
    parts = Path(urlparse(source_file).path).parts
    if len(parts) >= 2 and _is_day(parts[-2]):  # a dated snapshot: <version>/<cloud>/<day>/vms.csv
        parts = parts[:-2] + parts[-1:]
    provider = parts[-2] if len(parts) >= 2 else "unknown"
    version = parts[-3] if len(parts) >= 3 and parts[-3].startswith("v") else None
    return provider, version


def gpu_memory_gib(gpu_info: str | None) -> float | None:
    """Total GPU memory from a GpuInfo cell written as a Python dict, JSON, or a bare name (then unknown)."""
    if not gpu_info or not gpu_info.strip().startswith("{"):
        return None
    try:
        info = json.loads(gpu_info)
    except ValueError:
        try:
            info = ast.literal_eval(gpu_info)
        except (ValueError, SyntaxError):
            return None
    info = {str(k).lower(): v for k, v in info.items()} if isinstance(info, dict) else {}
    total = info.get("totalgpumemoryinmib")
    return round(float(total) / 1024, 3) if isinstance(total, (int, float)) and total > 0 else None


def spot_issue(spot: float | None, on_demand: float | None) -> str | None:
    if spot is None:
        return None
    if spot <= 0:
        return "spot price is 0 (placeholder)"
    if spot >= PLACEHOLDER_SPOT_MIN:
        return f"spot price {spot:g} is a placeholder"
    if on_demand is not None and spot > on_demand:
        return "spot price above on-demand"
    return None


class SkypilotOffers(pa.DataFrameModel):
    provider: str = pa.Field(str_length={"min_value": 1})
    catalog_version: str = pa.Field(nullable=True)
    observed_on: pl.Date
    instance_type: str = pa.Field(str_length={"min_value": 1})
    accelerator_name: str = pa.Field(str_length={"min_value": 1})
    accelerator_count: float = pa.Field(gt=0)
    vcpus: float = pa.Field(nullable=True, ge=0)
    memory_gib: float = pa.Field(nullable=True, ge=0)
    gpu_memory_gib: float = pa.Field(nullable=True, gt=0)
    region: str = pa.Field(nullable=True)
    availability_zone: str = pa.Field(nullable=True)
    price_usd_per_hour: float = pa.Field(gt=0, lt=10_000)
    spot_price_usd_per_hour: float = pa.Field(nullable=True)
    spot_price_issue: str = pa.Field(nullable=True)
    gpu_info: str = pa.Field(nullable=True)

    class Config:
        strict = True


def parse(delivery: Delivery) -> Parsed:
    """A catalog read record by record (any encoding, ragged records set aside), through `rules`."""
    return parse_carefully(rules, delivery)


def parse_batches(deliveries: Sequence[Delivery]) -> Iterator[Parsed]:
    """Many catalogs with one header streamed through `rules` (flat memory): the same rows and reasons as
    `parse`, in batches tagged with `_delivery`. Raises NeedsCarefulParse for a file only `parse` reads exactly."""
    return parse_streamed(rules, deliveries)


def rules(batches: Iterable[Records], deliveries: Sequence[Delivery]) -> Iterator[Parsed]:
    """The catalog's rules, vectorized: provider, version and day from each delivery's path and edition."""
    described = [(_provider_and_version(d.source_file), date.fromisoformat(d.edition)) for d in deliveries]
    # by the delivery's index (`_delivery`): a gather, not a lookup per row
    per_delivery = {
        "_provider": pl.Series([provider for (provider, _), _ in described], dtype=pl.Utf8),
        "_version": pl.Series([version for (_, version), _ in described], dtype=pl.Utf8),
        "_observed_on": pl.Series([day for _, day in described], dtype=pl.Date),
    }
    for records in batches:
        keys = records.columns(REQUIRED, "a SkyPilot vms.csv", deliveries[0].source_file)
        frame = records.frame.with_columns(
            pl.lit(values).gather(pl.col("_delivery")).alias(name) for name, values in per_delivery.items()
        )
        yield _parse_batch(frame, records.header, keys)


def _parse_batch(batch: pl.DataFrame, header: list[str], keys: dict[str, str]) -> Parsed:
    names = unique_names(header)

    def text(name: str) -> pl.Expr:
        column = keys.get(name)
        return pl.col(column).str.strip_chars().replace("", None) if column else pl.lit(None, pl.Utf8)

    stripped = batch.with_columns(
        _accelerator=text("acceleratorname"),
        _count_text=text("acceleratorcount"),
        _price_text=text("price"),
        _spot_text=text("spotprice"),
        _vcpus_text=text("vcpus"),
        _memory_text=text("memorygib"),
        _gpu_info=text("gpuinfo"),
        _currency=text("currency").str.to_uppercase().fill_null("USD"),
    ).filter(pl.col("_accelerator").is_not_null())  # CPU-only instances are no GPU offers
    typed = stripped.with_columns(
        numbers(stripped[f"_{name}_text"]).alias(f"_{name}") for name in ("count", "price", "spot", "vcpus", "memory")
    )
    bad_count = pl.col("_count").is_null() | (pl.col("_count") <= 0)  # `8x`, `eight`, blank: never dropped unsaid
    bad_price = pl.col("_price").is_null() | (pl.col("_price") <= 0) | (pl.col("_price") >= PLACEHOLDER_SPOT_MIN)
    other_currency = pl.col("_currency") != "USD"  # a catalog priced in another currency is not read as USD
    bad = typed.filter(bad_count | other_currency | bad_price)
    good = typed.filter(~bad_count & ~other_currency & ~bad_price)
    memory = {info: gpu_memory_gib(info) for info in good["_gpu_info"].unique().drop_nulls().to_list()}
    spot, price = pl.col("_spot"), pl.col("_price")
    placeholders = {
        value: spot_issue(value, None)
        for value in good.filter(spot >= PLACEHOLDER_SPOT_MIN)["_spot"].unique().to_list()
    }
    rows = good.select(
        pl.col("_provider").alias("provider"),
        pl.col("_version").alias("catalog_version"),
        pl.col("_observed_on").alias("observed_on"),
        text("instancetype").alias("instance_type"),
        pl.col("_accelerator").alias("accelerator_name"),
        pl.col("_count").alias("accelerator_count"),
        pl.col("_vcpus").alias("vcpus"),
        pl.col("_memory").alias("memory_gib"),
        pl.col("_gpu_info").replace_strict(memory, default=None, return_dtype=pl.Float64).alias("gpu_memory_gib"),
        text("region").alias("region"),
        text("availabilityzone").alias("availability_zone"),
        price.alias("price_usd_per_hour"),
        spot.alias("spot_price_usd_per_hour"),
        pl.when(spot.is_null())
        .then(None)
        .when(spot <= 0)
        .then(pl.lit("spot price is 0 (placeholder)"))
        .when(spot >= PLACEHOLDER_SPOT_MIN)
        .then(spot.replace_strict(placeholders, default=None, return_dtype=pl.Utf8))
        .when(spot > price)
        .then(pl.lit("spot price above on-demand"))
        .alias("spot_price_issue"),
        pl.col("_gpu_info").alias("gpu_info"),
        "_delivery",
    )
    quarantined = quarantine_frame(
        [
            (record["_record"], _price_problem(record), record_json(header, [record[name] or "" for name in names]))
            for record in bad.iter_rows(named=True)
        ]
    ).with_columns(bad["_delivery"])
    return Parsed(rows=rows.cast(dict(frame_for(SkypilotOffers, []).schema)), quarantine=quarantined)


def _price_problem(record: dict) -> str:
    if record["_count"] is None or record["_count"] <= 0:
        given = f"{record['_count_text']!r}" if record["_count_text"] else "(blank)"
        return f"accelerator count {given} of {record['_accelerator']} is not a positive number"
    if record["_currency"] != "USD":
        return f"prices in {record['_currency']}: SkyPilot catalogs are read in USD only"
    return f"on-demand price {record['_price_text']!r} is missing, not positive or a placeholder"


DECLARATION = Source(
    name=SOURCE,
    raw_table=RAW_TABLE,
    parser_version=PARSER_VERSION,
    schema=SkypilotOffers,
    locate=locate,
    parse=parse,
    description=first_line(__doc__),
    arrives_as="url",
    subject="gpu_prices",
    freshness_days=3,  # the catalogs are refreshed many times a day
    editions_are_days=True,  # an unchanged price list on a new day still says that day's prices
    feeds_named_by="provider",  # each cloud's catalog is a feed of its own
    parse_batches=parse_batches,
)
