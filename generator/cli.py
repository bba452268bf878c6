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
@click.option(
    "--changed-since",
    metavar="REF",
    help="Pull-request mode: check only files changed since the merge base with REF (git), "
    "plus what those changes can break.",
)
@click.option(
    "--fetch/--no-fetch",
    default=None,
    help="May --changed-since deepen a shallow clone to find the merge base "
    "(default: the TIMELINE_GIT_FETCH environment variable).",
)
def validate(
    paths: tuple[Path, ...],
    events_dir: Path,
    output: OutputFormat,
    no_cache: bool,
    jobs: int | None,
    today: dt.date | None,
    changed_since: str | None,
    fetch: bool | None,
) -> None:
    """Check event files and registries; print one line per problem.

    With PATHS, only problems in those files or folders are reported, but cross-file rules
    (ids, references) are still checked against the whole store.

    With --changed-since REF (pull-request mode), only the files changed since the merge
    base with REF are parsed, together with the files those changes can affect (files that
    mention a removed id, same-day events, part_of ancestors): seconds even for a large store.

    Example:

        timeline validate

        timeline validate events/2024/2024-11-17-us-authorises-atacms.yaml --format github

        timeline validate --changed-since origin/main --format github
    """
    from generator.cache import default_cache_dir
    from generator.store import load_timeline

    if not events_dir.is_dir():
        raise click.UsageError(f"no events folder at {events_dir} (use --events DIR)")
    if changed_since is not None and paths:
        raise click.UsageError("give either PATHS or --changed-since, not both")
    selected = [_inside(path, events_dir) for path in paths]
    cache_dir = None if no_cache else default_cache_dir()
    if changed_since is not None:
        report = _validate_changed(events_dir, changed_since, fetch, cache_dir, today, jobs)
    else:
        report = load_timeline(events_dir, cache_dir=cache_dir, today=today, jobs=jobs)
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


def _validate_changed(
    events_dir: Path,
    ref: str,
    fetch: bool | None,
    cache_dir: Path | None,
    today: dt.date | None,
    jobs: int | None,
) -> Any:
    from generator.changes import changes_since, validate_changes
    from generator.gitrepo import GitError

    try:
        changes = changes_since(ref, events_dir, fetch=fetch)
    except GitError as error:
        raise click.UsageError(str(error)) from None
    return validate_changes(events_dir, changes, cache_dir=cache_dir, today=today, jobs=jobs)


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


@main.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@EVENTS_OPTION
@click.option("--dry-run", is_flag=True, help="Check and list the files, but write nothing.")
def import_(file: Path, events_dir: Path, dry_run: bool) -> None:
    """Import events from a JSON Lines file in the neutral form (see docs/import.md).

    Every actor, place and tag name must match an id, name, native name or alias in the
    registries (case and accents ignored). Unknown names are listed with the record's line and
    a registry stub to add, and nothing is written; the import is all or nothing.

    Example:

        timeline import reported-events.jsonl --dry-run

        timeline import reported-events.jsonl --events events
    """
    from generator.files import display_path
    from generator.formatting import dump_event
    from generator.importer import plan_import, write_events

    if not events_dir.is_dir():
        raise click.UsageError(f"no events folder at {events_dir} (use --events DIR)")
    plan = plan_import(file, events_dir)
    if plan.problems:
        click.echo(render(plan.problems, "text", 1))
        click.echo(f"nothing written: fix the problems above and import {file} again", err=True)
        sys.exit(1)
    if dry_run:
        for event in plan.events:
            click.echo(f"would write {display_path(events_dir / event.relative)}")
    else:
        for path in write_events(plan, events_dir, dump_event):
            click.echo(f"wrote {display_path(path)}")
    verb = "would be imported (dry run: nothing written)" if dry_run else "imported"
    click.echo(f"{len(plan.events)} events {verb} from {display_path(file)}")


@main.command("fmt")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@EVENTS_OPTION
@click.option(
    "--check", is_flag=True, help="Change nothing; exit 1 if a file would be reformatted."
)
def fmt(paths: tuple[Path, ...], events_dir: Path, check: bool) -> None:
    """Rewrite event and registry files in the canonical layout, keeping comments.

    Keys follow the models' order, registry ids are sorted, the editor modeline comes first.
    Values, quotes and comments are kept; a file the safe loader rejects is reported and left
    alone. With PATHS, only those files or folders (inside the events folder) are formatted.

    Example:

        timeline fmt

        timeline fmt --check events/2024
    """
    from pathlib import PurePosixPath

    from generator.files import discover
    from generator.formatting import format_file, write_atomically
    from generator.validation import role_of

    if not events_dir.is_dir():
        raise click.UsageError(f"no events folder at {events_dir} (use --events DIR)")
    selected = [_inside(path, events_dir) for path in paths]
    found, problems = discover(events_dir)
    top = PurePosixPath(events_dir.resolve().name)
    changed, unchanged = 0, 0
    for item in found:
        if (selected and not _selected(item.path, selected)) or role_of(item.relative)[0] == (
            "ignored"
        ):
            continue
        result = format_file(item.path, item.display, top / item.relative)
        problems.extend(result.problems)
        if result.after is None:
            continue
        if not result.changed:
            unchanged += 1
            continue
        changed += 1
        if check:
            click.echo(f"would reformat {item.display}")
            click.echo(_diff_hint(result.before, result.after, item.display))
        else:
            write_atomically(item.path, result.after)
            click.echo(f"reformatted {item.display}")
    for problem in sorted(problems):
        click.echo(problem.as_text())
    verb = "would be reformatted" if check else "reformatted"
    tail = f", {len({p.file for p in problems})} skipped with problems" if problems else ""
    click.echo(
        f"{changed} {'file' if changed == 1 else 'files'} {verb}, {unchanged} unchanged{tail}"
    )
    if problems or (check and changed):
        sys.exit(1)


def _diff_hint(before: str, after: str, display: str, limit: int = 12) -> str:
    import difflib

    lines = list(
        difflib.unified_diff(
            before.splitlines(),
            after.splitlines(),
            display,
            f"{display} (formatted)",
            n=1,
            lineterm="",
        )
    )
    shown = [f"    {line}" for line in lines[:limit]]
    if len(lines) > limit:
        shown.append(f"    … {len(lines) - limit} more diff lines (run `timeline fmt` to apply)")
    return "\n".join(shown)


@main.command("schema")
@click.option(
    "--kind",
    type=click.Choice(["event", "actors", "places", "tags"]),
    default="event",
    show_default=True,
    help="Which file's schema to print.",
)
@click.option(
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the schema to FILE instead of printing it.",
)
@click.option(
    "--write",
    "write_all",
    is_flag=True,
    help="Write all four schemas into the schema folder (see --schema-dir).",
)
@click.option(
    "--schema-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("schema"),
    show_default=True,
    help="Where --write puts the files.",
)
def schema(kind: str, output: Path | None, write_all: bool, schema_dir: Path) -> None:
    """Print or write the JSON Schema of event and registry files, derived from the models.

    Editors pick the schemas up through the modeline at the top of every file; run
    `timeline schema --write` after changing generator/models.py and commit schema/.

    Example:

        timeline schema --kind actors

        timeline schema --write
    """
    from generator.schema import schema_text, write_schemas

    if write_all:
        if output is not None:
            raise click.UsageError("give either --write or --output, not both")
        changed = write_schemas(schema_dir)
        for path in changed:
            click.echo(f"wrote {path}")
        click.echo(f"{len(changed)} of 4 schema files changed in {schema_dir}")
        return
    text = schema_text(kind)  # type: ignore[arg-type]
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}")


def _stdin_is_tty() -> bool:
    """Prompting needs a person at a terminal; pipes and CI get an error instead."""
    return sys.stdin.isatty()


@main.command("new")
@click.option("--date", "date_text", metavar="YYYY[-MM[-DD]]", help="When it happened.")
@click.option("--title", help="What happened, in one line.")
@click.option(
    "--status",
    type=click.Choice(["confirmed", "reported", "claimed", "disputed", "denied"]),
    help="How established it is.",
)
@click.option("--claimed-by", multiple=True, help="Actor id making the claim (repeatable).")
@click.option("--actor", "actors", multiple=True, help="Actor id (repeatable).")
@click.option("--place", "places", multiple=True, help="Place id (repeatable).")
@click.option("--tag", "tags", multiple=True, help="Tag id (repeatable).")
@click.option("--summary", help="A few sentences of Markdown.")
@click.option("--publisher", help="Who published the source.")
@click.option("--url", help="The source's link (never invent one).")
@click.option(
    "--source-kind",
    type=click.Choice(
        [
            "article",
            "report",
            "statement",
            "broadcast",
            "print",
            "social_media",
            "document",
            "dataset",
        ]
    ),
    default="article",
    show_default=True,
    help="Kind of source; report, statement, broadcast, print and document need no --url.",
)
@EVENTS_OPTION
@click.option("--no-input", is_flag=True, help="Never prompt: fail when something is missing.")
@click.option("--template", is_flag=True, help="Print the annotated template and exit.")
def new(
    date_text: str | None,
    title: str | None,
    status: str | None,
    claimed_by: tuple[str, ...],
    actors: tuple[str, ...],
    places: tuple[str, ...],
    tags: tuple[str, ...],
    summary: str | None,
    publisher: str | None,
    url: str | None,
    source_kind: str,
    events_dir: Path,
    no_input: bool,
    template: bool,
) -> None:
    """Create an event file from the annotated template, asking for what is missing.

    The file is written to events/<YYYY>/<date>-<slug-of-the-title>.yaml with every optional
    field as a commented-out example; an existing file is never overwritten.

    Example:

    \b
        timeline new --date 2024-11-17 --title "US allows ATACMS strikes into Russia" \\
            --status reported --actor united-states --actor ukraine \\
            --summary "The United States allowed Ukraine to ..." \\
            --publisher Reuters --url "<the article's URL>"

        timeline new --template
    """
    from generator.files import display_path
    from generator.formatting import write_atomically
    from generator.models import SOURCE_KINDS_WITHOUT_URL
    from generator.scaffold import annotated_template, build_event, check_event
    from generator.slugs import slugify

    if template:
        click.echo(annotated_template(), nl=False)
        return
    ask = not no_input and _stdin_is_tty()
    needs_url = source_kind not in SOURCE_KINDS_WITHOUT_URL
    wanted = {
        "date": date_text,
        "title": title,
        "status": status,
        "summary": summary,
        "publisher": publisher,
        "url": url if needs_url else "-",
    }
    missing = [name for name, value in wanted.items() if not value]
    if missing and not ask:
        options = ", ".join(f"--{name}" for name in missing)
        hint = (
            " (or --source-kind statement for a source without a link)" if "url" in missing else ""
        )
        raise click.UsageError(f"missing {options}{hint}; run in a terminal to be asked")
    date_text = date_text or click.prompt("Date (YYYY-MM-DD, YYYY-MM or YYYY)")
    title = title or click.prompt("Title (one line)")
    status = status or click.prompt(
        "Status",
        type=click.Choice(["confirmed", "reported", "claimed", "disputed", "denied"]),
        default="reported",
    )
    summary = summary or click.prompt("Summary (a few sentences)")
    publisher = publisher or click.prompt("Source publisher")
    if needs_url and not url:
        url = click.prompt("Source URL (copy it from the article; never invent one)")
    data, problem = build_event(
        date_text=date_text,
        title=title,
        status=status,
        claimed_by=list(claimed_by),
        actors=list(actors),
        places=list(places),
        tags=list(tags),
        summary=summary,
        source={"publisher": publisher, "url": url, "kind": source_kind},
    )
    if problem:
        raise click.UsageError(problem)
    event_id = f"{data['date']}-{slugify(title)}"
    path = events_dir / str(data["date"])[:4] / f"{event_id}.yaml"
    text = annotated_template(data)
    problems = check_event(text, display_path(path))
    if problems:
        for line in problems:
            click.echo(line)
        click.echo("nothing written: fix the values above", err=True)
        sys.exit(1)
    if path.exists():
        raise click.ClickException(f"{display_path(path)} already exists; edit it instead")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        write_atomically(path, text, overwrite=False)
    except FileExistsError:
        raise click.ClickException(
            f"{display_path(path)} already exists; edit it instead"
        ) from None
    click.echo(f"created {display_path(path)}")
    for warning in _unknown_ids(events_dir, data):
        click.echo(f"warning: {warning}")
    click.echo("next: fill in the details, then run `timeline fmt` and `timeline validate`")


def _unknown_ids(events_dir: Path, data: dict[str, Any]) -> list[str]:
    """Ids the registries do not know yet: a hint, since `validate` will insist."""
    from pathlib import PurePosixPath

    from generator.validation import validate_file

    warnings = []
    for registry, fields in (
        ("actors", ("actors", "claimed_by")),
        ("places", ("places",)),
        ("tags", ("tags",)),
    ):
        path = events_dir / f"{registry}.yaml"
        known = (
            set(validate_file(path, str(path), PurePosixPath(path.name)).registry_ids)
            if path.is_file()
            else set()
        )
        for name in fields:
            for value in data.get(name, []):
                if value not in known:
                    warnings.append(f"'{value}' is not in {registry}.yaml yet: add it there")
    return warnings


@main.command("diff")
@click.argument("ref")
@EVENTS_OPTION
@click.option(
    "--format",
    "output",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
    help="text for a terminal, markdown for a pull-request comment or job summary, json.",
)
def diff_command(ref: str, events_dir: Path, output: str) -> None:
    """Summarise what changed in the events since the git revision REF, in event terms.

    Lists events added, removed, renamed and changed (field by field: "status: reported →
    confirmed", "figures[0].value: 3 → 12", a source removed) and registry entries added,
    removed or changed. REF is read from git without touching the work tree; the work tree
    (including uncommitted files) is the "after" side. Always exits 0 on a comparison.

    Example:

        timeline diff origin/main

        timeline diff origin/main --format markdown >> "$GITHUB_STEP_SUMMARY"
    """
    from typing import cast

    from generator import gitrepo
    from generator.eventdiff import DiffFormat, diff_timelines
    from generator.eventdiff import render as render_diff

    if not events_dir.is_dir():
        raise click.UsageError(f"no events folder at {events_dir} (use --events DIR)")
    try:
        before, after, notes = _timelines_to_compare(ref, events_dir)
    except gitrepo.GitError as error:
        raise click.UsageError(str(error)) from None
    text = render_diff(diff_timelines(before, after), cast("DiffFormat", output), ref, notes)
    click.echo(text, nl=output != "markdown")


def _timelines_to_compare(ref: str, events_dir: Path) -> tuple[Any, Any, list[str]]:
    """The events of the files that differ, at REF and now, with the registries of both.

    Files with the same bytes hold the same events, so only the differing files (and the
    registries) are read at REF and validated, without a cache: on a 10,000-event store a
    one-event change costs about as much as `timeline validate` with a warm cache.
    """
    import tempfile
    from pathlib import PurePosixPath

    from generator import gitrepo
    from generator.models import REGISTRIES
    from generator.store import Timeline, load_timeline

    differing = gitrepo.differing_files(ref, events_dir)
    registries = {PurePosixPath(f"{name}.{ext}") for name in REGISTRIES for ext in ("yaml", "yml")}
    notes: list[str] = []
    with tempfile.TemporaryDirectory(prefix="timeline-diff-") as folder:
        root = Path(folder) / "events"
        root.mkdir()
        exported = gitrepo.export_tree(ref, events_dir, root, differing | registries)
        # No cache: the copy is temporary, and its records keep their data in memory.
        before = load_timeline(root, cache_dir=None)
        written = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    if not exported:
        notes.append(f"there was no events folder at {ref}: everything counts as added")
    invalid = len(written - {f"{name}.{ext}" for name in REGISTRIES for ext in ("yaml", "yml")})
    invalid -= len(before.timeline.records)
    if invalid > 0:
        were = "file was" if invalid == 1 else "files were"
        notes.append(f"{invalid} changed {were} not valid at {ref}: left out")
    after = load_timeline(events_dir)
    if not after.ok:
        count = sum(problem.severity == "error" for problem in after.problems)
        notes.append(
            f"{count} validation problem{'s' if count != 1 else ''} in the working tree: "
            "invalid files are left out of this comparison (run `timeline validate`)"
        )
    top = events_dir.resolve()
    changed_now = [
        record
        for record in after.timeline.records
        if PurePosixPath(after.file_paths[record.file].resolve().relative_to(top).as_posix())
        in differing
    ]
    now = Timeline(after.timeline.root, changed_now, after.timeline.registry_data)
    return before.timeline, now, notes


@main.command("check-links")
@EVENTS_OPTION
@click.option(
    "--concurrency",
    type=click.IntRange(1, 64),
    default=8,
    show_default=True,
    help="Links checked at the same time.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=10.0,
    show_default=True,
    help="Seconds to wait for each request.",
)
@click.option(
    "--max-time",
    type=click.FloatRange(min=0.1),
    default=900.0,
    show_default=True,
    help="Seconds for the whole check; links not reached by then are listed as not checked.",
)
@click.option(
    "--report",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also write the Markdown report to this file.",
)
@click.option("--strict", is_flag=True, help="Exit 1 when a link is dead or unreachable.")
@click.option(
    "--allow-private",
    is_flag=True,
    help="Also check hosts with private or loopback addresses (skipped by default).",
)
def check_links(
    events_dir: Path,
    concurrency: int,
    timeout: float,
    max_time: float,
    report: Path | None,
    strict: bool,
    allow_private: bool,
) -> None:
    """Check every source url and archive_url; print a Markdown report of the broken ones.

    Each link gets a HEAD request (GET when HEAD fails), redirects are followed by hand, and
    the report lists dead, unreachable, refused and redirected links with the events citing
    them. Dead links are a report, not a failure: the exit status is 0 unless --strict.

    Example:

        timeline check-links --report link-report.md

        timeline check-links --concurrency 4 --timeout 5 --strict
    """
    from generator.linkcheck import check_links as run_checks
    from generator.linkcheck import collect_links, failed, render_report
    from generator.store import load_timeline

    if not events_dir.is_dir():
        raise click.UsageError(f"no events folder at {events_dir} (use --events DIR)")
    loaded = load_timeline(events_dir)
    notes = []
    if not loaded.ok:
        notes.append("Files with validation problems were left out: run timeline validate.")
    uses = collect_links(loaded.timeline)
    results = run_checks(
        uses,
        concurrency=concurrency,
        timeout=timeout,
        max_time=max_time,
        allow_private=allow_private,
    )
    text = render_report(results, uses, notes)
    if report is not None:
        report.write_text(text, encoding="utf-8")
    click.echo(text, nl=False)
    if strict and failed(results):
        sys.exit(1)


@main.command("export")
@EVENTS_OPTION
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("export"),
    show_default=True,
    help="Folder to write the files into (created if missing).",
)
@click.option(
    "--format",
    "export_format",
    type=click.Choice(["json", "csv", "sqlite", "ics", "all"]),
    default="all",
    show_default=True,
    help="json (with its JSON Schema), csv, sqlite, ics (iCalendar), or all of them.",
)
@click.option(
    "--generated-at",
    metavar="ISO-TIME",
    help="Generation time written into the files (default: SOURCE_DATE_EPOCH, else now).",
)
@click.option(
    "--site-url",
    metavar="URL",
    help="The site's address, for absolute event links (default: links relative to the site).",
)
def export_command(
    events_dir: Path,
    out_dir: Path,
    export_format: str,
    generated_at: str | None,
    site_url: str | None,
) -> None:
    """Write the timeline as JSON, CSV, SQLite and iCalendar files (see docs/data.md).

    The store is validated first: if it has problems they are printed and nothing is
    written. The generation time is the only value that differs between two exports of the
    same store; pin it with --generated-at or SOURCE_DATE_EPOCH for identical files.

    Example:

        timeline export

        timeline export --format sqlite --out dist --generated-at 2024-11-25T00:00:00Z
    """
    from generator.cache import default_cache_dir
    from generator.exports import FORMATS, ExportContext, write_exports
    from generator.exports.context import resolve_generated_at
    from generator.store import load_timeline
    from generator.text import url_problem

    if not events_dir.is_dir():
        raise click.UsageError(f"no events folder at {events_dir} (use --events DIR)")
    if site_url is not None and url_problem(site_url) is not None:
        raise click.BadParameter("must be an http:// or https:// address", param_hint="--site-url")
    try:
        moment = resolve_generated_at(generated_at)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--generated-at") from None
    report = load_timeline(events_dir, cache_dir=default_cache_dir())
    if not report.ok:
        click.echo(render(report.problems, "text", report.files_checked), err=True)
        click.echo("nothing exported: fix these problems first (timeline validate)", err=True)
        sys.exit(1)
    chosen = FORMATS if export_format == "all" else [f for f in FORMATS if f == export_format]
    context = ExportContext(moment, site_url)
    for path in write_exports(report.timeline, out_dir, context, chosen):
        click.echo(f"wrote {path}")


CONFIG_OPTION = click.option(
    "--config-file",
    "-f",
    "config_file",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    default=Path("mkdocs.yml"),
    show_default=True,
    help="The site configuration.",
)


def _mkdocs(*arguments: str) -> None:
    """Run mkdocs with the project's configuration and exit with its status.

    mkdocs' own command line sets up its logging, colours and the strict-mode warning count,
    so the project's commands call it rather than re-creating it.
    """
    import subprocess

    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    completed = subprocess.run([sys.executable, "-m", "mkdocs", *arguments], env=environment)
    if completed.returncode:
        sys.exit(completed.returncode)


@main.command("build")
@CONFIG_OPTION
@click.option("--strict", is_flag=True, help="Fail on any warning (what CI runs).")
@click.option(
    "--site-dir",
    "-d",
    type=click.Path(path_type=Path, file_okay=False),
    help="Where to write the site (default: site/, from mkdocs.yml).",
)
def build(config_file: Path, strict: bool, site_dir: Path | None) -> None:
    """Build the website from events/ and docs/ (mkdocs build with the project's config).

    The events are validated first; the build stops with the list of problems if any.
    The site is written to a temporary folder beside the site folder and replaces it only
    when the build succeeded: a failed or interrupted build leaves the previous site as it
    was. A failure (invalid events, a missing events folder, a read-only or full disk) is
    reported in one line and exits with status 1.

    Example:

        timeline build --strict

        timeline build --site-dir public
    """
    arguments = ["build", "--config-file", str(config_file)]
    if strict:
        arguments.append("--strict")
    if site_dir is not None:
        arguments += ["--site-dir", str(site_dir)]
    _mkdocs_build(arguments)


def _mkdocs_build(arguments: list[str]) -> None:
    """`_mkdocs`, with one line instead of a traceback or a bare status when it is stopped."""
    import signal
    import subprocess

    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    unchanged = "the site was left as it was"
    try:
        completed = subprocess.run([sys.executable, "-m", "mkdocs", *arguments], env=environment)
    except KeyboardInterrupt:
        raise click.ClickException(f"the build was interrupted; {unchanged}") from None
    if completed.returncode < 0:
        number = -completed.returncode
        name = signal.Signals(number).name if number in signal.valid_signals() else str(number)
        raise click.ClickException(f"the build was stopped by {name}; {unchanged}")
    if completed.returncode:
        sys.exit(completed.returncode)


@main.command("serve")
@CONFIG_OPTION
@click.option(
    "--dev-addr",
    "-a",
    metavar="IP:PORT",
    default="127.0.0.1:8000",
    show_default=True,
    help="Where to serve the site.",
)
@click.option("--strict", is_flag=True, help="Fail on any warning.")
def serve(config_file: Path, dev_addr: str, strict: bool) -> None:
    """Preview the website, rebuilding when an event, a page or the config changes.

    After an edit of an event only the pages that show it are rendered again (its page, its
    neighbours and related events, its periods, actors, places and tags, the home page); the
    data downloads follow a few seconds later. Editing anything else renders every page.

    Example:

        timeline serve

        timeline serve --dev-addr 0.0.0.0:8080
    """
    # --dirty: mkdocs renders only what `is_modified()`; the timeline plugin decides what that
    # is (generator/plugin_serve.py), so these builds are as complete as a clean one.
    arguments = ["serve", "--dirty", "--config-file", str(config_file), "--dev-addr", dev_addr]
    if strict:
        arguments.append("--strict")
    _mkdocs(*arguments)
