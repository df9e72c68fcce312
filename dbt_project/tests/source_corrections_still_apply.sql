-- A correction of seed source_corrections whose version is loaded but no longer holds the published value: the source
-- has changed it itself (or dropped the record), so the correction is stale and its row should go. A version not
-- loaded says nothing (a URL run holds only the newest list). Warns; nothing is corrected twice.
{{ config(severity='warn', meta={'remedy': 'remove the stale row from dbt_project/seeds/source_corrections.csv',
                                  'dagster': {'ref': {'name': 'stg_llm__list_prices'}}}) }}
select corrections.*
from {{ ref('source_corrections') }} as corrections
where exists (
    select 1 from {{ ref('stg_llm__list_prices') }} as prices
    where prices.source = corrections.source and prices.vintage = corrections.vintage
)
and not exists (
    select 1 from {{ ref('stg_llm__list_prices') }} as prices
    where prices.source = corrections.source and prices.vintage = corrections.vintage
      and prices.source_model_name = corrections.record_key
      and prices.kind = corrections.field and prices.corrected_from = corrections.published_value
)
