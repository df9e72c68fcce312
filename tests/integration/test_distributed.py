"""The whole graph on a deployment of several processes (tests/deployment.py): a DuckLake whose catalog is a
Postgres database and whose Parquet files are in an S3-compatible store, Dagster's run, event and schedule storage
in Postgres, and two Celery workers executing the steps, with the warehouse pool at 4. The marts must equal a run
into the local file, and readers must see the published snapshot, not what a later writer left half-done."""

import json

import dagster as dg
import pytest

from tests.deployment import Deployment, missing_parts
from tests.integration.test_ducklake import COUNTS_SQL, assert_marts_match_the_local_file

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(bool(missing_parts()), reason="no deployment here: needs " + "; ".join(missing_parts())),
    pytest.mark.xdist_group("fixture_warehouse"),
]

WORKERS = ("worker-a", "worker-b")


@pytest.fixture(scope="module")
def deployment(tmp_path_factory, built_fixture_warehouse):
    deployment = Deployment(tmp_path_factory.mktemp("deployment"), built_fixture_warehouse.mirror).start()
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
