"""Azure Retail Prices API: pay-as-you-go and spot prices of GPU virtual machines, per region (USD per hour).

The public API returns JSON pages linked by `NextPageLink`; a poll fetches every page (with retries and
backoff on timeouts, 5xx and 429) into one delivery dated by the day of the poll. Only Linux consumption
prices of the VM sizes listed in `ingest/layouts/azure_gpu_skus.yml` are offers; everything else is skipped.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

import pandera.polars as pa
import polars as pl
import yaml

from ingest.delivery import Delivery, Parsed, RejectedDelivery, frame_for, modified_day, quarantine_frame
from ingest.fetch import get_json_pages
from ingest.read.careful import load_json, read_text
from ingest.settings import Settings
from ingest.sources.declaration import Source, first_line
from ingest.values import parse_number

SOURCE = "azure_retail_prices"
RAW_TABLE = "azure_gpu_prices"
PARSER_VERSION = "1"
PRICE_UNIT = "instance_hour"  # the Retail Prices API quotes a VM size per hour
API = "https://prices.azure.com/api/retail/prices"
SKU_FILE = Path(__file__).resolve().parent.parent / "layouts" / "azure_gpu_skus.yml"


@lru_cache(maxsize=1)
def gpu_skus() -> dict[str, tuple[str, int]]:
    return {sku: (gpu, int(count)) for sku, (gpu, count) in yaml.safe_load(SKU_FILE.read_text()).items()}


def api_url(settings: Settings) -> str:
    return f"{API}?$filter={quote(settings.azure_filter)}"


def locate(settings: Settings) -> list[Delivery]:
    """Recorded pages in `<mirror>/azure_retail_prices/` (one delivery each), else a live poll of the API."""
    if settings.mirror_dir:
        folder = settings.mirror_dir / "azure_retail_prices"
        return (
            [
                Delivery.from_file(
                    SOURCE, modified_day(p), p.relative_to(settings.mirror_dir).as_posix(), p, root=settings.mirror_dir
                )
                for p in sorted(folder.glob("*.json"))
            ]
            if folder.is_dir()
            else []
        )
    now = datetime.now(UTC)
    pages = get_json_pages(api_url(settings), settings)
    items = [item for page in pages for item in page.get("Items", [])]
    target = settings.cache_dir / SOURCE / f"{now.date().isoformat()}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps({"Items": items, "pages": len(pages)}))
    return [Delivery.from_file(SOURCE, now.date().isoformat(), api_url(settings), target, now)]


class AzureGpuPrices(pa.DataFrameModel):
    observed_on: pl.Date
    arm_sku_name: str
    arm_region_name: str = pa.Field(str_length={"min_value": 1})
    gpu_name: str
    gpu_count: int = pa.Field(ge=1, le=16)
    pricing: str = pa.Field(isin=["on_demand", "spot"])
    usd_per_hour: float = pa.Field(gt=0, lt=10_000)
    product_name: str = pa.Field(nullable=True)
    sku_name: str = pa.Field(nullable=True)
    effective_start_date: str = pa.Field(nullable=True)

    class Config:
        strict = True


def parse(delivery: Delivery) -> Parsed:
    data = load_json(read_text(delivery.path), delivery.source_file)
    items = data.get("Items") if isinstance(data, dict) else None
    if not isinstance(items, list):
        raise RejectedDelivery(f"{delivery.source_file}: not an Azure Retail Prices page (no Items list)")
    observed_on = date.fromisoformat(delivery.edition)
    skus = gpu_skus()
    rows, bad = [], []
    for number, item in enumerate(items, start=1):
        sku = str(item.get("armSkuName") or "")
        sku_name, product = str(item.get("skuName") or ""), str(item.get("productName") or "")
        if (
            sku not in skus
            or item.get("type") != "Consumption"
            or "Windows" in product
            or "Low Priority" in sku_name
            or item.get("unitOfMeasure") != "1 Hour"
        ):
            continue  # not a Linux pay-as-you-go or spot price of a GPU VM
        price = parse_number(str(item.get("retailPrice", "")))
        problem = (
            "currency is not USD"
            if item.get("currencyCode") != "USD"
            else f"retailPrice {item.get('retailPrice')!r} is missing or not positive"
            if not price or price <= 0
            else "region is missing"
            if not item.get("armRegionName")
            else None
        )
        if problem:
            bad.append((number, problem, json.dumps(item)))
            continue
        gpu, count = skus[sku]
        rows.append(
            (
                observed_on,
                sku,
                item["armRegionName"],
                gpu,
                count,
                "spot" if "Spot" in sku_name else "on_demand",
                price,
                product or None,
                sku_name or None,
                item.get("effectiveStartDate"),
            )
        )
    return Parsed(rows=frame_for(AzureGpuPrices, rows), quarantine=quarantine_frame(bad))


DECLARATION = Source(
    name=SOURCE,
    raw_table=RAW_TABLE,
    parser_version=PARSER_VERSION,
    schema=AzureGpuPrices,
    locate=locate,
    parse=parse,
    description=first_line(__doc__),
    arrives_as="url",
    subject="gpu_prices",
    freshness_days=3,  # polled daily
    editions_are_days=True,  # an unchanged price list on a new day still says that day's prices
)
