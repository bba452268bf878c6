"""HTML of page bodies, from our own Jinja2 templates with autoescaping on.

mkdocs and Material render their templates without autoescaping, so event text never goes
through them: the plugin swaps each generated page's content for the output of this module.
Here every value is escaped unless it is `Markup`, and the only `Markup` comes from
`markup.render_markdown` (sanitised Markdown) and `markup.json_ld` (escaped JSON).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from generator.markup import json_ld, render_markdown
from generator.pages.model import Link, Page, url_of

TEMPLATES = Path(__file__).parent / "templates" / "pages"

#: Ends the part of a page that search indexes (event and entity templates). Event text cannot
#: produce it: plain text is escaped and sanitised Markdown has its comments stripped.
SEARCH_END = "<!-- search: end -->"

#: Maps a page's `src_uri` to the URL of that page relative to the page being rendered.
Href = Callable[[str], str]


def _markdown_filter(text: str) -> Markup:
    return Markup(render_markdown(text))  # noqa: S704 (sanitised by nh3 in render_markdown)


def _json_ld_filter(data: Any) -> Markup:
    return Markup(json_ld(data))  # noqa: S704 (`<`, `>`, `&` escaped by json_ld)


@lru_cache(maxsize=1)
def environment() -> Environment:
    """One environment for the build: templates are compiled once."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["markdown"] = _markdown_filter
    env.filters["json_ld"] = _json_ld_filter
    return env


def split_search_text(html: str) -> tuple[str, str]:
    """(what search should index, the page without the marker), or ("", html) when a page
    has no marker and search should index all of it.

    An event page's sources, figures and related events, or an actor's list of events, are
    excluded from the index; cut off before the search plugin parses them, they cost nothing.
    """
    head, marker, tail = html.partition(SEARCH_END)
    return (head, head + tail) if marker else ("", html)


def relative_url(target: str, current: str) -> str:
    """`target` relative to `current`; both are directory-style site URLs (`events/x/`, ``).

    Split on "/" rather than `posixpath.relpath`, which normalises absolute paths first:
    a build resolves about 15 links per page, 150,000 for 10,000 events.
    """
    to = target.rstrip("/").split("/") if target.strip("/") else []
    here = current.rstrip("/").split("/") if current.strip("/") else []
    common = 0
    for mine, theirs in zip(to, here, strict=False):
        if mine != theirs:
            break
        common += 1
    parts = [".."] * (len(here) - common) + to[common:]
    return "/".join(parts) + "/" if parts else "./"


def directory_href(page_url: str) -> Href:
    """The default `Href`: directory URLs, as mkdocs builds them with `use_directory_urls`."""
    return lambda target: relative_url(url_of(target), page_url)


def render_page(
    page: Page,
    *,
    href: Href | None = None,
    canonical_url: str | None = None,
    edit_url: str | None = None,
    standalone: bool = True,
    index_summary: bool = True,
) -> str:
    """The HTML body of a page.

    Args:
        page: the page from the page model.
        href: how to link to another page from this one (default: directory URLs).
        canonical_url: the page's absolute URL, for structured data.
        edit_url: where a reader edits the page's source (an event's YAML file).
        standalone: False when the output is inserted into a hand-written page (the home
            page), which then brings its own `<h1>`.
        index_summary: whether search indexes an event's summary (not only its title, date,
            actors, places and tags).
    """
    resolve = href or directory_href(page.url)

    def link_url(link: Link) -> str:
        url = resolve(link.target)
        return f"{url}#{link.fragment}" if link.fragment else url

    structured_data = None
    if page.kind == "event":
        structured_data = dict(page.context.json_ld)
        if canonical_url:
            structured_data["url"] = canonical_url
    template = environment().get_template(page.template)
    # No text before the first heading: Material's search would index an empty section.
    return template.render(
        page=page,
        view=page.context,
        href=resolve,
        link_url=link_url,
        canonical_url=canonical_url,
        edit_url=edit_url,
        standalone=standalone,
        index_summary=index_summary,
        structured_data=structured_data,
    ).strip()
