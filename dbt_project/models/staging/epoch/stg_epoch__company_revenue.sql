{{ latest_vintage(source('raw', 'epoch_company_revenue')) }}
