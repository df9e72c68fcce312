"""Who pays, per company, on hand-written deliveries in the real formats (tests/fixtures/who_pays/ over the fixture
mirror): one lab spelled five ways across three sources is one company, a look-alike stays apart and is listed for
review, a round listed twice is one deal, a round in discussion is not money raised, and the lab's revenue, compute
spend and clusters meet it under its id, with the impossible dates left out and said why."""

import shutil

import dagster as dg
import pytest

from orchestration.run import materialize_everything, profile_lines
from tests.conftest import FIXTURE_MIRROR, FIXTURES
from warehouse.db import connect_read

# one build for the module, in one process
pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("who_pays")]

LAB = "from marts.companies where company = 'Example Lab'"


def _rows(sql: str, params=None) -> list[tuple]:
    with connect_read() as conn:
        return conn.execute(sql, params or []).fetchall()


def _scalar(sql: str, params=None):
    return _rows(sql, params)[0][0]


@pytest.fixture(scope="module")
def who_pays_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("who_pays")
    mirror = root / "mirror"
    shutil.copytree(FIXTURE_MIRROR, mirror)
    shutil.copytree(FIXTURES / "who_pays", mirror, dirs_exist_ok=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AIMETRICS_DATA_DIR", str(mirror))
        patch.setenv("AIMETRICS_DUCKDB_PATH", str(root / "warehouse.duckdb"))
        patch.setenv("AIMETRICS_INBOX_DIR", str(root / "inbox"))
        patch.setenv("AIMETRICS_CACHE_DIR", str(root / "cache"))
        summary = materialize_everything(instance=dg.DagsterInstance.ephemeral(), log_level="WARNING")
    assert summary.success and summary.checks_failed == [], (summary.failed_steps, summary.checks_failed)
    return root / "warehouse.duckdb", summary


@pytest.fixture(autouse=True)
def reading_it(monkeypatch, who_pays_build):
    monkeypatch.setenv("AIMETRICS_DUCKDB_PATH", str(who_pays_build[0]))


def test_five_spellings_across_three_sources_are_one_company():
    names = _scalar(f"select names {LAB}")
    for spelling in ("Example Lab (", "Example Lab, Inc. (", "EXAMPLE LAB LLC (", "Example Lab AI (", "Example-Lab ("):
        assert spelling in names, spelling
    assert _scalar(f"select spellings {LAB}") == 5
    lab_id = _scalar(f"select company_id {LAB}")
    assert _scalar("select count(distinct company) from marts.funding_rounds where company_id = ?", [lab_id]) == 5
    assert _rows(
        "select match_rule, count(*) from intermediate.int_company__resolved where company_id = ? group by 1 order by 1",
        [lab_id],
    ) == [
        ("same name without a generic last word (AI, Labs)", 1),
        ("same name without legal form, case and punctuation (cleanco)", 3),
        ("the company's own spelling", 5),
    ]  # per source: the own spelling in the Epoch rounds, revenue, compute spend, clusters and models


def test_a_look_alike_stays_apart_and_is_listed_for_review():
    assert _scalar("select count(*) from marts.companies where company = 'Exampla Lab'") == 1
    assert _rows(
        "select reason from marts.company_matches_to_review where decision = 'not merged: names alike' "
        "and 'Example Lab' in (company_a, company_b) and 'Exampla Lab' in (company_a, company_b)"
    ) == [("similar names (Jaro-Winkler similarity of the keys)",)]


def test_rounds_raised_valuation_and_the_rounds_still_in_discussion():
    # 0.5B + 1B (listed twice, one deal) from Epoch AI, 30M + 100M from the export, 50M + 20M from the portfolio
    assert _rows(f"select rounds, raised_usd, rounds_in_discussion, in_discussion_usd {LAB}") == [
        (6, pytest.approx(1.7e9), 1, pytest.approx(2e9))
    ]
    assert _rows(f"select latest_valuation_post_money_usd, latest_valuation_on::varchar {LAB}") == [
        (1e10, "2025-06-11")
    ]
    assert _rows(
        "select announced_on::varchar, announced_on_basis, closed_on::varchar, year, counts_as_raised, "
        "valuation_post_money_usd from marts.funding_rounds where company = 'Example Lab' and amount = 5e8"
    ) == [("2024-03-20", "Report date", "2024-03-15", 2024, True, 4e9)]
    assert _scalar("select count(*) from marts.funding_rounds where company = 'Example Lab' and amount = 1e9") == 1
    assert (
        _scalar("select source_records from marts.funding_rounds where company = 'Example Lab' and amount = 1e9") == 2
    )
    assert not _scalar("select counts_as_raised from marts.funding_rounds where status = 'Late discussions'")
    # the yearly totals leave the round in discussion out (2 billion, dated by its report in 2025)
    every_round_2025 = _scalar("select sum(amount_usd) from marts.funding_rounds where year = 2025")
    assert _scalar("select sum(amount_usd) from marts.funding_by_year where year = 2025") == pytest.approx(
        every_round_2025 - 2e9
    )


def test_revenue_compute_spend_and_clusters_under_the_company():
    assert _rows(
        f"select latest_annualized_revenue_usd, revenue_reported_for::varchar, latest_yearly_compute_spend_usd {LAB}"
    ) == [(9e8, "2025-06-30", 1.5e9)]
    assert _rows(
        "select report_date, report_date_problem from marts.company_compute_spend "
        "where spend_id = 'Example Lab 2025 cloud compute'"
    ) == [(None, "report date 0202-07-30 is before 1990, not a date of this report: left out")]
    assert _rows(f"select gpu_clusters, largest_cluster_chips {LAB}") == [(2, 100000.0)]
    assert _rows(
        "select first_operational_on, date_problem from marts.gpu_clusters where name = 'Example Lab Future'"
    ) == [(None, "an existing cluster first operational in the future (2031-07-22): left out")]
    assert "epoch_company_rounds 2024-2025" in _scalar(f"select sources_and_years {LAB}")


def test_the_run_says_where_its_seconds_went(who_pays_build):
    """`aimetrics run --profile`: every step's seconds, slowest first, dbt's start-up apart from its nodes, and dbt's
    slowest nodes by name."""
    summary = who_pays_build[1]
    steps = dict(summary.step_seconds)
    assert {"warehouse_dbt_models", "warehouse__published", "raw__funding_rounds"} <= set(steps)
    assert all(seconds >= 0 for seconds in steps.values())
    assert [s for _, s in summary.step_seconds] == sorted(steps.values(), reverse=True)
    assert steps["warehouse_dbt_models"] == max(steps.values())  # dbt is the longest step of a fixture build
    assert sum(steps.values()) <= summary.seconds
    assert len(summary.slowest_models) == 10
    assert all(
        name.split("/")[0] in {"staging", "intermediate", "marts", "reference"} for name, _ in summary.slowest_models
    )
    # dbt's step in three parts, from dbt's own node timings: they add up to the step, and each is there
    phases = summary.dbt_phases
    assert phases.nodes > 300 and phases.before > 0.3 and phases.running > 1 and phases.after >= 0
    assert phases.before + phases.running + phases.after == pytest.approx(steps["warehouse_dbt_models"], abs=0.01)
    lines = profile_lines(summary)
    assert lines[1].startswith(f"Profile: {summary.seconds:.1f} s in all")
    assert f"running {phases.nodes} nodes" in next(line for line in lines if line.startswith("dbt: "))
    assert any(line.endswith("  warehouse_dbt_models") for line in lines)
    assert "dbt's slowest 10 nodes:" in lines
