"""Small read-only looks at warehouse tables, for asset metadata and the command line."""

from __future__ import annotations

import re

from warehouse.db import connect_read

_QUALIFIED = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")


def table_preview_markdown(table: str, limit: int = 5, max_chars: int = 40) -> str:
    """The first rows of `schema.table` as a markdown table (cells cut to `max_chars`)."""
    if not _QUALIFIED.match(table):
        raise ValueError(f"not a schema-qualified table name: {table!r}")
    schema, name = table.split(".")
    with connect_read() as conn:
        relation = conn.sql(f'select * from "{schema}"."{name}" limit {int(limit)}')
        columns, rows = relation.columns, relation.fetchall()
    return markdown_table(columns, rows, max_chars)


def markdown_table(columns: list[str], rows: list[tuple], max_chars: int = 40) -> str:
    def cell(value) -> str:
        text = "" if value is None else str(value).replace("|", "\\|").replace("\n", " ")
        return text if len(text) <= max_chars else text[: max_chars - 1] + "…"

    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)
