"""Read a delivered CSV the way real exports need: BOMs, cp1252, mixed line endings, multi-line quoted fields."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from ingest.delivery import RejectedDelivery

ENCODINGS = ("utf-8-sig", "cp1252")
BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


SNIFF_BYTES = 4096


def refuse_nul_bytes(sample: bytes, name: str) -> None:
    """NUL bytes without a byte-order mark mean a wide encoding without one, or a binary or sparse file: cp1252
    would read them as text."""
    if b"\x00" not in sample or sample.startswith(tuple(bom for bom, _ in BOMS)):
        return
    if not sample.strip(b"\x00"):
        raise RejectedDelivery(f"{name}: only NUL bytes (an empty, sparse or never-written file), not text")
    wide = (
        "utf-16-le"
        if sample[1::2].count(0) > len(sample) // 4
        else "utf-16-be"
        if sample[0::2].count(0) > len(sample) // 4
        else None
    )
    raise RejectedDelivery(
        f"{name}: NUL bytes, "
        + (f"looks like {wide} without a byte-order mark; re-export it as UTF-8" if wide else "not a text file")
    )


def read_text(path: Path, name: str | None = None) -> str:
    """A delivered file's text (see `decode`), judged by its first bytes before the whole file is read: a binary
    or sparse file of any size is refused without being loaded into memory."""
    name = name or path.name
    with path.open("rb") as handle:
        refuse_nul_bytes(handle.read(SNIFF_BYTES), name)
    return decode(path.read_bytes(), name)


def decode(data: bytes, name: str) -> str:
    """Text of a delivered file: UTF-16/32 by their byte-order mark, UTF-8 (with or without BOM), else cp1252.
    NUL bytes mean a wide encoding without a BOM, or a binary file: cp1252 would read them as text."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as error:
                raise RejectedDelivery(
                    f"{name}: starts with a {encoding} byte-order mark but is not {encoding} "
                    f"({error.reason} at byte {error.start})"
                ) from error
    refuse_nul_bytes(data[:SNIFF_BYTES], name)
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RejectedDelivery(f"{name}: not readable as UTF-8 or cp1252")


class _DuplicateKey(ValueError):
    pass


def _unique_pairs(pairs: list[tuple[str, object]]) -> dict:
    seen = set()
    for key, _ in pairs:
        if key in seen:
            raise _DuplicateKey(key)
        seen.add(key)
    return dict(pairs)


def load_json(text: str, source_file: str, pairs_hook=_unique_pairs):
    """A delivered JSON document, or RejectedDelivery with the reason: invalid or truncated JSON, an object
    naming a key twice (which value is meant cannot be known: never the last silently), or nesting too deep
    to read. `pairs_hook` replaces the duplicate rule for a format that defines its own (litellm)."""
    try:
        return json.loads(text, object_pairs_hook=pairs_hook)
    except json.JSONDecodeError as error:
        raise RejectedDelivery(
            f"{source_file}: truncated or not valid JSON ({error.msg} at line {error.lineno})"
        ) from error
    except _DuplicateKey as error:
        raise RejectedDelivery(f"{source_file}: an object names the key {error.args[0]!r} twice") from None
    except RecursionError:
        raise RejectedDelivery(f"{source_file}: JSON nested too deep to read") from None


def unique_header(header: list[str], source_file: str) -> list[str]:
    """The header, or RejectedDelivery when it names a column twice (whitespace folded, any case): which of
    the two a parser reads would be chance."""
    named = [name.lower() for name in header if name]
    if twice := sorted({name for name in named if named.count(name) > 1}):
        raise RejectedDelivery(f"{source_file}: the header names the column {twice[0]!r} twice")
    return header


def read_csv_records(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header (whitespace collapsed) and (record number, fields) pairs, numbered from 1 after the header.

    A file with no header is rejected; blank records are dropped (their numbers are skipped).
    """
    text = read_text(path)
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise RejectedDelivery(f"{path.name}: not a readable CSV ({error})") from error
    if not records or not any(cell.strip() for cell in records[0]):
        raise RejectedDelivery(f"{path.name}: empty file, no header row")
    header = unique_header(folded_header(records[0]), path.name)
    rows = [(number, record) for number, record in enumerate(records[1:], start=1) if any(c.strip() for c in record)]
    return header, rows


def folded_header(cells: list[str]) -> list[str]:
    """Column names with runs of whitespace (line breaks, doubled spaces, a trailing space) folded to one space."""
    return [" ".join(cell.split()) for cell in cells]


def whole_records(
    header: list[str], records: list[tuple[int, list[str]]]
) -> tuple[list[tuple[int, list[str]]], list[tuple[int, str, str]]]:
    """The records with as many fields as the header and no NUL byte, and a quarantine row (number, reason, record)
    for each other."""
    good, bad = [], []
    for number, record in records:
        if len(record) != len(header):
            bad.append(
                (number, f"record has {len(record)} fields, header has {len(header)}", record_json(header, record))
            )
        elif any("\x00" in field for field in record):
            bad.append((number, NUL_IN_RECORD, record_json(header, record)))
        else:
            good.append((number, record))
    return good, bad


NUL_IN_RECORD = "a field holds a NUL byte (binary data inside text)"


def record_json(header: list[str], row: list[str]) -> str:
    """A raw record kept verbatim for the quarantine table."""
    if len(row) == len(header):
        return json.dumps(dict(zip(header, row)), ensure_ascii=False)
    return json.dumps({"header": header, "fields": row}, ensure_ascii=False)


def required_records(
    path: Path, required: tuple[str, ...], source_file: str, what: str
) -> tuple[list[str], list[tuple[int, list[str]]], list[tuple[int, str, str]]]:
    """Header, whole records and quarantine rows of a CSV that must have the `required` columns (else rejected)."""
    header, records = read_csv_records(path)
    if missing := [name for name in required if name not in header]:
        raise RejectedDelivery(f"{source_file}: not {what} (missing {missing})")
    return header, *whole_records(header, records)
