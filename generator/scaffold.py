"""New event files from an annotated template generated from the models (`timeline new`).

The template lists every field of `Event` with its docstring as a comment, and for nested
models (dates, figures, quotes, sources, related events, origin) the fields they take. Required
fields are filled in; optional ones are commented-out examples, so a contributor uncomments what
they need instead of looking up key names. Because it is generated, a field added to the models
appears here (and a test fails until it has an example).
"""

from __future__ import annotations

import textwrap
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from generator.dates import PartialDate
from generator.formatting import emit, styled
from generator.loader import load_bytes
from generator.models import Event, EventDate, Figure, Origin, Quote, Relation, Source
from generator.schema import event_shape, modeline_for
from generator.validation import problems_from_error

_WRAP = 96

#: One illustrative value for every field of Event: the template's commented-out examples.
#: (The URLs use example.org, the domain reserved for documentation: replace them.)
EXAMPLE_EVENT: dict[str, Any] = {
    "title": "US allows Ukraine to strike targets inside Russia with ATACMS missiles",
    "date": "2024-11-17",
    "dates": {"effective": "2024-11-18"},
    "status": "reported",
    "claimed_by": ["united-states"],
    "summary": "The United States allowed Ukraine to use long-range *ATACMS* missiles against "
    "targets inside Russia, according to officials quoted by several outlets.",
    "body": "A longer account in the same Markdown subset: paragraphs, *emphasis*, lists and "
    "[links](https://example.org/replace-me).",
    "actors": ["united-states", "ukraine"],
    "places": ["kursk-oblast"],
    "tags": ["long-range-strikes"],
    "figures": [
        {
            "value": 12000,
            "unit": "troops",
            "what": "North Korean troops deployed to Russia",
            "qualifier": "estimated",
            "source": "first",
        }
    ],
    "quotes": [
        {
            "text": "The words exactly as they were said, in their language.",
            "speaker": "olaf-scholz",
            "language": "en",
            "context": "at the G20 summit in Rio de Janeiro",
            "source": "first",
        }
    ],
    "sources": [
        {
            "id": "first",
            "publisher": "Reuters",
            "title": "The headline as published",
            "url": "https://example.org/replace-with-the-article-url",
            "date": "2024-11-17",
        }
    ],
    "related": [{"event": "2024-11-19-russia-changes-nuclear-doctrine", "relation": "responds_to"}],
    "origin": {"publisher": "Name of the collection", "via": "how the entry reached us"},
}

_NESTED: dict[str, tuple[type[BaseModel], str]] = {
    "date": (EventDate, "Or in full, as a mapping of:"),
    "dates": (EventDate, "Each date is plain (2024-11-17) or a mapping of:"),
    "figures": (Figure, "Each entry takes:"),
    "quotes": (Quote, "Each entry takes:"),
    "sources": (Source, "Each entry takes:"),
    "related": (Relation, "Each entry takes:"),
    "origin": (Origin, "It takes:"),
}


def annotated_template(values: dict[str, Any] | None = None) -> str:
    """The annotated event file: `values` are written out, the other fields commented out.

    Without `values`, the required fields take their examples from `EXAMPLE_EVENT`; this is
    the template that `timeline new --template` prints and the contributing guide shows.
    """
    if values is None:
        values = {
            name: EXAMPLE_EVENT[name]
            for name, info in Event.model_fields.items()
            if info.is_required()
        }
    blocks = [
        modeline_for("events/0000/event.yaml")
        + "\n"
        + _comment(
            "An event file: one development in the story. Required keys are filled in; "
            "for an optional key, remove the '# ' in front of its lines. "
            "Check with `timeline fmt` and `timeline validate`."
        )
        + "\n"
    ]
    for name, info in Event.model_fields.items():
        blocks.append(_field_block(name, info, values))
    return "\n".join(blocks)


def _field_block(name: str, info: FieldInfo, values: dict[str, Any]) -> str:
    required = " (required)" if info.is_required() else ""
    lines = [_comment(f"{name}{required}: {_describe(info)}")]
    if name in _NESTED:
        model, lead = _NESTED[name]
        lines.append(_comment(lead))
        for inner, inner_info in model.model_fields.items():
            mark = " (required)" if inner_info.is_required() else ""
            text = f"{inner}{mark}: {_describe(inner_info)}".rstrip(": ")
            lines.append(_comment(text, first="#   ", indent="#       "))
    fragment = emit(styled({name: values.get(name, EXAMPLE_EVENT[name])}, event_shape()))
    if name in values:
        lines.append(fragment.rstrip("\n"))
    else:
        lines.extend(f"# {line}".rstrip() for line in fragment.rstrip("\n").split("\n"))
    return "\n".join(lines) + "\n"


def _describe(info: FieldInfo) -> str:
    return " ".join((info.description or "").split())


def _comment(text: str, first: str = "# ", indent: str = "# ") -> str:
    return "\n".join(
        textwrap.wrap(text, width=_WRAP, initial_indent=first, subsequent_indent=indent)
    )


def build_event(
    *,
    date_text: str,
    title: str,
    status: str,
    summary: str,
    source: dict[str, str | None],
    claimed_by: list[str] | None = None,
    actors: list[str] | None = None,
    places: list[str] | None = None,
    tags: list[str] | None = None,
) -> tuple[dict[str, Any], str | None]:
    """The values `timeline new` writes, or a message saying which one is wrong."""
    try:
        date = PartialDate.parse(date_text.strip())
    except ValueError as error:
        return {}, f"--date: {error}"
    entry = {key: value.strip() for key, value in source.items() if value and value.strip()}
    if entry.get("kind") == "article":
        del entry["kind"]  # the default: leave it out
    data: dict[str, Any] = {"title": " ".join(title.split()), "date": date.iso()}
    data["status"] = status
    lists = {"claimed_by": claimed_by, "actors": actors, "places": places, "tags": tags}
    data.update({name: list(values) for name, values in lists.items() if values})
    data["summary"] = summary.strip()
    data["sources"] = [entry]
    return data, None


def check_event(text: str, display: str) -> list[str]:
    """Problems (as `file:line:col` lines) that would stop `text` from being a valid event."""
    loaded = load_bytes(text.encode("utf-8"), display)
    if loaded.document is None or loaded.problems:
        return [problem.as_text() for problem in loaded.problems]
    try:
        Event.model_validate(loaded.document.data)
    except ValidationError as error:
        found = problems_from_error(error, loaded.document, display, Event)
        return [problem.as_text() for problem in found]
    return []
