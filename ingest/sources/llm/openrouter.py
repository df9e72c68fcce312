"""OpenRouter's model list (`https://openrouter.ai/api/v1/models`): every routed model with its prices as
strings in USD per token (`"0"` free, `"-1"` a variable price chosen by the router).

The mirror holds quarterly snapshots of the raw response (`llm_prices/openrouter/snapshots/<date>_<commit>_output.json`,
jvrck/openrouterlist, MIT), each observed on its date, and that repository's change-point ledger
(`prices_history_ledger.json`: per model, `[date, prompt, completion]` in USD per million tokens), each point
observed on its own date. Without a mirror the live list is fetched. A `-1` or unparseable price is quarantined.
"""

from __future__ import annotations

import json
from datetime import date

from ingest.delivery import Delivery, Parsed, RejectedDelivery, frame_for, quarantine_frame
from ingest.fetch import locate_file
from ingest.read.careful import load_json, read_text
from ingest.settings import Settings
from ingest.sources.declaration import first_line
from ingest.sources.llm.prices import ListPrices, price_list
from ingest.values import parse_number
from ingest.versions import dated_versions, version_problem

SOURCE = "openrouter_prices"
RAW_TABLE = "openrouter_prices"
PARSER_VERSION = "3"
URL = "https://openrouter.ai/api/v1/models"
SNAPSHOTS = "llm_prices/openrouter/snapshots/*_output.json"
LEDGER = "llm_prices/openrouter/prices_history_ledger.json"
# published pricing key -> (kind, unit)
PRICED = {
    "prompt": ("input", "token"),
    "completion": ("output", "token"),
    "input_cache_read": ("cache_read", "token"),
    "input_cache_write": ("cache_write", "token"),
    "internal_reasoning": ("reasoning", "token"),
    "request": ("request", "request"),
    "image": ("image", "image"),
    "web_search": ("other", "web_search"),
    "audio": ("input", "audio_token"),
    "image_output": ("output", "image_token"),
}


def locate(settings: Settings) -> list[Delivery]:
    if not settings.mirror_dir:
        return locate_file(SOURCE, "", URL, settings)
    ledger = settings.mirror_dir / LEDGER
    found = dated_versions(SOURCE, settings, SNAPSHOTS)
    if ledger.is_file():
        found += [Delivery.from_file(SOURCE, "latest", LEDGER, ledger, root=settings.mirror_dir)]
    return found


def _json(delivery: Delivery) -> dict:
    data = load_json(read_text(delivery.path), delivery.source_file)
    if not isinstance(data, dict):
        raise RejectedDelivery(f"{delivery.source_file}: not an OpenRouter response or ledger")
    return data


def parse(delivery: Delivery) -> Parsed:
    data = _json(delivery)
    return _ledger(data, delivery) if delivery.source_file == LEDGER else _snapshot(data, delivery)


def _listed_prices(models: list) -> dict[str, list[tuple[int, str]]]:
    """Model id -> (position, pricing as JSON) of every entry of the snapshot naming it."""
    listed: dict[str, list[tuple[int, str]]] = {}
    for number, model in enumerate(models, 1):
        if isinstance(model, dict) and model.get("id") and isinstance(model.get("pricing"), dict):
            listed.setdefault(str(model["id"]), []).append((number, json.dumps(model["pricing"], sort_keys=True)))
    return listed


def _listed_twice(model: dict, number: int, listed: dict[str, list[tuple[int, str]]]) -> str | None:
    """Why this entry is set aside: its id listed again with other prices (which is meant cannot be known, so
    none is used), or a repeat of an earlier entry with the same prices (kept once)."""
    entries = listed[str(model["id"])]
    if len({pricing for _, pricing in entries}) > 1:
        return (
            f"{model['id']}: listed {len(entries)} times with different prices (entries "
            f"{', '.join(str(n) for n, _ in entries)}): none is used"
        )
    if number != entries[0][0]:
        return f"{model['id']}: listed again with the same prices (entry {entries[0][0]} is kept)"
    return None


def _snapshot(data: dict, delivery: Delivery) -> Parsed:
    if not isinstance(data.get("data"), list):
        raise RejectedDelivery(f"{delivery.source_file}: no `data` list of models")
    observed_on = date.fromisoformat(delivery.edition)
    basis = "retrieval date" if delivery.source_file == URL else "version date"
    rows, bad = [], []
    listed = _listed_prices(data["data"])
    for number, model in enumerate(data["data"], 1):
        if not isinstance(model, dict) or not model.get("id") or not isinstance(model.get("pricing"), dict):
            bad.append((number, "a model needs an id and a pricing object", json.dumps(model)[:2000]))
            continue
        if problem := _listed_twice(model, number, listed):
            bad.append((number, problem, json.dumps(model)[:2000]))
            continue
        modality = (model.get("architecture") or {}).get("modality")
        for key, text in model["pricing"].items():
            if key not in PRICED:
                continue
            price = parse_number(str(text)) if text is not None else None
            if price is None or price < 0:
                reason = (
                    "variable price (-1: the router chooses the model)"
                    if str(text).strip() == "-1"
                    else f"price {key}={text!r} is not a number"
                )
                bad.append((number, f"{model['id']}: {reason}", json.dumps({"id": model["id"], key: text})))
                continue
            kind, unit = PRICED[key]
            rows.append(
                (
                    observed_on,
                    model["id"],
                    "openrouter",
                    modality,
                    kind,
                    unit,
                    None,
                    None,
                    "USD",
                    price,
                    1.0,
                    basis,
                    None,
                )
            )
    return Parsed(rows=frame_for(ListPrices, rows), quarantine=quarantine_frame(bad))


def _ledger(data: dict, delivery: Delivery) -> Parsed:
    if not isinstance(data.get("models"), dict):
        raise RejectedDelivery(f"{delivery.source_file}: no `models` object of change points")
    rows, bad = [], []
    for number, (model_id, entry) in enumerate(data["models"].items(), 1):
        points: dict[str, list] = {}  # a day's last change point is its price: an earlier one that day is superseded
        for point in (entry or {}).get("points") or []:
            day, problem = (
                (point[0], None)
                if isinstance(point, list) and len(point) == 3
                else (None, "not [date, prompt, completion]")
            )
            problem = problem or version_problem(str(day))
            if problem:
                bad.append((number, f"{model_id}: change point {problem}", json.dumps(point)))
                continue
            if day in points:
                bad.append(
                    (
                        number,
                        f"{model_id}: change point of {day} superseded by a later one of the same day",
                        json.dumps(points[day]),
                    )
                )
            points[day] = point
        for day, point in points.items():
            for kind, price in (("input", point[1]), ("output", point[2])):
                if price is None:
                    bad.append(
                        (number, f"{model_id}: unpriced ({kind}) at the change point of {day}", json.dumps(point))
                    )
                elif isinstance(price, (int, float)) and price >= 0:
                    rows.append(
                        (
                            date.fromisoformat(day),
                            model_id,
                            "openrouter",
                            None,
                            kind,
                            "token",
                            None,
                            None,
                            "USD",
                            float(price),
                            1e6,
                            "change point (ledger)",
                            None,
                        )
                    )
                else:
                    bad.append((number, f"{model_id}: {kind} price {price!r} is not a number", json.dumps(point)))
    return Parsed(rows=frame_for(ListPrices, rows), quarantine=quarantine_frame(bad))


DECLARATION = price_list(
    name=SOURCE,
    raw_table=RAW_TABLE,
    parser_version=PARSER_VERSION,
    locate=locate,
    parse=parse,
    description=first_line(__doc__),
)
