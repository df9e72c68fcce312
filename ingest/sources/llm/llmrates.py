"""LLMRates' open pricing dataset (llmrates/llm-pricing-dataset, CC BY 4.0): one row per provider, model, price
tier and region, prices per million tokens (or per image, hour, second, as each column says) in the provider's
own currency (`price_unit`: USD, CNY, ...), each with its `source_url`.

Dated versions in the mirror (`llm_prices/llmrates/<YYYY-MM-DD>_<commit>/models.csv`), observed on the version's
date; without a mirror the repository's current `models.csv`. dbt converts the currency at the ECB rate of the day.
"""

from __future__ import annotations

import re
from datetime import date

from ingest.delivery import Delivery, Parsed, frame_for, quarantine_frame
from ingest.fetch import locate_file
from ingest.read.careful import record_json, required_records
from ingest.settings import Settings
from ingest.sources.declaration import first_line
from ingest.sources.llm.prices import ListPrices, price_list
from ingest.values import parse_number
from ingest.versions import dated_versions

SOURCE = "llmrates_prices"
RAW_TABLE = "llmrates_prices"
PARSER_VERSION = "2"
URL = "https://raw.githubusercontent.com/llmrates/llm-pricing-dataset/main/data/models.csv"
MIRROR_VERSIONS = "llm_prices/llmrates/*/models.csv"
# published column -> (kind, unit, how many units the price is for), per SCHEMA.md
PRICED = {
    "input_price_per_million": ("input", "token", 1e6),
    "cached_input_price_per_million": ("cache_read", "token", 1e6),
    "output_price_per_million": ("output", "token", 1e6),
    "thinking_output_price_per_million": ("reasoning", "token", 1e6),
    "cached_write_price_per_million": ("cache_write", "token", 1e6),
    "image_price": ("image", "image", 1.0),
    "image_price_per_million": ("image", "image_token", 1e6),
    "character_price_per_million": ("other", "character", 1e6),
    "audio_price_per_hour": ("other", "audio_hour", 1.0),
    "audio_price_per_million": ("other", "audio_token", 1e6),
    "video_price_per_second": ("other", "video_second", 1.0),
    "video_price": ("other", "video", 1.0),
    "video_price_per_million": ("other", "video_token", 1e6),
    "track_price": ("other", "music_track", 1.0),
    "page_price": ("other", "page", 1000.0),
    "search_price_per_thousand": ("other", "search", 1000.0),
}
REQUIRED = ("provider_slug", "model_slug", "price_unit", "input_price_per_million", "output_price_per_million")


def locate(settings: Settings) -> list[Delivery]:
    if settings.mirror_dir:
        return dated_versions(SOURCE, settings, MIRROR_VERSIONS, dated_by_folder=True)
    return locate_file(SOURCE, "", URL, settings)


def _tier(record: dict[str, str]) -> str | None:
    """The processing tier and the context-length tier (`tier_label`, else the token range), when not standard."""
    low, high = record.get("token_tier_min", "").strip(), record.get("token_tier_max", "").strip()
    parts = [
        record.get("processing_tier", "").strip(),
        record.get("tier_label", "").strip() or (f"tokens {low}-{high}" if low or high else ""),
    ]
    return ", ".join(dict.fromkeys(p for p in parts if p and p != "standard")) or None


def parse(delivery: Delivery) -> Parsed:
    header, records, bad = required_records(delivery.path, REQUIRED, delivery.source_file, "an LLMRates models.csv")
    observed_on = date.fromisoformat(delivery.edition)
    basis = "retrieval date" if delivery.source_file == URL else "version date"
    rows = []
    for number, fields in records:
        record = dict(zip(header, fields))
        currency = record["price_unit"].strip().upper()
        if not re.fullmatch(r"[A-Z]{3}", currency):
            bad.append(
                (number, f"price_unit {record['price_unit']!r} is not a currency code", record_json(header, fields))
            )
            continue
        if not any(record.get(column, "").strip() for column in PRICED):
            bad.append(
                (number, f"{record['model_slug']}: no price published in this record", record_json(header, fields))
            )
            continue
        for column, (kind, unit, per) in PRICED.items():
            text = record.get(column, "").strip()
            if not text:
                continue
            price = parse_number(text)
            if price is None or price < 0:
                bad.append((number, f"{column} {text!r} is not a non-negative number", record_json(header, fields)))
                continue
            rows.append(
                (
                    observed_on,
                    record["model_slug"].strip(),
                    record["provider_slug"].strip() or None,
                    record.get("model_type", "").strip() or None,
                    kind,
                    unit,
                    _tier(record),
                    record.get("region", "").strip() or None,
                    currency,
                    price,
                    per,
                    basis,
                    record.get("source_url", "").strip() or None,
                )
            )
    return Parsed(rows=frame_for(ListPrices, rows), quarantine=quarantine_frame(bad))


DECLARATION = price_list(
    name=SOURCE,
    raw_table=RAW_TABLE,
    parser_version=PARSER_VERSION,
    locate=locate,
    parse=parse,
    description=first_line(__doc__),
)
