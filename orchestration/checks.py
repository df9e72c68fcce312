"""pandera checks as blocking Dagster asset checks on every raw table: bad data never reaches dbt. (The marts'
rules are dbt tests, each an asset check of its own.)"""

import dagster as dg
import pandera.errors
import polars as pl
import polars.selectors as cs

from ingest.sources import SOURCES
from orchestration.assets.raw import raw_key
from orchestration.constants import WAREHOUSE_POOL
from orchestration.dagster_internals import last_success_of_check
from warehouse.db import connect_read
from warehouse.preview import markdown_table
from warehouse.schema import PROVENANCE_COLUMNS

MAX_FAILURE_ROWS = 20


def build_pandera_check(
    asset_key: dg.AssetKey,
    table: str,
    schema: type,
    exclude: tuple[str, ...] = (),
    blocking: bool = True,
    ingested_column: str | None = None,
) -> dg.AssetChecksDefinition:
    """A check that reads `table` (schema.name) from the warehouse and validates it with a pandera model.

    With `ingested_column`, only rows ingested since the check last passed are read: rows are immutable once
    loaded (a new version of a delivery is new rows), so a day's check costs that day's rows, not the history.
    """
    schema_name, table_name = table.split(".")

    @dg.asset_check(
        asset=asset_key,
        name="pandera_schema",
        description=f"Every row of {table} passes {schema.__name__}" + (" and has its provenance." if exclude else "."),
        blocking=blocking,
        pool=WAREHOUSE_POOL,
    )
    def _check(context: dg.AssetCheckExecutionContext) -> dg.AssetCheckResult:
        since = (
            last_success_of_check(context.instance, dg.AssetCheckKey(asset_key, "pandera_schema"))
            if ingested_column
            else None
        )
        query = f'select * from "{schema_name}"."{table_name}"'
        with connect_read() as conn:
            if since is None:
                frame = conn.sql(query).pl()
            else:
                frame = conn.sql(f'{query} where "{ingested_column}" >= $since', params={"since": since}).pl()
        # DuckDB hands TIMESTAMPTZ back in the session zone (Etc/UTC); the schemas declare UTC.
        frame = frame.with_columns(cs.datetime(time_zone="*").dt.convert_time_zone("UTC"))
        metadata = {
            "rows_checked": frame.height,
            "scope": f"rows ingested since {since.isoformat()}" if since else "every row",
        }
        if exclude:
            metadata["rows_without_provenance"] = frame.filter(pl.any_horizontal(pl.col(exclude).is_null())).height
        failures = []
        # A raw table holds many deliveries (editions, vintages): a model with a uniqueness rule holds per
        # delivery; any other model's checks are per row, so one pass over every delivery is the same test.
        per_delivery = exclude and bool(schema.to_schema().unique)
        parts = frame.partition_by(["_source_file", "_edition"], as_dict=True) if per_delivery else {(): frame}
        for delivery, part in parts.items():
            try:
                schema.validate(part.drop(exclude), lazy=True)
            except pandera.errors.SchemaErrors as errors:
                failures.append(
                    errors.failure_cases.with_columns(pl.lit(" @ ".join(map(str, delivery))).alias("delivery"))
                )
        if failures:
            cases = pl.concat(failures, how="diagonal_relaxed")
            head = cases.head(MAX_FAILURE_ROWS)
            metadata["failure_cases"] = dg.MetadataValue.md(markdown_table(head.columns, head.rows()))
            metadata["failures"] = cases.height
        return dg.AssetCheckResult(
            passed=not failures and not metadata.get("rows_without_provenance"), metadata=metadata
        )

    return _check


RAW_CHECKS = [
    build_pandera_check(
        raw_key(source),
        f"raw.{source.raw_table}",
        source.schema,
        exclude=PROVENANCE_COLUMNS,
        ingested_column="_ingested_at",
    )
    for source in SOURCES.values()
]
