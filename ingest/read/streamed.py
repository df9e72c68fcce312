"""Stream large, well-formed CSV files as batches of string columns, read by DuckDB's CSV reader.

The careful reader (`ingest.read.careful`) holds a whole file in Python; this one keeps memory flat whatever the
size, and reads many files with the same header in one pass. It refuses what it cannot read exactly as the
careful reader would (a record whose field count differs from the header's, bytes that are not UTF-8): the
caller then parses the file the careful way, so a hostile file gets the same row-by-row quarantine reasons.
"""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa

from ingest.delivery import RejectedDelivery
from ingest.read.careful import SNIFF_BYTES, folded_header, refuse_nul_bytes, unique_header

BATCH_ROWS = 250_000
FILE_COLUMN = "_file"
"""Index (into the list of paths) of the file each record came from."""
_HEADER_BYTES = 1 << 16
_readers = threading.local()


class NeedsCarefulParse(Exception):
    """A file is not one that the streaming reader reads exactly; parse it with `ingest.read.careful`."""


def read_header(path: Path) -> list[str]:
    """The header record, whitespace collapsed as the careful reader does."""
    with path.open("rb") as handle:
        head = handle.read(_HEADER_BYTES)
    refuse_nul_bytes(head[:SNIFF_BYTES], path.name)  # a binary or sparse file is never streamed whole
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if len(head) == _HEADER_BYTES and error.start > _HEADER_BYTES - 4:
            text = head[: error.start].decode("utf-8-sig")  # a character cut at the block's end
        else:
            raise NeedsCarefulParse(f"{path.name}: not UTF-8") from error
    header = next(csv.reader(io.StringIO(text, newline="")), [])
    if not header or not any(cell.strip() for cell in header):
        raise RejectedDelivery(f"{path.name}: empty file, no header row")
    return unique_header(folded_header(header), path.name)


def _reader() -> duckdb.DuckDBPyConnection:
    """One in-memory DuckDB per thread, kept: opening one per file costs more than reading a small file."""
    if getattr(_readers, "conn", None) is None:
        _readers.conn = duckdb.connect()
        _readers.conn.execute("set enable_progress_bar = false")
    return _readers.conn


def string_batches(
    paths: Sequence[Path], header: list[str], batch_rows: int | None = None, keep_where: tuple[str, str] | None = None
) -> Iterator[pl.DataFrame]:
    """Batches of the records of `paths` (all with this header) as string columns named by the header (empty
    cells are null), in file and record order, with the file's index in `_file`.

    `keep_where` = (column, SQL condition on `value`, its trimmed text) keeps only matching records, filtered
    by DuckDB while it reads: a day out of a long file costs a scan, not a trip through Python.

    Raises NeedsCarefulParse before or while streaming; callers load inside a transaction and start again
    the careful way.
    """
    columns = {f"c{i}": "VARCHAR" for i in range(len(header))}
    names = dict(zip(columns, unique_names(header)))
    index = {str(path): position for position, path in enumerate(paths)}
    conn = _reader()
    try:
        where = ""
        if keep_where:
            column, condition = keep_where
            value = f"coalesce(trim({list(names)[header.index(column)]}), '')"
            where = " where " + condition.replace("value", value)
        relation = conn.sql(
            """select * from read_csv($paths, auto_detect = false, header = true, delim = ',', quote = '"',
                   escape = '"', strict_mode = true, columns = $columns, filename = '_path')"""
            + where,
            params={"paths": [str(path) for path in paths], "columns": columns},
        )
        # DuckDB 2.0 names it to_arrow_reader; 1.4 (the DuckLake environment) fetch_record_batch
        reader = getattr(relation, "to_arrow_reader", None) or relation.fetch_record_batch
        reader = reader(batch_rows or BATCH_ROWS)
        for table in _coalesced(reader, batch_rows or BATCH_ROWS):
            frame = pl.from_arrow(table).rename(names)
            yield frame.with_columns(
                pl.col("_path").replace_strict(index, return_dtype=pl.Int32).alias(FILE_COLUMN)
            ).drop("_path")
    except (duckdb.Error, pa.ArrowException, OSError) as error:  # a reader error surfaces as OSError mid-stream
        raise NeedsCarefulParse(f"{', '.join(p.name for p in paths[:3])}: {str(error).splitlines()[0]}") from error


def _coalesced(reader: pa.RecordBatchReader, rows: int) -> Iterator[pa.Table]:
    """The reader's batches joined up to about `rows` rows (it hands out one small batch per small file)."""
    pending, count = [], 0
    for batch in reader:
        pending.append(batch)
        count += batch.num_rows
        if count >= rows:
            yield pa.Table.from_batches(pending)
            pending, count = [], 0
    if pending:
        yield pa.Table.from_batches(pending)


def unique_names(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return out


def record_numbers(batch: pl.DataFrame, next_record: dict[int, int]) -> pl.Series:
    """Each record's number within its file (from 1 after the header), continuing across batches."""
    starts = pl.col(FILE_COLUMN).replace_strict(next_record, default=1, return_dtype=pl.Int64)
    numbers = batch.select(starts + pl.int_range(pl.len()).over(FILE_COLUMN).cast(pl.Int64)).to_series()
    for file, count in batch.group_by(FILE_COLUMN).len().iter_rows():
        next_record[file] = next_record.get(file, 1) + count
    return numbers.alias("_record")
