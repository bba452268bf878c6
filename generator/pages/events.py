"""Event pages: an event with its claims, relations in both directions and neighbours.

`EventIndex` is built once per timeline (positions, inverse relations, list items) so every
event page is computed in time proportional to its own size: no lookup scans the timeline.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass

from generator.dates import PartialDate
from generator.markup import markdown_to_text, shorten
from generator.models import Event, EventDate
from generator.pages.details import (
    STATUS_LABELS,
    DateRow,
    FigureView,
    QuoteView,
    SourceView,
    date_rows,
    figure_view,
    origin_view,
    quote_view,
    source_view,
)
from generator.pages.history import HistoryView
from generator.pages.model import EventItem, Link, Page
from generator.records import EventRecord
from generator.store import Timeline

#: How an event names the other end of each relation, seen from each side.
OUTGOING = {
    "responds_to": "In response to",
    "part_of": "Part of",
    "follows": "Follows",
    "updates": "Updates",
    "contradicts": "Contradicts",
    "relates_to": "Related",
}
INCOMING = {
    "responds_to": "Responses",
    "part_of": "Parts",
    "follows": "Followed by",
    "updates": "Updated by",
    "contradicts": "Contradicted by",
    "relates_to": "Related",
}
RELATION_ORDER = [
    "In response to",
    "Responses",
    "Part of",
    "Parts",
    "Follows",
    "Followed by",
    "Updates",
    "Updated by",
    "Contradicts",
    "Contradicted by",
    "Related",
]
DESCRIPTION_LENGTH = 200


@dataclass(frozen=True)
class RelatedItem:
    item: EventItem
    note: str


@dataclass(frozen=True)
class RelationGroup:
    label: str
    items: list[RelatedItem]


@dataclass(frozen=True)
class EventView:
    """Everything an event page shows. `summary` and `body` are Markdown source."""

    id: str
    title: str
    date: str
    datetime: str
    dates: list[DateRow]
    status: str
    status_label: str
    claimed_by: list[Link]
    summary: str
    body: str
    actors: list[Link]
    places: list[Link]
    tags: list[Link]
    figures: list[FigureView]
    quotes: list[QuoteView]
    sources: list[SourceView]
    relations: list[RelationGroup]
    origin: SourceView | None
    period: Link
    json_ld: dict[str, object]
    history: HistoryView | None = None
    """From git; None when the site is built without history (`history: false`)."""

    @property
    def figure_status_column(self) -> bool:
        """Whether any figure has a status or a claimant (else the column is left out)."""
        return any(figure.status or figure.claimed_by for figure in self.figures)

    @property
    def figure_source_column(self) -> bool:
        """Whether any figure names its source (else the column is left out)."""
        return any(figure.source for figure in self.figures)


def event_uri(event_id: str) -> str:
    return f"events/{event_id}/index.md"


def period_link(date: EventDate) -> Link:
    """The chronology page an event is listed on, with the anchor of its group."""
    start = date.start
    if start.month is None:
        return Link(f"chronology/{start.year:04d}/index.md", str(start.year), "year-precision")
    anchor = f"day-{start.day:02d}" if start.day is not None else "month-precision"
    label = PartialDate(start.year, start.month).display()
    return Link(f"chronology/{start.year:04d}/{start.month:02d}/index.md", label, anchor)


class EventIndex:
    """Per-timeline lookups built once: list items, positions and incoming relations."""

    def __init__(self, timeline: Timeline, previous: EventIndex | None = None) -> None:
        """`previous`, the index of an earlier timeline, lends its list items to the records
        both share (`pages.incremental`): equal lists of the same items compare at once."""
        self.timeline = timeline
        self.root = str(timeline.root)  # once: a Path per event page costs ~0.1 ms
        self.records = timeline.records
        self.position = {record.id: index for index, record in enumerate(self.records)}
        known = previous.timeline.by_id if previous is not None else {}
        self.items: dict[str, EventItem] = {
            record.id: (
                previous.items[record.id]
                if previous is not None and known.get(record.id) is record
                else _event_item(record.event, record.id)
            )
            for record in self.records
        }
        self.incoming: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
        for record in self.records:
            for relation in record.event.related:
                self.incoming[relation.event].append(
                    (relation.relation, record.id, relation.note or "")
                )

    def actor(self, actor_id: str) -> Link | None:
        actor = self.timeline.actors.get(actor_id)
        return Link(f"actors/{actor_id}/index.md", actor.name) if actor else None

    def place(self, place_id: str) -> Link | None:
        place = self.timeline.places.get(place_id)
        return Link(f"places/{place_id}/index.md", place.name) if place else None

    def tag(self, tag_id: str) -> Link | None:
        tag = self.timeline.tags.get(tag_id)
        return Link(f"tags/{tag_id}/index.md", tag.label) if tag else None

    def actors(self, ids: list[str]) -> list[Link]:
        return [link for link in map(self.actor, ids) if link is not None]

    def event_link(self, index: int) -> Link | None:
        if not 0 <= index < len(self.records):
            return None
        item = self.items[self.records[index].id]
        return Link(item.target, item.title)


def event_page(record: EventRecord, index: EventIndex, history: HistoryView | None = None) -> Page:
    """The page of one event, linked to its neighbours in the chronology."""
    event = record.event
    position = index.position[record.id]
    sources = [source_view(source, number) for number, source in enumerate(event.sources, 1)]
    by_key = {source.id: view for source, view in zip(event.sources, sources, strict=True)}
    description = shorten(markdown_to_text(event.summary), DESCRIPTION_LENGTH)
    view = EventView(
        id=record.id,
        title=event.title,
        date=event.date.display(),
        datetime=event.date.start.iso(),
        dates=date_rows(event),
        status=event.status,
        status_label=STATUS_LABELS[event.status],
        claimed_by=index.actors(event.claimed_by),
        summary=event.summary,
        body=event.body or "",
        actors=index.actors(event.actors),
        places=[link for link in map(index.place, event.places) if link],
        tags=[link for link in map(index.tag, event.tags) if link],
        figures=[figure_view(figure, index.actors, by_key) for figure in event.figures],
        quotes=[quote_view(quote, index.actors, by_key) for quote in event.quotes],
        sources=sources,
        relations=_relations(record, index),
        origin=origin_view(event),
        period=period_link(event.date),
        json_ld=_json_ld(event, index, description),
        history=history,
    )
    return Page(
        src_uri=event_uri(record.id),
        title=event.title,
        description=description,
        kind="event",
        template="event.html",
        context=view,
        edit_path=os.path.join(index.root, record.id[:4], f"{record.id}.yaml"),
        prev=index.event_link(position - 1),
        next=index.event_link(position + 1),
    )


def _event_item(event: Event, event_id: str) -> EventItem:
    return EventItem(
        id=event_id,
        title=event.title,
        date=event.date.display(),
        datetime=event.date.start.iso(),
        status=event.status,
        status_label=STATUS_LABELS[event.status],
        target=event_uri(event_id),
    )


def _relations(record: EventRecord, index: EventIndex) -> list[RelationGroup]:
    """Both directions of every relation, grouped by label, each group in timeline order."""
    found: dict[str, dict[str, str]] = defaultdict(dict)
    for relation in record.event.related:
        found[OUTGOING[relation.relation]].setdefault(relation.event, relation.note or "")
    for kind, other, note in index.incoming.get(record.id, []):
        found[INCOMING[kind]].setdefault(other, note)
    groups = []
    for label in RELATION_ORDER:
        members = [
            (index.position[other], other, note)
            for other, note in found.get(label, {}).items()
            if other in index.position and other != record.id
        ]
        if members:
            members.sort()
            items = [RelatedItem(index.items[other], note) for _, other, note in members]
            groups.append(RelationGroup(label, items))
    return groups


def _json_ld(event: Event, index: EventIndex, description: str) -> dict[str, object]:
    """schema.org Event data; the renderer adds the page's canonical `url` when known."""
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "startDate": event.date.start.iso(),
        "description": description,
    }
    if event.date.end is not None:
        data["endDate"] = event.date.end.iso()
    locations: list[dict[str, object]] = []
    for place_id in event.places:
        place = index.timeline.places.get(place_id)
        if place is None:
            continue
        location: dict[str, object] = {"@type": "Place", "name": place.name}
        if place.lat is not None and place.lon is not None:
            location["geo"] = {
                "@type": "GeoCoordinates",
                "latitude": place.lat,
                "longitude": place.lon,
            }
        locations.append(location)
    if locations:
        data["location"] = locations if len(locations) > 1 else locations[0]
    return data
