-- DuckLake keeps no column comments on views: there the column docs stay in dbt docs only.
{{ config(materialized='view', persist_docs={'relation': true, 'columns': target.name != 'ducklake'}) }}
-- How fast the same capability gets cheaper: per benchmark threshold, the price of the first model to reach
-- it, the cheapest price since, and the yearly factor between them: (first / cheapest) ^ (1 / years).
with prices as (
    select * from {{ ref('inference_prices') }} where threshold is not null and published_on is not null
),

per_threshold as (
    select
        benchmark,
        threshold,
        arg_min(model, published_on) as first_model,
        min(published_on) as first_published_on,
        arg_min(usd_per_million_tokens, published_on) as first_usd_per_million_tokens,
        arg_min(model, usd_per_million_tokens) as cheapest_model,
        arg_min(published_on, usd_per_million_tokens) as cheapest_published_on,
        min(usd_per_million_tokens) as cheapest_usd_per_million_tokens,
        count(*) as models
    from prices
    group by benchmark, threshold
)

select
    *,
    first_usd_per_million_tokens / cheapest_usd_per_million_tokens as times_cheaper,
    date_diff('day', first_published_on, cheapest_published_on) / 365.25 as years_elapsed,
    case when cheapest_published_on > first_published_on then
        pow(first_usd_per_million_tokens / cheapest_usd_per_million_tokens,
            365.25 / date_diff('day', first_published_on, cheapest_published_on))
    end as yearly_decline_factor
from per_threshold
