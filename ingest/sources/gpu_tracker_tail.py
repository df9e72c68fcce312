"""The part of the tracker file appended since it was last read. The file is append-only upstream, in date
order: a reader that remembered where the file ended (its size, its last bytes, where its last day's records
began) reads only from there on, provided the bytes just before the old end are unchanged; a shrunk or
rewritten file is read whole. What each reader remembers is kept in a small JSON file of its own."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from ingest.sources.gpu_tracker import _ISO_DAY

_CHECK_BYTES = 1 << 16


def remembered(index_path: Path, source_file: str) -> dict | None:
    return json.loads(index_path.read_text()).get(source_file) if index_path.exists() else None


def remember(index_path: Path, source_file: str, path: Path, **extra) -> None:
    """Record where `path` ends (and `extra`), or forget it when it is not a date-ordered tracker file."""
    end = end_of(path)
    index = json.loads(index_path.read_text()) if index_path.exists() else {}
    if end is None:
        index.pop(source_file, None)
    else:
        index[source_file] = {**end, **extra}
    index_path.parent.mkdir(parents=True, exist_ok=True)
    index_path.write_text(json.dumps(index, indent=1))


def appended_since(path: Path, known: dict, out: Path) -> Path | None:
    """A CSV file of the header and the records from where the last day seen began, or None when the file is
    not the one remembered, grown."""
    if path.stat().st_size < known["size"] or _check(path, known["size"]) != known["check"]:
        return None
    with path.open("rb") as handle:
        header = handle.readline()
        handle.seek(known["resume_at"])
        with out.open("wb") as target:
            target.write(header)
            shutil.copyfileobj(handle, target, 1 << 20)
    return out


def end_of(path: Path) -> dict | None:
    size = path.stat().st_size
    found = _last_day_start(path, size)
    if found is None:
        return None
    return {"size": size, "check": _check(path, size), "last_day": found[0], "resume_at": found[1]}


def _check(path: Path, size: int) -> str:
    with path.open("rb") as handle:
        handle.seek(max(0, size - _CHECK_BYTES))
        return hashlib.sha256(handle.read(min(_CHECK_BYTES, size))).hexdigest()


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
                first = next(
                    offset
                    for offset, line in records
                    if line.startswith(last_day + b",") and offset > (earlier[-1] if earlier else -1)
                )
                return last_day.decode(), first
            span *= 4
