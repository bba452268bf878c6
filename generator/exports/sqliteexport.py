"""The SQLite download: the timeline as related tables, with keys, indexes and full-text search.

The tables are declared in `sqlitetables.py`; this module fills them. The whole database is
written in one transaction with `executemany` per table, indexes are created after the rows are
in and the full-text index is rebuilt once at the end: the cost is linear in the size of the
timeline. The file is built under a temporary name and renamed into place when complete.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable
from contextlib import closing
from pathlib import Path
from typing import Any

from generator.exports.context import ExportContext, generator_label
from generator.exports.sqlitetables import (
    FTS_TABLE,
    TABLES,
    FtsModule,
    create_fts,
    fts_module,
)
from generator.models import SCHEMA_VERSION, EventDate
from generator.store import Timeline

SQLITE_FILE = "timeline.sqlite"


def _date_values(date: EventDate) -> tuple[Any, ...]:
    start, end = date.start, date.end
    last = None if date.ongoing else (end or start).last_day().isoformat()
    return (
        start.iso(),
        end.iso() if end else None,
        start.precision,
        start.first_day().isoformat(),
        last,
        int(date.ongoing),
        int(date.approximate),
        int(date.uncertain),
        date.display(),
    )


def table_rows(
    timeline: Timeline, context: ExportContext, module: FtsModule
) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, built in one pass over the events."""
    rows: dict[str, list[tuple[Any, ...]]] = {table.name: [] for table in TABLES}
    rows["meta"] = [
        ("full_text", module),
        ("generated_at", context.timestamp),
        ("generator", generator_label()),
        ("schema_version", str(SCHEMA_VERSION)),
    ]
    for key in sorted(timeline.actors):
        actor = timeline.actors[key]
        rows["actors"].append(
            (
                key,
                actor.name,
                actor.kind,
                actor.native_name,
                actor.country,
                actor.role,
                _json(actor.aliases),
            )
        )
    for key in sorted(timeline.places):
        place = timeline.places[key]
        rows["places"].append(
            (key, place.name, place.native_name, place.country, place.kind, place.lat, place.lon)
        )
    for key in sorted(timeline.tags):
        tag = timeline.tags[key]
        rows["tags"].append((key, tag.label, tag.description))
    for index, record in enumerate(timeline.records):
        event, event_id = record.event, record.id
        origin = event.origin
        rows["events"].append(
            (
                index,
                event_id,
                event.title,
                *_date_values(event.date),
                event.status,
                event.summary,
                event.body,
                context.event_url(event_id),
                origin.publisher if origin else None,
                origin.title if origin else None,
                origin.url if origin else None,
                origin.via if origin else None,
            )
        )
        for kind, date in sorted(event.dates.items()):
            rows["dates"].append((event_id, kind, *_date_values(date)))
        for table, ids in (
            ("event_actors", event.actors),
            ("event_claimants", event.claimed_by),
            ("event_places", event.places),
            ("event_tags", event.tags),
        ):
            rows[table].extend((event_id, target, n) for n, target in enumerate(ids))
        rows["sources"].extend(
            (
                event_id,
                n,
                s.id,
                s.publisher,
                s.title,
                s.url,
                s.archive_url,
                _iso(s.date),
                s.kind,
                s.language,
            )
            for n, s in enumerate(event.sources)
        )
        rows["figures"].extend(
            (
                event_id,
                n,
                f.value,
                f.low,
                f.high,
                f.unit,
                f.what,
                f.qualifier,
                f.status,
                _json(f.claimed_by),
                _iso(f.as_of),
                f.source,
            )
            for n, f in enumerate(event.figures)
        )
        rows["quotes"].extend(
            (
                event_id,
                n,
                q.text,
                q.speaker,
                q.language,
                q.translation,
                q.context,
                _iso(q.date),
                q.source,
            )
            for n, q in enumerate(event.quotes)
        )
        rows["relations"].extend(
            (event_id, n, r.event, r.relation, r.note) for n, r in enumerate(event.related)
        )
    return rows


def _json(values: Iterable[str]) -> str:
    return json.dumps(list(values), ensure_ascii=False)


def _iso(value: Any) -> str | None:
    return None if value is None else str(value.iso())


def write_sqlite(timeline: Timeline, directory: Path, context: ExportContext) -> list[Path]:
    """Write `timeline.sqlite` into `directory`, replacing any previous file atomically."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / SQLITE_FILE
    partial = directory / f".{SQLITE_FILE}.partial"
    partial.unlink(missing_ok=True)
    module = fts_module()
    rows = table_rows(timeline, context, module)
    try:
        with closing(sqlite3.connect(partial)) as connection:
            # A new file that is renamed into place only when complete needs no journal.
            connection.execute("PRAGMA journal_mode = OFF")
            connection.execute("PRAGMA synchronous = OFF")
            with connection:
                for table in TABLES:
                    connection.execute(table.create_table())
                connection.execute(create_fts(module))
                for table in TABLES:
                    connection.executemany(table.insert(), rows[table.name])
                for table in TABLES:
                    for statement in table.create_indexes():
                        connection.execute(statement)
                connection.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")  # noqa: S608
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return [path]
