{{ latest_vintage(source('raw', 'epoch_company_compute_spend')) }}
