"""Deals the first corpus did not have, through the whole graph: companies named only in Hangul or CJK, a
rouble round of 2024 (the ECB stopped publishing the rouble in March 2022), a line repeated in an export."""

import shutil

import dagster as dg
import pytest

from orchestration.run import format_summary, materialize_everything
from tests.conftest import FIXTURE_MIRROR, FIXTURES
from tests.integration.warehouse_queries import krw_per_usd
from warehouse.db import connect_read

pytestmark = pytest.mark.integration


def test_scripts_stale_rates_and_repeated_lines(tmp_path, monkeypatch):
    mirror = tmp_path / "mirror"
    shutil.copytree(FIXTURE_MIRROR, mirror)
    shutil.copytree(FIXTURES / "unseen", mirror, dirs_exist_ok=True)
    monkeypatch.setenv("AIMETRICS_DATA_DIR", str(mirror))
    summary = materialize_everything(instance=dg.DagsterInstance.ephemeral(), log_level="ERROR")
    assert summary.success and summary.checks_failed == [], (summary.failed_steps, summary.checks_failed)
    with connect_read() as conn:

        def one(sql):
            return conn.execute(sql).fetchall()

        # two companies written only in Hangul and in Chinese, the same day: two deals, not one
        assert sorted(one("select company, currency from marts.funding_rounds where announced_on = '2024-03-04'")) == [
            ("深度智能", "CNY"),
            ("심층학습", "KRW"),
        ]
        assert one("select amount_krw from marts.funding_rounds where company = '심층학습'") == [(3e9,)]
        # a 2024 rouble round: not converted at the last rate of 2022, and the row says why
        assert one(
            "select amount_usd, amount_krw, fx_rate_date from marts.funding_rounds where company = 'Moscow AI'"
        ) == [(None, None, None)]
        note = one("select fx_note from marts.funding_rounds where company = 'Moscow AI'")[0][0]
        assert note.startswith("no ECB rate for RUB near 2024-06-03 (the last is of 2022-")
        # the repeated line: one deal, the copy quarantined with its reason
        assert one("select count(*), sum(amount_usd) from marts.funding_rounds where company = 'Twice Co'") == [
            (1, 5e6)
        ]
        assert one("select reason from raw.quarantine where record like '%Twice Co%'") == [("duplicate of record 4",)]
        # implausible amounts (9e15 USD; 1.3e19 KRW, about 1e16 USD): the rounds stay, without a USD or KRW amount,
        # listed with the reason; a large but possible one (900 billion USD) is kept as it is
        assert sorted(
            one(
                "select company, amount_usd, amount_krw from marts.funding_rounds where company in "
                "('Typo Capital', 'Won Units AI', 'Big But Real AI')"
            )
        ) == [
            ("Big But Real AI", 9e11, pytest.approx(9e11 * krw_per_usd("2024-05-08"))),
            ("Typo Capital", None, None),
            ("Won Units AI", None, None),
        ]
        anomalies = dict(one("select company, reason from marts.funding_round_anomalies"))
        assert set(anomalies) == {"Typo Capital", "Won Units AI"}
        assert anomalies["Typo Capital"].startswith("USD 9e+15 is above the plausible maximum of one round (1e+12 USD)")
        assert one("select count(*) from marts.funding_by_year where amount_usd > 1e12") == [(0,)]
        assert "marts/funding_round_anomalies:no_implausible_funding_amounts" in summary.checks_warned
        # a new edition whose figures the map does not know: listed, warned and named in the summary, not silent
        assert one(
            "select figure_id, cells, edition_unmapped from marts.unmapped_ai_index_figures where edition = 2030 "
            "order by figure_id"
        ) == [("fig_4.1.1", 4, True), ("fig_4.1.2", 6, True)]
        assert one(
            "select count(*) from marts.unmapped_ai_index_figures where edition <> 2030 and edition_unmapped"
        ) == [(0,)]
    assert "marts/unmapped_ai_index_figures:every_loaded_edition_is_mapped" in summary.checks_warned
    assert (
        "edition 2030: 2 figures loaded, none in the map -> add rows to dbt_project/seeds/ai_index_figure_map.csv"
        in format_summary(summary)
    )
