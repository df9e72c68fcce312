-- The rows of marts.gpu_price_changes, per month of the new price: each change of a provider's price for a chip,
-- from one observation to the next. Per source, provider, chip, pricing model and GPU count, the day's median
-- per-GPU-hour price (int_gpu_prices__daily) against the previous observed day's. A change of 10% or more either
-- way is recorded; `is_big` marks a factor of 2 or more.
-- Incremental: a change depends on the observation before it, so a run recomputes every month from the earliest
-- that received (or had rebuilt) offers since the last run, each series starting from its last day before that
-- month. Each month recomputed has one row without a change (`observed_on` null), so a month whose changes all
-- went away is replaced by nothing, and `last_built_at` always says how far the offers were read;
-- marts.gpu_price_changes leaves those rows out.
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key=['month'],
          on_schema_change='sync_all_columns') }}
{% set months = months_to_rebuild(ref('int_gpu_offers')) %}
with daily as (
    select source, provider, gpu_model, pricing, gpu_count, observed_on, usd_per_gpu_hour
    from {{ ref('int_gpu_prices__daily') }}
    where observed_on is not null  -- not the row each month keeps
),

recomputed as (
    select * from daily where {{ from_months('observed_on', months) }}
),

{% if months %}
-- each series' last observed day before the recomputed months: the "before" of its first change in them
day_before as (
    select daily.*
    from daily
    inner join (
        select source, provider, gpu_model, pricing, gpu_count, max(observed_on) as observed_on
        from daily where observed_on < date '{{ months | min }}'
        group by all
    ) as last_days using (source, provider, gpu_model, pricing, gpu_count, observed_on)
),
{% else %}
day_before as (
    select * from daily where false
),
{% endif %}

steps as (
    select *,
        lag(observed_on) over w as previous_observed_on,
        lag(usd_per_gpu_hour) over w as previous_usd_per_gpu_hour
    from (
        select * from recomputed
        union all
        select * from day_before
    ) as observations
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
    select distinct month from {{ ref('int_gpu_prices__daily') }}
    where {{ from_months('month', months) }}
)

{{ with_a_row_per_period('changes', 'recomputed_months') }}
