"""Partial dates: parsing, precision, display, the documented sort order and gaps."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from generator.dates import PartialDate, describe_gap, display_span, span_key

P = PartialDate.parse


@pytest.mark.parametrize(
    ("value", "expected", "precision"),
    [
        (2024, PartialDate(2024), "year"),
        ("2024", PartialDate(2024), "year"),
        ("2024-11", PartialDate(2024, 11), "month"),
        ("2024-11-17", PartialDate(2024, 11, 17), "day"),
        ("2024-02-29", PartialDate(2024, 2, 29), "day"),
        ("2000-02-29", PartialDate(2000, 2, 29), "day"),
        (" 2024-11 ", PartialDate(2024, 11), "month"),
        ("1000", PartialDate(1000), "year"),
        ("9999-12-31", PartialDate(9999, 12, 31), "day"),
        (PartialDate(2024, 3), PartialDate(2024, 3), "month"),
    ],
)
def test_parse(value: object, expected: PartialDate, precision: str) -> None:
    parsed = P(value)
    assert parsed == expected
    assert parsed.precision == precision


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2024-02-30", "2024-02-30: February 2024 has 29 days"),
        ("2023-02-29", "2023-02-29: February 2023 has 28 days"),
        ("1900-02-29", "1900-02-29: February 1900 has 28 days"),
        ("2024-04-31", "2024-04-31: April 2024 has 30 days"),
        ("2024-11-00", "2024-11-00: November 2024 has 30 days"),
        ("2023-13", "2023-13: there is no month 13"),
        ("2023-00", "2023-00: there is no month 0"),
        ("2023-13-01", "2023-13-01: there is no month 13"),
        ("0999", "year 999 is before 1000"),
        (999, "'999' is not a date: write YYYY-MM-DD, YYYY-MM or YYYY"),
        ("24", "'24' is not a date: write YYYY-MM-DD, YYYY-MM or YYYY"),
        ("2024-1-5", "'2024-1-5' is not a date: write YYYY-MM-DD, YYYY-MM or YYYY"),
        ("2024/11/17", "'2024/11/17' is not a date: write YYYY-MM-DD, YYYY-MM or YYYY"),
        ("17.11.2024", "'17.11.2024' is not a date: write YYYY-MM-DD, YYYY-MM or YYYY"),
        (
            "2024-11-17T10:00",
            "'2024-11-17T10:00' is not a date: write YYYY-MM-DD, YYYY-MM or YYYY",
        ),
        ("November 2024", "'November 2024' is not a date: write YYYY-MM-DD, YYYY-MM or YYYY"),
        ("", "'' is not a date: write YYYY-MM-DD, YYYY-MM or YYYY"),
        ("２０２４", "'２０２４' is not a date: write YYYY-MM-DD, YYYY-MM or YYYY"),
        ("٢٠٢٤-١١", "'٢٠٢٤-١١' is not a date: write YYYY-MM-DD, YYYY-MM or YYYY"),
        ("x" * 100, f"'{'x' * 30}…' is not a date: write YYYY-MM-DD, YYYY-MM or YYYY"),
        (True, "must be a date written YYYY-MM-DD, YYYY-MM or YYYY"),
        (2024.5, "must be a date written YYYY-MM-DD, YYYY-MM or YYYY"),
        (None, "must be a date written YYYY-MM-DD, YYYY-MM or YYYY"),
        (dt.date(2024, 11, 17), "must be a date written YYYY-MM-DD, YYYY-MM or YYYY"),
        (["2024"], "must be a date written YYYY-MM-DD, YYYY-MM or YYYY"),
    ],
)
def test_parse_errors_say_what_is_wrong(value: object, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        P(value)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("2024", dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
        ("2024-02", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
        ("2023-02", dt.date(2023, 2, 1), dt.date(2023, 2, 28)),
        ("2024-12", dt.date(2024, 12, 1), dt.date(2024, 12, 31)),
        ("2024-11-17", dt.date(2024, 11, 17), dt.date(2024, 11, 17)),
    ],
)
def test_first_and_last_day(text: str, first: dt.date, last: dt.date) -> None:
    assert P(text).first_day() == first
    assert P(text).last_day() == last


@pytest.mark.parametrize(
    ("text", "display"),
    [
        ("2024-11-17", "17 November 2024"),
        ("2024-11-01", "1 November 2024"),
        ("2024-11", "November 2024"),
        ("2024", "2024"),
    ],
)
def test_display_and_iso(text: str, display: str) -> None:
    assert P(text).display() == display
    assert P(text).iso() == text
    assert str(P(text)) == text


@pytest.mark.parametrize(
    ("start", "end", "flags", "expected"),
    [
        ("2024-11-17", None, {}, "17 November 2024"),
        ("2024-11", None, {}, "November 2024"),
        ("2024-11", None, {"approximate": True}, "c. November 2024"),
        ("2021", None, {"uncertain": True}, "possibly 2021"),
        ("2021", None, {"approximate": True, "uncertain": True}, "possibly c. 2021"),
        ("2024-08-06", None, {"ongoing": True}, "6 August 2024 – ongoing"),
        ("2024-08", None, {"ongoing": True}, "August 2024 – ongoing"),
        ("2024-10-08", "2024-10-13", {}, "8–13 October 2024"),
        ("2024-10-30", "2024-11-02", {}, "30 October – 2 November 2024"),
        ("2024-12-28", "2025-01-03", {}, "28 December 2024 – 3 January 2025"),
        ("2024-03", "2024-05", {}, "March–May 2024"),
        ("2024-03", "2025-01", {}, "March 2024 – January 2025"),
        ("2022", "2024", {}, "2022–2024"),
        ("2024-03", "2024-05-17", {}, "March 2024 – 17 May 2024"),
        ("2024", "2024-05", {}, "2024 – May 2024"),
        ("2024-11-17", "2024-11-17", {}, "17 November 2024"),
        ("2024-10-08", "2024-10-13", {"approximate": True}, "c. 8–13 October 2024"),
    ],
)
def test_display_span(start: str, end: str | None, flags: dict[str, bool], expected: str) -> None:
    assert display_span(P(start), P(end) if end else None, **flags) == expected


# The documented order (dates.py): by first day; a less precise date before more precise
# dates of the same period; a single date before a range starting the same day; a shorter
# range before a longer one; an open range last; then the event id.
ORDERED: list[tuple[str, str | None, bool, str]] = [
    ("2023-12-31", None, False, "a"),
    ("2024", None, False, "a"),
    ("2024", "2025", False, "a"),
    ("2024", None, True, "a"),
    ("2024-01", None, False, "a"),
    ("2024-01-01", None, False, "a"),
    ("2024-01-01", None, False, "b"),
    ("2024-01-01", "2024-01-02", False, "a"),
    ("2024-01-01", "2024-03", False, "a"),
    ("2024-01-01", None, True, "a"),
    ("2024-01-02", None, False, "a"),
    ("2024-11", None, False, "a"),
    ("2024-11-01", None, False, "a"),
    ("2024-11-17", None, False, "a"),
    ("2024-12", None, False, "a"),
    ("2025", None, False, "a"),
]


def _key(item: tuple[str, str | None, bool, str]) -> tuple[object, ...]:
    start, end, ongoing, name = item
    return (span_key(P(start), P(end) if end else None, ongoing), name)


def test_sort_order_across_precisions() -> None:
    shuffled = ORDERED.copy()
    random.Random(7).shuffle(shuffled)
    assert sorted(shuffled, key=_key) == ORDERED


def test_sort_order_is_total() -> None:
    """No two different spans share a key, so the order never depends on input order."""
    keys = [_key(item) for item in ORDERED]
    assert len(set(keys)) == len(keys)
    assert keys == sorted(keys)


def test_partial_dates_compare_across_precisions() -> None:
    assert P("2024") < P("2024-01") < P("2024-01-01") < P("2024-02") < P("2025")
    assert P("2024-11") >= P("2024")
    assert max([P("2024-11-17"), P("2024-12"), P("2024")]) == P("2024-12")
    assert P("2024-11") == PartialDate(2024, 11)
    assert len({P("2024"), P(2024), PartialDate(2024)}) == 1


@pytest.mark.parametrize(
    ("reference", "later", "expected"),
    [
        ("2024-03", "2024-11", "about eight months after"),
        ("2024-11", "2024-03", "about eight months before"),
        ("2024-03", "2024-04", "about one month after"),
        ("2024-03", "2025-05", "about 14 months after"),
        ("2024-11-17", "2024-11-20", "three days after"),
        ("2024-11-17", "2024-11-14", "three days before"),
        ("2024-11-17", "2024-11-18", "one day after"),
        ("2024-11-17", "2024-12-01", "two weeks after"),
        ("2024-11-17", "2024-12-02", "about two weeks after"),
        ("2024-11-17", "2025-02-25", "about three months after"),
        ("2022-02-24", "2024-11-19", "about three years after"),
        ("2024-11-17", "2024-11", "in the same month as"),
        ("2024-11", "2024-11-30", "in the same month as"),
        ("2024-03-01", "2024-11", "about eight months after"),
        ("2021", "2024-11-17", "about three years after"),
        ("2024", "2024-11", "in the same year as"),
        ("2024-11-17", "2024-11-17", "at the same time as"),
        ("2024-11", "2024-11", "at the same time as"),
        ("1024", "2024", "about 1,000 years after"),
    ],
)
def test_describe_gap(reference: str, later: str, expected: str) -> None:
    assert describe_gap(P(reference), P(later)) == expected
