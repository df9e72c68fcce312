from datetime import date

import pytest

from ingest.delivery import Delivery, RejectedDelivery
from ingest.sources import gpu_tracker, gpu_tracker_days, skypilot
from tests.conftest import FIXTURE_MIRROR


def _catalog(cloud: str):
    delivery = next(d for d in skypilot.mirror_deliveries(FIXTURE_MIRROR) if f"/{cloud}/" in d.source_file)
    return delivery, skypilot.parse(delivery)


def test_catalog_rows_are_read_by_column_name_and_cpu_rows_are_not_offers():
    delivery, parsed = _catalog("examplecloud")
    rows = parsed.rows
    assert rows["instance_type"].to_list() == ["gpu-1x-h100", "gpu-8x-h100", "gpu-1x-a100", "gpu-2x-a100"]
    assert set(rows["provider"]) == {"examplecloud"} and set(rows["catalog_version"]) == {"v7"}
    assert set(rows["observed_on"]) == {date.fromisoformat(delivery.edition)}
    assert rows["price_usd_per_hour"].to_list() == [3.0, 24.0, 2.0, 4.0]
    skypilot.SkypilotOffers.validate(rows)


def test_placeholder_spot_prices_are_flagged_not_used():
    _, parsed = _catalog("examplecloud")
    issues = dict(zip(parsed.rows["instance_type"], parsed.rows["spot_price_issue"]))
    assert issues == {
        "gpu-1x-h100": None,
        "gpu-8x-h100": "spot price is 0 (placeholder)",
        "gpu-1x-a100": "spot price 1e+08 is a placeholder",
        "gpu-2x-a100": "spot price above on-demand",
    }


def test_gpu_info_as_python_dict_json_or_bare_name():
    _, parsed = _catalog("examplecloud")
    memory = dict(zip(parsed.rows["instance_type"], parsed.rows["gpu_memory_gib"]))
    assert memory == {"gpu-1x-h100": 80.0, "gpu-8x-h100": 640.0, "gpu-1x-a100": None, "gpu-2x-a100": None}


def test_a_negative_on_demand_price_is_quarantined_with_its_reason():
    _, parsed = _catalog("examplecloud")
    assert parsed.quarantine["row_number"].to_list() == [6]
    assert "'-1' is missing, not positive" in parsed.quarantine["reason"][0]


def test_older_layout_with_gpuinfo_spelling_and_no_spot_column():
    _, parsed = _catalog("oldcloud")
    assert parsed.rows["accelerator_name"].to_list() == ["V100", "T4"]
    assert parsed.rows["spot_price_usd_per_hour"].to_list() == [None, None]
    assert parsed.rows["gpu_memory_gib"].to_list() == [16.0, None]


def test_a_file_without_the_catalog_columns_is_rejected(tmp_path):
    path = tmp_path / "vms.csv"
    path.write_text("name,cost\nx,1\n")
    with pytest.raises(RejectedDelivery, match="missing columns"):
        skypilot.parse(Delivery.from_file("skypilot_catalog", "2026-01-01", "v7/x/vms.csv", path))


def test_catalog_urls_are_fetched_per_configured_cloud(monkeypatch, tmp_path):
    fetched = []

    def fake_fetch(url, settings):
        fetched.append(url)
        path = tmp_path / f"{len(fetched)}.csv"
        path.write_text("InstanceType,AcceleratorName,AcceleratorCount,Price,Region\n")
        return path

    monkeypatch.setattr(skypilot, "fetch", fake_fetch)
    monkeypatch.setenv("AIMETRICS_SKYPILOT_CLOUDS", "lambda, runpod")
    from ingest.settings import load_settings

    found = skypilot.locate(load_settings())
    assert fetched == [skypilot.CATALOG_URL.format(version="v7", cloud=c) for c in ("lambda", "runpod")]
    assert [d.source_file for d in found] == fetched


def test_tracker_duplicates_and_bad_prices_are_quarantined():
    delivery = Delivery.from_file(
        "gpu_pricing_tracker", "latest", gpu_tracker.MIRROR_PATH, FIXTURE_MIRROR / gpu_tracker.MIRROR_PATH
    )
    parsed = gpu_tracker.parse(delivery)
    assert parsed.rows.height == 4
    assert dict(zip(parsed.quarantine["row_number"], parsed.quarantine["reason"])) == {
        5: "duplicate of record 4",
        6: "median price is missing or not positive",
    }
    eight = parsed.rows.filter(gpu_count=8)
    assert eight["price_median_usd"].to_list() == [18.0]
    assert str(parsed.rows["fetched_at"].dtype) == "Datetime(time_unit='us', time_zone='UTC')"
    gpu_tracker.TrackerObservations.validate(parsed.rows)


def test_the_tracker_is_landed_one_observation_day_at_a_time(tmp_path):
    path = tmp_path / "observations.csv"
    TRACKER_HEADER = (FIXTURE_MIRROR / gpu_tracker.MIRROR_PATH).read_text().splitlines()[0]
    path.write_text(
        "\n".join(
            [
                TRACKER_HEADER,
                "2026-03-01,a,H100_SXM,1,global,on_demand,1,2,3,1,https://example.org,",
                "2026-03-02,a,H100_SXM,1,global,on_demand,1,2,3,1,https://example.org,",
                "../../etc/passwd';--,a,H100_SXM,1,global,on_demand,1,2,3,1,https://example.org,",
            ]
        )
        + "\n"
    )
    whole = Delivery.from_file("gpu_pricing_tracker", "latest", gpu_tracker.MIRROR_PATH, path)
    slices = gpu_tracker_days.day_slices(whole, {"2026-03-02"}, tmp_path / "days")
    assert [(d.edition, d.source_file) for d in slices] == [
        ("2026-03-02", "gpu_pricing_tracker/observations.csv#date=2026-03-02"),
        ("undated", "gpu_pricing_tracker/observations.csv#date=undated"),  # a hostile date never names a file
    ]
    assert all(d.path.parent.parent == tmp_path / "days" for d in slices)
    assert gpu_tracker.parse(slices[0]).rows["observed_on"].to_list() == [date(2026, 3, 2)]
    assert gpu_tracker.parse(slices[1]).quarantine["reason"].to_list() == ["date is not YYYY-MM-DD"]
    # the same day's records give the same checksum, whatever else the file holds: an unchanged day is skipped
    again = gpu_tracker_days.day_slices(
        Delivery.from_file("gpu_pricing_tracker", "latest", gpu_tracker.MIRROR_PATH, path),
        {"2026-03-01", "2026-03-02"},
        tmp_path / "other",
    )
    assert {d.edition: d.sha256 for d in again}["2026-03-02"] == slices[0].sha256


def test_a_misspelt_source_declaration_fails_at_import_instead_of_turning_a_check_off(tmp_path, monkeypatch):
    """`FRESHNES_DAYS` once left a feed without its freshness check, silently; a declaration is a dataclass, so a
    field named wrongly stops the module's import with the name."""
    import importlib

    import pytest

    (tmp_path / "my_feed.py").write_text(
        '"""A feed of my own."""\n'
        "from ingest.sources import skypilot\n"
        "from ingest.sources.declaration import Source, first_line\n"
        "DECLARATION = Source(name='my_feed', raw_table='my_feed', parser_version='1', schema=skypilot.SkypilotOffers,\n"
        "    locate=skypilot.locate, parse=skypilot.parse, description=first_line(__doc__), arrives_as='url',\n"
        "    subject='gpu_prices', freshnes_days=3)\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(TypeError, match="unexpected keyword argument 'freshnes_days'"):
        importlib.import_module("my_feed")


def test_every_source_module_declares_its_source_and_the_registry_holds_it():
    import importlib
    import pkgutil

    import ingest.sources
    from ingest.sources import SOURCES
    from ingest.sources.declaration import Source

    declared = []
    for module_info in pkgutil.walk_packages(ingest.sources.__path__, "ingest.sources."):
        module = importlib.import_module(module_info.name)
        if hasattr(module, "SOURCE") and hasattr(module, "RAW_TABLE"):
            assert isinstance(getattr(module, "DECLARATION", None), Source), module_info.name
        declared += [module.DECLARATION] if hasattr(module, "DECLARATION") else []
        declared += list(getattr(module, "DECLARATIONS", ()))
    assert len(declared) == len(SOURCES) == 30
    assert all(SOURCES[source.name] is source for source in declared)
