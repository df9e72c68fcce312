"""The instance's event log keeps its SQLite connections open (orchestration/event_log.py) and stores what Dagster's
own storage stores: another process, the UI say, reads the same runs, materializations and check results."""

import shutil
import sqlite3
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.storage.event_log import SqliteEventLogStorage

from orchestration.event_log import OPEN_DATABASES, KeptOpenSqliteEventLogStorage
from tests.conftest import PROJECT_ROOT


@dg.asset(check_specs=[dg.AssetCheckSpec("has_rows", asset="numbers")])
def numbers():
    yield dg.Output([1, 2, 3], metadata={"dagster/row_count": 3})
    yield dg.AssetCheckResult(check_name="has_rows", passed=True)


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    shutil.copy(PROJECT_ROOT / "orchestration" / "dagster.yaml", tmp_path / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    return tmp_path


def test_the_project_instance_uses_it_and_another_instance_reads_what_it_wrote(home):
    with dg.DagsterInstance.get() as instance:
        assert isinstance(instance.event_log_storage, KeptOpenSqliteEventLogStorage)
        runs = [dg.materialize([numbers], instance=instance).run_id for _ in range(OPEN_DATABASES + 3)]
        assert len(instance.event_log_storage._engines) <= OPEN_DATABASES  # the oldest runs' files were let go
        with instance.event_log_storage.run_connection(runs[-1]) as conn:
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
        ref = instance.get_ref()
    # a run's worker rebuilds the instance from its ref: the same folder
    with dg.DagsterInstance.from_ref(ref) as worker:
        assert worker.event_log_storage._base_dir == str(home / "storage")
        assert len(worker.all_logs(runs[0])) > 0
    # Dagster's own storage class, as another process would open the same folder
    reader = SqliteEventLogStorage(str(home / "storage"))
    assert (home / "storage" / "index.db").exists() and all((home / "storage" / f"{r}.db").exists() for r in runs)
    for run_id in runs:
        types = {
            record.dagster_event.event_type for record in reader.get_logs_for_run(run_id) if record.is_dagster_event
        }
        assert {
            dg.DagsterEventType.ASSET_MATERIALIZATION,
            dg.DagsterEventType.ASSET_CHECK_EVALUATION,
            dg.DagsterEventType.RUN_SUCCESS,
        } <= types
    latest = reader.get_latest_materialization_events([dg.AssetKey("numbers")])[dg.AssetKey("numbers")]
    assert latest.run_id == runs[-1] and latest.asset_materialization.metadata["dagster/row_count"].value == 3
    checks = reader.get_asset_check_execution_history(dg.AssetCheckKey(dg.AssetKey("numbers"), "has_rows"), limit=50)
    assert len(checks) == len(runs)
    reader.dispose()


def test_what_it_overrides_is_still_dagsters(home):
    """The methods replaced, and the attributes they use, exist in the installed Dagster with the same meaning."""
    storage = SqliteEventLogStorage(str(home / "storage"))
    assert callable(storage._connect) and callable(storage._initdb)
    assert storage.conn_string_for_shard("index").startswith("sqlite:///")
    assert isinstance(storage._initialized_dbs, set) and hasattr(storage._db_lock, "acquire")
    storage.dispose()
    # one connection per database file, not one per statement
    kept = KeptOpenSqliteEventLogStorage(str(home / "kept"))
    with kept.index_connection() as first:
        first_raw = first.connection.dbapi_connection
    with kept.index_connection() as second:
        assert second.connection.dbapi_connection is first_raw
    kept.dispose()
    assert sqlite3.connect(home / "kept" / "index.db").execute("select count(*) from event_logs").fetchone() == (0,)


def test_a_table_once_found_is_not_looked_up_again_and_a_missing_one_is(home, monkeypatch):
    kept = KeptOpenSqliteEventLogStorage(str(home / "kept"))
    lookups = []
    dagsters = SqliteEventLogStorage.has_table

    def counted(self, name):
        lookups.append(name)
        return dagsters(self, name)

    monkeypatch.setattr(SqliteEventLogStorage, "has_table", counted)
    assert [kept.has_table("asset_check_executions") for _ in range(3)] == [True] * 3
    assert lookups == ["asset_check_executions"]
    assert not kept.has_table("added_later") and not kept.has_table("added_later")
    with sqlite3.connect(home / "kept" / "index.db") as other_process:  # a migration adds it
        other_process.execute("create table added_later (id integer)")
    assert kept.has_table("added_later") and kept.has_table("added_later")
    assert lookups.count("added_later") == 3
    kept.dispose()
