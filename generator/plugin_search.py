"""Material's search entries of generated pages, computed where their bodies are rendered.

Material's search plugin parses every page's HTML for its index: about 0.7 ms a page, in the
process that renders the pages one after another. For the pages whose bodies a forked child
renders (`generator.prerender`), the child computes their entries too, with Material's own
index code on the same inputs (the searchable head of the body, its table of contents, the
title), and the parent hands them to the search plugin in page order instead of letting it
parse those pages. The index is byte-identical either way (tests/test_determinism.py builds
with and without the child).
"""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.toc import TableOfContents, get_toc

from generator.markup import escape_title
from generator.pages import Page
from generator.render import split_search_text

_H1 = re.compile(r'<h1 id="([^"]+)"')


def heading_toc(html: str, title: str) -> TableOfContents | None:
    """The table of contents of a generated page: its `<h1>` (Material's "Skip to content"
    link targets the first entry)."""
    heading = _H1.match(html)
    if heading is None:
        return None
    name = escape_title(title)
    return get_toc([{"level": 1, "id": heading[1], "name": name, "children": []}])


def material_search(config: MkDocsConfig) -> Any | None:
    """The enabled Material search plugin of the build, if any."""
    try:
        from material.plugins.search.plugin import SearchPlugin
    except ImportError:
        return None
    for plugin in config.plugins.values():
        if isinstance(plugin, SearchPlugin) and plugin.config.enabled:
            return plugin
    return None


def search_entries(search: Any, generated: Page, body: str, url: str) -> list[dict[str, Any]]:
    """What Material's index would hold for this page, computed as it computes it."""
    from material.plugins.search.plugin import SearchIndex

    meta: dict[str, Any] = {"title": Markup(escape_title(generated.title))}  # noqa: S704
    if not generated.searchable:
        meta["search"] = {"exclude": True}
    text, _full = split_search_text(body)
    page = SimpleNamespace(
        meta=meta,
        title=meta["title"],
        toc=heading_toc(body, generated.title) or TableOfContents([]),
        url=url,
        content=text or body,
    )
    index = SearchIndex(**search.config)
    index.add_entry_from_context(page)
    return list(index.entries)
