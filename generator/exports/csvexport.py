"""The CSV download: one row per event, lists flattened into `; `-separated cells.

`COLUMNS` is the single declaration of the file: the writer takes names and values from it, and
the docs test checks docs/data.md against `describe_csv_columns()`, so a column cannot be added
without being documented. The JSON and SQLite downloads keep every detail; this file is what a
spreadsheet needs.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from generator.exports.context import ExportContext
from generator.models import Event
from generator.store import Timeline

CSV_FILE = "timeline.csv"
LIST_SEPARATOR = "; "
#: A cell starting with one of these is a formula to a spreadsheet ("CSV injection"); such
#: cells get a leading apostrophe, which spreadsheets hide and other readers can strip.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Row:
    """What a column extractor may look at: the event, its id and its page."""

    id: str
    event: Event
    url: str


@dataclass(frozen=True)
class Column:
    """One column of the CSV file: its header, its documentation and how to fill it."""

    name: str
    description: str
    extract: Callable[[Row], str]


def _joined(values: Iterable[str | None]) -> str:
    return LIST_SEPARATOR.join(value for value in values if value)


def _flag(value: bool) -> str:
    return "true" if value else "false"


COLUMNS: tuple[Column, ...] = (
    Column(
        "id",
        "The event's id: its file name without `.yaml`. Joins with the JSON and SQLite downloads.",
        lambda row: row.id,
    ),
    Column(
        "date_start",
        "First (or only) day, month or year of the date, as written: `2024-11-17`, `2024-11` "
        "or `2024`.",
        lambda row: row.event.date.start.iso(),
    ),
    Column(
        "date_end",
        "Last day, month or year of a range; empty for a single date or an open range.",
        lambda row: row.event.date.end.iso() if row.event.date.end else "",
    ),
    Column(
        "date_precision",
        "How precisely the start is known: `day`, `month` or `year`.",
        lambda row: row.event.date.start.precision,
    ),
    Column(
        "date_display",
        "The date as the site shows it, with its qualifiers: `c. November 2024`, "
        "`8–13 October 2024`, `6 August 2024 – ongoing`.",
        lambda row: row.event.date.display(),
    ),
    Column(
        "ongoing",
        "`true` for a range that has not ended yet, else `false`.",
        lambda row: _flag(row.event.date.ongoing),
    ),
    Column(
        "approximate",
        '`true` when the date is approximate ("c. November 2024"), else `false`.',
        lambda row: _flag(row.event.date.approximate),
    ),
    Column(
        "uncertain",
        '`true` when the date itself is uncertain ("possibly 2021"), else `false`.',
        lambda row: _flag(row.event.date.uncertain),
    ),
    Column("title", "What happened, in one line of plain text.", lambda row: row.event.title),
    Column(
        "status",
        "`confirmed`, `reported`, `claimed`, `disputed` or `denied`.",
        lambda row: row.event.status,
    ),
    Column(
        "claimed_by",
        "Ids of the actors who make the claim, separated by `; `.",
        lambda row: _joined(row.event.claimed_by),
    ),
    Column(
        "summary",
        "What happened, as Markdown source (may span several lines).",
        lambda row: row.event.summary,
    ),
    Column(
        "actors",
        "Ids of the actors involved, separated by `; ` (see the actors table in the JSON "
        "or SQLite download for names).",
        lambda row: _joined(row.event.actors),
    ),
    Column(
        "places",
        "Ids of the places, separated by `; `.",
        lambda row: _joined(row.event.places),
    ),
    Column("tags", "Ids of the tags, separated by `; `.", lambda row: _joined(row.event.tags)),
    Column(
        "source_urls",
        "Links to the sources, separated by `; `; sources known only by name have none.",
        lambda row: _joined(source.url for source in row.event.sources),
    ),
    Column(
        "source_publishers",
        "Publishers of the sources, in the event's order, separated by `; `.",
        lambda row: _joined(source.publisher for source in row.event.sources),
    ),
    Column(
        "figure_count",
        "How many figures (numbers the sources give) the event has.",
        lambda row: str(len(row.event.figures)),
    ),
    Column(
        "quote_count",
        "How many quotes the event has.",
        lambda row: str(len(row.event.quotes)),
    ),
    Column(
        "related",
        "Ids of related events, separated by `; ` (the kind of each relation is in the JSON "
        "and SQLite downloads).",
        lambda row: _joined(relation.event for relation in row.event.related),
    ),
    Column(
        "url",
        "Address of the event's page on the site (relative to the site root when the site's "
        "address is not configured).",
        lambda row: row.url,
    ),
)


def describe_csv_columns() -> list[tuple[str, str]]:
    """(name, description) of every column, in file order: what docs/data.md must list."""
    return [(column.name, column.description) for column in COLUMNS]


def neutralise_formula(cell: str) -> str:
    """Prefix an apostrophe to a cell a spreadsheet would run as a formula."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def csv_text(timeline: Timeline, context: ExportContext) -> str:
    """The whole file: a header row, then one row per event in timeline order (CRLF lines)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([column.name for column in COLUMNS])
    writer.writerows(
        [neutralise_formula(column.extract(row)) for column in COLUMNS]
        for row in (
            Row(record.id, record.event, context.event_url(record.id))
            for record in timeline.records
        )
    )
    return buffer.getvalue()


def write_csv(timeline: Timeline, directory: Path, context: ExportContext) -> list[Path]:
    """Write `timeline.csv` (UTF-8, RFC 4180 quoting) into `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / CSV_FILE
    path.write_bytes(csv_text(timeline, context).encode())
    return [path]
