-- Each change of a provider's price for a chip, from one observation to the next: per source, provider, chip,
-- pricing model and GPU count, the day's median per-GPU-hour price against the previous observed day's. A change
-- of 10% or more either way is recorded; `is_big` marks a factor of 2 or more (a warn-severity check lists them).
with daily as (
    select source, provider, gpu_model, pricing, gpu_count, observed_on, median(usd_per_gpu_hour) as usd_per_gpu_hour
    from {{ ref('gpu_prices') }}
    group by all
),

steps as (
    select *,
        lag(observed_on) over w as previous_observed_on,
        lag(usd_per_gpu_hour) over w as previous_usd_per_gpu_hour
    from daily
    window w as (partition by source, provider, gpu_model, pricing, gpu_count order by observed_on)
)

select
    source, provider, gpu_model, pricing, gpu_count,
    previous_observed_on, observed_on,
    previous_usd_per_gpu_hour as before_usd_per_gpu_hour,
    usd_per_gpu_hour as after_usd_per_gpu_hour,
    usd_per_gpu_hour / previous_usd_per_gpu_hour as ratio,
    greatest(usd_per_gpu_hour / previous_usd_per_gpu_hour, previous_usd_per_gpu_hour / usd_per_gpu_hour) >= 2 as is_big
from steps
where previous_usd_per_gpu_hour is not null
  and greatest(usd_per_gpu_hour / previous_usd_per_gpu_hour, previous_usd_per_gpu_hour / usd_per_gpu_hour) >= 1.1
