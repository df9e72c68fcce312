"""A sparse or binary file of any size is refused by its first bytes, with a true reason (not "UTF-16"), and
the run's memory stays bounded: it is never read whole."""

import json
import os
import subprocess
import sys
import textwrap

import pytest

from ingest.delivery import Delivery, RejectedDelivery
from ingest.read.careful import decode
from tests.conftest import PROJECT_ROOT

LANDER = textwrap.dedent("""
    import json, resource, sys
    from pathlib import Path
    from ingest.delivery import Delivery
    from ingest.sources import SOURCES
    from warehouse.land import land_source
    source, edition, name, path = sys.argv[1:5]
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    report = land_source(SOURCES[source], deliveries=[Delivery.from_file(source, edition, name, Path(path))])
    outcome = report.deliveries[0].outcome
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    print(json.dumps({"status": outcome.status, "reason": outcome.reason, "grown_mb": grown_mb}))
""")
SIZE = 512 << 20


@pytest.mark.parametrize("source, edition, name", [
    ("funding_exports", "export", "funding/deals.csv"),          # the careful CSV reader
    ("skypilot_catalog", "2026-01-01", "v7/examplecloud/vms.csv"),  # the streamed CSV reader
    ("azure_retail_prices", "2026-01-01", "page1.json"),          # a JSON document
])
def test_a_sparse_half_gigabyte_is_refused_without_being_read(tmp_path, source, edition, name):
    sparse = tmp_path / "sparse.bin"
    with sparse.open("wb") as handle:
        handle.truncate(SIZE)  # a file of holes: no disk used, all NUL bytes when read
    done = subprocess.run([sys.executable, "-c", LANDER, source, edition, name, str(sparse)], capture_output=True,
                          text=True, cwd=PROJECT_ROOT, env={**os.environ}, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["status"] == "rejected"
    assert "only NUL bytes (an empty, sparse or never-written file), not text" in result["reason"]
    assert "utf-16" not in result["reason"]
    assert result["grown_mb"] < 256, result  # reading it whole would add 512 MB


def test_text_in_a_wide_encoding_is_still_told_apart_from_nul_bytes():
    with pytest.raises(RejectedDelivery, match="looks like utf-16-le without a byte-order mark"):
        decode("Year,Value\n2024,1.5\n".encode("utf-16-le"), "fig.csv")
    with pytest.raises(RejectedDelivery, match="only NUL bytes"):
        decode(b"\x00" * 5000, "fig.csv")
