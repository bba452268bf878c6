"""History on the site: an event's first-added and last-changed dates, and the recent changes.

The data comes from `generator.history` (git); here it only becomes view data: dates in words
and as ISO values for `<time>`, links to the forge, and the list of the latest commits with
the events they touched (linked when the event still exists).
"""

from __future__ import annotations

import datetime as dt
import posixpath
from dataclasses import dataclass

from generator.dates import PartialDate
from generator.history import FEED_PATH, Commit, StoreHistory
from generator.pages.model import Link, Page

CHANGES_URI = "changes/index.md"
#: Files listed per commit; a bulk import touching thousands says "and N more".
MAX_ITEMS = 25
_SHORT_SHA = 7
_ACTION_LABELS = {
    "added": "Added",
    "changed": "Changed",
    "corrected": "Corrected",
    "removed": "Removed",
    "renamed": "Renamed",
}


@dataclass(frozen=True)
class Day:
    """A date in words, with its ISO form for `<time datetime>`."""

    text: str
    iso: str


@dataclass(frozen=True)
class HistoryView:
    """The history section of an event page; `note` replaces what is unknown."""

    first_added: Day | None
    last_changed: Day | None
    history_url: str | None
    commit_url: str | None
    commit: str
    note: str


@dataclass(frozen=True)
class ChangeItem:
    """One file a commit touched: an event (linked when it still exists) or a registry."""

    action: str
    action_label: str
    label: str
    link: Link | None
    is_path: bool = False


@dataclass(frozen=True)
class ChangeEntry:
    date: Day
    subject: str
    commit: str
    commit_url: str | None
    items: list[ChangeItem]
    more: int = 0


@dataclass(frozen=True)
class ChangesView:
    """The recent-changes page: the latest commits, newest first, and the feed's address."""

    entries: list[ChangeEntry]
    note: str
    available: bool
    feed_url: str | None


def day(value: dt.date) -> Day:
    return Day(PartialDate(value.year, value.month, value.day).display(), value.isoformat())


def history_view(history: StoreHistory, event_id: str) -> HistoryView:
    found = history.for_event(event_id)
    return HistoryView(
        first_added=day(found.first_added) if found.first_added else None,
        last_changed=day(found.last_changed) if found.last_changed else None,
        history_url=found.history_url,
        commit_url=found.commit_url,
        commit=(found.commit or "")[:_SHORT_SHA],
        note=found.note,
    )


def changes_page(history: StoreHistory, titles: dict[str, str], *, feed: bool) -> Page:
    """The site-wide "Recent changes" page (in the nav, kept out of search)."""
    entries = [_entry(commit, titles) for commit in history.recent if commit.changes]
    feed_url = posixpath.relpath(FEED_PATH, posixpath.dirname(CHANGES_URI)) if feed else None
    view = ChangesView(entries, history.note, history.available, feed_url)
    return Page(
        src_uri=CHANGES_URI,
        title="Recent changes",
        description="The latest additions and corrections to the timeline, from its history.",
        kind="changes",
        template="changes.html",
        context=view,
        in_nav=True,
        searchable=False,
    )


def _entry(commit: Commit, titles: dict[str, str]) -> ChangeEntry:
    items = []
    for change in commit.changes[:MAX_ITEMS]:
        link = None
        label = change.path
        is_path = change.event_id is None
        if change.event_id is not None:
            label = titles.get(change.event_id, change.event_id)
            if change.event_id in titles:
                link = Link(f"events/{change.event_id}/index.md", label)
        items.append(ChangeItem(change.action, _ACTION_LABELS[change.action], label, link, is_path))
    more = max(0, len(commit.changes) - MAX_ITEMS)
    return ChangeEntry(
        day(commit.date), commit.subject, commit.sha[:_SHORT_SHA], commit.url, items, more
    )
