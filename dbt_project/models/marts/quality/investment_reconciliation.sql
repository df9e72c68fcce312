-- Do the deals add up to the published totals? The AI Index 2021 workbook publishes every investment event
-- of 2015-2020 (its `Funding Event` sheet) beside the aggregates made from them: per year and event type (the
-- `Event Type` pivot, whose header is its first row, read up to its first Grand Total) and per year and country
-- for private investment (the `Investment Amount` sheet, in marts.ai_investment). One row per published aggregate,
-- with the sum of its deals. Sums are rounded to the cent before they become billions: the last digits of a sum of
-- doubles depend on the order DuckDB's threads add the rows up in, and a rebuild must give the same rows.
with cells as (
    select * from {{ ref('stg_ai_index__figure_values') }} where edition = 2021
),

deals as (
    select
        row_number,
        max(value_text) filter (where column_name = 'Event Type') as event_type,
        max(value_number) filter (where column_name = 'Year of Funding Event') as year,
        max(value_number) filter (where column_name = 'Funding in USD') as usd,
        max(value_text) filter (where column_name = 'Target Location (Country)') as country
    from cells where figure_id = 'sheet:Funding Event'
    group by row_number
),

pivot_header as (
    select column_index, try_cast(value_text as integer) as year
    from cells where figure_id = 'sheet:Event Type' and row_number = 1
),

-- the sheet holds the pivot twice (years across, then years down): the first block, up to its Grand Total row
first_block_end as (
    select min(row_number) as last_row
    from cells where figure_id = 'sheet:Event Type' and column_index = 1 and value_text ilike 'grand total'
),

row_labels as (
    select row_number, value_text as event_type
    from cells where figure_id = 'sheet:Event Type' and column_index = 1 and row_number > 1
      and row_number < (select last_row from first_block_end)
),

pivot_amounts as (
    select row_number, column_index, value_number
    from cells where figure_id = 'sheet:Event Type' and row_number > 1 and value_number is not null
),

by_type_published as (
    select row_labels.event_type, pivot_header.year, round(sum(pivot_amounts.value_number), 2) / 1e9 as usd_billions
    from pivot_amounts
    inner join row_labels using (row_number)
    inner join pivot_header using (column_index)
    where pivot_header.year is not null and row_labels.event_type not ilike 'grand total'
    group by all
),

by_country_published as (
    select geography as country, year, usd_billions
    from {{ ref('ai_investment') }}
    where edition = 2021 and category = 'private' and figure_id = 'sheet:Investment Amount'
),

compared as (
    select 'event_type' as breakdown, published.event_type as breakdown_value, published.year,
           published.usd_billions as published_usd_billions,
           (select round(sum(usd), 2) / 1e9 from deals where deals.event_type = published.event_type
                                              and deals.year = published.year) as deals_usd_billions,
           (select count(*) from deals where deals.event_type = published.event_type
                                        and deals.year = published.year) as deals,
           'AI Index 2021, NetBase Quid workbook, Event Type sheet' as published_source
    from by_type_published as published
    union all
    select 'country', published.country, published.year, published.usd_billions,
           (select round(sum(usd), 2) / 1e9 from deals
            where deals.event_type = 'Private Investment' and deals.year = published.year
              and (published.country = 'World'
                   or coalesce(nullif(trim(deals.country), ''), 'Not listed') = published.country)),
           (select count(*) from deals
            where deals.event_type = 'Private Investment' and deals.year = published.year
              and (published.country = 'World'
                   or coalesce(nullif(trim(deals.country), ''), 'Not listed') = published.country)),
           'AI Index 2021, NetBase Quid workbook, Investment Amount sheet'
    from by_country_published as published
)

select
    2021 as edition,
    cast(year as integer) as year,
    breakdown,
    breakdown_value,
    deals,
    coalesce(deals_usd_billions, 0) as deals_usd_billions,
    published_usd_billions,
    coalesce(deals_usd_billions, 0) - published_usd_billions as difference_usd_billions,
    (coalesce(deals_usd_billions, 0) - published_usd_billions) / nullif(published_usd_billions, 0) as difference_share,
    published_source
from compared
