"""A warehouse in a folder that may not be written is called that, never "corrupt, move it aside" (advice that
loses data): `aimetrics run` stops before anything runs, a writer says why, and readers still read. The folder
and file are made immutable (`chattr +i`), which holds for root too (the tests run as root)."""

import shutil
import subprocess

import duckdb
import pytest

from orchestration.cli import main
from warehouse.db import WarehouseNotWritable, connect_write


@pytest.fixture
def read_only_warehouse(warehouse_file):
    with duckdb.connect(str(warehouse_file)) as conn:
        conn.execute("create schema marts; create table marts.t as select 42 as answer")
    folder = warehouse_file.parent
    locked = [warehouse_file, folder]
    if not shutil.which("chattr") or subprocess.run(["chattr", "+i", *map(str, locked)],
                                                    capture_output=True).returncode:
        pytest.skip("chattr +i is not available on this file system: cannot make a folder read-only for root")
    try:
        yield warehouse_file
    finally:
        subprocess.run(["chattr", "-i", *map(str, locked)], check=True)


def test_a_run_stops_with_a_true_message_and_readers_still_read(read_only_warehouse, capsys):
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert f"the warehouse's folder {read_only_warehouse.parent} is not writable by this user" in err
    assert "corrupt" not in err
    assert main(["query", "select answer from marts.t", "--format", "csv"]) == 0
    assert capsys.readouterr().out.split() == ["answer", "42"]


def test_a_writer_says_it_may_not_write_and_changes_nothing(read_only_warehouse):
    before = read_only_warehouse.read_bytes()
    with pytest.raises(WarehouseNotWritable, match="cannot be written by this user .*nothing was changed"):
        with connect_write(read_only_warehouse, wait_s=0):
            pass
    with pytest.raises(WarehouseNotWritable, match="cannot be written by this user"):
        with connect_write(wait_s=0):  # the build, which would start as a copy of the published file
            pass
    assert read_only_warehouse.read_bytes() == before
