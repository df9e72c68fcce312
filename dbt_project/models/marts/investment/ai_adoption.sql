-- Who uses AI, and who reports it paying off: adoption of AI and generative AI, and the shares of respondents
-- reporting cost decreases and revenue increases by function, as the AI Index publishes McKinsey's surveys.
-- One share answers one question once: where two figures of an edition publish the same share (the world's adoption
-- in the overall chart and in the by-region chart), the row keeps the least rounded value (most decimals; then
-- the first figure) and names the other figures in `also_in_figures`.
with readable as (
    select *, length(coalesce(regexp_extract(cast(cast(value as double) as varchar), '\.([0-9]*)$', 1), '')) as decimals
    from {{ ref('int_ai_index__adoption') }}
    where problem is null
),

ranked as (
    select
        *,
        row_number() over question as rank_in_question,
        list(figure_id order by figure_id) over question_all as figures_in_question
    from readable
    window
        question as (partition by edition, year, geography, industry, function, technology, measure, band
                     order by decimals desc, figure_id asc),
        question_all as (partition by edition, year, geography, industry, function, technology, measure, band)
)

select
    cast(edition as integer) as edition, cast(year as integer) as year, geography, industry, function, technology,
    measure,
    measure || '_' || technology as measure_key,
    band, share_of_respondents, source, figure_id,
    nullif(array_to_string(list_filter(figures_in_question, lambda other: other <> figure_id), ', '), '')
        as also_in_figures,
    source_file
from ranked
where rank_in_question = 1
