"""Loading a whole store: discover, validate each file (cached, in parallel), check across files.

The result is a `Timeline`: valid events in the documented order plus the registries, which is
what the page model, the exports and the CLI work from.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.cache import ResultCache, default_cache_dir, result_to_plain
from generator.checks import Registries, check_timeline
from generator.diagnostics import Problem
from generator.files import FoundFile, discover, display_path
from generator.records import REGISTRY_NAMES, EventRecord, FileResult
from generator.workers import start_validation, validate_here

if TYPE_CHECKING:
    from generator.models import Actor, Place, Tag

# The models and the validator (pydantic) are imported where they are used: a cached run
# validates no file and builds no model, and importing them is a good part of its start-up.

_DEFAULT = object()


@dataclass
class Timeline:
    """The valid events in sort order, and the registries they refer to."""

    root: Path
    records: list[EventRecord]
    registry_data: dict[str, dict[str, Any]] = field(default_factory=dict)

    @cached_property
    def actors(self) -> dict[str, Actor]:
        from generator.models import Actor

        return {k: Actor.model_validate(v) for k, v in self.registry_data.get("actors", {}).items()}

    @cached_property
    def places(self) -> dict[str, Place]:
        from generator.models import Place

        return {k: Place.model_validate(v) for k, v in self.registry_data.get("places", {}).items()}

    @cached_property
    def tags(self) -> dict[str, Tag]:
        from generator.models import Tag

        return {k: Tag.model_validate(v) for k, v in self.registry_data.get("tags", {}).items()}

    @cached_property
    def by_id(self) -> dict[str, EventRecord]:
        return {record.id: record for record in self.records}


@dataclass
class LoadReport:
    """A timeline together with every problem found while loading it."""

    timeline: Timeline
    problems: list[Problem]
    files_checked: int
    found: list[FoundFile] = field(default_factory=list)
    """The files read (with their paths): all of the store, or what pull-request mode chose."""

    @cached_property
    def file_paths(self) -> dict[str, Path]:
        """Each file's path by its display name (made when asked for: a Path each costs)."""
        return {item.display: item.path for item in self.found}

    @property
    def ok(self) -> bool:
        return not any(problem.severity == "error" for problem in self.problems)


def record_sort_key(record: EventRecord) -> tuple[Any, ...]:
    """The documented total order (see `dates.py`): by date, then id."""
    return (record.order, record.id)


def load_timeline(
    root: Path,
    *,
    cache_dir: Path | object | None = _DEFAULT,
    today: dt.date | None = None,
    jobs: int | None = None,
) -> LoadReport:
    """Validate every file under `root` and return the timeline with all problems.

    `cache_dir=None` disables the cache; `jobs=1` forces a single process.
    """
    directory = default_cache_dir() if cache_dir is _DEFAULT else cache_dir
    assert directory is None or isinstance(directory, Path)
    with collector_paused():
        found, problems = discover(root)
        cache = ResultCache.open(root, directory)
        results = first_pass(found, cache, jobs)
        cache.keep_only({item.name for item in found})
        cache.save()

        records, registries, registry_data, file_problems = collect(results, root)
        problems.extend(file_problems)
        problems.extend(check_timeline(records, registries, today or dt.date.today()))
        records.sort(key=record_sort_key)
    timeline = Timeline(root, records, registry_data)
    # Links and missing registries are files too: count them, or "3 of 2 files" can happen.
    shown = {item.display for item in found}
    files_checked = len(shown | {problem.file for problem in problems})
    return LoadReport(timeline, problems, files_checked, found)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a store loads.

    Loading builds some 200,000 long-lived objects for 10,000 events (records, references,
    decoded JSON) and creates no reference cycles (validating files leaves none behind:
    measured), yet every few thousand allocations the collector walked all of them: a third
    of a cached run. Reference counting still frees everything else as usual.

    Afterwards the objects made meanwhile join the oldest generation (`freeze` then
    `unfreeze`: two list splices), or the first young collection would walk all of them once
    more (~60 ms). Not when the process froze objects of its own: `unfreeze` would undo that.
    """
    if not gc.isenabled():
        yield
        return
    promote = gc.get_freeze_count() == 0
    gc.disable()
    try:
        yield
    finally:
        if promote:
            gc.freeze()
            gc.unfreeze()
        gc.enable()


def collect(
    results: list[FileResult], root: Path
) -> tuple[list[EventRecord], Registries, dict[str, dict[str, Any]], list[Problem]]:
    """Gather first-pass results: valid records, registries, and every problem so far."""
    records: list[EventRecord] = []
    ids: dict[str, frozenset[str]] = {}
    files: dict[str, str] = {}
    registry_data: dict[str, dict[str, Any]] = {}
    problems: list[Problem] = []
    for result in results:
        problems.extend(result.problems)
        if result.record is not None:
            records.append(result.record)
        if result.registry_name is not None:
            ids[result.registry_name] = frozenset(result.registry_ids)
            files[result.registry_name] = result.file
            registry_data[result.registry_name] = result.registry_data
    for name in REGISTRY_NAMES:
        if name not in ids:
            problems.append(
                Problem(
                    display_path(root / f"{name}.yaml"),
                    1,
                    1,
                    "",
                    f"the {name} registry is missing: create {name}.yaml in the events folder",
                    "missing_registry",
                )
            )
    return records, Registries(ids, files), registry_data, problems


def first_pass(found: list[FoundFile], cache: ResultCache, jobs: int | None) -> list[FileResult]:
    """Per-file results for `found`, from the cache where the file is unchanged.

    The files the cache cannot answer for start validating first (elsewhere when that is
    worth it: `workers.py`); the cached results are read meanwhile.
    """
    results: dict[str, FileResult] = {}
    stamps = {item.name: item.stamp or _stamp_of(item.location) for item in found}
    todo = [item for item in found if not cache.answers(item.name, stamps[item.name])]
    validation = start_validation(todo, jobs, cached=len(found) - len(todo))
    try:
        late: list[FoundFile] = []  # a cached row that cannot be read back after all
        pending = {item.name for item in todo}
        for item in found:
            if item.name in pending:
                continue
            cached = cache.get(item.name, stamps[item.name])
            if cached is not None and cached.file == item.display:
                results[item.name] = cached
            else:
                late.append(item)
        validated = validation.results()
    finally:
        validation.close()
    validated += validate_here(late)
    for item, result in zip(todo + late, validated, strict=True):
        results[item.name] = result
        if stamps[item.name] != (-1, -1):
            cache.put(item.name, stamps[item.name], result_to_plain(result))
    return [results[item.name] for item in found]


def _stamp_of(location: str) -> tuple[int, int]:
    """(size, nanosecond mtime) of a file discovery did not stamp; (-1, -1) if unreadable."""
    try:
        info = os.lstat(location)
    except OSError:
        return (-1, -1)
    return (info.st_size, info.st_mtime_ns)
