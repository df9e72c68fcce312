-- Monthly GPU rental price index per chip and pricing model, and the price of one petaFLOP/s-hour of the
-- chip's peak dense 16-bit throughput.
with offers as (
    select * from {{ ref('gpu_prices') }}
),

monthly as (
    select
        cast(date_trunc('month', observed_on) as date) as month,
        gpu_model,
        pricing,
        median(usd_per_gpu_hour) as median_usd_per_gpu_hour,
        quantile_cont(usd_per_gpu_hour, 0.1) as p10_usd_per_gpu_hour,
        quantile_cont(usd_per_gpu_hour, 0.9) as p90_usd_per_gpu_hour,
        count(*) as offers,
        count(distinct provider) as providers
    from offers
    group by all
)

select
    monthly.*,
    monthly.median_usd_per_gpu_hour / (hardware.peak_flops_16bit / 1e15) as usd_per_pflop_hour,
    hardware.peak_flops_16bit
from monthly
left join {{ ref('gpu_hardware') }} as hardware using (gpu_model)
