from datetime import UTC, datetime

from ingest.settings import load_settings
from ingest.sources import gpu_marketplace
from tests.conftest import FIXTURE_MIRROR


def _parsed(monkeypatch):
    monkeypatch.setenv("AIMETRICS_DATA_DIR", str(FIXTURE_MIRROR))
    found = gpu_marketplace.locate(load_settings())
    assert [d.source_file for d in found] == ["gpu_prices/primeintellect/data/summary/H100_80GB_SXM5.jsonl"]
    return gpu_marketplace.parse(found[0])


def test_each_provider_of_each_snapshot_is_a_row_per_gpu_hour(monkeypatch):
    parsed = _parsed(monkeypatch)
    gpu_marketplace.MarketplaceSnapshots.validate(parsed.rows)
    first = datetime(2025, 10, 19, 21, 1, 58, 727366, tzinfo=UTC)
    assert parsed.rows.filter(snapshot_at=first).select(
        "gpu_name", "provider", "offers", "min_usd_per_gpu_hour", "avg_usd_per_gpu_hour"
    ).rows() == [("H100_80GB SXM5", "runpod", 4, 2.69, 2.79), ("H100_80GB SXM5", "lambdalabs", 1, 2.99, 2.99)]
    assert set(parsed.rows["price_unit"]) == {"gpu_hour"}
    assert parsed.rows.height == 5  # 2 + 2 (broken_co set aside) + 1


def test_broken_lines_and_provider_entries_are_quarantined_with_their_reason(monkeypatch):
    parsed = _parsed(monkeypatch)
    reasons = dict(zip(parsed.quarantine["row_number"], parsed.quarantine["reason"]))
    assert reasons[2].startswith("provider 'broken_co': count, min and avg must be numbers")
    assert reasons[3].startswith("not a JSON line")
    assert reasons[4] == "timestamp is missing or has no time zone"
    assert len(reasons) == 3


def test_without_a_mirror_every_chip_file_is_fetched_by_url():
    assert len(gpu_marketplace.CHIPS) == 7
    assert gpu_marketplace.URL.format(chip="B200_180GB").startswith("https://raw.githubusercontent.com/tugot17/")
