"""`aimetrics`: run the pipeline, list the marts, query the published warehouse (read-only) or an older version,
export query results, list the published versions and what changed between two."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from ingest.settings import load_settings, settings_problems
from warehouse.db import (
    PROJECT_ROOT,
    WarehouseBusy,
    WarehouseCorrupt,
    WarehouseMissing,
    WarehouseNotWritable,
    build_path,
    connect_published,
    count_rows,
    unwritable_reason,
    warehouse_path,
    warehouse_target,
)
from warehouse.output import BATCH_ROWS, write_stream
from warehouse.preview import markdown_table, terminal_safe
from warehouse.versions import (
    VersionNotFound,
    citation,
    current_version,
    list_versions,
    resolve,
    stamp_of,
    versions_root,
)

QUERY_EXAMPLES = """examples:
  aimetrics query "select * from marts.ai_investment where geography = 'World' and measure = 'annual' order by year"
  aimetrics query -f question.sql --format csv > answer.csv
  echo "summarize marts.gpu_prices" | aimetrics query -
  aimetrics export "select * from marts.gpu_price_index" --format parquet --output index.parquet
  aimetrics query --as-of 2026-11-30 "select count(*) from marts.gpu_prices"   # the version readers had then

The query runs in a read-only, sandboxed connection: a statement that writes, or reads or writes any file but
the warehouse (COPY, ATTACH, INSTALL, read_csv of a path), is refused."""


def _stop_on_sigterm(signum, frame):
    raise KeyboardInterrupt(f"stopped by signal {signum}")


def _default_dagster_home() -> None:
    """Outside `make`, the same instance as the Makefile's: .dagster_home with orchestration/dagster.yaml."""
    if load_settings().dagster_home:
        return
    home = PROJECT_ROOT / ".dagster_home"
    home.mkdir(exist_ok=True)
    if not (home / "dagster.yaml").exists():
        shutil.copyfile(PROJECT_ROOT / "orchestration" / "dagster.yaml", home / "dagster.yaml")
    os.environ["DAGSTER_HOME"] = str(home)


def dagster_home_problem() -> str | None:
    """Why the Dagster instance in DAGSTER_HOME cannot record a run (it writes runs, events and logs there), or None."""
    home = load_settings().dagster_home
    advice = "make it writable, or point DAGSTER_HOME at a folder that is"
    if not home.is_dir():
        return f"DAGSTER_HOME={home} is not a folder; create it, or point DAGSTER_HOME at one"
    folders = (
        [home]
        + [path for path in home.glob("*") if path.is_dir()]
        + [path for path in home.glob("*/*") if path.is_dir()]
    )
    for folder in folders:
        try:
            with tempfile.TemporaryFile(dir=folder):
                pass
        except OSError as error:
            return f"DAGSTER_HOME: the folder {folder} is not writable by this user ({error.strerror}); {advice}"
    for database in home.glob("**/*.db"):
        if not os.access(database, os.W_OK):
            return f"DAGSTER_HOME: {database} is not writable by this user; {advice}"
    return None


def _run(args: argparse.Namespace) -> int:
    from ingest.preflight import problems

    if found := problems() + ([reason] if (reason := unwritable_reason()) else []):
        print("not run: " + "; ".join(found), file=sys.stderr)
        return 2
    _default_dagster_home()
    if problem := dagster_home_problem():
        print("not run: " + problem, file=sys.stderr)
        return 2
    import warnings

    import dagster as dg

    warnings.filterwarnings("ignore", category=dg.BetaWarning)  # Dagster's notes on its own beta APIs, for us
    from orchestration.run import format_summary, materialize_everything, profile_lines
    from orchestration.stale_runs import WarehousePoolBusy

    signal.signal(signal.SIGTERM, _stop_on_sigterm)  # a container stop ends the run like Ctrl-C does

    if warehouse_target().kind == "file" and warehouse_path().exists():
        with connect_published(wait_s=30):  # a corrupt file stops here with one message, before anything writes
            pass
    try:
        summary = materialize_everything(args.job, full_refresh=args.full_refresh)
    except WarehousePoolBusy as error:
        print(str(error), file=sys.stderr)
        return 3
    except KeyboardInterrupt as error:
        print(f"run interrupted ({error or 'Ctrl-C'}); the warehouse keeps what was committed", file=sys.stderr)
        return 130
    print(format_summary(summary))
    if args.profile:
        print("\n".join(profile_lines(summary)))
    return 0 if summary.ok else 1


READS = {duckdb.StatementType.SELECT}
READ_KEYWORDS = ("pivot", "unpivot")
"""PIVOT and UNPIVOT parse as several statements (DuckDB plans them in steps); they only read."""


def _first_word(sql: str) -> str:
    words = sql.lstrip().lstrip("(").split(None, 1)
    return words[0].lower() if words else ""


def refusal(sql: str) -> str | None:
    """Why `sql` may not run through the query command (it only reads), or None. The connection is also
    sandboxed (warehouse.db.SANDBOXED), so a statement this check misses still cannot touch a file."""
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as error:
        return f"query failed: {error}"
    if not statements:
        return "refused: no statement given"
    if len(statements) != 1:
        return f"refused: give exactly one statement (got {len(statements)})"
    statement = statements[0]
    if statement.type == duckdb.StatementType.EXPLAIN:
        # EXPLAIN ANALYZE runs the statement it explains: judge that one
        inner = sql.lstrip()[len("explain") :].lstrip()
        inner = inner[len("analyze") :].lstrip() if inner.lower().startswith("analyze") else inner
        if inner.startswith("("):  # options: EXPLAIN (FORMAT json) ..., EXPLAIN (ANALYZE, FORMAT json) ...
            inner = inner[inner.find(")") + 1 :] if ")" in inner else inner
        return refusal(inner) and f"refused: EXPLAIN of a statement that is not a read ({inner.strip()[:40]}...)"
    if statement.type in READS or _first_word(sql) in READ_KEYWORDS:
        return None
    return f"refused: the query command only reads the warehouse; {statement.type.name} statements are not allowed"


@contextmanager
def _time_limit(conn: duckdb.DuckDBPyConnection, seconds: float):
    """Interrupt the connection's query after `seconds` (a reader must not hold the file for ever)."""
    timer = threading.Timer(seconds, conn.interrupt) if seconds > 0 else None
    if timer:
        timer.daemon = True
        timer.start()
    try:
        yield
    finally:
        if timer:
            timer.cancel()


def _sql_of(args: argparse.Namespace) -> str:
    if args.file:
        return Path(args.file).read_text(encoding="utf-8")
    if args.sql == "-":
        return sys.stdin.read()
    if not args.sql:
        raise SystemExit("give the SQL as an argument, `-f FILE`, or `-` to read it from standard input")
    return args.sql


def _version_path(args: argparse.Namespace) -> Path | None:
    """The database of `--as-of` (an older published version), or None for the published one."""
    if not getattr(args, "as_of", None):
        return None
    _only_on_the_local_file("--as-of")
    return resolve(args.as_of).database


def _read(args: argparse.Namespace, sql: str, consume) -> int:
    """Run the user's statement and hand `consume(columns, batches, manifest)` its result, streamed in batches of
    rows, inside the connection and the time limit; an exit code, after printing why where it is not 0."""
    problem = refusal(sql)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    with connect_published(_version_path(args), wait_s=args.wait, sandboxed=True) as conn:
        manifest = stamp_of(conn)
        try:
            with _time_limit(conn, args.timeout):
                consume(conn, sql, manifest)
                return 0
        except duckdb.InterruptException:
            print(f"query failed: stopped after the time limit of {args.timeout:g} s (--timeout)", file=sys.stderr)
            return 2
        except duckdb.Error as error:
            print(_explained(error), file=sys.stderr)
            return 2


def _rows(conn: duckdb.DuckDBPyConnection, sql: str) -> tuple[list[str], Iterator[list[tuple]]]:
    """The statement's columns and its rows in batches, fetched as they are read."""
    result = conn.execute(sql)
    if result.description is None:
        return [], iter(())
    return [column[0] for column in result.description], iter(lambda: result.fetchmany(BATCH_ROWS), [])


def _explained(error: duckdb.Error) -> str:
    text = str(error)
    if "read-only" in text.lower() or "disabled by configuration" in text or "has been locked" in text:
        return (
            "refused: the query command reads the warehouse only (read-only, no files, no extensions); "
            f"DuckDB said: {text.splitlines()[0]}"
        )
    return f"query failed: {text}"  # whole, with DuckDB's hints (`Did you mean ...`) and the LINE caret


def _query(args: argparse.Namespace) -> int:
    escape = terminal_safe if args.format == "csv" and sys.stdout.isatty() else str

    def printed(conn, sql, manifest) -> None:
        columns, batches = _rows(conn, sql)
        if columns:
            write_stream(columns, batches, args.format, sys.stdout, args.max_width, escape)

    try:
        return _read(args, _sql_of(args), printed)
    except BrokenPipeError:  # `aimetrics query ... | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _refused_output(output: Path) -> str | None:
    """Why an export may not be written to `output`: it would land on the warehouse, its build or versions,
    or in a folder the pipeline reads (the project's data folder, the mirror, the inbox, the cache)."""
    from ingest.settings import load_settings

    target = output.expanduser().resolve()
    published = warehouse_path().resolve()
    settings = load_settings()
    guarded = [
        build_path(published).parent,
        versions_root(published),
        PROJECT_ROOT / "data",
        settings.inbox_dir,
        settings.cache_dir,
    ] + ([settings.mirror_dir] if settings.mirror_dir else [])
    if published.name in target.name and target.parent == published.parent:
        return f"refused: {output} is the warehouse (or its log); write the export elsewhere"
    for folder in guarded:
        folder = Path(folder).resolve()
        if target == folder or folder in target.parents:
            return f"refused: {output} is inside {folder}, which the pipeline owns; write the export elsewhere"
    return None


def _written_whole(path: Path, write) -> None:
    """`write(partial)` then a rename into place: a failed export leaves no half file (and no old file changed)."""
    partial = path.with_name(f".{path.name}.partial")
    try:
        write(partial)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def _export(args: argparse.Namespace) -> int:
    """The query's result written to a file, and beside it `<output>.version.json` naming the version it came
    from: the one command that writes, and only those two files."""
    sidecar = args.output.with_name(args.output.name + ".version.json")
    problem = _refused_output(args.output) or _refused_output(sidecar)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    sql = _sql_of(args)  # once: standard input can be read only once
    written = {}

    def exported(conn, sql, manifest) -> None:
        version = (manifest or {}).get("version", "unpublished")
        if args.format == "parquet":
            _written_whole(args.output, lambda partial: written.update(rows=_parquet(conn, sql, partial, version)))
        else:

            def text(partial: Path) -> None:
                with partial.open("w", encoding="utf-8") as out:
                    written["rows"] = write_stream(*_rows(conn, sql), args.format, out, args.max_width)

            _written_whole(args.output, text)
        written["manifest"] = manifest

    code = _read(args, sql, exported)
    if code:
        return code
    rows, manifest = written["rows"], written["manifest"]
    citation_json = (
        json.dumps({"file": args.output.name, "rows": rows, "sql": sql, "version": manifest}, indent=2, default=str)
        + "\n"
    )
    _written_whole(sidecar, lambda partial: partial.write_text(citation_json, encoding="utf-8"))
    print(f"{rows:,} rows written to {args.output}, from {citation(manifest)} ({sidecar.name})", file=sys.stderr)
    return 0


def _parquet(conn: duckdb.DuckDBPyConnection, sql: str, path: Path, version: str) -> int:
    """The result written as Parquet batch by batch, with the version it came from in the file's metadata."""
    import pyarrow.parquet as pq

    reader = conn.sql(sql).to_arrow_reader(BATCH_ROWS)
    schema = reader.schema.with_metadata({**(reader.schema.metadata or {}), b"aimetrics_version": version.encode()})
    rows = 0
    with pq.ParquetWriter(str(path), schema) as writer:
        for batch in reader:
            writer.write_batch(batch)
            rows += batch.num_rows
    return rows


def _tables(args: argparse.Namespace) -> int:
    schemas = ["marts", "raw"] + (["staging", "intermediate"] if args.all else [])
    with connect_published(_version_path(args), wait_s=args.wait) as conn:
        rows = conn.execute(
            """select schema_name, table_name, coalesce(comment, '')
               from duckdb_tables() where schema_name in (select unnest($schemas))
               union all
               select schema_name, view_name, trim(coalesce(comment, '') || ' (view)')
               from duckdb_views() where schema_name in (select unnest($schemas)) and not internal
               order by 1, 2""",
            {"schemas": schemas},
        ).fetchall()
        counts = count_rows(conn, [(schema, name) for schema, name, _ in rows])
        counted = [
            (f"{schema}.{name}", f"{counts.get((schema, name), 0):,}", comment) for schema, name, comment in rows
        ]
    print(markdown_table(["table", "rows", "description"], counted, max_chars=100))
    return 0


def _report(args: argparse.Namespace) -> int:
    from warehouse.report import write_report

    charts, manifest = write_report(args.output, _version_path(args))
    for chart in charts:
        print(f"{chart.title}: {len(chart.rows)} points" + ("" if chart.figure else " (no chart: no data)"))
    print(f"report written to {args.output}, from {citation(manifest)}")
    return 0


def _versions(args: argparse.Namespace) -> int:
    """The published versions, newest first; `*` marks the one readers open."""
    if warehouse_target().kind == "ducklake":
        return _lake_versions(args)
    versions, current = list_versions(), current_version()
    if args.format == "json":
        print(
            json.dumps(
                [
                    {**v.manifest, "published": current is not None and v.id == current.id, "database": str(v.database)}
                    for v in versions
                ],
                indent=2,
                default=str,
            )
        )
        return 0
    if not versions:
        print(f"no version published yet beside {warehouse_path()}")
        return 0
    rows = [
        (
            "*" if current and v.id == current.id else "",
            v.id,
            v.manifest["published_at"],
            v.manifest.get("job", ""),
            v.manifest["code_version"],
            str(v.manifest.get("checks_passed", "")),
            str(len(v.manifest.get("checks_warned", []))),
            f"{v.manifest.get('bytes', 0) / 1e6:.1f}",
        )
        for v in versions
    ]
    print(
        markdown_table(
            ["", "version", "published_at", "job", "code", "checks passed", "warned", "MB"], rows, max_chars=40
        )
    )
    return 0


def _lake_versions(args: argparse.Namespace) -> int:
    """A DuckLake's published versions, each with the snapshot its publish commit made; `*`: what readers attach."""
    from warehouse.lake_versions import list_published

    with connect_published() as conn:
        versions = list_published(conn)
    if args.format == "json":
        print(json.dumps([{**v, "published": i == 0} for i, v in enumerate(versions)], indent=2, default=str))
        return 0
    rows = [
        ("*" if i == 0 else "", v["version"], str(v["snapshot"]), v["published_at"], v.get("job", ""),
         v["code_version"], str(v.get("checks_passed", "")))
        for i, v in enumerate(versions)
    ]  # fmt: skip
    print(
        markdown_table(["", "version", "snapshot", "published_at", "job", "code", "checks passed"], rows, max_chars=40)
    )
    return 0


def _only_on_the_local_file(what: str) -> None:
    if warehouse_target().kind == "ducklake":
        raise VersionNotFound(
            f"{what} reads the local file's versions; on a DuckLake, `aimetrics versions` lists the published "
            "snapshots, and DuckDB reads one with ATTACH '<catalog>' (SNAPSHOT_VERSION n)"
        )


def _diff(args: argparse.Namespace) -> int:
    """Per mart: rows added, removed and changed (by the mart's key) from version A to version B."""
    from warehouse.diff import diff_versions

    _only_on_the_local_file("aimetrics diff")

    before = resolve(args.before)
    after = resolve(args.after) if args.after else current_version()
    if after is None:
        raise VersionNotFound("no version is published: give B")
    diffs = diff_versions(before.database, after.database)
    if args.format == "json":
        print(
            json.dumps(
                {
                    "before": before.id,
                    "after": after.id,
                    "marts": [
                        {
                            "mart": d.mart,
                            "key": list(d.key),
                            "rows_before": d.rows_before,
                            "rows_after": d.rows_after,
                            "added": d.added,
                            "removed": d.removed,
                            "changed": d.changed,
                        }
                        for d in diffs
                    ],
                },
                indent=2,
            )
        )
        return 0
    shown = diffs if args.all else [d for d in diffs if not d.unchanged]
    print(f"{before.id} -> {after.id}: {sum(d.unchanged for d in diffs)} of {len(diffs)} marts unchanged")
    if shown:
        print(
            markdown_table(
                ["mart", "key", "rows before", "rows after", "added", "removed", "changed"],
                [
                    (
                        f"marts.{d.mart}",
                        ", ".join(d.key) or "(none: rows compared whole)",
                        "" if d.rows_before is None else f"{d.rows_before:,}",
                        "" if d.rows_after is None else f"{d.rows_after:,}",
                        f"{d.added:,}",
                        f"{d.removed:,}",
                        "" if d.changed is None else f"{d.changed:,}",
                    )
                    for d in shown
                ],
                max_chars=60,
            )
        )
    return 0


def _add_reading_options(command: argparse.ArgumentParser, formats: list[str], default: str) -> None:
    command.add_argument("sql", nargs="?", help="one SQL statement that reads, or `-` to read it from standard input")
    command.add_argument("-f", "--file", help="read the SQL from this file")
    command.add_argument("--format", choices=formats, default=default, help=f"output format (default {default})")
    command.add_argument(
        "--max-width", type=int, default=60, help="cut table cells to this many characters (default 60)"
    )
    command.add_argument(
        "--timeout",
        type=float,
        default=300,
        help="stop the query after this many seconds, so a reader never holds the file for ever "
        "(default 300; 0: no limit)",
    )
    command.add_argument(
        "--wait",
        type=float,
        default=30,
        help="wait this many seconds for a run that is writing the warehouse (default 30)",
    )
    _add_as_of(command)


def _add_as_of(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--as-of",
        metavar="VERSION|DATE",
        help="read an older published version: its id (or a unique prefix), or a date or time "
        "(the last version published by then, UTC); `aimetrics versions` lists them",
    )


def _worker(args: argparse.Namespace) -> int:
    """A Celery worker for runs with AIMETRICS_EXECUTOR=celery: dagster-celery's worker with the executor's
    configuration (written to the instance folder, whence dagster-celery reads it), in place of this process."""
    from orchestration.executors import celery_executor_config

    _default_dagster_home()
    config = load_settings().dagster_home / "celery-worker.yaml"
    config.write_text(json.dumps({"execution": {"config": celery_executor_config()}}))
    command = Path(sys.executable).with_name("dagster-celery")
    if not command.exists():
        print(f"no {command}: a worker needs the `scale` dependencies (dagster-celery)", file=sys.stderr)
        return 2
    name = args.name or f"aimetrics-{os.getpid()}"
    os.execv(
        command,
        [str(command), "worker", "start", "-A", "dagster_celery.app", "-y", str(config), "--name", name, "--",
         "--concurrency", str(args.concurrency)],
    )  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="aimetrics", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="materialize every asset into the warehouse and print a summary")
    run.add_argument("--job", default="materialize_everything", help="the Dagster job to run (default: everything)")
    run.add_argument(
        "--full-refresh",
        action="store_true",
        help="rebuild incremental models from all their input (after a change of their rules), not only what is new",
    )
    run.add_argument(
        "--profile",
        action="store_true",
        help="after the summary, where the seconds went: the slowest steps and dbt's slowest nodes",
    )
    run.set_defaults(handler=_run)
    query = commands.add_parser(
        "query",
        help="run one SQL statement that reads the warehouse, print the result",
        epilog=QUERY_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_reading_options(query, ["table", "csv", "json"], "table")
    query.set_defaults(handler=_query)
    export = commands.add_parser(
        "export",
        help="write the result of one reading SQL statement to a file",
        epilog=QUERY_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_reading_options(export, ["csv", "json", "parquet"], "csv")
    export.add_argument("--output", type=Path, required=True, help="the file to write")
    export.set_defaults(handler=_export)
    tables = commands.add_parser("tables", help="list the mart and raw tables and views with row counts")
    tables.add_argument("--all", action="store_true", help="staging and intermediate models too")
    tables.add_argument("--wait", type=float, default=30, help="seconds to wait for a run writing the warehouse")
    _add_as_of(tables)
    tables.set_defaults(handler=_tables)
    report = commands.add_parser("report", help="write a static HTML report with the headline charts")
    report.add_argument("--output", type=Path, default=Path("reports/aimetrics.html"))
    _add_as_of(report)
    report.set_defaults(handler=_report)
    versions = commands.add_parser("versions", help="list the published versions, newest first (* = what readers open)")
    versions.add_argument("--format", choices=["table", "json"], default="table")
    versions.set_defaults(handler=_versions)
    diff = commands.add_parser("diff", help="per mart, rows added, removed and changed between two published versions")
    diff.add_argument("before", metavar="A", help="a version id (or unique prefix) or a date")
    diff.add_argument("after", metavar="B", nargs="?", help="another one (default: the published version)")
    diff.add_argument("--format", choices=["table", "json"], default="table")
    diff.add_argument("--all", action="store_true", help="list the unchanged marts too")
    diff.set_defaults(handler=_diff)
    worker = commands.add_parser(
        "worker", help="a Celery worker for runs with AIMETRICS_EXECUTOR=celery (runs until stopped)"
    )
    worker.add_argument("--name", help="the worker's name in the run's event log (default: aimetrics-<pid>)")
    worker.add_argument("--concurrency", type=int, default=1, help="steps it runs at once (default 1)")
    worker.set_defaults(handler=_worker)
    args = parser.parse_args(argv)
    if problems := settings_problems():
        print("not run: " + "; ".join(problems), file=sys.stderr)
        return 2
    try:
        return args.handler(args)
    except (WarehouseBusy, WarehouseMissing, WarehouseCorrupt, WarehouseNotWritable, VersionNotFound) as error:
        print(str(error), file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
