"""Atomic, idempotent landing of one delivery into its raw table, with quarantine and the deliveries log.

A delivery is identified by (source, source file, edition). Loading it deletes that delivery's earlier rows
and inserts the new ones in one transaction, so re-runs never duplicate and a failure changes nothing.
A file whose content (checksum) and parser version were already loaded is skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb
import polars as pl

from warehouse.contract import hold_to_contract, profiles, record_profile
from warehouse.schema import ensure_raw_table

_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


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


def is_already_loaded(
    conn: duckdb.DuckDBPyConnection, key: DeliveryKey, parser_version: str, per_edition: bool = False
) -> bool:
    """True when the newest loaded version of this source file has the same checksum and parser version (of
    this edition too, with `per_edition`: for a feed whose edition is the day it was observed, an unchanged
    catalog on a new day is that day's observation, not a repeat)."""
    row = conn.execute(
        """select sha256, parser_version from raw.deliveries
           where source = ? and source_file = ? and status = 'loaded' and (not ? or edition = ?)
           order by loaded_at desc limit 1""",
        [key.source, key.source_file, per_edition, key.edition],
    ).fetchone()
    return row is not None and row[0] == key.sha256 and row[1] == parser_version


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
        [
            key.source,
            key.edition,
            key.source_file,
            key.sha256,
            parser_version,
            table,
            outcome.status,
            outcome.reason,
            outcome.rows_accepted,
            outcome.rows_quarantined,
            key.retrieved_at,
            at,
        ],
    )


DELIVERY_INDEX = "_delivery"
"""Column of batched frames that says which of the loaded deliveries a row is from (an index into the keys)."""


def tagged(rows: pl.DataFrame, quarantine: pl.DataFrame, index: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """One delivery's rows and quarantine, tagged as delivery `index` of a batch."""
    tag = pl.lit(index, pl.Int32).alias(DELIVERY_INDEX)
    return rows.with_columns(tag), quarantine.with_columns(tag)


def load_deliveries(
    conn: duckdb.DuckDBPyConnection,
    table: str,
    keys: list[DeliveryKey],
    parser_version: str,
    batches: Iterable[tuple[pl.DataFrame, pl.DataFrame]],
    across_editions: bool = False,
    cells_named_by: tuple[str, ...] = (),
) -> list[LoadOutcome]:
    """Replace the rows of these deliveries in raw.<table> and raw.quarantine, and log them, from (rows, quarantine)
    batches whose `_delivery` column indexes `keys`: one transaction whatever their number, so memory stays flat, small files cost one
    commit between them, and an error part-way (raised by the batches too) leaves every table as it was."""
    table = checked_identifier(table)
    now = datetime.now(UTC)
    provenance = pl.DataFrame(
        {
            DELIVERY_INDEX: pl.Series(range(len(keys)), dtype=pl.Int32),
            "_source": [k.source for k in keys],
            "_edition": [k.edition for k in keys],
            "_source_file": [k.source_file for k in keys],
            "_source_sha256": [k.sha256 for k in keys],
        }
    ).with_columns(pl.lit(now).cast(pl.Datetime("us", "UTC")).alias("_ingested_at"))
    accepted, quarantined = [0] * len(keys), [0] * len(keys)
    conn.execute("begin transaction")
    try:
        conn.register("_loading", provenance.select("_source", "_source_file", "_edition").to_arrow())
        cleared = False
        for rows, quarantine in batches:
            incoming = rows.join(provenance, on=DELIVERY_INDEX, how="left", maintain_order="left")
            if not cleared:
                ensure_raw_table(conn, table, incoming.drop(DELIVERY_INDEX).schema)
                _clear(conn, table)
                cleared = True
            _insert(conn, f'raw."{table}"', incoming.drop(DELIVERY_INDEX))
            _insert(
                conn,
                "raw.quarantine",
                quarantine.join(provenance, on=DELIVERY_INDEX, how="left", maintain_order="left")
                .drop(DELIVERY_INDEX)
                .with_columns(pl.lit(table).alias("raw_table")),
            )
            for counts, frame in ((accepted, rows), (quarantined, quarantine)):
                for index, count in frame.group_by(DELIVERY_INDEX).len().iter_rows():
                    counts[index] += count
        if not cleared and _table_exists(conn, table):  # deliveries with no records still replace their earlier rows
            _clear(conn, table)
        outcomes = [LoadOutcome("loaded", accepted[i], quarantined[i]) for i in range(len(keys))]
        found = profiles(conn, table, "_loading", cells_named_by) if _table_exists(conn, table) else {}
        for key, outcome in zip(keys, outcomes):
            hold_to_contract(
                conn,
                key,
                outcome.rows_accepted,
                outcome.rows_quarantined,
                found.get((key.source, key.source_file, key.edition)),
                across_editions,
            )
        for key, outcome in zip(keys, outcomes):
            _log_delivery(conn, key, table, parser_version, outcome, now)
            record_profile(conn, key, found.get((key.source, key.source_file, key.edition)))
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise
    finally:
        conn.unregister("_loading")
    return outcomes


def _clear(conn: duckdb.DuckDBPyConnection, table: str) -> None:
    """Delete the earlier rows of the deliveries being loaded (listed in the `_loading` view)."""
    for target, extra in ((f'raw."{table}"', ""), ("raw.quarantine", f" and t.raw_table = '{table}'")):
        conn.execute(f"""delete from {target} as t using _loading as l
                         where t._source = l._source and t._source_file = l._source_file
                           and t._edition = l._edition{extra}""")


def _table_exists(conn: duckdb.DuckDBPyConnection, table: str) -> bool:
    return (
        conn.execute(
            "select count(*) from information_schema.tables where table_schema = 'raw' and table_name = ?", [table]
        ).fetchone()[0]
        > 0
    )


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
        _log_delivery(conn, key, checked_identifier(table), parser_version, outcome, datetime.now(UTC))
        conn.execute("commit")
    except BaseException:
        conn.execute("rollback")
        raise
    return outcome


def record_retractions(conn, source: str, present: set[str], urls_too: bool = False) -> list[str]:
    """Files of `source` loaded before and missing now: noted once each in raw.retractions (source, file, edition,
    checksum, when noticed). Their rows stay: a retraction is on record, not a deletion. Deliveries fetched from
    a URL are not the mirror's to retract, unless `urls_too` (`present` then lists what the URL's file holds)."""
    missing = [
        row
        for row in conn.execute(
            """select source_file, edition, sha256 from raw.deliveries d
           where source = ? and status = 'loaded' and (? or source_file not like '%://%')
             and not exists (select 1 from raw.retractions r where r.source = d.source and r.source_file = d.source_file
                             and r.edition = d.edition and r.sha256 = d.sha256)""",
            [source, urls_too],
        ).fetchall()
        if row[0] not in present
    ]
    if missing:
        now = datetime.now(UTC)
        conn.executemany(
            "insert into raw.retractions values (?, ?, ?, ?, ?)",
            [(source, file, edition, sha, now) for file, edition, sha in missing],
        )
    return sorted({file for file, _, _ in missing})
