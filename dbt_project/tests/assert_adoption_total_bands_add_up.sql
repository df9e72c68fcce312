-- Source invariant: where an AI Index adoption figure publishes a `Total` band beside its bands, the total equals
-- the sum of the bands (within 2 percentage points: the bands are rounded to whole percents). Fails when the
-- publisher's own rows disagree.
with rows as (
    select * replace (coalesce(geography, '') as geography, coalesce(industry, '') as industry,
                      coalesce(function, '') as function)
    from {{ ref('ai_adoption') }} where measure in ('cost_decrease', 'revenue_increase')
),

totals as (
    select edition, figure_id, year, geography, industry, function, technology, measure, share_of_respondents as total
    from rows where band ilike 'total%'
),

bands as (
    select edition, figure_id, year, geography, industry, function, technology, measure,
           sum(share_of_respondents) as summed, count(*) as bands
    from rows where band not ilike 'total%'
    group by all
)

select totals.*, bands.summed, bands.bands
from totals
inner join bands using (edition, figure_id, year, geography, industry, function, technology, measure)
where abs(totals.total - bands.summed) > 0.02
