-- The growth (or decline) rates behind the headlines, recomputed from the warehouse's own rows the way their
-- publishers compute them: an ordinary least-squares fit of log10(value) on the fractional year over the subset
-- the row names, its growth per year (10^slope) and doubling time (halving where it falls), and a 90% interval
-- by bootstrap as Cottier et al. 2024 report theirs. The bootstrap is a Poisson bootstrap with 500 replicates
-- whose weights come from a hash of (measure, subset, item, replicate): the same rows give the same interval in
-- every build. Beside each rate, the rate its publisher states (seed published_trend_rates) and the ratio.
{% set replicates = 500 %}
with points as (
    select * from {{ ref('int_trend__points') }}
),

fitted as (
    select
        measure, subset, any_value(unit) as unit,
        count(*) as n, min(dated_on) as first_on, max(dated_on) as last_on,
        -- rounded: the regression's last digits depend on the order DuckDB's threads add the rows up in; every
        -- figure below derives from the rounded slope, so a rebuild gives the same row
        round(regr_slope(log10_value, year_fraction), 6) as slope, round(regr_r2(log10_value, year_fraction), 4) as r2
    from points
    group by measure, subset
    having count(*) >= 3
),

weighted as (
    -- Poisson(1) weights from a uniform hash: P(0) = 0.368, P(1) = 0.368, P(2) = 0.184, P(3) = 0.061, P(4) = 0.015
    select
        points.measure, points.subset, points.year_fraction, points.log10_value, replicate.range as replicate,
        hash(points.measure, points.subset, points.item, points.dated_on, replicate.range) % 1000000 / 1e6 as u
    from points
    cross join range(1, {{ replicates + 1 }}) as replicate
),

expanded as (
    select
        measure, subset, replicate, year_fraction, log10_value,
        unnest(range(case when u < 0.3679 then 0 when u < 0.7358 then 1 when u < 0.9197 then 2
                          when u < 0.9810 then 3 when u < 0.9963 then 4 else 5 end)) as copy
    from weighted
),

replicated as (
    select measure, subset, replicate, regr_slope(log10_value, year_fraction) as slope
    from expanded
    group by measure, subset, replicate
    -- a replicate that drew one date only has no slope
    having count(distinct year_fraction) >= 2
),

interval as (
    select
        measure, subset,
        round(quantile_cont(slope, 0.05), 6) as slope_low, round(quantile_cont(slope, 0.95), 6) as slope_high
    from replicated
    where isfinite(slope)
    group by measure, subset
)

select
    fitted.measure,
    fitted.subset,
    fitted.unit,
    fitted.first_on,
    fitted.last_on,
    fitted.n,
    'OLS of log10(value) on the fractional year' as regression,
    'Poisson bootstrap, {{ replicates }} replicates, 5th-95th percentile' as interval_method,
    fitted.slope as log10_per_year,
    pow(10, fitted.slope) as growth_per_year,
    pow(10, interval.slope_low) as growth_per_year_low,
    pow(10, interval.slope_high) as growth_per_year_high,
    round(case when fitted.slope > 0 then 12 * log10(2) / fitted.slope end, 2) as doubling_months,
    round(case when fitted.slope < 0 then 12 * log10(2) / -fitted.slope end, 2) as halving_months,
    fitted.r2,
    published.publisher,
    published.published_year,
    published.source_url,
    published.quote,
    published.published_growth_low,
    published.published_growth_high,
    pow(10, fitted.slope) / ((published.published_growth_low + published.published_growth_high) / 2)
        as ratio_to_published
from fitted
left join interval using (measure, subset)
left join {{ ref('published_trend_rates') }} as published
    on published.measure = fitted.measure and published.subset = fitted.subset
