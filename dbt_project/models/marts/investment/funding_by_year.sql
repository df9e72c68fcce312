select
    year(announced_on) as year,
    coalesce(country, 'Unknown') as country,
    coalesce(round_type, 'unknown') as round_type,
    count(*) as rounds,
    sum(amount_usd) as amount_usd
from {{ ref('funding_rounds') }}
group by all
