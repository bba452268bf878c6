"""Validating the files the cache cannot answer for, started early and collected late.

The first pass (`store.first_pass`) starts the validation of its changed files, reads the
cached results of the others meanwhile, then collects. Where the work happens:

* many files (`PARALLEL_THRESHOLD` or more) go to a pool of forked workers, one per core;
* a few files, while the cache answers for many others (`OVERLAP_THRESHOLD`), go to one
  forked child: for one changed file of 10,000, importing pydantic and building the models
  (~0.2 s) is most of the work, and the parent spends about as long reading the cache;
* otherwise, or where forking is not possible or not safe (another thread is running, as in
  `mkdocs serve`), the calling process validates them itself.

Results are the same wherever they are computed: a child that fails for any reason is
replaced by validating in this process, which then raises whatever the child hit.
"""

from __future__ import annotations

import json
import os
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from generator.cache import result_from_plain, result_to_plain
from generator.children import fork_child, fork_is_safe, stop_child
from generator.files import FoundFile
from generator.records import FileResult

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

#: Below this many files to validate, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 200
#: Cached files from which reading them takes long enough to hide a child's imports behind.
OVERLAP_THRESHOLD = 1000
_CHUNK = 100


class Validation:
    """Files being validated; `results()` gives them in the order given, once."""

    def __init__(self, items: list[FoundFile]) -> None:
        self.items = items

    def results(self) -> list[FileResult]:
        return validate_here(self.items)

    def close(self) -> None:
        """Stop whatever still runs (the results were not asked for: an error elsewhere)."""


def start_validation(items: list[FoundFile], jobs: int | None, *, cached: int) -> Validation:
    """Start validating `items` with up to `jobs` processes (default: one per core).

    `cached` is how many files the caller will read from the cache before asking for the
    results: the work there is to overlap with.
    """
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    if not items or workers <= 1:
        return Validation(items)
    if len(items) >= PARALLEL_THRESHOLD:
        return _Pool(items, workers)
    if cached >= OVERLAP_THRESHOLD and fork_is_safe():
        return _Child(items)
    return Validation(items)


def validate_here(items: list[FoundFile]) -> list[FileResult]:
    """Validate in this process (importing the validator only now: a cached run never does)."""
    if not items:
        return []
    from generator.validation import validate_file

    return [validate_file(item.path, item.display, item.relative) for item in items]


class _Child(Validation):
    """One forked child validates while the parent reads the cache; JSON comes back by pipe."""

    def __init__(self, items: list[FoundFile]) -> None:
        super().__init__(items)
        self.pid: int | None = None
        read_end, write_end = os.pipe()
        try:
            pid = fork_child(lambda: _send_results(items, read_end, write_end))
        except OSError:
            os.close(read_end)
            os.close(write_end)
            self.pipe = None
            return
        os.close(write_end)
        self.pid = pid
        self.pipe = os.fdopen(read_end, "rb")

    def results(self) -> list[FileResult]:
        if self.pid is None or self.pipe is None:
            return validate_here(self.items)
        with self.pipe:
            payload = self.pipe.read()
        _, status = os.waitpid(self.pid, 0)
        self.pid = None
        if os.waitstatus_to_exitcode(status) == 0:
            try:
                results = [result_from_plain(plain) for plain in json.loads(payload)]
            except (ValueError, KeyError, TypeError):
                results = []
            if len(results) == len(self.items):
                return results
        return validate_here(self.items)  # the child failed: the same work, here

    def close(self) -> None:
        stop_child(self.pid)
        self.pid = None
        if self.pipe is not None:
            self.pipe.close()


def _send_results(items: list[FoundFile], read_end: int, write_end: int) -> None:
    """The child's work: validate, and write the results to the pipe as one JSON document."""
    from generator.validation import validate_file

    os.close(read_end)  # the parent's end

    plain = [
        result_to_plain(validate_file(item.path, item.display, item.relative)) for item in items
    ]
    with os.fdopen(write_end, "wb") as pipe:
        pipe.write(json.dumps(plain, ensure_ascii=False).encode("utf-8"))


class _Pool(Validation):
    """A pool of forked workers, one per core, given chunks of files as soon as it starts."""

    def __init__(self, items: list[FoundFile], workers: int) -> None:
        super().__init__(items)
        import multiprocessing  # a cached run starts no pool: not imported before this point
        from concurrent.futures import ProcessPoolExecutor

        # Imported before forking: every worker inherits the validator instead of importing it.
        import generator.validation  # noqa: F401

        chunks = [
            [(item.location, item.display, item.name) for item in items[i : i + _CHUNK]]
            for i in range(0, len(items), _CHUNK)
        ]
        # fork: workers inherit the imported modules, so each starts in milliseconds.
        context = multiprocessing.get_context("fork")
        self.pool: ProcessPoolExecutor | None = ProcessPoolExecutor(
            max_workers=workers, mp_context=context
        )
        self.chunks = self.pool.map(_validate_chunk, chunks)

    def results(self) -> list[FileResult]:
        plain_chunks = list(self.chunks)
        self.close()
        return [result_from_plain(plain) for chunk in plain_chunks for plain in chunk]

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
            self.pool = None


def _validate_chunk(chunk: list[tuple[str, str, str]]) -> list[dict[str, Any]]:
    from generator.validation import validate_file

    return [
        result_to_plain(validate_file(Path(path), display, PurePosixPath(relative)))
        for path, display, relative in chunk
    ]
