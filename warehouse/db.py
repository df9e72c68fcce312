"""The warehouse: where it is, one write path and one read-only path, with clear messages on lock conflicts.

Two sides (write, audit, publish): runs write the **build** database, `<stem>.build/<name>` beside the published
file, and read it back for their own checks (`connect_write`, `connect_read`); readers open the **published**
database, the path users know (`connect_published`), which only `warehouse.versions.publish` replaces, atomically,
with a build whose blocking checks passed. The build keeps the same file name in a folder of its own because
DuckDB names a database's catalog after its file: every copy answers to the same catalog name.

By default the warehouse is one DuckDB file. AIMETRICS_WAREHOUSE points it at a shared engine instead, for runs
on several machines: `ducklake:<catalog>` (a DuckLake: a catalog database such as `postgres:dbname=aimetrics
host=...`, and Parquet files under AIMETRICS_DUCKLAKE_DATA_PATH, e.g. an object store) or `md:<database>`
(MotherDuck; the token comes from MOTHERDUCK_TOKEN, which DuckDB reads itself and nothing here logs).
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import duckdb

from ingest.settings import load_settings

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class WarehouseBusy(RuntimeError):
    """Another process holds the DuckDB file (DuckDB allows one writer, and no readers beside it)."""


class WarehouseMissing(FileNotFoundError):
    """The warehouse file does not exist yet."""


def warehouse_path() -> Path:
    """AIMETRICS_DUCKDB_PATH, or data/warehouse.duckdb in the project."""
    return load_settings().duckdb_path


def unwritable_reason() -> str | None:
    """Why a run could not write the warehouse's folder (the nearest one that exists), or None."""
    if warehouse_target().kind != "file":
        return None
    folder = build_path().parent
    while not folder.exists():
        folder = folder.parent
    if not os.access(folder, os.W_OK | os.X_OK):
        return (
            f"the warehouse's folder {folder} is not writable by this user (readers can still open "
            f"{warehouse_path()}); make it writable, or set AIMETRICS_DUCKDB_PATH to a place that is"
        )
    return None


def build_path(published: Path | None = None) -> Path:
    """The database runs write: `<stem>.build/<name>` beside the published file."""
    published = published or warehouse_path()
    return published.parent / f"{published.stem}.build" / published.name


ALIAS = "warehouse"
"""The name a shared engine's database is attached as (the dbt targets use the same)."""


@dataclass(frozen=True)
class Target:
    kind: str
    """`file` (one DuckDB file), `ducklake` or `motherduck`."""
    location: str
    data_path: str | None = None

    def describe(self) -> str:
        """Where the warehouse is, for messages (a catalog connection string may carry a password: not shown)."""
        if self.kind == "ducklake":
            return f"DuckLake (data in {self.data_path or 'the catalog default'})"
        return "MotherDuck" if self.kind == "motherduck" else self.location


def warehouse_target() -> Target:
    """AIMETRICS_WAREHOUSE: unset or `duckdb` for the file, `ducklake:<catalog>` or `md:<database>`."""
    settings = load_settings()
    value = settings.warehouse.strip()
    if value in ("", "duckdb"):
        return Target("file", str(settings.duckdb_path))
    if value.startswith("ducklake:"):
        return Target("ducklake", value, settings.ducklake_data_path)
    if value.startswith("md:"):
        return Target("motherduck", value)
    raise ValueError(
        f"AIMETRICS_WAREHOUSE={value!r}: expected nothing, `duckdb`, `ducklake:<catalog>` or `md:<database>`"
    )


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def s3_settings(endpoint: str | None) -> dict[str, str | bool]:
    """DuckDB's settings for an S3-compatible object store at `endpoint` (AIMETRICS_S3_ENDPOINT, such as
    `http://127.0.0.1:9000`): path-style URLs, TLS as the scheme says. AWS itself needs none. The keys are not
    here: DuckDB reads AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from the environment itself."""
    if not endpoint:
        return {}
    parsed = urlsplit(endpoint if "://" in endpoint else f"https://{endpoint}")
    return {"s3_endpoint": parsed.netloc, "s3_url_style": "path", "s3_use_ssl": parsed.scheme == "https"}


_FIRST_ATTACH_RACE = re.compile(
    r"Failed to initialize DuckLake.*(already exists|duplicate key)", re.IGNORECASE | re.DOTALL
)
ATTACH_ATTEMPTS = 5


def attach(conn: duckdb.DuckDBPyConnection, statement: str) -> None:
    """ATTACH, once more when it lost the race to create a new DuckLake's catalog tables: the first steps of the
    first run on a new catalog attach it at once, and all but one find the tables another has just created."""
    for attempt in range(1, ATTACH_ATTEMPTS + 1):
        try:
            conn.execute(statement)
            return
        except duckdb.Error as error:
            if attempt == ATTACH_ATTEMPTS or not _FIRST_ATTACH_RACE.search(str(error)):
                raise
            time.sleep(0.5 * attempt)


def _connect_shared(target: Target, read_only: bool, snapshot: int | None = None) -> duckdb.DuckDBPyConnection:
    """An in-process DuckDB with the shared warehouse attached and in use (USE), so `raw.x` means the same.
    `snapshot`: a DuckLake as it was at that snapshot (read-only), as readers of a published version see it."""
    settings = load_settings()
    config = {"extension_directory": settings.duckdb_extension_dir} if settings.duckdb_extension_dir else {}
    if target.kind == "motherduck":
        return duckdb.connect(target.location, read_only=read_only, config=config)
    conn = duckdb.connect(config=config)
    try:
        for name, value in s3_settings(settings.s3_endpoint).items():
            conn.execute(f"set {name} = {str(value).lower() if isinstance(value, bool) else _quoted(value)}")
        options = [f"DATA_PATH {_quoted(target.data_path)}"] if target.data_path and not read_only else []
        options += ["READ_ONLY"] if read_only else []
        options += [f"SNAPSHOT_VERSION {int(snapshot)}"] if snapshot is not None else []
        attach(conn, f"ATTACH {_quoted(target.location)} AS {ALIAS}" + (f" ({', '.join(options)})" if options else ""))
        conn.execute(f"USE {ALIAS}")
    except BaseException:
        conn.close()
        raise
    return conn


_LOCK_HELD = re.compile(r"Could not set lock on file|Conflicting lock is held", re.IGNORECASE)
_HOLDER_PID = re.compile(r"\(PID (\d+)\)")


def _is_lock_error(error: Exception) -> bool:
    """DuckDB's words for a file another process holds (pinned by tests/test_stale_runs.py)."""
    return bool(_LOCK_HELD.search(str(error)))


def describe_holder(error: Exception) -> tuple[str, str]:
    """Who holds the file, from DuckDB's lock error: the process and its command, and a note where it is stopped
    (SIGSTOP, Ctrl-Z) and so will not let go until it is resumed (else the note is empty)."""
    found = _HOLDER_PID.search(str(error))
    if not found:
        return "another process", ""
    pid = found[1]
    try:
        command = " ".join(
            Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").replace("\0", " ").split()
        )
    except OSError:  # gone since, or another machine's /proc
        return f"process {pid}", ""
    return f"process {pid} ({command[:60]})", stopped_note(pid)


def stopped_note(pid: str | int) -> str:
    """`; it is stopped ...` with how to resume or end it, for a process of this machine stopped by SIGSTOP or
    Ctrl-Z (it holds what it holds until then); else empty."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return ""
    if state not in ("T", "t"):
        return ""
    return (
        f"; it is stopped (SIGSTOP or Ctrl-Z) and holds on until resumed: `kill -CONT {pid}` lets it go on, "
        f"`kill {pid}` ends it"
    )


def file_holder(path: Path) -> tuple[str, str] | None:
    """Who holds the DuckDB file `path` open, so that a writer cannot have it (see describe_holder), or None when
    it is free or absent."""
    if not path.exists():
        return None
    try:
        duckdb.connect(str(path)).close()
    except duckdb.Error as error:
        return describe_holder(error) if _is_lock_error(error) else None
    return None


def _busy(path, error: Exception) -> WarehouseBusy:
    holder, note = describe_holder(error)
    return WarehouseBusy(
        f"the warehouse {path} is in use by {holder} (a run writing to it, or a client holding it open){note}; "
        f"try again when it has finished. DuckDB said: {str(error).splitlines()[0]}"
    )


def _shared_wait_s() -> float:
    return load_settings().warehouse_wait_s


def _waiting(connect, wait_s: float, where) -> duckdb.DuckDBPyConnection:
    """connect(), retried with backoff while another process holds the lock, for up to `wait_s`."""
    deadline, delay = time.monotonic() + wait_s, 0.1
    while True:
        try:
            return connect()
        except duckdb.Error as error:
            if not _is_lock_error(error):
                raise
            if time.monotonic() >= deadline:
                raise _busy(where, error) from error
            time.sleep(delay)
            delay = min(delay * 2, 2.0)


@contextmanager
def connect_write(path: Path | None = None, wait_s: float | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-write connection, closed on exit. Waits up to `wait_s` (AIMETRICS_WAREHOUSE_WAIT_S, 30 s) for
    another writer to finish."""
    wait_s = _shared_wait_s() if wait_s is None else wait_s
    target = warehouse_target()
    if path is None and target.kind != "file":
        conn = _waiting(lambda: _connect_shared(target, read_only=False), wait_s, target.describe())
    else:
        path = path or seeded_build()
        conn = _waiting(lambda: _open_file(path, False), wait_s, path)
    try:
        yield conn
    finally:
        conn.close()


def seeded_build(published: Path | None = None) -> Path:
    """The build database; where there is none yet but a published file is (a warehouse from before the two
    sides, or a copy of a published version), the build starts as a copy of it, so history is kept."""
    published = published or warehouse_path()
    build = build_path(published)
    if not build.exists() and published.exists():
        try:
            build.parent.mkdir(parents=True, exist_ok=True)
        except PermissionError as error:
            raise _not_permitted(build, error.strerror or str(error), read_only=False) from error
        if Path(f"{published}.wal").exists():  # a file once written in place: fold its log in first
            with _waiting(lambda: _open_file(published, False), _shared_wait_s(), published) as conn:
                conn.execute("checkpoint")
        partial = build.with_name(build.name + ".partial")
        shutil.copyfile(published, partial)
        with _open_file(partial, False) as conn:  # a build is no version: the copy's stamp goes
            conn.execute("drop schema if exists meta cascade")
        os.replace(partial, build)
    return build


class WarehouseCorrupt(RuntimeError):
    """The warehouse file is not a readable DuckDB database (truncated, overwritten, another program's file)."""


SANDBOXED = {
    "enable_external_access": False,  # no file, URL or database besides the warehouse: no COPY TO, no ATTACH
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "lock_configuration": True,  # and no statement can turn these back on
}
"""DuckDB settings of a connection that must not touch anything but the warehouse (the query command)."""


class WarehouseNotWritable(PermissionError):
    """The warehouse's folder or file may not be written (or read) by this user, or lies on a read-only disk."""


_NOT_PERMITTED = ("permission denied", "read-only file system", "operation not permitted")


def _not_permitted(path: Path, reason: str, read_only: bool) -> WarehouseNotWritable:
    doing = "read" if read_only else "written"
    return WarehouseNotWritable(
        f"the warehouse {path} cannot be {doing} by this user ({reason}); nothing was changed. Make its folder "
        f"{'readable' if read_only else 'writable'} for this user, or set AIMETRICS_DUCKDB_PATH to a place that is."
    )


def _open_file(path: Path, read_only: bool, config: dict | None = None) -> duckdb.DuckDBPyConnection:
    try:
        if not read_only:
            path.parent.mkdir(parents=True, exist_ok=True)
        return duckdb.connect(str(path), read_only=read_only, config=config or {})
    except PermissionError as error:
        raise _not_permitted(path, error.strerror or str(error), read_only) from error
    except duckdb.Error as error:
        if _is_lock_error(error):
            raise
        first_line = str(error).splitlines()[0]
        if any(words in first_line.lower() for words in _NOT_PERMITTED):  # not corrupt: moving it aside loses data
            raise _not_permitted(path, first_line, read_only) from error
        raise WarehouseCorrupt(
            f"the warehouse {path} cannot be opened as a DuckDB database ({first_line}); it was left "
            f"as it is. Move it aside and run `make run` to rebuild it from the sources."
        ) from error


@contextmanager
def connect_read(
    path: Path | None = None, wait_s: float = 0, sandboxed: bool = False
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection, closed on exit; clear errors when the file is missing, corrupt or held by a writer
    (waiting up to `wait_s` for a writer to finish). `sandboxed`: no access to anything but the warehouse."""
    target = warehouse_target()
    if path is None and target.kind != "file":
        # a DuckLake whose catalog is a local file is held by one process at a time: wait for it
        conn = _waiting(
            lambda: _connect_shared(target, read_only=True), max(wait_s, _shared_wait_s()), target.describe()
        )
    else:
        # before the first write the build is the published file it will start from (see seeded_build)
        path = path or (build_path() if build_path().exists() or not warehouse_path().exists() else warehouse_path())
        if not path.exists():
            raise WarehouseMissing(f"no warehouse at {path}: run `make run` (or `aimetrics run`) first")
        conn = _waiting(lambda: _open_file(path, True, SANDBOXED if sandboxed else None), wait_s, path)
    try:
        yield conn
    finally:
        conn.close()


@contextmanager
def connect_published(
    path: Path | None = None, wait_s: float = 0, sandboxed: bool = False
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection to the published database (or `path`, an older published version): what users
    read. No run opens it, so a reader never waits for a run and a run never waits for a reader."""
    target = warehouse_target()
    if path is None and target.kind == "ducklake":
        with _published_snapshot(target, wait_s) as conn:
            yield conn
        return
    if path is None and target.kind != "file":
        with connect_read(wait_s=wait_s, sandboxed=sandboxed) as conn:  # MotherDuck: its last commit
            yield conn
        return
    path = path or warehouse_path()
    if not path.exists():
        built = build_path(path).exists()
        raise WarehouseMissing(
            f"no published warehouse at {path}: "
            + (
                "no run has passed its blocking checks yet (the last run's summary says what held it back)"
                if built
                else "run `make run` (or `aimetrics run`) first"
            )
        )
    with connect_read(path, wait_s=wait_s, sandboxed=sandboxed) as conn:
        yield conn


@contextmanager
def _published_snapshot(target: Target, wait_s: float) -> Iterator[duckdb.DuckDBPyConnection]:
    """A DuckLake attached read-only as of its newest published snapshot (warehouse/lake_versions.py)."""
    from warehouse.lake_versions import published_snapshot

    with connect_read(wait_s=wait_s) as latest:
        snapshot = published_snapshot(latest)
    if snapshot is None:
        raise WarehouseMissing(
            "no published version of the DuckLake yet: no run has passed its blocking checks "
            "(the last run's summary says what held it back), or none has run: `aimetrics run`"
        )
    conn = _waiting(lambda: _connect_shared(target, True, snapshot), max(wait_s, _shared_wait_s()), target.describe())
    try:
        yield conn
    finally:
        conn.close()


_WRITE_CONFLICT = re.compile(r"Transaction conflict|Failed to commit DuckLake transaction", re.IGNORECASE)


def is_write_conflict(error: BaseException) -> bool:
    """A DuckLake commit refused because another writer committed a change to the same table first: the
    transaction was rolled back whole, and doing it again is safe."""
    return isinstance(error, duckdb.Error) and bool(_WRITE_CONFLICT.search(str(error)))


def rollback(conn: duckdb.DuckDBPyConnection) -> None:
    """Roll back the open transaction; a commit that failed (a DuckLake conflict) has ended it already, and the
    error to report is that commit's, not this."""
    try:
        conn.execute("rollback")
    except duckdb.TransactionException as error:
        if "no transaction is active" not in str(error):
            raise


def table_exists(conn: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    """Whether the connection's current database (an attached DuckLake too) has this table. Read whole
    (fetchall): a result left unfinished would keep the connection from the caller's next statement."""
    return bool(
        conn.execute(
            "select count(*) from duckdb_tables() where schema_name = ? and table_name = ? "
            "and database_name = current_database()",
            [schema, table],
        ).fetchall()[0][0]
    )


def relation_exists(conn: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    """Whether the connection's current database has this table or view."""
    return bool(
        conn.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ? "
            "and table_catalog = current_database()",
            [schema, name],
        ).fetchall()[0][0]
    )


def count_rows(conn, tables, views: bool = True) -> dict[tuple[str, str], int]:
    """The rows of each (schema, table or view) that exists; names come from the catalog and are quoted. With
    `views=False` only tables are counted: a view's count runs its whole query."""
    kinds = "" if views else " where table_type = 'BASE TABLE'"
    existing = set(conn.execute(f"select table_schema, table_name from information_schema.tables{kinds}").fetchall())
    return {t: conn.execute(f'select count(*) from "{t[0]}"."{t[1]}"').fetchone()[0] for t in tables if t in existing}
