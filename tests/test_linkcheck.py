"""`timeline check-links` against a local HTTP server: no external network."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import VALID_STORE, event_yaml

from generator.cli import main
from generator.linkcheck import (
    LinkResult,
    LinkUse,
    address_problem,
    check_links,
    check_url,
    collect_links,
    render_report,
)
from generator.store import load_timeline

SLOW_SECONDS = 2.0


ROUTES = {
    "/ok": (200, None),
    "/missing": (404, None),
    "/forbidden": (403, None),
    "/moved": (301, "/ok"),
    "/moved-twice": (302, "/moved"),
    "/to-file": (302, "file:///etc/passwd"),
    "/loop": (302, "/loop"),
    "/gone": (410, None),
}


class _Handler(BaseHTTPRequestHandler):
    def _answer(self, body: bool) -> None:
        path = self.path.split("?")[0]
        if path == "/slow":
            time.sleep(SLOW_SECONDS)
        if path == "/head-refused" and self.command == "HEAD":
            status, location = 405, None
        elif path in ("/head-refused", "/slow"):
            status, location = 200, None
        else:
            status, location = ROUTES.get(path, (404, None))
        self.send_response(status)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Length", "2")
        self.end_headers()
        if body:
            self.wfile.write(b"ok")

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def do_GET(self) -> None:
        self._answer(body=True)

    def log_message(self, *_args) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def handle_error(self, *_args) -> None:
        pass  # the client hung up on /slow, as the test wants


@pytest.fixture
def server():
    httpd = _Server(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _check(url: str, timeout: float = 1.0) -> LinkResult:
    return check_url(url, timeout=timeout, allow_private=True)


def test_ok(server):
    assert _check(f"{server}/ok") == LinkResult(f"{server}/ok", "ok", 200)


@pytest.mark.parametrize(("path", "status"), [("/missing", 404), ("/gone", 410)])
def test_dead(server, path, status):
    result = _check(server + path)
    assert (result.state, result.status) == ("dead", status)


def test_refused_to_robots_is_not_called_dead(server):
    assert _check(f"{server}/forbidden").state == "blocked"


def test_redirects_are_followed_and_reported(server):
    result = _check(f"{server}/moved-twice")
    assert (result.state, result.status, result.final_url, result.detail) == (
        "redirected",
        200,
        f"{server}/ok",
        "redirect 302 → 301",
    )


def test_head_refused_falls_back_to_get(server):
    assert _check(f"{server}/head-refused").state == "ok"


def test_redirect_to_a_file_url_is_never_followed(server):
    result = _check(f"{server}/to-file")
    assert result.state == "skipped"
    assert "not an http(s) link" in result.detail


def test_redirect_loop(server):
    result = _check(f"{server}/loop")
    assert (result.state, result.detail) == ("unreachable", "more than 5 redirects")


def test_slow_server_times_out(server):
    started = time.monotonic()
    result = _check(f"{server}/slow", timeout=0.3)
    assert (result.state, result.detail) == ("unreachable", "timed out")
    assert time.monotonic() - started < SLOW_SECONDS


def test_nothing_listening():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Nothing listens on the port once the probe is closed.
    assert _check(f"http://127.0.0.1:{port}/").state == "unreachable"


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1/x", "non-public address (127.0.0.1)"),
        ("http://[::1]/x", "non-public address (::1)"),
        ("http://169.254.169.254/latest", "non-public address (169.254.169.254)"),
        ("http://10.1.2.3/", "non-public address (10.1.2.3)"),
        ("file:///etc/passwd", "not an http(s) link (file scheme)"),
        ("https:///nohost", "no host name"),
    ],
)
def test_private_and_odd_addresses_are_skipped(url, reason):
    problem = address_problem(url)
    assert problem is not None
    assert reason in problem
    assert check_url(url).state == "skipped"


def test_pool_respects_the_total_time_limit(server):
    urls = [f"{server}/slow?{n}" for n in range(4)]
    started = time.monotonic()
    results = check_links(urls, concurrency=1, max_time=0.5, timeout=5, allow_private=True)
    assert time.monotonic() - started < SLOW_SECONDS
    assert [r.state for r in results.values()] == ["unchecked"] * 4


def test_pool_bounds_concurrency():
    running, peak = 0, 0
    lock = threading.Lock()

    def fake(url: str) -> LinkResult:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(0.02)
        with lock:
            running -= 1
        return LinkResult(url, "ok", 200)

    urls = [f"https://example.org/{n}" for n in range(30)] * 2
    results = check_links(urls, concurrency=3, checker=fake)
    assert len(results) == 30  # each link once
    assert peak == 3


def test_collect_links_from_the_fixture_store():
    report = load_timeline(VALID_STORE, cache_dir=None)
    links = collect_links(report.timeline)
    assert links["https://example.org/archive/atacms"] == [
        LinkUse("2024-11-17-us-authorises-atacms", "sources[0].archive_url")
    ]
    assert all(url.startswith(("https://", "http://")) for url in links)


def test_report_escapes_and_groups():
    results = {
        "https://example.org/a": LinkResult("https://example.org/a", "dead", 404),
        "https://example.org/b": LinkResult(
            "https://example.org/b", "redirected", 200, "https://example.org/c", "redirect 301"
        ),
        "https://example.org/ok": LinkResult("https://example.org/ok", "ok", 200),
    }
    uses = {
        "https://example.org/a": [LinkUse("2024-05-01-a", "sources[0].url")],
        "https://example.org/b": [LinkUse("2024-05-01-b", "sources[1].archive_url")],
    }
    assert render_report(results, uses) == (
        "## Link check\n"
        "\n"
        "Checked 3 links cited by 2 events: 1 ok, 1 dead, 1 redirected.\n"
        "\n"
        "### Dead links (1)\n"
        "\n"
        "- `https://example.org/a`: HTTP 404; cited by `2024-05-01-a` (sources\\[0\\].url)\n"
        "\n"
        "### Redirected links (consider citing the new address) (1)\n"
        "\n"
        "- `https://example.org/b`: redirect 301 → `https://example.org/c`; "
        "cited by `2024-05-01-b` (sources\\[1\\].archive\\_url)\n"
    )


def _local_store(tmp_path: Path, server: str) -> Path:
    events = tmp_path / "events"
    events.mkdir()
    for name in ("actors.yaml", "places.yaml", "tags.yaml"):
        shutil.copy(VALID_STORE / name, events / name)
    for day, path in (("01", "/ok"), ("02", "/missing"), ("03", "/moved")):
        text = event_yaml(f"2024-05-{day}", f"Event {day}").replace(
            "https://example.org/a", server + path
        )
        (events / "2024").mkdir(exist_ok=True)
        (events / "2024" / f"2024-05-{day}-event.yaml").write_text(text, encoding="utf-8")
    return events


def test_command_reports_without_failing(server, tmp_path):
    events = _local_store(tmp_path, server)
    report = tmp_path / "report.md"
    args = ["check-links", "--events", str(events), "--allow-private", "--timeout", "2"]
    result = CliRunner().invoke(main, [*args, "--report", str(report)])
    assert result.exit_code == 0, result.output
    assert result.output == report.read_text(encoding="utf-8")
    assert "Checked 3 links cited by 3 events: 1 ok, 1 dead, 1 redirected." in result.output
    assert f"- `{server}/missing`: HTTP 404; cited by `2024-05-02-event`" in result.output
    strict = CliRunner().invoke(main, [*args, "--strict"])
    assert strict.exit_code == 1


def test_command_skips_private_hosts_by_default(server, tmp_path):
    events = _local_store(tmp_path, server)
    result = CliRunner().invoke(main, ["check-links", "--events", str(events), "--strict"])
    assert result.exit_code == 0
    assert "3 skipped" in result.output
