"""The published JSON Schemas, derived from the pydantic models and nothing else.

Editors (through the YAML language server's modeline) and `check-jsonschema` use these files to
complete keys, show the field docstrings and flag mistakes while a contributor types. They are
a convenience: `timeline validate` stays the authority, because cross-field rules (a `claimed`
status needs `claimed_by`, a figure's source must be one of the event's sources) cannot be said
in JSON Schema.

The schemas declare draft 2020-12 but use only keywords that draft-07 tools understand as well
(`$defs` is reached through plain JSON pointers), because the YAML language server implements
draft-07 fully and newer drafts only in part.
"""

from __future__ import annotations

import copy
import json
import types
import typing
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from pydantic import BaseModel, TypeAdapter

from generator.constraints import Slug
from generator.models import REGISTRIES, Event

SchemaKind = Literal["event", "actors", "places", "tags"]
KINDS: tuple[SchemaKind, ...] = ("event", "actors", "places", "tags")
DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_DIR = "schema"
MODELINE_PREFIX = "# yaml-language-server: $schema="

_REGISTRY_TEXT = {
    "actors": (
        "Actors (events/actors.yaml)",
        "People, states, governments, armed forces and organisations that events refer to, "
        "keyed by id (lower-case words joined by hyphens, e.g. `joe-biden`).",
    ),
    "places": (
        "Places (events/places.yaml)",
        "Places events happen in, keyed by id (lower-case words joined by hyphens, "
        "e.g. `kursk-oblast`).",
    ),
    "tags": (
        "Tags (events/tags.yaml)",
        "Topics that group events, keyed by id (lower-case words joined by hyphens, "
        "e.g. `long-range-strikes`).",
    ),
}


def file_name(kind: SchemaKind) -> str:
    """`event` → `event.schema.json`."""
    return f"{kind}.schema.json"


def build_schema(kind: SchemaKind) -> dict[str, Any]:
    """The JSON Schema of one kind of file, as a plain dict (see the module docstring)."""
    if kind == "event":
        body = _event_schema()
        title = "Timeline event (events/<YYYY>/<date>-<slug>.yaml)"
        description = (
            str(body.pop("description", ""))
            + "\n\nGenerated from generator/models.py by `timeline schema --write`; "
            "`timeline validate` is the authority."
        )
    else:
        body = _registry_schema(kind)
        title, description = _REGISTRY_TEXT[kind]
        description += (
            "\n\nGenerated from generator/models.py by `timeline schema --write`; "
            "`timeline validate` is the authority."
        )
    body.pop("title", None)
    return {"$schema": DIALECT, "title": title, "description": description, **body}


def schema_text(kind: SchemaKind) -> str:
    """The schema as committed: two-space JSON in the models' field order, one final newline.

    Pydantic emits properties in field order and `$defs` sorted by name, so the text is the
    same on every run; field order is kept (not sorted) because it is the order contributors
    read and write keys in.
    """
    return json.dumps(build_schema(kind), indent=2, ensure_ascii=False) + "\n"


def write_schemas(directory: Path) -> list[Path]:
    """Write all four schema files into `directory`; return the files that changed."""
    directory.mkdir(parents=True, exist_ok=True)
    changed = []
    for kind in KINDS:
        path = directory / file_name(kind)
        text = schema_text(kind)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    return changed


def schema_kind_for(relative_path: PurePosixPath | str) -> SchemaKind:
    """Which schema a file under the store follows: a registry by name, else an event."""
    stem = PurePosixPath(relative_path).stem
    return stem if stem in REGISTRIES else "event"  # type: ignore[return-value]


def modeline_for(relative_path: PurePosixPath | str) -> str:
    """The editor modeline for a file, given its path relative to the repository root.

    The schema path is relative to the file so it works in any clone:
    `events/2024/x.yaml` → `# yaml-language-server: $schema=../../schema/event.schema.json`.

    Example:
        >>> modeline_for("events/actors.yaml")
        '# yaml-language-server: $schema=../schema/actors.schema.json'
    """
    path = PurePosixPath(relative_path)
    up = "../" * (len(path.parts) - 1)
    return f"{MODELINE_PREFIX}{up}{SCHEMA_DIR}/{file_name(schema_kind_for(path))}"


def _event_schema() -> dict[str, Any]:
    schema = Event.model_json_schema()
    definitions = schema["$defs"]
    # EventDate also accepts the short form `date: 2024-11-17` (a before-validator that the
    # generated schema cannot see): offer both shapes, reusing the schema of `start`.
    long_form = definitions["EventDate"]
    short_form = copy.deepcopy(long_form["properties"]["start"])
    for key in ("description", "title"):
        short_form.pop(key, None)
    definitions["EventDate"] = {
        "title": long_form.pop("title"),
        "description": long_form.pop("description"),
        "anyOf": [*short_form.get("anyOf", [short_form]), long_form],
    }
    return schema


def _registry_schema(kind: str) -> dict[str, Any]:
    schema = TypeAdapter(dict[Slug, REGISTRIES[kind]]).json_schema()  # type: ignore[valid-type]
    # Pydantic states the id pattern as patternProperties; without this, a key that breaks the
    # pattern would match nothing and pass unchecked.
    schema["additionalProperties"] = False
    return schema


@dataclass(frozen=True)
class Shape:
    """The key order of a mapping in the models, and the shapes of what it holds.

    `timeline fmt`, the importers' writers and the template all order keys by this, so every
    file lists fields in the order the models (and the docs) give them.
    """

    order: tuple[str, ...] = ()
    sort: bool = False
    children: dict[str, Shape] = field(default_factory=dict)
    each: Shape | None = None
    """The shape of every item of a list, or of every value of a mapping without fields."""

    def child(self, key: Any) -> Shape | None:
        return self.children.get(key, self.each) if isinstance(key, str) else self.each


@cache
def model_shape(model: type[BaseModel]) -> Shape:
    """Field order of a model, recursively through nested models, lists and mappings."""
    children = {}
    for name, info in model.model_fields.items():
        inner = _annotation_shape(info.annotation)
        if inner is not None:
            children[name] = inner
    return Shape(order=tuple(model.model_fields), children=children)


def event_shape() -> Shape:
    return model_shape(Event)


@cache
def registry_shape(name: str) -> Shape:
    """Ids sorted alphabetically, each entry in its model's field order."""
    return Shape(sort=True, each=model_shape(REGISTRIES[name]))


def _annotation_shape(annotation: Any) -> Shape | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return model_shape(annotation)
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is typing.Annotated:
        return _annotation_shape(args[0])
    if origin in {typing.Union, types.UnionType}:
        found = [_annotation_shape(arg) for arg in args]
        return next((shape for shape in found if shape is not None), None)
    if origin is list:
        inner = _annotation_shape(args[0])
        return Shape(each=inner) if inner is not None else None
    if origin is dict:
        inner = _annotation_shape(args[1])
        keys = args[0]
        order = typing.get_args(keys) if typing.get_origin(keys) is Literal else ()
        return Shape(order=tuple(order), each=inner) if inner is not None or order else None
    return None
