"""The aimetrics command: read-only, sandboxed queries; exports that only write their --output; clear messages."""

import csv
import io
import json

import duckdb
import pytest

from orchestration.cli import main


@pytest.fixture
def small_warehouse(warehouse_file):
    conn = duckdb.connect(str(warehouse_file))
    conn.execute("create schema marts; create table marts.t as select * from (values (1, 'a'), (2, 'b')) v(id, name)")
    conn.execute(
        "create table marts.companies as select * from (values ('=HYPERLINK(\"http://x\")', 57000.0), "
        "('@SUM(A1)', 139129106187929.7), ('-1+2', 0.5)) v(company, amount)"
    )
    conn.execute("create view marts.v as select id from marts.t")
    conn.close()
    return warehouse_file


def _rows(path, sql="select count(*) from marts.t"):
    conn = duckdb.connect(str(path), read_only=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_query_formats(small_warehouse, capsys):
    assert main(["query", "select * from marts.t order by id", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == [{"id": 1, "name": "a"}, {"id": 2, "name": "b"}]
    assert main(["query", "select * from marts.t order by id", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["id,name", "1,a", "2,b"]
    assert main(["query", "select name from marts.t where id = 2"]) == 0
    assert "| b |" in capsys.readouterr().out


def test_numbers_are_readable_in_the_table_view(small_warehouse, capsys):
    assert main(["query", "select amount from marts.companies order by amount"]) == 0
    out = capsys.readouterr().out
    assert "| 57,000 |" in out and "| 139,129,106,187,930 |" in out and "| 0.5 |" in out
    assert main(["query", "select 2024 as year, 2025 as edition, 2024 as rounds"]) == 0
    assert "| 2024 | 2025 | 2,024 |" in capsys.readouterr().out  # years and editions are labels, not quantities
    assert (
        main(["query", "select 1335.27::double as usd, 0.12345678::double as share, (0.1 + 0.2)::double as noise"]) == 0
    )
    assert "| 1,335.27 | 0.12345678 | 0.3 |" in capsys.readouterr().out  # every digit, no float noise
    assert main(["query", "select repeat('x', 80) as long", "--max-width", "10"]) == 0
    assert "| xxxxxxxxx… |" in capsys.readouterr().out


def test_sql_from_a_file_or_standard_input(small_warehouse, capsys, tmp_path, monkeypatch):
    question = tmp_path / "q.sql"
    question.write_text("select count(*) as n from marts.t")
    assert main(["query", "-f", str(question), "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["n", "2"]
    monkeypatch.setattr("sys.stdin", io.StringIO("summarize marts.t"))
    assert main(["query", "-", "--format", "json"]) == 0
    assert {row["column_name"] for row in json.loads(capsys.readouterr().out)} == {"id", "name"}


@pytest.mark.parametrize(
    "sql",
    [
        "pivot marts.t on name using count(*)",
        "unpivot (select 1 as a, 2 as b) on a, b into name k value v",
        "summarize marts.t",
        "describe marts.t",
        "show tables",
        "explain select * from marts.t",
        "explain analyze select * from marts.t",
        "explain (format json) select * from marts.t",
        "from marts.t",
        "with x as (select 1 as one) select * from x",
    ],
)
def test_every_kind_of_read_is_accepted(small_warehouse, capsys, sql):
    assert main(["query", sql]) == 0, capsys.readouterr().err


@pytest.mark.parametrize(
    "sql",
    [
        "insert into marts.t values (3, 'c')",
        "update marts.t set name = 'z'",
        "delete from marts.t",
        "drop table marts.t",
        "create table marts.u as select 1",
        "create temp table u as select 1",
        "alter table marts.t add column x int",
        "copy marts.t to '{out}'",
        "copy (select 1) to '{out}'",
        "explain analyze copy (select 1) to '{out}'",
        "explain analyze insert into marts.t values (9, 'z')",
        "explain (analyze, format json) copy (select 1) to '{out}'",
        "export database '{dir}'",
        "attach '{dir}/other.duckdb'",
        "install httpfs",
        "load httpfs",
        "set enable_external_access = true",
        "select 1; delete from marts.t",
        "checkpoint",
        "vacuum",
    ],
)
def test_statements_that_write_are_refused_and_change_nothing(small_warehouse, capsys, tmp_path, sql):
    out, folder = tmp_path / "stolen.csv", tmp_path / "dump"
    assert main(["query", sql.format(out=out, dir=folder)]) == 2
    assert "refused" in capsys.readouterr().err
    assert _rows(small_warehouse) == [(2,)]
    assert not out.exists() and not folder.exists()


@pytest.mark.parametrize(
    "sql",
    [
        "select * from read_csv('{secret}')",
        "select * from '{secret}'",
        "select * from read_text('{secret}')",
    ],
)
def test_a_read_cannot_reach_any_file_but_the_warehouse(small_warehouse, capsys, tmp_path, sql):
    secret = tmp_path / "secret.csv"
    secret.write_text("password\nhunter2\n")
    assert main(["query", sql.format(secret=secret)]) == 2
    err = capsys.readouterr().err
    assert "refused" in err and "hunter2" not in err


def test_a_query_past_its_time_limit_is_stopped(small_warehouse, capsys):
    slow = "select count(*) from range(100000000000) a"
    assert main(["query", slow, "--timeout", "0.5"]) == 2
    assert "time limit of 0.5 s" in capsys.readouterr().err


def test_export_writes_only_its_output_and_escapes_formulas(small_warehouse, capsys, tmp_path):
    out = tmp_path / "companies.csv"
    assert main(["export", "select * from marts.companies order by amount", "--output", str(out)]) == 0
    rows = list(csv.reader(out.read_text().splitlines()))
    assert [row[0] for row in rows[1:]] == ["'-1+2", '\'=HYPERLINK("http://x")', "'@SUM(A1)"]
    assert rows[1][1] == "0.5"  # numbers stay numbers
    parquet = tmp_path / "t.parquet"
    assert main(["export", "select * from marts.t", "--format", "parquet", "--output", str(parquet)]) == 0
    assert duckdb.execute(f"select count(*) from '{parquet}'").fetchone()[0] == 2
    assert main(["export", "drop table marts.t", "--output", str(tmp_path / "x.csv")]) == 2
    assert not (tmp_path / "x.csv").exists()
    assert "--output" not in [action.option_strings[0] for action in _query_parser()._actions if action.option_strings]


def _query_parser():
    import argparse

    from orchestration import cli

    parser = argparse.ArgumentParser()
    cli._add_reading_options(parser, ["table"], "table")
    return parser


def test_errors_keep_duckdbs_help(small_warehouse, capsys):
    assert main(["query", "select * from t"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("query failed: Catalog Error") and "Did you mean" in err and "Traceback" not in err
    assert main(["query", "select * frm marts.t"]) == 2
    assert "LINE 1:" in capsys.readouterr().err


def test_a_missing_or_corrupt_warehouse_gives_one_message_and_is_left_alone(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("AIMETRICS_DUCKDB_PATH", str(tmp_path / "absent.duckdb"))
    assert main(["query", "select 1"]) == 3
    assert "run `make run`" in capsys.readouterr().err
    corrupt = tmp_path / "corrupt.duckdb"
    corrupt.write_bytes(b"not a database at all" * 100)
    monkeypatch.setenv("AIMETRICS_DUCKDB_PATH", str(corrupt))
    for command in (["query", "select 1"], ["tables"]):
        assert main(command) == 3
        err = capsys.readouterr().err
        assert "cannot be opened as a DuckDB database" in err and "Traceback" not in err
    assert corrupt.read_bytes() == b"not a database at all" * 100


def test_tables_lists_tables_and_views_with_row_counts(small_warehouse, capsys):
    assert main(["tables"]) == 0
    out = capsys.readouterr().out
    assert "| marts.t | 2 |" in out and "| marts.v | 2 | (view) |" in out


def test_query_help_explains_its_options(capsys):
    with pytest.raises(SystemExit):
        main(["query", "--help"])
    out = capsys.readouterr().out
    assert "--timeout" in out and "--wait" in out and "-f FILE" in out and "examples:" in out


def test_run_outside_make_gets_the_makefiles_instance(monkeypatch, tmp_path):
    from orchestration import cli

    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    monkeypatch.setattr(cli, "PROJECT_ROOT", tmp_path)
    (tmp_path / "orchestration").mkdir()
    (tmp_path / "orchestration" / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    cli._default_dagster_home()
    import os

    assert os.environ["DAGSTER_HOME"] == str(tmp_path / ".dagster_home")
    assert (tmp_path / ".dagster_home" / "dagster.yaml").read_text().startswith("telemetry")


def test_run_on_a_corrupt_warehouse_stops_before_writing(monkeypatch, tmp_path, capsys):
    corrupt = tmp_path / "corrupt.duckdb"
    corrupt.write_bytes(b"\x00garbage" * 500)
    monkeypatch.setenv("AIMETRICS_DUCKDB_PATH", str(corrupt))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    assert main(["run"]) == 3
    assert "cannot be opened as a DuckDB database" in capsys.readouterr().err
    assert corrupt.read_bytes() == b"\x00garbage" * 500


def test_export_never_writes_over_the_warehouse_or_into_the_pipelines_folders(
    small_warehouse, capsys, tmp_path, monkeypatch
):
    before = small_warehouse.read_bytes()
    monkeypatch.setenv("AIMETRICS_DATA_DIR", str(tmp_path / "mirror"))
    for output in (
        small_warehouse,
        tmp_path / "warehouse.duckdb.wal",
        tmp_path / "warehouse.build" / "warehouse.duckdb",
        tmp_path / "warehouse.versions" / "x.csv",
        tmp_path / "inbox" / "funding" / "deals.csv",
        tmp_path / "mirror" / "x.csv",
        tmp_path / "cache" / "x.csv",
    ):
        assert main(["export", "select * from marts.t", "--output", str(output)]) == 2
        assert capsys.readouterr().err.startswith("refused: ")
        assert not output.exists() or output == small_warehouse
    assert small_warehouse.read_bytes() == before
    assert main(["query", "select count(*) as n from marts.t", "--format", "csv"]) == 0  # still a warehouse
    assert capsys.readouterr().out.splitlines() == ["n", "2"]


def test_an_export_from_standard_input_cites_the_sql_it_ran(small_warehouse, capsys, tmp_path, monkeypatch):
    sql = "select id from marts.t order by id"
    monkeypatch.setattr("sys.stdin", io.StringIO(sql))
    out = tmp_path / "ids.csv"
    assert main(["export", "-", "--output", str(out)]) == 0
    assert out.read_text().splitlines() == ["id", "1", "2"]
    assert json.loads((tmp_path / "ids.csv.version.json").read_text())["sql"] == sql


def test_a_failed_export_leaves_the_earlier_file_whole(small_warehouse, capsys, tmp_path, monkeypatch):
    import pyarrow.parquet as pq

    out = tmp_path / "t.parquet"
    assert main(["export", "select * from marts.t", "--format", "parquet", "--output", str(out)]) == 0
    earlier = out.read_bytes()

    def full_disk(writer, batch):
        raise OSError(28, "No space left on device")  # the partial file has its header and part of its rows

    monkeypatch.setattr(pq.ParquetWriter, "write_batch", full_disk)
    with pytest.raises(OSError, match="No space left"):
        main(["export", "select * from marts.t", "--format", "parquet", "--output", str(out)])
    assert out.read_bytes() == earlier and [p.name for p in tmp_path.glob(".*partial")] == []


def test_json_is_json_and_names_cannot_rewrite_the_terminal(small_warehouse, capsys):
    assert (
        main(
            [
                "query",
                "select 'nan'::double as a, 'infinity'::double as b, -'infinity'::double as c, 1.5::double as d",
                "--format",
                "json",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out

    def no_constants(name):
        raise ValueError(f"{name} is not JSON")

    assert json.loads(out, parse_constant=no_constants) == [{"a": None, "b": None, "c": None, "d": 1.5}]
    for name in (
        "chr(27) || '[2J' || 'cleared'",
        "'bell' || chr(7)",
        "'over' || chr(13) || 'written'",
        "chr(8238) || 'desrever'",
    ):
        assert main(["query", f"select {name} as company"]) == 0
        out = capsys.readouterr().out
        assert not any(ch in out for ch in "\x1b\x07\r\u202e"), repr(out)
        assert "\\u00" in out or "\\u202e" in out
