"""The price feeds added to the fixture build: the GPU marketplace and multicloud feeds, and the LLM price lists
(tests/conftest.py: built_fixture_warehouse)."""

import pytest

from tests.integration.warehouse_queries import krw_per_usd as _krw_per_usd
from tests.integration.warehouse_queries import rows as _rows
from tests.integration.warehouse_queries import scalar as _scalar

pytestmark = [
    pytest.mark.integration,
    pytest.mark.xdist_group("fixture_warehouse"),
    pytest.mark.usefixtures("reading_the_fixture_build"),
]


def test_marketplace_and_multicloud_feeds():
    """The marketplace's snapshots as one price per provider and day (median of the snapshots' averages); the
    cumulative multicloud feed on the dates of its rows, each tier its pricing model, estimates left out."""
    market = "from marts.gpu_prices where source = 'gpu_marketplace'"
    assert _rows(f"select observed_on::varchar, provider, usd_per_gpu_hour, gpu_model {market} order by 1, 2") == [
        ("2025-10-19", "lambda", 2.99, "H100 SXM"),
        ("2025-10-19", "runpod", pytest.approx(2.74), "H100 SXM"),
        ("2025-10-20", "runpod", 2.49, "H100 SXM"),
    ]
    assert _scalar(f"select distinct date_basis {market}") == "observation date (daily median of snapshots)"
    # one provider name across feeds: `lambdalabs` by the gpu_providers seed, `ExampleCloud` by its key
    assert _scalar(f"select source_provider {market} and provider = 'lambda'") == "lambdalabs"
    assert _rows(
        "select distinct provider, source_provider from marts.gpu_prices where source = 'multicloud_daily' "
        "and gpu_model = 'H100 SXM'"
    ) == [("examplecloud", "ExampleCloud")]
    assert (
        _scalar(
            "select snapshots from intermediate.int_gpu_marketplace__daily where provider = 'runpod' "
            "and observed_on = '2025-10-19'"
        )
        == 2
    )
    multicloud = "from marts.gpu_prices where source = 'multicloud_daily' and gpu_model = 'H100 SXM'"
    assert _rows(f"select observed_on::varchar, pricing, usd_per_gpu_hour {multicloud} order by 1, 2") == [
        ("2026-05-21", "on_demand", 6.88),
        ("2026-05-21", "reserved_3yr", 3.10),
        ("2026-05-21", "spot", 2.90),
        ("2026-05-22", "on_demand", 6.88),
        ("2026-05-22", "reserved_1yr", 4.20),
    ]
    assert (
        _scalar(
            "select count(*) from marts.gpu_prices where source = 'multicloud_daily' and observed_on < '2026-01-01'"
        )
        == 0
    )
    assert (
        _scalar(
            "select count(*) from raw.quarantine where _source_file like '%multicloud%' "
            "and reason like '%historical_estimate%'"
        )
        == 2
    )


def test_llm_api_prices_across_lists():
    """One model across four price lists under one name, per million tokens, in USD (CNY at the ECB rate) and KRW;
    list-price changes; the decline per capability threshold by Epoch's fit; a published serving fleet priced."""
    chat = "from marts.llm_api_prices where model = 'example-chat-1'"
    assert _rows(
        f"select source, source_model_name, observed_on::varchar, usd_per_million_input_tokens, "
        f"usd_per_million_output_tokens {chat} and provider <> 'bedrock' order by 1, 3, 2"
    ) == [
        ("litellm", "example-chat-1", "2024-01-15", pytest.approx(10), pytest.approx(30)),
        ("litellm", "example-chat-1", "2024-06-30", pytest.approx(5), pytest.approx(15)),
        ("llmrates", "example-chat-1", "2026-08-22", 2.5, 10.0),
        ("openrouter", "exampleai/example-chat-1", "2024-09-21", pytest.approx(5), pytest.approx(15)),
        ("openrouter", "exampleai/example-chat-1:free", "2024-09-21", 0.0, 0.0),
        ("openrouter", "exampleai/example-chat-1", "2024-11-02", 2.5, 10.0),
        ("token_tariff", "example-chat-1", "2024-01-10", 10.0, 30.0),
        (
            "token_tariff",
            "example-chat-1",
            _scalar(f"select max(observed_on)::varchar {chat} and source = 'token_tariff'"),
            5.0,
            15.0,
        ),
    ]
    assert _scalar(f"select source_model_name {chat} and provider = 'bedrock'") == "eu.mistral.example-chat-1-v1:0"
    assert (
        _scalar(f"select usd_per_million_blended {chat} and source = 'token_tariff' and observed_on = '2024-01-10'")
        == 15.0
    )
    assert _scalar(
        f"select krw_per_million_blended {chat} and source = 'token_tariff' and observed_on = '2024-01-10'"
    ) == pytest.approx(15.0 * _krw_per_usd("2024-01-10"))
    cny = _scalar(
        "select usd_per_unit from marts.fx_rates where currency = 'CNY' and rate_date = "
        "(select fx_rate_date from marts.llm_api_prices where model = 'hanzi-chat')"
    )
    assert _scalar(
        "select usd_per_million_input_tokens from marts.llm_api_prices where model = 'hanzi-chat'"
    ) == pytest.approx(2 * cny)
    # a currency the ECB no longer publishes (the rouble, since March 2022): listed, unconverted, with the reason
    rub = "from marts.llm_api_prices where model = 'rub-chat'"
    assert _rows(f"select currency, usd_per_million_input_tokens, krw_per_million_blended {rub}") == [
        ("RUB", None, None)
    ]
    assert _scalar(f"select fx_note {rub}").startswith("no ECB rate for RUB near 2026-08-22 (the last is of 2022-")
    assert (
        _scalar(
            "select count(*) from marts.llm_api_prices where model in ('example-image', 'example-embed', "
            "'example-tts', 'example-painter')"
        )
        == 0
    )  # not text models, or not priced per token
    changes = "from marts.llm_price_changes where model = 'example-chat-1'"
    assert _rows(
        f"select source, previous_observed_on::varchar, changed_on::varchar, input_ratio {changes} order by 1"
    ) == [
        ("litellm", "2024-01-15", "2024-06-30", pytest.approx(0.5)),
        ("openrouter", "2024-09-21", "2024-11-02", pytest.approx(0.5)),
    ]  # token-tariff's current price is dated only by its file's copy: it dates no change
    assert _scalar(f"select changed_on_basis {changes} and source = 'openrouter'") == "the source dates the change"
    epoch = "from marts.inference_price_decline where source = 'Epoch AI' and threshold = 'GPT-3.5'"
    assert _scalar(f"select times_cheaper {epoch}") == pytest.approx(100)
    assert _scalar(f"select fitted_yearly_decline_factor {epoch}") == pytest.approx(10, rel=0.01)
    serving = "from marts.serving_cost_estimates where estimate = 'chatgpt_2023_02'"
    assert _scalar(f"select published_krw_per_day {serving} limit 1") == pytest.approx(
        694444 * _krw_per_usd("2023-02-09")
    )
    assert _scalar(f"select published_usd_per_gpu_hour {serving} limit 1") == pytest.approx(694444 / (28936 * 24))


def test_gpu_prices_in_won_at_the_rate_of_the_day_and_where_the_rates_end():
    """Each offer in KRW at the ECB rate of its day; a day past the last rate (more than 7 days) stays
    unconverted, and the note says where the rates end."""
    converted = _rows(
        "select observed_on::varchar, fx_rate_date::varchar, usd_per_gpu_hour, krw_per_gpu_hour "
        "from marts.gpu_prices where source = 'gpu_pricing_tracker' and krw_per_gpu_hour is not null"
    )
    assert converted
    for day, rate_day, usd, krw in converted:
        assert rate_day <= day and krw == pytest.approx(usd * _krw_per_usd(rate_day))
    last = _scalar("select max(rate_date)::varchar from raw.fx_rates where currency = 'USD'")
    late = _rows("select observed_on::varchar, fx_note from marts.gpu_prices where krw_per_gpu_hour is null")
    assert all(day > last and note.endswith(f"(the last is of {last}): not converted") for day, note in late)
    assert _scalar("select count(*) from marts.gpu_prices where krw_per_gpu_hour is null and fx_note is null") == 0
