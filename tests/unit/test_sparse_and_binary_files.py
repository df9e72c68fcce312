"""A sparse or binary file of any size is refused by its first bytes, with a true reason (not "UTF-16"), and
the run's memory stays bounded: it is never read whole. A NUL byte further in quarantines its record."""

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


@pytest.mark.parametrize(
    "source, edition, name",
    [
        ("funding_exports", "export", "funding/deals.csv"),  # the careful CSV reader
        ("skypilot_catalog", "2026-01-01", "v7/examplecloud/vms.csv"),  # the streamed CSV reader
        ("azure_retail_prices", "2026-01-01", "page1.json"),  # a JSON document
    ],
)
def test_a_sparse_half_gigabyte_is_refused_without_being_read(tmp_path, source, edition, name):
    sparse = tmp_path / "sparse.bin"
    with sparse.open("wb") as handle:
        handle.truncate(SIZE)  # a file of holes: no disk used, all NUL bytes when read
    done = subprocess.run(
        [sys.executable, "-c", LANDER, source, edition, name, str(sparse)],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env={**os.environ},
        timeout=300,
    )
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


def _catalog_with_a_nul_byte(tmp_path):
    header = "InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,Region,SpotPrice,Price"
    rows = [f"gpu-{i},H100-SXM,1.0,26,200,region-{i % 4},1.50,3.00" for i in range(200)]  # the NUL past 4 KiB
    rows[150] = "gpu-nul\x00x,H100-SXM,1.0,26,200,region-1,1.50,3.00"
    path = tmp_path / "vms.csv"
    path.write_text("\n".join([header, *rows]) + "\n")
    return Delivery.from_file("skypilot_catalog", "2026-01-01", "v7/x/vms.csv", path)


def test_a_nul_byte_deep_in_a_file_is_quarantined_by_both_readers_never_stored(tmp_path):
    from ingest.sources import SOURCES, skypilot
    from warehouse.db import connect_read
    from warehouse.land import land_source

    delivery = _catalog_with_a_nul_byte(tmp_path)
    careful = skypilot.parse(delivery).quarantine
    assert careful.rows() == [(151, "a field holds a NUL byte (binary data inside text)", careful["record"][0])]
    outcome = land_source(SOURCES["skypilot_catalog"], deliveries=[delivery]).deliveries[0].outcome  # streamed
    assert (outcome.rows_accepted, outcome.rows_quarantined) == (199, 1)
    with connect_read() as conn:
        assert conn.execute("select row_number, reason, record from raw.quarantine").fetchall() == careful.rows()
        assert conn.execute(
            "select count(*) from raw.skypilot_offers where instance_type like '%' || chr(0) || '%'"
        ).fetchall() == [(0,)]
