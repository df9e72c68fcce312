"""The dbt project's rules, as docs/dbt.md states them: a folder per source in staging with its own sources and
models YAML, a grain test on every model, a freshness rule or a stated reason on every source, and the cadence a
source module declares in Python equal to the one dbt declares for its raw table."""

import json
from pathlib import Path

from ingest.sources import SOURCES
from orchestration.assets.dbt import DBT_PROJECT_DIR, dbt_project

GRAIN_TESTS = ("unique", "unique_combination")


def _manifest() -> dict:
    return json.loads(dbt_project.manifest_path.read_text())


def _models(manifest: dict) -> dict[str, dict]:
    return {node["name"]: node for node in manifest["nodes"].values() if node["resource_type"] == "model"}


def test_every_model_has_a_grain_test():
    manifest = _manifest()
    keyed = {
        dependency
        for node in manifest["nodes"].values()
        if node["resource_type"] == "test" and (node.get("test_metadata") or {}).get("name") in GRAIN_TESTS
        for dependency in node["depends_on"]["nodes"]
    }
    models = _models(manifest)
    assert len(models) >= 70
    assert sorted(name for name, node in models.items() if node["unique_id"] not in keyed) == []


def test_every_source_has_a_freshness_rule_or_a_stated_reason():
    sources = _manifest()["sources"].values()
    assert len(sources) >= 30
    without = []
    for source in sources:
        freshness = source.get("freshness") or {}
        has_rule = any((freshness.get(level) or {}).get("count") for level in ("warn_after", "error_after"))
        reason = (source.get("meta") or {}).get("no_freshness") or (source["config"].get("meta") or {}).get(
            "no_freshness"
        )
        if not has_rule and not (isinstance(reason, str) and len(reason) > 20):
            without.append(source["name"])
    assert without == []


def test_a_source_modules_cadence_is_the_one_dbt_declares():
    declared_in_dbt = {}
    for source in _manifest()["sources"].values():
        warn = (source.get("freshness") or {}).get("warn_after") or {}
        if warn.get("count"):
            assert warn["period"] == "day"
            declared_in_dbt[source["name"]] = warn["count"]
    declared_in_python = {
        source.raw_table: source.freshness_days for source in SOURCES.values() if source.freshness_days
    }
    assert declared_in_python and declared_in_dbt == declared_in_python


def test_staging_is_a_folder_per_source_with_its_own_yaml():
    manifest = _manifest()
    staging = {name: node for name, node in _models(manifest).items() if node["fqn"][1] == "staging"}
    assert len(staging) >= 25
    misplaced = []
    for name, node in staging.items():
        path = Path(node["original_file_path"])
        folder = path.parent.name
        own_yaml = (node.get("patch_path") or "").split("://")[-1]
        if not name.startswith(f"stg_{folder}__") or own_yaml != f"{path.parent}/_{folder}__models.yml":
            misplaced.append(name)
        for dependency in node["depends_on"]["nodes"]:
            if dependency.startswith("source."):
                declared_in = manifest["sources"][dependency]["original_file_path"]
                if declared_in != f"{path.parent}/_{folder}__sources.yml":
                    misplaced.append(f"{name} reads {dependency} declared in {declared_in}")
    assert misplaced == []
    yaml_files = sorted(p.name for p in (DBT_PROJECT_DIR / "models").rglob("*.yml"))
    assert "_sources.yml" not in yaml_files and "_staging.yml" not in yaml_files


def test_quality_and_reference_marts_sit_apart_from_the_facts():
    folders = {name: node["fqn"][1:-1] for name, node in _models(_manifest()).items() if node["schema"] == "marts"}
    quality = {name for name, folder in folders.items() if folder == ["marts", "quality"]}
    assert {name for name in folders if name.startswith("unmapped_")} <= quality
    assert {"price_anomalies", "published_figure_checks", "investment_reconciliation"} <= quality
    assert folders["fx_rates"] == ["marts", "reference"]


def _module_name(source) -> str:
    """The ingest module (or package) that lands a source: `skypilot`, `llm`, `epoch`."""
    locate = getattr(source.locate, "func", source.locate)
    return locate.__module__.removeprefix("ingest.sources.").split(".")[0]


def test_one_name_per_source_from_ingest_module_to_staging_folder():
    manifest = _manifest()
    landed_by = {source.raw_table: _module_name(source) for source in SOURCES.values()}
    staged_in = {}
    for node in _models(manifest).values():
        if node["fqn"][1] != "staging":
            continue
        folder = Path(node["original_file_path"]).parent.name
        for dependency in node["depends_on"]["nodes"]:
            if dependency.startswith("source."):
                staged_in.setdefault(manifest["sources"][dependency]["name"], set()).add(folder)
    assert set(staged_in) == set(landed_by)  # every landed table is staged, and only those
    assert {table: folders for table, folders in staged_in.items() if folders != {landed_by[table]}} == {}
