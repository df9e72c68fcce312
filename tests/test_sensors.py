"""The inbox sensor: a new or changed drop requests a run of that source and what depends on it, once."""

import shutil

import dagster as dg

from orchestration.definitions import defs
from orchestration.jobs import inbox_sensor
from tests.conftest import FIXTURE_MIRROR


def _evaluate(cursor=None):
    with dg.instance_for_test() as instance:
        context = dg.build_sensor_context(instance=instance, cursor=cursor, definitions=defs)
        result = inbox_sensor.evaluate_tick(context)
        return result.run_requests, result.skip_message, result.cursor


def test_empty_inbox_skips():
    requests, skip, _ = _evaluate()
    assert requests == [] and "no new or changed files" in skip


def test_a_new_edition_requests_its_ingest_and_downstream_once(isolated_environment):
    inbox = isolated_environment / "inbox" / "ai_index"
    shutil.copytree(FIXTURE_MIRROR / "ai_index_2025", inbox / "ai_index_2025")
    requests, _, cursor = _evaluate()
    assert len(requests) == 1
    selected = {key.to_user_string() for key in requests[0].asset_selection}
    assert "raw/ai_index_figure_values" in selected and "marts/ai_investment" in selected
    assert "raw/funding_rounds" not in selected
    # the same files again: nothing to do
    again, skip, _ = _evaluate(cursor)
    assert again == [] and skip
    # a funding export dropped later: only the funding branch
    (isolated_environment / "inbox" / "funding").mkdir(parents=True)
    shutil.copy(
        FIXTURE_MIRROR / "crunchbase_demo_export" / "funding_rounds.csv",
        isolated_environment / "inbox" / "funding" / "export.csv",
    )
    later, _, _ = _evaluate(cursor)
    selected = {key.to_user_string() for key in later[0].asset_selection}
    assert "raw/funding_rounds" in selected and "raw/ai_index_figure_values" not in selected
