"""The whole graph (raw assets, pandera checks, dbt build) materialized into a temporary DuckDB file."""

import hashlib
import json
import re

import dagster as dg
import pytest

from orchestration.run import materialize_everything
from warehouse.cli import main
from warehouse.db import connect_read
from warehouse.report_specs import SPECS
from tests.conftest import FIXTURE_MIRROR, PROJECT_ROOT

pytestmark = pytest.mark.integration

MARTS = ("ai_investment", "gpu_prices", "gpu_price_index", "gpu_hardware", "funding_rounds", "funding_by_year",
         "training_costs", "training_emissions", "inference_prices", "frontier_runs", "funding_round_sources")


def _run():
    summary = materialize_everything(instance=dg.DagsterInstance.ephemeral(), log_level="WARNING")
    assert summary.success, summary.failed_steps
    assert summary.checks_failed == []
    return summary


def _rows(sql: str, params=None) -> list[tuple]:
    with connect_read() as conn:
        return conn.execute(sql, params or []).fetchall()


def _scalar(sql: str, params=None):
    with connect_read() as conn:
        return conn.execute(sql, params or []).fetchone()[0]


def _krw_per_usd(day: str) -> float:
    return _scalar("select k.units_per_eur / u.units_per_eur from raw.fx_rates k join raw.fx_rates u using (rate_date) "
                   "where k.currency = 'KRW' and u.currency = 'USD' and rate_date = ?", [day])


def _fingerprints() -> dict[str, tuple[int, str]]:
    """Row count and a content checksum per mart (row order ignored)."""
    prints = {}
    with connect_read() as conn:
        for mart in MARTS:
            rows = sorted(map(repr, conn.execute(f"select * from marts.{mart}").fetchall()))
            prints[mart] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return prints


@pytest.mark.xdist_group("fixture_warehouse")
def test_fixture_mirror_end_to_end_and_rerun_gives_the_same_marts(monkeypatch, built_fixture_warehouse, tmp_path,
                                                                  capsys):
    built = built_fixture_warehouse
    monkeypatch.setenv("AIMETRICS_DATA_DIR", str(built.mirror))
    monkeypatch.setenv("AIMETRICS_DUCKDB_PATH", str(built.copy_to(tmp_path / "copy")))  # this test reruns into it
    summary = built.summary
    assert len(summary.checks_passed) >= 200  # pandera checks on raw tables and marts, dbt tests on sources and models

    # AI Index: overlapping figures resolve to one number per (edition, year, geography, category)
    assert _scalar("select usd_billions from marts.ai_investment where edition = 2025 and year = 2023 "
                   "and geography = 'World' and category = 'private'") == 60.125
    assert _scalar("select figure_id from marts.ai_investment where edition = 2025 and year = 2023 "
                   "and geography = 'World' and category = 'private'") == "fig_4.3.2"
    assert _scalar("select usd_billions from marts.ai_investment where edition = 2025 and year = 2023 "
                   "and category = 'merger_acquisition'") == 30.0
    assert _scalar("select usd_billions from marts.ai_investment where edition = 2025 and year = 2024 "
                   "and geography = 'South Korea'") == 1.25
    assert _scalar("select usd_billions from marts.ai_investment where edition = 2025 and year = 2023 "
                   "and category = 'Creative, music, video content'") == 1.5
    # editions side by side: the 2022 workbook's sheets map to the same table
    assert _scalar("select usd_billions from marts.ai_investment where edition = 2022 and year = 2021 "
                   "and geography = 'World' and category = 'private'") == 70.25
    assert _scalar("select usd_billions from marts.ai_investment where edition = 2022 and year = 2021 "
                   "and geography = 'China'") == 12.5
    assert _scalar("select min(edition) from marts.ai_investment_latest") == 2025
    # the 2021 workbook, a column per year in USD: read long, in billions, its Grand Total as the world
    edition_2021 = "from marts.ai_investment where edition = 2021 and category = 'private'"
    assert _scalar(f"select usd_billions {edition_2021} and year = 2020 and geography = 'World'") == pytest.approx(34.502)
    assert _scalar(f"select usd_billions {edition_2021} and year = 2019 and geography = 'China'") == pytest.approx(8.0)
    assert _scalar(f"select usd_billions {edition_2021} and year = 2020 and geography = 'Not listed'") == pytest.approx(0.002)
    assert _scalar(f"select count(*) {edition_2021}") == 8  # 4 rows x 2 years; the Grand Total column is no year
    # its Event Type pivot (header in its first row, a second table below) and its newly funded companies
    assert _scalar("select usd_billions from marts.ai_investment where edition = 2021 and year = 2020 "
                   "and category = 'merger_acquisition'") == pytest.approx(7.0)
    assert _scalar("select usd_billions from marts.ai_investment where edition = 2021 and year = 2020 "
                   "and category = 'corporate_total'") == pytest.approx(43.202)
    assert _scalar("select count(*) from marts.ai_investment where edition = 2021 and category not in "
                   "('private', 'merger_acquisition', 'minority_stake', 'public_offering', 'corporate_total')") == 0
    companies = "select companies from marts.newly_funded_companies where edition = ? and year = ? and geography = ?"
    assert [_scalar(companies, [2021, 2020, "United States"]), _scalar(companies, [2021, 2019, "Not listed"]),
            _scalar(companies, [2021, 2020, "World"])] == [180, 40, 210]
    # edition 2024 (the figures HAI publishes on Google Drive, here from the mirror) through the same map
    assert _scalar("select usd_billions from marts.ai_investment where edition = 2024 and year = 2023 "
                   "and geography = 'World' and category = 'private'") == 95.99
    assert _scalar("select usd_billions from marts.ai_investment where edition = 2024 and year = 2023 "
                   "and category = 'generative_ai'") == 25.23
    assert [_scalar(companies, [2024, 2023, "World"]), _scalar(companies, [2024, 2023, "United States"])] == [1812, 897]

    # training costs: chips x hours x median rental price within a year (2.0 and 3.0) = 100 x 1000 x 2.5
    assert _scalar("select cost_usd_estimated from marts.training_costs where model = 'Example-LM 1'") == 250_000
    assert _scalar("select cost_usd_published from marts.training_costs where model = 'Example-LM 1'") == 1.5e7
    assert _scalar("select cost_source from marts.training_costs where model = 'Example-LM 1'") == \
        "AI Index 2025 fig_1.3.25 (inflation-adjusted USD)"
    assert _scalar("select epoch_hardware_acquisition_cost_usd from marts.training_costs where model = 'Example-LM 1'") == 3.1e6
    # compute only: 3.6e21 FLOP / (1e15 FLOP/s x assumed 0.4) / 3600 = 2,500 chip-hours at the 2025 price of 4.0
    assert _scalar("select chip_hours from marts.training_costs where model = 'Example-LM 2'") == pytest.approx(2500)
    assert _scalar("select cost_usd_estimated from marts.training_costs where model = 'Example-LM 2'") == pytest.approx(10_000)
    assert "assumed utilization 0.4" in _scalar("select estimate_method from marts.training_costs where model = 'Example-LM 2'")
    assert _scalar("select cost_source from marts.training_costs where model = 'Example-LM 2'") == \
        "Epoch AI notable models: training compute cost (2023 USD)"
    # a model only the AI Index prices still gets its row, with the AI Index date
    assert str(_scalar("select publication_date from marts.training_costs where model = 'Example-LM 9'")) == "2024-03-01"
    assert _scalar("select cost_usd_published from marts.training_costs where model = 'Example-LM 9'") == 4.2e6

    # GPU prices: canonical names, per-GPU prices, placeholder spot prices never used
    assert _scalar("select count(*) from marts.gpu_prices where source = 'skypilot_catalog'") == 7  # 6 on-demand + 1 spot
    assert _scalar("select usd_per_gpu_hour from marts.gpu_prices where instance_type = 'gpu-8x-h100' "
                   "and pricing = 'on_demand'") == 3.0
    assert _scalar("select count(*) from marts.gpu_prices where pricing = 'spot' and source = 'skypilot_catalog'") == 1
    assert _scalar("select string_agg(distinct gpu_model, ',' order by gpu_model) from marts.gpu_prices") == \
        "A100 80GB,A16,H100 SXM,RTX 4090,T4,V100 16GB"  # A16: the multicloud feed
    assert _scalar("select usd_per_gpu_hour from marts.gpu_prices where source = 'gpu_pricing_tracker' "
                   "and gpu_count = 8") == 18.0 / 8
    # the Azure Retail Prices API (a recorded page): 8 H100 SXM per ND96isr H100 v5, Windows prices skipped
    assert _scalar("select usd_per_gpu_hour from marts.gpu_prices where source = 'azure_retail_prices' "
                   "and pricing = 'on_demand'") == 90.0 / 8
    assert _scalar("select gpu_model from marts.gpu_prices where source = 'azure_retail_prices' limit 1") == "H100 SXM"
    # a feed declared in YAML (ingest/feeds/fsdl_cloud_gpus.yml) lands beside them
    assert _scalar("select usd_per_gpu_hour from marts.gpu_prices where source = 'fsdl_cloud_gpus' "
                   "and instance_type = 'ex-a100-8' and pricing = 'spot'") == 12.0 / 8

    _assert_cloud_method_on_fixtures()
    _assert_adoption_on_fixtures()
    _assert_marketplace_and_multicloud_on_fixtures()
    _assert_llm_prices_on_fixtures()

    # emissions: 100 chips x 1000 h x 700 W x PUE 1.1 (Industry) = 77 MWh; x 400 gCO2/kWh (United States) = 30.8 t
    emissions = "from marts.training_emissions where model = 'Example-LM 1'"
    assert _scalar(f"select energy_mwh {emissions}") == pytest.approx(77.0)
    assert _scalar(f"select tco2e_estimated {emissions}") == pytest.approx(30.8)
    assert _scalar(f"select tco2e_reported {emissions}") == 25.0
    assert _scalar(f"select reported_source {emissions}") == "AI Index 2025 fig_1.4.8"
    assert _scalar(f"select assumptions {emissions}") == (
        "gpu_hours: chips x hours; chip_watts: TDP of Example GPU X; PUE 1.1 for Industry; grid of United States (2022)")
    # 2,500 chip-hours derived from compute in a named data centre: gcp us-east1's grid (CodeCarbon's 300 g/kWh,
    # the newer vintage) and PUE (1.12, published only by ML CO2 Impact) replace the country's and the default
    assert _scalar("select tco2e_estimated from marts.training_emissions where model = 'Example-LM 2'") == \
        pytest.approx(2500 * 700 * 1.12 / 1e6 * 300 / 1000)
    assert "grid of data centre gcp us-east1 (codecarbon)" in \
        _scalar("select assumptions from marts.training_emissions where model = 'Example-LM 2'")
    # a reported-only model under its Epoch name (the AI Index writes "GPT-3")
    assert _scalar("select tco2e_reported from marts.training_emissions where model = 'GPT-3 175B (davinci)'") == 500.5

    # inference prices: KRW at the ECB rate of the day; Example-A level got 100x cheaper in 547 days
    krw_2023 = _krw_per_usd("2022-12-30")
    assert _scalar("select krw_per_million_tokens from marts.inference_prices where model = 'Example-A' "
                   "and benchmark = 'MMLU'") == pytest.approx(20 * krw_2023)  # 1 Jan 2023: the last rate of 2022
    decline = "from marts.inference_price_decline where threshold = 'Example-A'"
    assert _scalar(f"select times_cheaper {decline}") == pytest.approx(100)
    assert _scalar(f"select cheapest_model {decline}") == "Example-C"
    assert _scalar(f"select yearly_decline_factor {decline}") == pytest.approx(100 ** (365.25 / 547))
    assert _scalar("select price_kind from marts.inference_prices where benchmark is null") == "output"

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
    assert _scalar("select release_price_krw from marts.gpu_hardware where gpu_model = 'H100 SXM'") == \
        pytest.approx(25000 * krw_per_usd)
    assert _scalar("select gpu_model from marts.gpu_hardware where hardware_name = 'Example GPU X'") == "Example GPU X"
    march = "from marts.gpu_price_index where month = '2026-03-01' and gpu_model = 'H100 SXM' and pricing = 'on_demand'"
    assert _scalar(f"select median_usd_per_gpu_hour {march}") == 2.4  # 2.5, 18/8 and 2.4 from the tracker
    assert _scalar(f"select offers {march}") == 3 and _scalar(f"select providers {march}") == 1
    assert _scalar(f"select p10_usd_per_gpu_hour {march}") == pytest.approx(2.28)
    assert _scalar(f"select usd_per_pflop_hour {march}") == pytest.approx(2.4)  # peak 1e15 FLOP/s in the fixture

    # Funding: ECB conversion on the announcement day (or the last rate before it)
    assert _scalar("select amount_usd from marts.funding_rounds where company = 'Example Robotics'") == 12e6
    eur_usd = _scalar("select units_per_eur from raw.fx_rates where currency = 'USD' and rate_date = '2024-01-15'")
    assert _scalar("select amount_usd from marts.funding_rounds where company = 'Beispiel KI'") == pytest.approx(2e6 * eur_usd)
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
    assert _scalar("select count(distinct source_file) from marts.funding_round_sources where round_id = "
                   f"(select round_id {voice})") == 2
    assert _scalar("select count(*) from marts.funding_rounds where company ilike 'Example Voice'") == 2  # + 2024 round
    assert _scalar("select status from marts.funding_rounds where company = 'Example Lab' and amount = 2e9") == \
        "Late discussions"
    assert _scalar("select usd_per_unit from marts.fx_rates where currency = 'EUR' and rate_date = '2024-01-15'") == \
        pytest.approx(eur_usd)

    # the report: every chart drawn from data, each with its publisher and query; `tables` shows the dbt descriptions
    report = tmp_path / "from_cli.html"
    assert main(["report", "--output", str(report)]) == 0
    page = report.read_text()
    assert page.count("class=\"plotly-graph-div\"") == len(SPECS) and "No data in the warehouse" not in page
    assert "plotly.js v" in page and page.count("Plotly.newPlot") == len(SPECS)  # plotly.js inline, once
    assert "Stanford HAI" in page and "KRW" in page
    assert built.report.is_file()  # the report asset of the build wrote AIMETRICS_REPORT_PATH
    assert "from marts.gpu_price_index as i" in page and "Private AI investment by year, per AI Index edition" in page
    assert main(["tables"]) == 0
    assert "| marts.gpu_prices |" in capsys.readouterr().out

    first = _fingerprints()
    assert all(count > 0 for count, _ in first.values())
    _run()  # one rerun over the same sources: the same tables
    assert _fingerprints() == first
    assert _scalar("select count(*) from raw.deliveries where status = 'loaded'") == \
        _scalar("select count(distinct (source, source_file)) from raw.deliveries")


def _assert_marketplace_and_multicloud_on_fixtures():
    """The marketplace's snapshots as one price per provider and day (median of the snapshots' averages); the
    cumulative multicloud feed on the dates of its rows, each tier its pricing model, estimates left out."""
    market = "from marts.gpu_prices where source = 'gpu_marketplace'"
    assert _rows(f"select observed_on::varchar, provider, usd_per_gpu_hour, gpu_model {market} order by 1, 2") == [
        ("2025-10-19", "lambda", 2.99, "H100 SXM"), ("2025-10-19", "runpod", pytest.approx(2.74), "H100 SXM"),
        ("2025-10-20", "runpod", 2.49, "H100 SXM")]
    assert _scalar(f"select distinct date_basis {market}") == "observation date (daily median of snapshots)"
    # one provider name across feeds: `lambdalabs` by the gpu_providers seed, `ExampleCloud` by its key
    assert _scalar(f"select source_provider {market} and provider = 'lambda'") == "lambdalabs"
    assert _rows("select distinct provider, source_provider from marts.gpu_prices where source = 'multicloud_daily' "
                 "and gpu_model = 'H100 SXM'") == [("examplecloud", "ExampleCloud")]
    assert _scalar("select snapshots from intermediate.int_gpu_marketplace__daily where provider = 'runpod' "
                   "and observed_on = '2025-10-19'") == 2
    multicloud = "from marts.gpu_prices where source = 'multicloud_daily' and gpu_model = 'H100 SXM'"
    assert _rows(f"select observed_on::varchar, pricing, usd_per_gpu_hour {multicloud} order by 1, 2") == [
        ("2026-05-21", "on_demand", 6.88), ("2026-05-21", "reserved_3yr", 3.10), ("2026-05-21", "spot", 2.90),
        ("2026-05-22", "on_demand", 6.88), ("2026-05-22", "reserved_1yr", 4.20)]
    assert _scalar("select count(*) from marts.gpu_prices where source = 'multicloud_daily' "
                   "and observed_on < '2026-01-01'") == 0
    assert _scalar("select count(*) from raw.quarantine where _source_file like '%multicloud%' "
                   "and reason like '%historical_estimate%'") == 2


def _assert_llm_prices_on_fixtures():
    """One model across four price lists under one name, per million tokens, in USD (CNY at the ECB rate) and KRW;
    list-price changes; the decline per capability threshold by Epoch's fit; a published serving fleet priced."""
    chat = "from marts.llm_api_prices where model = 'example-chat-1'"
    assert _rows(f"select source, source_model_name, observed_on::varchar, usd_per_million_input_tokens, "
                 f"usd_per_million_output_tokens {chat} and provider <> 'bedrock' order by 1, 3, 2") == [
        ("litellm", "example-chat-1", "2024-01-15", pytest.approx(10), pytest.approx(30)),
        ("litellm", "example-chat-1", "2024-06-30", pytest.approx(5), pytest.approx(15)),
        ("llmrates", "example-chat-1", "2026-08-22", 2.5, 10.0),
        ("openrouter", "exampleai/example-chat-1", "2024-09-21", pytest.approx(5), pytest.approx(15)),
        ("openrouter", "exampleai/example-chat-1:free", "2024-09-21", 0.0, 0.0),
        ("openrouter", "exampleai/example-chat-1", "2024-11-02", 2.5, 10.0),
        ("token_tariff", "example-chat-1", "2024-01-10", 10.0, 30.0),
        ("token_tariff", "example-chat-1", _scalar(f"select max(observed_on)::varchar {chat} and source = 'token_tariff'"),
         5.0, 15.0)]
    assert _scalar(f"select source_model_name {chat} and provider = 'bedrock'") == "eu.mistral.example-chat-1-v1:0"
    assert _scalar(f"select usd_per_million_blended {chat} and source = 'token_tariff' and observed_on = '2024-01-10'") == 15.0
    assert _scalar(f"select krw_per_million_blended {chat} and source = 'token_tariff' and observed_on = '2024-01-10'") == \
        pytest.approx(15.0 * _krw_per_usd("2024-01-10"))
    cny = _scalar("select usd_per_unit from marts.fx_rates where currency = 'CNY' and rate_date = "
                  "(select fx_rate_date from marts.llm_api_prices where model = 'hanzi-chat')")
    assert _scalar("select usd_per_million_input_tokens from marts.llm_api_prices where model = 'hanzi-chat'") == \
        pytest.approx(2 * cny)
    assert _scalar("select count(*) from marts.llm_api_prices where model in ('example-image', 'example-embed', "
                   "'example-tts', 'example-painter')") == 0  # not text models, or not priced per token
    changes = "from marts.llm_price_changes where model = 'example-chat-1'"
    assert _rows(f"select source, previous_observed_on::varchar, changed_on::varchar, input_ratio {changes} order by 1") == [
        ("litellm", "2024-01-15", "2024-06-30", pytest.approx(0.5)),
        ("openrouter", "2024-09-21", "2024-11-02", pytest.approx(0.5)),
        ("token_tariff", "2024-01-10", _scalar(f"select max(observed_on)::varchar {chat}"), pytest.approx(0.5))]
    epoch = "from marts.inference_price_decline where source = 'Epoch AI' and threshold = 'GPT-3.5'"
    assert _scalar(f"select times_cheaper {epoch}") == pytest.approx(100)
    assert _scalar(f"select fitted_yearly_decline_factor {epoch}") == pytest.approx(10, rel=0.01)
    serving = "from marts.serving_cost_estimates where estimate = 'chatgpt_2023_02'"
    assert _scalar(f"select published_krw_per_day {serving} limit 1") == pytest.approx(694444 * _krw_per_usd("2023-02-09"))
    assert _scalar(f"select published_usd_per_gpu_hour {serving} limit 1") == pytest.approx(694444 / (28936 * 24))


def _assert_adoption_on_fixtures():
    """The adoption figures through the figure map: percent strings as fractions, bands as published, the
    chart line break in a label folded, an unreadable share left out with its reason."""
    rows = "from marts.ai_adoption where figure_id = 'fig_4.4.3'"
    assert _scalar(f"select share_of_respondents {rows} and band = 'Decrease by ≥20%'") == pytest.approx(0.05)
    assert _scalar(f"select measure_key {rows} and band = 'Total Increase'") == "revenue_increase_generative_ai"
    assert _scalar(f"select count(*) {rows} and function = 'Knowledge management and other internal functions'") == 2
    assert _scalar("select problem from intermediate.int_ai_index__adoption where function = 'Service operations'") == \
        "the share is blank or not a number"
    assert _scalar(f"select count(*) {rows} and function = 'Service operations'") == 0
    assert _scalar("select share_of_respondents from marts.ai_adoption where measure_key = 'adoption_ai' "
                   "and geography = 'World' and year = 2024") == pytest.approx(0.78)


def _assert_cloud_method_on_fixtures():
    """Epoch's cloud method on the fixture: 10 chips x 1000 h at AWS (the default vendor), the 3-year price of the
    row dated nearest before training start - 60 days (2023-06-01: 1.00, not 2023-09-01), x PPI 121 / 110."""
    row = "from marts.training_costs where model = 'Example-LM 5'"
    assert _scalar(f"select cost_usd_cloud_method {row}") == pytest.approx(11_000)
    assert _scalar(f"select cost_usd_estimated {row}") == pytest.approx(11_000)
    assert _scalar(f"select estimate_kind {row}") == "cloud_method"
    assert _scalar(f"select (cost_vendor, cost_price_type, cost_price_date::varchar, cost_inflation_to) {row}") == (
        "Amazon Web Services", "3-year committed use", "2023-06-01", "2024-12")
    assert _scalar(f"select chip_hours * usd_per_chip_hour {row}") == pytest.approx(11_000)
    assert _scalar("select count(*) from marts.training_costs where model = 'Example-LM 5 Chat'") == 0  # a fine-tune
    check = "from marts.published_figure_checks where model = 'Example-LM 1' and method like 'Epoch cloud%'"
    assert _scalar(f"select count(*) {check}") >= 1


def test_real_shared_data_end_to_end(monkeypatch, shared_data):
    monkeypatch.setenv("AIMETRICS_DATA_DIR", str(shared_data))
    _run()
    # counts from the source files (PROVENANCE.md): 119 figure files, 33,426 tracker rows, 50 + 37 funding rounds
    assert _scalar("select count(distinct figure_id) from raw.ai_index_figure_values where edition = 2025") == 119
    # every file accounted for: 119 figure CSVs and the 2021 and 2022 workbooks, all loaded
    assert _scalar("select count(*) from raw.deliveries where source = 'ai_index' and status = 'loaded'") == 121
    # 2020 private investment in the 2021 edition: the sum of its deals, 42.24 B (PROVENANCE.md section 14)
    assert _scalar("select round(usd_billions, 2) from marts.ai_investment where edition = 2021 and year = 2020 "
                   "and geography = 'World' and category = 'private'") == 42.24
    # ... and the deals add up: private investment 2017-2020 per year within 0.1% of the published totals
    deals = ("from marts.investment_reconciliation where breakdown = 'event_type' "
             "and breakdown_value = 'Private Investment' and year between 2017 and 2020")
    assert _scalar(f"select count(*) {deals} and abs(difference_share) <= 0.001") == 4
    assert _scalar(f"select deals {deals} and year = 2020") == 2636
    # 2021 private investment as each edition published it (revised between editions)
    assert _scalar("select round(usd_billions, 1) from marts.ai_investment where edition = 2022 and year = 2021 "
                   "and geography = 'World' and category = 'private'") == 93.5
    assert _scalar("select round(usd_billions, 1) from marts.ai_investment where edition = 2025 and year = 2021 "
                   "and geography = 'World' and category = 'private'") == 145.4
    assert _scalar("select count(*) from raw.epoch_notable_models") == 953
    assert _scalar("select count(*) from raw.epoch_gpu_clusters") == 786
    assert _scalar("select training_hours from marts.training_costs where model = 'GPT-4'") == 2280
    # "an H100 costs about 40M KRW": Epoch's release price of the H100 SXM at the ECB rate of its release day
    assert 40e6 < _scalar("select release_price_krw from marts.gpu_hardware where gpu_model = 'H100 SXM'") < 50e6
    # the carbon mart covers the large runs, and the broken reference rows are quarantined, not shifted
    assert _scalar("select tco2e_reported from marts.training_emissions where model = 'Llama 3.1-405B'") == 8930
    assert _scalar("select count(*) from marts.training_emissions where tco2e_estimated is not null") > 200
    assert _scalar("select count(*) from raw.quarantine where _source = 'mlco2_gpus'") == 2
    # the headline questions: the bill of the largest runs, and the price decline per capability level
    gpt4 = "from marts.frontier_runs where model = 'GPT-4'"
    assert _scalar(f"select chip_count {gpt4}") == 25000 and _scalar(f"select training_hours {gpt4}") == 2280
    assert _scalar(f"select cost_source {gpt4}") == "AI Index 2025 fig_1.3.25 (inflation-adjusted USD)"
    assert _scalar(f"select tco2e_reported {gpt4}") == 5184
    assert round(_scalar("select times_cheaper from marts.inference_price_decline where source = 'AI Index' "
                         "and benchmark = 'MMLU'")) == 286
    assert _scalar("select count(*) from raw.gpu_tracker_observations") == 33426
    # 50 + 37 Crunchbase-layout rounds and 36 Epoch AI rounds, less 4 with zero new equity (quarantined), and the
    # 12,527 investment events of the AI Index 2021 workbook, each with its won amount at the rate of its day
    assert _scalar("select count(*) from marts.funding_round_sources") == 119 + 12_527
    events = "from marts.funding_rounds where layout = 'ai_index_2021_funding_event'"
    assert _scalar(f"select count(*) {events}") == 12_527
    assert _scalar(f"select count(*) {events} and amount_usd is not null and amount_krw is null") == 0
    assert _scalar(f"select round(sum(amount_usd) / 1e9, 2) {events} and round_type = 'Private Investment' "
                   "and year(announced_on) = 2020") == 42.24
    assert _scalar("select count(*) from raw.quarantine where _source = 'funding_exports'") == 4
    # AI Index 2025, fig_4.3.2: global private AI investment in 2023 was $104.3B
    assert _scalar("select round(usd_billions, 1) from marts.ai_investment where edition = 2025 and year = 2023 "
                   "and geography = 'World' and category = 'private'") == 104.3
    assert _scalar("select round(usd_billions, 2) from marts.ai_investment where edition = 2025 and year = 2024 "
                   "and geography = 'United States' and category = 'private'") == 109.08
    assert _scalar("select count(*) from marts.gpu_prices where gpu_model is null") == 0
    # every chip name and category in the shared data is known; the tracker's prices are per GPU-hour, its
    # instance totals converted, and no H100-class offer below its floor is left
    assert _scalar("select count(*) from marts.unmapped_gpu_names") == 0
    assert _scalar("select count(*) from marts.unmapped_gpu_categories") == 0
    assert _scalar("select min(usd_per_gpu_hour) from marts.gpu_prices where gpu_model in ('H100 SXM', 'H100 PCIe', "
                   "'H100 NVL', 'H200')") >= 0.4
    assert _scalar("select usd_per_gpu_hour from marts.gpu_prices where provider = 'novita' and gpu_model = 'H100 SXM' "
                   "and observed_on = '2026-02-11' and gpu_count = 8 and pricing = 'on_demand'") == pytest.approx(11.6 / 8)
    assert _scalar("select count(*) from marts.gpu_prices where source = 'gpu_pricing_tracker' and gpu_count > 1 "
                   "and price_unit_rule = 'per GPU-hour (documented unit)'") > 10_000
    h100 = "from marts.gpu_price_index where gpu_model = 'H100 SXM' and month between '2026-02-01' and '2026-07-01'"
    assert 2.0 < _scalar(f"select min(median_usd_per_gpu_hour) {h100} and pricing = 'on_demand'") < 3.5
    assert 1.5 < _scalar(f"select min(median_usd_per_gpu_hour) {h100} and pricing = 'spot'") < 3.0
    assert _scalar("select count(*) from marts.price_anomalies") > 0
    assert _scalar("select count(distinct provider) from marts.gpu_prices where source = 'skypilot_catalog'") == 16  # 10 clouds in v5, 11 in v7
    assert _scalar("select count(*) from marts.gpu_prices where source = 'skypilot_catalog' and usd_per_hour >= 99999") == 0
    assert _scalar("select amount_usd from marts.funding_rounds where company = 'Cursor' and announced_on = '2025-11-01'") == 2.3e9
    _assert_published_methods_reproduced()
    _assert_every_readme_query_returns_rows()
    # price history: the FSDL table's versions put A100 months in the index from 2022 and H100 from 2023
    first = "select min(month)::varchar from marts.gpu_price_index where pricing = 'on_demand' and gpu_model = ?"
    assert _scalar(first, ["A100 80GB"]).startswith("2022") and _scalar(first, ["H100 SXM"]).startswith("2023")
    assert _scalar("select count(distinct year) from marts.gpu_price_trend where gpu_model = 'A100 80GB'") >= 3
    # PROVENANCE §17: 957 snapshots of six chips and 752 of the GH200; §18: 2,067 live rows, 88 estimates set aside
    assert _scalar("select count(distinct (snapshot_at, gpu_name)) from raw.gpu_marketplace_snapshots") == 6 * 957 + 752
    assert _scalar("select count(*) from raw.gpu_feed_offers where feed = 'multicloud_daily'") == 2067
    assert _scalar("select count(*) from raw.quarantine where _source_file like '%multicloud_daily%'") == 88
    assert _scalar("select count(*) from marts.gpu_prices where source = 'multicloud_daily' "
                   "and observed_on < '2026-05-21'") == 0
    _assert_llm_prices_on_real_data()
    # the marketplace fills October and November 2025 in the H100 index
    h100_2025 = "from marts.gpu_price_index where gpu_model = 'H100 SXM' and pricing = 'on_demand' and month = ?"
    assert _scalar(f"select sources {h100_2025}", ["2025-11-01"]) >= 1


def _assert_llm_prices_on_real_data():
    """PROVENANCE §15: 15 litellm versions (19 models in the first, 2,982 in the last, every key a row or a
    quarantine row), 9 OpenRouter snapshots and a ledger of 978 models, 3,097 LLMRates rows, 42 token-tariff models."""
    assert _scalar("select count(*) from raw.deliveries where source = 'litellm_prices' and status = 'loaded'") == 15
    first_and_last = ("select count(distinct model_key) + (select count(*) from raw.quarantine where _source = "
                      "'litellm_prices' and _edition = ? and reason not like '%published again%' and reason not like "
                      "'%price field%') from raw.litellm_prices where _edition = ?")
    assert _scalar(first_and_last, ["2023-09-06"] * 2) == 19
    assert _scalar(first_and_last, ["2026-07-24"] * 2) == 2982 + 3  # + sample_spec, fallback_generalizations, last_updated
    assert _scalar("select count(*) from raw.deliveries where source = 'openrouter_prices' and status = 'loaded'") == 10
    assert _scalar("select count(distinct model_key) from raw.openrouter_prices where _edition = 'latest'") + \
        _scalar("select count(distinct split_part(reason, ':', 1)) from raw.quarantine where _source = 'openrouter_prices' "
                "and _edition = 'latest' and reason like '%unpriced%' and split_part(reason, ':', 1) not in "
                "(select model_key from raw.openrouter_prices where _edition = 'latest')") == 978
    assert _scalar("select count(distinct (model_key, provider, tier, region, currency)) from raw.llmrates_prices") + \
        _scalar("select count(*) from raw.quarantine where _source = 'llmrates_prices'") == 3097  # a row or a reason each
    assert _scalar("select count(distinct model_key) from raw.token_tariff_prices") + \
        _scalar("select count(distinct split_part(reason, ':', 1)) from raw.quarantine where _source = 'token_tariff' "
                "and split_part(reason, ':', 1) not in (select model_key from raw.token_tariff_prices)") == 42
    assert _scalar("select count(*) from marts.llm_api_prices") > 10_000
    launch = ("select (usd_per_million_input_tokens, usd_per_million_output_tokens) from marts.llm_api_prices "
              "where model = 'gpt-4-0314' and date_basis = 'release date (launch price)'")
    assert _scalar(launch) == (30.0, 60.0)
    gpt4o = ("select (usd_per_million_input_tokens, usd_per_million_output_tokens) from marts.llm_api_prices "
             "where source = 'litellm' and source_model_name = 'gpt-4o' and provider = 'openai' and observed_on = ?")
    assert _scalar(gpt4o, ["2024-06-30"]) == (pytest.approx(5.0), pytest.approx(15.0))
    assert _scalar(gpt4o, ["2024-12-29"]) == (pytest.approx(2.5), pytest.approx(10.0))
    # the decline: the AI Index's ~280x at GPT-3.5 level on MMLU, and Epoch's "9x to 900x per year" from its rows
    epoch = "from marts.inference_price_decline where source = 'Epoch AI'"
    assert 9 < _scalar(f"select min(fitted_yearly_decline_factor) {epoch}") < 10
    assert 800 < _scalar(f"select max(fitted_yearly_decline_factor) {epoch}") < 900
    assert round(_scalar("select times_cheaper from marts.inference_price_decline where source = 'AI Index' "
                         "and benchmark = 'MMLU'")) == 286
    # "serving GPT-class chat costs about 900M KRW a day": SemiAnalysis's $694,444 at the ECB rate of its day
    serving = "from marts.serving_cost_estimates where estimate = 'chatgpt_2023_02'"
    assert 850e6 < _scalar(f"select any_value(published_krw_per_day) {serving}") < 900e6
    assert _scalar(f"select estimated_usd_per_day {serving} and pricing = 'on_demand'") == pytest.approx(28936 * 24 * 1.5)


def _assert_every_readme_query_returns_rows():
    """Every ```sql block of the README runs on the warehouse built from the shared data and returns rows (but
    those that say they are empty when nothing needs attention)."""
    readme = (PROJECT_ROOT / "README.md").read_text()
    blocks = re.findall(r"```sql\n(.*?)```", readme, flags=re.S)
    assert len(blocks) >= 15
    with connect_read() as conn:
        for sql in blocks:
            rows = conn.execute(sql).fetchall()
            assert rows or "-- empty when" in sql, f"no rows from the README query:\n{sql}"


def _assert_published_methods_reproduced():
    """Issue 15's bar: Epoch's cloud method from raw inputs against model_costs.csv, and emissions against papers
    and model cards, with no per-model branch in SQL (facts about single models are seed rows)."""
    cloud = "from marts.published_figure_checks where method = 'Epoch cloud method (quantity x hours)'"
    assert _scalar(f"select count(estimate) {cloud}") == _scalar(f"select count(*) {cloud}") == 35
    assert abs(_scalar(f"select median(ratio) {cloud}") - 1) <= 0.03
    assert _scalar(f"select avg(case when within_1_25x then 1.0 else 0 end) {cloud}") >= 0.9
    assert _scalar("select cost_usd_cloud_method from marts.training_costs where model = 'GPT-4'") == \
        pytest.approx(78_562_017, rel=0.01)
    for model in ("GPT-3 175B (davinci)", "Llama 2-70B", "Llama 3.1-405B", "Gemini 1.0 Ultra"):
        assert _scalar(f"select ratio {cloud} and model = ?", [model]) == pytest.approx(1, abs=0.10), model
    for method in ("Epoch hardware acquisition method", "Epoch amortized hardware capex + energy method"):
        other = f"from marts.published_figure_checks where method = '{method}' and estimate is not null"
        assert abs(_scalar(f"select median(ratio) {other}") - 1) <= 0.03, method
        assert _scalar(f"select avg(case when within_1_25x then 1.0 else 0 end) {other}") >= 0.9, method
    for model, published in (("GPT-3 175B (davinci)", 552), ("BLOOM-176B", 24.7), ("Llama 2-70B", 291.42),
                             ("Llama 3.1-405B", 8930)):
        estimated = _scalar("select tco2e_estimated from marts.training_emissions where model = ?", [model])
        assert estimated == pytest.approx(published, rel=0.30), model
    assert "Jean Zay" in _scalar("select assumptions from marts.training_emissions where model = 'BLOOM-176B'")
    assert "PUE included" in _scalar("select assumptions from marts.training_emissions where model = 'Llama 2-70B'")


@pytest.mark.xdist_group("fixture_warehouse")
def test_a_new_day_of_prices_is_added_incrementally(monkeypatch, tmp_path, built_fixture_warehouse):
    from ingest.delivery import Delivery
    from ingest.sources import SOURCES
    from warehouse.land import land_source

    monkeypatch.setenv("AIMETRICS_DUCKDB_PATH", str(built_fixture_warehouse.copy_to(tmp_path / "copy")))
    with connect_read() as conn:
        before = conn.execute("select source, source_file, edition, count(*), min(ingested_at) from marts.gpu_prices "
                              "group by all order by all").fetchall()
    catalog = tmp_path / "vms.csv"  # the next snapshot of the same catalog: one price moved
    catalog.write_text((FIXTURE_MIRROR / "gpu_prices/skypilot_catalog/v7/examplecloud/vms.csv").read_text()
                       .replace(",1.50,3.00,", ",1.50,2.90,"))
    land_source(SOURCES["skypilot_catalog"], deliveries=[
        Delivery.from_file("skypilot_catalog", "2030-01-01", "gpu_prices/skypilot_catalog/v7/examplecloud/vms.csv", catalog)])
    # the next version of the tracker file: one price of 1 March revised, 2 March unchanged
    newer = tmp_path / "newer"
    (newer / "gpu_pricing_tracker").mkdir(parents=True)
    (newer / "gpu_pricing_tracker/observations.csv").write_text(
        (FIXTURE_MIRROR / "gpu_pricing_tracker/observations.csv").read_text().replace(",2.0,2.5,3.0,", ",2.0,2.6,3.0,"))
    # the marketplace file grown by one snapshot of 20 October (its day is rebuilt in place: median 2.49, 2.29)
    market_file = "gpu_prices/primeintellect/data/summary/H100_80GB_SXM5.jsonl"
    (newer / market_file).parent.mkdir(parents=True)
    (newer / market_file).write_text((FIXTURE_MIRROR / market_file).read_text() + json.dumps(
        {"timestamp": "2025-10-20T12:00:00+00:00", "gpu_type": "H100_80GB", "socket_type": "SXM5",
         "by_provider": {"runpod": {"count": 2, "min": 2.2, "avg": 2.29}}}) + "\n")
    monkeypatch.setenv("AIMETRICS_DATA_DIR", str(newer))
    summary = materialize_everything("refresh_gpu_prices", instance=dg.DagsterInstance.ephemeral(), log_level="WARNING")
    assert summary.success and not summary.checks_failed
    with connect_read() as conn:
        after = conn.execute("select source, source_file, edition, count(*), min(ingested_at) from marts.gpu_prices "
                             "group by all order by all").fetchall()
        new_day = conn.execute("select count(*) from marts.gpu_prices where observed_on = '2030-01-01'").fetchone()[0]
    revised_day = "gpu_pricing_tracker/observations.csv#date=2026-03-01"
    untouched = [row for row in before if row[1] not in (revised_day, market_file)]
    assert [row for row in untouched if row not in after] == []  # other deliveries (2 March too) were not rebuilt
    assert new_day == 5  # the new snapshot: 4 offers on demand, 1 real spot price
    assert len(after) == len(before) + 1
    assert _rows("select observed_on::varchar, usd_per_gpu_hour from marts.gpu_prices where source = 'gpu_marketplace' "
                 "and provider = 'runpod' order by 1") == [("2025-10-19", pytest.approx(2.74)),
                                                           ("2025-10-20", pytest.approx(2.39))]
    assert [row[3] for row in after if row[1] == revised_day] == [3]  # the revised day replaced, no duplicates
    assert _scalar("select usd_per_hour from marts.gpu_prices where source_file = ? and provider = 'exampleco' "
                   "and gpu_count = 1 and source_gpu_name = 'H100_SXM'", [revised_day]) == 2.6
