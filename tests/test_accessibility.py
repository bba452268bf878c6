"""Accessibility of the built site: axe-core in Chromium, keyboard access, heading order, lang.

axe-core comes from the axe-playwright-python package (its bundled axe.min.js); it runs the
WCAG 2.x A/AA rules and the best-practice rules on a page of each kind, in the light and the
dark palette.
"""

from __future__ import annotations

import itertools

import pytest

pytestmark = pytest.mark.browser

AXE_OPTIONS = {
    "resultTypes": ["violations"],
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
}
PALETTES = {"light": "default", "dark": "slate"}

_HEADINGS = """
() => [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')]
  .filter(h => h.checkVisibility() && h.textContent.trim() !== '')
  .map(h => [Number(h.tagName[1]), h.textContent.trim().slice(0, 60)])
"""


def _page_paths(event) -> dict[str, str]:
    """One page of each kind the issue names: home, a month, an event, index pages."""
    start = event.date["start"]
    return {
        "home": "",
        "month": f"chronology/{start[:4]}/{start[5:7]}/",
        "event": f"events/{event.id}/",
        "actors": "actors/",
        "actor": f"actors/{event.data['actors'][0]}/",
        "tags": "tags/",
    }


KINDS = ["home", "month", "event", "actors", "actor", "tags"]
#: The rules whose outcome depends on the palette's colours, run again in the dark palette.
COLOUR_RULES = ["color-contrast", "link-in-text-block"]


def _open(page, site, event, kind: str) -> None:
    page.emulate_media(reduced_motion="reduce")
    page.goto(site.url(_page_paths(event)[kind]), wait_until="load")


def _use_palette(page, palette: str) -> None:
    page.evaluate(
        "scheme => document.body.setAttribute('data-md-color-scheme', scheme)", PALETTES[palette]
    )
    page.wait_for_timeout(50)  # let the new colours apply before axe measures them


def _describe(violations: list[dict], palette: str) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}, {palette}): {v['help']} at "
        + ", ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in violations
    ]


@pytest.mark.parametrize("kind", KINDS)
def test_axe_finds_no_violations(nav_site, nav_event, browser_page, kind: str) -> None:
    """All rules in the light palette; the colour rules again in the dark one."""
    from axe_playwright_python.sync_playwright import Axe

    page, _guard = browser_page
    _open(page, nav_site, nav_event, kind)
    _use_palette(page, "light")
    light = Axe().run(page, options=AXE_OPTIONS).response["violations"]
    _use_palette(page, "dark")
    dark = page.evaluate(
        "rules => axe.run({runOnly: rules, resultTypes: ['violations']}).then(r => r.violations)",
        COLOUR_RULES,
    )
    problems = _describe(light, "light") + _describe(dark, "dark")
    assert problems == [], f"{kind}:\n" + "\n".join(problems)


@pytest.mark.parametrize("kind", KINDS)
def test_headings_in_order(nav_site, nav_event, browser_page, kind: str) -> None:
    """One h1, and no level skipped on the way down (h2 → h4 loses readers of the outline)."""
    page, _guard = browser_page
    _open(page, nav_site, nav_event, kind)
    headings = page.evaluate(_HEADINGS)
    levels = [level for level, _text in headings]
    assert levels, "no headings"
    assert levels[0] == 1, headings
    assert levels.count(1) == 1, headings
    skipped = [pair for pair in itertools.pairwise(headings) if pair[1][0] > pair[0][0] + 1]
    assert skipped == [], skipped


@pytest.mark.parametrize("kind", KINDS)
def test_page_declares_its_language(nav_site, nav_event, browser_page, kind: str) -> None:
    page, _guard = browser_page
    _open(page, nav_site, nav_event, kind)
    lang = page.locator("html").get_attribute("lang") or ""
    primary = lang.split("-")[0]
    assert primary.isalpha(), lang
    assert 2 <= len(primary) <= 3, lang


@pytest.mark.parametrize("kind", ["home", "event"])
def test_skip_link_moves_focus_to_the_content(nav_site, nav_event, browser_page, kind: str):
    """The first Tab stop is "Skip to content"; after it, Tab lands in the main content."""
    page, _guard = browser_page
    _open(page, nav_site, nav_event, kind)
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.className")
    assert "md-skip" in focused, f"first Tab stop is {focused!r}"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    inside = page.evaluate(
        "() => !!document.activeElement.closest('.md-content') "
        "&& document.activeElement.tagName === 'A'"
    )
    assert inside, page.evaluate("() => document.activeElement.outerHTML.slice(0, 200)")


@pytest.mark.parametrize("kind", ["home", "month", "event"])
def test_tab_reaches_content_links(nav_site, nav_event, browser_page, kind: str) -> None:
    """Every link a reader needs is a Tab stop: a content link is reached within 60 presses."""
    page, _guard = browser_page
    _open(page, nav_site, nav_event, kind)
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate(
            "() => document.activeElement.tagName === 'A' "
            "&& !!document.activeElement.closest('.md-content') "
            "&& !document.activeElement.classList.contains('md-skip')"
        ):
            visible = page.evaluate(
                "() => { const r = document.activeElement.getBoundingClientRect();"
                " return r.width > 0 && r.height > 0; }"
            )
            assert visible, "focused link has no size: focus is invisible"
            return
    pytest.fail(f"no link in the main content reached by Tab on the {kind} page")
