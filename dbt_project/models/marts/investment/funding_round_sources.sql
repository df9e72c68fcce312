-- Every record behind every deal of funding_rounds: which export said what.
select
    round_id,
    source,
    layout,
    source_file,
    source_round_id,
    company,
    announced_on,
    round_type,
    amount,
    currency,
    amount_usd,
    date_format,
    ingested_at
from {{ ref('int_funding__deals') }}
