-- AI Index investment aggregates by edition and measure (annual, cumulative over first_year..year, average per event);
-- where figures overlap, the one with the lowest priority wins.
select
    cast(edition as integer) as edition,
    cast(year as integer) as year,
    geography,
    category,
    category_kind,
    measure,
    cast(first_year as integer) as first_year,
    usd_billions,
    figure_id,
    source_file,
    source_sha256
from {{ ref('int_ai_index__investment') }}
qualify row_number() over (
    partition by edition, year, geography, category, measure order by priority, figure_id
) = 1
