"""`make bench` 5: the shared engine, on the deployment the distributed tests start (tests/deployment.py): a DuckLake
whose catalog is a Postgres database and whose Parquet files are in an S3-compatible store on the loopback, Dagster's
storage in Postgres, steps on Celery workers. Each measurement is a multiple of the same measurement into the local
DuckDB file in the same bench run, and asserts that it built the rows the local run built.

- cold build of the real data (`aimetrics run`), with 1 and with 2 workers, each on a fresh deployment;
- one new tracker day (the daily partitioned job, in-process as the bench's local new day runs) after the same
  synthetic history as the local measurement."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import duckdb

from benchmarks.generate import new_day_dates
from benchmarks.run import STEADY_STATE
from tests.deployment import LAKE_ENV, Deployment, missing_parts
from tests.integration.warehouse_queries import MARTS

COUNTS = " union all ".join(f"select '{mart}' as mart, count(*) as n from marts.{mart}" for mart in MARTS)


def unavailable() -> str | None:
    """Why the deployment cannot start here, or None."""
    missing = missing_parts()
    return "needs " + "; ".join(missing) if missing else None


def local_counts(warehouse: Path) -> dict[str, int]:
    conn = duckdb.connect(str(warehouse), read_only=True)
    try:
        return dict(conn.execute(COUNTS).fetchall())
    finally:
        conn.close()


def _shared_counts(deployment: Deployment) -> dict[str, int]:
    found = deployment.aimetrics("query", "--format", "json", COUNTS)
    if found.returncode != 0:
        raise RuntimeError(f"counting the shared marts failed:\n{found.stderr[-2000:]}")
    return {row["mart"]: row["n"] for row in json.loads(found.stdout)}


def cold_build(work: Path, data: Path, workers: int, local: dict[str, int]) -> dict:
    """`aimetrics run` of the real data on a fresh deployment with `workers` Celery workers."""
    deployment = Deployment(work / f"shared_cold_{workers}", data).start()
    try:
        for number in range(workers):
            deployment.start_worker(f"bench-{number}")
        started = time.perf_counter()
        done = deployment.aimetrics("run", timeout=7200)
        seconds = time.perf_counter() - started
        if done.returncode != 0:
            raise RuntimeError(
                f"aimetrics run on the shared engine failed:\n{done.stdout[-3000:]}{done.stderr[-2000:]}"
            )
        counts = _shared_counts(deployment)
    finally:
        deployment.stop()
    if counts != local:
        raise AssertionError(f"the shared engine built other marts than the local file: {counts} vs {local}")
    return {"workers": workers, "seconds": round(seconds, 2), "mart_rows": sum(counts.values())}


def new_day(work: Path, history_days: int, rows_per_day: int, child) -> dict:
    """The bench's new-day measurement (benchmarks/steps.py `new-day`) with the DuckLake as the warehouse."""
    run = work / f"shared_history_{history_days}"
    run.mkdir(parents=True)
    deployment = Deployment(run / "deployment", run / "mirror").start()
    try:
        first_day = new_day_dates(history_days)[0].isoformat()
        env = deployment.env(
            AIMETRICS_CACHE_DIR=str(run / "cache"), AIMETRICS_TRACKER_FIRST_DAY=first_day, **STEADY_STATE
        )
        result = child(["new-day", str(history_days), str(rows_per_day)], env, python=str(LAKE_ENV / "bin" / "python"))
    finally:
        deployment.stop()
        shutil.rmtree(run / "mirror", ignore_errors=True)
    result.update(history_days=history_days, rows_per_day=rows_per_day)
    return result
