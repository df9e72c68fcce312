"""The ledger of deliveries, raw.deliveries: what was seen (source, edition, file, checksum, parser), what became of
it (loaded, skipped, rejected, superseded) and why, and what a source no longer holds (raw.retractions). The last
room a delivery walks through (warehouse/land.py): every delivery read ends here with its outcome."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb

from warehouse.db import rollback
from warehouse.schema import checked_identifier


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


def already_loaded(
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


def log_delivery(conn, key: DeliveryKey, table: str, parser_version: str, outcome: LoadOutcome, at: datetime) -> None:
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


def record_rejection(conn, table: str, key: DeliveryKey, parser_version: str, reason: str) -> LoadOutcome:
    """Log a delivery that could not be used at all; the rows of earlier versions stay as they were."""
    outcome = LoadOutcome("rejected", reason=reason)
    conn.execute("begin transaction")
    try:
        log_delivery(conn, key, checked_identifier(table), parser_version, outcome, datetime.now(UTC))
        conn.execute("commit")
    except BaseException:
        rollback(conn)
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


@dataclass(frozen=True)
class TableHoldings:
    rows: int
    deliveries: int
    """Deliveries of the source whose rows are in the table (status `loaded`)."""
    fingerprint: str
    """A checksum of those deliveries (file, edition, checksum, parser): it changes exactly when the rows do."""
    rows_by_edition: dict[str, int]
    newest_by_feed: dict


def what_the_table_holds(
    conn: duckdb.DuckDBPyConnection,
    source: str,
    table: str,
    editions: list[str] | None = None,
    observed_column: str | None = None,
    feeds_named_by: str | None = None,
) -> TableHoldings:
    """The raw table after a landing: its rows, the loaded deliveries and their fingerprint, the rows of the given
    editions, and the newest observation of each feed (with `observed_column`)."""
    table = checked_identifier(table)
    rows = conn.execute(f'select count(*) from raw."{table}"').fetchone()[0]
    deliveries, fingerprint = conn.execute(
        """select count(*), coalesce(md5(string_agg(source_file || '|' || edition || '|' || sha256 || '|' ||
                  parser_version, ';' order by source_file, edition)), '')
           from raw.deliveries where source = ? and status = 'loaded'""",
        [source],
    ).fetchone()
    by_edition = {}
    if editions is not None:
        by_edition = dict(
            conn.execute(
                f'select _edition, count(*) from raw."{table}" where _edition in (select unnest(?)) group by all',
                [editions],
            ).fetchall()
        )
    newest = {}
    if observed_column:
        feed = f'"{checked_identifier(feeds_named_by)}"::varchar' if feeds_named_by else "?"
        newest = dict(
            conn.execute(
                f'select {feed}, max(cast("{checked_identifier(observed_column)}" as date)) from raw."{table}" '
                "group by all",
                [] if feeds_named_by else [source],
            ).fetchall()
        )
    return TableHoldings(rows, deliveries, fingerprint, by_edition, newest)
