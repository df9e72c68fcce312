"""Write, audit, publish: runs write the build, only a build whose checks passed becomes what readers open, and
readers and runs never stop each other. Every test starts from a private copy of the fixture build's published
version, as a user who copied last week's warehouse would."""

import json
import os
import shutil
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration.cli import main
from orchestration.run import format_summary, materialize_everything
from tests.conftest import FIXTURE_MIRROR, PROJECT_ROOT
from warehouse.db import build_path, connect_write
from warehouse.versions import current_version, list_versions, publish, versions_root

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("fixture_warehouse")]

AIMETRICS = [sys.executable, "-c", "import sys; from orchestration.cli import main; sys.exit(main())"]
ANSWER = (
    "select (select version from meta.version) as version, (select count(*) from raw.deliveries) as deliveries, "
    "(select count(*) from marts.gpu_prices) as offers"
)


@pytest.fixture
def published_copy(monkeypatch, tmp_path, built_fixture_warehouse) -> Path:
    """The fixture's published file copied to a folder of its own, a build started from it, and one version."""
    path = built_fixture_warehouse.copy_to(tmp_path / "warehouse")
    monkeypatch.setenv("AIMETRICS_DUCKDB_PATH", str(path))
    monkeypatch.setenv("AIMETRICS_DATA_DIR", str(built_fixture_warehouse.mirror))
    publish({"run_id": "setup000"})
    return path


def _version_of(path: Path) -> str:
    with duckdb.connect(str(path), read_only=True) as conn:
        return conn.execute("select version from meta.version").fetchall()[0][0]


def _answers_of(path: Path) -> tuple:
    with duckdb.connect(str(path), read_only=True) as conn:
        return tuple(conn.execute(ANSWER).fetchall()[0])


def _a_newer_tracker_file(tmp_path: Path) -> Path:
    """The tracker file one day longer (3 March), as its next download would be."""
    newer = tmp_path / "newer"
    shutil.copytree(FIXTURE_MIRROR / "gpu_pricing_tracker", newer / "gpu_pricing_tracker")
    with (newer / "gpu_pricing_tracker" / "observations.csv").open("a") as tracker:
        tracker.write(
            "2026-03-03,exampleco,H100_SXM,1,global,on_demand,2.1,2.4,2.9,5,https://example.org,"
            "2026-03-03T21:00:10.5+00:00\n"
        )
    return newer


HOLDER = textwrap.dedent("""
    import sys, duckdb
    conn = duckdb.connect(sys.argv[1], read_only=True)  # as a notebook, DBeaver or the DuckDB CLI keep it
    print(conn.execute("select version from meta.version").fetchall()[0][0], flush=True)
    sys.stdin.readline()
    print(conn.execute("select version from meta.version").fetchall()[0][0], flush=True)
""")


def test_readers_and_a_run_never_stop_each_other(published_copy, monkeypatch, tmp_path):
    old = _answers_of(published_copy)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(published_copy)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=PROJECT_ROOT,
    )
    assert holder.stdout.readline().strip() == old[0]
    answers, failures, running = [], [], threading.Event()

    def ask_while_the_run_runs():
        while running.is_set():
            done = subprocess.run(
                [*AIMETRICS, "query", "--format", "json", ANSWER],
                capture_output=True,
                text=True,
                cwd=PROJECT_ROOT,
                env={**os.environ},
            )
            if done.returncode:
                failures.append(done.stderr)
            else:
                answers.append(tuple(json.loads(done.stdout)[0].values()))

    monkeypatch.setenv("AIMETRICS_DATA_DIR", str(_a_newer_tracker_file(tmp_path)))
    running.set()
    asker = threading.Thread(target=ask_while_the_run_runs)
    asker.start()
    try:
        summary = materialize_everything(
            "refresh_gpu_prices", instance=dg.DagsterInstance.ephemeral(), log_level="WARNING"
        )
    finally:
        running.clear()
        asker.join(timeout=120)
    holder.stdin.write("again\n")
    holder.stdin.flush()
    assert holder.stdout.readline().strip() == old[0]  # the open client kept its version whole
    assert holder.wait(timeout=30) == 0

    assert summary.success and summary.published, summary.failed_steps
    assert "Published: version " + summary.published in format_summary(summary)
    new = _answers_of(published_copy)
    assert new[0] == summary.published and new[1:] != old[1:]  # the new day's delivery and offers
    assert failures == []
    assert len(answers) >= 3
    assert set(answers) <= {old, new}  # each answer is one version whole, never new raw beside old marts


def test_a_run_failing_a_blocking_check_publishes_nothing(published_copy):
    before = current_version()
    with connect_write() as conn:  # a row without its provenance: the raw table's pandera check fails
        conn.execute(
            "insert into raw.fx_rates select * replace (null as _source_file, now() as _ingested_at) "
            "from raw.fx_rates limit 1"
        )
    instance = dg.DagsterInstance.ephemeral()
    summary = materialize_everything("refresh_fx", instance=instance, log_level="CRITICAL")
    assert not summary.ok and summary.published is None
    assert "raw/fx_rates:pandera_schema" in summary.checks_failed
    text = format_summary(summary)
    assert f"NOT PUBLISHED: readers keep version {before.id}; held back by check raw/fx_rates:pandera_schema" in text, (
        text
    )
    assert current_version().id == before.id and _version_of(published_copy) == before.id
    assert [v.id for v in list_versions()] == [before.id]
    # publishing alone afterwards (from the UI, say) audits the checks of the build it would publish: still no
    from orchestration.definitions import defs

    alone = defs.resolve_implicit_global_asset_job_def().execute_in_process(
        asset_selection=[dg.AssetKey(["warehouse", "published"])], instance=instance, raise_on_error=False
    )
    assert not alone.success
    failure = next(event for event in alone.all_events if event.is_step_failure)
    assert "not published: check raw/fx_rates:pandera_schema" in failure.step_failure_data.error.message
    assert current_version().id == before.id


def test_versions_as_of_and_diff(published_copy, capsys):
    first = current_version()
    with connect_write() as conn:  # the next build: three rounds gone, one amount revised
        gone = [
            r for (r,) in conn.execute("select round_id from marts.funding_rounds order by round_id limit 3").fetchall()
        ]
        revised = conn.execute(
            "select round_id from marts.funding_rounds where amount_usd is not null order by round_id desc limit 1"
        ).fetchall()[0][0]
        conn.execute("delete from marts.funding_rounds where round_id in (select unnest(?))", [gone])
        conn.execute("update marts.funding_rounds set amount_usd = amount_usd + 1 where round_id = ?", [revised])
        rounds_now = conn.execute("select count(*) from marts.funding_rounds").fetchall()[0][0]
    time.sleep(1.1)  # version ids are to the second
    second = publish({"run_id": "second00"})

    assert main(["versions", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [v["version"] for v in listed] == [second.id, first.id]
    assert [v["published"] for v in listed] == [True, False]
    assert main(["query", "--as-of", first.id, "--format", "csv", "select count(*) from marts.funding_rounds"]) == 0
    assert capsys.readouterr().out.splitlines()[1] == str(rounds_now + 3)
    assert (
        main(
            [
                "query",
                "--as-of",
                second.published_at.date().isoformat(),
                "--format",
                "csv",
                "select version from meta.version",
            ]
        )
        == 0
    )
    assert capsys.readouterr().out.splitlines()[1] == second.id  # a date: the last version published that day
    assert main(["query", "--as-of", "2001-01-01", "select 1"]) == 3
    assert "no version was published on or before 2001-01-01" in capsys.readouterr().err

    assert main(["diff", first.id, second.id, "--format", "json"]) == 0
    marts = {d["mart"]: d for d in json.loads(capsys.readouterr().out)["marts"]}
    assert marts["funding_rounds"] == {
        "mart": "funding_rounds",
        "key": ["round_id"],
        "rows_before": rounds_now + 3,
        "rows_after": rounds_now,
        "added": 0,
        "removed": 3,
        "changed": 1,
    }
    assert all(
        d["added"] == d["removed"] == 0 and not d["changed"] for name, d in marts.items() if name != "funding_rounds"
    )
    assert main(["diff", first.id]) == 0  # against the published version, as a table
    out = capsys.readouterr().out
    assert f"{first.id} -> {second.id}: {len(marts) - 1} of {len(marts)} marts unchanged" in out
    assert "| marts.funding_rounds | round_id |" in out


def test_exports_and_the_report_name_their_version(published_copy, tmp_path, capsys):
    version = current_version()
    out = tmp_path / "rounds.parquet"
    assert main(["export", "select * from marts.funding_rounds", "--format", "parquet", "--output", str(out)]) == 0
    import pyarrow.parquet as pq

    assert pq.read_schema(out).metadata[b"aimetrics_version"].decode() == version.id
    sidecar = json.loads((tmp_path / "rounds.parquet.version.json").read_text())
    assert sidecar["version"]["version"] == version.id and sidecar["version"]["run_id"] == "setup000"
    assert main(["report", "--output", str(tmp_path / "report.html")]) == 0
    assert f"aimetrics version {version.id}" in (tmp_path / "report.html").read_text()


def test_old_versions_beyond_the_setting_are_removed(published_copy):
    for n in range(3):
        time.sleep(1.1)
        publish({"run_id": f"retain{n:02d}"}, keep=2)
    kept = list_versions()
    assert [v.manifest["run_id"] for v in kept] == ["retain02", "retain01"]
    assert current_version().id == kept[0].id
    assert sorted(p.name for p in versions_root().iterdir()) == sorted(v.id for v in kept)


PUBLISHER = textwrap.dedent("""
    import resource, signal, sys
    from warehouse.versions import PublishFailed, publish
    if len(sys.argv) > 1:  # a disk that fills up: writes past this size fail (EFBIG), as on a full disk
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[1]), int(sys.argv[1])))
    print("publishing", flush=True)
    try:
        print(publish({"run_id": "killed00"}).id, flush=True)
    except PublishFailed as error:
        print(error, flush=True)
        sys.exit(4)
""")


def _publisher(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", PUBLISHER, *args],
        stdout=subprocess.PIPE,
        text=True,
        cwd=PROJECT_ROOT,
        env={**os.environ},
    )


def _publish_seconds() -> float:
    """How long one publish takes here, from the publisher's "publishing" line to its exit."""
    publisher = _publisher()
    assert publisher.stdout.readline().strip() == "publishing"
    started = time.monotonic()
    assert publisher.wait(timeout=60) == 0
    return time.monotonic() - started


def test_sigkill_during_a_publish_leaves_readers_a_whole_version(published_copy):
    interrupted, took = 0, _publish_seconds()  # the kills land across a publish, whatever this machine's speed
    for delay in (took * share for share in (0.0, 0.05, 0.15, 0.3, 0.45, 0.6, 0.75, 0.9)):
        publisher = _publisher()
        assert publisher.stdout.readline().strip() == "publishing"
        time.sleep(delay)
        publisher.kill()
        interrupted += publisher.wait(timeout=30) == -9
        complete = {v.id for v in list_versions()}
        assert _version_of(published_copy) in complete  # opens, and is one whole version
        assert current_version().id == _version_of(published_copy)
    assert interrupted >= 4, "the kills came too late to interrupt a publish"
    last = publish({"run_id": "after000"})
    assert _version_of(published_copy) == last.id
    assert not list(versions_root().glob(".*"))  # what the killed publishes left is gone


def test_a_full_disk_during_a_publish_leaves_the_old_version(published_copy):
    before = current_version()
    publisher = _publisher(str(build_path().stat().st_size // 2))
    assert publisher.wait(timeout=60) == 4
    message = publisher.stdout.read()
    assert "not published: writing version" in message and "readers keep the version they had" in message
    assert current_version().id == before.id and _version_of(published_copy) == before.id
    assert [v.id for v in list_versions()] == [before.id]
    assert not list(versions_root().glob(".*"))
