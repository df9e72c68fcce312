"""Inputs outside the first bad-input corpus: wide encodings, a re-delivery that parses far worse than the
version it replaces. Each is landed for real and the warehouse inspected."""

import pytest

from ingest.delivery import Delivery
from ingest.sources import SOURCES
from warehouse.db import connect_read
from warehouse.land import land_source

FIGURE = "ai_index_2030/4. Economy/Data/fig_4.3.2.csv"
TEXT = "Year,Total investment (in billions of US dollars)\n" + "".join(f"{2000 + i},{i}.5\n" for i in range(30))


def _land(tmp_path, data: bytes, name: str = "v1"):
    path = tmp_path / name / "fig_4.3.2.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return land_source(SOURCES["ai_index"], deliveries=[Delivery.from_file("ai_index", "2030", FIGURE, path)]).deliveries[0]


def _values() -> int:
    with connect_read() as conn:
        return conn.execute("select count(*) from raw.ai_index_figure_values where column_index = 2").fetchone()[0]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_a_wide_encoding_with_a_byte_order_mark_is_read(tmp_path, encoding):
    data = TEXT.encode(encoding) if encoding != "utf-16-be" else b"\xfe\xff" + TEXT.encode("utf-16-be")
    assert _land(tmp_path, data).outcome.status == "loaded"
    assert _values() == 30


@pytest.mark.parametrize("encoding, reason", [
    ("utf-16-le", "looks like utf-16-le without a byte-order mark"),
    ("utf-16-be", "looks like utf-16-be without a byte-order mark"),
])
def test_a_wide_encoding_without_a_mark_is_rejected_not_misread(tmp_path, encoding, reason):
    outcome = _land(tmp_path, TEXT.encode(encoding)).outcome
    assert outcome.status == "rejected" and reason in outcome.reason


def test_a_replacement_that_parses_far_worse_does_not_replace_silently(tmp_path, monkeypatch):
    assert _land(tmp_path, TEXT.encode()).outcome.rows_accepted == 60
    # the same figure re-exported: most records broken (ragged), a few good ones
    broken = "Year,Total investment (in billions of US dollars)\n2000,0.5\n" + "2001;1.5;x\n" * 29
    outcome = _land(tmp_path, broken.encode(), "v2").outcome
    assert outcome.status == "rejected" and "the earlier version is kept" in outcome.reason
    assert _values() == 30
    with connect_read() as conn:
        assert conn.execute("select count(*) from raw.deliveries where status = 'loaded'").fetchone()[0] == 1
    monkeypatch.setenv("AIMETRICS_ACCEPT_SMALLER", "ai_index")
    assert _land(tmp_path, broken.encode(), "v3").outcome.status == "loaded"
    assert _values() == 1
