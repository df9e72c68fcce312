-- Azure Retail Prices API: Linux pay-as-you-go and spot prices of GPU VM sizes, one row per poll, size,
-- region and pricing model.
select
    observed_on,
    'azure' as provider,
    arm_region_name as region,
    arm_region_name as source_region,
    cast(null as varchar) as region_problem,
    arm_sku_name as instance_type,
    gpu_name as source_gpu_name,
    gpu_count,
    pricing,
    usd_per_hour as price_usd,
    'instance_hour' as price_unit,
    'azure_retail_prices' as source,
    _source_file as source_file,
    _edition as edition,
    _ingested_at as ingested_at,
    {{ fetch_date_basis('_source_file') }} as date_basis,
    row_number() over (partition by _source_file, arm_region_name, arm_sku_name, pricing order by usd_per_hour)
        as listing
from {{ source('raw', 'azure_gpu_prices') }}
