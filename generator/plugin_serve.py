"""`timeline serve` after an edit: rebuild only the pages that depend on what changed.

`timeline serve` runs `mkdocs serve --dirty`: mkdocs then renders and writes only the files
whose `is_modified()` is true, and Material's search plugin keeps its index between builds.
What is modified is decided here, not by mkdocs' file times:

* the events whose files changed (by size and modification time, as the validation cache
  sees them) and the pages that can show them (`pages.incremental`); the previous build's
  records are reused for every other file, so their models are not built again;
* everything, when anything else changed: a hand-written page, the theme, mkdocs.yml, the
  registries or the git history (the navigation and every page may differ then);
* the data downloads and feeds (seconds of work at 10,000 events) are written again by a
  forked child after the pages are served (`plugin_files.DataWriter`); until it is done the
  previous ones stay.

Pages that disappeared are deleted from the served folder, and the search index starts from
the previous entries of every page not rendered again (Material's own merge handles one page).
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2.bccache import Bucket, BytecodeCache
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

from generator.history import StoreHistory
from generator.pages import Site, build_site
from generator.pages.incremental import SiteUpdate, reuse_records, update_site
from generator.plugin_files import WrittenElsewhere
from generator.store import LoadReport, Timeline

#: What mkdocs logs at every dirty build; our builds are not inaccurate, so it is dropped.
DIRTY_WARNING = "A 'dirty' build is being performed"

Stamps = dict[str, "tuple[int, int] | None"]


class PageFile(File):
    """A generated file whose `is_modified()` is what the incremental build decided."""

    modified = True

    def is_modified(self) -> bool:
        return self.modified


@dataclass
class Previous:
    """What one serve build leaves for the next."""

    site: Site
    timeline: Timeline
    stamps: Stamps
    inputs: dict[str, int]
    options: tuple[Any, ...]
    history: StoreHistory | None


class IncrementalServe:
    """The state of `mkdocs serve --dirty` between builds, and its decisions."""

    def __init__(self) -> None:
        self.previous: Previous | None = None
        self.update: SiteUpdate | None = None
        self.rendered: set[str] = set()
        self.changed_events: set[str] = set()
        #: Why this build renders every page, for the log ("" when it need not).
        self.reason = ""
        #: Between `site` and the end of the build: the served folder is being rewritten.
        self.writing = False
        #: The generated pages' files of the last build, reused for pages that did not change.
        self.page_files: dict[str, PageFile] = {}
        self.previous_files: dict[str, PageFile] = {}
        self.templates = TemplateCache()
        self.watcher = EventsWatcher()

    def site(
        self,
        report: LoadReport,
        inputs: dict[str, int],
        options: tuple[Any, ...],
        history: StoreHistory | None,
        *,
        latest_count: int,
        changes_feed: bool,
        index_page_limit: int,
    ) -> Site:
        """The site of this build: updated from the previous one where only events changed."""
        self.rendered = set()
        previous_files, self.page_files = self.page_files, {}
        stamps: Stamps = {item.display: item.stamp for item in report.found}
        timeline = report.timeline
        previous, self.previous, self.update = self.previous, None, None
        self.reason = _why_everything(previous, inputs, options, history)
        if previous is not None and not self.reason:
            unchanged = _unchanged(previous.stamps, stamps)
            self.changed_events = reuse_records(previous.timeline, timeline, unchanged)
            self.update = update_site(
                previous.site,
                previous.timeline,
                timeline,
                self.changed_events,
                latest_count=latest_count,
                history=history,
                changes_feed=changes_feed,
                index_page_limit=index_page_limit,
            )
        site = (
            self.update.site
            if self.update is not None
            else build_site(
                timeline,
                latest_count=latest_count,
                history=history,
                changes_feed=changes_feed,
                index_page_limit=index_page_limit,
            )
        )
        self.previous = Previous(site, timeline, stamps, inputs, options, history)
        self.previous_files = previous_files if self.update is not None else {}
        self.writing = True
        return site

    def describe(self) -> str:
        """What this build renders, for the serve log."""
        if self.update is None:
            return f"rendering every page ({self.reason or 'the registries changed'})"
        events = len(self.changed_events)
        pages = len(self.update.changed) + int(self.update.home_changed)
        return (
            f"{events} event{'s' * (events != 1)} changed: rendering {pages} of "
            f"{len(self.update.site.pages) + 1} generated pages, "
            f"{len(self.update.removed)} removed"
        )

    @property
    def incremental(self) -> bool:
        """Whether this build renders only what changed (else it renders everything)."""
        return self.update is not None

    def is_changed(self, src_uri: str) -> bool:
        return self.update is None or src_uri in self.update.changed

    @property
    def home_changed(self) -> bool:
        return self.update is None or self.update.home_changed

    def remove_pages_gone(self, config: MkDocsConfig) -> None:
        """Delete the output of pages the previous build had and this one has not."""
        if self.update is None:
            return
        for src_uri in sorted(self.update.removed):
            output = Path(File.generated(config, src_uri, content="").abs_dest_path)
            output.unlink(missing_ok=True)
            if output.parent != Path(config.site_dir):
                with contextlib.suppress(OSError):
                    output.parent.rmdir()  # only when empty

    def kept_page_file(self, src_uri: str) -> PageFile | None:
        """The last build's file of an unchanged page, with its mkdocs page."""
        return self.previous_files.get(src_uri)

    def drop_rendered_html(self) -> None:
        """Let go of the HTML of the pages just rendered: their files are kept for the next
        build, and the HTML of a whole site would stay in memory with them."""
        self.previous_files = {}
        for file in self.page_files.values():
            if file.page is not None:
                file.page.content = None
                file.page.markdown = None

    def build_failed(self) -> None:
        """A build failed: if it had begun to write, what is served is unknown, and the next
        build renders everything; if the store was invalid, nothing was written."""
        if self.writing:
            self.previous = None
            self.page_files = {}
        self.previous_files = {}
        self.writing = False


def input_stamps(files: Iterable[File], config_file: str | None) -> dict[str, int]:
    """Modification times of everything but the events a page can depend on: hand-written
    pages, theme files and mkdocs.yml."""
    stamps = {file.abs_src_path: _mtime(file.abs_src_path) for file in files if file.abs_src_path}
    if config_file:
        # mkdocs serve names it as given on the command line for its first build, and by its
        # absolute path when it reloads it: one key for both.
        stamps[os.path.abspath(config_file)] = _mtime(config_file)
    return stamps


def _mtime(path: str) -> int:
    """A file's modification time in nanoseconds; -1 when it cannot be read."""
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return -1


def force_modified(files: Files) -> None:
    """Make mkdocs render every hand-written page again (a dirty build skips the unedited)."""
    for file in files:
        if not isinstance(file, PageFile | WrittenElsewhere):
            file.is_modified = _always  # type: ignore[method-assign]


def carry_search_entries(config: MkDocsConfig, files: Files) -> None:
    """Start this build's search index with the previous build's entries of every page it
    will not render (Material's own merge assumes one page per build).

    Called once the files are final: entries of pages rendered again and of pages gone are
    dropped, the rendered pages add theirs as usual.
    """
    kept = {file.url for file in files if file.is_documentation_page() and not file.is_modified()}
    for plugin in config.plugins.values():
        index = getattr(plugin, "search_index", None)
        previous = getattr(plugin, "search_index_prev", None)
        if (
            index is None
            or previous is None
            or not isinstance(getattr(index, "entries", None), list)
        ):
            continue
        index.entries = [
            entry
            for entry in previous.entries
            if str(entry.get("location", "")).split("#", 1)[0] in kept
        ]
        plugin.search_index_prev = None  # nothing more to merge with


class TemplateCache(BytecodeCache):
    """Compiled Jinja templates kept in memory between serve builds (mkdocs makes a new
    environment each time, which compiled every template again: ~0.3 s). Jinja checks each
    template's source against the checksum stored with it, so an edited template compiles."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


#: The inotify events (as watchdog names them) after which a file has new content.
WRITTEN = frozenset({"created", "deleted", "moved", "closed"})


class EventsWatcher:
    """Watches the events folder with inotify instead of mkdocs' polling watcher.

    mkdocs polls every watched folder twice a second; listing 10,000 event files takes about
    0.14 s each time, a quarter of a core taken from the rebuilds and up to half a second
    before an edit is noticed. On Linux the events folder is watched by inotify instead, and a
    change asks mkdocs' server for a rebuild exactly as its own watcher does. Anywhere else, or
    if the server is not what this expects, mkdocs keeps watching the folder itself.
    """

    def __init__(self) -> None:
        self.observer: Any = None

    def start(self, server: Any, folder: str) -> bool:
        """Watch `folder` for `server`; False when mkdocs should watch it (its polling)."""
        if not sys.platform.startswith("linux"):
            return False
        if not hasattr(server, "_rebuild_cond") or not hasattr(server, "_want_rebuild"):
            return False
        condition: Any = server._rebuild_cond
        try:
            from watchdog.events import FileSystemEvent, FileSystemEventHandler
            from watchdog.observers.inotify import InotifyObserver
        except ImportError:
            return False

        class _Handler(FileSystemEventHandler):
            def on_any_event(self, event: FileSystemEvent) -> None:
                # A finished write, not each write(): an editor's save is one event. Nor a
                # file opened or read: the rebuild itself reads the files it validates.
                if event.is_directory or event.event_type not in WRITTEN:
                    return
                with condition:
                    server._want_rebuild = True
                    condition.notify_all()

        self.stop()
        observer = InotifyObserver()
        try:
            observer.schedule(_Handler(), folder, recursive=True)
            observer.start()
        except OSError:  # no inotify watches left, say
            return False
        self.observer = observer
        return True

    def stop(self) -> None:
        if self.observer is not None:
            self.observer.stop()
            self.observer.join(timeout=5)
            self.observer = None


class DirtyWarningFilter(logging.Filter):
    """Drops mkdocs' warning that dirty builds may be inaccurate (see the module docstring)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(DIRTY_WARNING)


def _why_everything(
    previous: Previous | None,
    inputs: dict[str, int],
    options: tuple[Any, ...],
    history: StoreHistory | None,
) -> str:
    """Why a build cannot start from the previous one ("" when it can)."""
    if previous is None:
        return "the first build"
    if previous.inputs != inputs:
        changed = sorted(set(inputs.items()) ^ set(previous.inputs.items()))
        return f"{os.path.basename(changed[0][0])} changed" if changed else "a file changed"
    if previous.options != options:
        return "the plugin's options changed"
    if previous.history != history:
        return "the git history changed"
    return ""


def _unchanged(before: Stamps, after: Stamps) -> set[str]:
    return {
        name for name, stamp in after.items() if stamp is not None and before.get(name) == stamp
    }


def _always() -> bool:
    return True
