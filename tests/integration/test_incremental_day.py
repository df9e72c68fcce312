"""A new day of GPU prices: only the new deliveries are built, a revised day replaces its rows."""

import json

import dagster as dg
import pytest

from orchestration.run import materialize_everything
from tests.conftest import FIXTURE_MIRROR
from tests.integration.warehouse_queries import DBT_PROJECT, incremental_models_differ_from_a_rebuild
from tests.integration.warehouse_queries import rows as _rows
from tests.integration.warehouse_queries import scalar as _scalar
from warehouse.db import connect_read

pytestmark = pytest.mark.integration


@pytest.mark.xdist_group("fixture_warehouse")
def test_a_new_day_of_prices_is_added_incrementally(monkeypatch, tmp_path, built_fixture_warehouse):
    from ingest.delivery import Delivery
    from ingest.sources import SOURCES
    from warehouse.land import land_source

    monkeypatch.setenv("AIMETRICS_DUCKDB_PATH", str(built_fixture_warehouse.copy_to(tmp_path / "copy")))
    with connect_read() as conn:
        before = conn.execute(
            "select source, source_file, edition, count(*), min(ingested_at) from marts.gpu_prices "
            "group by all order by all"
        ).fetchall()
    catalog = tmp_path / "vms.csv"  # the next snapshot of the same catalog: one price moved
    catalog.write_text(
        (FIXTURE_MIRROR / "gpu_prices/skypilot_catalog/v7/examplecloud/vms.csv")
        .read_text()
        .replace(",1.50,3.00,", ",1.50,2.90,")
    )
    land_source(
        SOURCES["skypilot_catalog"],
        deliveries=[
            Delivery.from_file(
                "skypilot_catalog", "2030-01-01", "gpu_prices/skypilot_catalog/v7/examplecloud/vms.csv", catalog
            )
        ],
    )
    # the next version of the tracker file: one price of 1 March revised, 2 March unchanged
    newer = tmp_path / "newer"
    (newer / "gpu_pricing_tracker").mkdir(parents=True)
    (newer / "gpu_pricing_tracker/observations.csv").write_text(
        (FIXTURE_MIRROR / "gpu_pricing_tracker/observations.csv").read_text().replace(",2.0,2.5,3.0,", ",2.0,2.6,3.0,")
    )
    # the marketplace file grown by one snapshot of 20 October (its day is rebuilt in place: median 2.49, 2.29)
    market_file = "gpu_prices/primeintellect/data/summary/H100_80GB_SXM5.jsonl"
    (newer / market_file).parent.mkdir(parents=True)
    (newer / market_file).write_text(
        (FIXTURE_MIRROR / market_file).read_text()
        + json.dumps(
            {
                "timestamp": "2025-10-20T12:00:00+00:00",
                "gpu_type": "H100_80GB",
                "socket_type": "SXM5",
                "by_provider": {"runpod": {"count": 2, "min": 2.2, "avg": 2.29}},
            }
        )
        + "\n"
    )
    monkeypatch.setenv("AIMETRICS_DATA_DIR", str(newer))
    summary = materialize_everything("refresh_gpu_prices", instance=dg.DagsterInstance.ephemeral(), log_level="WARNING")
    assert summary.success and not summary.checks_failed
    # the daily job's key checks read the files written since the published version (here, minutes ago: all of
    # them), named in the check, instead of the whole table
    [results] = (DBT_PROJECT / "target").glob(f"warehouse_dbt_models-{summary.run_id[:7]}-*/run_results.json")
    offers_check = next(
        result["compiled_code"]
        for result in json.loads(results.read_text())["results"]
        if result["unique_id"].startswith("test.aimetrics.unique_combination_int_gpu_offers_offer_id")
    )
    assert "cast(source_file as varchar) in ('" in offers_check
    with connect_read() as conn:
        after = conn.execute(
            "select source, source_file, edition, count(*), min(ingested_at) from marts.gpu_prices "
            "group by all order by all"
        ).fetchall()
        new_day = conn.execute("select count(*) from marts.gpu_prices where observed_on = '2030-01-01'").fetchone()[0]
    revised_day = "gpu_pricing_tracker/observations.csv#date=2026-03-01"
    untouched = [row for row in before if row[1] not in (revised_day, market_file)]
    assert [row for row in untouched if row not in after] == []  # other deliveries (2 March too) were not rebuilt
    assert new_day == 5  # the new snapshot: 4 offers on demand, 1 real spot price
    assert len(after) == len(before) + 1
    assert _rows(
        "select observed_on::varchar, usd_per_gpu_hour from marts.gpu_prices where source = 'gpu_marketplace' "
        "and provider = 'runpod' order by 1"
    ) == [("2025-10-19", pytest.approx(2.74)), ("2025-10-20", pytest.approx(2.39))]
    assert [row[3] for row in after if row[1] == revised_day] == [3]  # the revised day replaced, no duplicates
    assert (
        _scalar(
            "select usd_per_hour from marts.gpu_prices where source_file = ? and provider = 'exampleco' "
            "and gpu_count = 1 and source_gpu_name = 'H100_SXM'",
            [revised_day],
        )
        == 2.6
    )
    # what the day's run built month by month (monthly statistics, anomalies, price changes) is what a build of
    # every offer from scratch gives
    assert incremental_models_differ_from_a_rebuild() == {}
    # and a month's rows were deleted by joining the month once, not each of its new rows with each old row
    # (dbt-duckdb's own delete+insert; macros/delete_insert_merge.sql)
    executed = results.parent / "run/aimetrics/models/intermediate/gpu/int_gpu_prices__daily.sql"
    assert "using (select distinct month from" in " ".join(executed.read_text().split())
