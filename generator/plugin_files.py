"""The files the mkdocs plugin adds besides pages: data downloads, feeds, explorer assets.

Each is a generated mkdocs `File`, so it takes part in the build like a file of `docs/`
(strict mode checks links to it, `mkdocs serve` serves it). The downloads take seconds to
write at 10,000 events, on the path of a build that renders pages on one core: a forked child
writes them into the site folder while the pages render (`DataWriter`), and mkdocs knows them
as files written elsewhere.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File

from generator.children import fork_child, stop_child
from generator.exports import (
    feed_links_for,
    resolve_generated_at,
    site_data_paths,
    write_site_data,
)
from generator.exports.context import ExportContext
from generator.history import FEED_PATH as CHANGES_FEED
from generator.history import StoreHistory, changes_feed
from generator.pages import Page
from generator.store import Timeline


def page_feeds(page: Page | None) -> list[dict[str, str]]:
    """The Atom feeds a page announces (the theme layer escapes their titles)."""
    if page is not None and page.kind == "changes":
        links = [*feed_links_for(""), (CHANGES_FEED, "Corrections and updates (Atom)")]
    elif page is None or page.kind not in {"actor", "tag"}:
        links = feed_links_for("")
    else:
        key = page.src_uri.split("/")[1]  # actors/<id>/index.md
        links = feed_links_for(page.kind, key, label=page.title)
    return [{"href": href, "title": title} for href, title in links]


def changes_feed_file(history: StoreHistory, timeline: Timeline, config: MkDocsConfig) -> File:
    """The feed of corrections (`generator.history`), as a file of the site."""
    context = ExportContext(resolve_generated_at(), config.site_url or None, config.site_name)
    titles = {record.id: record.title for record in timeline.records}
    return File.generated(config, CHANGES_FEED, content=changes_feed(history, context, titles))


#: The explorer's scripts and stylesheet (docs/explore.md loads them from assets/explorer/).
EXPLORER_ASSETS = Path(__file__).parent / "assets" / "explorer"


def explorer_assets(config: MkDocsConfig) -> list[File]:
    """The explorer's static files, copied into the site as they are (our own code)."""
    return [
        File.generated(config, f"assets/explorer/{path.name}", abs_src_path=str(path))
        for path in sorted(EXPLORER_ASSETS.iterdir())
        if path.is_file()
    ]


class WrittenElsewhere(File):
    """A file of the site that `DataWriter` writes: mkdocs knows it (for links and the
    served folder) and never copies it."""

    def is_modified(self) -> bool:
        return False

    def copy_file(self, dirty: bool = False) -> None:
        """Nothing to copy: the writer puts the file in place itself."""


class DataWriter:
    """The data downloads and feeds, written into the site folder by a forked child.

    `start` returns the files to add to the build and forks; `finish` waits for the child and,
    if it failed, writes the files in this process (the result never depends on the child);
    `stop` abandons it (a failed build, or a newer serve build).
    """

    def __init__(self) -> None:
        self.child: int | None = None
        self.planned: list[str] = []

    def start(
        self, timeline: Timeline, config: MkDocsConfig, *, niceness: int = 0, fork: bool = True
    ) -> list[File]:
        """The files to add to the build; written by a child, or here with `fork=False`."""
        self.stop()
        self.planned = site_data_paths(timeline)
        files = [WrittenElsewhere.generated(config, uri, content=b"") for uri in self.planned]
        if not fork or not hasattr(os, "fork"):
            _write_into(Path(config.site_dir), timeline, config, self.planned)
            return files
        child = fork_child(
            lambda: _write_niced(Path(config.site_dir), timeline, config, self.planned, niceness)
        )
        self.child = child
        return files

    def finish(self, timeline: Timeline, config: MkDocsConfig) -> None:
        """Wait for the child; write the downloads here if it failed."""
        child, self.child = self.child, None
        if child is None:
            return
        try:
            _pid, status = os.waitpid(child, 0)
            succeeded = os.waitstatus_to_exitcode(status) == 0
        except ChildProcessError:
            succeeded = False
        if not succeeded:
            _write_into(Path(config.site_dir), timeline, config, self.planned)

    def stop(self) -> None:
        """Stop a child still at work, and reap one that finished."""
        child, self.child = self.child, None
        stop_child(child)

    @property
    def running(self) -> bool:
        return self.child is not None


def _write_into(site: Path, timeline: Timeline, config: MkDocsConfig, planned: list[str]) -> None:
    """Write the downloads into a private folder of the site, then move each into place
    (atomically: a served site never shows half a file)."""
    folder = Path(tempfile.mkdtemp(prefix=".timeline-data-", dir=site))
    try:
        written = write_site_data(
            timeline,
            folder,
            config.site_url or None,
            resolve_generated_at(),
            site_name=config.site_name,
        )
        names = [path.relative_to(folder).as_posix() for path in written]
        if names != planned:  # `site_data_paths` and the writers disagree: a bug, tested
            raise RuntimeError(f"the downloads written differ from those planned: {names}")
        for path, name in zip(written, names, strict=True):
            target = site / name
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _write_niced(
    site: Path, timeline: Timeline, config: MkDocsConfig, planned: list[str], niceness: int
) -> None:
    """The child's work: the downloads, at a lower priority after an edit in serve (the page
    the author waits for is served first)."""
    if niceness:
        with contextlib.suppress(OSError):
            os.nice(niceness)
    _write_into(site, timeline, config, planned)
