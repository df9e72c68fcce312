-- Money raised per year, country and round type: the closed or announced rounds (a round still in discussion is not
-- money raised), each in the year it closed (announced, where the close is unknown).
select
    year,
    coalesce(country, 'Unknown') as country,
    coalesce(round_type, 'unknown') as round_type,
    count(*) as rounds,
    sum(amount_usd) as amount_usd
from {{ ref('funding_rounds') }}
where counts_as_raised
group by all
