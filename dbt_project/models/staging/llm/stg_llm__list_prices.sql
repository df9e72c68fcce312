-- Every LLM price list in one long shape: a price per model as the source names it, provider, priced quantity
-- (`kind`, `unit`), tier and region, in the source's currency per `per` units. OpenRouter's ledger repeats the
-- prices of its snapshots on their dates: there the snapshot's row is kept. A list that prices one model in two
-- currencies (LLMRates: DeepSeek in CNY and in USD) keeps both; each is a list price of its own.
with prices as (
    select *, 'litellm' as source from {{ source('raw', 'litellm_prices') }}
    union all by name
    select *, 'openrouter' as source from {{ source('raw', 'openrouter_prices') }}
    union all by name
    select *, 'llmrates' as source from {{ source('raw', 'llmrates_prices') }}
    union all by name
    select *, 'token_tariff' as source from {{ source('raw', 'token_tariff_prices') }}
)

select
    observed_on,
    source,
    model_key as source_model_name,
    provider,
    mode,
    kind,
    unit,
    tier,
    region,
    currency,
    price / per as price_per_unit,
    date_basis,
    source_url,
    _edition as vintage,
    _source_file as source_file,
    _ingested_at as ingested_at
from prices
qualify row_number() over (
    partition by source, model_key, provider, kind, unit, tier, region, currency, observed_on
    order by date_basis = 'change point (ledger)', _edition desc, _source_file asc) = 1
