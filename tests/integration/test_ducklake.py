"""The shared-engine target: the whole pipeline (Dagster, loaders, dbt) into a DuckLake catalog with Parquet data
files, in the environment `make ducklake-env` builds (DuckDB 1.4.4 and its DuckLake extension from PyPI, since
DuckDB 2.0 cannot load DuckLake on this network). The marts must match a run into the local file."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT
from tests.deployment import EXTENSIONS, LAKE_ENV
from tests.integration.warehouse_queries import MARTS as SHARED_MARTS
from warehouse.db import connect_read

pytestmark = [pytest.mark.integration, pytest.mark.shared_engine]

MARTS = (*SHARED_MARTS[:11], "fx_rates")
"""The marts every integration test reads (the first eleven), and the FX rates the DuckLake build converts with."""

COUNTS_SQL = " union all ".join(f"select '{m}' as mart, count(*) as n from marts.{m}" for m in MARTS)


def _lake_env(tmp_path: Path, mirror: Path) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("AIMETRICS_")}
    home = tmp_path / "lake_home"
    home.mkdir()
    shutil.copy(PROJECT_ROOT / "orchestration" / "dagster.yaml", home / "dagster.yaml")
    return {
        **env,
        "PATH": f"{LAKE_ENV / 'bin'}:{env['PATH']}",
        "PYTHONPATH": str(PROJECT_ROOT),
        "DO_NOT_TRACK": "1",
        "DAGSTER_HOME": str(home),
        "AIMETRICS_DATA_DIR": str(mirror),
        "AIMETRICS_CACHE_DIR": str(tmp_path / "lake_cache"),
        # never the project's own inbox (data/inbox) or report (reports/aimetrics.html)
        "AIMETRICS_INBOX_DIR": str(tmp_path / "lake_inbox"),
        "AIMETRICS_REPORT_PATH": str(tmp_path / "lake_report.html"),
        "AIMETRICS_WAREHOUSE": f"ducklake:{tmp_path / 'catalog.ducklake'}",
        "AIMETRICS_DUCKLAKE_DATA_PATH": f"{tmp_path / 'lake_files'}/",
        "AIMETRICS_DUCKDB_EXTENSION_DIR": str(EXTENSIONS),
    }


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LAKE_ENV / "bin" / "python"), "-m", "orchestration.cli", *args],
        env=env,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.mark.skipif(
    EXTENSIONS is None, reason="no DuckLake environment: `make ducklake-env` builds it (`make test-shared` does)"
)
@pytest.mark.xdist_group("fixture_warehouse")
def test_pipeline_into_ducklake_matches_the_local_file(tmp_path, monkeypatch, built_fixture_warehouse):
    env = _lake_env(tmp_path, built_fixture_warehouse.mirror)
    run = _cli(env, "run")
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "Warehouse: DuckLake" in run.stdout and "0 failed" in run.stdout

    # the data is Parquet files under the data path, the catalog a separate database
    assert list((tmp_path / "lake_files").rglob("*.parquet"))
    assert (tmp_path / "catalog.ducklake").is_file()

    assert_marts_match_the_local_file(
        _cli(env, "query", "--format", "json", COUNTS_SQL), built_fixture_warehouse.path, monkeypatch
    )

    # the published version is listed with the snapshot readers attach; the local file's version tools say so
    listed = _cli(env, "versions", "--format", "json")
    assert listed.returncode == 0, listed.stderr[-2000:]
    (version,) = json.loads(listed.stdout)
    assert f"Published: version {version['version']}" in run.stdout
    assert version["published"] and isinstance(version["snapshot"], int) and version["job"] == "materialize_everything"
    refused = _cli(env, "diff", version["version"])
    assert refused.returncode != 0 and "on a DuckLake, `aimetrics versions` lists" in refused.stderr


def assert_marts_match_the_local_file(query: subprocess.CompletedProcess, local_file: Path, monkeypatch) -> None:
    """The mart counts a DuckLake answered (`aimetrics query --format json COUNTS_SQL`) equal those of the same
    sources built into a local DuckDB file (once, for every test that reads it), and the key marts are not empty."""
    assert query.returncode == 0, query.stderr
    lake_counts = {row["mart"]: row["n"] for row in json.loads(query.stdout)}
    monkeypatch.setenv("AIMETRICS_DUCKDB_PATH", str(local_file))
    with connect_read() as conn:
        file_counts = dict(conn.execute(COUNTS_SQL).fetchall())
    assert lake_counts == file_counts
    assert lake_counts["gpu_prices"] > 0 and lake_counts["frontier_runs"] > 0
