"""A DuckLake refuses a commit that meets another writer's change to the same table (steps landing other sources
at once share the ledger): the landing is done again, and only for that error."""

from types import SimpleNamespace

import duckdb
import pytest

from warehouse import land
from warehouse.db import is_write_conflict, rollback

SOURCE = SimpleNamespace(name="epoch_notable_models")
CONFLICT = (
    "TransactionContext Error: Failed to commit: Failed to commit DuckLake transaction. Transaction conflict - "
    'attempting to insert into table with index "127" - but another transaction has altered it'
)


def test_a_refused_commit_is_a_conflict_and_other_errors_are_not():
    assert is_write_conflict(duckdb.TransactionException(CONFLICT))
    assert not is_write_conflict(duckdb.IOException("IO Error: No space left on device"))
    assert not is_write_conflict(ValueError(CONFLICT))


def test_a_landing_refused_by_a_conflict_is_done_again(monkeypatch):
    calls = []

    def landing(*args):
        calls.append(args)
        if len(calls) < 3:
            raise duckdb.TransactionException(CONFLICT)
        return "landed"

    monkeypatch.setattr(land, "_land_source", landing)
    monkeypatch.setattr(land.time, "sleep", lambda seconds: None)
    assert land.land_source(SOURCE) == "landed"
    assert len(calls) == 3


def test_any_other_error_fails_the_landing_at_once(monkeypatch):
    calls = []

    def landing(*args):
        calls.append(args)
        raise duckdb.IOException("IO Error: No space left on device")

    monkeypatch.setattr(land, "_land_source", landing)
    with pytest.raises(duckdb.IOException):
        land.land_source(SOURCE)
    assert len(calls) == 1


def test_a_conflict_that_does_not_end_gives_up(monkeypatch):
    monkeypatch.setattr(
        land, "_land_source", lambda *args: (_ for _ in ()).throw(duckdb.TransactionException(CONFLICT))
    )
    monkeypatch.setattr(land.time, "sleep", lambda seconds: None)
    with pytest.raises(duckdb.TransactionException, match="Transaction conflict"):
        land.land_source(SOURCE)


def test_rolling_back_after_a_failed_commit_keeps_quiet_and_other_rollback_errors_do_not():
    conn = duckdb.connect()
    rollback(conn)  # no transaction open, as after a refused commit
    conn.execute("begin")
    conn.execute("create table t (i int)")
    rollback(conn)
    assert conn.execute("select count(*) from duckdb_tables() where table_name = 't'").fetchone()[0] == 0
