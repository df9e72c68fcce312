"""dbt's per-node console lines folded to a line per tenth, with every warning, failure and error kept whole."""

import io

from orchestration.dbt_progress import FoldedDbtOutput


def _dbt_lines(total: int = 40) -> list[str]:
    lines = ["Running with dbt=1.11.16", "Found 7 models, 9 data tests"]
    for n in range(1, total + 1):
        lines.append(f"{n} of {total} START sql table model marts.m{n} .......... [RUN]")
        status = "\x1b[31mERROR\x1b[0m" if n == 7 else "WARN 3" if n == 30 else "\x1b[32mOK\x1b[0m"
        lines.append(f"{n} of {total} {status} created sql table model marts.m{n} .......... [{status} in 0.1s]")
    return lines + [
        "Completed with 1 error, 0 partial successes, and 1 warning:",
        "Failure in model m7 (models/m7.sql)",
        "  Runtime Error in model m7",
        "  Binder Error: column x not found",
        "",
        "Done. PASS=38 WARN=1 ERROR=1 SKIP=0 NO-OP=0 TOTAL=40",
    ]


def test_the_progress_is_a_line_per_tenth_and_nothing_notable_is_lost():
    out = io.StringIO()
    folded = FoldedDbtOutput(out)
    folded.write("\n".join(_dbt_lines()) + "\n")
    shown = out.getvalue().splitlines()
    assert [line for line in shown if line.endswith(" nodes")] == [f"dbt: {n} of 40 nodes" for n in range(4, 41, 4)]
    assert "dbt: 7 of 40 ERROR created sql table model marts.m7 .......... [ERROR in 0.1s]" in shown  # colours gone
    assert "dbt: 30 of 40 WARN 3 created sql table model marts.m30 .......... [WARN 3 in 0.1s]" in shown
    assert shown[-5:] == [
        "dbt: Completed with 1 error, 0 partial successes, and 1 warning:",
        "dbt: Failure in model m7 (models/m7.sql)",
        "dbt:   Runtime Error in model m7",
        "dbt:   Binder Error: column x not found",  # what failed, whole
        "dbt: Done. PASS=38 WARN=1 ERROR=1 SKIP=0 NO-OP=0 TOTAL=40",
    ]
    assert not any("START" in line or "\x1b" in line for line in shown)
    assert len(shown) < len(_dbt_lines()) / 5
