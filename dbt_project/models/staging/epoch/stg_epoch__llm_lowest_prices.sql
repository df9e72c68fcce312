{{ latest_vintage(source('raw', 'epoch_llm_lowest_prices')) }}
