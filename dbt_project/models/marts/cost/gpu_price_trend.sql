-- Is compute getting cheaper? Per chip, pricing model and year: the median per-GPU-hour price of the offers that
-- are prices (the index's rule: within 4x of the chip's reference price of the month), its price per
-- petaFLOP/s-hour of peak dense 16-bit throughput, the offers, providers and sources behind it, and the change
-- from the previous covered year (a year without offers is a gap, not a zero). The years are int_gpu_prices__yearly.
with yearly as (
    select * from {{ ref('int_gpu_prices__yearly') }} where gpu_model is not null  -- not the row each year keeps
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
