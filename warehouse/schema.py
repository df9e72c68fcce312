"""DDL of the raw layer. Source tables take their columns from the parsed frame plus provenance columns;
new columns are added (never dropped), so a source that grows a column keeps its history."""

from __future__ import annotations

import re

import duckdb
import polars as pl


def _duckdb_type(dtype: pl.DataType) -> str:
    if dtype == pl.Int64 or dtype == pl.Int32:
        return "BIGINT"
    if dtype == pl.Float64 or dtype == pl.Float32:
        return "DOUBLE"
    if dtype == pl.Boolean:
        return "BOOLEAN"
    if dtype == pl.Date:
        return "DATE"
    if isinstance(dtype, pl.Datetime):
        return "TIMESTAMPTZ" if dtype.time_zone else "TIMESTAMP"
    if dtype == pl.Utf8:
        return "VARCHAR"
    raise TypeError(f"no DuckDB type for polars {dtype}")


PROVENANCE_SCHEMA = {
    "_source": pl.Utf8,
    "_edition": pl.Utf8,
    "_source_file": pl.Utf8,
    "_source_sha256": pl.Utf8,
    "_ingested_at": pl.Datetime("us", "UTC"),
}
"""The columns every raw row (and every quarantined row) carries beside its source's own: where it came from and
when it landed."""
PROVENANCE_COLUMNS = tuple(PROVENANCE_SCHEMA)
_PROVENANCE_DDL = ",\n    ".join(
    f"{name} {_duckdb_type(dtype).lower()} not null" for name, dtype in PROVENANCE_SCHEMA.items()
)

RAW_DDL = f"""
create schema if not exists raw;
create table if not exists raw.deliveries (
    source varchar not null,
    edition varchar not null,
    source_file varchar not null,
    sha256 varchar not null,
    parser_version varchar not null,
    raw_table varchar not null,
    status varchar not null check (status in ('loaded', 'superseded', 'rejected')),
    reason varchar,
    rows_accepted bigint not null,
    rows_quarantined bigint not null,
    retrieved_at timestamptz not null,
    loaded_at timestamptz not null,
    primary key (source, source_file, edition, sha256)
);
create table if not exists raw.retractions (
    source varchar not null,
    source_file varchar not null,
    edition varchar not null,
    sha256 varchar not null,
    noticed_at timestamptz not null
);
create table if not exists raw.delivery_profiles (
    source varchar not null,
    source_file varchar not null,
    edition varchar not null,
    sha256 varchar not null,
    column_name varchar not null,
    non_null bigint not null,
    rows_total bigint not null
);
create table if not exists raw.quarantine (
    raw_table varchar not null,
    row_number bigint,
    reason varchar not null,
    record varchar,
    {_PROVENANCE_DDL}
);
"""


def supports_constraints(conn: duckdb.DuckDBPyConnection) -> bool:
    """DuckLake tables take no primary keys or CHECK constraints (the loader keeps those rules itself)."""
    kind = conn.execute("select type from duckdb_databases() where database_name = current_database()").fetchone()
    return kind is None or kind[0] != "ducklake"


def create_raw_layer(conn: duckdb.DuckDBPyConnection) -> None:
    ddl = RAW_DDL
    if not supports_constraints(conn):
        ddl = re.sub(r",\s*primary key \([^)]*\)", "", ddl)
        ddl = re.sub(r" check \(status in \([^)]*\)\)", "", ddl)
    conn.execute(ddl)


def ensure_raw_table(conn: duckdb.DuckDBPyConnection, table: str, schema: pl.Schema) -> None:
    """Create raw.<table> for these columns, or add the columns it lacks. `table` must be a checked identifier."""
    create_raw_layer(conn)
    existing = {
        name
        for (name,) in conn.execute(
            "select column_name from information_schema.columns where table_schema = 'raw' and table_name = ?",
            [table],
        ).fetchall()
    }
    if not existing:
        columns = ", ".join(f'"{name}" {_duckdb_type(dtype)}' for name, dtype in schema.items())
        conn.execute(f'create table raw."{table}" ({columns})')
        return
    for name, dtype in schema.items():
        if name not in existing:
            conn.execute(f'alter table raw."{table}" add column "{name}" {_duckdb_type(dtype)}')


_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


def checked_identifier(name: str) -> str:
    if not _IDENTIFIER.match(name):
        raise ValueError(f"not a safe table name: {name!r}")
    return name
