-- What using a model costs: the list price per million tokens of every priced text model in every version of
-- every LLM price list, per source, model name, provider and day observed, in USD and in KRW at the ECB rate of
-- the day, with the 3:1 blend Epoch AI and Artificial Analysis use (three input tokens to one output token).
select
    names.model,
    names.variant,
    prices.source_model_name,
    prices.provider,
    prices.source_provider,
    prices.region,
    prices.mode,
    prices.observed_on,
    prices.usd_per_million_input_tokens,
    prices.usd_per_million_output_tokens,
    (3 * prices.usd_per_million_input_tokens + prices.usd_per_million_output_tokens) / 4 as usd_per_million_blended,
    (3 * prices.usd_per_million_input_tokens + prices.usd_per_million_output_tokens) / 4 * prices.krw_per_usd
        as krw_per_million_blended,
    prices.currency,
    prices.fx_rate_date,
    prices.fx_note,
    prices.source,
    prices.vintage,
    prices.date_basis,
    prices.source_url,
    prices.source_file,
    names.model_resolved_by
from {{ ref('int_llm_prices__tokens') }} as prices
inner join {{ ref('int_llm_models__resolved') }} as names using (source, source_model_name)
