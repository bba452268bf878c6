"""Chronology pages: the index of years, one page per year and two per month (both orders).

Events are placed by where their date *starts*, in the documented sort order (`dates.py`):
an event dated only to a year is listed on that year's page, one dated only to a month opens
that month's page before its days, and a range is listed on the day it starts.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import groupby

from generator.dates import PartialDate
from generator.pages.events import EventIndex
from generator.pages.model import Count, EventItem, Group, Link, Page
from generator.records import EventRecord

CHRONOLOGY = "chronology/index.md"
MONTH_ONLY_NOTE = "Dated only to the month"
YEAR_ONLY_NOTE = "Dated only to the year"


@dataclass(frozen=True)
class YearEntry:
    link: Link
    count: int
    months: list[Count]


@dataclass(frozen=True)
class ChronologyView:
    total: int
    years: list[YearEntry]
    latest_month: Link | None


@dataclass(frozen=True)
class YearView:
    year: int
    count: int
    months: list[Count]
    year_only: Group | None
    up: Link


@dataclass(frozen=True)
class MonthView:
    heading: str
    count: int
    groups: list[Group]
    newest_first: bool
    other_order: Link
    up: Link


def year_uri(year: int) -> str:
    return f"chronology/{year:04d}/index.md"


def month_uri(year: int, month: int, newest_first: bool = False) -> str:
    leaf = "newest-first/index.md" if newest_first else "index.md"
    return f"chronology/{year:04d}/{month:02d}/{leaf}"


def chronology_pages(index: EventIndex) -> list[Page]:
    """The chronology index, every year page and both orders of every month page."""
    by_year: dict[int, list[EventRecord]] = defaultdict(list)
    by_month: dict[tuple[int, int], list[EventRecord]] = defaultdict(list)
    for record in index.records:
        start = record.event.date.start
        by_year[start.year].append(record)
        if start.month is not None:
            by_month[(start.year, start.month)].append(record)
    years = sorted(by_year)
    months = sorted(by_month)
    pages = [_index_page(index, years, by_year, by_month)]
    for position, year in enumerate(years):
        pages.append(_year_page(index, year, by_year[year], by_month, years, position))
    for position, (year, month) in enumerate(months):
        records = by_month[(year, month)]
        for newest_first in (False, True):
            pages.append(_month_page(index, year, month, records, months, position, newest_first))
    return pages


def _month_label(year: int, month: int) -> str:
    return PartialDate(year, month).display()


def _month_counts(year: int, by_month: dict[tuple[int, int], list[EventRecord]]) -> list[Count]:
    return [
        Count(Link(month_uri(year, month), _month_label(year, month)), len(by_month[(y, month)]))
        for (y, month) in sorted(by_month)
        if y == year
    ]


def _index_page(
    index: EventIndex,
    years: list[int],
    by_year: dict[int, list[EventRecord]],
    by_month: dict[tuple[int, int], list[EventRecord]],
) -> Page:
    months_of: dict[int, list[Count]] = defaultdict(list)
    for year, month in sorted(by_month):
        link = Link(month_uri(year, month), _month_label(year, month))
        months_of[year].append(Count(link, len(by_month[(year, month)])))
    entries = [
        YearEntry(Link(year_uri(year), str(year)), len(by_year[year]), months_of[year])
        for year in years
    ]
    latest = max(by_month, default=None)
    latest_link = (
        Link(month_uri(*latest, newest_first=True), _month_label(*latest)) if latest else None
    )
    view = ChronologyView(len(index.records), entries, latest_link)
    return Page(
        src_uri=CHRONOLOGY,
        title="Chronology",
        description=f"All {len(index.records)} events by year and month.",
        kind="chronology",
        template="chronology.html",
        context=view,
        in_nav=True,
        searchable=False,
    )


def _year_page(
    index: EventIndex,
    year: int,
    records: list[EventRecord],
    by_month: dict[tuple[int, int], list[EventRecord]],
    years: list[int],
    position: int,
) -> Page:
    year_only = [index.items[r.id] for r in records if r.event.date.start.month is None]
    group = Group(str(year), "year-precision", year_only, str(year), YEAR_ONLY_NOTE)
    view = YearView(
        year=year,
        count=len(records),
        months=_month_counts(year, by_month),
        year_only=group if year_only else None,
        up=Link(CHRONOLOGY, "Chronology"),
    )
    return Page(
        src_uri=year_uri(year),
        title=str(year),
        description=f"{len(records)} events in {year}, month by month.",
        kind="year",
        template="year.html",
        context=view,
        prev=Link(year_uri(years[position - 1]), str(years[position - 1])) if position else None,
        next=(
            Link(year_uri(years[position + 1]), str(years[position + 1]))
            if position + 1 < len(years)
            else None
        ),
        searchable=False,
    )


def _month_page(
    index: EventIndex,
    year: int,
    month: int,
    records: list[EventRecord],
    months: list[tuple[int, int]],
    position: int,
    newest_first: bool,
) -> Page:
    label = _month_label(year, month)
    ordered = list(reversed(records)) if newest_first else records
    groups = [
        _day_group(year, month, day, [index.items[r.id] for r in members])
        for day, members in groupby(ordered, key=lambda r: r.event.date.start.day)
    ]
    other = Link(month_uri(year, month, not newest_first), label)
    view = MonthView(
        label, len(records), groups, newest_first, other, Link(year_uri(year), str(year))
    )
    earlier = months[position - 1] if position else None
    later = months[position + 1] if position + 1 < len(months) else None
    prev, next_ = (later, earlier) if newest_first else (earlier, later)
    order = " (newest first)" if newest_first else ""
    return Page(
        src_uri=month_uri(year, month, newest_first),
        title=f"{label}{order}",
        description=f"{len(records)} events in {label}, day by day.",
        kind="month",
        template="month.html",
        context=view,
        prev=Link(month_uri(*prev, newest_first), _month_label(*prev)) if prev else None,
        next=Link(month_uri(*next_, newest_first), _month_label(*next_)) if next_ else None,
        searchable=False,
    )


def _day_group(year: int, month: int, day: int | None, items: list[EventItem]) -> Group:
    if day is None:
        date = PartialDate(year, month)
        return Group(date.display(), "month-precision", items, date.iso(), MONTH_ONLY_NOTE)
    date = PartialDate(year, month, day)
    return Group(date.display(), f"day-{day:02d}", items, date.iso())
