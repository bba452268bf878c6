"""Page bodies rendered ahead in a forked child: used when it worked, ignored when not."""

from __future__ import annotations

import os

import pytest

from generator import prerender
from generator.prerender import Prerenderer


@pytest.fixture(autouse=True)
def _any_size(monkeypatch):
    monkeypatch.setattr(prerender, "MIN_PAGES", 0)


def test_the_child_renders_the_second_half_in_another_process():
    keys = [f"page-{n}" for n in range(6)]
    ahead = Prerenderer()
    ahead.start(keys, lambda key: f"{key} by {os.getpid()}", jobs=2)
    assert ahead.take("page-0") is None  # the parent's half
    bodies = [ahead.take(key) for key in keys[3:]]
    assert all(body is not None for body in bodies)
    pids = {int(body.split(" by ")[1]) for body in bodies if body}
    assert pids
    assert os.getpid() not in pids
    assert ahead.take("page-3") is None  # taken once
    ahead.discard()


def test_a_failing_child_leaves_the_pages_to_the_parent():
    def render(key: str) -> str:
        if key == "page-4":
            raise RuntimeError("broken template")
        return key

    ahead = Prerenderer()
    ahead.start([f"page-{n}" for n in range(6)], render, jobs=2)
    assert [ahead.take(f"page-{n}") for n in range(3, 6)] == [None, None, None]
    ahead.discard()


def test_no_child_with_one_job_or_few_pages(monkeypatch):
    ahead = Prerenderer()
    ahead.start(["a", "b"], lambda key: key, jobs=1)
    assert ahead.child is None
    assert ahead.take("b") is None
    monkeypatch.setattr(prerender, "MIN_PAGES", 10)
    ahead.start(["a", "b"], lambda key: key, jobs=2)
    assert ahead.child is None


def test_discard_stops_the_child_and_removes_its_folder():
    ahead = Prerenderer()
    ahead.start(["a", "b"], lambda key: key, jobs=2)
    child, folder = ahead.child, ahead.folder
    assert child is not None
    assert folder is not None
    ahead.discard()
    with pytest.raises(ChildProcessError):
        os.waitpid(child, os.WNOHANG)
    assert not os.path.exists(folder.name)


def test_markdown_rendered_ahead_equals_markdown_rendered_here(monkeypatch):
    from generator import markup

    monkeypatch.setattr(markup, "_RENDERED", {})
    texts = [f"Text *{n}* with [a link](https://example.org/{n})." for n in range(8)]
    texts.append('<script>alert(1)</script> and [x](javascript:alert(1))')
    pids = []
    original = markup._markdown
    monkeypatch.setattr(markup, "_markdown", lambda: pids.append(os.getpid()) or original())
    assert prerender.render_markdown_ahead(texts, jobs=2) == len(texts)
    ahead = dict(markup.rendered_markdown())
    assert sorted(ahead) == sorted(texts)
    assert len(pids) < len(texts)  # the child rendered its half (its calls are not seen here)
    monkeypatch.setattr(markup, "_RENDERED", {})
    assert {text: markup.render_markdown(text) for text in texts} == ahead
    assert "<script" not in "".join(ahead.values())
    assert prerender.render_markdown_ahead(texts, jobs=2) == 0  # nothing missing any more


def test_a_child_ends_with_its_parent():
    """A killed build leaves no child behind (it would write into a folder the next build
    cleans up): `end_with_parent` has the kernel kill the child with its parent."""
    import subprocess
    import sys
    import time
    from pathlib import Path

    script = (
        "import os, time\n"
        "from generator.children import end_with_parent\n"
        "parent = os.getpid()\n"
        "child = os.fork()\n"
        "if child == 0:\n"
        "    end_with_parent(parent)\n"
        "    time.sleep(60)\n"
        "    os._exit(0)\n"
        "print(child, flush=True)\n"
        "time.sleep(60)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    with parent.stdout:
        child = int(parent.stdout.readline())
    parent.kill()
    parent.wait()

    def alive() -> bool:
        try:
            state = Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            return False
        return state != "Z"  # a zombie has ended; only its exit status waits to be read

    deadline = time.monotonic() + 10
    while alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive()
