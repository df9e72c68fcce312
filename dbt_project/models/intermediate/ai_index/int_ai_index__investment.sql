-- AI Index investment figures of every edition in long form, before choosing between overlapping figures; a
-- figure in USD (the 2021 workbook) carries a `scale` of 1e-9 in the figure map. `measure` says what a number is
-- (the figure map's `measure`): `annual` (the default: one year's investment), `cumulative` (the sum over
-- `first_year` to `year`, as the AI Index publishes it) or `average_per_event` (one year's average deal).
select
    figure_rows.edition,
    figure_rows.year,
    {{ ai_index_geography('figure_rows.geography') }} as geography,
    coalesce(categories.category, figure_rows.category) as category,
    coalesce(categories.kind, 'focus_area') as category_kind,
    figure_rows.value * coalesce(figure_rows.scale, 1) as usd_billions,
    coalesce(figure_rows.measure, 'annual') as measure,
    coalesce(figure_rows.first_year, figure_rows.year) as first_year,
    figure_rows.figure_id,
    figure_rows.priority,
    figure_rows.source_file,
    figure_rows.source_sha256
from {{ ref('int_ai_index__figure_rows') }} as figure_rows
left join {{ ref('ai_index_investment_categories') }} as categories
    on categories.label = figure_rows.category
where figure_rows.target = 'investment' and figure_rows.value is not null
