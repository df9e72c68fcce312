"""`aimetrics`: run the pipeline, list the marts, query the warehouse (always read-only)."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from pathlib import Path

import duckdb

from warehouse.db import WarehouseBusy, WarehouseMissing, connect_read
from warehouse.preview import markdown_table


def _run(args: argparse.Namespace) -> int:
    from orchestration.run import format_summary, materialize_everything

    summary = materialize_everything(args.job)
    print(format_summary(summary))
    return 0 if summary.ok else 1


def _render(columns: list[str], rows: list[tuple], fmt: str) -> str:
    if fmt == "json":
        return json.dumps([dict(zip(columns, row)) for row in rows], default=str, indent=2)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
        return buffer.getvalue().rstrip("\n")
    return markdown_table(columns, rows, max_chars=60)


READ_STATEMENTS = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}


def refusal(sql: str) -> str | None:
    """Why `sql` may not run through the query command (it only reads), or None."""
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as error:
        return f"query failed: {str(error).splitlines()[0]}"
    if len(statements) != 1:
        return f"refused: give exactly one statement (got {len(statements)})"
    if statements[0].type not in READ_STATEMENTS:
        return (f"refused: the query command only reads the warehouse; "
                f"{statements[0].type.name} statements are not allowed")
    return None


def _query(args: argparse.Namespace) -> int:
    problem = refusal(args.sql)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    with connect_read() as conn:
        try:
            relation = conn.sql(args.sql)
        except duckdb.Error as error:
            if "read-only" in str(error).lower():
                print("refused: the query command opens the warehouse read-only; statements that write are not allowed",
                      file=sys.stderr)
            else:
                print(f"query failed: {str(error).splitlines()[0]}", file=sys.stderr)
            return 2
        if relation is None:
            return 0
        if args.format == "parquet":
            if not args.output:
                print("--format parquet needs --output FILE", file=sys.stderr)
                return 2
            relation.to_parquet(str(args.output))
            return 0
        text = _render(relation.columns, relation.fetchall(), args.format)
    if args.output:
        Path(args.output).write_text(text + "\n")
    else:
        print(text)
    return 0


def _tables(args: argparse.Namespace) -> int:
    with connect_read() as conn:
        rows = conn.execute(
            """select schema_name || '.' || table_name, coalesce(comment, '')
               from duckdb_tables() where schema_name in ('marts', 'raw')
               union all
               select schema_name || '.' || view_name, coalesce(comment, '') || ' (view)'
               from duckdb_views() where schema_name in ('marts', 'raw') and not internal
               order by 1"""
        ).fetchall()
        counted = [(name, conn.execute(f"select count(*) from {name}").fetchone()[0], comment) for name, comment in rows]
    print(markdown_table(["table", "rows", "description"], counted, max_chars=100))
    return 0


def _report(args: argparse.Namespace) -> int:
    from warehouse.report import write_report

    charts = write_report(args.output)
    for chart in charts:
        print(f"{chart.title}: {chart.rows} points" + ("" if chart.png else " (no chart: no data)"))
    print(f"report written to {args.output}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="aimetrics", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="materialize every asset into the warehouse and print a summary")
    run.add_argument("--job", default="materialize_everything")
    run.set_defaults(handler=_run)
    query = commands.add_parser("query", help="run one SQL statement against the warehouse, read-only")
    query.add_argument("sql")
    query.add_argument("--format", choices=["table", "csv", "json", "parquet"], default="table")
    query.add_argument("--output", type=Path)
    query.set_defaults(handler=_query)
    tables = commands.add_parser("tables", help="list the raw and mart tables and views with row counts")
    tables.set_defaults(handler=_tables)
    report = commands.add_parser("report", help="write a static HTML report with the headline charts")
    report.add_argument("--output", type=Path, default=Path("reports/aimetrics.html"))
    report.set_defaults(handler=_report)
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except (WarehouseBusy, WarehouseMissing) as error:
        print(str(error), file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
