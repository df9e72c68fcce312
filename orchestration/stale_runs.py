"""Runs whose process is gone (an OOM kill, a container stop, SIGKILL) stay STARTED in the instance and keep
their slot in the warehouse pool, so every later run would wait for ever. Before a run starts, such runs are
marked failed and their slots freed; a slot held by a run that is alive is waited for, with a message, for a
bounded time."""

from __future__ import annotations

import os
import socket
import sys
import time

import dagster as dg

from ingest.settings import load_settings
from orchestration.constants import WAREHOUSE_POOL
from warehouse import build_lease
from warehouse.db import build_path, connect_write, file_holder, stopped_note, warehouse_target

PID_TAG, HOST_TAG = "aimetrics/pid", "aimetrics/host"
ACTIVE = {
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.CANCELING,
}


class WarehousePoolBusy(RuntimeError):
    """Another live run holds the warehouse pool for longer than the wait allows."""


def run_tags() -> dict[str, str]:
    """Tags that let a later run tell whether this run's process is still alive."""
    return {PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname()}


def _process_is_gone(run: dg.DagsterRun) -> bool:
    pid, host = run.tags.get(PID_TAG), run.tags.get(HOST_TAG)
    if not pid or host != socket.gethostname():
        return False  # not ours to judge: Dagster's run monitoring (dagster.yaml) watches daemon-launched runs
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def free_abandoned_slots(instance: dg.DagsterInstance) -> list[str]:
    """Mark runs whose process is gone as failed and free the pool slots of every run that is not active;
    returns the ids of the runs set free."""
    freed = []
    storage = instance.event_log_storage
    for run_id in storage.get_concurrency_run_ids():
        run = instance.get_run_by_id(run_id)
        if run is None or run.status not in ACTIVE:
            storage.free_concurrency_slots_for_run(run_id)
            freed.append(run_id)
        elif _process_is_gone(run):
            instance.report_run_failed(
                run,
                f"the process of this run (pid {run.tags[PID_TAG]}) is gone; "
                "marked failed by the next run, which freed its warehouse slot",
            )
            storage.free_concurrency_slots_for_run(run_id)
            freed.append(run_id)
    return freed


def _holders(instance: dg.DagsterInstance) -> list[dg.DagsterRun]:
    info = instance.event_log_storage.get_concurrency_info(WAREHOUSE_POOL)
    run_ids = {slot.run_id for slot in info.claimed_slots} if info else set()
    return [run for run in (instance.get_run_by_id(run_id) for run_id in run_ids) if run is not None]


def wait_for_the_warehouse_pool(instance: dg.DagsterInstance, wait_s: float, poll_s: float = 2.0) -> None:
    """Return when no other live run holds the warehouse pool; say so on the console while waiting, and raise
    WarehousePoolBusy after `wait_s` seconds."""
    deadline, said = time.monotonic() + wait_s, None
    while True:
        free_abandoned_slots(instance)
        holders = _holders(instance)
        if holders:
            names = "run " + ", ".join(
                f"{run.run_id[:8]} ({run.job_name}, pid {run.tags.get(PID_TAG, '?')})" for run in holders
            )
            note = "".join(_stopped(run) for run in holders)
            advice = "try again when it has finished, or cancel it in the Dagster UI"
        elif (held := _build_file_holder()) is not None:
            (names, note), advice = held, "try again when it has let go of the file"
            names += ", outside any run"
        else:
            return
        if time.monotonic() >= deadline:
            raise WarehousePoolBusy(f"the warehouse is still held by {names} after {wait_s:g} s{note}; {advice}")
        if said != names + note:  # once per holder (and again when it changes, e.g. once it is stopped)
            print(
                f"waiting for {names}, which holds the warehouse (up to {wait_s:g} s){note}",
                file=sys.stderr,
                flush=True,
            )
            said = names + note
        time.sleep(poll_s)


def _stopped(run: dg.DagsterRun) -> str:
    return stopped_note(run.tags.get(PID_TAG, "?")) if run.tags.get(HOST_TAG) == socket.gethostname() else ""


def _build_file_holder() -> tuple[str, str] | None:
    """A process outside any run that holds the build database (a stopped client, a stray dbt): without this wait
    the run's steps would each wait for it and fail one by one."""
    return file_holder(build_path()) if warehouse_target().kind == "file" else None


def hold_the_build_lease(instance: dg.DagsterInstance, run_id: str, log) -> None:
    """On a DuckLake, take the build lease for this run before it builds or publishes (warehouse/build_lease.py),
    waiting (AIMETRICS_RUN_WAIT_S) while another active run builds; a no-op on the local file, whose writers
    already take turns."""
    if warehouse_target().kind != "ducklake":
        return

    def is_active(holder: str) -> bool:
        run = instance.get_run_by_id(holder)
        return run is not None and run.status in ACTIVE

    with connect_write() as conn:
        taken_from = build_lease.take(
            conn,
            run_id,
            is_active,
            wait_s=load_settings().run_wait_s,
            on_wait=lambda holder: log.info(f"waiting for run {holder}, which is building the warehouse"),
        )
    if taken_from:
        log.info(f"took the build lease over from run {taken_from}, which is no longer active")
