"""The store as the mkdocs plugin loads it: the validated timeline and its git history.

Problems go to the build log one line each; errors stop the build with the first of them and
a count of the rest (a build log is no place for thousands).
"""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

from generator.cache import default_cache_dir
from generator.diagnostics import Problem, summary
from generator.history import StoreHistory, load_history
from generator.plugin_config import TimelineConfig
from generator.plugin_support import branch_of
from generator.store import LoadReport, load_timeline

log = logging.getLogger("mkdocs.plugins.timeline")

#: Problems an invalid store lists in the build log; `timeline validate` lists them all.
MAX_LISTED_PROBLEMS = 20


def load_store(events_root: Path, options: TimelineConfig) -> LoadReport:
    """The validated store; a `PluginError` listing the errors if it has any."""
    if not events_root.is_dir():
        raise PluginError(
            f"timeline: no events folder at {events_root.absolute()} "
            f"(events_dir: {options.events_dir!r} of the timeline plugin in mkdocs.yml, "
            "relative to that file)"
        )
    report = load_timeline(
        events_root,
        cache_dir=default_cache_dir() if options.cache else None,
        jobs=options.jobs,
    )
    errors = [problem for problem in report.problems if problem.severity == "error"]
    if errors:
        raise PluginError(invalid_store(errors, report.files_checked))
    for problem in report.problems:
        log.info(problem.as_text())
    return report


def store_history(
    events_root: Path, options: TimelineConfig, config: MkDocsConfig
) -> StoreHistory | None:
    """The store's git history (one pass per build), or None with `history: false`."""
    if not options.history:
        return None
    history = load_history(
        events_root,
        repo_url=config.repo_url or None,
        branch=branch_of(config.edit_uri),
        recent=options.changes_count,
    )
    if history.note:
        log.info(f"timeline: {history.note}")
    return history


def invalid_store(errors: list[Problem], files_checked: int) -> str:
    """The first problems and a count of the rest: a build log is no place for thousands."""
    ordered = sorted(errors)
    lines = [problem.as_text() for problem in ordered[:MAX_LISTED_PROBLEMS]]
    if len(ordered) > MAX_LISTED_PROBLEMS:
        rest = len(ordered) - MAX_LISTED_PROBLEMS
        lines.append(f"… and {rest} more: run `timeline validate` to list them all")
    lines.append(summary(ordered, files_checked))
    return (
        "timeline: the events are not valid; fix these problems "
        "(or run `timeline validate`):\n" + "\n".join(lines)
    )
