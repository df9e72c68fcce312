{{ latest_vintage(source('raw', 'epoch_price_index')) }}
