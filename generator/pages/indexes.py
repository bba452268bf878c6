"""Registry pages (every actor, place and tag, and the lists of them) and the home page data.

Memberships are collected in one pass over the timeline, so the cost of all index pages
together is proportional to the number of (event, actor/place/tag) pairs.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from itertools import groupby
from pathlib import Path
from typing import Literal

from generator.dates import PartialDate
from generator.pages.chronology import CHRONOLOGY, month_uri, year_uri
from generator.pages.events import EventIndex
from generator.pages.model import Count, EventItem, Group, Link, Page, PageKind
from generator.store import Timeline

Registry = Literal["actors", "places", "tags"]
_SINGULAR: dict[Registry, PageKind] = {"actors": "actor", "places": "place", "tags": "tag"}
_TITLES: dict[Registry, str] = {"actors": "Actors", "places": "Places", "tags": "Tags"}
#: An actor, place or tag with more events than this gets one page per year (its own page then
#: lists the years and its latest events): the most-used tag of a 10,000-event timeline has
#: some 1,700 events, a 700 KB page; a page per year keeps it to the events of one year.
INDEX_PAGE_LIMIT = 300
#: The latest events an entry's own page shows when its events are on year pages.
LATEST_ON_SPLIT = 20
_KIND_LABELS = {
    "armed_force": "Armed force",
    "body_of_water": "Body of water",
}


@dataclass(frozen=True)
class Fact:
    label: str
    value: str


@dataclass(frozen=True)
class EntityView:
    """An actor, place or tag: its facts and its events, grouped by year.

    With more events than the limit, `groups` is empty and `years` links to a page per year
    (`year` is set on those, with `up` leading back to the entry), next to the `latest`.
    """

    registry: str
    name: str
    native_name: str
    description: str
    facts: list[Fact]
    count: int
    groups: list[Group]
    up: Link
    years: list[Count] = field(default_factory=list)
    latest: list[EventItem] = field(default_factory=list)
    year: str = ""


@dataclass(frozen=True)
class EntitiesView:
    registry: str
    entries: list[Count]


@dataclass(frozen=True)
class HomeView:
    """The generated part of the home page."""

    events: int
    actors: int
    places: int
    tags: int
    sources: int
    publishers: int
    first: str
    last: str
    latest: list[EventItem]
    years: list[Count]
    chronology: Link
    latest_month: Link | None


def registry_pages(index: EventIndex, limit: int = INDEX_PAGE_LIMIT) -> list[Page]:
    """The list page and one page per entry, for each of the three registries; an entry with
    more than `limit` events also has a page per year."""
    members: dict[Registry, dict[str, list[EventItem]]] = {
        "actors": defaultdict(list),
        "places": defaultdict(list),
        "tags": defaultdict(list),
    }
    for record in index.records:
        event = record.event
        item = index.items[record.id]
        involved = dict.fromkeys([*event.actors, *event.claimed_by])
        involved.update(dict.fromkeys(quote.speaker for quote in event.quotes))
        for actor_id in involved:
            members["actors"][actor_id].append(item)
        for place_id in event.places:
            members["places"][place_id].append(item)
        for tag_id in event.tags:
            members["tags"][tag_id].append(item)
    pages: list[Page] = []
    for registry in ("actors", "places", "tags"):
        pages.extend(_registry(index, registry, members[registry], limit))
    return pages


@dataclass(frozen=True)
class _Entry:
    name: str
    native_name: str = ""
    facts: tuple[Fact, ...] = ()
    description: str = ""
    note: str = ""


def _facts(*pairs: tuple[str, str | None]) -> tuple[Fact, ...]:
    return tuple(Fact(label, value) for label, value in pairs if value)


def _entries(timeline: Timeline, registry: Registry) -> dict[str, _Entry]:
    """Name, facts and a short note (for the list page) of every entry of a registry."""
    if registry == "actors":
        return {
            key: _Entry(
                actor.name,
                actor.native_name or "",
                _facts(
                    ("Kind", _kind(actor.kind)),
                    ("Role", actor.role),
                    ("Country", actor.country),
                    ("Also called", ", ".join(actor.aliases)),
                ),
                note=actor.role or _kind(actor.kind),
            )
            for key, actor in timeline.actors.items()
        }
    if registry == "places":
        return {
            key: _Entry(
                place.name,
                place.native_name or "",
                _facts(
                    ("Kind", _kind(place.kind) if place.kind else None),
                    ("Country", place.country),
                    ("Coordinates", f"{place.lat}, {place.lon}" if place.lat is not None else None),
                ),
                note=place.country or "",
            )
            for key, place in timeline.places.items()
        }
    return {
        key: _Entry(tag.label, description=tag.description) for key, tag in timeline.tags.items()
    }


def _registry(
    index: EventIndex, registry: Registry, members: dict[str, list[EventItem]], limit: int
) -> list[Page]:
    up = Link(f"{registry}/index.md", _TITLES[registry])
    edit_path = str(Path(index.timeline.root) / f"{registry}.yaml")
    pages = []
    counts = []
    for key, entry in _entries(index.timeline, registry).items():
        items = members.get(key, [])
        uri = f"{registry}/{key}/index.md"
        counts.append(Count(Link(uri, entry.name), len(items), entry.note))
        groups = [
            Group(year, f"year-{year}", list(grouped), year)
            for year, grouped in groupby(items, key=lambda item: item.datetime[:4])
        ]
        view = EntityView(
            registry,
            entry.name,
            entry.native_name,
            entry.description,
            list(entry.facts),
            len(items),
            groups,
            up,
        )
        years: list[Page] = []
        if len(items) > limit:
            years = _year_pages(registry, uri, entry.name, groups, edit_path)
            counts_by_year = [
                Count(Link(page.src_uri, page.context.year), page.context.count) for page in years
            ]
            latest = items[-LATEST_ON_SPLIT:][::-1]
            view = replace(view, groups=[], years=counts_by_year, latest=latest)
        description = entry.description or f"{len(items)} events involving {entry.name}."
        pages.append(
            Page(
                src_uri=uri,
                title=entry.name,
                description=description,
                kind=_SINGULAR[registry],
                template="entity.html",
                context=view,
                edit_path=edit_path,
            )
        )
        pages.extend(years)
    counts.sort(key=lambda count: (count.link.label.casefold(), count.link.target))
    listing = Page(
        src_uri=f"{registry}/index.md",
        title=_TITLES[registry],
        description=f"All {len(counts)} {registry} of the timeline, with their events.",
        kind=registry,
        template="entities.html",
        context=EntitiesView(registry, counts),
        edit_path=edit_path,
        in_nav=True,
        searchable=False,
    )
    return [listing, *pages]


def _year_pages(
    registry: Registry, uri: str, name: str, groups: list[Group], edit_path: str
) -> list[Page]:
    """One page per year of an entry's events, linked in a row (prev/next) and to the entry.

    Left out of search: the entry's own page is what a search for its name should find.
    """
    base = uri.removesuffix("index.md")
    links = [Link(f"{base}{group.heading}/index.md", group.heading) for group in groups]
    pages = []
    for position, group in enumerate(groups):
        view = EntityView(
            registry,
            name,
            "",
            "",
            [],
            len(group.items),
            [group],
            Link(uri, name),
            year=group.heading,
        )
        pages.append(
            Page(
                src_uri=links[position].target,
                title=f"{name} in {group.heading}",
                description=f"{len(group.items)} events of {group.heading} involving {name}.",
                kind=_SINGULAR[registry],
                template="entity.html",
                context=view,
                edit_path=edit_path,
                prev=links[position - 1] if position > 0 else None,
                next=links[position + 1] if position + 1 < len(links) else None,
                searchable=False,
            )
        )
    return pages


def _kind(kind: str) -> str:
    return _KIND_LABELS.get(kind, kind.replace("_", " ").capitalize())


def home_page(index: EventIndex, latest_count: int) -> Page:
    """Counts, the span of dates, the latest events and the years, for the home page."""
    records = index.records
    sources = 0
    publishers: set[str] = set()
    years: dict[int, int] = defaultdict(int)
    months: set[tuple[int, int]] = set()
    for record in records:
        event = record.event
        sources += len(event.sources)
        publishers.update(source.publisher.casefold() for source in event.sources)
        start = event.date.start
        years[start.year] += 1
        if start.month is not None:
            months.add((start.year, start.month))
    latest_month = max(months, default=None)
    latest = [index.items[record.id] for record in reversed(records[-latest_count:])]
    view = HomeView(
        events=len(records),
        actors=len(index.timeline.actors),
        places=len(index.timeline.places),
        tags=len(index.timeline.tags),
        sources=sources,
        publishers=len(publishers),
        first=records[0].event.date.display() if records else "",
        last=records[-1].event.date.display() if records else "",
        latest=latest if latest_count > 0 else [],
        years=[Count(Link(year_uri(year), str(year)), years[year]) for year in sorted(years)],
        chronology=Link(CHRONOLOGY, "Chronology"),
        latest_month=(
            Link(month_uri(*latest_month, newest_first=True), PartialDate(*latest_month).display())
            if latest_month
            else None
        ),
    )
    return Page(
        src_uri="index.md",
        title="Home",
        description=f"A timeline of {len(records)} events.",
        kind="home",
        template="home.html",
        context=view,
        in_nav=True,
        searchable=False,
    )
