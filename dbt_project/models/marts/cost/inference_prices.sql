-- What using a model costs per million tokens (AI Index), tied to the capability threshold where the figure
-- gives one, in USD and in KRW at the ECB rate of the publication day. Undated prices (fig_1.3.23, list
-- prices when the edition was written) are converted at the rate of 1 April of the edition's year.
with prices as (
    select * from {{ ref('int_ai_index__inference_prices') }}
),

usd_rates as (
    select rate_date, krw_per_usd from {{ ref('int_fx__krw_per_usd') }}
),

dated as (
    select prices.*, coalesce(published_on, make_date(edition, 4, 1)) as fx_day from prices
)

select
    dated.model,
    dated.published_on,
    dated.benchmark,
    dated.threshold,
    dated.usd_per_million_tokens,
    dated.usd_per_million_tokens * usd_rates.krw_per_usd as krw_per_million_tokens,
    usd_rates.rate_date as fx_rate_date,
    case when dated.benchmark is null then 'output' else 'blended' end as price_kind,
    cast(dated.edition as integer) as edition,
    dated.figure_id,
    dated.source_file
from dated
asof left join usd_rates on dated.fx_day >= usd_rates.rate_date
