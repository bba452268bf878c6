"""The engine-neutral page model: a validated `Timeline` in, the site's pages out.

No site engine is imported here: the mkdocs plugin (`generator/plugin.py`) only turns these
pages into mkdocs files, and `generator/render.py` turns each into HTML. Everything is built in
one pass over the timeline plus indexes built once (`EventIndex`), so the cost grows linearly
with the number of events.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.pages.chronology import chronology_pages
from generator.pages.events import EventIndex, event_page
from generator.pages.indexes import home_page, registry_pages
from generator.pages.model import Count, EventItem, Group, Link, Page, PageKind, url_of
from generator.store import Timeline

__all__ = [
    "Count",
    "EventItem",
    "Group",
    "Link",
    "Page",
    "PageKind",
    "Site",
    "build_site",
    "url_of",
]


@dataclass
class Site:
    """Every generated page, plus the home page's data (the home page may be hand-written)."""

    home: Page
    pages: list[Page]
    by_uri: dict[str, Page] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_uri = {page.src_uri: page for page in self.pages}


def build_site(timeline: Timeline, *, latest_count: int = 10) -> Site:
    """All pages of a timeline: chronology, events, actors, places, tags and the home data."""
    index = EventIndex(timeline)
    pages = chronology_pages(index)
    pages.extend(event_page(record, index) for record in timeline.records)
    pages.extend(registry_pages(index))
    return Site(home_page(index, latest_count), pages)
