-- The rental price Epoch's cloud method gives each model's chips (Cottier et al. 2024; rules in METHODS.md):
--   vendors:    the developer's cloud first, then AWS, Azure, Google Cloud, then every other vendor in the order
--               it first appears in Hardware prices.csv (TPUs: Google Cloud only);
--   chip:       the training hardware's own rows at that vendor, else its family's (seed hardware_price_families:
--               the family name, then the family's members in order); several chips in one row: no price;
--   row:        the one dated nearest on or before the price date (training start - 60 days), else the nearest after;
--   price type: 3-year committed use, else 1-year, else on-demand, tried across all vendors in that order; the
--               type must be filled on the row chosen by date; 1-year and on-demand become a 3-year equivalent
--               p x (1 - d3) / (1 - d_type) with the vendor's discounts (seed cloud_vendor_discounts).
with models as (
    select model, hardware, price_date_target, preferred_vendor
    from {{ ref('int_cloud_cost__inputs') }}
    where hardware is not null and not contains(hardware, ',') and price_date_target is not null
),

prices as (
    select * from {{ ref('stg_epoch__hardware_prices') }} where vendor is not null
),

discounts as (
    select * from {{ ref('cloud_vendor_discounts') }}
),

fallback_vendors as (
    select vendor, priority as rank from {{ ref('cloud_vendor_rules') }} where rule in ('default', 'fallback')
    union all
    select vendor, 100 + min(record_number) from prices
    where vendor not in (select vendor from {{ ref('cloud_vendor_rules') }} where rule in ('default', 'fallback'))
    group by vendor
),

vendor_order as (
    select models.model, models.preferred_vendor as vendor, 0 as vendor_rank from models
    union all
    select models.model, fallback_vendors.vendor, fallback_vendors.rank
    from models cross join fallback_vendors
    where fallback_vendors.vendor <> models.preferred_vendor and not contains(models.hardware, 'TPU')
),

families as (
    select hardware_model, family, member_order from {{ ref('hardware_price_families') }}
),

-- the names a model's chip may be priced under at a vendor, in the order they are tried
chip_names as (
    select models.model, models.hardware as price_hardware, 0 as name_rank from models
    union all
    select models.model, families.family, 1 from models inner join families on families.hardware_model = models.hardware
    union all
    select models.model, members.hardware_model, 1 + members.member_order
    from models
    inner join families on families.hardware_model = models.hardware
    inner join families as members on members.family = families.family
),

-- per model and vendor: the first name with any price row at that vendor
chip_at_vendor as (
    select vendor_order.model, vendor_order.vendor, vendor_order.vendor_rank,
           arg_min(chip_names.price_hardware, chip_names.name_rank) as price_hardware
    from vendor_order
    inner join chip_names on chip_names.model = vendor_order.model
    where exists (select 1 from prices where prices.vendor = vendor_order.vendor
                                          and prices.hardware_model = chip_names.price_hardware)
    group by all
),

-- per model and vendor: the row dated nearest on or before the price date, else the nearest after
chosen_row as (
    select chip_at_vendor.model, chip_at_vendor.vendor, chip_at_vendor.vendor_rank, prices.* exclude (vendor)
    from chip_at_vendor
    inner join models using (model)
    inner join prices on prices.vendor = chip_at_vendor.vendor and prices.hardware_model = chip_at_vendor.price_hardware
    qualify row_number() over (
        partition by chip_at_vendor.model, chip_at_vendor.vendor
        order by cast(prices.price_date as timestamp) <= models.price_date_target desc,
                 abs(epoch(cast(prices.price_date as timestamp) - models.price_date_target)),
                 prices.record_number
    ) = 1
),

typed as (
    select chosen_row.*, price_types.price_type, price_types.type_rank,
           case price_types.price_type
               when '3-year committed use' then chosen_row.usd_per_chip_hour_3y_commit
               when '1-year committed use' then chosen_row.usd_per_chip_hour_1y_commit
               else chosen_row.usd_per_chip_hour_on_demand end as listed_usd_per_chip_hour
    from chosen_row
    cross join (values ('3-year committed use', 1), ('1-year committed use', 2), ('on-demand', 3))
        as price_types (price_type, type_rank)
),

converted as (
    select typed.*,
        case typed.price_type
            when '3-year committed use' then typed.listed_usd_per_chip_hour
            when '1-year committed use'
                then typed.listed_usd_per_chip_hour * (1 - discounts.discount_3y) / (1 - discounts.discount_1y)
            else typed.listed_usd_per_chip_hour * (1 - discounts.discount_3y)
        end as usd_per_chip_hour
    from typed
    left join discounts on discounts.vendor = typed.vendor
    where typed.listed_usd_per_chip_hour is not null
)

select
    model,
    vendor as cost_vendor,
    price_type as cost_price_type,
    hardware_model as cost_price_hardware,
    price_date as cost_price_date,
    listed_usd_per_chip_hour as cost_listed_usd_per_chip_hour,
    usd_per_chip_hour as cost_usd_per_chip_hour,
    price_source as cost_price_source
from converted
where usd_per_chip_hour is not null
qualify row_number() over (partition by model order by type_rank, vendor_rank) = 1
