-- DuckLake keeps no column comments on views: there the column docs stay in dbt docs only.
{{ config(materialized='view', persist_docs={'relation': true, 'columns': target.name != 'ducklake'}) }}
-- How fast the same capability gets cheaper, per benchmark threshold and publisher, side by side:
-- * AI Index: the price of the first model to reach the threshold, the cheapest since, and the yearly factor
--   between them, (first / cheapest) ^ (1 / years) (the AI Index's "280 times cheaper at GPT-3.5 level").
-- * Epoch AI: the cheapest model at or above the threshold over time, and Epoch's yearly factor, the slope of a
--   least-squares line through log price against release date, exp(-slope per year) ("9x to 900x per year").
-- Both rows also carry the other method's number, so the two methods can be compared on each publisher's data.
with ai_index as (
    select model, published_on, benchmark, threshold, usd_per_million_tokens
    from {{ ref('inference_prices') }} where threshold is not null and published_on is not null
),

epoch as (
    select model, release_date as published_on, benchmark, threshold_model as threshold,
           usd_per_million_blended as usd_per_million_tokens
    from {{ ref('stg_epoch__llm_lowest_prices') }}
    where release_date is not null and usd_per_million_blended > 0
),

prices as (
    select *, 'AI Index' as source from ai_index
    union all
    select *, 'Epoch AI' from epoch
),

per_threshold as (
    select
        source,
        benchmark,
        threshold,
        -- ties (two models of one day, or of one price) go to the first name, so a rebuild picks the same one
        arg_min(model, (published_on, model)) as first_model,
        min(published_on) as first_published_on,
        arg_min(usd_per_million_tokens, (published_on, model)) as first_usd_per_million_tokens,
        arg_min(model, (usd_per_million_tokens, published_on, model)) as cheapest_model,
        arg_min(published_on, (usd_per_million_tokens, published_on, model)) as cheapest_published_on,
        min(usd_per_million_tokens) as cheapest_usd_per_million_tokens,
        count(*) as models,
        -- rounded: the regression's last digits depend on the order DuckDB's threads add the rows up in
        round(exp(-regr_slope(ln(usd_per_million_tokens), epoch(published_on) / 86400 / 365.25)), 6)
            as fitted_yearly_decline_factor
    from prices
    group by source, benchmark, threshold
)

select
    benchmark,
    threshold,
    first_model,
    first_published_on,
    first_usd_per_million_tokens,
    cheapest_model,
    cheapest_published_on,
    cheapest_usd_per_million_tokens,
    models,
    first_usd_per_million_tokens / cheapest_usd_per_million_tokens as times_cheaper,
    date_diff('day', first_published_on, cheapest_published_on) / 365.25 as years_elapsed,
    case when cheapest_published_on > first_published_on then
        pow(first_usd_per_million_tokens / cheapest_usd_per_million_tokens,
            365.25 / date_diff('day', first_published_on, cheapest_published_on))
    end as yearly_decline_factor,
    case when models >= 3 then fitted_yearly_decline_factor end as fitted_yearly_decline_factor,
    source,
    case source when 'AI Index' then 'first vs cheapest'
                else 'log-linear fit over the cheapest models (Epoch AI)' end as headline_method
from per_threshold
