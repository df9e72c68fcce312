{{ latest_vintage(source('raw', 'grid_carbon_intensity')) }}
