"""The page model after a few events changed: what `timeline serve` rebuilds after an edit.

A full `build_site` of 10,000 events takes seconds: every event page, and before that every
event's model. After one edit only a handful of pages can differ, and which ones follows from
what an event page shows of other events:

* its own page (and none, if the event is gone);
* its neighbours in the chronology, before and after the edit: their prev/next links carry
  its title, and a new date moves it between two other events;
* the events it relates to and those relating to it, before and after the edit: relation
  lists carry its title, date and status.

Nothing else on an event page comes from other events. Every other page (chronology, actors,
places, tags, home, recent changes) is rebuilt in full, which is cheap, and compared with the
previous build. A change of the registries or of the git history changes what many event pages
show: `update_site` then says so and the caller builds the whole site. Tests compare the result
with `build_site` page by page for random edits.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from generator.history import StoreHistory
from generator.pages import Page, Site, assemble_site
from generator.pages.events import EventIndex, event_page, event_uri
from generator.pages.history import history_view
from generator.pages.indexes import INDEX_PAGE_LIMIT
from generator.records import EventRecord
from generator.store import Timeline


@dataclass(frozen=True)
class SiteUpdate:
    """The new site, and which of its pages differ from the previous build's."""

    site: Site
    changed: frozenset[str]
    """`src_uri`s of pages that are new or show something else than before."""
    removed: frozenset[str]
    """`src_uri`s of the previous build's pages that no longer exist."""
    home_changed: bool

    @classmethod
    def compare(cls, previous: Site, site: Site) -> SiteUpdate:
        """What differs between two sites, page by page (a page kept as the same object is
        the same page: the comparison skips it at once)."""
        old = previous.by_uri
        changed = frozenset(
            page.src_uri
            for page in site.pages
            if (before := old.get(page.src_uri)) is not page and before != page
        )
        removed = frozenset(old.keys() - site.by_uri.keys())
        return cls(site, changed, removed, previous.home != site.home)


def reuse_records(before: Timeline, after: Timeline, unchanged_files: Collection[str]) -> set[str]:
    """Put the previous build's records in place of the new ones where the file did not
    change, and return the ids of the events that changed, appeared or disappeared.

    A kept record brings its validated model (`EventRecord.event`) along: building the models
    again is most of the cost of a build's page model (about 5 s for 10,000 events).
    """
    old = before.by_id
    changed = old.keys() - {record.id for record in after.records}
    for position, record in enumerate(after.records):
        previous = old.get(record.id)
        if previous is not None and previous.file == record.file and record.file in unchanged_files:
            after.records[position] = previous
        else:
            changed.add(record.id)
    after.__dict__.pop("by_id", None)  # a cached_property of the records just replaced
    return set(changed)


def update_site(
    previous: Site,
    before: Timeline,
    after: Timeline,
    changed_events: Collection[str],
    *,
    latest_count: int,
    history: StoreHistory | None,
    changes_feed: bool,
    index_page_limit: int = INDEX_PAGE_LIMIT,
) -> SiteUpdate | None:
    """The site of `after`, reusing the event pages of `previous` (built from `before` with
    the same options and history) that cannot differ; None when the registries differ, and
    with them the names on any page (build the whole site then)."""
    if before.registry_data != after.registry_data:
        return None
    index = EventIndex(after, previous.index)
    affected = set(changed_events)
    for records in (before.records, after.records):
        affected |= _neighbours(records, changed_events)
        affected |= _related(records, changed_events)
    old = previous.by_uri

    def page_of_event(record: EventRecord) -> Page:
        kept = old.get(event_uri(record.id))
        if kept is not None and record.id not in affected:
            return kept
        return event_page(record, index, history_view(history, record.id) if history else None)

    site = assemble_site(
        index,
        page_of_event,
        latest_count=latest_count,
        history=history,
        changes_feed=changes_feed,
        index_page_limit=index_page_limit,
    )
    return SiteUpdate.compare(previous, site)


def _neighbours(records: Sequence[EventRecord], ids: Collection[str]) -> set[str]:
    """The events just before and after each of `ids` in `records` (the chronology)."""
    wanted = set(ids)
    found: set[str] = set()
    for position, record in enumerate(records):
        if record.id in wanted:
            if position > 0:
                found.add(records[position - 1].id)
            if position + 1 < len(records):
                found.add(records[position + 1].id)
    return found


def _related(records: Sequence[EventRecord], ids: Collection[str]) -> set[str]:
    """The events `ids` relate to, and those relating to any of `ids`."""
    wanted = set(ids)
    found: set[str] = set()
    for record in records:
        mine = record.id in wanted
        for reference in record.references:
            if reference.kind != "event":
                continue
            if mine:
                found.add(reference.target)
            if reference.target in wanted:
                found.add(record.id)
    return found
