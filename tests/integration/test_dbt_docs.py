"""`dbt docs generate` works on the project, from the published version (what `make docs` serves)."""

import json

import pytest

from tests.integration.warehouse_queries import dbt

pytestmark = pytest.mark.integration


@pytest.mark.xdist_group("fixture_warehouse")
def test_dbt_docs_generate_documents_every_mart(tmp_path, reading_the_fixture_build):
    result = dbt(
        "--no-use-colors",
        "docs",
        "generate",
        "--target",
        "published",
        "--target-path",
        str(tmp_path / "target"),
        "--log-path",
        str(tmp_path / "logs"),
    )
    assert result.returncode == 0, result.stdout[-2000:]
    manifest = json.loads((tmp_path / "target" / "manifest.json").read_text())
    marts = {
        n["name"]: n for n in manifest["nodes"].values() if n["resource_type"] == "model" and n["schema"] == "marts"
    }
    assert {
        "gpu_prices",
        "gpu_price_index",
        "gpu_hardware",
        "training_costs",
        "inference_prices",
        "ai_investment",
        "funding_rounds",
        "training_emissions",
        "frontier_runs",
    } <= set(marts)
    assert all(node["description"] for node in marts.values())
    assert (tmp_path / "target" / "index.html").exists()
    catalog = json.loads((tmp_path / "target" / "catalog.json").read_text())  # read from the published file
    assert catalog["nodes"]["model.aimetrics.gpu_prices"]["stats"] and "marts" in {
        node["metadata"]["schema"] for node in catalog["nodes"].values()
    }
    # the docs home page is the project's own, and every source says what it holds (cadences where promised)
    overview = manifest["docs"]["doc.aimetrics.__overview__"]["block_contents"]
    assert "why is generative AI so expensive" in overview and "Freshness" in overview
    sources = {s["name"]: s for s in manifest["sources"].values()}
    assert all(source["description"] for source in sources.values())
    assert sources["gpu_tracker_observations"]["config"]["freshness"]["warn_after"] == {"count": 3, "period": "day"}
