from datetime import date

import pytest

from ingest.delivery import Delivery, RejectedDelivery
from ingest.sources import funding
from tests.conftest import FIXTURE_MIRROR

TODAY = date(2026, 1, 1)


def _parse(folder: str):
    path = FIXTURE_MIRROR / folder / "funding_rounds.csv"
    return funding.parse(Delivery.from_file("funding_exports", "export", f"{folder}/funding_rounds.csv", path), today=TODAY)


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
    from ingest.settings import source_settings

    assert [d.source_file for d in funding.locate(source_settings())] == ["2026-01/export.csv"]
