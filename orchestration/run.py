"""Materialize every asset in this process, recorded in the Dagster instance, and summarize the outcome."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

import dagster as dg
import duckdb

from ingest.settings import load_settings
from orchestration.assets.dbt import remedies, run_results
from orchestration.assets.publish import sorted_checks
from orchestration.constants import FULL_REFRESH_TAG
from orchestration.dagster_internals import reconstructable_job, without_failure_prefix
from orchestration.executors import DISTRIBUTED
from orchestration.stale_runs import free_abandoned_slots, run_tags, wait_for_the_warehouse_pool
from orchestration.tracker import TrackerPlan, plan_tracker_run
from warehouse.db import connect_read, count_rows, warehouse_path, warehouse_target
from warehouse.versions import current_version

SUMMARY_SCHEMAS = ("raw", "staging", "marts")
PUBLISH_STEP = "warehouse__published"
DBT_STEP = "warehouse_dbt_models"  # the dbt build, one step (orchestration/assets/dbt.py)


@dataclass(frozen=True)
class DbtPhases:
    """The dbt step's seconds before dbt's first node started (dbt's start-up and parse), while its nodes ran, and
    after the last one ended (Dagster's events, the row counts), from dbt's own node timings."""

    nodes: int
    before: float
    running: float
    after: float


@dataclass
class RunSummary:
    run_id: str
    success: bool
    seconds: float
    checks_passed: list[str] = field(default_factory=list)
    checks_failed: list[str] = field(default_factory=list)
    checks_warned: list[str] = field(default_factory=list)
    """Warn-severity checks that did not pass (price anomalies, big price jumps, stale feeds, unmapped names)."""
    failed_steps: list[str] = field(default_factory=list)
    not_run: list[str] = field(default_factory=list)
    """Assets left out of the run, with the reason (the tracker before any day with records is known)."""
    stale_feeds: list[str] = field(default_factory=list)
    """Per table, the feeds with no observation within their cadence (its freshness check's words)."""
    skipped_steps: list[str] = field(default_factory=list)
    """Steps not run because a step they depend on failed (the dbt models after a failed raw step)."""
    started_at: datetime | None = None
    published: str | None = None
    """The version this run published, or None: readers keep the version they had."""
    step_seconds: list[tuple[str, float]] = field(default_factory=list)
    """Each step's wall-clock seconds, slowest first: where the run's time went."""
    slowest_models: list[tuple[str, float]] = field(default_factory=list)
    """dbt's slowest nodes in this run, with their seconds (dagster-dbt's `Execution Duration`)."""
    dbt_phases: DbtPhases | None = None

    @property
    def ok(self) -> bool:
        return self.success and not self.checks_failed


def materialize_everything(
    job_name: str = "materialize_everything",
    instance: dg.DagsterInstance | None = None,
    log_level: str = "INFO",
    full_refresh: bool = False,
) -> RunSummary:
    from orchestration.definitions import defs

    started, started_at = time.monotonic(), datetime.now(UTC)
    instance = instance or dg.DagsterInstance.get()
    # a run killed earlier keeps its warehouse slot: free it; on the local file, wait (bounded, with a message) for
    # a live one. Runs into a DuckLake go ahead side by side: they take turns to build (warehouse/build_lease.py).
    if warehouse_target().kind == "file":
        wait_for_the_warehouse_pool(instance, load_settings().run_wait_s)
    else:
        free_abandoned_slots(instance)
    job = defs.resolve_job_def(job_name)
    plan = plan_tracker_run(instance, set(job.asset_layer.selected_asset_keys)) if job.partitions_def else TrackerPlan()
    with _executed(
        job,
        instance,
        tags={**run_tags(), **plan.tags, **({FULL_REFRESH_TAG: "true"} if full_refresh else {})},
        asset_selection=plan.selection,
        run_config={"loggers": {"console": {"config": {"log_level": log_level}}}},
    ) as result:
        return _summarize(result, instance, plan, started, started_at)


@contextmanager
def _executed(job: dg.JobDefinition, instance: dg.DagsterInstance, **options) -> Iterator[dg.ExecuteJobResult]:
    """The run, in this process, or with its steps on the workers AIMETRICS_EXECUTOR names: those load the job
    from its module, so it is handed over as a code pointer, not as the object."""
    if load_settings().executor.strip() not in DISTRIBUTED:
        yield job.execute_in_process(instance=instance, raise_on_error=False, **options)
        return
    with dg.execute_job(
        reconstructable_job("orchestration.definitions", "defs", job.name), instance, raise_on_error=False, **options
    ) as result:
        yield result


def _summarize(
    result, instance: dg.DagsterInstance, plan: TrackerPlan, started: float, started_at: datetime
) -> RunSummary:
    summary = RunSummary(
        run_id=result.run_id,
        success=result.success and not plan.unread,
        seconds=time.monotonic() - started,
        not_run=plan.not_run,
        started_at=started_at,
    )
    summary.checks_passed, summary.checks_warned, summary.checks_failed = sorted_checks(
        result.get_asset_check_evaluations()
    )
    summary.published = (
        next(
            (
                str(m.metadata["version"].value)
                for m in result.asset_materializations_for_node(PUBLISH_STEP)
                if "version" in m.metadata
            ),
            None,
        )
        if _ran(result, PUBLISH_STEP)
        else None
    )
    summary.failed_steps = plan.unread + [
        f"{event.step_key}: {_root_cause(event.step_failure_data.error)}"
        if event.step_failure_data and event.step_failure_data.error
        else event.step_key
        for event in result.all_events
        if event.is_step_failure
    ]
    summary.skipped_steps = _never_started(instance, result)
    times = _step_times(instance, result.run_id)
    summary.step_seconds = sorted(
        ((step, end - start) for step, (start, end) in times.items()), key=lambda item: (-item[1], item[0])
    )
    summary.slowest_models = _slowest_models(result)
    summary.dbt_phases = _dbt_phases(times.get(DBT_STEP), run_results(result.run_id))
    summary.stale_feeds = [
        f"{evaluation.asset_key.to_user_string()}: {evaluation.metadata['stale_feeds'].value}"
        for evaluation in result.get_asset_check_evaluations()
        if evaluation.check_name == "freshness_check" and not evaluation.passed
    ]
    return summary


def _step_times(instance: dg.DagsterInstance, run_id: str) -> dict[str, tuple[float, float]]:
    """Each finished step's start and end (its start and end events)."""
    kinds = {dg.DagsterEventType.STEP_START, dg.DagsterEventType.STEP_SUCCESS, dg.DagsterEventType.STEP_FAILURE}
    started, ended = {}, {}
    for entry in instance.all_logs(run_id, of_type=kinds):
        event = entry.dagster_event
        (started if event.event_type == dg.DagsterEventType.STEP_START else ended)[event.step_key] = entry.timestamp
    return {step: (at, ended[step]) for step, at in started.items() if step in ended}


def _dbt_phases(step: tuple[float, float] | None, results: dict | None) -> DbtPhases | None:
    nodes = [r for r in (results or {}).get("results", []) if not r["unique_id"].startswith("operation.")]  # hooks
    timings = [t for r in nodes for t in r["timing"] if t.get("started_at")]
    if step is None or not timings:
        return None
    first = min(datetime.fromisoformat(t["started_at"]).timestamp() for t in timings)
    last = max(datetime.fromisoformat(t["completed_at"]).timestamp() for t in timings)
    return DbtPhases(len(nodes), first - step[0], last - first, step[1] - last)


def _slowest_models(result, limit: int = 10) -> list[tuple[str, float]]:
    """dbt's slowest nodes: the `Execution Duration` dagster-dbt attaches to each materialization."""
    timed = [
        (event.asset_key.to_user_string(), float(event.metadata["Execution Duration"].value))
        for event in result.asset_materializations_for_node(DBT_STEP)
        if "Execution Duration" in event.metadata
    ]
    return sorted(timed, key=lambda item: (-item[1], item[0]))[:limit]


def profile_lines(summary: RunSummary, steps: int = 12) -> list[str]:
    """Where the run's seconds went: the slowest steps, what the steps leave to Dagster itself, dbt's slowest nodes."""
    if not summary.step_seconds:
        return []
    in_steps = sum(seconds for _, seconds in summary.step_seconds)
    lines = [
        "",
        f"Profile: {summary.seconds:.1f} s in all, {in_steps:.1f} s in {len(summary.step_seconds)} steps, "
        f"{max(summary.seconds - in_steps, 0):.1f} s outside them (Dagster's start, planning, the summary)",
    ]
    lines += [f"  {seconds:7.2f} s  {step}" for step, seconds in summary.step_seconds[:steps]]
    if len(summary.step_seconds) > steps:
        rest = sum(seconds for _, seconds in summary.step_seconds[steps:])
        lines.append(f"  {rest:7.2f} s  the other {len(summary.step_seconds) - steps} steps")
    if phases := summary.dbt_phases:
        lines.append(
            f"dbt: {phases.before:.2f} s before its first node (start-up, parse), {phases.running:.2f} s running "
            f"{phases.nodes} nodes, {phases.after:.2f} s after the last (Dagster's events, row counts)"
        )
    if summary.slowest_models:
        lines.append(f"dbt's slowest {len(summary.slowest_models)} nodes:")
        lines += [f"  {seconds:7.2f} s  {model}" for model, seconds in summary.slowest_models]
    return lines


def _never_started(instance: dg.DagsterInstance, result) -> list[str]:
    """Planned steps that never started: Dagster does not run a step after a failed one it depends on, and logs
    no event for it."""
    plan = instance.get_execution_plan_snapshot(result.dagster_run.execution_plan_snapshot_id)
    started = {event.step_key for event in result.all_events if event.is_step_start}
    return sorted(step.key for step in plan.steps if step.key not in started)


def _skipped_in_short(steps: list[str]) -> str:
    """The skipped steps that build tables by name, and their checks counted (a check's step is named after the
    asset's step it checks: raw__x_pandera_schema)."""
    checks = [
        step
        for step in steps
        if step.endswith("_pandera_schema") or any(step.startswith(other + "_") for other in steps)
    ]
    built = [step for step in steps if step not in checks]
    return ", ".join(built) + (f" (and {len(checks)} checks)" if checks else "")


def _ran(result, node: str) -> bool:
    return any(event.step_key == node and event.is_step_success for event in result.all_events)


def _root_cause(error) -> str:
    """The innermost error's message (a step that exhausted its retries wraps the real reason)."""
    while error.cause is not None:
        error = error.cause
    lines = without_failure_prefix(error.message.strip()).splitlines()
    return lines[0] if lines else error.cls_name


DBT_TEMPORARY = ("__dbt_backup", "__dbt_tmp")
"""Suffixes of the tables dbt makes while it replaces a table: another run's build in flight, not the warehouse's."""


def table_counts(schemas: tuple[str, ...] = SUMMARY_SCHEMAS) -> list[tuple[str, int]]:
    """Each table's rows, listed and counted in one read transaction: on a shared engine another run's dbt build
    creates and drops tables meanwhile, and outside a transaction each statement sees the newest commit."""
    with connect_read() as conn:
        conn.execute("begin")
        try:
            tables = [
                (schema, table)
                for schema, table in conn.execute(
                    "select table_schema, table_name from information_schema.tables "
                    "where table_schema in (select unnest(?)) order by table_schema, table_name",
                    [list(schemas)],
                ).fetchall()
                if not table.endswith(DBT_TEMPORARY)
            ]
            counts = count_rows(conn, tables)
        finally:
            conn.execute("rollback")
    return [(f"{s}.{t}", counts[(s, t)]) for s, t in tables]


def delivery_totals() -> dict[str, int]:
    with connect_read() as conn:
        rows = conn.execute("select status, count(*) from raw.deliveries group by status").fetchall()
        quarantined = conn.execute("select count(*) from raw.quarantine").fetchone()[0]
    return {**dict(rows), "quarantined_rows": quarantined}


ATTENTION_QUERIES = (  # (title, the table it reads, the query)
    (
        "Deliveries rejected, each with its reason (an earlier version of the file, if any, stays in use)",
        "raw.deliveries",
        "select source || ': ' || source_file || ' (' || edition || '): ' || left(reason, 240) from raw.deliveries d "
        "where status = 'rejected' and loaded_at = (select max(loaded_at) from raw.deliveries e where e.source = d.source "
        "and e.source_file = d.source_file) order by loaded_at desc, source_file",
    ),
    (
        "GPU names no seed row or rule maps (their offers are kept out of the chip marts)",
        "marts.unmapped_gpu_names",
        "select source_gpu_name || ' (' || source || ', ' || provider || ': ' || offers || ' offers) -> add to ' "
        "|| seed_file from marts.unmapped_gpu_names order by offers desc",
    ),
    (
        "Pricing models and region codes no seed row knows (their offers are kept out)",
        "marts.unmapped_gpu_categories",
        "select kind || ' ' || source_value || ' (' || source || ': ' || offers || ' offers) -> add to ' || seed_file "
        "from marts.unmapped_gpu_categories order by offers desc",
    ),
    (
        "Implausible GPU prices set aside or listed for review (marts.price_anomalies)",
        "marts.price_anomalies",
        "select severity || ': ' || count(*) || ' offers of ' || string_agg(distinct gpu_model, ', ' order by gpu_model) "
        "from marts.price_anomalies group by severity order by count(*) desc",
    ),
    (
        "AI Index editions none of whose figures the figure map names (nothing of them reaches a mart)",
        "marts.unmapped_ai_index_figures",
        "select 'edition ' || edition || ': ' || count(*) || ' figures loaded, none in the map -> add rows to "
        "dbt_project/seeds/ai_index_figure_map.csv' from marts.unmapped_ai_index_figures where edition_unmapped "
        "group by edition order by edition",
    ),
    (
        "Funding rounds above the plausible maximum, left out of every sum (marts.funding_round_anomalies)",
        "marts.funding_round_anomalies",
        "select company || ' ' || announced_on || ': ' || reason || ' (' || source_file || ')' "
        "from marts.funding_round_anomalies order by amount_usd_as_converted desc",
    ),
    (
        "Files (or tracker days) gone from their source since they were loaded (their rows are kept)",
        "raw.retractions",
        "select source || ': ' || source_file || ' (' || edition || ')' from raw.retractions order by noticed_at desc",
    ),
    (
        "Big GPU price jumps (factor 2 or more, marts.gpu_price_changes)",
        "marts.gpu_price_changes",
        "select source || ': ' || count(*) from marts.gpu_price_changes where is_big group by source order by 1",
    ),
)
ATTENTION_LIMIT = 8

HEADLINE_QUERIES = (  # (the table it reads, a query giving one sentence or none)
    (
        "marts.gpu_price_index",
        # the index (each provider's median, then across the GPU clouds), in won at the last ECB rate of its month
        "with latest as (select * from marts.gpu_price_index where gpu_model = 'H100 SXM' and pricing = 'on_demand' "
        "order by month desc limit 1), "
        "rate as (select krw_per_unit / usd_per_unit as krw_per_usd from marts.fx_rates, latest "
        "where currency = 'USD' and rate_date < latest.month + interval 1 month order by rate_date desc limit 1) "
        "select 'An H100 SXM rents for a median ' || printf('$%.2f', median_usd_per_gpu_hour) || ' per GPU-hour on "
        "demand (' || coalesce(format('₩{:,}', round(median_usd_per_gpu_hour * krw_per_usd)::bigint), "
        "'no KRW rate for the month') || '), ' || strftime(month, '%Y-%m') || ', across ' || providers "
        "|| ' provider' || if(providers > 1, 's', '') "
        "from latest left join rate on true",
    ),
    (
        "marts.training_costs",
        "select 'The costliest training run by Epoch AI''s cloud method: ' || model || ', ' || case "
        "when cost_usd_cloud_method >= 1e9 then printf('$%.2fB', cost_usd_cloud_method / 1e9) "
        "when cost_usd_cloud_method >= 1e6 then printf('$%.1fM', cost_usd_cloud_method / 1e6) "
        "else format('${:,.0f}', cost_usd_cloud_method) end || ' (published ' || publication_date || ')' "
        "from marts.training_costs "
        "where cost_usd_cloud_method is not null order by cost_usd_cloud_method desc, model limit 1",
    ),
    (
        "marts.ai_investment",
        "select 'World private AI investment: $' || printf('%.1f', usd_billions) || 'B in ' || year || ' (AI Index ' || "
        "edition || ')' from marts.ai_investment where geography = 'World' and category = 'private' "
        "and measure = 'annual' order by edition desc, year desc limit 1",
    ),
)


def headline_lines() -> list[str]:
    """Three numbers people ask first, from the build just made (none where its mart is missing or empty)."""
    with connect_read() as conn:
        existing = {
            f"{s}.{t}"
            for s, t in conn.execute("select table_schema, table_name from information_schema.tables").fetchall()
        }
        found = [
            row[0]
            for table, sql in HEADLINE_QUERIES
            if table in existing
            for row in conn.execute(sql).fetchall()
            if row[0]
        ]
    return ["", "Headlines:"] + [f"  {text}" for text in found] if found else []


def new_delivery_lines(since) -> list[str]:
    """What this run loaded that was not there before: new or changed deliveries per source."""
    with connect_read() as conn:
        loaded = conn.execute(
            "select source, count(*), sum(rows_accepted) from raw.deliveries where status = 'loaded' "
            "and loaded_at >= ? group by 1 order by 1",
            [since],
        ).fetchall()
    if not loaded:
        return ["", "New this run: nothing (every delivery found was already loaded)"]
    files, rows = sum(row[1] for row in loaded), sum(row[2] for row in loaded)
    largest = sorted(loaded, key=lambda row: (-row[2], row[0]))[:NEW_LIMIT]
    lines = ["", f"New this run: {files:,} deliveries from {len(loaded)} sources, {rows:,} rows"]
    lines += [f"  {source}: {count} file{'s' * (count > 1)}, {added:,} rows" for source, count, added in largest]
    return lines + (
        [f"  ... {len(loaded) - NEW_LIMIT} more sources (query raw.deliveries)"] if len(loaded) > NEW_LIMIT else []
    )


NEW_LIMIT = 5


def attention_lines() -> list[str]:
    """What a user should look at after a run: unmapped names and categories, price anomalies, big jumps."""
    lines = []
    with connect_read() as conn:
        existing = {
            f"{s}.{t}"
            for s, t in conn.execute(
                "select table_schema, table_name from information_schema.tables where table_schema in ('marts', 'raw')"
            ).fetchall()
        }
        for title, table, sql in ATTENTION_QUERIES:
            if table not in existing:
                continue
            try:
                found = [row[0] for row in conn.execute(sql).fetchall()]
            except duckdb.Error as error:  # a published version built by older code lacks a column the query reads
                lines += [
                    "",
                    f"{title}: not shown, the published version predates this query ({str(error).splitlines()[0]})",
                ]
                continue
            if found:
                lines += ["", f"{title}:"] + [f"  {text}" for text in found[:ATTENTION_LIMIT]]
                lines += (
                    [f"  ... {len(found) - ATTENTION_LIMIT} more (query {table})"]
                    if len(found) > ATTENTION_LIMIT
                    else []
                )
    return lines


def publication_line(summary: RunSummary) -> str:
    """Whether readers now see this run's build, and if not, what held it back and what they see instead."""
    if warehouse_target().kind == "ducklake":
        if summary.published:
            return f"Published: version {summary.published}, the DuckLake snapshot readers now attach"
        return "NOT PUBLISHED: readers keep the DuckLake snapshot published before (see the failures above)"
    if warehouse_target().kind != "file":
        return "Published: a shared engine's readers see each commit (see docs/scaling.md, Beyond one machine)"
    if summary.published:
        return (
            f"Published: version {summary.published}, now what readers open at {warehouse_path()} (aimetrics versions)"
        )
    current = current_version()
    keep = f"readers keep version {current.id}" if current else "no version is published yet"
    audit = next((step.split(": ", 1)[1] for step in summary.failed_steps if step.startswith(f"{PUBLISH_STEP}: ")), "")
    if audit.startswith("not published: "):  # the publish step's own audit names what held it back
        line = f"NOT PUBLISHED: {keep}; held back by " + audit.removeprefix("not published: ")
    else:
        held = [f"check {name}" for name in summary.checks_failed] + [
            f"step {step.split(':')[0]}" for step in summary.failed_steps
        ]
        line = f"NOT PUBLISHED: {keep}; held back by " + (", ".join(held) or "the publish step not running")
    known = remedies()
    return "\n".join([line] + [f"  {check}: {known[check]}" for check in summary.checks_failed if check in known])


def format_summary(summary: RunSummary) -> str:
    lines = [
        f"Run {summary.run_id[:8]}: {'SUCCESS' if summary.success else 'FAILED'} in {summary.seconds:.1f} s",
        f"Warehouse: {warehouse_target().describe()}",
        "",
        "Tables:",
    ]
    try:
        lines += [f"  {name:<48} {rows:>10,} rows" for name, rows in table_counts()]
        totals = delivery_totals()
        lines += ["", "Deliveries: " + ", ".join(f"{k} {v}" for k, v in sorted(totals.items()))]
    except FileNotFoundError as error:
        lines.append(f"  (no warehouse: {error})")
    lines += [
        "",
        f"Checks: {len(summary.checks_passed)} passed, {len(summary.checks_failed)} failed, "
        f"{len(summary.checks_warned)} warnings",
    ]
    lines += [f"  FAILED {name}" for name in summary.checks_failed]
    lines += [f"  WARNING {name}" for name in summary.checks_warned]
    lines += [f"  NOT RUN {reason}" for reason in summary.not_run]
    if summary.stale_feeds:
        lines += ["", "Feeds with no observation within their cadence (freshness_days):"]
        lines += [f"  {text}" for text in summary.stale_feeds]
    try:
        lines += new_delivery_lines(summary.started_at) + attention_lines()
    except FileNotFoundError:
        pass
    lines += [f"  FAILED step {step}" for step in summary.failed_steps]
    if summary.skipped_steps:
        lines.append(
            f"  NOT BUILT: {_skipped_in_short(summary.skipped_steps)}, after a failed step they depend on; "
            "their tables keep their last build"
        )
    lines += ["", publication_line(summary)]
    try:
        lines += headline_lines()
    except FileNotFoundError:
        pass
    unreachable = [step for step in summary.failed_steps if ": cannot reach " in step]
    if unreachable and len(unreachable) == len(summary.failed_steps):
        lines += [
            "",
            f"This machine looks offline: the {len(unreachable)} sources fetched from a URL could not connect. "
            "Build from a local copy of the sources instead:",
            "  AIMETRICS_DATA_DIR=../shared/data make run   (a folder laid out like shared/data)",
        ]
    lines += [
        "",
        "Query it:   .venv/bin/aimetrics query \"select * from marts.ai_investment where geography = 'World' "
        "and measure = 'annual' order by year\"",
        "Tables:     .venv/bin/aimetrics tables",
        "Open the UI: make ui   (then http://127.0.0.1:3000)",
    ]
    return "\n".join(lines)
