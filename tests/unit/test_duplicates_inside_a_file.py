"""A file that says one thing twice (a header naming a column twice, a JSON object naming a key twice) is
rejected with the reason, never read with the last (or first) value silently; JSON nested too deep to read is a
rejected delivery, not a crash of the step. Each file is hand-written in its source's format and landed."""

import json

import pytest

from ingest.delivery import Delivery
from ingest.sources import SOURCES
from tests.conftest import FIXTURE_MIRROR
from warehouse.db import connect_read
from warehouse.land import land_source

EPOCH_HEADER = (FIXTURE_MIRROR / "epoch_ai_models" / "notable_ai_models.csv").read_text().splitlines()[0]
SKYPILOT = (FIXTURE_MIRROR / "gpu_prices/skypilot_catalog/v7/examplecloud/vms.csv").read_text().splitlines()


def _land(tmp_path, source: str, edition: str, source_file: str, text: str):
    path = tmp_path / "delivery" / source_file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    report = land_source(SOURCES[source], deliveries=[Delivery.from_file(source, edition, source_file, path)])
    return report.deliveries[0].outcome


@pytest.mark.parametrize(
    "source, edition, source_file, text, column",
    [
        (
            "epoch_notable_models",
            "2026-01-01",
            "notable_ai_models.csv",
            EPOCH_HEADER + ",Model\nA,Lab,2024-01-01" + "," * (EPOCH_HEADER.count(",") - 2) + ",B\n",
            "model",
        ),
        (
            "epoch_notable_models",
            "2026-01-01",
            "notable_ai_models.csv",  # the same name in another case
            EPOCH_HEADER.replace("Organization,", "Organization,ORGANIZATION,", 1) + "\n",
            "organization",
        ),
        (
            "funding_exports",
            "export",
            "funding/deals.csv",
            "Organization Name,Announced Date,Money Raised,Money Raised Currency,Announced Date\nAcme,2024-01-01,1000000,USD,"
            "2023-01-01\n",
            "announced date",
        ),
        (
            "skypilot_catalog",
            "2026-01-01",
            "v7/examplecloud/vms.csv",  # the streamed reader's header
            SKYPILOT[0] + ",Price\n" + "\n".join(line + ",9.99" for line in SKYPILOT[1:]) + "\n",
            "price",
        ),
    ],
)
def test_a_header_naming_a_column_twice_is_rejected(tmp_path, source, edition, source_file, text, column):
    outcome = _land(tmp_path, source, edition, source_file, text)
    assert outcome.status == "rejected"
    assert f"names the column {column!r} twice" in outcome.reason.lower()
    with connect_read() as conn:
        assert conn.execute(f'select count(*) from raw."{SOURCES[source].raw_table}"').fetchall() == [(0,)]


AZURE = json.loads((FIXTURE_MIRROR / "azure_retail_prices" / "page1.json").read_text())
ITEM = json.dumps(AZURE["Items"][0])


@pytest.mark.parametrize(
    "source, edition, source_file, text, key",
    [
        (
            "azure_retail_prices",
            "2026-01-01",
            "page1.json",  # the whole page twice over: which Items?
            '{"BillingCurrency": "USD", "Items": [' + ITEM + '], "Items": []}',
            "Items",
        ),
        (
            "azure_retail_prices",
            "2026-01-01",
            "page1.json",  # one price given twice inside a record
            '{"Items": [' + ITEM.replace('"retailPrice": 90.0', '"retailPrice": 90.0, "retailPrice": 9.0') + "]}",
            "retailPrice",
        ),
        (
            "openrouter_prices",
            "2026-01-01",
            "openrouter/snapshots/2026-01-01/models.json",
            '{"data": [{"id": "x/model", "pricing": {"prompt": "0.000001", "completion": "0.000002",'
            ' "prompt": "0.00001"}}]}',
            "prompt",
        ),
    ],
)
def test_a_json_object_naming_a_key_twice_is_rejected(tmp_path, source, edition, source_file, text, key):
    outcome = _land(tmp_path, source, edition, source_file, text)
    assert outcome.status == "rejected" and f"names the key {key!r} twice" in outcome.reason


def test_a_jsonl_line_naming_a_key_twice_is_quarantined_and_the_other_lines_load(tmp_path):
    lines = (FIXTURE_MIRROR / "gpu_prices/primeintellect/data/summary/H100_80GB_SXM5.jsonl").read_text().splitlines()
    doubled = lines[0].replace('"timestamp"', '"gpu_type": "A100", "timestamp"', 1)
    text = "\n".join([doubled, *lines[1:]]) + "\n"
    outcome = _land(
        tmp_path, "gpu_marketplace", "2026-01-01", "gpu_prices/primeintellect/data/summary/H100_80GB_SXM5.jsonl", text
    )
    assert outcome.status == "loaded" and outcome.rows_quarantined >= 1 and outcome.rows_accepted > 0
    with connect_read() as conn:
        reasons = [r for (r,) in conn.execute("select reason from raw.quarantine where row_number = 1").fetchall()]
    assert any("names the key 'gpu_type' twice" in reason for reason in reasons)


@pytest.mark.parametrize(
    "source, edition, source_file",
    [
        ("litellm_prices", "2026-01-01", "litellm/model_prices_and_context_window.json"),
        ("azure_retail_prices", "2026-01-01", "page1.json"),
        ("grid_carbon_intensity", "2026-01-01", "codecarbon/global_energy_mix.json"),
    ],
)
def test_json_nested_too_deep_is_a_rejected_delivery_not_a_crash(tmp_path, source, edition, source_file):
    outcome = _land(tmp_path, source, edition, source_file, '{"a": ' + "[" * 100_000 + "]" * 100_000 + "}")
    assert outcome.status == "rejected" and "nested too deep" in outcome.reason


def test_a_snapshot_listing_a_model_twice_is_never_read_by_chance(tmp_path):
    model = {
        "id": "x/model-a",
        "architecture": {"modality": "text->text"},
        "pricing": {"prompt": "0.000001", "completion": "0.000002"},
    }
    other = {**model, "pricing": {"prompt": "0.00001", "completion": "0.00002"}}
    repeat = {**model, "id": "x/model-b"}
    text = json.dumps({"data": [model, repeat, other, dict(repeat)]})
    outcome = _land(tmp_path, "openrouter_prices", "2026-01-01", "openrouter/snapshots/2026-01-01.json", text)
    assert outcome.status == "loaded"
    with connect_read() as conn:
        priced = conn.execute(
            "select distinct model_key from raw.openrouter_prices where _source_file = "
            "'openrouter/snapshots/2026-01-01.json'"
        ).fetchall()
        reasons = [
            r
            for (r,) in conn.execute(
                "select reason from raw.quarantine where _source_file = "
                "'openrouter/snapshots/2026-01-01.json' order by row_number"
            ).fetchall()
        ]
    assert priced == [("x/model-b",)]  # model-a's two prices: neither is used
    assert reasons == [
        "x/model-a: listed 2 times with different prices (entries 1, 3): none is used",
        "x/model-a: listed 2 times with different prices (entries 1, 3): none is used",
        "x/model-b: listed again with the same prices (entry 2 is kept)",
    ]
