"""The daily GPU rental price tracker: one row per provider, GPU, rental type, region and day.

Prices are USD per GPU-hour, as the tracker's README documents them, whatever `gpu_count` says (min, median,
max over the offers seen that day); a few early rows are instance totals, found and converted in dbt
(int_gpu_offers).
The file is append-only upstream and carries every day since the start; it is landed one day at a time
(gpu_tracker_days.py cuts it): each day is its own delivery with the day as edition and the checksum of that
day's records, so a new day costs that day's work and a day whose records did not change is skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime

import pandera.polars as pa
import polars as pl

from ingest.delivery import Delivery, Parsed, frame_for, quarantine_frame
from ingest.fetch import locate_file
from ingest.read.careful import record_json
from ingest.read.records import Records, parse_carefully, parse_streamed
from ingest.settings import Settings, load_settings
from ingest.sources.declaration import Source, first_line
from ingest.values import latest_observation_day, numbers, too_large_for_int64

SOURCE = "gpu_pricing_tracker"
RAW_TABLE = "gpu_tracker_observations"
PARSER_VERSION = "2"
PRICE_UNIT = "gpu_hour"  # the tracker's README documents price_*_usd as price_per_gpu_hour_usd, whatever gpu_count says
URL = "https://raw.githubusercontent.com/cherielilili/gpu-pricing-tracker/main/data/observations.csv"
MIRROR_PATH = "gpu_pricing_tracker/observations.csv"
COLUMNS = (
    "date",
    "provider",
    "gpu_model",
    "gpu_count",
    "region",
    "rental_type",
    "price_min_usd",
    "price_median_usd",
    "price_max_usd",
    "n_offers",
    "source_url",
    "fetched_at",
)


UNDATED = "undated"
OUT_OF_RANGE = "out_of_range"


def first_day() -> str:
    """The tracker's first day of observations (its daily partitions start here; a tracker file of other days, such
    as the benchmarks' synthetic one, sets AIMETRICS_TRACKER_FIRST_DAY)."""
    return load_settings().tracker_first_day.isoformat()


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def last_day() -> str:
    return latest_observation_day().isoformat()


def locate(settings: Settings) -> list[Delivery]:
    return locate_file(SOURCE, MIRROR_PATH, URL, settings, edition="latest")


class TrackerObservations(pa.DataFrameModel):
    observed_on: pl.Date
    provider: str = pa.Field(str_length={"min_value": 1})
    gpu_name: str = pa.Field(str_length={"min_value": 1})
    gpu_count: int = pa.Field(ge=1, le=64)
    region: str = pa.Field(nullable=True)
    rental_type: str = pa.Field(str_length={"min_value": 1})
    price_min_usd: float = pa.Field(nullable=True, gt=0)
    price_median_usd: float = pa.Field(gt=0, lt=10_000)
    price_max_usd: float = pa.Field(nullable=True, gt=0)
    n_offers: int = pa.Field(nullable=True, ge=0)
    price_source_url: str = pa.Field(nullable=True)
    fetched_at: pl.Datetime(time_zone="UTC") = pa.Field(nullable=True)

    class Config:
        strict = True


def _timestamp(text: str):
    try:
        return datetime.fromisoformat(text) if text else None
    except ValueError:
        return None


def parse(delivery: Delivery) -> Parsed:
    """A tracker file read record by record (any encoding, ragged records set aside), through `rules`."""
    return parse_carefully(rules, delivery)


def parse_batches(deliveries: Sequence[Delivery]) -> Iterator[Parsed]:
    """Many files with one header streamed through `rules` (flat memory): the same rows and reasons as `parse`,
    in batches tagged with `_delivery`. Raises NeedsCarefulParse for a file only `parse` reads exactly."""
    return parse_streamed(rules, deliveries)


KEY = ("date", "provider", "gpu_model", "rental_type", "region", "gpu_count")


def rules(batches: Iterable[Records], deliveries: Sequence[Delivery]) -> Iterator[Parsed]:
    """The tracker's rules, vectorized; a record repeating an earlier one's key is a duplicate, across batches."""
    seen = _no_keys_seen()
    for records in batches:
        columns = records.columns(COLUMNS, "a GPU tracker file", deliveries[0].source_file)
        value = records.frame.with_columns(
            pl.col(columns[name]).fill_null("").str.strip_chars().alias(name) for name in COLUMNS
        )
        parsed, seen = _parse_batch(value, records.names, records.header, seen)
        if records.frame.height:  # files come in order: only the batch's last file can go on into the next batch
            seen = seen.filter(pl.col("_delivery") == records.frame["_delivery"].max())
        yield parsed


def _no_keys_seen() -> pl.DataFrame:
    return pl.DataFrame(schema={"_delivery": pl.Int32, **{name: pl.Utf8 for name in KEY}, "_first": pl.Int64})


NUMBERS = {
    "_count": "gpu_count",
    "_median": "price_median_usd",
    "_offers": "n_offers",
    "_min": "price_min_usd",
    "_max": "price_max_usd",
}
"""The numeric columns, parsed once per distinct text."""


def _parse_batch(value: pl.DataFrame, names: list[str], header: list[str], seen: pl.DataFrame):
    observed_on = pl.col("date").str.strptime(pl.Date, "%Y-%m-%d", strict=False)
    typed = value.with_columns(
        _observed_on=pl.when(pl.col("date").str.contains(r"^\d{4}-\d{1,2}-\d{1,2}$")).then(observed_on),
        **{name: numbers(value[column]) for name, column in NUMBERS.items()},
    )
    problem = (
        pl.when(pl.col("_observed_on").is_null())
        .then(pl.lit("date is not YYYY-MM-DD"))
        .when(
            (pl.col("_observed_on") < date.fromisoformat(first_day()))
            | (pl.col("_observed_on") > date.fromisoformat(last_day()))
        )
        .then(
            pl.format(
                "date {} is outside the tracker's days ({} to {})",
                pl.col("date"),
                pl.lit(first_day()),
                pl.lit(last_day()),
            )
        )
        .when(pl.col("_count").is_null() | (pl.col("_count") < 1) | (pl.col("_count") != pl.col("_count").floor()))
        .then(pl.lit("gpu_count is not a whole number >= 1"))
        .when(too_large_for_int64(pl.col("_count")))
        .then(pl.format("gpu_count {} is too large for a whole-number column (64-bit)", pl.col("gpu_count")))
        .when(too_large_for_int64(pl.col("_offers")))
        .then(pl.format("n_offers {} is too large for a whole-number column (64-bit)", pl.col("n_offers")))
        .when(pl.col("_median").is_null() | (pl.col("_median") <= 0))
        .then(pl.lit("median price is missing or not positive"))
        .when((pl.col("provider") == "") | (pl.col("gpu_model") == ""))
        .then(pl.lit("provider or gpu_model is empty"))
    )
    typed = typed.with_columns(_problem=problem)
    clean = typed.filter(pl.col("_problem").is_null())
    keys = ["_delivery", *KEY]
    firsts = (
        pl.concat([seen, clean.group_by(keys).agg(pl.col("_record").min().alias("_first"))])
        .group_by(keys)
        .agg(pl.col("_first").min())
    )
    typed = (
        typed.join(firsts, on=keys, how="left", nulls_equal=True)
        .sort("_delivery", "_record")
        .with_columns(
            _problem=pl.when(pl.col("_problem").is_null() & (pl.col("_first") != pl.col("_record")))
            .then(pl.format("duplicate of record {}", pl.col("_first")))
            .otherwise(pl.col("_problem"))
        )
    )
    bad, good = typed.filter(pl.col("_problem").is_not_null()), typed.filter(pl.col("_problem").is_null())
    fetched = pl.col("fetched_at").str.to_datetime("%Y-%m-%dT%H:%M:%S%.f%:z", strict=False, time_zone="UTC")
    rows = good.with_columns(_fetched=fetched)
    leftovers = rows.filter(pl.col("_fetched").is_null() & (pl.col("fetched_at") != ""))["fetched_at"].unique()
    if leftovers.len():
        stamps = {text: _utc(_timestamp(text)) for text in leftovers.to_list()}
        rows = rows.with_columns(
            _fetched=pl.coalesce(
                "_fetched",
                pl.col("fetched_at").replace_strict(stamps, default=None, return_dtype=pl.Datetime("us", "UTC")),
            )
        )
    rows = rows.select(
        pl.col("_observed_on").alias("observed_on"),
        "provider",
        pl.col("gpu_model").alias("gpu_name"),
        pl.col("_count").cast(pl.Int64).alias("gpu_count"),
        pl.col("region").replace("", None),
        "rental_type",
        pl.col("_min").alias("price_min_usd"),
        pl.col("_median").alias("price_median_usd"),
        pl.col("_max").alias("price_max_usd"),
        pl.col("_offers").cast(pl.Int64).alias("n_offers"),
        pl.col("source_url").replace("", None).alias("price_source_url"),
        pl.col("_fetched").alias("fetched_at"),
        "_delivery",
    )
    quarantined = quarantine_frame(
        [
            (record["_record"], record["_problem"], record_json(header, [record[name] or "" for name in names]))
            for record in bad.select("_record", "_problem", *names).iter_rows(named=True)
        ]
    ).with_columns(bad["_delivery"])
    return Parsed(rows=rows.cast(dict(frame_for(TrackerObservations, []).schema)), quarantine=quarantined), firsts


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


DECLARATION = Source(
    name=SOURCE,
    raw_table=RAW_TABLE,
    parser_version=PARSER_VERSION,
    schema=TrackerObservations,
    locate=locate,
    parse=parse,
    description=first_line(__doc__),
    arrives_as="url",
    subject="gpu_prices",
    freshness_days=3,  # a daily scrape: three days without a new day is an outage
    parse_batches=parse_batches,
)
