"""Which dbt nodes a daily run may leave as they are (orchestration/dbt_reuse.py), on a small project: a raw table
and a seed feed a staging view, a mart and a test; a second feed has its own view; a model reads the clock."""

import copy

import dagster as dg
import duckdb
import pytest

from orchestration.dbt_reuse import (
    forget_builds,
    input_keys,
    leave_as_they_are,
    project_fingerprint,
    record_builds,
    seed_checksum,
)

TRACKER = "source.p.raw.gpu_tracker_observations"
SKYPILOT = "source.p.raw.skypilot_offers"
LEDGER = "source.p.raw.deliveries"


def _node(uid: str, parents: list[str], sql: str = "select 1", kind: str = "model", **extra) -> dict:
    name = uid.split(".")[2]
    return {
        "unique_id": uid,
        "resource_type": kind,
        "name": name,
        "schema": "reference" if kind == "seed" else "marts",
        "fqn": ["p", name],
        "original_file_path": f"seeds/{name}.csv",
        "raw_code": sql,
        "checksum": {"checksum": str(hash(sql))},
        "config": {"materialized": "view" if kind == "model" else kind},
        "depends_on": {"nodes": parents, "macros": extra.pop("macros", [])},
        **extra,
    }


def _manifest() -> dict:
    nodes = [
        _node("seed.p.chips", [], kind="seed"),
        _node("model.p.tracker_offers", [TRACKER, "seed.p.chips"]),
        _node("model.p.prices", ["model.p.tracker_offers"]),
        _node("test.p.prices_positive", ["model.p.prices"], kind="test", attached_node="model.p.prices"),
        _node("model.p.catalog_offers", [SKYPILOT]),
        _node("model.p.dated", ["model.p.catalog_offers"], sql="select {{ today_macro() }}", macros=["macro.p.today"]),
        _node("model.p.landings", [LEDGER]),
    ]
    sources = {
        uid: {"unique_id": uid, "resource_type": "source", "source_name": "raw", "name": uid.rsplit(".", 1)[1]}
        for uid in (TRACKER, SKYPILOT, LEDGER)
    }
    macros = {"macro.p.today": {"macro_sql": "{% macro today_macro() %}current_date{% endmacro %}"}}
    return {"nodes": {node["unique_id"]: node for node in nodes}, "sources": sources, "macros": macros}


@pytest.fixture
def project(tmp_path):
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "chips.csv").write_text("name\nH100\n")
    (tmp_path / "dbt_project.yml").write_text("name: p\n")
    return tmp_path


@pytest.fixture
def conn():
    conn = duckdb.connect()
    conn.execute("create schema raw; create schema marts; create schema reference")
    conn.execute(
        "create table raw.deliveries (source varchar, source_file varchar, edition varchar, sha256 varchar, "
        "parser_version varchar, status varchar)"
    )
    _deliver(conn, "gpu_pricing_tracker", "2026-12-01")
    _deliver(conn, "skypilot_catalog", "2026-12-01")
    for name in ("tracker_offers", "prices", "catalog_offers", "dated", "landings"):
        conn.execute(f"create view marts.{name} as select 1 as x")
    conn.execute("create table reference.chips (name varchar)")
    conn.execute("create table reference.seed_loads (seed varchar, sha256 varchar, loaded_at timestamp)")
    return conn


def _deliver(conn, source: str, day: str) -> None:
    conn.execute("insert into raw.deliveries values (?, ?, ?, ?, '1', 'loaded')", [source, f"{source}/{day}", day, day])


def _build_everything(conn, manifest, project) -> None:
    """A full run: every node built and recorded."""
    _, keys = leave_as_they_are(conn, manifest, project, _all_assets(manifest), _all_checks(manifest), reuse=False)
    forget_builds(conn, keys)
    statuses = {"test": "pass"}
    results = [{"unique_id": uid, "status": statuses.get(uid.split(".")[0], "success")} for uid in keys]
    record_builds(conn, keys, {"results": results})
    # and the seed's load, as dbt's post-hook records it (dbt_project/macros/record_seed_load.sql)
    checksum = seed_checksum(project / "seeds" / "chips.csv")
    conn.execute("insert into reference.seed_loads values ('reference.chips', ?, now())", [checksum])


def _all_assets(manifest) -> set[dg.AssetKey]:
    return {
        dg.AssetKey([node["schema"], node["name"]])
        for node in manifest["nodes"].values()
        if node["resource_type"] != "test"
    }


def _all_checks(manifest) -> set[dg.AssetCheckKey]:
    return {dg.AssetCheckKey(dg.AssetKey(["marts", "prices"]), "prices_positive")}


def _left(conn, manifest, project) -> set[str]:
    left, _ = leave_as_they_are(conn, manifest, project, _all_assets(manifest), _all_checks(manifest))
    return {uid.split(".")[2] for uid in [*left.models, *left.tests]}


def test_nothing_new_leaves_every_node_but_those_reading_the_clock_or_the_ledger(conn, project):
    manifest = _manifest()
    assert _left(conn, manifest, project) == set()  # nothing recorded yet
    _build_everything(conn, manifest, project)
    assert _left(conn, manifest, project) == {"tracker_offers", "prices", "prices_positive", "catalog_offers"}
    keys = input_keys(conn, manifest, project)
    assert keys["model.p.dated"] is None  # current_date, in a macro it calls
    manifest["nodes"]["test.p.prices_positive"]["config"]["where"] = "observed_on > current_date - 30"
    assert input_keys(conn, manifest, project)["test.p.prices_positive"] is None  # a test of the last 30 days
    assert keys["model.p.landings"] is None  # raw.deliveries: no delivery fingerprints it


def test_a_new_delivery_builds_what_reads_it_and_leaves_the_rest(conn, project):
    manifest = _manifest()
    _build_everything(conn, manifest, project)
    _deliver(conn, "gpu_pricing_tracker", "2026-12-02")
    assert _left(conn, manifest, project) == {"catalog_offers"}


def test_an_edited_seed_or_model_builds_again(conn, project):
    manifest = _manifest()
    _build_everything(conn, manifest, project)
    (project / "seeds" / "chips.csv").write_text("name\nH100\nH200\n")
    assert _left(conn, manifest, project) == {"catalog_offers"}
    (project / "seeds" / "chips.csv").write_text("name\nH100\n")
    assert _left(conn, manifest, project) == {"tracker_offers", "prices", "prices_positive", "catalog_offers"}
    edited = copy.deepcopy(manifest)
    edited["nodes"]["model.p.prices"]["raw_code"] = "select 2"
    assert _left(conn, edited, project) == set()  # the project's code changed: everything is built once


def test_a_node_is_left_only_with_its_parents_and_its_relation(conn, project):
    manifest = _manifest()
    _build_everything(conn, manifest, project)
    conn.execute("delete from reference.dbt_node_builds where node = 'model.p.tracker_offers'")  # its last build failed
    assert _left(conn, manifest, project) == {"catalog_offers"}  # prices and its test read it: built again
    _build_everything(conn, manifest, project)
    conn.execute("drop view marts.catalog_offers")
    assert "catalog_offers" not in _left(conn, manifest, project)


def test_a_call_records_what_succeeded_and_forgets_what_it_may_have_changed(conn, project):
    manifest = _manifest()
    _build_everything(conn, manifest, project)
    _deliver(conn, "gpu_pricing_tracker", "2026-12-02")
    left, keys = leave_as_they_are(conn, manifest, project, _all_assets(manifest), _all_checks(manifest))
    # what the call may build (the seed is left: its file is the one loaded)
    assert set(keys) == {f"model.p.{n}" for n in ("tracker_offers", "prices", "dated", "landings")} | {
        "test.p.prices_positive"
    }
    forget_builds(conn, keys)  # before dbt: a call stopped part-way leaves no record of what it may have changed
    recorded = {row[0] for row in conn.execute("select node from reference.dbt_node_builds").fetchall()}
    assert recorded == {"model.p.catalog_offers", "seed.p.chips"}
    results = [
        {"unique_id": "model.p.tracker_offers", "status": "success"},
        {"unique_id": "model.p.prices", "status": "success"},
        {"unique_id": "test.p.prices_positive", "status": "fail"},
    ]
    record_builds(conn, keys, {"results": results})
    recorded = dict(conn.execute("select node, status from reference.dbt_node_builds").fetchall())
    assert recorded == {
        "seed.p.chips": "success",
        "model.p.catalog_offers": "success",
        "model.p.tracker_offers": "success",
        "model.p.prices": "success",
    }
    # the failed test runs again next time; the others are left
    assert _left(conn, manifest, project) == {"tracker_offers", "prices", "catalog_offers"}


def test_a_test_left_gives_its_last_verdict_to_dagster(conn, project):
    manifest = _manifest()
    _build_everything(conn, manifest, project)
    conn.execute("update reference.dbt_node_builds set status = 'warn' where node = 'test.p.prices_positive'")
    left, _ = leave_as_they_are(conn, manifest, project, _all_assets(manifest), _all_checks(manifest))
    [result] = left.check_results()
    assert result.check_name == "prices_positive" and result.asset_key == dg.AssetKey(["marts", "prices"])
    assert not result.passed and result.severity == dg.AssetCheckSeverity.WARN
    assert left.exclude_args(manifest) == [
        "--exclude",
        "chips fqn:p.catalog_offers fqn:p.tracker_offers fqn:p.prices fqn:p.prices_positive",
    ]


def test_the_code_fingerprint_is_the_same_whatever_order_a_parse_lists_parents_in(project):
    manifest = _manifest()
    manifest["nodes"]["model.p.tracker_offers"]["depends_on"]["nodes"] = [TRACKER, "seed.p.chips"]
    reparsed = copy.deepcopy(manifest)  # a full parse lists a node's parents in another order than a partial one
    reparsed["nodes"]["model.p.tracker_offers"]["depends_on"]["nodes"] = ["seed.p.chips", TRACKER]
    assert project_fingerprint(reparsed, project) == project_fingerprint(manifest, project)
    reparsed["nodes"]["model.p.prices"]["config"]["materialized"] = "table"
    assert project_fingerprint(reparsed, project) != project_fingerprint(manifest, project)
