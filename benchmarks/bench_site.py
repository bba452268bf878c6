"""How fast is the site build? The generator next to plain mkdocs-material and Material's blog.

    python benchmarks/bench_site.py [--sizes 1000,10000] [--blog-sizes 2000] [--repeat 1]
    python benchmarks/bench_site.py --profile-only [--profile-events 10000]

For each size N, with a synthetic corpus of N events (corpus.py, kept in benchmarks/out/),
each build is `mkdocs build` in its own process, timed with wall clock, CPU time of the process
tree and peak RSS (the largest single process, from `wait4`), into an empty site folder:

* generator, cold: the project's mkdocs.yml (search and timeline plugins) with an empty
  TIMELINE_CACHE_DIR, so every event file is validated;
* generator, warm: the same with the validation cache that build left;
* baseline A (`--sizes`): plain mkdocs-material building one hand-written Markdown page per
  event (baselines.py), outside the nav, search plugin on;
* baseline B (`--blog-sizes`): Material's blog plugin publishing the same events as posts.

The issue's targets (2 cores): at 10,000 events the generator adds no more than 25% over
baseline A; at 2,000 events it is at least 5x as fast as the blog plugin.

Other work on the machine skews wall times. Each build records the 1-minute load average
before it and how many cores other processes kept busy while it ran (busy time of the whole
machine from /proc/stat minus the build's own CPU time); a build during which others used more
than `--max-other` cores is run again (up to `--retries` times) and the least disturbed run is
kept. CPU seconds are printed too: they move much less with load than wall time.

`--profile` profiles one warm generator build in this process (cProfile), all of its work in
one process (the children that share a build's work over the cores are off), and splits its
time into loading the timeline, the page model, the data downloads, our rendering, mkdocs' and
Material's templates, the search index and writing files.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gc
import gzip
import os
import platform
import pstats
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))  # corpus.py and baselines.py sit beside this script

import baselines  # noqa: E402
import corpus  # noqa: E402

TARGET_OVER_PLAIN = 0.25  # the generator at most 25% slower than plain pages, at 10,000 events
TARGET_OVER_PLAIN_AT = 10_000
TARGET_BLOG_SPEEDUP = 5.0  # and at least 5x as fast as the blog plugin, at 2,000 events
TARGET_BLOG_AT = 2_000
_BUSY_FIELDS = (0, 1, 2, 5, 6, 7)  # user nice system irq softirq steal, in /proc/stat's cpu line


@dataclass
class Build:
    """One `mkdocs build` in a subprocess, and what it produced."""

    seconds: float
    cpu_seconds: float  # user + system of the build and its reaped children (validation pool)
    max_rss_kib: int  # the largest single process of the tree
    load_before: float  # 1-minute load average when the build started
    other_cores: float  # cores kept busy by other processes during the build, on average
    returncode: int  # -9 after a timeout
    output: str
    timed_out: bool = False
    site: SiteStats | None = None


@dataclass
class SiteStats:
    """What a build wrote: the reader-facing sizes the issue asks about."""

    files: int
    bytes: int
    html_pages: int
    biggest_pages: list[tuple[str, int]]  # the three biggest HTML pages, biggest first
    search_index_bytes: int
    search_index_gzip_bytes: int
    biggest_file: str
    biggest_file_bytes: int


@dataclass
class Series:
    """The runs of one kind of build at one size (`kept` is what the table shows)."""

    label: str
    events: int
    runs: list[Build] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.runs) and all(r.returncode == 0 for r in self.runs)

    @property
    def slowest(self) -> float:
        return max(run.seconds for run in self.runs)

    @property
    def kept(self) -> Build:
        good = [run for run in self.runs if run.returncode == 0] or self.runs
        return min(good, key=lambda run: run.seconds)


# --------------------------------------------------------------------------------------------
# Measuring


def _busy_jiffies() -> int:
    with open("/proc/stat", encoding="ascii") as handle:
        fields = handle.readline().split()[1:]
    return sum(int(fields[index]) for index in _BUSY_FIELDS)


def _load1() -> float:
    return os.getloadavg()[0]


def run_build(config: Path, env: dict[str, str], timeout: float) -> Build:
    """`mkdocs build -f config` as a subprocess in its own process group, killed at `timeout`."""
    ticks = os.sysconf("SC_CLK_TCK")
    command = [sys.executable, "-m", "mkdocs", "build", "-f", str(config)]
    with tempfile.TemporaryFile() as out:
        load_before = _load1()
        busy_before = _busy_jiffies()
        started = time.perf_counter()
        process = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=REPO, start_new_session=True
        )
        timed_out = False
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - started > timeout:
                # the group is the build and its validation workers, all started here
                os.killpg(process.pid, signal.SIGKILL)
                pid, status, usage = os.wait4(process.pid, 0)
                timed_out = True
                break
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        cpu = usage.ru_utime + usage.ru_stime
        busy = (_busy_jiffies() - busy_before) / ticks
        out.seek(0)
        text = out.read().decode("utf-8", errors="replace")
    return Build(
        seconds=seconds,
        cpu_seconds=cpu,
        max_rss_kib=usage.ru_maxrss,
        load_before=load_before,
        other_cores=max(0.0, busy - cpu) / seconds,
        returncode=process.returncode,
        output=text,
        timed_out=timed_out,
    )


def site_stats(site: Path) -> SiteStats:
    """Count and size the output; the biggest HTML page and the search index matter to readers."""
    files = total = 0
    pages: list[tuple[str, int]] = []
    biggest_file, biggest_file_bytes = "", 0
    for folder, _dirs, names in os.walk(site):
        for name in names:
            path = Path(folder, name)
            size = path.stat().st_size
            files += 1
            total += size
            relative = path.relative_to(site).as_posix()
            if size > biggest_file_bytes:
                biggest_file, biggest_file_bytes = relative, size
            if name.endswith(".html"):
                pages.append((relative, size))
    index = site / "search" / "search_index.json"
    raw = index.read_bytes() if index.is_file() else b""
    return SiteStats(
        files=files,
        bytes=total,
        html_pages=len(pages),
        biggest_pages=sorted(pages, key=lambda page: -page[1])[:3],
        search_index_bytes=len(raw),
        search_index_gzip_bytes=len(gzip.compress(raw, compresslevel=6, mtime=0)) if raw else 0,
        biggest_file=biggest_file,
        biggest_file_bytes=biggest_file_bytes,
    )


@dataclass
class Settings:
    """How careful to be about a shared machine."""

    timeout: float
    max_other: float
    retries: int
    load_wait: float
    keep: bool


def measure(
    series: Series,
    config: Path,
    env: dict[str, str],
    settings: Settings,
    prepare: Callable[[], None],
) -> Build:
    """Build once (more when others disturbed the run), keep the least disturbed run."""
    site = config.parent / "site"
    attempts: list[Build] = []
    for attempt in range(settings.retries + 1):
        _wait_for_quiet(settings)
        if site.exists():
            shutil.rmtree(site)
        prepare()
        print(
            f"  {series.label}, {series.events:,} events (load {_load1():.2f})",
            file=sys.stderr,
            flush=True,
        )
        build = run_build(config, env, settings.timeout)
        print(
            f"    {build.seconds:.1f} s wall, {build.cpu_seconds:.1f} s CPU, "
            f"{build.max_rss_kib / 1024:.0f} MiB, others used {build.other_cores:.2f} cores"
            + (", TIMED OUT" if build.timed_out else "")
            + (f", exit {build.returncode}" if build.returncode and not build.timed_out else ""),
            file=sys.stderr,
            flush=True,
        )
        if build.returncode == 0 and site.is_dir():
            build.site = site_stats(site)
        attempts.append(build)
        if build.returncode != 0 or build.other_cores <= settings.max_other:
            break
        if attempt < settings.retries:
            print("    the machine was busy: building again", file=sys.stderr)
    best = min(attempts, key=lambda run: (run.returncode != 0, run.other_cores, run.seconds))
    series.runs.append(best)
    if not settings.keep and site.exists():
        shutil.rmtree(site)
    return best


def _wait_for_quiet(settings: Settings) -> None:
    """Give other work up to `load_wait` seconds to calm down before a build starts."""
    limit = max(1.0, (os.cpu_count() or 1) * settings.max_other)
    deadline = time.monotonic() + settings.load_wait
    while _load1() > limit and time.monotonic() < deadline:
        time.sleep(10)


# --------------------------------------------------------------------------------------------
# The benchmark


def ensure_corpus(out: Path, events: int, seed: int) -> Path:
    """The corpus folder (shared with bench_validate.py), generated when missing or stale."""
    directory = out / f"corpus-{events}-seed{seed}"
    if not corpus.matches(directory, events, seed):
        started = time.perf_counter()
        corpus.generate(directory, events, seed)
        print(
            f"generated {events:,} events in {time.perf_counter() - started:.1f} s",
            file=sys.stderr,
        )
    return directory / "events"


def _env(cache: Path | None = None) -> dict[str, str]:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", NO_COLOR="1")
    if cache is not None:
        env["TIMELINE_CACHE_DIR"] = str(cache)
    return env


def _nothing() -> None:
    return None


def benchmark(args: argparse.Namespace, settings: Settings) -> dict[tuple[str, int], Series]:
    """Every build the targets need, size by size; returns the series by (kind, events).

    The builds of one size are interleaved (generator cold, warm, then the baselines, and
    again for each repetition): this machine's speed drifts by 10-20% over minutes, and
    running one series after the other would charge that drift to the comparison.
    """
    results: dict[tuple[str, int], Series] = {}
    generator_sizes = sorted(set(args.sizes) | set(args.blog_sizes))
    work = Path(tempfile.mkdtemp(prefix="site-bench-", dir=args.out))
    try:
        for events in generator_sizes:
            store = ensure_corpus(args.out, events, args.seed)
            data = corpus.build(events, args.seed)
            print(f"{events:,} events", file=sys.stderr)
            folder = work / f"generator-{events}"
            folder.mkdir()
            config = baselines.generator_config(folder, store)
            cold = results[("cold", events)] = Series("generator, cold cache", events)
            warm = results[("warm", events)] = Series("generator, warm cache", events)
            baselines_here: list[tuple[Series, Path]] = []
            if events in args.sizes:
                plain = results[("plain", events)] = Series("baseline A: plain pages", events)
                (work / f"plain-{events}").mkdir()
                baselines_here.append((plain, baselines.plain_site(work / f"plain-{events}", data)))
            if events in args.blog_sizes:
                blog = results[("blog", events)] = Series("baseline B: blog plugin", events)
                (work / f"blog-{events}").mkdir()
                baselines_here.append((blog, baselines.blog_site(work / f"blog-{events}", data)))
            for repetition in range(args.repeat):
                cache = folder / f"cache-{repetition}"

                def empty_cache(cache: Path = cache) -> None:
                    shutil.rmtree(cache, ignore_errors=True)

                measure(cold, config, _env(cache), settings, empty_cache)
                measure(warm, config, _env(cache), settings, _nothing)
                for series, baseline_config in baselines_here:
                    if not (series.runs and series.kept.timed_out):
                        measure(series, baseline_config, _env(), settings, _nothing)
    finally:
        if not settings.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"sites kept in {work}", file=sys.stderr)
    return results


def report(args: argparse.Namespace, results: dict[tuple[str, int], Series]) -> None:
    print()
    print(f"site build benchmark, corpus seed {args.seed}; {args.repeat} run(s) each, fastest kept")
    print(
        f"{dt.date.today()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, mkdocs {_version('mkdocs')}, "
        f"mkdocs-material {_version('mkdocs-material')}"
    )
    print()
    header = (
        f"{'build':<26} {'events':>7} {'wall s':>8} {'slowest':>8} {'ms/event':>9} {'CPU s':>8} "
        f"{'RSS MiB':>8} {'load':>5} {'others':>6}"
    )
    print(header)
    print("-" * len(header))
    for (_kind, _events), series in sorted(results.items(), key=lambda item: item[0][1]):
        run = series.kept
        if run.timed_out:
            print(f"{series.label:<26} {series.events:>7,} timed out after {run.seconds:.0f} s")
            continue
        failed = "" if run.returncode == 0 else f"  FAILED (exit {run.returncode})"
        print(
            f"{series.label:<26} {series.events:>7,} {run.seconds:8.1f} {series.slowest:8.1f} "
            f"{run.seconds / series.events * 1000:9.2f} {run.cpu_seconds:8.1f} "
            f"{run.max_rss_kib / 1024:8.0f} {run.load_before:5.2f} {run.other_cores:6.2f}{failed}"
        )
    print()
    print("wall s: the fastest run, whose CPU time, RSS, load and others are shown; slowest: the")
    print("slowest run. load: 1-minute load average before the build; others: cores kept busy by")
    print("other processes during it (the machine's busy time minus the build's own CPU time).")
    print()
    _ratios(results)
    print()
    _outputs(results)
    for series in results.values():
        run = series.kept
        if run.returncode != 0 and not run.timed_out:
            print(f"\n{series.label}, {series.events:,} events, last lines of its output:")
            print("\n".join("    " + line for line in run.output.strip().splitlines()[-15:]))


def _ratios(results: dict[tuple[str, int], Series]) -> None:
    print("ratios (wall time; CPU time in brackets)")
    for (kind, events), plain in sorted(results.items(), key=lambda item: item[0][1]):
        if kind != "plain" or not plain.ok:
            continue
        for mode in ("cold", "warm"):
            ours = results.get((mode, events))
            if ours is None or not ours.ok:
                continue
            over = ours.kept.seconds / plain.kept.seconds - 1
            cpu = ours.kept.cpu_seconds / plain.kept.cpu_seconds - 1
            verdict = ""
            if events == TARGET_OVER_PLAIN_AT:
                verdict = (
                    f"  target <= +{TARGET_OVER_PLAIN:.0%}: "
                    f"{'PASS' if over <= TARGET_OVER_PLAIN else 'FAIL'}"
                )
            print(
                f"  generator ({mode}) over plain pages, {events:,} events: "
                f"{over:+.0%} ({cpu:+.0%}){verdict}"
            )
    for (kind, events), blog in sorted(results.items(), key=lambda item: item[0][1]):
        if kind != "blog":
            continue
        for mode in ("cold", "warm"):
            ours = results.get((mode, events))
            if ours is None or not ours.ok:
                continue
            at_least = "at least " if blog.kept.timed_out else ""
            speedup = blog.kept.seconds / ours.kept.seconds
            cpu = blog.kept.cpu_seconds / ours.kept.cpu_seconds
            verdict = ""
            if events == TARGET_BLOG_AT and (blog.ok or blog.kept.timed_out):
                verdict = (
                    f"  target >= {TARGET_BLOG_SPEEDUP:.0f}x: "
                    f"{'PASS' if speedup >= TARGET_BLOG_SPEEDUP else 'FAIL'}"
                )
            print(
                f"  blog plugin / generator ({mode}), {events:,} events: "
                f"{at_least}{speedup:.1f}x ({cpu:.1f}x){verdict}"
            )


def _outputs(results: dict[tuple[str, int], Series]) -> None:
    print("output (from the kept run)")
    header = (
        f"  {'build':<26} {'events':>7} {'files':>7} {'MB':>7} {'pages':>7} "
        f"{'search KB':>10} {'gzip KB':>8}"
    )
    print(header)
    for (kind, events), series in sorted(results.items(), key=lambda item: item[0][1]):
        stats = series.kept.site
        if stats is None or kind == "warm":
            continue
        print(
            f"  {series.label:<26} {events:>7,} {stats.files:>7,} {stats.bytes / 1e6:7.1f} "
            f"{stats.html_pages:>7,} {stats.search_index_bytes / 1024:10.0f} "
            f"{stats.search_index_gzip_bytes / 1024:8.0f}"
        )
        biggest = ", ".join(f"{path} ({size / 1024:.0f} KB)" for path, size in stats.biggest_pages)
        print(f"  {'':<26} {'':>7} biggest pages: {biggest}")
        if stats.biggest_file not in {path for path, _size in stats.biggest_pages}:
            print(
                f"  {'':<26} {'':>7} biggest file: {stats.biggest_file} "
                f"({stats.biggest_file_bytes / 1024:.0f} KB)"
            )


def _version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "?"


# --------------------------------------------------------------------------------------------
# Profile

#: The stages of a build: (module, owner, attribute, stage). Each wrapped function's CPU time
#: is charged to its stage, minus the time of wrapped functions it calls (their own stages).
_STAGES: list[tuple[str, str, str, str]] = [
    ("generator.plugin", "", "load_store", "load and validate the timeline"),
    ("generator.plugin", "", "build_site", "page model (pages.build_site)"),
    ("generator.plugin_files", "", "write_site_data", "data downloads and feeds"),
    ("generator.plugin", "TimelinePlugin", "on_page_content", "our rendering (on_page_content)"),
    ("generator.plugin", "TimelinePlugin", "on_files", "other timeline hooks"),
    ("generator.plugin", "TimelinePlugin", "on_page_markdown", "other timeline hooks"),
    ("generator.plugin", "TimelinePlugin", "on_post_build", "other timeline hooks"),
    ("mkdocs.structure.pages", "Page", "render", "mkdocs Markdown (Page.render)"),
    ("material.plugins.search.plugin", "SearchPlugin", "on_page_context", "search index"),
    ("material.plugins.search.plugin", "SearchPlugin", "on_post_build", "search index"),
    ("mkdocs.utils", "", "write_file", "writing files (utils.write_file)"),
    ("mkdocs.structure.files", "Files", "copy_static_files", "copying theme and static files"),
    ("mkdocs.commands.build", "", "_build_page", "mkdocs/Material page templates"),
    ("mkdocs.commands.build", "", "build", "rest of mkdocs (files, nav, config, links)"),
]


class _Stages:
    """Exclusive CPU time per stage, from wrappers around a few functions (not a profiler).

    Only a handful of calls per page are timed, so the split is close to an unprofiled build
    and, being CPU time, hardly moves when other work shares the machine.
    """

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {stage: 0.0 for *_, stage in _STAGES}
        self.calls: dict[str, int] = dict.fromkeys(self.seconds, 0)
        self.missing: list[str] = []
        self._nested: list[float] = []
        self._restore: list[tuple[Any, str, Any, bool]] = []
        self.gc_seconds = 0.0  # cyclic garbage collection, counted inside the stages too
        self.gc_full = 0
        self._gc_started = 0.0

    def __enter__(self) -> _Stages:
        import importlib
        import inspect

        for module_name, owner_name, attribute, stage in _STAGES:
            module = importlib.import_module(module_name)
            owner = getattr(module, owner_name) if owner_name else module
            if not hasattr(owner, attribute):  # the plugin changes; say what was not timed
                self.missing.append(f"{module_name}.{owner_name or ''}{attribute}")
                continue
            original = inspect.getattr_static(owner, attribute)
            inherited = isinstance(owner, type) and attribute not in vars(owner)
            setattr(owner, attribute, self._timed(original, stage))
            self._restore.append((owner, attribute, original, inherited))
        gc.callbacks.append(self._gc)
        return self

    def _gc(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._gc_started = time.process_time()
            return
        self.gc_seconds += time.process_time() - self._gc_started
        self.gc_full += info.get("generation") == 2

    def __exit__(self, *_exc: object) -> None:
        gc.callbacks.remove(self._gc)
        for owner, attribute, original, inherited in reversed(self._restore):
            if inherited:
                delattr(owner, attribute)
            else:
                setattr(owner, attribute, original)

    def _timed(self, function: Callable[..., Any], stage: str) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.process_time()
            self._nested.append(0.0)
            try:
                return function(*args, **kwargs)
            finally:
                elapsed = time.process_time() - started
                inner = self._nested.pop()
                self.seconds[stage] += elapsed - inner
                self.calls[stage] += 1
                if self._nested:
                    self._nested[-1] += elapsed

        return timed


@dataclass
class _Profiled:
    label: str
    wall: float
    cpu: float
    pages: int
    stages: _Stages


def profile(args: argparse.Namespace) -> None:
    """Where one warm generator build spends its time, next to the plain pages' build."""
    events = args.profile_events
    store = ensure_corpus(args.out, events, args.seed)
    work = Path(tempfile.mkdtemp(prefix="site-profile-", dir=args.out))
    try:
        config_file = baselines.generator_config(work, store)
        # fill the validation cache first: a cold build validates in worker processes, which
        # this process does not see; the cold extra is the difference of the timed builds
        first = run_build(config_file, _env(work / "cache"), args.timeout)
        if first.returncode != 0:
            raise SystemExit(f"the build failed:\n{first.output[-3000:]}")
        # All of the build's work in this process, where the profile sees it (`jobs: 1`: no
        # child builds half of the pages, renders Markdown ahead or writes the downloads).
        alone = _env(work / "cache")
        config_file = baselines.generator_config(work, store, jobs=1)
        print("profile: instrumented generator build", file=sys.stderr)
        runs = [_instrumented("generator, warm cache", config_file, alone)]
        plain_config = None
        if args.profile_baseline:
            folder = work / "plain"
            folder.mkdir()
            plain_config = baselines.plain_site(folder, corpus.build(events, args.seed))
            print("profile: instrumented plain pages build", file=sys.stderr)
            runs.append(_instrumented("plain pages", plain_config, _env()))
        entries: Entries = {}
        if args.cprofile:
            print("profile: generator build under cProfile", file=sys.stderr)
            entries = _cprofile(config_file, alone)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print()
    print(f"profile: one warm generator build of {events:,} events in this process")
    print(
        f"(the cold build before it: {first.seconds:.1f} s wall, {first.cpu_seconds:.1f} s CPU "
        f"with the validation workers; load average now {_load1():.2f})"
    )
    print()
    _print_stages(runs)
    if entries:
        _print_top(entries, args.top)


def _instrumented(label: str, config_file: Path, env: dict[str, str]) -> _Profiled:
    from mkdocs.commands import build
    from mkdocs.config import load_config

    site = config_file.parent / "site"
    if site.exists():
        shutil.rmtree(site)
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        # wrap before load_config: mkdocs keeps bound plugin methods from then on
        with _Stages() as stages:
            config = load_config(config_file=str(config_file))
            wall, cpu = time.perf_counter(), time.process_time()
            build.build(config)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    finally:
        os.environ.clear()
        os.environ.update(saved)
    pages = sum(1 for _ in site.rglob("*.html"))
    shutil.rmtree(site, ignore_errors=True)
    return _Profiled(label, wall, cpu, pages, stages)


def _print_stages(runs: list[_Profiled]) -> None:
    print("where the time goes: CPU seconds per stage (exclusive), share, ms per page written")
    print(f"  {'stage':<44}" + "".join(f" {run.label:>27}" for run in runs))
    for stage in runs[0].stages.seconds:
        cells = "".join(
            f" {run.stages.seconds[stage]:9.2f} {run.stages.seconds[stage] / run.cpu:6.1%} "
            f"{run.stages.seconds[stage] / run.pages * 1000:7.2f} ms"
            for run in runs
        )
        print(f"  {stage:<44}{cells}")
    print(f"  {'whole build, CPU':<44}" + "".join(f" {run.cpu:9.2f} {'':>17}" for run in runs))
    print(f"  {'whole build, wall':<44}" + "".join(f" {run.wall:9.2f} {'':>17}" for run in runs))
    print(f"  {'HTML pages written':<44}" + "".join(f" {run.pages:>9,} {'':>17}" for run in runs))
    print(
        f"  {'garbage collection (inside the stages)':<44}"
        + "".join(
            f" {run.stages.gc_seconds:9.2f} {run.stages.gc_seconds / run.cpu:6.1%} "
            f"{run.stages.gc_full:>4} full"
            for run in runs
        )
    )
    for run in runs:
        if run.stages.missing:
            print(f"  not timed in {run.label} (renamed?): {', '.join(run.stages.missing)}")


# --------------------------------------------------------------------------------------------
# cProfile, for the functions behind the stages

Entries = dict[tuple[str, int, str], tuple[Any, ...]]


def _cprofile(config_file: Path, env: dict[str, str]) -> Entries:
    """`mkdocs build` of `config_file` under cProfile (wall clock), in this process."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    site = config_file.parent / "site"
    if site.exists():
        shutil.rmtree(site)
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        config = load_config(config_file=str(config_file))
        profiler = cProfile.Profile()
        profiler.enable()
        build(config)
        profiler.disable()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    entries: Entries = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    return entries


def _print_top(entries: Entries, top: int) -> None:
    pages = _calls(entries, "mkdocs/commands/build.py", "_build_page")
    parsed = _calls(entries, "material/plugins/search/plugin.py", "handle_starttag")
    whole = _cumulative(entries, "mkdocs/commands/build.py", "build")
    print()
    print(f"cProfile of the same build (wall clock, about 2.5x slower): {whole:.1f} s;")
    print(f"Material's search parsed {parsed:,} start tags in {pages:,} pages")
    print()
    print(f"top {top} functions by cumulative time (s cumulative, s own, calls):")
    ranked = sorted(entries.items(), key=lambda item: -item[1][3])[:top]
    for (filename, line, function), (_cc, calls, tottime, cumtime, _callers) in ranked:
        print(
            f"  {cumtime:8.2f} {tottime:8.2f} {calls:>10,}  {_short(filename)}:{line}({function})"
        )
    print()
    print(f"top {top} functions by own time:")
    ranked = sorted(entries.items(), key=lambda item: -item[1][2])[:top]
    for (filename, line, function), (_cc, calls, tottime, cumtime, _callers) in ranked:
        print(
            f"  {tottime:8.2f} {cumtime:8.2f} {calls:>10,}  {_short(filename)}:{line}({function})"
        )


def _cumulative(entries: Entries, suffix: str, name: str) -> float:
    return sum(
        float(cumtime)
        for (filename, _line, function), (_cc, _nc, _tt, cumtime, _callers) in entries.items()
        if filename.endswith(suffix) and function == name
    )


def _calls(entries: Entries, suffix: str, name: str) -> int:
    return sum(
        int(calls)
        for (filename, _line, function), (_cc, calls, _tt, _ct, _callers) in entries.items()
        if filename.endswith(suffix) and function == name
    )


def _short(filename: str) -> str:
    for marker in ("/site-packages/", "/work/main/"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


def _sizes(text: str) -> list[int]:
    """ "1000,10_000" → [1000, 10000]; "" or "0" → [] (no builds of that kind)."""
    sizes = {int(part.replace("_", "")) for part in text.split(",") if part.strip()}
    return sorted(size for size in sizes if size > 0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", type=_sizes, default=[1000, 10000], help="generator and baseline A (1000,10000)"
    )
    parser.add_argument(
        "--blog-sizes", type=_sizes, default=[2000], help="generator and baseline B (2000)"
    )
    parser.add_argument("--repeat", type=int, default=1, help="runs of each build (default 1)")
    parser.add_argument("--seed", type=int, default=0, help="corpus seed (default 0)")
    parser.add_argument(
        "--timeout", type=float, default=2700, help="seconds before a build is killed (2700)"
    )
    parser.add_argument(
        "--max-other",
        type=float,
        default=0.5,
        help="rerun a build when others kept more cores than this busy (default 0.5)",
    )
    parser.add_argument("--retries", type=int, default=2, help="reruns of a busy build (2)")
    parser.add_argument(
        "--load-wait", type=float, default=120, help="seconds to wait for a quiet machine (120)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the built sites")
    parser.add_argument(
        "--out", type=Path, default=HERE / "out", help="where corpora are kept (benchmarks/out)"
    )
    parser.add_argument("--profile", action="store_true", help="also profile a generator build")
    parser.add_argument("--profile-only", action="store_true", help="only the profile")
    parser.add_argument(
        "--profile-events", type=int, default=10000, help="corpus size for the profile (10000)"
    )
    parser.add_argument(
        "--profile-baseline",
        action="store_true",
        help="profile the plain pages (baseline A) too, for a side-by-side split",
    )
    parser.add_argument(
        "--cprofile", action="store_true", help="with --profile: also list the top functions"
    )
    parser.add_argument("--top", type=int, default=25, help="functions listed by the profile")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    settings = Settings(args.timeout, args.max_other, args.retries, args.load_wait, args.keep)
    if not args.profile_only:
        results = benchmark(args, settings)
        report(args, results)
    if args.profile or args.profile_only:
        profile(args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
