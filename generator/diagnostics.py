"""Problem records and the three ways of printing them (text, GitHub annotations, JSON).

Every tool in the project reports through these records so a contributor sees the same
`file:line:col: where: what [kind]` line in a terminal, on a pull request diff and in an editor.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["error", "warning"]
OutputFormat = Literal["text", "github", "json"]

#: Longest excerpt of user input that a message may quote: messages never echo unbounded input.
MAX_ECHO = 40


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one file, at a 1-based line and column."""

    file: str
    line: int
    column: int
    where: str
    message: str
    kind: str
    severity: Severity = "error"

    def as_text(self) -> str:
        where = f"{self.where}: " if self.where else ""
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{self.file}:{self.line}:{self.column}: {prefix}{where}{self.message} [{self.kind}]"

    def as_github(self) -> str:
        """A workflow command that GitHub shows as an annotation on the diff."""
        properties = ",".join(
            f"{name}={_escape_property(value)}"
            for name, value in (
                ("file", self.file),
                ("line", str(self.line)),
                ("col", str(self.column)),
                ("title", f"timeline: {self.kind}"),
            )
        )
        where = f"{self.where}: " if self.where else ""
        return f"::{self.severity} {properties}::{_escape_data(where + self.message)}"


def echo(value: object, limit: int = MAX_ECHO) -> str:
    """Quote a piece of user input for a message: repr-escaped and cut to `limit` characters.

    repr() makes control and invisible characters visible, so a message can never carry them
    to a terminal or an annotation.
    """
    text = value if isinstance(value, str) else str(value)
    if len(text) > limit:
        return repr(text[:limit]) + f"… ({len(text)} characters)"
    return repr(text)


def _escape_data(text: str) -> str:
    # https://github.com/actions/toolkit/blob/main/packages/core/src/command.ts (escapeData)
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def summary(problems: Sequence[Problem], files_checked: int) -> str:
    """The closing line: `N problems in M of T files`, or that everything is valid."""
    errors = [p for p in problems if p.severity == "error"]
    if not errors:
        noun = "file" if files_checked == 1 else "files"
        warnings = len(problems)
        tail = f" ({warnings} warning{'s' if warnings != 1 else ''})" if warnings else ""
        return f"{files_checked} {noun} valid{tail}"
    files_with_errors = len({p.file for p in errors})
    noun = "problem" if len(errors) == 1 else "problems"
    return f"{len(errors)} {noun} in {files_with_errors} of {files_checked} files"


def render(problems: Iterable[Problem], output: OutputFormat, files_checked: int) -> str:
    """The whole report in one of the output formats, sorted by file and position."""
    ordered = sorted(problems)
    if output == "json":
        return json.dumps(
            {
                "files_checked": files_checked,
                "problems": [asdict(p) for p in ordered],
                "summary": summary(ordered, files_checked),
            },
            ensure_ascii=False,
            indent=2,
        )
    lines = [p.as_github() if output == "github" else p.as_text() for p in ordered]
    lines.append(summary(ordered, files_checked))
    return "\n".join(lines)
