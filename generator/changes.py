"""Pull-request mode: validate what changed, and whatever those changes can break.

A pull request usually touches one event of thousands, and CI starts with no cache. Instead of
parsing every file, this mode parses:

* the changed files (and the registries, which every reference needs);
* files that mention an id the change removed (a deleted or renamed event, a registry entry
  taken out), found by a plain text search rather than by parsing;
* events of the same date as a changed one (the duplicate-title rule compares them);
* the `part_of` ancestors of changed events (the cycle rule follows them).

Event ids come from file names, so "does this related event exist?" needs no parsing at all.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from generator.cache import ResultCache
from generator.checks import check_timeline
from generator.diagnostics import Problem
from generator.files import FoundFile, discover
from generator.records import EventRecord
from generator.store import LoadReport, Timeline, collect, first_pass, record_sort_key
from generator.validation import role_of_name, split_name

#: Following `part_of` further than this means a pathological store; the cycle rule stops.
MAX_ANCESTOR_STEPS = 10_000


@dataclass(frozen=True)
class Changes:
    """What a pull request changed under the events folder."""

    changed: frozenset[Path]
    """Resolved paths of added or modified files."""
    removed_ids: frozenset[str] = frozenset()
    """Event ids whose files were deleted or renamed, and registry ids that were removed."""
    discovered: tuple[list[FoundFile], list[Problem]] | None = field(default=None, compare=False)
    """The store as `discover` found it while the changes were worked out (read once)."""


def changes_since(ref: str, root: Path, *, fetch: bool | None = None) -> Changes:
    """What the work tree changed under `root` since its merge base with `ref` (git).

    Removed ids are the ids at the merge base that are gone now, so a renamed event counts as
    removed under its old id; removed registry entries are found by loading both versions of
    a changed registry with the hardened loader.
    """
    from generator import gitrepo
    from generator.loader import MAX_REGISTRY_BYTES, MAX_REGISTRY_NODES, load_bytes

    changed = frozenset(path.resolve() for path in gitrepo.changed_files(ref, [root], fetch=fetch))
    repo = gitrepo.Repo.at(root)
    base = repo.merge_base(ref, fetch=gitrepo.fetch_allowed(fetch)) or repo.commit(ref)
    listing = repo.git("ls-tree", "-r", "--name-only", "-z", base, "--", repo.pathspec(root))
    # Only what discovery reads: a hidden file (`.gitkeep`) or a README is no event, and
    # counting it as a removed id made every file of the store be searched for it. Names stay
    # text: a path object per file of a 100,000-event store costs seconds.
    old_ids = _ids_of(listing.decode("utf-8", "replace").split("\0"))
    discovered = discover(root)
    found = discovered[0]
    removed = old_ids - {split_name(item.name)[0] for item in found}
    for item in found:
        if role_of_name(item.name)[0] != "registry" or item.path.resolve() not in changed:
            continue
        before = repo.show(base, item.path)
        if before is None or len(before) > MAX_REGISTRY_BYTES:
            continue
        old = load_bytes(before, item.display, MAX_REGISTRY_NODES).document
        new = load_bytes(item.path.read_bytes(), item.display, MAX_REGISTRY_NODES).document
        if old is not None and isinstance(old.data, dict):
            current = new.data if new is not None and isinstance(new.data, dict) else {}
            removed |= set(old.data) - set(current)
    return Changes(changed, frozenset(removed), discovered)


def _ids_of(names: Iterable[str]) -> set[str]:
    """The stems of the YAML files among `names` that discovery reads (none in a hidden
    folder, no hidden file): the event ids, and the registries' names."""
    ids = set()
    for name in names:
        if not name or "/." in f"/{name}":
            continue
        stem, suffix = split_name(name)
        if suffix in {".yaml", ".yml"}:
            ids.add(stem)
    return ids


def validate_changes(
    root: Path,
    changes: Changes,
    *,
    cache_dir: Path | None,
    today: dt.date | None = None,
    jobs: int | None = None,
) -> LoadReport:
    """Validate the changed files and everything they can affect (see the module docstring).

    Problems are reported for the changed files and for files broken by a removal; the other
    files read along the way only serve as context.
    """
    found, discovery_problems = changes.discovered or discover(root)
    roles = {item.name: role_of_name(item.name)[0] for item in found}
    events = {split_name(item.name)[0]: item for item in found if roles[item.name] == "event"}
    registries = [item for item in found if roles[item.name] == "registry"]
    changed = _relative_to(root, changes.changed)  # resolving 10,000 paths costs ~0.7 s
    targets = {item.name for item in found if item.name in changed}
    targets |= _mentioning(events.values(), changes.removed_ids)
    wanted = targets | _same_dates(events, targets)

    cache = ResultCache.open(root, cache_dir)
    chosen = [item for item in found if item.name in wanted]
    results = first_pass(registries + [i for i in chosen if i not in registries], cache, jobs)
    records, registry_ids, registry_data, problems = collect(results, root)
    records += _ancestors(records, events, cache, jobs)
    cache.save()

    target_files = {item.display for item in found if item.name in targets}
    target_files |= {item.display for item in registries if item.name in changed}
    cross = check_timeline(
        records, registry_ids, today or dt.date.today(), known_ids=frozenset(events)
    )
    problems += [p for p in cross if p.file in target_files or p.kind == "cycle"]
    problems = [p for p in problems if p.file in target_files or p.kind in _STORE_WIDE_KINDS]
    problems += [p for p in discovery_problems if p.file in target_files or p.kind == "symlink"]
    records.sort(key=record_sort_key)
    return LoadReport(
        Timeline(root, records, registry_data),
        problems,
        len(target_files),
        [item for item in found if item.display in target_files],
    )


_STORE_WIDE_KINDS = frozenset({"missing_registry", "cycle"})


def _relative_to(root: Path, paths: frozenset[Path]) -> set[str]:
    """Resolved paths under `root` as names relative to it (as discovery names files)."""
    base = root.resolve()
    relative = set()
    for path in paths:
        try:
            relative.add(path.relative_to(base).as_posix())
        except ValueError:
            continue
    return relative


def _mentioning(files: Iterable[FoundFile], ids: frozenset[str]) -> set[str]:
    """Files whose text contains one of `ids` as a whole word: cheap, and never misses one."""
    if not ids:
        return set()
    pattern = re.compile(
        rb"(?<![a-z0-9-])(?:"
        + b"|".join(re.escape(i.encode()) for i in sorted(ids))
        + rb")(?![a-z0-9-])"
    )
    hits: set[str] = set()
    for item in files:
        try:
            if pattern.search(item.path.read_bytes()):
                hits.add(item.name)
        except OSError:
            hits.add(item.name)  # unreadable: let validation report it
    return hits


def _same_dates(events: dict[str, FoundFile], targets: set[str]) -> set[str]:
    prefixes = {_date_prefix(split_name(target)[0]) for target in targets} - {""}
    if not prefixes:
        return set()
    return {item.name for stem, item in events.items() if _date_prefix(stem) in prefixes}


def _date_prefix(stem: str) -> str:
    match = re.match(r"^\d{4}(?:-\d{2}){0,2}(?=-[a-z])", stem)
    return match.group() if match else ""


def _ancestors(
    records: list[EventRecord], events: dict[str, FoundFile], cache: ResultCache, jobs: int | None
) -> list[EventRecord]:
    """Records along the `part_of` chains above `records`, loaded only as far as needed."""
    have = {record.id for record in records}
    frontier = list(records)
    extra: list[EventRecord] = []
    steps = 0
    while frontier and steps < MAX_ANCESTOR_STEPS:
        wanted = {
            ref.target
            for record in frontier
            for ref in record.references
            if ref.relation == "part_of" and ref.target not in have and ref.target in events
        }
        if not wanted:
            break
        steps += len(wanted)
        have |= wanted
        results = first_pass([events[i] for i in sorted(wanted)], cache, jobs)
        frontier = [result.record for result in results if result.record is not None]
        extra += frontier
    return extra
