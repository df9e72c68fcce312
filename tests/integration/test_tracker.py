"""The tracker's partitions are the days its file has records for: a day without records is never shown as
materialized, each day's partition carries its own counts, and the daily schedule adds and runs the new days."""

import dagster as dg
import pytest

from orchestration.definitions import defs
from orchestration.jobs import everything_weekly, gpu_prices_daily
from orchestration.tracker import TRACKER, TRACKER_DAYS_NAME, plan_tracker_run, register_tracker_days

HEADER = (
    "date,provider,gpu_model,gpu_count,region,rental_type,price_min_usd,price_median_usd,price_max_usd,"
    "n_offers,source_url,fetched_at\n"
)


def _record(day: str, gpu: str = "H100_SXM", median: str = "2.5") -> str:
    return f"{day},exampleco,{gpu},1,global,on_demand,2.0,{median},3.0,4,https://example.org,{day}T21:00:10+00:00\n"


@pytest.fixture
def tracker_file(isolated_environment, monkeypatch):
    """A tracker file with records on 1 and 3 March (none on 2 March), one of 3 March without a valid price."""
    mirror = isolated_environment / "mirror"
    path = mirror / "gpu_pricing_tracker" / "observations.csv"
    path.parent.mkdir(parents=True)
    path.write_text(
        HEADER
        + _record("2026-03-01")
        + _record("2026-03-01", "A100_80GB", "1.4")
        + _record("2026-03-03")
        + _record("2026-03-03", "B200", "-4.0")
    )
    monkeypatch.setenv("AIMETRICS_DATA_DIR", str(mirror))
    return path


def _land_tracker(instance: dg.DagsterInstance) -> dg.ExecuteInProcessResult:
    return defs.resolve_implicit_global_asset_job_def().execute_in_process(
        asset_selection=[TRACKER],
        tags=plan_tracker_run(instance, {TRACKER}).tags,
        instance=instance,
        raise_on_error=False,
    )


def _partition_metadata(instance: dg.DagsterInstance, day: str) -> dict:
    record = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=TRACKER, asset_partitions=[day]), limit=1
    ).records[0]
    return {name: value.value for name, value in record.asset_materialization.metadata.items()}


def test_only_days_with_records_are_partitions_each_with_its_own_counts(tracker_file):
    instance = dg.DagsterInstance.ephemeral()
    assert register_tracker_days(instance) == ["2026-03-01", "2026-03-03"]
    assert _land_tracker(instance).success
    assert instance.get_materialized_partitions(TRACKER) == {"2026-03-01", "2026-03-03"}  # not 2 March, nor today
    first, third = _partition_metadata(instance, "2026-03-01"), _partition_metadata(instance, "2026-03-03")
    assert (first["dagster/row_count"], first["rows_accepted"], first["rows_quarantined"]) == (2, 2, 0)
    assert (third["dagster/row_count"], third["rows_accepted"], third["rows_quarantined"]) == (1, 1, 1)
    assert first["delivery_status"] == third["delivery_status"] == "loaded"
    assert first["table_rows"] == third["table_rows"] == 3  # the table as a whole, beside each day's own count


def _scheduled(instance: dg.DagsterInstance, schedule=gpu_prices_daily) -> dg.RunRequest:
    context = dg.build_schedule_context(instance=instance, repository_def=defs.get_repository_def())
    result = schedule.evaluate_tick(context)
    assert len(result.run_requests) == 1, result.skip_message
    return result.run_requests[0]


def test_the_daily_schedule_adds_the_new_days_and_runs_them(tracker_file):
    with dg.instance_for_test() as instance:
        _new_days_scheduled(instance, tracker_file)


def _new_days_scheduled(instance: dg.DagsterInstance, tracker_file) -> None:
    first = _scheduled(instance)  # the first tick: every day with records becomes a partition
    assert instance.get_dynamic_partitions(TRACKER_DAYS_NAME) == ["2026-03-01", "2026-03-03"]
    assert (first.tags["dagster/asset_partition_range_start"], first.tags["dagster/asset_partition_range_end"]) == (
        "2026-03-01",
        "2026-03-03",
    )
    quiet = _scheduled(instance)  # nothing new: the newest day again (the feeds are still polled)
    assert (quiet.tags["dagster/asset_partition_range_start"], quiet.tags["dagster/asset_partition_range_end"]) == (
        "2026-03-03",
        "2026-03-03",
    )
    with tracker_file.open("a") as handle:
        handle.write(_record("2026-03-05"))
    later = _scheduled(instance)
    assert instance.get_dynamic_partitions(TRACKER_DAYS_NAME)[-1] == "2026-03-05"
    assert (later.tags["dagster/asset_partition_range_start"], later.tags["dagster/asset_partition_range_end"]) == (
        "2026-03-05",
        "2026-03-05",
    )
    weekly = _scheduled(instance, everything_weekly)  # the weekly run: every day with records, in one run
    assert (weekly.tags["dagster/asset_partition_range_start"], weekly.tags["dagster/asset_partition_range_end"]) == (
        "2026-03-01",
        "2026-03-05",
    )


def test_without_a_tracker_day_the_daily_run_polls_the_other_feeds(isolated_environment, monkeypatch):
    (isolated_environment / "empty_mirror").mkdir()
    monkeypatch.setenv("AIMETRICS_DATA_DIR", str(isolated_environment / "empty_mirror"))
    with dg.instance_for_test() as instance:
        request = _scheduled(instance)
    selected = set(request.asset_selection)
    assert TRACKER not in selected and dg.AssetKey(["raw", "skypilot_offers"]) in selected
    assert "dagster/asset_partition_range_start" not in request.tags


def test_a_run_takes_every_day_with_records_or_says_why_the_tracker_is_left_out(
    tracker_file, isolated_environment, monkeypatch
):
    job = defs.resolve_job_def("materialize_everything")
    everything = set(job.asset_layer.selected_asset_keys)
    plan = plan_tracker_run(dg.DagsterInstance.ephemeral(), everything)
    assert (
        plan.tags
        == {"dagster/asset_partition_range_start": "2026-03-01", "dagster/asset_partition_range_end": "2026-03-03"}
        and plan.selection is None
    )
    tracker_file.write_text(HEADER + _record("2020-01-01"))  # only a record dated before the tracker's first day
    left_out = plan_tracker_run(dg.DagsterInstance.ephemeral(), everything)
    assert TRACKER not in left_out.selection and len(left_out.selection) == len(everything) - 1
    assert left_out.not_run and "no day to land" in left_out.not_run[0] and not left_out.unread
    monkeypatch.delenv("AIMETRICS_DATA_DIR")  # from its URL, on a machine without network: a failed step
    offline = plan_tracker_run(dg.DagsterInstance.ephemeral(), everything)
    assert TRACKER not in offline.selection and not offline.not_run
    assert offline.unread[0].startswith("raw__gpu_tracker_observations: cannot reach https://")


def test_a_past_day_removed_upstream_is_on_record(tracker_file):
    """The append-only tracker rewritten without 1 March: its offers stay, and the day is noted as retracted."""
    from orchestration.run import attention_lines
    from warehouse.db import connect_read

    instance = dg.DagsterInstance.ephemeral()
    register_tracker_days(instance)
    assert _land_tracker(instance).success
    tracker_file.write_text(
        HEADER + _record("2026-03-03") + _record("2026-03-03", "B200", "-4.0") + _record("2026-03-04")
    )
    register_tracker_days(instance)
    assert _land_tracker(instance).success
    with connect_read() as conn:
        retracted = conn.execute("select source_file, edition from raw.retractions").fetchall()
        kept = conn.execute(
            "select count(*) from raw.gpu_tracker_observations where _edition = '2026-03-01'"
        ).fetchall()
    assert retracted == [("gpu_pricing_tracker/observations.csv#date=2026-03-01", "2026-03-01")]
    assert kept == [(2,)]  # a retraction is on record, not a deletion
    assert (
        "  gpu_pricing_tracker: gpu_pricing_tracker/observations.csv#date=2026-03-01 (2026-03-01)" in attention_lines()
    )
