"""The iCalendar file: read back with the `icalendar` library; folding, escaping, precision."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from conftest import FIXED_TODAY, FIXTURES, VALID_STORE, timeline_of

from generator.exports import ExportContext, write_exports
from generator.icalendar_export import (
    MAX_LINE_OCTETS,
    calendar_text,
    escape_text,
    fold,
    summary_line,
)
from generator.store import load_timeline

GENERATED_AT = dt.datetime(2026, 11, 25, 12, 30, tzinfo=dt.UTC)
CONTEXT = ExportContext(GENERATED_AT, "https://example.org/war/")
D = dt.date

#: id -> (DTSTART, DTEND exclusive, SUMMARY) for every event of the valid fixture store.
EXPECTED = {
    "2021-north-korea-supplies-munitions": (
        D(2021, 1, 1),
        D(2022, 1, 1),
        "North Korea starts supplying munitions to Russia (possibly 2021; date known to the year)",
    ),
    "2024-08-06-ukraine-enters-kursk-oblast": (
        D(2024, 8, 6),
        D(2026, 11, 26),
        "Ukrainian forces enter Russia's Kursk Oblast (ongoing)",
    ),
    "2024-10-08-fighting-in-kursk-oblast": (
        D(2024, 10, 8),
        D(2024, 10, 14),
        "Heavy fighting in Kursk Oblast",
    ),
    "2024-11-eu-shells-delivered-late": (
        D(2024, 11, 1),
        D(2024, 12, 1),
        "EU delivers its millionth shell, eight months late "
        "(c. November 2024; date known to the month)",
    ),
    "2024-11-north-korea-paid-for-troops": (
        D(2024, 11, 1),
        D(2024, 12, 1),
        "North Korea is paid for the troops it sends (date known to the month)",
    ),
    "2024-11-17-us-authorises-atacms": (
        D(2024, 11, 17),
        D(2024, 11, 18),
        "US authorises Ukraine to strike inside Russia with ATACMS",
    ),
    "2024-11-18-putin-warns-nato": (
        D(2024, 11, 18),
        D(2024, 11, 19),
        "Putin warns that long-range strikes would mean NATO is at war with Russia",
    ),
    "2024-11-19-scholz-refuses-taurus": (
        D(2024, 11, 19),
        D(2024, 11, 20),
        "Scholz again refuses to send Taurus missiles",
    ),
}


def _load(root):
    report = load_timeline(root, cache_dir=None, today=FIXED_TODAY, jobs=1)
    assert report.ok, [problem.as_text() for problem in report.problems]
    return report.timeline


@pytest.fixture(scope="module")
def valid_timeline():
    return _load(VALID_STORE)


def _events(text: str) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(text)
    return {str(event["UID"]).split("@")[0]: event for event in calendar.walk("VEVENT")}


def test_every_event_reads_back(valid_timeline, tmp_path):
    [path] = write_exports(valid_timeline, tmp_path, CONTEXT, ["ics"])
    text = path.read_bytes().decode()
    calendar = icalendar.Calendar.from_ical(text)
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]).startswith("-//timeline-generator//")
    events = _events(text)
    assert list(events) == [record.id for record in valid_timeline.records]
    assert set(events) == set(EXPECTED)
    for event_id, (start, end, summary) in EXPECTED.items():
        event = events[event_id]
        assert str(event["UID"]) == f"{event_id}@example.org"
        assert event["DTSTART"].params["VALUE"] == "DATE"
        assert event["DTSTART"].dt == start
        assert event["DTEND"].dt == end
        assert type(event["DTSTART"].dt) is dt.date  # all-day, not a time
        assert str(event["SUMMARY"]) == summary
        assert event["DTSTAMP"].dt == GENERATED_AT
        assert str(event["URL"]) == f"https://example.org/war/events/{event_id}/"
        assert str(event["TRANSP"]) == "TRANSPARENT"


def test_descriptions_are_honest_about_the_date(valid_timeline):
    events = _events(calendar_text(valid_timeline, CONTEXT))
    ongoing = str(events["2024-08-06-ukraine-enters-kursk-oblast"]["DESCRIPTION"])
    assert ongoing.startswith(
        "Date: 6 August 2024 – ongoing\nOngoing: the entry ends on 2026-11-25"
    )
    month = str(events["2024-11-eu-shells-delivered-late"]["DESCRIPTION"])
    assert month.startswith(
        "Date: c. November 2024\nThe sources give the date only to the month: this entry "
        "covers every day of that month.\nStatus: confirmed\n\nThe European Union"
    )
    claimed = str(events["2024-11-north-korea-paid-for-troops"]["DESCRIPTION"])
    assert "Status: claimed (claimed by " in claimed
    atacms = events["2024-11-17-us-authorises-atacms"]
    assert str(atacms["DESCRIPTION"]).endswith(
        "[a report](https://example.org/news/atacms).\n\n"
        "https://example.org/war/events/2024-11-17-us-authorises-atacms/"
    )
    assert [str(c) for c in atacms["CATEGORIES"].cats] == ["Long-range strikes", "Military aid"]


def test_lines_are_folded_at_75_octets_and_end_in_crlf():
    hostile = _load(FIXTURES / "hostile")
    raw = calendar_text(hostile, CONTEXT).encode()
    assert raw.endswith(b"\r\n")
    lines = raw.split(b"\r\n")[:-1]
    assert b"\n" not in b"".join(lines)
    assert b"\r" not in b"".join(lines)
    for line in lines:
        assert len(line) <= MAX_LINE_OCTETS
        line.decode()  # never cut inside a UTF-8 sequence
    events = _events(raw.decode())
    by_id = {record.id: record.event for record in hostile.records}
    for event_id, event in events.items():
        assert str(event["SUMMARY"]) == summary_line(by_id[event_id])
        assert by_id[event_id].summary.strip() in str(event["DESCRIPTION"])


@pytest.mark.parametrize(
    "line",
    [
        "SUMMARY:" + "a" * 200,
        "SUMMARY:" + "Україна " * 40,
        "SUMMARY:" + "😀" * 50,
        "SUMMARY:" + "x" * 67,
        "SUMMARY:" + "x" * 68,
    ],
)
def test_fold(line):
    folded = fold(line)
    pieces = folded.split("\r\n")
    assert all(len(piece.encode()) <= MAX_LINE_OCTETS for piece in pieces)
    assert all(piece.startswith(" ") for piece in pieces[1:])
    assert pieces[0] + "".join(piece[1:] for piece in pieces[1:]) == line
    assert (len(pieces) == 1) == (len(line.encode()) <= MAX_LINE_OCTETS)


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("a, b; c", "a\\, b\\; c"),
        ("back\\slash", "back\\\\slash"),
        ("two\nlines\r\nand\rthree", "two\\nlines\\nand\\nthree"),
        ("colon: fine", "colon: fine"),
        ("\\,", "\\\\\\,"),
    ],
)
def test_escape_text(text, escaped):
    assert escape_text(text) == escaped


def test_escaped_text_reads_back_unchanged():
    title = 'Commas, semicolons; a backslash \\ and "quotes"'
    summary = "First line, with a comma; and a semicolon.\n\n- a list item \\ with backslash"
    timeline = timeline_of(
        {
            "2024-05-01-escapes": {
                "title": title,
                "date": "2024-05-01",
                "status": "reported",
                "summary": summary,
                "tags": ["a-tag"],
                "sources": [{"publisher": "Example", "url": "https://example.org/x"}],
            }
        },
        tags={"a-tag": {"label": "Commas, and; semicolons", "description": "A tag."}},
    )
    [event] = _events(calendar_text(timeline, ExportContext(GENERATED_AT))).values()
    assert str(event["SUMMARY"]) == title
    assert str(event["DESCRIPTION"]) == (
        f"Date: 1 May 2024\nStatus: reported\n\n{summary}"  # no page link without a site URL
    )
    assert str(event["UID"]) == "2024-05-01-escapes@timeline"
    assert "URL" not in event
    assert [str(c) for c in event["CATEGORIES"].cats] == ["Commas, and; semicolons"]


def test_ranges_known_to_the_month_and_open_ranges_starting_today():
    events = {
        "2024-03-range": {"start": "2024-03", "end": "2024-11"},
        "2024-02-mixed": {"start": "2024-02-10", "end": "2025"},
        "2026-11-25-today": {"start": "2026-11-25", "ongoing": True},
    }
    timeline = timeline_of(
        {
            key: {
                "title": f"Event {key}",
                "date": date,
                "status": "reported",
                "summary": "Text.",
                "sources": [{"publisher": "Example", "url": "https://example.org/x"}],
            }
            for key, date in events.items()
        }
    )
    parsed = _events(calendar_text(timeline, CONTEXT))
    ranged = parsed["2024-03-range"]
    assert (ranged["DTSTART"].dt, ranged["DTEND"].dt) == (D(2024, 3, 1), D(2024, 12, 1))
    assert str(ranged["SUMMARY"]) == "Event 2024-03-range (dates known to the month)"
    mixed = parsed["2024-02-mixed"]
    assert (mixed["DTSTART"].dt, mixed["DTEND"].dt) == (D(2024, 2, 10), D(2026, 1, 1))
    assert str(mixed["SUMMARY"]) == "Event 2024-02-mixed (dates known to the year)"
    today = parsed["2026-11-25-today"]
    assert (today["DTSTART"].dt, today["DTEND"].dt) == (D(2026, 11, 25), D(2026, 11, 26))
