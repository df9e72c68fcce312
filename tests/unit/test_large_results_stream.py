"""A result of any size is streamed: `query` and `export` hold one batch of rows at a time, not the whole result
(a 5M-row table or a 500 MB JSON answer once took 1.5-2 GB). Measured as the peak memory of a fresh process."""

import subprocess
import sys

import duckdb
import pytest

BIG = "select range as i, repeat('x', 200) || range as s from range(400000)"  # about 80 MB of text
PEAK = """
import os, resource, sys
from orchestration.cli import main
sys.stdout = open(os.devnull, "w")
code = main(sys.argv[1:])
print(code, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, file=sys.stderr)
"""


def _peak_mb(*args: str) -> int:
    """Exit code 0 asserted; the process's peak resident memory in MB."""
    done = subprocess.run([sys.executable, "-c", PEAK, *args], capture_output=True, text=True, timeout=120)
    code, peak = done.stderr.strip().splitlines()[-1].split()
    assert code == "0", done.stderr
    return int(peak)


@pytest.fixture
def published(warehouse_file):
    conn = duckdb.connect(str(warehouse_file))
    conn.execute("create schema marts; create table marts.t as select 1 as id")
    conn.close()
    return warehouse_file


def test_query_and_export_stream_a_large_result(published, tmp_path):
    baseline = {
        "query": _peak_mb("query", "select 1", "--format", "csv"),
        "export": _peak_mb("export", "select 1 as i", "--format", "parquet", "--output", str(tmp_path / "one.parquet")),
    }
    grown = {fmt: _peak_mb("query", BIG, "--format", fmt) - baseline["query"] for fmt in ("csv", "json")}
    out = tmp_path / "big.parquet"
    grown["parquet"] = _peak_mb("export", BIG, "--format", "parquet", "--output", str(out)) - baseline["export"]
    assert duckdb.execute(f"select count(*), max(length(s)) from '{out}'").fetchone() == (400000, 206)
    assert all(growth < 60 for growth in grown.values()), grown  # held whole, they grew by 100-450 MB
