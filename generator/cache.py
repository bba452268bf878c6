"""A per-file cache of first-pass results, so re-validating 10,000 events costs a stat each.

Stored in SQLite (never pickle: the cache must be safe to read even if someone planted it),
in the user's cache folder rather than the repository, so a pull request cannot ship a cache
that declares its own broken files valid. An entry is reused only when the file's size and
nanosecond modification time are unchanged and the generator's own code is the same.

Each file has two JSON documents: the small "check" part that validation needs (id, date,
title, references, problems) in `results`, read for every file in one query, and the full
event data in `event_data`, fetched only when something (the site build) asks for it. Only
changed rows are written, so one edited file in 10,000 costs one row, not a rewrite of the
whole cache. The stamps are read first, from an index that holds them (a few hundred KB for
10,000 files): they say what must be validated again, which can start before the check rows
are read (`store.first_pass`).

The check part is a positional JSON array (`_row_of`), not the keyed `result_to_plain` form:
every cached run decodes 10,000 of them, and the keys and the repeated file name were half of
its bytes. Its shape is covered by the code fingerprint like everything else here.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import sqlite3
from contextlib import closing
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from generator.dates import SpanKey
from generator.diagnostics import Problem
from generator.records import (
    CachedEventRecord,
    EventRecord,
    FileResult,
    link_keys_of,
    part_of_targets,
)

_CODE_MODULES = (
    "cache.py",  # the shape of a row
    "records.py",  # the shape of a cached record
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
    digest = hashlib.sha256(_pydantic_version())
    here = Path(__file__).parent
    for name in _CODE_MODULES:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()[:24]


@lru_cache(maxsize=1)
def _pydantic_version() -> bytes:
    """pydantic's `version.py` (its version and the pydantic-core it needs), read as a file.

    Importing pydantic for `VERSION` was a tenth of a cached run, which never validates.
    """
    spec = importlib.util.find_spec("pydantic")
    if spec is None or spec.origin is None:  # pragma: no cover - pydantic is a dependency
        return b"no pydantic"
    try:
        return Path(spec.origin).with_name("version.py").read_bytes()
    except OSError:  # an unusual install: fall back to asking the module
        import pydantic

        return pydantic.VERSION.encode()


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
    stamps: dict[str, Stamp] = field(default_factory=dict)
    _rows: dict[str, tuple[Stamp, str]] | None = None
    _pending: dict[str, tuple[Stamp, str, str | None]] = field(default_factory=dict)
    _stale: set[str] = field(default_factory=set)

    @classmethod
    def open(cls, root: Path, directory: Path | None) -> ResultCache:
        fingerprint = code_fingerprint()
        if directory is None:
            return cls(None, fingerprint)
        key = hashlib.sha256(f"{root.resolve()}\0{Path.cwd()}".encode()).hexdigest()[:20]
        location = directory / f"validate-{key}.sqlite"
        cache = cls(location, fingerprint)
        if not location.exists():
            return cache
        try:
            with closing(_connect(location)) as db:
                if _stored_fingerprint(db) == fingerprint:
                    rows = db.execute("SELECT name, size, mtime FROM results")
                    cache.stamps = {name: (size, mtime) for name, size, mtime in rows}
        except (OSError, sqlite3.Error):
            cache.stamps = {}  # no cache, or an unreadable one: start afresh
        return cache

    def answers(self, name: str, stamp: Stamp) -> bool:
        """Whether a result is cached for this file as it is now (`get` may still fail)."""
        return self.location is not None and self.stamps.get(name) == stamp

    def get(self, name: str, stamp: Stamp) -> FileResult | None:
        """The cached result for the file as it is now, or None (validate it again)."""
        if self.location is None or self.stamps.get(name) != stamp:
            return None
        if self._rows is None:
            self._rows = _read_rows(self.location, self.fingerprint)
        entry = self._rows.get(name)
        # The row's own stamp decides: another process may have rewritten it since `open`.
        if entry is None or entry[0] != stamp:
            return None
        try:
            return _result_of_row(json.loads(entry[1]), _Fetcher(self.location, name))
        except (KeyError, TypeError, ValueError, IndexError):
            return None

    def put(self, name: str, stamp: Stamp, plain: dict[str, Any]) -> None:
        data = plain.get("data")
        checks = json.dumps(_row_of(plain), ensure_ascii=False)
        self._pending[name] = (stamp, checks, None if data is None else json.dumps(data))

    def keep_only(self, names: set[str]) -> None:
        self._stale = set(self.stamps) - names

    def save(self) -> None:
        """Write the changed rows in one transaction; a cache that cannot be written is skipped."""
        if self.location is None or not (self._pending or self._stale):
            return
        try:
            self.location.parent.mkdir(parents=True, exist_ok=True)
            with closing(_connect(self.location)) as db, db:
                if _stored_fingerprint(db) != self.fingerprint:
                    db.execute("DELETE FROM results")
                    db.execute("DELETE FROM event_data")
                    db.execute("DROP TABLE IF EXISTS files")  # the layout before 7 December
                    db.execute(
                        "INSERT OR REPLACE INTO meta VALUES ('fingerprint', ?)", (self.fingerprint,)
                    )
                stale = [(name,) for name in self._stale]
                db.executemany("DELETE FROM results WHERE name = ?", stale)
                db.executemany("DELETE FROM event_data WHERE name = ?", stale)
                db.executemany(
                    "INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?)",
                    [
                        (name, stamp[0], stamp[1], checks)
                        for name, (stamp, checks, _data) in self._pending.items()
                    ],
                )
                db.executemany(
                    "INSERT OR REPLACE INTO event_data VALUES (?, ?)",
                    [(name, data) for name, (_stamp, _checks, data) in self._pending.items()],
                )
        except (OSError, sqlite3.Error):
            return
        finally:
            self._pending.clear()
            self._stale.clear()


def _connect(location: Path) -> sqlite3.Connection:
    db = sqlite3.connect(location, timeout=5)
    db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
    db.execute(
        "CREATE TABLE IF NOT EXISTS results (name TEXT PRIMARY KEY, size INTEGER, mtime INTEGER,"
        " checks TEXT)"
    )
    # Holds every stamp: reading them needs only this index, not the rows' pages.
    db.execute("CREATE INDEX IF NOT EXISTS results_stamps ON results (name, size, mtime)")
    db.execute("CREATE TABLE IF NOT EXISTS event_data (name TEXT PRIMARY KEY, data TEXT)")
    return db


def _stored_fingerprint(db: sqlite3.Connection) -> str | None:
    stored = db.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
    return None if stored is None else str(stored[0])


def _read_rows(location: Path, fingerprint: str) -> dict[str, tuple[Stamp, str]]:
    """Every check row with its stamp, in one query; nothing if the code changed meanwhile."""
    try:
        with closing(_connect(location)) as db, db:
            db.execute("BEGIN")  # one read transaction: the fingerprint and rows of one moment
            if _stored_fingerprint(db) != fingerprint:
                return {}
            rows = db.execute("SELECT name, size, mtime, checks FROM results")
            return {name: ((size, mtime), checks) for name, size, mtime, checks in rows}
    except (OSError, sqlite3.Error):
        return {}


@lru_cache(maxsize=4)
def _reader(location: Path) -> sqlite3.Connection:
    """One read-only connection per cache file, shared by every lazy fetch."""
    return sqlite3.connect(f"{location.as_uri()}?mode=ro", uri=True, check_same_thread=False)


@dataclass(frozen=True)
class _Fetcher:
    """Reads one event's full data from the cache when it is first needed."""

    location: Path
    name: str

    def __call__(self) -> dict[str, Any]:
        row = (
            _reader(self.location)
            .execute("SELECT data FROM event_data WHERE name = ?", (self.name,))
            .fetchone()
        )
        if row is None or row[0] is None:
            raise LookupError(f"the validation cache lost the data of {self.name}")
        data: dict[str, Any] = json.loads(row[0])
        return data


def result_to_plain(result: FileResult) -> dict[str, Any]:
    return {
        "file": result.file,
        "role": result.role,
        "problems": [list(problem.__dict__.values()) for problem in result.problems],
        "record": result.record.to_plain() if result.record else None,
        "data": result.record.data if result.record else None,
        "registry_name": result.registry_name,
        "registry_ids": result.registry_ids,
        "registry_data": result.registry_data,
    }


def result_from_plain(plain: dict[str, Any], fetch: _Fetcher | None = None) -> FileResult:
    record = None
    if plain["record"]:
        record = EventRecord.from_plain(plain["record"], data=plain.get("data"), fetch=fetch)
    return FileResult(
        file=plain["file"],
        role=plain["role"],
        problems=[Problem(*values) for values in plain["problems"]],
        record=record,
        registry_name=plain["registry_name"],
        registry_ids=plain["registry_ids"],
        registry_data=plain["registry_data"],
    )


def _row_of(plain: dict[str, Any]) -> list[Any]:
    """The cached check part of a `result_to_plain` result, as a positional array."""
    record = plain["record"]
    return [
        plain["file"],
        plain["role"],
        plain["problems"],
        None
        if record is None
        else [
            record["id"],
            record["title"],
            record["date"],
            # A string inside the row: decoded only when something reads the references.
            json.dumps(record["references"], ensure_ascii=False),
            record["date_position"],
            record["order"],
            link_keys_of(record["references"]),
            part_of_targets(record["references"], record["id"]),
        ],
        plain["registry_name"],
        plain["registry_ids"],
        plain["registry_data"],
    ]


def _result_of_row(row: list[Any], fetch: _Fetcher) -> FileResult:
    """`_row_of` read back: the one function every cached file goes through, kept lean."""
    file, role, problems, record, registry_name, registry_ids, registry_data = row
    if record is not None:
        event_id, title, date, references, (line, column), order, link_keys, part_of = record
        lists = isinstance(link_keys, list) and isinstance(part_of, list)
        if not isinstance(references, str) or not lists:
            raise TypeError("not a cached record")  # get() then validates the file again
        record = CachedEventRecord.cached(
            {
                "id": event_id,
                "file": file,
                "title": title,
                "date": date,
                "date_position": (line, column),
                "_data": None,
                "_fetch": fetch,
                "_order": _order_of(order),
            },
            references,
            link_keys,
            part_of,
        )
    return FileResult(
        file,
        role,
        [Problem(*values) for values in problems] if problems else [],
        record,
        registry_name,
        registry_ids,
        registry_data,
    )


def _order_of(plain: list[Any]) -> SpanKey:
    year, month, day, rank, is_range, (end_year, end_month, end_day) = plain
    return (year, month, day, rank, is_range, (end_year, end_month, end_day))
