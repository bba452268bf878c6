"""Real `mkdocs build --strict` runs (through `timeline build`) of a fixture store and events/."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import REPO
from mkdocs.utils.yaml import yaml_load

pytestmark = pytest.mark.site

STORE = REPO / "tests" / "fixtures" / "site"
TIMELINE = Path(sys.executable).parent / "timeline"
HOSTILE_TITLE = "</title><script>alert(1)</script> Strikes \"authorised\" & 'approved'"
EVENT_IDS = sorted(path.stem for path in STORE.glob("[0-9][0-9][0-9][0-9]/*.yaml"))


def _build(config_file: Path, site_dir: Path, cache_dir: Path) -> None:
    completed = subprocess.run(
        [str(TIMELINE), "build", "--strict", "--config-file", str(config_file)]
        + ["--site-dir", str(site_dir)],
        cwd=REPO,
        env={**os.environ, "TIMELINE_CACHE_DIR": str(cache_dir)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


def _config_for(store: Path, work: Path) -> Path:
    """The repository's mkdocs.yml with its paths made absolute and the store swapped in."""
    with (REPO / "mkdocs.yml").open("rb") as handle:
        config = yaml_load(handle)
    config["docs_dir"] = str(REPO / "docs")
    config["theme"]["custom_dir"] = str(REPO / "docs" / "overrides")
    plugins = []
    for entry in config["plugins"]:
        if isinstance(entry, dict) and "timeline" in entry:
            entry = {"timeline": {**(entry["timeline"] or {}), "events_dir": str(store)}}
        plugins.append(entry)
    config["plugins"] = plugins
    path = work / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("fixture-site")
    _build(_config_for(STORE, work), work / "site", work / "cache")
    return work / "site"


def _read(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def _search_index(site: Path) -> list[dict[str, str]]:
    return json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]


def test_pages_exist_at_their_urls(site):
    for url in [
        "",
        "chronology",
        "chronology/2021",
        "chronology/2024",
        "chronology/2024/03",
        "chronology/2024/11",
        "chronology/2024/11/newest-first",
        "actors",
        "actors/ukraine",
        "places",
        "places/kursk-oblast",
        "tags",
        "tags/markup-tag",
        "about",
        "contributing",
        "methodology",
        *(f"events/{event_id}" for event_id in EVENT_IDS),
    ]:
        assert (site / url / "index.html").is_file(), url
    assert (site / "404.html").is_file()
    assert (site / "assets" / "stylesheets" / "timeline.css").is_file()
    assert not (site / "overrides").exists()


def test_pages_carry_the_test_hooks(site):
    html = _read(site, "events/2024-08-06-incursion")
    assert '<article class="tl-event" data-event-id="2024-08-06-incursion"' in html
    assert '<a href="#event-title" class="md-skip">' in html
    assert 'rel="prev" href="../2024-08-06-border-clash/"' in html
    assert 'rel="next" href="../2024-10-28-fighting/"' in html
    month = _read(site, "chronology/2024/08")
    assert '<ol class="tl-event-list">' in month
    assert '<li class="tl-event-item" data-event-id="2024-08-06-border-clash">' in month


def test_nav_lists_sections_not_events(site):
    about = _read(site, "about")
    assert 'href="../events/' not in about
    for section in ("chronology/", "actors/", "places/", "tags/", "methodology/"):
        assert f'href="../{section}"' in about


def test_every_page_declares_its_language(site):
    for url in ["", "events/2024-08-06-incursion", "chronology/2024/11"]:
        assert '<html lang="en"' in _read(site, url)


def test_no_hostile_text_reaches_html_unescaped(site):
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "<script>alert(1)" not in html, page
        assert "<img src=x" not in html, page


def test_title_meta_and_header_are_escaped(site):
    html = _read(site, "events/2024-11-17-strikes-authorised")
    title = re.search(r"<title>([^<]*)</title>", html)
    assert title is not None
    assert title.group(1).startswith(
        "&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt; Strikes &#34;authorised&#34; "
        "&amp; &#39;approved&#39; - "
    )
    description = re.search(r'<meta name="description" content="([^"<>]*)">', html)
    assert description is not None
    assert description.group(1).startswith("Strikes inside Russia were allowed")
    topic = html.split('data-md-component="header-topic"', 1)[1].split("</span>", 1)[0]
    assert "&lt;/title&gt;&lt;script&gt;" in topic
    actor = _read(site, "actors/quoting-actor")
    assert "&lt;title&gt;" not in actor
    assert re.search(r"<title>&#34;&gt;&lt;img src=x onerror=alert\(1\)&gt; Quoting Actor", actor)
    feed = '<link rel="alternate" type="application/atom+xml" href="../../feeds/actors/'
    assert (
        f'{feed}quoting-actor.xml" title="Events involving &#34;&gt;&lt;img src=x '
        'onerror=alert(1)&gt; Quoting Actor (Atom)">'
    ) in actor


def test_json_ld_is_escaped_and_complete(site):
    html = _read(site, "events/2024-10-28-fighting")
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    assert len(scripts) == 1
    data = json.loads(scripts[0])
    assert data["@type"] == "Event"
    assert (data["startDate"], data["endDate"]) == ("2024-10-28", "2024-11-03")
    assert data["url"] == "https://example.org/events/2024-10-28-fighting/"
    assert data["location"]["name"] == "Kursk Oblast"
    hostile = _read(site, "events/2024-11-17-strikes-authorised")
    (raw,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', hostile, re.DOTALL)
    assert "<" not in raw
    assert json.loads(raw)["name"] == HOSTILE_TITLE


def test_edit_links_open_the_event_yaml(site):
    html = _read(site, "events/2024-08-06-incursion")
    expected = (
        "https://github.com/example/timeline/edit/main/"
        "tests/fixtures/site/2024/2024-08-06-incursion.yaml"
    )
    assert f'<a href="{expected}" title="Edit this page"' in html
    assert f'<a class="tl-edit" href="{expected}">' in html


def test_search_index_has_events_with_dates_and_no_bulk(site):
    docs = _search_index(site)
    locations = [doc["location"] for doc in docs]
    for event_id in EVENT_IDS:
        assert locations.count(f"events/{event_id}/") == 1, event_id
    assert not [loc for loc in locations if loc.startswith("events/") and "#" in loc]
    assert not [loc for loc in locations if loc.startswith("chronology")]
    assert "actors/" not in locations  # the list pages are excluded, the entries are not
    assert "actors/ukraine/" in locations
    by_location = {doc["location"]: doc for doc in docs}
    taurus = by_location["events/2024-11-19-taurus-refused/"]
    assert taurus["title"] == "Taurus refused again, 19 November 2024"  # results show the date
    assert taurus["text"].startswith("<p>Confirmed</p>")
    assert "Olaf Scholz" in taurus["text"]
    assert "Rio de Janeiro" in taurus["text"]
    assert "Long-range strikes" in taurus["text"]
    assert "Daran wird" not in taurus["text"]  # quotes are not indexed
    assert "Example Broadcaster" not in taurus["text"]  # nor are sources
    hostile = by_location["events/2024-11-17-strikes-authorised/"]
    assert hostile["title"].startswith("&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;")
    for doc in docs:
        assert "<script" not in doc["title"] + doc["text"]
        assert "<img" not in doc["title"] + doc["text"]


def test_pages_are_whole_after_search_indexed_their_head(site):
    """Search sees only the head of event and entity pages; the pages keep everything."""
    taurus = _read(site, "events/2024-11-19-taurus-refused")
    assert "Example Broadcaster" in taurus  # a source, not indexed
    assert "Daran wird" in taurus  # a quote, not indexed
    assert 'id="sources"' in taurus
    actor = _read(site, "actors/olaf-scholz")
    assert 'data-event-id="2024-11-19-taurus-refused"' in actor
    for html in (taurus, actor):
        assert "<!-- search: end -->" not in html


def test_home_page_has_its_generated_part(site):
    html = _read(site, "")
    assert html.index("This site follows") < html.index('id="latest-events"')
    assert 'data-event-id="2024-11-19-taurus-refused"' in html
    assert "<!-- timeline:home -->" not in html


@pytest.fixture(scope="module")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    events = REPO / "events"
    if not any(events.glob("[0-9][0-9][0-9][0-9]/*.yaml")):
        pytest.skip("events/ has no events yet")
    work = tmp_path_factory.mktemp("real-site")
    _build(REPO / "mkdocs.yml", work / "site", work / "cache")
    return work / "site"


def test_real_events_build_strict(real_site):
    event_ids = [path.stem for path in (REPO / "events").glob("[0-9][0-9][0-9][0-9]/*.yaml")]
    for event_id in event_ids:
        html = _read(real_site, f"events/{event_id}")
        assert f'data-event-id="{event_id}"' in html
        assert '<script type="application/ld+json">' in html
    docs = _search_index(real_site)
    indexed = [doc for doc in docs if doc["location"].startswith("events/")]
    assert len(indexed) == len(event_ids)
    size = (real_site / "search" / "search_index.json").stat().st_size
    # A summary is at most 3,000 characters; with title, date and names an entry stays small.
    assert size < 4000 * (len(event_ids) + 50), size
    print(f"search index: {size:,} bytes for {len(event_ids)} events")


def test_year_pages_of_busy_entries_build_strictly(tmp_path):
    """With a low `index_page_limit`, entries get a page per year; every link resolves."""
    config_file = _config_for(STORE, tmp_path)
    config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
    for entry in config["plugins"]:
        if isinstance(entry, dict) and "timeline" in entry:
            entry["timeline"]["index_page_limit"] = 1
    config_file.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    _build(config_file, tmp_path / "site", tmp_path / "cache")
    years = _read(tmp_path / "site", "actors/russia/2021")
    assert "Russia in 2021" in years
    assert 'href="../2024/"' in years  # the next year
    main = _read(tmp_path / "site", "actors/russia")
    assert 'href="2021/"' in main
    assert "Latest events" in main
    urls = {entry["location"].split("#")[0] for entry in _search_index(tmp_path / "site")}
    assert "actors/russia/" in urls
    assert "actors/russia/2021/" not in urls  # the entry's own page is what search finds
