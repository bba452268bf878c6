"""Every document of the YAML 1.2 conformance suite through the loader and event validation.

None of the 402 documents is a valid event, so each must come back as positioned problems:
never a traceback, never a hang (a per-test alarm turns a hang into a failure), never an
accepted event. The 94 documents marked `error` are invalid YAML; ruamel.yaml accepts a few of
them, which is fine as long as the event rules then refuse them.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import PurePosixPath

import pytest
from conftest import shared_data

from generator.validation import validate_file

TIMEOUT_SECONDS = 5


SUITE = shared_data("yaml-test-suite")
CASES = sorted(path.name for path in SUITE.iterdir() if (path / "in.yaml").is_file())


@pytest.fixture(autouse=True)
def _alarm() -> Iterator[None]:
    """Fail a test that runs longer than TIMEOUT_SECONDS instead of blocking the suite."""

    def expire(_signum: int, _frame: object) -> None:
        raise TimeoutError(f"still running after {TIMEOUT_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(TIMEOUT_SECONDS)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_the_whole_suite_is_there() -> None:
    assert len(CASES) == 402
    assert sum((SUITE / case / "error").exists() for case in CASES) == 94


@pytest.mark.parametrize("case", CASES)
def test_document_as_an_event(case: str) -> None:
    folder = SUITE / case
    result = validate_file(
        folder / "in.yaml",
        "events/2024/2024-01-01-case.yaml",
        PurePosixPath("2024/2024-01-01-case.yaml"),
    )
    assert result.record is None, "no suite document is a valid event"
    assert result.problems
    for problem in result.problems:
        assert problem.line >= 1
        assert problem.column >= 1
        assert problem.file == "events/2024/2024-01-01-case.yaml"
        # One line each, nothing invisible: the text output stays one problem per line.
        assert problem.as_text().isprintable(), problem.as_text()


@pytest.mark.parametrize("case", CASES)
def test_document_as_a_registry(case: str) -> None:
    """The same documents as actors.yaml: none of them is a valid registry either."""
    result = validate_file(
        SUITE / case / "in.yaml", "events/actors.yaml", PurePosixPath("actors.yaml")
    )
    assert result.role == "registry"
    assert result.problems
    for problem in result.problems:
        assert problem.line >= 1
        assert problem.column >= 1
        assert problem.as_text().isprintable(), problem.as_text()
