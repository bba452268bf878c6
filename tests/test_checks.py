"""Cross-file rules, run directly on first-pass records."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path, PurePosixPath

import pytest
from conftest import FIXED_TODAY, event_yaml

from generator.checks import Registries, check_timeline
from generator.diagnostics import summary
from generator.records import EventRecord, Reference
from generator.validation import validate_file

REGISTRIES = Registries(
    ids={
        "actors": frozenset({"ukraine", "russia", "north-korea"}),
        "places": frozenset({"kursk-oblast"}),
        "tags": frozenset({"long-range-strikes"}),
    },
    files={"actors": "events/actors.yaml", "places": "events/places.yaml"},
)


@pytest.fixture
def record(tmp_path: Path):
    """Validate one event file (relative to an events folder) and return its record."""

    def make(relative: str, text: str | None = None) -> EventRecord:
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        date = path.stem.split("-")
        date_text = "-".join(part for part in date[:3] if part.isdigit())
        path.write_text(text if text is not None else event_yaml(date=date_text))
        result = validate_file(path, f"events/{relative}", PurePosixPath(relative))
        assert result.problems == []
        assert result.record is not None
        return result.record

    return make


def _check(records: list[EventRecord], today: dt.date = FIXED_TODAY) -> list[str]:
    return sorted(p.as_text() for p in check_timeline(records, REGISTRIES, today))


def test_nothing_to_check() -> None:
    assert check_timeline([], REGISTRIES, FIXED_TODAY) == []


def test_valid_references(record) -> None:
    a = record("2024/2024-05-01-a.yaml")
    b = record(
        "2024/2024-05-02-b.yaml",
        event_yaml(
            date="2024-05-02",
            title="B",
            extra="actors: [ukraine]\nplaces: [kursk-oblast]\ntags: [long-range-strikes]\n"
            "related:\n  - event: 2024-05-01-a\n    relation: follows\n",
        ),
    )
    assert _check([a, b]) == []


def test_duplicate_ids(record, tmp_path: Path) -> None:
    """Unreachable from one store (a path is an id), but the rule guards merged stores."""
    first = record("2024/2024-05-01-a.yaml")
    path = tmp_path / "copy" / "2024" / "2024-05-01-a.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(event_yaml(title="Another title"))
    result = validate_file(
        path, "copy/2024/2024-05-01-a.yaml", PurePosixPath("2024/2024-05-01-a.yaml")
    )
    second = result.record
    assert second is not None
    assert _check([first, second]) == [
        "copy/2024/2024-05-01-a.yaml:1:1: id '2024-05-01-a' is already used by "
        "events/2024/2024-05-01-a.yaml [duplicate_id]"
    ]


def test_unknown_references_with_and_without_a_hint(record) -> None:
    extra = (
        "actors: [ukriane, belarus]\n"
        "places: [kursk]\n"
        "tags: [long-range-strike]\n"
        "related:\n"
        "  - event: 2024-05-02-scholz-refused\n"
        "    relation: follows\n"
        "  - event: 2024-05-01-aa\n"  # close to this event's own id: no hint towards itself
        "    relation: follows\n"
    )
    a = record("2024/2024-05-01-a.yaml", event_yaml(extra=extra))
    b = record("2024/2024-05-02-scholz-refuses.yaml", event_yaml(date="2024-05-02", title="B"))
    assert _check([a, b]) == [
        "events/2024/2024-05-01-a.yaml:10:8: tags[0]: unknown tag 'long-range-strike'; did you "
        "mean 'long-range-strikes'? [unknown_tag]",
        "events/2024/2024-05-01-a.yaml:12:12: related[0].event: no event has the id "
        "'2024-05-02-scholz-refused'; did you mean '2024-05-02-scholz-refuses'? [unknown_event]",
        "events/2024/2024-05-01-a.yaml:14:12: related[1].event: no event has the id "
        "'2024-05-01-aa' [unknown_event]",
        "events/2024/2024-05-01-a.yaml:8:10: actors[0]: unknown actor 'ukriane'; did you mean "
        "'ukraine'? [unknown_actor]",
        "events/2024/2024-05-01-a.yaml:8:19: actors[1]: unknown actor 'belarus'; add it to "
        "events/actors.yaml [unknown_actor]",
        "events/2024/2024-05-01-a.yaml:9:10: places[0]: unknown place 'kursk'; add it to "
        "events/places.yaml [unknown_place]",
    ]


def test_self_reference_is_not_also_unknown_or_a_cycle(record) -> None:
    extra = "related:\n  - event: 2024-05-01-a\n    relation: part_of\n"
    a = record("2024/2024-05-01-a.yaml", event_yaml(extra=extra))
    assert _check([a]) == [
        "events/2024/2024-05-01-a.yaml:9:12: related[0].event: an event cannot be related to "
        "itself [self_reference]"
    ]


def _part_of(date: str, *parents: str) -> str:
    lines = "".join(f"  - event: {p}\n    relation: part_of\n" for p in parents)
    return event_yaml(date=date, title=f"Event {date}", extra=f"related:\n{lines}")


def test_part_of_cycle_is_reported_once(record) -> None:
    a = record("2024/2024-05-01-a.yaml", _part_of("2024-05-01", "2024-05-02-b"))
    b = record("2024/2024-05-02-b.yaml", _part_of("2024-05-02", "2024-05-03-c"))
    c = record("2024/2024-05-03-c.yaml", _part_of("2024-05-03", "2024-05-01-a"))
    expected = [
        "events/2024/2024-05-03-c.yaml:9:12: related[0].event: `part_of` makes a cycle: "
        "2024-05-01-a → 2024-05-02-b → 2024-05-03-c → 2024-05-01-a [cycle]"
    ]
    assert _check([a, b, c]) == expected
    assert _check([c, b, a]) == expected  # the same edge whatever the input order


def test_two_separate_cycles(record) -> None:
    records = [
        record("2024/2024-05-01-a.yaml", _part_of("2024-05-01", "2024-05-02-b")),
        record("2024/2024-05-02-b.yaml", _part_of("2024-05-02", "2024-05-01-a")),
        record("2024/2024-06-01-c.yaml", _part_of("2024-06-01", "2024-06-02-d")),
        record("2024/2024-06-02-d.yaml", _part_of("2024-06-02", "2024-06-01-c")),
    ]
    assert [line.split(" [")[0].split(": ", 2)[-1] for line in _check(records)] == [
        "`part_of` makes a cycle: 2024-05-01-a → 2024-05-02-b → 2024-05-01-a",
        "`part_of` makes a cycle: 2024-06-01-c → 2024-06-02-d → 2024-06-01-c",
    ]


def test_part_of_trees_and_other_relations_are_not_cycles(record) -> None:
    # A diamond (two parents sharing a grandparent) is fine, and `follows` may loop.
    records = [
        record("2024/2024-05-01-a.yaml", _part_of("2024-05-01", "2024-05-02-b", "2024-05-03-c")),
        record("2024/2024-05-02-b.yaml", _part_of("2024-05-02", "2024-05-04-d")),
        record("2024/2024-05-03-c.yaml", _part_of("2024-05-03", "2024-05-04-d")),
        record(
            "2024/2024-05-04-d.yaml",
            event_yaml(
                date="2024-05-04",
                title="D",
                extra="related:\n  - event: 2024-05-01-a\n    relation: follows\n",
            ),
        ),
    ]
    assert _check(records) == []


def test_a_long_part_of_chain_is_not_a_recursion_problem(record) -> None:
    """Deeper than Python's recursion limit: the cycle search must be iterative."""
    base = record("2024/2024-05-01-e.yaml")
    records = [
        dataclasses.replace(
            base,
            id=f"2024-05-01-e{i}",
            references=[
                Reference("event", f"2024-05-01-e{i + 1}", "related[0].event", 9, 12, "part_of")
            ],
        )
        for i in range(3000)
    ]
    records.append(dataclasses.replace(base, id="2024-05-01-e3000"))

    def cycles() -> list[str]:
        problems = check_timeline(records, REGISTRIES, FIXED_TODAY)
        return [p.message for p in problems if p.kind == "cycle"]

    assert cycles() == []
    records[-1] = dataclasses.replace(
        records[-1],
        references=[Reference("event", "2024-05-01-e0", "related[0].event", 9, 12, "part_of")],
    )
    assert len(cycles()) == 1


@pytest.mark.parametrize(
    ("date", "today", "problem"),
    [
        ("2026-11-25", FIXED_TODAY, None),
        ("2026-11-26", FIXED_TODAY, "2026-11-26 is in the future (today is 2026-11-25)"),
        ("2026-11", FIXED_TODAY, None),  # November 2026 has begun
        ("2026-12", FIXED_TODAY, "2026-12 is in the future (today is 2026-11-25)"),
        ("2026", FIXED_TODAY, None),
        ("2027", FIXED_TODAY, "2027 is in the future (today is 2026-11-25)"),
        ("2024-11-17", dt.date(2024, 11, 16), "2024-11-17 is in the future (today is 2024-11-16)"),
    ],
)
def test_future_dates(record, date: str, today: dt.date, problem: str | None) -> None:
    a = record(f"{date[:4]}/{date}-a.yaml", event_yaml(date=date))
    expected = []
    if problem:
        expected = [
            f"events/{date[:4]}/{date}-a.yaml:2:7: date: {problem}: record events once they "
            "have happened [future_date]"
        ]
    assert _check([a], today) == expected


def test_a_range_that_ends_in_the_future(record) -> None:
    text = event_yaml(date="{start: 2026-11-01, end: 2026-12-03}")
    a = record("2026/2026-11-01-a.yaml", text)
    assert _check([a]) == [
        "events/2026/2026-11-01-a.yaml:2:7: date.end: end 2026-12-03 is in the future: for a "
        "range that has not ended use `ongoing: true` [future_date]"
    ]
    ongoing = record(
        "2026/2026-11-01-b.yaml", event_yaml(date="{start: 2026-11-01, ongoing: true}")
    )
    assert _check([ongoing]) == []


def test_likely_duplicates_are_a_warning(record) -> None:
    a = record("2024/2024-05-01-a.yaml", event_yaml(title="Kyiv  struck by missiles"))
    b = record("2024/2024-05-01-b.yaml", event_yaml(title="kyiv struck by Missiles"))
    c = record(
        "2024/2024-05-02-c.yaml", event_yaml(date="2024-05-02", title="Kyiv struck by missiles")
    )
    problems = check_timeline([a, b, c], REGISTRIES, FIXED_TODAY)
    assert [p.as_text() for p in problems] == [
        "events/2024/2024-05-01-b.yaml:1:1: warning: title: same date and title as "
        "events/2024/2024-05-01-a.yaml: is it the same event? [possible_duplicate]"
    ]
    assert summary(problems, 3) == "3 files valid (1 warning)"
