"""The page model: what each page of the site shows, as plain data.

Pages carry plain text (never HTML) and Markdown source (rendered later by `markup.py`), so a
template can escape everything and the model can be tested without a site engine. Links name
their target page by its `src_uri`; the renderer turns that into a relative URL for the engine
in use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

PageKind = Literal[
    "home",
    "chronology",
    "year",
    "month",
    "event",
    "actors",
    "actor",
    "places",
    "place",
    "tags",
    "tag",
    "changes",
]


def url_of(src_uri: str) -> str:
    """The directory-style URL of a generated page: `events/x/index.md` → `events/x/`."""
    if src_uri == "index.md":
        return ""
    if src_uri.endswith("/index.md"):
        return src_uri[: -len("index.md")]
    return src_uri.removesuffix(".md") + "/"


@dataclass(frozen=True)
class Link:
    """A link to another page of the site (by `src_uri`), with optional `#fragment`."""

    target: str
    label: str
    fragment: str = ""


@dataclass(frozen=True)
class EventItem:
    """One event in a list: date, title, status, and where its page is."""

    id: str
    title: str
    date: str
    datetime: str
    status: str
    status_label: str
    target: str


@dataclass(frozen=True)
class Group:
    """Events under one heading: a day, a month, a year, or "dated only to the month"."""

    heading: str
    anchor: str
    items: list[EventItem]
    datetime: str = ""
    note: str = ""


@dataclass(frozen=True)
class Count:
    """A link with a number: "November 2024 (12)", "Russia (340)"."""

    link: Link
    count: int
    note: str = ""


@dataclass
class Page:
    """One page of the site and everything needed to render it.

    `title` and `description` are plain text; `context` is the data for `template`.
    `edit_path` is the file a reader should edit to change the page (an event's YAML file).
    """

    src_uri: str
    title: str
    description: str
    kind: PageKind
    template: str
    context: Any
    edit_path: str | None = None
    prev: Link | None = None
    next: Link | None = None
    in_nav: bool = False
    searchable: bool = True

    @property
    def url(self) -> str:
        return url_of(self.src_uri)
