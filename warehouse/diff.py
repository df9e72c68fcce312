"""What changed between two published versions, per mart: rows added, removed and changed, by the mart's key.

A mart's key is what its dbt tests declare unique (`unique` on a column, `unique_combination` of columns), read
from the dbt manifest. A mart without a declared key is compared row by row: a changed row then counts as one
removed and one added, and `changed` is empty.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import duckdb

MANIFEST = Path(__file__).resolve().parent.parent / "dbt_project" / "target" / "manifest.json"


@dataclass(frozen=True)
class MartDiff:
    mart: str
    key: tuple[str, ...]
    rows_before: int | None
    rows_after: int | None
    added: int
    removed: int
    changed: int | None

    @property
    def unchanged(self) -> bool:
        return self.added == self.removed == 0 and not self.changed


def mart_keys(manifest: Path = MANIFEST) -> dict[str, tuple[str, ...]]:
    """Mart name -> the columns its dbt tests declare unique (the shortest declaration where there are several)."""
    if not manifest.exists():
        return {}
    nodes = json.loads(manifest.read_text(encoding="utf-8"))["nodes"]
    keys: dict[str, tuple[str, ...]] = {}
    for node in nodes.values():
        test, attached = node.get("test_metadata") or {}, node.get("attached_node") or ""
        model = nodes.get(attached, {})
        if node.get("resource_type") != "test" or model.get("schema") != "marts":
            continue
        kwargs = test.get("kwargs") or {}
        if test.get("name") == "unique" and kwargs.get("column_name"):
            columns = (kwargs["column_name"],)
        elif test.get("name") == "unique_combination":
            columns = tuple((kwargs.get("arguments") or kwargs).get("columns") or ())
        else:
            continue
        name = model["name"]
        if columns and (name not in keys or len(columns) < len(keys[name])):
            keys[name] = columns
    return keys


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _marts(conn: duckdb.DuckDBPyConnection, alias: str) -> dict[str, list[str]]:
    rows = conn.execute(
        "select table_name, column_name from information_schema.columns where table_catalog = ? "
        "and table_schema = 'marts' order by table_name, ordinal_position",
        [alias],
    ).fetchall()
    marts: dict[str, list[str]] = {}
    for table, column in rows:
        marts.setdefault(table, []).append(column)
    return marts


def diff_versions(before: Path, after: Path, keys: dict[str, tuple[str, ...]] | None = None) -> list[MartDiff]:
    """Every mart of either version, compared (both databases opened read-only)."""
    keys = mart_keys() if keys is None else keys
    conn = duckdb.connect()
    try:
        for alias, path in (("before", before), ("after", after)):
            conn.execute(f"attach {_literal(str(path))} as {alias} (read_only)")
        old, new = _marts(conn, "before"), _marts(conn, "after")
        return [
            _compare(conn, name, old.get(name), new.get(name), keys.get(name, ()))
            for name in sorted(set(old) | set(new))
        ]
    finally:
        conn.close()


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _compare(conn, name: str, old: list[str] | None, new: list[str] | None, key: tuple[str, ...]) -> MartDiff:
    table = f"marts.{_quoted(name)}"
    count = lambda side: conn.execute(f"select count(*) from {side}.{table}").fetchone()[0]  # noqa: E731
    if old is None or new is None:
        rows = count("after" if old is None else "before")
        return MartDiff(
            name,
            key,
            None if old is None else rows,
            None if new is None else rows,
            rows if old is None else 0,
            rows if new is None else 0,
            None,
        )
    columns = [c for c in new if c in old]  # a column added or dropped is a schema change, not a row change
    key = key if key and all(c in columns for c in key) else ()
    listed = ", ".join(map(_quoted, columns))
    if not key:
        added = conn.execute(
            f"select count(*) from (select {listed} from after.{table} except all select {listed} from before.{table})"
        ).fetchone()[0]
        removed = conn.execute(
            f"select count(*) from (select {listed} from before.{table} except all select {listed} from after.{table})"
        ).fetchone()[0]
        return MartDiff(name, key, count("before"), count("after"), added, removed, None)
    joined = " and ".join(f"a.{_quoted(c)} is not distinct from b.{_quoted(c)}" for c in key)
    values = [c for c in columns if c not in key]
    differs = (
        (
            f"row({', '.join('a.' + _quoted(c) for c in values)}) is distinct from "
            f"row({', '.join('b.' + _quoted(c) for c in values)})"
        )
        if values
        else "false"
    )
    added, removed, changed = conn.execute(f"""
        select count(*) filter (where a.__in is null),
               count(*) filter (where b.__in is null),
               count(*) filter (where a.__in and b.__in and {differs})
        from (select *, true as __in from before.{table}) a
        full outer join (select *, true as __in from after.{table}) b on {joined}
    """).fetchone()
    return MartDiff(name, key, count("before"), count("after"), added, removed, changed)
