"""Where a run's steps execute (AIMETRICS_EXECUTOR).

- `in_process` (default): every step in the run's process, one DuckDB writer at a time. Fastest on one machine.
- `celery`: each step is a Celery task on workers (AIMETRICS_CELERY_BROKER, AIMETRICS_CELERY_BACKEND).
- `k8s`: each step is a Kubernetes Job (image, namespace and secrets in deploy/dagster-k8s.yaml and run config).

Steps on other processes or machines cannot share one DuckDB file, so `celery` and `k8s` need a shared
warehouse (AIMETRICS_WAREHOUSE=ducklake:... or md:...); asking for them with the local file is an error.
"""

import dagster as dg

from ingest.settings import env_name, load_settings
from warehouse.db import warehouse_target

# Every step needs the warehouse and source settings; secrets (catalog password, MOTHERDUCK_TOKEN, feed API keys)
# come from the cluster's secret store, never from these names' values in a config file.
STEP_ENV = [
    "AIMETRICS_WAREHOUSE",
    "AIMETRICS_DUCKLAKE_DATA_PATH",
    "AIMETRICS_DATA_DIR",
    "AIMETRICS_INBOX_DIR",
    "AIMETRICS_CACHE_DIR",
    "AIMETRICS_DBT_THREADS",
    "DO_NOT_TRACK",
]
DISTRIBUTED = ("celery", "k8s")


def celery_executor_config() -> dict:
    """The Celery executor's configuration, which every worker must share (`aimetrics worker` starts one with it).

    A step is acknowledged when it ends, not when a worker takes it, and a worker whose step process dies gives
    it back: so a step on a worker that was killed goes back to the queue and another worker takes it, once the
    visibility timeout has passed (AIMETRICS_CELERY_VISIBILITY_TIMEOUT_S; it must exceed the longest step, or a
    slow step is taken twice). Workers take one step per slot at a time, so steps spread over the workers."""
    timeout = load_settings().celery_visibility_timeout_s
    return {
        # named, not read: Dagster reads them, so a URL with a password never shows in a run's config
        "broker": {"env": env_name("celery_broker")},
        "backend": {"env": env_name("celery_backend")},
        "config_source": {
            "task_acks_late": True,
            "task_reject_on_worker_lost": True,
            "worker_prefetch_multiplier": 1,
            "broker_transport_options": {
                "visibility_timeout": timeout,
                # look for steps of lost workers every quarter of the timeout (kombu: every 100 s by default)
                "unacked_restore_interval": max(1, min(10, timeout // 4)),
                "unacked_restore_throttle": 1,
            },
        },
    }


def selected_executor() -> dg.ExecutorDefinition:
    name = load_settings().executor.strip() or "in_process"
    if name == "in_process":
        return dg.in_process_executor
    if name not in DISTRIBUTED:
        raise ValueError(f"AIMETRICS_EXECUTOR={name!r}: expected in_process, celery or k8s")
    if warehouse_target().kind == "file":
        raise ValueError(
            f"AIMETRICS_EXECUTOR={name} runs steps in other processes and machines, which cannot share "
            "one DuckDB file: set AIMETRICS_WAREHOUSE to a shared engine (ducklake:... or md:...)"
        )
    if name == "celery":
        from dagster_celery import celery_executor

        return celery_executor.configured(celery_executor_config(), name="celery_executor")
    from dagster_k8s import k8s_job_executor

    return k8s_job_executor.configured(
        {
            "env_vars": STEP_ENV,
            "env_secrets": ["aimetrics-secrets"],
            "max_concurrent": 4,
        },
        name="k8s_job_executor",
    )
