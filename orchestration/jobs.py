"""Jobs, schedules and sensors. They look at files only (the tracker's, for its days): they never open the warehouse."""

from __future__ import annotations

import hashlib
import json

import dagster as dg

from ingest.settings import load_settings
from orchestration.tracker import plan_tracker_run

EVERYTHING = dg.AssetSelection.all()
GPU_PRICE_FEEDS = dg.AssetSelection.groups("ingest_gpu_prices")
INBOX_ASSETS = {
    "ai_index": dg.AssetKey(["raw", "ai_index_figure_values"]),
    "funding": dg.AssetKey(["raw", "funding_rounds"]),
}

materialize_everything = dg.define_asset_job(
    "materialize_everything", selection=EVERYTHING, description="Ingest every source, then build every dbt model."
)
# The seeds go with them: a chip name or category added to a seed maps the offers already loaded on the next run.
GPU_PRICE_SEEDS = dg.AssetSelection.assets(
    ["reference", "gpu_model_names"],
    ["reference", "gpu_price_categories"],
    ["reference", "gpu_price_bounds"],
    ["reference", "gpu_providers"],
)
GPU_PRICE_JOB_SELECTION = GPU_PRICE_FEEDS | GPU_PRICE_FEEDS.downstream() | GPU_PRICE_SEEDS
refresh_gpu_prices = dg.define_asset_job(
    "refresh_gpu_prices",
    selection=GPU_PRICE_JOB_SELECTION,
    description="Poll the GPU price feeds, reload the chip-name and category seeds, and rebuild what depends on them.",
)
EPOCH = dg.AssetSelection.groups("ingest_epoch")
FX = dg.AssetSelection.assets(["raw", "fx_rates"])
refresh_epoch = dg.define_asset_job(
    "refresh_epoch",
    selection=EPOCH | EPOCH.downstream(),
    description="Pull the Epoch AI data sets (a new vintage when they changed) and rebuild what depends on them.",
)
refresh_fx = dg.define_asset_job(
    "refresh_fx",
    selection=FX | FX.downstream(),
    description="Reload the ECB rates and rebuild the conversions.",
)
ingest_inbox = dg.define_asset_job(
    "ingest_inbox",
    selection=dg.AssetSelection.assets(*INBOX_ASSETS.values())
    | dg.AssetSelection.assets(*INBOX_ASSETS.values()).downstream(),
    description="Land files dropped into the inbox and rebuild what depends on them.",
)


@dg.schedule(
    job=refresh_gpu_prices,
    cron_schedule="0 6 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
def gpu_prices_daily(context: dg.ScheduleEvaluationContext):
    """Poll the GPU price feeds and land the tracker's new days (its newest day again when no day is new)."""
    return _tracker_run_request(context, GPU_PRICE_JOB_SELECTION, newest_only=True)


epoch_weekly = dg.ScheduleDefinition(
    name="epoch_weekly",
    job=refresh_epoch,
    cron_schedule="0 4 * * 1",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
fx_monthly = dg.ScheduleDefinition(
    name="fx_monthly",
    job=refresh_fx,
    cron_schedule="0 3 1 * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)


@dg.schedule(
    job=materialize_everything,
    cron_schedule="0 5 * * 1",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
def everything_weekly(context: dg.ScheduleEvaluationContext):
    """Everything, with the tracker's whole history in one run (unchanged days are skipped)."""
    return _tracker_run_request(context, EVERYTHING, newest_only=False)


def _tracker_run_request(
    context: dg.ScheduleEvaluationContext, selection: dg.AssetSelection, newest_only: bool
) -> dg.RunRequest:
    plan = plan_tracker_run(context.instance, selection.resolve(context.repository_def.asset_graph), newest_only)
    for reason in plan.unread + plan.not_run:
        context.log.warning(f"the tracker is left out of this run: {reason}")
    return dg.RunRequest(tags=plan.tags, asset_selection=plan.selection)


def inbox_fingerprint(folder) -> dict[str, str]:
    """Path -> size and modification time of every file under `folder` (cheap; checksums are the loader's job)."""
    if not folder.is_dir():
        return {}
    return {
        str(path.relative_to(folder)): f"{path.stat().st_size}:{path.stat().st_mtime_ns}"
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@dg.sensor(job=ingest_inbox, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.RUNNING)
def inbox_sensor(context: dg.SensorEvaluationContext):
    """Request a run when files appear or change in the AI Index or funding inbox folders."""
    inbox = load_settings().inbox_dir
    previous = json.loads(context.cursor) if context.cursor else {}
    current = {name: inbox_fingerprint(inbox / name) for name in INBOX_ASSETS}
    changed = [name for name in INBOX_ASSETS if current[name] and current[name] != previous.get(name)]
    if not changed:
        yield dg.SkipReason(f"no new or changed files under {inbox}")
        return
    digest = hashlib.sha256(json.dumps(current, sort_keys=True).encode()).hexdigest()[:16]
    selection = [INBOX_ASSETS[name] for name in changed]
    yield dg.RunRequest(run_key=digest, asset_selection=selection + _downstream_of(selection, context))
    context.update_cursor(json.dumps(current))


def _downstream_of(keys, context) -> list[dg.AssetKey]:
    graph = context.repository_def.asset_graph
    return sorted(dg.AssetSelection.assets(*keys).downstream().resolve(graph) - set(keys))
