"""Helpers for the real-browser tests: build a site, serve it on 127.0.0.1, drive Chromium.

The browser tests check the site a reader gets, so they build it with `mkdocs build --strict`
from a store (the real `events/` or a fixture), serve the output with a plain threaded HTTP
server and open it in Debian's Chromium through Playwright. Every request to a host other than
127.0.0.1 is recorded and aborted: the site must work offline, and a hostile event must not be
able to make the browser fetch anything.
"""

from __future__ import annotations

import fcntl
import functools
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    # No name but 127.0.0.1 resolves: a request elsewhere fails fast and never leaves the
    # machine, while the page's "request" event still reports it to the tests.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
HOSTILE_STORE = REPO / "tests" / "fixtures" / "hostile"

#: Set before any page script runs; hostile payloads try to flip it to true.
MARKER_SCRIPT = "window.__pwned = false;"


def navigation_store() -> Path:
    """The store the navigation tests browse: the real events/ when it has events."""
    for candidate in (REPO / "events", REPO / "tests" / "fixtures" / "site"):
        if any(candidate.glob("[0-9][0-9][0-9][0-9]/*.yaml")):
            return candidate
    return REPO / "tests" / "fixtures" / "valid"


def _repo_config() -> dict[str, Any]:
    """The repository's mkdocs.yml as mkdocs itself reads it (tags, !ENV and INHERIT included)."""
    from mkdocs.utils.yaml import yaml_load

    with (REPO / "mkdocs.yml").open("rb") as handle:
        loaded = yaml_load(handle)
    return dict(loaded or {})


def _absolute(value: str) -> str:
    return str((REPO / value).resolve())


def _plugins_for(store: Path, parent: list[Any] | None) -> list[Any]:
    """The repository's plugin list with the timeline plugin pointed at `store`."""
    plugins: list[Any] = []
    found = False
    for entry in parent or ["search", "timeline"]:
        name, options = (entry, {}) if isinstance(entry, str) else next(iter(entry.items()))
        if name == "timeline":
            found = True
            options = {**(options or {}), "events_dir": str(store)}
        plugins.append({name: options} if options else name)
    if not found:
        plugins.append({"timeline": {"events_dir": str(store)}})
    return plugins


def write_config(store: Path, work_dir: Path) -> Path:
    """A mkdocs.yml in `work_dir` that inherits the repository's and swaps in `store`.

    mkdocs resolves relative paths against the file that is loaded, so every path-like setting
    of the parent is made absolute; `plugins` is a list, which INHERIT replaces rather than
    merges, so it is written out in full.
    """
    parent = _repo_config()
    child: dict[str, Any] = {
        "INHERIT": str(REPO / "mkdocs.yml"),
        "docs_dir": _absolute(str(parent.get("docs_dir", "docs"))),
        "site_dir": str(work_dir / "site"),
        "plugins": _plugins_for(store.resolve(), parent.get("plugins")),
    }
    theme = parent.get("theme")
    if isinstance(theme, dict) and theme.get("custom_dir"):
        child["theme"] = {"custom_dir": _absolute(str(theme["custom_dir"]))}
    if parent.get("hooks"):
        child["hooks"] = [_absolute(str(hook)) for hook in parent["hooks"]]
    config = work_dir / "mkdocs.yml"
    config.write_text(json.dumps(child, indent=2), encoding="utf-8")  # JSON is valid YAML
    return config


def build_site(store: Path, work_dir: Path) -> Path:
    """Build `store` with `mkdocs build --strict` into `work_dir/site`; return that folder.

    The build runs from the repository root, so a snippet directive that got through would
    find `.git/config` there: the safety tests grep the output for it.
    """
    work_dir.mkdir(parents=True, exist_ok=True)
    config = write_config(store, work_dir)
    env = {**os.environ, "TIMELINE_CACHE_DIR": str(work_dir / "cache"), "NO_COLOR": "1"}
    started = time.perf_counter()
    completed = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-f", str(config)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(
            f"mkdocs build --strict of {store} failed ({completed.returncode}) after "
            f"{time.perf_counter() - started:.1f}s:\n{completed.stdout}\n{completed.stderr}"
        )
    return work_dir / "site"


class _SiteHandler(SimpleHTTPRequestHandler):
    """Serves the built site quietly, with its 404.html for missing pages like a real host."""

    def log_message(self, format: str, *args: Any) -> None:
        return

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class _QuietServer(ThreadingHTTPServer):
    """Chromium drops connections when a test navigates on; that is not an error here."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@dataclass
class SiteServer:
    """A built site served on 127.0.0.1 at a free port, in a daemon thread."""

    root: Path
    _server: _QuietServer | None = field(default=None, init=False)

    def start(self) -> SiteServer:
        handler = functools.partial(_SiteHandler, directory=str(self.root))
        self._server = _QuietServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    @property
    def base_url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    def url(self, path: str = "") -> str:
        return self.base_url + path.lstrip("/")

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


@dataclass
class Site:
    """A built and served site, with the store it was built from."""

    store: Path
    root: Path
    server: SiteServer

    def url(self, path: str = "") -> str:
        return self.server.url(path)

    def pages(self) -> list[str]:
        """Every HTML page of the site as a path relative to the root, home first."""
        found = sorted(path.relative_to(self.root).as_posix() for path in self.root.rglob("*.html"))
        paths = [name.removesuffix("index.html") for name in found]
        return sorted(paths, key=lambda name: (name != "", name))


def build_once(store: Path, shared_dir: Path, name: str) -> Path:
    """Build `store` once per test run, however many xdist workers ask for it.

    The first worker to take the lock builds; the others wait and reuse the output, so two
    workers on two cores do not each spend the build's CPU (the brief's budget is tight).
    """
    work_dir = shared_dir / name
    work_dir.mkdir(parents=True, exist_ok=True)
    with (shared_dir / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (work_dir / "built").exists():
            build_site(store, work_dir)
            (work_dir / "built").touch()
    return work_dir / "site"


def serve_site(store: Path, shared_dir: Path, name: str) -> Site:
    root = build_once(store, shared_dir, name)
    return Site(store, root, SiteServer(root).start())


def launch_browser(playwright: Any) -> Any:
    """Debian's Chromium, headless; `playwright install` cannot download browsers here."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)


def is_local(url: str) -> bool:
    """True for requests the site may make: its own server and in-page data."""
    parts = urlsplit(url)
    if parts.scheme in {"data", "blob", "about"}:
        return True
    return parts.hostname == "127.0.0.1"


@dataclass
class Guard:
    """What a browser context saw that the site must never cause."""

    dialogs: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)


def guarded_context(browser: Any, **options: Any) -> tuple[Any, Guard]:
    """A new context that records dialogs, page errors and requests to other hosts.

    Such requests cannot reach the network (see LAUNCH_ARGS); recording them from the
    "request" event, rather than routing every request through Python, keeps pages fast.
    """
    context = browser.new_context(**options)
    guard = Guard()
    if options.get("java_script_enabled", True):
        context.add_init_script(MARKER_SCRIPT)

    def on_dialog(dialog: Any) -> None:
        guard.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def on_request(request: Any) -> None:
        if not is_local(request.url) and request.url not in guard.foreign_requests:
            guard.foreign_requests.append(request.url)

    def on_page(page: Any) -> None:
        page.on("pageerror", lambda error: guard.page_errors.append(str(error)))

    context.on("dialog", on_dialog)
    context.on("request", on_request)
    context.on("page", on_page)
    return context, guard


def pwned(page: Any) -> bool:
    """Whether a payload flipped the marker (missing marker counts: the page replaced it)."""
    return bool(page.evaluate("() => window.__pwned !== false"))


def screenshot(page: Any, name: str) -> Path:
    """Save a full-page PNG under test-artifacts/screenshots/ (git-ignored)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def first_link(page: Any, selector: str) -> Any:
    """The first element matching `selector`, failing with the selector when there is none."""
    locator = page.locator(selector)
    if locator.count() == 0:
        raise AssertionError(f"no element matches {selector!r} on {page.url}")
    return locator.first


def iter_text_files(root: Path) -> Iterator[Path]:
    """Files of a built site that can hold text a reader or a script sees."""
    suffixes = {".html", ".json", ".xml", ".js", ".txt", ".ics", ".css", ".webmanifest"}
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in suffixes:
            yield path


#: Collected in the page: every way an attribute or element could run or load something.
AUDIT_SCRIPT = r"""
() => {
  const problems = [];
  const where = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
      (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ')[0] : '');
  const unsafeUrl = (value) => {
    const v = value.replace(/[\u0000-\u0020\u007f-\u009f]/g, '').toLowerCase();
    const m = /^([a-z][a-z0-9+.-]*):/.exec(v);
    return m !== null && !['http', 'https', 'mailto'].includes(m[1]);
  };
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on')) problems.push(`${where(el)} has ${name}="${attr.value}"`);
      if (['autofocus', 'srcdoc', 'formaction'].includes(name))
        problems.push(`${where(el)} has ${name}`);
      if (['href', 'src', 'action', 'xlink:href', 'poster', 'data', 'background',
           'cite', 'srcset'].includes(name) && unsafeUrl(attr.value))
        problems.push(`${where(el)} has ${name}="${attr.value}"`);
    }
    const tag = el.tagName.toLowerCase();
    if (['iframe', 'object', 'embed', 'base', 'frame', 'frameset', 'applet'].includes(tag))
      problems.push(`a <${tag}> element`);
    if (tag === 'meta' && (el.getAttribute('http-equiv') || '').toLowerCase() === 'refresh')
      problems.push('a meta refresh');
    if (tag === 'script') {
      const type = (el.getAttribute('type') || '').toLowerCase();
      if (type === 'application/ld+json') {
        try { JSON.parse(el.textContent); }
        catch (error) { problems.push(`invalid JSON-LD: ${error}`); }
      } else if (/__pwned|alert\(/.test(el.textContent)) {
        problems.push(`a script element runs event text: ${el.textContent.slice(0, 80)}`);
      }
      if (el.src && new URL(el.src).hostname !== location.hostname)
        problems.push(`a script from ${el.src}`);
    }
  }
  return problems;
}
"""


def audit(page: Any) -> list[str]:
    """Problems in the live DOM that would let event text run or load something."""
    return list(page.evaluate(AUDIT_SCRIPT))
