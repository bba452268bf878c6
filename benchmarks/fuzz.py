"""The long fuzz run (not part of CI): mutation fuzzing of the loader and validation, then the
property tests of tests/test_fuzz.py with many examples.

    .venv/bin/python benchmarks/fuzz.py                   # 60 s of mutations + 20,000 examples
    .venv/bin/python benchmarks/fuzz.py --seconds 600 --examples 100000 --seed 7

The mutation loop starts from the fixture corpora and the YAML test suite, applies random
byte-level and YAML-aware edits (flips, cuts, splices, fragments such as `&a`, `!!python/…`,
bidi characters, deep brackets) and checks every result for the same invariants as the tests:
no exception, at least one problem when nothing is accepted, positions ≥ 1, one printable line
per problem, and an accepted event that validates again from its own data. Inputs that break an
invariant are written to a folder (printed at the end) for replay. Exit status 1 if any did.
"""

from __future__ import annotations

import argparse
import collections
import os
import random
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path, PurePosixPath

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator.models import Event  # noqa: E402
from generator.records import FileResult  # noqa: E402
from generator.validation import validate_file  # noqa: E402

FRAGMENTS = [
    b"&a ", b"*a", b"!!python/object:os.system ", b"!!str ", b"!x ", b"{", b"}", b"[", b"]",
    b"\n---\n", b"? ", b": ", b"- ", b"\n  ", b"\t", b"\r\n", b"'", b'"', b"|", b">", b"#",
    b"\x00", b"\xff", b"\xe2\x80\xae", b"\xe2\x80\x8b", b"\xef\xbb\xbf", b"\\u202e", b"\\e",
    b"2024-02-30", b"2023-13", b"9" * 45, b".inf", b".nan", b"yes", b"~", b"javascript:x",
    b"<script>", b"![x](y)", b"--8<--", b"{: .x}", b"[" * 40, b"{a: " * 30,
    "Київ".encode(), "조선".encode(), b"titel: x\n", b"status: claimed\n",
]  # fmt: skip


def _corpus() -> list[bytes]:
    """Seeds: every fixture file and every YAML test suite document."""
    suite = REPO.parent / "shared" / "data" / "yaml-test-suite"
    if not suite.is_dir() and os.environ.get("TIMELINE_SHARED_DATA"):
        suite = Path(os.environ["TIMELINE_SHARED_DATA"]) / "yaml-test-suite"
    paths = [
        *sorted((REPO / "tests" / "fixtures").rglob("*.yaml")),
        *sorted(suite.glob("*/in.yaml")),
    ]
    return [path.read_bytes() for path in paths if path.is_file()]


def _mutate(rng: random.Random, data: bytes, corpus: list[bytes]) -> bytes:
    for _ in range(rng.randint(1, 4)):
        at = rng.randint(0, len(data))
        choice = rng.randrange(6)
        if choice == 0 and data:  # flip a byte
            index = rng.randrange(len(data))
            data = data[:index] + bytes([data[index] ^ (1 << rng.randrange(8))]) + data[index + 1 :]
        elif choice == 1:  # cut
            data = data[:at] + data[at + rng.randint(1, 40) :]
        elif choice == 2:  # a YAML-aware fragment
            data = data[:at] + rng.choice(FRAGMENTS) + data[at:]
        elif choice == 3:  # splice another seed in
            other = rng.choice(corpus)
            start = rng.randint(0, len(other))
            data = data[:at] + other[start : start + rng.randint(1, 200)] + data[at:]
        elif choice == 4:  # repeat a chunk
            chunk = data[at : at + rng.randint(1, 30)]
            data = data[:at] + chunk * rng.randint(2, 20) + data[at:]
        else:  # re-indent a line
            data = data[:at] + b"\n" + b" " * rng.randint(0, 12) + data[at:]
    return data


def _broken_invariant(result: FileResult) -> str | None:
    for problem in result.problems:
        if problem.line < 1 or problem.column < 1:
            return f"position {problem.line}:{problem.column}"
        if not problem.as_text().isprintable():
            return f"unprintable problem text {problem.as_text()!r}"
    if result.record is None and not result.problems and result.role == "event":
        return "neither an event nor a problem"
    if result.record is not None:
        if result.problems:
            return "an event with problems"
        if Event.model_validate(result.record.data) != result.record.event:
            return "the event does not validate again from its own data"
    return None


def mutation_fuzz(seconds: float, seed: int, out: Path) -> int:
    """Run the mutation loop for `seconds`; return the number of failing inputs."""
    rng = random.Random(seed)
    corpus = _corpus()
    kinds: collections.Counter[str] = collections.Counter()
    runs = accepted = failures = 0
    deadline = time.monotonic() + seconds
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "event.yaml"
        relative = PurePosixPath("2024/2024-11-17-fuzz.yaml")
        while time.monotonic() < deadline:
            data = _mutate(rng, rng.choice(corpus), corpus)
            path.write_bytes(data)
            runs += 1
            try:
                result = validate_file(path, "events/2024/2024-11-17-fuzz.yaml", relative)
                broken = _broken_invariant(result)
            except Exception:  # the point of the exercise: record, keep going
                result, broken = None, traceback.format_exc()
            if result is not None:
                accepted += result.record is not None
                kinds.update(problem.kind for problem in result.problems)
            if broken:
                failures += 1
                out.mkdir(parents=True, exist_ok=True)
                (out / f"failure-{failures}.yaml").write_bytes(data)
                (out / f"failure-{failures}.txt").write_text(broken)
    print(f"mutation fuzzing: {runs:,} inputs, {accepted:,} accepted, {failures} failures")
    for kind, count in kinds.most_common():
        print(f"  {count:>9,}  {kind}")
    return failures


def property_tests(examples: int) -> int:
    """tests/test_fuzz.py with `examples` examples per property; returns pytest's status."""
    environment = {**os.environ, "TIMELINE_FUZZ_EXAMPLES": str(examples)}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:xdist", "tests/test_fuzz.py"]
    print(f"property tests: {examples:,} examples each")
    return subprocess.call(command, cwd=REPO, env=environment)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60, help="mutation fuzzing time")
    parser.add_argument("--examples", type=int, default=20_000, help="examples per property")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(tempfile.gettempdir()) / "timeline-fuzz",
        help="where failing inputs are written",
    )
    args = parser.parse_args()
    failures = mutation_fuzz(args.seconds, args.seed, args.out)
    if failures:
        print(f"failing inputs: {args.out}")
    status = property_tests(args.examples) if args.examples else 0
    return 1 if failures or status else 0


if __name__ == "__main__":
    sys.exit(main())
