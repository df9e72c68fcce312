"""The run's console: one short line per event (time, level, step, what it says), without the job name and run
id Dagster puts on every line (the summary names the run), and without stack traces."""

import logging

from orchestration.console import OneLineFormatter

RUN = "materialize_everything - 490153f6-4fa2-48df-a67e-f5441d16acf9"


def _line(message: str, level: int = logging.INFO) -> str:
    record = logging.LogRecord("dagster", level, __file__, 1, message, None, None)
    record.created = 1_700_000_000  # 22:13:20 UTC
    formatter = OneLineFormatter()
    formatter.converter = __import__("time").gmtime
    return formatter.format(record)


def test_a_step_says_what_it_did_in_one_short_line():
    assert (
        _line(f"{RUN} - raw__fx_rates - ecb_fx: 1 found, 1 loaded")
        == "22:13:20 INFO raw__fx_rates - ecb_fx: 1 found, 1 loaded"
    )


def test_a_failure_keeps_its_reason_and_loses_its_stack_trace():
    message = (
        f"{RUN} - 8677 - raw__epoch_notable_models - STEP_FAILURE - Execution of step failed.\n"
        "dagster._core.definitions.events.Failure: epoch_notable_models: cannot reach https://x\n\n"
        'Stack Trace:\n  File "x.py", line 1'
    )
    assert _line(message, logging.ERROR) == (
        "22:13:20 ERROR raw__epoch_notable_models - STEP_FAILURE - Execution of "
        "step failed. epoch_notable_models: cannot reach https://x"
    )


def test_a_line_not_from_a_run_is_left_as_it_is():
    assert _line("waiting for the warehouse") == "22:13:20 INFO waiting for the warehouse"
