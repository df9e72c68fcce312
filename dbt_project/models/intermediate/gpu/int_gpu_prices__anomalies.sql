-- The rows of marts.price_anomalies, per month: offers whose per-GPU-hour price is not a price, or may not be, each
-- with its reason and severity:
-- `not a price`: outside the chip's floor and ceiling (seed gpu_price_bounds), out of marts.gpu_prices and the index;
-- `outlier`: more than 4x away from the chip's reference that month in the provider's market segment
--   (int_gpu_prices__references), out of marts.gpu_price_index;
-- `review`: under half the lowest price of every other provider (at least two) that month: kept in the index,
--   listed for a person to judge (a promotion, or a wrong unit).
-- Incremental: a run judges again only the months that received (or had rebuilt) offers since the last run, from
-- all of that month's offers. Each month judged has one row without an offer (`severity` null), so a month whose
-- anomalies all went away is replaced by nothing rather than kept, and `last_built_at` always says how far the
-- offers were judged; marts.price_anomalies leaves those rows out.
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key=['month'],
          on_schema_change='sync_all_columns') }}
{% set months = months_to_rebuild(ref('int_gpu_offers')) %}
with offers as (
    select *, cast(date_trunc('month', observed_on) as date) as month
    from {{ ref('int_gpu_offers') }}
    where {{ in_months('observed_on', months) }}
),

segment_references as (
    select * from {{ ref('int_gpu_prices__references') }} where {{ in_months('month', months) }}
),

judged as (
    select
        offers.*,
        refs.reference_usd_per_gpu_hour,
        refs.reference_basis,
        refs.lowest_other_provider_median,
        case
            when offers.bounds_problem is not null then 'not a price'
            when offers.usd_per_gpu_hour > refs.reference_usd_per_gpu_hour * 4
                 or offers.usd_per_gpu_hour < refs.reference_usd_per_gpu_hour / 4 then 'outlier'
            when refs.other_providers >= 2 and offers.usd_per_gpu_hour < refs.lowest_other_provider_median / 2
                then 'review'
        end as severity
    from offers
    left join segment_references as refs using (month, gpu_model, pricing, provider)
    where offers.gpu_model is not null and offers.category_problem is null
),

anomalies as (
    select
        month, observed_on, provider, region, instance_type, gpu_model, gpu_count,
        pricing, usd_per_hour, usd_per_gpu_hour, reference_usd_per_gpu_hour,
        usd_per_gpu_hour / reference_usd_per_gpu_hour as ratio_to_reference,
        severity,
        case severity
            when 'not a price' then bounds_problem
            when 'outlier' then
                case when usd_per_gpu_hour > reference_usd_per_gpu_hour * 4 then 'more than 4x'
                     else 'less than a quarter of' end
                || ' the chip''s reference price of the month (' || reference_basis || ')'
            else 'under half the lowest price of every other provider this month ('
                 || round(lowest_other_provider_median, 4) || ' USD per GPU-hour)'
        end as reason,
        price_unit_rule, source, source_gpu_name, source_file, edition, ingested_at, offer_id
    from judged
    where severity is not null
),

judged_months as (
    select distinct month from offers
)

{{ with_a_row_per_period('anomalies', 'judged_months') }}
