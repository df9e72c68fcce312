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
    lines = [header] + [
        f"Model {i},Lab {i % 3},2024-01-{1 + i % 28:02d},{compute.format(1e22 * (i + 1))},{100 + i},"
        f"NVIDIA H100 SXM5 80GB"
        for i in range(models)
    ]
    return "\n".join(lines) + "\n"


def _land(
    tmp_path, edition: str, text: str, source: str = EPOCH, source_file: str = "epoch_ai_models/notable_ai_models.csv"
):
    path = tmp_path / edition / source_file.rsplit("/", 1)[-1]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return (
        land_source(SOURCES[source], deliveries=[Delivery.from_file(source, edition, source_file, path)])
        .deliveries[0]
        .outcome
    )


def _newest_vintage_compute() -> tuple:
    with connect_read() as conn:
        return conn.execute(
            "select _edition, count(*), count(training_compute_flop) from raw.epoch_notable_models "
            "group by 1 order by 1 desc limit 1"
        ).fetchall()[0]


@pytest.mark.parametrize(
    "broken, reason",
    [
        (
            _vintage(header=HEADER.replace("Training compute (FLOP)", "Training Compute (FLOP)")),  # a header respelled
            "columns filled far less often than in the loaded version (2026-01-01): training_compute_flop 0% (was 100%)",
        ),
        (
            _vintage(header=HEADER.replace("Training time (hours)", "Training time")),  # a header renamed
            "training_time_hours 0% (was 100%)",
        ),
        (
            _vintage(compute="{:.1e} FLOP"),  # values that changed type: a number written with its unit
            "this version gives 0 rows where the loaded version (2026-01-01) has 30 (quarantined: 30)",
        ),
        (
            _vintage(models=10),  # a truncated download: a third of the models
            "this version gives 10 rows where the loaded version (2026-01-01) has 30",
        ),
    ],
)
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
    assert (
        _land(tmp_path, "2026-03-01", _vintage(header=HEADER.replace("Training compute (FLOP)", "Compute"))).status
        == "loaded"
    )
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


FIGURE = "ai_index_2025/4. Economy/Data/fig_4.3.1.csv"
VALUE_HEADER = "Total investment (in billions of US dollars)"
FIGURE_ROWS = [
    "2023,Merger/Acquisition,30.0",
    "2023,Private Investment,60.125",
    "2024,Private Investment,80.0",
    "2024,Public Offering,2.25",
]


def _figure(value_header: str = VALUE_HEADER, rows: list[str] = FIGURE_ROWS) -> str:
    return "\n".join([f"Year,Investment Type,{value_header}", *rows]) + "\n"


def _figure_cells() -> list[tuple]:
    with connect_read() as conn:
        return conn.execute(
            "select column_name, count(*) from raw.ai_index_figure_values where _source_file = ? group by 1 order by 1",
            [FIGURE],
        ).fetchall()


@pytest.mark.parametrize(
    "value_header",
    [
        "Value",  # the value column renamed
        "Total Investment (In Billions Of US Dollars)",  # respelled (case)
        "Total investment (USD billions)",  # reworded
    ],
)
def test_an_ai_index_figure_redelivered_with_its_value_column_renamed_is_rejected(tmp_path, value_header):
    assert _land(tmp_path, "2025", _figure(), source="ai_index", source_file=FIGURE).status == "loaded"
    before = _figure_cells()
    outcome = _redeliver(tmp_path, _figure(value_header))
    assert outcome.status == "rejected", outcome
    assert f"headers of the loaded one are gone: 'fig_4.3.1 / {VALUE_HEADER}' (4 cells)" in outcome.reason
    assert "the earlier version is kept" in outcome.reason
    assert _figure_cells() == before  # the mart rows it fed are still there


def _redeliver(tmp_path, text: str):
    """The same figure of the same edition, delivered again with other bytes."""
    path = tmp_path / "again" / "fig_4.3.1.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return (
        land_source(SOURCES["ai_index"], deliveries=[Delivery.from_file("ai_index", "2025", FIGURE, path)])
        .deliveries[0]
        .outcome
    )


def test_an_ai_index_figure_redelivered_with_revised_values_and_rows_replaces_the_old(tmp_path):
    assert _land(tmp_path, "2025", _figure(), source="ai_index", source_file=FIGURE).status == "loaded"
    revised = [row.replace("80.0", "81.5") for row in FIGURE_ROWS] + ["2024,Minority Stake,5.0"]
    assert _redeliver(tmp_path, _figure(rows=revised)).status == "loaded"
    assert dict(_figure_cells())[VALUE_HEADER] == 5
