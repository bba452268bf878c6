"""How fast is `timeline validate`? Cold, cached, after one edit, and next to check-jsonschema.

    python benchmarks/bench_validate.py [--events 10000] [--repeat 3] [--baseline REV] [--profile]

Generates (or reuses) a synthetic corpus under benchmarks/out/ (see corpus.py) and times, as
subprocesses with wall clock and peak memory:

(a) `timeline validate` with an empty cache (fresh TIMELINE_CACHE_DIR): the first run on a
    machine or in CI; it validates every file, in a process pool;
(b) the same again with the cache it left: nothing changed;
(c) the same after one file's title was edited: the edit loop of a contributor;
(d) `check-jsonschema` on the same event files against the exported JSON Schema: the
    generic alternative, which checks the per-file schema rules only;
(e) pull-request mode as CI runs it: the corpus committed to a git repository, one file
    edited, `timeline validate --changed-since HEAD` with an empty cache (a CI machine has
    none).

`--baseline REV` also times `generator/` as of a git revision (steps a, b, c and e), each
run next to the work tree's: this machine's speed drifts too much to compare separate runs.

The issues' targets: (a) ahead of check-jsonschema; (c) under 1 s for 10,000 events; (e) a
pull request touching one file of 10,000 checked in about a second.

`--profile` also profiles a cold run in one process (jobs=1, no cache) on `--profile-events`
events: stage timings without a profiler (read, decode, ruamel parse, our builder, pydantic,
the rest), then a cProfile breakdown by component and the top functions.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import datetime as dt
import hashlib
import json
import os
import platform
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))  # corpus.py sits beside this script

import corpus  # noqa: E402

TODAY = corpus.TODAY.isoformat()
BIN = Path(sys.executable).parent
#: Paths per check-jsonschema call: keeps the command line far below ARG_MAX.
MAX_FILES_PER_CALL = 8000
TARGET_CHANGED_SECONDS = 1.0


@dataclass
class Run:
    """One timed subprocess (or group of parallel subprocesses)."""

    seconds: float
    cpu_seconds: float  # user + system of the tree: less sensitive than wall time to a busy box
    max_rss_kib: int  # the largest single process of the tree (exact, from wait4)
    tree_rss_kib: int  # the largest sum over the tree at any sample (shared pages counted twice)
    returncode: int
    output: str
    others: float = 0.0  # cores other processes kept busy meanwhile, on average


class _TreeSampler(threading.Thread):
    """Samples the summed RSS of a process and its descendants every 50 ms."""

    def __init__(self, roots: Sequence[int]) -> None:
        super().__init__(daemon=True)
        self.roots = set(roots)
        self.peak_kib = 0
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            self.peak_kib = max(self.peak_kib, _tree_rss_kib(self.roots))
            self._halt.wait(0.05)

    def stop(self) -> None:
        self._halt.set()
        self.join()


def _tree_rss_kib(roots: set[int]) -> int:
    parents: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
    members = set(roots)
    grew = True
    while grew:
        new = {pid for pid, parent in parents.items() if parent in members} - members
        members |= new
        grew = bool(new)
    total = 0
    for pid in members:
        try:
            with open(f"/proc/{pid}/statm", encoding="ascii") as handle:
                total += int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
        except (OSError, IndexError, ValueError):
            continue
    return total


def measure(
    commands: Sequence[Sequence[str]], env: dict[str, str] | None = None, cwd: Path | None = None
) -> Run:
    """Run the commands in parallel and time them until the last one ends."""
    with contextlib.ExitStack() as stack:
        outputs = [stack.enter_context(tempfile.TemporaryFile()) for _ in commands]
        return _measure(commands, outputs, env, cwd)


def _measure(
    commands: Sequence[Sequence[str]],
    outputs: list[IO[bytes]],
    env: dict[str, str] | None,
    cwd: Path | None,
) -> Run:
    busy_before = _machine_busy_seconds()
    started = time.perf_counter()
    processes = [
        subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=cwd)
        for command, out in zip(commands, outputs, strict=True)
    ]
    sampler = _TreeSampler([process.pid for process in processes])
    sampler.start()
    max_rss, cpu, codes = 0, 0.0, []
    for process in processes:
        # wait4 gives the rusage of this child and its reaped descendants (the pool workers)
        _pid, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        codes.append(process.returncode)
        max_rss = max(max_rss, usage.ru_maxrss)
        cpu += usage.ru_utime + usage.ru_stime
    seconds = time.perf_counter() - started
    others = max(0.0, (_machine_busy_seconds() - busy_before - cpu) / seconds)
    sampler.stop()
    text = ""
    for out in outputs:
        out.seek(0)
        text += out.read().decode("utf-8", errors="replace")
    worst = next((code for code in codes if code != 0), 0)
    return Run(seconds, cpu, max_rss, max(sampler.peak_kib, max_rss), worst, text, others)


def _machine_busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy since boot (from /proc/stat)."""
    try:
        with open("/proc/stat", encoding="ascii") as handle:
            fields = [int(value) for value in handle.readline().split()[1:]]
    except (OSError, ValueError):
        return 0.0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


# --------------------------------------------------------------------------------------------
# The steps


def _env(cache: Path, code: Path | None) -> dict[str, str]:
    """The environment of a `timeline` run: its cache, and the baseline's code if given.

    The `timeline` script puts its own folder first on sys.path, then PYTHONPATH: a folder
    holding a `generator/` package there wins over the editable install of the work tree.
    """
    env = dict(os.environ, TIMELINE_CACHE_DIR=str(cache))
    if code is not None:
        env["PYTHONPATH"] = str(code)
    return env


def timeline_validate(events: Path, cache: Path, jobs: int | None, code: Path | None = None) -> Run:
    command = [str(BIN / "timeline"), "validate", "--events", str(events), "--today", TODAY]
    if jobs is not None:
        command += ["--jobs", str(jobs)]
    run = measure([command], env=_env(cache, code))
    _require_success(run, "timeline validate")
    return run


def baseline_code(revision: str, work: Path) -> Path:
    """`generator/` as of `revision` (git archive), checked to be what `timeline` imports."""
    code = work / "baseline"
    code.mkdir()
    archive = subprocess.run(
        ["git", "archive", revision, "generator"], cwd=REPO, capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(code)], input=archive, check=True)
    probe = subprocess.run(
        [str(BIN / "python"), "-c", "import generator; print(generator.__file__)"],
        env=_env(work, code),
        cwd=work,
        capture_output=True,
        text=True,
        check=True,
    )
    if not probe.stdout.strip().startswith(str(code)):
        raise SystemExit(f"the baseline code is not what runs: {probe.stdout.strip()}")
    return code


def store_repository(events: Path, work: Path) -> Path:
    """A git repository whose one commit holds a copy of the corpus; returns its events/."""
    repo = work / "repo"
    shutil.copytree(events, repo / "events")
    env = dict(os.environ, GIT_AUTHOR_NAME="bench", GIT_AUTHOR_EMAIL="bench@example.org")
    env.update(GIT_COMMITTER_NAME="bench", GIT_COMMITTER_EMAIL="bench@example.org")
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "corpus"]):
        subprocess.run(["git", *command], cwd=repo, env=env, check=True)
    return repo / "events"


def pull_request_validate(
    events: Path, cache: Path, jobs: int | None, code: Path | None = None
) -> Run:
    """`timeline validate --changed-since HEAD` in the repository, with an empty cache."""
    env = _env(cache, code)
    command = [str(BIN / "timeline"), "validate", "--events", str(events), "--today", TODAY]
    command += ["--changed-since", "HEAD"]
    if jobs is not None:
        command += ["--jobs", str(jobs)]
    run = measure([command], env=env, cwd=events.parent)
    _require_success(run, "timeline validate --changed-since")
    return run


def check_jsonschema(events: Path, schema: Path, processes: int) -> Run:
    """check-jsonschema over every event file, in `processes` parallel calls."""
    files = sorted(p.relative_to(events).as_posix() for p in events.glob("[0-9]*/*.yaml"))
    calls = max(processes, -(-len(files) // MAX_FILES_PER_CALL))
    size = -(-len(files) // calls)
    batches = [files[i : i + size] for i in range(0, len(files), size)]
    base = [str(BIN / "check-jsonschema"), "--schemafile", str(schema)]
    total = Run(0.0, 0.0, 0, 0, 0, "")
    for start in range(0, len(batches), processes):
        group = batches[start : start + processes]
        run = measure([base + batch for batch in group], cwd=events)
        total = Run(
            total.seconds + run.seconds,
            total.cpu_seconds + run.cpu_seconds,
            max(total.max_rss_kib, run.max_rss_kib),
            max(total.tree_rss_kib, run.tree_rss_kib),
            total.returncode or run.returncode,
            total.output + run.output,
            max(total.others, run.others),
        )
    return total


def _require_success(run: Run, what: str) -> None:
    if run.returncode != 0:
        tail = "\n".join(run.output.strip().splitlines()[-10:])
        raise SystemExit(
            f"{what} failed (exit {run.returncode}) on a corpus that must be valid:\n{tail}"
        )


def edit_one_title(events: Path, index: int) -> tuple[Path, bytes]:
    """Change the title of one event file; return the path and its original bytes."""
    files = sorted(events.glob("[0-9]*/*.yaml"))
    path = files[(index * 7919 + len(files) // 2) % len(files)]
    original = path.read_bytes()
    text = original.decode("utf-8")
    edited, count = re.subn(
        r"^title: .*$", f"title: Benchmark edit {index} of this event", text, count=1, flags=re.M
    )
    assert count == 1, path
    path.write_bytes(edited.encode("utf-8"))
    return path, original


def schema_file(work: Path) -> tuple[Path, str]:
    """The published schema if there is one, else the models' schema written to `work`."""
    published = REPO / "schema" / "event.schema.json"
    if published.is_file():
        return published, "schema/event.schema.json"
    from generator.models import Event

    path = work / "event.schema.json"
    path.write_text(json.dumps(Event.model_json_schema(), indent=2), encoding="utf-8")
    return path, "Event.model_json_schema() (no schema/event.schema.json yet)"


def ensure_corpus(out: Path, events: int, seed: int) -> Path:
    directory = out / f"corpus-{events}-seed{seed}"
    if corpus.matches(directory, events, seed):
        print(f"reusing the corpus in {directory}", file=sys.stderr)
    else:
        started = time.perf_counter()
        corpus.generate(directory, events, seed)
        print(
            f"generated {events:,} events in {directory} in {time.perf_counter() - started:.1f} s",
            file=sys.stderr,
        )
    return directory / "events"


# --------------------------------------------------------------------------------------------
# Report


def _code_digest() -> str:
    """What the validation cache is keyed on, read afresh from the files."""
    try:
        from generator.cache import code_fingerprint
    except ImportError:  # the core moved on: fall back to every file of generator/
        digest = hashlib.sha256()
        for path in sorted((REPO / "generator").rglob("*.py")):
            digest.update(path.read_bytes())
        return digest.hexdigest()
    return code_fingerprint()


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def _mib(kib: int) -> str:
    return f"{kib / 1024:.0f}"


def _row(label: str, runs: list[Run]) -> str:
    seconds = [run.seconds for run in runs]
    wall = f"{statistics.median(seconds):7.3f} {min(seconds):7.3f}"
    cpu = f"{statistics.median(run.cpu_seconds for run in runs):7.3f}"
    others = f"{statistics.median(run.others for run in runs):6.1f}"
    rss = (
        f"{_mib(max(r.max_rss_kib for r in runs)):>6} {_mib(max(r.tree_rss_kib for r in runs)):>6}"
    )
    return f"{label:<55} {wall} {cpu}   {rss} {others}"


def benchmark(args: argparse.Namespace) -> None:
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    events = ensure_corpus(out, args.events, args.seed)
    files = sorted(events.rglob("*.yaml"))
    megabytes = sum(path.stat().st_size for path in files) / 1e6
    work = Path(tempfile.mkdtemp(prefix="bench-", dir=out))
    load_before = _load()
    try:
        schema, schema_origin = schema_file(work)
        # The work tree, and the baseline if asked for: their runs alternate, so both see
        # the same stretch of this machine's drifting speed.
        codes: dict[str, Path | None] = {"": None}
        if args.baseline:
            codes[f"{args.baseline}: "] = baseline_code(args.baseline, work)
        cold: dict[str, list[Run]] = {label: [] for label in codes}
        cached: dict[str, list[Run]] = {label: [] for label in codes}
        changed: dict[str, list[Run]] = {label: [] for label in codes}
        index = attempts = 0
        while index < args.repeat:
            print(f"run {index + 1}/{args.repeat}: timeline validate", file=sys.stderr)
            code = _code_digest()
            rounds = {}
            for number, (label, code_dir) in enumerate(codes.items()):
                cache = work / f"cache-{index}-{attempts}-{number}"
                runs = [timeline_validate(events, cache, args.jobs, code_dir)]
                runs.append(timeline_validate(events, cache, args.jobs, code_dir))
                path, original = edit_one_title(events, index)
                try:
                    runs.append(timeline_validate(events, cache, args.jobs, code_dir))
                finally:
                    path.write_bytes(original)
                rounds[label] = runs
            attempts += 1
            if _code_digest() != code and attempts < 3 * args.repeat:
                # the cache is keyed on the code: an edit to generator/ mid-run empties it
                print("generator/ changed during the run: repeating it", file=sys.stderr)
                continue
            for label, runs in rounds.items():
                for kept, run in zip((cold, cached, changed), runs, strict=True):
                    kept[label].append(run)
            index += 1
        repository = store_repository(events, work)
        pull_request: dict[str, list[Run]] = {label: [] for label in codes}
        for index in range(args.repeat):
            print(f"run {index + 1}/{args.repeat}: pull-request mode", file=sys.stderr)
            path, original = edit_one_title(repository, index)
            try:
                for number, (label, code_dir) in enumerate(codes.items()):
                    cache = work / f"pr-cache-{index}-{number}"
                    pull_request[label].append(
                        pull_request_validate(repository, cache, args.jobs, code_dir)
                    )
            finally:
                path.write_bytes(original)
        schema_runs: dict[int, list[Run]] = {1: [], 2: []}
        for index in range(args.repeat):
            for processes in schema_runs:
                print(
                    f"run {index + 1}/{args.repeat}: check-jsonschema x{processes}",
                    file=sys.stderr,
                )
                schema_runs[processes].append(check_jsonschema(events, schema, processes))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    jobs = f"--jobs {args.jobs}" if args.jobs else f"default jobs ({os.cpu_count()} workers)"
    print()
    print(
        f"timeline validate benchmark: {args.events:,} events ({len(files):,} files, "
        f"{megabytes:.1f} MB), corpus seed {args.seed}"
    )
    print(
        f"{dt.date.today()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}; timeline: {jobs}; {args.repeat} runs each"
    )
    print(f"schema for check-jsonschema: {schema_origin}")
    print(f"load average before/after: {load_before} / {_load()} (other work on the machine skews)")
    print()
    head = f"{'step':<55} {'wall s':>7} {'':>7} {'CPU s':>7}   {'peak RSS MiB':>13} {'others':>6}"
    print(head)
    print(
        f"{'':<55} {'median':>7} {'min':>7} {'median':>7}   {'1 proc':>6} {'tree':>6} {'cores':>6}"
    )
    for label in cold:
        print(_row(f"{label}(a) timeline validate, cold (empty cache)", cold[label]))
        print(_row(f"{label}(b) timeline validate, cached, no change", cached[label]))
        print(_row(f"{label}(c) timeline validate, one file changed", changed[label]))
    print(_row("(d) check-jsonschema, one process", schema_runs[1]))
    print(_row("    check-jsonschema, two processes (halves)", schema_runs[2]))
    for label, runs in pull_request.items():
        print(_row(f"{label}(e) pull-request mode, one file, empty cache", runs))
    print()
    ours = statistics.median(run.seconds for run in cold[""])
    theirs = statistics.median(run.seconds for run in schema_runs[1])
    theirs2 = statistics.median(run.seconds for run in schema_runs[2])
    edit = statistics.median(run.seconds for run in changed[""])
    failed = [run for run in schema_runs[1] if run.returncode != 0]
    print(
        f"cold, ours / check-jsonschema: {ours / theirs:.2f} "
        f"({theirs / ours:.1f}x as fast; vs two check-jsonschema processes: "
        f"{theirs2 / ours:.1f}x)  target: ahead -> {'PASS' if ours < theirs else 'FAIL'}"
    )
    print(
        f"one file changed of {args.events:,}: {edit:.3f} s  target: < "
        f"{TARGET_CHANGED_SECONDS:.0f} s -> {'PASS' if edit < TARGET_CHANGED_SECONDS else 'FAIL'}"
    )
    review = statistics.median(run.seconds for run in pull_request[""])
    print(f"pull request touching one file of {args.events:,}, empty cache: {review:.3f} s")
    if failed:  # the schema and the models disagree: worth knowing
        lines = failed[0].output.strip().splitlines()
        print(f"check-jsonschema reported problems (exit {failed[0].returncode}); first lines:")
        print("\n".join("    " + line for line in lines[:8]))
    print()
    print("Not like for like: check-jsonschema checks only what a JSON Schema can say about one")
    print("file. timeline validate also checks file names against dates, plain-text and Markdown")
    print("rules, ids, references to actors, places, tags and other events, part_of cycles,")
    print("future dates and likely duplicates across the store, and reports line:column")
    print("positions; its wall time includes interpreter start-up and writing the cache.")
    print("tree = summed RSS of the process tree sampled every 50 ms (forked workers share pages).")
    print("others = cores that other processes kept busy during the step, on average (/proc/stat);")
    print("with 2 cores, anything above 0.3 or so means the wall times are inflated.")


# --------------------------------------------------------------------------------------------
# Profile


def _timed(function: Callable[[], Any]) -> tuple[float, Any]:
    """CPU seconds of this process: steadier than wall time when the machine is shared."""
    started = time.process_time()
    result = function()
    return time.process_time() - started, result


def profile(args: argparse.Namespace) -> None:
    """Where a single-process cold run spends its time, with and without a profiler."""

    from generator.checks import Registries, check_timeline
    from generator.store import load_timeline

    args.out.mkdir(parents=True, exist_ok=True)
    events = ensure_corpus(args.out, args.profile_events, args.seed)
    today = corpus.TODAY
    paths = sorted(events.glob("[0-9]*/*.yaml"))
    relatives = [path.relative_to(events) for path in paths]
    startup = {
        name: statistics.median(
            measure([[sys.executable, "-c", code]]).cpu_seconds for _ in range(3)
        )
        for name, code in (
            ("python -c pass", "pass"),
            ("import generator.cli", "import generator.cli"),
            (
                "+ store, ruamel, pydantic models",
                "import generator.cli, generator.store, generator.validation, ruamel.yaml",
            ),
        )
    }

    load_timeline(events, cache_dir=None, today=today, jobs=1)  # warm imports and the OS cache
    total, report = _timed(lambda: load_timeline(events, cache_dir=None, today=today, jobs=1))
    assert not report.problems, report.problems[:3]

    rounds = [_stage_times(paths, relatives) for _ in range(3)]
    stages = {name: min(found[name] for found in rounds) for name in rounds[0]}
    whole = stages.pop("validate_file")
    registries = Registries(
        {name: frozenset(data) for name, data in report.timeline.registry_data.items()}, {}
    )
    seconds, _ = _timed(lambda: check_timeline(report.timeline.records, registries, today))
    stages["cross-file checks (checks.check_timeline)"] = seconds
    alternative = _libyaml_comparison(paths)

    count = len(paths)
    print()
    print(f"profile: cold run in one process (jobs=1, no cache), {count:,} events")
    print("CPU time of this process (time.process_time), not wall time")
    print(
        f"load_timeline total: {total:.3f} s = {total / count * 1000:.2f} ms per event "
        f"(validate_file alone: {whole:.3f} s)"
    )
    print()
    print("start-up (subprocess CPU time, median of 3):")
    for name, seconds in startup.items():
        print(f"  {name:<44} {seconds:7.3f} s")
    print()
    print(f"stages, measured without a profiler (sum over {count:,} event files):")
    print(f"  {'stage':<56} {'s':>7} {'ms/event':>9} {'share':>6}")
    base = whole
    for name, seconds in stages.items():
        note = "  (inside parse)" if name.startswith("ruamel YAML()") else ""
        print(
            f"  {name:<56} {seconds:7.3f} {seconds / count * 1000:9.3f} {seconds / base:6.1%}{note}"
        )

    if alternative:
        print(f"  for comparison, {alternative}")

    print()
    print("cProfile of the cold run (the profiler inflates pure-Python code, ruamel most):")
    _print_profile(lambda: load_timeline(events, cache_dir=None, today=today, jobs=1))
    profile_warm(args)


def profile_warm(args: argparse.Namespace) -> None:
    """Where a run with a warm cache spends its time: the edit loop's floor."""
    from generator.store import load_timeline

    events = ensure_corpus(args.out, args.events, args.seed)
    today = corpus.TODAY
    with tempfile.TemporaryDirectory(dir=args.out) as cache:
        load_timeline(events, cache_dir=Path(cache), today=today)  # fill the cache
        runs = [
            _timed(lambda: load_timeline(events, cache_dir=Path(cache), today=today))[0]
            for _ in range(3)
        ]
        print()
        print(f"profile: warm cache, nothing changed, {args.events:,} events, in process")
        print(f"load_timeline CPU: {min(runs):.3f} s (min of 3), plus start-up (above)")
        print()
        _print_profile(lambda: load_timeline(events, cache_dir=Path(cache), today=today))


def _print_profile(work: Callable[[], Any]) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    work()
    profiler.disable()
    stats = pstats.Stats(profiler)
    entries: dict[tuple[str, int, str], tuple[Any, ...]] = stats.stats  # type: ignore[attr-defined]
    by_part: dict[str, float] = defaultdict(float)
    for (filename, _line, function), (_cc, _nc, tottime, _ct, _callers) in entries.items():
        by_part[_component(filename, function)] += tottime
    profiled = sum(by_part.values())
    print("own time by component:")
    for name, seconds in sorted(by_part.items(), key=lambda item: -item[1]):
        print(f"  {name:<56} {seconds:7.3f} {seconds / profiled:6.1%}")
    print(f"  {'total under the profiler':<56} {profiled:7.3f}")
    print()
    print("top 15 functions by own time (own s, cumulative s, calls):")
    ranked = sorted(entries.items(), key=lambda item: -item[1][2])[:15]
    for (filename, line, function), (_cc, calls, tottime, cumtime, _callers) in ranked:
        where = _short(filename)
        print(f"  {tottime:7.3f} {cumtime:7.3f} {calls:>9,}  {where}:{line}({function})")


def _stage_times(paths: list[Path], relatives: list[Path]) -> dict[str, float]:
    """CPU seconds of each stage of the first pass, summed over the files."""
    from ruamel.yaml import YAML

    from generator.loader import MAX_EVENT_BYTES, decode, parse_text, read_bytes
    from generator.models import Event
    from generator.validation import validate_file

    stages: dict[str, float] = defaultdict(float)
    for path, relative in zip(paths, relatives, strict=True):
        display = str(path)
        seconds, (raw, _problems) = _timed(
            lambda p=path, d=display: read_bytes(p, d, MAX_EVENT_BYTES)
        )
        stages["read (lstat, open, read)"] += seconds
        seconds, (text, _problems) = _timed(lambda r=raw, d=display: decode(r, d))
        stages["decode + forbidden-character scan"] += seconds
        seconds, _ = _timed(lambda: YAML(typ="safe", pure=True))
        stages["ruamel YAML() object per file"] += seconds
        seconds, _ = _timed(lambda t=text: list(YAML(typ="safe", pure=True).parse(t)))
        parse_only = seconds
        stages["ruamel parse (scanner + parser events)"] += parse_only
        seconds, loaded = _timed(lambda t=text, d=display: parse_text(t, d))
        stages["our builder (loader._Builder)"] += seconds - parse_only
        seconds, event = _timed(lambda data=loaded.document.data: Event.model_validate(data))
        stages["pydantic Event.model_validate (+ our validators)"] += seconds
        seconds, _ = _timed(lambda e=event: e.model_dump(mode="json", exclude_defaults=True))
        stages["pydantic model_dump (record data)"] += seconds
        seconds, _ = _timed(
            lambda p=path, r=relative: validate_file(p, str(p), PurePosixPath(r.as_posix()))
        )
        stages["validate_file"] += seconds
    listed = sum(stages.values()) - stages["ruamel YAML() object per file"]
    listed -= stages["validate_file"]
    rest = max(0.0, stages["validate_file"] - listed)
    stages["rest of validate_file (references, positions, record)"] = rest
    return stages


def _libyaml_comparison(paths: list[Path]) -> str:
    """The same parse through libyaml (PyYAML's C parser, installed with mkdocs), if present.

    Our builder needs only the event stream with marks, which both parsers produce; this
    says how much of the ruamel stage a C parser would save and whether the events agree.
    """
    try:
        import yaml
        from ruamel.yaml import YAML
    except ImportError:
        return ""
    if not getattr(yaml, "__with_libyaml__", False):
        return ""

    def shape(event: Any) -> tuple[Any, ...]:
        return (
            type(event).__name__,
            event.start_mark.line,
            event.start_mark.column,
            getattr(event, "value", None),
            getattr(event, "style", None) or None,
            getattr(event, "implicit", None),
            getattr(event, "tag", None),
            getattr(event, "anchor", None),
        )

    texts = [path.read_text(encoding="utf-8") for path in paths]
    runs = [
        _timed(lambda: [list(yaml.parse(t, Loader=yaml.CSafeLoader)) for t in texts])
        for _ in range(3)
    ]
    seconds, streams = min(runs, key=lambda run: run[0])
    same = sum(
        [shape(e) for e in stream] == [shape(e) for e in YAML(typ="safe", pure=True).parse(text)]
        for text, stream in zip(texts, streams, strict=True)
    )
    return (
        f"libyaml (yaml.CSafeLoader) parse: {seconds:.3f} s "
        f"({seconds / len(paths) * 1000:.3f} ms/event); identical event streams "
        f"(type, position, value, style, tag) in {same:,} of {len(paths):,} files"
    )


def _component(filename: str, function: str) -> str:
    if "/ruamel/" in filename:
        return "ruamel.yaml (reader, scanner, parser)"
    if filename.endswith("generator/loader.py"):
        return "generator/loader.py (builder, decode, read)"
    if filename.endswith(("constraints.py", "text.py", "dates.py", "models.py")):
        return "our validators (constraints, text, dates, models)"
    if filename.endswith("generator/validation.py"):
        return "generator/validation.py (references, records)"
    if filename.endswith("generator/cache.py"):
        return "generator/cache.py"
    if "/generator/" in filename:
        return "rest of generator/ (store, checks, files, cache)"
    if "/pydantic" in filename or "pydantic_core" in function:
        return "pydantic + pydantic-core"
    if filename == "~" and re.search(r"posix\.|io\.open|\bopen\b|read|scandir|stat", function):
        return "I/O system calls"
    if "sqlite3" in filename or "sqlite3" in function:
        return "sqlite3"
    if "/json/" in filename or "_json" in function:
        return "json"
    if filename == "~" and "re.Pattern" in function:
        return "regular expressions (all callers)"
    if filename == "~":
        return "other built-ins"
    return "other standard library"


def _short(filename: str) -> str:
    for marker in ("/site-packages/", "/work/main/"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=10000, help="corpus size (default 10000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each step (default 3)")
    parser.add_argument("--seed", type=int, default=0, help="corpus seed (default 0)")
    parser.add_argument("--jobs", type=int, help="pass --jobs to timeline validate")
    parser.add_argument(
        "--out", type=Path, default=HERE / "out", help="where corpora are kept (benchmarks/out)"
    )
    parser.add_argument(
        "--baseline",
        metavar="REV",
        help="also time generator/ as of this git revision, alternating with the work tree",
    )
    parser.add_argument("--profile", action="store_true", help="also profile a cold run")
    parser.add_argument(
        "--profile-events", type=int, default=1000, help="corpus size for --profile (default 1000)"
    )
    parser.add_argument("--profile-only", action="store_true", help="only the profile")
    args = parser.parse_args(argv)
    if not args.profile_only:
        benchmark(args)
    if args.profile or args.profile_only:
        profile(args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
