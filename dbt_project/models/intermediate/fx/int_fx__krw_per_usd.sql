-- Won per US dollar on each ECB reference day (through the euro cross rates): the one rate every mart's KRW
-- column uses, as-of joined on the row's own day (the last reference day on or before it).
select rate_date, krw_per_unit as krw_per_usd
from {{ ref('int_fx__cross_rates') }}
where currency = 'USD'
