"""The tables of the SQLite download, declared once: columns, types, keys, indexes, meanings.

The DDL (`SqlTable.create_table`), the inserts of `sqliteexport.py` and the column tables of
docs/data.md (checked by a test against `describe_sqlite_tables()`) all come from `TABLES`.
The tables are plain SQLite (no STRICT tables, no extensions), so the file opens in the
`sqlite3` shell, in Datasette and in any language's driver. Datasette finds the full-text index
by its `content="events"` option.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from functools import cache
from typing import Literal

FTS_TABLE = "events_fts"
FTS_COLUMNS = ("title", "summary", "body")
FtsModule = Literal["fts5", "fts4"]
SqlType = Literal["TEXT", "INTEGER", "NUMERIC", "REAL"]


@dataclass(frozen=True)
class SqlColumn:
    """A column: its SQL type, whether it may be null, what it references, what it means."""

    name: str
    type: SqlType
    description: str
    required: bool = False
    references: str | None = None


@dataclass(frozen=True)
class SqlTable:
    """A table with its primary key and the indexes that the common queries need."""

    name: str
    description: str
    columns: tuple[SqlColumn, ...]
    primary_key: tuple[str, ...]
    unique: tuple[str, ...] = ()
    indexes: tuple[tuple[str, ...], ...] = ()

    def create_table(self) -> str:
        lines = []
        for column in self.columns:
            line = f"  {column.name} {column.type}"
            if column.required or column.name in self.primary_key:
                line += " NOT NULL"
            if column.name in self.unique:
                line += " UNIQUE"
            if column.references:
                line += f" REFERENCES {column.references}"
            lines.append(line)
        lines.append(f"  PRIMARY KEY ({', '.join(self.primary_key)})")
        return f"CREATE TABLE {self.name} (\n" + ",\n".join(lines) + "\n)"

    def create_indexes(self) -> list[str]:
        return [
            f"CREATE INDEX {self.name}_{'_'.join(columns)} ON {self.name} ({', '.join(columns)})"
            for columns in self.indexes
        ]

    def insert(self) -> str:
        names = ", ".join(column.name for column in self.columns)
        marks = ", ".join("?" for _ in self.columns)
        # Names are this module's constants, never data; values go through placeholders.
        return f"INSERT INTO {self.name} ({names}) VALUES ({marks})"  # noqa: S608


def _col(
    name: str, type_: SqlType, description: str, *, required: bool = False, ref: str | None = None
) -> SqlColumn:
    return SqlColumn(name, type_, description, required, ref)


_EVENT_ID = _col("event_id", "TEXT", "The event (`events.id`).", ref="events(id)")
_POSITION = _col("position", "INTEGER", "Place in the event's list, from 0 (JSON array order).")
_DATE_COLUMNS = (
    _col("date_start", "TEXT", "First (or only) day, month or year, as written.", required=True),
    _col("date_end", "TEXT", "Last day, month or year of a range; null otherwise."),
    _col(
        "date_precision", "TEXT", "`day`, `month` or `year`: precision of the start.", required=True
    ),
    _col(
        "date_first_day",
        "TEXT",
        "First day the date can mean (`YYYY-MM-DD`): compare with this for ranges.",
        required=True,
    ),
    _col(
        "date_last_day",
        "TEXT",
        "Last day the date or range can mean (`YYYY-MM-DD`); null for an open range.",
    ),
    _col("ongoing", "INTEGER", "1 for a range that has not ended, else 0.", required=True),
    _col("approximate", "INTEGER", "1 when the date is approximate, else 0.", required=True),
    _col("uncertain", "INTEGER", "1 when the date itself is uncertain, else 0.", required=True),
    _col(
        "date_display",
        "TEXT",
        "The date as the site shows it: `c. November 2024`, `8–13 October 2024`.",
        required=True,
    ),
)


def _membership(name: str, registry: str, what: str) -> SqlTable:
    singular = registry[:-1]
    return SqlTable(
        name,
        f"Which events {what}; one row per pair, in the event's order.",
        (
            _EVENT_ID,
            _col(
                f"{singular}_id",
                "TEXT",
                f"The {singular} (`{registry}.id`).",
                ref=f"{registry}(id)",
            ),
            _POSITION,
        ),
        ("event_id", f"{singular}_id"),
        indexes=((f"{singular}_id",),),
    )


TABLES: tuple[SqlTable, ...] = (
    SqlTable(
        "meta",
        "Facts about the file: `schema_version`, `generated_at`, `generator`, `full_text`.",
        (
            _col("key", "TEXT", "Name of the fact."),
            _col("value", "TEXT", "Its value.", required=True),
        ),
        ("key",),
    ),
    SqlTable(
        "actors",
        "The actors registry: people, states, armed forces and organisations.",
        (
            _col("id", "TEXT", "Id used by events: `joe-biden`."),
            _col("name", "TEXT", "Name in English.", required=True),
            _col(
                "kind",
                "TEXT",
                "person, state, government, armed_force, organisation, …",
                required=True,
            ),
            _col("native_name", "TEXT", "Name in its own language and script."),
            _col("country", "TEXT", "ISO 3166-1 alpha-2 code of the actor's country."),
            _col("role", "TEXT", "Office or function at the time of the timeline."),
            _col("aliases", "TEXT", "Other names, as a JSON array of strings.", required=True),
        ),
        ("id",),
    ),
    SqlTable(
        "places",
        "The places registry.",
        (
            _col("id", "TEXT", "Id used by events: `kursk-oblast`."),
            _col("name", "TEXT", "English name.", required=True),
            _col("native_name", "TEXT", "Name in the local language and script."),
            _col("country", "TEXT", "ISO 3166-1 alpha-2 code of the place's country."),
            _col("kind", "TEXT", "settlement, region, country, border, site, body_of_water, area."),
            _col("lat", "REAL", "Latitude in decimal degrees (WGS 84)."),
            _col("lon", "REAL", "Longitude in decimal degrees (WGS 84)."),
        ),
        ("id",),
    ),
    SqlTable(
        "tags",
        "The tags registry: topics that group events.",
        (
            _col("id", "TEXT", "Id used by events: `long-range-strikes`."),
            _col("label", "TEXT", "Short label shown on the site.", required=True),
            _col("description", "TEXT", "Which events get this tag.", required=True),
        ),
        ("id",),
    ),
    SqlTable(
        "events",
        "One row per event, in the timeline's documented order.",
        (
            _col(
                "position",
                "INTEGER",
                "Place in the timeline's order, from 0; also the row id the full-text index uses.",
            ),
            _col("id", "TEXT", "The event's id: its file name without `.yaml`.", required=True),
            _col("title", "TEXT", "What happened, in one line.", required=True),
            *_DATE_COLUMNS,
            _col(
                "status", "TEXT", "confirmed, reported, claimed, disputed or denied.", required=True
            ),
            _col("summary", "TEXT", "What happened, as Markdown source.", required=True),
            _col("body", "TEXT", "Optional longer text, as Markdown source."),
            _col("url", "TEXT", "Address of the event's page on the site.", required=True),
            _col("origin_publisher", "TEXT", "Publisher of the collection it was imported from."),
            _col("origin_title", "TEXT", "Title of that collection."),
            _col("origin_url", "TEXT", "Link to that collection."),
            _col("origin_via", "TEXT", "How the entry reached the timeline."),
        ),
        ("position",),
        unique=("id",),
        indexes=(("date_first_day",), ("status",)),
    ),
    SqlTable(
        "dates",
        "Other dates of an event (announced, deadline, delivered, effective, reported).",
        (
            _EVENT_ID,
            _col("kind", "TEXT", "announced, deadline, delivered, effective or reported."),
            *_DATE_COLUMNS,
        ),
        ("event_id", "kind"),
        indexes=(("kind",),),
    ),
    _membership("event_actors", "actors", "involve which actors"),
    _membership("event_claimants", "actors", "are claimed by which actors (`claimed_by`)"),
    _membership("event_places", "places", "happened in which places"),
    _membership("event_tags", "tags", "have which tags"),
    SqlTable(
        "sources",
        "Where each event's information comes from.",
        (
            _EVENT_ID,
            _POSITION,
            _col(
                "key", "TEXT", "The source's `id` within its event, which figures and quotes use."
            ),
            _col("publisher", "TEXT", "Outlet, agency or institution.", required=True),
            _col("title", "TEXT", "Headline or document title."),
            _col("url", "TEXT", "Link to the source; null for sources known only by name."),
            _col("archive_url", "TEXT", "A copy in a web archive."),
            _col("date", "TEXT", "Publication date (`YYYY-MM-DD`, `YYYY-MM` or `YYYY`)."),
            _col("kind", "TEXT", "article, report, statement, broadcast, print, …", required=True),
            _col("language", "TEXT", "Language of the source, when it is not English."),
        ),
        ("event_id", "position"),
        indexes=(("publisher",),),
    ),
    SqlTable(
        "figures",
        "Numbers the sources give: a `value`, or a range from `low` to `high`.",
        (
            _EVENT_ID,
            _POSITION,
            _col("value", "NUMERIC", "The number, when there is one."),
            _col("low", "NUMERIC", "Lower end of a range."),
            _col("high", "NUMERIC", "Upper end of a range."),
            _col(
                "unit", "TEXT", "What the number counts in: `troops`, `billion EUR`.", required=True
            ),
            _col("what", "TEXT", "What is counted, in words.", required=True),
            _col("qualifier", "TEXT", "exact, about, estimated, up_to, at_least, …"),
            _col("status", "TEXT", "Whether the number is confirmed, reported, claimed, …"),
            _col(
                "claimed_by",
                "TEXT",
                "Ids of the actors giving the number, as a JSON array.",
                required=True,
            ),
            _col("as_of", "TEXT", "The date the number refers to, when it differs."),
            _col("source_key", "TEXT", "The `key` of the source (same event) giving the number."),
        ),
        ("event_id", "position"),
    ),
    SqlTable(
        "quotes",
        "What people said, verbatim.",
        (
            _EVENT_ID,
            _POSITION,
            _col("text", "TEXT", "The verbatim words.", required=True),
            _col("speaker", "TEXT", "Who said it (`actors.id`).", required=True, ref="actors(id)"),
            _col("language", "TEXT", "Language of `text` (BCP 47).", required=True),
            _col("translation", "TEXT", "English translation, when `text` is in another language."),
            _col("context", "TEXT", "Where or to whom it was said."),
            _col("date", "TEXT", "When it was said, if not on the event's date."),
            _col("source_key", "TEXT", "The `key` of the source (same event) reporting it."),
        ),
        ("event_id", "position"),
        indexes=(("speaker",),),
    ),
    SqlTable(
        "relations",
        "Links from one event to another (the site shows them on both).",
        (
            _EVENT_ID,
            _POSITION,
            _col(
                "other_event_id",
                "TEXT",
                "The other event (`events.id`).",
                required=True,
                ref="events(id)",
            ),
            _col(
                "relation",
                "TEXT",
                "responds_to, follows, part_of, updates, contradicts, relates_to.",
                required=True,
            ),
            _col("note", "TEXT", "How the two are connected."),
        ),
        ("event_id", "position"),
        indexes=(("other_event_id",),),
    ),
)
TABLES_BY_NAME = {table.name: table for table in TABLES}


def describe_sqlite_tables() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(table, description, [(column, description)]) for every table: what docs/data.md lists."""
    return [
        (table.name, table.description, [(c.name, c.description) for c in table.columns])
        for table in TABLES
    ]


@cache
def fts_module() -> FtsModule:
    """FTS5 when this SQLite has it (nearly all builds do), else FTS4."""
    with closing(sqlite3.connect(":memory:")) as probe:
        try:
            probe.execute("CREATE VIRTUAL TABLE probe USING fts5(x)")
        except sqlite3.OperationalError:
            return "fts4"
    return "fts5"


def create_fts(module: FtsModule) -> str:
    """The external-content full-text table over events' title, summary and body."""
    columns = ", ".join(FTS_COLUMNS)
    if module == "fts5":
        options = (
            'content="events", content_rowid="position", tokenize="unicode61 remove_diacritics 2"'
        )
    else:
        options = 'content="events", tokenize=unicode61 "remove_diacritics=2"'
    return f"CREATE VIRTUAL TABLE {FTS_TABLE} USING {module}({columns}, {options})"
