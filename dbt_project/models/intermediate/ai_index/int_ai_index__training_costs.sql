-- AI Index published training costs per model (newest edition, best figure first).
select
    model,
    edition,
    figure_id,
    date as publication_date,
    year,
    value as cost_usd,
    compute * 1e15 as training_compute_flop
from {{ ref('int_ai_index__figure_rows') }}
where target = 'training_cost' and model is not null and value is not null
qualify row_number() over (partition by model order by edition desc, priority asc, figure_id asc) = 1
