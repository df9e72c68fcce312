-- AI Index estimated training emissions (tCO2e) and training power draw (W) per model, newest edition.
with figure_rows as (
    select * from {{ ref('int_ai_index__figure_rows') }}
    where target in ('emissions', 'power') and model is not null and value is not null
    qualify row_number() over (partition by target, model order by edition desc, priority asc, figure_id asc) = 1
)

select
    model,
    max(value) filter (where target = 'emissions') as tco2e,
    max(figure_id) filter (where target = 'emissions') as emissions_figure,
    max(value) filter (where target = 'power') as power_draw_watts,
    max(figure_id) filter (where target = 'power') as power_figure,
    max(edition) as edition
from figure_rows
group by model
