"""Writing one group of deliveries into its raw table: their earlier rows and quarantine rows replaced by the new
ones in one transaction (re-runs never duplicate, a failure changes nothing), held to the delivery contract and
recorded in the ledger before the commit."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

import duckdb
import polars as pl

from warehouse import ledger
from warehouse.contract import accepts_smaller, hold_to_contract, profiles, record_profiles
from warehouse.db import rollback
from warehouse.ledger import DeliveryKey, LoadOutcome
from warehouse.schema import checked_identifier, ensure_raw_table

DELIVERY_INDEX = "_delivery"
"""Column of batched frames that says which of the loaded deliveries a row is from (an index into the keys)."""


def tagged(rows: pl.DataFrame, quarantine: pl.DataFrame, index: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """One delivery's rows and quarantine, tagged as delivery `index` of a batch."""
    tag = pl.lit(index, pl.Int32).alias(DELIVERY_INDEX)
    return rows.with_columns(tag), quarantine.with_columns(tag)


def write_deliveries(
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
        accepts_less = {source: accepts_smaller(source) for source in {key.source for key in keys}}
        for key, outcome in zip(keys, outcomes):
            hold_to_contract(
                conn,
                key,
                outcome.rows_accepted,
                outcome.rows_quarantined,
                found.get((key.source, key.source_file, key.edition)),
                across_editions,
                accepts_less[key.source],
            )
        for key, outcome in zip(keys, outcomes):
            ledger.log_delivery(conn, key, table, parser_version, outcome, now)
        record_profiles(conn, found, keys)
        conn.execute("commit")
    except BaseException:
        rollback(conn)
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
