"""`timeline import`: events reported in the neutral JSON Lines form → event files.

The neutral form (docs/import.md) predates the schema: free-text names for actors, places and
tags, qualifiers in words, quotes whose speaker carries its context in brackets. Importing maps
every field onto the models and resolves every name through the registries. A name that no
registry entry knows is reported with its record's line and a stub to add: the importer never
invents a registry entry, so nothing reaches the store unreviewed. Unknown keys are reported
too, so no input field is dropped silently. The import is all or nothing: one problem in one
record and no file is written.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import ValidationError

from generator.diagnostics import Problem, echo
from generator.files import display_path
from generator.importmap import (
    IMPORTED_STATUS,
    QUALIFIERS,
    SOURCE_KIND_WITHOUT_URL,
    escape_markdown,
    map_date,
    map_qualifier,
    name_key,
    quote_language,
    split_speaker,
)
from generator.loader import Document, read_bytes
from generator.models import REGISTRIES, Event
from generator.slugs import slugify
from generator.validation import problems_from_error, validate_file

MAX_IMPORT_BYTES = 32 * 1024 * 1024

_RECORD_KEYS = frozenset(
    {"date", "date_start", "date_end", "date_precision", "title", "summary", "actors"}
    | {"locations", "tags", "quantities", "quotes", "sources", "related", "origin"}
)
_KEYS = {
    "locations": {"name", "native_name", "lat", "lon"},
    "quantities": {"value", "unit", "what", "qualifier"},
    "quotes": {"text", "speaker"},
    "sources": {"url", "publisher", "title", "date"},
    "origin": {"url", "title", "publisher", "via"},
}
_STUB_FIELDS = {"actors": "name", "places": "name", "tags": "label"}


@dataclass
class NameIndex:
    """Finds registry ids by id, name, label, native name or alias (compared by `name_key`)."""

    registry: str
    entries: dict[str, dict[str, Any]]
    keys: dict[str, set[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for entry_id, entry in self.entries.items():
            names = [entry_id, entry.get("name"), entry.get("label"), entry.get("native_name")]
            for name in [*names, *entry.get("aliases", [])]:
                if isinstance(name, str) and name_key(name):
                    self.keys.setdefault(name_key(name), set()).add(entry_id)

    def find(self, name: str) -> list[str]:
        return sorted(self.keys.get(name_key(name), ()))


@dataclass(frozen=True)
class ImportedEvent:
    """One event ready to be written: its id, the JSONL line it came from, and its data."""

    id: str
    line: int
    data: dict[str, Any]

    @property
    def relative(self) -> PurePosixPath:
        return PurePosixPath(self.id[:4], f"{self.id}.yaml")


@dataclass
class ImportPlan:
    """What an import would write, and every problem that stops it."""

    events: list[ImportedEvent] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def load_indexes(events_dir: Path) -> tuple[dict[str, NameIndex], list[Problem]]:
    """The three registries as name indexes, validated exactly as `timeline validate` does."""
    indexes: dict[str, NameIndex] = {}
    problems: list[Problem] = []
    for name in REGISTRIES:
        path = events_dir / f"{name}.yaml"
        display = display_path(path)
        if not path.is_file():
            message = f"the {name} registry is missing: create {name}.yaml in the events folder"
            problems.append(Problem(display, 1, 1, "", message, "missing_registry"))
            continue
        result = validate_file(path, display, PurePosixPath(f"{name}.yaml"))
        problems.extend(result.problems)
        indexes[name] = NameIndex(name, result.registry_data)
    return indexes, problems


def read_records(path: Path) -> tuple[list[tuple[int, dict[str, Any]]], list[Problem]]:
    """(line number, record) for each non-blank line of a JSON Lines file."""
    display = display_path(path)
    raw, problems = read_bytes(path, display, MAX_IMPORT_BYTES)
    if raw is None:
        return [], problems
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return [], [Problem(display, 1, 1, "", "not valid UTF-8", "encoding")]
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            message = f"not valid JSON: {error.msg}"
            problems.append(Problem(display, number, error.colno, "", message, "json"))
            continue
        if not isinstance(record, dict):
            message = "each line must be a JSON object"
            problems.append(Problem(display, number, 1, "", message, "not_a_mapping"))
            continue
        records.append((number, record))
    return records, problems


def plan_import(jsonl: Path, events_dir: Path) -> ImportPlan:
    """Convert every record of `jsonl`; the plan's problems say why it must not be written."""
    plan = ImportPlan()
    indexes, plan.problems = load_indexes(events_dir)
    records, problems = read_records(jsonl)
    plan.problems.extend(problems)
    if plan.problems:
        return plan
    display = display_path(jsonl)
    mappers = [_RecordMapper(display, line, record, indexes) for line, record in records]
    drafts = [(mapper, mapper.convert()) for mapper in mappers]
    ids = _assign_ids(drafts)
    by_title: dict[str, list[str]] = {}
    for (mapper, _), event_id in zip(drafts, ids, strict=True):
        if event_id is not None:
            by_title.setdefault(name_key(mapper.record["title"]), []).append(event_id)
    for (mapper, data), event_id in zip(drafts, ids, strict=True):
        if data is None or event_id is None:
            plan.problems.extend(mapper.problems)
            continue
        mapper.link_related(data, by_title, event_id)
        target = events_dir / event_id[:4] / f"{event_id}.yaml"
        if target.exists():
            mapper.fail("title", f"{display_path(target)} already exists", "exists")
        if not mapper.problems:  # a failed name would echo as an empty-value error
            mapper.validate(data)
        plan.problems.extend(mapper.problems)
        plan.events.append(ImportedEvent(event_id, mapper.line, data))
    return plan


def write_events(
    plan: ImportPlan, events_dir: Path, dump: Callable[[dict[str, Any]], str]
) -> list[Path]:
    """Write every planned event; refuses when the plan has problems (all or nothing)."""
    if plan.problems:
        raise ValueError("an import with problems must not be written")
    written = []
    for event in plan.events:
        path = events_dir / event.relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dump(event.data), encoding="utf-8")
        written.append(path)
    return written


def _assign_ids(drafts: list[tuple[_RecordMapper, dict[str, Any] | None]]) -> list[str | None]:
    """`<start date>-<slug of the title>`; a repeat gets `-2`, `-3` … in file order."""
    ids: list[str | None] = []
    taken: set[str] = set()
    for mapper, data in drafts:
        if data is None:
            ids.append(None)
            continue
        date = data["date"]
        start = date["start"] if isinstance(date, dict) else date
        base = f"{start}-{slugify(mapper.record['title'])}"[:90].rstrip("-")
        event_id, number = base, 1
        while event_id in taken:
            number += 1
            event_id = f"{base}-{number}"
        taken.add(event_id)
        ids.append(event_id)
    return ids


class _RecordMapper:
    """Converts one record, collecting problems positioned at its line of the JSONL file."""

    def __init__(
        self, display: str, line: int, record: dict[str, Any], indexes: dict[str, NameIndex]
    ) -> None:
        self.display = display
        self.line = line
        self.record = record
        self.indexes = indexes
        self.problems: list[Problem] = []

    def fail(self, where: str, message: str, kind: str) -> None:
        self.problems.append(Problem(self.display, self.line, 1, where, message, kind))

    def convert(self) -> dict[str, Any] | None:
        """The event's data in the models' field order, or None when it cannot be built."""
        record = self.record
        for key in record:
            if key not in _RECORD_KEYS:
                self.fail(str(key), f"unknown key {echo(key)}: it would be dropped", "unknown_key")
        date, problem = map_date(
            record.get("date"),
            record.get("date_start"),
            record.get("date_end"),
            record.get("date_precision"),
        )
        if problem is not None:
            self.fail("date", problem, "date")
        title, summary = record.get("title"), record.get("summary")
        if not isinstance(title, str) or not isinstance(summary, str):
            self.fail("title", "`title` and `summary` must be text", "type")
        if date is None or self.problems:
            return None
        data: dict[str, Any] = {"title": title, "date": date, "status": IMPORTED_STATUS}
        data["summary"] = escape_markdown(str(summary))
        data["actors"] = _unique(
            self._resolve("actors", n, f"actors[{i}]") for i, n in self._names("actors")
        )
        data["places"] = _unique(self._places())
        data["tags"] = _unique(
            self._resolve("tags", n, f"tags[{i}]") for i, n in self._names("tags")
        )
        data["figures"] = list(self._figures())
        data["quotes"] = list(self._quotes())
        data["sources"] = list(self._sources())
        data["related"] = []
        origin = self._mapping("origin", record.get("origin"))
        if origin:
            data["origin"] = {
                key: origin[key] for key in ("publisher", "title", "url", "via") if origin.get(key)
            }
        return data

    def link_related(self, data: dict[str, Any], by_title: dict[str, list[str]], own: str) -> None:
        """Titles of other records → `relates_to` links (the form has no relation type)."""
        for index, title in self._items("related"):
            found = by_title.get(name_key(title), []) if isinstance(title, str) else []
            found = [event_id for event_id in found if event_id != own]
            if len(found) != 1:
                what = "no other record" if not found else f"{len(found)} records"
                self.fail(
                    f"related[{index}]",
                    f"{what} in the file has the title {echo(title)}",
                    "related",
                )
            elif all(link["event"] != found[0] for link in data["related"]):
                data["related"].append({"event": found[0], "relation": "relates_to"})

    def validate(self, data: dict[str, Any]) -> None:
        """Check the result against the schema, so an import never writes an invalid file."""
        compact = {key: value for key, value in data.items() if value not in ([], None)}
        data.clear()
        data.update(compact)
        try:
            Event.model_validate(data)
        except ValidationError as error:
            for problem in problems_from_error(error, Document(data), self.display, Event):
                self.problems.append(dataclasses.replace(problem, line=self.line, column=1))

    def _items(self, key: str) -> Iterator[tuple[int, Any]]:
        value = self.record.get(key)
        if value is None:
            return
        if not isinstance(value, list):
            self.fail(key, "must be a list", "type")
            return
        yield from enumerate(value)

    def _names(self, key: str) -> Iterator[tuple[int, str]]:
        for index, name in self._items(key):
            if isinstance(name, str) and name.strip():
                yield index, name
            else:
                self.fail(f"{key}[{index}]", "must be a name (text)", "type")

    def _mapping(self, where: str, value: Any) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.fail(where, "must be an object", "type")
            return {}
        allowed = _KEYS[where.split("[")[0]]
        for key in value:
            if key not in allowed:
                self.fail(
                    f"{where}.{key}", f"unknown key {echo(key)}: it would be dropped", "unknown_key"
                )
        return value

    def _resolve(
        self, registry: str, name: str, where: str, stub: dict[str, Any] | None = None
    ) -> str:
        found = self.indexes[registry].find(name)
        if len(found) == 1:
            return found[0]
        if found:
            message = f"{echo(name)} matches several entries of {registry}.yaml: {', '.join(found)}"
            self.fail(where, message, "ambiguous_name")
            return ""
        entry = stub or {_STUB_FIELDS[registry]: name.strip()}
        if registry == "actors":
            entry["kind"] = "person"
        if registry == "tags":
            entry["description"] = "One sentence saying which events get this tag."
        fields = ", ".join(
            f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in entry.items()
        )
        kind = registry[:-1]
        message = (
            f"unknown {kind} {echo(name, 80)}: no id, name or alias in {registry}.yaml matches; "
            f"add it (check every field), e.g. {slugify(name, 12)}: {{{fields}}}"
        )
        self.fail(where, message, f"unknown_{kind}")
        return ""

    def _places(self) -> Iterator[str]:
        for index, location in self._items("locations"):
            where = f"locations[{index}]"
            location = self._mapping(where, location)
            name = location.get("name")
            if not isinstance(name, str) or not name.strip():
                self.fail(f"{where}.name", "a location needs a `name`", "type")
                continue
            given = {
                key: location[key]
                for key in ("native_name", "lat", "lon")
                if location.get(key) is not None
            }
            found = self.indexes["places"].find(name)
            if not found and "native_name" in given:
                found = self.indexes["places"].find(given["native_name"])
            if len(found) != 1:
                yield self._resolve(
                    "places", name, f"{where}.name", {"name": name.strip(), **given}
                )
                continue
            entry = self.indexes["places"].entries[found[0]]
            for key, value in given.items():
                if entry.get(key) != value:
                    message = (
                        f"the record gives {key} {echo(value)} for {echo(name)}, but places.yaml "
                        f"has {echo(entry.get(key))} for {found[0]}: carry it over or correct it"
                    )
                    self.fail(f"{where}.{key}", message, "place_data")
            yield found[0]

    def _figures(self) -> Iterator[dict[str, Any]]:
        for index, quantity in self._items("quantities"):
            where = f"quantities[{index}]"
            quantity = self._mapping(where, quantity)
            value = quantity.get("value")
            figure: dict[str, Any] = {}
            if isinstance(value, list) and len(value) == 2:
                figure["low"], figure["high"] = value
            else:
                figure["value"] = value
            figure["unit"] = quantity.get("unit")
            figure["what"] = quantity.get("what")
            word = quantity.get("qualifier")
            if word is not None:
                mapped = map_qualifier(word) if isinstance(word, str) else None
                if mapped is None:
                    self.fail(
                        f"{where}.qualifier",
                        f"unknown qualifier {echo(word)}; known: {', '.join(QUALIFIERS)}",
                        "qualifier",
                    )
                else:
                    figure[mapped[0]] = mapped[1]
            yield figure

    def _quotes(self) -> Iterator[dict[str, Any]]:
        for index, quote in self._items("quotes"):
            where = f"quotes[{index}]"
            quote = self._mapping(where, quote)
            text, speaker = quote.get("text"), quote.get("speaker")
            if not isinstance(text, str) or not isinstance(speaker, str):
                self.fail(where, "a quote needs `text` and `speaker`", "type")
                continue
            name, context = speaker, None
            if len(self.indexes["actors"].find(speaker)) != 1:
                name, context = split_speaker(speaker)
            result = {"text": text, "speaker": self._resolve("actors", name, f"{where}.speaker")}
            language = quote_language(text)
            if language != "en":
                result["language"] = language
            if context:
                result["context"] = context
            yield result

    def _sources(self) -> Iterator[dict[str, Any]]:
        for index, source in self._items("sources"):
            source = self._mapping(f"sources[{index}]", source)
            result = {
                key: source[key]
                for key in ("publisher", "title", "url", "date")
                if source.get(key) is not None
            }
            if source.get("url") is None:
                result["kind"] = SOURCE_KIND_WITHOUT_URL
            yield result


def _unique(values: Iterator[str] | Any) -> list[str]:
    """Several names can mean one entry (`UK`, `United Kingdom`): keep the first."""
    seen: list[str] = []
    for value in values:
        if value and value not in seen:
            seen.append(value)
    return seen
