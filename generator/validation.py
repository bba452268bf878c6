"""Per-file validation: one file's bytes → an event or registry, or positioned problems.

This is the first of the two passes (cross-file rules are in `checks.py`). It needs nothing
but the file itself and where it sits under `events/`, which is what lets the results be
cached per file and computed in parallel.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from generator.constraints import EVENT_ID_PATTERN, SLUG_PATTERN
from generator.diagnostics import MAX_ECHO, Problem, echo
from generator.loader import (
    MAX_EVENT_BYTES,
    MAX_REGISTRY_BYTES,
    MAX_REGISTRY_NODES,
    Document,
    Loc,
    load_file,
)
from generator.models import REGISTRIES, Event
from generator.records import EventRecord, FileResult, Reference, ReferenceKind, Role

_EVENT_ID = re.compile(EVENT_ID_PATTERN)
_ID_DATE = re.compile(r"^(\d{4}(?:-\d{2}){0,2})-")
_PATTERN_MESSAGES = {
    SLUG_PATTERN: "must be lower-case words joined by hyphens, like north-korea",
    EVENT_ID_PATTERN: "must be an event id (a file name without .yaml), like "
    "2024-11-17-us-authorises-atacms",
}
_TYPE_NAMES = {
    "string_type": "text",
    "int_type": "a whole number",
    "float_type": "a number",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping (key: value lines)",
    "model_type": "a mapping (key: value lines)",
    "model_attributes_type": "a mapping (key: value lines)",
}
_INPUT_KINDS = {
    str: "text",
    int: "a number",
    float: "a number",
    bool: "true/false",
    list: "a list",
    dict: "a mapping",
    type(None): "nothing (null)",
}


def role_of(relative: PurePosixPath) -> tuple[Role, str | None]:
    """Where a file sits decides what it must be: registry, event, or not ours."""
    return role_of_name(relative.as_posix())


def role_of_name(name: str) -> tuple[Role, str | None]:
    """`role_of` for a name relative to the events folder, with "/" separators: pull-request
    mode asks it of every file of the store, where a path object each costs."""
    stem, suffix = split_name(name)
    if suffix not in {".yaml", ".yml"}:
        return "ignored", None
    if "/" not in name and stem in REGISTRIES and suffix == ".yaml":
        return "registry", stem
    return "event", None


def split_name(name: str) -> tuple[str, str]:
    """The stem and suffix of a "/"-separated name's last part, as `PurePosixPath` has them."""
    base = name.rsplit("/", 1)[-1]
    dot = base.rfind(".")
    if 0 < dot < len(base) - 1:
        return base[:dot], base[dot:]
    return base, ""


def validate_file(path: Path, display: str, relative: PurePosixPath) -> FileResult:
    """Validate one file under the events folder; never raises on bad input."""
    role, registry = role_of(relative)
    if role == "ignored":
        return FileResult(display, role)
    if registry is not None:
        return _validate_registry(path, display, registry)
    return _validate_event(path, display, relative)


def _validate_event(path: Path, display: str, relative: PurePosixPath) -> FileResult:
    result = FileResult(display, "event")
    layout = _layout_problem(relative)
    if layout is not None:
        result.problems.append(Problem(display, 1, 1, "", layout, "file_name"))
        return result
    loaded = load_file(path, display, MAX_EVENT_BYTES)
    result.problems.extend(loaded.problems)
    document = loaded.document
    if document is None or loaded.problems:
        return result
    if not isinstance(document.data, dict):
        result.problems.append(_not_a_mapping(display, document))
        return result
    try:
        event = Event.model_validate(document.data)
    except ValidationError as error:
        result.problems.extend(problems_from_error(error, document, display, Event))
        return result
    event_id = relative.stem
    date_problem = _date_name_problem(event_id, relative, event)
    date_position = document.position(("date",))
    if date_problem is not None:
        result.problems.append(Problem(display, *date_position, "date", date_problem, "file_name"))
        return result
    data = event.model_dump(mode="json", exclude_defaults=True)
    result.record = EventRecord(
        id=event_id,
        file=display,
        title=event.title,
        date=data["date"],
        references=list(references_of(event, document)),
        date_position=date_position,
        _data=data,
    )
    result.record.__dict__["event"] = event  # already built: spare the cached_property
    return result


def _layout_problem(relative: PurePosixPath) -> str | None:
    if relative.suffix == ".yml":
        return "files in the store end in .yaml, not .yml: rename the file"
    example = "events/2024/2024-11-17-us-authorises-atacms.yaml"
    if len(relative.parts) != 2 or not re.fullmatch(r"\d{4}", relative.parts[0]):
        return f"event files go in a folder per year: {example}"
    if not _EVENT_ID.fullmatch(relative.stem) or len(relative.stem) > 100:
        return (
            f"file name {echo(relative.name)} must be <date>-<words-joined-by-hyphens>.yaml, "
            "in lower case, like 2024-11-17-us-authorises-atacms.yaml"
        )
    if relative.parts[0] != relative.stem[:4]:
        return (
            f"file is in the folder {relative.parts[0]}/ but its name starts with "
            f"{relative.stem[:4]}: move it to events/{relative.stem[:4]}/"
        )
    return None


def _date_name_problem(event_id: str, relative: PurePosixPath, event: Event) -> str | None:
    match = _ID_DATE.match(event_id)
    assert match is not None  # guaranteed by _layout_problem
    written = match.group(1)
    actual = event.date.start.iso()
    if written == actual:
        return None
    slug = event_id[len(written) + 1 :]
    return (
        f"the file name starts with {written} but the date starts {actual}: rename the file "
        f"to events/{actual[:4]}/{actual}-{slug}.yaml or correct the date"
    )


def references_of(event: Event, document: Document) -> Iterator[Reference]:
    def ref(kind: ReferenceKind, target: str, loc: Loc, relation: str | None = None) -> Reference:
        line, column = document.position(loc)
        return Reference(kind, target, format_loc(loc), line, column, relation)

    for name, kind in (("actors", "actor"), ("places", "place"), ("tags", "tag")):
        for index, target in enumerate(getattr(event, name)):
            yield ref(kind, target, (name, index))  # type: ignore[arg-type]
    for index, target in enumerate(event.claimed_by):
        yield ref("actor", target, ("claimed_by", index))
    for index, figure in enumerate(event.figures):
        for inner, target in enumerate(figure.claimed_by):
            yield ref("actor", target, ("figures", index, "claimed_by", inner))
    for index, quote in enumerate(event.quotes):
        yield ref("actor", quote.speaker, ("quotes", index, "speaker"))
    for index, relation in enumerate(event.related):
        yield ref("event", relation.event, ("related", index, "event"), relation.relation)


def _validate_registry(path: Path, display: str, name: str) -> FileResult:
    result = FileResult(display, "registry", registry_name=name)
    loaded = load_file(path, display, MAX_REGISTRY_BYTES, MAX_REGISTRY_NODES)
    result.problems.extend(loaded.problems)
    document = loaded.document
    if document is None or loaded.problems:
        return result
    if not isinstance(document.data, dict):
        result.problems.append(_not_a_mapping(display, document))
        return result
    model = REGISTRIES[name]
    adapter = _registry_adapter(name)
    try:
        entries = adapter.validate_python(document.data)
    except ValidationError as error:
        result.problems.extend(problems_from_error(error, document, display, dict[str, model]))  # type: ignore[valid-type]
        # Ids are still known, so one bad entry does not flood events with unknown-id errors.
        result.registry_ids = [key for key in document.data if isinstance(key, str)]
        return result
    result.registry_ids = list(entries)
    result.registry_data = {
        key: entry.model_dump(mode="json", exclude_defaults=True) for key, entry in entries.items()
    }
    return result


_ADAPTERS: dict[str, TypeAdapter[Any]] = {}


def _registry_adapter(name: str) -> TypeAdapter[Any]:
    from generator.constraints import Slug

    if name not in _ADAPTERS:
        _ADAPTERS[name] = TypeAdapter(dict[Slug, REGISTRIES[name]])  # type: ignore[valid-type]
    return _ADAPTERS[name]


def _not_a_mapping(display: str, document: Document) -> Problem:
    got = _INPUT_KINDS.get(type(document.data), "something else")
    return Problem(
        display,
        1,
        1,
        "",
        f"the file must be a mapping of keys (title:, date: …), not {got}",
        "not_a_mapping",
    )


def format_loc(loc: Loc) -> str:
    """`('sources', 0, 'url')` → `sources[0].url`.

    Keys come from the file, and a quoted YAML key can hold escapes (`"\\e[31m"`, `"\\n"`):
    odd or long ones are echoed like any other input, so no message carries them raw.
    """
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part == "[key]":
            continue
        else:
            name = str(part)
            if len(name) > MAX_ECHO or not name.isprintable():
                name = echo(name)
            text += f".{name}" if text else name
    return text


def problems_from_error(
    error: ValidationError, document: Document, display: str, model: Any
) -> list[Problem]:
    """Map pydantic's errors to positioned problems, worded for a contributor."""
    problems = []
    for item in error.errors(include_url=False):
        loc: Loc = tuple(item["loc"])
        context = item.get("ctx") or {}
        at = context.get("at")
        if isinstance(at, str):
            loc = loc + tuple(int(p) if p.isdigit() else p for p in at.split("."))
        kind, message = _explain(item, loc, model)
        prefer_key = item["type"] in {"extra_forbidden", "duplicate"} or "[key]" in loc
        line, column = document.position(
            tuple(p for p in loc if p != "[key]"), prefer_key=prefer_key
        )
        problems.append(Problem(display, line, column, format_loc(loc), message, kind))
    return problems


def _explain(item: Any, loc: Loc, model: Any) -> tuple[str, str]:
    kind = str(item["type"])
    context = item.get("ctx") or {}
    value = item.get("input")
    if kind == "extra_forbidden":
        key = str(loc[-1])
        allowed = _allowed_keys(model, loc[:-1])
        close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
        hint = (
            f"; did you mean {close[0]!r}?"
            if close
            else (f"; allowed keys: {', '.join(allowed)}" if allowed and len(allowed) <= 20 else "")
        )
        return "unknown_key", f"unknown key {echo(key)}{hint}"
    if kind == "missing":
        return "missing_key", f"missing required key {echo(str(loc[-1]))}"
    if kind == "literal_error":
        return "not_allowed", f"{echo(value)} is not allowed; use one of {context.get('expected')}"
    if kind in _TYPE_NAMES:
        got = _INPUT_KINDS.get(type(value), "something else")
        return "type", f"must be {_TYPE_NAMES[kind]}, not {got}"
    if kind == "string_too_long":
        length = len(value) if isinstance(value, str) else "?"
        return "too_long", f"is {length} characters long; the limit is {context.get('max_length')}"
    if kind == "string_too_short":
        return "empty", "must not be empty"
    if kind == "too_long":
        return "too_many", f"has more than {context.get('max_length')} items"
    if kind == "too_short":
        return "too_few", f"needs at least {context.get('min_length')} item(s)"
    if kind == "string_pattern_mismatch":
        pattern = str(context.get("pattern"))
        message = _PATTERN_MESSAGES.get(pattern, f"does not match the pattern {pattern}")
        return "pattern", f"{echo(value)} {message}"
    if kind in {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}:
        return "range", str(item["msg"]).replace("Input should be", "must be")
    message = str(item["msg"])
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    return kind, message


def _allowed_keys(model: Any, loc: Loc) -> list[str]:
    """The field names of the model that sits at `loc`, for a did-you-mean hint."""
    current: Any = model
    for part in loc:
        if isinstance(part, int) or current is None:
            current = _inner_model(current, part)
            continue
        if isinstance(current, type) and issubclass(current, BaseModel):
            info = current.model_fields.get(part)
            current = _inner_model(info.annotation, None) if info else None
        else:
            current = _inner_model(current, part)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _inner_model(annotation: Any, _part: Any) -> Any:
    """Unwrap Optional, list[...] and dict[..., X] to the model they hold."""
    if annotation is None:
        return None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in {list, tuple, typing.Union, types.UnionType, dict, typing.Annotated}:
        for arg in reversed(args):
            found = _inner_model(arg, _part)
            if found is not None:
                return found
    return None
