"""Inputs outside the first bad-input corpus: wide encodings, a re-delivery that parses far worse than the
version it replaces. Each is landed for real and the warehouse inspected."""

from pathlib import Path

import pytest

from ingest.delivery import Delivery
from ingest.sources import SOURCES, gpu_tracker_days
from warehouse.db import connect_read
from warehouse.land import land_source

PORTFOLIO_HEADER = (
    "Company Name,Announced Date,Transaction Name,Number of Investors,Money Raised,Lead Investors,Funding Type\n"
)
FIGURE = "ai_index_2030/4. Economy/Data/fig_4.3.2.csv"
TEXT = "Year,Total investment (in billions of US dollars)\n" + "".join(f"{2000 + i},{i}.5\n" for i in range(30))


def _land(tmp_path, data: bytes, name: str = "v1"):
    path = tmp_path / name / "fig_4.3.2.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return land_source(
        SOURCES["ai_index"], deliveries=[Delivery.from_file("ai_index", "2030", FIGURE, path)]
    ).deliveries[0]


def _values() -> int:
    with connect_read() as conn:
        return conn.execute("select count(*) from raw.ai_index_figure_values where column_index = 2").fetchone()[0]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_a_wide_encoding_with_a_byte_order_mark_is_read(tmp_path, encoding):
    data = TEXT.encode(encoding) if encoding != "utf-16-be" else b"\xfe\xff" + TEXT.encode("utf-16-be")
    assert _land(tmp_path, data).outcome.status == "loaded"
    assert _values() == 30


@pytest.mark.parametrize(
    "encoding, reason",
    [
        ("utf-16-le", "looks like utf-16-le without a byte-order mark"),
        ("utf-16-be", "looks like utf-16-be without a byte-order mark"),
    ],
)
def test_a_wide_encoding_without_a_mark_is_rejected_not_misread(tmp_path, encoding, reason):
    outcome = _land(tmp_path, TEXT.encode(encoding)).outcome
    assert outcome.status == "rejected" and reason in outcome.reason


def test_a_replacement_that_parses_far_worse_does_not_replace_silently(tmp_path, monkeypatch):
    assert _land(tmp_path, TEXT.encode()).outcome.rows_accepted == 60
    # the same figure re-exported: most records broken (ragged), a few good ones
    broken = "Year,Total investment (in billions of US dollars)\n2000,0.5\n" + "2001;1.5;x\n" * 29
    outcome = _land(tmp_path, broken.encode(), "v2").outcome
    assert outcome.status == "rejected" and "the earlier version is kept" in outcome.reason
    assert _values() == 30
    with connect_read() as conn:
        assert conn.execute("select count(*) from raw.deliveries where status = 'loaded'").fetchone()[0] == 1
    monkeypatch.setenv("AIMETRICS_ACCEPT_SMALLER", "ai_index")
    assert _land(tmp_path, broken.encode(), "v3").outcome.status == "loaded"
    assert _values() == 1


def test_tracker_rows_dated_outside_its_days_are_quarantined_not_lost(tmp_path, monkeypatch):
    from ingest.settings import load_settings
    from tests.conftest import FIXTURE_MIRROR

    mirror = tmp_path / "mirror"
    (mirror / "gpu_pricing_tracker").mkdir(parents=True)
    lines = (FIXTURE_MIRROR / "gpu_pricing_tracker/observations.csv").read_text().splitlines()
    lines += [lines[1].replace("2026-03-01", "2020-01-01"), lines[1].replace("2026-03-01", "2099-05-05")]
    (mirror / "gpu_pricing_tracker/observations.csv").write_text("\n".join(lines) + "\n")
    monkeypatch.setenv("AIMETRICS_DATA_DIR", str(mirror))
    # the daily run asks for one day: the records of no day still arrive, as their own delivery
    pieces = gpu_tracker_days.day_deliveries(load_settings(), {"2026-03-01"})
    assert sorted(d.edition for d in pieces) == ["2026-03-01", "out_of_range"]
    land_source(SOURCES["gpu_pricing_tracker"], deliveries=pieces)
    with connect_read() as conn:
        reasons = [r for (r,) in conn.execute("select reason from raw.quarantine order by reason").fetchall()]
        dates = {
            str(d) for (d,) in conn.execute("select distinct observed_on from raw.gpu_tracker_observations").fetchall()
        }
    assert [r.split(" is outside")[0] for r in reasons] == ["date 2020-01-01", "date 2099-05-05"]
    assert dates == {"2026-03-01"}


def test_every_file_of_an_edition_is_accounted_for(tmp_path, monkeypatch):
    folder = tmp_path / "mirror" / "ai_index_2030" / "4. Economy" / "Data"
    folder.mkdir(parents=True)
    for name in ("fig_4.3.2.csv", "fig 4.3.30.csv", "Figure_4.3.31.csv", "fig_4.3.32.CSV ", ".DS_Store"):
        (folder / name).write_text(TEXT)
    monkeypatch.setenv("AIMETRICS_DATA_DIR", str(tmp_path / "mirror"))
    report = land_source(SOURCES["ai_index"])
    outcomes = {Path(d.source_file).name: (d.outcome.status, d.outcome.reason or "") for d in report.deliveries}
    assert outcomes.pop("fig_4.3.2.csv")[0] == "loaded"
    assert sorted(outcomes) == ["Figure_4.3.31.csv", "fig 4.3.30.csv", "fig_4.3.32.CSV "]  # the litter is skipped
    assert all(status == "rejected" and "not an AI Index figure file" in reason for status, reason in outcomes.values())


@pytest.mark.parametrize(
    "folder, reason",
    [
        ("latest", "snapshot folder 'latest' is not a YYYY-MM-DD date"),
        ("2026-13-01", "is not a YYYY-MM-DD date"),
        ("2099-01-01", "snapshot folder 2099-01-01 is a day in the future"),
    ],
)
def test_a_snapshot_folder_that_is_not_an_observation_day_is_refused(tmp_path, monkeypatch, folder, reason):
    from tests.conftest import FIXTURE_MIRROR

    catalog = tmp_path / "mirror" / "gpu_prices" / "skypilot_catalog" / "v7" / "examplecloud" / folder / "vms.csv"
    catalog.parent.mkdir(parents=True)
    catalog.write_text((FIXTURE_MIRROR / "gpu_prices/skypilot_catalog/v7/examplecloud/vms.csv").read_text())
    monkeypatch.setenv("AIMETRICS_DATA_DIR", str(tmp_path / "mirror"))
    report = land_source(SOURCES["skypilot_catalog"])
    assert [(d.outcome.status, reason in d.outcome.reason) for d in report.deliveries] == [("rejected", True)]
    with connect_read() as conn:
        assert conn.execute("select count(*) from raw.skypilot_offers").fetchone()[0] == 0


@pytest.mark.parametrize(
    "amount, reason",
    [
        ("2,49", "has a decimal comma"),
        ("€1,25M", "has a decimal comma"),
        ("1e400", "is not a number or money text"),
    ],
)
def test_ambiguous_or_impossible_amounts_are_quarantined_not_misread(tmp_path, amount, reason):
    export = tmp_path / "funding_rounds.csv"
    export.write_text(
        PORTFOLIO_HEADER + f'Example Co,2024-01-15,Seed,1,"{amount}",Fund,Seed\n'
        "Other Co,2024-01-16,Seed,1,$1M,Fund,Seed\n"
    )
    parsed = SOURCES["funding_exports"].parse(
        Delivery.from_file("funding_exports", "export", "x/funding_rounds.csv", export)
    )
    assert parsed.rows["company"].to_list() == ["Other Co"]
    assert reason in parsed.quarantine["reason"][0]


def test_a_line_repeated_in_an_export_is_one_deal(tmp_path):
    export = tmp_path / "funding_rounds.csv"
    line = "Example Co,2024-01-15,Seed,1,$1M,Fund,Seed\n"
    export.write_text(PORTFOLIO_HEADER + line + line)
    parsed = SOURCES["funding_exports"].parse(
        Delivery.from_file("funding_exports", "export", "x/funding_rounds.csv", export)
    )
    assert parsed.rows.height == 1 and parsed.quarantine["reason"].to_list() == ["duplicate of record 1"]


def test_a_catalog_priced_in_another_currency_is_not_read_as_usd(tmp_path):
    catalog = tmp_path / "vms.csv"
    catalog.write_text(
        "InstanceType,AcceleratorName,AcceleratorCount,Price,Region,Currency\n"
        "a,H100,1,3.0,eu-1,EUR\nb,H100,1,3.5,us-1,USD\n"
    )
    delivery = Delivery.from_file("skypilot_catalog", "2026-01-01", "gpu_prices/skypilot_catalog/v7/x/vms.csv", catalog)
    report = land_source(SOURCES["skypilot_catalog"], deliveries=[delivery])
    assert report.deliveries[0].outcome.rows_accepted == 1
    with connect_read() as conn:
        assert conn.execute("select instance_type from raw.skypilot_offers").fetchall() == [("b",)]
        assert (
            conn.execute("select reason from raw.quarantine").fetchone()[0]
            == "prices in EUR: SkyPilot catalogs are read in USD only"
        )


def test_a_delivery_gone_from_the_mirror_is_on_record_and_its_rows_kept(tmp_path, monkeypatch):
    mirror = tmp_path / "mirror"
    folder = mirror / "ai_index_2030" / "4. Economy" / "Data"
    folder.mkdir(parents=True)
    (folder / "fig_4.3.2.csv").write_text(TEXT)
    (folder / "fig_4.3.3.csv").write_text(TEXT)
    monkeypatch.setenv("AIMETRICS_DATA_DIR", str(mirror))
    land_source(SOURCES["ai_index"])
    (folder / "fig_4.3.3.csv").unlink()
    report = land_source(SOURCES["ai_index"])
    assert report.retracted == ["ai_index_2030/4. Economy/Data/fig_4.3.3.csv"]
    assert land_source(SOURCES["ai_index"]).retracted == []  # noted once
    with connect_read() as conn:
        assert conn.execute("select source_file from raw.retractions").fetchall() == [
            ("ai_index_2030/4. Economy/Data/fig_4.3.3.csv",)
        ]
        assert conn.execute("select count(distinct figure_id) from raw.ai_index_figure_values").fetchone()[0] == 2
    # a figure fetched by URL earlier (the 2024 edition without a mirror) is not the mirror's to retract
    from ingest.sources.ai_index_by_url import online_figures

    url = next(iter(online_figures()))
    (tmp_path / "fetched.csv").write_text(TEXT)
    fetched = land_source(
        SOURCES["ai_index"], deliveries=[Delivery.from_file("ai_index", "2024", url, tmp_path / "fetched.csv")]
    )
    assert fetched.deliveries[0].outcome.status == "loaded"
    assert land_source(SOURCES["ai_index"]).retracted == []


def test_an_unchanged_price_list_on_a_new_day_is_that_days_observation(tmp_path):
    from tests.conftest import FIXTURE_MIRROR

    catalog = tmp_path / "vms.csv"
    catalog.write_text((FIXTURE_MIRROR / "gpu_prices/skypilot_catalog/v7/examplecloud/vms.csv").read_text())
    url = "https://example.org/skypilot/v7/examplecloud/vms.csv"
    for day in ("2026-05-01", "2026-05-02", "2026-05-02"):
        land_source(SOURCES["skypilot_catalog"], deliveries=[Delivery.from_file("skypilot_catalog", day, url, catalog)])
    with connect_read() as conn:
        days = conn.execute(
            "select observed_on::varchar, count(*) from raw.skypilot_offers group by 1 order by 1"
        ).fetchall()
    assert [d for d, _ in days] == ["2026-05-01", "2026-05-02"] and days[0][1] == days[1][1]
