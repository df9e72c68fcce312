-- AI Index investment figures, reshaped through the ai_index_figure_map seed into (edition, year, geography, category).
with cells as (
    select * from {{ ref('stg_ai_index__figure_values') }}
),

figure_map as (
    select * from {{ ref('ai_index_figure_map') }}
),

figure_rows as (
    select
        cells.edition,
        cells.figure_id,
        cells.row_number,
        any_value(figure_map.priority) as priority,
        any_value(figure_map.year) as fixed_year,
        any_value(figure_map.geography) as fixed_geography,
        any_value(figure_map.category) as fixed_category,
        max(case when cells.column_name = figure_map.year_column then cells.value_number end) as year_value,
        max(case when cells.column_name = figure_map.geography_column then cells.value_text end) as geography_value,
        max(case when cells.column_name = figure_map.category_column then cells.value_text end) as category_value,
        max(case when cells.column_name = figure_map.value_column then cells.value_number end) as value,
        any_value(cells.source_file) as source_file,
        any_value(cells.source_sha256) as source_sha256
    from cells
    inner join figure_map
        on cells.edition = figure_map.edition and cells.figure_id = figure_map.figure_id
    group by cells.edition, cells.figure_id, cells.row_number
)

select
    figure_rows.edition,
    coalesce(cast(figure_rows.year_value as integer), figure_rows.fixed_year) as year,
    coalesce(figure_rows.fixed_geography, figure_rows.geography_value) as geography,
    coalesce(figure_rows.fixed_category, categories.category, figure_rows.category_value) as category,
    figure_rows.value as usd_billions,
    figure_rows.figure_id,
    figure_rows.priority,
    figure_rows.source_file,
    figure_rows.source_sha256
from figure_rows
left join {{ ref('ai_index_investment_categories') }} as categories
    on categories.label = figure_rows.category_value
where figure_rows.value is not null
