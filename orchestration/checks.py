"""pandera checks as blocking Dagster asset checks: on every raw table (bad data never reaches dbt) and on the
typed marts (a mart that breaks its model stops what depends on it)."""

from __future__ import annotations

import dagster as dg
import pandera.errors
import polars.selectors as cs

from ingest.sources import SOURCES, Source
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
        excluded = f"exclude ({', '.join(exclude)})" if exclude else ""
        with connect_read() as conn:
            frame = conn.sql(f'select * {excluded} from "{schema_name}"."{table_name}"').pl()
            missing = conn.execute(
                f'select count(*) from "{schema_name}"."{table_name}" where '
                + " or ".join(f"{column} is null" for column in exclude)
            ).fetchone()[0] if exclude else 0
        # DuckDB hands TIMESTAMPTZ back in the session zone (Etc/UTC); the schemas declare UTC.
        frame = frame.with_columns(cs.datetime(time_zone="*").dt.convert_time_zone("UTC"))
        metadata = {"rows_checked": frame.height}
        if exclude:
            metadata["rows_without_provenance"] = missing
        try:
            schema.validate(frame, lazy=True)
        except pandera.errors.SchemaErrors as errors:
            cases = errors.failure_cases
            head = cases.head(MAX_FAILURE_ROWS)
            metadata["failure_cases"] = dg.MetadataValue.md(markdown_table(head.columns, head.rows()))
            metadata["failures"] = cases.height
            return dg.AssetCheckResult(passed=False, metadata=metadata)
        return dg.AssetCheckResult(passed=missing == 0, metadata=metadata)

    return _check


RAW_CHECKS = [
    build_pandera_check(raw_key(source), f"raw.{source.raw_table}", source.schema, exclude=PROVENANCE_COLUMNS)
    for source in SOURCES.values()
]
MART_CHECKS = [
    build_pandera_check(dg.AssetKey(["marts", name]), f"marts.{name}", schema) for name, schema in MART_SCHEMAS.items()
]
