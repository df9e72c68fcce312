"""How the dbt step runs dbt: by default inside the step's own process, through dbt's programmatic API
(`dbtRunner`), instead of a `dbt` subprocess per run (`LocalDbtCliResource`, kept for AIMETRICS_DBT_IN_PROCESS=false).
The subprocess started Python, imported dbt (1.4 s) and wrote every event as a JSON line that this process parsed
again; a daily GPU price run spent about 2 s of its 8 there (2026-12-07, 30 days of history). dbt's JSON artifacts
are not written either (`--no-write-json`: the manifest twice, 0.45 s a run, while Dagster holds the manifest
already); `run_results.json` is, from the invocation's result, for `dbt retry` and for people.

Everything else is dagster-dbt's: the selection it derives from the run, the target folder per call, the events it
turns into materializations and check results. Only the process is replaced: `InProcessDbt` stands where
dagster-dbt keeps its `subprocess.Popen`, and hands over dbt's events as the dicts the JSON lines held.

dbt runs on a worker thread, so that its events stream to Dagster while it builds (dbt supports one invocation at a
time per process; a step runs one). dbt-duckdb keeps its DuckDB database open after an invocation (until the
process exits); it is closed when dbt returns, so the step can count rows in the file right after."""

from __future__ import annotations

import hashlib
import importlib.metadata
import queue
import shutil
import sys
import threading
from collections.abc import Iterator, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import dagster as dg
from dagster._core.errors import DagsterExecutionInterruptedError
from dagster_dbt import DagsterDbtTranslator, DbtCliInvocation, DbtCliResource
from dagster_dbt.asset_utils import extract_runtime_selection_from_args, get_updated_cli_invocation_params_for_context
from dagster_dbt.core.dbt_cli_invocation import PARTIAL_PARSE_FILE_NAME, _get_dbt_target_path
from dagster_dbt.dagster_dbt_translator import validate_opt_translator
from dagster_dbt.dbt_manifest import validate_manifest
from packaging import version

from warehouse.db import warehouse_path, warehouse_target

_DONE = object()


class LocalDbtCliResource(DbtCliResource):
    """dbt-core installed beside this Python, without two fixed costs of dagster-dbt in every run (measured on a
    daily GPU price run of 16.7 s): `dbt --version` in a subprocess (3 s; the installed package says it), and a
    dbt adapter built in this process (1.5 s), which serves only fetch_column_metadata, unused here (row counts
    are read after dbt has let go of the DuckDB file)."""

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(importlib.metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args):
        return None

    def cli(self, args: Sequence[str], *, target_path: Path | None = None, context=None, **kwargs) -> DbtCliInvocation:
        """dagster-dbt's call, started from this warehouse's parse state (else the project's, as dagster-dbt does)."""
        target = Path(target_path or self._get_unique_target_path(context=context))
        project_dir = Path(self.project_dir)
        _start_from_saved_parse(project_dir, target if target.is_absolute() else project_dir / target)
        return super().cli(args, target_path=target, context=context, **kwargs)


class InProcessDbt:
    """What dagster-dbt reads of a dbt subprocess (`args`, `returncode`, `wait`, the events), for a dbt invocation
    on a thread of this process. dbt reads this process's environment (`env_var()` in the project) when it starts."""

    def __init__(self, args: Sequence[str], target: Path):
        self.args = ["dbt", *args]
        self.target = target
        self.returncode: int | None = None
        self.exception: BaseException | None = None
        self._events: queue.Queue = queue.Queue()
        self._finished = False
        self._thread = threading.Thread(target=self._invoke, args=(list(args),), name="dbt", daemon=True)
        self._thread.start()

    def _invoke(self, args: list[str]) -> None:
        from dbt.cli.main import dbtRunner
        from dbt_common.events.functions import msg_to_dict

        def forward(message) -> None:
            if message.info.level != "debug":  # what dbt would print at its default log level
                self._events.put(msg_to_dict(message))

        try:
            result = dbtRunner(callbacks=[forward]).invoke(args)
            if write_results := getattr(result.result, "write", None):  # what a build or test ran, and how it ended
                write_results(str(self.target / "run_results.json"))
            self.exception = result.exception
            self.returncode = 0 if result.success else (2 if result.exception else 1)
        except BaseException as error:  # noqa: BLE001 - reported through returncode, as a process's crash would be
            self.exception, self.returncode = error, 2
        finally:
            _close_dbts_database()
            self._events.put(_DONE)

    def events(self) -> Iterator[dict[str, Any]]:
        """dbt's events once, as a process's output is read once; read again, nothing."""
        if self._finished:
            return
        while (event := self._next()) is not _DONE:
            yield event
        self._finished = True

    def _next(self):
        while True:
            try:
                return self._events.get(timeout=0.2)  # a short wait, so that an interrupt is seen at once
            except queue.Empty:
                continue

    def wait(self, timeout: float | None = None) -> int | None:
        self._thread.join(timeout)
        return self.returncode


class InProcessDbtCliInvocation(DbtCliInvocation):
    def _stream_stdout(self) -> Iterator[str | dict[str, Any]]:
        try:
            for event in self.process.events():
                if event["info"]["level"] == "error":
                    self._error_messages.append(event["info"]["msg"])
                yield event
        except DagsterExecutionInterruptedError:
            sys.stdout.write("dbt interrupted: the step stops; dbt ends with its process\n")
            raise
        if self.process.exception is not None and not self._error_messages:
            self._error_messages.append(f"{type(self.process.exception).__name__}: {self.process.exception}")


class InProcessDbtCliResource(LocalDbtCliResource):
    """dagster-dbt's resource with dbt run in this process."""

    def cli(
        self,
        args: Sequence[str],
        *,
        raise_on_error: bool = True,
        manifest=None,
        dagster_dbt_translator: DagsterDbtTranslator | None = None,
        context=None,
        target_path: Path | None = None,
    ) -> DbtCliInvocation:
        translator = validate_opt_translator(dagster_dbt_translator) or DagsterDbtTranslator()
        cleaned, selects, excludes = extract_runtime_selection_from_args(args)
        params = get_updated_cli_invocation_params_for_context(
            context=context,
            manifest=validate_manifest(manifest) if manifest else {},
            dagster_dbt_translator=translator,
            runtime_selects=selects,
            runtime_excludes=excludes,
        )
        project_dir = Path(params.dbt_project.project_dir if params.dbt_project else self.project_dir)
        target = Path(target_path or self._get_unique_target_path(context=context))
        target = target if target.is_absolute() else project_dir / target
        _start_from_saved_parse(project_dir, target)
        profile = [
            *(["--profile", self.profile] if self.profile else []),
            *(["--target", self.target] if self.target else []),
        ]
        locations = ["--project-dir", str(project_dir), "--target-path", str(target), "--log-path", str(target)]
        if self.profiles_dir:
            locations += ["--profiles-dir", str(self.profiles_dir)]
        if params.indirect_selection:
            locations += ["--indirect-selection", params.indirect_selection]
        dbt_args = [*self.global_config_flags, *cleaned, *profile, *params.selection_args, *locations]
        # its events come through the callback, not as printed lines; its run results are written from the result
        quiet = ["--log-level", "none", "--no-write-json", "--no-send-anonymous-usage-stats"]
        process = InProcessDbt([*dbt_args, *quiet], target)
        dg.get_dagster_logger().info(f"Running dbt command: `dbt {' '.join(dbt_args)}` in this process.")
        return InProcessDbtCliInvocation(
            process=process,  # type: ignore[arg-type]  # stands where dagster-dbt keeps its subprocess
            manifest=params.manifest,
            project=params.dbt_project,
            dagster_dbt_translator=params.dagster_dbt_translator,
            project_dir=project_dir,
            target_path=target,
            raise_on_error=raise_on_error,
            context=context,
            adapter=None,
            cli_version=self._cli_version,
        )


def _close_dbts_database() -> None:
    """dbt-duckdb keeps its database in a class attribute until the process ends, and closes the file when its last
    handle is closed; a handle that outlives the call (seen once in a run among readers, 2026-12-07) kept the file
    open with dbt's configuration, and the step's read-only connection for the row counts was refused. Closed here
    whatever is left: closing the database's connection closes the cursors dbt's handles hold."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    with DuckDBConnectionManager._LOCK:
        environment, DuckDBConnectionManager._ENV = DuckDBConnectionManager._ENV, None
    if environment is not None:
        environment.close()


PARSE_STATES = "parse_states"


def project_target(project_dir: Path) -> Path:
    """The folder dagster-dbt puts each call's target folder in (DBT_TARGET_PATH, `target` by default), and where
    the parse states are kept."""
    saved_target = _get_dbt_target_path()
    return saved_target if saved_target.is_absolute() else project_dir / saved_target


def warehouse_parse_state(project_target: Path) -> Path:
    """Where the parse state of this run's warehouse is kept. dbt parses the whole project again (3 s) when its saved
    state was made for another connection (tests/unit/test_dbt_invocations.py), so each warehouse keeps its own:
    runs into two warehouses in turn (a local file and a DuckLake, the tests or the bench beside the schedule) do not
    make each other parse everything, and the project's own state (`make setup`'s, for the warehouse `make run`
    builds) stays what a warehouse without one starts from."""
    warehouse = f"{warehouse_target()!r}|{warehouse_path().resolve()}"
    key = hashlib.sha256(warehouse.encode()).hexdigest()[:16]
    return project_target / PARSE_STATES / key / PARTIAL_PARSE_FILE_NAME


def _start_from_saved_parse(project_dir: Path, target: Path) -> None:
    """dbt parses only what changed when the target folder holds a saved parse state (as dagster-dbt does for its
    subprocess, from the project's)."""
    if (target / PARTIAL_PARSE_FILE_NAME).exists():
        return
    saved_in = project_target(project_dir)
    for saved in (warehouse_parse_state(saved_in), saved_in / PARTIAL_PARSE_FILE_NAME):
        if saved.exists():
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy(saved, target / PARTIAL_PARSE_FILE_NAME)
            return
