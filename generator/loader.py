"""Untrusted bytes → plain data with the position of every key and value.

The loader never constructs Python objects through ruamel.yaml: it reads the parser's event
stream and builds dicts, lists and scalars itself. That is what makes it safe on hostile input:

* anchors and aliases are rejected, so an alias bomb is never expanded;
* explicit tags (`!!python/object`, `!custom`) are rejected instead of interpreted;
* scalars follow the YAML 1.2 core schema (no timestamps, no `yes`/`no` booleans), so
  `2024-02-30` reaches the models as text and becomes a positioned error, not a crash;
* duplicate keys, several documents, nesting and node counts are checked as events arrive,
  so a deeply nested file is stopped before it costs anything (the parser is iterative);
* the bytes are capped, decoded as strict UTF-8 and scanned for control, zero-width and
  bidirectional-override characters before the parser sees them.

Every problem carries a 1-based line and column.

Two parsers of ruamel.yaml produce that event stream. libyaml's, from ruamel.yaml.clib, is
about 15 times as fast as the pure-Python one and gives the same events (type, value, style,
tag, anchor, line and column) on every event file of the repository, the test fixtures and the
synthetic 10,000-event corpus, so it reads every file first. libyaml implements YAML 1.1: on
a document it cannot parse, the pure parser (YAML 1.2) parses it again and its message is the
one reported, so errors read the same with or without the C extension. On exotic documents the
two disagree (16 of the YAML test suite's documents are YAML 1.2 errors that libyaml accepts,
two read differently; none of them is a valid event); text with U+2028/U+2029, which YAML
1.1 takes for line breaks, goes to the pure parser directly.
"""

from __future__ import annotations

import os
import re
import stat
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from generator.diagnostics import Problem, echo

Loc = tuple[str | int, ...]
Position = tuple[int, int]
Parser = Literal["auto", "pure"]

MAX_EVENT_BYTES = 256 * 1024
MAX_REGISTRY_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 20
MAX_EVENT_NODES = 5_000
MAX_REGISTRY_NODES = 400_000
MAX_PROBLEMS_PER_FILE = 25
_MAX_NUMBER_DIGITS = 40

# Characters that have no business in a hand-written event file. Bidi overrides and isolates
# can make text read differently from what it is ("Trojan Source"); zero-width characters hide
# inside ids and URLs. ZWJ/ZWNJ are allowed between letters, where Persian and Indic scripts
# need them.
_FORBIDDEN_CHARS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b\u200e\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb\U000e0000-\U000e007f]"
    "|[\u200c\u200d]"
)
_LETTER_OR_MARK = ("L", "M", "N")
#: Line breaks in YAML 1.1 (libyaml) but not in YAML 1.2 (NEL is a forbidden character).
_YAML11_BREAKS = re.compile("[\u2028\u2029]")

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_TRUES = frozenset({"true", "True", "TRUE"})
_FALSES = frozenset({"false", "False", "FALSE"})
_INT = re.compile(r"[-+]?[0-9]+")
_OCT = re.compile(r"0o[0-7]+")
_HEX = re.compile(r"0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_INF = re.compile(r"[-+]?\.(?:inf|Inf|INF)")
_NAN = re.compile(r"\.(?:nan|NaN|NAN)")


@dataclass(frozen=True)
class Document:
    """Parsed data and where each part of it stands in the file."""

    data: Any
    value_positions: dict[Loc, Position] = field(default_factory=dict)
    key_positions: dict[Loc, Position] = field(default_factory=dict)

    def position(self, loc: Loc, *, prefer_key: bool = False) -> Position:
        """The position of `loc`, or of its nearest ancestor that exists in the file.

        A missing key is reported where its parent mapping starts; an unknown key is reported
        at the key itself (`prefer_key`), a wrong value at the value.
        """
        for end in range(len(loc), -1, -1):
            prefix = loc[:end]
            first, second = (
                (self.key_positions, self.value_positions)
                if prefer_key
                else (self.value_positions, self.key_positions)
            )
            if prefix in first:
                return first[prefix]
            if prefix in second:
                return second[prefix]
        return (1, 1)


@dataclass(frozen=True)
class LoadResult:
    """Either a document, or the problems that stopped it from being one (or both)."""

    document: Document | None
    problems: list[Problem]


def read_bytes(path: Path, display: str, max_bytes: int) -> tuple[bytes | None, list[Problem]]:
    """Read at most `max_bytes` from a regular file, refusing links, FIFOs and devices.

    The file is opened with O_NOFOLLOW and O_NONBLOCK and checked again after opening, so a
    symlink swapped in or a FIFO that never delivers data cannot make the tool follow or hang.
    """

    def fail(message: str, kind: str) -> tuple[None, list[Problem]]:
        return None, [Problem(display, 1, 1, "", message, kind)]

    try:
        info = os.lstat(path)
    except OSError as error:
        return fail(f"cannot read the file: {error.strerror}", "unreadable")
    if stat.S_ISLNK(info.st_mode):
        return fail("symbolic links are not allowed; commit the file itself", "symlink")
    if not stat.S_ISREG(info.st_mode):
        return fail("not a regular file", "not_regular")
    if info.st_size > max_bytes:
        return fail(
            f"file is {info.st_size:,} bytes; the limit is {max_bytes:,}: split it", "file_size"
        )
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as error:
        return fail(f"cannot read the file: {error.strerror}", "unreadable")
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return fail("not a regular file", "not_regular")
        chunks = []
        remaining = max_bytes + 1
        while remaining > 0:
            chunk = os.read(fd, min(remaining, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
    except OSError as error:
        return fail(f"cannot read the file: {error.strerror}", "unreadable")
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > max_bytes:
        return fail(f"file is larger than the limit of {max_bytes:,} bytes: split it", "file_size")
    return data, []


def decode(raw: bytes, display: str) -> tuple[str | None, list[Problem]]:
    """Strict UTF-8 → text, or a positioned encoding problem, plus forbidden-character problems."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, [Problem(display, 1, 1, "", "file is UTF-16; save it as UTF-8", "encoding")]
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]  # a UTF-8 byte order mark is harmless: editors on Windows add it
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = _position_of_byte(raw, error.start)
        bad = raw[error.start : error.start + 1].hex().upper()
        return None, [
            Problem(
                display,
                line,
                column,
                "",
                f"not valid UTF-8 (byte 0x{bad}); save the file as UTF-8",
                "encoding",
            )
        ]
    return text, list(_forbidden_characters(text, display))


def _position_of_byte(raw: bytes, offset: int) -> Position:
    line_start = raw.rfind(b"\n", 0, offset) + 1
    line = raw.count(b"\n", 0, offset) + 1
    column = len(raw[line_start:offset].decode("utf-8", errors="replace")) + 1
    return line, column


def _forbidden_characters(text: str, display: str) -> Iterator[Problem]:
    found = 0
    for match in _FORBIDDEN_CHARS.finditer(text):
        char = match.group()
        if char in "\u200c\u200d" and _joins_letters(text, match.start()):
            continue
        found += 1
        if found > MAX_PROBLEMS_PER_FILE:
            return
        line = text.count("\n", 0, match.start()) + 1
        column = match.start() - text.rfind("\n", 0, match.start())
        name = unicodedata.name(char, "control character")
        yield Problem(
            display,
            line,
            column,
            "",
            f"U+{ord(char):04X} {name} is not allowed: invisible and control characters can "
            "make text read differently from what it is; delete it",
            "forbidden_character",
        )


def _joins_letters(text: str, index: int) -> bool:
    """ZWJ/ZWNJ between letters or marks (a virama is a mark) is part of the script."""
    if index == 0 or index + 1 >= len(text):
        return False
    before = unicodedata.category(text[index - 1])[0]
    after = unicodedata.category(text[index + 1])[0]
    return before in _LETTER_OR_MARK and after in _LETTER_OR_MARK


def parse_text(
    text: str, display: str, max_nodes: int = MAX_EVENT_NODES, *, parser: Parser = "auto"
) -> LoadResult:
    """Parse one YAML document into plain data with positions (see the module docstring).

    `parser="pure"` uses only the pure-Python parser (the tests compare the two).
    """
    fast = parser == "auto" and _fast_parser() is not None and not _YAML11_BREAKS.search(text)
    builder = _build(text, display, max_nodes, fast=True) if fast else None
    if builder is None:
        builder = _build(text, display, max_nodes, fast=False)
    assert builder is not None
    problems = builder.problems[:MAX_PROBLEMS_PER_FILE]
    if builder.fatal:
        return LoadResult(None, problems)
    if builder.root is _NOTHING or builder.root is None:
        problems.append(Problem(display, 1, 1, "", "file is empty", "empty"))
        return LoadResult(None, problems)
    document = Document(builder.root, builder.value_positions, builder.key_positions)
    return LoadResult(document, problems)


def _build(text: str, display: str, max_nodes: int, *, fast: bool) -> _Builder | None:
    """Feed one parser's events to a new builder; None when libyaml (`fast`) failed on the
    text, so that the pure parser explains the error (a builder that stopped early, at an
    alias say, is a result)."""
    # A real event has a few hundred values; the cap bounds the parser's time on hostile files.
    builder = _Builder(display, max_nodes)
    try:
        for event in _fast_events(text) if fast else _pure_events(text):
            if not builder.feed(event):
                break
    except RecursionError:
        builder.problem((1, 1), "the document is nested too deeply", "nesting")
    except Exception as error:  # the parser's errors are the user's problems
        if fast:
            return None
        builder.problem(_mark_of(error), _parser_message(error), "yaml_syntax")
    return builder


def load_file(
    path: Path,
    display: str,
    max_bytes: int = MAX_EVENT_BYTES,
    max_nodes: int = MAX_EVENT_NODES,
) -> LoadResult:
    """Read, decode, scan and parse one file: every check of this module in order."""
    raw, problems = read_bytes(path, display, max_bytes)
    if raw is None:
        return LoadResult(None, problems)
    return load_bytes(raw, display, max_nodes)


def load_bytes(raw: bytes, display: str, max_nodes: int = MAX_EVENT_NODES) -> LoadResult:
    """Decode and parse bytes that were already read (and capped) by the caller."""
    text, problems = decode(raw, display)
    if text is None:
        return LoadResult(None, problems)
    if problems:
        # Parsing text that hides characters would report confusing positions; stop here.
        return LoadResult(None, problems)
    return parse_text(text, display, max_nodes)


@lru_cache(maxsize=1)
def _fast_parser() -> Any:
    """libyaml's parser from ruamel.yaml.clib, or None where the C extension is missing."""
    try:
        from _ruamel_yaml import CParser
    except ImportError:
        return None
    return CParser


def _fast_events(text: str) -> Iterator[Any]:
    parser = _fast_parser()(text)
    try:
        while parser.check_event():
            yield parser.get_event()
    finally:
        parser.dispose()


def _pure_events(text: str) -> Iterator[Any]:
    # Imported here: ruamel.yaml costs ~60 ms to import and fully cached runs never parse.
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yield from yaml.parse(text)


def _mark_of(error: Exception) -> Position:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    if mark is None:
        return (1, 1)
    return (int(getattr(mark, "line", 0)) + 1, int(getattr(mark, "column", 0)) + 1)


def _parser_message(error: Exception) -> str:
    problem = getattr(error, "problem", None)
    context = getattr(error, "context", None)
    if problem:
        text = str(problem)
        if context:
            text = f"{text} ({context})"
    else:
        text = "the document uses YAML the parser does not support (an unknown %YAML version?)"
    text = " ".join(text.split())
    if len(text) > 160:
        text = text[:160] + "…"
    return f"invalid YAML: {text}"


class _Nothing:
    """Marks 'no document yet' (distinct from a document whose value is null)."""


_NOTHING: Any = _Nothing()


@dataclass
class _Frame:
    container: dict[str, Any] | list[Any]
    loc: Loc
    pending_key: str | None = None
    pending_key_position: Position = (1, 1)
    skip_value: bool = False


class _Builder:
    """Turns parser events into data. `feed` returns False when building must stop."""

    def __init__(self, display: str, max_nodes: int) -> None:
        self.display = display
        self.max_nodes = max_nodes
        self.nodes = 0
        self.documents = 0
        self.stack: list[_Frame] = []
        self.root: Any = _NOTHING
        self.fatal = False
        self.problems: list[Problem] = []
        self.value_positions: dict[Loc, Position] = {}
        self.key_positions: dict[Loc, Position] = {}

    def problem(self, position: Position, message: str, kind: str, *, fatal: bool = True) -> None:
        self.problems.append(Problem(self.display, position[0], position[1], "", message, kind))
        if fatal:
            self.fatal = True

    def feed(self, event: Any) -> bool:
        name = type(event).__name__
        position = (event.start_mark.line + 1, event.start_mark.column + 1)
        if name in {"StreamStartEvent", "StreamEndEvent", "DocumentEndEvent"}:
            return True
        if name == "DocumentStartEvent":
            self.documents += 1
            if self.documents > 1:
                self.problem(
                    position,
                    "a file holds one YAML document; remove the '---' and what follows "
                    "or split the file",
                    "multiple_documents",
                )
                return False
            return True
        if name == "AliasEvent":
            self.problem(
                position, "aliases (*name) are not allowed; write the value out", "yaml_alias"
            )
            return False
        if getattr(event, "anchor", None) is not None:
            self.problem(
                position, "anchors (&name) are not allowed; write the value out", "yaml_alias"
            )
            return False
        if name in {"MappingEndEvent", "SequenceEndEvent"}:
            self.stack.pop()
            return True
        self.nodes += 1
        if self.nodes > self.max_nodes:
            self.problem(position, f"more than {self.max_nodes:,} values in one file", "file_size")
            return False
        if _has_explicit_tag(event):
            self.problem(
                position,
                f"explicit YAML tags ({echo(event.tag)}) are not allowed; write the plain value",
                "yaml_tag",
            )
            return False
        if name == "ScalarEvent":
            return self._scalar(event, position)
        if name in {"MappingStartEvent", "SequenceStartEvent"}:
            return self._collection({} if name == "MappingStartEvent" else [], position)
        return True

    def _scalar(self, event: Any, position: Position) -> bool:
        plain = not event.style and event.implicit[0]  # libyaml says "", pure ruamel None
        frame = self.stack[-1] if self.stack else None
        if (
            isinstance(frame, _Frame)
            and isinstance(frame.container, dict)
            and frame.pending_key is None
        ):
            key = str(event.value)
            if key in frame.container or (frame.loc + (key,)) in self.key_positions:
                first = self.key_positions.get(frame.loc + (key,), (0, 0))[0]
                self.problem(
                    position,
                    f"duplicate key {echo(key)} (first at line {first}); keep one",
                    "duplicate_key",
                    fatal=False,
                )
                frame.skip_value = True
            frame.pending_key = key
            frame.pending_key_position = position
            return True
        try:
            value = _resolve(event.value) if plain else event.value
        except ValueError:
            self.problem(position, f"number {echo(event.value)} is too long", "yaml_syntax")
            return False
        self._place(value, position)
        return True

    def _collection(self, container: dict[str, Any] | list[Any], position: Position) -> bool:
        frame = self.stack[-1] if self.stack else None
        if frame is not None and isinstance(frame.container, dict) and frame.pending_key is None:
            self.problem(position, "keys must be plain text, not lists or mappings", "yaml_syntax")
            return False
        if len(self.stack) >= MAX_DEPTH:
            self.problem(position, f"nested more than {MAX_DEPTH} levels deep", "nesting")
            return False
        loc = self._place(container, position)
        self.stack.append(_Frame(container, loc))
        return True

    def _place(self, value: Any, position: Position) -> Loc:
        """Attach a finished value (or a new container) to its parent; return its loc."""
        if not self.stack:
            self.root = value
            self.value_positions[()] = position
            return ()
        frame = self.stack[-1]
        if isinstance(frame.container, list):
            loc = frame.loc + (len(frame.container),)
            frame.container.append(value)
        else:
            key = frame.pending_key
            assert key is not None
            loc = frame.loc + (key,)
            if frame.skip_value:
                loc = frame.loc + (f"\0duplicate:{key}",)  # built, then dropped
            else:
                frame.container[key] = value
                self.key_positions[loc] = frame.pending_key_position
            frame.pending_key = None
            frame.skip_value = False
        self.value_positions[loc] = position
        return loc


def _has_explicit_tag(event: Any) -> bool:
    tag = getattr(event, "tag", None)
    if tag is None:
        return False
    if type(event).__name__ == "ScalarEvent":
        return not (event.implicit[0] or event.implicit[1])
    return True


def _resolve(text: str) -> Any:
    """YAML 1.2 core schema for plain scalars; everything else stays text."""
    if text in _NULLS:
        return None
    if text in _TRUES:
        return True
    if text in _FALSES:
        return False
    if len(text) > _MAX_NUMBER_DIGITS and (text[:1].isdigit() or text[:1] in "+-."):
        if _INT.fullmatch(text) or _FLOAT.fullmatch(text):
            raise ValueError(text)
        return text
    if _INT.fullmatch(text):
        return int(text)
    if _OCT.fullmatch(text):
        return int(text[2:], 8)
    if _HEX.fullmatch(text):
        return int(text[2:], 16)
    if _FLOAT.fullmatch(text):
        return float(text)
    if _INF.fullmatch(text):
        return float("-inf") if text.startswith("-") else float("inf")
    if _NAN.fullmatch(text):
        return float("nan")
    return text
