-- Each change of a model's list price at a provider, as a price list saw it: the day before (the last
-- observation at the old price) and the day of the new price, and the ratio new / old of each price. A price dated
-- only by when its file was copied was not observed that day, so it dates no change (it stays in llm_api_prices
-- with its date_basis); `changed_on_basis` says whether the source dates the change or a version first showed it.
with observed as (
    select *,
        lag(observed_on) over listing as previous_observed_on,
        lag(usd_per_million_input_tokens) over listing as previous_input,
        lag(usd_per_million_output_tokens) over listing as previous_output,
        lag(usd_per_million_blended) over listing as previous_blended
    from {{ ref('llm_api_prices') }}
    where date_basis <> 'file modification date'
    window listing as (partition by source, source_model_name, source_provider, region, currency order by observed_on)
)

select
    model,
    variant,
    source_model_name,
    provider,
    region,
    source,
    previous_observed_on,
    observed_on as changed_on,
    case when date_basis = 'change point (ledger)' then 'the source dates the change'
         when date_basis = 'version date' then 'the first version that showed it (changed after previous_observed_on)'
         else date_basis end as changed_on_basis,
    previous_input as previous_usd_per_million_input_tokens,
    usd_per_million_input_tokens,
    previous_output as previous_usd_per_million_output_tokens,
    usd_per_million_output_tokens,
    usd_per_million_input_tokens / nullif(previous_input, 0) as input_ratio,
    usd_per_million_output_tokens / nullif(previous_output, 0) as output_ratio,
    usd_per_million_blended / nullif(previous_blended, 0) as blended_ratio
from observed
where previous_observed_on is not null
  and (usd_per_million_input_tokens is distinct from previous_input
       or usd_per_million_output_tokens is distinct from previous_output)
