"""Generated parts of the hand-written docs: derived from the code, so they cannot drift.

A page in `docs/` asks for a part with a marker on a line of its own (`<!-- timeline:fields -->`);
`fill_fragments` replaces it with Markdown built here: the annotated event template, the field
reference, examples of every kind of validation error (produced by running the real validator
on small broken files) and the command-line reference. The text comes from our own models,
docstrings and examples, never from event files; it is still escaped for the context it lands
in (HTML table cells, code fences that a backtick run could otherwise close).
"""

from __future__ import annotations

import datetime as dt
import html
import inspect
import re
import tempfile
import types
import typing
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Annotated, Any, Literal

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from generator import constraints
from generator.dates import PartialDate
from generator.diagnostics import Problem
from generator.models import REGISTRIES, Event
from generator.scaffold import annotated_template

#: The day the error examples are checked against (the no-future-dates rule needs a "today"),
#: fixed so that every build of the docs says the same.
DOCS_TODAY = dt.date(2024, 11, 25)
_MARKER = re.compile(r"^[ \t]*<!-- timeline:([a-z]+) -->[ \t]*$", re.MULTILINE)

#: How the field reference names each constraint type: (one, several).
_PHRASES: dict[str, tuple[str, str]] = {
    "Title": ("one line of plain text", "lines of plain text"),
    "PlainText": ("one line of plain text", "lines of plain text"),
    "ShortText": ("one line of plain text", "lines of plain text"),
    "LongPlainText": ("plain text, several lines allowed", "plain texts"),
    "Summary": ("Markdown subset", "Markdown texts"),
    "Body": ("Markdown subset", "Markdown texts"),
    "Slug": ("id (lower-case words joined by hyphens)", "ids"),
    "ActorId": ("actor id (events/actors.yaml)", "actor ids (events/actors.yaml)"),
    "PlaceId": ("place id (events/places.yaml)", "place ids (events/places.yaml)"),
    "TagId": ("tag id (events/tags.yaml)", "tag ids (events/tags.yaml)"),
    "SourceKey": ("source key (lower-case words joined by hyphens)", "source keys"),
    "EventId": ("event id (a file name without `.yaml`)", "event ids"),
    "HttpUrl": ("`https://` or `http://` URL", "URLs"),
    "LanguageCode": ("language tag (`en`, `uk`, `pt-BR`)", "language tags"),
    "CountryCode": ("country code (`UA`, `RU`)", "country codes"),
    "DateValue": ("date: `2024-11-17`, `2024-11` or `2024`", "dates"),
    "Number": ("number", "numbers"),
    "Latitude": ("number from -90 to 90", "latitudes"),
    "Longitude": ("number from -180 to 180", "longitudes"),
}
_TEXT_TYPES = frozenset({"Title", "PlainText", "ShortText", "LongPlainText", "Summary", "Body"})
_NAMED: list[tuple[str, Any]] = [
    (name, value)
    for name, value in vars(constraints).items()
    if typing.get_origin(value) is Annotated
]


def fill_fragments(markdown: str) -> str:
    """`markdown` with every known marker replaced by its generated Markdown.

    Each part is built only when its marker is present; unknown markers are left alone.
    """

    def replace(match: re.Match[str]) -> str:
        build = FRAGMENTS.get(match[1])
        return build() if build is not None else match[0]

    return _MARKER.sub(replace, markdown)


# --- Template ---------------------------------------------------------------------------------


def fence(text: str, info: str = "") -> str:
    """A fenced code block that no backtick run inside `text` can close."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    marks = "`" * max(3, longest + 1)
    return f"{marks}{info}\n{text.rstrip(chr(10))}\n{marks}"


def template_markdown() -> str:
    """The annotated event template of `timeline new --template`, as a YAML code block."""
    return fence(annotated_template(), "yaml")


# --- Field reference --------------------------------------------------------------------------


def documented_models() -> list[tuple[type[BaseModel], str]]:
    """Every model a contributor writes, with where it is written: the event, the models
    nested in it (in the order they first appear) and the registry entries."""
    found: list[type[BaseModel]] = []

    def visit(model: type[BaseModel]) -> None:
        if model in found:
            return
        found.append(model)
        hints = typing.get_type_hints(model, include_extras=True)
        for name in model.model_fields:
            for inner in _models_in(hints[name]):
                visit(inner)

    visit(Event)
    listed: list[tuple[type[BaseModel], str]] = [
        (model, "One file per event: `events/<YYYY>/<id>.yaml`." if model is Event else
         "Written inside an event, under the fields that link here.")
        for model in found
    ]  # fmt: skip
    for registry, model in REGISTRIES.items():
        listed.append((model, f"Each entry of `events/{registry}.yaml`, under its id."))
    return listed


def _models_in(hint: Any) -> Iterator[type[BaseModel]]:
    if isinstance(hint, type) and issubclass(hint, BaseModel):
        yield hint
    for arg in typing.get_args(hint):
        yield from _models_in(arg)


def field_reference() -> str:
    """One section per model: its docstring, then a table of field, type, required, meaning."""
    parts = []
    for model, where in documented_models():
        name = model.__name__
        hints = typing.get_type_hints(model, include_extras=True)
        doc = " ".join(inspect.cleandoc(model.__doc__ or "").split())
        rows = [
            "<tr>"
            f"<td><code>{html.escape(field)}</code></td>"
            f"<td>{_type_cell(hints[field], info)}</td>"
            f"<td>{_required_cell(info)}</td>"
            f"<td>{_prose(info.description or '')}</td>"
            "</tr>"
            for field, info in model.model_fields.items()
        ]
        parts.append(
            f"### {name} {{#{_anchor(model)}}}\n\n"
            f"<p>{_prose(doc)} <em>{_prose(where)}</em></p>\n\n"
            "<table>\n<thead><tr><th>Field</th><th>Type</th><th>Required</th>"
            "<th>Meaning</th></tr></thead>\n<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>"
        )
    return "\n\n".join(parts)


def _anchor(model: type[BaseModel]) -> str:
    return f"fields-{model.__name__.lower()}"


def _prose(text: str) -> str:
    """Docstring text as HTML: everything escaped, `code spans` kept as `<code>`."""
    pieces = " ".join(text.split()).split("`")
    if len(pieces) % 2 == 0:  # an unpaired backtick: show it as it is
        return html.escape(" ".join(text.split()))
    return "".join(
        f"<code>{html.escape(piece)}</code>" if index % 2 else html.escape(piece)
        for index, piece in enumerate(pieces)
    )


def _required_cell(info: FieldInfo) -> str:
    if info.is_required():
        return "yes"
    default = info.get_default(call_default_factory=True)
    if default is None or default in ([], {}):
        return "no"
    shown = str(default).lower() if isinstance(default, bool) else str(default)
    return f"no (default <code>{html.escape(shown)}</code>)"


def _type_cell(hint: Any, info: FieldInfo) -> str:
    """The type in words; for a list, how many items it may have (from the field's limit)."""
    text = _type_phrase(hint)
    most = _max_length(info.metadata)
    if most is not None and typing.get_origin(_optional(hint)) is list:
        text += f" (at most {most})"
    return text


def _optional(hint: Any) -> Any:
    """`X | None` → X."""
    if typing.get_origin(hint) in {typing.Union, types.UnionType}:
        rest = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        if len(rest) == 1:
            return rest[0]
    return hint


def _type_phrase(hint: Any, plural: bool = False) -> str:
    """A field's type in words, as HTML: named constraint types, lists, mappings, models."""
    hint = _optional(hint)
    origin = typing.get_origin(hint)
    if origin is Annotated:
        for name, value in _NAMED:
            if hint == value and name in _PHRASES:
                text = _prose(_PHRASES[name][plural])
                most = _max_length(hint.__metadata__)
                if most is not None and not plural and name in _TEXT_TYPES:
                    text += f" (at most {most:,} characters)"
                return text
        return _type_phrase(typing.get_args(hint)[0], plural)
    if origin is Literal:
        values = ", ".join(f"<code>{html.escape(str(v))}</code>" for v in typing.get_args(hint))
        return f"one of {values}"
    if origin is list:
        return "list of " + _type_phrase(typing.get_args(hint)[0], plural=True)
    if origin is dict:
        key, value = typing.get_args(hint)
        return f"mapping from {_type_phrase(key)} to {_type_phrase(value)}"
    if isinstance(hint, type) and issubclass(hint, BaseModel):
        link = f'<a href="#{_anchor(hint)}">{hint.__name__}</a>'
        return f"{link} mappings" if plural else link
    simple = {bool: "true or false", int: "whole number", float: "number", str: "text"}
    return simple.get(hint, html.escape(getattr(hint, "__name__", str(hint))))


def _max_length(metadata: Any) -> int | None:
    for item in metadata:
        if isinstance(item, annotated_types.MaxLen):
            return item.max_length
        if isinstance(item, FieldInfo):
            found = _max_length(item.metadata)
            if found is not None:
                return found
    return None


def documented_fields(markdown: str) -> set[tuple[str, str]]:
    """(model, field) pairs that a field reference lists, read back from its HTML."""
    found = set()
    for section in re.split(r"^### ", markdown, flags=re.MULTILINE)[1:]:
        model = section.split(maxsplit=1)[0]
        for field in re.findall(r"<tr><td><code>([^<]+)</code></td>", section):
            found.add((model, html.unescape(field)))
    return found


# --- Error examples ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ErrorExample:
    """A broken event file, the problem kind it shows, and how to fix it.

    `fixed` is `broken` with each (old, new) replacement applied: the corrected file.
    """

    kind: str
    heading: str
    file: str
    broken: str
    fix: str
    replacements: tuple[tuple[str, str], ...]

    @property
    def fixed(self) -> str:
        text = self.broken
        for old, new in self.replacements:
            text = text.replace(old, new, 1)
        return text


def _event(date: str, title: str, middle: str = "", sources: str = "") -> str:
    """A small event file; `middle` goes after the status line, `sources` replaces the default."""
    return (
        f"title: {title}\ndate: {date}\nstatus: reported\n{middle}"
        "summary: Something happened.\n"
        + (sources or "sources:\n  - publisher: Example News\n    url: https://example.org/a\n")
    )


ERROR_EXAMPLES: tuple[ErrorExample, ...] = (
    ErrorExample(
        "unknown_key", "Unknown key", "2024/2024-05-01-unknown-key.yaml",
        _event("2024-05-01", "Unknown key").replace("title:", "titel:"),
        "Spell the key as the field reference does. A misspelt required key is also missing.",
        (("titel:", "title:"),),
    ),
    ErrorExample(
        "missing_key", "Missing key", "2024/2024-05-02-missing-key.yaml",
        _event("2024-05-02", "Missing key").replace("status: reported\n", ""),
        "Add the key; the field reference marks every required one.",
        (("summary:", "status: reported\nsummary:"),),
    ),
    ErrorExample(
        "type", "Wrong type", "2024/2024-05-03-wrong-type.yaml",
        _event("2024-05-03", "Wrong type", "actors: ukraine\n"),
        "Write a list, even of one item: `[ukraine]`, or `- ukraine` on the next line.",
        (("actors: ukraine", "actors: [ukraine]"),),
    ),
    ErrorExample(
        "number", "Quoted number", "2024/2024-05-04-quoted-number.yaml",
        _event(
            "2024-05-04", "Quoted number",
            'figures:\n  - value: "12000"\n    unit: troops\n    what: troops deployed\n',
        ),
        "Numbers are written without quotes (and without thousands separators).",
        (('value: "12000"', "value: 12000"),),
    ),
    ErrorExample(
        "not_allowed", "Value not allowed", "2024/2024-05-05-not-allowed.yaml",
        _event("2024-05-05", "Value not allowed").replace("reported", "reportd"),
        "Use one of the values the message lists.",
        (("status: reportd", "status: reported"),),
    ),
    ErrorExample(
        "date", "Not a date", "2024/2024-11-17-bad-date.yaml",
        _event("17 November 2024", "Not a date"),
        "Dates are written year first: `2024-11-17`, or `2024-11` or `2024` when the sources "
        "give no more.",
        (("date: 17 November 2024", "date: 2024-11-17"),),
    ),
    ErrorExample(
        "date_range", "End before start", "2024/2024-05-06-end-before-start.yaml",
        _event("2024-05-06", "End before start").replace(
            "date: 2024-05-06", "date:\n  start: 2024-05-06\n  end: 2024-04"
        ),
        "Check both dates against the sources; `end` is the last day, month or year.",
        (("end: 2024-04", "end: 2024-06"),),
    ),
    ErrorExample(
        "url_scheme", "URL without https://", "2024/2024-05-07-url-scheme.yaml",
        _event("2024-05-07", "URL without https://").replace(
            "https://example.org/a", "www.example.org/a"
        ),
        "Copy the full address from the browser's address bar, with `https://`.",
        (("url: www.", "url: https://www."),),
    ),
    ErrorExample(
        "source_url", "Source without a link", "2024/2024-05-08-source-url.yaml",
        _event(
            "2024-05-08", "Source without a link",
            sources="sources:\n  - publisher: Ministry of Defence of Ukraine\n",
        ),
        "Give the link you read. A source known only by name (a statement, a broadcast, a print "
        "edition, a report) has no link: say which `kind` it is. Never guess a URL.",
        (("Ukraine\n", "Ukraine\n    kind: statement\n"),),
    ),
    ErrorExample(
        "raw_html", "Raw HTML in a summary", "2024/2024-05-09-raw-html.yaml",
        _event("2024-05-09", "Raw HTML in a summary").replace(
            "summary: Something happened.", "summary: Something <b>big</b> happened."
        ),
        "Use the Markdown subset instead: `*emphasis*`, `**strong**`, `[text](https://…)`.",
        (("<b>big</b>", "**big**"),),
    ),
    ErrorExample(
        "unknown_actor", "Unknown actor", "2024/2024-05-10-unknown-actor.yaml",
        _event("2024-05-10", "Unknown actor", "actors: [ukraina]\n"),
        "Use an id from `events/actors.yaml`, or add the actor there first (the same goes for "
        "places and tags).",
        (("[ukraina]", "[ukraine]"),),
    ),
    ErrorExample(
        "claimed_by", "Claim without a claimant", "2024/2024-05-11-claim.yaml",
        _event("2024-05-11", "Claim without a claimant").replace("reported", "claimed"),
        "A claim is always somebody's: name who makes it.",
        (("status: claimed\n", "status: claimed\nclaimed_by: [russia]\n"),),
    ),
    ErrorExample(
        "file_name", "File name and date differ", "2024/2024-05-12-file-name.yaml",
        _event("2024-05-13", "File name and date differ"),
        "Rename the file (its name is the event's id, so links to it change) or correct the date.",
        (("date: 2024-05-13", "date: 2024-05-12"),),
    ),
    ErrorExample(
        "duplicate_key", "Duplicate key", "2024/2024-05-14-duplicate-key.yaml",
        _event("2024-05-14", "Duplicate key") + "status: confirmed\n",
        "Keep one of the two; YAML would silently use the last.",
        (("status: confirmed\n", ""),),
    ),
    ErrorExample(
        "yaml_alias", "YAML alias", "2024/2024-05-15-alias.yaml",
        _event("2024-05-15", "YAML alias").replace(
            "summary: Something happened.", "summary: *title"
        ),
        "Write the text out in full: YAML anchors (`&name`) and aliases (`*name`) are not "
        "allowed, so every value is where it is read.",
        (("summary: *title", "summary: Something happened."),),
    ),
    ErrorExample(
        "future_date", "Date in the future", "2024/2024-11-20-future.yaml",
        _event("2024-11-20", "Date in the future").replace(
            "date: 2024-11-20", "date:\n  start: 2024-11-20\n  end: 2024-12"
        ),
        "A range that has not ended yet is `ongoing: true`. An event whose date itself lies in "
        "the future is refused the same way: record it once it has happened.",
        (("end: 2024-12", "ongoing: true"),),
    ),
)  # fmt: skip

_REGISTRY_FILES = {
    "actors.yaml": "ukraine:\n  name: Ukraine\n  kind: state\n"
    "russia:\n  name: Russia\n  kind: state\n",
    "places.yaml": "kyiv:\n  name: Kyiv\n",
    "tags.yaml": "military-aid:\n  label: Military aid\n  description: Aid given to Ukraine.\n",
}


def check_examples(fixed: bool = False) -> dict[str, list[Problem]]:
    """Run the validator on every example (broken, or `fixed`): problems by example file.

    All examples go into one temporary store, validated once in this process with no cache,
    so the whole run takes a fraction of a second. Problems name files as `events/…`.
    """
    from generator.store import load_timeline

    found: dict[str, list[Problem]] = {example.file: [] for example in ERROR_EXAMPLES}
    with tempfile.TemporaryDirectory(prefix="timeline-docs-") as folder:
        root = Path(folder) / "events"
        for name, text in _REGISTRY_FILES.items():
            _write(root / name, text)
        for example in ERROR_EXAMPLES:
            _write(root / example.file, example.fixed if fixed else example.broken)
        report = load_timeline(root, cache_dir=None, today=DOCS_TODAY, jobs=1)
        for problem in report.problems:
            path = report.file_paths.get(problem.file)
            relative = path.relative_to(root).as_posix() if path else problem.file
            shown = Problem(
                f"events/{relative}", problem.line, problem.column, problem.where,
                problem.message, problem.kind, problem.severity,
            )  # fmt: skip
            found.setdefault(relative, []).append(shown)
    return found


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def error_examples() -> str:
    """Every example: the broken file, what `timeline validate` prints for it, and the fix."""
    problems = check_examples()
    when = PartialDate(DOCS_TODAY.year, DOCS_TODAY.month, DOCS_TODAY.day).display()
    parts = [f"These examples are checked whenever the site is built, as if today were {when}."]
    for example in ERROR_EXAMPLES:
        lines = "\n".join(problem.as_text() for problem in sorted(problems[example.file]))
        parts.append(
            f"### {example.heading} {{#error-{example.kind.replace('_', '-')}}}\n\n"
            f"`events/{example.file}`:\n\n{fence(example.broken, 'yaml')}\n\n"
            f"`timeline validate` prints:\n\n{fence(lines, 'text')}\n\n"
            f"**Fix:** {example.fix}\n\n{fence(example.fixed, 'yaml')}"
        )
    return "\n\n".join(parts)


# --- Command-line reference -------------------------------------------------------------------


def cli_reference() -> str:
    """Every `timeline` command with its `--help` text, as printed at a fixed width."""
    import click

    from generator.cli import main

    # The group's settings (`-h` as well as `--help`) reach every command through the parent.
    parent = click.Context(
        main, info_name="timeline", terminal_width=76, max_content_width=76, **main.context_settings
    )
    parts = []
    for name in sorted(main.commands):
        command = main.commands[name]
        context = click.Context(command, info_name=name, parent=parent)
        summary = command.get_short_help_str(limit=200)
        parts.append(
            f"### timeline {name} {{#timeline-{name}}}\n\n{_prose(summary)}\n\n"
            + fence(command.get_help(context), "text")
        )
    return "\n\n".join(parts)


def option_reference() -> str:
    """The timeline plugin's options (`plugins: [timeline: {...}]` in mkdocs.yml) as a table,
    from its config class: each option's name, default and the docstring under it."""
    import ast

    from mkdocs.config.base import get_schema

    from generator.plugin_config import TimelineConfig

    tree = ast.parse(inspect.getsource(TimelineConfig))
    body = tree.body[0].body if isinstance(tree.body[0], ast.ClassDef) else []
    described: dict[str, str] = {}
    for statement, following in pairwise(body):
        if (
            isinstance(statement, ast.Assign)
            and isinstance(statement.targets[0], ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            described[statement.targets[0].id] = following.value.value
    rows = ["| option | default | what it does |", "| --- | --- | --- |"]
    for name, option in get_schema(TimelineConfig):
        default = option.default
        shown = (
            "none"
            if default is None
            else str(default).lower()
            if isinstance(default, bool)
            else str(default)
        )
        rows.append(f"| `{name}` | `{shown}` | {_prose(described.get(name, ''))} |")
    return "\n".join(rows)


FRAGMENTS: dict[str, Callable[[], str]] = {
    "template": template_markdown,
    "fields": field_reference,
    "errors": error_examples,
    "cli": cli_reference,
    "options": option_reference,
}
