"""Freshness policies of the feeds that publish on a cadence (`FRESHNESS_DAYS` in their modules): a Dagster
freshness check per raw asset, warn severity, fed by the newest observation date the asset's materialization
records (`dagster/last_updated_timestamp`), so a feed that stopped delivering shows as overdue even though the
run that read it succeeded."""

import warnings
from datetime import timedelta

import dagster as dg

from ingest.sources import SOURCES
from orchestration.assets.raw import raw_key

with warnings.catch_warnings():
    # superseded by FreshnessPolicy, which judges materialization times: these checks read the data's own date
    warnings.simplefilter("ignore", dg.SupersessionWarning)
    FRESHNESS_CHECKS = [
        check
        for source in SOURCES.values() if source.freshness_days
        for check in dg.build_last_update_freshness_checks(
            assets=[raw_key(source)], lower_bound_delta=timedelta(days=source.freshness_days),
            severity=dg.AssetCheckSeverity.WARN)
    ]
