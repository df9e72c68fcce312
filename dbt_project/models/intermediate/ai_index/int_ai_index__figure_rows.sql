-- Every row of every mapped AI Index figure, its cells pivoted into roles by the ai_index_figure_map seed.
-- A figure published wide (a column per year, as the 2021 workbook's sheets are; role `year_columns` in the
-- map) is read long first: each year column of a row becomes a row of its own, with a `year` cell, a `value`
-- cell and the row's other cells. A pivot whose real header is one of its rows (role `header_row`, the row's
-- number) takes its column names from that row, and its data from the rows below, down to `last_row` where a
-- second table follows on the same sheet. Column names match the map
-- whatever their case or spacing (editions spell `Geographic area` and `Geographic Area`).
-- A table, not a view: the six AI Index intermediates, their marts and tests read it, and as a view each of those
-- 19 nodes computed it again (25 s each under the DuckDB 1.4.4 a DuckLake needs, 2026-12-06).
{{ config(materialized='table') }}
with figure_map as (
    select * replace (lower(trim(column_name)) as column_name) from {{ ref('ai_index_figure_map') }}
),

header_rows as (
    select edition, figure_id,
           max(cast(constant as integer)) filter (where role = 'header_row') as header_row,
           max(cast(constant as integer)) filter (where role = 'last_row') as last_row
    from figure_map where role in ('header_row', 'last_row')
    group by all
),

published_cells as (
    select * from {{ ref('stg_ai_index__figure_values') }}
),

source_cells as (
    select cells.edition, cells.chapter, cells.chapter_name, cells.figure_id, cells.row_number, cells.column_index,
           lower(trim(case
               when header_rows.header_row is null then cells.column_name
               when header.value_number = round(header.value_number)
                   then cast(cast(header.value_number as bigint) as varchar)
               else coalesce(nullif(trim(header.value_text), ''), cells.column_name) end)) as column_name,
           cells.value_text, cells.value_number, cells.value_date, cells.unit, cells.source_file, cells.source_sha256
    from published_cells as cells
    left join header_rows using (edition, figure_id)
    left join published_cells as header
        on header_rows.header_row is not null and header.edition = cells.edition
       and header.figure_id = cells.figure_id and header.source_file = cells.source_file
       and header.row_number = header_rows.header_row and header.column_index = cells.column_index
    where cells.row_number > coalesce(header_rows.header_row, 0)
      and cells.row_number <= coalesce(header_rows.last_row, cells.row_number)
),

wide as (
    select distinct edition, figure_id from figure_map where role = 'year_columns'
),

year_cells as (
    select *, cast(trim(column_name) as integer) as column_year
    from source_cells
    where (edition, figure_id) in (select (edition, figure_id) from wide)
      and regexp_full_match(trim(column_name), '(19|20)[0-9]{2}')
),

cells as (
    select * from source_cells where (edition, figure_id) not in (select (edition, figure_id) from wide)
    union all
    select edition, chapter, chapter_name, figure_id, row_number * 10000 + column_year, 0, 'year', trim(column_name),
           column_year, null, null, source_file, source_sha256
    from year_cells
    union all
    select edition, chapter, chapter_name, figure_id, row_number * 10000 + column_year, column_index, 'value',
           value_text, value_number, value_date, unit, source_file, source_sha256
    from year_cells
    union all
    select other.edition, other.chapter, other.chapter_name, other.figure_id,
           year_cells.row_number * 10000 + year_cells.column_year, other.column_index, other.column_name,
           other.value_text, other.value_number, other.value_date, other.unit, other.source_file, other.source_sha256
    from year_cells
    inner join source_cells as other
        on other.edition = year_cells.edition and other.figure_id = year_cells.figure_id
       and other.row_number = year_cells.row_number
       and not regexp_full_match(trim(other.column_name), '(19|20)[0-9]{2}')
),

figure_rows as (
    select distinct cells.edition, cells.figure_id, cells.row_number, cells.source_file, cells.source_sha256
    from cells
    inner join (select distinct edition, figure_id from figure_map) as mapped using (edition, figure_id)
),

role_values as (
    select cells.edition, cells.figure_id, cells.row_number, figure_map.role,
           cells.value_text, cells.value_number, cells.value_date
    from cells
    inner join figure_map
        on cells.edition = figure_map.edition
        and cells.figure_id = figure_map.figure_id
        and cells.column_name = figure_map.column_name
    union all
    select figure_rows.edition, figure_rows.figure_id, figure_rows.row_number, figure_map.role,
           figure_map.constant, try_cast(figure_map.constant as double), try_cast(figure_map.constant as date)
    from figure_rows
    inner join figure_map
        on figure_rows.edition = figure_map.edition
        and figure_rows.figure_id = figure_map.figure_id
        and figure_map.constant is not null
),

pivoted as (
    select
        edition,
        figure_id,
        row_number,
        {% for role in ['geography', 'category', 'model', 'hardware', 'label', 'benchmark', 'threshold', 'industry',
                        'function',
                     'band', 'measure', 'technology'] -%}
        max(value_text) filter (where role = '{{ role }}') as {{ role }},
        {% endfor -%}
        {% for role in ['value', 'compute', 'parameters', 'scale', 'first_year'] -%}
        max(value_number) filter (where role = '{{ role }}') as {{ role }},
        {% endfor -%}
        max(value_number) filter (where role = 'year') as year_number,
        max(value_date) filter (where role = 'date') as date_value
    from role_values
    group by edition, figure_id, row_number
),

targets as (
    select distinct edition, figure_id, target, priority, note from figure_map
)

select
    pivoted.edition,
    targets.target,
    targets.priority,
    pivoted.figure_id,
    pivoted.row_number,
    coalesce(cast(pivoted.year_number as integer), year(pivoted.date_value)) as year,
    pivoted.date_value as date,
    pivoted.geography,
    pivoted.category,
    coalesce(aliases.model, pivoted.model) as model,
    pivoted.hardware,
    pivoted.label,
    pivoted.benchmark,
    pivoted.threshold,
    pivoted.industry,
    pivoted.function,
    pivoted.band,
    pivoted.measure,
    pivoted.technology,
    pivoted.value,
    pivoted.compute,
    pivoted.parameters,
    pivoted.scale,
    cast(pivoted.first_year as integer) as first_year,
    targets.note as figure_note,
    figure_rows.source_file,
    figure_rows.source_sha256
from pivoted
inner join targets using (edition, figure_id)
inner join figure_rows using (edition, figure_id, row_number)
left join {{ ref('model_aliases') }} as aliases on aliases.alias = pivoted.model
