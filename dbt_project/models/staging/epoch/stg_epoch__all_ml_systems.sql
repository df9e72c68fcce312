{{ latest_vintage(source('raw', 'epoch_all_ml_systems')) }}
