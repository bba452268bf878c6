"""Build output that is all or nothing, and the same bytes for the same input.

A site is built into a staging folder beside the site folder, `.<name>.tmp-<pid>`: the same
parent, hence the same filesystem, where a rename is atomic. Only a build that succeeded
replaces the site; a failed build removes its staging folder, and one that was killed leaves
it behind for the next build to remove. Readers and web servers therefore see the old site or
the new one, never a half-written mix.

The swap itself is one `renameat2(RENAME_EXCHANGE)` call on Linux (the two folders trade
names atomically). Where that is unavailable (another system, or a filesystem without it) it
takes two renames, site -> `.<name>.old-<pid>` then staging -> site, with a window of a few
microseconds in which the site folder does not exist; if the process dies inside it, the next
build puts the newer complete folder back in place.

This module is engine-neutral: the mkdocs plugin calls it from its hooks.
"""

from __future__ import annotations

import ctypes
import errno
import os
import re
import shutil
import sqlite3
import sys
from collections.abc import Callable, Iterator, MutableMapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

STAGING = "tmp"
BACKUP = "old"
#: Errors that mean "this kernel or filesystem cannot exchange": fall back to two renames.
_NO_EXCHANGE = {errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV}
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
#: What to suggest for the usual ways writing a site fails.
_HINTS = {
    errno.ENOSPC: "the disk is full",
    errno.EFBIG: "a file size limit or disk quota was reached",
    errno.EDQUOT: "the disk quota is exhausted",
    errno.EROFS: "the folder is on a read-only filesystem",
    errno.EACCES: "the folder is not writable",
    errno.EPERM: "the folder is not writable",
    errno.ENOTDIR: "part of the path is a file, not a folder",
}


class OutputError(Exception):
    """The output folder cannot be prepared or replaced; the message is one line naming it."""


@dataclass(frozen=True)
class StagedOutput:
    """A build in progress: it writes to `staging`, which becomes `target` on `commit`."""

    target: Path
    staging: Path

    def commit(self) -> None:
        """Replace the site with the finished build (see the module docstring)."""
        try:
            replace_directory(self.staging, self.target)
        except OSError as error:
            raise OutputError(
                f"could not put the new site in place at {self.target}: {describe(error)}"
            ) from error

    def describe(self, error: BaseException) -> str | None:
        """`describe_failure`, naming files of the unfinished build by their place in the site."""
        return describe_failure(error, self.staging)

    def discard(self) -> None:
        """Remove the unfinished build; the previous site was never touched."""
        shutil.rmtree(self.staging, ignore_errors=True)


def stage(target: Path) -> StagedOutput:
    """Remove what killed builds left beside `target`, then create a fresh staging folder.

    Creating it first also proves the output location is writable before any work is done.

    Raises:
        OutputError: when `target` is not a folder or its parent cannot be written.
    """
    target = Path(os.path.realpath(target))  # a symlinked site folder keeps its link
    for folder in (target, *target.parents):
        if folder.exists() and not folder.is_dir():
            raise OutputError(f"cannot write the site to {target}: {folder} is a file")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        clean_leftovers(target)
        staging = leftover_path(target, STAGING, os.getpid())
        staging.mkdir()
    except OSError as error:
        raise OutputError(f"cannot write the site to {target}: {describe(error)}") from error
    return StagedOutput(target, staging)


def leftover_path(target: Path, kind: str, pid: int) -> Path:
    """`.site.tmp-123` or `.site.old-123` beside `site`: hidden, and named after its owner."""
    return target.parent / f".{target.name}.{kind}-{pid}"


def _leftovers(target: Path) -> Iterator[tuple[Path, str, int]]:
    pattern = re.compile(rf"\.{re.escape(target.name)}\.({STAGING}|{BACKUP})-(\d+)")
    for entry in sorted(target.parent.iterdir()):
        match = pattern.fullmatch(entry.name)
        if match is not None:
            yield entry, match[1], int(match[2])


def clean_leftovers(target: Path) -> list[Path]:
    """Remove staging and backup folders of builds that no longer run; return them.

    A backup exists only once its build finished, so when the site folder is missing (the
    build died between its two renames) that build's staging folder is complete and becomes
    the site; failing that, the backup goes back.
    """
    removed = []
    for path, kind, pid in _leftovers(target):
        if pid != os.getpid() and _running(pid):
            continue  # a concurrent build's folder
        if kind == BACKUP and not target.exists():
            finished = leftover_path(target, STAGING, pid)
            os.rename(finished if finished.is_dir() else path, target)
        if not path.exists():
            continue  # put in place just above
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def replace_directory(staging: Path, target: Path) -> None:
    """Make `staging` the folder at `target`, removing what was there (atomic where possible)."""
    if not target.exists():
        os.rename(staging, target)
        return
    if exchange(staging, target):
        shutil.rmtree(staging, ignore_errors=True)  # now the old site
        return
    backup = leftover_path(target, BACKUP, os.getpid())
    os.rename(target, backup)
    try:
        os.rename(staging, target)
    except OSError:
        os.rename(backup, target)
        raise
    shutil.rmtree(backup, ignore_errors=True)


@cache
def _renameat2() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # no C library symbol (glibc < 2.28, musl)
        return None
    # int renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath,
    #               unsigned int flags)
    function.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    function.restype = ctypes.c_int
    return function


def exchange(first: Path, second: Path) -> bool:
    """Swap two paths atomically (Linux renameat2); False when the system cannot.

    Raises:
        OSError: when the exchange is supported but failed (a missing path, permissions).
    """
    function = _renameat2()
    if function is None:
        return False
    if function(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE):
        code = ctypes.get_errno()
        if code in _NO_EXCHANGE:
            return False
        raise OSError(code, os.strerror(code), str(second))
    return True


def describe(error: OSError, staging: Path | None = None) -> str:
    """`No space left on device: events/x/index.html (the disk is full)`: what, where, a hint.

    Where is the file written (a copy's destination), relative to `staging` when inside it.
    """
    text = error.strerror or str(error)
    where = error.filename2 if error.filename2 is not None else error.filename
    if where is not None:
        path = Path(os.fsdecode(where))
        if staging is not None and path.is_relative_to(staging):
            path = path.relative_to(staging)
        text += f": {path}"
    hint = _HINTS.get(error.errno or 0)
    return f"{text} ({hint})" if hint else text


#: SQLite's own codes for a failed write (its errors are not OSErrors and name no file).
_SQLITE_WRITE_FAILURES = {
    sqlite3.SQLITE_IOERR: "the disk may be full",
    sqlite3.SQLITE_FULL: "the disk is full",
    sqlite3.SQLITE_READONLY: "the folder is not writable",
    sqlite3.SQLITE_CANTOPEN: "the folder is not writable",
}


def describe_failure(error: BaseException, staging: Path | None = None) -> str | None:
    """The one line for a build that failed for want of disk (full, read-only, a quota);
    None for any other error, which is a bug to report with its traceback."""
    if isinstance(error, OSError):
        return describe(error, staging)
    if isinstance(error, sqlite3.Error):
        code = getattr(error, "sqlite_errorcode", 0) & 0xFF  # the primary of an extended code
        hint = _SQLITE_WRITE_FAILURES.get(code)
        if hint is not None:
            return f"{error} while writing an SQLite file ({hint})"
    return None


def pin_source_date_epoch(environ: MutableMapping[str, str], epoch: int) -> Callable[[], None]:
    """Set SOURCE_DATE_EPOCH for one build unless set already; return what undoes it.

    Every date a build writes then comes from one instant: the exports' `generated_at`
    (`generator.exports.context.resolve_generated_at`) and mkdocs' sitemap `lastmod` and gzip
    header (`mkdocs.utils.get_build_date`), instead of clocks read at different moments that
    can even straddle midnight.
    """
    if environ.get("SOURCE_DATE_EPOCH"):
        return lambda: None
    environ["SOURCE_DATE_EPOCH"] = str(epoch)

    def restore() -> None:
        environ.pop("SOURCE_DATE_EPOCH", None)

    return restore
