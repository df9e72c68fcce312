"""dbt's unit tests (the models' SQL on hand-written rows), run here once: a pipeline run leaves them out, since they
check the code, not the data (orchestration/assets/dbt.py)."""

import json
import shutil

import pytest

from tests.integration.warehouse_queries import dbt

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("fixture_warehouse")]


def test_every_dbt_unit_test_passes(tmp_path, reading_the_fixture_build):
    # dbt reads the column types of a unit test's inputs from the warehouse: a copy of the fixture build, placed
    # where the dev target builds (warehouse.db.build_path), so the shared build is never written
    published = tmp_path / "warehouse.duckdb"
    build = tmp_path / "warehouse.build" / "warehouse.duckdb"
    build.parent.mkdir()
    shutil.copyfile(reading_the_fixture_build.path, build)
    done = dbt(
        "--no-use-colors",
        "test",
        "--select",
        "test_type:unit",
        "--target-path",
        str(tmp_path / "target"),
        "--log-path",
        str(tmp_path / "logs"),
        env={"AIMETRICS_DUCKDB_PATH": str(published)},
    )
    assert done.returncode == 0, done.stdout[-3000:]
    manifest = json.loads((tmp_path / "target" / "manifest.json").read_text())
    results = json.loads((tmp_path / "target" / "run_results.json").read_text())["results"]
    ran = {result["unique_id"]: result["status"] for result in results if result["unique_id"].startswith("unit_test.")}
    assert set(ran) == set(manifest["unit_tests"]) and len(ran) >= 27
    assert set(ran.values()) == {"pass"}
