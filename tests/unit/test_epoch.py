import json
from datetime import date

import pytest

from ingest.delivery import Delivery, RejectedDelivery
from ingest.settings import load_settings
from ingest.sources import epoch, epoch_datasets
from tests.conftest import FIXTURE_MIRROR


def _parse(name: str):
    dataset = epoch_datasets.DATASETS[name]
    path = FIXTURE_MIRROR / dataset.mirror_path
    return dataset, epoch.parse(dataset, Delivery.from_file(name, "2026-01-01", dataset.mirror_path, path))


def test_notable_models_typed_columns_lists_and_extra():
    dataset, parsed = _parse("epoch_notable_models")
    rows = {r["model"]: r for r in parsed.rows.iter_rows(named=True)}
    assert list(rows) == ["Example-LM 1", "Example-LM 2"]
    first = rows["Example-LM 1"]
    assert (first["training_compute_flop"], first["hardware_quantity"], first["training_time_hours"]) == (
        2.5e22,
        100.0,
        1000.0,
    )
    assert first["publication_date"] == date(2023, 12, 20)
    assert first["country"] == "United States of America"  # duplicated list entries collapsed
    extra = json.loads(first["extra"])
    assert extra["Abstract"] == 'A model.\nIt spans two lines, with "quotes".'  # multi-line field kept verbatim
    assert rows["Example-LM 2"]["organization"] == "Example Lab, Other Lab"
    assert rows["Example-LM 2"]["training_hardware"] == "Example GPU X, Example TPU"
    dataset.model().validate(parsed.rows)


def test_duplicate_keys_and_bad_dates_are_quarantined():
    _, parsed = _parse("epoch_notable_models")
    assert dict(zip(parsed.quarantine["row_number"], parsed.quarantine["reason"])) == {
        3: "duplicate of record 1 (same model)",
        4: "Publication date 'not a date' is not a date",
    }


def test_scientific_notation_and_us_dates_in_company_rounds():
    _, parsed = _parse("epoch_company_funding_rounds")
    rounds = {r["round_id"]: r for r in parsed.rows.iter_rows(named=True)}
    assert rounds["Example Lab Series A"]["funding_equity_usd"] == 5e8
    assert rounds["Example Lab Series A"]["close_date"] == date(2024, 3, 15)
    assert rounds["Example Lab Series B"]["close_date"] is None
    assert rounds["Example Lab Series B"]["status"] == "Late discussions"
    assert rounds["Example Lab Series B"]["valuation_post_money_usd"] == 2e10


def test_revenue_reports_keep_two_reports_of_one_day():
    _, parsed = _parse("epoch_company_revenue")
    assert parsed.rows["annualized_revenue_usd"].to_list() == [1e8, 1.2e8]
    assert parsed.quarantine.height == 0


def test_hardware_prices_with_bom_and_empty_rental_prices():
    _, parsed = _parse("epoch_hardware_prices")
    assert parsed.rows.columns[0] == "hardware_model"
    assert parsed.rows["usd_per_chip_hour_on_demand"].to_list() == [2.0, 3.0, 10.0, 4.0, None, 3.0, 2.5]
    assert parsed.rows["purchase_price_usd"].to_list()[4] == 30000.0
    # the record numbers keep the file's order, which Epoch's method reads vendors in
    assert parsed.rows["record_number"].to_list() == [1, 2, 3, 4, 5, 6, 7]
    assert parsed.rows["notes"].to_list()[4] == "Release price"


def test_a_file_without_the_key_column_is_rejected(tmp_path):
    path = tmp_path / "ml_hardware.csv"
    path.write_text("Chip,Price\nX,1\n")
    dataset = epoch_datasets.DATASETS["epoch_ml_hardware"]
    with pytest.raises(RejectedDelivery, match="missing key columns"):
        epoch.parse(dataset, Delivery.from_file(dataset.name, "2026-01-01", "ml_hardware.csv", path))


def test_urls_are_fetched_when_no_mirror_is_set(monkeypatch, tmp_path):
    fetched = []

    def fake_fetch(url, settings):
        fetched.append(url)
        (tmp_path / "f.csv").write_text("Model\n")
        return tmp_path / "f.csv"

    monkeypatch.setattr("ingest.fetch.fetch", fake_fetch)
    found = epoch.locate(epoch_datasets.DATASETS["epoch_notable_models"], load_settings())
    assert fetched == ["https://epoch.ai/data/notable_ai_models.csv"]
    assert found[0].source_file == fetched[0]
    assert found[0].edition == found[0].retrieved_at.date().isoformat()


def test_dollar_strings_in_the_full_view():
    _, parsed = _parse("epoch_all_ml_systems")
    costs = dict(zip(parsed.rows["model"], parsed.rows["training_compute_cost_2023_usd"]))
    assert costs == {"Example-LM 1": 250000.5, "Example-LM 2": 12345.6, "Example-LM 5": None, "Example-LM 5 Chat": None}
    # the inputs of Epoch's cost methods are typed
    lm5 = parsed.rows.filter(model="Example-LM 5").row(0, named=True)
    assert (lm5["training_hardware"], lm5["hardware_quantity"], lm5["training_time_hours"], lm5["base_model"]) == (
        "Example GPU Y",
        10.0,
        1000.0,
        None,
    )
    assert parsed.rows.filter(model="Example-LM 5 Chat")["base_model"].to_list() == ["Example-LM 5"]
    assert parsed.rows.filter(model="Example-LM 2")["training_data_center"].to_list() == [
        "Google us-east (either us-east1 or us-east5)"
    ]


def test_the_price_index_is_a_source():
    _, parsed = _parse("epoch_price_index")
    assert parsed.rows.select("month", "ppi").rows()[:2] == [(date(2023, 12, 1), 110.0), (date(2024, 1, 1), 110.0)]
