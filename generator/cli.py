"""The `timeline` command: thin click wrappers around the engine-neutral core.

Exit codes: 0 everything valid, 1 problems in the data, 2 usage errors (click's default).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import Any

import click

from generator.diagnostics import OutputFormat, render

EVENTS_OPTION = click.option(
    "--events",
    "events_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("events"),
    show_default=True,
    help="The events folder (with the actors, places and tags registries).",
)


def _default_format() -> str:
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


def _parse_today(_ctx: Any, _param: Any, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("write the date as YYYY-MM-DD") from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="timeline-generator")
def main() -> None:
    """Keep a timeline of events as YAML files and publish it as a website."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@EVENTS_OPTION
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "github", "json"]),
    default=_default_format,
    help="text (default), github (workflow annotations; default under GitHub Actions), json.",
)
@click.option("--no-cache", is_flag=True, help="Validate every file again, ignoring the cache.")
@click.option("--jobs", type=click.IntRange(min=1), help="Worker processes (default: all cores).")
@click.option(
    "--today",
    callback=_parse_today,
    metavar="YYYY-MM-DD",
    help="The date that counts as today for the no-future-dates rule (default: today).",
)
def validate(
    paths: tuple[Path, ...],
    events_dir: Path,
    output: OutputFormat,
    no_cache: bool,
    jobs: int | None,
    today: dt.date | None,
) -> None:
    """Check event files and registries; print one line per problem.

    With PATHS, only problems in those files or folders are reported, but cross-file rules
    (ids, references) are still checked against the whole store.

    Example:

        timeline validate

        timeline validate events/2024/2024-11-17-us-authorises-atacms.yaml --format github
    """
    from generator.cache import default_cache_dir
    from generator.store import load_timeline

    if not events_dir.is_dir():
        raise click.UsageError(f"no events folder at {events_dir} (use --events DIR)")
    selected = [_inside(path, events_dir) for path in paths]
    report = load_timeline(
        events_dir, cache_dir=None if no_cache else default_cache_dir(), today=today, jobs=jobs
    )
    problems = report.problems
    files_checked = report.files_checked
    if selected:
        chosen = {
            display for display, path in report.file_paths.items() if _selected(path, selected)
        }
        problems = [p for p in problems if p.file in chosen]
        files_checked = len(chosen)
    click.echo(render(problems, output, files_checked))
    if any(problem.severity == "error" for problem in problems):
        sys.exit(1)


def _inside(path: Path, events_dir: Path) -> Path:
    resolved = path.resolve()
    root = events_dir.resolve()
    if resolved != root and root not in resolved.parents:
        raise click.UsageError(f"{path} is not inside the events folder {events_dir}")
    if not path.exists():
        raise click.UsageError(f"{path} does not exist")
    return resolved


def _selected(path: Path, selected: list[Path]) -> bool:
    resolved = path.resolve()
    return any(resolved == chosen or chosen in resolved.parents for chosen in selected)
