-- The AI Index 2021 workbook's `Funding Event` sheet (NetBase Quid: every AI investment event of its years) in
-- the shape of a funding-round record, so its deals join the exports' in marts.funding_rounds: the round type is
-- the event type, the country as the AI Index names it (`None listed` is no country), amounts in USD.
with cells as (
    select * from {{ source('raw', 'ai_index_figure_values') }}
    where figure_id = 'sheet:Funding Event'
),

events as (
    select
        _edition, _source, _source_file, _ingested_at, row_number,
        max(value_text) filter (where column_name = 'Event ID') as event_id,
        max(value_text) filter (where column_name = 'Target Name') as company,
        max(value_text) filter (where column_name = 'Event Type') as event_type,
        max(value_text) filter (where column_name = 'Date of Funding Event') as date_text,
        max(value_number) filter (where column_name = 'Funding in USD') as usd,
        max(value_text) filter (where column_name = 'Target Location (Country)') as country
    from cells
    group by all
)

select
    'ai_index_' || _edition || '_funding_event' as layout,
    coalesce(event_id, 'row-' || row_number) as source_round_id,
    trim(company) as company,
    cast(null as varchar) as country_code,
    case when trim(country) in ('', 'None listed') then null else trim(country) end as country_name,
    try_cast(left(date_text, 10) as date) as announced_on,
    'Date of Funding Event' as announced_on_basis,
    event_type as round_type,
    cast(null as varchar) as status,
    case when usd > 0 then usd end as amount,
    'USD' as currency,
    case when usd > 0 then usd end as amount_usd_published,
    cast(null as varchar) as investors,
    'ISO 8601' as date_format,
    _source as source,
    _source_file || '#sheet=Funding Event' as source_file,
    _ingested_at as ingested_at
from events
where nullif(trim(company), '') is not null and try_cast(left(date_text, 10) as date) is not null
