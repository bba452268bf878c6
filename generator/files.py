"""Finding the files of a store under `events/`, without following links or trusting names."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path, PurePosixPath

from generator.diagnostics import Problem

MAX_FOLDER_DEPTH = 4


@dataclass(frozen=True)
class FoundFile:
    """A file under the events folder: where it is, where it sits, and how to name it.

    Kept as text: a cached run of 10,000 files needs only the names and a stat each, and
    making two path objects per file was a sixth of it. `path` and `relative` are made when
    asked for.
    """

    location: str  # the file's path, as the operating system takes it
    name: str  # relative to the events folder, with "/" separators
    display: str
    stamp: tuple[int, int] | None = field(default=None, compare=False)
    """(size, nanosecond mtime) from discovery's own `lstat`, so the cache needs no second."""

    @cached_property
    def path(self) -> Path:
        return Path(self.location)

    @cached_property
    def relative(self) -> PurePosixPath:
        return PurePosixPath(self.name)


def display_path(path: Path) -> str:
    """Relative to the working directory when inside it (what editors and CI expect).

    File names come from strangers too: a newline or control character in one is shown
    escaped, so it cannot break the one-line-per-problem output.
    """
    try:
        shown = Path(os.path.relpath(path)).as_posix() if not _outside_cwd(path) else str(path)
    except ValueError:
        shown = str(path)
    return _shown(shown)


def _shown(text: str) -> str:
    if text.isprintable():
        return text
    return text.encode("unicode_escape").decode("ascii")


def _outside_cwd(path: Path) -> bool:
    return os.path.relpath(path).startswith("..")


def discover(root: Path) -> tuple[list[FoundFile], list[Problem]]:
    """Every YAML file under `root`, sorted; links and odd entries become problems.

    Hidden entries (`.git`, `.DS_Store`) are skipped; symbolic links are reported and never
    followed, so a link cannot pull a file from outside the store into the site.
    """
    found: list[FoundFile] = []
    problems: list[Problem] = []
    # relpath per file costs ~0.1 ms: 10,000 files made it most of a cached run.
    root_display = display_path(root).rstrip("/") or "."
    pending: list[tuple[str, str, int]] = [(str(root), "", 0)]
    while pending:
        folder, relative, depth = pending.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError as error:
            problems.append(
                _problem(Path(folder), f"cannot read the folder: {error.strerror}", "unreadable")
            )
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            inner = f"{relative}/{entry.name}" if relative else entry.name
            info = entry.stat(follow_symlinks=False)
            mode = info.st_mode
            if stat.S_ISLNK(mode):
                problems.append(
                    _problem(
                        Path(entry.path),
                        "symbolic links are not allowed in the store; commit the file itself",
                        "symlink",
                    )
                )
            elif stat.S_ISDIR(mode):
                if depth + 1 >= MAX_FOLDER_DEPTH:
                    problems.append(
                        _problem(
                            Path(entry.path),
                            "folders nest too deep; event files go in events/<YYYY>/",
                            "file_name",
                        )
                    )
                else:
                    pending.append((entry.path, inner, depth + 1))
            elif entry.name.endswith((".yaml", ".yml")):
                shown = inner if root_display == "." else f"{root_display}/{inner}"
                found.append(
                    FoundFile(entry.path, inner, _shown(shown), (info.st_size, info.st_mtime_ns))
                )
    # The order of PurePosixPath: part by part ("2024" before "2024-01.yaml").
    found.sort(key=lambda item: item.name.split("/"))
    return found, problems


def _problem(path: Path, message: str, kind: str) -> Problem:
    return Problem(display_path(path), 1, 1, "", message, kind)
