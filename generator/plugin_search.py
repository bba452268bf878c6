"""What generated pages give Material's search: a table of contents, and the search plugin.

Material's search plugin indexes a page by the sections of its table of contents, and its
"Skip to content" link targets the first entry: a generated page's table of contents is its
`<h1>`. The child that builds half of the pages (`plugin_split`) hands its entries to the
search plugin of the parent, found here.
"""

from __future__ import annotations

import re
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.toc import TableOfContents, get_toc

from generator.markup import escape_title

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
