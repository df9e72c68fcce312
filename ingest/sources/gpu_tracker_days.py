"""The tracker file cut into one delivery per observation day (gpu_tracker.py parses each): the day as edition,
the checksum of that day's records, and a daily run that reads only the part appended since the last one."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from pathlib import Path

import polars as pl

from ingest.csvfile import read_csv_records
from ingest.delivery import Delivery, RejectedDelivery
from ingest.fastcsv import FILE_COLUMN, NeedsCarefulParse, read_header, string_batches
from ingest.settings import SourceSettings
from ingest.sources.gpu_tracker import _ISO_DAY, FIRST_DAY, OUT_OF_RANGE, UNDATED, last_day, locate, outside_days


def observation_days(settings: SourceSettings) -> list[str]:
    """The days (in order) that the located tracker file has records for, within the tracker's days: its partitions."""
    days: set[str] = set()
    for delivery in locate(settings):
        if not delivery.refused:
            days |= _days_in(delivery.path)
    return sorted(days)


def _days_in(path: Path) -> set[str]:
    try:
        header = read_header(path)
        if _date_position(header) is None:
            return set()
        column = header[_date_position(header)]
        texts = set()
        for batch in string_batches([path], header):
            texts |= set(batch[column].drop_nulls().str.strip_chars().unique().to_list())
    except NeedsCarefulParse:
        header, records = read_csv_records(path)
        position = _date_position(header)
        if position is None:
            return set()
        texts = {record[position].strip() for _, record in records if position < len(record)}
    except RejectedDelivery:
        return set()
    return {text for text in texts if _ISO_DAY.match(text) and not outside_days(text)}


def _date_position(header: list[str]) -> int | None:
    names = [name.lower() for name in header]
    return names.index("date") if "date" in names else None


def day_deliveries(settings: SourceSettings, days: set[str] | None) -> list[Delivery]:
    """The located tracker file(s) cut into one delivery per day in `days` (every day when None)."""
    return [piece for delivery in locate(settings)
            for piece in day_slices(delivery, days, settings.cache_dir / "gpu_tracker_days")]


def day_slices(delivery: Delivery, days: set[str] | None, out_dir: Path) -> list[Delivery]:
    """One delivery per observation day in `days` (all days when None) that the file has records for, plus an
    `undated` one for records whose date is not YYYY-MM-DD and an `out_of_range` one for dates before the
    tracker's first day or after tomorrow (the parser quarantines both, so no record vanishes). A file that is
    not a tracker file at all is returned whole, for the parser to reject with its reason."""
    if delivery.refused:
        return [delivery]
    folder = out_dir / delivery.sha256[:16]
    folder.mkdir(parents=True, exist_ok=True)
    appended = _appended_part(delivery, days, out_dir, folder) if days is not None else None
    try:
        written = _write_day_files_streamed(appended or delivery.path, days, folder, undated=appended is None)
    except NeedsCarefulParse:
        written = _write_day_files_carefully(delivery.path, days, folder)
    except RejectedDelivery:
        return [delivery]
    if written is None:
        return [delivery]
    _remember_end(delivery, out_dir)
    return [Delivery(source=delivery.source, edition=day, source_file=f"{delivery.source_file}#date={day}",
                     path=path, sha256=hashlib.sha256(path.read_bytes()).hexdigest(), retrieved_at=delivery.retrieved_at)
            for day, path in sorted(written.items())]


def _write_day_files_streamed(path: Path, days: set[str] | None, folder: Path,
                              undated: bool = True) -> dict[str, Path] | None:
    header = read_header(path)
    if _date_position(header) is None:
        return None
    date_column = header[_date_position(header)]
    written: dict[str, Path] = {}
    keep = None
    if days is not None:  # the requested days and the undated records, picked out by DuckDB as it reads
        wanted = ", ".join("'" + day + "'" for day in sorted(days) if _ISO_DAY.match(day))
        undated_sql = (f" or not regexp_full_match(value, '{_ISO_DAY.pattern[1:-1]}')"
                       f" or value < '{FIRST_DAY}' or value > '{last_day()}'") if undated else ""
        keep = (date_column, f"(value in ({wanted or 'null'}){undated_sql})")
    for batch in string_batches([path], header, keep_where=keep):
        text = pl.col(date_column).fill_null("").str.strip_chars()
        keyed = batch.with_columns(_day=pl.when(~text.str.contains(_ISO_DAY.pattern)).then(pl.lit(UNDATED))
                                   .when((text < FIRST_DAY) | (text > last_day())).then(pl.lit(OUT_OF_RANGE))
                                   .otherwise(text))
        for (day,), rows in keyed.partition_by("_day", as_dict=True, maintain_order=True).items():
            first_write = day not in written
            written[day] = folder / f"{day}.csv"
            with written[day].open("wb" if first_write else "ab") as handle:
                rows.drop("_day", FILE_COLUMN).write_csv(handle, include_header=first_write, line_terminator="\n")
    return written


# The tracker is append-only upstream, in date order. A daily run for the newest days reads only what was
# appended since the last run (from where the last day seen began), provided the bytes just before the old end
# are unchanged; any other request (older days, a shrunk or rewritten file) reads the whole file. Records with
# no valid date in the appended part wait for the next whole read (the weekly run reads every day).
_TAIL_INDEX = "appended.json"
_CHECK_BYTES = 1 << 16


def _appended_part(delivery: Delivery, days: set[str], out_dir: Path, folder: Path) -> Path | None:
    index_path = out_dir / _TAIL_INDEX
    known = json.loads(index_path.read_text()).get(delivery.source_file) if index_path.exists() else None
    if not known or not days or min(days) < known["last_day"] or delivery.path.stat().st_size < known["size"]:
        return None
    with delivery.path.open("rb") as handle:
        handle.seek(max(0, known["size"] - _CHECK_BYTES))
        if hashlib.sha256(handle.read(min(_CHECK_BYTES, known["size"]))).hexdigest() != known["check"]:
            return None
        handle.seek(0)
        header = handle.readline()
        handle.seek(known["resume_at"])
        appended = folder / "_appended.csv"
        with appended.open("wb") as out:
            out.write(header)
            shutil.copyfileobj(handle, out, 1 << 20)
    return appended


def _remember_end(delivery: Delivery, out_dir: Path) -> None:
    """Record the file's size, its last bytes and where its last day's records begin."""
    size = delivery.path.stat().st_size
    found = _last_day_start(delivery.path, size)
    index_path = out_dir / _TAIL_INDEX
    index = json.loads(index_path.read_text()) if index_path.exists() else {}
    if found is None:
        index.pop(delivery.source_file, None)
    else:
        with delivery.path.open("rb") as handle:
            handle.seek(max(0, size - _CHECK_BYTES))
            check = hashlib.sha256(handle.read(min(_CHECK_BYTES, size))).hexdigest()
        index[delivery.source_file] = {"size": size, "check": check, "last_day": found[0], "resume_at": found[1]}
    index_path.write_text(json.dumps(index, indent=1))


def _last_day_start(path: Path, size: int) -> tuple[str, int] | None:
    """The last record's day and the byte offset of the first record of that day, for a file whose first
    column is an ISO date and whose records are in date order; None for any other file."""
    with path.open("rb") as handle:
        if not handle.readline().lower().startswith(b"date,"):
            return None
        body_start = handle.tell()
        span = 1 << 20
        while True:
            start = max(body_start, size - span)
            handle.seek(start)
            lines = handle.read(size - start).split(b"\n")
            offsets, position = [], start
            for line in lines:
                offsets.append(position)
                position += len(line) + 1
            records = [(offset, line) for offset, line in zip(offsets, lines) if line.strip()]
            if start > body_start:
                records = records[1:]  # the first piece may be the middle of a line
            if not records or not _ISO_DAY.match(records[-1][1][:10].decode("ascii", "replace")):
                return None
            last_day = records[-1][1][:10]
            earlier = [offset for offset, line in records if not line.startswith(last_day + b",")]
            if earlier or start == body_start:
                first = next(offset for offset, line in records if line.startswith(last_day + b",")
                             and offset > (earlier[-1] if earlier else -1))
                return last_day.decode(), first
            span *= 4


def _write_day_files_carefully(path: Path, days: set[str] | None, folder: Path) -> dict[str, Path] | None:
    header, records = read_csv_records(path)
    column = _date_position(header)
    if column is None:
        return None
    by_day: dict[str, list[list[str]]] = {}
    for _, record in records:
        text = record[column].strip() if column < len(record) else ""
        day = UNDATED if not _ISO_DAY.match(text) else OUT_OF_RANGE if outside_days(text) else text
        if day in (UNDATED, OUT_OF_RANGE) or days is None or day in days:
            by_day.setdefault(day, []).append(record)
    written = {}
    for day, rows in sorted(by_day.items()):
        written[day] = folder / f"{day}.csv"
        with written[day].open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)
    return written
