"""The DuckLake build lease (warehouse/build_lease.py): one run at a time builds and publishes; a run no longer
active loses it; of two runs taking it at the same moment, one holds it; the publish commit gives it back. Run on a
real DuckLake (a file catalog) in the DuckLake environment, where DuckDB's own conflict rules decide the race."""

import json
import subprocess

import pytest

from tests.conftest import PROJECT_ROOT
from tests.deployment import EXTENSIONS, LAKE_ENV

pytestmark = [
    pytest.mark.shared_engine,
    pytest.mark.skipif(
        EXTENSIONS is None, reason="no DuckLake environment: `make ducklake-env` builds it (`make test-shared` does)"
    ),
]

SCENARIO = """
import json, sys, threading, time
import duckdb
from warehouse import build_lease
from warehouse.db import ALIAS
from warehouse.lake_versions import publish_snapshot

folder, extensions = sys.argv[1], sys.argv[2]
db = duckdb.connect(config={"extension_directory": extensions})
db.execute(f"attach 'ducklake:{folder}/catalog.ducklake' as {ALIAS} (data_path '{folder}/files/')")
db.execute(f"use {ALIAS}")
seen = {}

def busy(call):
    try:
        call()
        return None
    except build_lease.BuildLeaseBusy as error:
        return str(error)

build_lease.take(db, "run-a", lambda run: True, wait_s=0)
seen["first"] = build_lease.holder(db)
seen["again_by_a"] = build_lease.take(db, "run-a", lambda run: True, wait_s=0)
seen["b_while_a_active"] = busy(lambda: build_lease.take(db, "run-b", lambda run: True, wait_s=0.3, poll_s=0.1))
seen["b_after_a_ended"] = build_lease.take(db, "run-b", lambda run: run != "run-a", wait_s=0)
seen["second"] = build_lease.holder(db)
publish_snapshot(db, {"run_id": "run-b", "job": "test"})
seen["after_publish"] = build_lease.holder(db)

# two runs at the same moment, each on its own connection; every other run counts as active
start, outcomes = threading.Barrier(2), {}
def contender(name):
    conn = db.cursor()
    conn.execute(f"use {ALIAS}")
    start.wait()
    def slowly_active(run):
        time.sleep(0.2)
        return True
    outcomes[name] = busy(lambda: build_lease.take(conn, name, slowly_active, wait_s=0.5, poll_s=0.1))
threads = [threading.Thread(target=contender, args=(name,)) for name in ("run-c", "run-d")]
[thread.start() for thread in threads]
[thread.join() for thread in threads]
seen["race"] = outcomes
seen["race_holder"] = build_lease.holder(db)
seen["rows"] = db.execute("select count(*) from meta.build_lease").fetchone()[0]
print(json.dumps(seen))
"""


def test_one_run_at_a_time_holds_the_build_lease_and_publishing_gives_it_back(tmp_path):
    done = subprocess.run(
        [str(LAKE_ENV / "bin" / "python"), "-c", SCENARIO, str(tmp_path), str(EXTENSIONS)],
        cwd=PROJECT_ROOT, env={"PYTHONPATH": str(PROJECT_ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["first"] == "run-a"
    assert seen["again_by_a"] is None  # its own lease: taken again at once
    assert "still held by run run-a" in seen["b_while_a_active"]
    assert seen["b_after_a_ended"] == "run-a" and seen["second"] == "run-b"  # taken over from the ended run
    assert seen["after_publish"] is None
    winners = [name for name, refused in seen["race"].items() if refused is None]
    assert len(winners) == 1 and seen["race_holder"] == winners[0], seen["race"]
    loser = ({"run-c", "run-d"} - set(winners)).pop()
    assert "still held by run" in seen["race"][loser]
    assert seen["rows"] == 1  # the one row, taken and given back, never a second
