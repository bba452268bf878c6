"""Slugs for event ids: one rule for `timeline new` and `timeline import`.

An id is the event's date and a slug of its title (`2024-11-17-us-authorises-atacms`), so the
same title must always give the same slug, whichever command wrote the file.
"""

from __future__ import annotations

import re
import unicodedata

MAX_SLUG_WORDS = 8
MAX_SLUG_LENGTH = 80

_STOP_WORDS = frozenset(
    {"a", "an", "the", "of", "to", "in", "on", "at", "for", "with", "and", "by", "its", "it"}
    | {"that", "there", "is"}
)


def slugify(title: str, max_words: int = MAX_SLUG_WORDS) -> str:
    """Lower-case ASCII words joined by hyphens, starting with a letter as ids must.

    Accents are dropped (NFKD), apostrophes removed (`won't` → `wont`), digit groups joined
    (`1,000` → `1000`), small words left out, and the result cut at a word boundary after
    `max_words` words or MAX_SLUG_LENGTH characters. A title with no Latin letters gives
    `event`.

    Example:
        >>> slugify("Scholz: Germany won't send Taurus — “for now”")
        'scholz-germany-wont-send-taurus-now'
    """
    text = re.sub(r"['’ʼ]", "", title)
    text = re.sub(r"(?<=\d),(?=\d)", "", text)
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = [w for w in re.findall(r"[a-z0-9]+", ascii_text.lower()) if w not in _STOP_WORDS]
    while words and not words[0][0].isalpha():
        words.pop(0)
    slug = ""
    for word in words[:max_words]:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > MAX_SLUG_LENGTH:
            break
        slug = candidate
    return slug or "event"
