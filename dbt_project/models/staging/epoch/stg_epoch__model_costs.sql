{{ latest_vintage(source('raw', 'epoch_model_costs')) }}
