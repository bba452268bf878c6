"""The explorer's data file (data/explorer.json): the timeline cut down to what it filters.

`timeline.json` carries every field (about 2 KB an event, 22 MB at 10,000 events): far too much
to fetch and parse before a first render. The explorer needs, per event, only its id, its span
of days, the date as the site shows it, the title, the claim status, the actors, places and tags
(as indexes into id → label tables) and a short plain-text snippet to search. Events are rows
(arrays) in the timeline's documented order, so a row's index is its sort position and key
names are written once, in `fields`.

Derived from the same validated timeline as every other download, so it cannot disagree with
them; the same store gives the same bytes (the generation time is pinned by the context).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any, get_args

from generator.dates import PartialDate, display_span
from generator.exports.context import ExportContext
from generator.markup import markdown_to_text, shorten
from generator.models import ClaimStatus
from generator.store import Timeline

EXPLORER_FILE = "explorer.json"
#: Version of this file's shape; bumped only when a change could break the explorer's script.
EXPLORER_FORMAT = 1
#: Day numbers count from this day (day 0), like Unix time counts seconds.
EPOCH = dt.date(1970, 1, 1)
#: Characters of the summary kept for free-text search: enough to find an event by what it is
#: about, small enough that 10,000 events stay near 2 MB.
SNIPPET_LENGTH = 100
#: `span` of a range that has not ended.
ONGOING = -1

#: (key, description) of the top level, in file order: docs/data.md lists them (tested).
TOP_LEVEL: tuple[tuple[str, str], ...] = (
    ("format", f"Version of this file's shape (now {EXPLORER_FORMAT})."),
    ("generated_at", "When the file was generated (RFC 3339, UTC)."),
    ("epoch", "The day numbers' day 0: `1970-01-01`."),
    ("statuses", "The claim statuses, in the order the `status` indexes use."),
    ("actors", "`[id, name]` of every actor, sorted by id; events refer to them by index."),
    ("places", "`[id, name]` of every place, sorted by id."),
    ("tags", "`[id, label]` of every tag, sorted by id."),
    ("fields", "The names of an event row's items, in order (see the next table)."),
    ("events", "One row (an array) per event, in the timeline's documented order."),
)
#: (field, description) of an event row, in row order: docs/data.md lists them (tested).
ROW: tuple[tuple[str, str], ...] = (
    ("id", "The event's id; its page is `events/<id>/`."),
    ("start", "First day the date can mean, as a day number (days since `epoch`)."),
    (
        "span",
        "Days from the first to the last day the date or range can mean (0 for one day); "
        f"{ONGOING} for a range that is still going on.",
    ),
    ("date", "The date as the site shows it: `c. November 2024`, `8–13 October 2024`."),
    ("title", "What happened, in one line of plain text."),
    ("status", "Index into `statuses`."),
    ("actors", "Indexes into `actors`, in the event's order."),
    ("places", "Indexes into `places`, in the event's order."),
    ("tags", "Indexes into `tags`, in the event's order."),
    (
        "text",
        f"The summary as plain text, cut to at most {SNIPPET_LENGTH} characters, "
        "for free-text search.",
    ),
)
STATUSES: tuple[str, ...] = get_args(ClaimStatus)


class _Lookup:
    """An `[id, label]` table sorted by id, and the index of each id in it."""

    def __init__(self, labels: dict[str, str]) -> None:
        self.table = [[key, labels[key]] for key in sorted(labels)]
        self.index = {key: number for number, (key, _label) in enumerate(self.table)}

    def indexes(self, ids: list[str]) -> list[int]:
        """Positions of `ids`. An id the registry lacks cannot pass validation; should one
        get here anyway, it is appended (labelled with its id) rather than dropped."""
        found: list[int] = []
        for key in ids:
            if key not in self.index:
                self.index[key] = len(self.table)
                self.table.append([key, key])
            found.append(self.index[key])
        return found


def build_explorer_data(timeline: Timeline, context: ExportContext) -> dict[str, Any]:
    """The explorer's data as plain JSON data, keys in the order of `TOP_LEVEL`."""
    actors = _Lookup({key: actor.name for key, actor in timeline.actors.items()})
    places = _Lookup({key: place.name for key, place in timeline.places.items()})
    tags = _Lookup({key: tag.label for key, tag in timeline.tags.items()})
    status_index = {status: index for index, status in enumerate(STATUSES)}
    rows: list[list[Any]] = []
    for record in timeline.records:
        data = record.data
        rows.append(
            [
                record.id,
                *_span(data["date"]),
                data["title"],
                status_index[data["status"]],
                actors.indexes(data.get("actors", [])),
                places.indexes(data.get("places", [])),
                tags.indexes(data.get("tags", [])),
                shorten(markdown_to_text(data["summary"]), SNIPPET_LENGTH),
            ]
        )
    return {
        "format": EXPLORER_FORMAT,
        "generated_at": context.timestamp,
        "epoch": EPOCH.isoformat(),
        "statuses": list(STATUSES),
        "actors": actors.table,
        "places": places.table,
        "tags": tags.table,
        "fields": [name for name, _ in ROW],
        "events": rows,
    }


def _span(date: dict[str, Any]) -> tuple[int, int, str]:
    """(start day number, span in days, display) of an event's plain `date` data."""
    start = PartialDate.parse(date["start"])
    end = PartialDate.parse(date["end"]) if date.get("end") is not None else None
    ongoing = bool(date.get("ongoing", False))
    first = start.first_day()
    span = ONGOING if ongoing else ((end or start).last_day() - first).days
    shown = display_span(
        start,
        end,
        ongoing=ongoing,
        approximate=bool(date.get("approximate", False)),
        uncertain=bool(date.get("uncertain", False)),
    )
    return (first - EPOCH).days, span, shown


def describe_explorer_fields() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(top-level keys, event row fields) with descriptions: what docs/data.md must list."""
    return list(TOP_LEVEL), list(ROW)


def write_explorer(timeline: Timeline, directory: Path, context: ExportContext) -> list[Path]:
    """Write `explorer.json` into `directory` (compact, UTF-8, one final newline)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / EXPLORER_FILE
    text = json.dumps(
        build_explorer_data(timeline, context), ensure_ascii=False, separators=(",", ":")
    )
    path.write_bytes((text + "\n").encode("utf-8"))
    return [path]
