"""AI Index public data: every figure of every edition (CSV per figure, or workbook sheets) as one long table.

Every cell becomes a row (edition, chapter, figure, row, column as published, value as text and number,
unit parsed from the header), so a new edition's figures load without code; dbt maps figures to typed
tables through the `ai_index_figure_map` seed. Older editions come as workbooks: each sheet is a figure
named `sheet:<sheet name>`. An edition may be dropped as a folder or as a zip of that folder. Without a
mirror, editions published only online (the 2024 economy figures) are fetched by URL (ai_index_by_url).
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pandera.polars as pa
import polars as pl

from ingest.delivery import Delivery, Parsed, RejectedDelivery, frame_for, quarantine_frame, sha256_of
from ingest.read.careful import folded_header, read_csv_records, record_json
from ingest.settings import Settings
from ingest.sources.ai_index_by_url import online_figures, url_deliveries
from ingest.sources.declaration import Source, first_line
from ingest.values import parse_date, parse_number

SOURCE = "ai_index"
RAW_TABLE = "ai_index_figure_values"
PARSER_VERSION = "1"
"""Each row is a cell: a re-delivered figure must keep the headers its cells were under (the delivery contract)."""

_EDITION_DIR = re.compile(r"^ai_index_(\d{4})$")
_FIGURE_FILE = re.compile(r"^(fig_\d+(?:\.\d+)+)\.csv$", re.IGNORECASE)
_WORKBOOK = re.compile(r"^[^~].*\.xlsx$", re.IGNORECASE)
_CHAPTER_DIR = re.compile(r"^(\d+)\.\s*(.+)$")
_LITTER = {"Thumbs.db", "desktop.ini"}

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


def deliveries(root: Path, extract_dir: Path | None = None) -> list[Delivery]:
    """Every figure file under `root/ai_index_<edition>/` (folders, or `ai_index_<edition>.zip` unpacked
    into `extract_dir`), the edition taken from the folder name."""
    found = []
    for zipped in sorted(root.glob("ai_index_*.zip")):
        if _EDITION_DIR.match(zipped.stem) and not (root / zipped.stem).is_dir():
            try:
                found += _zip_deliveries(zipped, extract_dir or root / ".extracted")
            except RejectedDelivery:
                # the zip itself becomes the delivery, so parse() rejects it with the reason on record
                found.append(Delivery.from_file(SOURCE, _EDITION_DIR.match(zipped.stem)[1], zipped.name, zipped))
    for edition_dir in sorted(p for p in root.glob("ai_index_*") if p.is_dir()):
        match = _EDITION_DIR.match(edition_dir.name)
        if match:
            found += _folder_deliveries(edition_dir, match[1], root)
    return found


def _folder_deliveries(folder: Path, edition: str, root: Path, prefix: str = "") -> list[Delivery]:
    return [
        Delivery.from_file(SOURCE, edition, prefix + path.relative_to(root).as_posix(), path, root=root)
        for path in sorted(folder.rglob("*"))
        # every file is accounted for: one that is not a figure (`fig 4.3.30.csv`, `Figure_4.3.31.csv`) is
        # rejected by parse() with the reason; only system litter and spreadsheet lock files are skipped
        if path.is_file() and not path.name.startswith((".", "~$")) and path.name not in _LITTER
    ]


def _zip_deliveries(zipped: Path, extract_dir: Path) -> list[Delivery]:
    """Unpack a zipped edition (members checked against path traversal) and list its figure files."""
    target = extract_dir / f"{zipped.stem}-{sha256_of(zipped)[:12]}"
    if not target.is_dir():
        _check_zip(zipped, target)
        with zipfile.ZipFile(zipped) as archive:
            archive.extractall(target)
    edition = _EDITION_DIR.match(zipped.stem)[1]
    inner = target / zipped.stem if (target / zipped.stem).is_dir() else target
    return _folder_deliveries(inner, edition, inner, prefix=f"{zipped.name}/")


MAX_MEMBER_BYTES = 16 << 20
"""A figure file is far smaller (the largest real AI Index figure is under 5 MiB); parsed cell by cell, a 20 MiB
file takes about 1.8 GB of memory."""
MAX_ZIP_BYTES = 512 << 20
MAX_MEMBERS = 5_000
MAX_RATIO = 200
"""Uncompressed / compressed size of a member: text compresses about 10x; a zip bomb, thousands of times."""


def _check_zip(zipped: Path, target: Path) -> None:
    """Refuse, before anything is unpacked, a zip that is not one, points outside itself, or would unpack to
    more than the limits (a zip bomb): the sizes are read from the archive's directory."""
    if not zipfile.is_zipfile(zipped):
        raise RejectedDelivery(f"{zipped.name}: not a readable zip file")
    with zipfile.ZipFile(zipped) as archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise RejectedDelivery(f"{zipped.name}: {len(members)} members, more than the limit of {MAX_MEMBERS}")
        for member in members:
            if not (target / member.filename).resolve().is_relative_to(target.resolve()):
                raise RejectedDelivery(f"{zipped.name}: member {member.filename!r} points outside the archive")
            if member.file_size > MAX_MEMBER_BYTES:
                raise RejectedDelivery(
                    f"{zipped.name}: member {member.filename!r} unpacks to {member.file_size:,} "
                    f"bytes, more than the limit of {MAX_MEMBER_BYTES:,}"
                )
            if member.compress_size and member.file_size / member.compress_size > MAX_RATIO:
                raise RejectedDelivery(
                    f"{zipped.name}: member {member.filename!r} is compressed "
                    f"{member.file_size // member.compress_size:,}x (a zip bomb?), the limit is {MAX_RATIO}x"
                )
        total = sum(member.file_size for member in members)
        if total > MAX_ZIP_BYTES:
            raise RejectedDelivery(
                f"{zipped.name}: unpacks to {total:,} bytes, more than the limit of {MAX_ZIP_BYTES:,}"
            )


def locate(settings: Settings) -> list[Delivery]:
    """The mirror's `ai_index_<edition>/` folders (when a mirror is set), the editions dropped (as folders or zips)
    into `<inbox>/ai_index/` in both modes (an edition the mirror has is read from the mirror), and without a
    mirror, for an edition published only online that the inbox lacks, its figures fetched by URL."""
    found = []
    for root in ([settings.mirror_dir] if settings.mirror_dir else []) + [settings.inbox_dir / "ai_index"]:
        known = {d.edition for d in found}
        if root.is_dir():
            found += [d for d in deliveries(root, settings.cache_dir / "ai_index_extracted") if d.edition not in known]
    if settings.mirror_dir:
        return found
    return found + url_deliveries(SOURCE, settings, {d.edition for d in found})


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
    figure_id: str = pa.Field(str_matches=r"^(fig_\d+(\.\d+)+|sheet:.+)$")
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
    name = Path(delivery.source_file).name
    if name.lower().endswith(".zip"):
        _check_zip(delivery.path, delivery.path.parent / ".check")
        raise RejectedDelivery(f"{name}: zip could not be unpacked")
    if _WORKBOOK.match(name):
        return _parse_workbook(delivery)
    online = online_figures().get(delivery.source_file)
    if online:
        header, records = read_csv_records(delivery.path)
        return _cells(delivery, online.chapter, online.chapter_name, online.figure_id, header, records)
    figure = _FIGURE_FILE.match(name)
    if not figure:
        raise RejectedDelivery(f"{delivery.source_file}: not an AI Index figure file (fig_<chapter>.<n>.csv or .xlsx)")
    if delivery.path.stat().st_size > MAX_MEMBER_BYTES:
        raise RejectedDelivery(
            f"{delivery.source_file}: {delivery.path.stat().st_size:,} bytes, more than the limit "
            f"of {MAX_MEMBER_BYTES:,} for a figure file"
        )
    header, records = read_csv_records(delivery.path)
    chapter, chapter_name = _chapter(delivery.source_file)
    return _cells(delivery, chapter, chapter_name, figure[1].lower(), header, records)


def _parse_workbook(delivery: Delivery) -> Parsed:
    """Each non-empty sheet is a figure; padded empty rows are dropped, truncated sheet names kept as published."""
    try:
        sheets = pl.read_excel(
            delivery.path, sheet_id=0, engine="calamine", has_header=False, infer_schema_length=0, raise_if_empty=False
        )
    except Exception as error:  # calamine raises several error types for unreadable files
        raise RejectedDelivery(f"{delivery.source_file}: not a readable workbook ({error})") from error
    parts = []
    for sheet_name, frame in sheets.items():
        rows = [[("" if v is None else str(v)) for v in row] for row in frame.iter_rows()]
        numbered = [(n, row) for n, row in enumerate(rows[1:], start=1) if any(c.strip() for c in row)]
        if not rows or not any(c.strip() for c in rows[0]):
            continue
        header = folded_header(rows[0])
        while header and not header[-1] and not any(row[len(header) - 1].strip() for _, row in numbered):
            header.pop()
            numbered = [(n, row[: len(header)]) for n, row in numbered]
        chapter_name = Path(delivery.source_file).stem.replace("_", " ")
        parts.append(_cells(delivery, None, chapter_name, f"sheet:{sheet_name.strip()}", header, numbered))
    if not parts:
        raise RejectedDelivery(f"{delivery.source_file}: workbook has no sheet with a header row")
    return Parsed(rows=pl.concat([p.rows for p in parts]), quarantine=pl.concat([p.quarantine for p in parts]))


def _cells(
    delivery: Delivery,
    chapter: int | None,
    chapter_name: str | None,
    figure_id: str,
    header: list[str],
    records: list[tuple[int, list[str]]],
) -> Parsed:
    columns = [name or f"column_{index}" for index, name in enumerate(header, start=1)]
    units = [unit_from_header(name) for name in columns]
    cells, bad = [], []
    for number, record in records:
        if len(record) != len(columns):
            bad.append(
                (
                    number,
                    f"{figure_id}: record has {len(record)} fields, header has {len(columns)}",
                    record_json(header, record),
                )
            )
            continue
        for index, (column, text) in enumerate(zip(columns, record), start=1):
            value = text.strip()
            cells.append(
                (
                    int(delivery.edition),
                    chapter,
                    chapter_name,
                    figure_id,
                    number,
                    index,
                    column,
                    value or None,
                    parse_number(value),
                    parse_date(value),
                    units[index - 1],
                )
            )
    return Parsed(rows=frame_for(FigureValues, cells), quarantine=quarantine_frame(bad))


DECLARATION = Source(
    name=SOURCE,
    raw_table=RAW_TABLE,
    parser_version=PARSER_VERSION,
    schema=FigureValues,
    locate=locate,
    parse=parse,
    description=first_line(__doc__),
    arrives_as="files",
    subject="ai_index",
    cells_named_by=("figure_id", "column_name"),
)
