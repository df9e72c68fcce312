"""pandera checks on every raw table, as blocking Dagster asset checks: bad data never reaches dbt."""

from __future__ import annotations

import dagster as dg
import pandera.errors
import polars.selectors as cs

from ingest.sources import SOURCES, Source
from orchestration.assets.raw import raw_key
from orchestration.constants import WAREHOUSE_POOL
from warehouse.db import connect_read
from warehouse.load import PROVENANCE_COLUMNS
from warehouse.preview import markdown_table

MAX_FAILURE_ROWS = 20


def build_schema_check(source: Source) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=raw_key(source),
        name="pandera_schema",
        description=f"Every row of raw.{source.raw_table} passes {source.schema.__name__} and has its provenance.",
        blocking=True,
        pool=WAREHOUSE_POOL,
    )
    def _check() -> dg.AssetCheckResult:
        provenance = ", ".join(PROVENANCE_COLUMNS)
        with connect_read() as conn:
            frame = conn.sql(f'select * exclude ({provenance}) from raw."{source.raw_table}"').pl()
            # DuckDB hands TIMESTAMPTZ back in the session zone (Etc/UTC); the schemas declare UTC.
            frame = frame.with_columns(cs.datetime(time_zone="*").dt.convert_time_zone("UTC"))
            missing_provenance = conn.execute(
                f'select count(*) from raw."{source.raw_table}" where '
                + " or ".join(f"{column} is null" for column in PROVENANCE_COLUMNS)
            ).fetchone()[0]
        metadata = {"rows_checked": frame.height, "rows_without_provenance": missing_provenance}
        try:
            source.schema.validate(frame, lazy=True)
        except pandera.errors.SchemaErrors as errors:
            cases = errors.failure_cases
            head = cases.head(MAX_FAILURE_ROWS)
            metadata["failure_cases"] = dg.MetadataValue.md(markdown_table(head.columns, head.rows()))
            metadata["failures"] = cases.height
            return dg.AssetCheckResult(passed=False, metadata=metadata)
        return dg.AssetCheckResult(passed=missing_provenance == 0, metadata=metadata)

    return _check


SCHEMA_CHECKS = [build_schema_check(source) for source in SOURCES.values()]
