"""Loading a whole store: order, indexes, the per-file cache and the parallel path."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from conftest import FIXED_TODAY, REPO, event_yaml

from generator import validation as validation_module
from generator.cache import default_cache_dir
from generator.models import Actor, Place, Tag
from generator.store import load_timeline
from generator.validation import validate_file
from generator.workers import PARALLEL_THRESHOLD

VALID_ORDER = [
    "2021-north-korea-supplies-munitions",
    "2024-08-06-ukraine-enters-kursk-oblast",
    "2024-10-08-fighting-in-kursk-oblast",
    "2024-11-eu-shells-delivered-late",
    "2024-11-north-korea-paid-for-troops",
    "2024-11-17-us-authorises-atacms",
    "2024-11-18-putin-warns-nato",
    "2024-11-19-scholz-refuses-taurus",
]


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the files the first pass actually validated (single process)."""
    seen: list[str] = []

    def counting(path: Path, display: str, relative: object):  # type: ignore[no-untyped-def]
        seen.append(display)
        return validate_file(path, display, relative)  # type: ignore[arg-type]

    monkeypatch.setattr(validation_module, "validate_file", counting)
    return seen


def _load(events: Path, **options: object):  # type: ignore[no-untyped-def]
    options.setdefault("jobs", 1)
    options.setdefault("today", FIXED_TODAY)
    return load_timeline(events, **options)  # type: ignore[arg-type]


def _texts(report) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(problem.as_text() for problem in report.problems)


def test_timeline_order_and_indexes(store: Path) -> None:
    report = _load(store, cache_dir=None)
    timeline = report.timeline
    assert [record.id for record in timeline.records] == VALID_ORDER
    assert set(timeline.by_id) == set(VALID_ORDER)
    assert timeline.by_id["2024-11-17-us-authorises-atacms"].file == (
        "events/2024/2024-11-17-us-authorises-atacms.yaml"
    )
    assert isinstance(timeline.actors["north-korea"], Actor)
    assert timeline.actors["north-korea"].native_name == "조선민주주의인민공화국"
    assert isinstance(timeline.places["kyiv"], Place)
    assert isinstance(timeline.tags["military-aid"], Tag)
    assert report.files_checked == 11
    assert report.file_paths["events/actors.yaml"] == store / "actors.yaml"


def test_order_is_total_and_independent_of_file_names(write_event, store: Path) -> None:
    # Same day, written in an order that differs from the documented one.
    write_event(
        "2024/2024-05-01-c-range.yaml",
        event_yaml(date="{start: 2024-05-01, end: 2024-05-03}", title="Range"),
    )
    write_event(
        "2024/2024-05-01-a-open.yaml",
        event_yaml(date="{start: 2024-05-01, ongoing: true}", title="Open"),
    )
    write_event("2024/2024-05-01-b-day.yaml")
    write_event("2024/2024-05-01-z-day.yaml")
    write_event("2024/2024-05-month.yaml")
    write_event(
        "2024/2024-05-01-d-short.yaml",
        event_yaml(date="{start: 2024-05-01, end: 2024-05-02}", title="Short"),
    )
    ids = [record.id for record in _load(store, cache_dir=None).timeline.records]
    may = [name for name in ids if name.startswith("2024-05")]
    assert may == [
        "2024-05-month",
        "2024-05-01-b-day",
        "2024-05-01-z-day",
        "2024-05-01-d-short",
        "2024-05-01-c-range",
        "2024-05-01-a-open",
    ]


def test_report_ok_ignores_warnings(write_event, store: Path) -> None:
    title = "Ukrainian forces enter Russia's Kursk Oblast"
    write_event(
        "2024/2024-08-06-same-event-twice.yaml",
        event_yaml(date="2024-08-06", title=f'"{title}"'),
    )
    report = _load(store, cache_dir=None)
    assert [p.kind for p in report.problems] == ["possible_duplicate"]
    assert report.ok
    write_event("2024/2024-05-01-broken.yaml", "title: [\n")
    assert not _load(store, cache_dir=None).ok


# --- The cache -------------------------------------------------------------------------------


def _cache_files() -> list[Path]:
    return sorted(default_cache_dir().glob("validate-*.sqlite"))


def test_unchanged_files_are_not_validated_again(store: Path, calls: list[str]) -> None:
    first = _load(store)
    assert len(calls) == 11
    calls.clear()
    second = _load(store)
    assert calls == []
    assert _texts(second) == _texts(first) == []
    assert [r.id for r in second.timeline.records] == VALID_ORDER
    # Records from the cache fetch their full data when asked, and it is the same.
    for cached, fresh in zip(second.timeline.records, first.timeline.records, strict=True):
        assert cached.data == fresh.data
        assert cached.event == fresh.event
    assert second.timeline.actors == first.timeline.actors


def test_a_changed_file_is_validated_again(store: Path, calls: list[str]) -> None:
    _load(store)
    path = store / "2024" / "2024-11-18-putin-warns-nato.yaml"
    text = path.read_text()
    path.write_text(text.replace("status: confirmed", "status: confirmd"))
    calls.clear()
    report = _load(store)
    assert calls == ["events/2024/2024-11-18-putin-warns-nato.yaml"]
    assert [p.kind for p in report.problems] == ["not_allowed"]
    # Same size, new content: the nanosecond modification time tells them apart.
    stat = path.stat()
    path.write_text(text.replace("status: confirmed", "status: reported"))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000))
    assert path.stat().st_size == stat.st_size
    calls.clear()
    report = _load(store)
    assert calls == ["events/2024/2024-11-18-putin-warns-nato.yaml"]
    assert report.problems == []
    # A registry is cached like any other file.
    calls.clear()
    (store / "tags.yaml").write_text((store / "tags.yaml").read_text() + "new-tag:\n  label: x\n")
    report = _load(store)
    assert calls == ["events/tags.yaml"]
    assert [p.kind for p in report.problems] == ["missing_key"]


def test_deleted_and_added_files(store: Path, calls: list[str], write_event) -> None:
    _load(store)
    (store / "2021" / "2021-north-korea-supplies-munitions.yaml").unlink()
    write_event("2024/2024-05-01-new.yaml")
    calls.clear()
    report = _load(store)
    assert calls == ["events/2024/2024-05-01-new.yaml"]
    assert report.files_checked == 11
    assert "2021-north-korea-supplies-munitions" not in report.timeline.by_id
    # The event that pointed at the deleted one now has an unresolved reference.
    assert [p.kind for p in report.problems] == ["unknown_event"]


def _first_pass_view(report) -> list[tuple]:  # type: ignore[no-untyped-def]
    """Everything the cross-file checks read from a record, in file order."""
    return sorted(
        (r.file, r.id, r.title, r.date, r.references, r.date_position, r.order)
        for r in report.timeline.records
    )


def test_a_cached_result_reads_back_as_it_was_validated(
    store: Path, calls: list[str], write_event
) -> None:
    """Records, problems and registries come back from the cache exactly as validated."""
    write_event("2024/2024-05-01-bad.yaml", event_yaml(extra="colour: red\n"))
    write_event(
        "2024/2024-03-04-range.yaml",
        event_yaml(
            date="{start: 2024-03-04, end: 2024-04, approximate: true}",
            extra="actors: [ukraine, nobody]\nrelated:\n  - event: 2024-11-18-putin-warns-nato\n"
            "    relation: follows\n",
        ),
    )
    part_of = "related:\n  - event: {}\n    relation: part_of\n"
    write_event(
        "2024/2024-06-01-a.yaml",
        event_yaml(date="2024-06-01", extra=part_of.format("2024-06-02-b")),
    )
    write_event(
        "2024/2024-06-02-b.yaml",
        event_yaml(date="2024-06-02", extra=part_of.format("2024-06-01-a")),
    )
    write_event(
        "2024/2024-06-03-c.yaml",
        event_yaml(date="2024-06-03", extra=part_of.format("2024-06-03-c")),
    )
    first = _load(store)
    calls.clear()
    second = _load(store)
    assert calls == []
    assert second.problems == first.problems
    assert {p.kind for p in second.problems} == {
        "unknown_key",
        "unknown_actor",
        "cycle",
        "self_reference",
    }
    records = second.timeline.records
    # The checks read the links of a cached record, and its references only to report...
    flagged = {problem.file for problem in second.problems}
    assert {r.file for r in records if "references" in vars(r)} == flagged - {
        "events/2024/2024-05-01-bad.yaml"  # not a record: an unknown key
    }
    assert [(r.link_keys, r.part_of) for r in records] == [
        (r.link_keys, r.part_of) for r in first.timeline.records
    ]
    # ... which read back as they were validated when asked for.
    assert _first_pass_view(second) == _first_pass_view(first)
    assert second.timeline.registry_data == first.timeline.registry_data


@pytest.mark.parametrize(
    ("date", "today", "future"),
    [
        ("2024-11-19", "2024-11-19", False),
        ("2024-11-19", "2024-11-18", True),
        ("2024-11", "2024-11-01", False),
        ("2024-11", "2024-10-31", True),
        ("2024", "2024-01-01", False),
        ("2024", "2023-12-31", True),
        ("{start: 2024-10-01, end: 2024-11-19}", "2024-11-18", True),
        ("{start: 2024-10-01, ongoing: true}", "2024-10-01", False),
    ],
)
def test_a_cached_run_asks_the_clock_again(
    store: Path, calls: list[str], write_event, date: str, today: str, future: bool
) -> None:
    """ "Not later than today" is decided on every run, never taken from the cache."""
    import datetime as dt

    start = date.removeprefix("{start: ")[:10].rstrip(",")
    write_event(f"{start[:4]}/{start}-clock.yaml", event_yaml(date=date))
    assert _load(store).problems == []  # FIXED_TODAY: nothing is in the future
    calls.clear()
    report = _load(store, today=dt.date.fromisoformat(today))
    assert calls == []
    mine = [p.kind for p in report.problems if p.file.endswith("-clock.yaml")]
    assert mine == (["future_date"] if future else [])


@pytest.mark.parametrize(
    "garbage", [b"", b"not a database at all\n" * 100, b"SQLite format 3\x00" + b"\xff" * 200]
)
def test_a_broken_cache_file_is_ignored(store: Path, calls: list[str], garbage: bytes) -> None:
    _load(store)
    [location] = _cache_files()
    location.write_bytes(garbage)
    calls.clear()
    report = _load(store)
    assert len(calls) == 11
    assert report.problems == []
    assert [r.id for r in report.timeline.records] == VALID_ORDER


def test_a_planted_cache_from_other_code_is_not_trusted(store: Path, calls: list[str]) -> None:
    """A cache written by another version of the rules never vouches for a file."""
    path = store / "2024" / "2024-11-18-putin-warns-nato.yaml"
    _load(store)
    [location] = _cache_files()
    path.write_text(path.read_text().replace("status: confirmed", "status: confirmd"))
    stat = path.stat()
    with sqlite3.connect(location) as db:
        db.execute("UPDATE meta SET value = 'another-version' WHERE key = 'fingerprint'")
        db.execute(
            "UPDATE results SET size = ?, mtime = ? WHERE name = ?",
            (stat.st_size, stat.st_mtime_ns, "2024/2024-11-18-putin-warns-nato.yaml"),
        )
    db.close()
    calls.clear()
    report = _load(store)
    assert len(calls) == 11
    assert [p.kind for p in report.problems] == ["not_allowed"]


def test_a_cache_in_the_earlier_layout_is_replaced(store: Path, calls: list[str]) -> None:
    """Before 7 December a cache kept one `files` table; its rows are never read."""
    _load(store)
    [location] = _cache_files()
    location.unlink()
    with sqlite3.connect(location) as db:
        db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
        db.execute("INSERT INTO meta VALUES ('fingerprint', 'an-earlier-version')")
        db.execute(
            "CREATE TABLE files (name TEXT PRIMARY KEY, size INTEGER, mtime INTEGER,"
            " checks TEXT, data TEXT)"
        )
    db.close()
    calls.clear()
    assert _load(store).problems == []
    assert len(calls) == 11
    calls.clear()
    assert _load(store).problems == []
    assert calls == []
    with sqlite3.connect(location) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    db.close()
    assert "files" not in tables


def test_a_row_rewritten_after_the_stamps_were_read_is_not_trusted(
    store: Path, calls: list[str]
) -> None:
    """The stamps say what to validate; the row read later must still carry the same stamp."""
    from generator.cache import ResultCache
    from generator.files import discover
    from generator.store import first_pass

    _load(store)
    found, _ = discover(store)
    cache = ResultCache.open(store, default_cache_dir())
    [location] = _cache_files()
    name = "2024/2024-11-18-putin-warns-nato.yaml"
    with sqlite3.connect(location) as db:  # another process, between reading stamps and rows
        db.execute("UPDATE results SET mtime = mtime + 1 WHERE name = ?", (name,))
    db.close()
    calls.clear()
    results = first_pass(found, cache, jobs=1)
    assert calls == [f"events/{name}"]
    assert all(result.problems == [] for result in results)


def test_the_cache_lives_outside_the_repository_and_the_store(
    store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    _load(store)
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before
    [location] = _cache_files()
    assert location.parent == Path(os.environ["TIMELINE_CACHE_DIR"])
    # Without the test override: the user's cache folder, never the working tree.
    monkeypatch.delenv("TIMELINE_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "timeline"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_cache_dir() == tmp_path / "home" / ".cache" / "timeline"
    assert REPO not in default_cache_dir().parents


def test_no_cache_writes_nothing(store: Path, calls: list[str]) -> None:
    _load(store, cache_dir=None)
    _load(store, cache_dir=None)
    assert len(calls) == 22
    assert _cache_files() == []


def test_an_unwritable_cache_folder_is_skipped(store: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    report = _load(store, cache_dir=blocker / "cache")
    assert report.problems == []


# --- The parallel path -----------------------------------------------------------------------


def test_parallel_validation_gives_the_same_result(write_event, store: Path) -> None:
    count = PARALLEL_THRESHOLD + 30
    for index in range(count):
        day = f"2024-{index % 12 + 1:02d}-{index % 28 + 1:02d}"
        name = f"2024/{day}-generated-{index}.yaml"
        if index % 10 == 0:
            write_event(name, event_yaml(date=day, title=f"Event {index}", extra="colour: red\n"))
        elif index % 10 == 1:
            write_event(
                name, event_yaml(date=day, title=f"Event {index}", extra="actors: [nobody]\n")
            )
        else:
            write_event(name, event_yaml(date=day, title=f"Event {index}"))
    serial = load_timeline(store, cache_dir=None, today=FIXED_TODAY, jobs=1)
    parallel = load_timeline(store, cache_dir=None, today=FIXED_TODAY, jobs=2)
    assert serial.files_checked == parallel.files_checked == count + 11
    assert len(serial.problems) == count // 10 * 2
    assert _texts(parallel) == _texts(serial)
    assert [r.id for r in parallel.timeline.records] == [r.id for r in serial.timeline.records]
    assert [r.data for r in parallel.timeline.records] == [r.data for r in serial.timeline.records]


def test_registry_names_are_the_models_registries():
    from generator.models import REGISTRIES
    from generator.records import REGISTRY_NAMES

    assert tuple(REGISTRIES) == REGISTRY_NAMES


def test_a_cached_run_imports_neither_pydantic_models_nor_the_validator(store):
    """What keeps `timeline validate` on an unchanged store fast (see records.py)."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from generator.store import load_timeline\n"
        f"assert load_timeline(Path({str(store)!r})).ok\n"
        "print(sorted(m for m in ('generator.models', 'generator.validation') if m in sys.modules))"
    )

    def imported() -> str:
        run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        return run.stdout.strip()

    assert imported() == "['generator.models', 'generator.validation']"  # cold: validates
    assert imported() == "[]"  # the cache (TIMELINE_CACHE_DIR of the test) answers


def test_the_cache_key_covers_every_module_behind_a_result():
    """A change to any module that decides a file's first-pass result empties the cache."""
    import subprocess
    import sys

    from generator.cache import _CODE_MODULES

    code = (
        "import sys, generator.validation, generator.cache\n"
        "print(' '.join(sorted(m for m in sys.modules if m.startswith('generator.'))))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    behind = {name.removeprefix("generator.") + ".py" for name in run.stdout.split()}
    assert behind <= set(_CODE_MODULES)


@pytest.mark.parametrize(
    "date",
    [
        {"start": "2024-11-17"},
        {"start": "2024-11", "approximate": True},
        {"start": "2024-08-06", "ongoing": True},
        {"start": "2024-03", "end": "2025-01"},
    ],
)
def test_a_cached_record_keeps_its_sort_position(date):
    from generator.dates import PartialDate, span_key
    from generator.records import EventRecord

    record = EventRecord("2024-11-17-x", "f.yaml", "T", date, [], (1, 1))
    end = date.get("end")
    expected = span_key(
        PartialDate.parse(date["start"]),
        PartialDate.parse(end) if end else None,
        bool(date.get("ongoing")),
    )
    assert record.order == expected
    assert EventRecord.from_plain(record.to_plain()).order == expected
