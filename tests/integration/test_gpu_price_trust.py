"""GPU prices you can trust, on hand-written deliveries in the real formats (tests/fixtures/gpu_trust/ over the
fixture mirror): the unit each source documents, instance totals found, implausible prices set aside, price jumps
recorded, stale feeds flagged, and unknown chip names and categories listed without stopping the build."""

import shutil

import dagster as dg
import pytest

from orchestration.run import materialize_everything
from tests.conftest import FIXTURE_MIRROR, FIXTURES, PROJECT_ROOT
from tests.integration.warehouse_queries import incremental_models_differ_from_a_rebuild
from warehouse.db import connect_read

pytestmark = pytest.mark.integration

NAMES_SEED = PROJECT_ROOT / "dbt_project" / "seeds" / "gpu_model_names.csv"


def _rows(sql: str, params=None) -> list[tuple]:
    with connect_read() as conn:
        return conn.execute(sql, params or []).fetchall()


def _scalar(sql: str, params=None):
    return _rows(sql, params)[0][0]


def _tracker(provider: str, count: int, pricing: str = "on_demand", chip: str = "H100 SXM") -> tuple:
    return _rows(
        "select usd_per_gpu_hour, price_unit_rule from marts.gpu_prices where source = 'gpu_pricing_tracker' "
        "and provider = ? and gpu_count = ? and pricing = ? and gpu_model = ?",
        [provider, count, pricing, chip],
    )[0]


@pytest.fixture
def trust_mirror(tmp_path, monkeypatch):
    mirror = tmp_path / "mirror"
    shutil.copytree(FIXTURE_MIRROR, mirror)
    shutil.copytree(FIXTURES / "gpu_trust", mirror, dirs_exist_ok=True)
    monkeypatch.setenv("AIMETRICS_DATA_DIR", str(mirror))
    return mirror


@pytest.mark.serial  # it adds a row to a seed of the project, then takes it out
def test_units_anomalies_jumps_staleness_and_unknown_names(trust_mirror):
    instance = dg.DagsterInstance.ephemeral()
    summary = materialize_everything(instance=instance, log_level="WARNING")
    # unknown names and categories, implausible prices, a big jump and a stale feed: warnings, not a failed build
    assert summary.success and summary.checks_failed == [], (summary.failed_steps, summary.checks_failed)
    assert {
        "marts/unmapped_gpu_names:every_gpu_name_is_mapped",
        "marts/price_anomalies:no_price_anomalies",
        "marts/gpu_price_changes:no_big_price_jumps",
        "marts/unmapped_gpu_categories:every_gpu_price_category_is_known",
        "raw/gpu_tracker_observations:freshness_check",
    } <= set(summary.checks_warned)

    # the tracker quotes per GPU-hour; an N-GPU row about N x the provider's 1-GPU price that day is an instance total
    assert _tracker("exampleco", 8) == (
        pytest.approx(18.0 / 8),
        pytest.approx("instance total: about gpu_count x the 1-GPU price of the same provider and day, / gpu_count"),
    )
    assert _tracker("exampleco", 4) == (2.45, "per GPU-hour (documented unit)")
    # no 1-GPU price that day, above the chip's per-GPU ceiling, an eighth of it plausible: an instance total
    price, rule = _tracker("bigcloud", 8)
    assert price == pytest.approx(55.04 / 8) and rule.startswith("instance total: above the chip's per-GPU ceiling")
    assert _scalar("select region from marts.gpu_prices where provider = 'bigcloud'") == "US"  # `us` from the seed
    # SkyPilot quotes instances: a new provider's 8x H100 of an unseen spelling resolves by the rules
    paperspace = "from marts.gpu_prices where provider = 'paperspace'"
    assert _rows(f"select source_gpu_name, gpu_model, gpu_model_resolved_by {paperspace} order by 1") == [
        ("H100", "H100 PCIe", "instance type names the form factor (pcie)"),
        ("H100-SXM5-94GB", "H100 SXM", "normalized name without memory size"),
        ("NVIDIA A100-SXM4-80GB", "A100 80GB", "normalized name"),
    ]
    assert _scalar(f"select usd_per_gpu_hour {paperspace} and gpu_model = 'H100 SXM'") == pytest.approx(23.92 / 8)
    # a bare `H100` on an instance whose type says PCIe is the PCIe card, not the SXM part the bare name defaults to
    assert _rows(f"select gpu_model, gpu_model_resolved_by {paperspace} and instance_type = 'ps-h100-pcie'") == [
        ("H100 PCIe", "instance type names the form factor (pcie)")
    ]

    # below the floor: not a price, kept out of gpu_prices, listed with the reason
    assert _scalar("select count(*) from marts.gpu_prices where provider = 'tinyhost'") == 0
    assert (
        _scalar("select reason from marts.price_anomalies where provider = 'tinyhost'")
        == "below the floor of 0.5 USD per GPU-hour for H100 SXM"
    )
    # a 100x spike against the chip's month (median over providers): listed, and out of the index
    assert _scalar("select round(ratio_to_reference) from marts.price_anomalies where provider = 'l4d'") == 96
    assert _scalar(
        "select median_usd_per_gpu_hour from marts.gpu_price_index where gpu_model = 'L4' "
        "and month = '2026-03-01' and pricing = 'on_demand'"
    ) == pytest.approx(0.55)
    # a 3x jump from one observation to the next
    assert _rows(
        "select before_usd_per_gpu_hour, after_usd_per_gpu_hour, is_big from marts.gpu_price_changes "
        "where gpu_model = 'RTX 4090'"
    ) == [(0.3, 0.9, True)]

    # a table kept as dated versions: each offer observed on the version that changed it, not in every version
    history = (
        "select observed_on::varchar, usd_per_gpu_hour, date_basis from marts.gpu_prices "
        "where source = 'fsdl_cloud_gpus_history' and instance_type = ? order by 1"
    )
    assert _rows(history, ["hist-a100-8"]) == [("2022-08-05", 5.0, "version date"), ("2024-06-10", 3.0, "version date")]
    assert _rows(history, ["hist-v100-1"]) == [("2022-08-05", 3.0, "version date"), ("2023-03-01", 2.5, "version date")]
    assert _rows(
        "select year, round(median_usd_per_gpu_hour, 2), previous_year from marts.gpu_price_trend "
        "where gpu_model = 'A100 80GB' and pricing = 'on_demand' and year < 2026 order by 1"
    ) == [(2022, 5.0, None), (2024, 3.0, 2022)]  # 2023 had no new observation: a gap, not a repeat

    # unknown names and categories: listed with the seed to edit, kept out, everything else built
    assert _rows("select source_gpu_name, provider, offers, seed_file from marts.unmapped_gpu_names order by 1") == [
        ("GPU+", "paperspace", 1, "dbt_project/seeds/gpu_model_names.csv"),
        ("P4000", "paperspace", 1, "dbt_project/seeds/gpu_model_names.csv"),
    ]
    assert _rows("select kind, source_value from marts.unmapped_gpu_categories order by 1") == [
        ("pricing", "reserved_1yr"),
        ("region_code", "moon-1"),
    ]
    assert (
        _scalar(
            "select count(*) from marts.gpu_prices where provider = 'exampleco' and gpu_count = 1 "
            "and observed_on = '2026-03-01' and gpu_model = 'H100 SXM'"
        )
        == 1
    )
    assert (
        _scalar("select count(*) from marts.training_costs") > 0
        and _scalar("select count(*) from marts.ai_investment") > 0
    )

    # a seed row added: the next run maps the offers already loaded, without a full refresh
    original = NAMES_SEED.read_text()
    try:
        NAMES_SEED.write_text(original.rstrip("\n") + "\nP4000,Quadro P4000,Paperspace's Quadro P4000\n")
        again = materialize_everything("refresh_gpu_prices", instance=instance, log_level="WARNING")
    finally:
        NAMES_SEED.write_text(original)
    assert again.success and again.checks_failed == []
    assert _scalar("select usd_per_gpu_hour from marts.gpu_prices where gpu_model = 'Quadro P4000'") == 0.51
    assert _rows("select source_gpu_name from marts.unmapped_gpu_names") == [("GPU+",)]
    # the catalog is a dated snapshot (paperspace/2026-03-02/vms.csv): a plain copy would be dated by the copy and
    # stay out of the index
    assert _scalar("select offers from marts.gpu_price_index where gpu_model = 'Quadro P4000'") == 1

    # the tracker corrects its day: the month's anomalies all go away. The next run judges the month again and
    # replaces it whole (none kept), and what it built month by month is what a build from scratch gives.
    march = "where observed_on >= '2026-03-01' and observed_on < '2026-04-01'"
    assert _scalar(f"select count(*) from marts.price_anomalies {march} and provider in ('tinyhost', 'l4d')") == 2
    tracker = trust_mirror / "gpu_pricing_tracker" / "observations.csv"
    tracker.write_text(tracker.read_text().replace(",0.08,0.085,0.09,", ",2.0,2.1,2.2,").replace(",,55.0,,", ",,0.6,,"))
    corrected = materialize_everything("refresh_gpu_prices", instance=instance, log_level="WARNING")
    assert corrected.success and corrected.checks_failed == []
    assert _rows(f"select provider, severity from marts.price_anomalies {march}") == []
    assert _scalar("select usd_per_gpu_hour from marts.gpu_prices where provider = 'l4d'") == 0.6
    assert incremental_models_differ_from_a_rebuild() == {}
