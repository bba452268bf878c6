"""The page model after an edit (`pages.incremental`): equal to a full build, page by page.

Each test edits the files of a generated store the way a contributor would (a title, a date
that moves the event and renames its file, relations, actors, a new or deleted event), reloads
it, and checks that `update_site` gives exactly the pages `build_site` gives, and that the pages
it reports as changed are exactly those that differ from the previous build.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXED_TODAY
from ruamel.yaml import YAML
from test_corpus import corpus

from generator.pages import Site, build_site
from generator.pages.incremental import SiteUpdate, reuse_records, update_site
from generator.store import Timeline, load_timeline

OPTIONS: dict[str, Any] = {
    "latest_count": 5,
    "history": None,
    "changes_feed": False,
    "index_page_limit": 8,  # the busiest actors and tags get a page per year
}


@pytest.fixture
def events(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # records name their files as `events/…`, like `_texts`
    corpus.generate(tmp_path, 60, seed=3)
    return tmp_path / "events"


def _load(root: Path) -> Timeline:
    report = load_timeline(root, cache_dir=None, today=FIXED_TODAY, jobs=1)
    assert [problem.as_text() for problem in report.problems] == []
    return report.timeline


def _texts(root: Path) -> dict[str, bytes]:
    paths = root.rglob("*.yaml")
    return {path.relative_to(root.parent).as_posix(): path.read_bytes() for path in paths}


def _yaml() -> YAML:
    yaml = YAML()
    yaml.width = 4096
    return yaml


def _edit(path: Path, change: Callable[[Any], None]) -> None:
    data = _yaml().load(path.read_text(encoding="utf-8"))
    change(data)
    out = io.StringIO()
    _yaml().dump(data, out)
    path.write_text(out.getvalue(), encoding="utf-8")


def _files(root: Path) -> list[Path]:
    return sorted(path for path in root.glob("*/*.yaml"))


def _with_relations(root: Path) -> Path:
    return next(path for path in _files(root) if "\nrelated:" in path.read_text(encoding="utf-8"))


def _unreferenced(root: Path) -> Path:
    """An event no other event relates to (deleting it leaves the store valid)."""
    texts = [path.read_text(encoding="utf-8") for path in _files(root)]
    return next(
        path
        for path in _files(root)[5:]
        if not any(f"event: {path.stem}\n" in text for text in texts)
    )


def _update(root: Path, edit: Callable[[Path], None]) -> tuple[SiteUpdate, Site, Site]:
    """Edit the store; returns the incremental update, the full build before and after."""
    before = _load(root)
    previous = build_site(before, **OPTIONS)
    texts = _texts(root)
    edit(root)
    after = _load(root)
    unchanged = {name for name, text in _texts(root).items() if texts.get(name) == text}
    changed = reuse_records(before, after, unchanged)
    assert len(changed) <= 4  # what the tests edit, not the whole store
    update = update_site(previous, before, after, changed, **OPTIONS)
    assert update is not None
    return update, previous, build_site(_load(root), **OPTIONS)


def _assert_same_as_full_build(update: SiteUpdate, previous: Site, full: Site) -> None:
    assert [page.src_uri for page in update.site.pages] == [page.src_uri for page in full.pages]
    for page, expected in zip(update.site.pages, full.pages, strict=True):
        assert page == expected, page.src_uri
    assert update.site.home == full.home
    differing = {page.src_uri for page in full.pages if previous.by_uri.get(page.src_uri) != page}
    assert update.changed == differing
    assert update.removed == previous.by_uri.keys() - full.by_uri.keys()
    assert update.home_changed == (previous.home != full.home)


def test_nothing_changed_changes_no_page(events):
    update, previous, full = _update(events, lambda root: None)
    _assert_same_as_full_build(update, previous, full)
    assert update.changed == frozenset()
    assert not update.home_changed


def test_a_new_title_changes_its_page_neighbours_relations_and_lists(events):
    path = _with_relations(events)

    def retitle(root: Path) -> None:
        _edit(path, lambda data: data.__setitem__("title", "A new title for this event"))

    update, previous, full = _update(events, retitle)
    _assert_same_as_full_build(update, previous, full)
    assert f"events/{path.stem}/index.md" in update.changed
    related = _yaml().load(path.read_text(encoding="utf-8"))["related"][0]["event"]
    assert f"events/{related}/index.md" in update.changed  # its "Updated by" list
    assert len(update.changed) < len(full.pages) // 3


def test_a_moved_event_changes_old_and_new_neighbours(events):
    files = _files(events)
    moved = _unreferenced(events)
    target = files[2].stem[:10] if files[2].stem[:10].count("-") == 2 else "2014-01-15"

    def move(root: Path) -> None:
        slug = moved.stem[len(moved.stem.split("-", 3)[0]) :].lstrip("-0123456789")
        new = root / target[:4] / f"{target}-{slug}.yaml"
        text = moved.read_text(encoding="utf-8")
        moved.unlink()
        new.parent.mkdir(exist_ok=True)
        new.write_text(text, encoding="utf-8")
        _edit(new, lambda data: data.__setitem__("date", target))

    update, previous, full = _update(events, move)
    _assert_same_as_full_build(update, previous, full)
    assert f"events/{moved.stem}/index.md" in update.removed


def test_relations_and_actors_added_and_removed(events):
    first, second = _with_relations(events), _files(events)[10]

    def rewire(root: Path) -> None:
        _edit(first, lambda data: data.pop("related"))
        _edit(second, lambda data: data.__setitem__("actors", ["ukraine"]))
        _edit(
            second,
            lambda data: data.__setitem__(
                "related", [{"event": _files(root)[0].stem, "relation": "follows"}]
            ),
        )

    update, previous, full = _update(events, rewire)
    _assert_same_as_full_build(update, previous, full)
    assert "actors/ukraine/index.md" in update.changed


def test_a_new_and_a_deleted_event(events):
    gone = _unreferenced(events)
    template = _files(events)[0]

    def add_and_delete(root: Path) -> None:
        gone.unlink()
        new = root / "2024" / "2024-12-01-a-new-event.yaml"
        new.parent.mkdir(exist_ok=True)
        new.write_text(template.read_text(encoding="utf-8"), encoding="utf-8")

        def change(data: Any) -> None:
            data["date"] = "2024-12-01"
            data["title"] = "A brand new event"
            data["related"] = [{"event": _files(root)[3].stem, "relation": "responds_to"}]

        _edit(new, change)

    update, previous, full = _update(events, add_and_delete)
    _assert_same_as_full_build(update, previous, full)
    assert "events/2024-12-01-a-new-event/index.md" in update.changed
    assert update.home_changed  # the latest events


def test_a_registry_change_asks_for_a_full_build(events):
    before = _load(events)
    previous = build_site(before, **OPTIONS)
    _edit(events / "actors.yaml", lambda data: data["ukraine"].__setitem__("name", "Ukraina"))
    after = _load(events)
    changed = reuse_records(before, after, set())
    assert update_site(previous, before, after, changed, **OPTIONS) is None


def test_reused_records_keep_their_models(events):
    before = _load(events)
    models = {record.id: record.event for record in before.records}
    after = _load(events)
    changed = reuse_records(before, after, {record.file for record in after.records[1:]})
    assert changed == {after.records[0].id}
    assert all(record.event is models[record.id] for record in after.records[1:])
    assert after.by_id[after.records[0].id] is after.records[0]
