"""Atomic, idempotent landing of one delivery into its raw table, with quarantine and the deliveries log.

A delivery is identified by (source, source file, edition). Loading it deletes that delivery's earlier rows
and inserts the new ones in one transaction, so re-runs never duplicate and a failure changes nothing.
A file whose content (checksum) and parser version were already loaded is skipped.
"""

from __future__ import annotations

import re
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
    table = checked_identifier(table)
    now = datetime.now(timezone.utc)
    outcome = LoadOutcome("loaded", rows.height, quarantine.height)
    incoming = _with_provenance(rows, key, now)
    quarantined = _with_provenance(quarantine, key, now).with_columns(pl.lit(table).alias("raw_table"))
    conn.execute("begin transaction")
    try:
        ensure_raw_table(conn, table, incoming.schema)
        delivery_filter = "_source = ? and _source_file = ? and _edition = ?"
        params = [key.source, key.source_file, key.edition]
        conn.execute(f'delete from raw."{table}" where {delivery_filter}', params)
        conn.execute(f"delete from raw.quarantine where raw_table = ? and {delivery_filter}", [table, *params])
        conn.register("_incoming_rows", incoming.to_arrow())
        conn.register("_incoming_quarantine", quarantined.to_arrow())
        conn.execute(f'insert into raw."{table}" by name select * from _incoming_rows')
        conn.execute("insert into raw.quarantine by name select * from _incoming_quarantine")
        _log_delivery(conn, key, table, parser_version, outcome, now)
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise
    finally:
        for view in ("_incoming_rows", "_incoming_quarantine"):
            try:
                conn.unregister(view)
            except duckdb.Error:
                pass
    return outcome


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
