"""Partitions: the daily GPU price tracker is partitioned by observation day (UTC)."""

import dagster as dg

from ingest.sources.gpu_tracker import FIRST_DAY as TRACKER_START

tracker_days = dg.DailyPartitionsDefinition(start_date=TRACKER_START, timezone="UTC", end_offset=1)


def range_tags(partitions_def: dg.PartitionsDefinition, first: str | None = None, last: str | None = None) -> dict:
    """Tags that run a partition range in one run (what a single-run backfill does)."""
    keys = partitions_def.get_partition_keys()
    return {"dagster/asset_partition_range_start": first or keys[0],
            "dagster/asset_partition_range_end": last or keys[-1]}
