"""A new version that parses worse never replaces a good one: held to what the version it replaces had (rows,
and how often each column is filled), it is rejected with the reason and the earlier version stays in use."""

import pytest

from ingest.delivery import Delivery
from ingest.sources import SOURCES
from warehouse.db import connect_read
from warehouse.land import land_source

EPOCH = "epoch_notable_models"
HEADER = "Model,Organization,Publication date,Training compute (FLOP),Training time (hours),Training hardware"


def _vintage(models: int = 30, header: str = HEADER, compute: str = "{:.1e}") -> str:
    lines = [header] + [f"Model {i},Lab {i % 3},2024-01-{1 + i % 28:02d},{compute.format(1e22 * (i + 1))},{100 + i},"
                        f"NVIDIA H100 SXM5 80GB" for i in range(models)]
    return "\n".join(lines) + "\n"


def _land(tmp_path, edition: str, text: str, source: str = EPOCH, source_file: str = "epoch_ai_models/notable_ai_models.csv"):
    path = tmp_path / edition / source_file.rsplit("/", 1)[-1]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return land_source(SOURCES[source], deliveries=[Delivery.from_file(source, edition, source_file, path)]).deliveries[0].outcome


def _newest_vintage_compute() -> tuple:
    with connect_read() as conn:
        return conn.execute("select _edition, count(*), count(training_compute_flop) from raw.epoch_notable_models "
                            "group by 1 order by 1 desc limit 1").fetchall()[0]


@pytest.mark.parametrize("broken, reason", [
    (_vintage(header=HEADER.replace("Training compute (FLOP)", "Training Compute (FLOP)")),  # a header respelled
     "columns filled far less often than in the loaded version (2026-01-01): training_compute_flop 0% (was 100%)"),
    (_vintage(header=HEADER.replace("Training time (hours)", "Training time")),  # a header renamed
     "training_time_hours 0% (was 100%)"),
    (_vintage(compute="{:.1e} FLOP"),  # values that changed type: a number written with its unit
     "this version gives 0 rows where the loaded version (2026-01-01) has 30 (quarantined: 30)"),
    (_vintage(models=10),  # a truncated download: a third of the models
     "this version gives 10 rows where the loaded version (2026-01-01) has 30"),
])
def test_a_new_vintage_that_parses_worse_is_rejected_and_the_earlier_stays(tmp_path, broken, reason):
    assert _land(tmp_path, "2026-01-01", _vintage()).status == "loaded"
    outcome = _land(tmp_path, "2026-02-01", broken)
    assert outcome.status == "rejected" and reason in outcome.reason, outcome.reason
    assert "the earlier version is kept" in outcome.reason
    assert _newest_vintage_compute() == ("2026-01-01", 30, 30)  # the marts' newest vintage is still the good one


def test_a_good_new_vintage_replaces_and_a_real_change_can_be_accepted(tmp_path, monkeypatch):
    assert _land(tmp_path, "2026-01-01", _vintage()).status == "loaded"
    assert _land(tmp_path, "2026-02-01", _vintage(models=32)).status == "loaded"  # grown: fine
    assert _newest_vintage_compute() == ("2026-02-01", 32, 32)
    monkeypatch.setenv("AIMETRICS_ACCEPT_SMALLER", EPOCH)  # the publisher really dropped the column
    assert _land(tmp_path, "2026-03-01", _vintage(header=HEADER.replace("Training compute (FLOP)", "Compute"))
                 ).status == "loaded"
    assert _newest_vintage_compute() == ("2026-03-01", 30, 0)


def test_a_redelivered_catalog_whose_column_went_missing_is_rejected(tmp_path):
    header = "InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,Region,SpotPrice,Price"
    rows = [f"gpu-{i},H100-SXM,1.0,26,{200 + i},region-{i % 4},1.50,{3 + i / 10:.2f}" for i in range(25)]
    good = "\n".join([header, *rows]) + "\n"
    catalog = "v7/examplecloud/vms.csv"
    assert _land(tmp_path, "2026-01-01", good, "skypilot_catalog", catalog).status == "loaded"
    renamed = good.replace("MemoryGiB", "Memory (GiB)", 1)  # the same day's catalog again, a column renamed
    (tmp_path / "2026-01-01").rename(tmp_path / "first")
    outcome = _land(tmp_path, "2026-01-01", renamed, "skypilot_catalog", catalog)
    assert outcome.status == "rejected" and "memory_gib 0% (was 100%)" in outcome.reason, outcome.reason
    with connect_read() as conn:
        assert conn.execute("select count(memory_gib) from raw.skypilot_offers").fetchall() == [(25,)]
