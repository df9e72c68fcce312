-- Every LLM price list in one long shape: a price per model as the source names it, provider, priced quantity
-- (`kind`, `unit`), tier and region, in the source's currency per `per` units. OpenRouter's ledger repeats the
-- prices of its snapshots on their dates: there the snapshot's row is kept. A list that prices one model in two
-- currencies (LLMRates: DeepSeek in CNY and in USD) keeps both; each is a list price of its own. A known error of a
-- list's version (seed source_corrections) is corrected here, the value as published kept in `corrected_from`.
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
    prices.observed_on,
    prices.source,
    model_key as source_model_name,
    provider,
    mode,
    kind,
    unit,
    tier,
    region,
    currency,
    coalesce(corrections.corrected_value, price / per) as price_per_unit,
    case when corrections.corrected_value is not null then price / per end as corrected_from,
    corrections.reason as correction,
    date_basis,
    source_url,
    _edition as vintage,
    _source_file as source_file,
    _ingested_at as ingested_at
from prices
left join {{ ref('source_corrections') }} as corrections
    on corrections.source = prices.source and corrections.vintage = prices._edition
   and corrections.record_key = prices.model_key
   and corrections.field = prices.kind and corrections.published_value = prices.price / prices.per
qualify row_number() over (
    partition by prices.source, model_key, provider, kind, unit, tier, region, currency, prices.observed_on
    order by date_basis = 'change point (ledger)', _edition desc, _source_file asc) = 1
