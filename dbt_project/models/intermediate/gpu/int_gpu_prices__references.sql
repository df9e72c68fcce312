-- The reference each provider's offers are judged against, per month, chip and pricing model: the median over the
-- providers of its market segment (seed gpu_provider_segments; each provider's own median first, so a marketplace
-- with many rows does not set it), or over every provider where its segment has fewer than two that month; and the
-- lowest median of any other provider, for an offer at a fraction of everyone else's price.
-- Incremental: a run recomputes only the months that received (or had rebuilt) offers since the last run, from all
-- of their offers. Each month recomputed has one row without a provider (`provider` null, which joins no offer), so
-- a month whose offers all went away is replaced by nothing, and `last_built_at` always says how far the offers were
-- read.
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key=['month'],
          on_schema_change='sync_all_columns') }}
{% set months = months_to_rebuild(ref('int_gpu_offers')) %}
with recomputed as (
    select * from {{ ref('int_gpu_offers') }} where {{ in_months('observed_on', months) }}
),

offers as (
    select
        cast(date_trunc('month', observed_on) as date) as month, gpu_model, pricing, provider, usd_per_gpu_hour
    from recomputed
    where gpu_model is not null and category_problem is null and bounds_problem is null
      and date_basis <> 'file modification date'
),

per_provider as (
    select offers.month, offers.gpu_model, offers.pricing, offers.provider,
           coalesce(segments.segment, 'specialist') as segment,
           median(offers.usd_per_gpu_hour) as provider_median
    from offers
    left join {{ ref('gpu_provider_segments') }} as segments on segments.provider = offers.provider
    group by all
),

by_segment as (
    select month, gpu_model, pricing, segment, median(provider_median) as segment_median, count(*) as providers
    from per_provider group by all
),

others as (
    select mine.month, mine.gpu_model, mine.pricing, mine.provider,
           min(theirs.provider_median) as lowest_other_provider_median,
           count(theirs.provider) as other_providers
    from per_provider as mine
    left join per_provider as theirs
        on theirs.month = mine.month and theirs.gpu_model = mine.gpu_model and theirs.pricing = mine.pricing
       and theirs.provider <> mine.provider
    group by all
),

overall as (
    select month, gpu_model, pricing, median(provider_median) as overall_median from per_provider group by all
),

judged as (
    select
        per_provider.month,
        per_provider.gpu_model,
        per_provider.pricing,
        per_provider.provider,
        per_provider.segment,
        per_provider.provider_median,
        case when by_segment.providers >= 2 then by_segment.segment_median else overall.overall_median end
            as reference_usd_per_gpu_hour,
        case when by_segment.providers >= 2
                 then 'median over the ' || by_segment.providers || ' ' || per_provider.segment || ' providers'
             else 'median over providers (fewer than two ' || per_provider.segment || ' providers this month)'
        end as reference_basis,
        others.lowest_other_provider_median,
        others.other_providers
    from per_provider
    inner join by_segment using (month, gpu_model, pricing, segment)
    inner join overall using (month, gpu_model, pricing)
    inner join others using (month, gpu_model, pricing, provider)
),

recomputed_months as (
    select distinct cast(date_trunc('month', observed_on) as date) as month from recomputed
)

{{ with_a_row_per_period('judged', 'recomputed_months') }}
