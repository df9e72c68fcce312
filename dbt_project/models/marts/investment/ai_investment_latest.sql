-- DuckLake keeps no column comments on views: there the column docs stay in dbt docs only.
{{ config(materialized='view', persist_docs={'relation': true, 'columns': target.name != 'ducklake'}) }}
-- The newest AI Index edition only: what the latest report says about every year.
select * from {{ ref('ai_investment') }}
where edition = (select max(edition) from {{ ref('ai_investment') }})
