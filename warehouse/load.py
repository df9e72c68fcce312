"""Atomic, idempotent landing of one delivery into its raw table, with quarantine and the deliveries log.

A delivery is identified by (source, source file, edition). Loading it deletes that delivery's earlier rows
and inserts the new ones in one transaction, so re-runs never duplicate and a failure changes nothing.
A file whose content (checksum) and parser version were already loaded is skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone

import duckdb
import polars as pl

from warehouse.schema import ensure_raw_table

_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
PROVENANCE_COLUMNS = ("_source", "_edition", "_source_file", "_source_sha256", "_ingested_at")


def checked_identifier(name: str) -> str:
    if not _IDENTIFIER.match(name):
        raise ValueError(f"not a safe table name: {name!r}")
    return name


@dataclass(frozen=True)
class DeliveryKey:
    source: str
    edition: str
    source_file: str
    sha256: str
    retrieved_at: datetime


@dataclass(frozen=True)
class LoadOutcome:
    status: str  # loaded | skipped | rejected
    rows_accepted: int = 0
    rows_quarantined: int = 0
    reason: str | None = None


def is_already_loaded(conn: duckdb.DuckDBPyConnection, key: DeliveryKey, parser_version: str) -> bool:
    """True when the newest loaded version of this source file has the same checksum and parser version."""
    row = conn.execute(
        """select sha256, parser_version from raw.deliveries
           where source = ? and source_file = ? and status = 'loaded'
           order by loaded_at desc limit 1""",
        [key.source, key.source_file],
    ).fetchone()
    return row is not None and row[0] == key.sha256 and row[1] == parser_version


def _with_provenance(frame: pl.DataFrame, key: DeliveryKey, ingested_at: datetime) -> pl.DataFrame:
    return frame.with_columns(
        pl.lit(key.source).alias("_source"),
        pl.lit(key.edition).alias("_edition"),
        pl.lit(key.source_file).alias("_source_file"),
        pl.lit(key.sha256).alias("_source_sha256"),
        pl.lit(ingested_at).cast(pl.Datetime("us", "UTC")).alias("_ingested_at"),
    )


def _log_delivery(conn, key: DeliveryKey, table: str, parser_version: str, outcome: LoadOutcome, at: datetime) -> None:
    if outcome.status == "loaded":
        conn.execute(
            """update raw.deliveries set status = 'superseded'
               where source = ? and source_file = ? and edition = ? and status = 'loaded'""",
            [key.source, key.source_file, key.edition],
        )
    conn.execute(
        "delete from raw.deliveries where source = ? and source_file = ? and edition = ? and sha256 = ?",
        [key.source, key.source_file, key.edition, key.sha256],
    )
    conn.execute(
        """insert into raw.deliveries (source, edition, source_file, sha256, parser_version, raw_table, status,
               reason, rows_accepted, rows_quarantined, retrieved_at, loaded_at)
           values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [key.source, key.edition, key.source_file, key.sha256, parser_version, table, outcome.status,
         outcome.reason, outcome.rows_accepted, outcome.rows_quarantined, key.retrieved_at, at],
    )


def load_delivery(
    conn: duckdb.DuckDBPyConnection,
    table: str,
    key: DeliveryKey,
    parser_version: str,
    rows: pl.DataFrame,
    quarantine: pl.DataFrame,
) -> LoadOutcome:
    """Replace this delivery's rows in raw.<table> and raw.quarantine, and log it, in one transaction."""
    return load_delivery_batches(conn, table, key, parser_version, [(rows, quarantine)])


def load_delivery_batches(
    conn: duckdb.DuckDBPyConnection,
    table: str,
    key: DeliveryKey,
    parser_version: str,
    batches: Iterable[tuple[pl.DataFrame, pl.DataFrame]],
) -> LoadOutcome:
    """`load_delivery` for a delivery parsed in (rows, quarantine) batches: one transaction whatever their number,
    so memory stays flat and an error part-way (raised by the batches too) leaves the table as it was."""
    table = checked_identifier(table)
    now = datetime.now(timezone.utc)
    accepted = quarantined_rows = 0
    conn.execute("begin transaction")
    try:
        delivery_filter = "_source = ? and _source_file = ? and _edition = ?"
        params = [key.source, key.source_file, key.edition]
        cleared = False
        for rows, quarantine in batches:
            incoming = _with_provenance(rows, key, now)
            if not cleared:
                ensure_raw_table(conn, table, incoming.schema)
                conn.execute(f'delete from raw."{table}" where {delivery_filter}', params)
                conn.execute(f"delete from raw.quarantine where raw_table = ? and {delivery_filter}", [table, *params])
                cleared = True
            _insert(conn, f'raw."{table}"', incoming)
            _insert(conn, "raw.quarantine", _with_provenance(quarantine, key, now).with_columns(pl.lit(table).alias("raw_table")))
            accepted, quarantined_rows = accepted + rows.height, quarantined_rows + quarantine.height
        if not cleared and _table_exists(conn, table):  # a delivery with no records still replaces its earlier rows
            conn.execute(f'delete from raw."{table}" where {delivery_filter}', params)
            conn.execute(f"delete from raw.quarantine where raw_table = ? and {delivery_filter}", [table, *params])
        outcome = LoadOutcome("loaded", accepted, quarantined_rows)
        _log_delivery(conn, key, table, parser_version, outcome, now)
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise
    return outcome


def _table_exists(conn: duckdb.DuckDBPyConnection, table: str) -> bool:
    return conn.execute("select count(*) from information_schema.tables where table_schema = 'raw' and table_name = ?",
                        [table]).fetchone()[0] > 0


def _insert(conn: duckdb.DuckDBPyConnection, target: str, frame: pl.DataFrame) -> None:
    if frame.height == 0:
        return
    conn.register("_incoming", frame.to_arrow())
    try:
        conn.execute(f"insert into {target} by name select * from _incoming")
    finally:
        conn.unregister("_incoming")


def record_rejection(conn, table: str, key: DeliveryKey, parser_version: str, reason: str) -> LoadOutcome:
    """Log a delivery that could not be used at all; the rows of earlier versions stay as they were."""
    outcome = LoadOutcome("rejected", reason=reason)
    conn.execute("begin transaction")
    try:
        _log_delivery(conn, key, checked_identifier(table), parser_version, outcome, datetime.now(timezone.utc))
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise
    return outcome
