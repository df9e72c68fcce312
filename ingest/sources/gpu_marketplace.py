"""Prime Intellect's GPU marketplace as tracked by tugot17/gpu-price-tracker: a summary every ~30 minutes.

One JSON line per snapshot and chip (`data/summary/<chip>.jsonl`), with each provider's offer count, lowest and
average price in USD per GPU-hour (the tracker's README and its `min_per_gpu` fields say so). A row here is one
provider in one snapshot; the files grow by appending, so a retrieval repeats the earlier snapshots, and
staging keeps each snapshot from the first delivery that held it. dbt rolls the snapshots up to one price per
provider and day for the index (int_gpu_marketplace__daily).
"""

from __future__ import annotations

from datetime import datetime

import pandera.polars as pa
import polars as pl

from ingest.delivery import Delivery, Parsed, RejectedDelivery, frame_for, quarantine_frame
from ingest.fetch import locate_file
from ingest.read.careful import load_json, read_text
from ingest.settings import Settings
from ingest.sources.declaration import Source, first_line
from ingest.values import latest_observation_day, whole_number_problem

SOURCE = "gpu_marketplace"
RAW_TABLE = "gpu_marketplace_snapshots"
PARSER_VERSION = "1"
PRICE_UNIT = "gpu_hour"
URL = "https://raw.githubusercontent.com/tugot17/gpu-price-tracker/main/data/summary/{chip}.jsonl"
MIRROR_FOLDER = "gpu_prices/primeintellect/data/summary"
CHIPS = (
    "A100_80GB_PCIe",
    "A100_80GB_SXM4",
    "B200_180GB",
    "GH200_96GB",
    "H100_80GB_PCIe",
    "H100_80GB_SXM5",
    "H200_141GB",
)
"""The summary files the tracker writes (a mirror folder may hold others: every `*.jsonl` in it is read)."""


class MarketplaceSnapshots(pa.DataFrameModel):
    snapshot_at: pl.Datetime(time_zone="UTC")
    gpu_name: str = pa.Field(str_length={"min_value": 1})
    provider: str = pa.Field(str_length={"min_value": 1})
    offers: int = pa.Field(ge=1)
    min_usd_per_gpu_hour: float = pa.Field(gt=0, lt=1_000)
    avg_usd_per_gpu_hour: float = pa.Field(gt=0, lt=1_000)
    price_unit: str = pa.Field(isin=[PRICE_UNIT])

    class Config:
        strict = True


def locate(settings: Settings) -> list[Delivery]:
    if settings.mirror_dir:
        folder = settings.mirror_dir / MIRROR_FOLDER
        names = sorted(p.stem for p in folder.glob("*.jsonl")) if folder.is_dir() else []
    else:
        names = list(CHIPS)
    return [
        d
        for chip in names
        for d in locate_file(SOURCE, f"{MIRROR_FOLDER}/{chip}.jsonl", URL.format(chip=chip), settings)
    ]


def _snapshot_time(text: object) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else None


def _provider_rows(line: dict, moment: datetime, gpu_name: str) -> tuple[list[tuple], list[str]]:
    rows, problems = [], []
    for provider, stats in (line.get("by_provider") or {}).items():
        stats = stats if isinstance(stats, dict) else {}
        count, low, avg = stats.get("count"), stats.get("min"), stats.get("avg")
        numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (count, low, avg))
        if not numbers or count < 1 or not 0 < low <= avg < 1_000:
            problems.append(
                f"provider {provider!r}: count, min and avg must be numbers with 0 < min <= avg "
                f"(got {count!r}, {low!r}, {avg!r})"
            )
            continue
        if problem := whole_number_problem(count, "count"):
            problems.append(f"provider {provider!r}: {problem}")
            continue
        rows.append((moment, gpu_name, provider, int(count), float(low), float(avg), PRICE_UNIT))
    return rows, problems


def parse(delivery: Delivery) -> Parsed:
    text = read_text(delivery.path)
    rows, bad = [], []
    for number, raw in enumerate(text.splitlines(), 1):
        if not raw.strip():
            continue
        try:
            line = load_json(raw, f"line {number}")
        except RejectedDelivery as error:
            bad.append((number, f"not a JSON line: {error}", raw[:2000]))
            continue
        if not isinstance(line, dict):
            bad.append((number, "a snapshot line is a JSON object", raw[:2000]))
            continue
        moment = _snapshot_time(line.get("timestamp"))
        gpu_name = " ".join(str(line.get(k) or "").strip() for k in ("gpu_type", "socket_type")).strip()
        problem = (
            "timestamp is missing or has no time zone"
            if moment is None
            else f"snapshot at {moment.isoformat()} is after the latest day an observation may carry"
            if moment.date() > latest_observation_day()
            else "gpu_type is missing"
            if not gpu_name
            else None
        )
        if problem:
            bad.append((number, problem, raw[:2000]))
            continue
        found, problems = _provider_rows(line, moment, gpu_name)
        rows += found
        bad += [(number, p, raw[:2000]) for p in problems]
    if not rows and not bad:
        raise RejectedDelivery(f"{delivery.source_file}: no snapshot lines")
    return Parsed(rows=frame_for(MarketplaceSnapshots, rows), quarantine=quarantine_frame(bad))


DECLARATION = Source(
    name=SOURCE,
    raw_table=RAW_TABLE,
    parser_version=PARSER_VERSION,
    schema=MarketplaceSnapshots,
    locate=locate,
    parse=parse,
    description=first_line(__doc__),
    arrives_as="url",
    subject="gpu_prices",
    freshness_days=2,  # polled every 30 minutes
    observed_column="snapshot_at",
    feeds_named_by="gpu_name",  # each chip's summary file is polled on its own
)
