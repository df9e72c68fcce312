"""Every record read ends as a row or a quarantine row with its reason, and a file a parser chokes on is a
rejected delivery with the reason, while the source's other files load. Hand-written files in each format."""

import json

from ingest.delivery import Delivery
from ingest.sources import SOURCES
from tests.conftest import FIXTURE_MIRROR
from warehouse.db import connect_read
from warehouse.land import land_source

CATALOG = (FIXTURE_MIRROR / "gpu_prices/skypilot_catalog/v7/examplecloud/vms.csv").read_text().splitlines()


def _file(tmp_path, name: str, text: str):
    path = tmp_path / "delivery" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _quarantined(source_file: str) -> list[str]:
    with connect_read() as conn:
        return [
            r
            for (r,) in conn.execute(
                "select reason from raw.quarantine where _source_file = ? order by row_number", [source_file]
            ).fetchall()
        ]


def test_skypilot_offers_with_an_unreadable_accelerator_count_are_quarantined_not_dropped(tmp_path):
    gpu_row = CATALOG[2]  # gpu-1x-h100,H100-SXM,1.0,...
    broken = [gpu_row.replace(",H100-SXM,1.0,", f",H100-SXM,{count},", 1) for count in ("8x", "", "eight", "0")]
    text = "\n".join([CATALOG[0], CATALOG[1], gpu_row, *broken]) + "\n"  # header, a CPU-only row, a good row
    path = _file(tmp_path, "vms.csv", text)
    report = land_source(
        SOURCES["skypilot_catalog"],
        deliveries=[Delivery.from_file("skypilot_catalog", "2026-01-01", "v7/examplecloud/vms.csv", path)],
    )
    outcome = report.deliveries[0].outcome
    assert (outcome.status, outcome.rows_accepted, outcome.rows_quarantined) == ("loaded", 1, 4)
    assert _quarantined("v7/examplecloud/vms.csv") == [
        f"accelerator count {given} of H100-SXM is not a positive number"
        for given in ("'8x'", "(blank)", "'eight'", "'0'")
    ]


MY_FEED = """name: json_quotes
format: json
price_unit: gpu_hour
mirror_path: quotes.json
records: offers
columns: {provider: vendor, gpu_name: chip, gpu_count: gpus, usd_per_hour: price}
constants: {region: any}
"""


def test_json_feed_records_that_are_not_objects_are_quarantined(tmp_path, monkeypatch):
    feeds = tmp_path / "feeds"
    feeds.mkdir()
    (feeds / "json_quotes.yml").write_text(MY_FEED)
    (feeds / "quotes.json").write_text(
        json.dumps(
            {"offers": [{"vendor": "acme", "chip": "H100 SXM", "gpus": 1, "price": 2.1}, 3, "acme,H100,1,2.1", [1, 2]]}
        )
    )
    monkeypatch.setenv("AIMETRICS_GPU_FEEDS_DIR", str(feeds))
    monkeypatch.setenv("AIMETRICS_DATA_DIR", str(FIXTURE_MIRROR))
    report = land_source(SOURCES["gpu_feeds"])
    mine = next(d for d in report.deliveries if d.source_file == "quotes.json").outcome
    assert (mine.status, mine.rows_accepted, mine.rows_quarantined) == ("loaded", 1, 3)
    assert _quarantined("quotes.json") == [
        "a record is a JSON object, not int",
        "a record is a JSON object, not str",
        "a record is a JSON object, not list",
    ]


def test_a_file_the_parser_chokes_on_is_rejected_and_the_sources_other_files_load(tmp_path):
    good = FIXTURE_MIRROR / "llm_prices/openrouter/snapshots/2024-09-21_cccccccccc_output.json"
    snapshot = json.loads(good.read_text())
    snapshot["data"][1]["architecture"] = "text->text"  # a field that changed type: an object became a string
    odd = _file(tmp_path, "2024-10-01_dddddddddd_output.json", json.dumps(snapshot))
    deliveries = [
        Delivery.from_file("openrouter_prices", "2024-09-21", "snapshots/2024-09-21.json", good),
        Delivery.from_file("openrouter_prices", "2024-10-01", "snapshots/2024-10-01.json", odd),
    ]
    report = land_source(SOURCES["openrouter_prices"], deliveries=deliveries)
    outcomes = {d.source_file: d.outcome for d in report.deliveries}
    assert outcomes["snapshots/2024-09-21.json"].status == "loaded"
    assert outcomes["snapshots/2024-09-21.json"].rows_accepted > 0
    rejected = outcomes["snapshots/2024-10-01.json"]
    assert rejected.status == "rejected"
    assert "the parser met what it does not expect (AttributeError" in rejected.reason
    with connect_read() as conn:
        assert conn.execute(
            "select status from raw.deliveries where source_file = 'snapshots/2024-10-01.json'"
        ).fetchall() == [("rejected",)]
    from orchestration.run import attention_lines

    lines = attention_lines()  # the run summary names the file and why
    assert any(
        line.startswith(
            "  openrouter_prices: snapshots/2024-10-01.json (2024-10-01): snapshots/2024-10-01.json: "
            "the parser met what it does not expect (AttributeError"
        )
        for line in lines
    ), lines


TRACKER = (FIXTURE_MIRROR / "gpu_pricing_tracker/observations.csv").read_text().splitlines()


def _with_field(line: str, index: int, value: str) -> str:
    fields = line.split(",")
    fields[index] = value
    return ",".join(fields)


def test_a_whole_number_too_large_for_its_column_is_quarantined_not_the_file(tmp_path):
    """A tracker's gpu_count or n_offers, a marketplace's offer count and a grid's year beyond 64 bits: each record
    is quarantined with the reason, and the other records of the same file load."""
    good, other = TRACKER[1], TRACKER[2]
    tracker = _file(
        tmp_path,
        "observations.csv",
        "\n".join(
            [
                TRACKER[0],
                good,
                _with_field(other, 3, "100000000000000000000"),
                _with_field(_with_field(other, 2, "A100_80GB"), 9, "99999999999999999999999"),
            ]
        )
        + "\n",
    )
    snapshot = {
        "timestamp": "2025-10-19T21:01:58+00:00",
        "gpu_type": "H100_80GB",
        "socket_type": "SXM5",
        "by_provider": {
            "runpod": {"count": 4, "min": 2.69, "avg": 2.79},
            "hugeco": {"count": 10**30, "min": 2.0, "avg": 2.5},
        },
    }
    marketplace = _file(tmp_path, "H100.jsonl", json.dumps(snapshot) + "\n")
    grid = _file(
        tmp_path,
        "global_energy_mix.json",
        json.dumps(
            {
                "FRA": {"carbon_intensity": 56.0, "country_name": "France", "year": 2023},
                "GBR": {"carbon_intensity": 250.5, "country_name": "United Kingdom", "year": 10**30},
            }
        ),
    )
    cases = [
        (
            "gpu_pricing_tracker",
            "2026-03-01",
            "observations.csv",
            tracker,
            1,
            [
                "gpu_count 100000000000000000000 is too large for a whole-number column (64-bit)",
                "n_offers 99999999999999999999999 is too large for a whole-number column (64-bit)",
            ],
        ),
        (
            "gpu_marketplace",
            "2025-10-19",
            "data/summary/H100.jsonl",
            marketplace,
            1,
            ["provider 'hugeco': count 1e+30 is too large for a whole-number column (64-bit)"],
        ),
        (
            "grid_carbon_intensity",
            "2025",
            "codecarbon/global_energy_mix.json",
            grid,
            1,
            ["GBR: year 1e+30 is too large for a whole-number column (64-bit)"],
        ),
    ]
    for source, edition, name, path, accepted, reasons in cases:
        report = land_source(SOURCES[source], deliveries=[Delivery.from_file(source, edition, name, path)])
        outcome = report.deliveries[0].outcome
        assert (outcome.status, outcome.rows_accepted, outcome.rows_quarantined) == (
            "loaded",
            accepted,
            len(reasons),
        ), (source, outcome)
        assert _quarantined(name) == reasons
