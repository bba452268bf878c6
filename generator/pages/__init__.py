"""The engine-neutral page model: a validated `Timeline` in, the site's pages out.

No site engine is imported here: the mkdocs plugin (`generator/plugin.py`) only turns these
pages into mkdocs files, and `generator/render.py` turns each into HTML. Everything is built in
one pass over the timeline plus indexes built once (`EventIndex`), so the cost grows linearly
with the number of events.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from generator.history import StoreHistory
from generator.pages.chronology import chronology_pages
from generator.pages.events import EventIndex, event_page
from generator.pages.history import changes_page, history_view
from generator.pages.indexes import INDEX_PAGE_LIMIT, home_page, registry_pages
from generator.pages.model import Count, EventItem, Group, Link, Page, PageKind, url_of
from generator.records import EventRecord
from generator.store import Timeline

__all__ = [
    "Count",
    "EventItem",
    "Group",
    "Link",
    "Page",
    "PageKind",
    "Site",
    "assemble_site",
    "build_site",
    "url_of",
]


@dataclass
class Site:
    """Every generated page, plus the home page's data (the home page may be hand-written)."""

    home: Page
    pages: list[Page]
    by_uri: dict[str, Page] = field(default_factory=dict)
    index: EventIndex | None = field(default=None, compare=False, repr=False)
    """The lookups the pages were built with (`pages.incremental` starts from them)."""

    def __post_init__(self) -> None:
        self.by_uri = {page.src_uri: page for page in self.pages}


def build_site(
    timeline: Timeline,
    *,
    latest_count: int = 10,
    history: StoreHistory | None = None,
    changes_feed: bool = False,
    index_page_limit: int = INDEX_PAGE_LIMIT,
) -> Site:
    """All pages of a timeline: chronology, events, actors, places, tags and the home data.

    With `history` (from `generator.history`), event pages show when they were added and
    last changed, and a "Recent changes" page lists the latest commits (linking to the feed
    of corrections when `changes_feed`). An actor, place or tag with more than
    `index_page_limit` events gets a page per year.
    """
    index = EventIndex(timeline)
    return assemble_site(
        index,
        lambda record: event_page(
            record, index, history_view(history, record.id) if history else None
        ),
        latest_count=latest_count,
        history=history,
        changes_feed=changes_feed,
        index_page_limit=index_page_limit,
    )


def assemble_site(
    index: EventIndex,
    page_of_event: Callable[[EventRecord], Page],
    *,
    latest_count: int,
    history: StoreHistory | None,
    changes_feed: bool,
    index_page_limit: int = INDEX_PAGE_LIMIT,
) -> Site:
    """The site's pages in their fixed order, with event pages from `page_of_event` (which
    `pages.incremental` answers from the previous build where it can)."""
    pages = chronology_pages(index)
    pages.extend(page_of_event(record) for record in index.records)
    pages.extend(registry_pages(index, index_page_limit))
    if history is not None:
        titles = {record.id: record.title for record in index.records}
        pages.append(changes_page(history, titles, feed=changes_feed))
    return Site(home_page(index, latest_count), pages, index=index)
