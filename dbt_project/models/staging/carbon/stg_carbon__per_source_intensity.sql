{{ latest_vintage(source('raw', 'carbon_intensity_per_source')) }}
