"""The timeline as an iCalendar file (RFC 5545): one all-day VEVENT per event.

Calendars know only exact days, so a date known to the month or the year becomes an entry that
spans the whole month or year, and says so in its summary ("(date known to the month)");
approximate and uncertain dates say "c." and "possibly"; an open range ends on the day the file
was generated, and the description says that this end is not a real one. Nothing is shown as
more precise than the sources make it.

Written by hand rather than through a library: the format needs only TEXT escaping, line
folding at 75 octets and CRLF line ends, and the tests read the result back with the
`icalendar` package to check all three.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from generator.exports.context import GENERATOR_NAME, ExportContext, generator_label
from generator.models import Event, EventDate
from generator.store import Timeline

CALENDAR_FILE = "timeline.ics"
#: RFC 5545 §3.1: lines SHOULD NOT be longer than 75 octets, excluding the line break.
MAX_LINE_OCTETS = 75
CRLF = "\r\n"


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 §3.3.11): backslash, `;` and `,` escaped, line breaks as `\\n`."""
    escaped = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return escaped.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold a content line into physical lines of at most 75 octets (RFC 5545 §3.1).

    Continuation lines start with one space, which counts towards their 75 octets; a line is
    never cut inside a UTF-8 sequence (a cut backs off over continuation bytes, 0b10xxxxxx).
    """
    data = line.encode()
    if len(data) <= MAX_LINE_OCTETS:
        return line
    pieces: list[bytes] = []
    start, limit = 0, MAX_LINE_OCTETS
    while len(data) - start > limit:
        cut = start + limit
        while data[cut] & 0xC0 == 0x80:
            cut -= 1
        pieces.append(data[start:cut])
        start, limit = cut, MAX_LINE_OCTETS - 1
    pieces.append(data[start:])
    return (CRLF + " ").join(piece.decode() for piece in pieces)


def calendar_span(date: EventDate, generated_on: dt.date) -> tuple[dt.date, dt.date]:
    """First day and the day after the last (DTEND is exclusive) that the date can mean."""
    first = date.start.first_day()
    last = max(generated_on, first) if date.ongoing else (date.end or date.start).last_day()
    return first, last + dt.timedelta(days=1)


def coarsest_precision(date: EventDate) -> str | None:
    """`month` or `year` when the date (or either end of a range) is not known to the day."""
    precisions = {date.start.precision} | ({date.end.precision} if date.end else set())
    for precision in ("year", "month"):
        if precision in precisions:
            return precision
    return None


def precision_note(date: EventDate) -> str | None:
    """`date known to the month`, `dates known to the year`, or None for exact days."""
    coarsest = coarsest_precision(date)
    if coarsest is None:
        return None
    return f"{'dates' if date.end is not None else 'date'} known to the {coarsest}"


def summary_line(event: Event) -> str:
    """The title, followed by what a reader must know about the date's precision."""
    date = event.date
    parts = []
    if date.approximate or date.uncertain:
        parts.append(date.display())
    elif date.ongoing:
        parts.append("ongoing")
    note = precision_note(date)
    if note:
        parts.append(note)
    return f"{event.title} ({'; '.join(parts)})" if parts else event.title


def _description(
    event: Event, url: str | None, generated_on: dt.date, actor_names: dict[str, str]
) -> str:
    """Date (with what its span means), status, the summary's Markdown source, the page."""
    date = event.date
    lines = [f"Date: {date.display()}"]
    coarsest = coarsest_precision(date)
    if coarsest:
        lines.append(
            f"The sources give the dates only to the {coarsest}: this entry covers every day "
            "they can mean."
            if date.end is not None
            else f"The sources give the date only to the {coarsest}: this entry covers every "
            f"day of that {coarsest}."
        )
    if date.ongoing:
        lines.append(
            f"Ongoing: the entry ends on {generated_on.isoformat()}, the day this calendar "
            "was generated, not on a real end date."
        )
    status: str = event.status
    if event.claimed_by:
        names = ", ".join(actor_names.get(actor, actor) for actor in event.claimed_by)
        status += f" (claimed by {names})"
    # Markdown source reads well as plain text and keeps list items and link targets.
    lines += [f"Status: {status}", "", event.summary.strip()]
    if url:
        lines += ["", url]
    return "\n".join(lines)


def calendar_lines(timeline: Timeline, context: ExportContext) -> Iterator[str]:
    """Every content line of the calendar, unfolded, in timeline order."""
    host = (urlsplit(context.site_url).hostname if context.site_url else None) or "timeline"
    stamp = context.generated_at.strftime("%Y%m%dT%H%M%SZ")
    generated_on = context.generated_at.date()
    names = {key: actor.name for key, actor in timeline.actors.items()}
    yield "BEGIN:VCALENDAR"
    yield "VERSION:2.0"
    yield f"PRODID:-//{GENERATOR_NAME}//{escape_text(generator_label())}//EN"
    yield "CALSCALE:GREGORIAN"
    yield "METHOD:PUBLISH"
    yield f"X-WR-CALNAME:{escape_text(context.site_name)}"
    for record in timeline.records:
        event = record.event
        start, end = calendar_span(event.date, generated_on)
        # A page address relative to an unknown site means nothing inside a calendar program.
        url = context.event_url(record.id) if context.site_url else None
        yield "BEGIN:VEVENT"
        yield f"UID:{record.id}@{host}"
        yield f"DTSTAMP:{stamp}"
        yield f"DTSTART;VALUE=DATE:{start:%Y%m%d}"
        yield f"DTEND;VALUE=DATE:{end:%Y%m%d}"
        yield f"SUMMARY:{escape_text(summary_line(event))}"
        yield f"DESCRIPTION:{escape_text(_description(event, url, generated_on, names))}"
        if url:
            yield f"URL:{url}"
        labels = [timeline.tags[t].label if t in timeline.tags else t for t in event.tags]
        if labels:
            yield "CATEGORIES:" + ",".join(escape_text(label) for label in labels)
        yield "TRANSP:TRANSPARENT"
        yield "END:VEVENT"
    yield "END:VCALENDAR"


def calendar_text(timeline: Timeline, context: ExportContext) -> str:
    """The file: folded lines, each ended by CRLF."""
    return "".join(fold(line) + CRLF for line in calendar_lines(timeline, context))


def write_calendar(timeline: Timeline, directory: Path, context: ExportContext) -> list[Path]:
    """Write `timeline.ics` into `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / CALENDAR_FILE
    path.write_bytes(calendar_text(timeline, context).encode())
    return [path]
