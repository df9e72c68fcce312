select rate_date, currency, units_per_eur, _edition as vintage
from {{ source('raw', 'fx_rates') }}
