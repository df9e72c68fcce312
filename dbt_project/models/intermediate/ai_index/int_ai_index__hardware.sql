-- AI Index hardware figures: peak performance, price-performance and energy efficiency, long form.
select edition, target as metric, figure_id, row_number, hardware, label, year, date, value, source_file
from {{ ref('int_ai_index__figure_rows') }}
where target in ('hardware_performance', 'price_performance', 'energy_efficiency') and value is not null
