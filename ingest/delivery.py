"""A delivery is one source file as received, with its provenance; parsing it gives good rows and quarantine."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

import polars as pl

QUARANTINE_COLUMNS = {"row_number": pl.Int64, "reason": pl.Utf8, "record": pl.Utf8}


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def modified_day(path: Path) -> str:
    """The UTC day a file was last modified: the vintage of a file read from a local mirror."""
    return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC).date().isoformat()


@dataclass(frozen=True)
class Delivery:
    source: str
    """Short source name, e.g. `skypilot_catalog`."""
    edition: str
    """Edition or vintage: the AI Index report year, a snapshot date, or `latest` for a file replaced in place."""
    source_file: str
    """The file as published: a path relative to the source root, or the URL it was fetched from."""
    path: Path
    """Where the bytes are on this machine."""
    checksum: str | None = None
    """The SHA-256 when it is known; else `sha256` reads the file the first time it is asked for (a tracker file of
    a gigabyte, cut into days that each have their own, is then never read whole for it)."""
    retrieved_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    refused: str | None = None
    """Why the file is refused without being read (a link out of the data root): recorded as a rejection."""

    @cached_property
    def sha256(self) -> str:
        return self.checksum or sha256_of(self.path)

    @classmethod
    def from_file(
        cls, source: str, edition: str, source_file: str, path: Path, retrieved_at=None, root: Path | None = None
    ) -> Delivery:
        """The file at `path`; with `root` (a mirror or inbox folder), a path whose real location is outside it
        (a symbolic link to /etc/passwd, say) is refused, and never read."""
        kwargs = {"retrieved_at": retrieved_at} if retrieved_at else {}
        if root is not None and not path.resolve().is_relative_to(root.resolve()):
            return cls(
                source=source,
                edition=edition,
                source_file=source_file,
                path=path,
                **kwargs,
                checksum=hashlib.sha256(f"refused:{source_file}".encode()).hexdigest(),
                refused=f"{source_file} is a link to a file outside the data root {root}; not read",
            )
        return cls(source=source, edition=edition, source_file=source_file, path=path, **kwargs)


class RejectedDelivery(ValueError):
    """The whole file is unusable (empty, unknown layout, unreadable); the reason is recorded in raw.deliveries."""


@dataclass
class Parsed:
    """The outcome of parsing one delivery: rows that passed, and rows set aside with a reason."""

    rows: pl.DataFrame
    quarantine: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=QUARANTINE_COLUMNS))

    @property
    def counts(self) -> dict[str, int]:
        return {"rows_accepted": self.rows.height, "rows_quarantined": self.quarantine.height}


def quarantine_frame(rows: list[tuple[int, str, str]]) -> pl.DataFrame:
    """Build a quarantine frame from (row_number, reason, record-as-json) tuples."""
    return pl.DataFrame(rows, schema=QUARANTINE_COLUMNS, orient="row")


def frame_for(model, rows: list[tuple]) -> pl.DataFrame:
    """Rows (tuples in the model's column order) as a frame typed by a pandera DataFrameModel."""
    schema = {name: column.dtype.type for name, column in model.to_schema().columns.items()}
    return pl.DataFrame(rows, schema=schema, orient="row")
