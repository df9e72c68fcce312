"""dbt run in the step's own process (the default) builds and reports what a `dbt` subprocess does, lets go of the
warehouse when it returns, and builds where the loaders write even when the warehouse path is relative."""

import os

import dagster as dg
import duckdb
import pytest

from orchestration.assets.dbt import CHECKED_THROUGH, dbt_project, warehouse_dbt_models
from orchestration.dbt_resources import InProcessDbtCliResource, LocalDbtCliResource
from orchestration.dbt_reuse import NODE_BUILDS
from warehouse.db import build_path, connect_write

pytestmark = pytest.mark.integration

PRICE_INDEX = dg.AssetSelection.assets(dg.AssetKey(["marts", "gpu_price_index"])).upstream()


def _build(resource, tmp_path, built_fixture_warehouse, monkeypatch, name: str):
    """The GPU price index and what it is built from (seeds, staging, the month-by-month models and their tests)."""
    published = built_fixture_warehouse.copy_to(tmp_path / name)
    monkeypatch.setenv("AIMETRICS_DUCKDB_PATH", str(published))
    result = dg.materialize(
        [warehouse_dbt_models],
        selection=PRICE_INDEX,
        resources={"dbt": resource},
        instance=dg.DagsterInstance.ephemeral(),
    )
    assert result.success
    built = {}  # every materialized asset, with its row count where it is a table
    for event in result.get_asset_materialization_events():
        count = event.step_materialization_data.materialization.metadata.get("dagster/row_count")
        built["/".join(event.asset_key.path)] = count.value if count else None
    checks = sorted((str(check.asset_check_key), check.passed) for check in result.get_asset_check_evaluations())
    # the row counts above were read right after dbt: an in-process dbt that kept the file open would fail them
    with duckdb.connect(str(build_path(published)), read_only=True) as conn:
        index = conn.execute(
            "select * exclude (last_built_at) from intermediate.int_gpu_prices__monthly order by all"
        ).fetchall()
    return built, checks, index


@pytest.mark.xdist_group("fixture_warehouse")
def test_dbt_in_this_process_builds_and_reports_what_a_dbt_process_does(tmp_path, built_fixture_warehouse, monkeypatch):
    monkeypatch.setenv(CHECKED_THROUGH, "left by the caller")
    in_process = _build(
        InProcessDbtCliResource(project_dir=dbt_project), tmp_path, built_fixture_warehouse, monkeypatch, "in"
    )
    subprocess = _build(
        LocalDbtCliResource(project_dir=dbt_project), tmp_path, built_fixture_warehouse, monkeypatch, "sub"
    )
    built, checks, index = in_process
    assert {"marts/gpu_price_index", "intermediate/int_gpu_offers", "intermediate/int_gpu_prices__monthly"} <= set(
        built
    )
    assert built["intermediate/int_gpu_offers"] > 0 and len(index) > 0
    assert len(checks) > 20 and all(passed for _, passed in checks)
    assert in_process == subprocess
    assert os.environ[CHECKED_THROUGH] == "left by the caller"  # what dbt was given for its run is taken back


@pytest.mark.xdist_group("fixture_warehouse")
@pytest.mark.parametrize("resource", [InProcessDbtCliResource, LocalDbtCliResource], ids=["in_process", "subprocess"])
def test_a_relative_warehouse_path_is_built_where_the_loaders_write(
    resource, tmp_path, built_fixture_warehouse, monkeypatch
):
    """A `dbt` subprocess, which starts in the project's folder, resolved a relative AIMETRICS_DUCKDB_PATH from
    there, and the loaders from the current folder."""
    built_fixture_warehouse.copy_to(tmp_path / "here")
    monkeypatch.chdir(tmp_path / "here")
    monkeypatch.setenv("AIMETRICS_DUCKDB_PATH", built_fixture_warehouse.path.name)
    result = dg.materialize(
        [warehouse_dbt_models],
        selection=PRICE_INDEX,
        resources={"dbt": resource(project_dir=dbt_project)},
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    assert result.success
    stem = built_fixture_warehouse.path.stem
    assert (tmp_path / "here" / f"{stem}.build" / built_fixture_warehouse.path.name).exists()
    assert not (dbt_project.project_dir / f"{stem}.build").exists()


@pytest.mark.xdist_group("fixture_warehouse")
def test_a_handle_dbt_leaves_open_does_not_keep_the_warehouse_file(tmp_path, built_fixture_warehouse, monkeypatch):
    """dbt-duckdb closes its database when its last handle is closed; one that is never closed kept the file open
    with dbt's configuration, and the step's read-only connection for the row counts was refused."""
    from dbt.adapters.duckdb.environments import local

    held = []  # every handle dbt opens, left open and still referenced after its call
    opened = local.DuckDBConnectionWrapper.__init__

    def open_and_hold(self, *args):
        opened(self, *args)
        held.append(self)

    monkeypatch.setattr(local.DuckDBConnectionWrapper, "__init__", open_and_hold)
    monkeypatch.setattr(local.DuckDBConnectionWrapper, "close", lambda self: None)
    monkeypatch.setenv("AIMETRICS_DUCKDB_PATH", str(built_fixture_warehouse.copy_to(tmp_path / "left")))
    with connect_write() as conn:  # without the records of its last build, dbt builds it (orchestration/dbt_reuse.py)
        conn.execute(f"drop table {NODE_BUILDS}")
    result = dg.materialize(
        [warehouse_dbt_models],
        selection=dg.AssetSelection.assets(dg.AssetKey(["marts", "gpu_price_index"])),
        resources={"dbt": InProcessDbtCliResource(project_dir=dbt_project)},
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )
    assert result.success
    [built] = result.get_asset_materialization_events()
    assert built.step_materialization_data.materialization.metadata["dagster/row_count"].value > 0
    assert held  # the handles were there to leak
