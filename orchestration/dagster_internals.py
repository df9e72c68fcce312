"""Where this code leans on what Dagster does not promise: the text of its messages and one private import. Each
assumption is one small function here, pinned by tests/unit/test_dagster_internals.py against the installed Dagster,
so an upgrade that changes one fails that test, not a run's console or summary."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import dagster as dg

FAILURE_PREFIX = f"{dg.Failure.__module__}.{dg.Failure.__qualname__}: "
"""How a step's error message names a raised dg.Failure (its class path), before the description."""

_JOB_AND_RUN = re.compile(r"^[\w.]+ - [0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12} - (\d+ - )?")
"""Dagster's log message starts `<job> - <run id> - [<pid> - ]<step> - `: the same on every line of a run."""


def without_failure_prefix(text: str) -> str:
    """A step failure's message without the class path of dg.Failure: the description the step gave."""
    return text.replace(FAILURE_PREFIX, "")


def without_job_and_run(text: str) -> str:
    """A run's log message from its step on (the summary names the job and run once)."""
    return _JOB_AND_RUN.sub("", text)


def last_success_of_check(instance: dg.DagsterInstance, check_key: dg.AssetCheckKey) -> datetime | None:
    """When the check last succeeded (its evaluation's planned time), or None. The status filter is not public API."""
    from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionRecordStatus

    history = instance.event_log_storage.get_asset_check_execution_history(
        check_key, limit=1, status={AssetCheckExecutionRecordStatus.SUCCEEDED}
    )
    return datetime.fromtimestamp(history[0].create_timestamp, UTC) if history else None


def reconstructable_job(module: str, attribute: str, job_name: str):
    """A job of the Definitions `attribute` of `module` as a code pointer other processes load (Celery workers run
    its steps): `dg.reconstructable` takes only a job function defined at a module's top level."""
    import os

    from dagster._core.definitions.reconstruct import ReconstructableRepository

    return ReconstructableRepository.for_module(
        module, attribute, working_directory=os.getcwd()
    ).get_reconstructable_job(job_name)
