"""Freshness of the feeds that publish on a cadence (`freshness_days` in their declarations), judged per feed: a table
that several feeds fill (the YAML feeds, SkyPilot's clouds, the marketplace's chips; `feeds_named_by` names the
column) is stale when any of its feeds is, so one fresh feed cannot hide two that stopped. The raw asset emits the
check (warn severity) from the data's own dates, so a feed with no observation at all is overdue even though the
run that read it succeeded."""

from __future__ import annotations

from datetime import date

import dagster as dg

CHECK_NAME = "freshness_check"


def freshness_check_spec(asset_key: dg.AssetKey) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec(
        CHECK_NAME,
        asset=asset_key,
        blocking=False,
        description="Every feed of the table has an observation within its cadence "
        "(freshness_days); the stale ones are named.",
    )


def stale_feeds(newest_by_feed: dict[str, date | None], days: int, today: date) -> dict[str, date | None]:
    """The feeds whose newest observation is more than `days` old (or that have none)."""
    return {
        feed: newest
        for feed, newest in sorted(newest_by_feed.items())
        if newest is None or (today - newest).days > days
    }


def freshness_check_result(newest_by_feed: dict[str, date | None], days: int, today: date) -> dg.AssetCheckResult:
    stale = stale_feeds(newest_by_feed or {"(no feed has any observation)": None}, days, today)
    listed = "; ".join(f"{feed} (newest {newest or 'none'})" for feed, newest in stale.items())
    return dg.AssetCheckResult(
        check_name=CHECK_NAME,
        passed=not stale,
        severity=dg.AssetCheckSeverity.WARN,
        description=f"stale feeds: {listed}" if stale else f"all {len(newest_by_feed)} feeds within {days} days",
        metadata={
            "cadence_days": days,
            "feeds": len(newest_by_feed),
            "stale_feeds": listed or "none",
            "fresh_feeds": len(newest_by_feed) - len(stale),
        },
    )
