"""Rules for the two kinds of text an event holds: plain text and the small Markdown subset.

These rules give contributors an early, positioned error ("raw HTML is not allowed in
summary"). They are not what keeps the site safe: `markup.py` escapes and sanitises whatever
reaches HTML, so a rule missed here is still harmless there.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

ALLOWED_SCHEMES = ("http", "https")
MAX_URL_LENGTH = 2000

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200b\ufeff]")
#: What a URL must not contain: whitespace (`\s` is `str.isspace`) and control characters.
_URL_BREAKER = re.compile(r"\s|" + _CONTROL.pattern)
_RAW_HTML = re.compile(r"<(?!https?://[^\s<>]+>)[A-Za-z/!?]")
# Deliberately looser than Markdown itself: every `](` starts a link target whatever the link
# text (nested brackets, line breaks), every `![` an image, every `[x]:` a definition at any
# indentation. A false alarm costs a contributor a rewording; a miss only reaches the sanitiser.
_INLINE_TARGET = re.compile(r"\]\(\s*<?([^)\s>]*)")
_IMAGE = re.compile(r"!\[")
_REFERENCE_TARGET = re.compile(
    r"^\s*(?:[-*+]\s+|\d+[.)]\s+)?\[[^\]\n]+\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE
)
_SNIPPET = re.compile(r"-{1,3}8<-{1,3}|^\s*;?--8<--", re.MULTILINE)
_ATTR_LIST = re.compile(r"\{\s*[:#.]|\{[^{}\n]*\bon[a-z]+\s*=")
_CODE_SPAN = re.compile(r"(`+)[^`]+?\1")


def plain_text_problem(value: str, *, multiline: bool = False) -> str | None:
    """Why `value` is not acceptable plain text, or None."""
    if multiline and value.endswith("\n") and not value.endswith("\n\n"):
        value = value[:-1]  # the one line break a `|` block scalar always ends with
    if not multiline and ("\n" in value or "\r" in value):
        return "must be a single line"
    if value != value.strip():
        return "must not start or end with spaces or blank lines"
    if not value:
        return "must not be empty"
    match = _CONTROL.search(value)
    if match:
        return f"contains the control character U+{ord(match.group()):04X}; delete it"
    return None


def url_problem(value: str) -> tuple[str, str] | None:
    """(kind, message) saying why `value` is not an http(s) URL we will link to, or None."""
    if len(value) > MAX_URL_LENGTH:
        return "url", f"is {len(value):,} characters long; the limit is {MAX_URL_LENGTH:,}"
    if _URL_BREAKER.search(value):
        return "url", "must not contain spaces or control characters"
    try:
        parts = urlsplit(value)
    except ValueError:
        return "url", "is not a valid URL"
    if parts.scheme not in ALLOWED_SCHEMES:
        return "url_scheme", "must start with https:// or http://"
    if not parts.hostname:
        return "url", "has no host name (expected https://example.org/…)"
    return None


def markdown_problem(value: str) -> tuple[str, str] | None:
    """(kind, message) for the first construct outside the Markdown subset, or None.

    The subset is paragraphs, emphasis, lists and http(s) links: what a summary needs and
    nothing that can load or run anything.
    """
    if _CONTROL.search(value):
        return "control_character", "contains a control character; delete it"
    if _RAW_HTML.search(_CODE_SPAN.sub("", value)):  # `<b>` in a code span is shown as text
        return "raw_html", "raw HTML is not allowed; use Markdown (*emphasis*, [text](https://…))"
    if _SNIPPET.search(value):
        return "snippet", "snippet directives (--8<--) are not allowed"
    if _ATTR_LIST.search(value):
        return "attr_list", "attribute lists ({: …}) are not allowed"
    if _IMAGE.search(value):
        return "image", "images are not allowed in event text"
    for match in _INLINE_TARGET.finditer(value):
        if url_problem(match.group(1)) is not None:
            return "url_scheme", "links must be absolute http:// or https:// URLs"
    for match in _REFERENCE_TARGET.finditer(value):
        if url_problem(match.group(1)) is not None:
            return "url_scheme", "links must be absolute http:// or https:// URLs"
    return None
