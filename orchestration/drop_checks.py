"""A raw table that loses rows or deliveries between two materializations is a sign of trouble upstream (a
source that shrank, a retraction, a replaced delivery with fewer rows). Each raw asset records its row count
and loaded deliveries; this warn-severity check compares them with the previous materialization's. (Row
validity is pandera's at load; relations, keys and aggregates are dbt's tests.)"""

import dagster as dg

from ingest.sources import SOURCES
from orchestration.assets.raw import raw_key

DROP_TOLERANCE = 0.0
"""Raw tables only grow (a new version of a file is new rows); any drop is reported."""


def _counts(record) -> tuple[int | None, int | None]:
    metadata = record.asset_materialization.metadata if record.asset_materialization else {}
    value = lambda key: getattr(metadata.get(key), "value", None)  # noqa: E731
    return value("dagster/row_count"), value("deliveries_in_table")


def build_drop_check(asset_key: dg.AssetKey) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=asset_key, name="no_drop_since_last_run", blocking=False,
                    description="Rows and loaded deliveries are not fewer than at the previous materialization.")
    def _check(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
        records = context.instance.fetch_materializations(asset_key, limit=2).records
        if len(records) < 2:
            return dg.AssetCheckResult(passed=True, metadata={"compared": "first materialization: nothing to compare"})
        (rows, deliveries), (previous_rows, previous_deliveries) = _counts(records[0]), _counts(records[1])
        dropped = [f"{name}: {before:,} -> {now:,}" for name, now, before in
                   (("rows", rows, previous_rows), ("deliveries", deliveries, previous_deliveries))
                   if now is not None and before is not None and now < before * (1 - DROP_TOLERANCE)]
        return dg.AssetCheckResult(
            passed=not dropped, severity=dg.AssetCheckSeverity.WARN,
            metadata={"rows": rows, "previous_rows": previous_rows, "deliveries": deliveries,
                      "previous_deliveries": previous_deliveries, "dropped": ", ".join(dropped) or "nothing"})

    return _check


DROP_CHECKS = [build_drop_check(raw_key(source)) for source in SOURCES.values()]
