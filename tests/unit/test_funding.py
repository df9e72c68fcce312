from datetime import date

import pytest

from ingest.delivery import Delivery, RejectedDelivery
from ingest.sources import funding
from tests.conftest import FIXTURE_MIRROR

TODAY = date(2026, 1, 1)


def _parse(folder: str):
    path = FIXTURE_MIRROR / folder / "funding_rounds.csv"
    return funding.parse(
        Delivery.from_file("funding_exports", "export", f"{folder}/funding_rounds.csv", path), today=TODAY
    )


def test_crunchbase_layout_amounts_currencies_and_quarantine():
    parsed = _parse("crunchbase_demo_export")
    rows = {r["company"]: r for r in parsed.rows.iter_rows(named=True)}
    assert set(rows) == {"Example Robotics", "Beispiel KI", "Hanguk AI", "Stealth Co"}
    assert (rows["Example Robotics"]["amount"], rows["Example Robotics"]["currency"]) == (12e6, "USD")
    assert (rows["Beispiel KI"]["amount"], rows["Beispiel KI"]["currency"]) == (2e6, "EUR")
    assert (rows["Hanguk AI"]["amount"], rows["Hanguk AI"]["currency"]) == (5e9, "KRW")
    assert rows["Stealth Co"]["amount"] is None  # undisclosed is unknown, not an error
    assert rows["Example Robotics"]["source_round_id"] == "r-0001"
    assert rows["Example Robotics"]["investors"] == "Fund One, Fund Two"
    reasons = dict(zip(parsed.quarantine["row_number"], parsed.quarantine["reason"]))
    assert reasons == {5: "company is missing", 6: "date 2099-01-01 is in the future"}
    funding.FundingRounds.validate(parsed.rows)


def test_portfolio_layout_parses_money_text():
    parsed = _parse("crunchbase_demo_portfolio")
    amounts = list(zip(parsed.rows["company"], parsed.rows["amount"], parsed.rows["currency"]))
    assert amounts == [
        ("Example Voice", 180e6, "USD"),
        ("Example Voice", None, None),
        ("Exemple IA", 8.8e6, "EUR"),
        ("Example Cursorlike", 2.3e9, "USD"),
    ]
    assert parsed.quarantine["reason"].to_list() == ["amount 'lots of money' is not a number or money text"]
    # rows without an id get a stable content hash
    again = _parse("crunchbase_demo_portfolio")
    assert again.rows["source_round_id"].to_list() == parsed.rows["source_round_id"].to_list()


def test_unknown_layout_is_rejected_whole(tmp_path):
    path = tmp_path / "deals.csv"
    path.write_text("Startup,When,How much\nX,2024-01-01,$1M\n")
    with pytest.raises(RejectedDelivery, match="matches no funding layout"):
        funding.parse(Delivery.from_file("funding_exports", "export", "deals.csv", path))


def test_cp1252_exports_are_transcoded(tmp_path):
    path = tmp_path / "rounds.csv"
    text = "Company Name,Announced Date,Transaction Name,Number of Investors,Money Raised,Lead Investors,Funding Type\n"
    text += "Café Robotique,2024-05-05,Seed,1,€1M,Société Générale,Seed\n"
    path.write_bytes(text.encode("cp1252"))
    parsed = funding.parse(Delivery.from_file("funding_exports", "export", "rounds.csv", path), today=TODAY)
    assert parsed.rows["company"].to_list() == ["Café Robotique"]
    assert parsed.rows["currency"].to_list() == ["EUR"]


def test_inbox_files_are_found_when_no_mirror_is_set(tmp_path, monkeypatch):
    inbox = tmp_path / "inbox" / "funding" / "2026-01"
    inbox.mkdir(parents=True)
    (inbox / "export.csv").write_text("x\n")
    from ingest.settings import load_settings

    assert [d.source_file for d in funding.locate(load_settings())] == ["2026-01/export.csv"]


def test_every_shipped_layout_loads_and_a_broken_one_is_named(tmp_path):
    names = {layout.name for layout in funding.layouts()}
    assert {"crunchbase_csv", "crunchbase_portfolio", "epoch_company_rounds"} <= names
    broken = tmp_path / "broken.yml"
    broken.write_text("name: broken\ncolumns:\n  company: Name\n")
    with pytest.raises(ValueError, match="missing: \\['amount', 'announced_on'\\]"):
        funding.load_layout(broken)


def test_a_user_layout_needs_no_code(tmp_path, monkeypatch):
    layouts = tmp_path / "layouts"
    layouts.mkdir()
    (layouts / "indian_exchange.yml").write_text(
        "name: indian_exchange\n"
        "columns: {company: Startup, announced_on: Date, amount: Amount (INR), round_type: Stage}\n"
        "date_formats: ['%d/%m/%Y', '%m/%d/%Y']\n"
        "default_currency: INR\n"
    )
    monkeypatch.setenv("AIMETRICS_FUNDING_LAYOUTS_DIR", str(layouts))
    path = tmp_path / "deals.csv"
    path.write_text(
        'Startup,Date,Amount (INR),Stage\nExample Pvt,03/04/2024,"20,00,00,000",Series A\n'
        'Other Pvt,25/04/2024,"5,00,000",Seed\n'
    )
    parsed = funding.parse(Delivery.from_file("funding_exports", "export", "deals.csv", path), today=TODAY)
    rows = {r["company"]: r for r in parsed.rows.iter_rows(named=True)}
    # 25/04 only reads day-first, so the whole file is day-first: 03/04 is 3 April, not 4 March
    assert rows["Example Pvt"]["announced_on"] == date(2024, 4, 3)
    assert (rows["Example Pvt"]["amount"], rows["Example Pvt"]["currency"]) == (200_000_000.0, "INR")
    assert set(parsed.rows["date_format"]) == {"%d/%m/%Y"}


def test_the_date_format_is_decided_per_file_not_per_row():
    assert funding.choose_date_format(["03/04/2024", "12/31/2024"], ("%d/%m/%Y", "%m/%d/%Y")) == "%m/%d/%Y"
    assert funding.choose_date_format(["03/04/2024", "05/06/2024"], ("%d/%m/%Y", "%m/%d/%Y")) == "%d/%m/%Y"


def test_money_in_an_unknown_notation_is_quarantined():
    parsed = _parse("crunchbase_demo_restated")
    assert parsed.rows["company"].to_list() == ["EXAMPLE VOICE"]
    assert parsed.quarantine["reason"].to_list() == ["amount 'NZ$3M' is not a number or money text"]


def test_a_currency_code_the_ecb_never_published_is_quarantined(tmp_path):
    path = tmp_path / "rounds.csv"
    path.write_text(
        "company_name,country_code,funding_round_type,announced_on,raised_amount_usd,raised_amount,"
        "raised_amount_currency_code,investor_names,funding_round_uuid\n"
        "X,USA,seed,2024-01-02,,100,XYZ,,r-1\nY,USA,seed,2024-01-02,,100,gbp,,r-2\n"
    )
    parsed = funding.parse(Delivery.from_file("funding_exports", "export", "rounds.csv", path), today=TODAY)
    assert parsed.rows["currency"].to_list() == ["GBP"]
    assert parsed.quarantine["reason"].to_list() == ["unknown currency code 'XYZ'"]
    # an export without the valuation columns is still a Crunchbase CSV: they may be absent
    assert parsed.rows["valuation_post_money"].to_list() == [None]


def test_epoch_rounds_are_announced_when_reported_and_closed_when_closed():
    path = FIXTURE_MIRROR / "epoch_ai_companies" / "ai_companies_funding_rounds.csv"
    parsed = funding.parse(
        Delivery.from_file("funding_exports", "export", "ai_companies_funding_rounds.csv", path), today=date(2026, 1, 1)
    )
    rows = {r["source_round_id"]: r for r in parsed.rows.iter_rows(named=True)}
    # reported a day after it closed: two dates, each with its meaning, and the post-money valuation
    assert (rows["Example Lab Series A"]["announced_on"], rows["Example Lab Series A"]["closed_on"]) == (
        date(2024, 3, 16),
        date(2024, 3, 15),
    )
    assert rows["Example Lab Series A"]["valuation_post_money"] == 4e9
    assert rows["Example Lab Series A"]["announced_on_basis"] == "Report date"
    # still in discussion: no close date, announced when reported
    assert (rows["Example Lab Series B"]["announced_on"], rows["Example Lab Series B"]["closed_on"]) == (
        date(2025, 9, 19),
        None,
    )
    assert rows["Example Lab Series B"]["status"] == "Late discussions"
    assert rows["Example Lab Series B"]["amount"] == 2e9
