"""Half of the generated pages built by a forked child (`generator/plugin_split.py`): each page
is written once, by one process, and the site does not depend on what the child does.

The builds run in this process (as `mkdocs build` runs them), so a patch reaches the child too.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

import pytest
from conftest import REPO, allow_fork_beside_threads, site_config
from mkdocs import utils
from mkdocs.commands import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from generator import plugin_split

pytestmark = pytest.mark.site

STORE = REPO / "tests" / "fixtures" / "site"


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1732000000")
    monkeypatch.setenv("TIMELINE_PRERENDER_MIN_PAGES", "0")  # the fixture store is small
    allow_fork_beside_threads(monkeypatch)
    return site_config(tmp_path / "project", STORE)


def _build(config_file: Path, site: Path, *, strict: bool = False) -> dict[str, bytes]:
    """What `mkdocs build` does, in this process; returns the site's files."""
    config = load_config(str(config_file), site_dir=str(site), strict=strict)
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build.build(config)
    finally:
        config.plugins.on_shutdown()
    return {
        path.relative_to(site).as_posix(): path.read_bytes()
        for path in sorted(site.rglob("*"))
        if path.is_file()
    }


def _record_shares(monkeypatch: pytest.MonkeyPatch) -> list[frozenset[str]]:
    shares: list[frozenset[str]] = []
    start = plugin_split.SplitBuild.start

    def recorded(self, *args, **kwargs):
        start(self, *args, **kwargs)
        shares.append(self.share)

    monkeypatch.setattr(plugin_split.SplitBuild, "start", recorded)
    return shares


def test_the_child_writes_its_pages_and_the_parent_the_others(
    config_file, tmp_path, monkeypatch, caplog
):
    journal = tmp_path / "writes"
    write_file = utils.write_file

    def journalled(content: bytes, output_path: str) -> None:
        with journal.open("a", encoding="utf-8") as handle:  # appends from both processes
            handle.write(f"{os.getpid()} {output_path}\n")
        write_file(content, output_path)

    monkeypatch.setattr(utils, "write_file", journalled)
    shares = _record_shares(monkeypatch)
    caplog.set_level(logging.INFO)
    site = tmp_path / "site"
    _build(config_file, site)

    [share] = shares
    assert len(share) > 5
    writers: dict[str, list[int]] = {}
    for line in journal.read_text(encoding="utf-8").splitlines():
        pid, path = line.split(" ", 1)
        # (written into a staging folder beside the site, `buildout`)
        name = Path(path).relative_to(tmp_path).as_posix().split("/", 1)[1]
        writers.setdefault(name, []).append(int(pid))
    by_child = {name for name, pids in writers.items() if pids[0] != os.getpid()}
    assert by_child == {uri.removesuffix(".md") + ".html" for uri in share}
    assert all(len(pids) == 1 for pids in writers.values())  # nothing written twice
    assert "events/" in " ".join(sorted(by_child))
    # The parent's template renders nothing for those pages, and says nothing about it.
    assert not [record for record in caplog.records if "Page skipped" in record.getMessage()]


def test_one_job_builds_in_one_process(tmp_path, monkeypatch):
    monkeypatch.setenv("TIMELINE_PRERENDER_MIN_PAGES", "0")
    config_file = site_config(tmp_path / "project", STORE, jobs=1)

    def no_fork() -> int:
        raise AssertionError("jobs: 1 forked")

    monkeypatch.setattr(os, "fork", no_fork)
    built = _build(config_file, tmp_path / "site")
    assert "events/2024-11-17-strikes-authorised/index.html" in built
    assert "data/timeline.json" in built


def test_a_failing_child_changes_nothing_but_the_time(config_file, tmp_path, monkeypatch):
    built = _build(config_file, tmp_path / "split")

    def broken(*args, **kwargs):
        raise RuntimeError("the child broke")

    monkeypatch.setattr(plugin_split, "_build_share", broken)
    shares = _record_shares(monkeypatch)
    fallen_back = _build(config_file, tmp_path / "fallback")
    [share] = shares
    assert share  # there was a child, and it failed
    assert list(fallen_back) == list(built)
    assert [name for name in built if built[name] != fallen_back[name]] == []


def test_the_childs_warnings_fail_a_strict_build(config_file, tmp_path, monkeypatch, caplog):
    parent = os.getpid()
    build_page = build._build_page
    # What the mkdocs command adds to this logger: a message logged twice shows once.
    repeated = utils.DuplicateFilter()
    build.log.addFilter(repeated)

    def warning_in_the_child(page, *args, **kwargs):
        if os.getpid() != parent and page.file.src_uri.startswith("events/"):
            build.log.warning(f"the child warns about {page.file.src_uri}")
            build.log.warning("the same warning of each page")
        return build_page(page, *args, **kwargs)

    monkeypatch.setattr(build, "_build_page", warning_in_the_child)
    shares = _record_shares(monkeypatch)
    try:
        with pytest.raises(Abort, match="in strict mode"):
            _build(config_file, tmp_path / "site", strict=True)
    finally:
        build.log.removeFilter(repeated)
    [share] = shares
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    child_events = sorted(uri for uri in share if uri.startswith("events/"))
    assert child_events
    assert sorted(warned) == sorted(  # each message once, as one process would log them
        ["the same warning of each page", *[f"the child warns about {u}" for u in child_events]]
    )
    assert not (tmp_path / "site").exists()  # strict mode kept the old site (none)


@pytest.mark.parametrize(
    ("plugins", "child"),
    [
        (["search", "timeline"], True),
        (["search", "timeline", "tags"], False),  # Material's tags plugin reads every page
    ],
)
def test_a_child_only_when_no_other_plugin_builds_pages(tmp_path, plugins, child):
    path = site_config(tmp_path, STORE)
    text = path.read_text(encoding="utf-8")
    if "tags" in plugins:
        text = text.replace("plugins:\n", "plugins:\n- tags\n", 1)
    path.write_text(text, encoding="utf-8")
    config = load_config(str(path))
    assert ("material/tags" in config.plugins) is not child
    timeline = config.plugins["timeline"]
    assert plugin_split.only_page_plugins_known(config, timeline) is child


def test_no_child_while_other_threads_run(monkeypatch):
    """A rebuild of `mkdocs serve` runs beside the server's threads: a child forked then could
    inherit a lock one of them holds, so that build runs in one process."""
    monkeypatch.setenv("TIMELINE_PRERENDER_MIN_PAGES", "0")
    stop = threading.Event()
    server = threading.Thread(target=stop.wait)
    server.start()
    try:
        split = plugin_split.SplitBuild()
        split.start([object()] * 10, config=None, files=None, nav=None, serving=True)
        assert split.child is None
        assert not split.share
    finally:
        stop.set()
        server.join()
