"""Names shared by the Dagster definitions."""

WAREHOUSE_POOL = "duckdb_write"
"""Every asset and check that opens the DuckDB file runs in this pool (limit 1 in the instance's dagster.yaml)."""

OWNERS = ["team:aimetrics"]

SOURCE_GROUPS = {
    "ai_index": "ingest_ai_index",
    "skypilot_catalog": "ingest_gpu_prices",
    "gpu_pricing_tracker": "ingest_gpu_prices",
    "gpu_feeds": "ingest_gpu_prices",
    "azure_retail_prices": "ingest_gpu_prices",
    "gpu_marketplace": "ingest_gpu_prices",
    "funding_exports": "ingest_funding",
    "ecb_fx": "ingest_reference",
    "epoch_notable_models": "ingest_epoch",
    "epoch_large_scale_models": "ingest_epoch",
    "epoch_ml_hardware": "ingest_epoch",
    "epoch_gpu_clusters": "ingest_epoch",
    "epoch_company_funding_rounds": "ingest_epoch",
    "epoch_company_revenue": "ingest_epoch",
    "epoch_company_compute_spend": "ingest_epoch",
    "epoch_model_costs": "ingest_epoch",
    "epoch_hardware_prices": "ingest_epoch",
    "epoch_all_ml_systems": "ingest_epoch",
    "epoch_price_index": "ingest_epoch",
    "litellm_prices": "ingest_llm_prices",
    "openrouter_prices": "ingest_llm_prices",
    "llmrates_prices": "ingest_llm_prices",
    "token_tariff": "ingest_llm_prices",
    "epoch_llm_prices_aa": "ingest_llm_prices",
    "epoch_llm_prices_other": "ingest_llm_prices",
    "epoch_llm_lowest_prices": "ingest_llm_prices",
    "grid_carbon_intensity": "ingest_carbon",
    "carbon_intensity_per_source": "ingest_carbon",
    "cloud_region_carbon": "ingest_carbon",
    "mlco2_gpus": "ingest_carbon",
}
