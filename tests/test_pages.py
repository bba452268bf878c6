"""The page model, without mkdocs: grouping, order, gaps, relations, counts, rendering."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from conftest import FIXED_TODAY, REPO

from generator.dates import PartialDate
from generator.models import Event
from generator.pages import Site, build_site, url_of
from generator.records import EventRecord
from generator.render import relative_url, render_page
from generator.store import Timeline, load_timeline, record_sort_key

STORE = REPO / "tests" / "fixtures" / "site"


@pytest.fixture(scope="module")
def site() -> Site:
    report = load_timeline(STORE, cache_dir=None, today=FIXED_TODAY, jobs=1)
    assert report.ok, report.problems
    return build_site(report.timeline, latest_count=3)


def _ids(items) -> list[str]:
    return [item.id for item in items]


def test_every_url_the_site_promises(site):
    urls = {page.url for page in site.pages}
    for url in [
        "chronology/",
        "chronology/2021/",
        "chronology/2024/",
        "chronology/2024/03/",
        "chronology/2024/03/newest-first/",
        "chronology/2024/11/",
        "events/2024-11-17-strikes-authorised/",
        "actors/",
        "actors/ukraine/",
        "places/",
        "places/kursk-oblast/",
        "tags/",
        "tags/military-aid/",
    ]:
        assert url in urls
    assert site.home.url == ""
    assert len(urls) == len(site.pages)


def test_years_list_months_with_counts_and_year_only_events(site):
    year = site.by_uri["chronology/2021/index.md"].context
    assert year.months == []
    assert _ids(year.year_only.items) == ["2021-supplies-begin"]
    assert year.year_only.items[0].date == "possibly 2021"
    year = site.by_uri["chronology/2024/index.md"].context
    assert [(c.link.label, c.count) for c in year.months] == [
        ("March 2024", 2),
        ("August 2024", 2),
        ("October 2024", 1),
        ("November 2024", 3),
    ]
    assert year.year_only is None


def test_month_groups_month_precision_first_then_days(site):
    month = site.by_uri["chronology/2024/03/index.md"].context
    assert [group.heading for group in month.groups] == ["March 2024", "5 March 2024"]
    assert month.groups[0].note == "Dated only to the month"
    assert _ids(month.groups[0].items) == ["2024-03-shells-pledged"]


def test_single_date_sorts_before_range_on_the_same_day(site):
    month = site.by_uri["chronology/2024/08/index.md"].context
    assert _ids(month.groups[0].items) == ["2024-08-06-border-clash", "2024-08-06-incursion"]
    assert month.groups[0].items[1].date == "6 August 2024 – ongoing"


def test_newest_first_reverses_days_and_events(site):
    month = site.by_uri["chronology/2024/11/newest-first/index.md"].context
    assert month.newest_first
    assert [group.heading for group in month.groups] == [
        "19 November 2024",
        "17 November 2024",
        "November 2024",
    ]
    assert month.other_order.target == "chronology/2024/11/index.md"


def test_range_is_listed_where_it_starts_and_shown_as_a_range(site):
    october = site.by_uri["chronology/2024/10/index.md"].context
    assert october.groups[0].items[0].date == "28 October – 3 November 2024"
    november = site.by_uri["chronology/2024/11/index.md"].context
    ids = [item.id for group in november.groups for item in group.items]
    assert "2024-10-28-fighting" not in ids


def test_prev_and_next_between_periods(site):
    march = site.by_uri["chronology/2024/03/index.md"]
    assert march.prev is None
    assert march.next.target == "chronology/2024/08/index.md"
    newest = site.by_uri["chronology/2024/08/newest-first/index.md"]
    assert newest.prev.target == "chronology/2024/10/newest-first/index.md"
    assert newest.next.target == "chronology/2024/03/newest-first/index.md"
    assert site.by_uri["chronology/2021/index.md"].next.target == "chronology/2024/index.md"


def test_prev_and_next_between_events(site):
    first = site.by_uri["events/2021-supplies-begin/index.md"]
    assert first.prev is None
    assert first.next.target == "events/2024-03-shells-pledged/index.md"
    last = site.by_uri["events/2024-11-19-taurus-refused/index.md"]
    assert last.next is None


def test_typed_dates_state_the_gap_to_the_deadline(site):
    view = site.by_uri["events/2024-11-shells-delivered/index.md"].context
    assert [(row.label, row.value, row.gap) for row in view.dates] == [
        ("Date", "c. November 2024", ""),
        ("Deadline", "March 2024", ""),
        ("Delivered", "c. November 2024", "about eight months after the March 2024 deadline"),
    ]


def test_relations_in_both_directions(site):
    def groups(event_id):
        view = site.by_uri[f"events/{event_id}/index.md"].context
        return {group.label: _ids(r.item for r in group.items) for group in view.relations}

    assert groups("2024-10-28-fighting") == {
        "Responses": ["2024-11-17-strikes-authorised"],
        "Follows": ["2024-08-06-incursion"],
    }
    assert groups("2024-08-06-incursion") == {
        "Followed by": ["2024-10-28-fighting"],
        "Contradicted by": ["2024-08-06-border-clash"],
    }
    assert groups("2024-03-shells-pledged") == {
        "Parts": ["2024-03-05-first-delivery"],
        "Updated by": ["2024-11-shells-delivered"],
    }
    assert groups("2024-11-17-strikes-authorised") == {
        "In response to": ["2024-10-28-fighting"],
        "Related": ["2024-11-19-taurus-refused"],
    }
    assert groups("2024-11-19-taurus-refused") == {"Related": ["2024-11-17-strikes-authorised"]}
    clash = site.by_uri["events/2024-08-06-border-clash/index.md"].context
    assert clash.relations[0].items[0].note == "The ministry describes a small raid."


def test_event_details(site):
    view = site.by_uri["events/2024-10-28-fighting/index.md"].context
    assert view.figures[0].amount == "an estimated 10,000–12,000 troops"
    assert view.figures[0].as_of == "October 2024"
    assert view.figures[0].source.anchor == "source-report"
    assert view.period.target == "chronology/2024/10/index.md"
    assert view.period.fragment == "day-28"
    taurus = site.by_uri["events/2024-11-19-taurus-refused/index.md"].context
    quote = taurus.quotes[0]
    assert quote.paragraphs == [["Daran wird sich nichts ändern."], ["<script>alert(1)</script>"]]
    assert quote.translation == [["That will not change."]]
    assert quote.source.publisher == "Example Broadcaster"
    clash = site.by_uri["events/2024-08-06-border-clash/index.md"].context
    assert clash.status_label == "Claimed"
    assert [link.label for link in clash.claimed_by] == ["Russia"]


def test_event_page_metadata(site):
    page = site.by_uri["events/2024-11-17-strikes-authorised/index.md"]
    assert page.title.startswith("</title><script>")
    assert page.description.startswith("Strikes inside Russia were allowed")
    assert page.edit_path == str(STORE / "2024" / "2024-11-17-strikes-authorised.yaml")
    data = page.context.json_ld
    assert data["@type"] == "Event"
    assert data["startDate"] == "2024-11-17"
    ranged = site.by_uri["events/2024-10-28-fighting/index.md"].context.json_ld
    assert ranged["endDate"] == "2024-11-03"
    assert ranged["location"]["geo"]["latitude"] == 51.7


def test_registry_pages_count_and_group_by_year(site):
    ukraine = site.by_uri["actors/ukraine/index.md"].context
    assert ukraine.count == 6
    assert [group.heading for group in ukraine.groups] == ["2024"]
    russia = site.by_uri["actors/russia/index.md"].context
    assert [group.heading for group in russia.groups] == ["2021", "2024"]
    actors = site.by_uri["actors/index.md"].context
    assert [entry.link.label for entry in actors.entries][:2] == [
        '"><img src=x onerror=alert(1)> Quoting Actor',
        "European Union",
    ]
    tag = site.by_uri["tags/military-aid/index.md"]
    assert tag.context.count == 3
    assert tag.description == "Weapons, ammunition, money and training given to Ukraine."
    assert tag.edit_path == str(STORE / "tags.yaml")


def test_home_counts_span_and_latest(site):
    home = site.home.context
    assert (home.events, home.actors, home.places, home.tags) == (9, 5, 2, 3)
    assert home.sources == 9
    assert (home.first, home.last) == ("possibly 2021", "19 November 2024")
    assert _ids(home.latest) == [
        "2024-11-19-taurus-refused",
        "2024-11-17-strikes-authorised",
        "2024-11-shells-delivered",
    ]
    assert home.latest_month.target == "chronology/2024/11/newest-first/index.md"


def test_only_events_and_entities_are_searchable(site):
    searchable = {page.kind for page in site.pages if page.searchable}
    assert searchable == {"event", "actor", "place", "tag"}
    in_nav = {page.src_uri for page in site.pages if page.in_nav}
    assert in_nav == {"chronology/index.md", "actors/index.md", "places/index.md", "tags/index.md"}


@pytest.mark.parametrize(
    ("src_uri", "url"),
    [
        ("index.md", ""),
        ("events/x/index.md", "events/x/"),
        ("chronology/2024/11/newest-first/index.md", "chronology/2024/11/newest-first/"),
    ],
)
def test_url_of(src_uri, url):
    assert url_of(src_uri) == url


def test_relative_url():
    assert relative_url("chronology/2024/", "events/x/") == "../../chronology/2024/"
    assert relative_url("", "events/x/") == "../../"
    assert relative_url("events/x/", "") == "events/x/"
    assert relative_url("events/x/", "events/x/") == "./"


DIRECTORY_URLS = ["", "events/", "events/a/", "events/ab/", "actors/a/", "chronology/2024/11/",
                  "chronology/2024/11/newest-first/", "a/b/c/d/"]  # fmt: skip


@pytest.mark.parametrize("current", DIRECTORY_URLS)
@pytest.mark.parametrize("target", DIRECTORY_URLS)
def test_relative_url_agrees_with_mkdocs(target, current):
    """The plugin links with `relative_url`: it must give what mkdocs' own function gives."""
    from mkdocs.utils import get_relative_url

    expected = get_relative_url(target, current)
    expected = expected if expected.endswith("/") else expected + "/"
    assert relative_url(target, current) == expected


def test_rendered_event_escapes_every_field(site):
    html = render_page(site.by_uri["events/2024-11-17-strikes-authorised/index.md"])
    assert "<script>" not in html
    assert "&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    assert html.startswith('<h1 id="event-title" class="tl-event__title">&lt;/title&gt;')
    assert '<time datetime="2024-11-17">17 November 2024</time></span></h1>' in html
    assert '<article class="tl-event" data-event-id="2024-11-17-strikes-authorised"' in html
    assert 'href="https://example.org/news/strikes?a=1&amp;b=2"' in html
    assert 'rel="prev" href="../2024-11-shells-delivered/"' in html
    assert 'rel="next" href="../2024-11-19-taurus-refused/"' in html
    assert "\\u003c/title\\u003e" in html  # JSON-LD


def test_rendered_lists_have_stable_hooks(site):
    html = render_page(site.by_uri["chronology/2024/08/index.md"])
    assert '<ol class="tl-event-list">' in html
    assert re.findall(r'<li class="tl-event-item" data-event-id="([^"]+)"', html) == [
        "2024-08-06-border-clash",
        "2024-08-06-incursion",
    ]
    assert 'href="../../../events/2024-08-06-incursion/"' in html


def test_headings_are_in_order(site):
    for page in site.pages:
        levels = [int(level) for level in re.findall(r"<h([1-6])", render_page(page))]
        assert levels[0] == 1, page.url
        for before, after in itertools.pairwise(levels):
            assert after <= before + 1, page.url


def test_site_grows_linearly_with_the_events():
    """Each extra event adds one page, and no event page grows with the size of the store.

    (Speed itself is measured by benchmarks/, never by timed asserts.) What would make a build
    quadratic is a page that lists every event, such as a nav rendered into each page.
    """
    small, large = build_site(_synthetic_timeline(500)), build_site(_synthetic_timeline(2000))
    events_small = [page for page in small.pages if page.kind == "event"]
    events_large = [page for page in large.pages if page.kind == "event"]
    assert (len(events_small), len(events_large)) == (500, 2000)
    assert len(large.pages) - len(small.pages) == 1500
    biggest_small = max(len(render_page(page)) for page in events_small)
    biggest_large = max(len(render_page(page)) for page in events_large)
    assert biggest_large <= biggest_small + 100


def _synthetic_timeline(count: int) -> Timeline:
    """`count` events over two years sharing one actor, place and tag, each following the last."""
    records = []
    previous = None
    for number in range(count):
        event_id = f"{2023 + number % 2}-{1 + number % 12:02d}-{1 + number % 28:02d}-e{number}"
        event = Event.model_validate(
            {
                "title": f"Event {number}",
                "date": {"start": PartialDate.parse(event_id[:10])},
                "status": "reported",
                "summary": f"Summary {number}.",
                "actors": ["a"],
                "places": ["p"],
                "tags": ["t"],
                "sources": [{"publisher": "P", "kind": "report"}],
                "related": [{"event": previous, "relation": "follows"}] if previous else [],
            }
        )
        data = event.model_dump(mode="json")
        plain = {
            "id": event_id,
            "file": f"{event_id}.yaml",
            "title": event.title,
            "date": data["date"],
            "references": [],
            "date_position": [1, 1],
        }
        record = EventRecord.from_plain(plain, data=data)
        record.__dict__["event"] = event
        records.append(record)
        previous = event_id
    records.sort(key=record_sort_key)
    registries = {
        "actors": {"a": {"name": "A", "kind": "state"}},
        "places": {"p": {"name": "P"}},
        "tags": {"t": {"label": "T", "description": "D."}},
    }
    return Timeline(Path("events"), records, registries)


# --- Entries with many events: a page per year --------------------------------------------------


@pytest.fixture(scope="module")
def split_site() -> Site:
    report = load_timeline(STORE, cache_dir=None, today=FIXED_TODAY, jobs=1)
    return build_site(report.timeline, latest_count=3, index_page_limit=1)


@pytest.mark.parametrize("entry", ["actors/ukraine", "actors/russia"])
def test_an_entry_above_the_limit_lists_years_and_its_latest_events(site, split_site, entry):
    whole = site.by_uri[f"{entry}/index.md"].context
    split = split_site.by_uri[f"{entry}/index.md"].context
    assert whole.groups
    assert not whole.years
    assert split.groups == []
    assert [count.link.label for count in split.years] == [g.heading for g in whole.groups]
    assert [count.count for count in split.years] == [len(g.items) for g in whole.groups]
    every = [item for group in whole.groups for item in group.items]
    assert split.latest == every[::-1][: len(split.latest)]  # newest first
    assert split.count == len(every)


@pytest.mark.parametrize("entry", ["actors/ukraine", "actors/russia"])
def test_year_pages_hold_every_event_once_and_link_in_a_row(site, split_site, entry):
    whole = site.by_uri[f"{entry}/index.md"].context
    years = [
        split_site.by_uri[count.link.target]
        for count in split_site.by_uri[f"{entry}/index.md"].context.years
    ]
    assert [page.url for page in years] == [
        f"{entry}/{group.heading}/" for group in whole.groups
    ]
    assert [page.context.groups for page in years] == [[group] for group in whole.groups]
    assert all(not page.searchable and page.kind == "actor" for page in years)
    assert years[0].title == f"{whole.name} in {whole.groups[0].heading}"
    assert years[0].prev is None
    assert years[-1].next is None
    for before, after in itertools.pairwise(years):
        assert before.next.target == after.src_uri
        assert after.prev.target == before.src_uri
    html = render_page(years[0])
    assert 'href="../"' in html  # back to every year of the entry
    main = render_page(split_site.by_uri[f"{entry}/index.md"])
    assert f'href="{whole.groups[0].heading}/"' in main
