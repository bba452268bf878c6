"""Reading the JSON download back into a `Timeline`: the proof that the export loses nothing.

The file is validated by the same models that validate YAML (through `TimelineExport`), and
the imported events then pass the same cross-file checks as a store on disk; problems come back
as `Problem` records like those of `timeline validate`, located by their JSON path.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path, PurePosixPath

from pydantic import ValidationError

from generator.checks import Registries, check_timeline
from generator.diagnostics import Problem
from generator.exports.jsonexport import ExportedEvent, TimelineExport
from generator.loader import Document
from generator.models import Event
from generator.records import EventRecord
from generator.store import LoadReport, Timeline, record_sort_key
from generator.validation import format_loc, references_of

#: The largest export read: about ten times a 10,000-event timeline.
MAX_EXPORT_BYTES = 512 * 1024 * 1024


def load_export(path: Path, root: Path = Path("events")) -> LoadReport:
    """Read an export file; see `import_export`."""
    size = path.stat().st_size
    if size > MAX_EXPORT_BYTES:
        problem = Problem(
            str(path),
            1,
            1,
            "",
            f"the file is {size:,} bytes; the limit is {MAX_EXPORT_BYTES:,}",
            "size",
        )
        return LoadReport(Timeline(root, []), [problem], 1)
    return import_export(path.read_bytes(), str(path), root)


def import_export(
    text: bytes | str, display: str = "timeline.json", root: Path = Path("events")
) -> LoadReport:
    """The timeline an export describes, with every problem found in it.

    Events get the file names they would have in a store under `root`
    (`<root>/<YYYY>/<id>.yaml`), so an imported timeline can be written back or built like one
    loaded from disk. Problems carry the JSON path (`events[3].sources[0].url`) and line 1.
    """
    try:
        export = TimelineExport.model_validate_json(text)
    except ValidationError as error:
        problems = [
            Problem(display, 1, 1, format_loc(tuple(item["loc"])), item["msg"], item["type"])
            for item in error.errors(include_url=False, include_input=False)
        ]
        return LoadReport(Timeline(root, []), problems, 1)
    records = [_record(exported, root) for exported in export.events]
    registry_data = {
        name: {
            key: entry.model_dump(mode="json", exclude_defaults=True)
            for key, entry in entries.items()
        }
        for name, entries in (
            ("actors", export.actors),
            ("places", export.places),
            ("tags", export.tags),
        )
    }
    registries = Registries(
        {name: frozenset(entries) for name, entries in registry_data.items()},
        dict.fromkeys(registry_data, display),
    )
    # An export is checked against the day it was made: its events were not in the future then.
    problems = check_timeline(
        records, registries, export.generated_at.date() + dt.timedelta(days=1)
    )
    records.sort(key=record_sort_key)
    return LoadReport(Timeline(root, records, registry_data), problems, 1)


def _record(exported: ExportedEvent, root: Path) -> EventRecord:
    # Already validated as an ExportedEvent (Event's fields and rules plus `id`): copy the
    # validated values into a plain Event instead of validating them a second time.
    event = Event.model_construct(
        exported.model_fields_set - {"id"},
        **{name: getattr(exported, name) for name in Event.model_fields},
    )
    data = event.model_dump(mode="json", exclude_defaults=True)
    file = (root / PurePosixPath(exported.id[:4]) / f"{exported.id}.yaml").as_posix()
    record = EventRecord(
        id=exported.id,
        file=file,
        title=event.title,
        date=data["date"],
        references=list(references_of(event, Document(data))),
        date_position=(1, 1),
        _data=data,
    )
    record.__dict__["event"] = event  # already built: spare the cached_property
    return record
