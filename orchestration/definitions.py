"""The Dagster code location: raw ingest assets, pandera checks, dbt models, jobs, schedules and sensors."""

from __future__ import annotations

import dagster as dg

from orchestration.assets.dbt import dbt_resource, warehouse_dbt_models
from orchestration.assets.publish import build_publish_asset
from orchestration.assets.raw import RAW_ASSETS
from orchestration.assets.report import aimetrics_html_report
from orchestration.checks import RAW_CHECKS
from orchestration.console import one_line_console
from orchestration.executors import selected_executor
from orchestration.jobs import (
    epoch_weekly,
    everything_weekly,
    fx_monthly,
    gpu_prices_daily,
    inbox_sensor,
    ingest_inbox,
    materialize_everything,
    refresh_epoch,
    refresh_fx,
    refresh_gpu_prices,
)

# Everything a run writes is upstream of the publish step, so it runs last and publishes only a whole build;
# it audits every check, so a build whose latest checks failed in an earlier run is not published either.
written = [*RAW_ASSETS, warehouse_dbt_models]
published_warehouse = build_publish_asset(
    sorted({key for asset in written for key in asset.keys}, key=lambda key: key.to_user_string()),
    sorted(
        {key for definition in [*written, *RAW_CHECKS] for key in definition.check_keys},
        key=lambda key: key.to_user_string(),
    ),
)

defs = dg.Definitions(
    assets=[*RAW_ASSETS, warehouse_dbt_models, published_warehouse, aimetrics_html_report],
    asset_checks=RAW_CHECKS,
    jobs=[materialize_everything, refresh_gpu_prices, refresh_epoch, refresh_fx, ingest_inbox],
    schedules=[gpu_prices_daily, epoch_weekly, fx_monthly, everything_weekly],
    # dbt models carry AutomationCondition.eager(): this sensor rebuilds them after an upstream changed
    sensors=[
        inbox_sensor,
        dg.AutomationConditionSensorDefinition(
            "dbt_models_after_upstream",
            target=dg.AssetSelection.all(),
            default_status=dg.DefaultSensorStatus.RUNNING,
            minimum_interval_seconds=60,
        ),
    ],
    resources={"dbt": dbt_resource()},
    loggers={"console": one_line_console},
    # One process, one DuckDB writer at a time unless AIMETRICS_EXECUTOR names workers (see orchestration/executors.py)
    executor=selected_executor(),
)
