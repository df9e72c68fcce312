from pathlib import Path

import pytest

from ingest.delivery import Delivery, RejectedDelivery
from ingest.sources import carbon as carbon
from tests.conftest import FIXTURE_MIRROR


def _delivery(relative: str, edition: str = "2026-01-01") -> Delivery:
    return Delivery.from_file("test", edition, relative, FIXTURE_MIRROR / relative)


def test_grid_intensity_per_country_with_fossil_share():
    parsed = carbon.parse_grid(_delivery("codecarbon/global_energy_mix.json"))
    rows = {r["iso3"]: r for r in parsed.rows.iter_rows(named=True)}
    assert rows["USA"]["gco2_per_kwh"] == 400.0 and rows["USA"]["fossil_share"] == 0.6
    assert rows["GBR"]["year"] == 2023
    assert parsed.quarantine["reason"].to_list() == ["XXX: carbon_intensity missing or not a number"]
    carbon.GridIntensity.validate(parsed.rows)


def test_intensity_per_source_keeps_references_and_skips_the_unit():
    parsed = carbon.parse_per_source(_delivery("codecarbon/carbon_intensity_per_source.json"))
    assert sorted(parsed.rows.iter_rows()) == [
        ("coal", 1000.0, "https://example.org/coal"),
        ("world_average", 500.0, "https://example.org/world"),
    ]
    assert parsed.quarantine.height == 0


def test_two_vintages_of_cloud_regions_and_their_differences():
    old = carbon.parse_regions(_delivery("mlco2_impact/impact.csv", "mlco2_impact"))
    new = carbon.parse_regions(_delivery("codecarbon/impact.csv", "codecarbon"))
    assert old.rows.filter(region="us-east1")["gco2_per_kwh"].to_list() == [420.0]
    assert new.rows.filter(region="us-east1")["gco2_per_kwh"].to_list() == [300.0]
    assert old.rows.filter(region="us-east1")["pue"].to_list() == [1.12]
    assert new.rows["country_iso3"].to_list() == ["USA"]  # the BOM does not hide the first column
    assert old.rows.filter(provider="examplecloud")["region"].to_list() == ["Paris"]  # named-only region
    assert old.quarantine["reason"].to_list() == ["impact 'not measured' is not a number"]


def test_gpus_short_record_and_implausible_value_are_quarantined_not_shifted():
    parsed = carbon.parse_gpus(_delivery("mlco2_impact/gpus.csv"))
    assert parsed.rows["name"].to_list() == ["Example GPU X", "Example CPU"]
    assert parsed.rows.filter(name="Example CPU")["tflops32"].to_list() == [None]  # NaN is missing, not a number
    reasons = dict(zip(parsed.quarantine["row_number"], parsed.quarantine["reason"]))
    assert reasons[2].startswith("record has 8 fields, header has 9")
    assert reasons[3] == "TFLOPS32 1111 at 250 W is implausible (over 3 TFLOP/s per watt)"
    carbon.Mlco2Gpus.validate(parsed.rows)


def test_broken_json_is_rejected_with_the_position(tmp_path):
    path = tmp_path / "global_energy_mix.json"
    path.write_text('{"USA": {"carbon_intensity": 400,')
    with pytest.raises(RejectedDelivery, match="not valid JSON"):
        carbon.parse_grid(Delivery.from_file("grid_carbon_intensity", "x", "global_energy_mix.json", Path(path)))
