"""Checking that the sources' links still work: a weekly report, not a gate.

Links rot: a dead source link is a reason to add an `archive_url`, not a reason to fail a
build. Only the standard library is used (urllib in a small pool of daemon threads) so that
both a per-request timeout and a cap on the whole run hold even against a server that
answers one byte at a time. Redirects are followed by hand, so a redirect can never lead the
checker to a `file:` URL, and hosts that resolve to private or loopback addresses are skipped
unless allowed, so an event cannot point the checker at the machine's own network.
"""

from __future__ import annotations

import http.client
import ipaddress
import queue
import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit

from generator.eventdiff import markdown_code, markdown_escape
from generator.store import Timeline

LinkState = Literal["ok", "redirected", "dead", "unreachable", "blocked", "skipped", "unchecked"]
USER_AGENT = "timeline-link-check/1 (+a weekly check of the sources a timeline cites)"
MAX_REDIRECTS = 5
#: Statuses that usually mean "no robots", not "gone": reported for a check by hand.
BLOCKED_STATUSES = frozenset({401, 403, 429, 999})
#: Most events listed under one link in the report.
MAX_USES_SHOWN = 10
_SECTIONS: tuple[tuple[LinkState, str], ...] = (
    ("dead", "Dead links"),
    ("unreachable", "Unreachable links"),
    ("blocked", "Links the site refused to the checker (check by hand)"),
    ("redirected", "Redirected links (consider citing the new address)"),
    ("skipped", "Skipped links"),
    ("unchecked", "Not checked (time limit reached)"),
)


@dataclass(frozen=True)
class LinkUse:
    """Where a link is cited: the event and the field (`sources[0].url`)."""

    event: str
    where: str


@dataclass(frozen=True)
class LinkResult:
    """What checking one link found."""

    url: str
    state: LinkState
    status: int | None = None
    final_url: str | None = None
    detail: str = ""


Checker = Callable[[str], LinkResult]


def collect_links(timeline: Timeline) -> dict[str, list[LinkUse]]:
    """Every source `url` and `archive_url` in the timeline, with the events citing it."""
    links: dict[str, list[LinkUse]] = {}
    for record in timeline.records:
        for index, source in enumerate(record.data.get("sources", [])):
            for name in ("url", "archive_url"):
                url = source.get(name)
                if isinstance(url, str):
                    links.setdefault(url, []).append(LinkUse(record.id, f"sources[{index}].{name}"))
    return links


def check_url(url: str, *, timeout: float = 10.0, allow_private: bool = False) -> LinkResult:
    """Check one link: HEAD, falling back to GET, following up to MAX_REDIRECTS by hand."""
    opener = _opener()
    current = url
    redirects: list[int] = []
    for _ in range(MAX_REDIRECTS + 1):
        refusal = address_problem(current, allow_private)
        if refusal is not None:
            return LinkResult(url, "skipped", None, current if redirects else None, refusal)
        status: int | None = None
        location: str | None = None
        try:
            status, location = _fetch(opener, current, "HEAD", timeout)
        except Exception as error:  # every failure is a finding, not a crash
            if _is_timeout(error):
                return LinkResult(url, "unreachable", None, None, _describe_error(error))
        if status is None or status >= 400:
            # Many servers answer HEAD wrongly (405, 403, 404, a reset): ask again with GET.
            try:
                status, location = _fetch(opener, current, "GET", timeout)
            except Exception as error:
                return LinkResult(url, "unreachable", None, None, _describe_error(error))
        if 300 <= status < 400 and location:
            redirects.append(status)
            current = urljoin(current, location.strip())
            continue
        return _classify(url, status, current, redirects)
    return LinkResult(url, "unreachable", None, current, f"more than {MAX_REDIRECTS} redirects")


def check_links(
    urls: Iterable[str],
    *,
    concurrency: int = 8,
    max_time: float = 900.0,
    checker: Checker | None = None,
    timeout: float = 10.0,
    allow_private: bool = False,
) -> dict[str, LinkResult]:
    """Check every link with at most `concurrency` at a time, stopping after `max_time` seconds.

    Links not reached in time are reported `unchecked`. Workers are daemon threads: a request
    still hanging at the deadline is abandoned rather than waited for.
    """
    unique = list(dict.fromkeys(urls))

    def default(url: str) -> LinkResult:
        return check_url(url, timeout=timeout, allow_private=allow_private)

    check = checker or default
    todo: queue.SimpleQueue[str] = queue.SimpleQueue()
    for url in unique:
        todo.put(url)
    results: dict[str, LinkResult] = {}
    lock = threading.Lock()
    stop = threading.Event()

    def work() -> None:
        while not stop.is_set():
            try:
                url = todo.get_nowait()
            except queue.Empty:
                return
            result = check(url)
            with lock:
                results[url] = result

    workers = [
        threading.Thread(target=work, name="link-check", daemon=True)
        for _ in range(min(concurrency, len(unique)))
    ]
    deadline = time.monotonic() + max_time
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(max(0.0, deadline - time.monotonic()))
    stop.set()
    with lock:
        found = dict(results)
    return {
        url: found.get(url) or LinkResult(url, "unchecked", detail="time limit reached")
        for url in unique
    }


def address_problem(url: str, allow_private: bool = False) -> str | None:
    """Why the checker will not request `url` (scheme, private address), or None."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return f"not an http(s) link ({parts.scheme or 'no'} scheme)"
    if not parts.hostname:
        return "the link has no host name"
    if allow_private:
        return None
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except (OSError, ValueError, UnicodeError):
        return None  # the request itself reports the failure, with its message
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if not address.is_global:
            return f"the host resolves to a non-public address ({address})"
    return None


def render_report(
    results: Mapping[str, LinkResult],
    uses: Mapping[str, Sequence[LinkUse]],
    notes: Sequence[str] = (),
) -> str:
    """The Markdown report: counts, then each kind of problem with the events citing it."""
    counts: dict[str, int] = {}
    for result in results.values():
        counts[result.state] = counts.get(result.state, 0) + 1
    events = {use.event for url in results for use in uses.get(url, ())}
    tally = ", ".join(
        f"{counts[state]} {state}" for state in ("ok", *dict(_SECTIONS)) if state in counts
    )
    lines = [
        "## Link check",
        "",
        f"Checked {len(results)} links cited by {len(events)} events: "
        f"{tally or 'nothing to check'}.",
    ]
    for state, heading in _SECTIONS:
        chosen = [result for result in results.values() if result.state == state]
        if not chosen:
            continue
        lines += ["", f"### {heading} ({len(chosen)})", ""]
        lines += [f"- {_report_line(result, uses.get(result.url, ()))}" for result in chosen]
    if notes:
        lines += [""] + [f"> {markdown_escape(note)}" for note in notes]
    return "\n".join(lines) + "\n"


def failed(results: Mapping[str, LinkResult]) -> bool:
    """True when a link is dead or unreachable (what `--strict` fails on)."""
    return any(result.state in ("dead", "unreachable") for result in results.values())


def _report_line(result: LinkResult, uses: Sequence[LinkUse]) -> str:
    if result.state == "redirected" and result.final_url:
        what = f"{markdown_escape(result.detail)} → {markdown_code(result.final_url)}"
    else:
        parts = [f"HTTP {result.status}"] if result.status else []
        parts += [markdown_escape(result.detail)] if result.detail else []
        what = ", ".join(parts) or result.state
    cited = ", ".join(
        f"{markdown_code(use.event)} ({markdown_escape(use.where)})"
        for use in uses[:MAX_USES_SHOWN]
    )
    if len(uses) > MAX_USES_SHOWN:
        cited += f" and {len(uses) - MAX_USES_SHOWN} more"
    return f"{markdown_code(result.url)}: {what}; cited by {cited or 'no event'}"


def _classify(url: str, status: int, final: str, redirects: list[int]) -> LinkResult:
    moved = final if redirects else None
    if status < 300:
        if redirects:
            codes = " → ".join(str(code) for code in redirects)
            return LinkResult(url, "redirected", status, moved, f"redirect {codes}")
        return LinkResult(url, "ok", status)
    if status in BLOCKED_STATUSES:
        return LinkResult(url, "blocked", status, moved)
    if 300 <= status < 400:
        return LinkResult(url, "dead", status, moved, "redirect without a Location")
    return LinkResult(url, "dead", status, moved)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Hand every redirect back as an HTTPError, so `check_url` decides where to go."""

    def redirect_request(self, *_args: Any, **_kwargs: Any) -> None:
        return None


def _opener() -> urllib.request.OpenerDirector:
    # Built by hand rather than with build_opener(): no file:, ftp: or data: handlers at all.
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(context=ssl.create_default_context()),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
        _NoRedirects(),
    ):
        opener.add_handler(handler)
    return opener


def _fetch(
    opener: urllib.request.OpenerDirector, url: str, method: str, timeout: float
) -> tuple[int, str | None]:
    """(status, Location header) of one request; GET reads at most a kilobyte of the body."""
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked in address_problem
        url, method=method, headers={"User-Agent": USER_AGENT, "Accept": "*/*"}
    )
    try:
        with opener.open(request, timeout=timeout) as response:
            if method == "GET":
                response.read(1024)
            return int(response.status), None
    except urllib.error.HTTPError as error:
        location = error.headers.get("Location") if error.headers else None
        error.close()
        return int(error.code), location


def _is_timeout(error: BaseException) -> bool:
    reason = getattr(error, "reason", None)
    return isinstance(error, TimeoutError) or isinstance(reason, TimeoutError)


def _describe_error(error: BaseException) -> str:
    if _is_timeout(error):
        return "timed out"
    reason = getattr(error, "reason", None)
    if isinstance(reason, socket.gaierror):
        return "host name not found"
    if isinstance(reason, ssl.SSLError):
        return f"TLS error: {reason.reason or reason}"
    if isinstance(error, http.client.HTTPException):
        return f"bad HTTP response ({type(error).__name__})"
    text = str(reason or error) or type(error).__name__
    return text if len(text) <= 120 else text[:119] + "…"
