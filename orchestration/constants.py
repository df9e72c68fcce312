"""Names shared by the Dagster definitions."""

WAREHOUSE_POOL = "duckdb_write"
"""Every asset and check that opens the DuckDB file runs in this pool (limit 1 in the instance's dagster.yaml)."""

OWNERS = ["team:aimetrics"]

SOURCE_GROUPS = {
    "ai_index": "ingest_ai_index",
    "skypilot_catalog": "ingest_gpu_prices",
    "gpu_pricing_tracker": "ingest_gpu_prices",
    "funding_exports": "ingest_funding",
    "ecb_fx": "ingest_reference",
}
