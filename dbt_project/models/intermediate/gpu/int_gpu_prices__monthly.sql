-- Monthly statistics of the GPU offers per chip and pricing model, without the offers that are not prices, nor
-- the offers of a copy dated only by when it was copied.
-- An offer is an outlier when its per-GPU-hour price is more than 4x away from the chip's reference price that
-- month in its market segment (int_gpu_prices__references: the median of each provider's median, so one
-- marketplace with many rows does not set it, and a cloud's list price is judged against the clouds'). Outliers
-- are listed in marts.price_anomalies and left out of these statistics. `reference_usd_per_gpu_hour` is the
-- median over every provider.
-- Incremental: a run recomputes only the months that received (or had rebuilt) offers since the last run,
-- from all of that month's offers, so a new day of prices costs a month of rows, not the whole history.
-- A change of these rules reaches the months built before by `aimetrics run --full-refresh`.
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key=['month'],
          on_schema_change='sync_all_columns') }}
{% set months = months_to_rebuild(ref('int_gpu_offers')) %}
with offers as (
    select
        cast(date_trunc('month', observed_on) as date) as month, gpu_model, pricing, provider, source,
        usd_per_gpu_hour, built_at
    from {{ ref('int_gpu_offers') }}
    where gpu_model is not null and category_problem is null and bounds_problem is null
      -- a mirror copy dated by its file's modification day was not observed that month (it shows as gpu_prices'
      -- date_basis, and stays out of the monthly series and their "latest" month)
      and date_basis <> 'file modification date'
      and {{ in_months('observed_on', months) }}
),

per_provider as (
    select month, gpu_model, pricing, provider, median(usd_per_gpu_hour) as provider_median
    from offers group by all
),

reference as (
    select month, gpu_model, pricing, median(provider_median) as reference_usd_per_gpu_hour
    from per_provider group by all
),

kept as (
    select offers.*
    from offers
    inner join (select * from {{ ref('int_gpu_prices__references') }} where {{ in_months('month', months) }}) as judged
        using (month, gpu_model, pricing, provider)
    where offers.usd_per_gpu_hour between judged.reference_usd_per_gpu_hour / 4
                                      and judged.reference_usd_per_gpu_hour * 4
),

-- the index weighs providers, not rows: each provider's median first, then the median across the GPU clouds and
-- marketplaces, where the market price forms (a marketplace listing a hundred rows counts once; the general-purpose
-- clouds' list prices, several times higher, are their own column, so the month's mix of clouds never moves the
-- index); across every provider where the month has no GPU cloud. The median over offers is a named variant.
provider_medians as (
    select kept.month, kept.gpu_model, kept.pricing, coalesce(segments.segment, 'specialist') as segment,
           median(kept.usd_per_gpu_hour) as provider_median
    from kept
    left join {{ ref('gpu_provider_segments') }} as segments on segments.provider = kept.provider
    group by kept.month, kept.gpu_model, kept.pricing, kept.provider, segments.segment
),

across_providers as (
    select
        month, gpu_model, pricing,
        coalesce(median(provider_median) filter (where segment = 'specialist'), median(provider_median))
            as median_usd_per_gpu_hour,
        median(provider_median) filter (where segment = 'hyperscaler') as cloud_list_median_usd_per_gpu_hour,
        case when count(*) filter (where segment = 'specialist') > 0
                 then 'median of the provider medians of ' || count(*) filter (where segment = 'specialist')
                      || ' GPU clouds and marketplaces'
             else 'median of the provider medians of ' || count(*) || ' general-purpose clouds (no GPU cloud)'
        end as index_basis
    from provider_medians group by all
)

select
    reference.month,
    reference.gpu_model,
    reference.pricing,
    min(across_providers.median_usd_per_gpu_hour) as median_usd_per_gpu_hour,
    min(across_providers.cloud_list_median_usd_per_gpu_hour) as cloud_list_median_usd_per_gpu_hour,
    min(across_providers.index_basis) as index_basis,
    median(kept.usd_per_gpu_hour) as offer_weighted_median_usd_per_gpu_hour,
    quantile_cont(kept.usd_per_gpu_hour, 0.1) as p10_usd_per_gpu_hour,
    quantile_cont(kept.usd_per_gpu_hour, 0.9) as p90_usd_per_gpu_hour,
    count(kept.usd_per_gpu_hour) as offers,
    count(distinct kept.provider) as providers,
    count(distinct kept.source) as sources,
    string_agg(distinct kept.source, ', ' order by kept.source) as source_names,
    string_agg(distinct kept.provider, ', ' order by kept.provider) as provider_names,
    min(reference.reference_usd_per_gpu_hour) as reference_usd_per_gpu_hour,
    (select max(built_at) from offers) as last_built_at
from reference
left join kept using (month, gpu_model, pricing)
left join across_providers using (month, gpu_model, pricing)
group by all
