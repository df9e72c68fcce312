-- Per source, provider, chip, pricing model and GPU count, each observed day's median per-GPU-hour price of the
-- offers of marts.gpu_prices (its filter; the won columns are not needed): the series int_gpu_prices__changes
-- follows from one observation to the next.
-- Incremental: a run recomputes only the months that received (or had rebuilt) offers since the last run, from all
-- of their offers. Each month recomputed has one row without a day (`observed_on` null), so a month whose offers
-- all went away is replaced by nothing, and `last_built_at` always says how far the offers were read.
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key=['month'],
          on_schema_change='sync_all_columns') }}
{% set months = months_to_rebuild(ref('int_gpu_offers')) %}
with offers as (
    select *, cast(date_trunc('month', observed_on) as date) as month
    from {{ ref('int_gpu_offers') }}
    where {{ in_months('observed_on', months) }}
),

daily as (
    select month, source, provider, gpu_model, pricing, gpu_count, observed_on,
           median(usd_per_gpu_hour) as usd_per_gpu_hour
    from offers
    where gpu_model is not null and category_problem is null and bounds_problem is null
    group by all
),

recomputed_months as (
    select distinct month from offers
)

{{ with_a_row_per_period('daily', 'recomputed_months') }}
