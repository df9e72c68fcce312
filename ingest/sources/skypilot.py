"""SkyPilot catalog `vms.csv` files: cloud GPU instance offers (on-demand and spot USD per instance-hour).

Columns are read by name (their order and spelling differ between clouds and catalog versions). Only rows
with an accelerator are kept; CPU-only instances are counted, not loaded. Placeholder spot prices (0,
99999999, above on-demand) are flagged in `spot_price_issue` and never used as prices downstream.
"""

from __future__ import annotations

import ast
import json
import os
from datetime import date, datetime, timezone
from pathlib import Path
from urllib.parse import urlparse

import pandera.polars as pa
import polars as pl

from ingest.csvfile import read_csv_records, record_json
from ingest.delivery import Delivery, Parsed, RejectedDelivery, frame_for, modified_day, quarantine_frame
from ingest.fetch import fetch
from ingest.settings import SourceSettings
from ingest.values import parse_number

SOURCE = "skypilot_catalog"
RAW_TABLE = "skypilot_offers"
PARSER_VERSION = "1"
CATALOG_URL = "https://raw.githubusercontent.com/skypilot-org/skypilot-catalog/master/catalogs/{version}/{cloud}/vms.csv"
DEFAULT_VERSION = "v7"
DEFAULT_CLOUDS = "aws,azure,gcp,lambda,runpod,vast,nebius,cudo,fluidstack,paperspace,hyperbolic,shadeform,primeintellect"
PLACEHOLDER_SPOT_MIN = 99_999.0

REQUIRED = ("instancetype", "acceleratorname", "acceleratorcount", "price", "region")


def mirror_deliveries(root: Path) -> list[Delivery]:
    """Catalog files of a local mirror; a file's observation date is its modification date (UTC)."""
    return [Delivery.from_file(SOURCE, modified_day(path), path.relative_to(root).as_posix(), path)
            for path in sorted(root.glob("gpu_prices/skypilot_catalog/*/*/vms.csv"))]


def url_deliveries(settings: SourceSettings) -> list[Delivery]:
    """Fetch today's catalog of every configured cloud (AIMETRICS_SKYPILOT_CLOUDS, AIMETRICS_SKYPILOT_VERSION)."""
    version = os.environ.get("AIMETRICS_SKYPILOT_VERSION", DEFAULT_VERSION)
    clouds = [c.strip() for c in os.environ.get("AIMETRICS_SKYPILOT_CLOUDS", DEFAULT_CLOUDS).split(",") if c.strip()]
    now = datetime.now(timezone.utc)
    found = []
    for cloud in clouds:
        url = CATALOG_URL.format(version=version, cloud=cloud)
        found.append(Delivery.from_file(SOURCE, now.date().isoformat(), url, fetch(url, settings), now))
    return found


def locate(settings: SourceSettings) -> list[Delivery]:
    return mirror_deliveries(settings.mirror_dir) if settings.mirror_dir else url_deliveries(settings)


def _provider_and_version(source_file: str) -> tuple[str, str | None]:
    parts = Path(urlparse(source_file).path).parts
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
    header, records = read_csv_records(delivery.path)
    index = {name.strip().lower(): i for i, name in enumerate(header)}
    missing = [name for name in REQUIRED if name not in index]
    if missing:
        raise RejectedDelivery(f"{delivery.source_file}: not a SkyPilot vms.csv, missing columns {missing}")
    provider, version = _provider_and_version(delivery.source_file)
    observed_on = date.fromisoformat(delivery.edition)

    def cell(record: list[str], name: str) -> str | None:
        position = index.get(name)
        value = record[position].strip() if position is not None and position < len(record) else ""
        return value or None

    rows, bad = [], []
    for number, record in records:
        if len(record) != len(header):
            bad.append((number, f"record has {len(record)} fields, header has {len(header)}", record_json(header, record)))
            continue
        accelerator, count = cell(record, "acceleratorname"), parse_number(cell(record, "acceleratorcount"))
        if not accelerator or not count:
            continue  # a CPU-only instance: not a GPU offer
        price = parse_number(cell(record, "price"))
        if price is None or price <= 0 or price >= PLACEHOLDER_SPOT_MIN:
            bad.append((number, f"on-demand price {cell(record, 'price')!r} is missing, not positive or a placeholder",
                        record_json(header, record)))
            continue
        spot = parse_number(cell(record, "spotprice"))
        gpu_info = cell(record, "gpuinfo")
        rows.append((
            provider, version, observed_on, cell(record, "instancetype"), accelerator, count,
            parse_number(cell(record, "vcpus")), parse_number(cell(record, "memorygib")), gpu_memory_gib(gpu_info),
            cell(record, "region"), cell(record, "availabilityzone"), price, spot, spot_issue(spot, price), gpu_info,
        ))
    frame = frame_for(SkypilotOffers, rows)
    return Parsed(rows=frame, quarantine=quarantine_frame(bad))
