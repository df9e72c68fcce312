"""What a run leaves of its dbt call: the parse state for the next run, and only the newest target folders."""

import os
import subprocess
import sys
import time

from dagster_dbt import DbtCliResource

from orchestration import dbt_resources
from orchestration.assets import dbt as dbt_assets
from orchestration.dbt_resources import _start_from_saved_parse
from tests.conftest import PROJECT_ROOT


def test_each_warehouse_starts_from_its_own_parse_state(tmp_path, monkeypatch):
    """Runs into two warehouses in turn: each starts from the state its own warehouse's last call left, not from the
    other's (with which dbt would parse the whole project again). A warehouse without one starts from the project's
    (what `make setup` parsed), which no call replaces."""
    project = tmp_path / "dbt_project"
    (project / "target").mkdir(parents=True)
    (project / "target" / "partial_parse.msgpack").write_bytes(b"parsed by make setup")
    monkeypatch.setattr(dbt_assets, "DBT_PROJECT_DIR", project)

    def a_call_into(warehouse: str, state: bytes | None) -> None:
        monkeypatch.setenv("AIMETRICS_DUCKDB_PATH", str(tmp_path / warehouse))
        call = project / "target" / f"warehouse_dbt_models-{len(list(project.glob('target/*'))):07d}-0000000"
        call.mkdir()
        if state is not None:  # None: a call that failed before dbt wrote any state
            (call / "partial_parse.msgpack").write_bytes(state)
        dbt_assets.keep_parse_state(call)

    def starts_from(warehouse: str) -> bytes:
        monkeypatch.setenv("AIMETRICS_DUCKDB_PATH", str(tmp_path / warehouse))
        target = tmp_path / "next" / str(len(list(tmp_path.glob("next/*"))))  # a new call's own folder
        _start_from_saved_parse(project, target)
        return (target / "partial_parse.msgpack").read_bytes()

    assert starts_from("a.duckdb") == b"parsed by make setup"
    a_call_into("a.duckdb", b"parsed for a")
    a_call_into("b.duckdb", b"parsed for b")
    a_call_into("a.duckdb", None)
    assert starts_from("a.duckdb") == b"parsed for a"
    assert starts_from("b.duckdb") == b"parsed for b"
    assert starts_from("c.duckdb") == b"parsed by make setup"
    assert not list(project.rglob("*.tmp"))


def test_only_the_newest_target_folders_stay(tmp_path):
    now = time.time()
    for age in range(14):
        folder = tmp_path / f"warehouse_dbt_models-{age:07d}-0000000"
        folder.mkdir()
        (folder / "manifest.json").write_text("{}")
        os.utime(folder, (now - age * 60, now - age * 60))
    (tmp_path / "partial_parse.msgpack").write_bytes(b"state")
    for age in range(14):
        state = tmp_path / "parse_states" / f"{age:016d}" / "partial_parse.msgpack"
        state.parent.mkdir(parents=True)
        state.write_bytes(b"state")
        os.utime(state.parent, (now - age * 60, now - age * 60))
    dbt_assets.prune_invocations(tmp_path, keep=dbt_assets.KEPT_INVOCATIONS)
    left = sorted(p.name for p in tmp_path.glob("warehouse_dbt_models-*"))
    assert left == [f"warehouse_dbt_models-{age:07d}-0000000" for age in range(dbt_assets.KEPT_INVOCATIONS)]
    states = sorted(p.name for p in (tmp_path / "parse_states").iterdir())
    assert states == [f"{age:016d}" for age in range(dbt_assets.KEPT_INVOCATIONS)]
    assert (tmp_path / "partial_parse.msgpack").exists()


def test_dbt_parses_again_when_the_warehouse_path_changes(tmp_path):
    """Why the state is kept: dbt's saved parse is tied to the connection settings, the warehouse path among them."""
    project = PROJECT_ROOT / "dbt_project"
    dbt = [str(PROJECT_ROOT / ".venv" / "bin" / "dbt") if (PROJECT_ROOT / ".venv").is_dir() else sys.executable]

    def parse(path, target):
        done = subprocess.run(
            [
                *dbt,
                "parse",
                "--profiles-dir",
                str(project),
                "--project-dir",
                str(project),
                "--target-path",
                str(target),
            ],
            env={**os.environ, "DO_NOT_TRACK": "1", "AIMETRICS_DUCKDB_PATH": str(path)},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stdout[-2000:]
        return done.stdout

    first = tmp_path / "one" / "target"
    parse(tmp_path / "one" / "warehouse.duckdb", first)
    second = tmp_path / "two" / "target"
    second.mkdir(parents=True)
    (second / "partial_parse.msgpack").write_bytes((first / "partial_parse.msgpack").read_bytes())
    assert "profile has changed" in parse(tmp_path / "two" / "warehouse.duckdb", second)
    third = tmp_path / "three" / "target"
    third.mkdir(parents=True)
    (third / "partial_parse.msgpack").write_bytes((second / "partial_parse.msgpack").read_bytes())
    assert "profile has changed" not in parse(tmp_path / "two" / "warehouse.duckdb", third)


def test_dbt_as_a_subprocess_starts_from_the_warehouses_state_too(tmp_path, monkeypatch):
    """AIMETRICS_DBT_IN_PROCESS=false: dagster-dbt would copy the project's state; the warehouse's own comes first."""
    saved = tmp_path / "target"
    monkeypatch.setattr(dbt_resources, "_get_dbt_target_path", lambda: saved)
    own = dbt_resources.warehouse_parse_state(saved)
    own.parent.mkdir(parents=True)
    own.write_bytes(b"parsed for this warehouse")
    (saved / "partial_parse.msgpack").write_bytes(b"parsed by make setup")
    calls = []
    monkeypatch.setattr(DbtCliResource, "cli", lambda self, args, **kwargs: calls.append(kwargs["target_path"]))
    dbt = PROJECT_ROOT / ".venv" / "bin" / "dbt"
    resource = dbt_resources.LocalDbtCliResource(project_dir=str(PROJECT_ROOT / "dbt_project"), dbt_executable=str(dbt))
    call = tmp_path / "call"
    resource.cli(["parse"], target_path=call)
    assert calls == [call]
    assert (call / "partial_parse.msgpack").read_bytes() == b"parsed for this warehouse"


def test_a_parse_state_that_cannot_be_kept_does_not_fail_the_run(tmp_path, monkeypatch):
    """Keeping the state is a saving for the next run: a folder it cannot write (here a file in its way, as when
    another process prunes it) leaves the next run a parse to do, and this run goes on."""
    project = tmp_path / "dbt_project"
    call = project / "target" / "warehouse_dbt_models-abc1234-0000000"
    call.mkdir(parents=True)
    (call / "partial_parse.msgpack").write_bytes(b"parsed")
    (project / "target" / "parse_states").write_text("not a folder")
    monkeypatch.setattr(dbt_assets, "DBT_PROJECT_DIR", project)
    dbt_assets.keep_parse_state(call)  # no error
    assert (project / "target" / "parse_states").read_text() == "not a folder"
    assert not list(project.rglob("*.tmp"))
