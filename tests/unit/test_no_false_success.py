"""No false success on the first day: a configured folder that does not exist, or a mirror no source reads, stops
`aimetrics run` before anything runs; files dropped into the inbox are read with a mirror set, too."""

import shutil

import pytest

from ingest.settings import load_settings
from ingest.sources import SOURCES
from orchestration.cli import main
from tests.conftest import FIXTURE_MIRROR
from warehouse.db import build_path, warehouse_path
from warehouse.land import land_source


@pytest.mark.parametrize(
    "setting, value, reason",
    [
        (
            "AIMETRICS_DATA_DIR",
            "../no/such/shared/data",
            "AIMETRICS_DATA_DIR: no such folder /",
        ),
        ("AIMETRICS_GPU_FEEDS_DIR", "/no/such/feeds", "AIMETRICS_GPU_FEEDS_DIR: no such folder /no/such/feeds"),
        (
            "AIMETRICS_FUNDING_LAYOUTS_DIR",
            "/no/such/layouts",
            "AIMETRICS_FUNDING_LAYOUTS_DIR: no such folder /no/such/layouts",
        ),
    ],
)
def test_a_configured_folder_that_does_not_exist_stops_the_run_before_anything_runs(
    monkeypatch, capsys, setting, value, reason
):
    monkeypatch.setenv(setting, value)
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("not run: ") and reason in err and value.lstrip(".") in err
    assert not warehouse_path().exists() and not build_path().exists()


def test_a_mirror_no_source_reads_stops_the_run(monkeypatch, capsys, tmp_path):
    (tmp_path / "Downloads" / "photos").mkdir(parents=True)
    (tmp_path / "Downloads" / "photos" / "cat.csv").write_text("name\ncat\n")
    monkeypatch.setenv("AIMETRICS_DATA_DIR", str(tmp_path / "Downloads"))
    assert main(["run"]) == 2
    assert "no source finds a file in it; a mirror is laid out like shared/data" in capsys.readouterr().err
    assert not build_path().exists()


def test_the_fixture_mirror_passes_the_preflight(monkeypatch):
    from ingest.preflight import problems

    monkeypatch.setenv("AIMETRICS_DATA_DIR", str(FIXTURE_MIRROR))
    assert problems() == []


def test_funding_exports_and_ai_index_editions_in_the_inbox_are_read_with_a_mirror(monkeypatch, tmp_path):
    mirror = tmp_path / "mirror"
    shutil.copytree(FIXTURE_MIRROR / "crunchbase_demo_export", mirror / "crunchbase_demo_export")
    shutil.copytree(FIXTURE_MIRROR / "ai_index_2025", mirror / "ai_index_2025")
    monkeypatch.setenv("AIMETRICS_DATA_DIR", str(mirror))
    inbox = load_settings().inbox_dir
    (inbox / "funding").mkdir(parents=True)
    (inbox / "funding" / "my_deals.csv").write_text(
        (FIXTURE_MIRROR / "crunchbase_demo_export" / "funding_rounds.csv")
        .read_text()
        .replace("Example Robotics", "My Own Robotics")
    )
    shutil.copytree(FIXTURE_MIRROR / "ai_index_2024", inbox / "ai_index" / "ai_index_2024")
    shutil.copytree(FIXTURE_MIRROR / "ai_index_2025", inbox / "ai_index" / "ai_index_2025")  # the mirror's is read

    report = land_source(SOURCES["funding_exports"])
    assert {d.source_file: d.outcome.status for d in report.deliveries} == {
        "crunchbase_demo_export/funding_rounds.csv": "loaded",
        "my_deals.csv": "loaded",
    }
    editions = [d.edition for d in SOURCES["ai_index"].locate(load_settings())]
    mirrored = [d for d in SOURCES["ai_index"].locate(load_settings()) if d.edition == "2025"]
    assert set(editions) == {"2024", "2025"}
    assert all(mirror in d.path.parents for d in mirrored)


MY_FEED = """name: my_gpu_quotes
description: Quotes our team collected (USD per GPU-hour).
format: csv
price_unit: gpu_hour
mirror_path: quotes.csv
columns:
  provider: vendor
  gpu_name: chip
  gpu_count: gpus
  usd_per_hour: price
constants:
  region: any
"""


@pytest.mark.parametrize("with_a_mirror", [True, False])
def test_a_users_feed_reads_its_file_beside_its_definition(monkeypatch, tmp_path, with_a_mirror):
    feeds = tmp_path / "my_feeds"
    feeds.mkdir()
    (feeds / "my_gpu_quotes.yml").write_text(MY_FEED)
    (feeds / "quotes.csv").write_text("vendor,chip,gpus,price\nacme,H100 SXM,1,2.10\nacme,A100 80GB,8,1.20\n")
    monkeypatch.setenv("AIMETRICS_GPU_FEEDS_DIR", str(feeds))
    if with_a_mirror:  # the read-only mirror stays as it is: nothing copied into it
        monkeypatch.setenv("AIMETRICS_DATA_DIR", str(FIXTURE_MIRROR))
    else:  # without a mirror the project's own feeds would be fetched: tests never use the network
        from ingest.sources import gpu_feeds

        monkeypatch.setattr(gpu_feeds, "FEED_DIR", tmp_path / "no_project_feeds")
    report = land_source(SOURCES["gpu_feeds"])
    mine = [d for d in report.deliveries if d.source_file == "quotes.csv"]
    assert [(d.outcome.status, d.outcome.rows_accepted, d.outcome.reason) for d in mine] == [("loaded", 2, None)]
    assert all(d.outcome.status != "rejected" for d in report.deliveries)
