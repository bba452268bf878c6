"""Render part of the page bodies in a second process while the build goes on.

A site engine renders pages one after another on one core. The bodies of the timeline's pages
depend only on the page model, which is complete before the first page is rendered, so a
forked child can render a share of them while the parent renders the rest (and writes the data
downloads). On two cores that takes up to half of the bodies' wall time off a build (a few
seconds at 10,000 events: less than the build's own drift from run to run on this machine,
so it has no figure of its own in benchmarks/README.md).

The child inherits the page model through `fork` (nothing is pickled or rebuilt), renders its
share, writes the HTML to a private temporary file with `marshal` and exits without running
any of the parent's clean-up. Whatever goes wrong in the child, the parent renders those pages
itself: the result never depends on the child, only the time does.
"""

from __future__ import annotations

import ctypes
import marshal
import os
import signal
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from generator import markup

_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
#: Below this many pages, forking costs more than it saves (TIMELINE_PRERENDER_MIN_PAGES
#: overrides it: the tests build a small store both ways and compare the bytes).
MIN_PAGES = 400


class Prerenderer:
    """Bodies of some pages, rendered ahead by a child process.

    `start` forks; `take(key)` returns the body of a page of the child's share (waiting for
    the child the first time) or None for any other page, or when the child failed.
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
        parent = os.getpid()
        child = os.fork()
        if child == 0:  # pragma: no cover - the child's exit status is what the tests see
            end_with_parent(parent)
            _render_and_exit(taken, render, target)
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
        if self.child is not None:
            try:
                os.kill(self.child, signal.SIGKILL)
                os.waitpid(self.child, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
        if self.folder is not None:
            self.folder.cleanup()
        self.child, self.folder, self.results, self.share = None, None, None, frozenset()


def end_with_parent(parent: int) -> None:
    """In a forked child: be killed when the parent dies (Linux `PR_SET_PDEATHSIG`), so a
    killed build leaves no child writing into a folder the next build cleans up."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the child ends when its work is done
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def _render_and_exit(keys: list[str], render: Callable[[str], object], target: Path) -> None:
    """The child: render, write, and leave with `os._exit` (never return into the engine)."""
    status = 1
    try:
        results = {key: render(key) for key in keys}
        with target.open("wb") as handle:
            marshal.dump(results, handle)
        status = 0
    except BaseException:  # noqa: S110 - the parent renders these pages itself
        pass
    finally:
        os._exit(status)


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
