-- Funding round records whose amount is not a plausible round (above the seed's maximum): their USD and KRW
-- amounts are left out of every mart, and each is listed here with its reason and its file.
select
    company,
    announced_on,
    round_type,
    amount,
    currency,
    amount_usd_as_converted,
    amount_usd_published,
    amount_problem as reason,
    source,
    source_file,
    source_round_id
from {{ ref('int_funding__rounds_converted') }}
where amount_problem is not null
