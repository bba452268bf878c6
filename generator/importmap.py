"""Mapping the neutral JSON Lines form's field values onto the models' (docs/import.md).

Pure functions, one per kind of value: names, Markdown escaping, speakers, quote languages,
qualifiers and dates. `importer.py` applies them record by record.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from generator.dates import PartialDate
from generator.diagnostics import echo

#: Qualifier words of the neutral form → (Figure field, value). "reported" and "claimed" say
#: whether the number is established, not how exact it is, so they become the figure's status.
QUALIFIERS: dict[str, tuple[str, str]] = {
    "exact": ("qualifier", "exact"),
    "about": ("qualifier", "about"),
    "approximately": ("qualifier", "about"),
    "around": ("qualifier", "about"),
    "estimated": ("qualifier", "estimated"),
    "up to": ("qualifier", "up_to"),
    "at least": ("qualifier", "at_least"),
    "more than": ("qualifier", "more_than"),
    "less than": ("qualifier", "less_than"),
    "almost": ("qualifier", "almost"),
    "target": ("qualifier", "target"),
    "expected": ("qualifier", "expected"),
    "reported": ("status", "reported"),
    "claimed": ("status", "claimed"),
}
PRECISIONS = ("day", "month", "year", "approximate")
#: Imported events carry no claim status of their own: they are what outlets reported.
IMPORTED_STATUS = "reported"
#: A source without a URL is cited by name only; `report` is the kind that needs no link.
SOURCE_KIND_WITHOUT_URL = "report"

_SPEAKER_CONTEXT = re.compile(r"(?P<name>[^()]+?)\s*\((?P<context>.+)\)")
_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]])")
_LINK_PAREN = re.compile(r"(?<=\\\])\(")
_MARKDOWN_LINE_START = re.compile(r"^(\s*)([#>+=-]|\d+[.)])", re.MULTILINE)
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_ATTR_BRACE = re.compile(r"\{(?=\s*[:#.]|\s*on[a-z]+\s*=)")


def name_key(text: str) -> str:
    """The form names are compared in: case, accents, punctuation and spacing ignored.

    `Norbert Rottgen` finds `Norbert Röttgen`, `north korea` finds the id `north-korea`, and
    `1000 days` finds the label `1,000 days`.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    bare = re.sub(r"(?<=\d),(?=\d{3}\b)", "", bare)
    bare = re.sub(r"['’ʼ`]", "", bare)
    return " ".join(re.findall(r"\w+", bare.casefold()))


def escape_markdown(text: str) -> str:
    """Plain text → Markdown that renders as exactly that text.

    Only what the Markdown subset would interpret is escaped: emphasis and code markers,
    brackets (and the `(` of what would read as a link), a block marker at the start of a
    line, `<` (Python-Markdown has no `\\<`, so it becomes `&lt;`), an `&` that would read as
    an entity, and a `{` that would read as an attribute list (which `text.py` rejects).
    """
    escaped = _MARKDOWN_INLINE.sub(r"\\\1", text)
    escaped = _LINK_PAREN.sub(r"\\(", escaped)
    escaped = _ENTITY.sub("&amp;", escaped)
    escaped = escaped.replace("<", "&lt;")
    escaped = _ATTR_BRACE.sub("&#123;", escaped)
    return _MARKDOWN_LINE_START.sub(_escape_line_start, escaped)


def _escape_line_start(match: re.Match[str]) -> str:
    indent, marker = match.group(1), match.group(2)
    if marker[0].isdigit():
        return f"{indent}{marker[:-1]}\\{marker[-1]}"
    if marker == "=":  # a setext underline; Python-Markdown cannot backslash-escape `=`
        return f"{indent}&#61;"
    return f"{indent}\\{marker}"


def split_speaker(speaker: str) -> tuple[str, str | None]:
    """`Olaf Scholz (at the G20 summit)` → (`Olaf Scholz`, `at the G20 summit`)."""
    match = _SPEAKER_CONTEXT.fullmatch(speaker.strip())
    if match is None:
        return speaker.strip(), None
    return match["name"], match["context"].strip()


def quote_language(text: str) -> str:
    """The language of a quote, told from its script; the neutral form does not say.

    Latin script is taken as English (the form's language). Cyrillic is Russian when it has
    letters Ukrainian lacks (ы э ъ ё), Ukrainian when it has letters Russian lacks (і ї є ґ),
    and `und` (undetermined) otherwise; Hangul is Korean.
    """
    letters = [char for char in text if char.isalpha()]
    cyrillic = sum("\u0400" <= char <= "\u04ff" for char in letters)
    hangul = sum("\uac00" <= char <= "\ud7a3" for char in letters)
    if hangul * 2 > len(letters):
        return "ko"
    if cyrillic * 2 <= len(letters):
        return "en"
    lower = text.casefold()
    if re.search("[ыэъё]", lower):
        return "ru"
    if re.search("[іїєґ]", lower):
        return "uk"
    return "und"


def map_qualifier(word: str) -> tuple[str, str] | None:
    """A qualifier word → (`qualifier` or `status`, value), or None when unknown."""
    return QUALIFIERS.get(" ".join(word.replace("_", " ").casefold().split()))


def map_date(
    date: Any, start: Any, end: Any, precision: Any
) -> tuple[str | dict[str, Any] | None, str | None]:
    """The neutral date fields → the event's `date` value, or (None, what is wrong).

    A date written more precisely than `date_precision` says is cut to that precision; a
    date written less precisely is an error (the importer never adds precision).
    """
    if precision is not None and precision not in PRECISIONS:
        return None, f"date_precision {echo(precision)} is not one of {', '.join(PRECISIONS)}"
    if date is not None and (start is not None or end is not None) and (date, end) != (start, None):
        return None, "give either `date` or `date_start`/`date_end`, not both"
    first = date if date is not None else start
    if first is None:
        return None, "no date: give `date` or `date_start`"
    try:
        parsed = [PartialDate.parse(first)] + ([PartialDate.parse(end)] if end else [])
    except ValueError as error:
        return None, str(error)
    if precision in ("day", "month", "year"):
        cut = []
        for value in parsed:
            rank = ("year", "month", "day")
            if rank.index(value.precision) < rank.index(precision):
                return None, f"{value.iso()} is not precise to the {precision}"
            cut.append(
                PartialDate(
                    value.year,
                    value.month if precision != "year" else None,
                    value.day if precision == "day" else None,
                )
            )
        parsed = cut
    if len(parsed) == 1 and precision != "approximate":
        return parsed[0].iso(), None
    result: dict[str, Any] = {"start": parsed[0].iso()}
    if len(parsed) == 2 and parsed[1] != parsed[0]:
        result["end"] = parsed[1].iso()
    if precision == "approximate":
        result["approximate"] = True
    return (result if len(result) > 1 else result["start"]), None
