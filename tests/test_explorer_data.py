"""The explorer's data file (data/explorer.json): shape, day numbers, indexes, size, docs."""

from __future__ import annotations

import datetime as dt
import json
import re
import sys

import pytest
from conftest import FIXED_TODAY, FIXTURES, REPO, VALID_STORE, timeline_of

from generator.exports import ExportContext, write_site_data
from generator.exports.explorer import (
    EXPLORER_FORMAT,
    ONGOING,
    ROW,
    SNIPPET_LENGTH,
    TOP_LEVEL,
    build_explorer_data,
    describe_explorer_fields,
    write_explorer,
)
from generator.store import load_timeline

GENERATED_AT = dt.datetime(2026, 11, 25, 12, 30, tzinfo=dt.UTC)
CONTEXT = ExportContext(GENERATED_AT)
FIELDS = [name for name, _ in ROW]


def _day(iso: str) -> int:
    return (dt.date.fromisoformat(iso) - dt.date(1970, 1, 1)).days


def _load(root):
    report = load_timeline(root, cache_dir=None, today=FIXED_TODAY, jobs=1)
    assert report.ok, [problem.as_text() for problem in report.problems]
    return report.timeline


@pytest.fixture(scope="module")
def valid_timeline():
    return _load(VALID_STORE)


@pytest.fixture(scope="module")
def valid_data(valid_timeline):
    return build_explorer_data(valid_timeline, CONTEXT)


def _rows(data) -> dict[str, dict]:
    return {row[0]: dict(zip(data["fields"], row, strict=True)) for row in data["events"]}


def test_top_level_keys_and_fields_in_documented_order(valid_data):
    assert list(valid_data) == [key for key, _ in TOP_LEVEL]
    assert valid_data["format"] == EXPLORER_FORMAT
    assert valid_data["generated_at"] == "2026-11-25T12:30:00Z"
    assert valid_data["epoch"] == "1970-01-01"
    assert valid_data["statuses"] == ["confirmed", "reported", "claimed", "disputed", "denied"]
    assert valid_data["fields"] == FIELDS
    assert all(len(row) == len(FIELDS) for row in valid_data["events"])


def test_events_keep_the_timeline_order(valid_timeline, valid_data):
    assert [row[0] for row in valid_data["events"]] == [r.id for r in valid_timeline.records]


@pytest.mark.parametrize(
    ("event_id", "start", "span", "date"),
    [
        ("2024-11-17-us-authorises-atacms", "2024-11-17", 0, "17 November 2024"),
        ("2024-10-08-fighting-in-kursk-oblast", "2024-10-08", 5, "8–13 October 2024"),
        (
            "2024-08-06-ukraine-enters-kursk-oblast",
            "2024-08-06",
            ONGOING,
            "6 August 2024 – ongoing",
        ),
        ("2024-11-eu-shells-delivered-late", "2024-11-01", 29, "c. November 2024"),
        ("2024-11-north-korea-paid-for-troops", "2024-11-01", 29, "November 2024"),
        ("2021-north-korea-supplies-munitions", "2021-01-01", 364, "possibly 2021"),
    ],
)
def test_dates_are_day_numbers_spans_and_the_sites_display(valid_data, event_id, start, span, date):
    row = _rows(valid_data)[event_id]
    assert (row["start"], row["span"], row["date"]) == (_day(start), span, date)


def test_indexes_point_at_the_registries(valid_timeline, valid_data):
    rows = _rows(valid_data)
    for record in valid_timeline.records:
        row = rows[record.id]
        for kind in ("actors", "places", "tags"):
            table = valid_data[kind]
            assert [table[index][0] for index in row[kind]] == record.data.get(kind, [])
        assert valid_data["statuses"][row["status"]] == record.data["status"]
        assert row["title"] == record.title
    assert valid_data["actors"] == sorted(
        [key, actor.name] for key, actor in valid_timeline.actors.items()
    )
    assert valid_data["tags"] == sorted(
        [key, tag.label] for key, tag in valid_timeline.tags.items()
    )


def test_text_is_the_summary_as_short_plain_text(valid_data):
    text = _rows(valid_data)["2024-11-17-us-authorises-atacms"]["text"]
    assert text.startswith("The United States allowed Ukraine to use ATACMS missiles")
    assert not {"*", "[", "<"} & set(text)
    assert len(text) <= SNIPPET_LENGTH
    assert text.endswith("…")
    assert all(len(row[-1]) <= SNIPPET_LENGTH for row in valid_data["events"])


def test_hostile_text_is_kept_verbatim_as_data():
    """Titles reach the file as written: escaping is the script's job (textContent)."""
    timeline = _load(FIXTURES / "hostile")
    data = build_explorer_data(timeline, CONTEXT)
    titles = {row[0]: row[4] for row in data["events"]}
    assert titles == {record.id: record.title for record in timeline.records}
    assert any("<script>" in title for title in titles.values())


def test_unknown_registry_ids_are_kept_with_their_id_as_label():
    timeline = timeline_of(
        {
            "2024-05-01-a": {
                "title": "A",
                "date": "2024-05-01",
                "status": "confirmed",
                "summary": "Something.",
                "actors": ["known", "ghost"],
                "sources": [{"publisher": "Example", "url": "https://example.org/"}],
            }
        },
        actors={"known": {"name": "Known Actor", "kind": "person"}},
    )
    data = build_explorer_data(timeline, CONTEXT)
    assert data["actors"] == [["known", "Known Actor"], ["ghost", "ghost"]]
    assert data["events"][0][FIELDS.index("actors")] == [0, 1]


def test_written_file_is_compact_deterministic_and_in_the_site_data(valid_timeline, tmp_path):
    first = write_explorer(valid_timeline, tmp_path / "a", CONTEXT)[0]
    second = write_explorer(valid_timeline, tmp_path / "b", CONTEXT)[0]
    assert first.name == "explorer.json"
    text = first.read_text(encoding="utf-8")
    assert first.read_bytes() == second.read_bytes()
    assert text.endswith("}\n")
    assert "\n" not in text[:-1]
    assert ", " not in text[:200]
    assert json.loads(text) == build_explorer_data(valid_timeline, CONTEXT)
    written = write_site_data(valid_timeline, tmp_path / "site", None, GENERATED_AT)
    assert tmp_path / "site" / "data" / "explorer.json" in written


def test_size_per_event_is_a_fraction_of_the_json_export(tmp_path):
    """About 300 bytes an event (≈3 MB at 10,000), against about 2 KB in timeline.json."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    import corpus

    corpus.generate(tmp_path, 200, seed=1)
    timeline = _load(tmp_path / "events")
    write_site_data(timeline, tmp_path / "site", None, GENERATED_AT)
    explorer = (tmp_path / "site" / "data" / "explorer.json").stat().st_size
    full = (tmp_path / "site" / "data" / "timeline.json").stat().st_size
    events = len(timeline.records)
    assert explorer / events < 400, explorer / events
    assert explorer * 5 < full, (explorer, full)


# --- docs/data.md ----------------------------------------------------------------------------

_ROW = re.compile(r"^\| `([^`]+)` \| (.+) \|$")


def _section(text: str) -> str:
    start = text.index("## Explorer data (explorer.json)\n")
    rest = text[start:]
    following = re.search(r"^## ", rest[3:], re.MULTILINE)
    return rest[: following.start() + 3] if following else rest


def test_data_page_documents_the_explorer_file():
    section = _section((REPO / "docs" / "data.md").read_text(encoding="utf-8"))
    table = [m.groups() for line in section.splitlines() if (m := _ROW.match(line))]
    top, row = describe_explorer_fields()
    assert table == top + row
