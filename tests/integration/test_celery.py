"""Steps on Celery workers: a Redis broker, a `dagster-celery` worker process and `dagster asset materialize`
with AIMETRICS_EXECUTOR=celery land a source and build its dbt model into a DuckLake, in the DuckLake
environment. Every step is executed by the worker, not by the run's process. (The whole graph into DuckLake is
test_ducklake's: here it is the executor that is under test, on a raw step and a dbt step.)"""

import json
import os
import shutil
import signal
import socket
import subprocess
import time

import dagster as dg
import pytest

from tests.conftest import FIXTURE_MIRROR, PROJECT_ROOT
from tests.integration.test_ducklake import EXTENSIONS, LAKE_ENV, _lake_env

pytestmark = [pytest.mark.integration, pytest.mark.shared_engine]

REDIS = shutil.which("redis-server")
HAS_CELERY = (LAKE_ENV / "bin" / "dagster-celery").exists()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def redis_url(tmp_path):
    port = _free_port()
    server = subprocess.Popen(
        [REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    yield f"redis://127.0.0.1:{port}/0"
    server.terminate()
    server.wait(10)


@pytest.mark.skipif(
    EXTENSIONS is None or not HAS_CELERY,
    reason="no DuckLake environment with dagster-celery: `make ducklake-env` builds it (`make test-shared` does)",
)
@pytest.mark.skipif(REDIS is None, reason="no redis-server: `apt-get install redis-server` (.ci/run installs it)")
def test_steps_run_on_a_celery_worker_into_ducklake(tmp_path, monkeypatch, redis_url):
    env = {
        **_lake_env(tmp_path, FIXTURE_MIRROR),
        "AIMETRICS_EXECUTOR": "celery",
        "AIMETRICS_CELERY_BROKER": redis_url,
        "AIMETRICS_CELERY_BACKEND": redis_url,
        "AIMETRICS_WAREHOUSE_WAIT_S": "300",
    }
    # storage first: a worker and a run creating the same SQLite run storage at once race on its schema
    migrate = subprocess.run(
        [str(LAKE_ENV / "bin" / "dagster"), "instance", "migrate"],
        env=env,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert migrate.returncode == 0, migrate.stderr
    worker_config = tmp_path / "celery.yaml"
    worker_config.write_text(json.dumps({"execution": {"config": {"broker": redis_url, "backend": redis_url}}}))
    worker = subprocess.Popen(
        [
            str(LAKE_ENV / "bin" / "dagster-celery"),
            "worker",
            "start",
            "-A",
            "dagster_celery.app",
            "-y",
            str(worker_config),
            "--name",
            "aimetrics-test-worker",
            "--",
            "--concurrency",
            "2",
        ],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "worker.log").open("w"),
        start_new_session=True,
    )  # the wrapper starts `celery` as a child: stop the whole group
    try:
        run = subprocess.run(
            [
                str(LAKE_ENV / "bin" / "dagster"),
                "asset",
                "materialize",
                "-m",
                "orchestration.definitions",
                "--select",
                "raw/fx_rates,staging/stg_ecb__fx_rates",
            ],
            env=env,
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=600,
        )
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(30)
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-4000:] + (tmp_path / "worker.log").read_text()[-3000:]
    assert "RUN_SUCCESS" in output
    # every step was executed by the worker (it reports so in the run's event log); the run only submitted them
    monkeypatch.setenv("DAGSTER_HOME", env["DAGSTER_HOME"])  # the instance's dagster.yaml names its storage by it
    instance = dg.DagsterInstance.from_config(env["DAGSTER_HOME"])
    run_id = instance.get_run_records(limit=1)[0].dagster_run.run_id
    events = instance.all_logs(run_id, of_type={dg.DagsterEventType.ENGINE_EVENT, dg.DagsterEventType.STEP_SUCCESS})
    on_worker = {
        event.step_key
        for event in events
        if event.dagster_event.event_type == dg.DagsterEventType.ENGINE_EVENT and "in celery worker" in event.message
    }
    succeeded = {
        event.step_key for event in events if event.dagster_event.event_type == dg.DagsterEventType.STEP_SUCCESS
    }
    assert len(succeeded) >= 2 and succeeded <= on_worker, sorted(succeeded - on_worker)
    # read as the run's own checks do (the latest commit: two assets publish no version for readers)
    count = subprocess.run(
        [str(LAKE_ENV / "bin" / "python"), "-c", "from warehouse.db import connect_read\nwith connect_read() as c: "
         "print(c.execute('select count(*) from staging.stg_ecb__fx_rates').fetchone()[0])"],
        env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert count.returncode == 0, count.stderr
    assert int(count.stdout) > 100_000  # the ECB history, landed and read through dbt in the lake
