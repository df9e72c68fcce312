"""A daily run's key checks over the whole history read only the rows written since the published version, and the
rows that could duplicate them, and still find a duplicate (tests/generic/unique_combination.sql): dbt's tests on
a copy of the fixture build, with the window the pipeline sets (AIMETRICS_CHECKED_THROUGH)."""

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from orchestration.assets.dbt import CHECKED_THROUGH, FULL_CHECK_JOB
from orchestration.jobs import materialize_everything
from tests.integration.warehouse_queries import dbt

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("fixture_warehouse")]

KEY_CHECKS = ("stg_gpu_tracker__observations", "int_gpu_offers", "gpu_prices")


@pytest.fixture
def build(tmp_path, reading_the_fixture_build) -> Path:
    """A copy of the fixture build where the dev target builds (warehouse.db.build_path)."""
    path = tmp_path / "warehouse.build" / "warehouse.duckdb"
    path.parent.mkdir()
    shutil.copyfile(reading_the_fixture_build.path, path)
    return path


def _key_checks(tmp_path: Path, checked_through: datetime | None) -> dict[str, tuple[str, str]]:
    """Each model's key check: its status and the SQL it ran."""
    target = tmp_path / f"target-{len(list(tmp_path.glob('target-*')))}"
    done = dbt(
        "--no-use-colors",
        "test",
        "--select",
        *(f"test_name:unique_combination,{model}" for model in KEY_CHECKS),
        "--target-path",
        str(target),
        "--log-path",
        str(target / "logs"),
        env={
            "AIMETRICS_DUCKDB_PATH": str(tmp_path / "warehouse.duckdb"),
            CHECKED_THROUGH: "" if checked_through is None else checked_through.isoformat(),
        },
    )
    results = [
        result
        for result in json.loads((target / "run_results.json").read_text())["results"]
        if result["unique_id"].startswith("test.")  # not the run's hooks
    ]
    assert len(results) == len(KEY_CHECKS), done.stdout[-3000:]
    return {
        next(model for model in KEY_CHECKS if f"_{model}_" in result["unique_id"]): (
            result["status"],
            " ".join(result["compiled_code"].split()),
        )
        for result in results
    }


def test_a_delivery_written_twice_is_found_though_its_first_copy_is_older_than_the_window(tmp_path, build):
    conn = duckdb.connect(str(build))
    try:
        day = conn.execute(
            "select _source_file from raw.gpu_tracker_observations order by _source_file limit 1"
        ).fetchone()[0]
        offer_file = conn.execute(
            "select source_file from intermediate.int_gpu_offers where gpu_model is not null and category_problem "
            "is null and bounds_problem is null order by source_file limit 1"
        ).fetchone()[0]
        window_opens = datetime.now(UTC)  # after every row of the copy was written
        # a day's records landed again and an offer built again, now, beside their first copies (older than the
        # window): what a landing or a delete+insert that lost its delete would leave
        conn.execute(
            "insert into raw.gpu_tracker_observations "
            "select * replace (now() as _ingested_at) from raw.gpu_tracker_observations where _source_file = ?",
            [day],
        )
        conn.execute(
            "insert into intermediate.int_gpu_offers select * replace (now() as built_at) "
            "from intermediate.int_gpu_offers where source_file = ? limit 1",
            [offer_file],
        )
    finally:
        conn.close()
    checks = _key_checks(tmp_path, window_opens)
    assert {model: status for model, (status, _) in checks.items()} == {model: "fail" for model in KEY_CHECKS}
    # each read one file's rows, not the history
    assert f"in ('{day}')" in checks["stg_gpu_tracker__observations"][1]
    assert f"in ('{offer_file}')" in checks["int_gpu_offers"][1]
    assert f"in ('{offer_file}')" in checks["gpu_prices"][1]


def test_with_nothing_written_since_the_published_version_the_checks_read_nothing(tmp_path, build):
    after_everything = datetime.now(UTC) + timedelta(minutes=1)
    assert {
        model: (status, "where false" in sql)
        for model, (status, sql) in _key_checks(tmp_path, after_everything).items()
    } == {model: ("pass", True) for model in KEY_CHECKS}
    # without the window (dbt by hand, the first run, the weekly run of every asset) they read every row
    assert {model: (status, "where" in sql) for model, (status, sql) in _key_checks(tmp_path, None).items()} == {
        model: ("pass", False) for model in KEY_CHECKS
    }


def test_the_run_that_checks_every_row_is_the_job_of_every_asset():
    assert FULL_CHECK_JOB == materialize_everything.name


def test_the_window_opens_a_margin_before_the_published_version(monkeypatch, tmp_path, reading_the_fixture_build):
    from orchestration.assets.dbt import checked_through
    from warehouse.db import connect_published
    from warehouse.versions import stamp_of

    with connect_published() as conn:
        published_at = datetime.fromisoformat(stamp_of(conn)["published_at"])
    assert datetime.fromisoformat(checked_through()) == published_at - timedelta(days=1)
    monkeypatch.setenv("AIMETRICS_RECHECK_MARGIN_S", "60")
    assert datetime.fromisoformat(checked_through()) == published_at - timedelta(seconds=60)
    monkeypatch.setenv("AIMETRICS_DUCKDB_PATH", str(tmp_path / "never_published.duckdb"))
    assert checked_through() is None  # before the first publish every check reads every row
