-- Monthly GPU rental price index per chip and pricing model, weighted by provider (each provider's median, then the
-- median across the GPU clouds and marketplaces; the general-purpose clouds' list prices in their own column, the
-- median over offers as the named variant `offer_weighted_median_usd_per_gpu_hour`), and the price of one
-- petaFLOP/s-hour of the chip's peak dense 16-bit throughput. The monthly statistics are kept incrementally
-- upstream; this join with the (small) hardware table is rebuilt whole, so a new chip peak reaches every month.
select
    monthly.month,
    monthly.gpu_model,
    monthly.pricing,
    monthly.median_usd_per_gpu_hour,
    monthly.offer_weighted_median_usd_per_gpu_hour,
    monthly.cloud_list_median_usd_per_gpu_hour,
    monthly.index_basis,
    monthly.p10_usd_per_gpu_hour,
    monthly.p90_usd_per_gpu_hour,
    monthly.offers,
    monthly.providers,
    monthly.sources,
    monthly.source_names,
    monthly.provider_names,
    monthly.reference_usd_per_gpu_hour,
    monthly.median_usd_per_gpu_hour / (hardware.peak_flops_16bit / 1e15) as usd_per_pflop_hour,
    hardware.peak_flops_16bit
from {{ ref('int_gpu_prices__monthly') }} as monthly
left join {{ ref('gpu_hardware') }} as hardware using (gpu_model)
where monthly.offers > 0
