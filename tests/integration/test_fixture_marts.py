"""The marts built once from the hand-written fixture mirror (tests/conftest.py: built_fixture_warehouse), each
rule in a test of its own; the arithmetic in each comment is what the fixtures make the number."""

import pytest

from orchestration.cli import main
from tests.integration.warehouse_queries import MARTS
from tests.integration.warehouse_queries import fingerprints as _fingerprints
from tests.integration.warehouse_queries import krw_per_usd as _krw_per_usd
from tests.integration.warehouse_queries import rows as _rows
from tests.integration.warehouse_queries import run_everything as _run
from tests.integration.warehouse_queries import scalar as _scalar
from warehouse.report_specs import SPECS

pytestmark = [
    pytest.mark.integration,
    pytest.mark.xdist_group("fixture_warehouse"),
    pytest.mark.usefixtures("reading_the_fixture_build"),
]


def test_ai_index_editions_side_by_side():
    """Overlapping figures give one number each; every edition's figures through the one figure map."""
    # AI Index: overlapping figures resolve to one number per (edition, year, geography, category)
    assert (
        _scalar(
            "select usd_billions from marts.ai_investment where edition = 2025 and year = 2023 "
            "and geography = 'World' and category = 'private'"
        )
        == 60.125
    )
    assert (
        _scalar(
            "select figure_id from marts.ai_investment where edition = 2025 and year = 2023 "
            "and geography = 'World' and category = 'private'"
        )
        == "fig_4.3.2"
    )
    assert (
        _scalar(
            "select usd_billions from marts.ai_investment where edition = 2025 and year = 2023 "
            "and category = 'merger_acquisition'"
        )
        == 30.0
    )
    assert (
        _scalar(
            "select usd_billions from marts.ai_investment where edition = 2025 and year = 2024 "
            "and geography = 'South Korea'"
        )
        == 1.25
    )
    assert (
        _scalar(
            "select usd_billions from marts.ai_investment where edition = 2025 and year = 2023 "
            "and category = 'Creative, music, video content'"
        )
        == 1.5
    )
    # editions side by side: the 2022 workbook's sheets map to the same table
    assert (
        _scalar(
            "select usd_billions from marts.ai_investment where edition = 2022 and year = 2021 "
            "and geography = 'World' and category = 'private'"
        )
        == 70.25
    )
    assert (
        _scalar(
            "select usd_billions from marts.ai_investment where edition = 2022 and year = 2021 and geography = 'China'"
        )
        == 12.5
    )
    assert _scalar("select min(edition) from marts.ai_investment_latest") == 2025
    # the 2021 workbook, a column per year in USD: read long, in billions, its Grand Total as the world
    edition_2021 = "from marts.ai_investment where edition = 2021 and category = 'private'"
    assert _scalar(f"select usd_billions {edition_2021} and year = 2020 and geography = 'World'") == pytest.approx(
        34.502
    )
    assert _scalar(f"select usd_billions {edition_2021} and year = 2019 and geography = 'China'") == pytest.approx(8.0)
    assert _scalar(f"select usd_billions {edition_2021} and year = 2020 and geography = 'Not listed'") == pytest.approx(
        0.002
    )
    assert _scalar(f"select count(*) {edition_2021}") == 8  # 4 rows x 2 years; the Grand Total column is no year
    # its Event Type pivot (header in its first row, a second table below) and its newly funded companies
    assert _scalar(
        "select usd_billions from marts.ai_investment where edition = 2021 and year = 2020 "
        "and category = 'merger_acquisition'"
    ) == pytest.approx(7.0)
    assert _scalar(
        "select usd_billions from marts.ai_investment where edition = 2021 and year = 2020 "
        "and category = 'corporate_total'"
    ) == pytest.approx(43.202)
    assert (
        _scalar(
            "select count(*) from marts.ai_investment where edition = 2021 and category not in "
            "('private', 'merger_acquisition', 'minority_stake', 'public_offering', 'corporate_total')"
        )
        == 0
    )
    # each category says its kind, so a sum stays within one (types, their total, focus areas)
    kinds = dict(_rows("select category, any_value(category_kind) from marts.ai_investment group by 1"))
    assert {kinds[c] for c in ("private", "merger_acquisition", "minority_stake", "public_offering")} == {
        "investment_type"
    }
    assert (kinds["corporate_total"], kinds["generative_ai"]) == ("total", "focus_area")
    assert (
        _scalar(
            "select count(distinct category_kind) from marts.ai_investment group by category order by 1 desc limit 1"
        )
        == 1
    )
    companies = "select companies from marts.newly_funded_companies where edition = ? and year = ? and geography = ?"
    assert [
        _scalar(companies, [2021, 2020, "United States"]),
        _scalar(companies, [2021, 2019, "Not listed"]),
        _scalar(companies, [2021, 2020, "World"]),
    ] == [180, 40, 210]
    # edition 2024 (the figures HAI publishes on Google Drive, here from the mirror) through the same map
    assert (
        _scalar(
            "select usd_billions from marts.ai_investment where edition = 2024 and year = 2023 "
            "and geography = 'World' and category = 'private'"
        )
        == 95.99
    )
    assert (
        _scalar(
            "select usd_billions from marts.ai_investment where edition = 2024 and year = 2023 "
            "and category = 'generative_ai'"
        )
        == 25.23
    )
    assert [_scalar(companies, [2024, 2023, "World"]), _scalar(companies, [2024, 2023, "United States"])] == [1812, 897]


def test_training_cost_estimates():
    """Chips x hours x price, compute-derived chip-hours, a model only the AI Index prices."""
    # training costs: chips x hours x median rental price within a year (2.0 and 3.0) = 100 x 1000 x 2.5
    assert _scalar("select cost_usd_estimated from marts.training_costs where model = 'Example-LM 1'") == 250_000
    assert _scalar("select cost_usd_published from marts.training_costs where model = 'Example-LM 1'") == 1.5e7
    assert (
        _scalar("select cost_source from marts.training_costs where model = 'Example-LM 1'")
        == "AI Index 2025 fig_1.3.25 (inflation-adjusted USD)"
    )
    assert (
        _scalar("select epoch_hardware_acquisition_cost_usd from marts.training_costs where model = 'Example-LM 1'")
        == 3.1e6
    )
    # compute only: 3.6e21 FLOP / (1e15 FLOP/s x assumed 0.375, Epoch AI's median, the one assumption of every
    # estimate) / 3600 = 2,666.7 chip-hours at the 2025 price of 4.0
    assert _scalar("select chip_hours from marts.training_costs where model = 'Example-LM 2'") == pytest.approx(
        8000 / 3
    )
    assert _scalar("select cost_usd_estimated from marts.training_costs where model = 'Example-LM 2'") == pytest.approx(
        32_000 / 3
    )
    assert "assumed utilization 0.375" in _scalar(
        "select estimate_method from marts.training_costs where model = 'Example-LM 2'"
    )
    assert (
        _scalar("select cost_source from marts.training_costs where model = 'Example-LM 2'")
        == "Epoch AI notable models: training compute cost (2023 USD)"
    )
    # a model only the AI Index prices still gets its row, with the AI Index date
    assert (
        str(_scalar("select publication_date from marts.training_costs where model = 'Example-LM 9'")) == "2024-03-01"
    )
    assert _scalar("select cost_usd_published from marts.training_costs where model = 'Example-LM 9'") == 4.2e6


def test_gpu_prices_from_every_feed():
    """Canonical names, per-GPU prices, placeholder spot prices never used, every feed beside the others."""
    # GPU prices: canonical names, per-GPU prices, placeholder spot prices never used
    assert (
        _scalar("select count(*) from marts.gpu_prices where source = 'skypilot_catalog'") == 7
    )  # 6 on-demand + 1 spot
    assert (
        _scalar(
            "select usd_per_gpu_hour from marts.gpu_prices where instance_type = 'gpu-8x-h100' "
            "and pricing = 'on_demand'"
        )
        == 3.0
    )
    assert _scalar("select count(*) from marts.gpu_prices where pricing = 'spot' and source = 'skypilot_catalog'") == 1
    assert (
        _scalar("select string_agg(distinct gpu_model, ',' order by gpu_model) from marts.gpu_prices")
        == "A100 80GB,A16,H100 SXM,RTX 4090,T4,V100 16GB"
    )  # A16: the multicloud feed
    assert (
        _scalar("select usd_per_gpu_hour from marts.gpu_prices where source = 'gpu_pricing_tracker' and gpu_count = 8")
        == 18.0 / 8
    )
    # the Azure Retail Prices API (a recorded page): 8 H100 SXM per ND96isr H100 v5, Windows prices skipped
    assert (
        _scalar(
            "select usd_per_gpu_hour from marts.gpu_prices where source = 'azure_retail_prices' "
            "and pricing = 'on_demand'"
        )
        == 90.0 / 8
    )
    assert _scalar("select gpu_model from marts.gpu_prices where source = 'azure_retail_prices' limit 1") == "H100 SXM"
    # a feed declared in YAML (ingest/feeds/fsdl_cloud_gpus.yml) lands beside them
    assert (
        _scalar(
            "select usd_per_gpu_hour from marts.gpu_prices where source = 'fsdl_cloud_gpus' "
            "and instance_type = 'ex-a100-8' and pricing = 'spot'"
        )
        == 12.0 / 8
    )


def test_training_emissions():
    """Energy x grid intensity, data-centre facts from the seeds, reported figures under Epoch's names."""
    # emissions: 100 chips x 1000 h x 700 W x PUE 1.1 (Industry) = 77 MWh; x 400 gCO2/kWh (United States) = 30.8 t
    emissions = "from marts.training_emissions where model = 'Example-LM 1'"
    assert _scalar(f"select energy_mwh {emissions}") == pytest.approx(77.0)
    assert _scalar(f"select tco2e_estimated {emissions}") == pytest.approx(30.8)
    assert _scalar(f"select tco2e_reported {emissions}") == 25.0
    assert _scalar(f"select reported_source {emissions}") == "AI Index 2025 fig_1.4.8"
    assert _scalar(f"select assumptions {emissions}") == (
        "gpu_hours: reported chip-hours (Epoch AI: training chip-hours); chip_watts: TDP of Example GPU X; "
        "PUE 1.1 for Industry; grid of United States (2022)"
    )
    # 2,666.7 chip-hours derived from compute (at 0.375, as for its cost) in a named data centre: gcp us-east1's grid
    # (CodeCarbon's 300 g/kWh, the newer vintage) and PUE (1.12, published only by ML CO2 Impact) replace the
    # country's and the default
    assert _scalar(
        "select tco2e_estimated from marts.training_emissions where model = 'Example-LM 2'"
    ) == pytest.approx(8000 / 3 * 700 * 1.12 / 1e6 * 300 / 1000)
    assert "grid of data centre gcp us-east1 (codecarbon)" in _scalar(
        "select assumptions from marts.training_emissions where model = 'Example-LM 2'"
    )
    # a reported-only model under its Epoch name (the AI Index writes "GPT-3")
    assert _scalar("select tco2e_reported from marts.training_emissions where model = 'GPT-3 175B (davinci)'") == 500.5


def test_inference_prices_and_their_decline():
    """KRW at the ECB rate of the day; a threshold's decline from first to cheapest."""
    # inference prices: KRW at the ECB rate of the day; Example-A level got 100x cheaper in 547 days
    krw_2023 = _krw_per_usd("2022-12-30")
    assert _scalar(
        "select krw_per_million_tokens from marts.inference_prices where model = 'Example-A' and benchmark = 'MMLU'"
    ) == pytest.approx(20 * krw_2023)  # 1 Jan 2023: the last rate of 2022
    decline = "from marts.inference_price_decline where threshold = 'Example-A'"
    assert _scalar(f"select times_cheaper {decline}") == pytest.approx(100)
    assert _scalar(f"select cheapest_model {decline}") == "Example-C"
    assert _scalar(f"select yearly_decline_factor {decline}") == pytest.approx(100 ** (365.25 / 547))
    assert _scalar("select price_kind from marts.inference_prices where benchmark is null") == "output"


def test_the_bill_of_a_frontier_run_and_hardware_prices():
    """The frontier run's bill; hardware release prices in KRW; the monthly index."""
    # the bill of a frontier run: chips x hours x price, published cost, purchase value, energy, emissions
    bill = "from marts.frontier_runs where model = 'Example-LM 1'"
    assert _scalar(f"select chip_hours * usd_per_chip_hour = cost_usd_estimated {bill}")
    assert _scalar(f"select chips_purchase_value_usd {bill}") == 100 * 30000
    assert _scalar(f"select cost_usd_published {bill}") == 1.5e7
    assert _scalar(f"select tco2e_estimated {bill}") == pytest.approx(30.8)
    krw_pub = _krw_per_usd("2023-12-20")
    assert _scalar(f"select cost_krw_published {bill}") == pytest.approx(1.5e7 * krw_pub)
    assert _scalar("select count(*) from marts.frontier_runs where model = 'Example-LM 3'") == 0

    # hardware: release price in KRW at the ECB rate of the release day; monthly price index per chip
    krw_per_usd = _krw_per_usd("2022-09-20")
    assert _scalar("select release_price_krw from marts.gpu_hardware where gpu_model = 'H100 SXM'") == pytest.approx(
        25000 * krw_per_usd
    )
    assert _scalar("select gpu_model from marts.gpu_hardware where hardware_name = 'Example GPU X'") == "Example GPU X"
    march = "from marts.gpu_price_index where month = '2026-03-01' and gpu_model = 'H100 SXM' and pricing = 'on_demand'"
    assert _scalar(f"select median_usd_per_gpu_hour {march}") == 2.4  # 2.5, 18/8 and 2.4 from the tracker
    assert _scalar(f"select offers {march}") == 3 and _scalar(f"select providers {march}") == 1
    assert _scalar(f"select p10_usd_per_gpu_hour {march}") == pytest.approx(2.28)
    assert _scalar(f"select usd_per_pflop_hour {march}") == pytest.approx(2.4)  # peak 1e15 FLOP/s in the fixture


def test_funding_rounds_converted_and_deduplicated():
    """ECB conversion on the deal's day; the same deal in two exports is one deal."""
    # Funding: ECB conversion on the announcement day (or the last rate before it)
    assert _scalar("select amount_usd from marts.funding_rounds where company = 'Example Robotics'") == 12e6
    eur_usd = _scalar("select units_per_eur from raw.fx_rates where currency = 'USD' and rate_date = '2024-01-15'")
    assert _scalar("select amount_usd from marts.funding_rounds where company = 'Beispiel KI'") == pytest.approx(
        2e6 * eur_usd
    )
    assert _scalar("select country from marts.funding_rounds where company = 'Hanguk AI'") == "South Korea"
    assert _scalar("select amount_krw from marts.funding_rounds where company = 'Hanguk AI'") == pytest.approx(5e9)
    # 2024-04-10 was a Wednesday: the rate of that day; a Saturday announcement takes Friday's rate
    assert str(_scalar("select fx_rate_date from marts.funding_rounds where company = 'Exemple IA'")) == "2024-04-10"
    assert _scalar("select count(*) from raw.quarantine where _source = 'funding_exports'") == 4
    # the same deal in two exports (3 days and under 10 % apart) is one deal, the later delivery speaking for it
    voice = "from marts.funding_rounds where company ilike 'example voice' and round_type = 'Series C'"
    assert _scalar(f"select count(*) {voice}") == 1
    assert _scalar(f"select source_records {voice}") == 2
    assert _scalar(f"select amount {voice}") == 185e6
    assert (
        _scalar(
            "select count(distinct source_file) from marts.funding_round_sources where round_id = "
            f"(select round_id {voice})"
        )
        == 2
    )
    assert _scalar("select count(*) from marts.funding_rounds where company ilike 'Example Voice'") == 2  # + 2024 round
    assert (
        _scalar("select status from marts.funding_rounds where company = 'Example Lab' and amount = 2e9")
        == "Late discussions"
    )
    assert _scalar(
        "select usd_per_unit from marts.fx_rates where currency = 'EUR' and rate_date = '2024-01-15'"
    ) == pytest.approx(eur_usd)


def test_the_report_and_the_tables_command(tmp_path, capsys, built_fixture_warehouse):
    """Every chart drawn from data with its publisher and query, by the CLI and by the build's report asset."""
    # the report: every chart drawn from data, each with its publisher and query; `tables` shows the dbt descriptions
    report = tmp_path / "from_cli.html"
    assert main(["report", "--output", str(report)]) == 0
    page = report.read_text()
    assert page.count('class="plotly-graph-div"') == len(SPECS) and "No data in the warehouse" not in page
    assert "plotly.js v" in page and page.count("Plotly.newPlot") == len(SPECS)  # plotly.js inline, once
    assert "Stanford HAI" in page and "KRW" in page
    assert built_fixture_warehouse.report.is_file()  # the report asset of the build wrote AIMETRICS_REPORT_PATH
    assert "from marts.gpu_price_index as i" in page and "Private AI investment by year, per AI Index edition" in page
    assert main(["tables"]) == 0
    assert "| marts.gpu_prices |" in capsys.readouterr().out


def test_a_rerun_gives_the_same_marts(monkeypatch, tmp_path, built_fixture_warehouse):
    """Materializing everything again over the same sources changes no mart (row counts and content checksums)."""
    monkeypatch.setenv("AIMETRICS_DUCKDB_PATH", str(built_fixture_warehouse.copy_to(tmp_path / "copy")))
    first = _fingerprints()
    assert all(first[mart][0] > 0 for mart in MARTS)  # every mart is compared; these have fixture rows
    _run()  # one rerun over the same sources: the same tables
    assert _fingerprints() == first
    assert _scalar("select count(*) from raw.deliveries where status = 'loaded'") == _scalar(
        "select count(distinct (source, source_file)) from raw.deliveries"
    )


def test_a_full_refresh_rebuilds_every_incremental_row_and_gives_the_same_marts(
    monkeypatch, tmp_path, built_fixture_warehouse
):
    """`aimetrics run --full-refresh`: dbt rebuilds its incremental models from all their input (every offer row
    built again), and the marts are the ones the incremental build made."""
    import dagster as dg

    from orchestration.run import materialize_everything

    monkeypatch.setenv("AIMETRICS_DUCKDB_PATH", str(built_fixture_warehouse.copy_to(tmp_path / "copy")))
    first = _fingerprints()
    built_before = _scalar("select max(built_at) from marts.gpu_prices")
    summary = materialize_everything(instance=dg.DagsterInstance.ephemeral(), log_level="WARNING", full_refresh=True)
    assert summary.success and not summary.checks_failed, summary.failed_steps
    assert _scalar("select min(built_at) from intermediate.int_gpu_offers") > built_before  # every row rebuilt
    assert _fingerprints() == first


def test_every_check_passes(built_fixture_warehouse):
    """pandera checks on raw tables and marts, dbt tests on sources and models, drop and freshness checks."""
    summary = built_fixture_warehouse.summary
    assert summary.checks_failed == [] and len(summary.checks_passed) >= 250


def test_adoption_figures():
    """The adoption figures through the figure map: percent strings as fractions, bands as published, the
    chart line break in a label folded, an unreadable share left out with its reason."""
    rows = "from marts.ai_adoption where figure_id = 'fig_4.4.3'"
    assert _scalar(f"select share_of_respondents {rows} and band = 'Decrease by ≥20%'") == pytest.approx(0.05)
    assert _scalar(f"select measure_key {rows} and band = 'Total Increase'") == "revenue_increase_generative_ai"
    assert _scalar(f"select count(*) {rows} and function = 'Knowledge management and other internal functions'") == 2
    assert (
        _scalar("select problem from intermediate.int_ai_index__adoption where function = 'Service operations'")
        == "the share is blank or not a number"
    )
    assert _scalar(f"select count(*) {rows} and function = 'Service operations'") == 0
    assert _scalar(
        "select share_of_respondents from marts.ai_adoption where measure_key = 'adoption_ai' "
        "and geography = 'World' and year = 2024"
    ) == pytest.approx(0.78)


def test_epoch_cloud_method():
    """Epoch's cloud method on the fixture: 10 chips x 1000 h at AWS (the default vendor), the 3-year price of the
    row dated nearest before training start - 60 days (2023-06-01: 1.00, not 2023-09-01), x PPI 121 / 110."""
    row = "from marts.training_costs where model = 'Example-LM 5'"
    assert _scalar(f"select cost_usd_cloud_method {row}") == pytest.approx(11_000)
    assert _scalar(f"select cost_usd_estimated {row}") == pytest.approx(11_000)
    assert _scalar(f"select estimate_kind {row}") == "cloud_method"
    assert _scalar(f"select (cost_vendor, cost_price_type, cost_price_date::varchar, cost_inflation_to) {row}") == (
        "Amazon Web Services",
        "3-year committed use",
        "2023-06-01",
        "2024-12",
    )
    assert _scalar(f"select chip_hours * usd_per_chip_hour {row}") == pytest.approx(11_000)
    assert _scalar("select count(*) from marts.training_costs where model = 'Example-LM 5 Chat'") == 0  # a fine-tune
    check = "from marts.published_figure_checks where model = 'Example-LM 1' and method like 'Epoch cloud%'"
    assert _scalar(f"select count(*) {check}") >= 1


def test_the_run_summary_has_three_headlines_and_what_is_new(reading_the_fixture_build):
    """The numbers people ask first, from the fixture's own rows: multicloud_daily's H100 SXM on demand at 6.88 in
    May 2026 (SkyPilot's and Azure's mirror copies are dated by the copy, so they are no observation of a month),
    Example-LM 5's cloud-method cost, the 2025 edition's world private investment; and what the run loaded."""
    from orchestration.run import format_summary

    lines = format_summary(reading_the_fixture_build.summary).splitlines()
    start = lines.index("Headlines:")
    assert lines[start + 1 : start + 4] == [
        "  An H100 SXM rents for a median $6.88 per GPU-hour on demand (₩10,363), 2026-05, across 1 provider",
        "  The costliest training run by Epoch AI's cloud method: Example-LM 5, $11,000 (published 2024-01-15)",
        "  World private AI investment: $80.0B in 2024 (AI Index 2025)",
    ]
    assert (
        _scalar(
            "select round(median(krw_per_gpu_hour)) from marts.gpu_prices where gpu_model = 'H100 SXM' "
            "and pricing = 'on_demand' and source = 'multicloud_daily' and observed_on >= '2026-05-01'"
        )
        == 10410
    )
    new = next(line for line in lines if line.startswith("New this run: "))
    loaded = _scalar("select count(*) from raw.deliveries where status = 'loaded'")
    assert new.startswith(f"New this run: {loaded} deliveries from ")  # a first build: every delivery is new
