-- The daily cost of serving a model from a published fleet size (seed published_serving_estimates): GPUs x 24
-- hours x the warehouse's own median price of that chip per GPU-hour, for each pricing model, in the month of the
-- publication or, where the index has no such month, the nearest month it covers (within a year), next to the
-- published figure; in USD and in KRW at the ECB rate of the publication day.
with estimates as (
    select * from {{ ref('published_serving_estimates') }}
),

months as (
    select estimates.estimate, index.pricing, index.month, index.median_usd_per_gpu_hour, index.offers, index.providers,
           abs(date_diff('day', index.month, cast(date_trunc('month', estimates.published_on) as date)))
               as distance_days
    from estimates
    inner join {{ ref('gpu_price_index') }} as index on index.gpu_model = estimates.gpu_model
    where index.median_usd_per_gpu_hour is not null
      and abs(date_diff('day', index.month, cast(date_trunc('month', estimates.published_on) as date))) <= 366
    qualify row_number() over (partition by estimates.estimate, index.pricing order by distance_days, index.month) = 1
),

usd_rates as (
    select rate_date, krw_per_usd from {{ ref('int_fx__krw_per_usd') }}
),

dated as (
    select estimates.*, usd_rates.krw_per_usd, usd_rates.rate_date as fx_rate_date
    from estimates asof left join usd_rates on estimates.published_on >= usd_rates.rate_date
)

select
    dated.estimate,
    dated.model,
    dated.publisher,
    dated.published_on,
    dated.servers,
    dated.gpus,
    dated.gpu_model,
    months.pricing,
    months.month as price_month,
    months.median_usd_per_gpu_hour,
    months.offers as price_offers,
    dated.gpus * 24 * months.median_usd_per_gpu_hour as estimated_usd_per_day,
    dated.gpus * 24 * months.median_usd_per_gpu_hour * dated.krw_per_usd as estimated_krw_per_day,
    cast(dated.usd_per_day as double) as published_usd_per_day,
    dated.usd_per_day * dated.krw_per_usd as published_krw_per_day,
    dated.usd_per_day / (dated.gpus * 24.0) as published_usd_per_gpu_hour,
    dated.gpus * 24 * months.median_usd_per_gpu_hour / dated.usd_per_day as estimate_to_published,
    dated.fx_rate_date,
    dated.source_url,
    dated.note
from dated
left join months using (estimate)
