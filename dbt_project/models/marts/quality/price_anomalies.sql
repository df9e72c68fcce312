-- Offers whose per-GPU-hour price is not a price: outside the chip's floor and ceiling (seed
-- gpu_price_bounds), or more than 4x away from the chip's reference price that month (the median over
-- providers, int_gpu_prices__monthly). They are kept out of marts.gpu_price_index (and, for the bounds, out of
-- marts.gpu_prices), and listed here with the reason.
with offers as (
    select *, cast(date_trunc('month', observed_on) as date) as month
    from {{ ref('int_gpu_offers') }}
    where gpu_model is not null and category_problem is null
),

monthly as (
    select month, gpu_model, pricing, reference_usd_per_gpu_hour from {{ ref('int_gpu_prices__monthly') }}
)

select
    offers.observed_on, offers.provider, offers.region, offers.instance_type, offers.gpu_model, offers.gpu_count,
    offers.pricing, offers.usd_per_hour, offers.usd_per_gpu_hour, monthly.reference_usd_per_gpu_hour,
    offers.usd_per_gpu_hour / monthly.reference_usd_per_gpu_hour as ratio_to_reference,
    coalesce(
        offers.bounds_problem,
        case when offers.usd_per_gpu_hour > monthly.reference_usd_per_gpu_hour * 4
             then 'more than 4x the chip''s reference price of the month (median over providers)'
             else 'less than a quarter of the chip''s reference price of the month (median over providers)' end
    ) as reason,
    offers.price_unit_rule, offers.source, offers.source_gpu_name, offers.source_file, offers.edition,
    offers.ingested_at, offers.offer_id
from offers
left join monthly using (month, gpu_model, pricing)
where offers.bounds_problem is not null
   or offers.usd_per_gpu_hour > monthly.reference_usd_per_gpu_hour * 4
   or offers.usd_per_gpu_hour < monthly.reference_usd_per_gpu_hour / 4
