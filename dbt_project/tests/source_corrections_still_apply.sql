-- A correction of seed source_corrections that no longer matches any row: the source has changed the value itself
-- (or dropped the record), so the correction is stale and its row should go. Warns; nothing is corrected twice.
{{ config(severity='warn', meta={'remedy': 'remove the stale row from dbt_project/seeds/source_corrections.csv',
                                  'dagster': {'ref': {'name': 'stg_llm__list_prices'}}}) }}
select corrections.*
from {{ ref('source_corrections') }} as corrections
where not exists (
    select 1 from {{ ref('stg_llm__list_prices') }} as prices
    where prices.source = corrections.source and prices.source_model_name = corrections.record_key
      and prices.kind = corrections.field and prices.corrected_from = corrections.published_value
)
