"""Partitions: the GPU price tracker is partitioned by observation day (UTC), one partition per day its file has
records for. A day without records is never a partition, so it is never shown as materialized."""

import dagster as dg

from ingest.settings import source_settings
from ingest.sources import gpu_tracker_days

TRACKER_DAYS_NAME = "gpu_tracker_days"
tracker_days = dg.DynamicPartitionsDefinition(name=TRACKER_DAYS_NAME)
TRACKER = dg.AssetKey(["raw", "gpu_tracker_observations"])


def register_tracker_days(instance: dg.DagsterInstance) -> list[str]:
    """Add the days the tracker file has records for and that are not partitions yet, in day order; returns them.
    Raises SourceUnavailable when the file cannot be fetched."""
    known = set(instance.get_dynamic_partitions(tracker_days.name))
    new = [day for day in gpu_tracker_days.observation_days(source_settings()) if day not in known]
    if new:
        instance.add_dynamic_partitions(tracker_days.name, new)
    return new


def range_tags(instance: dg.DagsterInstance, first: str | None = None) -> dict[str, str]:
    """Tags that run the tracker's partitions from `first` (default: the first) to the last in one run (what a
    single-run backfill does); empty when there is no partition yet."""
    keys = instance.get_dynamic_partitions(tracker_days.name)
    if not keys:
        return {}
    return {"dagster/asset_partition_range_start": first or keys[0], "dagster/asset_partition_range_end": keys[-1]}
