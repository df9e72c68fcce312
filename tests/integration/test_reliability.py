"""Crashes, concurrent writers and source outages: the warehouse stays readable and nothing half-loads."""

import subprocess
import sys
import textwrap
import time

import dagster as dg
import httpx
import pytest

from ingest import fetch as fetch_module
from ingest.settings import load_settings
from orchestration.definitions import defs
from tests.conftest import FIXTURE_MIRROR, PROJECT_ROOT
from warehouse.db import connect_read

pytestmark = pytest.mark.integration

TRACKER = FIXTURE_MIRROR / "gpu_pricing_tracker" / "observations.csv"

LANDER = textwrap.dedent("""
    import sys, time
    from ingest.delivery import Delivery
    from ingest.sources import SOURCES
    from warehouse import ledger
    from warehouse.land import land_source

    pause = float(sys.argv[2])
    original = ledger.log_delivery
    def slow_log(*args, **kwargs):
        print("inserted, not committed", flush=True)
        time.sleep(pause)
        return original(*args, **kwargs)
    ledger.log_delivery = slow_log
    delivery = Delivery.from_file("gpu_pricing_tracker", "latest", sys.argv[1], __import__("pathlib").Path(sys.argv[3]))
    report = land_source(SOURCES["gpu_pricing_tracker"], deliveries=[delivery])
    print("done", report.deliveries[0].outcome.status, flush=True)
""")


def _lander(source_file: str, pause: float) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", LANDER, source_file, str(pause), str(TRACKER)],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )


def _rows(source_file: str) -> int:
    with connect_read() as conn:
        exists = conn.execute(
            "select count(*) from information_schema.tables where table_name = 'gpu_tracker_observations'"
        ).fetchone()[0]
        if not exists:
            return 0
        return conn.execute(
            "select count(*) from raw.gpu_tracker_observations where _source_file = ?", [source_file]
        ).fetchone()[0]


def test_a_load_killed_mid_transaction_leaves_no_trace_and_the_next_run_completes_it():
    first = _lander("a.csv", 0)
    assert first.wait(timeout=120) == 0
    assert _rows("a.csv") == 4
    victim = _lander("b.csv", 60)
    assert victim.stdout.readline().strip() == "inserted, not committed"
    victim.kill()  # SIGKILL inside the transaction
    victim.wait(timeout=30)
    assert _rows("b.csv") == 0 and _rows("a.csv") == 4  # readable, the killed load left nothing
    with connect_read() as conn:
        assert conn.execute("select count(*) from raw.deliveries where source_file = 'b.csv'").fetchone()[0] == 0
    again = _lander("b.csv", 0)
    assert again.wait(timeout=120) == 0
    assert _rows("b.csv") == 4


def test_two_writers_at_once_queue_instead_of_failing():
    slow = _lander("a.csv", 3)
    assert slow.stdout.readline().strip() == "inserted, not committed"
    started = time.monotonic()
    second = _lander("b.csv", 0)
    assert second.wait(timeout=120) == 0, "the second writer failed instead of waiting for the lock"
    assert slow.wait(timeout=120) == 0
    assert "done loaded" in second.stdout.read()
    assert time.monotonic() - started > 2  # it waited for the first writer's transaction
    assert _rows("a.csv") == 4 and _rows("b.csv") == 4


def test_fetch_retries_then_fails_with_the_url_and_the_reason(monkeypatch):
    calls = []

    def outage(request):
        calls.append(request.url)
        return httpx.Response(503, text="upstream unavailable")

    settings = load_settings()
    client = httpx.Client(transport=httpx.MockTransport(outage))
    monkeypatch.setattr("tenacity.nap.time.sleep", lambda seconds: None)
    with pytest.raises(
        fetch_module.SourceUnavailable, match="could not fetch https://example.org/a.csv after 2 attempts: .*503"
    ):
        fetch_module.fetch("https://example.org/a.csv", settings, client)
    assert len(calls) == 2

    def timeout(request):
        raise httpx.ReadTimeout("timed out", request=request)

    with pytest.raises(fetch_module.SourceUnavailable, match="timed out"):
        fetch_module.fetch("https://example.org/b.csv", settings, httpx.Client(transport=httpx.MockTransport(timeout)))

    def error_page(request):
        return httpx.Response(200, text="<html>maintenance</html>", headers={"content-type": "text/html"})

    with pytest.raises(fetch_module.SourceUnavailable, match="returned an HTML page instead of data"):
        fetch_module.fetch(
            "https://example.org/c.csv", settings, httpx.Client(transport=httpx.MockTransport(error_page))
        )

    def flaky(request):
        calls.append(request.url)
        return httpx.Response(500) if len(calls) < 4 else httpx.Response(200, text="a,b\n1,2\n")

    path = fetch_module.fetch("https://example.org/d.csv", settings, httpx.Client(transport=httpx.MockTransport(flaky)))
    assert path.read_text() == "a,b\n1,2\n"  # recovered on the second attempt, cached


def test_a_source_outage_fails_its_own_asset_while_others_materialize(monkeypatch):
    def unreachable(url, settings, client=None):
        raise fetch_module.SourceUnavailable(
            f"could not fetch {url} after 2 attempts: [Errno -2] Name or service not known"
        )

    monkeypatch.setattr(fetch_module, "fetch", unreachable)
    monkeypatch.setattr("ingest.sources.skypilot.fetch", unreachable)
    keys = [dg.AssetKey(["raw", "skypilot_offers"]), dg.AssetKey(["raw", "fx_rates"])]
    job = defs.resolve_implicit_global_asset_job_def()
    result = job.execute_in_process(asset_selection=keys, raise_on_error=False, instance=dg.DagsterInstance.ephemeral())
    assert not result.success
    failures = [e for e in result.all_events if e.is_step_failure]
    assert [e.step_key for e in failures] == ["raw__skypilot_offers"]
    error = failures[0].step_failure_data.error  # after the step retries (see the asset's RetryPolicy)
    assert error.cause.message.startswith("ingest.fetch.SourceUnavailable: could not fetch https://")
    assert "Name or service not known" in error.cause.message
    retries = [e for e in result.all_events if e.event_type_value == "STEP_UP_FOR_RETRY"]
    assert len(retries) == 2
    materialized = {e.asset_key for e in result.get_asset_materialization_events()}
    assert dg.AssetKey(["raw", "fx_rates"]) in materialized


def _aimetrics_run(env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [str(PROJECT_ROOT / ".venv/bin/aimetrics"), "run"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _run_in_its_own_instance(tmp_path) -> tuple[dict, subprocess.Popen]:
    """`aimetrics run` on the fixture mirror with a Dagster home of its own, once a warehouse step has started
    (a raw asset logs this line while it holds the warehouse)."""
    import os

    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text((PROJECT_ROOT / "orchestration/dagster.yaml").read_text())
    env = {**os.environ, "DAGSTER_HOME": str(home), "AIMETRICS_DATA_DIR": str(FIXTURE_MIRROR)}
    return env, _aimetrics_run(env)


def _read_until(run: subprocess.Popen, text: str) -> None:
    for line in run.stdout:
        if text in line:
            return


def test_a_run_killed_in_a_warehouse_step_does_not_block_the_next_one(tmp_path, monkeypatch):
    import signal

    env, victim = _run_in_its_own_instance(tmp_path)
    _read_until(victim, "the table keeps what it had")  # SIGKILL inside a raw asset's step
    victim.send_signal(signal.SIGKILL)
    victim.wait(timeout=30)
    started = time.monotonic()
    after = _aimetrics_run(env)
    out, _ = after.communicate(timeout=300)
    assert after.returncode == 0, out[-3000:]
    assert "SUCCESS" in out and time.monotonic() - started < 240
    monkeypatch.setenv("DAGSTER_HOME", env["DAGSTER_HOME"])  # the instance's dagster.yaml names its storage by it
    instance = dg.DagsterInstance.from_config(env["DAGSTER_HOME"])
    statuses = sorted(run.status.value for run in instance.get_runs())
    assert statuses == ["FAILURE", "SUCCESS"]  # the killed run is marked failed, not left STARTED


def test_sigterm_stops_a_run(tmp_path):
    import signal

    _, run = _run_in_its_own_instance(tmp_path)
    _read_until(run, "Running dbt command")  # the dbt build: the longest step
    run.send_signal(signal.SIGTERM)
    out, _ = run.communicate(timeout=60)  # ends: no hang, no spin
    assert run.returncode != 0 and "interrupted" in out


@pytest.mark.serial  # it breaks a seed of the project for one run
def test_a_build_that_fails_part_way_leaves_every_table_usable(monkeypatch):
    """A seed whose reload fails (a bad row here; a full disk in production) keeps its old table, so the views
    and marts built on it still answer."""
    from orchestration.run import materialize_everything

    monkeypatch.setenv("AIMETRICS_DATA_DIR", str(FIXTURE_MIRROR))
    assert materialize_everything(instance=dg.DagsterInstance.ephemeral(), log_level="ERROR").success
    seed = PROJECT_ROOT / "dbt_project" / "seeds" / "gpu_price_bounds.csv"
    original = seed.read_text()
    try:
        seed.write_text(original + "Broken GPU,not a number,1,a row that cannot load\n")
        failed = materialize_everything(instance=dg.DagsterInstance.ephemeral(), log_level="CRITICAL")
    finally:
        seed.write_text(original)
    assert not failed.success
    with connect_read() as conn:
        assert conn.execute("select count(*) from reference.gpu_price_bounds").fetchone()[0] == original.count("\n") - 1
        assert conn.execute("select count(*) from marts.gpu_prices").fetchone()[0] > 0
        assert conn.execute("select count(*) from marts.price_anomalies").fetchone()[0] >= 0


def test_a_name_that_does_not_resolve_fails_at_once_without_retries(monkeypatch, capfd):
    """No network: one attempt per source, one line each (no stack trace on the console), and the summary says
    the machine looks offline."""
    from orchestration.run import format_summary, materialize_everything

    attempts = []

    def offline(request):
        attempts.append(str(request.url))
        raise httpx.ConnectError("[Errno -2] Name or service not known", request=request)

    real_client = httpx.Client
    monkeypatch.setattr(
        fetch_module.httpx, "Client", lambda *a, **k: real_client(transport=httpx.MockTransport(offline))
    )
    monkeypatch.setenv("AIMETRICS_HTTP_RETRIES", "4")
    started = time.monotonic()
    summary = materialize_everything("refresh_epoch", instance=dg.DagsterInstance.ephemeral(), log_level="ERROR")
    assert time.monotonic() - started < 60
    assert len(attempts) == len(set(attempts))  # no URL tried twice: no retry, no step retry
    assert summary.failed_steps and all(": cannot reach https://" in step for step in summary.failed_steps)
    assert "This machine looks offline" in format_summary(summary)
    assert "warehouse_dbt_models" in summary.skipped_steps  # said in one line: the marts were not rebuilt
    not_built = [line for line in format_summary(summary).splitlines() if "NOT BUILT" in line]
    assert len(not_built) == 1 and "warehouse_dbt_models" in not_built[0] and "checks)" in not_built[0]
    assert not_built[0].endswith(", after a failed step they depend on; their tables keep their last build")
    console = capfd.readouterr().err
    failures = [line for line in console.splitlines() if "STEP_FAILURE" in line]
    assert len(failures) == len(summary.failed_steps) and all("cannot reach https://" in line for line in failures)
    assert "Stack Trace" not in console and "Traceback" not in console
