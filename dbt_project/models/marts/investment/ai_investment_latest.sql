{{ config(materialized='view') }}
-- The newest AI Index edition only: what the latest report says about every year.
select * from {{ ref('ai_investment') }}
where edition = (select max(edition) from {{ ref('ai_investment') }})
