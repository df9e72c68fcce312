"""pandera checks as blocking Dagster asset checks: on every raw table (bad data never reaches dbt) and on the
typed marts (a mart that breaks its model stops what depends on it)."""

from __future__ import annotations

import dagster as dg
import pandera.errors
import polars as pl
import polars.selectors as cs

from ingest.sources import SOURCES
from orchestration.assets.raw import raw_key
from orchestration.constants import WAREHOUSE_POOL
from warehouse.db import connect_read
from warehouse.load import PROVENANCE_COLUMNS
from warehouse.mart_schemas import MART_SCHEMAS
from warehouse.preview import markdown_table

MAX_FAILURE_ROWS = 20


def build_pandera_check(asset_key: dg.AssetKey, table: str, schema: type, exclude: tuple[str, ...] = (),
                        blocking: bool = True) -> dg.AssetChecksDefinition:
    """A check that reads `table` (schema.name) from the warehouse and validates it with a pandera model."""
    schema_name, table_name = table.split(".")

    @dg.asset_check(
        asset=asset_key,
        name="pandera_schema",
        description=f"Every row of {table} passes {schema.__name__}" + (" and has its provenance." if exclude else "."),
        blocking=blocking,
        pool=WAREHOUSE_POOL,
    )
    def _check() -> dg.AssetCheckResult:
        with connect_read() as conn:
            frame = conn.sql(f'select * from "{schema_name}"."{table_name}"').pl()
        # DuckDB hands TIMESTAMPTZ back in the session zone (Etc/UTC); the schemas declare UTC.
        frame = frame.with_columns(cs.datetime(time_zone="*").dt.convert_time_zone("UTC"))
        metadata = {"rows_checked": frame.height}
        if exclude:
            metadata["rows_without_provenance"] = frame.filter(pl.any_horizontal(pl.col(exclude).is_null())).height
        failures = []
        # A raw table holds many deliveries (editions, vintages): the model (its uniqueness too) holds per delivery.
        parts = frame.partition_by(["_source_file", "_edition"], as_dict=True) if exclude else {(): frame}
        for delivery, part in parts.items():
            try:
                schema.validate(part.drop(exclude), lazy=True)
            except pandera.errors.SchemaErrors as errors:
                failures.append(errors.failure_cases.with_columns(pl.lit(" @ ".join(map(str, delivery))).alias("delivery")))
        if failures:
            cases = pl.concat(failures, how="diagonal_relaxed")
            head = cases.head(MAX_FAILURE_ROWS)
            metadata["failure_cases"] = dg.MetadataValue.md(markdown_table(head.columns, head.rows()))
            metadata["failures"] = cases.height
        return dg.AssetCheckResult(passed=not failures and not metadata.get("rows_without_provenance"), metadata=metadata)

    return _check


RAW_CHECKS = [
    build_pandera_check(raw_key(source), f"raw.{source.raw_table}", source.schema, exclude=PROVENANCE_COLUMNS)
    for source in SOURCES.values()
]
MART_CHECKS = [
    build_pandera_check(dg.AssetKey(["marts", name]), f"marts.{name}", schema) for name, schema in MART_SCHEMAS.items()
]
