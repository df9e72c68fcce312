"""The litellm price list (BerriAI/litellm `model_prices_and_context_window.json`, MIT): every model alias with
its provider, mode and prices in USD per token (some per character, second, image or query).

Dated versions in the mirror (`llm_prices/litellm/<YYYY-MM-DD>_<commit>.json`) are one delivery each, observed
on the version's date; without a mirror the current file is fetched, observed on the day of retrieval. Keys
that are not models (`sample_spec`, the mirror's `last_updated`, `fallback_generalizations`) are quarantined,
as are prices that are not numbers; a key published twice in one file keeps its last entry (as a JSON reader
does) and the earlier one is quarantined with the reason.
"""

from __future__ import annotations

import json
import re
from datetime import date

from ingest.delivery import Delivery, Parsed, RejectedDelivery, frame_for, quarantine_frame
from ingest.fetch import locate_file
from ingest.read.careful import load_json, read_text
from ingest.settings import Settings
from ingest.sources.declaration import first_line
from ingest.sources.llm.prices import ListPrices, price_list
from ingest.versions import dated_versions

SOURCE = "litellm_prices"
RAW_TABLE = "litellm_prices"
PARSER_VERSION = "2"
URL = "https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json"
MIRROR_VERSIONS = "llm_prices/litellm/*.json"
NOT_MODELS = {
    "sample_spec": "the list's documentation of its own fields, not a model",
    "fallback_generalizations": "name-matching rules of the list, not a model",
}

_PRICE = re.compile(
    r"^(?P<kind>input|output)_cost_per_(?P<unit>[a-z0-9_]+?)"
    r"(?:_(?P<tier>batches|priority|flex|cache_hit|above_\w+))?$"
)
_CACHE = re.compile(r"^cache_(?P<kind>read|creation)_input_(?P<unit>token|audio_token)_cost(?:_(?P<tier>\w+))?$")


def locate(settings: Settings) -> list[Delivery]:
    if settings.mirror_dir:
        return dated_versions(SOURCE, settings, MIRROR_VERSIONS)
    return locate_file(SOURCE, "", URL, settings)


def price_field(name: str) -> tuple[str, str, str | None] | None:
    """(kind, unit, tier) of a published price field, or None for a field that is no price."""
    if "_cost" not in name:
        return None
    if name == "output_cost_per_reasoning_token":
        return "reasoning", "token", None
    if match := _CACHE.match(name):
        return ("cache_read" if match["kind"] == "read" else "cache_write"), match["unit"], match["tier"]
    if match := _PRICE.match(name):
        return match["kind"], match["unit"], match["tier"]
    return "other", name, None


class _Pairs(list):
    """A JSON object read as its (key, value) pairs, so a key published twice is seen."""


def _entries(text: str, source_file: str) -> tuple[list[tuple[str, object]], list[tuple[int, str, str]]]:
    """The top-level (key, value) pairs in file order; a key published again replaces the earlier entry."""
    top = load_json(text, source_file, pairs_hook=_Pairs)
    if not isinstance(top, _Pairs):
        raise RejectedDelivery(f"{source_file}: not a JSON object of models")
    last = {key: index for index, (key, _) in enumerate(top)}
    duplicates = [
        (
            index + 1,
            f"{key!r} is published again later in the file; the later entry is kept",
            json.dumps({key: _plain(value)})[:2000],
        )
        for index, (key, value) in enumerate(top)
        if last[key] != index
    ]
    return [(key, _plain(value)) for index, (key, value) in enumerate(top) if last[key] == index], duplicates


def _plain(value):
    """A value read with its pairs kept, as plain JSON (objects as dicts, the last of a repeated key wins)."""
    if isinstance(value, _Pairs):
        return {k: _plain(v) for k, v in value}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def parse(delivery: Delivery) -> Parsed:
    observed_on = date.fromisoformat(delivery.edition)
    basis = "version date" if delivery.source_file != URL else "retrieval date"
    entries, bad = _entries(read_text(delivery.path), delivery.source_file)
    rows = []
    for number, (key, value) in enumerate(entries, 1):
        if key in NOT_MODELS or not isinstance(value, dict):
            reason = NOT_MODELS.get(key, f"{key!r} holds a {type(value).__name__}, not a model entry")
            bad.append((number, reason, json.dumps({key: value}, default=str)[:2000]))
            continue
        provider, mode = value.get("litellm_provider"), value.get("mode")
        if not any(price_field(field) for field in value):
            bad.append(
                (number, f"{key}: no price published (no *_cost_* field)", json.dumps({key: value}, default=str)[:2000])
            )
            continue
        for field, price in value.items():
            described = price_field(field)
            if described is None:
                continue
            if not isinstance(price, (int, float)) or isinstance(price, bool) or price < 0:
                bad.append(
                    (
                        number,
                        f"{key}: price field {field} is not a non-negative number ({type(price).__name__})",
                        json.dumps({key: {field: price}}, default=str)[:2000],
                    )
                )
                continue
            kind, unit, tier = described
            rows.append(
                (
                    observed_on,
                    key,
                    provider if isinstance(provider, str) else None,
                    mode if isinstance(mode, str) else None,
                    kind,
                    unit,
                    tier,
                    None,
                    "USD",
                    float(price),
                    1.0,
                    basis,
                    None,
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
