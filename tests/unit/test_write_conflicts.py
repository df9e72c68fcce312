"""A DuckLake refuses a commit that meets another writer's change to the same table (steps landing other sources
at once share the ledger): the landing is done again, and only for that error."""

from types import SimpleNamespace

import duckdb
import pytest

from warehouse import db, land
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


FIRST_ATTACH_RACE = (
    'Failed to initialize DuckLake:Failed to execute query "CREATE TABLE "public"."ducklake_metadata"(...)": '
    'ERROR:  duplicate key value violates unique constraint "pg_type_typname_nsp_index" DETAIL:  Key '
    "(typname, typnamespace)=(ducklake_metadata, 2200) already exists."
)


class Attaching:
    def __init__(self, errors: list[Exception]):
        self.errors, self.calls = errors, 0

    def execute(self, statement: str) -> None:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)


def test_an_attach_that_lost_the_race_to_create_a_new_catalog_attaches_again(monkeypatch):
    monkeypatch.setattr(db.time, "sleep", lambda seconds: None)
    conn = Attaching([duckdb.Error(FIRST_ATTACH_RACE)])
    db.attach(conn, "ATTACH 'ducklake:postgres:dbname=lake' AS lake")
    assert conn.calls == 2


def test_any_other_attach_error_is_raised_at_once(monkeypatch):
    conn = Attaching([duckdb.IOException("IO Error: Could not connect to server")])
    with pytest.raises(duckdb.IOException):
        db.attach(conn, "ATTACH 'ducklake:postgres:dbname=lake' AS lake")
    assert conn.calls == 1
