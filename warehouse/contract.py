"""What a new version of a delivery must keep of the version it replaces, checked inside its load's transaction:
a version that breaks it is rejected with the reason and the earlier version stays in use.

- **Rows**: at least half the rows the replaced version had (from SHRINK_FLOOR rows on): a truncated download,
  a re-export in another encoding.
- **Columns**: every column of the raw table that the replaced version filled in at least SHRINK_FLOOR rows is
  filled in at least half as large a share of the new rows: a header renamed or respelled (its values then land
  nowhere, or in `extra`), values that changed type (a price written with its unit no longer parses).

- **Headers of a long table**: a source that stores each cell as a row (the AI Index figures) names the header
  of every cell in a column; every header that had at least CELL_FLOOR cells in the replaced version still has
  cells (a figure re-delivered with its value column renamed would otherwise empty the mart rows it fed).

The version replaced is the loaded version of the same file and edition; for a source whose editions are
vintages of one data set (each replaces the earlier in the marts: Epoch AI's), the newest loaded vintage of the
same file. Each delivery's profile (rows, and non-null values per column) is kept in `raw.delivery_profiles`, so
the comparison holds when the replaced rows are already gone. `AIMETRICS_ACCEPT_SMALLER` (source names, or
`all`) lets a source's new version keep less, for a run.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from ingest.delivery import RejectedDelivery
from ingest.settings import load_settings
from warehouse.schema import PROVENANCE_COLUMNS

SHRINK_FLOOR = 20
"""A version is only held to the contract for rows or a column it had at least this many of."""


CELL_FLOOR = 3
"""A header of a long table is held to the contract from this many cells on."""

CELLS = "cells: "
"""Prefix of a profile entry that counts the cells under one header (`cells: <figure> / <header>`)."""


@dataclass(frozen=True)
class Profile:
    rows: int
    non_null: dict[str, int]


def profiles(
    conn: duckdb.DuckDBPyConnection, table: str, loading: str, cells_named_by: tuple[str, ...] = ()
) -> dict[tuple[str, str, str], Profile]:
    """(source, file, edition) -> the rows and non-null counts per column of each delivery listed in the
    registered view `loading`, as they are in raw.<table> now (inside the load's transaction); for a long table
    (`cells_named_by`: the columns that name a cell's figure and header), the cells under each header too."""
    columns = [
        name
        for (name,) in conn.execute(
            "select column_name from information_schema.columns where table_schema = 'raw' and table_name = ? "
            "order by ordinal_position",
            [table],
        ).fetchall()
        if name not in PROVENANCE_COLUMNS
    ]
    counted = "".join(f', count("{name}")' for name in columns)
    rows = conn.execute(f"""
        select t._source, t._source_file, t._edition, count(*){counted}
        from raw."{table}" t join {loading} l using (_source, _source_file, _edition)
        group by all""").fetchall()
    found = {tuple(row[:3]): Profile(row[3], dict(zip(columns, row[4:]))) for row in rows}
    if cells_named_by:
        header = " || ' / ' || ".join(f"coalesce(t.\"{name}\"::varchar, '')" for name in cells_named_by)
        for *key, name, count in conn.execute(f"""
                select t._source, t._source_file, t._edition, {header}, count(*)
                from raw."{table}" t join {loading} l using (_source, _source_file, _edition)
                group by all""").fetchall():
            found[tuple(key)].non_null[CELLS + name] = count
    return found


def _replaced(conn, key, across_editions: bool) -> tuple[str, int, Profile | None] | None:
    """The edition, rows and profile of the loaded version this delivery replaces, if any."""
    same_edition = "" if across_editions else "and edition = ?"
    found = conn.execute(
        f"""select edition, rows_accepted from raw.deliveries where source = ? and source_file = ? {same_edition}
            and status = 'loaded' and sha256 <> ? order by edition desc, loaded_at desc limit 1""",
        [key.source, key.source_file] + ([] if across_editions else [key.edition]) + [key.sha256],
    ).fetchall()
    if not found:
        return None
    edition, rows = found[0]
    counts = conn.execute(
        "select column_name, non_null, rows_total from raw.delivery_profiles where source = ? and source_file = ? "
        "and edition = ? and sha256 = (select sha256 from raw.deliveries where source = ? and source_file = ? "
        "and edition = ? and status = 'loaded' limit 1)",
        [key.source, key.source_file, edition, key.source, key.source_file, edition],
    ).fetchall()
    profile = Profile(counts[0][2], {name: non_null for name, non_null, _ in counts}) if counts else None
    return edition, rows, profile


def accepts_smaller(source: str) -> bool:
    """AIMETRICS_ACCEPT_SMALLER names the source: its next version may keep less (read once per load)."""
    return load_settings().accepts_smaller(source)


def hold_to_contract(
    conn,
    key,
    rows_accepted: int,
    rows_quarantined: int,
    profile: Profile | None,
    across_editions: bool,
    accepts_less: bool,
) -> None:
    """Raise RejectedDelivery when this version keeps much less than the one it replaces (unless `accepts_less`)."""
    replaced = None if accepts_less else _replaced(conn, key, across_editions)
    if replaced is None:
        return
    edition, old_rows, old = replaced
    which = f"the loaded version ({edition})" if across_editions else "the loaded one"
    advice = (
        f"; the earlier version is kept. If the source really changed, set AIMETRICS_ACCEPT_SMALLER="
        f"{key.source} for the run"
    )
    if old_rows >= SHRINK_FLOOR and rows_accepted < old_rows / 2:
        raise RejectedDelivery(
            f"{key.source_file}: this version gives {rows_accepted} rows where {which} has "
            f"{old_rows} (quarantined: {rows_quarantined})" + advice
        )
    if old is None or profile is None or not profile.rows or not old.rows:
        return
    gone = [
        (name.removeprefix(CELLS), count)
        for name, count in old.non_null.items()
        if name.startswith(CELLS) and count >= CELL_FLOOR and not profile.non_null.get(name)
    ]
    if gone:
        listed = ", ".join(f"{name!r} ({count} cells)" for name, count in gone[:5])
        raise RejectedDelivery(
            f"{key.source_file}: headers of {which} are gone: {listed} (a renamed or respelled "
            "header; the rows it fed would be empty)" + advice
        )
    emptied = [
        (name, count / old.rows, profile.non_null.get(name, 0) / profile.rows)
        for name, count in old.non_null.items()
        if not name.startswith(CELLS)
        and count >= SHRINK_FLOOR
        and profile.non_null.get(name, 0) / profile.rows < count / old.rows / 2
    ]
    if emptied:
        listed = ", ".join(f"{name} {new:.0%} (was {was:.0%})" for name, was, new in emptied[:5])
        raise RejectedDelivery(
            f"{key.source_file}: columns filled far less often than in {which}: {listed} "
            "(a renamed or respelled header, or values that changed type)" + advice
        )


def record_profiles(conn, found: dict[tuple[str, str, str], Profile], keys) -> None:
    """The loaded versions' profiles, replacing the profiles of the versions they supersede (only a loaded version's
    profile is ever compared): one statement for every delivery of the load, not one per column."""
    conn.execute(
        "delete from raw.delivery_profiles p using _loading l where p.source = l._source "
        "and p.source_file = l._source_file and p.edition = l._edition"
    )
    rows = [
        (key.source, key.source_file, key.edition, key.sha256, name, count, profile.rows)
        for key in keys
        if (profile := found.get((key.source, key.source_file, key.edition))) is not None
        for name, count in profile.non_null.items()
    ]
    if rows:
        columns = list(zip(*rows))
        conn.execute(
            "insert into raw.delivery_profiles select unnest($1::varchar[]), unnest($2::varchar[]), "
            "unnest($3::varchar[]), unnest($4::varchar[]), unnest($5::varchar[]), unnest($6::bigint[]), "
            "unnest($7::bigint[])",
            [list(column) for column in columns],
        )
