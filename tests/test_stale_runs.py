"""A run whose process is gone keeps its warehouse slot until the next run frees it; a live run's slot is waited
for, with a message, for a bounded time (orchestration/stale_runs.py)."""

import subprocess
import sys

import dagster as dg
import pytest

from orchestration.constants import WAREHOUSE_POOL
from orchestration.stale_runs import (HOST_TAG, PID_TAG, WarehousePoolBusy, free_abandoned_slots, run_tags,
                                      wait_for_the_warehouse_pool)


def _holding_run(instance: dg.DagsterInstance, pid: int) -> str:
    run = dg.DagsterRun(job_name="materialize_everything", status=dg.DagsterRunStatus.STARTED,
                        tags={**run_tags(), PID_TAG: str(pid)})
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
