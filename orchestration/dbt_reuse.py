"""What a daily run's dbt step leaves as it is: the nodes whose inputs are those they were last built from.

A node's output is a function of the project's code and of what it reads: the raw tables (which change exactly when
their loaded deliveries do, `raw.deliveries`) and the seed files. Every dbt call records, for each node that
succeeded (a model built, a seed loaded, a test passed or warned), the key of those inputs (`reference.dbt_node_builds`,
in the build database beside the tables it describes). A daily run leaves out a node whose key is the recorded one,
whose table is there and whose parents in the run are left too: on a new tracker day the other GPU feeds' staging
models and their tests (23 of 105 nodes, 2026-12-07). Full runs (`aimetrics run`, the weekly run, a full refresh)
build and check everything. Never left: a node reading the clock, or a raw table no declared source loads
(`raw.deliveries`, `raw.quarantine`), whose changes no delivery fingerprint tells."""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import re
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg

from ingest.sources import SOURCES
from warehouse.db import relation_exists, table_exists

SEED_LOADS = "reference.seed_loads"
"""Each seed load and dbt's checksum of the file it loaded (dbt_project/macros/record_seed_load.sql)."""

NODE_BUILDS = "reference.dbt_node_builds"
"""Each node's last success and the key of the inputs it had."""

SUCCEEDED = {"success", "pass", "warn"}
"""run_results statuses after which the node's table or verdict is what its inputs give."""

_CLOCK = re.compile(r"\b(current_date|current_timestamp|now\s*\(|today\s*\(|get_current_time)", re.IGNORECASE)


@dataclass
class LeftAsTheyAre:
    seeds: dict[str, dg.AssetKey] = field(default_factory=dict)
    """Seeds whose file is the one their table was loaded from, by name."""
    models: dict[str, dg.AssetKey] = field(default_factory=dict)
    """Models (their unique ids) whose inputs are those they were built from, in the order dbt builds them."""
    tests: dict[str, tuple[dg.AssetCheckKey, str]] = field(default_factory=dict)
    """Tests (their unique ids) whose inputs are those they last passed (or warned) on: their check, and that verdict."""

    def check_results(self) -> list[dg.AssetCheckResult]:
        """Each test left gives the verdict it gave on the same inputs, said to be from before: Dagster's blocking
        checks gate publishing on a result of this run."""
        return [
            dg.AssetCheckResult(
                asset_key=check.asset_key,
                check_name=check.name,
                passed=status == "pass",
                severity=dg.AssetCheckSeverity.WARN if status == "warn" else dg.AssetCheckSeverity.ERROR,
                metadata={"checked": f"before: {status}, on the same raw tables, seed files and code"},
            )
            for check, status in self.tests.values()
        ]

    def exclude_args(self, manifest: Mapping) -> list[str]:
        selectors = [
            *self.seeds,
            *(f"fqn:{'.'.join(manifest['nodes'][uid]['fqn'])}" for uid in [*self.models, *self.tests]),
        ]
        # one value: dagster-dbt reads one after the flag
        return ["--exclude", " ".join(selectors)] if selectors else []


def node_asset_key(node: Mapping) -> dg.AssetKey:
    """The key orchestration/assets/dbt.py's translator gives a dbt node: [schema, name], [source name, table]."""
    if node["resource_type"] == "source":
        return dg.AssetKey([node["source_name"], node["name"]])
    return dg.AssetKey([node["schema"], node["name"]])


def leave_as_they_are(
    conn,
    manifest: Mapping,
    project_dir: Path,
    selected: AbstractSet[dg.AssetKey],
    checks: AbstractSet[dg.AssetCheckKey],
    reuse: bool = True,
) -> tuple[LeftAsTheyAre, dict[str, str | None]]:
    """What this run's dbt call leaves (nothing without `reuse`), and the input key of every node it may build."""
    nodes = manifest["nodes"]
    in_run = {uid for uid, node in nodes.items() if _dagster_key(node, manifest) in (selected | checks)}
    keys = {uid: key for uid, key in input_keys(conn, manifest, project_dir).items() if uid in in_run}
    if not reuse:
        return LeftAsTheyAre(), keys
    left = LeftAsTheyAre(seeds=unchanged_seeds(conn, manifest, project_dir, selected))
    recorded = (
        {
            node: (key, status)
            for node, key, status in conn.execute(f"select node, input_key, status from {NODE_BUILDS}").fetchall()
        }
        if table_exists(conn, *NODE_BUILDS.split("."))
        else {}
    )
    left_ids = {uid for uid in in_run if nodes[uid]["resource_type"] == "seed" and nodes[uid]["name"] in left.seeds}
    for uid in _in_build_order(manifest, in_run):
        node = nodes[uid]
        key, status = recorded.get(uid, (None, None))
        if node["resource_type"] not in ("model", "test") or keys.get(uid) is None or key != keys[uid]:
            continue
        if not all(parent in left_ids or parent not in in_run for parent in node["depends_on"].get("nodes", [])):
            continue
        if node["resource_type"] == "test":
            left.tests[uid] = (_dagster_key(node, manifest), status)
        elif node["config"].get("materialized") != "ephemeral" and relation_exists(
            conn, node["schema"], _relation(node)
        ):
            left.models[uid] = node_asset_key(node)
        else:
            continue
        left_ids.add(uid)
    return left, {uid: key for uid, key in keys.items() if uid not in left_ids}


def forget_builds(conn, keys: Mapping[str, str | None]) -> None:
    """Before a dbt call: the records of the nodes it may build go, so that a call stopped part-way leaves none that
    could match a later key while its table holds what another gave (inputs retracted back to an earlier state)."""
    if keys and table_exists(conn, *NODE_BUILDS.split(".")):
        conn.execute(f"delete from {NODE_BUILDS} where node in (select unnest(?))", [list(keys)])


def record_builds(conn, keys: Mapping[str, str | None], run_results: Mapping | None) -> None:
    """After a dbt call: the input key of each node that succeeded (forget_builds removed the others' records), in one
    statement (a statement per row: 64 ms for a hundred nodes, 4 ms as one, 2026-12-07)."""
    done = [
        (result["unique_id"], keys[result["unique_id"]], result["status"])
        for result in (run_results or {}).get("results", [])
        if result["status"] in SUCCEEDED and keys.get(result["unique_id"]) is not None
    ]
    if not done:
        return
    nodes, input_keys_, statuses = (list(column) for column in zip(*done, strict=True))
    conn.execute("create schema if not exists reference")
    conn.execute(
        f"create table if not exists {NODE_BUILDS} (node varchar, input_key varchar, status varchar, built_at timestamptz)"
    )
    conn.execute("begin")
    conn.execute(f"delete from {NODE_BUILDS} where node in (select unnest(?))", [nodes])
    conn.execute(
        f"insert into {NODE_BUILDS} select unnest(?), unnest(?), unnest(?), current_timestamp",
        [nodes, input_keys_, statuses],
    )
    conn.execute("commit")


def input_keys(conn, manifest: Mapping, project_dir: Path) -> dict[str, str | None]:
    """Each node's input key: the project's code, and the fingerprint of each raw table and seed file it reads,
    however far upstream. None for a node that may give another answer from the same inputs (it reads the clock or
    a raw table no delivery fingerprint covers)."""
    by_table = {source.raw_table: name for name, source in SOURCES.items()}
    fingerprints = (
        dict(
            conn.execute(
                """select source, md5(string_agg(source_file || '|' || edition || '|' || sha256 || '|' || parser_version,
                                             ';' order by source_file, edition))
               from raw.deliveries where status = 'loaded' group by source"""
            ).fetchall()
        )
        if table_exists(conn, "raw", "deliveries")
        else {}
    )
    code = project_fingerprint(manifest, project_dir)
    clock = _reading_the_clock(manifest)
    keys: dict[str, str | None] = {}
    for uid, inputs in _inputs(manifest).items():
        parts = []
        for input_id in sorted(inputs):
            node = manifest["sources"].get(input_id) or manifest["nodes"][input_id]
            if node["resource_type"] == "source":
                source = by_table.get(node["name"]) if node["source_name"] == "raw" else None
                value = fingerprints.get(source, "none") if source else None
            else:  # a seed: its file now, which this call loads if its table holds another
                value = seed_checksum(project_dir / node["original_file_path"])
            if value is None:
                break
            parts.append((input_id, value))
        else:
            keys[uid] = None if uid in clock else _digest([code, parts])
            continue
        keys[uid] = None
    return keys


def project_fingerprint(manifest: Mapping, project_dir: Path) -> str:
    """The code every node shares: each node's SQL and configuration, every macro (dbt's materializations too),
    dbt_project.yml (its vars), and the versions of dbt, its adapter and DuckDB that run them."""
    nodes = {
        uid: [
            node.get("checksum", {}).get("checksum"),
            node.get("config"),
            node.get("test_metadata"),
            {kind: sorted(ids) for kind, ids in (node.get("depends_on") or {}).items()},  # a parse's order varies
            node.get("raw_code"),
        ]
        for uid, node in manifest["nodes"].items()
    }
    macros = {uid: macro.get("macro_sql") for uid, macro in manifest["macros"].items()}
    engines = [importlib.metadata.version(package) for package in ("dbt-core", "dbt-duckdb", "duckdb")]
    return _digest([(project_dir / "dbt_project.yml").read_text(), nodes, macros, engines])


def unchanged_seeds(
    conn, manifest: Mapping, project_dir: Path, selected: AbstractSet[dg.AssetKey]
) -> dict[str, dg.AssetKey]:
    """The selected seeds whose table was last loaded from their file as it is now, by name: a daily run leaves
    them, and their tests, as they are (4 seeds and 7 tests, about 0.25 s of a new day). A seed whose file changed,
    whose table is gone, or that dbt checksums by its path (over 1 MiB), is loaded."""
    if not table_exists(conn, *SEED_LOADS.split(".")):
        return {}
    seeds = [
        node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "seed" and node_asset_key(node) in selected
    ]
    loaded = dict(conn.execute(f"select seed, arg_max(sha256, loaded_at) from {SEED_LOADS} group by seed").fetchall())
    return {
        node["name"]: node_asset_key(node)
        for node in sorted(seeds, key=lambda node: node["name"])
        if loaded.get(f"{node['schema']}.{node['name']}") == seed_checksum(project_dir / node["original_file_path"])
        and table_exists(conn, node["schema"], node["name"])
    }


def seed_checksum(path: Path) -> str | None:
    """dbt's checksum of a seed file (the SHA-256 of its UTF-8 text, stripped), or None above dbt's 1 MiB, where
    dbt checksums the path instead."""
    if not path.exists() or path.stat().st_size > 1024 * 1024:
        return None
    return hashlib.sha256(path.read_bytes().decode("utf-8").strip().encode("utf-8")).hexdigest()


def _dagster_key(node: Mapping, manifest: Mapping):
    """The asset key of a model or seed, the check key of a test on one node (as dagster-dbt names its checks)."""
    if node["resource_type"] != "test":
        return node_asset_key(node)
    attached = node.get("attached_node") or _single_parent(node)
    parent = manifest["nodes"].get(attached) or manifest["sources"].get(attached) if attached else None
    return dg.AssetCheckKey(node_asset_key(parent), node["name"]) if parent else None


def _single_parent(node: Mapping) -> str | None:
    parents = node["depends_on"].get("nodes", [])
    return parents[0] if len(parents) == 1 else None


def _relation(node: Mapping) -> str:
    return node.get("alias") or node["name"]


def _reading_the_clock(manifest: Mapping) -> set[str]:
    """The models and tests whose SQL or configuration (a test's `where`), or a macro it calls however deep, reads
    the date or time."""
    macros = manifest["macros"]
    clocked: dict[str, bool] = {}

    def macro_reads(uid: str) -> bool:
        if uid not in clocked:
            clocked[uid] = False  # a macro calling itself
            macro = macros.get(uid) or {}
            clocked[uid] = bool(_CLOCK.search(macro.get("macro_sql") or "")) or any(
                macro_reads(called) for called in (macro.get("depends_on") or {}).get("macros", [])
            )
        return clocked[uid]

    return {
        uid
        for uid, node in manifest["nodes"].items()
        if node["resource_type"] in ("model", "test")
        and (
            _CLOCK.search(node.get("raw_code") or "")
            or _CLOCK.search(json.dumps(node.get("config") or {}))
            or any(macro_reads(called) for called in node["depends_on"].get("macros", []))
        )
    }


def _inputs(manifest: Mapping) -> dict[str, frozenset[str]]:
    """Each node's raw tables and seeds, however far upstream."""
    found: dict[str, frozenset[str]] = {}

    def inputs_of(uid: str) -> frozenset[str]:
        if uid not in found:
            node = manifest["nodes"].get(uid)
            if node is None or node["resource_type"] == "seed":  # a source, or a seed
                found[uid] = frozenset([uid])
            else:
                found[uid] = frozenset().union(*(inputs_of(parent) for parent in node["depends_on"].get("nodes", [])))
        return found[uid]

    return {uid: inputs_of(uid) for uid in manifest["nodes"] if manifest["nodes"][uid]["resource_type"] != "operation"}


def _in_build_order(manifest: Mapping, uids: set[str]) -> list[str]:
    ordered: list[str] = []
    seen: set[str] = set()

    def visit(uid: str) -> None:
        if uid in seen or uid not in manifest["nodes"]:
            return
        seen.add(uid)
        for parent in manifest["nodes"][uid]["depends_on"].get("nodes", []):
            visit(parent)
        if uid in uids:
            ordered.append(uid)

    for uid in sorted(uids):
        visit(uid)
    return ordered


def _digest(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()
