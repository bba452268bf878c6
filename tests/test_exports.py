"""Data downloads: JSON (round trip, schema), CSV, SQLite, determinism, the export command."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import sqlite3
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from conftest import FIXED_TODAY, FIXTURES, REPO, VALID_STORE, timeline_of

from generator.cli import main
from generator.exports import (
    ExportContext,
    resolve_generated_at,
    site_data_paths,
    sqliteexport,
    write_exports,
    write_site_data,
)
from generator.exports.csvexport import COLUMNS, csv_text, describe_csv_columns, neutralise_formula
from generator.exports.jsonexport import build_envelope, describe_json_fields, export_schema
from generator.exports.sqlitetables import TABLES, describe_sqlite_tables
from generator.importjson import import_export, load_export
from generator.models import SCHEMA_VERSION
from generator.store import load_timeline

GENERATED_AT = dt.datetime(2026, 11, 25, 12, 30, tzinfo=dt.UTC)
CONTEXT = ExportContext(GENERATED_AT, "https://example.org/war")
REAL_STORE = REPO / "events"
STORES = [
    pytest.param(VALID_STORE, id="valid"),
    pytest.param(FIXTURES / "hostile", id="hostile"),
    pytest.param(
        REAL_STORE,
        id="events",
        marks=pytest.mark.skipif(
            not any(REAL_STORE.glob("*/*.yaml")), reason="no events/ store yet"
        ),
    ),
]


def _load(root: Path):
    report = load_timeline(root, cache_dir=None, today=FIXED_TODAY, jobs=1)
    assert report.ok, [problem.as_text() for problem in report.problems]
    return report.timeline


@pytest.fixture(scope="module")
def valid_timeline():
    return _load(VALID_STORE)


# --- JSON ------------------------------------------------------------------------------------


@pytest.mark.parametrize("root", STORES)
def test_json_export_round_trips(root, tmp_path):
    original = _load(root)
    [data_path, _schema] = write_exports(original, tmp_path, CONTEXT, ["json"])
    report = load_export(data_path)
    assert report.problems == []
    imported = report.timeline
    assert [r.id for r in imported.records] == [r.id for r in original.records]
    assert [r.event for r in imported.records] == [r.event for r in original.records]
    assert [r.data for r in imported.records] == [r.data for r in original.records]
    assert [r.date for r in imported.records] == [r.date for r in original.records]
    assert [r.title for r in imported.records] == [r.title for r in original.records]
    assert [
        [(x.kind, x.target, x.where, x.relation) for x in r.references] for r in imported.records
    ] == [[(x.kind, x.target, x.where, x.relation) for x in r.references] for r in original.records]
    assert imported.actors == original.actors
    assert imported.places == original.places
    assert imported.tags == original.tags
    assert imported.registry_data == original.registry_data
    # Exporting the import again gives the same bytes.
    again = tmp_path / "again"
    [second, _] = write_exports(imported, again, CONTEXT, ["json"])
    assert second.read_bytes() == data_path.read_bytes()


@pytest.mark.parametrize("root", STORES)
def test_json_export_follows_its_published_schema(root, tmp_path):
    timeline = _load(root)
    data_path, schema_path = write_exports(timeline, tmp_path, CONTEXT, ["json"])
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    assert schema == export_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(json.loads(data_path.read_bytes()))


def test_json_envelope(valid_timeline):
    envelope = build_envelope(valid_timeline, CONTEXT)
    assert list(envelope) == [
        "schema_version",
        "generated_at",
        "generator",
        "events",
        "actors",
        "places",
        "tags",
    ]
    assert envelope["schema_version"] == SCHEMA_VERSION
    assert envelope["generated_at"] == "2026-11-25T12:30:00Z"
    assert re.fullmatch(r"timeline-generator \S+", envelope["generator"])
    first = envelope["events"][0]
    assert next(iter(first)) == "id"
    assert first["id"] == valid_timeline.records[0].id
    # Defaults are written out, so every event has the same keys.
    assert {frozenset(event) for event in envelope["events"]} == {frozenset(first)}
    assert list(envelope["actors"]) == sorted(envelope["actors"])


def _export_text(timeline, **changes) -> str:
    envelope = build_envelope(timeline, CONTEXT)
    envelope.update(changes)
    return json.dumps(envelope)


def test_import_refuses_another_schema_version(valid_timeline):
    report = import_export(_export_text(valid_timeline, schema_version=SCHEMA_VERSION + 1))
    assert [(p.where, p.kind) for p in report.problems] == [("schema_version", "value_error")]
    assert "is not supported" in report.problems[0].message
    assert report.timeline.records == []


def test_import_reports_invalid_events_by_json_path(valid_timeline):
    envelope = build_envelope(valid_timeline, CONTEXT)
    envelope["events"][2]["sources"][0]["url"] = "javascript:alert(1)"
    envelope["events"][3]["titel"] = "typo"
    report = import_export(json.dumps(envelope), "export.json")
    found = {(p.file, p.where, p.kind) for p in report.problems}
    assert ("export.json", "events[2].sources[0].url", "url_scheme") in found
    assert ("export.json", "events[3].titel", "extra_forbidden") in found


def test_import_runs_the_cross_file_checks(valid_timeline):
    envelope = build_envelope(valid_timeline, CONTEXT)
    del envelope["actors"]["joe-biden"]
    envelope["events"][1]["related"] = [{"event": "2024-01-01-nowhere", "relation": "follows"}]
    report = import_export(json.dumps(envelope))
    kinds = sorted(p.kind for p in report.problems)
    assert kinds == ["unknown_actor", "unknown_event"]
    assert report.problems[0].file.endswith(".yaml")


# --- CSV -------------------------------------------------------------------------------------


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_csv_has_one_row_per_event_with_the_declared_columns(valid_timeline):
    text = csv_text(valid_timeline, CONTEXT)
    assert text.endswith("\r\n")
    rows = _rows(text)
    assert list(rows[0]) == [column.name for column in COLUMNS]
    assert [row["id"] for row in rows] == [record.id for record in valid_timeline.records]
    by_id = {row["id"]: row for row in rows}
    assert by_id["2024-11-17-us-authorises-atacms"] == {
        "id": "2024-11-17-us-authorises-atacms",
        "date_start": "2024-11-17",
        "date_end": "",
        "date_precision": "day",
        "date_display": "17 November 2024",
        "ongoing": "false",
        "approximate": "false",
        "uncertain": "false",
        "title": "US authorises Ukraine to strike inside Russia with ATACMS",
        "status": "reported",
        "claimed_by": "",
        "summary": "The United States allowed Ukraine to use *ATACMS* missiles against targets "
        "inside\nRussia, according to [a report](https://example.org/news/atacms).\n",
        "actors": "joe-biden; ukraine; russia",
        "places": "kursk-oblast",
        "tags": "long-range-strikes; military-aid",
        "source_urls": "https://example.org/news/atacms",
        "source_publishers": "Example News; South Korean intelligence",
        "figure_count": "1",
        "quote_count": "0",
        "related": "2024-08-06-ukraine-enters-kursk-oblast",
        "url": "https://example.org/war/events/2024-11-17-us-authorises-atacms/",
    }
    ranged = by_id["2024-10-08-fighting-in-kursk-oblast"]
    assert (ranged["date_end"], ranged["date_display"]) == ("2024-10-13", "8–13 October 2024")
    assert by_id["2024-08-06-ukraine-enters-kursk-oblast"]["ongoing"] == "true"
    month = by_id["2024-11-eu-shells-delivered-late"]
    assert (month["date_precision"], month["approximate"]) == ("month", "true")
    assert month["date_display"] == "c. November 2024"


def test_csv_urls_are_relative_without_a_site_url(valid_timeline):
    rows = _rows(csv_text(valid_timeline, ExportContext(GENERATED_AT)))
    assert rows[0]["url"] == f"events/{rows[0]['id']}/"


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ('=HYPERLINK("https://example.org")', '\'=HYPERLINK("https://example.org")'),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("plain = text", "plain = text"),
        ("", ""),
    ],
)
def test_csv_cells_never_start_a_formula(cell, written):
    assert neutralise_formula(cell) == written


def test_csv_neutralises_hostile_titles():
    timeline = _load(FIXTURES / "hostile")
    rows = _rows(csv_text(timeline, CONTEXT))
    titles = {row["id"]: row["title"] for row in rows}
    assert titles["2024-12-02-snippet-title"] == '\'--8<-- "/etc/passwd" zebra'
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@"))


# --- SQLite ----------------------------------------------------------------------------------


def _database(timeline, directory: Path) -> sqlite3.Connection:
    [path] = write_exports(timeline, directory, CONTEXT, ["sqlite"])
    return sqlite3.connect(path)


def test_sqlite_tables_keys_and_counts(valid_timeline, tmp_path):
    db = _database(valid_timeline, tmp_path)
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    for table in TABLES:
        columns = [row[1] for row in db.execute(f"PRAGMA table_info({table.name})")]
        assert columns == [column.name for column in table.columns], table.name
        keys = [
            row[1]
            for row in sorted(db.execute(f"PRAGMA table_info({table.name})"), key=lambda r: r[5])
            if row[5]
        ]
        assert keys == list(table.primary_key), table.name
        indexed = {
            tuple(info[2] for info in db.execute(f"PRAGMA index_info({index[1]})"))
            for index in db.execute(f"PRAGMA index_list({table.name})")
        }
        assert set(table.indexes) <= indexed, table.name
    events = [r.event for r in valid_timeline.records]
    counts = {
        "events": len(events),
        "sources": sum(len(e.sources) for e in events),
        "figures": sum(len(e.figures) for e in events),
        "quotes": sum(len(e.quotes) for e in events),
        "relations": sum(len(e.related) for e in events),
        "event_actors": sum(len(e.actors) for e in events),
        "event_tags": sum(len(e.tags) for e in events),
        "dates": sum(len(e.dates) for e in events),
        "actors": len(valid_timeline.actors),
    }
    for table, count in counts.items():
        assert db.execute(f"SELECT count(*) FROM {table}").fetchone() == (count,), table
    assert db.execute("SELECT id FROM events ORDER BY position").fetchall() == [
        (record.id,) for record in valid_timeline.records
    ]
    assert dict(db.execute("SELECT key, value FROM meta")) == {
        "full_text": sqliteexport.fts_module(),
        "generated_at": "2026-11-25T12:30:00Z",
        "generator": build_envelope(valid_timeline, CONTEXT)["generator"],
        "schema_version": str(SCHEMA_VERSION),
    }


def test_sqlite_rows_carry_every_detail(valid_timeline, tmp_path):
    db = _database(valid_timeline, tmp_path)
    db.row_factory = sqlite3.Row
    event = db.execute(
        "SELECT * FROM events WHERE id = '2024-08-06-ukraine-enters-kursk-oblast'"
    ).fetchone()
    assert (event["ongoing"], event["date_first_day"], event["date_last_day"]) == (
        1,
        "2024-08-06",
        None,
    )
    month = db.execute(
        "SELECT * FROM events WHERE id = '2024-11-eu-shells-delivered-late'"
    ).fetchone()
    assert (month["date_first_day"], month["date_last_day"], month["approximate"]) == (
        "2024-11-01",
        "2024-11-30",
        1,
    )
    assert month["origin_url"] == "https://example.org/collection"
    deadline = db.execute(
        "SELECT * FROM dates WHERE kind = 'deadline' "
        "AND event_id = '2024-11-eu-shells-delivered-late'"
    ).fetchone()
    assert (deadline["date_start"], deadline["date_last_day"]) == ("2024-03", "2024-03-31")
    figure = db.execute(
        "SELECT * FROM figures WHERE event_id = '2024-11-17-us-authorises-atacms'"
    ).fetchone()
    assert (figure["value"], figure["claimed_by"], figure["source_key"]) == (
        12000,
        '["south-korean-intelligence"]',
        "nis",
    )
    assert isinstance(figure["value"], int)  # NUMERIC keeps whole numbers whole
    quote = db.execute("SELECT * FROM quotes WHERE speaker = 'olaf-scholz'").fetchone()
    assert (quote["language"], quote["translation"]) == ("de", "That will not change.")
    relation = db.execute(
        "SELECT * FROM relations WHERE event_id = '2024-10-08-fighting-in-kursk-oblast'"
    ).fetchone()
    assert (relation["other_event_id"], relation["relation"]) == (
        "2024-08-06-ukraine-enters-kursk-oblast",
        "part_of",
    )


FULL_TEXT_QUERY = (
    "SELECT events.id FROM events_fts JOIN events ON events.position = events_fts.rowid "
    "WHERE events_fts MATCH ? ORDER BY events.position"
)
# Datasette's own test for a table with full-text search (datasette/utils detect_fts_sql).
DATASETTE_DETECT_FTS = """
    select name from sqlite_master where rootpage = 0 and (
        sql like '%VIRTUAL TABLE%USING FTS%content="events"%'
        or sql like '%VIRTUAL TABLE%USING FTS%content=[events]%'
        or (tbl_name = "events" and sql like '%VIRTUAL TABLE%USING FTS%'))
"""


@pytest.mark.parametrize("module", ["fts5", "fts4"])
def test_sqlite_full_text_search(valid_timeline, tmp_path, monkeypatch, module):
    monkeypatch.setattr(sqliteexport, "fts_module", lambda: module)
    db = _database(valid_timeline, tmp_path)
    sql = db.execute("SELECT sql FROM sqlite_master WHERE name = 'events_fts'").fetchone()[0]
    assert f"USING {module}(" in sql
    assert db.execute(DATASETTE_DETECT_FTS).fetchall() == [("events_fts",)]
    assert db.execute(FULL_TEXT_QUERY, ["taurus"]).fetchall() == [
        ("2024-11-19-scholz-refuses-taurus",)
    ]
    # The body is indexed too, and diacritics-insensitive matching works on both modules.
    assert db.execute(FULL_TEXT_QUERY, ["korean"]).fetchall()
    assert db.execute("SELECT value FROM meta WHERE key = 'full_text'").fetchone() == (module,)


def test_sqlite_replaces_an_old_file(valid_timeline, tmp_path):
    (tmp_path / "timeline.sqlite").write_bytes(b"not a database")
    db = _database(valid_timeline, tmp_path)
    assert db.execute("SELECT count(*) FROM events").fetchone() == (len(valid_timeline.records),)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["timeline.sqlite"]


# --- Determinism and the site's data ---------------------------------------------------------


def test_site_data_files_and_determinism(valid_timeline, tmp_path):
    first = write_site_data(
        valid_timeline, tmp_path / "a", "https://example.org/war/", GENERATED_AT
    )
    second = write_site_data(
        valid_timeline, tmp_path / "b", "https://example.org/war/", GENERATED_AT
    )
    names = [p.relative_to(tmp_path / "a").as_posix() for p in first]
    assert names[:5] == [
        "data/timeline.json",
        "data/timeline.schema.json",
        "data/timeline.csv",
        "data/timeline.sqlite",
        "data/timeline.ics",
    ]
    assert "feeds/atom.xml" in names
    assert {f"feeds/tags/{key}.xml" for key in valid_timeline.tags} <= set(names)
    assert {f"feeds/actors/{key}.xml" for key in valid_timeline.actors} <= set(names)
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a


def test_generation_time_is_the_only_varying_value(valid_timeline, tmp_path):
    later = ExportContext(GENERATED_AT + dt.timedelta(days=3), CONTEXT.site_url)
    a = write_exports(valid_timeline, tmp_path / "a", CONTEXT, ["json", "csv"])
    b = write_exports(valid_timeline, tmp_path / "b", later, ["json", "csv"])
    assert a[2].read_bytes() == b[2].read_bytes()  # the CSV carries no time at all
    assert a[0].read_text().replace("2026-11-25T12:30:00Z", "X") == b[0].read_text().replace(
        "2026-11-28T12:30:00Z", "X"
    )


@pytest.mark.parametrize(
    ("value", "environ", "expected"),
    [
        ("2024-11-25T12:00:00Z", {}, dt.datetime(2024, 11, 25, 12, tzinfo=dt.UTC)),
        ("2024-11-25T14:00:00+02:00", {}, dt.datetime(2024, 11, 25, 12, tzinfo=dt.UTC)),
        ("2024-11-25", {}, dt.datetime(2024, 11, 25, tzinfo=dt.UTC)),
        (None, {"SOURCE_DATE_EPOCH": "1732492800"}, dt.datetime(2024, 11, 25, tzinfo=dt.UTC)),
        (
            "2024-01-01T00:00:00.5Z",
            {"SOURCE_DATE_EPOCH": "1"},
            dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
        ),
    ],
)
def test_generation_time(value, environ, expected):
    assert resolve_generated_at(value, environ) == expected


@pytest.mark.parametrize(
    ("value", "environ", "message"),
    [
        ("yesterday", {}, "'yesterday' is not an ISO 8601 time"),
        (None, {"SOURCE_DATE_EPOCH": "soon"}, "SOURCE_DATE_EPOCH='soon' is not a number"),
    ],
)
def test_generation_time_errors(value, environ, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        resolve_generated_at(value, environ)


def _copies(timeline, times: int):
    """`times` copies of every event (ids made unique), with the same registries."""
    events = {}
    for n in range(times):
        for record in timeline.records:
            events[f"{record.id}-copy{n}"] = {**record.data, "related": []}
    data = timeline.registry_data
    return timeline_of(events, data["actors"], data["places"], data["tags"])


def test_sqlite_statements_do_not_grow_with_the_events(valid_timeline, tmp_path, monkeypatch):
    """Rows go in through one executemany per table: 10x the events, the same statements."""
    calls = []

    class Counting(sqlite3.Connection):
        def execute(self, sql, *args):
            calls.append(sql)
            return super().execute(sql, *args)

        def executemany(self, sql, rows):
            calls.append(sql)
            return super().executemany(sql, rows)

    original = sqlite3.connect

    def connect(path):
        return original(path, factory=Counting)

    monkeypatch.setattr(sqliteexport.sqlite3, "connect", connect)
    counts = []
    for times in (1, 10):
        calls.clear()
        write_exports(_copies(valid_timeline, times), tmp_path / str(times), CONTEXT, ["sqlite"])
        counts.append(len(calls))
    assert counts[0] == counts[1]
    assert sum("rebuild" in sql for sql in calls) == 1


# --- The export command ----------------------------------------------------------------------


def test_export_command_writes_every_format(store, tmp_path):
    result = CliRunner().invoke(
        main, ["export", "--out", "out", "--generated-at", "2026-11-25T12:30:00Z"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"wrote {Path('out') / name}"
        for name in (
            "timeline.json",
            "timeline.schema.json",
            "timeline.csv",
            "timeline.sqlite",
            "timeline.ics",
        )
    ]
    envelope = json.loads((tmp_path / "out" / "timeline.json").read_bytes())
    assert envelope["generated_at"] == "2026-11-25T12:30:00Z"
    assert envelope["events"][0]["id"] == "2021-north-korea-supplies-munitions"


def test_export_command_one_format_and_source_date_epoch(store, tmp_path):
    result = CliRunner().invoke(
        main, ["export", "--format", "csv"], env={"SOURCE_DATE_EPOCH": "1732492800"}
    )
    assert result.exit_code == 0, result.output
    assert result.output == f"wrote {Path('export') / 'timeline.csv'}\n"
    assert sorted(p.name for p in (tmp_path / "export").iterdir()) == ["timeline.csv"]


def test_export_command_refuses_an_invalid_store(store, tmp_path):
    bad = store / "2024" / "2024-11-17-us-authorises-atacms.yaml"
    bad.write_text(bad.read_text().replace("status: reported", "status: reportd"))
    result = CliRunner().invoke(main, ["export"])
    assert result.exit_code == 1
    assert "events/2024/2024-11-17-us-authorises-atacms.yaml:4:9: status:" in result.output
    assert "nothing exported" in result.output
    assert not (tmp_path / "export").exists()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--generated-at", "soon"], "Invalid value for --generated-at"),
        (["--site-url", "javascript:alert(1)"], "Invalid value for --site-url"),
        (["--format", "xml"], "Invalid value for '--format'"),
        (["--events", "nowhere"], "no events folder at nowhere"),
    ],
)
def test_export_command_usage_errors(store, arguments, message):
    result = CliRunner().invoke(main, ["export", *arguments])
    assert result.exit_code == 2
    assert message in result.output


# --- docs/data.md ----------------------------------------------------------------------------

DATA_PAGE = REPO / "docs" / "data.md"
_ROW = re.compile(r"^\| `([^`]+)` \| (.+) \|$")


def _section(text: str, heading: str) -> str:
    start = text.index(heading + "\n")
    level = heading.split(" ")[0]
    rest = text[start + len(heading) + 1 :]
    ends = [m.start() for m in re.finditer(rf"^#{{1,{len(level)}}} ", rest, re.MULTILINE)]
    return rest[: ends[0]] if ends else rest


def _table(section: str) -> list[tuple[str, str]]:
    return [m.groups() for line in section.splitlines() if (m := _ROW.match(line))]


def test_data_page_documents_every_json_key():
    text = DATA_PAGE.read_text(encoding="utf-8")
    assert _table(_section(text, "## JSON")) == describe_json_fields()


def test_data_page_documents_every_csv_column():
    text = DATA_PAGE.read_text(encoding="utf-8")
    assert _table(_section(text, "## CSV")) == describe_csv_columns()


def test_data_page_documents_every_sqlite_table_and_column():
    text = DATA_PAGE.read_text(encoding="utf-8")
    for table, description, columns in describe_sqlite_tables():
        section = _section(text, f"### `{table}`")
        assert description in section, table
        assert _table(section) == columns, table


@pytest.mark.parametrize("store", STORES)
def test_site_data_paths_name_what_is_written_in_order(store, tmp_path):
    """The plugin registers these with mkdocs before a background process writes them."""
    timeline = _load(store)
    written = write_site_data(timeline, tmp_path, None, GENERATED_AT)
    assert site_data_paths(timeline) == [path.relative_to(tmp_path).as_posix() for path in written]
