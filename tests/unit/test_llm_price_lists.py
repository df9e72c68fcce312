"""Each LLM price list parsed from a hand-written file in its published format."""

import json
from datetime import date

import pytest

from ingest.delivery import Delivery
from ingest.settings import load_settings
from ingest.sources.llm import litellm, llmrates, openrouter, token_tariff
from ingest.sources.llm.prices import ListPrices
from tests.conftest import FIXTURE_MIRROR


@pytest.fixture
def mirror(monkeypatch):
    monkeypatch.setenv("AIMETRICS_DATA_DIR", str(FIXTURE_MIRROR))
    return load_settings()


def _rows(parsed, **match) -> list[tuple]:
    frame = parsed.rows.filter(**match) if match else parsed.rows
    return frame.select("model_key", "kind", "unit", "tier", "price", "per").rows()


def test_litellm_versions_are_dated_by_their_name_and_non_models_are_set_aside(mirror):
    found = litellm.locate(mirror)
    assert [(d.edition, d.source_file) for d in found] == [
        ("2024-01-15", "llm_prices/litellm/2024-01-15_aaaaaaaaaa.json"),
        ("2024-06-30", "llm_prices/litellm/2024-06-30_bbbbbbbbbb.json"),
    ]
    first = litellm.parse(found[0])
    ListPrices.validate(first.rows)
    assert set(first.rows["observed_on"]) == {date(2024, 1, 15)} and set(first.rows["date_basis"]) == {"version date"}
    assert _rows(first, model_key="eu.mistral.example-chat-1-v1:0") == [
        ("eu.mistral.example-chat-1-v1:0", "input", "token", None, 0.000011, 1.0),
        ("eu.mistral.example-chat-1-v1:0", "output", "token", None, 0.000033, 1.0),
        ("eu.mistral.example-chat-1-v1:0", "input", "token", "batches", 0.0000055, 1.0),
    ]
    # a price per character keeps its unit: never a per-token price
    assert _rows(first, model_key="example-tts") == [("example-tts", "input", "character", None, 0.000015, 1.0)]
    # the key published twice keeps its last entry (8 per million out), the earlier one is quarantined
    assert _rows(first, model_key="example-chat-2", kind="output") == [
        ("example-chat-2", "output", "token", None, 0.000008, 1.0)
    ]
    reasons = first.quarantine["reason"].to_list()
    assert reasons == [
        "'example-chat-2' is published again later in the file; the later entry is kept",
        "the list's documentation of its own fields, not a model",
    ]


def test_litellm_a_price_that_is_not_a_number_and_a_key_that_is_not_a_model(mirror):
    second = litellm.parse(litellm.locate(mirror)[1])
    reasons = second.quarantine["reason"].to_list()
    assert "example-chat-1: price field search_context_cost_per_query is not a non-negative number (dict)" in reasons
    assert "'last_updated' holds a str, not a model entry" in reasons
    assert second.rows.height == 4


def test_openrouter_prices_are_strings_per_token_with_special_values(mirror):
    found = {d.source_file: d for d in openrouter.locate(mirror)}
    snapshot = openrouter.parse(found["llm_prices/openrouter/snapshots/2024-09-21_cccccccccc_output.json"])
    ListPrices.validate(snapshot.rows)
    assert _rows(snapshot, model_key="exampleai/example-chat-1:free") == [
        ("exampleai/example-chat-1:free", "input", "token", None, 0.0, 1.0),
        ("exampleai/example-chat-1:free", "output", "token", None, 0.0, 1.0),
    ]
    assert ("exampleai/example-chat-1", "image", "image", None, 0.007225, 1.0) in _rows(snapshot)
    assert (
        snapshot.quarantine["reason"].to_list()
        == ["openrouter/auto: variable price (-1: the router chooses the model)"] * 2
    )
    ledger = openrouter.parse(found["llm_prices/openrouter/prices_history_ledger.json"])
    assert ledger.rows.filter(model_key="exampleai/example-chat-1").select(
        "observed_on", "kind", "price", "per"
    ).rows() == [
        (date(2024, 9, 21), "input", 5.0, 1e6),
        (date(2024, 9, 21), "output", 15.0, 1e6),
        (date(2024, 11, 2), "input", 2.5, 1e6),
        (date(2024, 11, 2), "output", 10.0, 1e6),
    ]
    assert (
        ledger.quarantine["reason"].to_list()[0]
        == "exampleai/example-beta: unpriced (input) at the change point of 2024-10-01"
    )


def test_llmrates_prices_are_per_million_in_the_providers_currency(mirror):
    (delivery,) = llmrates.locate(mirror)
    assert delivery.edition == "2026-08-22"  # the version folder's date
    parsed = llmrates.parse(delivery)
    ListPrices.validate(parsed.rows)
    hanzi = parsed.rows.filter(model_key="hanzi-chat", kind="output").select(
        "tier", "region", "currency", "price", "per"
    )
    assert hanzi.rows() == [(None, "china_mainland", "CNY", 8.0, 1e6), ("off_peak", "china_mainland", "CNY", 4.0, 1e6)]
    assert _rows(parsed, model_key="example-painter") == [("example-painter", "image", "image", None, 0.04, 1.0)]
    assert [r.split(" is")[0] for r in parsed.quarantine["reason"]] == ["price_unit 'US$'"]


def test_token_tariff_launch_prices_on_the_release_date(mirror):
    (delivery,) = token_tariff.locate(mirror)
    parsed = token_tariff.parse(delivery)
    ListPrices.validate(parsed.rows)
    launch = parsed.rows.filter(date_basis="release date (launch price)")
    assert launch.select("model_key", "observed_on", "kind", "price").rows() == [
        ("example-chat-1", date(2024, 1, 10), "input", 10.0),
        ("example-chat-1", date(2024, 1, 10), "output", 30.0),
        ("example-retired", date(2023, 3, 1), "input", 1.0),
        ("example-retired", date(2023, 3, 1), "output", 2.0),
    ]
    assert set(parsed.rows["source_url"]) == {
        "https://web.archive.org/example",
        "https://example.org/pricing",
        "https://example.org/old",
    }
    assert parsed.quarantine["reason"].to_list() == [
        "example-chat-2: launch price or release date blank (not verified by the publisher)",
        "example-retired: current price blank (not listed now)",
    ]


def test_an_openrouter_ledger_day_with_two_change_points_is_priced_by_the_later(tmp_path):
    ledger = tmp_path / "prices_history_ledger.json"  # the shape of OpenHands LM 32B's points on 2025-04-03
    ledger.write_text(
        json.dumps(
            {
                "models": {
                    "exampleai/example-lm": {
                        "points": [["2025-04-03", 2.4, 3.6], ["2025-04-03", 2.6, 3.4], ["2025-05-01", 2.0, 3.0]]
                    }
                }
            }
        )
    )
    parsed = openrouter.parse(Delivery.from_file(openrouter.SOURCE, "latest", openrouter.LEDGER, ledger))
    assert parsed.rows.select("observed_on", "kind", "price").rows() == [
        (date(2025, 4, 3), "input", 2.6),
        (date(2025, 4, 3), "output", 3.4),
        (date(2025, 5, 1), "input", 2.0),
        (date(2025, 5, 1), "output", 3.0),
    ]
    assert parsed.quarantine.select("reason", "record").rows() == [
        (
            "exampleai/example-lm: change point of 2025-04-03 superseded by a later one of the same day",
            json.dumps(["2025-04-03", 2.4, 3.6]),
        )
    ]
