"""The explorer (docs/explore.md + generator/assets/explorer/) in Chromium.

The page comes from the navigation site (the real `events/`, built once per run); its data is
the real `data/explorer.json`, or, for counts, the explorer data of a synthetic corpus of 300
events served in its place. Expected counts come from an independent Python implementation of
the documented filter rules. Assets are taken from the build when the plugin ships them, else
straight from generator/assets/explorer/.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import sys
import threading
import unicodedata
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from browser_support import audit, guarded_context, pwned
from conftest import FIXED_TODAY, REPO

from generator.exports import ExportContext
from generator.exports.explorer import build_explorer_data
from generator.store import load_timeline

pytestmark = pytest.mark.browser

ASSETS = REPO / "generator" / "assets" / "explorer"
SUB_PATH = "/mirror/sub-path/"
CONTEXT = ExportContext(dt.datetime(2026, 11, 25, tzinfo=dt.UTC))
CORPUS_EVENTS = 300
AXE_OPTIONS = {
    "resultTypes": ["violations"],
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
}


# --- serving ---------------------------------------------------------------------------------


class _Handler(SimpleHTTPRequestHandler):
    """The built site; the explorer's assets from the repository when the build lacks them; the
    same site again under SUB_PATH, as when it is published below a domain's root."""

    def log_message(self, format: str, *args) -> None:
        return

    def translate_path(self, path: str) -> str:
        if path.startswith(SUB_PATH):
            path = "/" + path[len(SUB_PATH) :]
        local = Path(super().translate_path(path))
        if not local.exists() and "/assets/explorer/" in path:
            return str(ASSETS / path.split("?")[0].rsplit("/", 1)[1])
        return str(local)


@pytest.fixture(scope="session")
def explorer_url(nav_site):
    """`url(path)` → an address on a server of the navigation site with the explorer's assets."""
    assert (nav_site.root / "explore" / "index.html").is_file(), "no explore page in the build"
    handler = functools.partial(_Handler, directory=str(nav_site.root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    yield lambda path="": base + path.lstrip("/")
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def real_data(nav_site):
    return json.loads((nav_site.root / "data" / "explorer.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def corpus_data(tmp_path_factory):
    """The explorer data of a synthetic corpus (benchmarks/corpus.py) of 300 events."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    import corpus

    folder = tmp_path_factory.mktemp("explorer-corpus")
    corpus.generate(folder, CORPUS_EVENTS, seed=1)
    report = load_timeline(folder / "events", cache_dir=None, today=FIXED_TODAY)
    assert report.ok
    return build_explorer_data(report.timeline, CONTEXT)


def _open(page, url, query: str = "", data: dict | None = None, path: str = "explore/"):
    """Open the explorer (with `data` served as data/explorer.json) and wait for it."""
    if data is not None:
        body = json.dumps(data, ensure_ascii=False).encode()
        page.route(
            "**/data/explorer.json",
            lambda route: route.fulfill(body=body, content_type="application/json"),
        )
    page.goto(url(path + query))
    page.wait_for_selector("#tl-explorer[data-explorer=ready]")


def _count(page) -> str:
    return page.locator(".tl-x__count").inner_text()


def _wait_count(page, text: str) -> None:
    page.wait_for_function(
        "text => document.querySelector('.tl-x__count').textContent === text", arg=text
    )


def _expected_text(shown: int, total: int) -> str:
    unit = "event" if total == 1 else "events"
    return f"All {total:,} {unit}" if shown == total else f"{shown:,} of {total:,} {unit}"


def _query(page) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(page.url).query).items()}


def _clean(guard) -> None:
    assert guard.page_errors == []
    assert guard.foreign_requests == []
    assert guard.dialogs == []


# --- the documented filter rules, in Python ----------------------------------------------------


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not 0x300 <= ord(ch) <= 0x36F).lower()


def _day(iso: str) -> int:
    return (dt.date.fromisoformat(iso) - dt.date(1970, 1, 1)).days


def _expected(data, *, tags=(), actors=(), places=(), statuses=None, first=None, last=None,
              text="") -> list[str]:  # fmt: skip
    """Ids of the events the explorer must show, in the timeline's order."""
    fields = data["fields"]
    wanted = {"tags": set(tags), "actors": set(actors), "places": set(places)}
    terms = _fold(text).split()
    found = []
    for values in data["events"]:
        row = dict(zip(fields, values, strict=True))
        ok = all(
            not wanted[kind] or wanted[kind] & {data[kind][i][0] for i in row[kind]}
            for kind in wanted
        )
        ok = ok and (statuses is None or data["statuses"][row["status"]] in statuses)
        end = 2**31 - 1 if row["span"] < 0 else row["start"] + row["span"]
        ok = ok and (first is None or end >= first) and (last is None or row["start"] <= last)
        if ok and terms:
            labels = [data[kind][i][1] for kind in ("tags", "actors", "places") for i in row[kind]]
            hay = _fold(" ".join([row["title"], row["text"], row["date"], row["id"], *labels]))
            ok = all(term in hay for term in terms)
        if ok:
            found.append(row["id"])
    return found


def _commonest(data, kind: str, among: list[str] | None = None) -> str:
    fields = data["fields"]
    counts: dict[str, int] = {}
    for values in data["events"]:
        row = dict(zip(fields, values, strict=True))
        if among is not None and row["id"] not in among:
            continue
        for index in row[kind]:
            key = data[kind][index][0]
            counts[key] = counts.get(key, 0) + 1
    return max(sorted(counts), key=lambda key: counts[key])


def _rendered_ids(page) -> list[str]:
    return page.eval_on_selector_all(
        ".tl-x__row a",
        "links => links.sort((a, b) => a.dataset.position - b.dataset.position)"
        ".map(a => new URL(a.href).pathname.split('/').filter(Boolean).pop())",
    )


# --- tests -----------------------------------------------------------------------------------


def test_filters_combine_live_in_the_url_and_survive_a_reload(
    explorer_url, corpus_data, browser_page
):
    page, guard = browser_page
    _open(page, explorer_url, data=corpus_data)
    assert _count(page) == f"All {CORPUS_EVENTS} events"

    tag = _commonest(corpus_data, "tags")
    actor = _commonest(corpus_data, "actors", _expected(corpus_data, tags=[tag]))
    statuses = ["reported", "claimed", "disputed", "denied"]
    page.select_option("#tl-x-tag", tag)
    page.select_option("#tl-x-actor", actor)
    page.uncheck("#tl-x-status-confirmed")
    narrowed = _expected(corpus_data, tags=[tag], actors=[actor], statuses=statuses)
    assert len(narrowed) >= 2, "the corpus should leave a few events to filter further"
    _wait_count(page, _expected_text(len(narrowed), CORPUS_EVENTS))

    by_id = {row[0]: row for row in corpus_data["events"]}
    first, last = by_id[narrowed[0]][1], by_id[narrowed[-1]][1]
    page.fill("#tl-x-from", dt.date.fromordinal(719163 + first).isoformat())
    page.fill("#tl-x-to", dt.date.fromordinal(719163 + last).isoformat())
    word = max(re.findall(r"[A-Za-z]{4,}", by_id[narrowed[-1]][4]), key=len).lower()
    page.fill("#tl-x-text", word)
    expected = _expected(
        corpus_data,
        tags=[tag],
        actors=[actor],
        statuses=statuses,
        first=first,
        last=last,
        text=word,
    )
    assert expected
    _wait_count(page, _expected_text(len(expected), CORPUS_EVENTS))
    page.wait_for_function("() => location.search.includes('text=')")
    assert _rendered_ids(page) == expected[: len(_rendered_ids(page))]
    query = _query(page)
    assert query == {
        "text": word,
        "tag": tag,
        "actor": actor,
        "status": ",".join(statuses),
        "from": page.input_value("#tl-x-from"),
        "to": page.input_value("#tl-x-to"),
    }

    page.reload()
    page.wait_for_selector("#tl-explorer[data-explorer=ready]")
    assert _count(page) == _expected_text(len(expected), CORPUS_EVENTS)
    assert _query(page) == query
    assert page.input_value("#tl-x-text") == word
    assert not page.is_checked("#tl-x-status-confirmed")
    assert page.is_checked("#tl-x-status-reported")
    assert page.input_value("#tl-x-from") == query["from"]
    chips = page.locator(".tl-x__chip").all_inner_texts()
    labels = {row[0]: row[1] for kind in ("tags", "actors") for row in corpus_data[kind]}
    assert chips == [f"Remove tag:\n{labels[tag]} ×", f"Remove actor:\n{labels[actor]} ×"]

    page.click(".tl-x__filters .tl-x__actions button")  # clear all filters
    _wait_count(page, f"All {CORPUS_EVENTS} events")
    assert urlsplit(page.url).query == ""
    _clean(guard)


def test_back_button_restores_the_previous_view(explorer_url, corpus_data, browser_page):
    page, guard = browser_page
    _open(page, explorer_url, data=corpus_data)
    tag = _commonest(corpus_data, "tags")
    place = _commonest(corpus_data, "places", _expected(corpus_data, tags=[tag]))
    page.select_option("#tl-x-tag", tag)
    page.select_option("#tl-x-place", place)
    _wait_count(page, _expected_text(len(_expected(corpus_data, tags=[tag], places=[place])), 300))
    page.go_back()
    _wait_count(page, _expected_text(len(_expected(corpus_data, tags=[tag])), CORPUS_EVENTS))
    assert _query(page) == {"tag": tag}
    assert page.locator(".tl-x__chip").count() == 1
    _clean(guard)


def _strip_bins(data) -> tuple[int, int, int]:
    """(first day, last day, number of month bins) of the whole span, as the script draws it."""
    starts = [row[1] for row in data["events"]]
    lasts = [row[1] + max(row[2], 0) for row in data["events"]]
    first, last = min(starts), max(lasts)

    def month(day: int) -> int:
        date = dt.date.fromordinal(719163 + day)
        return date.year * 12 + date.month - 1

    return first, last, month(last) - month(first) + 1


def _month_range(first_day: int, bin_from: int, bin_to: int) -> tuple[str, str]:
    start = dt.date.fromordinal(719163 + first_day).replace(day=1)
    key = start.year * 12 + start.month - 1
    low, high = key + bin_from, key + bin_to + 1
    begin = dt.date(low // 12, low % 12 + 1, 1)
    end = dt.date(high // 12, high % 12 + 1, 1) - dt.timedelta(days=1)
    return begin.isoformat(), end.isoformat()


def test_strip_zooms_by_click_and_by_drag(explorer_url, corpus_data, browser_page):
    page, guard = browser_page
    _open(page, explorer_url, data=corpus_data)
    first, _last, bins = _strip_bins(corpus_data)
    assert bins > 92, "the corpus spans years: the strip counts months"
    page.locator(".tl-x__strip").scroll_into_view_if_needed()
    box = page.locator(".tl-x__strip").bounding_box()
    y = box["y"] + box["height"] / 2

    def x_of(bin_index: int) -> float:
        return box["x"] + (bin_index + 0.5) * box["width"] / bins

    # A click zooms to the month under the pointer.
    target = bins // 2
    page.mouse.click(x_of(target), y)
    begin, end = _month_range(first, target, target)
    page.wait_for_function("() => location.search.includes('from=')")
    assert _query(page) == {"from": begin, "to": end}
    expected = _expected(corpus_data, first=_day(begin), last=_day(end))
    _wait_count(page, _expected_text(len(expected), CORPUS_EVENTS))
    assert "per day" in page.locator(".tl-x__unit").inner_text()  # a month is drawn by day

    page.click("text=Show the whole span")
    _wait_count(page, f"All {CORPUS_EVENTS} events")
    page.locator(".tl-x__strip").scroll_into_view_if_needed()
    box = page.locator(".tl-x__strip").bounding_box()  # the click may have scrolled the page
    y = box["y"] + box["height"] / 2

    # A drag zooms to the months it covers.
    low, high = bins // 5, bins // 3
    page.mouse.move(x_of(low), y)
    page.mouse.down()
    page.mouse.move(x_of((low + high) // 2), y, steps=3)
    page.mouse.move(x_of(high), y, steps=3)
    page.mouse.up()
    begin, end = _month_range(first, low, high)
    page.wait_for_function("() => location.search.includes('from=')")
    assert (page.input_value("#tl-x-from"), page.input_value("#tl-x-to")) == (begin, end)
    expected = _expected(corpus_data, first=_day(begin), last=_day(end))
    _wait_count(page, _expected_text(len(expected), CORPUS_EVENTS))
    assert _rendered_ids(page)[:5] == expected[:5]

    page.reload()  # the zoom is part of the address
    page.wait_for_selector("#tl-explorer[data-explorer=ready]")
    assert _count(page) == _expected_text(len(expected), CORPUS_EVENTS)
    assert (
        page.locator(".tl-x__axis").inner_text().startswith(f"{dt.date.fromisoformat(begin).day} ")
    )
    _clean(guard)


def test_list_is_virtualised_and_scrolls_to_the_end(explorer_url, corpus_data, browser_page):
    page, guard = browser_page
    _open(page, explorer_url, data=corpus_data)
    rows = page.locator(".tl-x__row")
    assert 5 < rows.count() < 60
    assert rows.first.get_attribute("aria-setsize") == str(CORPUS_EVENTS)
    page.eval_on_selector(".tl-x__viewport", "v => { v.scrollTop = v.scrollHeight; }")
    page.wait_for_selector(f'.tl-x__row[aria-posinset="{CORPUS_EVENTS}"]')
    assert rows.count() < 60
    last = page.locator(f'.tl-x__row[aria-posinset="{CORPUS_EVENTS}"] a')
    assert last.get_attribute("href").endswith(f"/events/{corpus_data['events'][-1][0]}/")
    _clean(guard)


def test_open_an_event_from_the_list(explorer_url, nav_timeline, browser_page):
    page, guard = browser_page
    record = max(nav_timeline.records, key=lambda r: len(r.title))
    words = " ".join(re.findall(r"[A-Za-z]{5,}", record.title)[:3])
    _open(page, explorer_url, query=f"?text={words}")
    link = page.locator(".tl-x__row a", has_text=record.title).first
    with page.expect_navigation():
        link.click()
    assert urlsplit(page.url).path == f"/events/{record.id}/"
    assert page.locator(f'article[data-event-id="{record.id}"]').count() == 1
    _clean(guard)


def test_keyboard_only(explorer_url, nav_timeline, real_data, browser_page):
    """Filters, chips and the list work from the keyboard; focus never gets lost."""
    page, guard = browser_page
    _open(page, explorer_url)
    total = len(nav_timeline.records)
    page.focus("#tl-x-text")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "tl-x-tag"
    page.keyboard.press("ArrowDown")  # the first tag in the list
    page.wait_for_selector(".tl-x__chip")
    assert "tag" in _query(page)
    page.keyboard.press("Tab")
    assert "tl-x__chip" in page.evaluate("document.activeElement.className")
    page.keyboard.press("Enter")  # removes the tag; focus goes back to its list
    _wait_count(page, f"All {total} events")
    assert page.evaluate("document.activeElement.id") == "tl-x-tag"

    page.focus(".tl-x__viewport")
    page.keyboard.press("Tab")
    focused = "document.activeElement.dataset.position"
    assert page.evaluate(focused) == "0"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.evaluate(focused) == "2"
    page.keyboard.press("End")
    assert page.evaluate(focused) == str(total - 1)
    assert page.locator(".tl-x__row").count() < total  # the rest are not in the DOM
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "focus must be visible"
    page.keyboard.press("Home")
    assert page.evaluate(focused) == "0"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlsplit(page.url).path == f"/events/{real_data['events'][0][0]}/"
    _clean(guard)


def test_axe_finds_no_violations_light_and_dark(explorer_url, real_data, browser_page):
    from axe_playwright_python.sync_playwright import Axe

    page, guard = browser_page
    tag = _commonest(real_data, "tags")
    problems = []
    for query in ("", f"?tag={tag}&status=reported&text=a", "?text=zzzzzz-no-match"):
        _open(page, explorer_url, query=query)
        for scheme in ("default", "slate"):
            page.evaluate("s => document.body.setAttribute('data-md-color-scheme', s)", scheme)
            page.wait_for_timeout(50)
            result = Axe().run(page, options=AXE_OPTIONS).response
            problems += [
                f"{query or '(no filter)'} {scheme}: {v['id']} {v['help']} at "
                + ", ".join(" ".join(node["target"]) for node in v["nodes"][:3])
                for v in result["violations"]
            ]
    assert problems == []
    _clean(guard)


def test_live_region_and_labels(explorer_url, real_data, browser_page):
    page, guard = browser_page
    _open(page, explorer_url)
    assert not page.locator(".tl-explorer-nojs").is_visible()  # the no-script note is gone
    count = page.locator(".tl-x__count")
    assert count.get_attribute("role") == "status"
    assert count.get_attribute("aria-live") == "polite"
    for control in ("#tl-x-text", "#tl-x-tag", "#tl-x-actor", "#tl-x-place", "#tl-x-from"):
        assert page.locator(f'label[for="{control[1:]}"]').count() == 1, control
    assert page.locator("ol.tl-x__list > li.tl-x__row a[href]").count() > 0
    title = page.locator(".tl-x__strip title").text_content()
    assert title.startswith("Events per ")
    _clean(guard)


def test_works_below_a_sub_path(explorer_url, real_data, browser_page):
    """Links and data are found from the page's own address, wherever the site is mounted."""
    page, guard = browser_page
    _open(page, explorer_url, path=SUB_PATH.lstrip("/") + "explore/")
    href = page.locator(".tl-x__row a").first.get_attribute("href")
    assert urlsplit(href).path == f"{SUB_PATH}events/{real_data['events'][0][0]}/"
    _clean(guard)


def test_without_javascript_the_page_offers_the_static_pages(explorer_url, browser):
    context, _guard = guarded_context(browser, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(explorer_url("explore/"))
        assert page.locator(".tl-explorer-nojs").is_visible()
        assert not page.locator("#tl-explorer").is_visible()
        content = page.locator(".md-content")
        for section in ("chronology/", "actors/", "places/", "tags/"):
            assert content.locator(f'a[href="../{section}"]').count() == 1, section
    finally:
        context.close()


def test_hostile_titles_are_shown_as_text_and_run_nothing(
    explorer_url, hostile_timeline, browser_page
):
    page, guard = browser_page
    data = build_explorer_data(hostile_timeline, CONTEXT)
    _open(page, explorer_url, data=data)
    page.wait_for_timeout(100)  # let any injected handler fire
    titles = page.locator(".tl-x__title").all_text_contents()
    assert titles == [record.title for record in hostile_timeline.records]
    for query in ("script", "onerror", "zebra"):
        page.fill("#tl-x-text", query)
        page.wait_for_function("q => location.search.includes(q)", arg=query)
        page.wait_for_timeout(50)
    assert not pwned(page)
    assert audit(page) == []
    _clean(guard)
