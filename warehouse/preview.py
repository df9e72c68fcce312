"""Small looks at warehouse tables, for asset metadata and the command line."""

from __future__ import annotations

import re

import duckdb

_QUALIFIED = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")


def table_preview_markdown(conn: duckdb.DuckDBPyConnection, table: str, limit: int = 5, max_chars: int = 40) -> str:
    """The first rows of `schema.table` as a markdown table (cells cut to `max_chars`), read through `conn`."""
    if not _QUALIFIED.match(table):
        raise ValueError(f"not a schema-qualified table name: {table!r}")
    schema, name = table.split(".")
    result = conn.execute(f'select * from "{schema}"."{name}" limit {int(limit)}')
    rows = result.fetchall()
    return markdown_table([column[0] for column in result.description], rows, max_chars)


_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
"""Characters a terminal acts on instead of showing (ESC sequences, BEL, CR, backspace) and bidi overrides that
reorder what is shown: printed as escapes, so a name in the data cannot rewrite the screen."""


def terminal_safe(text: str) -> str:
    return _CONTROL.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def markdown_table(columns: list[str], rows: list[tuple], max_chars: int = 40) -> str:
    return markdown_lines(columns, rows, max_chars)


def markdown_lines(columns: list[str] | None, rows: list[tuple], max_chars: int = 40) -> str:
    """Markdown table lines: the header (when `columns` is given) and the rows, cells cut to `max_chars`."""

    def cell(value) -> str:
        text = terminal_safe("" if value is None else str(value).replace("|", "\\|").replace("\n", " "))
        return text if len(text) <= max_chars else text[: max_chars - 1] + "…"

    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)] if columns is not None else []
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)
