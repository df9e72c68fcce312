"""One Dagster asset per raw table: land the source's deliveries (see warehouse.land) and report what happened."""

from datetime import UTC, datetime, time

import dagster as dg

from ingest.fetch import SourceUnavailable
from ingest.settings import load_settings
from ingest.sources import SOURCES, Source
from orchestration.constants import OWNERS, WAREHOUSE_POOL
from orchestration.drop_checks import drop_check_result, drop_check_spec
from orchestration.freshness import freshness_check_result, freshness_check_spec
from orchestration.tracker import PARTITIONED
from warehouse.land import LandingReport, land_source


def raw_key(source: Source) -> dg.AssetKey:
    return dg.AssetKey(["raw", source.raw_table])


def _deliveries_markdown(report: LandingReport, limit: int = 25) -> str:
    lines = ["| file | edition | sha256 | status | rows | quarantined | reason |", "|---|---|---|---|---|---|---|"]
    for item in report.deliveries[:limit]:
        outcome = item.outcome
        lines.append(
            f"| {item.source_file} | {item.edition} | {item.sha256[:12]} | {outcome.status} | "
            f"{outcome.rows_accepted} | {outcome.rows_quarantined} | {outcome.reason or ''} |"
        )
    if len(report.deliveries) > limit:
        lines.append(f"| … {len(report.deliveries) - limit} more | | | | | | |")
    return "\n".join(lines)


def build_raw_asset(source: Source) -> dg.AssetsDefinition:
    partitions_def, land = PARTITIONED.get(source.name, (None, None))

    @dg.asset(
        key=raw_key(source),
        group_name=f"ingest_{source.subject}",
        description=source.description,
        kinds={"duckdb", "polars"},
        owners=OWNERS,
        pool=WAREHOUSE_POOL,
        tags={"source": source.name, "arrives_as": source.arrives_as},
        retry_policy=dg.RetryPolicy(max_retries=2, delay=5, backoff=dg.Backoff.EXPONENTIAL)
        if source.arrives_as == "url"
        else None,
        partitions_def=partitions_def,
        backfill_policy=dg.BackfillPolicy.single_run() if partitions_def else None,
        check_specs=[drop_check_spec(raw_key(source))]
        + ([freshness_check_spec(raw_key(source))] if source.freshness_days else []),
    )
    def _raw_asset(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        try:
            report = land(context, source) if land else land_source(source)
        except SourceUnavailable as error:
            if error.unreachable:  # no retry of the step either: a name that does not resolve will not resolve
                raise dg.Failure(description=f"{source.name}: {error}", allow_retries=False) from None
            raise
        if not report.deliveries:
            where = f"mirror {settings.mirror_dir}" if (settings := load_settings()).mirror_dir else "its URL or inbox"
            context.log.warning(f"{source.name}: no deliveries found in {where}; the table keeps what it had")
        else:  # the run's progress, one line per source
            context.log.info(
                f"{source.name}: {len(report.deliveries)} found, {report.count('loaded')} loaded, "
                f"{report.count('skipped')} unchanged, {report.count('rejected')} rejected; "
                f"raw.{source.raw_table} has {report.table_rows:,} rows"
            )
        rejected = [d for d in report.deliveries if d.outcome.status == "rejected"]
        for item in rejected:
            context.log.warning(f"rejected {item.source_file}: {item.outcome.reason}")
        for source_file in report.retracted:
            context.log.warning(
                f"{source_file} was loaded before and is gone from its source: kept, noted in raw.retractions"
            )
        freshness, fresh_check = {}, []
        if source.freshness_days:
            # the data's own dates: a feed with no observation at all is as stale as can be, not fresh because it ran
            newest = max((day for day in report.newest_by_feed.values() if day), default=None)
            freshness = {
                "newest_observation": str(newest or "none"),
                "dagster/last_updated_timestamp": dg.MetadataValue.timestamp(
                    datetime.combine(newest, time(), UTC) if newest else datetime(1970, 1, 2, tzinfo=UTC)
                ),
            }
            fresh_check = [
                freshness_check_result(report.newest_by_feed, source.freshness_days, datetime.now(UTC).date())
            ]
        return dg.MaterializeResult(
            check_results=[
                drop_check_result(context.instance, raw_key(source), report.table_rows, report.deliveries_in_table),
                *fresh_check,
            ],
            data_version=dg.DataVersion(report.fingerprint) if report.fingerprint else None,
            metadata={
                **freshness,
                "dagster/row_count": report.table_rows,
                "table_rows": report.table_rows,
                "deliveries_in_table": report.deliveries_in_table,
                "deliveries_found": len(report.deliveries),
                "deliveries_loaded": report.count("loaded"),
                "deliveries_skipped_unchanged": report.count("skipped"),
                "deliveries_rejected": len(rejected),
                "deliveries_retracted": len(report.retracted),
                "rows_accepted": report.rows_accepted,
                "rows_quarantined": report.rows_quarantined,
                "parser_version": source.parser_version,
                "deliveries": dg.MetadataValue.md(_deliveries_markdown(report)),
                "preview": dg.MetadataValue.md(report.preview),
            },
        )

    return _raw_asset


RAW_ASSETS = [build_raw_asset(source) for source in SOURCES.values()]
