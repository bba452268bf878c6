"""Hostile event text must not run, load or leak anything, anywhere on the site.

Two layers. The unit tests feed the spellings the validator rejects (raw HTML, `javascript:`
links, snippet directives …) straight to `generator.markup`, because the site must stay safe
even when such text gets past validation. The browser tests build `tests/fixtures/hostile/`
(events that pass validation yet carry payloads in every field), visit every page and run a
search in Chromium: no dialog opens, `window.__pwned` stays false, nothing is requested from a
host other than 127.0.0.1, and no local file shows up in the output.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest
from browser_support import audit, iter_text_files, pwned

# --- generator.markup, fed what validation would have rejected ------------------------------

HOSTILE_MARKDOWN = [
    "<script>window.__pwned=true</script>",
    "<SCRIPT SRC=https://example.org/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<iframe src=javascript:alert(1)></iframe>",
    "<a href='javascript:alert(1)'>x</a>",
    '<a href="https://example.org" onclick="alert(1)">x</a>',
    '<div markdown="1">*x* <b onmouseover=alert(1)>y</b></div>',
    "<!-- x --><script>alert(1)</script>",
    "<style>body{background:url(https://example.org/x.png)}</style>",
    "<link rel=stylesheet href=https://example.org/x.css>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<meta http-equiv=refresh content="0;url=javascript:alert(1)">',
    "[x](javascript:alert(1))",
    "[x](JavaScript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x](java&#x09;script:alert(1))",
    "[x](java\tscript:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6A;avascript:alert(1))",
    "[x](javascript&#58;alert(1))",
    "[x](javascript&colon;alert(1))",
    "[x](  javascript:alert(1)  )",
    "[x](<javascript:alert(1)>)",
    "[x](java\nscript:alert(1))",
    "[x](\njavascript:alert(1))",
    "[x](%6Aavascript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](DATA:text/html,<script>alert(1)</script>)",
    "[x](vbscript:msgbox(1))",
    "[x](file:///etc/passwd)",
    "[x](//example.org/protocol-relative)",
    "<javascript:alert(1)>",
    "<JavaScript:alert(1)>",
    "<data:text/html,alert(1)>",
    "[x][r]\n\n[r]: javascript:alert(1)",
    "[x][r]\n\n[r]: <javascript:alert(1)>",
    '[x][r]\n\n   [r]: JaVaScRiPt:alert(1) "title"',
    "[x]\n\n[x]: javascript:alert(1)",
    "- [x][r]\n\n    [r]: javascript:alert(1)",
    "[a [nested] link](javascript:alert(1))",
    "[text that spans\ntwo lines](javascript:alert(1))",
    "![x](javascript:alert(1))",
    "![x](https://example.org/pixel.png)",
    "![x][img]\n\n[img]: https://example.org/pixel.png",
    '[x](https://example.org/"onmouseover="alert(1))',
    "[x](https://example.org/'onmouseover='alert(1))",
    '[x](https://example.org "t\\" onmouseover=\\"alert(1)")',
    '<https://example.org/"onmouseover=alert(1)>',
    'text {: onclick="alert(1)" }',
    '# Heading {: onclick="alert(1)" }',
    'para\n{: onclick="alert(1)" }',
    'para\n{ title="x" onclick="alert(1)" }',
    "*x*{: .class onclick=alert(1) }",
    '[x](https://example.org){: onclick="alert(1)" }',
    '--8<-- ".git/config"',
    '--8<-- "/etc/passwd"',
    ';--8<-- "/etc/passwd"',
    "--8<--\n/etc/passwd\n.git/config\n--8<--",
    '-8<- "/etc/passwd"',
    '--8<-- "https://example.org/remote.md"',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "```\n</script><script>alert(1)</script>\n```",
    "`</code><script>alert(1)</script>`",
    "\u2028<script>alert(1)</script>\u2029",
    '{% include "/etc/passwd" %} {{ 7*191 }}',
    "$$\\href{javascript:alert(1)}{x}$$",
    ":material-alert: :fontawesome-brands-github:",
    '!!! note "<script>alert(1)</script>"\n    body',
    "??? x\n    <script>alert(1)</script>",
]

#: Tags that event Markdown may never produce, whatever the allowlist grows into.
FORBIDDEN_TAGS = {
    "script", "img", "svg", "iframe", "style", "link", "form", "button", "input", "math",
    "object", "embed", "meta", "base", "frame", "frameset", "textarea", "video", "audio",
    "source", "picture", "details", "template", "noscript", "select", "option", "title",
}  # fmt: skip
LEAKS = ("root:x:", "[core]", "repositoryformatversion", "1337")


class _Collector(HTMLParser):
    """Tags and attributes of an HTML fragment, as a browser's tokenizer would see them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def _markup_problems(fragment: str) -> list[str]:
    """Why `fragment` (HTML produced from event text) is unsafe; empty when it is safe."""
    collector = _Collector()
    collector.feed(fragment)
    collector.close()
    problems: list[str] = []
    for tag, attrs in collector.tags:
        if tag in FORBIDDEN_TAGS:
            problems.append(f"<{tag}> element")
        for name, value in attrs.items():
            if name.startswith("on") or name in {"style", "srcdoc", "formaction", "autofocus"}:
                problems.append(f"<{tag} {name}=…>")
            if name in {"href", "src", "action", "xlink:href", "cite", "poster"}:
                target = re.sub(r"[\x00-\x20]", "", value or "").lower()
                if not target.startswith(("http://", "https://")):
                    problems.append(f"<{tag} {name}={value!r}>")
        if tag == "a" and "href" in attrs:
            rel = set((attrs.get("rel") or "").split())
            if not {"nofollow", "noopener"} <= rel:
                problems.append(f"<a href={attrs['href']!r}> without rel=nofollow noopener")
    problems.extend(f"leaked {leak!r}" for leak in LEAKS if leak in fragment)
    return problems


@pytest.mark.parametrize("text", HOSTILE_MARKDOWN)
def test_render_markdown_neutralises(text: str) -> None:
    from generator.markup import render_markdown

    rendered = str(render_markdown(text))
    assert _markup_problems(rendered) == [], rendered


@pytest.mark.parametrize("text", HOSTILE_MARKDOWN)
def test_render_markdown_neutralises_inside_a_paragraph(text: str) -> None:
    """The same payloads surrounded by ordinary text and list items."""
    from generator.markup import render_markdown

    rendered = str(render_markdown(f"Before *this*.\n\n- an item\n- {text}\n\nAfter.\n\n{text}"))
    assert _markup_problems(rendered) == [], rendered


HOSTILE_PLAIN_TEXT = [
    '"><script>window.__pwned=true</script>',
    "'onmouseover='alert(1)' x='",
    "</title><script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;img src=x onerror=alert(1)&#62;",
    "<img src=x onerror=alert(1)>",
    '--8<-- "/etc/passwd"',
    "{{ 7*191 }} {% raw %}",
    "line\u2028separator\u2029paragraph",
    "`code` *emphasis* [link](javascript:alert(1))",
]


@pytest.mark.parametrize("text", HOSTILE_PLAIN_TEXT)
def test_escape_text_leaves_no_markup(text: str) -> None:
    """Escaped text is inert in element content and in both kinds of quoted attribute."""
    from generator.markup import escape_text

    escaped = str(escape_text(text))
    assert not set(escaped) & set("<>\"'"), escaped
    assert html.unescape(escaped) == text


# --- the hostile fixture site in Chromium ---------------------------------------------------


@pytest.mark.browser
def test_hostile_site_runs_nothing_and_loads_nothing_foreign(hostile_site, browser_page) -> None:
    page, guard = browser_page
    pages = hostile_site.pages()
    assert len(pages) > 10, pages
    problems: list[str] = []
    for path in pages:
        response = page.goto(hostile_site.url(path), wait_until="load")
        assert response is not None
        page.wait_for_timeout(50)  # let autofocus/onfocus and timers fire if they exist
        if pwned(page):
            problems.append(f"{path}: window.__pwned was set")
        problems.extend(f"{path}: {problem}" for problem in audit(page))
    assert problems == []
    assert guard.dialogs == []
    assert guard.foreign_requests == []
    assert guard.page_errors == []


@pytest.mark.browser
def test_hostile_site_renders_every_event(hostile_site, hostile_timeline, browser_page) -> None:
    """The hostile events are on the site (not silently dropped), their text shown verbatim."""
    page, guard = browser_page
    assert len(hostile_timeline.records) == 7
    for record in hostile_timeline.records:
        page.goto(hostile_site.url(f"events/{record.id}/"))
        article = page.locator(f'article.tl-event[data-event-id="{record.id}"]')
        assert article.count() == 1, record.id
        heading = page.locator("h1").first.inner_text()
        assert _squash(record.title) in _squash(heading)
        assert _squash(record.title) in _squash(page.title())
        assert not pwned(page)
    assert guard.dialogs == []


@pytest.mark.browser
def test_hostile_json_ld_round_trips(hostile_site, hostile_timeline, browser_page) -> None:
    """JSON-LD holding `</script>` and U+2028 parses back to the exact title."""
    page, _guard = browser_page
    for record in hostile_timeline.records:
        page.goto(hostile_site.url(f"events/{record.id}/"))
        blocks = page.eval_on_selector_all(
            'script[type="application/ld+json"]', "nodes => nodes.map(n => JSON.parse(n.text))"
        )
        names = [block.get("name") or block.get("headline") for block in blocks]
        assert record.title in names, (record.id, blocks)


@pytest.mark.browser
@pytest.mark.parametrize("query", ["zebra", "script", "onerror alert", "passwd", "pwned"])
def test_hostile_search_results_run_nothing(hostile_site, browser_page, query: str) -> None:
    page, guard = browser_page
    page.goto(hostile_site.url())
    search = page.locator("input.md-search__input")
    search.click()
    search.press_sequentially(query)  # Material reacts to key events, not to fill()
    page.wait_for_function(
        "() => !/Type to start/.test(document.querySelector('.md-search-result__meta').textContent)"
    )
    if query == "zebra":  # every hostile event carries the word: results must appear
        page.locator(".md-search-result__item").first.wait_for()
    page.wait_for_timeout(100)
    assert not pwned(page)
    assert audit(page) == []
    assert guard.dialogs == []
    assert guard.foreign_requests == []


@pytest.mark.site
def test_hostile_site_leaks_no_local_files(hostile_site) -> None:
    """Snippet directives and template syntax in event text stay text."""
    leaks = []
    for path in iter_text_files(hostile_site.root):
        text = path.read_text(encoding="utf-8", errors="replace")
        for needle in ("[core]", "repositoryformatversion", "root:x:0:0", "/bin/bash", "1337"):
            if needle in text and not (needle == "1337" and path.suffix in {".js", ".css"}):
                leaks.append(f"{path.relative_to(hostile_site.root)}: {needle}")
    assert leaks == []


@pytest.mark.site
def test_hostile_site_has_no_raw_payloads(hostile_site) -> None:
    """No page source holds a payload as markup (checked before any browser parses it).

    JSON-LD blocks are left out: inside them `<script>` is data, and the browser test checks
    that they parse as JSON, which they could not if one were closed early.
    """
    json_ld = re.compile(r'<script type="application/ld\+json">.*?</script>', re.DOTALL)
    payloads = re.compile(
        r"<script>(?:window\.__pwned|alert)|<img src=|<svg onload|<iframe|<link rel=s"
    )
    found = []
    for path in iter_text_files(hostile_site.root):
        if path.suffix != ".html":
            continue
        source = json_ld.sub("", path.read_text(encoding="utf-8"))
        found.extend(
            f"{path.relative_to(hostile_site.root)}: {match.group()}"
            for match in payloads.finditer(source)
        )
    assert found == []


def _squash(text: str) -> str:
    """Whitespace-insensitive form: the browser folds U+2028 and runs of spaces in layout."""
    return " ".join(re.split(r"[\s\u2028\u2029]+", text)).strip()
