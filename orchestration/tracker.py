"""The GPU price tracker's orchestration, in one place: its observation days (UTC) as dynamic partitions, one per
day its file has records for (a day without records is never a partition, so never shown as materialized); how a
run takes them (plan_tracker_run, for `aimetrics run` and the schedules); and landing the requested days, one
delivery per day (PARTITIONED, which the raw asset factory reads: the factory names no source)."""

from __future__ import annotations

from dataclasses import dataclass, field

import dagster as dg

from ingest.fetch import SourceUnavailable
from ingest.settings import load_settings
from ingest.sources import Source, gpu_tracker, gpu_tracker_days
from warehouse.land import LandingReport, land_source

TRACKER_DAYS_NAME = "gpu_tracker_days"
tracker_days = dg.DynamicPartitionsDefinition(name=TRACKER_DAYS_NAME)
TRACKER = dg.AssetKey(["raw", "gpu_tracker_observations"])
_RANGE_START, _RANGE_END = "dagster/asset_partition_range_start", "dagster/asset_partition_range_end"


def register_tracker_days(instance: dg.DagsterInstance) -> list[str]:
    """Add the days the tracker file has records for and that are not partitions yet, in day order; returns them.
    Raises SourceUnavailable when the file cannot be fetched."""
    known = set(instance.get_dynamic_partitions(tracker_days.name))
    new = [day for day in gpu_tracker_days.observation_days(load_settings()) if day not in known]
    if new:
        instance.add_dynamic_partitions(tracker_days.name, new)
    return new


@dataclass
class TrackerPlan:
    """How a run takes the tracker: a range of its days in one run (what a single-run backfill does), or, with
    no day known, the run's other assets and why the tracker is left out."""

    tags: dict[str, str] = field(default_factory=dict)
    selection: list[dg.AssetKey] | None = None
    """None: the run's whole selection."""
    unread: list[str] = field(default_factory=list)
    """The tracker's file could not be fetched (a failed step of the run's summary)."""
    not_run: list[str] = field(default_factory=list)


def plan_tracker_run(
    instance: dg.DagsterInstance, selected: set[dg.AssetKey], newest_only: bool = False
) -> TrackerPlan:
    """Add the days the tracker's file now has as partitions, then run all of them, or (`newest_only`, the daily
    tick) the new ones, or the newest again when none is new."""
    try:
        new, unread = register_tracker_days(instance), []
    except SourceUnavailable as error:
        new, unread = [], [f"{TRACKER.to_python_identifier()}: {error}"]
    known = instance.get_dynamic_partitions(TRACKER_DAYS_NAME)
    if known:  # the tracker's own step says why it cannot read its file
        first = (new[0] if new else known[-1]) if newest_only else known[0]
        return TrackerPlan(tags={_RANGE_START: first, _RANGE_END: known[-1]})
    return TrackerPlan(
        selection=sorted(selected - {TRACKER}),
        unread=unread,
        not_run=[]
        if unread
        else [
            f"{TRACKER.to_user_string()}: no tracker file with a record dated "
            "within its days (missing, refused or empty): no day to land"
        ],
    )


def _tracker_days(context: dg.AssetExecutionContext, source: Source) -> LandingReport:
    """Land the requested observation days of the tracker file, one delivery per day; each day's partition
    records its own counts (the run's totals stay on the materialization as a whole)."""
    settings = load_settings()
    days = context.partition_keys
    located = source.locate(settings)  # once: a fetched tracker file is downloaded by each locate
    report = land_source(
        source,
        settings=settings,
        count_editions=True,
        deliveries=gpu_tracker_days.day_deliveries(settings, set(days), located),
        present=gpu_tracker_days.present_day_files(settings, located),
    )
    landed = {item.edition: item for item in report.deliveries}
    for day in days:
        item = landed.get(day)
        context.add_asset_metadata(
            partition_key=day,
            metadata={
                "dagster/row_count": report.rows_by_edition.get(day, 0),
                "delivery_status": item.outcome.status if item else "no records for this day in the tracker file",
                "delivery_sha256": item.sha256 if item else "",
                "rows_accepted": item.outcome.rows_accepted if item else 0,
                "rows_quarantined": item.outcome.rows_quarantined if item else 0,
            },
        )
    return report


PARTITIONED = {gpu_tracker.SOURCE: (tracker_days, _tracker_days)}
"""Sources landed by partition: their partitions definition and how a run lands the requested ones."""
