{{ latest_vintage(source('raw', 'epoch_large_scale_models')) }}
