"""The files the mkdocs plugin adds besides pages: data downloads, feeds, explorer assets.

Each is a generated mkdocs `File`, so it takes part in the build like a file of `docs/`
(strict mode checks links to it, `mkdocs serve` serves it).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File

from generator.exports import feed_links_for, resolve_generated_at, write_site_data
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


def data_files(timeline: Timeline, config: MkDocsConfig) -> list[File]:
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
