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
    monkeypatch.setenv("AIMETRICS_DATA_DIR", str(tmp_path / "empty_mirror"))
    (tmp_path / "empty_mirror").mkdir()
    result = dg.materialize([build_raw_asset(SOURCES["azure_retail_prices"])], instance=dg.DagsterInstance.ephemeral())
    (evaluation,) = [e for e in result.get_asset_check_evaluations() if e.check_name == "freshness_check"]
    assert not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.WARN
    assert evaluation.metadata["stale_feeds"].value == "azure_retail_prices (newest none)"


MY_DAILY_FEED = """name: my_daily_quotes
format: csv
price_unit: gpu_hour
mirror_path: quotes.csv
columns: {observed_on: day, provider: vendor, gpu_name: chip, usd_per_hour: price}
constants: {region: any, gpu_count: 1}
"""


def test_one_fresh_feed_does_not_hide_the_stale_ones_in_its_table(tmp_path, monkeypatch):
    """The YAML feeds share raw.gpu_feed_offers: a feed observed today beside the fixture's feeds (last observed in
    2026-05) leaves the table's newest day fresh, yet the check fails and names each stale feed, not the fresh one."""
    from datetime import date

    feeds = tmp_path / "feeds"
    feeds.mkdir()
    (feeds / "my_daily_quotes.yml").write_text(MY_DAILY_FEED)
    (feeds / "quotes.csv").write_text(f"day,vendor,chip,price\n{date.today()},acme,H100 SXM,2.10\n")
    monkeypatch.setenv("AIMETRICS_GPU_FEEDS_DIR", str(feeds))
    monkeypatch.setenv("AIMETRICS_DATA_DIR", str(FIXTURE_MIRROR))
    result = dg.materialize([build_raw_asset(SOURCES["gpu_feeds"])], instance=dg.DagsterInstance.ephemeral())
    materialization = result.asset_materializations_for_node("raw__gpu_feed_offers")[0]
    assert materialization.metadata["newest_observation"].value == str(date.today())  # the table looks fresh
    (evaluation,) = [e for e in result.get_asset_check_evaluations() if e.check_name == "freshness_check"]
    stale = evaluation.metadata["stale_feeds"].value
    assert not evaluation.passed, evaluation.metadata
    assert "my_daily_quotes" not in stale
    assert "multicloud_daily" in {part.split(" (")[0] for part in stale.split("; ")}
