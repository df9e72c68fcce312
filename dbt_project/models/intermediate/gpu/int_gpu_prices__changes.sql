-- The rows of marts.gpu_price_changes, per month of the new price: each change of a provider's price for a chip,
-- from one observation to the next. Per source, provider, chip, pricing model and GPU count, the day's median
-- per-GPU-hour price of the offers of marts.gpu_prices (its filter; the won columns are not needed) against the
-- previous observed day's. A change of 10% or more either way is recorded; `is_big` marks a factor of 2 or more.
-- Incremental: a change depends on the observation before it, so a run recomputes every month from the earliest
-- that received (or had rebuilt) offers since the last run, each series starting from its last day before that
-- month. Each month recomputed has one row without a change (`observed_on` null), so a month whose changes all
-- went away is replaced by nothing, and `last_built_at` always says how far the offers were read;
-- marts.gpu_price_changes leaves those rows out.
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key=['month'],
          on_schema_change='sync_all_columns') }}
{% set months = months_to_rebuild(ref('int_gpu_offers')) %}
with prices as (
    select source, provider, gpu_model, pricing, gpu_count, observed_on, usd_per_gpu_hour
    from {{ ref('int_gpu_offers') }}
    where gpu_model is not null and category_problem is null and bounds_problem is null
),

recomputed as (
    select * from prices where {{ from_months('observed_on', months) }}
),

{% if months %}
-- each series' last observed day before the recomputed months: the "before" of its first change in them
day_before as (
    select prices.*
    from prices
    inner join (
        select source, provider, gpu_model, pricing, gpu_count, max(observed_on) as observed_on
        from prices where observed_on < date '{{ months | min }}'
        group by all
    ) as last_days using (source, provider, gpu_model, pricing, gpu_count, observed_on)
),
{% else %}
day_before as (
    select * from prices where false
),
{% endif %}

daily as (
    select source, provider, gpu_model, pricing, gpu_count, observed_on, median(usd_per_gpu_hour) as usd_per_gpu_hour
    from (
        select * from recomputed
        union all
        select * from day_before
    ) as observations
    group by all
),

steps as (
    select *,
        lag(observed_on) over w as previous_observed_on,
        lag(usd_per_gpu_hour) over w as previous_usd_per_gpu_hour
    from daily
    window w as (partition by source, provider, gpu_model, pricing, gpu_count order by observed_on)
),

changes as (
    select
        cast(date_trunc('month', observed_on) as date) as month,
        source, provider, gpu_model, pricing, gpu_count,
        previous_observed_on, observed_on,
        previous_usd_per_gpu_hour as before_usd_per_gpu_hour,
        usd_per_gpu_hour as after_usd_per_gpu_hour,
        usd_per_gpu_hour / previous_usd_per_gpu_hour as ratio,
        greatest(usd_per_gpu_hour / previous_usd_per_gpu_hour, previous_usd_per_gpu_hour / usd_per_gpu_hour) >= 2
            as is_big
    from steps
    where previous_usd_per_gpu_hour is not null
      and {{ from_months('observed_on', months) }}
      and greatest(usd_per_gpu_hour / previous_usd_per_gpu_hour, previous_usd_per_gpu_hour / usd_per_gpu_hour) >= 1.1
),

recomputed_months as (
    select distinct cast(date_trunc('month', observed_on) as date) as month
    from {{ ref('int_gpu_offers') }}
    where {{ from_months('observed_on', months) }}
)

select *, (select max(built_at) from {{ ref('int_gpu_offers') }}) as last_built_at
from (
    select * from changes
    union all by name
    select month from recomputed_months
) as rows_and_months
