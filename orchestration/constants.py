"""Names shared by the Dagster definitions."""

WAREHOUSE_POOL = "duckdb_write"
"""Every asset and check that opens the DuckDB file runs in this pool (limit 1 in the instance's dagster.yaml)."""

OWNERS = ["team:aimetrics"]

FULL_REFRESH_TAG = "aimetrics/full_refresh"
"""A run tagged `true` (`aimetrics run --full-refresh`) rebuilds dbt's incremental models from all their input."""
