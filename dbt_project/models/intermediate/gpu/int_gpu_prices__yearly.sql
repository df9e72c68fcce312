-- Per chip, pricing model and year: the median per-GPU-hour price of the offers that are prices (the index's rule:
-- within 4x of the chip's reference price of the month), with the offers, providers and sources behind it; what
-- marts.gpu_price_trend compares from year to year.
-- Incremental: a run recomputes only the years of the months that received (or had rebuilt) offers since the last
-- run, from all of their offers. Each year recomputed has one row without a chip (`gpu_model` null), so a year whose
-- offers all went away is replaced by nothing, and `last_built_at` always says how far the offers were read.
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key=['year'],
          on_schema_change='sync_all_columns') }}
{% set months = months_to_rebuild(ref('int_gpu_offers')) %}
{% set years = [] %}
{% for month in months or [] %}{% if month[:4] not in years %}{% do years.append(month[:4]) %}{% endif %}{% endfor %}
with recomputed as (
    select *, year(observed_on) as year
    from {{ ref('int_gpu_offers') }}
    {%- if months is not none %}
    where {% if years %}observed_on >= date '{{ years | min }}-01-01'
                        and year(observed_on) in ({{ years | join(', ') }}){% else %}false{% endif %}
    {%- endif %}
),

monthly as (
    select month, gpu_model, pricing, reference_usd_per_gpu_hour from {{ ref('int_gpu_prices__monthly') }}
),

offers as (
    select recomputed.year, recomputed.gpu_model, recomputed.pricing, recomputed.usd_per_gpu_hour,
           recomputed.provider, recomputed.source
    from recomputed
    inner join monthly
        on monthly.month = cast(date_trunc('month', recomputed.observed_on) as date)
       and monthly.gpu_model = recomputed.gpu_model and monthly.pricing = recomputed.pricing
    where recomputed.gpu_model is not null and recomputed.category_problem is null
      and recomputed.bounds_problem is null
      and recomputed.usd_per_gpu_hour
          between monthly.reference_usd_per_gpu_hour / 4 and monthly.reference_usd_per_gpu_hour * 4
),

-- the median and the offers behind it, computed apart: distinct counts beside the median over a year's offers took
-- 0.28 s at 10,000 offers a day; from each chip's distinct providers and sources first, 0.12 s (2026-12-07)
prices as (
    select gpu_model, pricing, year, median(usd_per_gpu_hour) as median_usd_per_gpu_hour, count(*) as offers
    from offers
    group by all
),

behind as (
    select gpu_model, pricing, year, count(distinct provider) as providers, count(distinct source) as sources,
           string_agg(distinct source, ', ' order by source) as source_names
    from (select distinct gpu_model, pricing, year, provider, source from offers) as offered_by
    group by all
),

yearly as (
    select prices.*, behind.providers, behind.sources, behind.source_names
    from prices
    inner join behind using (gpu_model, pricing, year)
),

recomputed_years as (
    select distinct year from recomputed
)

{{ with_a_row_per_period('yearly', 'recomputed_years') }}
