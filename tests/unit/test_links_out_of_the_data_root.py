"""A link that leaves the mirror or inbox root is refused with its reason and never read, for every kind of
local delivery (a figure, a catalog, a funding export, a single-file source)."""

import pytest

from ingest.settings import load_settings
from ingest.sources import SOURCES, gpu_tracker_days
from warehouse.db import connect_read
from warehouse.land import land_source

SECRET = "root:x:0:0:root:/root:/bin/bash\n"


@pytest.fixture
def outside(tmp_path):
    secret = tmp_path / "outside" / "passwd"
    secret.parent.mkdir()
    secret.write_text(SECRET)
    return secret


@pytest.mark.parametrize(
    "source, link",
    [
        ("ai_index", "ai_index_2030/4. Economy/Data/fig_4.3.2.csv"),
        ("skypilot_catalog", "gpu_prices/skypilot_catalog/v7/evilcloud/vms.csv"),
        ("funding_exports", "crunchbase_evil/funding_rounds.csv"),
        ("gpu_pricing_tracker", "gpu_pricing_tracker/observations.csv"),
        ("epoch_notable_models", "epoch_ai_models/notable_ai_models.csv"),
    ],
)
def test_a_link_out_of_the_mirror_is_refused_and_not_read(tmp_path, monkeypatch, outside, source, link):
    mirror = tmp_path / "mirror"
    (mirror / link).parent.mkdir(parents=True)
    (mirror / link).symlink_to(outside)
    monkeypatch.setenv("AIMETRICS_DATA_DIR", str(mirror))
    if source == "gpu_pricing_tracker":
        report = land_source(SOURCES[source], deliveries=gpu_tracker_days.day_deliveries(load_settings(), None))
    else:
        report = land_source(SOURCES[source])
    assert [(d.source_file, d.outcome.status) for d in report.deliveries] == [(link, "rejected")]
    assert "outside the data root" in report.deliveries[0].outcome.reason
    with connect_read() as conn:
        assert (
            conn.execute("select reason from raw.deliveries where source_file = ?", [link]).fetchone()[0]
            == report.deliveries[0].outcome.reason
        )
        assert conn.execute(f"select count(*) from raw.{SOURCES[source].raw_table}").fetchone()[0] == 0
        assert conn.execute("select count(*) from raw.quarantine").fetchone()[0] == 0


def test_a_link_inside_the_mirror_is_followed(tmp_path, monkeypatch):
    from tests.conftest import FIXTURE_MIRROR

    mirror = tmp_path / "mirror"
    target = mirror / "elsewhere" / "observations.csv"
    target.parent.mkdir(parents=True)
    target.write_text((FIXTURE_MIRROR / "gpu_pricing_tracker/observations.csv").read_text())
    (mirror / "gpu_pricing_tracker").mkdir()
    (mirror / "gpu_pricing_tracker/observations.csv").symlink_to(target)
    monkeypatch.setenv("AIMETRICS_DATA_DIR", str(mirror))
    found = SOURCES["gpu_pricing_tracker"].locate(load_settings())
    assert len(found) == 1 and found[0].refused is None
