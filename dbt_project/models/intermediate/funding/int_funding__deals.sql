-- Records of the same deal (from two exports, or restated in a later delivery) grouped into one deal:
-- same company (case and punctuation ignored), announced within 31 days of the deal's previous record, and
-- amounts within 10 % where both are known. Two records of one file are two deals, unless they are of the same
-- day and the same known amount (one file listing one round twice, as Epoch AI lists Mistral AI's June 2024 round).
with records as (
    select * from {{ ref('int_funding__rounds_converted') }}
),

ordered as (
    select
        *,
        lag(announced_on) over deal_order as previous_on,
        lag(amount_usd) over deal_order as previous_usd,
        lag(source_file) over deal_order as previous_file
    from records
    window deal_order as (
        partition by company_key order by announced_on, amount_usd nulls last, source_file, source_round_id
    )
),

flagged as (
    select
        *,
        case
            when previous_on is null then 1
            when date_diff('day', previous_on, announced_on) > 31 then 1
            when previous_file = source_file
                and not coalesce(announced_on = previous_on and amount_usd = previous_usd, false) then 1
            when amount_usd is not null and previous_usd is not null
                and abs(amount_usd - previous_usd) > 0.1 * greatest(amount_usd, previous_usd) then 1
            else 0
        end as starts_deal
    from ordered
),

numbered as (
    select
        *,
        sum(starts_deal) over (
            partition by company_key order by announced_on, amount_usd nulls last, source_file, source_round_id
            rows between unbounded preceding and current row
        ) as deal_number
    from flagged
),

deals as (
    select *, min(announced_on) over (partition by company_key, deal_number) as deal_first_on
    from numbered
)

-- the id: company, first day, and which of that company's deals starting that day (usually the only one)
select
    md5(company_key || '|' || cast(deal_first_on as varchar) || '|'
        || dense_rank() over (partition by company_key, deal_first_on order by deal_number)) as round_id,
    * exclude (previous_on, previous_usd, previous_file, starts_deal, deal_first_on)
from deals
