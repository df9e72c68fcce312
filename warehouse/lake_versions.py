"""Published versions of a DuckLake. Every commit to a DuckLake is a snapshot, and readers could see each one,
a run half-built among them; so a run whose checks passed publishes: one commit that adds its manifest to
`meta.published_snapshots` (version, run, when, the code that built it) and carries the commit message
`publish <version>`. Readers attach the DuckLake as of the newest such snapshot (`warehouse.db.connect_published`)
and find its manifest in the table as they see it. The data files of a published snapshot stay until DuckLake's
own clean-up expires it, which nothing here runs."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import duckdb

from warehouse import build_lease
from warehouse.db import ALIAS, rollback, table_exists

TABLE = "meta.published_snapshots"
AUTHOR = "aimetrics"


def publish_snapshot(conn: duckdb.DuckDBPyConnection, run: dict) -> dict:
    """Publish the DuckLake as it is now (the run's last commit included), giving the run's build lease back in the
    same commit; return the version's manifest."""
    from warehouse.versions import code_version, new_version_id

    published_at = datetime.now(UTC)
    version = new_version_id(published_at, run)
    manifest = {**run, "version": version, "published_at": published_at.isoformat(), "code_version": code_version()}
    conn.execute("create schema if not exists meta")
    conn.execute(
        f"create table if not exists {TABLE} (version varchar, run_id varchar, published_at timestamptz, manifest varchar)"
    )
    document = json.dumps(manifest, sort_keys=True, default=str)
    conn.execute("begin")
    try:
        conn.execute(f"insert into {TABLE} values (?, ?, ?, ?)", [version, run.get("run_id"), published_at, document])
        if run.get("run_id"):
            build_lease.release(conn, run["run_id"])
        conn.execute(
            f"call {ALIAS}.set_commit_message(?, ?, extra_info => ?)", [AUTHOR, f"publish {version}", document]
        )
        conn.execute("commit")
    except BaseException:
        rollback(conn)
        raise
    return manifest


def published_snapshot(conn: duckdb.DuckDBPyConnection) -> int | None:
    """The newest published snapshot of the attached DuckLake, or None before the first publish."""
    return conn.execute(
        f"select max(snapshot_id) from ducklake_snapshots('{ALIAS}') "
        "where author = ? and starts_with(commit_message, 'publish ')",
        [AUTHOR],
    ).fetchone()[0]


def lake_manifest(conn: duckdb.DuckDBPyConnection) -> dict | None:
    """The manifest of the newest version the connection sees (a reader's: the version it is pinned to)."""
    if not table_exists(conn, *TABLE.split(".")):
        return None
    row = conn.execute(f"select manifest from {TABLE} order by published_at desc limit 1").fetchone()
    return json.loads(row[0]) if row else None


def list_published(conn: duckdb.DuckDBPyConnection) -> list[dict]:
    """Every version the connection sees published, newest first: its manifest, with the DuckLake snapshot its
    publish commit made (what `ATTACH ... (SNAPSHOT_VERSION n)` reads)."""
    if lake_manifest(conn) is None:
        return []
    rows = conn.execute(
        f"""select p.manifest, s.snapshot_id
            from {TABLE} as p
            left join ducklake_snapshots('{ALIAS}') as s
              on s.author = ? and s.commit_message = 'publish ' || p.version
            order by p.published_at desc""",
        [AUTHOR],
    ).fetchall()
    return [{**json.loads(manifest), "snapshot": snapshot} for manifest, snapshot in rows]
