select
    layout,
    source_round_id,
    company,
    country_code,
    announced_on,
    round_type,
    amount,
    upper(currency) as currency,
    amount_usd_published,
    investors,
    _source as source,
    _source_file as source_file
from {{ source('raw', 'funding_rounds') }}
