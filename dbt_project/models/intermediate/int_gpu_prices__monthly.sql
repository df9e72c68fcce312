-- Monthly statistics of every GPU offer per chip and pricing model. Incremental: a run recomputes only the
-- months that received offers since the last run (from all of that month's offers), so a new day of prices
-- costs a month of rows, not the whole history.
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key=['month'],
          on_schema_change='fail') }}
with offers as (
    select
        cast(date_trunc('month', observed_on) as date) as month, gpu_model, pricing, provider, usd_per_gpu_hour,
        ingested_at
    from {{ ref('gpu_prices') }}
    {% if is_incremental() %}
    where cast(date_trunc('month', observed_on) as date) in (
        select distinct cast(date_trunc('month', observed_on) as date) from {{ ref('gpu_prices') }}
        where ingested_at > (select coalesce(max(last_ingested_at), '1900-01-01'::timestamptz) from {{ this }})
    )
    {% endif %}
)

select
    month,
    gpu_model,
    pricing,
    median(usd_per_gpu_hour) as median_usd_per_gpu_hour,
    quantile_cont(usd_per_gpu_hour, 0.1) as p10_usd_per_gpu_hour,
    quantile_cont(usd_per_gpu_hour, 0.9) as p90_usd_per_gpu_hour,
    count(*) as offers,
    count(distinct provider) as providers,
    max(ingested_at) as last_ingested_at
from offers
group by all
