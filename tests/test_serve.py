"""`timeline serve` after an edit: only dependent pages are rendered, and the site served is the
site a clean build makes of the edited store (`generator/plugin_serve.py`).

The builds run in this process the way `mkdocs serve --dirty` runs them: one `on_startup`,
then a fresh configuration and a dirty build per change, with the same plugin objects.
"""

from __future__ import annotations

import gc
import gzip
import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO, allow_fork_beside_threads, site_config
from mkdocs.commands import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort

STORE = REPO / "tests" / "fixtures" / "site"
SERVE_URL = "http://127.0.0.1:8000/"
EDITED = "2024-11-17-strikes-authorised"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The repository's site configuration on a copy of the fixture store."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1732000000")
    # Full builds have a child build half of the pages (`plugin_split`), as on a large store.
    monkeypatch.setenv("TIMELINE_PRERENDER_MIN_PAGES", "0")
    allow_fork_beside_threads(monkeypatch)
    shutil.copytree(STORE, tmp_path / "events")
    site_config(tmp_path, "events")
    return tmp_path


class Server:
    """What `mkdocs serve` does around its builds, without the HTTP server."""

    def __init__(self, project: Path, site: Path, *, dirty: bool) -> None:
        self.project, self.site, self.dirty = project, site, dirty
        self.config = self._config()
        self.config.plugins.on_startup(command="serve", dirty=dirty)

    def _config(self) -> MkDocsConfig:
        config = load_config(str(self.project / "mkdocs.yml"), site_dir=str(self.site))
        config.site_url = SERVE_URL
        return config

    def build(self) -> None:
        """One rebuild: a fresh configuration (the plugin objects persist), as serve does."""
        self.config = self._config()
        build.build(self.config, serve_url=SERVE_URL, dirty=self.dirty)

    @property
    def plugin(self):
        return self.config.plugins["timeline"]

    def wait_for_downloads(self) -> None:
        writer = self.plugin.data_writer.child
        if writer is not None:
            _pid, status = os.waitpid(writer, 0)
            assert os.waitstatus_to_exitcode(status) == 0
            self.plugin.data_writer.child = None

    def stop(self) -> None:
        self.config.plugins.on_shutdown()


@pytest.fixture
def server(project: Path) -> Iterator[Server]:
    server = Server(project, project / "served", dirty=True)
    try:
        server.build()
        yield server
    finally:
        server.stop()


def _clean_build(project: Path) -> dict[str, bytes]:
    """A full build of the store as it is now, the way plain `mkdocs serve` builds."""
    clean = Server(project, project / "clean", dirty=False)
    try:
        clean.build()
    finally:
        clean.stop()
    return _files(project / "clean")


def _files(site: Path) -> dict[str, bytes]:
    files = {}
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        name = path.relative_to(site).as_posix()
        data = path.read_bytes()
        if name.endswith(".gz"):
            data = gzip.decompress(data)  # the gzip header holds the time it was written
        if name == "search/search_index.json":
            index = json.loads(data)
            index["docs"].sort(key=lambda entry: json.dumps(entry, sort_keys=True))
            data = json.dumps(index, sort_keys=True).encode()
        files[name] = data
    return files


def _edit_title(project: Path, event_id: str, title: str) -> None:
    path = project / "events" / event_id[:4] / f"{event_id}.yaml"
    text = path.read_text(encoding="utf-8")
    lines = [f"title: {title}" if line.startswith("title:") else line for line in text.split("\n")]
    path.write_text("\n".join(lines), encoding="utf-8")


def _assert_same_as_clean_build(server: Server) -> None:
    """The served site equals a clean build's (which, in this process, takes over the same
    plugin objects: the served files are read first)."""
    server.wait_for_downloads()
    served = _files(server.site)
    clean = _clean_build(server.project)
    assert sorted(served) == sorted(clean)
    assert [name for name in served if served[name] != clean[name]] == []


def test_an_edit_renders_only_the_pages_that_show_the_event(server):
    rendered_first = set(server.plugin.serve.rendered)
    _edit_title(server.project, EDITED, "Strikes into Russia authorised, edited")
    server.build()
    rendered = server.plugin.serve.rendered
    assert server.plugin.serve.incremental
    assert f"events/{EDITED}/" in rendered
    assert "chronology/2024/11/" in rendered
    assert "chronology/2024/11/newest-first/" in rendered
    assert "" in rendered  # the home page lists the latest events
    assert "actors/ukraine/" in rendered
    assert "places/kursk-oblast/" in rendered
    assert "tags/long-range-strikes/" in rendered
    assert "events/2024-10-28-fighting/" in rendered  # "Responses" lists it
    assert "events/2021-supplies-begin/" not in rendered  # shows nothing of it
    assert "chronology/2021/" not in rendered
    assert "about/" not in rendered  # a hand-written page
    assert len(rendered) < len(rendered_first) // 2
    page = (server.site / "events" / EDITED / "index.html").read_text(encoding="utf-8")
    assert "Strikes into Russia authorised, edited" in page
    _assert_same_as_clean_build(server)


def test_a_deleted_and_an_added_event(server):
    (server.project / "events" / "2021" / "2021-supplies-begin.yaml").unlink()
    added = server.project / "events" / "2024" / "2024-12-02-supplies-resume.yaml"
    added.write_text(
        "title: Supplies resume\ndate: 2024-12-02\nstatus: reported\n"
        "summary: Deliveries *resumed*.\nactors: [russia]\n"
        "sources:\n  - publisher: Example Archive\n    kind: print\n",
        encoding="utf-8",
    )
    server.build()
    assert server.plugin.serve.incremental
    assert not (server.site / "events" / "2021-supplies-begin").exists()
    assert (server.site / "events" / "2024-12-02-supplies-resume" / "index.html").is_file()
    _assert_same_as_clean_build(server)


def test_nothing_changed_renders_no_generated_page(server):
    server.build()
    assert server.plugin.serve.incremental
    generated = set(server.plugin.pages)
    assert {url for url in server.plugin.serve.rendered if f"{url}index.md" in generated} == set()


def test_serve_builds_leave_their_objects_collectable(server):
    """A build freezes its objects for the garbage collector (`on_files`); a serve build must
    unfreeze them, or every rebuild's garbage would stay in memory."""
    server.build()
    assert gc.get_freeze_count() == 0


def test_a_changed_hand_written_page_renders_everything(server, project):
    everything = len(server.plugin.serve.rendered)
    os.utime(project / "mkdocs.yml")  # as an edit of the configuration would
    server.build()
    assert not server.plugin.serve.incremental
    assert len(server.plugin.serve.rendered) == everything
    _assert_same_as_clean_build(server)  # the search index too: no entry twice


def test_an_invalid_edit_keeps_the_site_and_the_next_fix_rebuilds(server, caplog):
    path = server.project / "events" / EDITED[:4] / f"{EDITED}.yaml"
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("status:", "status: [", 1), encoding="utf-8")
    with pytest.raises(Abort):
        server.build()
    assert "the events are not valid" in caplog.text
    path.write_text(good, encoding="utf-8")
    _edit_title(server.project, EDITED, "Fixed again")
    server.build()
    assert server.plugin.serve.incremental  # the failed build wrote nothing
    page = (server.site / "events" / EDITED / "index.html").read_text(encoding="utf-8")
    assert "Fixed again" in page
    _assert_same_as_clean_build(server)


def test_timeline_serve_shows_an_edit(project):
    """The real command: a server process, its file watcher, an edit, the page over HTTP."""
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    timeline = Path(sys.executable).parent / "timeline"
    # mkdocs.yml named relatively, as people type it: mkdocs names it so for the first build
    # and absolutely when it reloads it, which must not make the first edit render everything.
    command = [str(timeline), "serve", "-f", "mkdocs.yml"]
    server = subprocess.Popen(
        [*command, "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )

    def page(url: str) -> str:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/{url}", timeout=5) as answer:
                return answer.read().decode("utf-8")
        except OSError:
            return ""

    def wait_for(url: str, text: str) -> None:
        deadline = time.monotonic() + 120
        while text not in page(url):
            assert server.poll() is None, server.stdout.read() if server.stdout else ""
            assert time.monotonic() < deadline, f"{text!r} not served at /{url}"
            time.sleep(0.1)

    try:
        wait_for(f"events/{EDITED}/", "Strikes")
        _edit_title(project, EDITED, "Edited while serving")
        wait_for(f"events/{EDITED}/", "Edited while serving")
    finally:
        os.killpg(server.pid, 2)  # Ctrl-C
        output, _ = server.communicate(timeout=60)
    assert "with inotify" in output
    assert output.count("rendering every page") == 1  # the first build only
    rendered = re.search(r"1 event changed: rendering (\d+) of (\d+) generated pages", output)
    assert rendered is not None, output
    assert int(rendered[1]) <= int(rendered[2]) // 2
    assert "0 events changed" not in output  # the rebuild reading files triggers nothing
    assert "Traceback" not in output
