{{ latest_vintage(source('raw', 'epoch_hardware_prices')) }}
