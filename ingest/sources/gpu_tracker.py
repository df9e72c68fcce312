"""The daily GPU rental price tracker: one row per provider, GPU, rental type, region and day.

Prices are USD per instance-hour for `gpu_count` GPUs (min, median, max over the offers seen that day).
The file is append-only upstream and carries every day since the start; it is landed one day at a time
(`day_slices`): each day is its own delivery with the day as edition and the checksum of that day's
records, so a new day costs that day's work and a day whose records did not change is skipped.
"""

from __future__ import annotations

import csv
import hashlib
import re
from datetime import datetime
from pathlib import Path

import pandera.polars as pa
import polars as pl

from ingest.csvfile import read_csv_records, record_json
from ingest.delivery import Delivery, Parsed, RejectedDelivery, frame_for, quarantine_frame
from ingest.fetch import locate_file
from ingest.settings import SourceSettings
from ingest.values import parse_date, parse_number

SOURCE = "gpu_pricing_tracker"
RAW_TABLE = "gpu_tracker_observations"
PARSER_VERSION = "1"
URL = "https://raw.githubusercontent.com/cherielilili/gpu-pricing-tracker/main/data/observations.csv"
MIRROR_PATH = "gpu_pricing_tracker/observations.csv"
COLUMNS = ("date", "provider", "gpu_model", "gpu_count", "region", "rental_type",
           "price_min_usd", "price_median_usd", "price_max_usd", "n_offers", "source_url", "fetched_at")


UNDATED = "undated"
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def locate(settings: SourceSettings) -> list[Delivery]:
    return locate_file(SOURCE, MIRROR_PATH, URL, settings, edition="latest")


def day_slices(delivery: Delivery, days: set[str] | None, out_dir: Path) -> list[Delivery]:
    """One delivery per observation day in `days` (all days when None) that the file has records for, plus an
    `undated` one for records whose date is not YYYY-MM-DD (the parser quarantines them). A file that is not
    a tracker file at all is returned whole, for the parser to reject with its reason."""
    try:
        header, records = read_csv_records(delivery.path)
    except RejectedDelivery:
        return [delivery]
    if "date" not in [name.lower() for name in header]:
        return [delivery]
    column = [name.lower() for name in header].index("date")
    by_day: dict[str, list[list[str]]] = {}
    for _, record in records:
        text = record[column].strip() if column < len(record) else ""
        day = text if _ISO_DAY.match(text) else UNDATED
        if day == UNDATED or days is None or day in days:
            by_day.setdefault(day, []).append(record)
    folder = out_dir / delivery.sha256[:16]
    folder.mkdir(parents=True, exist_ok=True)
    slices = []
    for day, rows in sorted(by_day.items()):
        path = folder / f"{day}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)
        slices.append(Delivery(source=delivery.source, edition=day, source_file=f"{delivery.source_file}#date={day}",
                               path=path, sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
                               retrieved_at=delivery.retrieved_at))
    return slices


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
    header, records = read_csv_records(delivery.path)
    index = {name.lower(): i for i, name in enumerate(header)}
    missing = [name for name in COLUMNS if name not in index]
    if missing:
        raise RejectedDelivery(f"{delivery.source_file}: not a GPU tracker file, missing columns {missing}")
    rows, bad, seen = [], [], {}
    for number, record in records:
        if len(record) != len(header):
            bad.append((number, f"record has {len(record)} fields, header has {len(header)}", record_json(header, record)))
            continue
        value = {name: record[index[name]].strip() for name in COLUMNS}
        observed_on = parse_date(value["date"], ("%Y-%m-%d",))
        count, median = parse_number(value["gpu_count"]), parse_number(value["price_median_usd"])
        problem = (
            "date is not YYYY-MM-DD" if observed_on is None
            else "gpu_count is not a whole number >= 1" if count is None or count < 1 or count != int(count)
            else "median price is missing or not positive" if median is None or median <= 0
            else "provider or gpu_model is empty" if not value["provider"] or not value["gpu_model"]
            else None
        )
        key = (value["date"], value["provider"], value["gpu_model"], value["rental_type"], value["region"], value["gpu_count"])
        if problem is None and key in seen:
            problem = f"duplicate of record {seen[key]}"
        if problem:
            bad.append((number, problem, record_json(header, record)))
            continue
        seen[key] = number
        offers = parse_number(value["n_offers"])
        rows.append((
            observed_on, value["provider"], value["gpu_model"], int(count), value["region"] or None,
            value["rental_type"], parse_number(value["price_min_usd"]), median, parse_number(value["price_max_usd"]),
            int(offers) if offers is not None else None, value["source_url"] or None, _timestamp(value["fetched_at"]),
        ))
    return Parsed(rows=frame_for(TrackerObservations, rows), quarantine=quarantine_frame(bad))
