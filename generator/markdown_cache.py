"""Event Markdown rendered by earlier builds, kept in the user's cache folder.

Python-Markdown costs about 0.5 ms per summary: at 10,000 events that is the largest single
item of a build that changed nothing. The HTML of every summary and body is kept in one JSON
file per renderer version (our code, Python-Markdown and nh3), keyed by the Markdown text
itself, so an edited summary simply misses. JSON rather than pickle, and the HTML is sanitised
again when it is read (`markup.remember_rendered`): a planted cache file can make a build
slower, never unsafe.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from importlib.metadata import version
from pathlib import Path

from generator import markup

_PREFIX = "markdown-"


def renderer_fingerprint() -> str:
    """Changes whenever rendered HTML could: our markup code, Python-Markdown or nh3."""
    digest = hashlib.sha256(Path(markup.__file__).read_bytes())
    for package in ("markdown", "nh3"):
        digest.update(f"\0{package} {version(package)}".encode())
    return digest.hexdigest()[:24]


def cache_file(directory: Path) -> Path:
    return directory / f"{_PREFIX}{renderer_fingerprint()}.json"


def load_rendered(directory: Path) -> set[str]:
    """Bring back what earlier builds rendered; return those texts. A missing or broken file
    is no error: the build renders the Markdown again."""
    try:
        pairs = json.loads(cache_file(directory).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    if not isinstance(pairs, dict):
        return set()
    kept = {text: html for text, html in pairs.items() if isinstance(html, str)}
    markup.remember_rendered(kept)
    return set(kept)


def save_rendered(directory: Path, texts: set[str], loaded: set[str]) -> bool:
    """Keep the HTML of `texts` (the store's summaries and bodies) for the next build.

    Nothing is written when the file already holds exactly these texts (`loaded`). Texts no
    event uses any more are dropped and files of other renderer versions removed, so the
    cache does not grow with every edit. Written atomically; a cache that cannot be written
    is skipped (returns False).
    """
    rendered = markup.rendered_markdown()
    kept = {text: rendered[text] for text in sorted(texts) if text in rendered}
    if kept.keys() == loaded:
        return True
    target = cache_file(directory)
    temporary: Path | None = None
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=directory, prefix=".markdown-", delete=False
        ) as handle:
            temporary = Path(handle.name)
            json.dump(kept, handle, ensure_ascii=False, separators=(",", ":"))
        os.replace(temporary, target)
        temporary = None
        for old in directory.glob(f"{_PREFIX}*.json"):
            if old != target:
                old.unlink(missing_ok=True)
    except OSError:
        return False
    finally:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
    return True
