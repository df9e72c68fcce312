-- Both vintages of the cloud-region table are kept (ML CO2 Impact and CodeCarbon measured the same regions
-- at different times); `vintage` tells them apart.
{{ with_vintage(source('raw', 'cloud_region_carbon')) }}
