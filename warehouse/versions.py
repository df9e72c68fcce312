"""Published versions: a build that passed its checks, copied once, stamped with its manifest, and made what
readers open by one atomic rename.

Layout beside the published file `<dir>/<name>` (default data/warehouse.duckdb):
- `<dir>/<stem>.versions/<version>/<name>` and `manifest.json`: the last AIMETRICS_KEEP_VERSIONS (7) versions,
  read-only; the database carries its manifest too (`meta.version`, `meta.sources`);
- `<dir>/<name>`: a hard link to the newest version's database, replaced by rename(2), so a reader opening it
  gets the old version or the new one whole, and a reader holding it open keeps its version until it closes.

A crash at any point leaves the published file as it was (a half-written version is a `.partial` folder,
removed by the next publish); a failed write (a full disk) removes what it wrote and says so.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path

import duckdb

from ingest.settings import load_settings
from warehouse.db import PROJECT_ROOT, connect_write, seeded_build, table_exists, warehouse_path
from warehouse.lake_versions import lake_manifest

MANIFEST = "manifest.json"


class VersionNotFound(LookupError):
    """No published version answers to what was asked."""


class PublishFailed(RuntimeError):
    """The new version could not be written; readers keep the version they had."""


@dataclass(frozen=True)
class Version:
    id: str
    database: Path
    manifest: dict

    @property
    def published_at(self) -> datetime:
        return datetime.fromisoformat(self.manifest["published_at"])


def versions_root(published: Path | None = None) -> Path:
    published = published or warehouse_path()
    return published.parent / f"{published.stem}.versions"


def keep_versions() -> int:
    return load_settings().keep_versions


def list_versions(published: Path | None = None) -> list[Version]:
    """Every complete version, newest first."""
    published = published or warehouse_path()
    root = versions_root(published)
    if not root.is_dir():
        return []
    found = []
    for folder in sorted(root.iterdir(), reverse=True):
        manifest, database = folder / MANIFEST, folder / published.name
        if folder.name.startswith(".") or not manifest.is_file() or not database.is_file():
            continue
        found.append(Version(folder.name, database, json.loads(manifest.read_text(encoding="utf-8"))))
    return found


def current_version(published: Path | None = None) -> Version | None:
    """The version the published file is (the same file, hard-linked), or None before the first publish."""
    published = published or warehouse_path()
    if not published.exists():
        return None
    identity = published.stat().st_ino, published.stat().st_dev
    return next(
        (v for v in list_versions(published) if (v.database.stat().st_ino, v.database.stat().st_dev) == identity), None
    )


def resolve(as_of: str, published: Path | None = None) -> Version:
    """A version by its id (or a unique prefix of it), or the one published last on or before a date or time
    (`2026-12-04`, `2026-12-04T18:00`, UTC unless the time says otherwise)."""
    versions = list_versions(published)
    if not versions:
        raise VersionNotFound("no version has been published yet")
    by_id = [v for v in versions if v.id.startswith(as_of)]
    if len(by_id) == 1:
        return by_id[0]
    if len(by_id) > 1:
        raise VersionNotFound(f"{as_of!r} names {len(by_id)} versions: give more of the id ({by_id[0].id}, ...)")
    moment = _moment(as_of)
    earlier = [v for v in versions if v.published_at <= moment]
    if not earlier:
        raise VersionNotFound(
            f"no version was published on or before {moment.isoformat()}: the oldest kept is "
            f"{versions[-1].id} ({versions[-1].manifest['published_at']})"
        )
    return earlier[0]


def _moment(text: str) -> datetime:
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time.max, UTC)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise VersionNotFound(
            f"{text!r} is neither a version id (`aimetrics versions` lists them) nor a date "
            "(YYYY-MM-DD) or time (YYYY-MM-DDTHH:MM)"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def stamp_of(conn: duckdb.DuckDBPyConnection) -> dict | None:
    """The manifest a published database carries (None for a build, which has no `meta.version`); in a DuckLake,
    that of the published snapshot the connection sees."""
    if (manifest := lake_manifest(conn)) is not None:
        return manifest
    if not table_exists(conn, "meta", "version"):
        return None
    return json.loads(conn.execute("select manifest from meta.version").fetchall()[0][0])


def citation(manifest: dict | None) -> str:
    """How a result names the version it came from."""
    if manifest is None:
        return "an unpublished warehouse (no version stamp)"
    return f"aimetrics version {manifest['version']} (published {manifest['published_at']}, code {manifest['code_version']})"


def code_version() -> str:
    """The commit the code was run from (with `-dirty` for uncommitted changes), else the package version."""
    try:

        def git(*args: str) -> str:
            return subprocess.run(
                ["git", "-C", str(PROJECT_ROOT), *args], capture_output=True, text=True, check=True, timeout=10
            ).stdout.strip()

        commit = git("rev-parse", "--short=12", "HEAD")
        return commit + ("-dirty" if git("status", "--porcelain", "--untracked-files=no") else "")
    except (OSError, subprocess.SubprocessError):
        from importlib.metadata import version

        return f"aimetrics {version('aimetrics')}"


SOURCE_FINGERPRINTS = """
    select source, count(*) as deliveries,
           md5(string_agg(source_file || '|' || edition || '|' || sha256, ',' order by source_file, edition, sha256))
               as fingerprint
    from raw.deliveries where status = 'loaded' group by source order by source"""


def new_version_id(moment: datetime, run: dict) -> str:
    """A version's id: when it was published (UTC, to the second) and the first 8 characters of its run's id."""
    return f"{moment:%Y%m%dT%H%M%S}Z-{str(run.get('run_id', 'manual'))[:8]}"


def publish(run: dict, keep: int | None = None, published: Path | None = None) -> Version:
    """Copy the build, as it is now, to a new version with `run` (run id, checks) in its manifest, and make it
    what readers open. The build is held (its write lock) from the copy to the switch, so no writer changes it
    in between and no second publisher interleaves."""
    published = published or warehouse_path()
    build = seeded_build(published)
    root = versions_root(published)
    root.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC)
    version_id = new_version_id(now, run)
    with connect_write(build) as conn:
        conn.execute("checkpoint")
        sources = [
            dict(zip(("source", "deliveries", "fingerprint"), row))
            for row in conn.execute(SOURCE_FINGERPRINTS).fetchall()
        ]
        for leftover in root.glob(".*.partial"):  # a publish killed part-way; nobody else publishes now
            shutil.rmtree(leftover, ignore_errors=True)
        manifest = {
            "version": version_id,
            "published_at": now.isoformat(timespec="seconds"),
            "code_version": code_version(),
            **run,
            "sources": sources,
        }
        folder = _write_version(build, root, published.name, manifest)
        _point_readers_at(folder / published.name, published)
    _prune(published, keep or keep_versions())
    return Version(version_id, folder / published.name, manifest)


def _write_version(build: Path, root: Path, name: str, manifest: dict) -> Path:
    partial = root / f".{manifest['version']}.partial"
    partial.mkdir()
    database = partial / name
    try:
        shutil.copyfile(build, database)
        _stamp(database, manifest)
        manifest["bytes"] = database.stat().st_size
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=2, default=str) + "\n", encoding="utf-8")
        for path in (database, partial / MANIFEST):
            _fsync(path)
            path.chmod(0o444)  # a cited version does not change (readers open it read-only)
        folder = root / manifest["version"]
        os.replace(partial, folder)
        _fsync(root)
        return folder
    except OSError as error:
        shutil.rmtree(partial, ignore_errors=True)
        raise PublishFailed(
            f"not published: writing version {manifest['version']} failed ({error.strerror or error}); "
            "readers keep the version they had"
        ) from error


def _stamp(database: Path, manifest: dict) -> None:
    """The version's manifest inside the database, for a notebook that only has the file."""
    conn = duckdb.connect(str(database))
    try:
        conn.execute("create schema if not exists meta")
        conn.execute(
            "create or replace table meta.version as select $version as version, $at::timestamptz as published_at, "
            "$run_id as run_id, $code as code_version, $manifest::json as manifest",
            {
                "version": manifest["version"],
                "at": manifest["published_at"],
                "run_id": manifest.get("run_id"),
                "code": manifest["code_version"],
                "manifest": json.dumps(manifest, default=str),
            },
        )
        conn.execute("create or replace table meta.sources (source varchar, deliveries bigint, fingerprint varchar)")
        conn.executemany(
            "insert into meta.sources values (?, ?, ?)",
            [(s["source"], s["deliveries"], s["fingerprint"]) for s in manifest["sources"]],
        )
        conn.execute("checkpoint")
    finally:
        conn.close()


def _point_readers_at(database: Path, published: Path) -> None:
    """rename(2) of a hard link over the published path: atomic, and open readers keep their file."""
    staged = published.with_name(f".{published.name}.next")
    staged.unlink(missing_ok=True)
    try:
        os.link(database, staged)
    except OSError:  # a file system without hard links: a copy, renamed the same way
        shutil.copyfile(database, staged)
    os.replace(staged, published)
    _fsync(published.parent)


def _prune(published: Path, keep: int) -> list[str]:
    """Remove all but the newest `keep` versions; never the one readers open."""
    current = current_version(published)
    removed = []
    for version in list_versions(published)[keep:]:
        if current is None or version.id != current.id:
            shutil.rmtree(version.database.parent)
            removed.append(version.id)
    return removed


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
