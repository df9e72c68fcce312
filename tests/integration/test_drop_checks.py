"""The raw tables' warn check that compares rows and deliveries with the previous materialization."""

import shutil

import dagster as dg
import pytest

from ingest.sources import SOURCES
from orchestration.assets.raw import build_raw_asset
from tests.conftest import FIXTURE_MIRROR

pytestmark = pytest.mark.integration


def _materialize(instance) -> dg.AssetCheckEvaluation:
    source = SOURCES["funding_exports"]
    result = dg.materialize([build_raw_asset(source)], instance=instance)
    (evaluation,) = result.get_asset_check_evaluations()
    return evaluation


def test_a_raw_table_that_loses_a_delivery_warns(tmp_path, monkeypatch):
    mirror = tmp_path / "mirror"
    for folder in ("crunchbase_demo_export", "crunchbase_demo_restated"):
        shutil.copytree(FIXTURE_MIRROR / folder, mirror / folder)
    monkeypatch.setenv("AIMETRICS_DATA_DIR", str(mirror))
    instance = dg.DagsterInstance.ephemeral()
    assert _materialize(instance).passed  # the first materialization: nothing to compare
    assert _materialize(instance).passed  # the same files again: same rows, same deliveries
    # an export whose rows are replaced by a shorter version (still more than half: the shrink guard lets it in)
    export = mirror / "crunchbase_demo_export" / "funding_rounds.csv"
    lines = export.read_text().splitlines(keepends=True)
    export.write_text("".join(lines[:1] + lines[2:]))  # its first deal is gone
    evaluation = _materialize(instance)
    assert not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.WARN, evaluation.metadata
    assert evaluation.metadata["dropped"].value.startswith("rows: ")


def test_a_feed_on_a_cadence_with_no_observation_at_all_is_overdue(tmp_path, monkeypatch):
    """An empty mirror: the run succeeds, and the feed's freshness check says it is stale (not fresh because it ran)."""
    from orchestration.freshness import FRESHNESS_CHECKS

    monkeypatch.setenv("AIMETRICS_DATA_DIR", str(tmp_path / "empty_mirror"))
    (tmp_path / "empty_mirror").mkdir()
    source = SOURCES["azure_retail_prices"]
    checks = [c for c in FRESHNESS_CHECKS if build_raw_asset(source).key in {k.asset_key for k in c.check_keys}]
    result = dg.materialize([build_raw_asset(source), *checks], instance=dg.DagsterInstance.ephemeral())
    (evaluation,) = [e for e in result.get_asset_check_evaluations() if "freshness" in e.check_name]
    assert not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.WARN
