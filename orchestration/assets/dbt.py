"""The dbt project as Dagster assets: staging views, intermediate models and marts, with dbt tests as checks."""

import contextlib
import functools
import json
import os
import shutil
import sys
from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, DbtProject, dbt_assets

from ingest.settings import load_settings
from orchestration.constants import FULL_REFRESH_TAG, OWNERS, WAREHOUSE_POOL
from orchestration.dbt_progress import FoldedDbtOutput
from orchestration.dbt_resources import (
    PARSE_STATES,
    InProcessDbtCliResource,
    LocalDbtCliResource,
    project_target,
    warehouse_parse_state,
)
from orchestration.dbt_reuse import forget_builds, leave_as_they_are, record_builds
from orchestration.stale_runs import hold_the_build_lease
from warehouse.db import (
    WarehouseMissing,
    connect_published,
    connect_write,
    warehouse_path,
)
from warehouse.db import count_rows as db_count_rows
from warehouse.versions import stamp_of

DBT_PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"

_PROJECT_BIN = DBT_PROJECT_DIR.parent / ".venv" / "bin"
if _PROJECT_BIN.is_dir() and str(_PROJECT_BIN) not in os.environ.get("PATH", "").split(os.pathsep):
    # `dg dev` and `dagster dev` prepare the manifest with the `dbt` they find on the PATH: the project's own
    os.environ["PATH"] = os.pathsep.join([str(_PROJECT_BIN), os.environ.get("PATH", "")])

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
dbt_project.prepare_if_dev()
if not dbt_project.manifest_path.exists():
    # Outside `dagster dev` nothing builds the manifest; `make` runs `dbt parse` first, this covers other entry points.
    dbt_project.preparer.prepare(dbt_project)


class WarehouseTranslator(DagsterDbtTranslator):
    """Keys are [schema, name] (`marts/gpu_prices`, `raw/skypilot_offers`); groups follow the model folders."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return dg.AssetKey([dbt_resource_props["source_name"], dbt_resource_props["name"]])
        return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "reference"
        folders = dbt_resource_props.get("fqn", [])[1:-1]
        return "_".join(folders) if folders else "dbt"

    def get_owners(self, dbt_resource_props: Mapping[str, Any]) -> list[str]:
        return OWNERS

    def get_asset_check_spec(self, asset_spec, manifest, unique_id, project) -> dg.AssetCheckSpec | None:
        spec = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        if spec is None or spec.description:
            return spec
        return spec._replace(description=test_description(manifest["nodes"][unique_id]))

    def get_automation_condition(self, dbt_resource_props: Mapping[str, Any]) -> dg.AutomationCondition | None:
        # Marts stay fresh: rebuilt when an upstream asset's data changed (a schedule, the inbox sensor). Raw
        # assets carry the fingerprint of their loaded deliveries as data version, so one that loaded nothing new
        # sets nothing off.
        return EAGER_ON_CHANGED_DATA


def remedies() -> dict[str, str]:
    """What to do when a dbt test fails, where its YAML says (`config.meta.remedy`), by the check's name in the
    run summary (`<schema>/<model>:<test>`)."""
    nodes = _manifest()["nodes"]
    found = {}
    for node in nodes.values():
        remedy = (node["config"].get("meta") or {}).get("remedy")
        if node["resource_type"] == "test" and remedy and node.get("attached_node") in nodes:
            model = nodes[node["attached_node"]]
            found[f"{model['schema']}/{model['name']}:{node['name']}"] = remedy
    return found


def test_description(node: Mapping[str, Any]) -> str:
    """What a dbt test checks, for the UI where the test itself has no description: a singular test's opening
    comment, else the generic test with its column and arguments, and whether it blocks publishing."""
    severity = str(node["config"].get("severity", "error")).lower()
    blocking = "error: a failure holds back publishing" if severity == "error" else "warn: listed, never blocks"
    metadata = node.get("test_metadata") or {}
    if not metadata:
        comment = " ".join(
            line.removeprefix("--").strip() for line in node.get("raw_code", "").splitlines() if line.startswith("--")
        )
        return f"{comment or node['name']} ({blocking})"
    arguments = {
        name: value for name, value in (metadata.get("kwargs") or {}).items() if name not in ("model", "column_name")
    }
    arguments.update((node["config"].get("meta") or {}).get("arguments") or {})
    described = f"dbt test `{metadata['name']}`" + (
        f" on column `{node['column_name']}`" if node.get("column_name") else ""
    )
    if arguments:
        described += " with " + ", ".join(f"{name}={value}" for name, value in sorted(arguments.items()))
    return f"{described} ({blocking})"


A = dg.AutomationCondition
EAGER_ON_CHANGED_DATA = (
    A.in_latest_time_window()
    & (A.newly_missing() | A.any_deps_match(A.data_version_changed() | A.will_be_requested())).since_last_handled()
    & ~A.any_deps_missing()
    & ~A.any_deps_in_progress()
    & ~A.in_progress()
).with_label("eager, on changed data")
"""Dagster's `eager()`, with "a dependency was updated" read as "a dependency's data version changed"."""


translator = WarehouseTranslator(settings=DagsterDbtTranslatorSettings(enable_source_tests_as_checks=True))


@dbt_assets(
    manifest=dbt_project.manifest_path, project=dbt_project, dagster_dbt_translator=translator, pool=WAREHOUSE_POOL
)
def warehouse_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    """`dbt build` of the selected models, seeds and tests; row counts added once dbt has released the file."""
    refresh = full_refresh_args(context.run.tags)
    every_row = refresh or context.run.job_name == FULL_CHECK_JOB
    # dbt does not wait for a lock: wait here (AIMETRICS_WAREHOUSE_WAIT_S) for a reader or writer to let go, so
    # the build starts whole instead of failing with the raw tables ahead of the marts
    with connect_write() as conn:
        left, keys = leave_as_they_are(
            conn,
            _manifest(),
            DBT_PROJECT_DIR,
            context.selected_asset_keys,
            context.selected_asset_check_keys,
            reuse=not every_row,
        )
        forget_builds(conn, keys)
    if left.seeds:
        context.log.info(f"seeds whose file is the one loaded, left as they are: {', '.join(left.seeds)}")
    if left.models or left.tests:
        context.log.info(
            f"{len(left.models)} models and {len(left.tests)} tests whose inputs are those they were built or passed "
            "with, left as they are"
        )
    hold_the_build_lease(context.instance, context.run.run_id, context.log)
    events, invocation = [], None
    if not keys:  # every selected node is left: dbt would start (1.4 s, 2026-12-07) to run nothing
        context.log.info("nothing for dbt to build or check: dbt is not started")
    else:
        # dbt reads these when it starts, in this process or in its own; the warehouse path absolute, since dbt
        # resolves a relative one from its own folder where the loaders resolve it from the current one
        with (
            environment(CHECKED_THROUGH, None if every_row else checked_through()),
            environment(WAREHOUSE_PATH, str(warehouse_path())),
        ):
            leave = left.exclude_args(_manifest())
            build = ["--no-use-colors", "build", *PRODUCTION_BUILD_ARGS, *refresh, *leave]
            invocation = dbt.cli(build, context=context)
            try:
                with contextlib.redirect_stdout(FoldedDbtOutput(sys.stdout)):
                    for event in invocation.stream():
                        events.append(event)
            except BaseException:
                # what dbt built is still recorded; no row counts, since dbt may still hold the file, and the error
                # that stopped the stream is the one reported (not a lock conflict with dbt)
                yield from events
                raise
            finally:
                keep_parse_state(invocation.target_path)
                # after dbt, not beside it: 7 ms alone, 0.5 s while dbt's thread held the interpreter (2026-12-07)
                prune_invocations(invocation.target_path.parent, keep=KEPT_INVOCATIONS)
    # what dbt left as it was is still this run's: the steps after dbt (publishing) wait for every selected output.
    # First, as their parents in the run were left too (Dagster takes a multi-asset's outputs in dependency order)
    events[:0] = [
        dg.Output(
            None,
            output_name=context.assets_def.get_output_name_for_asset_key(key),
            metadata={LEFT_BECAUSE[kind][0]: f"before: {LEFT_BECAUSE[kind][1]}"},
        )
        for kind, keys_left in (("seed", left.seeds.values()), ("model", left.models.values()))
        for key in keys_left
    ] + left.check_results()
    # dbt holds the DuckDB file until it returns, so recording and counting happen after the stream, not beside it
    with connect_write() as conn:
        if invocation is not None:
            record_builds(conn, keys, _results_of(invocation.target_path))
        events = with_row_counts(context, events, conn)
    yield from events


# dbt's unit tests check the models' SQL on hand-written rows, not the data: the test suite runs them
# (tests/integration/test_dbt_unit_tests.py), every run would repeat the same answer (27 nodes, 2.6 s of dbt's
# 17.6 s on the fixture build, 2026-12-06).
PRODUCTION_BUILD_ARGS = ["--exclude-resource-type", "unit_test"]


KEPT_INVOCATIONS = 10
"""dagster-dbt gives each dbt call its own target folder (logs, compiled SQL, run results; the manifest too when dbt is a
subprocess); the newest stay."""


@functools.cache
def _manifest() -> dict:
    return json.loads(dbt_project.manifest_path.read_text())


LEFT_BECAUSE = {
    "seed": ("loaded", "its file is the one its table was loaded from (reference.seed_loads)"),
    "model": ("built", "its raw tables, seed files and code are those it was built from (reference.dbt_node_builds)"),
}


def _results_of(target: Path) -> dict | None:
    path = target / "run_results.json"
    return json.loads(path.read_text()) if path.exists() else None


def run_results(run_id: str) -> dict | None:
    """The `run_results.json` of a run's latest dbt call (dagster-dbt names its target folder after the op and the
    run; a step run again makes a second), or None where this machine has none (a step on another machine's worker)."""
    found = project_target(DBT_PROJECT_DIR).glob(f"{warehouse_dbt_models.op.name}-{run_id[:7]}-*/run_results.json")
    latest = max(found, key=lambda path: path.stat().st_mtime, default=None)
    return json.loads(latest.read_text()) if latest else None


def keep_parse_state(invocation_target: Path) -> None:
    """dbt parses the whole project again (3 s) when its saved parse state was made with other connection settings,
    such as another warehouse path. Each call starts from its warehouse's saved state (else the project's,
    orchestration/dbt_resources.py), so this call's state replaces its warehouse's: the next run against the same
    warehouse parses only what changed. Replaced atomically, since another process may read it at the same time; a
    state that cannot be kept (another process pruning its folder) costs the next run a parse, never this run."""
    state = invocation_target / "partial_parse.msgpack"
    if not state.exists():
        return
    saved = warehouse_parse_state(project_target(DBT_PROJECT_DIR))
    partial = saved.with_suffix(f".{os.getpid()}.tmp")
    try:
        saved.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(state, partial)
        os.replace(partial, saved)
    except OSError as error:
        dg.get_dagster_logger().warning(f"dbt's parse state not kept for the next run: {error}")
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)


def prune_invocations(folder: Path, keep: int) -> None:
    """The newest `keep` dbt target folders and warehouses' parse states stay (2 MB each; the tests make many)."""
    for pattern in ("warehouse_dbt_models-*", f"{PARSE_STATES}/*"):
        found = sorted(folder.glob(pattern), key=lambda path: path.stat().st_mtime, reverse=True)
        for old in found[keep:]:
            shutil.rmtree(old, ignore_errors=True)


CHECKED_THROUGH = "AIMETRICS_CHECKED_THROUGH"
WAREHOUSE_PATH = "AIMETRICS_DUCKDB_PATH"
FULL_CHECK_JOB = "materialize_everything"
"""The job whose runs (`aimetrics run`, the weekly schedule) check every row, whatever was published."""


def checked_through() -> str | None:
    """A moment before which every row of the build was in the published version, whose blocking checks passed:
    its publish time less AIMETRICS_RECHECK_MARGIN_S (a day), which covers a landing that was still open when
    that version was checked and machines whose clocks disagree. dbt's checks of keys over the whole history then
    read only the rows written since, and those that could duplicate them (tests/generic/unique_combination.sql).
    None before the first publish: they read everything."""
    try:
        with connect_published() as conn:
            manifest = stamp_of(conn)
    except WarehouseMissing:
        return None
    if not manifest:
        return None
    margin = timedelta(seconds=load_settings().recheck_margin_s)
    return (datetime.fromisoformat(manifest["published_at"]) - margin).isoformat()


@contextlib.contextmanager
def environment(name: str, value: str | None) -> Iterator[None]:
    """`name` set to `value` (or unset for None) for what starts inside, such as dbt (which reads it when it starts)."""
    before = os.environ.pop(name, None)
    if value is not None:
        os.environ[name] = value
    try:
        yield
    finally:
        os.environ.pop(name, None)
        if before is not None:
            os.environ[name] = before


def full_refresh_args(tags: Mapping[str, str]) -> list[str]:
    """`--full-refresh` for a run tagged so (`aimetrics run --full-refresh`): incremental models are rebuilt from
    all of their input, as after a change of their rules, instead of only what is new."""
    return ["--full-refresh"] if tags.get(FULL_REFRESH_TAG) == "true" else []


def with_row_counts(context: dg.AssetExecutionContext, events: list, conn) -> list:
    keys = {id(event): _event_key(context, event) for event in events}
    # tables only: counting a view runs it over the whole history (marts.gpu_prices joins every offer to its FX
    # rate), which made a day's run grow with the history. `aimetrics tables` still counts views.
    tables = {tuple(key.path) for key in keys.values() if key and len(key.path) == 2}
    counts = db_count_rows(conn, tables, views=False) if tables else {}
    enriched = []
    for event in events:
        key = keys[id(event)]
        if key and tuple(key.path) in counts:
            event = event.with_metadata({**event.metadata, "dagster/row_count": counts[tuple(key.path)]})
        enriched.append(event)
    return enriched


def _event_key(context: dg.AssetExecutionContext, event) -> dg.AssetKey | None:
    if isinstance(event, dg.Output):
        return context.asset_key_for_output(event.output_name)
    if isinstance(event, dg.AssetMaterialization):
        return event.asset_key
    return None


def dbt_resource() -> DbtCliResource:
    if load_settings().dbt_in_process:
        return InProcessDbtCliResource(project_dir=dbt_project)
    # The dbt installed beside this Python, so that it works without an activated virtualenv.
    # (or in the project's .venv, for tools such as `dg` that load the definitions from another Python)
    for beside_python in (Path(sys.prefix) / "bin" / "dbt", _PROJECT_BIN / "dbt"):
        if beside_python.exists():
            return LocalDbtCliResource(project_dir=dbt_project, dbt_executable=str(beside_python))
    return DbtCliResource(project_dir=dbt_project, dbt_executable=shutil.which("dbt") or "dbt")
