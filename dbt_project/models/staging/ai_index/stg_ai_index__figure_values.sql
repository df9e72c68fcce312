select
    edition,
    chapter,
    chapter_name,
    figure_id,
    row_number,
    column_index,
    column_name,
    value_text,
    value_number,
    value_date,
    unit,
    _source_file as source_file,
    _source_sha256 as source_sha256
from {{ source('raw', 'ai_index_figure_values') }}
