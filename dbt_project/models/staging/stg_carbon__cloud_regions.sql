-- Both vintages of the cloud-region table are kept (ML CO2 Impact and CodeCarbon measured the same regions
-- at different times); `vintage` tells them apart.
select * exclude (_source, _edition, _source_file, _source_sha256, _ingested_at),
       _edition as vintage,
       _source_file as source_file
from {{ source('raw', 'cloud_region_carbon') }}
