"""The Dagster code location: raw ingest assets, pandera checks, dbt models, jobs, schedules and sensors."""

from __future__ import annotations

import dagster as dg

from orchestration.assets.dbt import dbt_resource, warehouse_dbt_models
from orchestration.assets.raw import RAW_ASSETS
from orchestration.checks import MART_CHECKS, RAW_CHECKS
from orchestration.jobs import (everything_weekly, gpu_prices_daily, inbox_sensor, ingest_inbox,
                                materialize_everything, refresh_gpu_prices)

defs = dg.Definitions(
    assets=[*RAW_ASSETS, warehouse_dbt_models],
    asset_checks=[*RAW_CHECKS, *MART_CHECKS],
    jobs=[materialize_everything, refresh_gpu_prices, ingest_inbox],
    schedules=[gpu_prices_daily, everything_weekly],
    sensors=[inbox_sensor],
    resources={"dbt": dbt_resource()},
    # One process, one DuckDB writer at a time: fastest on small machines and free of file-lock races.
    executor=dg.in_process_executor,
)
