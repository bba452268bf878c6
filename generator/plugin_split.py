"""Half of the generated pages built end to end by a forked child, while mkdocs builds the rest.

mkdocs builds pages one after another on one core. For each generated page the plugin renders
its body, Material's search plugin parses it, and Material's theme renders the page around it:
about 3 ms a page, most of a build. Everything a page needs is known once the navigation is
(`on_nav`), so a child forked then can build a share of the pages with mkdocs' own functions
(`_populate_page`, `_build_page`: the same hooks, the same templates) and write their files,
while this process builds the others.

The parent goes on as if it had built the child's pages itself: it still takes each of them
through mkdocs' loop, where a template that renders nothing (`ELSEWHERE_TEMPLATE`) leaves the
child's file alone, and their search entries, which the child sends back, join the index in
page order. The child's log records are sent back too, and logged here, so strict mode counts
its warnings. If the child fails, those pages render here after all (the template then includes
the real one): the site never depends on the child, only the time does.

The child only runs when no plugin but this one and Material's search takes part in building
pages: another plugin's state (what a sitemap or privacy plugin collects page by page) would
stay in the child.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mkdocs.commands import build as mkdocs_build
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page as MkDocsPage

from generator import prerender
from generator.children import fork_child, fork_is_safe, stop_child
from generator.plugin_search import material_search

#: The template of a page the child builds (in the theme layer, `templates/theme/`).
ELSEWHERE_TEMPLATE = "timeline-elsewhere.html"
#: Its context variable: True while the child's file stands (False: render the page here).
ELSEWHERE_FLAG = "timeline_built_elsewhere"
#: The plugin events through which plugins take part in building a page.
PAGE_EVENTS = (
    *("nav", "env", "pre_page", "page_read_source"),
    *("page_markdown", "page_content", "page_context", "post_page"),
)
_SKIPPED = "Page skipped: '"  # mkdocs' log line for a page whose template rendered nothing


@dataclass
class ChildPages:
    """What the child sends back: each page's search entries, and its log records."""

    entries: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    records: list[tuple[str, int, str]] = field(default_factory=list)


class SplitBuild:
    """The child building the last half of the generated pages, seen from both sides.

    In the parent, `owns(src_uri)` tells a page of the child's share, and `collect` waits for
    the child (once) and returns what it sent, or None if it failed. In the child, `owns` is
    always False: it builds its pages as a build without a child would.
    """

    def __init__(self) -> None:
        self.child: int | None = None
        self.share: frozenset[str] = frozenset()
        self.folder: tempfile.TemporaryDirectory[str] | None = None
        self.collected: ChildPages | None = None
        self.failed = False

    def owns(self, src_uri: str) -> bool:
        return src_uri in self.share

    def start(
        self,
        pages: Sequence[MkDocsPage],
        *,
        config: MkDocsConfig,
        files: Files,
        nav: Navigation,
        serving: bool,
        share: float = 0.5,
    ) -> None:
        """Fork a child that builds the last `share` of `pages`; no child for fewer than
        `prerender.MIN_PAGES` pages (TIMELINE_PRERENDER_MIN_PAGES), without `fork`, or while
        other threads run (the child runs mkdocs' and Material's code, not only ours)."""
        self.discard()
        least = int(os.environ.get("TIMELINE_PRERENDER_MIN_PAGES", prerender.MIN_PAGES))
        if len(pages) < max(least, 2) or not fork_is_safe():
            return  # (a rebuild of `mkdocs serve`, whose server threads run: one process)
        taken = list(pages[len(pages) - round(len(pages) * share) :])
        self.folder = tempfile.TemporaryDirectory(prefix="timeline-split-")
        target = Path(self.folder.name) / "pages.json"
        inclusion = InclusionLevel.is_in_serve if serving else InclusionLevel.is_included
        self.child = fork_child(lambda: _build_share(taken, config, files, nav, inclusion, target))
        self.share = frozenset(page.file.src_uri for page in taken)
        _quiet_skipped_pages(self)

    def collect(self) -> ChildPages | None:
        """Wait for the child, the first time, and log its records here; None if it failed
        (then every page of its share is this process's to render)."""
        if self.collected is None and not self.failed:
            self.collected = self._read()
            self.failed = self.collected is None
            for name, level, message in self.collected.records if self.collected else ():
                # As the message itself (no arguments: not %-formatted again), so that mkdocs'
                # filter of repeated messages sees each message, not the same "%s".
                logging.getLogger(name).log(level, message)
        return self.collected

    def hand_over(self, src_uri: str, config: MkDocsConfig) -> bool:
        """Give the search plugin a page's entries from the child, in the page's place in the
        index; False if the child failed (the page is this process's to render)."""
        built = self.collect()
        search = material_search(config)
        if built is not None and search is not None:
            search.search_index.entries.extend(built.entries.get(src_uri, []))
        return built is not None

    def finish(self) -> None:
        """The build is over: make sure the child's files are all written."""
        if self.share:
            self.collect()

    def _read(self) -> ChildPages | None:
        child, self.child = self.child, None
        if child is None or self.folder is None:
            return None
        try:
            _pid, status = os.waitpid(child, 0)
            if os.waitstatus_to_exitcode(status) != 0:
                return None
            with (Path(self.folder.name) / "pages.json").open("rb") as handle:
                sent = json.load(handle)
            records = [(str(name), int(level), str(text)) for name, level, text in sent["records"]]
            return ChildPages(dict(sent["entries"]), records)
        except (OSError, ValueError, TypeError, KeyError, ChildProcessError):
            return None
        finally:
            self.folder.cleanup()
            self.folder = None

    def discard(self) -> None:
        """Stop and forget a child (a failed build, or the start of the next one)."""
        stop_child(self.child)
        if self.folder is not None:
            self.folder.cleanup()
        self.child, self.folder, self.collected, self.failed = None, None, None, False
        self.share = frozenset()


def only_page_plugins_known(config: MkDocsConfig, ours: object) -> bool:
    """Whether every plugin taking part in building pages is this one or Material's search
    (whose entries the child sends back)."""
    search = material_search(config)
    for event in PAGE_EVENTS:
        for method in config.plugins.events.get(event, []):
            owner = getattr(method, "__self__", None)
            if owner is not ours and (owner is not search or search is None):
                return False
    return True


def _build_share(
    pages: list[MkDocsPage],
    config: MkDocsConfig,
    files: Files,
    nav: Navigation,
    inclusion: Any,
    target: Path,
) -> None:
    """The child's work: mkdocs' own steps for each page of its share, as `build` takes them
    (read and render all, then the theme environment, then each page into its file)."""
    records = _capture_log_records()
    for page in pages:
        mkdocs_build._populate_page(page, config, files)
    env = config.plugins.on_env(config.theme.get_env(), config=config, files=files)
    documentation = files.documentation_pages(inclusion=inclusion)
    search = material_search(config)
    index: list[dict[str, Any]] = search.search_index.entries if search is not None else []
    entries: dict[str, list[dict[str, Any]]] = {}
    for page in pages:
        before = len(index)
        mkdocs_build._build_page(page, config, documentation, nav, env)
        entries[page.file.src_uri] = index[before:]
    # JSON, as the index is written: what comes back serialises as it would have here.
    with target.open("w", encoding="utf-8") as handle:
        json.dump({"entries": entries, "records": records}, handle)


def _capture_log_records() -> list[tuple[str, int, str]]:
    """In the child: keep mkdocs' log records for the parent instead of printing them (the
    parent logs them, and strict mode counts the warnings among them)."""
    records: list[tuple[str, int, str]] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append((record.name, record.levelno, record.getMessage()))

    logging.getLogger("mkdocs").handlers = [Keep()]
    return records


class _SkippedPagesFilter(logging.Filter):
    """Drops mkdocs' "Page skipped" line for the pages the child builds (their template
    renders nothing here on purpose)."""

    def __init__(self, split: SplitBuild) -> None:
        super().__init__()
        self.split = split

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.msg
        if not isinstance(message, str) or not message.startswith(_SKIPPED):
            return True
        return not self.split.owns(message[len(_SKIPPED) :].split("'", 1)[0])


def _quiet_skipped_pages(split: SplitBuild) -> None:
    logger = logging.getLogger(mkdocs_build.__name__)
    if not any(getattr(known, "split", None) is split for known in logger.filters):
        logger.addFilter(_SkippedPagesFilter(split))
