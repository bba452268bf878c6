"""The mkdocs adapter: the timeline's pages as generated mkdocs files, rendered safely.

Every hook starts with guard clauses and delegates: loading is `store.load_timeline`, the pages
are `pages.build_site`, their HTML is `render.render_page`. Event text never enters the
Markdown that mkdocs renders (the site-wide Markdown pipeline would interpret it): each
generated file holds empty Markdown, and `on_page_content` swaps in our own escaped HTML,
which is also what Material's search indexes. Titles and descriptions reach Material's
templates (which do not autoescape) already escaped, as `Markup`.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
from pathlib import Path

from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page as MkDocsPage
from mkdocs.structure.toc import get_toc
from mkdocs.utils import get_relative_url

from generator.cache import default_cache_dir
from generator.diagnostics import render
from generator.exports import feed_links_for, resolve_generated_at, write_site_data
from generator.markup import escape_title
from generator.pages import Page, Site, build_site
from generator.plugin_config import TimelineConfig
from generator.render import Href, render_page
from generator.store import Timeline, load_timeline

log = logging.getLogger("mkdocs.plugins.timeline")

THEME_DIR = str(Path(__file__).parent / "templates" / "theme")
STYLESHEET = "assets/stylesheets/timeline.css"
#: Where the hand-written home page wants the generated part; appended when absent.
HOME_MARKER = "<!-- timeline:home -->"
_H1 = re.compile(r'<h1 id="([^"]+)"')


class TimelinePlugin(BasePlugin[TimelineConfig]):  # type: ignore[no-untyped-call]
    """Generates the chronology, event, actor, place and tag pages from `events/`."""

    def __init__(self) -> None:
        super().__init__()
        self.events_root: Path | None = None
        self.site: Site | None = None
        self.pages: dict[str, Page] = {}
        self.home_is_written = False

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        """Find the store, add our theme layer and stylesheet, and watch the events."""
        if not self.config.enabled:
            return config
        base = Path(config.config_file_path).parent if config.config_file_path else Path.cwd()
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
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files | None:
        """Load and check the store once, then add one generated file per page."""
        if not self.config.enabled or self.events_root is None:
            return files
        timeline = self._load()
        self.site = build_site(timeline, latest_count=self.config.latest_count)
        self.home_is_written = files.get_file_from_path("index.md") is not None
        generated = list(self.site.pages)
        if not self.home_is_written:
            generated.append(self.site.home)
        for page in generated:
            if files.get_file_from_path(page.src_uri) is not None:
                raise PluginError(
                    f"timeline: docs/{page.src_uri} would hide the generated page "
                    f"{page.url!r}; rename or remove the hand-written file"
                )
            files.append(self._file(page, config))
            self.pages[page.src_uri] = page
        if self.config.downloads:
            for file in _data_files(timeline, config):
                if files.get_file_from_path(file.src_uri) is not None:
                    raise PluginError(f"timeline: docs/{file.src_uri} would hide a data download")
                files.append(file)
        return files

    def on_page_markdown(
        self, markdown: str, *, page: MkDocsPage, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Give generated pages escaped titles and descriptions, and empty Markdown."""
        generated = self.pages.get(page.file.src_uri)
        if self.config.downloads:
            page.meta["timeline_feeds"] = _feeds(generated)
        if generated is None:
            return markdown
        page.meta["title"] = Markup(escape_title(generated.title))  # noqa: S704 (escaped)
        page.meta["description"] = Markup(escape_title(generated.description))  # noqa: S704
        page.meta["hide"] = ["toc"]
        if not generated.searchable:
            page.meta["search"] = {"exclude": True}
        return ""

    def on_page_content(
        self, html: str, *, page: MkDocsPage, config: MkDocsConfig, files: Files
    ) -> str | None:
        """Replace generated pages' content with our HTML; add the home page's part."""
        generated = self.pages.get(page.file.src_uri)
        if generated is not None:
            html = render_page(
                generated,
                href=_href(page, files),
                canonical_url=page.canonical_url,
                edit_url=page.edit_url,
                index_summary=self.config.search_summaries,
            )
            heading = _H1.match(html)
            if heading is not None:
                # Material's "Skip to content" link targets the first table of contents entry.
                title = escape_title(generated.title)
                page.toc = get_toc([{"level": 1, "id": heading[1], "name": title, "children": []}])
            return html
        if page.is_homepage and self.site is not None and self.home_is_written:
            part = render_page(self.site.home, href=_href(page, files), standalone=False)
            if HOME_MARKER in html:
                return html.replace(HOME_MARKER, part, 1)
            return html + part
        return html

    def _load(self) -> Timeline:
        assert self.events_root is not None
        if not self.events_root.is_dir():
            raise PluginError(
                f"timeline: no events folder at {self.events_root} "
                "(set `events_dir` of the timeline plugin in mkdocs.yml)"
            )
        report = load_timeline(
            self.events_root,
            cache_dir=default_cache_dir() if self.config.cache else None,
            jobs=self.config.jobs,
        )
        errors = [problem for problem in report.problems if problem.severity == "error"]
        if errors:
            raise PluginError(
                "timeline: the events are not valid; fix these problems "
                "(or run `timeline validate`):\n" + render(errors, "text", report.files_checked)
            )
        for problem in report.problems:
            log.info(problem.as_text())
        return report.timeline

    def _file(self, page: Page, config: MkDocsConfig) -> File:
        inclusion = InclusionLevel.INCLUDED if page.in_nav else InclusionLevel.NOT_IN_NAV
        file = File.generated(config, page.src_uri, content="", inclusion=inclusion)
        # mkdocs joins repo_url, edit_uri (pointing at docs/) and this path: a path relative
        # to the docs folder reaches the YAML file wherever the store sits in the repository.
        file.edit_uri = (
            Path(os.path.relpath(page.edit_path, config.docs_dir)).as_posix()
            if page.edit_path
            else None
        )
        return file


def _feeds(page: Page | None) -> list[dict[str, str]]:
    """The Atom feeds a page announces (the theme layer escapes their titles)."""
    if page is None or page.kind not in {"actor", "tag"}:
        links = feed_links_for("")
    else:
        key = page.src_uri.split("/")[1]  # actors/<id>/index.md
        links = feed_links_for(page.kind, key, label=page.title)
    return [{"href": href, "title": title} for href, title in links]


def _data_files(timeline: Timeline, config: MkDocsConfig) -> list[File]:
    """The data downloads and feeds (`generator.exports`), as files mkdocs copies and links to.

    The writers write to a folder; their output is read back so the files take part in the
    build like any other (link checks in strict mode, `mkdocs serve`).
    """
    with tempfile.TemporaryDirectory(prefix="timeline-data-") as folder:
        written = write_site_data(
            timeline,
            Path(folder),
            config.site_url or None,
            resolve_generated_at(),
            site_name=config.site_name,
        )
        return [
            File.generated(config, path.relative_to(folder).as_posix(), content=path.read_bytes())
            for path in written
        ]


def _href(page: MkDocsPage, files: Files) -> Href:
    """Links between generated pages, relative, through mkdocs' own URLs for each file."""

    def href(target: str) -> str:
        file = files.get_file_from_path(target)
        if file is None:
            raise PluginError(f"timeline: no page {target!r} to link to from {page.url!r}")
        url = get_relative_url(file.url, page.url)
        # mkdocs drops the trailing slash of the home page's empty URL ("../..").
        directory = file.url == "" or file.url.endswith("/")
        return url + "/" if directory and not url.endswith("/") else url

    return href
