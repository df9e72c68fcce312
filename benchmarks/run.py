"""`make bench`: the five measurements of the performance issues, each against a baseline measured in the same run.

1. ingest: the pipeline's SkyPilot path (locate, checksum, stream, parse, pandera, atomic load) vs raw DuckDB
   `read_csv` of the same files into a table: rows/s ratio and peak memory (each in its own process).
2. new day: the daily partitioned job for one new day (tracker ingest + dbt incremental + checks) with 30 and
   with 1,000 days of history already loaded; then the same job for a day of a few rows, which costs what the stack
   costs (Dagster's run and steps, dbt's start and nodes) with next to no data.
3. cold build of everything from the real data (`aimetrics run`) vs DuckDB reading every CSV file of it; then the
   same build over the test fixtures (every source, a few rows each), the stack's part of it.
4. mart queries at the 1,000-day history vs DuckDB answering the same question from the CSV file.
5. the shared engine (benchmarks/shared_engine.py): the cold build with 1 and with 2 Celery workers and one new day
   into a DuckLake on Postgres and S3, as multiples of 3 and 2 into the local file.

The floor of 2 and 3 is DuckDB reading every CSV file of the real data into tables, measured once at the start of
the run: the cold build and the new day are given as multiples of it. Prints a line as each measurement starts and
ends, then a table, and writes JSON (bench-results/results.json). Sizes shrink with --quick for a smoke run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {
    "ingest_ratio": 0.8,
    "ingest_peak_mb": 1536,
    "new_day_floors": 4.0,
    "new_day_growth": 1.2,
    "cold_build_floors": 10.0,
    "query_ms": 200.0,
    "publish_share": 0.10,
}
"""Issue 33's goals: a ratio to a baseline of the same run for everything but the query answer time."""


def _progress(message: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", flush=True)


def _child(args: list[str], env: dict[str, str], python: str | None = None) -> dict:
    """Run a measurement in a fresh process (its peak memory is its own); it prints one JSON line last. With
    `python` (the DuckLake environment's), `env` is the whole environment (a deployment's)."""
    done = subprocess.run(
        [python or sys.executable, "-m", "benchmarks.steps", *args],
        env=env if python else {**os.environ, **env},
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def ingest(work: Path, rows: int) -> dict:
    from benchmarks.generate import skypilot_catalogs

    mirror = work / f"ingest_{rows}"
    files = skypilot_catalogs(mirror, rows)
    env = {"AIMETRICS_DATA_DIR": str(mirror), "AIMETRICS_CACHE_DIR": str(work / "cache")}
    baseline = _child(["baseline-ingest", str(mirror), str(work / f"baseline_{rows}.duckdb")], env)
    pipeline = _child(["pipeline-ingest", str(work / f"pipeline_{rows}.duckdb")], env)
    shutil.rmtree(mirror)
    return {
        "rows": rows,
        "files": len(files),
        "baseline_s": baseline["seconds"],
        "baseline_rows_per_s": round(rows / baseline["seconds"]),
        "baseline_peak_mb": baseline["peak_mb"],
        "pipeline_s": pipeline["seconds"],
        "pipeline_rows_per_s": round(rows / pipeline["seconds"]),
        "pipeline_peak_mb": pipeline["peak_mb"],
        "rows_loaded": pipeline["rows_loaded"],
        "ratio": round(baseline["seconds"] / pipeline["seconds"], 3),
    }


STEADY_STATE = {"AIMETRICS_RECHECK_MARGIN_S": "0"}
"""The history is written minutes before the measured day, so with the default margin of a day every row would be
"recent" and the key checks would read them all; in a warehouse that has run for a while they read the day's rows
and the day before's. A margin of 0 measures that steady state (one run at a time here, one clock)."""


def new_day(work: Path, history_days: int, rows_per_day: int) -> dict:
    """Load `history_days` days, then time the partitioned daily job for one new day (after a warm-up day)."""
    from benchmarks.generate import new_day_dates

    run = work / f"history_{history_days}"
    env = {
        **run_environment(run, data=run / "mirror"),
        "AIMETRICS_TRACKER_FIRST_DAY": new_day_dates(history_days)[0].isoformat(),  # before the real tracker's
        **STEADY_STATE,
    }
    result = _child(["new-day", str(history_days), str(rows_per_day)], env)
    result.update(history_days=history_days, rows_per_day=rows_per_day)
    return result


def floor(work: Path, data: Path) -> dict:
    """DuckDB reading every CSV file of the real data, each into its own table."""
    return _child(["baseline-cold", str(data), str(work / "floor.duckdb")], {})


def run_environment(folder: Path, data: Path) -> dict[str, str]:
    """A measured run's settings: everything it reads or writes in `folder` (a new Dagster instance too), never the
    project's own warehouse, inbox (data/inbox) or report (reports/aimetrics.html), and its sources from `data`."""
    home = folder / "dagster_home"
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "orchestration" / "dagster.yaml", home / "dagster.yaml")
    return {
        "AIMETRICS_DATA_DIR": str(data),
        "AIMETRICS_CACHE_DIR": str(folder / "cache"),
        "AIMETRICS_DUCKDB_PATH": str(folder / "warehouse.duckdb"),
        "AIMETRICS_INBOX_DIR": str(folder / "inbox"),
        "AIMETRICS_REPORT_PATH": str(folder / "report.html"),
        "DAGSTER_HOME": str(home),
    }


def cold_build(work: Path, data: Path, name: str = "cold") -> dict:
    """`aimetrics run` of everything in `data`, in a fresh process, into a new warehouse (work/<name>)."""
    from benchmarks.shared_engine import local_counts

    env = run_environment(work / name, data)
    # what `make run` does before the run (`make setup`): dbt parses the project for this warehouse
    subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), "--quiet", "parse", "--profiles-dir", "."],
        cwd=ROOT / "dbt_project",
        env={**os.environ, **env, "DO_NOT_TRACK": "1"},
        check=True,
    )
    started = time.perf_counter()
    done = subprocess.run(
        [str(Path(sys.executable).parent / "aimetrics"), "run"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"aimetrics run failed:\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    mart_rows = sum(local_counts(work / name / "warehouse.duckdb").values())
    assert mart_rows, f"the build of {data} published empty marts"
    return {"seconds": round(seconds, 2), "mart_rows": mart_rows}


def fixture_build(work: Path) -> dict:
    """The cold build over the test fixtures: every source, a few rows each, so the same steps and dbt nodes as the
    real data's build with next to no data. What it takes is what the stack (Python's start, Dagster's steps and
    events, dbt's start and nodes) costs whatever the data."""
    from tests.conftest import write_fixture_mirror

    mirror = write_fixture_mirror(work / "fixture_mirror")
    files = [path for path in mirror.rglob("*") if path.is_file()]
    return {
        **cold_build(work, mirror, name="fixtures"),
        "files": len(files),
        "megabytes": round(sum(path.stat().st_size for path in files) / 1e6, 2),
    }


def queries(work: Path) -> dict:
    run = max(work.glob("history_*"), key=lambda path: int(path.name.split("_")[1]))  # the longest history
    found = _child(
        ["queries", str(run / "warehouse.duckdb"), str(run / "mirror" / "gpu_pricing_tracker" / "observations.csv")], {}
    )
    found.pop("peak_mb")
    return found


def verdicts(results: dict) -> list[tuple[str, str, str, bool]]:
    rows = []
    for item in results.get("ingest", []):
        rows.append(
            (
                f"1. ingest {item['rows']:,} rows: throughput vs raw DuckDB",
                f"{item['ratio']:.2f}x ({item['pipeline_rows_per_s']:,} vs {item['baseline_rows_per_s']:,} rows/s)",
                f">= {TARGETS['ingest_ratio']}x",
                item["ratio"] >= TARGETS["ingest_ratio"],
            )
        )
        rows.append(
            (
                f"1. ingest {item['rows']:,} rows: peak memory",
                f"{item['pipeline_peak_mb']:.0f} MB (DuckDB alone {item['baseline_peak_mb']:.0f} MB)",
                f"< {TARGETS['ingest_peak_mb']} MB",
                item["pipeline_peak_mb"] < TARGETS["ingest_peak_mb"],
            )
        )
    base = results.get("floor", {}).get("seconds")
    days = {item["history_days"]: item for item in results.get("new_day", [])}
    for history, item in sorted(days.items()):
        phases = (
            f"ingest {item['ingest_s']:.1f}, dbt {item['dbt_s']:.1f}, checks {item['checks_s']:.1f}, "
            f"publish {item['publish_s']:.2f}"
        )
        if base:
            item["floors"] = round(item["seconds"] / base, 2)
            rows.append(
                (
                    f"2. one new day, {history:,} days of history: multiple of the floor",
                    f"{item['floors']:.1f}x ({item['seconds']:.1f} s: {phases}; floor {base:.2f} s)",
                    f"<= {TARGETS['new_day_floors']:.0f}x",
                    item["floors"] <= TARGETS["new_day_floors"],
                )
            )
        else:
            rows.append(
                (f"2. one new day, {history:,} days of history", f"{item['seconds']:.1f} s ({phases})", "-", None)
            )
        few = item.get("few_rows")
        if few and base:
            rows.append(
                (
                    f"2. the same job for a day of {few['rows']} rows, {history:,} days of history: multiple of the floor",
                    f"{few['seconds'] / base:.1f}x ({few['seconds']:.1f} s: dbt {few['dbt_s']:.1f}; the measured day, "
                    f"{item['rows_per_day']:,} rows and the rest of its month: {item['seconds'] - few['seconds']:+.1f} s)",
                    "-",
                    None,
                )
            )
        share = item["publish_s"] / item["seconds"]
        rows.append(
            (
                f"2. publishing, share of the new day at {history:,} days",
                f"{100 * share:.1f} %",
                f"< {100 * TARGETS['publish_share']:.0f} %",
                share < TARGETS["publish_share"],
            )
        )
    if len(days) == 2:
        small, large = (days[k] for k in sorted(days))
        growth = large["seconds"] / small["seconds"]
        results["new_day_growth"] = round(growth, 3)
        rows.append(
            (
                f"2. new day: {large['history_days']:,} vs {small['history_days']:,} days of history",
                f"{growth:.2f}x",
                f"<= {TARGETS['new_day_growth']}x",
                growth <= TARGETS["new_day_growth"],
            )
        )
    cold = results.get("cold_build")
    if isinstance(cold, dict) and base:
        cold["floors"] = round(cold["seconds"] / base, 2)
        rows.append(
            (
                "3. cold build of everything from the real data: multiple of the floor",
                f"{cold['floors']:.1f}x ({cold['seconds']:.1f} s; DuckDB reading its "
                f"{results['floor']['files']} CSV files: {base:.2f} s)",
                f"<= {TARGETS['cold_build_floors']:.0f}x",
                cold["floors"] <= TARGETS["cold_build_floors"],
            )
        )
    fixtures = results.get("fixture_build")
    if isinstance(fixtures, dict) and isinstance(cold, dict) and base:
        rows.append(
            (
                f"3. the same build over the test fixtures ({fixtures['files']} files, {fixtures['megabytes']} MB)",
                f"{fixtures['seconds'] / base:.1f}x ({fixtures['seconds']:.1f} s; the real data's "
                f"{100 * fixtures['seconds'] / cold['seconds']:.0f} %)",
                "-",
                None,
            )
        )
    rows += shared_verdicts(results)
    for name, item in results.get("queries", {}).items():
        rows.append(
            (
                f"4. query at {item['rows']:,} rows: {name}",
                f"{item['median_ms']:.1f} ms (from the CSV: "
                f"{item['baseline_median_ms']:.0f} ms, {item['speedup']:.0f}x longer)",
                f"< {TARGETS['query_ms']:.0f} ms",
                item["median_ms"] < TARGETS["query_ms"],
            )
        )
    return rows


def shared_verdicts(results: dict) -> list[tuple[str, str, str, bool | None]]:
    """The shared engine's measurements as multiples of the local file's in the same run (no goal: measured)."""
    shared, rows = results.get("shared"), []
    if not isinstance(shared, dict):
        return rows
    local = results["cold_build"]["seconds"]
    for item in shared["cold"]:
        item["local_multiple"] = round(item["seconds"] / local, 2)
        rows.append(
            (
                f"5. shared engine, cold build with {item['workers']} worker(s): multiple of the local file",
                f"{item['local_multiple']:.2f}x ({item['seconds']:.1f} s vs {local:.1f} s; "
                f"{item['mart_rows']:,} mart rows, as the local file)",
                "-",
                None,
            )
        )
    if len(shared["cold"]) == 2:
        one, two = (item["seconds"] for item in shared["cold"])
        rows.append(("5. shared engine, cold build: 2 workers vs 1", f"{two / one:.2f}x the time", "-", None))
    day, local_day = shared["new_day"], shared["local_new_day"]
    rows.append(
        (
            f"5. shared engine, one new day at {day['history_days']:,} days: multiple of the local file",
            f"{day['seconds'] / local_day['seconds']:.2f}x ({day['seconds']:.1f} s vs {local_day['seconds']:.1f} s; "
            f"{day['day_offers']:,} offers reached the mart)",
            "-",
            None,
        )
    )
    return rows


def measure_shared(args: argparse.Namespace, results: dict, history: int, per_day: int) -> None:
    from benchmarks import shared_engine

    why = shared_engine.unavailable() or (None if (args.data / "ai_index_2025").is_dir() else "no real data")
    if why:
        results["shared"] = f"skipped: {why}"
        return
    if not isinstance(results.get("cold_build"), dict):
        _progress("shared engine: first the local cold build it is compared with")
        results["cold_build"] = cold_build(args.work, args.data)
    local_days = [item for item in results.get("new_day", []) if item["history_days"] == history]
    if not local_days:
        _progress(f"shared engine: first the local new day at {history:,} days it is compared with")
        local_days = [new_day(args.work, history, per_day)]
    local = shared_engine.local_counts(args.work / "cold" / "warehouse.duckdb")
    results["shared"] = {"cold": [], "local_new_day": local_days[0]}
    for workers in (1, 2):
        _progress(f"shared engine: cold build with {workers} worker(s), on a fresh deployment")
        results["shared"]["cold"].append(shared_engine.cold_build(args.work, args.data, workers, local))
        _progress(f"shared engine: {results['shared']['cold'][-1]['seconds']:.1f} s")
    _progress(f"shared engine: one new day after {history:,} days of history")
    results["shared"]["new_day"] = shared_engine.new_day(args.work, history, per_day, _child)
    _progress(f"shared engine: new day {results['shared']['new_day']['seconds']:.1f} s")


MEASUREMENTS = ["ingest", "new_day", "queries", "cold_build", "shared"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmarks of the GPU price path (see benchmarks/run.py).")
    parser.add_argument("--work", type=Path, default=ROOT / "bench-results" / "work")
    parser.add_argument("--output", type=Path, default=ROOT / "bench-results" / "results.json")
    parser.add_argument(
        "--data", type=Path, default=Path(os.environ.get("AIMETRICS_DATA_DIR") or ROOT.parent / "shared" / "data")
    )
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run of the harness, not the targets")
    parser.add_argument(
        "--only",
        nargs="+",
        choices=MEASUREMENTS,
        help="measure only these (default: all; with --quick, all but shared, whose cold builds are full size)",
    )
    args = parser.parse_args(argv)
    args.only = args.only or [name for name in MEASUREMENTS if not (args.quick and name == "shared")]
    sizes, histories, per_day = (
        ([100_000], [3, 10], 1_000) if args.quick else ([1_000_000, 10_000_000], [30, 1000], 10_000)
    )
    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    results: dict = {"machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]}, "quick": args.quick}
    real_data = (args.data / "ai_index_2025").is_dir()
    if real_data and {"new_day", "cold_build"} & set(args.only):
        _progress(f"floor: DuckDB reading every CSV file of {args.data}")
        results["floor"] = floor(args.work, args.data)
        _progress(f"floor: {results['floor']['seconds']:.2f} s for {results['floor']['files']} files")
    if "ingest" in args.only:
        results["ingest"] = []
        for rows in sizes:
            _progress(f"ingest: {rows:,} SkyPilot rows, the pipeline and DuckDB's read_csv")
            results["ingest"].append(ingest(args.work, rows))
            _progress(f"ingest: {results['ingest'][-1]['ratio']:.2f}x of DuckDB's rows/s")
    if "new_day" in args.only or "queries" in args.only:
        results["new_day"] = []
        for days in histories:
            _progress(f"new day: loading {days:,} days of {per_day:,} tracker rows, then two new days")
            results["new_day"].append(new_day(args.work, days, per_day))
            _progress(f"new day at {days:,} days: {results['new_day'][-1]['seconds']:.1f} s")
    if "queries" in args.only:
        _progress("queries: on the longest history's mart, and from its CSV file")
        results["queries"] = queries(args.work)
    if "cold_build" in args.only:
        if real_data:
            _progress(f"cold build: aimetrics run over {args.data}, in a fresh process")
            results["cold_build"] = cold_build(args.work, args.data)
            _progress(f"cold build: {results['cold_build']['seconds']:.1f} s")
            _progress("cold build over the test fixtures (next to no data), in a fresh process")
            results["fixture_build"] = fixture_build(args.work)
            _progress(f"cold build over the fixtures: {results['fixture_build']['seconds']:.1f} s")
        else:
            results["cold_build"] = f"skipped: no real data at {args.data} (set AIMETRICS_DATA_DIR)"
    if "shared" in args.only:
        measure_shared(args, results, histories[0], per_day)
    table = verdicts(results)
    results["verdicts"] = [{"measure": m, "result": r, "target": t, "pass": ok} for m, r, t, ok in table]
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2, default=str))
    width = max(len(m) for m, *_ in table)
    print(f"\n{'measure':<{width}}  {'pass':<4}  target      result")
    for measure, result, target, ok in table:
        verdict = "-" if ok is None else "PASS" if ok else "MISS"
        print(f"{measure:<{width}}  {verdict:<4}  {target:<10}  {result}")
    if isinstance(results.get("cold_build"), str):
        print(f"3. cold build: {results['cold_build']}")
    if isinstance(results.get("shared"), str):
        print(f"5. shared engine: {results['shared']}")
    if "floor" not in results and {"new_day", "cold_build"} & set(args.only):
        print(f"2-3. no ratios to the floor: no real data at {args.data} (set AIMETRICS_DATA_DIR)")
    print(f"\nJSON: {args.output}")
    shutil.rmtree(args.work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
