"""The warehouse file: where it is, one write path and one read-only path, with clear messages on lock conflicts."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PATH = PROJECT_ROOT / "data" / "warehouse.duckdb"


class WarehouseBusy(RuntimeError):
    """Another process holds the DuckDB file (DuckDB allows one writer, and no readers beside it)."""


class WarehouseMissing(FileNotFoundError):
    """The warehouse file does not exist yet."""


def warehouse_path() -> Path:
    """AIMETRICS_DUCKDB_PATH, or data/warehouse.duckdb in the project."""
    value = os.environ.get("AIMETRICS_DUCKDB_PATH", "").strip()
    if not value:
        return DEFAULT_PATH
    path = Path(value).expanduser()
    return path if path.is_absolute() else (Path.cwd() / path).resolve()


def _is_lock_error(error: Exception) -> bool:
    return "lock" in str(error).lower()


def _busy(path: Path, error: Exception) -> WarehouseBusy:
    return WarehouseBusy(
        f"the warehouse {path} is in use by another process (a run is writing to it, or a client holds it open); "
        f"try again when it has finished. DuckDB said: {str(error).splitlines()[0]}"
    )


@contextmanager
def connect_write(path: Path | None = None, wait_s: float = 30.0) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection, closed on exit. Waits up to `wait_s` for another writer to finish."""
    path = path or warehouse_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    deadline, delay = time.monotonic() + wait_s, 0.1
    while True:
        try:
            conn = duckdb.connect(str(path))
            break
        except duckdb.IOException as error:
            if not _is_lock_error(error):
                raise
            if time.monotonic() >= deadline:
                raise _busy(path, error) from error
            time.sleep(delay)
            delay = min(delay * 2, 2.0)
    try:
        yield conn
    finally:
        conn.close()


@contextmanager
def connect_read(path: Path | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection, closed on exit; clear errors when the file is missing or held by a writer."""
    path = path or warehouse_path()
    if not path.exists():
        raise WarehouseMissing(f"no warehouse at {path}: run `make run` (or `aimetrics run`) first")
    try:
        conn = duckdb.connect(str(path), read_only=True)
    except duckdb.IOException as error:
        if _is_lock_error(error):
            raise _busy(path, error) from error
        raise
    try:
        yield conn
    finally:
        conn.close()
