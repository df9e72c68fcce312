"""One measurement per process (`python -m benchmarks.steps <step> ...`), so that its peak memory is its own.
Each prints one JSON line last. Called by benchmarks/run.py."""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent


def _peak_mb() -> float:
    """This process's peak resident memory (VmHWM: per address space, so not the forking parent's, which
    getrusage's ru_maxrss would report after a fork of a larger process)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _emit(result: dict) -> None:
    print(json.dumps({**result, "peak_mb": _peak_mb()}))


def baseline_ingest(mirror: str, db: str) -> None:
    """Raw DuckDB: every catalog file into one table, as a user would (sniffed, union by name)."""
    files = sorted(str(p) for p in (Path(mirror) / "gpu_prices" / "skypilot_catalog").rglob("vms.csv"))
    started = time.perf_counter()
    conn = duckdb.connect(db)
    conn.execute("create table offers as select * from read_csv(?, union_by_name = true, filename = true)", [files])
    rows = conn.execute("select count(*) from offers").fetchone()[0]
    conn.close()
    _emit({"seconds": round(time.perf_counter() - started, 3), "rows": rows})


def pipeline_ingest(db: str) -> None:
    """The pipeline's path for the same files: locate and checksum, stream, parse, validate, load atomically."""
    from ingest.sources import SOURCES
    from warehouse.land import land_source

    started = time.perf_counter()
    report = land_source(SOURCES["skypilot_catalog"], db_path=Path(db))
    seconds = time.perf_counter() - started
    assert report.count("loaded") == len(report.deliveries), "every synthetic catalog should load"
    _emit(
        {
            "seconds": round(seconds, 3),
            "rows_loaded": report.rows_accepted,
            "rows_quarantined": report.rows_quarantined,
            "deliveries": len(report.deliveries),
        }
    )


def _land_history(mirror: Path) -> None:
    """Land every source from the mirror (all raw tables exist, most empty), the tracker day by day."""
    from ingest.settings import load_settings
    from ingest.sources import SOURCES, gpu_tracker, gpu_tracker_days
    from warehouse.land import land_source

    settings = load_settings()
    for source in SOURCES.values():
        if source.name == gpu_tracker.SOURCE:
            land_source(source, settings=settings, deliveries=gpu_tracker_days.day_deliveries(settings, None))
        elif source.arrives_as != "url" or settings.mirror_dir:
            land_source(source, settings=settings)
    subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), "--quiet", "build", "--profiles-dir", "."],
        cwd=ROOT / "dbt_project",
        check=True,
        env={**os.environ, "DO_NOT_TRACK": "1"},
    )


def _phase(step_key: str) -> str:
    if step_key == "warehouse__published":
        return "publish_s"
    if "pandera" in step_key or "check" in step_key:
        return "checks_s"
    return "ingest_s" if step_key.startswith("raw") else "dbt_s"


def _timed_day(day: str, instance) -> dict:
    from orchestration.definitions import defs
    from orchestration.tracker import register_tracker_days

    job = defs.resolve_job_def("refresh_gpu_prices")
    started = time.perf_counter()  # what the daily schedule's tick does before it starts the run
    assert day in register_tracker_days(instance), f"{day} has no records in the tracker file"
    discover = time.perf_counter() - started
    started = time.perf_counter()
    result = job.execute_in_process(partition_key=day, instance=instance)
    seconds = time.perf_counter() - started
    assert result.success, f"the daily job failed for {day}"
    phases = {"ingest_s": 0.0, "dbt_s": 0.0, "checks_s": 0.0, "publish_s": 0.0}
    for stats in instance.get_run_step_stats(result.run_id):
        spent = (stats.end_time or 0) - (stats.start_time or 0)
        phases[_phase(stats.step_key)] += spent
    published = [m for m in result.asset_materializations_for_node("warehouse__published")]
    assert published, f"the daily job published nothing for {day}"
    return {
        "seconds": round(seconds, 2),
        "discover_days_s": round(discover, 2),
        **{k: round(v, 2) for k, v in phases.items()},
    }


def timed_day(day: str) -> None:
    """One day's run in a process of its own, as the daemon starts one per run: dbt runs in the step's process, so
    a process that ran dbt before would have imported it and would skip what a real run pays. Loading the
    definitions is not timed (a run worker has loaded them before its run starts), as before in-process dbt."""
    import dagster as dg

    import orchestration.definitions  # noqa: F401

    print(json.dumps(_timed_day(day, dg.DagsterInstance.get())))


def _in_a_new_process(day: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.steps", "timed-day", day], cwd=ROOT, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError(f"the timed day failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


FEW_ROWS = 10
"""The rows of the day timed after the measured one: the same job, the same dbt nodes, next to no data."""


def new_day(history_days: str, rows_per_day: str) -> None:
    """`history_days` days of history, the next day's partition as a warm-up, the day after timed in a process of its
    own: the last day of last month (benchmarks/generate.py new_day_dates). Then the first day of this month, with
    FEW_ROWS rows, timed the same way: what the job costs when the day's data costs next to nothing (its month holds
    that day alone), which is the part of a new day no faster SQL can remove."""
    import dagster as dg

    from benchmarks.generate import append_tracker_days, new_day_dates, tracker_days

    mirror = Path(os.environ["AIMETRICS_DATA_DIR"])
    days, per_day = int(history_days), int(rows_per_day)
    first_day, warm_up, measured = new_day_dates(days)
    path = tracker_days(mirror, days, per_day, first_day=first_day)
    started = time.perf_counter()
    _land_history(mirror)
    setup = time.perf_counter() - started
    instance = dg.DagsterInstance.get()
    append_tracker_days(path, warm_up, 1, per_day)
    warm = _timed_day(warm_up.isoformat(), instance)
    append_tracker_days(path, measured, 1, per_day)
    timed = _in_a_new_process(measured.isoformat())
    few_rows_day = measured + timedelta(days=1)
    append_tracker_days(path, few_rows_day, 1, FEW_ROWS)
    few = _in_a_new_process(few_rows_day.isoformat())
    from warehouse.db import connect_published

    with connect_published() as conn:  # the local file's published version, or the DuckLake's published snapshot
        rows = conn.execute("select count(*) from raw.gpu_tracker_observations").fetchone()[0]
        # each timed day moved what it claims: its offers are in the published mart, bar the few set aside
        reached, few_reached = (
            conn.execute(
                "select count(*) from marts.gpu_prices where source = 'gpu_pricing_tracker' and observed_on = ?", [day]
            ).fetchone()[0]
            for day in (measured, few_rows_day)
        )
    assert reached >= 0.9 * per_day, f"only {reached} of the day's {per_day} offers reached marts.gpu_prices"
    assert few_reached >= 0.9 * FEW_ROWS, f"only {few_reached} of {FEW_ROWS} offers of {few_rows_day} reached the mart"
    _emit(
        {
            **timed,
            "warm_up_s": warm["seconds"],
            "setup_s": round(setup, 1),
            "raw_rows": rows,
            "day_offers": reached,
            "few_rows": {**few, "rows": FEW_ROWS, "day_offers": few_reached},
        }
    )


def baseline_cold(data: str, db: str) -> None:
    """Raw DuckDB reading every CSV file of the real data into its own table."""
    files = sorted(Path(data).rglob("*.csv"))
    started = time.perf_counter()
    conn = duckdb.connect(db)
    loaded = 0
    for number, path in enumerate(files):
        try:
            conn.execute(f"create table t{number} as select * from read_csv(?, ignore_errors = true)", [str(path)])
            loaded += 1
        except duckdb.Error:
            pass
    conn.close()
    _emit({"seconds": round(time.perf_counter() - started, 3), "files": loaded})


QUERIES = {
    "price index for one chip": (
        """select month, pricing, median_usd_per_gpu_hour, usd_per_pflop_hour from marts.gpu_price_index
           where gpu_model = 'H100 SXM' order by month, pricing""",
        """select date_trunc('month', cast(date as date)) as month, rental_type,
                  median(price_median_usd) from read_csv(?) where gpu_model = 'H100_SXM'
           group by all order by all""",
    ),
    "a month across chips": (
        """select gpu_model, pricing, median(usd_per_gpu_hour), count(*) from marts.gpu_prices
           where observed_on >= date_trunc('month', current_date - 40) and observed_on < date_trunc('month', current_date)
           group by all order by all""",
        """select gpu_model, rental_type, median(price_median_usd), count(*) from read_csv(?)
           where cast(date as date) >= date_trunc('month', current_date - 40)
             and cast(date as date) < date_trunc('month', current_date)
           group by all order by all""",
    ),
}


def _median_ms(conn, sql: str, params: list, repeats: int = 7) -> float:
    conn.execute(sql, params).fetchall()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        conn.execute(sql, params).fetchall()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def queries(db: str, csv_file: str) -> None:
    """Typical mart queries on a read-only connection (as `aimetrics query` opens it) vs the same from the CSV."""
    conn = duckdb.connect(db, read_only=True)
    rows = conn.execute("select count(*) from marts.gpu_prices").fetchone()[0]
    assert rows > 0, "marts.gpu_prices is empty: a query on it would measure nothing"
    found = {}
    for name, (mart_sql, csv_sql) in QUERIES.items():
        mart, raw = _median_ms(conn, mart_sql, []), _median_ms(conn, csv_sql, [csv_file], repeats=3)
        found[name] = {
            "rows": rows,
            "median_ms": round(mart, 2),
            "baseline_median_ms": round(raw, 1),
            "speedup": round(raw / mart, 1),
            "result_rows": len(conn.execute(mart_sql).fetchall()),
        }
        assert found[name]["result_rows"] > 0, f"{name} returned no rows: nothing was measured"
    conn.close()
    _emit(found)


STEPS = {
    "baseline-ingest": baseline_ingest,
    "pipeline-ingest": pipeline_ingest,
    "new-day": new_day,
    "timed-day": timed_day,
    "baseline-cold": baseline_cold,
    "queries": queries,
}

if __name__ == "__main__":
    STEPS[sys.argv[1]](*sys.argv[2:])
