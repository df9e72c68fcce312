-- Money raised per year, country and round type: the closed or announced rounds (a round still in discussion is not
-- money raised), each in the year it closed (announced, where the close is unknown).
select
    year,
    coalesce(country, 'Unknown') as country,
    coalesce(round_type, 'unknown') as round_type,
    count(*) as rounds,
    -- to the cent: the last digits of a sum of doubles depend on the order DuckDB's threads add the rows up in
    round(sum(amount_usd), 2) as amount_usd
from {{ ref('funding_rounds') }}
where counts_as_raised
group by all
