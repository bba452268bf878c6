"""The mkdocs adapter: the timeline's pages as generated mkdocs files, rendered safely.

Every hook starts with guard clauses and delegates: loading is `store.load_timeline`, the pages
are `pages.build_site`, their HTML is `render.render_page`. Event text never enters the
Markdown that mkdocs renders (the site-wide Markdown pipeline would interpret it): each
generated file holds empty Markdown, and `on_page_content` swaps in our own escaped HTML,
which is also what Material's search indexes. Titles and descriptions reach Material's
templates (which do not autoescape) already escaped, as `Markup`.
"""

from __future__ import annotations

import gc
import logging
import os
from pathlib import Path
from typing import Any

from jinja2 import Environment
from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page as MkDocsPage
from mkdocs.utils import get_theme_dir

from generator.buildout import (
    OutputError,
    StagedOutput,
    describe_failure,
    pin_source_date_epoch,
    stage,
)
from generator.cache import default_cache_dir
from generator.docgen import fill_fragments
from generator.exports import resolve_generated_at, site_data_paths
from generator.history import StoreHistory
from generator.markdown_cache import load_rendered, save_rendered
from generator.markup import escape_title
from generator.pages import Page, Site, build_site
from generator.plugin_config import TimelineConfig
from generator.plugin_files import (
    DataWriter,
    WrittenElsewhere,
    changes_feed_file,
    explorer_assets,
    page_feeds,
)
from generator.plugin_search import heading_toc
from generator.plugin_serve import (
    DirtyWarningFilter,
    IncrementalServe,
    carry_search_entries,
    force_modified,
    input_stamps,
)
from generator.plugin_split import (
    ELSEWHERE_FLAG,
    ELSEWHERE_TEMPLATE,
    SplitBuild,
    only_page_plugins_known,
)
from generator.plugin_store import load_store, store_history
from generator.plugin_support import (
    GeneratedPage,
    data_markdown_texts,
    generated_file,
    href_for,
    markdown_texts,
    warnings_counted,
)
from generator.prerender import render_markdown_ahead
from generator.render import render_page, split_search_text
from generator.store import LoadReport, Timeline, collector_paused
from generator.theme_memo import ThemeMemo, install, memo_key

log = logging.getLogger("mkdocs.plugins.timeline")

THEME_DIR = str(Path(__file__).parent / "templates" / "theme")
STYLESHEET = "assets/stylesheets/timeline.css"
#: Where the hand-written home page wants the generated part; appended when absent.
HOME_MARKER = "<!-- timeline:home -->"


class TimelinePlugin(BasePlugin[TimelineConfig]):  # type: ignore[no-untyped-call]
    """Generates the chronology, event, actor, place and tag pages from `events/`."""

    def __init__(self) -> None:
        super().__init__()
        self.events_root: Path | None = None
        self.site: Site | None = None
        self.pages: dict[str, Page] = {}
        self.home_is_written = False
        self.in_place = False
        self.serving = False  # `mkdocs serve`: builds again and again in this process
        self.output: StagedOutput | None = None
        self.site_dir = ""
        self.restore_clock = _nothing
        #: Full HTML of the page whose search text is shown to the search plugin right now.
        self.hidden_content: str | None = None
        #: Markdown texts of the store, and those whose HTML came from the cache.
        self.markdown_texts: set[str] = set()
        self.markdown_loaded: set[str] = set()
        self.split = SplitBuild()
        self.files = Files([])  # the build's, once final (`on_nav`)
        self.data_writer = DataWriter()
        #: The files of `docs/` (and the theme) in this build, by `src_uri`.
        self.hand_written: set[str] = set()
        self.theme_memo = ThemeMemo()
        #: `mkdocs serve --dirty` (what `timeline serve` runs): rebuild what an edit changed.
        self.serve: IncrementalServe | None = None
        self.timeline: Timeline | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """`mkdocs serve` serves its own folder, a `--dirty` build adds to the site: both
        write in place. (This hook also keeps the plugin object across serve rebuilds.)"""
        self.in_place = command == "serve" or dirty
        self.serving = command == "serve"
        self.serve = IncrementalServe() if command == "serve" and dirty else None
        if self.serve is not None:
            logger = logging.getLogger("mkdocs.commands.build")
            if not any(isinstance(known, DirtyWarningFilter) for known in logger.filters):
                logger.addFilter(DirtyWarningFilter())

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        """Find the store, add our theme layer and stylesheet, and watch the events."""
        if not self.config.enabled:
            return config
        # Absolute: mkdocs serve names mkdocs.yml as given for its first build and by its full
        # path when it reloads it, and the pages must not differ by that (edit paths).
        config_path = config.config_file_path
        base = Path(os.path.abspath(config_path)).parent if config_path else Path.cwd()
        self.events_root = base / self.config.events_dir
        dirs: list[str] = config.theme.dirs
        if THEME_DIR not in dirs:
            # After the site's custom_dir (so a site can still override), before Material.
            dirs.insert(1 if config.theme.custom_dir else 0, THEME_DIR)
        if STYLESHEET not in config.extra_css:
            config.extra_css.append(STYLESHEET)
        watched = str(self.events_root)
        if watched not in config.watch:
            config.watch.append(watched)
        self.pages = {}
        self._begin_output(config)
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        """Load and check the store once, then add one generated file per page."""
        if not self.config.enabled or self.events_root is None:
            return files
        self.data_writer.stop()  # a serve build's, still writing downloads now out of date
        report = load_store(self.events_root, self.config)
        timeline = self.timeline = report.timeline
        history = store_history(self.events_root, self.config, config)
        serve = self.serve
        with collector_paused():  # (as the store loaded: ~1.5 s of 10,000 events' pages)
            downloads = self._prepare(timeline, config)
            self.site = self._site(report, history, files, config)
            self.markdown_texts = markdown_texts(timeline)  # (serve: after records are reused)
        # The timeline and its pages live until the end of the build: move them out of the
        # cyclic garbage collector's sight, or each full collection while pages render walks
        # millions of objects that cannot be garbage (10,000 events: ~6 s of a build). Undone
        # when the build ends (`_end_build`).
        gc.freeze()
        home = files.get_file_from_path("index.md")
        self.home_is_written = home is not None
        if serve is not None and not serve.incremental:
            force_modified(files)
        elif serve is not None and home is not None and serve.home_changed:
            force_modified(Files([home]))
        generated = list(self.site.pages)
        if not self.home_is_written:
            generated.append(self.site.home)
        self.hand_written = set(files.src_uris)  # once: the property is rebuilt after an append
        for page in generated:
            if page.src_uri in self.hand_written:
                raise PluginError(
                    f"timeline: docs/{page.src_uri} would hide the generated page "
                    f"{page.url!r}; rename or remove the hand-written file"
                )
            files.append(self._page_file(page, config))
            self.pages[page.src_uri] = page
        if self.config.downloads:
            self._add_downloads(files, timeline, config, downloads)
        if self.config.downloads and history is not None:
            files.append(changes_feed_file(history, timeline, config))
        for file in explorer_assets(config):
            if files.get_file_from_path(file.src_uri) is not None:
                raise PluginError(f"timeline: docs/{file.src_uri} would hide an explorer asset")
            files.append(file)
        if serve is not None and serve.incremental:
            carry_search_entries(config, files)
        return files

    def _prepare(self, timeline: Timeline, config: MkDocsConfig) -> list[File] | None:
        """Before the page model of a full build (a build, or serve's first): the event
        Markdown (from the cache, the rest rendered ahead), then the downloads' child. It needs
        the events and their Markdown but no page, so it writes while this process builds the
        page model, on a core otherwise idle. Returns the downloads' files if it started."""
        if self.serve is not None and self.serve.previous is not None:
            return None
        if self.config.cache:
            self.markdown_loaded = load_rendered(default_cache_dir())
        self._render_markdown_ahead(timeline)
        if not self.config.downloads:
            return None
        return self.data_writer.start(timeline, config, fork=self._jobs() > 1)

    def _site(
        self, report: LoadReport, history: StoreHistory | None, files: Files, config: MkDocsConfig
    ) -> Site:
        """The page model: the whole site for a build, what an edit changed for serve."""
        timeline, serve = report.timeline, self.serve
        changes_feed = history is not None and self.config.downloads
        if serve is None:
            return build_site(
                timeline,
                latest_count=self.config.latest_count,
                history=history,
                changes_feed=changes_feed,
                index_page_limit=self.config.index_page_limit,
            )
        site = serve.site(
            report,
            input_stamps(files, config.config_file_path),
            tuple(sorted(self.config.items())),
            history,
            latest_count=self.config.latest_count,
            changes_feed=changes_feed,
            index_page_limit=self.config.index_page_limit,
        )
        log.info(f"timeline: {serve.describe()}")
        return site

    @event_priority(-100)  # last: the child sees the final navigation
    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation | None:
        """Fork the child that builds half of the generated pages (`plugin_split`)."""
        self.files = files
        if not self.config.enabled or not self.pages or self._jobs() < 2:
            return nav
        if self.serve is not None and self.serve.incremental:
            return nav  # a handful of pages
        if not only_page_plugins_known(config, self):
            log.debug("timeline: other plugins build pages too: one process builds them all")
            return nav
        pages = [
            file.page
            for src_uri in self.pages
            if (file := files.src_uris.get(src_uri)) is not None
            and isinstance(file.page, GeneratedPage)
        ]
        self.split.start(pages, config=config, files=files, nav=nav, serving=self.serving)
        return nav

    def on_page_markdown(
        self, markdown: str, *, page: MkDocsPage, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Give generated pages escaped titles and descriptions, and empty Markdown."""
        generated = self.pages.get(page.file.src_uri)
        if self.config.downloads:
            page.meta["timeline_feeds"] = page_feeds(generated)
        if generated is None:
            return fill_fragments(markdown)
        page.meta["title"] = Markup(escape_title(generated.title))  # noqa: S704 (escaped)
        page.meta["description"] = Markup(escape_title(generated.description))  # noqa: S704
        page.meta["hide"] = ["toc"]
        page.meta["timeline_memo_key"] = memo_key(page.url, generated.in_nav)
        if not generated.searchable:
            page.meta["search"] = {"exclude": True}
        if self.split.owns(page.file.src_uri):  # its file and search entries come from the child
            page.meta["template"] = ELSEWHERE_TEMPLATE
            page.meta["search"] = {"exclude": True}
        return ""

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        """Let the theme layer render Material's navigation once per folder (`theme_memo`)."""
        if not self.config.enabled:
            return env
        if config.theme.name is None:
            raise PluginError("timeline: the site needs the Material theme (theme: name: material)")
        self.theme_memo.clear()
        install(env, self.theme_memo, Path(get_theme_dir(config.theme.name)))
        if self.serve is not None:
            env.bytecode_cache = self.serve.templates  # each rebuild makes a new environment
        return env

    def on_page_content(
        self, html: str, *, page: MkDocsPage, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Replace generated pages' content with our HTML; add the home page's part."""
        generated = self.pages.get(page.file.src_uri)
        if generated is not None:
            if self.split.owns(page.file.src_uri):
                return ""  # the child renders it (or `_show_search_text`, if it fails)
            html = self._body(generated, page, files)
            toc = heading_toc(html, generated.title)
            if toc is not None:
                page.toc = toc
            return html
        if page.is_homepage and self.site is not None and self.home_is_written:
            part = render_page(self.site.home, href=href_for(page, files), standalone=False)
            if HOME_MARKER in html:
                return html.replace(HOME_MARKER, part, 1)
            return html + part
        return html

    @event_priority(50)  # before the search plugin (priority 0) indexes the page
    def _show_search_text(
        self, context: dict[str, Any], *, page: MkDocsPage, config: MkDocsConfig, nav: Navigation
    ) -> dict[str, Any]:
        """Let search index only the head of a generated page (`render.split_search_text`)."""
        if self.serve is not None:
            self.serve.rendered.add(page.url)
        if self.split.owns(page.file.src_uri) and self._built_elsewhere(context, page, config):
            return context
        if page.file.src_uri not in self.pages or page.content is None:
            return context
        text, full = split_search_text(page.content)
        if text:
            self.hidden_content, page.content = full, text
        return context

    def _built_elsewhere(
        self, context: dict[str, Any], page: MkDocsPage, config: MkDocsConfig
    ) -> bool:
        """A page of the child's share: its template renders nothing here, and its search
        entries are the child's. If the child failed, it renders here after all, as
        `on_page_content` would have rendered it, and search indexes it."""
        built = context[ELSEWHERE_FLAG] = self.split.hand_over(page.file.src_uri, config)
        if not built:
            generated = self.pages[page.file.src_uri]
            page.content = self._body(generated, page, self.files)
            page.toc = heading_toc(page.content, generated.title) or page.toc
            if generated.searchable:
                page.meta.pop("search", None)
        return built

    @event_priority(-50)  # after the search plugin: the page is rendered with its full HTML
    def _restore_content(
        self, context: dict[str, Any], *, page: MkDocsPage, config: MkDocsConfig, nav: Navigation
    ) -> dict[str, Any]:
        if self.hidden_content is not None:
            page.content, self.hidden_content = self.hidden_content, None
        return context

    on_page_context = CombinedEvent(_show_search_text, _restore_content)

    def _body(self, generated: Page, page: MkDocsPage, files: Files) -> str:
        """The HTML body of a generated page, linked through mkdocs' URLs."""
        return render_page(
            generated,
            href=href_for(page, files),
            canonical_url=page.canonical_url,
            edit_url=page.edit_url,
            index_summary=self.config.search_summaries,
        )

    def _render_markdown_ahead(self, timeline: Timeline) -> None:
        """Render the Markdown the cache lacks (all of it on a fresh machine) on every core;
        the texts come from the records' data, so the models are built while a child renders
        (`prerender.render_markdown_ahead`)."""
        render_markdown_ahead(
            data_markdown_texts(timeline),
            jobs=self._jobs(),
            meanwhile=lambda: markdown_texts(timeline),
        )

    def _jobs(self) -> int:
        """Processes a build may keep busy: the `jobs` option, or every core."""
        return self.config.jobs or os.cpu_count() or 1

    def _begin_output(self, config: MkDocsConfig) -> None:
        """Fix the build's clock and send the output to a staging folder (`buildout`)."""
        try:
            moment = resolve_generated_at()
        except ValueError as error:
            raise PluginError(f"timeline: {error}") from None
        self.restore_clock = pin_source_date_epoch(os.environ, int(moment.timestamp()))
        if self.in_place:
            return
        try:
            self.output = stage(Path(config.site_dir))
        except OutputError as error:
            raise PluginError(f"timeline: {error}") from None
        self.site_dir = config.site_dir
        config.site_dir = str(self.output.staging)

    @event_priority(-100)  # last: after the search index, sitemap and other plugins' files
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        """Put the finished site in place, unless strict mode is about to fail the build."""
        output, self.output = self.output, None
        self.split.finish()
        if self.data_writer.running and self.timeline is not None:
            self.data_writer.finish(self.timeline, config)
        if self.serve is not None:
            self._finish_serve_build(config)
        self._end_build()
        if self.config.cache and not (self.serve is not None and self.serve.incremental):
            self._save_rendered()
        if output is None:
            return
        config.site_dir = self.site_dir  # for what runs next (`mkdocs gh-deploy`)
        if config.strict and warnings_counted():
            output.discard()  # mkdocs aborts right after this hook
            return
        try:
            output.commit()
        except OutputError as error:
            output.discard()
            raise PluginError(f"timeline: {error}") from None

    def _add_downloads(
        self, files: Files, timeline: Timeline, config: MkDocsConfig, planned: list[File] | None
    ) -> None:
        """The downloads, written by a forked child (`DataWriter`): started by `_prepare`, or
        now for a serve build; after an edit in `timeline serve`, once the pages are served."""
        if planned is None and self.serve is not None and self.serve.incremental:
            uris = site_data_paths(timeline)
            planned = [WrittenElsewhere.generated(config, uri, content=b"") for uri in uris]
        elif planned is None:
            planned = self.data_writer.start(timeline, config, fork=self._jobs() > 1)
        for file in planned:
            if file.src_uri in self.hand_written:
                raise PluginError(f"timeline: docs/{file.src_uri} would hide a data download")
            files.append(file)

    def _finish_serve_build(self, config: MkDocsConfig) -> None:
        """Remove pages gone and start rewriting the downloads (`plugin_serve`)."""
        assert self.serve is not None
        self.serve.writing = False
        self.serve.drop_rendered_html()
        self.serve.remove_pages_gone(config)
        if self.serve.incremental and self.config.downloads and self.timeline is not None:
            self.data_writer.start(self.timeline, config, niceness=10)

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        """Watch the events folder with inotify where possible (`plugin_serve.EventsWatcher`)."""
        if self.serve is None or self.events_root is None:
            return server
        folder = str(self.events_root)
        if folder in config.watch and self.serve.watcher.start(server, folder):
            config.watch.remove(folder)  # mkdocs would poll it too
            log.info(f"timeline: watching {folder} with inotify")
        return server

    def on_shutdown(self) -> None:
        """The end of `mkdocs serve` or `build`: stop a download writer, keep the rendered
        Markdown, and forget the session (mkdocs keeps this object for the next one)."""
        self.data_writer.stop()
        if self.serve is not None:
            self.serve.watcher.stop()
            if self.config.cache and self.markdown_texts:
                self._save_rendered()
        self.serve, self.in_place = None, False

    def _save_rendered(self) -> None:
        if save_rendered(default_cache_dir(), self.markdown_texts, self.markdown_loaded):
            self.markdown_loaded = set(self.markdown_texts)

    @event_priority(-100)  # last, because it may raise
    def on_build_error(self, *, error: Exception) -> None:
        """Drop the unfinished site; turn a failed write (disk full, read-only) into one line.

        Raising here replaces mkdocs' traceback of a failed write (an `OSError`, SQLite's I/O
        errors) by its one-line report of a `PluginError`, for `mkdocs build` as much as for
        `timeline build`.
        """
        output, self.output = self.output, None
        self.data_writer.stop()
        self._end_build()
        if self.serve is not None:
            self.serve.build_failed()
        if output is not None:
            output.discard()
        what = output.describe(error) if output else describe_failure(error)
        if what is not None:
            kept = f", the site at {output.target} is unchanged" if output else ""
            raise PluginError(f"timeline: the build failed{kept}: {what}") from error

    def _end_build(self) -> None:
        """Undo what a build changed in the process (`mkdocs serve` goes on building).

        The objects `on_files` froze stay frozen after a build that ends the process (`mkdocs
        build`): unfrozen, the collection Python runs at exit would walk all of them, 3.4 s at
        10,000 events. Only a process that builds again (serve) needs them collectable.
        """
        self.restore_clock()
        self.split.discard()
        if self.serving:
            gc.unfreeze()

    def _page_file(self, page: Page, config: MkDocsConfig) -> File:
        """The generated file of a page; while serving, the previous build's when the page
        did not change (with its mkdocs page: making 10,000 of them costs about a second)."""
        if self.serve is None:
            return generated_file(page, config)
        is_home = self.site is not None and page is self.site.home
        modified = self.serve.home_changed if is_home else self.serve.is_changed(page.src_uri)
        kept = None if modified else self.serve.kept_page_file(page.src_uri)
        file = kept or generated_file(page, config)
        file.modified = modified
        self.serve.page_files[page.src_uri] = file
        return file


def _nothing() -> None:
    """What restoring the clock means before a build pinned it."""
