"""A raw table that loses rows or deliveries between two materializations is a sign of trouble upstream (a
source that shrank, a retraction, a replaced delivery with fewer rows). Each raw asset records its row count
and loaded deliveries, and judges them against its previous materialization in the same step (a warn-severity
check, `no_drop_since_last_run`). Row validity is pandera's at load; keys, relations and aggregates are dbt's."""

import dagster as dg

CHECK_NAME = "no_drop_since_last_run"


def drop_check_spec(asset_key: dg.AssetKey) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec(
        CHECK_NAME,
        asset=asset_key,
        blocking=False,
        description="Rows and loaded deliveries are not fewer than at the previous materialization.",
    )


def _value(metadata, key: str):
    return getattr(metadata.get(key), "value", None)


def drop_check_result(
    instance: dg.DagsterInstance, asset_key: dg.AssetKey, rows: int, deliveries: int
) -> dg.AssetCheckResult:
    """Compare this materialization's counts with the latest one recorded (called before this one is)."""
    previous = instance.get_latest_materialization_event(asset_key)
    metadata = previous.asset_materialization.metadata if previous and previous.asset_materialization else {}
    before_rows, before_deliveries = _value(metadata, "dagster/row_count"), _value(metadata, "deliveries_in_table")
    dropped = [
        f"{name}: {before:,} -> {now:,}"
        for name, now, before in (("rows", rows, before_rows), ("deliveries", deliveries, before_deliveries))
        if before is not None and now < before
    ]
    return dg.AssetCheckResult(
        check_name=CHECK_NAME,
        passed=not dropped,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={
            "rows": rows,
            "previous_rows": before_rows if before_rows is not None else "none",
            "deliveries": deliveries,
            "previous_deliveries": before_deliveries if before_deliveries is not None else "none",
            "dropped": ", ".join(dropped) or "nothing",
        },
    )
