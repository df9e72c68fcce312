"""`aimetrics`: run the pipeline, list the marts, query the warehouse (read-only), export query results."""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

import duckdb

from warehouse.db import (PROJECT_ROOT, WarehouseBusy, WarehouseCorrupt, WarehouseMissing, connect_read, count_rows,
                          warehouse_path, warehouse_target)
from warehouse.output import render
from warehouse.preview import markdown_table

QUERY_EXAMPLES = """examples:
  aimetrics query "select * from marts.ai_investment where geography = 'World' order by year"
  aimetrics query -f question.sql --format csv > answer.csv
  echo "summarize marts.gpu_prices" | aimetrics query -
  aimetrics export "select * from marts.gpu_price_index" --format parquet --output index.parquet

The query runs in a read-only, sandboxed connection: a statement that writes, or reads or writes any file but
the warehouse (COPY, ATTACH, INSTALL, read_csv of a path), is refused."""


def _stop_on_sigterm(signum, frame):
    raise KeyboardInterrupt(f"stopped by signal {signum}")


def _default_dagster_home() -> None:
    """Outside `make`, the same instance as the Makefile's: .dagster_home with orchestration/dagster.yaml."""
    if os.environ.get("DAGSTER_HOME"):
        return
    home = PROJECT_ROOT / ".dagster_home"
    home.mkdir(exist_ok=True)
    if not (home / "dagster.yaml").exists():
        shutil.copyfile(PROJECT_ROOT / "orchestration" / "dagster.yaml", home / "dagster.yaml")
    os.environ["DAGSTER_HOME"] = str(home)


def _run(args: argparse.Namespace) -> int:
    _default_dagster_home()
    import warnings

    import dagster as dg

    warnings.filterwarnings("ignore", category=dg.BetaWarning)  # Dagster's notes on its own beta APIs, for us
    from orchestration.run import format_summary, materialize_everything
    from orchestration.stale_runs import WarehousePoolBusy

    signal.signal(signal.SIGTERM, _stop_on_sigterm)  # a container stop ends the run like Ctrl-C does

    if warehouse_target().kind == "file" and warehouse_path().exists():
        with connect_read(wait_s=30):  # a corrupt file stops here with one message, before anything writes
            pass
    try:
        summary = materialize_everything(args.job)
    except WarehousePoolBusy as error:
        print(str(error), file=sys.stderr)
        return 3
    except KeyboardInterrupt as error:
        print(f"run interrupted ({error or 'Ctrl-C'}); the warehouse keeps what was committed", file=sys.stderr)
        return 130
    print(format_summary(summary))
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
        inner = sql.lstrip()[len("explain"):].lstrip()
        inner = inner[len("analyze"):].lstrip() if inner.lower().startswith("analyze") else inner
        if inner.startswith("("):  # options: EXPLAIN (FORMAT json) ..., EXPLAIN (ANALYZE, FORMAT json) ...
            inner = inner[inner.find(")") + 1:] if ")" in inner else inner
        return refusal(inner) and f"refused: EXPLAIN of a statement that is not a read ({inner.strip()[:40]}...)"
    if statement.type in READS or _first_word(sql) in READ_KEYWORDS:
        return None
    return (f"refused: the query command only reads the warehouse; "
            f"{statement.type.name} statements are not allowed")


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


def _read(args: argparse.Namespace) -> tuple[list[str], list[tuple]] | int:
    """The columns and rows of the user's statement, or an exit code after printing why not."""
    sql = _sql_of(args)
    problem = refusal(sql)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    with connect_read(wait_s=args.wait, sandboxed=True) as conn:
        try:
            with _time_limit(conn, args.timeout):
                relation = conn.sql(sql)
                return (relation.columns, relation.fetchall()) if relation is not None else ([], [])
        except duckdb.InterruptException:
            print(f"query failed: stopped after the time limit of {args.timeout:g} s (--timeout)", file=sys.stderr)
            return 2
        except duckdb.Error as error:
            print(_explained(error), file=sys.stderr)
            return 2


def _explained(error: duckdb.Error) -> str:
    text = str(error)
    if "read-only" in text.lower() or "disabled by configuration" in text or "has been locked" in text:
        return ("refused: the query command reads the warehouse only (read-only, no files, no extensions); "
                f"DuckDB said: {text.splitlines()[0]}")
    return f"query failed: {text}"  # whole, with DuckDB's hints (`Did you mean ...`) and the LINE caret


def _query(args: argparse.Namespace) -> int:
    result = _read(args)
    if isinstance(result, int):
        return result
    columns, rows = result
    if columns:
        print(render(columns, rows, args.format, args.max_width))
    return 0


def _export(args: argparse.Namespace) -> int:
    """The query's result written to a file: the one command that writes, and only to --output."""
    result = _read(args)
    if isinstance(result, int):
        return result
    columns, rows = result
    if args.format == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.Table.from_pylist([dict(zip(columns, row)) for row in rows]) if rows
                       else pa.table({name: pa.array([], pa.null()) for name in columns}), str(args.output))
    else:
        args.output.write_text(render(columns, rows, args.format, args.max_width) + "\n", encoding="utf-8")
    print(f"{len(rows):,} rows written to {args.output}", file=sys.stderr)
    return 0


def _tables(args: argparse.Namespace) -> int:
    schemas = ["marts", "raw"] + (["staging", "intermediate"] if args.all else [])
    with connect_read(wait_s=args.wait) as conn:
        rows = conn.execute(
            """select schema_name, table_name, coalesce(comment, '')
               from duckdb_tables() where schema_name in (select unnest($schemas))
               union all
               select schema_name, view_name, trim(coalesce(comment, '') || ' (view)')
               from duckdb_views() where schema_name in (select unnest($schemas)) and not internal
               order by 1, 2""", {"schemas": schemas}).fetchall()
        counts = count_rows(conn, [(schema, name) for schema, name, _ in rows])
        counted = [(f"{schema}.{name}", f"{counts.get((schema, name), 0):,}", comment) for schema, name, comment in rows]
    print(markdown_table(["table", "rows", "description"], counted, max_chars=100))
    return 0


def _report(args: argparse.Namespace) -> int:
    from warehouse.report import write_report

    charts = write_report(args.output)
    for chart in charts:
        print(f"{chart.title}: {len(chart.rows)} points" + ("" if chart.figure else " (no chart: no data)"))
    print(f"report written to {args.output}")
    return 0


def _add_reading_options(command: argparse.ArgumentParser, formats: list[str], default: str) -> None:
    command.add_argument("sql", nargs="?", help="one SQL statement that reads, or `-` to read it from standard input")
    command.add_argument("-f", "--file", help="read the SQL from this file")
    command.add_argument("--format", choices=formats, default=default, help=f"output format (default {default})")
    command.add_argument("--max-width", type=int, default=60, help="cut table cells to this many characters (default 60)")
    command.add_argument("--timeout", type=float, default=300,
                         help="stop the query after this many seconds, so a reader never holds the file for ever "
                              "(default 300; 0: no limit)")
    command.add_argument("--wait", type=float, default=30,
                         help="wait this many seconds for a run that is writing the warehouse (default 30)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="aimetrics", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="materialize every asset into the warehouse and print a summary")
    run.add_argument("--job", default="materialize_everything", help="the Dagster job to run (default: everything)")
    run.set_defaults(handler=_run)
    query = commands.add_parser("query", help="run one SQL statement that reads the warehouse, print the result",
                                epilog=QUERY_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_reading_options(query, ["table", "csv", "json"], "table")
    query.set_defaults(handler=_query)
    export = commands.add_parser("export", help="write the result of one reading SQL statement to a file",
                                 epilog=QUERY_EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_reading_options(export, ["csv", "json", "parquet"], "csv")
    export.add_argument("--output", type=Path, required=True, help="the file to write")
    export.set_defaults(handler=_export)
    tables = commands.add_parser("tables", help="list the mart and raw tables and views with row counts")
    tables.add_argument("--all", action="store_true", help="staging and intermediate models too")
    tables.add_argument("--wait", type=float, default=30, help="seconds to wait for a run writing the warehouse")
    tables.set_defaults(handler=_tables)
    report = commands.add_parser("report", help="write a static HTML report with the headline charts")
    report.add_argument("--output", type=Path, default=Path("reports/aimetrics.html"))
    report.set_defaults(handler=_report)
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except (WarehouseBusy, WarehouseMissing, WarehouseCorrupt) as error:
        print(str(error), file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
