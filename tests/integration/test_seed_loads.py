"""A daily run leaves a seed whose file is the one its table was loaded from (reference.seed_loads, which every load
records, the full runs' too). A seed file edited before a daily run is loaded by it:
tests/integration/test_gpu_price_trust.py."""

import dagster as dg
import pytest

from orchestration.assets.dbt import DBT_PROJECT_DIR, SEED_LOADS, _manifest, seed_checksum
from orchestration.run import materialize_everything
from warehouse.db import connect_read, connect_write

pytestmark = pytest.mark.integration

GPU_SEEDS = {"gpu_model_names", "gpu_price_bounds", "gpu_price_categories", "gpu_providers"}


def test_the_checksum_of_a_seed_file_is_dbts():
    seeds = [node for node in _manifest()["nodes"].values() if node["resource_type"] == "seed"]
    assert len(seeds) > 20
    for node in seeds:
        assert seed_checksum(DBT_PROJECT_DIR / node["original_file_path"]) == node["checksum"]["checksum"], node["name"]


@pytest.mark.xdist_group("fixture_warehouse")
def test_a_daily_run_loads_only_the_seeds_whose_file_changed(monkeypatch, tmp_path, built_fixture_warehouse):
    monkeypatch.setenv("AIMETRICS_DUCKDB_PATH", str(built_fixture_warehouse.copy_to(tmp_path / "copy")))
    monkeypatch.setenv("AIMETRICS_DATA_DIR", str(built_fixture_warehouse.mirror))
    with connect_read() as conn:
        loads = dict(conn.execute(f"select seed, sha256 from {SEED_LOADS}").fetchall())
    # the fixture build (a full run) recorded every seed it loaded, with its file's checksum
    for name in GPU_SEEDS:
        assert loads[f"reference.{name}"] == seed_checksum(DBT_PROJECT_DIR / "seeds" / f"{name}.csv")

    instance = dg.DagsterInstance.ephemeral()
    daily = materialize_everything("refresh_gpu_prices", instance=instance, log_level="WARNING")
    assert daily.success and not daily.checks_failed and daily.published
    assert "marts/gpu_prices" in _materialized(instance, daily.run_id)
    assert _left(instance, daily.run_id) == {f"reference/{name}" for name in GPU_SEEDS}
    assert not any(check.startswith("reference/") for check in daily.checks_passed)  # nor their tests run

    # a seed table gone (dropped by hand) is loaded again, the others left
    with connect_write() as conn:
        conn.execute("drop table reference.gpu_providers")
    again = materialize_everything("refresh_gpu_prices", instance=instance, log_level="WARNING")
    assert again.success and again.published
    assert _left(instance, again.run_id) == {f"reference/{name}" for name in GPU_SEEDS} - {"reference/gpu_providers"}
    with connect_read() as conn:
        assert conn.execute("select count(*) from reference.gpu_providers").fetchone()[0] > 0


def _materializations(instance: dg.DagsterInstance, run_id: str) -> dict[str, dict]:
    return {
        entry.dagster_event.asset_key.to_user_string(): entry.dagster_event.materialization.metadata
        for entry in instance.all_logs(run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION)
    }


def _materialized(instance: dg.DagsterInstance, run_id: str) -> set[str]:
    return set(_materializations(instance, run_id))


def _left(instance: dg.DagsterInstance, run_id: str) -> set[str]:
    """The assets the run recorded as left as they were (a seed whose file had not changed)."""
    return {key for key, metadata in _materializations(instance, run_id).items() if "loaded" in metadata}
