"""The bench's new day is the same day of a month whatever the date it runs on."""

from datetime import date, timedelta

import pytest

from benchmarks.generate import new_day_dates


@pytest.mark.parametrize(
    ("today", "measured"),
    [
        (date(2026, 12, 7), date(2026, 11, 30)),
        (date(2026, 3, 1), date(2026, 2, 28)),
        (date(2024, 3, 31), date(2024, 2, 29)),
    ],
)
def test_the_measured_day_is_the_last_of_last_month(today, measured):
    first, warm_up, timed = new_day_dates(30, today)
    assert timed == measured and warm_up == measured - timedelta(days=1)
    assert (warm_up - first).days == 30  # the history: 30 days before the warm-up day
