"""AI Index public data: one CSV per figure, in chapter folders, per report edition, as one long table.

Every cell becomes a row (edition, chapter, figure, row, column as published, value as text and number,
unit parsed from the header), so a new edition's figures load without code; dbt maps figures to marts
through the `ai_index_figure_map` seed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandera.polars as pa
import polars as pl

from ingest.csvfile import read_csv_records, record_json
from ingest.delivery import Delivery, Parsed, RejectedDelivery, frame_for, quarantine_frame
from ingest.settings import SourceSettings
from ingest.values import parse_date, parse_number

SOURCE = "ai_index"
RAW_TABLE = "ai_index_figure_values"
PARSER_VERSION = "1"

_EDITION_DIR = re.compile(r"^ai_index_(\d{4})$")
_FIGURE_FILE = re.compile(r"^(fig_\d+(?:\.\d+)+)\.csv$", re.IGNORECASE)
_CHAPTER_DIR = re.compile(r"^(\d+)\.\s*(.+)$")

# Ordered: the first pattern found in a header names its unit.
_UNIT_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"in billions of u\.?s\.? dollars", re.I), "billion USD"),
    (re.compile(r"in millions of u\.?s\.? dollars", re.I), "million USD"),
    (re.compile(r"in u\.?s\.? dollars|\bUSD\b|\(\d{4} USD\)|\bUS per\b", re.I), "USD"),
    (re.compile(r"petaFLOP", re.I), "petaFLOP"),
    (re.compile(r"FLOP/s per watt", re.I), "FLOP/s per W"),
    (re.compile(r"FLOP per second per dollar", re.I), "FLOP/s per USD"),
    (re.compile(r"FLOP/s", re.I), "FLOP/s"),
    (re.compile(r"\(watts\)|\(W\)", re.I), "W"),
    (re.compile(r"\(tons\)|emissions", re.I), "tCO2e"),
    (re.compile(r"%|percent|percentage", re.I), "%"),
    (re.compile(r"\(in thousands\)", re.I), "thousand"),
    (re.compile(r"\(in millions\)", re.I), "million"),
    (re.compile(r"\(days\)", re.I), "days"),
]


def unit_from_header(header: str) -> str | None:
    for pattern, unit in _UNIT_RULES:
        if pattern.search(header):
            return unit
    return None


def deliveries(root: Path) -> list[Delivery]:
    """Every figure CSV under `root/ai_index_<edition>/` (a mirror or the inbox), edition taken from the folder."""
    found = []
    for edition_dir in sorted(p for p in root.glob("ai_index_*") if p.is_dir()):
        match = _EDITION_DIR.match(edition_dir.name)
        if not match:
            continue
        for path in sorted(edition_dir.rglob("*.csv")):
            if _FIGURE_FILE.match(path.name):
                found.append(Delivery.from_file(SOURCE, match[1], path.relative_to(root).as_posix(), path))
    return found


def locate(settings: SourceSettings) -> list[Delivery]:
    """The mirror's `ai_index_<edition>/` folders, else those dropped into `<inbox>/ai_index/`."""
    root = settings.mirror_dir or settings.inbox_dir / "ai_index"
    return deliveries(root) if root.is_dir() else []


def _chapter(source_file: str) -> tuple[int | None, str | None]:
    for part in Path(source_file).parts:
        match = _CHAPTER_DIR.match(part)
        if match:
            return int(match[1]), match[2].strip()
    return None, None


class FigureValues(pa.DataFrameModel):
    edition: int = pa.Field(ge=2017, le=2100)
    chapter: int = pa.Field(nullable=True, ge=1, le=20)
    chapter_name: str = pa.Field(nullable=True)
    figure_id: str = pa.Field(str_matches=r"^fig_\d+(\.\d+)+$")
    row_number: int = pa.Field(ge=1)
    column_index: int = pa.Field(ge=1)
    column_name: str = pa.Field(str_length={"min_value": 1})
    value_text: str = pa.Field(nullable=True)
    value_number: float = pa.Field(nullable=True)
    value_date: pl.Date = pa.Field(nullable=True)
    unit: str = pa.Field(nullable=True)

    class Config:
        strict = True


def parse(delivery: Delivery) -> Parsed:
    figure = _FIGURE_FILE.match(Path(delivery.source_file).name)
    if not figure:
        raise RejectedDelivery(f"{delivery.source_file}: not an AI Index figure file (fig_<chapter>.<n>.csv)")
    header, records = read_csv_records(delivery.path)
    columns = [name or f"column_{index}" for index, name in enumerate(header, start=1)]
    units = [unit_from_header(name) for name in columns]
    chapter, chapter_name = _chapter(delivery.source_file)
    cells, bad = [], []
    for number, record in records:
        if len(record) != len(columns):
            bad.append((number, f"record has {len(record)} fields, header has {len(columns)}", record_json(header, record)))
            continue
        for index, (column, text) in enumerate(zip(columns, record), start=1):
            value = text.strip()
            cells.append(
                (int(delivery.edition), chapter, chapter_name, figure[1].lower(), number, index, column,
                 value or None, parse_number(value), parse_date(value), units[index - 1])
            )
    rows = frame_for(FigureValues, cells)
    return Parsed(rows=rows, quarantine=quarantine_frame(bad))
