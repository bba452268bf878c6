"""How soon does `timeline serve` show an edit? Next to plain `mkdocs serve` in the same run.

    python benchmarks/bench_serve.py [--events 10000] [--edits 3]

A copy of the synthetic corpus (corpus.py) is served twice, one server after the other, on a
free port of 127.0.0.1, as a contributor would run them:

* `timeline serve` (mkdocs serve --dirty, with the timeline plugin deciding what changed);
* `mkdocs serve` without --dirty: the baseline, a clean rebuild of the whole site per change.

For each server: the first build (until the home page answers), then `--edits` edits of one
event's title (a different event each time), each timed from writing the file to the moment
the event page served over HTTP shows the new title. That includes mkdocs' file watcher (it
polls every 0.5 s) and its 0.1 s debounce: what a contributor waits for. The timeline plugin's
log line says how many pages each rebuild rendered. Peak RSS of each server is printed too.

The issue's target: under 3 s after one edit in a 10,000-event store.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))  # corpus.py and baselines.py sit beside this script

import baselines  # noqa: E402
from bench_site import ensure_corpus  # noqa: E402

BIN = Path(sys.executable).parent
TARGET_SECONDS = 3.0
_RENDERED = re.compile(r"timeline: (\d+ events? changed: rendering \d+ of \d+ generated pages)")


@dataclass
class Server:
    """One serve process and what it printed."""

    label: str
    command: list[str]
    env: dict[str, str]
    process: subprocess.Popen[str] | None = None
    lines: list[str] = field(default_factory=list)
    port: int = 0

    def start(self) -> None:
        self.port = _free_port()
        self.process = subprocess.Popen(
            [*self.command, "--dev-addr", f"127.0.0.1:{self.port}"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=self.env,
            start_new_session=True,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process is not None
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    def peak_rss_mib(self) -> float:
        """The largest VmHWM (peak resident size) of the server's processes, in MiB:
        `timeline serve` runs mkdocs in a child process."""
        assert self.process is not None
        peaks = [_peak_rss_kib(pid) for pid in _process_tree(self.process.pid)]
        return max(peaks, default=0) / 1024

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def _process_tree(pid: int) -> list[int]:
    """`pid` and its descendants, from /proc/<pid>/task/*/children."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                todo.extend(int(child) for child in task.read_text().split())
            except OSError:
                continue
    return found


def _peak_rss_kib(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except OSError:
        return 0
    match = re.search(r"VmHWM:\s+(\d+) kB", status)
    return int(match[1]) if match else 0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return str(response.read().decode("utf-8"))
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def _wait_for(url: str, text: str, timeout: float, server: Server) -> float:
    """Seconds until the page at `url` contains `text` (polled every 20 ms)."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        page = _fetch(url)
        if page is not None and text in page:
            return time.perf_counter() - start
        if server.process is not None and server.process.poll() is not None:
            tail = "\n".join(server.lines[-30:])
            raise SystemExit(f"{server.label} stopped:\n{tail}")
        time.sleep(0.02)
    raise SystemExit(f"{server.label}: {text!r} not shown at {url} within {timeout:.0f} s")


def _retitle(path: Path, title: str) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    lines = [f"title: {title}" if line.startswith("title:") else line for line in lines]
    path.write_text("\n".join(lines), encoding="utf-8")


def run(server: Server, store: Path, edits: list[Path], timeout: float) -> dict[str, object]:
    """First build, then each edit timed until the served page shows it."""
    print(f"{server.label}: first build", file=sys.stderr)
    start = time.perf_counter()
    server.start()
    try:
        first = _wait_for(server.url(""), "</html>", timeout, server)
        first = time.perf_counter() - start
        times: list[float] = []
        rendered: list[str] = []
        for number, path in enumerate(edits, 1):
            time.sleep(1.5)  # let the watcher settle after the previous build
            title = f"Edited {number} for the serve benchmark {server.label}"
            seen = len(server.lines)
            _retitle(path, title)
            times.append(_wait_for(server.url(f"events/{path.stem}/"), title, timeout, server))
            time.sleep(0.3)  # the log line of that build
            rendered.extend(m[1] for line in server.lines[seen:] if (m := _RENDERED.search(line)))
            print(f"  edit {number}: {times[-1]:.2f} s", file=sys.stderr)
        return {"first": first, "times": times, "rss": server.peak_rss_mib(), "rendered": rendered}
    finally:
        server.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--edits", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--timeout", type=float, default=600.0, help="per wait, seconds")
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument(
        "--no-baseline", action="store_true", help="only timeline serve (the baseline is slow)"
    )
    args = parser.parse_args(argv)
    corpus_store = ensure_corpus(args.out, args.events, args.seed)
    work = Path(tempfile.mkdtemp(prefix="serve-bench-", dir=args.out))
    try:
        store = work / "events"
        shutil.copytree(corpus_store, store)
        config = baselines.generator_config(work, store)
        files = sorted(store.glob("[0-9]*/*.yaml"))
        env = {**os.environ, "TIMELINE_CACHE_DIR": str(work / "cache")}
        servers = [
            Server("timeline serve", [str(BIN / "timeline"), "serve", "-f", str(config)], env),
            Server("mkdocs serve", [str(BIN / "mkdocs"), "serve", "-f", str(config)], env),
        ]
        if args.no_baseline:
            servers = servers[:1]
        results = {}
        for offset, server in enumerate(servers):
            # different events for each server, spread over the chronology
            picks = [
                files[(len(files) * (2 * k + 1 + offset)) // (2 * args.edits + 2)]
                for k in range(args.edits)
            ]
            results[server.label] = run(server, store, picks, args.timeout)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    _report(args, results)
    return 0


def _report(args: argparse.Namespace, results: dict[str, dict[str, object]]) -> None:
    print(f"serve benchmark: {args.events:,} events, {args.edits} edits each")
    print(f"python {platform.python_version()}, {os.cpu_count()} cores")
    print()
    print("| server | first build | edit → page shows it (median) | each edit | peak RSS |")
    print("| --- | ---: | ---: | --- | ---: |")
    medians = {}
    for label, result in results.items():
        times = result["times"]
        assert isinstance(times, list)
        medians[label] = statistics.median(times)
        each = ", ".join(f"{value:.2f}" for value in times)
        print(
            f"| {label} | {result['first']:.1f} s | {medians[label]:.2f} s | {each} s | "
            f"{result['rss']:.0f} MiB |"
        )
    print()
    for line in results["timeline serve"]["rendered"]:  # type: ignore[attr-defined]
        print(f"timeline serve: {line}")
    ours = medians["timeline serve"]
    verdict = "PASS" if ours < TARGET_SECONDS else "FAIL"
    against = ""
    if "mkdocs serve" in medians:
        baseline = medians["mkdocs serve"]
        against = f" vs {baseline:.2f} s for a clean rebuild ({baseline / ours:.1f}x)"
    print(f"edit to page: {ours:.2f} s{against}; target < {TARGET_SECONDS:.0f} s: {verdict}")


if __name__ == "__main__":
    raise SystemExit(main())
