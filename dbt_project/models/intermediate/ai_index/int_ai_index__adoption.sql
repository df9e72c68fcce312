-- The AI Index's business-adoption figures (McKinsey's surveys) in one long shape: who uses AI and generative AI,
-- by year, region, industry and function, and the shares of respondents reporting cost decreases and revenue
-- increases, per band as published. Mapped by the ai_index_figure_map seed (target `adoption`). Shares are
-- percentages (`33%`, `14.06`) unless the figure's `scale` says otherwise; a row that cannot be read keeps its
-- reason in `problem` and stays out of the mart.
with figure_rows as (
    select * from {{ ref('int_ai_index__figure_rows') }}
    where target = 'adoption'
),

typed as (
    select
        edition,
        year,
        case when lower(trim(geography)) in ('all geographies', 'world', 'global') then 'World' else trim(geography) end
            as geography,
        nullif(trim(industry), '') as industry,
        -- the published labels carry chart line breaks (`Knowledge management and other<br>internal functions`)
        nullif(trim(regexp_replace(function, '\s*<br\s*/?>\s*', ' ', 'g')), '') as function,
        case when lower(replace(technology, ' ', '')) in ('genai', 'generativeai', 'generative_ai') then 'generative_ai'
             when lower(trim(technology)) = 'ai' then 'ai' end as technology,
        coalesce(measure,
                 case when band ilike 'decrease%' or band ilike 'total decrease%' then 'cost_decrease'
                      when band ilike 'increase%' or band ilike 'total increase%' then 'revenue_increase' end)
            as measure,
        nullif(trim(band), '') as band,
        round(value * coalesce(scale, 0.01), 8) as share_of_respondents,
        value,
        'McKinsey survey in AI Index ' || edition || ' ' || figure_id || coalesce(': ' || figure_note, '') as source,
        figure_id,
        row_number,
        source_file
    from figure_rows
),

-- One spelling per region across figures: `Greater China (incl. Hong Kong, Taiwan, Macau)` and `... Taiwan, and
-- Macau)` are one group, compared without case, punctuation and the word `and`; the first spelling in order names it.
spelled as (
    select * replace (
        min(geography) over (
            partition by regexp_replace(regexp_replace(lower(geography), '\band\b', '', 'g'), '[^a-z0-9]', '', 'g')
        ) as geography),
        geography as published_geography
    from typed
)

select
    *,
    case
        when value is null then 'the share is blank or not a number'
        when share_of_respondents < 0 or share_of_respondents > 1 then 'the share is outside 0-100%'
        when technology is null then 'the technology (AI or generative AI) is not recognized'
        when measure is null then 'the band is neither a decrease nor an increase'
        when year is null then 'no year'
    end as problem
from spelled
