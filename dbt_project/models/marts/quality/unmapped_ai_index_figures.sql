-- AI Index figures loaded into raw that the figure map (seed ai_index_figure_map) does not name, per edition, with
-- how many figures of that edition the map does name: an edition none of whose figures is mapped (a new report)
-- loads its cells and shows nothing in any mart, and is listed here instead of vanishing.
with loaded as (
    select edition, figure_id, min(source_file) as source_file, count(*) as cells,
           count(distinct row_number) as records, min(chapter_name) as chapter_name
    from {{ ref('stg_ai_index__figure_values') }}
    group by edition, figure_id
),

mapped as (
    select distinct cast(edition as bigint) as edition, figure_id from {{ ref('ai_index_figure_map') }}
),

per_edition as (
    select loaded.edition, count(mapped.figure_id) as mapped_figures, count(*) as loaded_figures
    from loaded
    left join mapped using (edition, figure_id)
    group by loaded.edition
)

select
    loaded.edition,
    loaded.figure_id,
    loaded.chapter_name,
    loaded.source_file,
    loaded.cells,
    loaded.records,
    per_edition.mapped_figures as edition_mapped_figures,
    per_edition.loaded_figures as edition_loaded_figures,
    per_edition.mapped_figures = 0 as edition_unmapped
from loaded
inner join per_edition using (edition)
anti join mapped using (edition, figure_id)
