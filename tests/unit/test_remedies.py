"""A check that holds a build back and whose dbt YAML says what fixes it (`config.meta.remedy`) is followed, in the
run summary, by what to do: an upgrade that adds a column to an incremental model says to rebuild it once."""

from orchestration.run import RunSummary, publication_line


def test_a_held_back_build_says_how_to_fix_what_held_it():
    held = "intermediate/int_gpu_offers:not_null_int_gpu_offers_offer_id"
    line = publication_line(RunSummary(run_id="r", success=True, seconds=1.0, checks_failed=[held, "raw/x:other"]))
    first, *remedies = line.splitlines()
    assert first == f"NOT PUBLISHED: no version is published yet; held back by check {held}, check raw/x:other"
    assert remedies == [
        f"  {held}: rows built before offer_id existed: rebuild them once with `aimetrics run --full-refresh`"
    ]
