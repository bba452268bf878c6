"""Material's navigation partials, rendered once per folder for the generated pages.

Material renders the site navigation (`partials/nav.html`) and the tabs (`partials/tabs.html`)
into every page, about a third of its template time. For a page outside the nav, their HTML
depends only on where the page is: links are relative to the page's folder, and no nav item
is active. Every event page (`events/<id>/`) is in a folder under `events/`, so all of them
share one rendering; a 10,000-event site renders the navigation a few hundred times instead
of 11,000 (`memo_key`).

The theme layer's `partials/nav.html` and `partials/tabs.html` look the rendering up here and
otherwise include Material's own, reached through a `material/` prefix added to the template
loader (`install`). The memo is emptied at every build, since the nav can change between the
rebuilds of `mkdocs serve`.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import BaseLoader, ChoiceLoader, Environment, FileSystemLoader, PrefixLoader

#: Material's own templates, whatever overrides the site and the plugin add on top.
MATERIAL_PREFIX = "material"


class ThemeMemo:
    """Rendered partials by (partial, key); a key of None is never kept."""

    def __init__(self) -> None:
        self.rendered: dict[tuple[str, str], str] = {}

    def has(self, partial: str, key: str | None) -> bool:
        return key is not None and (partial, key) in self.rendered

    def get(self, partial: str, key: str) -> str:
        return self.rendered[(partial, key)]

    def keep(self, partial: str, key: str | None, html: str) -> str:
        if key is not None:
            self.rendered[(partial, key)] = html
        return html

    def clear(self) -> None:
        self.rendered.clear()


def memo_key(url: str, in_nav: bool) -> str | None:
    """The folder whose pages share a navigation with the page at `url`, or None.

    Only pages outside the nav qualify, with directory URLs: `events/x/` → `events`. Two such
    pages in one folder link to any other page by the same relative URL, unless the target
    lies inside one of them, and no nav entry or theme asset lies inside a generated page.
    """
    if in_nav or not url.endswith("/"):
        return None
    return url.rstrip("/").rpartition("/")[0] or None


def install(env: Environment, memo: ThemeMemo, material_dir: Path) -> None:
    """Give the templates the memo and a way to include Material's own partials."""
    env.globals["timeline_memo"] = memo
    loader: BaseLoader | None = env.loader
    if loader is None or _has_prefix(loader):
        return
    material = PrefixLoader({MATERIAL_PREFIX: FileSystemLoader(str(material_dir))})
    env.loader = ChoiceLoader([loader, material])


def _has_prefix(loader: BaseLoader) -> bool:
    return isinstance(loader, ChoiceLoader) and any(
        isinstance(inner, PrefixLoader) and MATERIAL_PREFIX in inner.mapping
        for inner in loader.loaders
    )
