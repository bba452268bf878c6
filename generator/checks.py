"""Cross-file rules: the second pass, over events that each passed on their own.

These rules need the whole store (every id, every registry) but only the small records the
first pass keeps, so they run in milliseconds even for 100,000 events and are never cached.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass

from generator.dates import PartialDate
from generator.diagnostics import Problem, echo
from generator.records import EventRecord, Reference

REGISTRY_OF_KIND = {"actor": "actors", "place": "places", "tag": "tags"}
#: Ids are pattern-checked and at most 100 characters: quote them whole.
MAX_ID_ECHO = 100


@dataclass(frozen=True)
class Registries:
    """The ids each registry defines, and the file that defines them (for messages)."""

    ids: Mapping[str, frozenset[str]]
    files: Mapping[str, str]


def check_timeline(
    records: Iterable[EventRecord],
    registries: Registries,
    today: dt.date,
    known_ids: frozenset[str] | None = None,
) -> list[Problem]:
    """Every cross-file rule over the given records.

    `known_ids` are the ids of all events in the store when only some of them are given as
    records (pull-request mode): ids come from file names, so they are known without parsing.
    """
    records = list(records)
    problems: list[Problem] = []
    problems.extend(_unique_ids(records))
    ids = {record.id for record in records} | (known_ids or frozenset())
    known = _known_keys(registries, ids)
    today_key = (today.year, today.month, today.day)
    # Each rule runs in full only for a record a quick look finds suspect: the rules below
    # decide what is reported, these tests only skip the records that cannot fail them.
    for record in records:
        keys = record.link_keys
        if not known.issuperset(keys) or f"event\t{record.id}" in keys:
            problems.extend(_unresolved(record, ids, registries))
        if _may_be_in_the_future(record, today_key):
            problems.extend(_in_the_future(record, today))
    problems.extend(_part_of_cycles(records))
    problems.extend(_likely_duplicates(records))
    return problems


def _unique_ids(records: list[EventRecord]) -> Iterable[Problem]:
    first_file: dict[str, str] = {}
    for record in records:
        if record.id in first_file:
            yield Problem(
                record.file,
                1,
                1,
                "",
                f"id {echo(record.id)} is already used by {first_file[record.id]}",
                "duplicate_id",
            )
        else:
            first_file[record.id] = record.file


def _unresolved(record: EventRecord, ids: set[str], registries: Registries) -> Iterable[Problem]:
    for ref in record.references:
        if ref.kind == "event":
            if ref.target == record.id:
                yield _at(record, ref, "an event cannot be related to itself", "self_reference")
            elif ref.target not in ids:
                hint = _closest(ref.target, ids - {record.id})  # never suggest itself
                yield _at(
                    record,
                    ref,
                    f"no event has the id {echo(ref.target, MAX_ID_ECHO)}{hint}",
                    "unknown_event",
                )
            continue
        registry = REGISTRY_OF_KIND[ref.kind]
        known = registries.ids.get(registry, frozenset())
        if ref.target not in known:
            where = registries.files.get(registry, f"events/{registry}.yaml")
            hint = _closest(ref.target, known) or f"; add it to {where}"
            yield _at(
                record,
                ref,
                f"unknown {ref.kind} {echo(ref.target, MAX_ID_ECHO)}{hint}",
                f"unknown_{ref.kind}",
            )


def _known_keys(registries: Registries, ids: Set[str]) -> set[str]:
    """Every `kind<TAB>id` a reference may point at (`EventRecord.link_keys`).

    A record all of whose keys are here, with none to itself, passes `_unresolved`: one
    C-level subset test per record instead of a loop over its references.
    """
    keys = {f"event\t{event_id}" for event_id in ids}
    for kind, name in REGISTRY_OF_KIND.items():
        keys.update(f"{kind}\t{target}" for target in registries.ids.get(name, frozenset()))
    return keys


def _closest(target: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(target, list(known), n=1, cutoff=0.75)
    return f"; did you mean {close[0]!r}?" if close else ""


def _at(record: EventRecord, ref: Reference, message: str, kind: str) -> Problem:
    return Problem(record.file, ref.line, ref.column, ref.where, message, kind)


def _may_be_in_the_future(record: EventRecord, today: tuple[int, int, int]) -> bool:
    """Whether the start's first day is after `today`, or the date has an end to check.

    Reads the start from the record's sort position (year, month, day; 0 when not given),
    which the cache keeps: parsing 10,000 dates on every run is what this spares.
    """
    year, month, day = record.order[:3]
    return (year, month or 1, day or 1) > today or "end" in record.date


def _in_the_future(record: EventRecord, today: dt.date) -> Iterable[Problem]:
    date = record.date
    start = PartialDate.parse(date["start"])
    if start.first_day() > today:
        yield Problem(
            record.file,
            *record.date_position,
            "date",
            f"{start.iso()} is in the future (today is {today.isoformat()}): record events "
            "once they have happened",
            "future_date",
        )
    end = date.get("end")
    if end is not None and PartialDate.parse(end).first_day() > today:
        yield Problem(
            record.file,
            *record.date_position,
            "date.end",
            f"end {end} is in the future: for a range that has not ended use `ongoing: true`",
            "future_date",
        )


def _part_of_cycles(records: list[EventRecord]) -> Iterable[Problem]:
    """`part_of` must form a tree: report each cycle once, at the edge that closes it."""
    # (target, record, which of its part_of references): the reference itself is looked up
    # only to report a cycle, so a cached record's references need not be decoded.
    parents: dict[str, list[tuple[str, EventRecord, int]]] = defaultdict(list)
    for record in records:
        for index, target in enumerate(record.part_of):
            parents[record.id].append((target, record, index))
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    for start in sorted(parents):
        if state.get(start):
            continue
        path: list[str] = []
        stack: list[tuple[str, int]] = [(start, 0)]
        while stack:
            node, index = stack.pop()
            if index == 0:
                state[node] = 1
                path.append(node)
            edges = parents.get(node, [])
            if index < len(edges):
                stack.append((node, index + 1))
                target, record, which = edges[index]
                if state.get(target) == 1:
                    cycle = " → ".join([*path[path.index(target) :], target])
                    ref = record.part_of_references()[which]
                    yield _at(record, ref, f"`part_of` makes a cycle: {cycle}", "cycle")
                elif not state.get(target):
                    stack.append((target, 0))
            else:
                state[node] = 2
                path.pop()


def _likely_duplicates(records: list[EventRecord]) -> Iterable[Problem]:
    """Two files with the same date and title are almost always the same event twice."""
    seen: dict[tuple[str, str], str] = {}
    for record in records:
        key = (str(record.date["start"]), " ".join(record.title.casefold().split()))
        if key in seen:
            yield Problem(
                record.file,
                1,
                1,
                "title",
                f"same date and title as {seen[key]}: is it the same event?",
                "possible_duplicate",
                "warning",
            )
        else:
            seen[key] = record.file
