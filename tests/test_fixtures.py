"""The fixture corpora: tests/fixtures/valid must pass, every file in tests/fixtures/invalid
must produce exactly the problems its leading `# expect:` lines name.

An invalid case is copied into a copy of the valid store at its own relative path (so the
folder and file name are part of the case), together with any companion files named by
`# with:` lines, and the whole store is validated with today fixed at 2026-11-25. Cases that
cannot be committed (a file over the size cap, links, a FIFO, a missing registry) are built
in tmp_path below.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from conftest import FIXED_TODAY, INVALID_CORPUS, VALID_STORE, event_yaml

from generator.loader import MAX_EVENT_BYTES
from generator.store import load_timeline

COMPANIONS = "companions"


def _header(path: Path) -> list[str]:
    """The leading comment lines of a case file (UTF-16 files carry them in UTF-16)."""
    raw = path.read_bytes()
    encoding = "utf-16" if raw.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8"
    lines = []
    for line in raw.decode(encoding, errors="replace").splitlines():
        if not line.startswith(("# expect: ", "# with: ")):
            break
        lines.append(line)
    return lines


def _cases() -> list[Path]:
    return sorted(
        path
        for path in INVALID_CORPUS.rglob("*")
        if path.is_file() and COMPANIONS not in path.relative_to(INVALID_CORPUS).parts
    )


def _validate(events: Path) -> list[str]:
    """Every problem of the store as `file:line:col: …` text, sorted as text."""
    report = load_timeline(events, cache_dir=None, today=FIXED_TODAY, jobs=1)
    return sorted(problem.as_text() for problem in report.problems)


def test_valid_store_has_no_problems(store: Path) -> None:
    report = load_timeline(store, cache_dir=None, today=FIXED_TODAY, jobs=1)
    assert [problem.as_text() for problem in report.problems] == []
    assert report.ok
    assert report.files_checked == 11
    assert len(report.timeline.records) == 8


def test_valid_store_covers_every_feature() -> None:
    """Guard the corpus itself: it must keep exercising each feature the issue lists."""
    report = load_timeline(VALID_STORE, cache_dir=None, today=FIXED_TODAY, jobs=1)
    events = [record.event for record in report.timeline.records]
    precisions = {event.date.start.precision for event in events}
    assert precisions == {"year", "month", "day"}
    assert any(event.date.approximate for event in events)
    assert any(event.date.uncertain for event in events)
    assert any(event.date.end is not None for event in events)
    assert any(event.date.ongoing for event in events)
    assert any({"deadline", "delivered"} <= set(event.dates) for event in events)
    figures = [figure for event in events for figure in event.figures]
    assert any(figure.value is not None for figure in figures)
    assert any(figure.low is not None and figure.high is not None for figure in figures)
    assert any(figure.qualifier is not None for figure in figures)
    assert any(quote.translation for event in events for quote in event.quotes)
    kinds_without_url = {
        source.kind for event in events for source in event.sources if source.url is None
    }
    assert {"statement", "report"} <= kinds_without_url
    relations = {relation.relation for event in events for relation in event.related}
    assert relations == {
        "responds_to",
        "follows",
        "part_of",
        "updates",
        "contradicts",
        "relates_to",
    }
    native = [actor.native_name for actor in report.timeline.actors.values() if actor.native_name]
    assert any(not name.isascii() for name in native)
    assert any(event.status == "claimed" and event.claimed_by for event in events)


def test_invalid_corpus_is_large_enough() -> None:
    cases = _cases()
    assert len(cases) >= 60
    assert all(any(line.startswith("# expect: ") for line in _header(case)) for case in cases)


@pytest.mark.parametrize(
    "case", _cases(), ids=lambda path: path.relative_to(INVALID_CORPUS).as_posix()
)
def test_invalid_case(case: Path, store: Path) -> None:
    relative = case.relative_to(INVALID_CORPUS)
    header = _header(case)
    target = store / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(case, target)
    for line in header:
        if line.startswith("# with: "):
            companion = Path(line.removeprefix("# with: "))
            destination = store / companion.relative_to(COMPANIONS)
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(INVALID_CORPUS / companion, destination)
    display = f"events/{relative.as_posix()}"
    expected = sorted(
        f"{display}:{line.removeprefix('# expect: ')}"
        for line in header
        if line.startswith("# expect: ")
    )
    assert _validate(store) == expected


# --- Cases that cannot be committed -----------------------------------------------------------


def test_file_over_the_size_cap(store: Path) -> None:
    path = store / "2024" / "2024-05-01-huge.yaml"
    path.write_bytes(event_yaml().encode() + b"#" * MAX_EVENT_BYTES)
    size = path.stat().st_size
    assert _validate(store) == [
        f"events/2024/2024-05-01-huge.yaml:1:1: file is {size:,} bytes; the limit is "
        f"{MAX_EVENT_BYTES:,}: split it [file_size]"
    ]


def test_symlinked_event_is_reported_not_followed(store: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside.yaml"
    outside.write_text(event_yaml(extra="colour: red\n"))
    (store / "2024" / "2024-05-01-link.yaml").symlink_to(outside)
    (store / "2025").symlink_to(tmp_path)  # a linked folder is not entered either
    assert _validate(store) == [
        "events/2024/2024-05-01-link.yaml:1:1: symbolic links are not allowed in the store; "
        "commit the file itself [symlink]",
        "events/2025:1:1: symbolic links are not allowed in the store; "
        "commit the file itself [symlink]",
    ]


def test_fifo_does_not_hang(store: Path) -> None:
    os.mkfifo(store / "2024" / "2024-05-01-fifo.yaml")
    assert _validate(store) == [
        "events/2024/2024-05-01-fifo.yaml:1:1: not a regular file [not_regular]"
    ]


@pytest.mark.parametrize("registry", ["actors", "places", "tags"])
def test_missing_registry(store: Path, registry: str) -> None:
    (store / f"{registry}.yaml").unlink()
    problems = _validate(store)
    assert (
        f"events/{registry}.yaml:1:1: the {registry} registry is missing: create "
        f"{registry}.yaml in the events folder [missing_registry]"
    ) in problems
    # Every reference to the missing registry is also unresolved, with the hint to add it.
    singular = registry.removesuffix("s")
    assert all(f"[unknown_{singular}]" in line or "[missing_registry]" in line for line in problems)
    assert any(f"add it to events/{registry}.yaml" in line for line in problems)


def test_registry_problems_are_positioned(store: Path) -> None:
    (store / "places.yaml").write_text(
        "kyiv:\n"
        "  name: Kyiv\n"
        "  kind: city\n"
        "kursk-oblast:\n"
        "  name: Kursk Oblast\n"
        "Black Sea:\n"
        "  name: Black Sea\n"
        "black-sea:\n"
        "  name: Black Sea\n"
        "  naem: x\n"
        "rio-de-janeiro:\n"
        "  name: Rio de Janeiro\n"
        "pyongyang:\n"
        "  name: Pyongyang\n"
        "  lat: 39.03\n"
    )
    # One bad entry does not hide the others, and events still resolve every written id.
    assert _validate(store) == [
        "events/places.yaml:10:3: black-sea.naem: unknown key 'naem'; did you mean 'name'? "
        "[unknown_key]",
        "events/places.yaml:15:8: pyongyang.lat: give both `lat` and `lon`, or neither "
        "[coordinates]",
        "events/places.yaml:3:9: kyiv.kind: 'city' is not allowed; use one of 'settlement', "
        "'region', 'country', 'border', 'site', 'body_of_water' or 'area' [not_allowed]",
        "events/places.yaml:6:1: Black Sea: 'Black Sea' must be lower-case words joined "
        "by hyphens, like north-korea [pattern]",
    ]


def test_registry_that_is_not_a_mapping(store: Path) -> None:
    (store / "tags.yaml").write_text("- long-range-strikes\n- military-aid\n")
    problems = _validate(store)
    assert (
        "events/tags.yaml:1:1: the file must be a mapping of keys (title:, date: …), "
        "not a list [not_a_mapping]"
    ) in problems
    assert len(problems) == 9
    assert sum("add it to events/tags.yaml [unknown_tag]" in line for line in problems) == 8
