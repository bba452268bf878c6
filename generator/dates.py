"""Partial and uncertain dates: parsing, the one sort order, display, and gaps between dates.

News rarely gives every date to the day: "in March 2024", "around 2021", "from 6 August 2024
onwards". A `PartialDate` keeps the precision it was written with, so nothing is made more
exact than the source says.

Sort order (documented in docs/methodology.md): events are ordered by the first day their date
can mean; a less precise date sorts *before* more precise dates of the same period ("November
2024" comes before "1 November 2024", "2024" before "January 2024"); then a single date before
a range starting the same day, a shorter range before a longer one, an open range last; then by
event id, so the order is total and stable.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import Literal

Precision = Literal["year", "month", "day"]

# ASCII digits only, as in the JSON Schema: `\d` alone would also accept "２０２４" and "٢٠٢٤".
_PARTIAL_DATE = re.compile(r"(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?", re.ASCII)
_PRECISION_RANK: dict[Precision, int] = {"year": 0, "month": 1, "day": 2}
_NUMBER_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve".split()  # noqa: SIM905
)
MIN_YEAR = 1000


@functools.total_ordering
@dataclass(frozen=True)
class PartialDate:
    """A date known to the year, the month or the day."""

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, value: object) -> PartialDate:
        """Read `2024`, `"2024-11"` or `"2024-11-17"`; raise ValueError saying what is wrong."""
        if isinstance(value, PartialDate):
            return value
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise ValueError("must be a date written YYYY-MM-DD, YYYY-MM or YYYY")
        text = str(value).strip()
        match = _PARTIAL_DATE.fullmatch(text)
        if match is None:
            shown = text if len(text) <= 30 else text[:30] + "…"
            raise ValueError(f"{shown!r} is not a date: write YYYY-MM-DD, YYYY-MM or YYYY")
        year = int(match["year"])
        month = int(match["month"]) if match["month"] else None
        day = int(match["day"]) if match["day"] else None
        if year < MIN_YEAR:
            raise ValueError(f"year {year} is before {MIN_YEAR}")
        if month is not None and not 1 <= month <= 12:
            raise ValueError(f"{text}: there is no month {month}")
        if month is not None and day is not None:
            last = calendar.monthrange(year, month)[1]
            if not 1 <= day <= last:
                raise ValueError(f"{text}: {calendar.month_name[month]} {year} has {last} days")
        return cls(year, month, day)

    @property
    def precision(self) -> Precision:
        if self.day is not None:
            return "day"
        return "month" if self.month is not None else "year"

    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> dt.date:
        if self.month is None:
            return dt.date(self.year, 12, 31)
        if self.day is None:
            return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])
        return dt.date(self.year, self.month, self.day)

    def iso(self) -> str:
        """The form it is written in a file and in ids: `2024`, `2024-11`, `2024-11-17`."""
        text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        return text

    def display(self) -> str:
        """`17 November 2024`, `November 2024` or `2024`."""
        if self.month is None:
            return str(self.year)
        month = calendar.month_name[self.month]
        if self.day is None:
            return f"{month} {self.year}"
        return f"{self.day} {month} {self.year}"

    def sort_key(self) -> tuple[int, int, int]:
        return (self.year, self.month or 0, self.day or 0)

    def __lt__(self, other: object) -> bool:
        # By sort_key, not dataclass field order: that compared None with int and raised
        # TypeError as soon as two precisions met ("2024" < "2024-01").
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self.sort_key() < other.sort_key()

    def __str__(self) -> str:
        return self.iso()


#: (start year, month, day, precision rank, is a range, end (year, month, day)): the order
#: the module docstring documents, as plain numbers (so a cache can keep it).
SpanKey = tuple[int, int, int, int, int, tuple[int, int, int]]


def span_key(start: PartialDate, end: PartialDate | None, ongoing: bool) -> SpanKey:
    """The documented sort order of a date or range (see the module docstring)."""
    is_range = 1 if (end is not None or ongoing) else 0
    end_key = (9999, 99, 99) if ongoing else (end.sort_key() if end else (0, 0, 0))
    return (*start.sort_key(), _PRECISION_RANK[start.precision], is_range, end_key)


def display_span(
    start: PartialDate,
    end: PartialDate | None = None,
    *,
    ongoing: bool = False,
    approximate: bool = False,
    uncertain: bool = False,
) -> str:
    """Human form of a date or range with its qualifiers.

    `17 November 2024`, `c. November 2024`, `possibly 2021`, `8–13 October 2024`,
    `6 August 2024 – ongoing`, `March 2024 – January 2025`.
    """
    if ongoing:
        text = f"{start.display()} – ongoing"
    elif end is None or end == start:
        text = start.display()
    else:
        text = _display_range(start, end)
    if approximate:
        text = f"c. {text}"
    if uncertain:
        text = f"possibly {text}"
    return text


def _display_range(start: PartialDate, end: PartialDate) -> str:
    same_year = start.year == end.year
    if start.precision == end.precision == "day" and same_year:
        if start.month == end.month:
            return f"{start.day}–{end.display()}"
        return f"{start.day} {calendar.month_name[start.month or 1]} – {end.display()}"
    if start.precision == end.precision == "month" and same_year:
        return f"{calendar.month_name[start.month or 1]}–{end.display()}"
    if start.precision == end.precision == "year":
        return f"{start.year}–{end.year}"
    return f"{start.display()} – {end.display()}"


def describe_gap(reference: PartialDate, later: PartialDate) -> str:
    """How far `later` is from `reference`: `about eight months after`, `three days before`.

    Precision is honoured: when either date is known only to the month or year, the gap is
    counted in that unit and hedged with "about"; otherwise days, weeks or months are chosen
    by size.
    """
    coarse = min(_PRECISION_RANK[reference.precision], _PRECISION_RANK[later.precision])
    if later.sort_key() == reference.sort_key():
        return "at the same time as"
    if coarse == 0:
        amount, unit, hedge = abs(later.year - reference.year), "year", True
        direction = "after" if later.year > reference.year else "before"
        if amount == 0:
            return "in the same year as"
    elif coarse == 1:
        months = (later.year - reference.year) * 12 + (later.month or 1) - (reference.month or 1)
        if months == 0:
            return "in the same month as"
        amount, unit, hedge = abs(months), "month", True
        direction = "after" if months > 0 else "before"
    else:
        days = (later.first_day() - reference.first_day()).days
        direction = "after" if days > 0 else "before"
        amount, unit, hedge = _day_gap_unit(abs(days))
    return f"{'about ' if hedge else ''}{_count(amount, unit)} {direction}"


def _day_gap_unit(days: int) -> tuple[int, str, bool]:
    if days < 14:
        return days, "day", False
    if days < 60:
        weeks = round(days / 7)
        return weeks, "week", days % 7 != 0
    if days < 730:
        months = round(days / 30.44)
        return months, "month", True
    return round(days / 365.25), "year", True


def _count(amount: int, unit: str) -> str:
    word = _NUMBER_WORDS[amount] if amount < len(_NUMBER_WORDS) else f"{amount:,}"
    return f"{word} {unit}{'' if amount == 1 else 's'}"
