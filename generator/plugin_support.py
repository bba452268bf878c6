"""Small helpers of the mkdocs plugin's hooks (`generator/plugin.py`).

Links between generated pages through mkdocs' own URLs, strict mode's count of warnings, the
branch an edit link points at, the Markdown texts a store renders, and the mkdocs file and page
of a generated page.
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files, InclusionLevel
from mkdocs.structure.pages import Page as MkDocsPage
from mkdocs.structure.toc import get_toc
from mkdocs.utils import CountHandler, get_relative_url

from generator.pages import Page
from generator.plugin_serve import PageFile
from generator.render import Href, relative_url
from generator.store import Timeline


def data_markdown_texts(timeline: Timeline) -> set[str]:
    """`markdown_texts` from the records' plain data, without building the events' models
    (the data is the validated event's dump: the same texts)."""
    texts = {record.data["summary"] for record in timeline.records}
    texts.update(body for record in timeline.records if (body := record.data.get("body")))
    return texts


def markdown_texts(timeline: Timeline) -> set[str]:
    """The Markdown the pages render: every summary and body."""
    texts = {record.event.summary for record in timeline.records}
    texts.update(record.event.body for record in timeline.records if record.event.body)
    return texts


class GeneratedPage(MkDocsPage):
    """The mkdocs page of a generated file: its Markdown is empty (the plugin puts in its own
    HTML), so it is not converted. mkdocs would make a Markdown instance with the site's
    extensions for each page to convert nothing: about 0.3 ms a page, on the build's one core.
    """

    def render(self, config: MkDocsConfig, files: Files) -> None:
        self.content = ""
        self.toc = get_toc([])
        self._title_from_render = None
        self.present_anchor_ids = set()


def warnings_counted() -> bool:
    """Whether strict mode has counted warnings (mkdocs' handler on its logger), i.e. whether
    `mkdocs build --strict` will abort after `on_post_build`."""
    handlers = logging.getLogger("mkdocs").handlers
    return any(isinstance(h, CountHandler) and h.get_counts() for h in handlers)


def branch_of(edit_uri: str | None) -> str:
    """The branch history links show: the one `edit_uri` edits (`edit/<branch>/docs/`)."""
    match = re.match(r"(?:edit|blob|tree)/([^/]+)/", edit_uri or "")
    return match[1] if match else "main"


def href_for(page: MkDocsPage, files: Files) -> Href:
    """Links between generated pages, relative, through mkdocs' own URLs for each file."""
    directory_urls = page.url == "" or page.url.endswith("/")
    by_uri = files.src_uris  # targets are POSIX src_uris: skip get_file_from_path's PurePath

    def href(target: str) -> str:
        file = by_uri.get(target)
        if file is None:
            raise PluginError(f"timeline: no page {target!r} to link to from {page.url!r}")
        directory = file.url == "" or file.url.endswith("/")
        if directory and directory_urls:
            return relative_url(file.url, page.url)  # the common case, without posixpath
        url = get_relative_url(file.url, page.url)
        # mkdocs drops the trailing slash of the home page's empty URL ("../..").
        return url + "/" if directory and not url.endswith("/") else url

    return href


def generated_file(page: Page, config: MkDocsConfig) -> PageFile:
    """The mkdocs file of a generated page, with its mkdocs page unless the nav lists it
    (mkdocs makes those, with the nav's titles)."""
    inclusion = InclusionLevel.INCLUDED if page.in_nav else InclusionLevel.NOT_IN_NAV
    file = PageFile.generated(config, page.src_uri, content="", inclusion=inclusion)
    assert isinstance(file, PageFile)
    # mkdocs joins repo_url, edit_uri (pointing at docs/) and this path: a path relative
    # to the docs folder reaches the YAML file wherever the store sits in the repository.
    file.edit_uri = (
        Path(os.path.relpath(page.edit_path, config.docs_dir)).as_posix()
        if page.edit_path
        else None
    )
    if not page.in_nav:
        GeneratedPage(None, file, config)  # sets file.page (its edit link: set before)
    return file
