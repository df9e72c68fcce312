"""The whole graph on a deployment of several processes (tests/deployment.py): a DuckLake whose catalog is a
Postgres database and whose Parquet files are in an S3-compatible store, Dagster's run, event and schedule storage
in Postgres, and two Celery workers executing the steps, with the warehouse pool at 4. The marts must equal a run
into the local file, and readers must see the published snapshot, not what a later writer left half-done.

Then the faults of a distributed run, in this order (each leaves the deployment whole for the next): the catalog's
server restarted during a run, a worker killed in the middle of the dbt step (its run is also the first after the
restart), and two runs landing different sources at once (the only test that changes the deployment's copy of the
mirror)."""

import csv
import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import dagster as dg
import pytest

from tests.deployment import Deployment, missing_parts
from tests.integration.test_ducklake import COUNTS_SQL, assert_marts_match_the_local_file

pytestmark = [
    pytest.mark.integration,
    pytest.mark.shared_engine,
    pytest.mark.skipif(bool(missing_parts()), reason="no deployment here: needs " + "; ".join(missing_parts())),
    pytest.mark.xdist_group("deployment"),  # its own process: much of it is waiting (timeouts, restarts)
]

WORKERS = ("worker-a", "worker-b")


@pytest.fixture(scope="module")
def deployment(tmp_path_factory, built_fixture_warehouse):
    root = tmp_path_factory.mktemp("deployment")
    mirror = shutil.copytree(built_fixture_warehouse.mirror, root / "mirror")  # its own: a fault test changes it
    deployment = Deployment(root, mirror).start()
    try:
        for name in WORKERS:
            deployment.start_worker(name)
        yield deployment
    finally:
        deployment.stop()


@pytest.fixture(scope="module")
def first_run(deployment):
    return deployment.aimetrics("run")


def _instance(deployment: Deployment, monkeypatch) -> dg.DagsterInstance:
    """The deployment's Dagster instance (run and event storage in its Postgres), as a worker opens it."""
    for name, value in deployment.env().items():
        if name.startswith("DAGSTER_"):
            monkeypatch.setenv(name, value)
    return dg.DagsterInstance.from_config(deployment.env()["DAGSTER_HOME"])


def test_the_whole_graph_runs_on_both_workers_and_matches_the_local_file(
    deployment, first_run, built_fixture_warehouse, monkeypatch
):
    output = first_run.stdout + first_run.stderr
    assert first_run.returncode == 0, output[-4000:] + deployment.worker_log("worker-a")[-2000:]
    assert "Warehouse: DuckLake" in first_run.stdout and "0 failed" in first_run.stdout
    assert "Published: version " in first_run.stdout

    # every step ran on a worker, and both workers ran steps (the workers' engine events in the Postgres event log)
    instance = _instance(deployment, monkeypatch)
    run = instance.get_run_records(limit=1)[0].dagster_run
    assert run.status == dg.DagsterRunStatus.SUCCESS
    events = instance.all_logs(run.run_id, of_type={dg.DagsterEventType.ENGINE_EVENT, dg.DagsterEventType.STEP_SUCCESS})
    worker_of = {
        event.step_key: str(event.dagster_event.engine_event_data.metadata["Celery worker"].value)
        for event in events
        if event.dagster_event.event_type == dg.DagsterEventType.ENGINE_EVENT and "in celery worker" in event.message
    }
    succeeded = {e.step_key for e in events if e.dagster_event.event_type == dg.DagsterEventType.STEP_SUCCESS}
    assert len(succeeded) > 20 and succeeded <= set(worker_of), sorted(succeeded - set(worker_of))
    assert {name.split("@")[0] for name in worker_of.values()} == set(WORKERS)

    # the data are Parquet files in the object store; the catalog is tables in Postgres
    assert sum(key.endswith(".parquet") for key in deployment.s3_keys()) > 50
    assert "ducklake_snapshot" in deployment.psql(
        "select table_name from information_schema.tables where table_name = 'ducklake_snapshot'", "aimetrics_lake"
    )

    query = deployment.aimetrics("query", "--format", "json", COUNTS_SQL)
    assert_marts_match_the_local_file(query, built_fixture_warehouse.path, monkeypatch)


def test_no_key_or_password_is_written_to_the_output_or_the_worker_logs(deployment, first_run):
    written = first_run.stdout + first_run.stderr + "".join(deployment.worker_log(name) for name in WORKERS)
    for secret in (deployment.password, deployment.s3_secret):
        assert secret not in written


DBT_STARTS = "Running dbt command"
"""What a worker's log says when it starts the dbt step."""
SHORT_VISIBILITY_S = "45"
"""A killed worker's step goes back to the queue after this long; above the longest step of a fixture run."""


def _published(deployment: Deployment) -> list[str]:
    found = deployment.aimetrics("query", "--format", "json", "select version from meta.published_snapshots")
    assert found.returncode == 0, found.stderr[-2000:]
    return sorted(row["version"] for row in json.loads(found.stdout))


def _restart_workers(deployment: Deployment, **env: str) -> None:
    for name in WORKERS:
        if name in deployment.workers:
            deployment.kill_worker(name, signal.SIGTERM)
        deployment.start_worker(name, **env)


def _finished(run: subprocess.Popen, deployment: Deployment, log: str, seconds: float = 600) -> tuple[int, str]:
    try:
        code = run.wait(seconds)
    except subprocess.TimeoutExpired:
        run.kill()
        output = (deployment.root / log).read_text(errors="replace")
        raise AssertionError(f"the run did not end within {seconds:g} s: {output[-3000:]}") from None
    return code, (deployment.root / log).read_text(errors="replace")


def test_a_catalog_restart_during_a_run_leaves_readers_on_a_published_version(deployment, first_run):
    assert first_run.returncode == 0
    counts = deployment.aimetrics("query", "--format", "json", COUNTS_SQL)
    published = _published(deployment)
    seen = deployment.log_counts(DBT_STARTS)
    run = deployment.popen_aimetrics("run", "--job", "refresh_epoch", log="restart-run.log")
    deployment.wait_for_worker_log(DBT_STARTS, seen)
    time.sleep(2)
    deployment.stop_postgres("fast")  # every connection to the catalog and to Dagster's storage is cut
    time.sleep(3)
    deployment.start_postgres()
    code, output = _finished(run, deployment, "restart-run.log")

    now_published = _published(deployment)
    if code == 0:  # it resumed: a whole run, published
        assert "Published: version " in output and len(now_published) == len(published) + 1, output[-3000:]
    else:  # it failed, saying so, and published nothing
        assert "NOT PUBLISHED" in output and now_published == published, output[-3000:]
    # either way, readers see whole versions: the same marts as before the run (its input did not change)
    after = deployment.aimetrics("query", "--format", "json", COUNTS_SQL)
    assert after.returncode == 0, after.stderr[-2000:]
    assert json.loads(after.stdout) == json.loads(counts.stdout)
    # the next run goes through: the next test's, which takes the build lease over from this one if it failed


def test_a_worker_killed_in_the_middle_of_the_dbt_step_has_it_run_again_by_the_other(
    deployment, first_run, built_fixture_warehouse, monkeypatch
):
    assert first_run.returncode == 0
    published = _published(deployment)
    short = {"AIMETRICS_CELERY_VISIBILITY_TIMEOUT_S": SHORT_VISIBILITY_S}
    _restart_workers(deployment, **short)
    try:
        seen = deployment.log_counts(DBT_STARTS)
        run = deployment.popen_aimetrics("run", "--job", "refresh_epoch", log="kill-run.log", **short)
        victim = deployment.wait_for_worker_log(DBT_STARTS, seen)
        time.sleep(1)
        deployment.kill_worker(victim)  # SIGKILL to the worker's process group: the step's process dies with it
        code, output = _finished(run, deployment, "kill-run.log")
        assert code == 0, output[-3000:]
        assert "Published: version " in output and "0 failed" in output
        (survivor,) = set(WORKERS) - {victim}
        assert deployment.worker_log(survivor).count(DBT_STARTS) > seen[survivor], "the other worker ran no dbt step"
        assert len(_published(deployment)) == len(published) + 1
        # no row twice, none lost: the marts still equal a run into the local file
        query = deployment.aimetrics("query", "--format", "json", COUNTS_SQL)
        assert_marts_match_the_local_file(query, built_fixture_warehouse.path, monkeypatch)
    finally:
        _restart_workers(deployment)  # the default visibility timeout again: a step may wait for the build lease


def _add_a_model(mirror: Path, name: str) -> None:
    path = mirror / "epoch_ai_models" / "notable_ai_models.csv"
    with path.open(newline="") as file:
        rows = list(csv.reader(file))
    rows.append([name, *rows[1][1:]])
    with path.open("w", newline="") as file:
        csv.writer(file).writerows(rows)


def _raise_a_price(mirror: Path) -> None:
    """A new version of the catalog of the same day: a mirror's catalog is observed on its file's modification day
    (which a fixture copy keeps from the checkout), so the file keeps its modification time."""
    path = mirror / "gpu_prices" / "skypilot_catalog" / "v7" / "examplecloud" / "vms.csv"
    modified = path.stat()
    with path.open(newline="") as file:
        rows = list(csv.DictReader(file))
    rows[0]["Price"] = f"{float(rows[0]['Price']) + 0.01:.2f}"
    with path.open("w", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    os.utime(path, ns=(modified.st_atime_ns, modified.st_mtime_ns))


def test_two_runs_landing_different_sources_at_once_both_land_and_publish_in_turn(deployment, first_run):
    assert first_run.returncode == 0
    published = _published(deployment)
    _add_a_model(deployment.mirror, "Concurrent-LM")
    _raise_a_price(deployment.mirror)
    runs = {
        "refresh_epoch": deployment.popen_aimetrics("run", "--job", "refresh_epoch", log="epoch-run.log"),
        "refresh_gpu_prices": deployment.popen_aimetrics("run", "--job", "refresh_gpu_prices", log="prices-run.log"),
    }
    for job, log in (("refresh_epoch", "epoch-run.log"), ("refresh_gpu_prices", "prices-run.log")):
        code, output = _finished(runs[job], deployment, log)
        assert code == 0 and "Published: version " in output, f"{job}: {output[-3000:]}"
    assert len(_published(deployment)) == len(published) + 2

    landed = deployment.aimetrics(
        "query", "--format", "json",
        "select (select count(*) from raw.epoch_notable_models where model = 'Concurrent-LM') as model, "
        "(select count(*) from raw.deliveries where source = 'skypilot_catalog' and status = 'superseded') as prices, "
        "(select count(*) from meta.build_lease where run_id is not null) as lease_held",
    )  # fmt: skip
    assert landed.returncode == 0, landed.stderr[-2000:]
    assert json.loads(landed.stdout) == [{"model": 1, "prices": 1, "lease_held": 0}]


WRITE_HALF_A_BUILD = """
from warehouse.db import connect_write
with connect_write() as conn:
    conn.execute("delete from marts.frontier_runs")
"""


def test_readers_see_the_published_snapshot_not_a_later_half_built_one(deployment, first_run):
    assert first_run.returncode == 0
    count = "select count(*) as n from marts.frontier_runs"
    before = json.loads(deployment.aimetrics("query", "--format", "json", count).stdout)[0]["n"]
    assert before > 0

    # a writer that has emptied a mart and not published (a run half-way through its dbt build)
    written = deployment.lake("python", "-c", WRITE_HALF_A_BUILD)
    assert written.returncode == 0, written.stderr[-2000:]

    after = deployment.aimetrics("query", "--format", "json", count)
    assert after.returncode == 0, after.stderr
    assert json.loads(after.stdout)[0]["n"] == before
    # the run's own checks read the latest commit: there, the mart is empty
    latest = deployment.lake(
        "python", "-c", "from warehouse.db import connect_read\nwith connect_read() as c: print(c.execute('"
        + count + "').fetchone()[0])",
    )  # fmt: skip
    assert latest.stdout.strip() == "0", latest.stderr[-2000:]
