"""The JSON download: a versioned envelope around every event and registry entry.

The envelope's shape is a pydantic model (`TimelineExport`) built from the event models, so the
published JSON Schema and the import (`generator.importjson`) follow the models automatically.
Writing does not go through that model: the events are already validated, and dumping them one
by one keeps a 10,000-event export to a single pass.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from pydantic import Field, field_validator

from generator.constraints import EventId, Slug
from generator.exports.context import ExportContext, generator_label
from generator.models import SCHEMA_VERSION, Actor, Event, Place, StrictModel, Tag
from generator.store import Timeline

JSON_FILE = "timeline.json"
SCHEMA_FILE = "timeline.schema.json"
DIALECT = "https://json-schema.org/draft/2020-12/schema"


class ExportedEvent(Event):
    """An event as published: every field (defaults written out) plus its id."""

    id: EventId
    """The event's id: its file name without `.yaml`, and the last part of its page's address."""


class TimelineExport(StrictModel):
    """The whole timeline as one JSON document (data/timeline.json)."""

    schema_version: int = Field(json_schema_extra={"const": SCHEMA_VERSION})
    """Version of this format; it changes only when a change could break a reader."""
    generated_at: dt.datetime
    """When the file was generated (RFC 3339, UTC)."""
    generator: str
    """The program and version that wrote the file: `timeline-generator 0.1.0`."""
    events: list[ExportedEvent]
    """Every event, in the timeline's documented order (by date, then id)."""
    actors: dict[Slug, Actor]
    """The actors registry, keyed by id, sorted by id."""
    places: dict[Slug, Place]
    """The places registry, keyed by id, sorted by id."""
    tags: dict[Slug, Tag]
    """The tags registry, keyed by id, sorted by id."""

    @field_validator("schema_version")
    @classmethod
    def _known_version(cls, value: int) -> int:
        if value != SCHEMA_VERSION:
            raise ValueError(
                f"schema_version {value} is not supported; this program reads {SCHEMA_VERSION}"
            )
        return value


def build_envelope(timeline: Timeline, context: ExportContext) -> dict[str, Any]:
    """The export as plain JSON data, in a fixed key order (see the module docstring)."""
    return {
        "schema_version": SCHEMA_VERSION,
        "generated_at": context.timestamp,
        "generator": generator_label(),
        "events": [
            {"id": record.id, **record.event.model_dump(mode="json")} for record in timeline.records
        ],
        "actors": _registry(timeline.actors),
        "places": _registry(timeline.places),
        "tags": _registry(timeline.tags),
    }


def _registry(entries: dict[str, Actor] | dict[str, Place] | dict[str, Tag]) -> dict[str, Any]:
    return {key: entries[key].model_dump(mode="json") for key in sorted(entries)}


def describe_json_fields() -> list[tuple[str, str]]:
    """(key, description) of the envelope's top-level keys: what docs/data.md must list."""
    return [
        (name, " ".join((info.description or "").split()))
        for name, info in TimelineExport.model_fields.items()
    ]


def export_schema() -> dict[str, Any]:
    """The JSON Schema of `timeline.json`, derived from `TimelineExport`."""
    schema = TimelineExport.model_json_schema(mode="serialization")
    schema.pop("title", None)
    description = schema.pop("description", "")
    return {
        "$schema": DIALECT,
        "title": "Timeline export (data/timeline.json)",
        "description": f"{description}\n\nGenerated from generator/models.py.",
        **schema,
    }


def dumps(data: Any, *, compact: bool) -> str:
    """JSON text with one final newline; UTF-8 as is (`ensure_ascii=False`)."""
    if compact:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def write_json(timeline: Timeline, directory: Path, context: ExportContext) -> list[Path]:
    """Write `timeline.json` (compact: it is fetched by the explorer) and its schema."""
    directory.mkdir(parents=True, exist_ok=True)
    data_path = directory / JSON_FILE
    schema_path = directory / SCHEMA_FILE
    data_path.write_bytes(dumps(build_envelope(timeline, context), compact=True).encode())
    schema_path.write_bytes(dumps(export_schema(), compact=False).encode())
    return [data_path, schema_path]
