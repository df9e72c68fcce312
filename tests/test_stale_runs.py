"""A run whose process is gone keeps its warehouse slot until the next run frees it; a live run's slot is waited
for, with a message, for a bounded time (orchestration/stale_runs.py)."""

import signal
import subprocess
import sys
import threading
import time

import dagster as dg
import duckdb
import pytest

from orchestration.constants import WAREHOUSE_POOL
from orchestration.stale_runs import (
    HOST_TAG,
    PID_TAG,
    WarehousePoolBusy,
    free_abandoned_slots,
    run_tags,
    wait_for_the_warehouse_pool,
)


def _holding_run(instance: dg.DagsterInstance, pid: int) -> str:
    run = dg.DagsterRun(
        job_name="materialize_everything", status=dg.DagsterRunStatus.STARTED, tags={**run_tags(), PID_TAG: str(pid)}
    )
    instance.add_run(run)
    instance.event_log_storage.set_concurrency_slots(WAREHOUSE_POOL, 1)
    assert instance.event_log_storage.claim_concurrency_slot(WAREHOUSE_POOL, run.run_id, "raw__x").is_claimed
    return run.run_id


@pytest.fixture
def instance(tmp_path):
    with dg.instance_for_test(temp_dir=str(tmp_path)) as instance:
        yield instance


def test_the_slot_of_a_run_whose_process_is_gone_is_freed_and_the_run_failed(instance):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    run_id = _holding_run(instance, dead.pid)
    assert free_abandoned_slots(instance) == [run_id]
    assert instance.get_run_by_id(run_id).status == dg.DagsterRunStatus.FAILURE
    assert instance.event_log_storage.get_concurrency_info(WAREHOUSE_POOL).claimed_slots == []
    wait_for_the_warehouse_pool(instance, wait_s=0)  # free: returns at once


def test_a_live_run_is_waited_for_with_a_message_then_given_up(instance, capsys):
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        run_id = _holding_run(instance, alive.pid)
        with pytest.raises(WarehousePoolBusy, match=f"still held by run {run_id[:8]}.*after 1 s"):
            wait_for_the_warehouse_pool(instance, wait_s=1, poll_s=0.2)
        assert f"waiting for run {run_id[:8]}" in capsys.readouterr().err
        assert instance.get_run_by_id(run_id).status == dg.DagsterRunStatus.STARTED  # a live run is left alone
    finally:
        alive.kill()


def test_a_run_of_another_host_is_not_judged_by_its_pid(instance):
    run = dg.DagsterRun(job_name="x", status=dg.DagsterRunStatus.STARTED, tags={PID_TAG: "1", HOST_TAG: "elsewhere"})
    instance.add_run(run)
    instance.event_log_storage.set_concurrency_slots(WAREHOUSE_POOL, 1)
    instance.event_log_storage.claim_concurrency_slot(WAREHOUSE_POOL, run.run_id, "s")
    assert free_abandoned_slots(instance) == []


HOLD_THE_BUILD = """
import sys, time, duckdb
conn = duckdb.connect(sys.argv[1], read_only=True)
print("open", flush=True)
time.sleep(120)
"""


def _holding_the_build(warehouse_file) -> subprocess.Popen:
    """A client outside any run with the build database open, as a stopped notebook would have it."""
    from warehouse.db import build_path

    build = build_path(warehouse_file)
    build.parent.mkdir(parents=True)
    duckdb.connect(str(build)).close()
    holder = subprocess.Popen([sys.executable, "-c", HOLD_THE_BUILD, str(build)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "open"
    return holder


def test_a_stopped_process_holding_the_build_is_named_and_waited_for_the_whole_wait(instance, warehouse_file, capsys):
    """SIGSTOP on a process that holds the build: the next run names it, says it is stopped and how to resume it,
    and waits the whole wait (its steps once waited 30 s each and failed one by one, naming nobody)."""
    holder = _holding_the_build(warehouse_file)
    try:
        holder.send_signal(signal.SIGSTOP)
        started = time.monotonic()
        with pytest.raises(
            WarehousePoolBusy,
            match=rf"still held by process {holder.pid} \(.*python.*\), outside any "
            rf"run after 2 s; it is stopped \(SIGSTOP or Ctrl-Z\).*"
            rf"`kill -CONT {holder.pid}`",
        ):
            wait_for_the_warehouse_pool(instance, wait_s=2, poll_s=0.2)
        assert time.monotonic() - started >= 2
        assert f"waiting for process {holder.pid}" in capsys.readouterr().err
    finally:
        holder.kill()


def test_the_wait_ends_when_the_holder_lets_go(instance, warehouse_file):
    holder = _holding_the_build(warehouse_file)
    threading.Timer(1.5, holder.kill).start()
    started = time.monotonic()
    wait_for_the_warehouse_pool(instance, wait_s=30, poll_s=0.2)
    assert 1.5 <= time.monotonic() - started < 30


def test_a_stopped_run_is_said_to_be_stopped(instance, capsys):
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        alive.send_signal(signal.SIGSTOP)
        time.sleep(0.2)
        run_id = _holding_run(instance, alive.pid)
        with pytest.raises(WarehousePoolBusy, match=f"held by run {run_id[:8]} .*it is stopped"):
            wait_for_the_warehouse_pool(instance, wait_s=0.5, poll_s=0.2)
    finally:
        alive.kill()


def test_duckdbs_lock_error_is_recognised_and_names_the_holder(warehouse_file):
    """The coupling to DuckDB's wording (lock conflict, `(PID n)`) pinned on a real conflict."""
    from warehouse.db import _is_lock_error, describe_holder

    holder = _holding_the_build(warehouse_file)
    try:
        from warehouse.db import build_path

        with pytest.raises(duckdb.Error) as raised:
            duckdb.connect(str(build_path(warehouse_file)))
        assert _is_lock_error(raised.value)
        assert describe_holder(raised.value)[0].startswith(f"process {holder.pid} (")
    finally:
        holder.kill()
