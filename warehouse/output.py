"""Query results as text: a readable table, CSV that spreadsheets cannot run as formulas, or JSON."""

from __future__ import annotations

import csv
import io
import json
import math
import re
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import TextIO

from warehouse.preview import markdown_lines

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A CSV cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets (CSV injection)."""


def csv_safe(value):
    """Text that a spreadsheet would evaluate gets a leading apostrophe; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


_LABEL_COLUMN = re.compile(r"(^|_)(year|edition|month|id|rank)(_|$)|^\d{4}$", re.IGNORECASE)
"""Columns whose whole numbers are labels (2024, an edition), not quantities: no thousands separators."""


def readable(value, column: str = "") -> str:
    """A cell for people: thousands separators, full precision (15 significant digits) without float artefacts,
    whole floats without `.0`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if _LABEL_COLUMN.search(column) and isinstance(value, (int, float)) and float(value) == int(value):
        return str(int(value))
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, (float, Decimal)):
        number = float(value)
        if math.isnan(number) or math.isinf(number):
            return str(number)
        if abs(number) >= 1e15 or (number and abs(number) < 1e-4):
            return f"{number:.15g}"
        # every digit a float holds (15 significant), none of its noise (0.1 + 0.2 is 0.3)
        return f"{number:,.15g}"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def json_value(value):
    """JSON has no NaN or Infinity: a non-finite number is null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


BATCH_ROWS = 10_000
"""Rows fetched and written at a time: a result of any size is streamed, never held whole."""


def write_stream(
    columns: list[str],
    batches: Iterable[list[tuple]],
    fmt: str,
    out: TextIO,
    max_width: int = 60,
    escape: Callable[[str], str] = str,
) -> int:
    """The rows of `batches` written to `out` as they come, in `fmt` (`table`, `csv` or `json`), ending in a newline;
    returns how many.
    `escape` is applied to CSV text (terminal_safe on a terminal; tables and JSON escape themselves)."""
    count = 0
    if fmt == "json":
        out.write("[")
        for batch in batches:
            for row in batch:
                text = json.dumps(
                    {name: json_value(value) for name, value in zip(columns, row)},
                    default=str,
                    indent=2,
                    allow_nan=False,
                )
                out.write(("," if count else "") + "\n  " + text.replace("\n", "\n  "))
                count += 1
        out.write("\n]\n" if count else "]\n")
        return count
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([csv_safe(name) for name in columns])
        for batch in batches:
            writer.writerows([csv_safe(value) for value in row] for row in batch)
            count += len(batch)
            out.write(escape(buffer.getvalue()))
            buffer.seek(0)
            buffer.truncate()
        out.write(escape(buffer.getvalue()))
        return count
    out.write(markdown_lines(columns, [], max_width))
    for batch in batches:
        out.write(
            "\n"
            + markdown_lines(
                None,
                [tuple(readable(value, column) for value, column in zip(row, columns)) for row in batch],
                max_width,
            )
        )
        count += len(batch)
    out.write("\n")
    return count


def render(columns: list[str], rows: list[tuple], fmt: str, max_width: int = 60) -> str:
    """The whole result as one text (small results; `write_stream` for any size)."""
    buffer = io.StringIO()
    write_stream(columns, [rows] if rows else [], fmt, buffer, max_width)
    return buffer.getvalue().rstrip("\n")
