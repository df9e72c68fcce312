{{ latest_vintage(source('raw', 'epoch_ml_hardware')) }}
