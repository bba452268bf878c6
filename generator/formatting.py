"""Canonical YAML for event and registry files (`timeline fmt`) and for imported data.

Canonical form: keys in the models' field order at every level (unknown keys after them, in
their original order, so nothing is lost), registry ids sorted, mappings indented by two with
sequences indented under their key, lines of about 100 characters, the editor modeline first
and exactly one final newline. Comments and quoting survive: files go through ruamel.yaml's
round-trip mode, and a comment above a key moves with that key.

Safety: the round-trip loader constructs objects, so it only ever sees text that the hardened
loader (`loader.load_bytes`) accepted without a single problem (no aliases, no tags, one
document, bounded size and depth). Every result is then read back by the hardened loader and
must give exactly the same data, or the file is left alone and a problem is reported.
"""

from __future__ import annotations

import io
import math
import os
import re
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath
from typing import Any

from generator.diagnostics import Problem
from generator.loader import MAX_EVENT_BYTES, MAX_REGISTRY_BYTES, load_bytes, read_bytes
from generator.models import REGISTRIES
from generator.schema import Shape, event_shape, modeline_for, registry_shape, schema_kind_for

WIDTH = 100
#: Longer single-line texts are written as folded blocks (`>-`) by `dump_event`.
FOLD_AT = 80
_MODELINE = re.compile(r"#\s*yaml-language-server:.*")


@dataclass(frozen=True)
class Formatted:
    """One file before and after formatting; `after` is None when it could not be formatted."""

    display: str
    before: str
    after: str | None
    problems: list[Problem]

    @property
    def changed(self) -> bool:
        return self.after is not None and self.after != self.before


def format_file(path: Path, display: str, relative: PurePosixPath) -> Formatted:
    """Format one file; `relative` is its path from the repository root (for the modeline)."""
    kind = schema_kind_for(relative)
    raw, problems = read_bytes(
        path, display, MAX_EVENT_BYTES if kind == "event" else MAX_REGISTRY_BYTES
    )
    if raw is None:
        return Formatted(display, "", None, problems)
    return format_bytes(raw, display, relative)


def format_bytes(raw: bytes, display: str, relative: PurePosixPath) -> Formatted:
    """The canonical text of a file's bytes, or the loader's problems with them."""
    loaded = load_bytes(raw, display)
    if loaded.document is None or loaded.problems:
        return Formatted(display, "", None, loaded.problems)
    text = raw.decode("utf-8-sig")  # the loader has proved it is strict UTF-8
    # YAML reads CR LF and a lone CR as line breaks; ruamel would keep the CR in comments.
    unix = text.replace("\r\n", "\n").replace("\r", "\n")
    kind = schema_kind_for(relative)
    shape = event_shape() if kind == "event" else registry_shape(kind)
    try:
        node = _yaml().load(_drop_modelines(unix))
        reorder(node, shape)
        body = emit(node)
    except Exception as error:  # ruamel on input the hardened loader accepted: report, go on
        message = f"cannot format this file ({type(error).__name__}); format it by hand"
        return Formatted(display, text, None, [Problem(display, 1, 1, "", message, "fmt")])
    after = _finish(modeline_for(relative), body, loaded.document.data)
    if after is None:
        message = "formatting would change the data; format this file by hand"
        return Formatted(display, text, None, [Problem(display, 1, 1, "", message, "fmt")])
    return Formatted(display, text, after, [])


def dump_event(data: dict[str, Any]) -> str:
    """Plain event data (from an importer, say) as a canonical event file.

    Raises:
        ValueError: if the YAML would not load back to exactly `data`.
    """
    return _dump(data, event_shape(), modeline_for("events/0000/event.yaml"))


def dump_registry(name: str, data: dict[str, Any]) -> str:
    """Plain registry data (`{id: entry}`) as a canonical registry file, ids sorted."""
    if name not in REGISTRIES:
        raise ValueError(f"unknown registry {name!r}; use one of {', '.join(REGISTRIES)}")
    return _dump(data, registry_shape(name), modeline_for(f"events/{name}.yaml"))


def emit(node: Any) -> str:
    """YAML text of a round-trip node (or plain data) in the canonical layout, no modeline."""
    stream = io.StringIO()
    _yaml().dump(node, stream)
    return stream.getvalue()


def styled(value: Any, shape: Shape | None) -> Any:
    """Plain data → round-trip nodes in canonical key order, long texts as block scalars."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(value, dict):
        node = CommentedMap()
        for key in key_order(list(value), shape):
            node[key] = styled(value[key], shape.child(key) if shape else None)
        return node
    if isinstance(value, list):
        return CommentedSeq(styled(item, shape.each if shape else None) for item in value)
    if isinstance(value, str):
        return _styled_text(value)
    return value


def key_order(keys: list[Any], shape: Shape | None) -> list[Any]:
    """Known keys in the model's order, then the others (sorted in registries)."""
    if shape is None:
        return keys
    known = [key for key in shape.order if key in keys]
    rest = [key for key in keys if key not in shape.order]
    if shape.sort:
        rest.sort(key=str)
    return known + rest


def reorder(node: Any, shape: Shape | None) -> None:
    """Put every mapping of a round-trip tree in canonical key order, comments included."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if shape is None:
        return
    if isinstance(node, CommentedMap):
        for key in node:
            reorder(node[key], shape.child(key))
        order = key_order(list(node), shape)
        if order != list(node):
            move_keys(node, order)
    elif isinstance(node, CommentedSeq):
        for item in node:
            reorder(item, shape.each)


def same_data(text: str, data: Any) -> bool:
    """Whether the hardened loader reads `text` cleanly as exactly `data`."""
    loaded = load_bytes(text.encode("utf-8"), "<formatted>")
    if loaded.document is None or loaded.problems:
        return False
    return bool(_comparable(loaded.document.data) == _comparable(data))


def write_atomically(path: Path, text: str, *, overwrite: bool = True) -> None:
    """Write through a hidden temporary file in the same folder, then rename (or link) it.

    A crash leaves the old file or the new one, never half of each. With `overwrite=False`
    the final step is a hard link, which fails if the file appeared in the meantime.

    Raises:
        FileExistsError: `overwrite` is False and `path` exists.
    """
    mode = (os.stat(path).st_mode & 0o7777) if path.exists() else 0o644
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.chmod(temporary, mode)
        if overwrite:
            os.replace(temporary, path)
        else:
            os.link(temporary, path)
    finally:
        if os.path.lexists(temporary):
            os.unlink(temporary)


def _dump(data: dict[str, Any], shape: Shape, modeline: str) -> str:
    text = _finish(modeline, emit(styled(data, shape)), data)
    if text is None:
        raise ValueError("the data cannot be written as YAML that loads back unchanged")
    return text


def _finish(modeline: str, body: str, data: Any) -> str | None:
    """Modeline, body, one final newline; trailing spaces trimmed where the data allows."""
    text = modeline + "\n" + body.lstrip("\n").rstrip("\n") + "\n"
    trimmed = re.sub(r"[ \t]+\n", "\n", text)
    for candidate in (trimmed, text):
        if same_data(candidate, data):
            return candidate
    return None


def _drop_modelines(text: str) -> str:
    """Remove modelines from the leading comment block; the right one is added back."""
    lines = text.splitlines(keepends=True)
    index = 0
    while index < len(lines) and (not lines[index].strip() or lines[index].startswith("#")):
        if _MODELINE.fullmatch(lines[index].strip()):
            del lines[index]
        else:
            index += 1
    return "".join(lines)


def _styled_text(text: str) -> Any:
    from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString

    if "\n" in text:
        candidate: Any = LiteralScalarString(text)
    elif len(text) > FOLD_AT:
        candidate = FoldedScalarString(text)
    else:
        return text
    return candidate if same_data(emit({"k": candidate}), {"k": text}) else text


def _comparable(value: Any) -> Any:
    """Data with its types made explicit (1, 1.0 and True differ; NaN equals NaN)."""
    if isinstance(value, dict):
        return ("map", sorted((str(k), _comparable(v)) for k, v in value.items()))
    if isinstance(value, list):
        return ("seq", [_comparable(item) for item in value])
    if isinstance(value, float) and math.isnan(value):
        return ("float", "nan")
    return (type(value).__name__, value)


def _yaml() -> Any:
    # Imported here: ruamel.yaml is slow to import and most commands never format.
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt", pure=True)
    yaml.Resolver = _text_date_resolver()
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = WIDTH
    return yaml


@cache
def _text_date_resolver() -> Any:
    """ruamel's YAML 1.2 resolver without timestamps, as in the hardened loader.

    Dates stay text: `2024-11-17` is read as a string and written back unquoted, and a
    non-date like `2024-1-5` is never turned into `2024-01-05`.
    """
    from ruamel.yaml.resolver import VersionedResolver

    class TextDateResolver(VersionedResolver):
        @property
        def versioned_resolver(self) -> Any:
            table = super().versioned_resolver
            for entries in table.values():
                entries[:] = [e for e in entries if e[0] != "tag:yaml.org,2002:timestamp"]
            return table

    return TextDateResolver


# Moving keys with their comments. ruamel attaches the comment lines that follow a value (up
# to the next key) to that value, deep inside it when the value is a nested block. Read as a
# contributor writes them, those lines introduce the *next* key: they are detached and moved
# with it, while what follows the last key closes the mapping and stays last.


def move_keys(node: Any, order: list[Any]) -> None:
    """Reorder a CommentedMap in place, moving each key's leading comment lines with it."""
    keys = list(node)
    column = node.lc.col or 0
    after = {key: _take_after(node, key, column) for key in keys}
    leading = {keys[i + 1]: after[keys[i]] for i in range(len(keys) - 1)}
    leading[keys[0]] = []
    for key in order:
        node.move_to_end(key)
    for index, key in enumerate(order):
        follow = leading[order[index + 1]] if index + 1 < len(order) else after[keys[-1]]
        _give_after(node, key, follow)
    if leading[order[0]]:
        if not node.ca.comment:
            node.ca.comment = [None, []]
        elif node.ca.comment[1] is None:
            node.ca.comment[1] = []
        node.ca.comment[1].append(_token(None, leading[order[0]], 0))


def _tail_slot(container: Any, key: Any) -> tuple[Any, Any]:
    """Where the comment after `container[key]` lives: the deepest last entry of a block."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    value = container[key]
    while isinstance(value, CommentedMap | CommentedSeq) and value and not value.fa.flow_style():
        container, key = (
            value,
            list(value)[-1] if isinstance(value, CommentedMap) else len(value) - 1,
        )
        value = container[key]
    return container, key


def _slot_index(container: Any) -> int:
    from ruamel.yaml.comments import CommentedSeq

    return 0 if isinstance(container, CommentedSeq) else 2


def _split(container: Any, key: Any) -> tuple[str | None, list[str], int]:
    """A slot's comment as (end-of-line part or None when it starts on its own line, lines)."""
    entry = container.ca.items.get(key)
    token = entry[_slot_index(container)] if entry else None
    if token is None:
        return _default_head(container[key]), [], 0
    text: str = token.value
    column = token.start_mark.column if token.start_mark is not None else 0
    segments = text.split("\n")
    if segments and segments[-1] == "":
        segments.pop()
    if text.startswith("\n") or _on_value_line(container, key, token):
        return segments[0], segments[1:], column
    return None, [" " * column + segments[0], *segments[1:]], column


def _default_head(value: Any) -> str | None:
    from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString

    return None if isinstance(value, FoldedScalarString | LiteralScalarString) else ""


def _on_value_line(container: Any, key: Any, token: Any) -> bool:
    from ruamel.yaml.comments import CommentedSeq

    try:
        line = (
            container.lc.item(key)[0]
            if isinstance(container, CommentedSeq)
            else container.lc.value(key)[0]
        )
    except (KeyError, IndexError, TypeError):
        return True
    mark_line = getattr(token.start_mark, "line", None)
    return mark_line is None or mark_line == line


def _store(container: Any, key: Any, head: str | None, lines: list[str], column: int) -> None:
    entry = container.ca.items.setdefault(key, [None, None, None, None])
    entry[_slot_index(container)] = _token(head, lines, column) if head or lines else None


def _token(head: str | None, lines: list[str], column: int) -> Any:
    from ruamel.yaml.error import CommentMark
    from ruamel.yaml.tokens import CommentToken

    if head is not None:
        return CommentToken(
            head + "\n" + "".join(f"{line}\n" for line in lines), CommentMark(column)
        )
    indent = len(lines[0]) - len(lines[0].lstrip(" "))
    text = "\n".join([lines[0][indent:], *lines[1:]]) + "\n"
    return CommentToken(text, _OwnLineMark(indent))


@dataclass(frozen=True)
class _OwnLineMark:
    """The start of a comment on a line of its own (line -1 matches no value's line)."""

    column: int
    line: int = -1


def _take_after(node: Any, key: Any, column: int) -> list[str]:
    container, inner = _tail_slot(node, key)
    head, lines, token_column = _split(container, inner)
    cut = 0 if container is node else _outer_start(lines, column)
    _store(container, inner, head, lines[:cut], token_column)
    return lines[cut:]


def _give_after(node: Any, key: Any, lines: list[str]) -> None:
    container, inner = _tail_slot(node, key)
    head, kept, token_column = _split(container, inner)
    _store(container, inner, head, kept + lines, token_column)


def _outer_start(lines: list[str], column: int) -> int:
    """First of `lines` that belongs to the outer mapping (a comment indented ≤ `column`)."""
    for index, line in enumerate(lines):
        stripped = line.lstrip(" ")
        if stripped and len(line) - len(stripped) <= column:
            while index > 0 and not lines[index - 1].strip():
                index -= 1
            return index
    return len(lines)
