"""Atom feeds: read back with feedparser and ElementTree, including hostile text."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import feedparser
import pytest
from conftest import FIXED_TODAY, FIXTURES, VALID_STORE, timeline_of

from generator.dates import PartialDate
from generator.exports import ExportContext, feed_links_for
from generator.feeds import (
    FEED_SIZE,
    build_feed,
    feed_bytes,
    feed_path,
    feed_specs,
    write_feeds,
    xml_text,
)
from generator.markup import render_markdown
from generator.models import Event, EventDate, Source
from generator.store import load_timeline

GENERATED_AT = dt.datetime(2026, 11, 25, 12, 30, tzinfo=dt.UTC)
SITE = "https://example.org/war/"
CONTEXT = ExportContext(GENERATED_AT, SITE, "War timeline")
ATOM = "{http://www.w3.org/2005/Atom}"
HEADERS = {"content-type": "application/atom+xml; charset=utf-8"}


def _load(root):
    report = load_timeline(root, cache_dir=None, today=FIXED_TODAY, jobs=1)
    assert report.ok, [problem.as_text() for problem in report.problems]
    return report.timeline


@pytest.fixture(scope="module")
def valid_timeline():
    return _load(VALID_STORE)


@pytest.fixture(scope="module")
def hostile():
    return _load(FIXTURES / "hostile")


def _parse(raw: bytes, location: str | None = None):
    headers = dict(HEADERS)
    if location:
        headers["content-location"] = location
    parsed = feedparser.parse(raw, response_headers=headers)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def test_every_feed_is_valid_atom(valid_timeline, tmp_path):
    written = write_feeds(valid_timeline, tmp_path, CONTEXT)
    expected = (
        ["feeds/atom.xml"]
        + [f"feeds/tags/{key}.xml" for key in sorted(valid_timeline.tags)]
        + [f"feeds/actors/{key}.xml" for key in sorted(valid_timeline.actors)]
    )
    assert [p.relative_to(tmp_path).as_posix() for p in written] == expected
    ids = {r.id: r for r in valid_timeline.records}
    for path in written:
        raw = path.read_bytes()
        ET.fromstring(raw)  # strict XML, not only what a lenient feed reader accepts
        feed = _parse(raw)
        relative = path.relative_to(tmp_path).as_posix()
        assert feed.feed.id == SITE + relative
        assert feed.feed.updated == "2026-11-25T12:30:00Z"
        assert [link.href for link in feed.feed.links if link.rel == "self"] == [SITE + relative]
        for entry in feed.entries:
            event_id = entry.link.removeprefix(SITE + "events/").removesuffix("/")
            assert event_id in ids
            assert entry.id == entry.link == f"{SITE}events/{event_id}/"
            event = ids[event_id].event
            assert entry.title == event.title
            assert entry.title_detail.type == "text/plain"
            assert entry.summary_detail.type == "text/html"
            first = event.date.start.first_day()
            assert entry.updated_parsed[:3] == (first.year, first.month, first.day)
            assert [tag.term for tag in entry.get("tags", [])] == event.tags


def test_whole_feed_lists_the_latest_events_newest_first(valid_timeline):
    [spec] = [s for s in feed_specs(valid_timeline) if s.kind == "timeline"]
    feed = _parse(feed_bytes(build_feed(spec, valid_timeline, CONTEXT, size=3)))
    assert feed.feed.title == "War timeline"
    latest = [r.id for r in valid_timeline.records[-3:]][::-1]
    assert [entry.id for entry in feed.entries] == [f"{SITE}events/{i}/" for i in latest]
    assert len(_parse(feed_bytes(build_feed(spec, valid_timeline, CONTEXT))).entries) == min(
        FEED_SIZE, len(valid_timeline.records)
    )


def test_tag_and_actor_feeds_hold_their_events(valid_timeline):
    specs = {(spec.kind, spec.key): spec for spec in feed_specs(valid_timeline)}
    tagged = [r.id for r in valid_timeline.records if "military-aid" in r.event.tags]
    spec = specs[("tag", "military-aid")]
    feed = _parse(feed_bytes(build_feed(spec, valid_timeline, CONTEXT)))
    assert feed.feed.title == "War timeline: Military aid"
    assert [link.href for link in feed.feed.links if link.rel == "alternate"] == [
        f"{SITE}tags/military-aid/"
    ]
    assert [e.id for e in feed.entries] == [f"{SITE}events/{i}/" for i in reversed(tagged)]
    # An actor's feed has the events its page lists: involved, claiming, or quoted.
    scholz = build_feed(specs[("actor", "olaf-scholz")], valid_timeline, CONTEXT)
    assert [e.id for e in _parse(feed_bytes(scholz)).entries] == [
        f"{SITE}events/2024-11-19-scholz-refuses-taurus/"
    ]
    nis = specs[("actor", "south-korean-intelligence")]
    assert [r.id for r in nis.records] == [
        r.id for r in valid_timeline.records if "south-korean-intelligence" in r.event.claimed_by
    ]


def test_summary_is_the_sanitised_markdown(valid_timeline):
    [spec] = [s for s in feed_specs(valid_timeline) if s.kind == "timeline"]
    root = ET.fromstring(feed_bytes(build_feed(spec, valid_timeline, CONTEXT)))
    by_id = {r.id: r.event for r in valid_timeline.records}
    for entry in root.iter(f"{ATOM}entry"):
        event_id = entry.findtext(f"{ATOM}id").removeprefix(SITE + "events/").removesuffix("/")
        event = by_id[event_id]
        summary = entry.find(f"{ATOM}summary")
        assert summary.get("type") == "html"
        assert summary.text.endswith(render_markdown(event.summary))
        assert summary.text.startswith(f"<p>{event.date.display()} · {event.status}</p>")


def test_feeds_without_a_site_url_resolve_against_the_site_root(valid_timeline):
    context = ExportContext(GENERATED_AT)
    specs = {(spec.kind, spec.key): spec for spec in feed_specs(valid_timeline)}
    for key, depth in ((("timeline", None)), "../"), ((("tag", "military-aid")), "../../"):
        element = build_feed(specs[key], valid_timeline, context)
        assert element.get("{http://www.w3.org/XML/1998/namespace}base") == depth
        location = "https://mirror.example/site/" + specs[key].path
        feed = _parse(feed_bytes(element), location)
        assert feed.feed.id == f"tag:timeline,2024:{specs[key].path}"
        for entry in feed.entries:
            assert entry.id.startswith("tag:timeline,2024:events/")
            assert entry.link.startswith("https://mirror.example/site/events/")


def test_hostile_text_is_escaped(hostile, tmp_path):
    by_title = {r.event.title: r for r in hostile.records}
    for path in write_feeds(hostile, tmp_path, CONTEXT):
        raw = path.read_bytes()
        for tag in (b"<script", b"<img", b"<svg"):
            assert tag not in raw
        root = ET.fromstring(raw)
        for entry in root.iter(f"{ATOM}entry"):
            title = entry.findtext(f"{ATOM}title")
            assert title in by_title  # the exact text, after one level of XML unescaping
            html = entry.findtext(f"{ATOM}summary")
            assert "<script" not in html
            assert "javascript:" not in html.lower()
        feed = _parse(raw)
        assert {entry.title for entry in feed.entries} <= set(by_title)


def _constructed(title: str, summary: str) -> Event:
    """An event with text the validator would refuse (built without validation)."""
    return Event.model_construct(
        title=title,
        date=EventDate.model_construct(start=PartialDate(2024, 11, 17)),
        status="reported",
        summary=summary,
        sources=[Source.model_construct(publisher="Example News", url="https://example.org/")],
    )


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("a ]]> b & c <script>alert(1)</script>", "a ]]> b & c <script>alert(1)</script>"),
        ("bell\x07 null\x00 esc\x1b del\x7f c1\x85 tab\tend", "bell null esc del c1 tab\tend"),
        ("surrogate \ud800 \ufffe end", "surrogate   end"),
    ],
)
def test_text_the_validator_refuses_still_gives_a_valid_feed(title, expected):
    timeline = timeline_of(
        {"2024-11-17-hostile": _constructed(title, "Text with \x0c form feed & <b>bold</b>")}
    )
    [spec] = [s for s in feed_specs(timeline) if s.kind == "timeline"]
    raw = feed_bytes(build_feed(spec, timeline, CONTEXT))
    root = ET.fromstring(raw)
    assert root.find(f"{ATOM}entry/{ATOM}title").text == expected
    assert "\x0c" not in root.findtext(f"{ATOM}entry/{ATOM}summary")
    assert _parse(raw).entries[0].title == expected


@pytest.mark.parametrize(
    ("value", "cleaned"),
    [("plain", "plain"), ("a\x00b\x08c\x0bd\x1fe", "abcde"), ("\t\n\r", "\t\n\r"), ("é😀", "é😀")],
)
def test_xml_text(value, cleaned):
    assert xml_text(value) == cleaned


def test_feed_links_for_pages():
    latest = ("feeds/atom.xml", "Latest events (Atom)")
    assert feed_links_for("home") == [latest]
    assert feed_links_for("event", "2024-11-17-us-authorises-atacms") == [latest]
    assert feed_links_for("tag", "military-aid", label="Military aid") == [
        latest,
        ("feeds/tags/military-aid.xml", "Events tagged Military aid (Atom)"),
    ]
    assert feed_links_for("actor", "olaf-scholz") == [
        latest,
        ("feeds/actors/olaf-scholz.xml", "Events involving olaf-scholz (Atom)"),
    ]


def test_feed_paths_refuse_ids_that_are_not_slugs():
    with pytest.raises(ValueError, match="not an id"):
        feed_path("tag", "../../etc/passwd")


def test_feeds_are_deterministic(valid_timeline, tmp_path):
    first = write_feeds(valid_timeline, tmp_path / "a", CONTEXT)
    second = write_feeds(valid_timeline, tmp_path / "b", CONTEXT)
    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]
