"""A per-file cache of first-pass results, so re-validating 10,000 events costs a stat each.

The cache is JSON (never pickle: it must be safe to read even if someone planted it) and lives
in the user's cache folder, not in the repository, so a pull request cannot ship a cache that
declares its own broken files valid. An entry is reused only when the file's size and
nanosecond modification time are unchanged and the generator's own code is the same.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pydantic

from generator.diagnostics import Problem
from generator.validation import EventRecord, FileResult

_CODE_MODULES = (
    "dates.py",
    "diagnostics.py",
    "loader.py",
    "models.py",
    "text.py",
    "constraints.py",
    "validation.py",
)
Stamp = tuple[int, int]


def code_fingerprint() -> str:
    """Changes whenever the rules change: the code that decides a file's first-pass result."""
    digest = hashlib.sha256(pydantic.VERSION.encode())
    here = Path(__file__).parent
    for name in _CODE_MODULES:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()[:24]


def default_cache_dir() -> Path:
    configured = os.environ.get("TIMELINE_CACHE_DIR")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "timeline"


@dataclass
class ResultCache:
    """Results keyed by path relative to the events folder, stamped with (size, mtime_ns)."""

    location: Path | None
    fingerprint: str
    entries: dict[str, tuple[Stamp, dict[str, Any]]] = field(default_factory=dict)
    changed: bool = False

    @classmethod
    def open(cls, root: Path, directory: Path | None) -> ResultCache:
        fingerprint = code_fingerprint()
        if directory is None:
            return cls(None, fingerprint)
        key = hashlib.sha256(f"{root.resolve()}\0{Path.cwd()}".encode()).hexdigest()[:20]
        location = directory / f"validate-{key}.json"
        cache = cls(location, fingerprint)
        try:
            stored = json.loads(location.read_text(encoding="utf-8"))
            if stored.get("fingerprint") == fingerprint:
                cache.entries = {
                    name: ((entry[0][0], entry[0][1]), entry[1])
                    for name, entry in stored["files"].items()
                }
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            pass  # no cache, or an unreadable one: start afresh
        return cache

    def get(self, name: str, stamp: Stamp) -> FileResult | None:
        entry = self.entries.get(name)
        if entry is None or entry[0] != stamp:
            return None
        try:
            return result_from_plain(entry[1])
        except (KeyError, TypeError, ValueError, IndexError):
            return None

    def put(self, name: str, stamp: Stamp, plain: dict[str, Any]) -> None:
        self.entries[name] = (stamp, plain)
        self.changed = True

    def keep_only(self, names: set[str]) -> None:
        stale = set(self.entries) - names
        for name in stale:
            del self.entries[name]
        self.changed = self.changed or bool(stale)

    def save(self) -> None:
        """Write atomically; a cache that cannot be written is silently skipped."""
        if self.location is None or not self.changed:
            return
        payload = {
            "fingerprint": self.fingerprint,
            "files": {name: [list(stamp), plain] for name, (stamp, plain) in self.entries.items()},
        }
        try:
            self.location.parent.mkdir(parents=True, exist_ok=True)
            fd, temporary = tempfile.mkstemp(dir=self.location.parent, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(payload, handle, ensure_ascii=False, separators=(",", ":"))
            os.replace(temporary, self.location)
        except OSError:
            return


def result_to_plain(result: FileResult) -> dict[str, Any]:
    return {
        "file": result.file,
        "role": result.role,
        "problems": [list(problem.__dict__.values()) for problem in result.problems],
        "record": result.record.to_plain() if result.record else None,
        "registry_name": result.registry_name,
        "registry_ids": result.registry_ids,
        "registry_data": result.registry_data,
    }


def result_from_plain(plain: dict[str, Any]) -> FileResult:
    return FileResult(
        file=plain["file"],
        role=plain["role"],
        problems=[Problem(*values) for values in plain["problems"]],
        record=EventRecord.from_plain(plain["record"]) if plain["record"] else None,
        registry_name=plain["registry_name"],
        registry_ids=plain["registry_ids"],
        registry_data=plain["registry_data"],
    )
