"""The aimetrics command: read-only queries in several formats, clear messages instead of traces."""

import json

import duckdb
import pytest

from warehouse.cli import main


@pytest.fixture
def small_warehouse(warehouse_file):
    conn = duckdb.connect(str(warehouse_file))
    conn.execute("create schema marts; create table marts.t as select * from (values (1, 'a'), (2, 'b')) v(id, name)")
    conn.close()
    return warehouse_file


def test_query_formats(small_warehouse, capsys, tmp_path):
    assert main(["query", "select * from marts.t order by id", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == [{"id": 1, "name": "a"}, {"id": 2, "name": "b"}]
    assert main(["query", "select * from marts.t order by id", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["id,name", "1,a", "2,b"]
    assert main(["query", "select name from marts.t where id = 2"]) == 0
    assert "| b |" in capsys.readouterr().out
    out = tmp_path / "t.parquet"
    assert main(["query", "select * from marts.t", "--format", "parquet", "--output", str(out)]) == 0
    assert duckdb.execute(f"select count(*) from '{out}'").fetchone()[0] == 2


@pytest.mark.parametrize(
    "sql",
    [
        "insert into marts.t values (3, 'c')",
        "drop table marts.t",
        "create table marts.u as select 1",
        "copy marts.t to '/tmp/x.csv'",
        "attach '/tmp/other.duckdb'",
        "select 1; delete from marts.t",
    ],
)
def test_statements_that_write_are_refused(small_warehouse, capsys, sql):
    assert main(["query", sql]) == 2
    assert "refused" in capsys.readouterr().err
    conn = duckdb.connect(str(small_warehouse), read_only=True)
    assert conn.execute("select count(*) from marts.t").fetchone()[0] == 2
    conn.close()


def test_a_bad_query_and_a_missing_warehouse_give_one_line_messages(small_warehouse, capsys, tmp_path, monkeypatch):
    assert main(["query", "select * from marts.nope"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("query failed: Catalog Error") and "Traceback" not in err
    monkeypatch.setenv("AIMETRICS_DUCKDB_PATH", str(tmp_path / "absent.duckdb"))
    assert main(["query", "select 1"]) == 3
    assert "run `make run`" in capsys.readouterr().err


def test_tables_lists_row_counts(small_warehouse, capsys):
    assert main(["tables"]) == 0
    assert "| marts.t | 2 |" in capsys.readouterr().out
