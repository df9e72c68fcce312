{{ latest_vintage(source('raw', 'epoch_notable_models')) }}
