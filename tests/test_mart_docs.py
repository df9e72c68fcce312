"""Every mart is documented column by column in dbt (the docs users read), and its contract is enforced, so the
documented columns are the columns the table has."""

import json

from orchestration.assets.dbt import dbt_project


def _marts() -> dict:
    manifest = json.loads(dbt_project.manifest_path.read_text())
    return {
        node["name"]: node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["schema"] == "marts"
    }


def test_every_mart_column_is_described():
    marts = _marts()
    assert len(marts) >= 20
    undocumented = {
        name: [column for column, spec in node["columns"].items() if not spec.get("description")]
        for name, node in marts.items()
    }
    assert {name: columns for name, columns in undocumented.items() if columns} == {}
    assert [name for name, node in marts.items() if not node.get("description")] == []


def test_every_mart_has_an_enforced_contract():
    assert [
        name
        for name, node in _marts().items()
        if not node["config"].get("contract", {}).get("enforced") or not node["columns"]
    ] == []
