"""Work done ahead in forked children, while the build goes on: how the build uses two cores.

A site engine works on one core. What a build needs is often known before it is needed, so a
forked child can do a share of it meanwhile: the event Markdown the cache lacks
(`render_markdown_ahead`, before the page model), the data downloads
(`plugin_files.DataWriter`) and half of the pages (`plugin_split`), each started by
`children.fork_child`: the child inherits what it needs through `fork` (nothing is pickled or
rebuilt), dies with its parent and never returns into the engine.

`Prerenderer` renders a share of keyed results, written to a private temporary file with
`marshal`. Whatever goes wrong in a child, the parent does that work itself: the result never
depends on a child, only the time does.
"""

from __future__ import annotations

import marshal
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from generator import markup
from generator.children import fork_child, stop_child

#: Below this many pages, forking costs more than it saves (TIMELINE_PRERENDER_MIN_PAGES
#: overrides it: the tests build a small store both ways and compare the bytes).
MIN_PAGES = 400


class Prerenderer:
    """Results for some keys (Markdown texts), rendered ahead by a child process.

    `start` forks; `take(key)` returns the result for a key of the child's share (waiting for
    the child the first time) or None for any other key, or when the child failed.
    """

    def __init__(self) -> None:
        self.child: int | None = None
        self.share: frozenset[str] = frozenset()
        self.results: dict[str, object] | None = None
        self.folder: tempfile.TemporaryDirectory[str] | None = None

    def start(
        self,
        keys: Sequence[str],
        render: Callable[[str], object],
        *,
        jobs: int,
        share: float = 0.5,
    ) -> None:
        """Fork a child that renders the last `share` of `keys` (by default the half a build
        reaches last); no child with one job, few pages or no `fork`."""
        self.discard()
        least = int(os.environ.get("TIMELINE_PRERENDER_MIN_PAGES", MIN_PAGES))
        if jobs < 2 or len(keys) < least or not hasattr(os, "fork"):
            return
        first = len(keys) - round(len(keys) * share)
        taken = list(keys[first:])
        self.folder = tempfile.TemporaryDirectory(prefix="timeline-prerender-")
        target = Path(self.folder.name) / "bodies"
        child = fork_child(lambda: _render_into(taken, render, target))
        self.child = child
        self.share = frozenset(taken)

    def take(self, key: str) -> object | None:
        if key not in self.share:
            return None
        if self.results is None:
            self.results = self._collect()
        return self.results.pop(key, None)

    def _collect(self) -> dict[str, object]:
        """Wait for the child and read what it rendered ({} if it failed)."""
        child, self.child = self.child, None
        if child is None or self.folder is None:
            return {}
        _pid, status = os.waitpid(child, 0)
        target = Path(self.folder.name) / "bodies"
        try:
            if os.waitstatus_to_exitcode(status) != 0:
                return {}
            with target.open("rb") as handle:
                results = marshal.load(handle)  # noqa: S302 - our child, a 0700 folder
        except (OSError, EOFError, ValueError, TypeError):
            return {}
        finally:
            self.folder.cleanup()
            self.folder = None
        return results if isinstance(results, dict) else {}

    def discard(self) -> None:
        """Stop and forget a child (a failed build, or the start of the next one)."""
        stop_child(self.child)
        if self.folder is not None:
            self.folder.cleanup()
        self.child, self.folder, self.results, self.share = None, None, None, frozenset()


def _render_into(keys: list[str], render: Callable[[str], object], target: Path) -> None:
    """The child's work: render its share and write it where the parent reads it."""
    results = {key: render(key) for key in keys}
    with target.open("wb") as handle:
        marshal.dump(results, handle)


def render_markdown_ahead(
    texts: Iterable[str], *, jobs: int, meanwhile: Callable[[], object] | None = None
) -> int:
    """Render the event Markdown no earlier build left in the cache (`markdown_cache`), most
    of it in a forked child: on a fresh machine that is every summary and body, ~0.5 ms each,
    and the page model needs them all (descriptions) before any page renders.

    `meanwhile` runs here while the child renders (a build makes the events' models, ~0.25 ms
    each), so the child takes two thirds of the texts then, half otherwise. The child's HTML is
    sanitised again as it is taken (`markup.remember_rendered`); what the child fails to
    render, this process renders. Returns how many texts were missing.
    """
    known = markup.rendered_markdown()
    missing = sorted(text for text in set(texts) if text not in known)
    ahead = Prerenderer()
    ahead.start(missing, markup.render_markdown, jobs=jobs, share=0.67 if meanwhile else 0.5)
    if meanwhile is not None:
        meanwhile()
    for text in missing:
        if text not in ahead.share:
            markup.render_markdown(text)
    taken = {
        text: html for text in sorted(ahead.share) if isinstance(html := ahead.take(text), str)
    }
    markup.remember_rendered(taken)
    for text in ahead.share:
        markup.render_markdown(text)  # a no-op for every text the child rendered
    ahead.discard()
    return len(missing)
