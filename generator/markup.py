"""Escaping and safe Markdown: the only place where event text becomes HTML.

Every field of an event is untrusted. Plain text is escaped (`escape_text`); Markdown fields
go through a restricted Python-Markdown instance of our own (no raw HTML, no attribute lists,
no snippets or includes, because no extension is loaded at all) and then through nh3 with a
tight allow-list. `text.py` rejects the same constructs early with a friendly message, but
safety never depends on it: whatever reaches this module is made harmless here.
"""

from __future__ import annotations

import html
import json
import re
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element

import markdown
import nh3
from markdown.treeprocessors import Treeprocessor

#: The tags event Markdown may produce; everything else is stripped (its text kept).
ALLOWED_TAGS = frozenset({"p", "em", "strong", "ul", "ol", "li", "a", "br", "code", "blockquote"})
ALLOWED_SCHEMES = frozenset({"http", "https"})
LINK_REL = "nofollow noopener noreferrer"
#: Distinct texts whose plain-text form is kept; enough for every summary of 10,000 events.
CACHE_SIZE = 65536
#: Event Markdown → sanitised HTML, for every text this process has rendered.
_RENDERED: dict[str, str] = {}

# What a browser strips from a URL before reading its scheme (WHATWG URL parser): leading and
# trailing C0 controls and spaces, and tabs/newlines anywhere ("java\tscript:" is javascript:).
_URL_EDGE = re.compile(r"^[\x00-\x20]+|[\x00-\x20]+$")
_URL_TAB_NEWLINE = re.compile(r"[\t\n\r]")
_SPACES = re.compile(r"\s+")
_JSON_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_JSON_UNSAFE = re.compile("[<>&\u2028\u2029]")


def escape_text(text: str) -> str:
    """Plain text as HTML text or attribute value: `<`, `>`, `&`, `"` and `'` escaped."""
    return html.escape(text, quote=True)


def escape_title(text: str) -> str:
    """Plain text for Material's templates, which print titles unescaped.

    `&`, `<`, `>` and `"` are escaped, which is enough in element text and in the double-quoted
    attributes Material uses; apostrophes stay as they are so search titles read and match
    naturally ("Russia's", not "Russia&#39;s").
    """
    return html.escape(text, quote=False).replace('"', "&quot;")


def safe_url(url: str) -> str | None:
    """The URL as a browser would read it, if it is an absolute http(s) URL with a host.

    Entities are decoded and stripped characters removed first, so `java&#x09;script:` and
    ` JAVASCRIPT:` are judged by what they become, not by how they are spelt.
    """
    cleaned = _URL_TAB_NEWLINE.sub("", _URL_EDGE.sub("", html.unescape(url)))
    if "\\" in cleaned.split("?", 1)[0].split("#", 1)[0]:
        return None  # browsers read `https:\\evil.example` as a host; we do not guess
    try:
        parts = urlsplit(cleaned)
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in ALLOWED_SCHEMES or not host:
        return None
    return cleaned


def display_host(url: str) -> str:
    """The host a link leads to, as shown next to it: `reuters.com`, punycode for IDNs.

    Punycode keeps look-alike letters from other scripts visible (`xn--exmple-4nf.com`).
    """
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host.encode("ascii", "backslashreplace").decode("ascii")


class _LinkGuard(Treeprocessor):  # type: ignore[misc]
    """Unwraps links that are not http(s) and appends the destination host to the others.

    Runs after Python-Markdown's own unescaping so it sees each `href` as it will be written.
    """

    def run(self, root: Element) -> None:
        for parent in list(root.iter()):
            for index, child in enumerate(list(parent)):
                if child.tag == "a":
                    _guard_link(parent, index, child)


def _guard_link(parent: Element, index: int, link: Element) -> None:
    url = safe_url(link.get("href", ""))
    link.attrib.clear()
    if url is None:
        link.tag = "span"  # nh3 strips the span and keeps the text: no link at all
        return
    link.set("href", url)
    host = display_host(url)
    shown = "".join(link.itertext()).lower()
    if host and host not in shown:
        link.tail = f" ({host}){link.tail or ''}"


class _SafeMarkdown(markdown.Extension):  # type: ignore[misc]
    """Removes every way raw HTML enters, and adds the link guard."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_LinkGuard(md), "timeline_link_guard", -10)


@lru_cache(maxsize=1)
def _markdown() -> markdown.Markdown:
    return markdown.Markdown(extensions=[_SafeMarkdown()], output_format="html")


@lru_cache(maxsize=1)
def _cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=set(ALLOWED_TAGS),
        attributes={"a": {"href"}},
        url_schemes=set(ALLOWED_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )


@lru_cache(maxsize=1)
def _text_only() -> nh3.Cleaner:
    return nh3.Cleaner(tags=set(), attributes={}, strip_comments=True)


def render_markdown(text: str) -> str:
    """Event Markdown as sanitised HTML (paragraphs, emphasis, lists, http(s) links).

    Remembered per text: the same summary is rendered for its page, lists and descriptions,
    and `remember_rendered` brings back what an earlier build rendered.
    """
    rendered = _RENDERED.get(text)
    if rendered is None:
        converted = _markdown().reset().convert(text)
        rendered = _RENDERED[text] = str(_cleaner().clean(converted))
    return rendered


def rendered_markdown() -> dict[str, str]:
    """Every text rendered (or remembered) in this process, with its HTML."""
    return _RENDERED


def remember_rendered(pairs: dict[str, str]) -> None:
    """Take HTML rendered by an earlier build (`generator.markdown_cache`).

    It is sanitised again: a cache file is outside the repository's review, and safety must
    not depend on it (nh3 is cheap next to Markdown, and idempotent on its own output).
    """
    cleaner = _cleaner()
    for text, rendered in pairs.items():
        if text not in _RENDERED:
            _RENDERED[text] = str(cleaner.clean(rendered))


@lru_cache(maxsize=CACHE_SIZE)
def markdown_to_text(text: str) -> str:
    """Event Markdown as one line of plain text (for meta descriptions and JSON-LD)."""
    stripped = str(_text_only().clean(render_markdown(text)))
    return _SPACES.sub(" ", html.unescape(stripped)).strip()


def shorten(text: str, limit: int = 200) -> str:
    """Cut plain text at a word boundary to at most `limit` characters, ending with `…`."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.") + "…"


def json_ld(obj: Any) -> str:
    """JSON for a `<script type="application/ld+json">` element that no value can end early.

    `<`, `>` and `&` are written as `\\u003c` … so `</script>` and `<!--` cannot appear;
    U+2028/U+2029 are escaped for older JavaScript parsers.
    """
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    return _JSON_UNSAFE.sub(lambda match: _JSON_ESCAPES[match.group()], text)
