"""dbt's console output folded for people: dagster-dbt writes every dbt event to standard output (two lines per
node, 640 for a cold build); this keeps a line per tenth of the nodes, every node that warned, failed or erred,
and dbt's closing summary. dbt's whole log stays in the invocation's `dbt.log` (its target folder)."""

from __future__ import annotations

import io
import re
from typing import TextIO

_NODE = re.compile(r"^\d\d:\d\d:\d\d\s+|^")
_PROGRESS = re.compile(r"^(\d+) of (\d+) (\S+)")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_KEPT = (
    "Done.",
    "Completed with",
    "Warning in",
    "Failure in",
    "Error in",
    "Got ",
    "Database Error",
    "Runtime Error",
    "Compilation Error",
)
_NOTABLE = ("WARN", "ERROR", "FAIL")


class FoldedDbtOutput(io.TextIOBase):
    def __init__(self, out: TextIO, steps: int = 10):
        self.out, self.steps, self.shown, self.pending = out, steps, 0, ""
        self.in_detail = False  # the lines after `Failure in ...` say what failed: kept to the next blank line

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.pending += text
        while "\n" in self.pending:
            line, self.pending = self.pending.split("\n", 1)
            self._line(_ANSI.sub("", line).rstrip())
        return len(text)

    def flush(self) -> None:
        self.out.flush()

    def _line(self, line: str) -> None:
        text = _NODE.sub("", line, count=1)
        if self.in_detail and text.strip() and not text.startswith("  compiled code at"):
            self.out.write(f"dbt: {text}\n")
            return
        self.in_detail = text.startswith(("Failure in", "Error in"))
        progress = _PROGRESS.match(text)
        if progress:
            done, total, status = int(progress[1]), int(progress[2]), progress[3]
            if status in _NOTABLE:
                self.out.write(f"dbt: {text}\n")
            elif status != "START" and done * self.steps // total > self.shown:
                self.shown = done * self.steps // total
                self.out.write(f"dbt: {done} of {total} nodes\n")
        elif text.startswith(_KEPT):
            self.out.write(f"dbt: {text}\n")
