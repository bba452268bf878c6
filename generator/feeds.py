"""Atom 1.0 feeds: the latest events of the whole timeline, and of every tag and actor.

XML is built with ElementTree, which escapes every text and attribute, so no event text is ever
pasted into markup; characters XML 1.0 cannot carry (C0/C1 controls, lone surrogates) are
removed first, because ElementTree would write them out and make the feed unreadable.

An entry's id is the event's permalink when the site's address is known (what feed readers
deduplicate by, stable as long as the site does not move) and a `tag:` URI otherwise. Its
`published`/`updated` time is the first day of the event's date: events carry no edit time,
and a generation time would make every entry look changed at every build. The feed's own
`updated` is the generation time. Without a site address, links are relative and resolved
against an `xml:base` that points at the site root.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from generator.exports.context import (
    ExportContext,
    event_page,
    generator_version,
    safe_slug,
)
from generator.markup import escape_text, render_markdown
from generator.records import EventRecord
from generator.store import Timeline

ATOM_NAMESPACE = "http://www.w3.org/2005/Atom"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ATOM_TYPE = "application/atom+xml"
#: Entries per feed: the latest events, newest first.
FEED_SIZE = 50
#: The authority of `tag:` URIs (RFC 4151) when the site's address is unknown.
TAG_AUTHORITY = "tag:timeline,2024:"

FeedKind = Literal["timeline", "tag", "actor"]
_FOLDERS: dict[FeedKind, str] = {"timeline": "", "tag": "tags/", "actor": "actors/"}
# Everything outside XML 1.0's Char production, plus DEL and the C1 controls.
_NOT_XML = re.compile("[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class FeedSpec:
    """One feed to write: where it goes, what it is called, which page it belongs to."""

    kind: FeedKind
    key: str | None
    title: str
    subtitle: str
    records: Sequence[EventRecord]

    @property
    def path(self) -> str:
        return feed_path(self.kind, self.key)

    @property
    def page(self) -> str:
        """The site page the feed follows (relative to the site root)."""
        return "" if self.key is None else f"{_FOLDERS[self.kind]}{self.key}/"


def feed_path(kind: FeedKind, key: str | None = None) -> str:
    """`feeds/atom.xml`, `feeds/tags/<id>.xml`, `feeds/actors/<id>.xml` (site-relative)."""
    if kind == "timeline":
        return "feeds/atom.xml"
    if key is None:
        raise ValueError(f"a {kind} feed needs the {kind}'s id")
    return f"feeds/{_FOLDERS[kind]}{safe_slug(key)}.xml"


def feed_links_for(
    page_kind: str, key: str | None = None, *, label: str | None = None
) -> list[tuple[str, str]]:
    """(href relative to the site root, title) of the feeds a page should announce.

    Every page announces the whole timeline's feed; a tag or actor page also its own. The
    plugin turns these into `<link rel="alternate" type="application/atom+xml">` tags.
    """
    links = [(feed_path("timeline"), "Latest events (Atom)")]
    if page_kind == "tag" and key:
        links.append((feed_path("tag", key), f"Events tagged {label or key} (Atom)"))
    elif page_kind == "actor" and key:
        links.append((feed_path("actor", key), f"Events involving {label or key} (Atom)"))
    return links


def xml_text(value: str) -> str:
    """`value` without the characters an XML 1.0 document cannot contain."""
    return _NOT_XML.sub("", value)


def feed_specs(timeline: Timeline) -> list[FeedSpec]:
    """The whole-timeline feed, then one per tag and per actor (sorted by id).

    An actor's feed lists the events its page lists: those that involve it, are claimed by it
    or quote it. Every registry entry gets a feed, even an empty one, so links never break.
    """
    by_tag: dict[str, list[EventRecord]] = defaultdict(list)
    by_actor: dict[str, list[EventRecord]] = defaultdict(list)
    for record in timeline.records:
        event = record.event
        for tag_id in event.tags:
            by_tag[tag_id].append(record)
        involved = dict.fromkeys([*event.actors, *event.claimed_by])
        involved.update(dict.fromkeys(quote.speaker for quote in event.quotes))
        for actor_id in involved:
            by_actor[actor_id].append(record)
    specs = [
        FeedSpec(
            "timeline",
            None,
            "Latest events",
            "The latest events of the timeline.",
            timeline.records,
        )
    ]
    for tag_id in sorted(timeline.tags):
        label = timeline.tags[tag_id].label
        specs.append(
            FeedSpec("tag", tag_id, label, f"The latest events tagged {label}.", by_tag[tag_id])
        )
    for actor_id in sorted(timeline.actors):
        name = timeline.actors[actor_id].name
        specs.append(
            FeedSpec(
                "actor", actor_id, name, f"The latest events involving {name}.", by_actor[actor_id]
            )
        )
    return specs


def build_feed(
    spec: FeedSpec,
    timeline: Timeline,
    context: ExportContext,
    size: int = FEED_SIZE,
    summaries: dict[str, str] | None = None,
) -> ET.Element:
    """The `<feed>` element of one feed: its `size` latest events, newest first.

    `summaries` caches each event's summary HTML across feeds (an event is in the whole
    timeline's feed and in those of its tags and actors; Markdown is rendered once).
    """
    cache = {} if summaries is None else summaries
    feed = ET.Element("feed", {"xmlns": ATOM_NAMESPACE, XML_LANG: "en"})
    if context.site_url is None:
        feed.set(XML_BASE, "../" * spec.path.count("/"))
    title = context.site_name if spec.kind == "timeline" else f"{context.site_name}: {spec.title}"
    _text(feed, "id", _identifier(context, spec.path))
    _text(feed, "title", title, type="text")
    _text(feed, "subtitle", spec.subtitle, type="text")
    _text(feed, "updated", context.timestamp)
    _link(feed, "self", context.url(spec.path), ATOM_TYPE)
    _link(feed, "alternate", context.url(spec.page) or "./", "text/html")
    author = ET.SubElement(feed, "author")
    _text(author, "name", context.site_name)
    _text(feed, "generator", "timeline-generator", version=generator_version())
    latest = list(spec.records[-size:]) if size > 0 else []
    for record in reversed(latest):
        feed.append(_entry(record, timeline, context, cache))
    return feed


def _entry(
    record: EventRecord, timeline: Timeline, context: ExportContext, summaries: dict[str, str]
) -> ET.Element:
    event = record.event
    entry = ET.Element("entry")
    stamp = event.date.start.first_day().isoformat() + "T00:00:00Z"
    _text(entry, "id", _identifier(context, event_page(record.id)))
    _text(entry, "title", event.title, type="text")
    _link(entry, "alternate", context.event_url(record.id), "text/html")
    _text(entry, "published", stamp)
    _text(entry, "updated", stamp)
    for tag_id in event.tags:
        tag = timeline.tags.get(tag_id)
        ET.SubElement(
            entry, "category", {"term": tag_id, "label": xml_text(tag.label if tag else tag_id)}
        )
    # The date line is escaped here; the summary is the sanitised HTML of markup.py. The whole
    # string is then escaped once more by ElementTree, as type="html" requires.
    if record.id not in summaries:
        heading = f"<p>{escape_text(event.date.display())} · {escape_text(event.status)}</p>\n"
        summaries[record.id] = heading + render_markdown(event.summary)
    _text(entry, "summary", summaries[record.id], type="html")
    return entry


def _identifier(context: ExportContext, path: str) -> str:
    return context.url(path) if context.site_url else f"{TAG_AUTHORITY}{path}"


def _text(parent: ET.Element, tag: str, text: str, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    element.text = xml_text(text)
    return element


def _link(parent: ET.Element, rel: str, href: str, media_type: str) -> None:
    ET.SubElement(parent, "link", {"rel": rel, "type": media_type, "href": xml_text(href)})


def feed_bytes(feed: ET.Element) -> bytes:
    """The document: XML declaration, indented elements, UTF-8, one final newline."""
    ET.indent(feed)
    body = ET.tostring(feed, encoding="unicode")
    return f'<?xml version="1.0" encoding="utf-8"?>\n{body}\n'.encode()


def write_feeds(
    timeline: Timeline, out_dir: Path, context: ExportContext, size: int = FEED_SIZE
) -> list[Path]:
    """Write every feed under `out_dir/feeds/`; return the files written."""
    written = []
    summaries: dict[str, str] = {}
    for spec in feed_specs(timeline):
        path = out_dir / spec.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(feed_bytes(build_feed(spec, timeline, context, size, summaries)))
        written.append(path)
    return written
