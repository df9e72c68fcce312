"""Landing deliveries: atomic, idempotent, rejected files recorded, unchanged files skipped."""

import duckdb
import polars as pl
import pytest

from ingest.delivery import Delivery, quarantine_frame
from ingest.settings import load_settings
from ingest.sources import SOURCES
from tests.conftest import FIXTURE_MIRROR
from warehouse import ledger, schema, write
from warehouse.db import connect_read, connect_write
from warehouse.land import land_source

TRACKER = SOURCES["gpu_pricing_tracker"]
TRACKER_FILE = FIXTURE_MIRROR / "gpu_pricing_tracker" / "observations.csv"


def _tracker_delivery(path=TRACKER_FILE) -> Delivery:
    return Delivery.from_file(TRACKER.name, "latest", "gpu_pricing_tracker/observations.csv", path)


def _snapshot() -> dict:
    with connect_read() as conn:
        return {
            "rows": conn.execute("select * from raw.gpu_tracker_observations order by all").fetchall(),
            "quarantine": conn.execute("select reason, row_number from raw.quarantine order by all").fetchall(),
            "deliveries": conn.execute(
                "select sha256, status, rows_accepted from raw.deliveries order by all"
            ).fetchall(),
        }


def test_rows_quarantine_and_delivery_log_with_provenance():
    report = land_source(TRACKER, deliveries=[_tracker_delivery()])
    assert (report.count("loaded"), report.rows_accepted, report.rows_quarantined, report.table_rows) == (1, 4, 2, 4)
    with connect_read() as conn:
        provenance = conn.execute(
            "select distinct _source, _edition, _source_file, _source_sha256 from raw.gpu_tracker_observations"
        ).fetchall()
        logged = conn.execute("select status, rows_accepted, rows_quarantined, sha256 from raw.deliveries").fetchall()
    sha = _tracker_delivery().sha256
    assert provenance == [("gpu_pricing_tracker", "latest", "gpu_pricing_tracker/observations.csv", sha)]
    assert logged == [("loaded", 4, 2, sha)]


def test_reloading_the_same_file_is_skipped_and_changes_nothing():
    land_source(TRACKER, deliveries=[_tracker_delivery()])
    before = _snapshot()
    report = land_source(TRACKER, deliveries=[_tracker_delivery()])
    assert report.count("skipped") == 1
    assert _snapshot() == before


def test_a_new_version_of_a_file_replaces_its_rows(tmp_path):
    land_source(TRACKER, deliveries=[_tracker_delivery()])
    revised = tmp_path / "observations.csv"
    lines = TRACKER_FILE.read_text().splitlines()
    revised.write_text("\n".join(lines[:2]) + "\n")  # header and one row
    report = land_source(TRACKER, deliveries=[_tracker_delivery(revised)])
    assert report.table_rows == 1
    with connect_read() as conn:
        statuses = conn.execute("select status, rows_accepted from raw.deliveries order by loaded_at").fetchall()
        quarantined = conn.execute("select count(*) from raw.quarantine").fetchone()[0]
    assert statuses == [("superseded", 4), ("loaded", 1)]
    assert quarantined == 0


def test_a_rejected_file_is_logged_and_earlier_rows_stay(tmp_path):
    land_source(TRACKER, deliveries=[_tracker_delivery()])
    before = _snapshot()["rows"]
    broken = tmp_path / "observations.csv"
    broken.write_text("")
    report = land_source(TRACKER, deliveries=[_tracker_delivery(broken)])
    assert report.count("rejected") == 1
    with connect_read() as conn:
        rejected = conn.execute("select reason from raw.deliveries where status = 'rejected'").fetchall()
    assert rejected == [("observations.csv: empty file, no header row",)]
    assert _snapshot()["rows"] == before


def test_a_failure_part_way_through_a_load_leaves_no_trace(monkeypatch):
    land_source(TRACKER, deliveries=[_tracker_delivery()])
    before = _snapshot()
    original = ledger.log_delivery

    def crash_after_rows_are_inserted(*args, **kwargs):
        raise RuntimeError("simulated crash after the inserts")

    monkeypatch.setattr(ledger, "log_delivery", crash_after_rows_are_inserted)
    key = ledger.DeliveryKey(
        "gpu_pricing_tracker",
        "latest",
        "gpu_pricing_tracker/observations.csv",
        "f" * 64,
        _tracker_delivery().retrieved_at,
    )
    with connect_write() as conn, pytest.raises(RuntimeError, match="simulated crash"):
        write.write_deliveries(
            conn,
            TRACKER.raw_table,
            [key],
            "1",
            [write.tagged(pl.DataFrame({"provider": ["x"]}), quarantine_frame([]), 0)],
        )
    monkeypatch.setattr(ledger, "log_delivery", original)
    assert _snapshot() == before


def test_rows_failing_the_pandera_schema_are_quarantined_with_the_check(tmp_path):
    path = tmp_path / "observations.csv"
    path.write_text(
        "date,provider,gpu_model,gpu_count,region,rental_type,price_min_usd,price_median_usd,price_max_usd,"
        "n_offers,source_url,fetched_at\n"
        "2026-03-01,ok,H100_SXM,1,global,on_demand,1,2,3,1,https://example.org,\n"
        "2026-03-01,absurd,H100_SXM,1,global,on_demand,1,50000,3,1,https://example.org,\n"
    )
    report = land_source(TRACKER, deliveries=[_tracker_delivery(path)])
    assert (report.rows_accepted, report.rows_quarantined) == (1, 1)
    with connect_read() as conn:
        reason, record = conn.execute("select reason, record from raw.quarantine").fetchone()
    assert "price_median_usd failed less_than(10000)" in reason
    assert '"provider": "absurd"' in record


def test_table_names_reaching_sql_are_checked():
    with pytest.raises(ValueError, match="not a safe table name"):
        schema.checked_identifier('x"; drop table raw.deliveries; --')


def test_every_source_lands_from_the_fixture_mirror(monkeypatch):
    monkeypatch.setenv("AIMETRICS_DATA_DIR", str(FIXTURE_MIRROR))
    settings = load_settings()
    reports = {name: land_source(source, settings=settings) for name, source in SOURCES.items()}
    rows = {name: report.table_rows for name, report in reports.items()}
    assert rows["ai_index"] > 0 and rows["skypilot_catalog"] == 6 and rows["funding_exports"] == 11
    # the raw asset's preview: the table's first rows, read in the landing's connection
    preview = reports["skypilot_catalog"].preview.splitlines()
    assert preview[0].startswith("| ") and "source_file" in preview[0] and len(preview) == 2 + 5
    with connect_read() as conn:
        tables = {
            t
            for (t,) in conn.execute(
                "select table_name from information_schema.tables where table_schema='raw'"
            ).fetchall()
        }
    assert {s.raw_table for s in SOURCES.values()} | {
        "deliveries",
        "quarantine",
        "retractions",
        "delivery_profiles",
    } == tables


def test_a_reader_meeting_a_writer_gets_a_clear_message(warehouse_file):
    from warehouse.db import WarehouseBusy

    duckdb.connect(str(warehouse_file)).close()
    import subprocess
    import sys
    import textwrap

    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
        import duckdb, sys, time
        conn = duckdb.connect({str(warehouse_file)!r})
        print("ready", flush=True)
        time.sleep(20)
    """),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(WarehouseBusy, match=r"is in use by process \d+ \(.*python"):
            with connect_read():
                pass
    finally:
        holder.kill()
        holder.wait()


def _skypilot(name: str) -> Delivery:
    path = FIXTURE_MIRROR.parent / "bad" / "skypilot" / name / "vms.csv"
    return Delivery.from_file("skypilot_catalog", "2026-01-01", f"v7/{name}/vms.csv", path)


def test_a_group_with_a_file_only_the_careful_parser_reads_loads_file_by_file():
    """Three catalogs with one header form one group; the truncated one makes the streaming pass give up, the
    group's transaction is rolled back, and each file loads on its own with its own outcome, once."""
    group = [_skypilot("negative_price"), _skypilot("truncated"), _skypilot("nan_price")]
    report = land_source(SOURCES["skypilot_catalog"], deliveries=group)
    assert [d.outcome.status for d in report.deliveries] == ["loaded"] * 3
    assert [d.outcome.rows_quarantined for d in report.deliveries] == [1, 1, 1]
    with connect_read() as conn:
        reasons = dict(conn.execute("select _source_file, reason from raw.quarantine").fetchall())
        per_file = dict(conn.execute("select _source_file, count(*) from raw.skypilot_offers group by all").fetchall())
    assert "record has 8 fields" in reasons["v7/truncated/vms.csv"]
    assert "on-demand price '-2.0'" in reasons["v7/negative_price/vms.csv"]
    assert per_file == {d.source_file: d.outcome.rows_accepted for d in report.deliveries if d.outcome.rows_accepted}


def test_a_group_with_a_rejected_file_keeps_every_other_file(tmp_path):
    """Funding exports load together; an export in no known layout is rejected on its own and the others load."""
    bad = FIXTURE_MIRROR.parent / "bad" / "funding"
    deliveries = [
        Delivery.from_file("funding_exports", "export", f"funding/{name}", bad / name)
        for name in ("negative_amount.csv", "unknown_layout.csv", "zero_amount.csv")
    ]
    report = land_source(SOURCES["funding_exports"], deliveries=deliveries)
    outcomes = {d.source_file: d.outcome for d in report.deliveries}
    assert outcomes["funding/unknown_layout.csv"].status == "rejected"
    assert outcomes["funding/negative_amount.csv"].status == outcomes["funding/zero_amount.csv"].status == "loaded"
    with connect_read() as conn:
        loaded = {row[0] for row in conn.execute("select distinct _source_file from raw.funding_rounds").fetchall()}
        quarantined = {row[0] for row in conn.execute("select distinct _source_file from raw.quarantine").fetchall()}
    assert "funding/unknown_layout.csv" not in loaded | quarantined
