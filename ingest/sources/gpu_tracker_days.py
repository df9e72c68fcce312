"""The tracker file cut into one delivery per observation day (gpu_tracker.py parses each): the day as edition,
the checksum of that day's records, and a daily run that reads only the part appended since the last one."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable
from pathlib import Path

import polars as pl

from ingest.delivery import Delivery, RejectedDelivery
from ingest.read.careful import read_csv_records
from ingest.read.records import Records, careful_records, streamed_records
from ingest.read.streamed import FILE_COLUMN, NeedsCarefulParse, read_header, string_batches
from ingest.settings import Settings
from ingest.sources import gpu_tracker_tail as tail
from ingest.sources.gpu_tracker import _ISO_DAY, OUT_OF_RANGE, UNDATED, first_day, last_day, locate

_SLICED, _DATED = "appended.json", "dates.json"
"""What the day slicer and the day finder remember of the file (gpu_tracker_tail.py), in the cache folder."""


def observation_days(settings: Settings, located: list[Delivery] | None = None) -> list[str]:
    """The days (in order) that the located tracker file (`located`, else located now) has records for, within
    the tracker's days: its partitions. A file that only grew since the last call is read from where its last
    day began."""
    index = settings.cache_dir / "gpu_tracker_days" / _DATED
    dates: set[str] = set()
    for delivery in locate(settings) if located is None else located:
        if delivery.refused:
            continue
        known = tail.remembered(index, delivery.source_file)
        appended = tail.appended_since(delivery.path, known, index.parent / "_dates.csv") if known else None
        found = set(known["dates"]) | _dates_in(appended) if appended else _dates_in(delivery.path)
        tail.remember(index, delivery.source_file, delivery.path, dates=sorted(found))
        dates |= found
    first, last = first_day(), last_day()  # each reads the settings: once, not once a day
    return sorted(date for date in dates if first <= date <= last)


def present_day_files(settings: Settings, located: list[Delivery]) -> set[str]:
    """The day deliveries (`<file>#date=<day>`) the located file holds now: a loaded day missing from them was
    removed upstream (noted as a retraction; its rows are kept)."""
    files = [delivery.source_file for delivery in located if not delivery.refused]
    days = observation_days(settings, located)
    # the undated and out-of-range records are no day: their delivery is never a day that went missing
    return {f"{name}#date={day}" for name in files for day in [*days, UNDATED, OUT_OF_RANGE]}


def _dates_in(path: Path) -> set[str]:
    """Every YYYY-MM-DD date of the file's records (which of them are the tracker's days changes with today)."""
    try:
        try:
            texts = _date_texts(streamed_records([path]))
        except NeedsCarefulParse:
            texts = _date_texts([careful_records(path)[0]])
    except RejectedDelivery:
        return set()
    return {text for text in texts if _ISO_DAY.match(text)}


def _date_texts(batches: Iterable[Records]) -> set[str]:
    texts: set[str] = set()
    for records in batches:
        position = _date_position(records.header)
        if position is None:
            return set()
        texts |= set(records.frame[records.names[position]].drop_nulls().str.strip_chars().unique().to_list())
    return texts


def _date_position(header: list[str]) -> int | None:
    names = [name.lower() for name in header]
    return names.index("date") if "date" in names else None


def day_deliveries(settings: Settings, days: set[str] | None, located: list[Delivery] | None = None) -> list[Delivery]:
    """The located tracker file(s) (`located`, else located now) cut into one delivery per day in `days` (every
    day when None)."""
    return [
        piece
        for delivery in (locate(settings) if located is None else located)
        for piece in day_slices(delivery, days, settings.cache_dir / "gpu_tracker_days")
    ]


def day_slices(delivery: Delivery, days: set[str] | None, out_dir: Path) -> list[Delivery]:
    """One delivery per observation day in `days` (all days when None) that the file has records for, plus an
    `undated` one for records whose date is not YYYY-MM-DD and an `out_of_range` one for dates before the
    tracker's first day or after tomorrow (the parser quarantines both, so no record vanishes). A file that is
    not a tracker file at all is returned whole, for the parser to reject with its reason."""
    if delivery.refused:
        return [delivery]
    folder = slice_folder(delivery, out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    known = tail.remembered(out_dir / _SLICED, delivery.source_file)
    # the newest days come from the appended part; older days, or any day of a rewritten file, from the whole
    # file. Records with no valid date in the appended part wait for the next whole read (the weekly run's).
    newest_only = known and days and min(days) >= known["last_day"]
    appended = tail.appended_since(delivery.path, known, folder / "_appended.csv") if newest_only else None
    try:
        written = _write_day_files_streamed(appended or delivery.path, days, folder, undated=appended is None)
    except NeedsCarefulParse:
        written = _write_day_files_carefully(delivery.path, days, folder)
    except RejectedDelivery:
        return [delivery]
    if written is None:
        return [delivery]
    tail.remember(out_dir / _SLICED, delivery.source_file, delivery.path)
    return [
        Delivery(
            source=delivery.source,
            edition=day,
            source_file=f"{delivery.source_file}#date={day}",
            path=path,
            checksum=hashlib.sha256(path.read_bytes()).hexdigest(),
            retrieved_at=delivery.retrieved_at,
        )
        for day, path in sorted(written.items())
    ]


def slice_folder(delivery: Delivery, out_dir: Path) -> Path:
    """Where one version of the file is cut into days: named by its size and modification time, since reading a
    gigabyte for its checksum would cost more than the day it cuts out."""
    stat = delivery.path.stat()
    version = f"{delivery.source_file}|{stat.st_size}|{stat.st_mtime_ns}"
    return out_dir / hashlib.sha256(version.encode()).hexdigest()[:16]


def _write_day_files_streamed(
    path: Path, days: set[str] | None, folder: Path, undated: bool = True
) -> dict[str, Path] | None:
    header = read_header(path)
    if _date_position(header) is None:
        return None
    date_column = header[_date_position(header)]
    written: dict[str, Path] = {}
    keep = None
    first, last = first_day(), last_day()
    if days is not None:  # the requested days and the undated records, picked out by DuckDB as it reads
        wanted = ", ".join("'" + day + "'" for day in sorted(days) if _ISO_DAY.match(day))
        undated_sql = (
            (f" or not regexp_full_match(value, '{_ISO_DAY.pattern[1:-1]}') or value < '{first}' or value > '{last}'")
            if undated
            else ""
        )
        keep = (date_column, f"(value in ({wanted or 'null'}){undated_sql})")
    for batch in string_batches([path], header, keep_where=keep):
        text = pl.col(date_column).fill_null("").str.strip_chars()
        keyed = batch.with_columns(
            _day=pl.when(~text.str.contains(_ISO_DAY.pattern))
            .then(pl.lit(UNDATED))
            .when((text < first) | (text > last))
            .then(pl.lit(OUT_OF_RANGE))
            .otherwise(text)
        )
        for (day,), rows in keyed.partition_by("_day", as_dict=True, maintain_order=True).items():
            first_write = day not in written
            written[day] = folder / f"{day}.csv"
            with written[day].open("wb" if first_write else "ab") as handle:
                rows.drop("_day", FILE_COLUMN).write_csv(handle, include_header=first_write, line_terminator="\n")
    return written


def _write_day_files_carefully(path: Path, days: set[str] | None, folder: Path) -> dict[str, Path] | None:
    header, records = read_csv_records(path)
    column = _date_position(header)
    if column is None:
        return None
    by_day: dict[str, list[list[str]]] = {}
    first, last = first_day(), last_day()
    for _, record in records:
        text = record[column].strip() if column < len(record) else ""
        day = UNDATED if not _ISO_DAY.match(text) else OUT_OF_RANGE if not first <= text <= last else text
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
