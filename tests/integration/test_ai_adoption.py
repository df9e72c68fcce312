"""The AI Index adoption figures (McKinsey's surveys) through the figure map: a `Total` band must equal the sum
of its bands, a source invariant that fails when the publisher's own rows disagree."""

import shutil

import dagster as dg
import pytest

from orchestration.run import materialize_everything
from tests.conftest import FIXTURE_MIRROR
from warehouse.db import connect_read

pytestmark = pytest.mark.integration

FIGURE = "ai_index_2025/4. Economy/Data/fig_4.4.3.csv"


def test_bands_that_do_not_add_up_fail_the_invariant_and_nothing_else(tmp_path, monkeypatch):
    mirror = tmp_path / "mirror"
    shutil.copytree(FIXTURE_MIRROR, mirror)
    # 20% + 10% + 5% of respondents in the bands, but a published total of 50%
    (mirror / FIGURE).write_text(
        (FIXTURE_MIRROR / FIGURE).read_text(encoding="utf-8").replace("Total Decrease,35%", "Total Decrease,50%"),
        encoding="utf-8",
    )
    monkeypatch.setenv("AIMETRICS_DATA_DIR", str(mirror))
    summary = materialize_everything(instance=dg.DagsterInstance.ephemeral(), log_level="ERROR")
    assert [name for name in summary.checks_failed if "adoption" in name] == [
        "marts/ai_adoption:assert_adoption_total_bands_add_up"
    ]
    with connect_read() as conn:
        # the mart itself is built, with the rows as published, and so is everything else
        assert (
            conn.execute(
                "select share_of_respondents from marts.ai_adoption where band = 'Total Decrease' "
                "and function = 'Marketing and sales'"
            ).fetchone()[0]
            == 0.5
        )
        assert conn.execute("select count(*) from marts.gpu_price_index").fetchone()[0] > 0
