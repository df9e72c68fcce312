"""The build lease of a DuckLake: one run at a time builds, audits and publishes. Several runs may land sources at
once, but a publish is the DuckLake as it is at that moment, so a run publishing while another run's dbt build is
half-way would publish that half. A run takes the lease before its dbt build (or, without one, before it
publishes) and gives it back in its publish commit. A run that failed or was stopped keeps it until the next run
finds the holder no longer active and takes it over.

The lease is one row, always there and replaced whole: two runs taking it at once both delete that row, and
DuckLake refuses the second commit ("Transaction conflict"), so only one of them holds it."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

import duckdb

from warehouse.db import is_write_conflict, rollback, table_exists

TABLE = "meta.build_lease"


class BuildLeaseBusy(RuntimeError):
    """Another active run held the build lease for longer than the wait allows."""


def holder(conn: duckdb.DuckDBPyConnection) -> str | None:
    """The run holding the lease, or None."""
    if not table_exists(conn, *TABLE.split(".")):
        return None
    row = conn.execute(f"select run_id from {TABLE}").fetchone()
    return row[0] if row else None


def take(
    conn: duckdb.DuckDBPyConnection,
    run_id: str,
    is_active: Callable[[str], bool],
    wait_s: float,
    poll_s: float = 2.0,
    on_wait: Callable[[str], None] = lambda holder: None,
) -> str | None:
    """Hold the lease for `run_id`: at once when it is free, ours already, or held by a run that is no longer
    active (`is_active(run_id)`); else wait for it, up to `wait_s`. Returns the inactive run it was taken from."""
    deadline, told = time.monotonic() + wait_s, None
    _create(conn)
    while True:
        conn.execute("begin")
        try:
            current = holder(conn)
            if current == run_id:  # taken before this step (its dbt build, or a step run again after a worker died)
                rollback(conn)
                return None
            if current is None or not is_active(current):
                conn.execute(f"delete from {TABLE}")
                conn.execute(f"insert into {TABLE} values (?, ?)", [run_id, datetime.now(UTC)])
                conn.execute("commit")
                return current
            rollback(conn)
        except duckdb.Error as error:
            rollback(conn)
            if not is_write_conflict(error):
                raise
            continue  # another run took it at the same moment: look again, to see which
        if time.monotonic() >= deadline:
            raise BuildLeaseBusy(f"the build lease is still held by run {current} after {wait_s:g} s")
        if current != told:
            on_wait(current)
            told = current
        time.sleep(poll_s)


def release(conn: duckdb.DuckDBPyConnection, run_id: str) -> None:
    """Give the lease back, inside the caller's transaction (the publish commit): it is free from that commit on.
    The row stays, emptied: with no row, two takers would each delete nothing and both commit."""
    conn.execute(f"update {TABLE} set run_id = null, taken_at = null where run_id = ?", [run_id])


def _create(conn: duckdb.DuckDBPyConnection) -> None:
    """The table with its one row (holder NULL), in one commit: two creators conflict, and the second finds it."""
    for _ in range(5):
        if table_exists(conn, *TABLE.split(".")):
            return
        conn.execute("begin")
        try:
            conn.execute("create schema if not exists meta")
            conn.execute(f"create table {TABLE} (run_id varchar, taken_at timestamptz)")
            conn.execute(f"insert into {TABLE} values (null, null)")
            conn.execute("commit")
            return
        except duckdb.Error as error:
            rollback(conn)
            if not (is_write_conflict(error) or "already exists" in str(error)):
                raise
            time.sleep(0.5)
