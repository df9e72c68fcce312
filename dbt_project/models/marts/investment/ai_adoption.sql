-- Who uses AI, and who reports it paying off: adoption of AI and generative AI, and the shares of respondents
-- reporting cost decreases and revenue increases by function, as the AI Index publishes McKinsey's surveys.
select
    cast(edition as integer) as edition, cast(year as integer) as year, geography, industry, function, technology,
    measure,
    measure || '_' || technology as measure_key,
    band, share_of_respondents, source, figure_id, source_file
from {{ ref('int_ai_index__adoption') }}
where problem is null
