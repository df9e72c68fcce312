"""A daily run leaves, as they are, the dbt nodes whose inputs are those they were built from
(orchestration/dbt_reuse.py): the seeds whose file is the one their table was loaded from (reference.seed_loads), and
the models and tests whose raw tables, seed files and code have not changed since they last succeeded
(reference.dbt_node_builds, which every dbt call records, the full runs' too). A seed file edited before a daily run is
loaded by it: tests/integration/test_gpu_price_trust.py."""

import dagster as dg
import pytest

from orchestration.assets.dbt import DBT_PROJECT_DIR, _manifest, run_results
from orchestration.dbt_reuse import NODE_BUILDS, SEED_LOADS, seed_checksum
from orchestration.run import materialize_everything
from tests.conftest import FIXTURE_MIRROR
from warehouse.db import connect_read, connect_write

pytestmark = pytest.mark.integration

GPU_SEEDS = {"gpu_model_names", "gpu_price_bounds", "gpu_price_categories", "gpu_providers"}
OTHER_FEEDS = {"staging/stg_skypilot__offers", "staging/stg_azure__gpu_prices", "staging/stg_gpu_feeds__offers"}
TRACKER_DOWNSTREAM = {"staging/stg_gpu_tracker__observations", "intermediate/int_gpu_offers", "marts/gpu_prices"}


def test_the_checksum_of_a_seed_file_is_dbts():
    seeds = [node for node in _manifest()["nodes"].values() if node["resource_type"] == "seed"]
    assert len(seeds) > 20
    for node in seeds:
        assert seed_checksum(DBT_PROJECT_DIR / node["original_file_path"]) == node["checksum"]["checksum"], node["name"]


@pytest.mark.xdist_group("fixture_warehouse")
def test_a_daily_run_builds_only_what_its_new_inputs_change(monkeypatch, tmp_path, built_fixture_warehouse):
    monkeypatch.setenv("AIMETRICS_DUCKDB_PATH", str(built_fixture_warehouse.copy_to(tmp_path / "copy")))
    monkeypatch.setenv("AIMETRICS_DATA_DIR", str(built_fixture_warehouse.mirror))
    with connect_read() as conn:
        loads = dict(conn.execute(f"select seed, sha256 from {SEED_LOADS}").fetchall())
        recorded = {row[0] for row in conn.execute(f"select node from {NODE_BUILDS}").fetchall()}
    # the fixture build (a full run) recorded every seed it loaded, with its file's checksum, and every node's inputs
    for name in GPU_SEEDS:
        assert loads[f"reference.{name}"] == seed_checksum(DBT_PROJECT_DIR / "seeds" / f"{name}.csv")
    assert {"model.aimetrics.gpu_prices", "model.aimetrics.stg_skypilot__offers"} <= recorded
    assert sum(uid.startswith("test.") for uid in recorded) > 200

    # nothing new: the run leaves every seed, model and test of the GPU prices as it is, and still publishes
    instance = dg.DagsterInstance.ephemeral()
    idle = materialize_everything("refresh_gpu_prices", instance=instance, log_level="WARNING")
    assert idle.success and not idle.checks_failed and idle.published
    assert _left(instance, idle.run_id, "loaded") == {f"reference/{name}" for name in GPU_SEEDS}
    assert OTHER_FEEDS | TRACKER_DOWNSTREAM <= _left(instance, idle.run_id, "built")
    # with nothing to build or check, dbt is not started at all: the run made no dbt call (no target folder)
    assert run_results(idle.run_id) is None
    assert any("dbt is not started" in (entry.user_message or "") for entry in instance.all_logs(idle.run_id))
    # each test gives the verdict it gave on the same inputs, so that publishing is gated on a result of this run
    checked_before = _checked_before(instance, idle.run_id)
    assert "marts/gpu_prices:not_null_gpu_prices_offer_id" in checked_before
    assert checked_before <= set(idle.checks_passed)

    # a revised tracker file, and a staging view dropped by hand: what reads the tracker is built and checked again,
    # the dropped view is built, the other feeds' models are left
    # (the mirror holds only the tracker's next file: the other feeds find nothing, their tables keep what they had)
    newer = tmp_path / "newer"
    (newer / "gpu_pricing_tracker").mkdir(parents=True)
    tracker = "gpu_pricing_tracker/observations.csv"
    (newer / tracker).write_text((FIXTURE_MIRROR / tracker).read_text().replace(",2.0,2.5,3.0,", ",2.0,2.6,3.0,"))
    monkeypatch.setenv("AIMETRICS_DATA_DIR", str(newer))
    with connect_write() as conn:
        conn.execute("drop view staging.stg_azure__gpu_prices")
    day = materialize_everything("refresh_gpu_prices", instance=instance, log_level="WARNING")
    assert day.success and not day.checks_failed and day.published
    left = _left(instance, day.run_id, "built")
    assert OTHER_FEEDS - {"staging/stg_azure__gpu_prices"} <= left
    assert not (TRACKER_DOWNSTREAM | {"staging/stg_azure__gpu_prices"}) & left
    assert TRACKER_DOWNSTREAM <= _materialized(instance, day.run_id)
    run = _nodes_run(day.run_id)
    assert "test.aimetrics.not_null_gpu_prices_offer_id" in {uid.rsplit(".", 1)[0] for uid in run}
    assert not any("stg_skypilot__offers" in uid for uid in run)
    assert "staging/stg_skypilot__offers:not_null_stg_skypilot__offers_price_usd" in _checked_before(
        instance, day.run_id
    )
    with connect_read() as conn:
        revised = "select usd_per_hour from marts.gpu_prices where source_file = ? and provider = 'exampleco' "
        revised += "and gpu_count = 1 and source_gpu_name = 'H100_SXM'"
        assert conn.execute(revised, ["gpu_pricing_tracker/observations.csv#date=2026-03-01"]).fetchall() == [(2.6,)]
        assert conn.execute("select count(*) from staging.stg_azure__gpu_prices").fetchone()[0] > 0


def _nodes_run(run_id: str) -> list[str]:
    return [
        result["unique_id"]
        for result in run_results(run_id)["results"]
        if not result["unique_id"].startswith("operation.")
    ]


def _checked_before(instance: dg.DagsterInstance, run_id: str) -> set[str]:
    evaluations = [
        entry.dagster_event.event_specific_data
        for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION)
    ]
    return {
        f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"
        for evaluation in evaluations
        if "checked" in evaluation.metadata
    }


def _materializations(instance: dg.DagsterInstance, run_id: str) -> dict[str, dict]:
    return {
        entry.dagster_event.asset_key.to_user_string(): entry.dagster_event.materialization.metadata
        for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION)
    }


def _materialized(instance: dg.DagsterInstance, run_id: str) -> set[str]:
    return set(_materializations(instance, run_id))


def _left(instance: dg.DagsterInstance, run_id: str, said: str) -> set[str]:
    """The assets the run recorded as left as they were: a seed (`loaded`: before) or a model (`built`: before)."""
    return {key for key, metadata in _materializations(instance, run_id).items() if said in metadata}
