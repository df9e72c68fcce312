-- Is compute getting cheaper? Per chip, pricing model and year: the median per-GPU-hour price of the offers that
-- are prices (the index's rule: within 4x of the chip's reference price of the month), its price per
-- petaFLOP/s-hour of peak dense 16-bit throughput, the offers, providers and sources behind it, and the change
-- from the previous covered year (a year without offers is a gap, not a zero).
with monthly as (
    select month, gpu_model, pricing, reference_usd_per_gpu_hour from {{ ref('int_gpu_prices__monthly') }}
),

offers as (
    select year(offers.observed_on) as year, offers.gpu_model, offers.pricing, offers.usd_per_gpu_hour,
           offers.provider, offers.source
    from {{ ref('int_gpu_offers') }} as offers
    inner join monthly
        on monthly.month = cast(date_trunc('month', offers.observed_on) as date)
       and monthly.gpu_model = offers.gpu_model and monthly.pricing = offers.pricing
    where offers.gpu_model is not null and offers.category_problem is null and offers.bounds_problem is null
      and offers.usd_per_gpu_hour
          between monthly.reference_usd_per_gpu_hour / 4 and monthly.reference_usd_per_gpu_hour * 4
),

yearly as (
    select gpu_model, pricing, year, median(usd_per_gpu_hour) as median_usd_per_gpu_hour, count(*) as offers,
           count(distinct provider) as providers, count(distinct source) as sources,
           string_agg(distinct source, ', ' order by source) as source_names
    from offers
    group by all
)

select
    yearly.gpu_model,
    yearly.pricing,
    cast(yearly.year as integer) as year,
    yearly.median_usd_per_gpu_hour,
    yearly.median_usd_per_gpu_hour / (hardware.peak_flops_16bit / 1e15) as usd_per_pflop_hour,
    yearly.offers,
    yearly.providers,
    yearly.sources,
    yearly.source_names,
    cast(lag(yearly.year) over chip as integer) as previous_year,
    yearly.median_usd_per_gpu_hour / lag(yearly.median_usd_per_gpu_hour) over chip as change_from_previous_year,
    power(yearly.median_usd_per_gpu_hour / lag(yearly.median_usd_per_gpu_hour) over chip,
          1.0 / (yearly.year - lag(yearly.year) over chip)) as yearly_change_factor
from yearly
left join {{ ref('gpu_hardware') }} as hardware using (gpu_model)
window chip as (partition by yearly.gpu_model, yearly.pricing order by yearly.year)
