"""Stream a large, well-formed CSV file as batches of string columns, read by DuckDB's CSV reader.

The careful reader (`ingest.csvfile`) holds the whole file in Python; this one keeps memory flat whatever the
file's size. It refuses what it cannot read exactly as the careful reader would (a record whose field count
differs from the header's, bytes that are not UTF-8): the caller then parses the file the careful way, so a
hostile file gets the same row-by-row quarantine reasons on either path.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import duckdb
import polars as pl

from ingest.delivery import RejectedDelivery

BATCH_ROWS = 250_000
_HEADER_BYTES = 1 << 16


class NeedsCarefulParse(Exception):
    """The file is not one that the streaming reader reads exactly; parse it with `ingest.csvfile`."""


def read_header(path: Path) -> list[str]:
    """The header record, whitespace collapsed as the careful reader does."""
    with path.open("rb") as handle:
        head = handle.read(_HEADER_BYTES)
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if len(head) == _HEADER_BYTES and error.start > _HEADER_BYTES - 4:
            text = head[: error.start].decode("utf-8-sig")  # a character cut at the block's end
        else:
            raise NeedsCarefulParse(f"{path.name}: not UTF-8") from error
    records = csv.reader(io.StringIO(text, newline=""))
    header = next(records, [])
    if not header or not any(cell.strip() for cell in header):
        raise RejectedDelivery(f"{path.name}: empty file, no header row")
    return [" ".join(cell.split()) for cell in header]


def string_batches(path: Path, header: list[str], batch_rows: int = BATCH_ROWS) -> Iterator[pl.DataFrame]:
    """Batches of the file's records as string columns named by the header (empty cells are null), in order.

    Raises NeedsCarefulParse before or while streaming; callers load inside a transaction and start again
    the careful way.
    """
    columns = {f"c{i}": "VARCHAR" for i in range(len(header))}
    names = dict(zip(columns, _unique(header)))
    conn = duckdb.connect()
    try:
        reader = conn.sql(
            """select * from read_csv($path, auto_detect = false, header = true, delim = ',', quote = '"',
                   escape = '"', strict_mode = true, columns = $columns)""",
            params={"path": str(path), "columns": columns},
        ).to_arrow_reader(batch_rows)
        for batch in reader:
            yield pl.from_arrow(batch).rename(names)
    except duckdb.InvalidInputException as error:
        raise NeedsCarefulParse(f"{path.name}: {str(error).splitlines()[0]}") from error
    finally:
        conn.close()


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return out
