"""Small git helpers: files changed since a ref, files at a ref, and history for many files.

git runs through `subprocess` with argument lists (never a shell), with prompts disabled, so
neither a ref nor a file name can become a command: refs starting with `-` are refused and
paths are passed as literal pathspecs. History for a whole store comes from one `git log` pass,
because one process per event would take minutes for 10,000 events.

CI checkouts are often shallow (`fetch-depth: 1`). Where the answer needs more history, the
helpers fetch it when allowed (`fetch=True` or `TIMELINE_GIT_FETCH=1`), and otherwise give a
safe answer (more changed files, not fewer) or a `FileHistory` that says why dates are missing.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import quote

#: Set to 1/true/yes to let the helpers run `git fetch` in a shallow clone.
FETCH_ENV = "TIMELINE_GIT_FETCH"
LOCAL_TIMEOUT = 300
FETCH_TIMEOUT = 600
#: How far `changed_files` deepens a shallow clone, step by step, before fetching everything.
DEEPEN_STEPS = (50, 500)
SHALLOW_NOTE = (
    "history unavailable: this is a shallow git clone; fetch the full history "
    "(actions/checkout with fetch-depth: 0, or set TIMELINE_GIT_FETCH=1)"
)
_SHA_LENGTH = 40


class GitError(Exception):
    """git failed or lacks what was asked for; the message says what to do about it."""


@dataclass(frozen=True)
class FileHistory:
    """When a file was first added and last changed, taken from git.

    `available` is False when the dates are unknown (a shallow clone, a file never committed);
    `note` then says why, in words a site can show next to the missing dates.
    """

    path: str
    """The file's path from the top of the repository, for links to its history."""
    first_added: dt.date | None
    last_changed: dt.date | None
    first_commit: str | None
    last_commit: str | None
    available: bool
    note: str = ""

    def history_url(self, repo_url: str, branch: str = "main") -> str:
        """The forge's page listing the commits that touched this file (GitHub's layout)."""
        return f"{repo_url.rstrip('/')}/commits/{quote(branch)}/{quote(self.path)}"

    def commit_url(self, repo_url: str) -> str | None:
        """The forge's page of the last commit that changed this file."""
        if self.last_commit is None:
            return None
        return f"{repo_url.rstrip('/')}/commit/{self.last_commit}"


@dataclass(frozen=True)
class Repo:
    """A git work tree, addressed by its top folder."""

    root: Path

    @classmethod
    def at(cls, path: Path) -> Repo:
        """The repository that contains `path` (a file or folder, which need not exist)."""
        start = Path(path).absolute()
        while not start.is_dir() and start != start.parent:
            start = start.parent
        proc = _run(start, ["rev-parse", "--show-toplevel"], check=False)
        if proc.returncode != 0:
            raise GitError(f"{path} is not inside a git repository")
        return cls(Path(os.fsdecode(proc.stdout.strip())).resolve())

    def git(self, *args: str, stdin: bytes | None = None, timeout: float = LOCAL_TIMEOUT) -> bytes:
        """Run git in the top folder and return its output; raise GitError on failure."""
        return _run(self.root, list(args), stdin=stdin, timeout=timeout).stdout

    def relative(self, path: Path) -> PurePosixPath:
        """`path` from the top of the work tree; GitError when it lies outside."""
        absolute = Path(path).absolute()
        resolved = absolute.parent.resolve() / absolute.name if absolute.name else absolute
        try:
            return PurePosixPath(resolved.relative_to(self.root).as_posix())
        except ValueError:
            raise GitError(f"{path} is outside the git repository at {self.root}") from None

    def pathspec(self, path: Path) -> str:
        """A pathspec matching exactly `path` (no globbing, independent of the cwd)."""
        relative = self.relative(path)
        return ":/" if relative == PurePosixPath(".") else f":(top,literal){relative}"

    def commit(self, ref: str) -> str:
        """The full commit id `ref` names; GitError with a hint when git does not know it."""
        if not ref or ref.startswith("-") or any(ch in ref for ch in "\0\n\r"):
            raise GitError(f"{ref!r} is not a valid git reference")
        proc = _run(
            self.root,
            ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"],
            check=False,
        )
        if proc.returncode != 0:
            hint = " (this clone is shallow: fetch more history)" if self.is_shallow() else ""
            raise GitError(
                f"unknown git reference {ref!r}{hint}; fetch it first, e.g. "
                f"`git fetch origin main`, or check out with fetch-depth: 0"
            )
        return proc.stdout.decode("ascii").strip()

    def is_shallow(self) -> bool:
        return self.git("rev-parse", "--is-shallow-repository").strip() == b"true"

    def shallow_commits(self) -> frozenset[str]:
        """The commits at the shallow boundary: their parents are missing from the clone."""
        where = Path(os.fsdecode(self.git("rev-parse", "--git-path", "shallow").strip()))
        path = where if where.is_absolute() else self.root / where
        try:
            return frozenset(path.read_text(encoding="ascii").split())
        except OSError:
            return frozenset()

    def fetch_history(self, deepen: int | None = None) -> bool:
        """Deepen a shallow clone by `deepen` commits, or fetch all of it; True on success."""
        remotes = self.git("remote").decode("utf-8", "replace").split()
        if not remotes:
            return False
        remote = "origin" if "origin" in remotes else remotes[0]
        depth = f"--deepen={deepen}" if deepen is not None else "--unshallow"
        proc = _run(
            self.root,
            ["fetch", "--quiet", "--no-tags", depth, "--end-of-options", remote],
            timeout=FETCH_TIMEOUT,
            check=False,
        )
        return proc.returncode == 0

    def merge_base(self, ref: str, *, fetch: bool = False) -> str | None:
        """The commit where HEAD's history left `ref`'s, deepening a shallow clone if allowed."""
        target = self.commit(ref)
        steps: list[int | None] = [*DEEPEN_STEPS, None]
        while True:
            proc = _run(self.root, ["merge-base", target, "HEAD"], check=False)
            if proc.returncode == 0:
                return proc.stdout.decode("ascii").strip()
            if not (fetch and steps and self.is_shallow()):
                return None
            if not self.fetch_history(steps.pop(0)):
                return None

    def show(self, ref: str, path: Path) -> bytes | None:
        """The content of `path` at `ref`, or None when it did not exist there."""
        commit = self.commit(ref)
        proc = _run(self.root, ["cat-file", "blob", f"{commit}:{self.relative(path)}"], check=False)
        return proc.stdout if proc.returncode == 0 else None


def fetch_allowed(fetch: bool | None = None) -> bool:
    """An explicit choice wins; otherwise the TIMELINE_GIT_FETCH environment variable."""
    if fetch is not None:
        return fetch
    return os.environ.get(FETCH_ENV, "").strip().lower() in {"1", "true", "yes"}


def changed_files(
    ref: str, paths: Sequence[Path] = (Path("events"),), *, fetch: bool | None = None
) -> list[Path]:
    """Files under `paths` that were added, modified or renamed since `ref`, as absolute paths.

    "Since" means since the merge base of `ref` and HEAD (what a pull request changes), plus
    uncommitted and untracked files. Deleted files are not listed (see `deleted_files`). When a
    shallow clone has no merge base and may not fetch, the comparison is with `ref` itself,
    which lists more files, never fewer.
    """
    if not paths:
        return []
    repo = Repo.at(paths[0])
    specs = [repo.pathspec(path) for path in paths]
    base = repo.merge_base(ref, fetch=fetch_allowed(fetch)) or repo.commit(ref)
    names = _split_z(
        repo.git("diff", "--name-only", "-z", "--diff-filter=ACMRT", base, "--", *specs)
    )
    names += _split_z(repo.git("ls-files", "--others", "--exclude-standard", "-z", "--", *specs))
    found = {repo.root / name for name in names}
    return sorted(path for path in found if os.path.lexists(path))


def deleted_files(
    ref: str, paths: Sequence[Path] = (Path("events"),), *, fetch: bool | None = None
) -> list[PurePosixPath]:
    """Files under `paths` that existed at the merge base with `ref` and are gone now."""
    if not paths:
        return []
    repo = Repo.at(paths[0])
    specs = [repo.pathspec(path) for path in paths]
    base = repo.merge_base(ref, fetch=fetch_allowed(fetch)) or repo.commit(ref)
    names = _split_z(repo.git("diff", "--name-only", "-z", "--diff-filter=D", base, "--", *specs))
    return sorted(PurePosixPath(name) for name in names)


def differing_files(ref: str, folder: Path) -> frozenset[PurePosixPath]:
    """Files under `folder` (relative to it) that differ between `ref` and the work tree.

    Added, modified, deleted and untracked files all count; renames are a deletion plus an
    addition. Unlike `changed_files` this compares with `ref` itself, not with a merge base.
    """
    repo = Repo.at(folder)
    commit = repo.commit(ref)
    spec = repo.pathspec(folder)
    names = _split_z(repo.git("diff", "--name-only", "-z", "--no-renames", commit, "--", spec))
    names += _split_z(repo.git("ls-files", "--others", "--exclude-standard", "-z", "--", spec))
    prefix = repo.relative(folder)
    return frozenset(
        PurePosixPath(name)
        if prefix == PurePosixPath(".")
        else PurePosixPath(name).relative_to(prefix)
        for name in names
    )


def tree_files(
    ref: str, folder: Path, only: Collection[PurePosixPath] | None = None
) -> Iterator[tuple[PurePosixPath, bytes]]:
    """Every regular file under `folder` as it was at `ref`: (path below `folder`, content).

    With `only`, just those paths (relative to `folder`). Reads blobs through one
    `git cat-file --batch` process; the work tree is never touched. Symbolic links and
    submodules are skipped, as the store does not follow them either.
    """
    repo = Repo.at(folder)
    commit = repo.commit(ref)
    prefix = repo.relative(folder)
    listing = repo.git("ls-tree", "-r", "-z", "--full-tree", commit, "--", repo.pathspec(folder))
    entries: list[tuple[PurePosixPath, str]] = []
    for item in _split_z(listing):
        meta, _, name = item.partition("\t")
        mode, kind, blob = meta.split(" ")
        if kind != "blob" or mode not in {"100644", "100755"}:
            continue
        path = PurePosixPath(name)
        inner = path if prefix == PurePosixPath(".") else path.relative_to(prefix)
        if inner.is_absolute() or ".." in inner.parts or (only is not None and inner not in only):
            continue
        entries.append((inner, blob))
    if not entries:
        return
    output = repo.git("cat-file", "--batch", stdin="".join(f"{b}\n" for _, b in entries).encode())
    offset = 0
    for inner, _blob in entries:
        header_end = output.index(b"\n", offset)
        header = output[offset:header_end].split(b" ")
        if len(header) != 3:
            raise GitError(f"git cat-file: object for {inner} is missing from the repository")
        size = int(header[2])
        start = header_end + 1
        yield inner, output[start : start + size]
        offset = start + size + 1


def export_tree(
    ref: str, folder: Path, destination: Path, only: Collection[PurePosixPath] | None = None
) -> int:
    """Write the files of `folder` at `ref` (or just `only` of them) under `destination`.

    Returns how many files were written.
    """
    count = 0
    for inner, content in tree_files(ref, folder, only):
        target = destination.joinpath(*inner.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        count += 1
    return count


def history(path: Path, *, fetch: bool | None = None) -> FileHistory:
    """The history of one file, following renames (one git process; use `histories` for many)."""
    repo = Repo.at(path)
    name = repo.relative(path).as_posix()
    return _histories(repo, repo.pathspec(path), [name], fetch, follow=True)[name]


def histories(folder: Path, *, fetch: bool | None = None) -> dict[Path, FileHistory]:
    """First-added and last-changed dates of every tracked file under `folder`, in one pass.

    Keys are absolute paths (the repository's real top folder joined with the file's path).
    Renames inside `folder` are followed, as `git log --follow` does for a single file. A
    shallow clone is unshallowed when fetching is allowed; otherwise files whose history
    reaches the shallow boundary are reported unavailable with `SHALLOW_NOTE`, while files
    changed since the boundary keep their correct `last_changed`.
    """
    repo = Repo.at(folder)
    spec = repo.pathspec(folder)
    tracked = _split_z(repo.git("ls-files", "-z", "--", spec))
    found = _histories(repo, spec, tracked, fetch, follow=False)
    return {repo.root / name: found[name] for name in tracked}


def _histories(
    repo: Repo, spec: str, tracked: list[str], fetch: bool | None, *, follow: bool
) -> dict[str, FileHistory]:
    if repo.is_shallow() and fetch_allowed(fetch):
        repo.fetch_history()
    boundary = repo.shallow_commits() if repo.is_shallow() else frozenset()
    head = _run(repo.root, ["rev-parse", "--verify", "--quiet", "HEAD"], check=False)
    log = b""
    if head.returncode == 0:
        options = ["--follow"] if follow else []
        log = repo.git(
            "log", *options, "--date-order", "-M", "--name-status", "-z", "--format=%x01%H %as",
            "HEAD", "--", spec,
        )  # fmt: skip
    tracker = _Tracker(tracked)
    for commit, date, changes in _parse_log(log):
        tracker.visit(commit, date, changes, commit in boundary)
    return {name: tracker.result(name) for name in tracked}


class _Tracker:
    """Walks commits newest first, following each current file back through its renames."""

    def __init__(self, names: Iterable[str]) -> None:
        self.alias: dict[str, str] = {name: name for name in names}
        self.last: dict[str, tuple[dt.date, str]] = {}
        self.first: dict[str, tuple[dt.date, str]] = {}
        self.complete: set[str] = set()
        self.cut: set[str] = set()

    def visit(
        self, commit: str, date: dt.date, changes: list[tuple[str, str, str | None]], cut: bool
    ) -> None:
        for status, path, old in changes:
            key = self.alias.get(path)
            if key is None or status == "D":
                continue
            if cut:
                # A boundary commit lists every file as added: it says nothing about when.
                self.cut.add(key)
                del self.alias[path]
                continue
            self.last.setdefault(key, (date, commit))
            self.first[key] = (date, commit)
            if status == "A":
                self.complete.add(key)
                del self.alias[path]
            elif status == "R" and old is not None:
                del self.alias[path]
                self.alias[old] = key

    def result(self, name: str) -> FileHistory:
        last = self.last.get(name)
        first = self.first.get(name) if name in self.complete else None
        if first is not None and last is not None:
            return FileHistory(name, first[0], last[0], first[1], last[1], True)
        if last is None and name not in self.cut:
            return _unknown(name, "not committed yet")
        return FileHistory(
            name, None, last[0] if last else None, None, last[1] if last else None, False,
            SHALLOW_NOTE,
        )  # fmt: skip


def _unknown(name: str, note: str) -> FileHistory:
    return FileHistory(name, None, None, None, None, False, note)


def _parse_log(
    output: bytes,
) -> Iterator[tuple[str, dt.date, list[tuple[str, str, str | None]]]]:
    """Commits of `git log -z --name-status --format=%x01%H %as` as (sha, date, changes)."""
    for chunk in output.split(b"\x01")[1:]:
        header, _, rest = chunk.partition(b"\0")
        sha, _, day = header.decode("ascii").partition(" ")
        tokens = [os.fsdecode(token) for token in rest.lstrip(b"\n").split(b"\0")]
        changes: list[tuple[str, str, str | None]] = []
        index = 0
        while index < len(tokens) and tokens[index]:
            status = tokens[index][0]
            if status in "RC":
                old, new = tokens[index + 1], tokens[index + 2]
                changes.append(("R" if status == "R" else "A", new, old))
                index += 3
            else:
                changes.append((status, tokens[index + 1], None))
                index += 2
        if len(sha) == _SHA_LENGTH:
            yield sha, dt.date.fromisoformat(day), changes


def _split_z(output: bytes) -> list[str]:
    return [os.fsdecode(item) for item in output.split(b"\0") if item]


def _run(
    cwd: Path,
    args: list[str],
    *,
    stdin: bytes | None = None,
    timeout: float = LOCAL_TIMEOUT,
    check: bool = True,
) -> subprocess.CompletedProcess[bytes]:
    env = {
        **os.environ,
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_ASKPASS": "",
        "LC_ALL": "C",
        "GIT_OPTIONAL_LOCKS": "0",
    }
    command = ["git", "-c", "core.quotepath=off", "-c", "log.showRoot=true", *args]
    try:
        proc = subprocess.run(
            command,
            cwd=cwd,
            input=stdin,
            capture_output=True,
            timeout=timeout,
            env=env,
            check=False,
        )
    except FileNotFoundError:
        raise GitError("git is not installed (or not on PATH)") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"git {args[0]} took longer than {timeout:g} seconds") from None
    if check and proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = message[-1] if message else f"exit status {proc.returncode}"
        raise GitError(f"git {args[0]} failed: {detail}")
    return proc
