"""The real timeline in events/: valid, complete for the article, and free of invented URLs."""

from __future__ import annotations

import json
import re

import pytest
from conftest import FIXED_TODAY, REPO, shared_data

from generator.dates import describe_gap
from generator.store import load_timeline

EVENTS = REPO / "events"
JSONL = shared_data("reported-events.jsonl")
needs_jsonl = pytest.mark.skipif(not JSONL.is_file(), reason=f"no {JSONL.name} found")
ATACMS = "2024-11-17-us-reportedly-authorises-ukraine-fire-atacms-missiles-into"
SHELLS = "2024-11-eu-delivers-one-million-shells-months-late"

#: One event per development the source article (19 November 2024) reports.
ARTICLE_EVENTS = {
    ATACMS: "US authorisation of ATACMS strikes into Russia, with the reported 12,000 troops",
    "2024-11-17-putin-warns-strikes-would-mean-nato-direct-involvement": "Putin's NATO warning",
    "2024-11-us-has-supplied-only-limited-number-atacms": "the limited number of missiles",
    "2024-11-18-scholz-refuses-taurus-missiles-g20-rio": "Scholz refuses Taurus (G20 quote)",
    "2024-11-france-declines-storm-shadow-strikes-deep-into-russia": "France and Storm Shadow",
    SHELLS: "one million shells delivered late, confirmed by Borrell",
    "2024-11-borrell-says-eu-military-aid-not-enough": "EUR 45bn and 75,000 soldiers trained",
    "2024-11-north-korea-may-send-up-to-100000-troops": "Bloomberg: up to 100,000 troops",
    "2024-11-north-korea-supplied-russia-millions-artillery-rounds": "North Korean munitions",
    "2024-11-north-korea-paid-money-technology-2000-a-soldier": "compensation and pay",
}


@pytest.fixture(scope="module")
def report():
    return load_timeline(EVENTS, cache_dir=None, today=FIXED_TODAY, jobs=1)


def test_the_timeline_has_no_problems(report):
    assert [problem.as_text() for problem in report.problems] == []
    assert report.files_checked == len(report.timeline.records) + 3


def test_every_development_of_the_article_has_an_event(report):
    missing = sorted(set(ARTICLE_EVENTS) - set(report.timeline.by_id))
    assert missing == []


@needs_jsonl
def test_every_reported_record_was_imported(report):
    titles = {record.event.title for record in report.timeline.records}
    for line in JSONL.read_text("utf-8").splitlines():
        assert json.loads(line)["title"] in titles


def _jsonl_urls() -> set[str]:
    urls = set()
    for line in JSONL.read_text("utf-8").splitlines():
        record = json.loads(line)
        urls.update(source["url"] for source in record["sources"] if source["url"])
        if record["origin"] and record["origin"]["url"]:
            urls.add(record["origin"]["url"])
    return urls


@needs_jsonl
def test_no_url_is_invented(report):
    known = _jsonl_urls()
    for record in report.timeline.records:
        event = record.event
        urls = {source.url for source in event.sources} | {s.archive_url for s in event.sources}
        urls.add(event.origin.url if event.origin else None)
        assert urls - {None} <= known, record.file
    # Links written anywhere else in a file (a summary, a note) count too.
    for path in EVENTS.rglob("*.yaml"):
        written = set(re.findall(r"https?://[^\s'\"<>)\]]+", path.read_text("utf-8")))
        assert written <= known, path


def test_sources_without_url_say_what_they_are(report):
    for record in report.timeline.records:
        for source in record.event.sources:
            if source.url is None:
                assert source.kind in {"report", "statement"}, record.file


def test_the_eu_shells_event_states_deadline_and_delivery(report):
    event = report.timeline.by_id[SHELLS].event
    deadline, delivered = event.dates["deadline"].start, event.dates["delivered"].start
    assert (deadline.iso(), delivered.iso()) == ("2024-03", "2024-11")
    assert describe_gap(deadline, delivered) == "about eight months after"
    assert ("2023-03-20-eu-agrees-2-billion-plan-supply-ukraine-one", "updates") in {
        (link.event, link.relation) for link in event.related
    }


def test_the_atacms_event_carries_the_reported_12000_troops(report):
    event = report.timeline.by_id[ATACMS].event
    (figure,) = [f for f in event.figures if f.value == 12000]
    assert (figure.qualifier, figure.status, figure.unit) == ("estimated", "reported", "troops")


@pytest.mark.parametrize(
    ("event_id", "target", "relation"),
    [
        ("2024-11-17-putin-warns-strikes-would-mean-nato-direct-involvement", ATACMS,
         "responds_to"),
        ("2024-11-18-scholz-refuses-taurus-missiles-g20-rio",
         "2024-03-scholz-defends-taurus-refusal-first-bundestag-questioning-year", "follows"),
    ],
)  # fmt: skip
def test_typed_relations(report, event_id, target, relation):
    links = {(link.event, link.relation) for link in report.timeline.by_id[event_id].event.related}
    assert (target, relation) in links


def test_claims_are_marked_honestly(report):
    bloomberg = report.timeline.by_id["2024-11-north-korea-may-send-up-to-100000-troops"].event
    (figure,) = [f for f in bloomberg.figures if f.value == 100000]
    assert (figure.qualifier, figure.status) == ("up_to", "reported")
    for record in report.timeline.records:
        for figure in record.event.figures:
            if re.search(r"Russia's (MoD|Defence Ministry)|Russia said", figure.what):
                assert figure.status == "claimed", (record.file, figure.what)
                assert figure.claimed_by == ["russian-ministry-of-defence"], record.file


def test_scholz_quote_is_verbatim(report):
    event = report.timeline.by_id["2024-11-18-scholz-refuses-taurus-missiles-g20-rio"].event
    (quote,) = event.quotes
    assert quote.text == "Many citizens in Germany are worried about security and peace in Europe"
    assert quote.speaker == "olaf-scholz"
    assert "Rio de Janeiro" in (quote.context or "")


def test_registry_entries_are_used(report):
    timeline = report.timeline
    used = {"actors": set(), "places": set(), "tags": set()}
    for record in timeline.records:
        for ref in record.references:
            if ref.kind != "event":
                used[ref.kind + "s"].add(ref.target)
    assert set(timeline.actors) == used["actors"]
    assert set(timeline.places) == used["places"]
    assert set(timeline.tags) == used["tags"]
