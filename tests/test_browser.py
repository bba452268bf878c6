"""A reader's paths through the built site, in a real browser.

The site is built from the real `events/` (or a fixture store while that is empty), served on
127.0.0.1 and opened in Debian's Chromium. Each test follows links the way a reader would:
home → chronology → year → month → event, search → event, event → actor, prev/next.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import pytest
from browser_support import first_link, guarded_context, pwned, screenshot

pytestmark = pytest.mark.browser

#: Marks the element `_follow` picks, so Playwright can click it like a reader would.
_PICK_LINK = """
([pattern, scope]) => {
  const re = new RegExp(pattern);
  for (const a of document.querySelectorAll(`${scope} a[href]`)) {
    if (re.test(new URL(a.href).pathname) && a.checkVisibility()) {
      a.setAttribute('data-pw-pick', '');
      return a.href;
    }
  }
  return null;
}
"""


def _follow(page, pattern: str, scope: str = "") -> str:
    """Click the first visible link (inside `scope`) whose URL path matches `pattern`."""
    page.evaluate("() => document.querySelectorAll('[data-pw-pick]')"
                  ".forEach(a => a.removeAttribute('data-pw-pick'))")  # fmt: skip
    href = page.evaluate(_PICK_LINK, [pattern, scope])
    assert href, f"no visible link matching {pattern!r} on {page.url}"
    with page.expect_navigation():
        page.locator("[data-pw-pick]").first.click()
    return href


def _event_ids(page) -> list[str]:
    return page.eval_on_selector_all(
        "ol.tl-event-list li.tl-event-item", "items => items.map(i => i.dataset.eventId)"
    )


def _path(page) -> str:
    return re.sub(r"^https?://[^/]+", "", page.url).split("#")[0]


def test_home_page(nav_site, browser_page) -> None:
    page, guard = browser_page
    response = page.goto(nav_site.url())
    assert response is not None
    assert response.status == 200
    assert page.locator("html").get_attribute("lang")
    assert page.locator("h1").count() >= 1
    assert page.locator('.md-content a[href*="chronology/"]').count() >= 1
    screenshot(page, "home")
    assert guard.page_errors == []


def test_chronology_leads_to_an_event(nav_site, nav_event, nav_timeline, browser_page) -> None:
    """Home → chronology → year → month → event, checking what each step shows."""
    page, guard = browser_page
    year, month = nav_event.date["start"][:4], nav_event.date["start"][5:7]
    page.goto(nav_site.url())
    _follow(page, r"/chronology/$")
    _follow(page, rf"/chronology/{year}/$", ".md-content")
    assert _path(page).endswith(f"/chronology/{year}/")
    _follow(page, rf"/chronology/{year}/{month}/$", ".md-content")
    assert _path(page).endswith(f"/chronology/{year}/{month}/")

    oldest_first = _event_ids(page)
    assert nav_event.id in oldest_first
    order = {record.id: index for index, record in enumerate(nav_timeline.records)}
    assert oldest_first == sorted(oldest_first, key=order.__getitem__), "not in store order"
    assert page.locator(".md-content time, .md-content h2, .md-content h3").count() >= 1
    screenshot(page, "month")

    _follow(page, rf"/events/{re.escape(nav_event.id)}/$", f'li[data-event-id="{nav_event.id}"]')
    article = page.locator(f'article.tl-event[data-event-id="{nav_event.id}"]')
    assert article.count() == 1
    assert _squash(nav_event.title) in _squash(page.locator("h1").first.inner_text())
    assert _squash(nav_event.title) in _squash(page.title())
    assert nav_event.event.date.display() in article.inner_text()
    screenshot(page, "event")
    assert guard.page_errors == []


def test_month_newest_first(nav_site, nav_event, browser_page) -> None:
    page, _guard = browser_page
    year, month = nav_event.date["start"][:4], nav_event.date["start"][5:7]
    page.goto(nav_site.url(f"chronology/{year}/{month}/"))
    oldest_first = _event_ids(page)
    _follow(page, rf"/chronology/{year}/{month}/newest-first/$", ".md-content")
    newest_first = _event_ids(page)
    assert sorted(newest_first) == sorted(oldest_first)
    if len(oldest_first) > 1:
        assert newest_first[0] == oldest_first[-1]
        assert newest_first[-1] == oldest_first[0]


def test_search_finds_an_event_and_shows_its_date(nav_site, nav_event, browser_page) -> None:
    page, guard = browser_page
    page.goto(nav_site.url())
    search = page.locator("input.md-search__input")
    search.click()
    search.press_sequentially(nav_event.title)  # Material reacts to key events, not to fill()
    result = page.locator(".md-search-result__item", has=page.locator(f'a[href*="{nav_event.id}"]'))
    result.first.wait_for(timeout=15_000)
    text = result.first.inner_text()
    assert nav_event.event.date.display() in text, text
    with page.expect_navigation():
        result.first.locator(f'a[href*="{nav_event.id}"]').first.click()
    assert page.locator(f'article.tl-event[data-event-id="{nav_event.id}"]').count() == 1
    assert guard.page_errors == []


def test_actor_link_leads_to_a_page_listing_the_event(nav_site, nav_event, browser_page) -> None:
    page, _guard = browser_page
    page.goto(nav_site.url(f"events/{nav_event.id}/"))
    actor_id = nav_event.data["actors"][0]
    article = f'article.tl-event[data-event-id="{nav_event.id}"]'
    _follow(page, rf"/actors/{actor_id}/$", article)
    assert _path(page).endswith(f"/actors/{actor_id}/")
    assert nav_event.id in _event_ids(page)
    _follow(page, rf"/events/{re.escape(nav_event.id)}/$", f'li[data-event-id="{nav_event.id}"]')
    assert page.locator(article).count() == 1


def test_prev_and_next_follow_the_chronology(nav_site, nav_event, nav_timeline, browser_page):
    page, _guard = browser_page
    ids = [record.id for record in nav_timeline.records]
    index = ids.index(nav_event.id)
    page.goto(nav_site.url(f"events/{nav_event.id}/"))
    with page.expect_navigation():
        first_link(page, '.md-content a[rel~="next"]').click()
    assert page.locator(f'article.tl-event[data-event-id="{ids[index + 1]}"]').count() == 1
    with page.expect_navigation():
        first_link(page, '.md-content a[rel~="prev"]').click()
    assert page.locator(f'article.tl-event[data-event-id="{nav_event.id}"]').count() == 1
    with page.expect_navigation():
        first_link(page, '.md-content a[rel~="prev"]').click()
    assert page.locator(f'article.tl-event[data-event-id="{ids[index - 1]}"]').count() == 1


def test_index_pages_list_actors_places_and_tags(nav_site, nav_timeline, browser_page) -> None:
    page, _guard = browser_page
    for kind, registry in (
        ("actors", nav_timeline.actors),
        ("places", nav_timeline.places),
        ("tags", nav_timeline.tags),
    ):
        page.goto(nav_site.url(f"{kind}/"))
        used = _used(nav_timeline, kind)
        linked = set(
            page.eval_on_selector_all(
                ".md-content a[href]", "links => links.map(a => new URL(a.href).pathname)"
            )
        )
        missing = [entry for entry in sorted(used) if f"/{kind}/{entry}/" not in linked]
        assert missing == [], f"{kind}/ does not link to {missing}"
        assert set(used) <= set(registry)


def test_missing_page_gets_the_404_page(nav_site, browser_page) -> None:
    page, _guard = browser_page
    response = page.goto(nav_site.url("no/such/page/"))
    assert response is not None
    assert response.status == 404
    assert page.locator("h1").count() >= 1


def test_site_loads_nothing_from_other_hosts(nav_site, nav_event, browser_page) -> None:
    """Fonts, scripts and styles all come from the site itself: it works offline."""
    page, guard = browser_page
    year, month = nav_event.date["start"][:4], nav_event.date["start"][5:7]
    for path in ("", f"chronology/{year}/{month}/", f"events/{nav_event.id}/", "actors/"):
        page.goto(nav_site.url(path), wait_until="networkidle")
    assert guard.foreign_requests == []
    assert not pwned(page)


def test_browsing_without_javascript(nav_site, nav_event, browser) -> None:
    """Home → chronology → year → month → event with scripts disabled."""
    context, _guard = guarded_context(browser, java_script_enabled=False)
    page = context.new_page()
    try:
        year, month = nav_event.date["start"][:4], nav_event.date["start"][5:7]
        page.goto(nav_site.url())
        for pattern in (
            r"/chronology/$",
            rf"/chronology/{year}/$",
            rf"/chronology/{year}/{month}/$",
            rf"/events/{re.escape(nav_event.id)}/$",
        ):
            href = _static_link(page, pattern)
            with page.expect_navigation():
                page.locator(f'a[href="{href}"]').first.click()
        article = page.locator(f'article.tl-event[data-event-id="{nav_event.id}"]')
        assert article.count() == 1
        assert _squash(nav_event.title) in _squash(page.locator("h1").first.inner_text())
    finally:
        context.close()


def test_screenshots_dark_and_mobile(nav_site, nav_event, browser) -> None:
    """Extra artefacts: the event page in the dark palette and the home page on a phone."""
    context, guard = guarded_context(
        browser, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    try:
        page.goto(nav_site.url())
        assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1, "scrolls sideways"
        screenshot(page, "home-mobile")
        page.goto(nav_site.url(f"events/{nav_event.id}/"))
        page.evaluate("document.body.setAttribute('data-md-color-scheme', 'slate')")
        screenshot(page, "event-dark-mobile")
    finally:
        context.close()
    assert guard.page_errors == []


def _static_link(page, pattern: str) -> str:
    """The raw href of the first visible link whose resolved path matches (no JS in page)."""
    for anchor in page.locator("a[href]").all():
        href = anchor.get_attribute("href") or ""
        resolved = _resolve(page.url, href)
        if re.search(pattern, resolved) and anchor.is_visible():
            return href
    raise AssertionError(f"no visible link matching {pattern!r} on {page.url}")


def _resolve(base: str, href: str) -> str:
    return urlsplit(urljoin(base, href)).path


def _used(timeline, kind: str) -> set[str]:
    return {value for record in timeline.records for value in record.data.get(kind, [])}


def _squash(text: str) -> str:
    return " ".join(re.split(r"[\s\u2028\u2029]+", text)).strip()
