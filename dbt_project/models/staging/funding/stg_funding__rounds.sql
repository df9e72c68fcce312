select
    layout,
    source_round_id,
    company,
    country_code,
    cast(null as varchar) as country_name,
    announced_on,
    round_type,
    status,
    amount,
    upper(currency) as currency,
    amount_usd_published,
    investors,
    date_format,
    _source as source,
    _source_file as source_file,
    _ingested_at as ingested_at
from {{ source('raw', 'funding_rounds') }}
