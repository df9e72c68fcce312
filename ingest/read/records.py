"""One shape for the records of CSV deliveries, however they were read: string columns named by the header,
`_delivery` (the index of the delivery among those read together) and `_record` (the record's number in its
file). A source's `rules` turn batches of that shape into parsed rows; `parse_carefully` and `parse_streamed`
feed them from either reader."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from ingest.delivery import Delivery, Parsed, RejectedDelivery, quarantine_frame
from ingest.read.careful import NUL_IN_RECORD, read_csv_records, record_json, whole_records
from ingest.read.streamed import (
    FILE_COLUMN,
    NeedsCarefulParse,
    read_header,
    record_numbers,
    string_batches,
    unique_names,
)

DELIVERY, RECORD = "_delivery", "_record"


@dataclass(frozen=True)
class Records:
    header: list[str]
    frame: pl.DataFrame
    """One string column per header name (a repeated name numbered: `name_2`), `_delivery`, `_record`."""

    @property
    def names(self) -> list[str]:
        return unique_names(self.header)

    def columns(self, required: Sequence[str], what: str, source_file: str) -> dict[str, str]:
        """Lower-cased name -> column name; rejects the delivery when a required column is missing."""
        columns = {name.strip().lower(): name for name in self.names}
        missing = [name for name in required if name not in columns]
        if missing:
            raise RejectedDelivery(f"{source_file}: not {what}, missing columns {missing}")
        return columns


Rules = Callable[[Iterable[Records], Sequence[Delivery]], Iterator[Parsed]]
"""A source's parsing rules: batches of records of `deliveries` in, parsed batches (rows and quarantine tagged
with `_delivery`) out."""


def careful_records(path: Path) -> tuple[Records, pl.DataFrame]:
    """The file read record by record (any encoding) as one batch, and a quarantine row for each ragged record."""
    header, records = read_csv_records(path)
    records, ragged = whole_records(header, records)
    names = unique_names(header)
    frame = pl.DataFrame(
        {name: [r[i] for _, r in records] for i, name in enumerate(names)}, schema={name: pl.Utf8 for name in names}
    ).with_columns(pl.Series(RECORD, [n for n, _ in records], dtype=pl.Int64), pl.lit(0, pl.Int32).alias(DELIVERY))
    return Records(header, frame), quarantine_frame(ragged)


def streamed_records(paths: Sequence[Path]) -> Iterator[Records]:
    """The files (all with the first one's header) streamed in batches; at least one batch, maybe empty.
    Raises NeedsCarefulParse, before any batch or part-way, for a file only the careful reader reads exactly."""
    header = read_header(paths[0])
    next_record: dict[int, int] = {}
    empty = True
    for batch in string_batches(paths, header):
        empty = False
        yield Records(header, batch.with_columns(record_numbers(batch, next_record)).rename({FILE_COLUMN: DELIVERY}))
    if empty:
        yield Records(
            header,
            pl.DataFrame(
                schema={**{name: pl.Utf8 for name in unique_names(header)}, DELIVERY: pl.Int32, RECORD: pl.Int64}
            ),
        )


def stream_group(path: Path) -> tuple[str, ...] | None:
    """What files streamed together must share (their header), or None for a file to read carefully on its own."""
    try:
        return tuple(read_header(path))
    except (NeedsCarefulParse, RejectedDelivery):
        return None


def parse_carefully(rules: Rules, delivery: Delivery) -> Parsed:
    """One delivery through the careful reader and the source's rules; ragged records quarantined with the rest."""
    records, ragged = careful_records(delivery.path)
    parts = list(rules([records], [delivery]))
    return Parsed(
        rows=pl.concat([part.rows for part in parts]).drop(DELIVERY),
        quarantine=pl.concat([ragged, *(part.quarantine.drop(DELIVERY) for part in parts)]).sort("row_number"),
    )


def parse_streamed(rules: Rules, deliveries: Sequence[Delivery]) -> Iterator[Parsed]:
    """Deliveries with one header streamed through the source's rules, in batches tagged with `_delivery`; records
    holding a NUL byte are quarantined before the rules see them, as the careful reader does (whole_records)."""
    set_aside: list[pl.DataFrame] = []

    def without_nul_bytes() -> Iterator[Records]:
        for records in streamed_records([delivery.path for delivery in deliveries]):
            names = records.names
            nul = (
                pl.any_horizontal(pl.col(names).str.contains("\x00", literal=True).fill_null(False))
                if names
                else pl.lit(False)
            )
            held = records.frame.filter(nul)
            if held.height:
                set_aside.append(
                    quarantine_frame(
                        [
                            (number, NUL_IN_RECORD, record_json(records.header, [row[name] or "" for name in names]))
                            for number, row in zip(held[RECORD], held.iter_rows(named=True))
                        ]
                    ).with_columns(held[DELIVERY].alias(DELIVERY))
                )
            yield Records(records.header, records.frame.filter(~nul))

    for parsed in rules(without_nul_bytes(), deliveries):
        held, set_aside[:] = list(set_aside), []
        yield Parsed(parsed.rows, pl.concat([parsed.quarantine, *held], how="diagonal_relaxed")) if held else parsed
