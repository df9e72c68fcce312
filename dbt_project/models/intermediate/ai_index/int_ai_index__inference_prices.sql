-- AI Index inference prices per million tokens, tied to a capability threshold where the figure gives one.
select edition, figure_id, row_number, model, benchmark, threshold, date as published_on,
       value as usd_per_million_tokens, source_file
from {{ ref('int_ai_index__figure_rows') }}
where target = 'inference_price' and value is not null
