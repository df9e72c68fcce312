-- The number of newly funded AI companies per AI Index edition, year and geography, from every figure the
-- ai_index_figure_map seed sends to `new_companies`; where figures overlap, the one with the lowest priority wins.
with counts as (
    select
        cast(edition as integer) as edition,
        year,
        {{ ai_index_geography('geography') }} as geography,
        category,
        value,
        figure_id,
        priority,
        source_file,
        source_sha256
    from {{ ref('int_ai_index__figure_rows') }}
    where target = 'new_companies' and value is not null and year is not null
)

select
    edition,
    cast(year as integer) as year,
    geography,
    category,
    cast(round(value) as integer) as companies,
    figure_id,
    source_file,
    source_sha256
from counts
qualify row_number() over (partition by edition, year, geography, category order by priority, figure_id) = 1
