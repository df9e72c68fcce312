"""A raw asset that loaded nothing new does not set the dbt models off; one that loaded a changed file does."""

import shutil

import dagster as dg
import pytest

from ingest.sources import SOURCES
from orchestration.assets.dbt import EAGER_ON_CHANGED_DATA
from orchestration.assets.raw import build_raw_asset
from tests.conftest import FIXTURE_MIRROR

pytestmark = pytest.mark.integration


def _graph(condition: dg.AutomationCondition):
    raw = build_raw_asset(SOURCES["funding_exports"])

    @dg.asset(deps=[raw.key], automation_condition=condition)
    def downstream_model() -> None:
        """Stands for a dbt model on the raw table."""

    return raw, downstream_model, dg.Definitions(assets=[raw, downstream_model])


@pytest.mark.parametrize(
    "condition, requests_after_an_unchanged_load", [(EAGER_ON_CHANGED_DATA, 0), (dg.AutomationCondition.eager(), 1)]
)
def test_only_changed_data_sets_downstream_off(tmp_path, monkeypatch, condition, requests_after_an_unchanged_load):
    mirror = tmp_path / "mirror"
    shutil.copytree(FIXTURE_MIRROR / "crunchbase_demo_export", mirror / "crunchbase_demo_export")
    monkeypatch.setenv("AIMETRICS_DATA_DIR", str(mirror))
    raw, downstream, defs = _graph(condition)
    instance = dg.DagsterInstance.ephemeral()
    assert dg.materialize([raw, downstream], instance=instance).success
    cursor = dg.evaluate_automation_conditions(defs=defs, instance=instance).cursor

    assert dg.materialize([raw], instance=instance).success  # the same file again: nothing loaded
    unchanged = dg.evaluate_automation_conditions(defs=defs, instance=instance, cursor=cursor)
    assert unchanged.total_requested == requests_after_an_unchanged_load
    if condition is not EAGER_ON_CHANGED_DATA:
        return  # Dagster's own eager() (the control) reruns downstream after any materialization

    export = mirror / "crunchbase_demo_export" / "funding_rounds.csv"
    export.write_text(export.read_text().replace("Example Robotics", "Example Robotics Inc"))
    assert dg.materialize([raw], instance=instance).success  # a changed file: new rows
    changed = dg.evaluate_automation_conditions(defs=defs, instance=instance, cursor=unchanged.cursor)
    assert changed.total_requested == 1
