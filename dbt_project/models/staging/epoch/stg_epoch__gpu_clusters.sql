-- Anonymized systems share one name ("Anonymized Chinese System"): `listing` numbers the rows of one name by
-- their other columns, so (vintage, name, listing) is the grain whatever order the file lists them in.
select
    *,
    row_number() over (
        partition by name
        order by first_operational_date, owner, country, chip_type, chip_quantity, h100_equivalents, power_capacity_mw,
                 status, certainty, extra
    ) as listing
from ({{ latest_vintage(source('raw', 'epoch_gpu_clusters')) }})
