"""Where changed files are validated (workers.py): the same results wherever it happens.

The forked child is used only by a process without other threads, and pytest-xdist's workers
run some: these tests run the store in a fresh interpreter.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXED_TODAY

from generator.store import load_timeline

#: Runs in a fresh interpreter; {setup} may replace parts of workers.py first.
SCRIPT = """
import json, os, sys, threading
from pathlib import Path
import datetime as dt
import generator.workers as workers
workers.OVERLAP_THRESHOLD = 0  # the fixture store is small: use the child anyway
{setup}
from generator.store import load_timeline
report = load_timeline(Path({store!r}), today=dt.date.fromisoformat({today!r}), jobs=2)
print(json.dumps({{
    "problems": sorted(p.as_text() for p in report.problems),
    "ids": [r.id for r in report.timeline.records],
    "validated_here": "generator.validation" in sys.modules,
}}))
"""


def _run(store: Path, setup: str = "") -> dict:
    code = SCRIPT.format(setup=setup, store=str(store), today=FIXED_TODAY.isoformat())
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def _expected(store: Path) -> dict:
    report = load_timeline(store, cache_dir=None, today=FIXED_TODAY, jobs=1)
    return {
        "problems": sorted(p.as_text() for p in report.problems),
        "ids": [r.id for r in report.timeline.records],
    }


def _break_one_file(store: Path) -> None:
    path = store / "2024" / "2024-11-18-putin-warns-nato.yaml"
    path.write_text(path.read_text().replace("status: confirmed", "status: confirmd"))


def test_a_changed_file_is_validated_in_a_child_while_the_cache_is_read(store: Path) -> None:
    load_timeline(store, today=FIXED_TODAY, jobs=1)  # fill the cache
    _break_one_file(store)
    seen = _run(store)
    assert seen.pop("validated_here") is False  # the child imported the validator, not us
    assert seen == _expected(store)
    assert [p.split(" [")[-1] for p in seen["problems"]] == ["not_allowed]"]
    # The parent cached what the child found: the next run validates nothing.
    again = _run(store)
    assert again.pop("validated_here") is False
    assert again == seen


@pytest.mark.parametrize(
    "child",
    [
        "raise RuntimeError('boom')",
        "os.write(fd, b'not json'); os.close(fd)",
        "os.write(fd, b'[]'); os.close(fd)",
        "os._exit(0)",
    ],
    ids=["raises", "garbage", "too-few-results", "exits-silently"],
)
def test_a_failing_child_is_replaced_by_validating_here(store: Path, child: str) -> None:
    load_timeline(store, today=FIXED_TODAY, jobs=1)
    _break_one_file(store)
    setup = f"def broken(items, fd):\n    {child}\nworkers._send_results = broken"
    seen = _run(store, setup)
    assert seen.pop("validated_here") is True
    assert seen == _expected(store)


def test_no_child_is_forked_while_another_thread_runs(store: Path) -> None:
    """fork() in a threaded process (mkdocs serve) can deadlock the child."""
    load_timeline(store, today=FIXED_TODAY, jobs=1)
    _break_one_file(store)
    setup = (
        "stop = threading.Event()\n"
        "threading.Thread(target=stop.wait, daemon=True).start()\n"
        "os.fork = None  # would fail loudly if called"
    )
    seen = _run(store, setup)
    assert seen.pop("validated_here") is True
    assert seen == _expected(store)
