{{ latest_vintage(source('raw', 'mlco2_gpus')) }}
