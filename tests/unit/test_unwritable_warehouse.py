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
    if (
        not shutil.which("chattr")
        or subprocess.run(["chattr", "+i", *map(str, locked)], capture_output=True).returncode
    ):
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


@pytest.mark.parametrize("locked_part", ["", "history/runs", "storage"])
def test_a_dagster_home_that_may_not_be_written_stops_a_run_with_one_message(
    tmp_path, monkeypatch, capsys, locked_part
):
    """The instance records runs in DAGSTER_HOME: the folder or a folder in it made immutable is named, with no
    traceback and nothing run (a read-only home once ended in a PermissionError from deep inside Dagster)."""
    home = tmp_path / "dagster_home"
    for folder in ("history/runs", "storage", "schedules"):
        (home / folder).mkdir(parents=True)
    locked = home / locked_part
    if not shutil.which("chattr") or subprocess.run(["chattr", "+i", str(locked)], capture_output=True).returncode:
        pytest.skip("chattr +i is not available on this file system: cannot make a folder read-only for root")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    try:
        assert main(["run"]) == 2
    finally:
        subprocess.run(["chattr", "-i", str(locked)], check=True)
    err = capsys.readouterr().err
    assert err.startswith(f"not run: DAGSTER_HOME: the folder {locked.as_posix().rstrip('/')} is not writable"), err
    assert "Traceback" not in err and len(err.splitlines()) == 1


def test_a_dagster_home_that_does_not_exist_is_named(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "nowhere"))
    assert main(["run"]) == 2
    assert capsys.readouterr().err.strip() == (
        f"not run: DAGSTER_HOME={tmp_path / 'nowhere'} is not a folder; create it, or point DAGSTER_HOME at one"
    )
