"""Escaping and safe Markdown: hostile event text comes out as harmless HTML."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from generator.markup import (
    ALLOWED_TAGS,
    LINK_REL,
    display_host,
    escape_text,
    escape_title,
    json_ld,
    markdown_to_text,
    render_markdown,
    safe_url,
    shorten,
)


class _Collector(HTMLParser):
    """Every start tag with its attributes, as a browser's parser would see them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def _tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector.tags


def assert_harmless(html: str) -> None:
    """Only allowed tags; links only http(s) with rel; no other attribute anywhere."""
    for tag, attrs in _tags(html):
        assert tag in ALLOWED_TAGS, (tag, html)
        if tag == "a":
            assert set(attrs) <= {"href", "rel"}, html
            assert attrs.get("rel") == LINK_REL
            href = attrs.get("href")
            assert href is None or href.startswith(("http://", "https://")), html
        else:
            assert not attrs, html
    # Without the allowed tags only text is left: `&lt;img onerror=…&gt;` shows, it never runs.
    assert "<" not in _ALLOWED_TAG.sub("", html), html


_ALLOWED_TAG = re.compile(rf"</?(?:{'|'.join(sorted(ALLOWED_TAGS))})(?:\s[^<>]*)?>")


HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://example.org/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "<svg onload=alert(1)>",
    "<iframe src=https://example.org></iframe>",
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x]( javascript:alert(1))",
    "[x](java&#x09;script:alert(1))",
    "[x](java&#9;script:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6A;avascript:alert(1))",
    "[x](java\\script:alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](DATA:text/html,<script>alert(1)</script>)",
    "[x](vbscript:msgbox(1))",
    "[x](file:///etc/passwd)",
    "[x](//example.org/protocol-relative)",
    "[x](/relative/path)",
    "[x](https:\\\\example.org)",
    "<javascript:alert(1)>",
    "<data:text/html,x>",
    "<me@example.org>",
    "[x][1]\n\n[1]: javascript:alert(1)",
    "[x][1]\n\n[1]: data:text/html,<script>alert(1)</script>",
    "[x][]\n\n[x]: JAVASCRIPT:alert(1)",
    "![image](https://example.org/pixel.png)",
    "![image](javascript:alert(1))",
    "![x][img]\n\n[img]: https://example.org/pixel.png",
    "text {: onclick=alert(1) }",
    "# Heading {: #x onclick=alert(1) }",
    "para\n{: .class onmouseover=alert(1) }",
    '--8<-- ".git/config"',
    ';--8<-- "/etc/passwd"',
    '<div markdown="1">*x*</div>',
    "<!-- comment --><script>alert(1)</script>",
    '[x](https://example.org "\\"><script>alert(1)</script>")',
    '[x](https://example.org"onmouseover="alert(1))',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;img src=x onerror=alert(1)&#62;",
    "`<script>alert(1)</script>`",
    "    <script>alert(1)</script>",
    "> <script>alert(1)</script>",
    "- <img src=x onerror=alert(1)>",
    "<style>body{display:none}</style>",
    "<form action=https://example.org><input></form>",
    "<p onclick=alert(1)>x</p>",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_markdown_is_harmless(text):
    assert_harmless(render_markdown(text))


@pytest.mark.parametrize(
    "text",
    [
        "[x](javascript:alert(1))",
        "[x](java&#x09;script:alert(1))",
        "[x](data:text/html,x)",
        "[x][1]\n\n[1]: javascript:alert(1)",
    ],
)
def test_unsafe_links_keep_their_text_but_lose_the_link(text):
    html = render_markdown(text)
    assert "<a" not in html
    assert ">x" in html or "x<" in html


def test_raw_html_is_shown_as_text():
    assert render_markdown("<script>alert(1)</script>") == (
        "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"
    )
    assert render_markdown("&lt;b&gt;") == "<p>&lt;b&gt;</p>"


def test_snippets_and_attribute_lists_stay_text():
    assert render_markdown('--8<-- ".git/config"') == '<p>--8&lt;-- ".git/config"</p>'
    assert render_markdown("text {: onclick=alert(1) }") == "<p>text {: onclick=alert(1) }</p>"


def test_links_show_their_destination_and_carry_rel():
    html = render_markdown("See [the report](https://www.reuters.com/world/x).")
    assert html == (
        '<p>See <a href="https://www.reuters.com/world/x" rel="nofollow noopener noreferrer">'
        "the report</a> (reuters.com).</p>"
    )


def test_link_destination_is_the_real_host():
    html = render_markdown("[reuters.com](https://reuters.com@example.org/)")
    assert "(example.org)" in html
    assert "(xn--" in render_markdown("[x](https://exаmple.org/)")  # Cyrillic а


def test_autolinks_are_not_repeated():
    html = render_markdown("<https://example.org/a>")
    assert html.count("example.org") == 2  # href and text, no "(example.org)"
    assert "rel=" in html


def test_allowed_markdown_survives():
    html = render_markdown("*a* **b** `c`\n\n- one\n- two\n\n1. x\n\n> quote")
    assert "<em>a</em>" in html
    assert "<strong>b</strong>" in html
    assert "<code>c</code>" in html
    assert "<ul>" in html
    assert "<blockquote>" in html
    assert_harmless(html)


def test_headings_lose_their_tag_so_page_headings_stay_in_order():
    assert "<h1" not in render_markdown("# Big\n\n## Smaller")


def test_markdown_to_text():
    assert markdown_to_text("A *b* [c](https://example.org) &amp; <x>") == (
        "A b c (example.org) & <x>"
    )


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/a?b=1&c=2", "https://example.org/a?b=1&c=2"),
        ("HTTP://example.org", "HTTP://example.org"),
        (" https://example.org ", "https://example.org"),
        ("javascript:alert(1)", None),
        ("java\tscript:alert(1)", None),
        ("java&#x09;script:alert(1)", None),
        ("data:text/html,x", None),
        ("https:///nohost", None),
        ("https:\\\\example.org", None),
        ("//example.org", None),
        ("mailto:a@example.org", None),
    ],
)
def test_safe_url(url, expected):
    assert safe_url(url) == expected


def test_display_host():
    assert display_host("https://www.example.org/x") == "example.org"
    assert display_host("https://user:pw@sub.example.org:8080/") == "sub.example.org"


def test_escape_text_and_title():
    assert escape_text("<a href=\"x\" title='y'>&") == (
        "&lt;a href=&quot;x&quot; title=&#x27;y&#x27;&gt;&amp;"
    )
    assert escape_title('Russia\'s "war" <b> & </title>') == (
        "Russia's &quot;war&quot; &lt;b&gt; &amp; &lt;/title&gt;"
    )


def test_json_ld_cannot_close_its_script_element():
    payload = {"name": "</script><script>alert(1)</script><!-- & \u2028\u2029"}
    text = json_ld(payload)
    for needle in ("<", ">", "&", "\u2028", "\u2029"):
        assert needle not in text
    assert json.loads(text) == payload


def test_shorten():
    assert shorten("short", 10) == "short"
    assert shorten("one two three four five six", 15) == "one two three…"
    assert len(shorten("x" * 500, 200)) == 200


def test_rendering_is_cached():
    text = "Cached *text* for the test."
    assert render_markdown(text) is render_markdown(text)
