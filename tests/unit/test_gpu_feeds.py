import json
import shutil
from datetime import date

import pytest

from ingest.settings import load_settings
from ingest.sources import gpu_feeds
from tests.conftest import FIXTURE_MIRROR


def test_the_fsdl_table_is_a_feed_declared_without_code(monkeypatch):
    monkeypatch.setenv("AIMETRICS_DATA_DIR", str(FIXTURE_MIRROR))
    found = gpu_feeds.locate(load_settings())
    assert [d.source_file for d in found] == [
        "fsdl_cloud_gpus/cloud-gpus.csv",
        "gpu_prices/multicloud_daily/gpu_pricing_history.csv",
    ]
    parsed = gpu_feeds.parse(found[0])
    rows = {r["instance_type"]: r for r in parsed.rows.iter_rows(named=True)}
    assert (
        rows["ex-a100-8"]["gpu_count"],
        rows["ex-a100-8"]["usd_per_hour"],
        rows["ex-a100-8"]["spot_usd_per_hour"],
    ) == (8.0, 32.0, 12.0)
    assert rows["ex-t4-1"]["region"] == "any" and rows["ex-t4-1"]["feed"] == "fsdl_cloud_gpus"
    assert parsed.quarantine["reason"].to_list() == ["price None is missing or not positive"]
    gpu_feeds.FeedOffers.validate(parsed.rows)


def test_a_json_feed_with_nested_records(tmp_path, monkeypatch):
    feeds = tmp_path / "feeds"
    feeds.mkdir()
    (feeds / "example_json.yml").write_text(
        "name: example_json\nformat: json\nprice_unit: instance_hour\nmirror_path: example/prices.json\nrecords: data.offers\n"
        "columns: {provider: vendor, gpu_name: gpu, gpu_count: count, usd_per_hour: hourly, region: location}\n"
    )
    mirror = tmp_path / "mirror"
    (mirror / "example").mkdir(parents=True)
    (mirror / "example" / "prices.json").write_text(
        json.dumps(
            {
                "data": {
                    "offers": [
                        {"vendor": "V", "gpu": "H100_SXM", "count": 8, "hourly": 20.0, "location": "eu"},
                        {"vendor": "V", "gpu": "L4", "count": 1, "hourly": None, "location": "eu"},
                    ]
                }
            }
        )
    )
    monkeypatch.setenv("AIMETRICS_GPU_FEEDS_DIR", str(feeds))
    monkeypatch.setenv("AIMETRICS_DATA_DIR", str(mirror))
    found = gpu_feeds.locate(load_settings())
    assert [d.source_file for d in found] == ["example/prices.json"]  # the FSDL feed is absent from this mirror
    parsed = gpu_feeds.parse(found[0])
    assert parsed.rows.select("provider", "gpu_name", "gpu_count", "usd_per_hour", "region").rows() == [
        ("V", "H100_SXM", 8.0, 20.0, "eu")
    ]
    assert parsed.quarantine.height == 1
    assert parsed.rows["observed_on"].to_list() == [date.fromisoformat(found[0].edition)]


def test_a_feed_definition_missing_a_required_field_is_named(tmp_path):
    path = tmp_path / "broken.yml"
    path.write_text("name: broken\nformat: csv\nurl: https://example.org/x.csv\ncolumns: {provider: p}\n")
    with pytest.raises(ValueError, match="missing \\['gpu_name', 'gpu_count', 'usd_per_hour'\\]"):
        gpu_feeds.load_feed(path)


def test_a_feed_must_say_the_unit_of_its_prices(tmp_path):
    path = tmp_path / "unitless.yml"
    path.write_text(
        "name: unitless\nformat: csv\nurl: https://example.org/x.csv\n"
        "columns: {provider: p, gpu_name: g, gpu_count: n, usd_per_hour: h}\n"
    )
    with pytest.raises(ValueError, match="declares its price_unit"):
        gpu_feeds.load_feed(path)


def test_a_ragged_csv_record_is_quarantined_with_its_reason(tmp_path, monkeypatch):
    mirror = tmp_path / "mirror"
    shutil.copytree(FIXTURE_MIRROR / "fsdl_cloud_gpus", mirror / "fsdl_cloud_gpus")
    table = mirror / "fsdl_cloud_gpus" / "cloud-gpus.csv"
    table.write_text(table.read_text() + "ShortCloud,H100 (80 GB),Hopper,8,640\n")
    monkeypatch.setenv("AIMETRICS_DATA_DIR", str(mirror))
    parsed = gpu_feeds.parse(gpu_feeds.locate(load_settings())[0])
    assert "record has 5 fields, header has 11" in parsed.quarantine["reason"].to_list()
    assert "ShortCloud" not in parsed.rows["provider"].to_list()
    assert set(parsed.rows["price_unit"]) == {"instance_hour"}


def test_a_versioned_feed_is_one_delivery_per_dated_version(tmp_path, monkeypatch):
    from tests.conftest import FIXTURES

    mirror = tmp_path / "mirror"
    shutil.copytree(FIXTURES / "gpu_trust" / "fsdl_cloud_gpus", mirror / "fsdl_cloud_gpus")
    (mirror / "fsdl_cloud_gpus" / "history" / "latest_dddddddddd.csv").write_text("Cloud\n")
    monkeypatch.setenv("AIMETRICS_DATA_DIR", str(mirror))
    versions = [d for d in gpu_feeds.locate(load_settings()) if "/history/" in d.source_file]
    assert [(d.edition, d.refused is None) for d in versions] == [
        ("2022-08-05", True),
        ("2023-03-01", True),
        ("2024-06-10", True),
        ("latest_ddd", False),
    ]
    parsed = gpu_feeds.parse(versions[1])
    assert set(parsed.rows["date_basis"]) == {"version date"}
    assert parsed.rows["observed_on"].to_list() == [date(2023, 3, 1)] * 2


def test_a_cumulative_feed_dates_its_rows_and_sets_aside_the_publishers_estimates(monkeypatch):
    monkeypatch.setenv("AIMETRICS_DATA_DIR", str(FIXTURE_MIRROR))
    found = [d for d in gpu_feeds.locate(load_settings()) if "multicloud" in d.source_file]
    assert [d.source_file for d in found] == ["gpu_prices/multicloud_daily/gpu_pricing_history.csv"]
    parsed = gpu_feeds.parse(found[0])
    gpu_feeds.FeedOffers.validate(parsed.rows)
    rows = parsed.rows.select(
        "observed_on", "provider", "region", "pricing", "usd_per_hour", "price_unit", "date_basis"
    ).rows()
    assert rows[:3] == [
        (date(2026, 5, 21), "ExampleCloud", "us-east-1", "on_demand", 6.88, "gpu_hour", "observation date"),
        (date(2026, 5, 21), "ExampleCloud", "us-east-1", "36mo", 3.10, "gpu_hour", "observation date"),
        (date(2026, 5, 21), "ExampleCloud", "us-east-1", "spot", 2.90, "gpu_hour", "observation date"),
    ]
    assert ("ewr,ord,atl", 0.06) in parsed.rows.select("region", "usd_per_hour").rows()
    reasons = parsed.quarantine["reason"].to_list()
    assert (
        reasons[:2] == ["the publisher's estimate of a past price (source=historical_estimate), not an observation"] * 2
    )
    assert reasons[2] == "date '2026-05-2x': '2026-05-2x' is not a date (YYYY-MM-DD)"
    assert reasons[3].startswith("date '2099-01-01': dated 2099-01-01, after the latest day an observation may carry")
    assert parsed.rows.height + parsed.quarantine.height == 10


def test_a_quarantine_rule_names_its_column_value_and_reason(tmp_path):
    path = tmp_path / "rule.yml"
    path.write_text(
        "name: rule\nformat: csv\nprice_unit: gpu_hour\nurl: https://example.org/x.csv\n"
        "columns: {provider: p, gpu_name: g, gpu_count: n, usd_per_hour: h}\n"
        "quarantine_when: [{column: source, equals: estimate}]\n"
    )
    with pytest.raises(ValueError, match="names a column, the value it equals and a reason"):
        gpu_feeds.load_feed(path)


def test_a_version_dated_in_the_future_is_refused(tmp_path, monkeypatch):
    mirror = tmp_path / "mirror"
    shutil.copytree(FIXTURE_MIRROR / "fsdl_cloud_gpus", mirror / "fsdl_cloud_gpus")
    history = mirror / "fsdl_cloud_gpus" / "history"
    history.mkdir(exist_ok=True)
    shutil.copy(mirror / "fsdl_cloud_gpus" / "cloud-gpus.csv", history / "2099-01-01_abc.csv")
    monkeypatch.setenv("AIMETRICS_DATA_DIR", str(mirror))
    refused = [d for d in gpu_feeds.locate(load_settings()) if d.source_file.endswith("2099-01-01_abc.csv")]
    assert refused and "after the latest day an observation may carry" in refused[0].refused


def test_a_mirror_copy_identical_to_a_dated_version_is_that_version(tmp_path, monkeypatch):
    mirror = tmp_path / "mirror"
    shutil.copytree(FIXTURE_MIRROR / "fsdl_cloud_gpus", mirror / "fsdl_cloud_gpus")
    (mirror / "fsdl_cloud_gpus" / "history").mkdir(exist_ok=True)
    shutil.copy(
        mirror / "fsdl_cloud_gpus" / "cloud-gpus.csv", mirror / "fsdl_cloud_gpus" / "history" / "2025-04-22_abc.csv"
    )
    monkeypatch.setenv("AIMETRICS_DATA_DIR", str(mirror))
    found = [(d.edition, d.source_file) for d in gpu_feeds.locate(load_settings())]
    assert found == [("2025-04-22", "fsdl_cloud_gpus/history/2025-04-22_abc.csv")]  # not again on today's date
