from datetime import date
from pathlib import Path

import pytest

from ingest.delivery import Delivery, RejectedDelivery
from ingest.sources import ai_index
from tests.conftest import FIXTURE_MIRROR


def _parse(figure: str):
    delivery = next(d for d in ai_index.deliveries(FIXTURE_MIRROR) if d.source_file.endswith(f"/{figure}.csv"))
    return delivery, ai_index.parse(delivery)


def test_every_figure_of_the_edition_is_found_with_its_edition_and_checksum():
    found = ai_index.deliveries(FIXTURE_MIRROR)
    assert len(found) == 14 + 4
    assert sorted(d.edition for d in found) == ["2024"] * 4 + ["2025"] * 14
    assert all(len(d.sha256) == 64 for d in found)


def test_float_years_and_units_from_the_header():
    _, parsed = _parse("fig_4.3.2")
    rows = parsed.rows
    years = rows.filter(column_name="Year")
    assert years["value_number"].to_list() == [2021.0, 2022.0, 2023.0, 2024.0]
    values = rows.filter(column_index=2)
    assert set(values["unit"]) == {"billion USD"}
    assert values["value_number"].to_list() == [50.5, 40.25, 60.125, 80.0]
    assert set(rows["chapter"]) == {4} and set(rows["chapter_name"]) == {"Economy"}
    ai_index.FigureValues.validate(rows)


def test_bom_crlf_and_percent_strings():
    _, parsed = _parse("fig_1.1.2")
    assert parsed.rows["column_name"].unique(maintain_order=True).to_list()[0] == "Year"  # no BOM left
    share = parsed.rows.filter(column_index=2)
    assert share["value_text"].to_list() == ["41.5%", "42.25%"]
    assert share["value_number"].to_list() == [41.5, 42.25]
    assert set(share["unit"]) == {"%"}


def test_dates_scientific_notation_grouped_numbers_and_ragged_rows():
    _, parsed = _parse("fig_1.3.25")
    dates = parsed.rows.filter(column_name="Publication date")["value_date"].to_list()
    assert dates == [date(2023, 12, 24), date(2024, 3, 1)]
    costs = parsed.rows.filter(column_index=3)
    assert costs["value_number"].to_list() == [1.5e7, 4.2e6]
    assert set(costs["unit"]) == {"USD"}
    # the short record is quarantined with its reason; the blank record is ignored
    assert parsed.quarantine["row_number"].to_list() == [3]
    assert "fig_1.3.25: record has 2 fields, header has 3" in parsed.quarantine["reason"][0]


def test_blank_column_names_get_a_positional_name():
    _, parsed = _parse("fig_1.4.2")
    assert parsed.rows["column_name"].to_list() == ["Hardware", "column_2", "FLOP/s"]


def test_a_file_that_is_not_a_figure_is_rejected(tmp_path):
    path = tmp_path / "notes.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(RejectedDelivery, match="not an AI Index figure file"):
        ai_index.parse(Delivery.from_file("ai_index", "2025", "ai_index_2025/notes.csv", path))


def test_an_empty_figure_file_is_rejected(tmp_path):
    path = tmp_path / "fig_9.9.9.csv"
    path.write_text("")
    with pytest.raises(RejectedDelivery, match="empty file"):
        ai_index.parse(Delivery.from_file("ai_index", "2025", "ai_index_2025/fig_9.9.9.csv", path))


@pytest.mark.parametrize(
    ("header", "unit"),
    [
        ("Total investment (in billions of US dollars)", "billion USD"),
        ("Total Investment (in Billions of U.S. Dollars)", "billion USD"),
        ("Average investment (in millions of US dollars)", "million USD"),
        ("Training compute (petaFLOP – log scale)", "petaFLOP"),
        ("Training power draw (watts)", "W"),
        ("C02eq_emissions", "tCO2e"),
        ("Year", None),
    ],
)
def test_unit_from_header(header, unit):
    assert ai_index.unit_from_header(header) == unit


def test_workbook_sheets_become_figures_of_their_edition(tmp_path):
    from tests.fixtures.workbook import VALUE_2022, write_ai_index_2022_workbook

    write_ai_index_2022_workbook(tmp_path / "ai_index_2022" / "Corporate_Private_investment.xlsx")
    found = ai_index.deliveries(tmp_path)
    assert [(d.edition, d.source_file) for d in found] == [("2022", "ai_index_2022/Corporate_Private_investment.xlsx")]
    parsed = ai_index.parse(found[0])
    rows = parsed.rows
    assert sorted(rows["figure_id"].unique()) == [
        "sheet:Global Corporate AI Investment",
        "sheet:Private AI Investment by Geo (2",
        "sheet:Private Investment in AI",
        "sheet:Sheet16",
    ]
    private = rows.filter(figure_id="sheet:Private Investment in AI", column_name=VALUE_2022)
    assert private["value_number"].to_list() == [30.5, 70.25]
    assert set(private["unit"]) == {"billion USD"}
    assert rows["row_number"].max() == 2  # padded empty rows are not records
    assert set(rows["edition"]) == {2022}
    ai_index.FigureValues.validate(rows)


def test_a_zipped_edition_in_the_inbox_is_unpacked_and_found(tmp_path):
    import shutil
    import zipfile

    edition = FIXTURE_MIRROR / "ai_index_2025"
    archive = tmp_path / "inbox" / "ai_index_2025.zip"
    archive.parent.mkdir(parents=True)
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in sorted(edition.rglob("*.csv")):
            zipped.write(path, Path("ai_index_2025") / path.relative_to(edition))
    found = ai_index.deliveries(archive.parent, tmp_path / "extracted")
    assert len(found) == 14 and {d.edition for d in found} == {"2025"}
    assert all(d.source_file.startswith("ai_index_2025.zip/") for d in found)
    # the same bytes as the folder's files: checksums agree, so a zipped re-delivery of a folder is recognised
    assert sorted(d.sha256 for d in found) == sorted(
        d.sha256 for d in ai_index.deliveries(FIXTURE_MIRROR) if d.edition == "2025"
    )
    shutil.rmtree(tmp_path / "extracted")


def test_a_zip_member_pointing_outside_the_archive_is_rejected(tmp_path):
    import zipfile

    archive = tmp_path / "ai_index_2030.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("../../escape/fig_1.1.1.csv", "Year,Value\n2030,1\n")
    found = ai_index.deliveries(tmp_path, tmp_path / "extracted")
    assert [(d.source_file, d.edition) for d in found] == [("ai_index_2030.zip", "2030")]
    with pytest.raises(RejectedDelivery, match="points outside the archive"):
        ai_index.parse(found[0])
    assert not (tmp_path.parent / "escape").exists()


def test_zip_bombs_and_oversized_members_are_refused_before_unpacking(tmp_path):
    import zipfile

    bomb = tmp_path / "ai_index_2031.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("ai_index_2031/fig_1.1.1.csv", "Year,Value\n" + "2031,1\n" * 4_000_000)  # 28 MB of one line
    found = ai_index.deliveries(tmp_path, tmp_path / "extracted")
    assert [d.source_file for d in found] == ["ai_index_2031.zip"]
    with pytest.raises(RejectedDelivery, match="more than the limit of 16,777,216"):
        ai_index.parse(found[0])
    assert not (tmp_path / "extracted").exists() or not any((tmp_path / "extracted").rglob("*.csv"))

    ratio = tmp_path / "ratio" / "ai_index_2032.zip"
    ratio.parent.mkdir()
    with zipfile.ZipFile(ratio, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("ai_index_2032/fig_1.1.1.csv", "Year,Value\n" + " " * 8_000_000)
    with pytest.raises(RejectedDelivery, match="is compressed .*x \\(a zip bomb\\?\\)"):
        ai_index.parse(ai_index.deliveries(ratio.parent, tmp_path / "extracted2")[0])


def test_a_figure_file_that_is_too_large_is_rejected(tmp_path):
    folder = tmp_path / "ai_index_2033" / "1. Research and Development" / "Data"
    folder.mkdir(parents=True)
    (folder / "fig_1.1.1.csv").write_text("Year,Value\n" + "2033,1\n" * 3_000_000)
    with pytest.raises(RejectedDelivery, match="more than the limit"):
        ai_index.parse(ai_index.deliveries(tmp_path)[0])
