"""The bad-input corpus (tests/fixtures/bad/): every file ends in a rejected delivery with its reason, or in
quarantined rows with reasons while the good rows load; the rest of the warehouse never changes."""

import shutil

import pytest

from ingest.delivery import Delivery
from ingest.settings import Settings
from ingest.sources import SOURCES
from tests.conftest import FIXTURE_MIRROR, FIXTURES
from warehouse.db import connect_read
from warehouse.land import land_source

BAD = FIXTURES / "bad"
REJECTED, LOADED = "rejected", "loaded"

# file, source, edition, outcome, rows loaded (or the rejection reason), quarantine reasons
CASES = [
    ("ai_index/fig_9.1.1.csv", "ai_index", "2030", REJECTED, "empty file, no header row", []),
    ("ai_index/fig_9.1.2.csv", "ai_index", "2030", LOADED, 0, []),
    (
        "ai_index/fig_9.1.3.csv",
        "ai_index",
        "2030",
        LOADED,
        4,
        ["record has 1 fields, header has 2", "record has 3 fields, header has 2"],
    ),
    ("ai_index/fig_9.1.4.csv", "ai_index", "2030", LOADED, 4, []),
    ("ai_index/fig_9.1.5.csv", "ai_index", "2030", LOADED, 2, []),
    ("ai_index/fig_9.1.6.csv", "ai_index", "2030", REJECTED, "NUL bytes, not a text file", []),
    ("ai_index/fig_9.1.7.csv", "ai_index", "2030", LOADED, 2, []),
    ("ai_index/fig_9.1.8.csv", "ai_index", "2030", REJECTED, "field larger than field limit", []),
    (
        "ai_index/fig_9.1.9'; drop table raw.deliveries;--.csv",
        "ai_index",
        "2030",
        REJECTED,
        "not an AI Index figure file",
        [],
    ),
    ("skypilot/missing_price/vms.csv", "skypilot_catalog", "2026-01-01", REJECTED, "missing columns ['price']", []),
    ("skypilot/reordered/vms.csv", "skypilot_catalog", "2026-01-01", LOADED, 1, []),
    ("skypilot/extra_columns/vms.csv", "skypilot_catalog", "2026-01-01", LOADED, 1, []),
    ("skypilot/negative_price/vms.csv", "skypilot_catalog", "2026-01-01", LOADED, 1, ["on-demand price '-2.0'"]),
    ("skypilot/nan_price/vms.csv", "skypilot_catalog", "2026-01-01", LOADED, 1, ["on-demand price 'NaN'"]),
    ("skypilot/absurd_price/vms.csv", "skypilot_catalog", "2026-01-01", LOADED, 1, ["a placeholder"]),
    ("skypilot/placeholder_spot/vms.csv", "skypilot_catalog", "2026-01-01", LOADED, 1, []),
    ("skypilot/truncated/vms.csv", "skypilot_catalog", "2026-01-01", LOADED, 1, ["record has 8 fields"]),
    ("skypilot/empty/vms.csv", "skypilot_catalog", "2026-01-01", REJECTED, "empty file", []),
    ("tracker/zero_price.csv", "gpu_pricing_tracker", "latest", LOADED, 1, ["median price is missing or not positive"]),
    ("tracker/mixed_dates.csv", "gpu_pricing_tracker", "latest", LOADED, 1, ["date is not YYYY-MM-DD"]),
    ("tracker/duplicate_rows.csv", "gpu_pricing_tracker", "latest", LOADED, 1, ["duplicate of record 1"]),
    ("tracker/zero_gpus.csv", "gpu_pricing_tracker", "latest", LOADED, 1, ["gpu_count is not a whole number"]),
    (
        "tracker/renamed_column.csv",
        "gpu_pricing_tracker",
        "latest",
        REJECTED,
        "missing columns ['price_median_usd']",
        [],
    ),
    ("tracker/nan_price.csv", "gpu_pricing_tracker", "latest", LOADED, 1, ["median price is missing"]),
    (
        "tracker/absurd_price.csv",
        "gpu_pricing_tracker",
        "latest",
        LOADED,
        1,
        ["price_median_usd failed less_than(10000)"],
    ),
    ("tracker/truncated.csv", "gpu_pricing_tracker", "latest", LOADED, 1, ["record has 3 fields, header has 12"]),
    ("funding/unknown_layout.csv", "funding_exports", "export", REJECTED, "matches no funding layout", []),
    ("funding/unknown_currency.csv", "funding_exports", "export", LOADED, 1, ["unknown currency code 'XYZ'"]),
    ("funding/negative_amount.csv", "funding_exports", "export", LOADED, 1, ["amount -500000 is not positive"]),
    ("funding/zero_amount.csv", "funding_exports", "export", LOADED, 1, ["amount 0 is not positive"]),
    ("funding/future_date.csv", "funding_exports", "export", LOADED, 1, ["is in the future"]),
    ("funding/before_1990.csv", "funding_exports", "export", LOADED, 1, ["is before 1990-01-01"]),
    ("funding/missing_company.csv", "funding_exports", "export", LOADED, 1, ["company is missing"]),
    ("funding/unparseable_amount.csv", "funding_exports", "export", LOADED, 1, ["'a lot' is not a number"]),
    ("funding/cp1252.csv", "funding_exports", "export", LOADED, 1, []),
    (
        "funding/mixed_date_formats.csv",
        "funding_exports",
        "export",
        LOADED,
        1,
        ["'03/04/2024' does not match the file's date format %Y-%m-%d"],
    ),
    ("funding/hostile_names.csv", "funding_exports", "export", LOADED, 1, []),
    ("funding/empty.csv", "funding_exports", "export", REJECTED, "empty file", []),
    ("epoch/missing_key.csv", "epoch_notable_models", "2026-01-01", REJECTED, "missing key columns ['Model']", []),
    ("epoch/duplicate_model.csv", "epoch_notable_models", "2026-01-01", LOADED, 2, ["duplicate of record 1"]),
    ("epoch/bad_number.csv", "epoch_notable_models", "2026-01-01", LOADED, 1, ["'twelve' is not a number"]),
    (
        "epoch/negative_number.csv",
        "epoch_notable_models",
        "2026-01-01",
        LOADED,
        1,
        ["training_compute_flop failed greater_than_or_equal_to(0)"],
    ),
    ("carbon/truncated.json", "grid_carbon_intensity", "2026-01-01", REJECTED, "not valid JSON", []),
    ("carbon/array.json", "grid_carbon_intensity", "2026-01-01", REJECTED, "expected an object", []),
    ("carbon/gpus_short_row.csv", "mlco2_gpus", "2026-01-01", LOADED, 1, ["record has 8 fields, header has 9"]),
    ("carbon/impact_not_a_number.csv", "cloud_region_carbon", "codecarbon", LOADED, 1, ["'unknown' is not a number"]),
    ("ecb/no_csv.zip", "ecb_fx", "test", REJECTED, "zip holds no CSV", []),
    ("ecb/not_rates.csv", "ecb_fx", "test", REJECTED, "first column must be Date", []),
]


@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    """A warehouse with every fixture source loaded, copied for each case."""
    path = tmp_path_factory.mktemp("baseline") / "warehouse.duckdb"
    settings = Settings(
        data_dir=FIXTURE_MIRROR,
        inbox_dir=path.parent / "inbox",
        cache_dir=path.parent / "cache",
        http_timeout_s=1,
        http_retries=1,
    )
    for source in SOURCES.values():
        land_source(source, db_path=path, settings=settings)
    return path


def _others(source_file: str) -> dict[str, tuple]:
    """Row count and content hash of every raw table, without the rows of `source_file`."""
    with connect_read() as conn:
        tables = [
            t
            for (t,) in conn.execute(
                "select table_name from information_schema.tables where table_schema = 'raw'"
            ).fetchall()
        ]
        result = {}
        for table in tables:
            column = "source_file" if table in ("deliveries", "retractions", "delivery_profiles") else "_source_file"
            result[table] = conn.execute(
                f'select count(*), coalesce(sum(hash(t)), 0) from raw."{table}" t where {column} <> ?', [source_file]
            ).fetchone()
    return result


def test_the_corpus_has_at_least_forty_files_and_each_has_an_expected_outcome():
    files = {p.relative_to(BAD).as_posix() for p in BAD.rglob("*") if p.is_file()}
    assert len(files) >= 40
    assert files == {case[0] for case in CASES}


@pytest.mark.parametrize(
    ("relative", "source_name", "edition", "outcome", "expected", "reasons"), CASES, ids=[case[0] for case in CASES]
)
def test_bad_input(baseline, warehouse_file, relative, source_name, edition, outcome, expected, reasons):
    shutil.copy(baseline, warehouse_file)
    before = _others(relative)
    delivery = Delivery.from_file(source_name, edition, relative, BAD / relative)
    report = land_source(SOURCES[source_name], deliveries=[delivery])
    result = report.deliveries[0].outcome
    assert result.status == outcome
    with connect_read() as conn:
        logged = conn.execute(
            "select status, reason, rows_accepted, rows_quarantined from raw.deliveries where source_file = ?",
            [relative],
        ).fetchall()
        quarantined = [
            r
            for (r,) in conn.execute(
                "select reason from raw.quarantine where _source_file = ? order by row_number", [relative]
            ).fetchall()
        ]
        table_rows = conn.execute(
            f'select count(*) from raw."{SOURCES[source_name].raw_table}" where _source_file = ?', [relative]
        ).fetchone()[0]
    if outcome == REJECTED:
        assert expected in result.reason
        assert logged == [("rejected", result.reason, 0, 0)]
        assert table_rows == 0 and quarantined == []
    else:
        assert table_rows == expected == result.rows_accepted
        assert len(quarantined) == len(reasons)
        for reason, wanted in zip(quarantined, reasons):
            assert wanted in reason
        assert logged == [("loaded", None, expected, len(reasons))]
    assert _others(relative) == before  # nothing else in the warehouse changed


def test_a_repeated_delivery_adds_nothing(baseline, warehouse_file):
    shutil.copy(baseline, warehouse_file)
    relative = "funding/negative_amount.csv"
    delivery = Delivery.from_file("funding_exports", "export", relative, BAD / relative)
    land_source(SOURCES["funding_exports"], deliveries=[delivery])
    before = _others("")
    again = land_source(SOURCES["funding_exports"], deliveries=[delivery])
    assert again.deliveries[0].outcome.status == "skipped"
    assert _others("") == before
