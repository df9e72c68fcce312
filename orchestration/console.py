"""The console logger of every run: one line per event. A failed step says why on its line (the source, the
URL, the reason); its stack trace stays in the run's event log, where the UI shows it."""

from __future__ import annotations

import logging
import sys

import dagster as dg

from orchestration.dagster_internals import without_failure_prefix, without_job_and_run


class OneLineFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        text = without_job_and_run(without_failure_prefix(record.getMessage().split("\n\nStack Trace:")[0]))
        return f"{self.formatTime(record, '%H:%M:%S')} {record.levelname} " + " ".join(
            line.strip() for line in text.splitlines() if line.strip()
        )


@dg.logger(
    config_schema={
        "log_level": dg.Field(str, is_required=False, default_value="INFO"),
        "name": dg.Field(str, is_required=False, default_value="dagster"),
    },
    description="One line per event on standard error; stack traces only in the event log.",
)
def one_line_console(init_context: dg.InitLoggerContext) -> logging.Logger:
    config = init_context.logger_config
    console = logging.Logger(config["name"], level=config["log_level"].upper())
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(OneLineFormatter())
    console.addHandler(handler)
    return console
