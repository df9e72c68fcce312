"""The two readers give the same result: DuckDB's streaming reader and Python's csv reader (which takes every
file the streaming one refuses) feed the same vectorized rules of each source, and give exactly the same rows and
reasons on the fixtures, the bad-input corpus and the real files; the streaming reader refuses, rather than
guesses, what only the careful one reads exactly."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from ingest.delivery import Delivery, Parsed, RejectedDelivery
from ingest.read.streamed import NeedsCarefulParse, string_batches
from ingest.sources import gpu_tracker, gpu_tracker_days, skypilot
from ingest.values import number_expr, parse_number
from tests.conftest import FIXTURE_MIRROR, FIXTURES

BAD = FIXTURES / "bad"


def _streamed(module, delivery: Delivery, batch_rows: int | None = None, monkeypatch=None) -> Parsed:
    if batch_rows and monkeypatch:
        monkeypatch.setattr("ingest.read.streamed.BATCH_ROWS", batch_rows)
    parts = list(module.parse_batches([delivery]))
    rows, quarantine = pl.concat([p.rows for p in parts]), pl.concat([p.quarantine for p in parts])
    assert set(rows["_delivery"]) <= {0} and set(quarantine["_delivery"]) <= {0}
    return Parsed(rows=rows.drop("_delivery"), quarantine=quarantine.drop("_delivery"))


def _assert_same(module, delivery: Delivery, **kwargs) -> str:
    try:
        careful = module.parse(delivery)
    except RejectedDelivery as error:
        with pytest.raises(RejectedDelivery) as streamed_error:
            _streamed(module, delivery, **kwargs)
        assert str(streamed_error.value) == str(error)
        return "rejected"
    try:
        streamed = _streamed(module, delivery, **kwargs)
    except NeedsCarefulParse:
        return "careful"
    assert_frame_equal(streamed.rows, careful.rows)
    assert_frame_equal(streamed.quarantine, careful.quarantine)
    return "same"


def _skypilot_files(root: Path) -> list[Path]:
    return sorted(root.rglob("vms.csv"))


def _tracker_files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*.csv") if "tracker" in path.as_posix())


def test_skypilot_streamed_equals_careful_on_fixtures_and_bad_corpus():
    outcomes = {}
    for path in _skypilot_files(FIXTURE_MIRROR) + _skypilot_files(BAD / "skypilot"):
        delivery = Delivery.from_file(skypilot.SOURCE, "2026-01-01", f"v7/{path.parent.name}/vms.csv", path)
        outcomes[path.parent.name] = _assert_same(skypilot, delivery)
    assert outcomes["truncated"] == "careful"  # a short record: only the careful parser can name it
    assert outcomes["missing_price"] == "rejected"
    assert outcomes["negative_price"] == outcomes["placeholder_spot"] == outcomes["examplecloud"] == "same"


def test_tracker_streamed_equals_careful_on_fixtures_and_bad_corpus(monkeypatch):
    outcomes = {}
    for path in _tracker_files(FIXTURE_MIRROR) + _tracker_files(BAD):
        delivery = Delivery.from_file(gpu_tracker.SOURCE, "latest", path.name, path)
        outcomes[path.name] = _assert_same(gpu_tracker, delivery, batch_rows=2, monkeypatch=monkeypatch)
    assert outcomes["truncated.csv"] == "careful"
    assert outcomes["renamed_column.csv"] == "rejected"
    # duplicates are found across batch boundaries (batches of 2 records here)
    assert outcomes["duplicate_rows.csv"] == outcomes["mixed_dates.csv"] == outcomes["zero_gpus.csv"] == "same"


def test_streamed_equals_careful_on_the_real_files(shared_data):
    catalogs = _skypilot_files(shared_data / "gpu_prices" / "skypilot_catalog")
    assert catalogs, "no SkyPilot catalogs in the real data"
    outcomes = [
        _assert_same(
            skypilot, Delivery.from_file(skypilot.SOURCE, "2026-01-01", path.relative_to(shared_data).as_posix(), path)
        )
        for path in catalogs
    ]
    assert outcomes.count("same") >= len(catalogs) - 1
    tracker = shared_data / gpu_tracker.MIRROR_PATH
    assert (
        _assert_same(gpu_tracker, Delivery.from_file(gpu_tracker.SOURCE, "latest", gpu_tracker.MIRROR_PATH, tracker))
        == "same"
    )


def test_streaming_reader_refuses_what_it_cannot_read_exactly(tmp_path):
    cp1252 = tmp_path / "cp1252.csv"
    cp1252.write_bytes("a,b\n1,caf\xe9\n".encode("cp1252"))
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("a,b,c\n1,2,3\n4,5\n")
    for path in (cp1252, ragged):
        with pytest.raises(NeedsCarefulParse):
            list(string_batches([path], ["a", "b", "c"][: 2 if path is cp1252 else 3]))


def test_tracker_day_slices_are_the_same_days_streamed_or_careful(tmp_path, monkeypatch):
    source = FIXTURE_MIRROR / gpu_tracker.MIRROR_PATH
    delivery = Delivery.from_file(gpu_tracker.SOURCE, "latest", gpu_tracker.MIRROR_PATH, source)
    streamed = gpu_tracker_days.day_slices(delivery, None, tmp_path / "streamed")

    def refuse(*args, **kwargs):
        raise NeedsCarefulParse("forced")

    monkeypatch.setattr(gpu_tracker_days, "_write_day_files_streamed", refuse)
    careful = gpu_tracker_days.day_slices(delivery, None, tmp_path / "careful")
    assert [s.edition for s in streamed] == [c.edition for c in careful]
    for s, c in zip(streamed, careful):
        assert_frame_equal(gpu_tracker.parse(s).rows, gpu_tracker.parse(c).rows)


def test_number_expression_follows_parse_number():
    texts = [
        "1",
        "1.",
        ".5",
        "$1,234.5",
        "83.33%",
        "US$3",
        "20,00,00,000",
        "nan",
        "",
        "  ",
        "abc",
        "1e3",
        "-2.0",
        "NaN",
        "1,2",
        " 3 ",
        "99999999",
        "+4",
        None,
        "1\u00a0000",
        "12,345,67",
        "n/a",
        "--",
    ]
    got = pl.DataFrame({"t": texts}, schema={"t": pl.Utf8}).select(number_expr(pl.col("t")).alias("n"))["n"].to_list()
    assert got == [parse_number(t) for t in texts]


def test_many_files_in_one_pass_keep_their_own_rows_and_record_numbers(monkeypatch):
    """Files streamed together give each file's careful result, tagged with its delivery, across batches."""
    monkeypatch.setattr("ingest.read.streamed.BATCH_ROWS", 3)
    paths = [BAD / "tracker" / name for name in ("duplicate_rows.csv", "zero_price.csv", "mixed_dates.csv")]
    deliveries = [Delivery.from_file(gpu_tracker.SOURCE, "latest", path.name, path) for path in paths]
    parts = list(gpu_tracker.parse_batches(deliveries))
    rows, quarantine = pl.concat([p.rows for p in parts]), pl.concat([p.quarantine for p in parts])
    for index, delivery in enumerate(deliveries):
        careful = gpu_tracker.parse(delivery)
        assert_frame_equal(rows.filter(pl.col("_delivery") == index).drop("_delivery"), careful.rows)
        assert_frame_equal(quarantine.filter(pl.col("_delivery") == index).drop("_delivery"), careful.quarantine)


def test_tracker_day_slices_for_chosen_days_keep_those_days_and_the_undated(tmp_path, monkeypatch):
    source = BAD / "tracker" / "mixed_dates.csv"
    delivery = Delivery.from_file(gpu_tracker.SOURCE, "latest", "mixed_dates.csv", source)
    every_day = gpu_tracker_days.day_slices(delivery, None, tmp_path / "all")
    dated = sorted(s.edition for s in every_day if s.edition != gpu_tracker.UNDATED)
    assert dated and gpu_tracker.UNDATED in {s.edition for s in every_day}
    chosen = gpu_tracker_days.day_slices(delivery, {dated[0], "2099-01-01"}, tmp_path / "chosen")
    assert [s.edition for s in chosen] == sorted([dated[0], gpu_tracker.UNDATED])
    by_day = {s.edition: s for s in every_day}
    for piece in chosen:  # the same records as when every day is sliced
        assert_frame_equal(gpu_tracker.parse(piece).rows, gpu_tracker.parse(by_day[piece.edition]).rows)
        assert_frame_equal(gpu_tracker.parse(piece).quarantine, gpu_tracker.parse(by_day[piece.edition]).quarantine)


def _slices_by_day(slices) -> dict[str, pl.DataFrame]:
    return {piece.edition: gpu_tracker.parse(piece).rows for piece in slices}


def test_tracker_daily_run_reads_only_what_was_appended_and_falls_back_when_the_file_changed(tmp_path):
    from datetime import date, timedelta

    from benchmarks.generate import append_tracker_days, tracker_days

    first = date(2026, 3, 1)
    path = tracker_days(tmp_path / "mirror", 10, 50, first_day=first)
    cache = tmp_path / "cache"

    def deliver():
        return Delivery.from_file(gpu_tracker.SOURCE, "latest", gpu_tracker.MIRROR_PATH, path)

    gpu_tracker_days.day_slices(deliver(), None, cache)  # a whole read remembers where the file ended
    append_tracker_days(path, first + timedelta(days=10), 1, 50)
    new_day = (first + timedelta(days=10)).isoformat()
    delivery = deliver()
    from_tail = gpu_tracker_days.day_slices(delivery, {new_day}, cache)
    # the appended part: the last day seen before (it may have grown) and the new one
    assert (gpu_tracker_days.slice_folder(delivery, cache) / "_appended.csv").stat().st_size < path.stat().st_size / 4
    whole = gpu_tracker_days.day_slices(delivery, None, tmp_path / "whole")
    assert [s.edition for s in from_tail] == [new_day]
    assert_frame_equal(_slices_by_day(from_tail)[new_day], _slices_by_day(whole)[new_day])
    assert _slices_by_day(from_tail)[new_day].height == 50

    # an older day, or a file rewritten before its old end, is read whole
    older = gpu_tracker_days.day_slices(deliver(), {first.isoformat()}, tmp_path / "older")
    assert _slices_by_day(older)[first.isoformat()].height == 50
    lines = path.read_text().splitlines(keepends=True)
    lines[-2] = lines[-2].replace(",https://", ",http://")  # a record just before the old end was rewritten
    path.write_text("".join(lines))
    append_tracker_days(path, first + timedelta(days=11), 1, 50)
    later = (first + timedelta(days=11)).isoformat()
    delivery = deliver()
    rewritten = gpu_tracker_days.day_slices(delivery, {later}, cache)
    assert not (gpu_tracker_days.slice_folder(delivery, cache) / "_appended.csv").exists()
    assert [s.edition for s in rewritten] == [later]


def test_the_tracker_days_are_found_from_the_appended_part_and_again_whole_after_a_rewrite(
    isolated_environment, monkeypatch
):
    from datetime import date, timedelta

    from benchmarks.generate import append_tracker_days, tracker_days
    from ingest.settings import load_settings

    first = date(2026, 3, 1)
    path = tracker_days(isolated_environment / "mirror", 5, 20, first_day=first)
    monkeypatch.setenv("AIMETRICS_DATA_DIR", str(isolated_environment / "mirror"))
    read = []
    dates_in = gpu_tracker_days._dates_in
    monkeypatch.setattr(gpu_tracker_days, "_dates_in", lambda p: read.append(p.name) or dates_in(p))
    days = [(first + timedelta(days=n)).isoformat() for n in range(7)]
    assert gpu_tracker_days.observation_days(load_settings()) == days[:5] and read == ["observations.csv"]
    append_tracker_days(path, first + timedelta(days=6), 1, 20)  # 7 March; 6 March has no records
    assert gpu_tracker_days.observation_days(load_settings()) == days[:5] + days[6:]
    assert read[-1] == "_dates.csv"  # only what was appended (from the last day seen before)
    path.write_text(
        "".join(line for line in path.read_text().splitlines(keepends=True) if not line.startswith(days[0]))
    )  # 1 March removed upstream: the file is read whole
    assert gpu_tracker_days.observation_days(load_settings()) == days[1:5] + days[6:]
    assert read[-1] == "observations.csv"
