"""The 2024 edition by URL: hand-written responses in the format OWID's etl expects from HAI's Google Drive."""

import httpx

from ingest.settings import load_settings
from ingest.sources import ai_index
from ingest.sources.ai_index_by_url import online_figures

BY_TYPE = (
    "Year,Investment activity,Total investment (in billions of U.S. dollars)\n"
    "2023,Private Investment,95.99\n2023,Merger/Acquisition,80.61\n2022,Private Investment,103.4\n"
)
GENERATIVE = "Year,Total investment (in billions of U.S. dollars)\n2023,25.23\n"


def _drive(monkeypatch, responses: dict[str, httpx.Response]):
    """Google Drive answering by file id; every other figure is missing (404)."""
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.params["id"])
        return responses.get(request.url.params["id"], httpx.Response(404, text="Not Found"))

    real = httpx.Client
    monkeypatch.setattr(httpx, "Client", lambda *a, **k: real(transport=httpx.MockTransport(handler)))
    return seen


def _csv(text: str) -> httpx.Response:
    return httpx.Response(200, text=text, headers={"content-type": "text/csv"})


def test_without_a_mirror_the_2024_figures_are_fetched_and_read_as_edition_2024(monkeypatch):
    ids = {figure.figure_id: url.rsplit("=", 1)[1] for url, figure in online_figures().items()}
    assert len(ids) == 7 and ids["fig_4.3.1"] == "13iuXuFMyn7BYjZ83l7NpVpPT5LDjM9xl"
    seen = _drive(monkeypatch, {ids["fig_4.3.1"]: _csv(BY_TYPE), ids["fig_4.3.3"]: _csv(GENERATIVE)})
    found = ai_index.locate(load_settings())
    assert sorted(seen) == sorted(ids.values())  # each figure asked for once
    fetched = {online_figures()[d.source_file].figure_id: d for d in found if not d.refused}
    assert set(fetched) == {"fig_4.3.1", "fig_4.3.3"} and {d.edition for d in found} == {"2024"}
    refused = [d for d in found if d.refused]
    assert len(refused) == 5 and all("404" in d.refused for d in refused)
    parsed = ai_index.parse(fetched["fig_4.3.1"])
    ai_index.FigureValues.validate(parsed.rows)
    cells = parsed.rows.filter(row_number=1).select("edition", "chapter", "figure_id", "column_name", "value_number")
    assert cells.rows()[2] == (2024, 4, "fig_4.3.1", "Total investment (in billions of U.S. dollars)", 95.99)
    assert set(parsed.rows["unit"].drop_nulls()) == {"billion USD"}


def test_a_second_run_uses_the_same_checksum_so_nothing_is_loaded_twice(monkeypatch):
    ids = {figure.figure_id: url.rsplit("=", 1)[1] for url, figure in online_figures().items()}
    _drive(monkeypatch, {ids["fig_4.3.3"]: _csv(GENERATIVE)})
    first = {d.source_file: d.sha256 for d in ai_index.locate(load_settings()) if not d.refused}
    second = {d.source_file: d.sha256 for d in ai_index.locate(load_settings()) if not d.refused}
    assert first == second and len(first) == 1


def test_an_edition_in_the_inbox_is_not_fetched(monkeypatch, tmp_path):
    folder = tmp_path / "inbox" / "ai_index" / "ai_index_2024" / "4. Economy"
    folder.mkdir(parents=True)
    (folder / "fig_4.3.3.csv").write_text(GENERATIVE)
    seen = _drive(monkeypatch, {})
    found = ai_index.locate(load_settings())
    assert seen == [] and [d.source_file for d in found] == ["ai_index_2024/4. Economy/fig_4.3.3.csv"]


def test_an_offline_machine_stops_after_the_first_figure(monkeypatch):
    found = ai_index.locate(load_settings())  # tests have no network: the host does not resolve
    assert found == []


def test_with_a_mirror_nothing_is_fetched(monkeypatch, tmp_path):
    monkeypatch.setenv("AIMETRICS_DATA_DIR", str(tmp_path))
    seen = _drive(monkeypatch, {})
    assert ai_index.locate(load_settings()) == [] and seen == []


def test_a_page_instead_of_data_is_refused_with_the_reason(monkeypatch):
    body = "<html>quota exceeded</html>"
    ids = {figure.figure_id: url.rsplit("=", 1)[1] for url, figure in online_figures().items()}
    _drive(monkeypatch, {ids["fig_4.3.1"]: httpx.Response(200, text=body, headers={"content-type": "text/html"})})
    refused = {online_figures()[d.source_file].figure_id: d.refused for d in ai_index.locate(load_settings())}
    assert "returned an HTML page instead of data" in refused["fig_4.3.1"]
