"""What changed between two timelines, in event terms: for reviewers, not for `git diff`.

A reviewer of a pull request wants the substance ("status: reported → confirmed", "a source
removed", "figures[0].value: 3 → 12"), not YAML lines. These are pure functions on two
`Timeline`s; `timeline diff` only loads them. The Markdown output is meant for a PR comment or
a job summary, and event text in it is untrusted: every piece is escaped so that a title like
`<img src=x onerror=…>` or `[x](javascript:…)` shows as the literal text it is.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from generator.records import EventRecord
from generator.store import Timeline

ChangeKind = Literal["added", "removed", "changed"]
EventChangeKind = Literal["added", "removed", "changed", "renamed"]
DiffFormat = Literal["text", "markdown", "json"]

#: Lists of mappings whose items are matched by these keys, tried in order, before comparing.
ITEM_KEYS: dict[str, tuple[tuple[str, ...], ...]] = {
    "sources": (("id",), ("url",), ("publisher", "title")),
    "related": (("event",),),
    "quotes": (("text",), ("speaker", "date")),
    "figures": (("what", "unit"), ("what",)),
}
#: Lists whose leftover items are paired by position (an edited figure is still that figure).
POSITIONAL = frozenset({"figures", "quotes"})
#: Longest value shown in one line; longer text shows the part around the first difference.
MAX_VALUE = 100
#: Most entries per section in Markdown, so a big import stays under GitHub's comment limit.
MARKDOWN_LIMIT = 200
_MD_SPECIAL = re.compile(r"[\\`*_{}\[\]()#|~$<>&@]")
#: What starts a block (list, heading, rule) at the beginning of a line; escaped there only.
_MD_LINE_START = re.compile(r"(\d+)([.)])|([-+])")
_MD_REPLACEMENTS = {"<": "&lt;", ">": "&gt;", "&": "&amp;", "@": "@&#8203;"}


@dataclass(frozen=True)
class FieldChange:
    """One difference inside an event or registry entry, at a path like `figures[0].value`."""

    path: str
    kind: ChangeKind
    before: Any = None
    after: Any = None

    def detail(self) -> str:
        """The part after the path: `reported → confirmed`, `removed Bloomberg (https://…)`."""
        if self.kind == "changed":
            before, after = _shorten_pair(self.before, self.after)
            return f"{before} → {after}"
        item = self.after if self.kind == "added" else self.before
        return f"{self.kind} {_describe_item(self.path, item)}"

    def describe(self) -> str:
        return f"{self.path}: {self.detail()}"


@dataclass(frozen=True)
class EventChange:
    """An event added, removed, changed or renamed (its file, hence its id, moved)."""

    kind: EventChangeKind
    id: str
    title: str
    date: str
    old_id: str | None = None
    changes: tuple[FieldChange, ...] = ()


@dataclass(frozen=True)
class RegistryChange:
    """An actor, place or tag added, removed or changed."""

    registry: str
    kind: ChangeKind
    id: str
    name: str
    changes: tuple[FieldChange, ...] = ()


@dataclass(frozen=True)
class TimelineDiff:
    """Every event and registry difference, events in timeline order."""

    events: tuple[EventChange, ...] = ()
    registries: tuple[RegistryChange, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def empty(self) -> bool:
        return not self.events and not self.registries

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(("added", "removed", "changed", "renamed"), 0)
        for change in self.events:
            counts[change.kind] += 1
        return counts


def diff_timelines(before: Timeline, after: Timeline) -> TimelineDiff:
    """Compare two timelines event by event (matched by id) and registry entry by entry."""
    old, new = before.by_id, after.by_id
    removed = [record for record in before.records if record.id not in new]
    added = [record for record in after.records if record.id not in old]
    renames = _pair_renames(removed, added)
    renamed_old = {pair[0].id for pair in renames}
    renamed_new = {pair[1].id: pair[0] for pair in renames}
    events: list[EventChange] = []
    for record in after.records:
        date = date_text(record.date)
        if record.id in renamed_new:
            previous = renamed_new[record.id]
            changes = tuple(diff_data(previous.data, record.data))
            events.append(
                EventChange("renamed", record.id, record.title, date, previous.id, changes)
            )
        elif record.id not in old:
            events.append(EventChange("added", record.id, record.title, date))
        else:
            changes = tuple(diff_data(old[record.id].data, record.data))
            if changes:
                events.append(EventChange("changed", record.id, record.title, date, None, changes))
    for record in removed:
        if record.id not in renamed_old:
            events.append(EventChange("removed", record.id, record.title, date_text(record.date)))
    return TimelineDiff(tuple(events), tuple(_diff_registries(before, after)))


def diff_data(before: Any, after: Any, path: str = "") -> list[FieldChange]:
    """Differences between two plain-data values (an event's or entry's JSON dump)."""
    if before == after:
        return []
    if _is_date_path(path):
        return [FieldChange(path, "changed", _date_or_none(before), _date_or_none(after))]
    if isinstance(before, dict | None) and isinstance(after, dict | None):
        old, new = before or {}, after or {}
        keys = [*new, *(key for key in old if key not in new)]
        changes: list[FieldChange] = []
        for key in keys:
            changes += diff_data(old.get(key), new.get(key), f"{path}.{key}" if path else key)
        return changes
    if isinstance(before, list | None) and isinstance(after, list | None):
        return _diff_list(path, before or [], after or [])
    return [FieldChange(path, "changed", before, after)]


def date_text(value: Any) -> str:
    """An event date in compact ISO form: `2024-11-17`, `2024-08-06 – ongoing`, `c. 2024-11`."""
    if not isinstance(value, dict):
        return str(value)
    text = str(value.get("start"))
    if value.get("end") is not None:
        text += f" – {value['end']}"
    elif value.get("ongoing"):
        text += " – ongoing"
    if value.get("approximate"):
        text = f"c. {text}"
    if value.get("uncertain"):
        text += " (uncertain)"
    return text


def render(
    diff: TimelineDiff, output: DiffFormat, ref: str, notes: Sequence[str] = ()
) -> str:  # fmt: skip
    """The diff as text (terminal), markdown (PR comment, job summary) or json (tools)."""
    if output == "json":
        return json.dumps(
            {"ref": ref, "counts": diff.counts(), **asdict(diff), "notes": list(notes)},
            ensure_ascii=False,
            indent=2,
            default=str,
        )
    if output == "markdown":
        return _render_markdown(diff, ref, notes)
    return _render_text(diff, ref, notes)


def markdown_escape(text: str) -> str:
    """Untrusted text as literal Markdown: no markup, HTML, links, mentions or line breaks."""
    flat = " ".join(str(text).split())
    lead = ""
    start = _MD_LINE_START.match(flat)
    if start is not None:
        lead = f"{start[1]}\\{start[2]}" if start[1] else f"\\{start[3]}"
        flat = flat[start.end() :]
    return lead + _MD_SPECIAL.sub(_escape_character, flat)


def _escape_character(match: re.Match[str]) -> str:
    return _MD_REPLACEMENTS.get(match.group(), "\\" + match.group())


def markdown_code(text: str) -> str:
    """Untrusted text as a Markdown code span, whatever backticks it contains."""
    flat = " ".join(str(text).split())
    longest = max((len(run) for run in re.findall(r"`+", flat)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if flat.startswith("`") or flat.endswith("`") or not flat.strip() else ""
    return f"{fence}{pad}{flat}{pad}{fence}"


def summary_line(diff: TimelineDiff) -> str:
    """`2 events added, 1 changed; actors: 1 added`, or that nothing changed."""
    counts = diff.counts()
    parts = [f"{n} {kind}" for kind, n in counts.items() if n]
    if parts:
        first = next(n for n in counts.values() if n)
        number, kind = parts[0].split(" ")
        parts[0] = f"{number} {'event' if first == 1 else 'events'} {kind}"
    registry: dict[str, dict[str, int]] = {}
    for change in diff.registries:
        kinds = registry.setdefault(change.registry, {})
        kinds[change.kind] = kinds.get(change.kind, 0) + 1
    text = ", ".join(parts)
    for name, kinds in registry.items():
        listed = ", ".join(f"{n} {kind}" for kind, n in kinds.items())
        text = f"{text}; {name}: {listed}" if text else f"{name}: {listed}"
    return text or "no changes to events or registries"


def _pair_renames(
    removed: list[EventRecord], added: list[EventRecord]
) -> list[tuple[EventRecord, EventRecord]]:
    """Pair removed and added events that are one event under a new id (a renamed file).

    Tried in order: identical data, same title and date, same title; a pair is made only when
    the match is unambiguous both ways, so two events are never merged by accident.
    """
    pairs: list[tuple[EventRecord, EventRecord]] = []
    tests: tuple[Callable[[EventRecord, EventRecord], bool], ...] = (
        lambda a, b: a.data == b.data,
        lambda a, b: a.title == b.title and a.date == b.date,
        lambda a, b: a.title == b.title,
    )
    for same in tests:
        left = [r for r in removed if all(r is not pair[0] for pair in pairs)]
        right = [a for a in added if all(a is not pair[1] for pair in pairs)]
        for old in left:
            matches = [new for new in right if same(old, new)]
            if len(matches) != 1:
                continue
            if sum(1 for other in left if same(other, matches[0])) == 1:
                pairs.append((old, matches[0]))
                right.remove(matches[0])
    return pairs


def _diff_registries(before: Timeline, after: Timeline) -> Iterable[RegistryChange]:
    for name in sorted({*before.registry_data, *after.registry_data}):
        old = before.registry_data.get(name, {})
        new = after.registry_data.get(name, {})
        for key in sorted({*old, *new}):
            if key not in old:
                yield RegistryChange(name, "added", key, _entry_name(key, new[key]))
            elif key not in new:
                yield RegistryChange(name, "removed", key, _entry_name(key, old[key]))
            elif changes := diff_data(old[key], new[key]):
                yield RegistryChange(
                    name, "changed", key, _entry_name(key, new[key]), tuple(changes)
                )


def _entry_name(key: str, data: Any) -> str:
    if isinstance(data, dict):
        return str(data.get("name") or data.get("label") or key)
    return key


def _diff_list(path: str, before: list[Any], after: list[Any]) -> list[FieldChange]:
    if not any(isinstance(item, dict) for item in (*before, *after)):
        gone = [item for item in before if item not in after]
        new = [item for item in after if item not in before]
        if not gone and not new:
            return [FieldChange(path, "changed", _joined(before), _joined(after))]
        return [FieldChange(path, "removed", before=item) for item in gone] + [
            FieldChange(path, "added", after=item) for item in new
        ]
    pairs, gone_at, new_at = _match_items(path.rsplit(".", 1)[-1], before, after)
    changes: list[FieldChange] = []
    for old_index, new_index in sorted(pairs, key=lambda pair: pair[1]):
        changes += diff_data(before[old_index], after[new_index], f"{path}[{new_index}]")
    changes += [FieldChange(path, "removed", before=before[i]) for i in gone_at]
    changes += [FieldChange(path, "added", after=after[i]) for i in new_at]
    return changes


def _match_items(
    name: str, before: list[Any], after: list[Any]
) -> tuple[list[tuple[int, int]], list[int], list[int]]:
    """Pairs of (before index, after index), then unmatched before and after indexes."""
    left, right = list(range(len(before))), list(range(len(after)))
    pairs: list[tuple[int, int]] = []
    keyers: list[Callable[[Any], str | None]] = [lambda item: json.dumps(item, sort_keys=True)]
    keyers += [_keyer(fields) for fields in ITEM_KEYS.get(name, ())]
    for keyer in keyers:
        for i in list(left):
            key = keyer(before[i])
            if key is None:
                continue
            match = next((j for j in right if keyer(after[j]) == key), None)
            if match is not None:
                pairs.append((i, match))
                left.remove(i)
                right.remove(match)
    if name in POSITIONAL:
        pairs += list(zip(left, right, strict=False))
        count = min(len(left), len(right))
        left, right = left[count:], right[count:]
    return pairs, left, right


def _keyer(fields: tuple[str, ...]) -> Callable[[Any], str | None]:
    """A key made of `fields`, or None when the item lacks one (then it cannot match by key)."""

    def key(item: Any) -> str | None:
        if not isinstance(item, dict) or any(item.get(name) is None for name in fields):
            return None
        return json.dumps([item[name] for name in fields])

    return key


def _describe_item(path: str, item: Any) -> str:
    """A removed or added list item in words: a source by publisher, title and URL."""
    if not isinstance(item, dict):
        return _shorten(_scalar(item))
    name = path.rsplit(".", 1)[-1].split("[")[0]
    if name == "sources":
        text = str(item.get("publisher", "?"))
        if item.get("title"):
            text += f" “{_shorten(item['title'])}”"
        url = item.get("url") or item.get("archive_url")
        return text + (f" ({url})" if url else " (no url)")
    if name == "figures":
        number = item.get("value")
        if number is None:
            number = f"{item.get('low')}–{item.get('high')}"
        return f"{number} {item.get('unit', '')}: {_shorten(str(item.get('what', '')))}"
    if name == "quotes":
        return f"{item.get('speaker', '?')}: “{_shorten(str(item.get('text', '')))}”"
    if name == "related":
        return f"{item.get('relation', '?')} {item.get('event', '?')}"
    return _shorten(json.dumps(item, ensure_ascii=False, sort_keys=True))


def _is_date_path(path: str) -> bool:
    return path == "date" or (path.startswith("dates.") and path.count(".") == 1)


def _date_or_none(value: Any) -> str | None:
    return None if value is None else date_text(value)


def _joined(items: list[Any]) -> str:
    return ", ".join(_scalar(item) for item in items)


def _scalar(value: Any) -> str:
    if value is None:
        return "(not set)"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _shorten(text: str, limit: int = MAX_VALUE) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _shorten_pair(before: Any, after: Any) -> tuple[str, str]:
    """Both values as text; long texts cut around their first difference, so it shows."""
    old, new = _scalar(before), _scalar(after)
    if len(old) <= MAX_VALUE and len(new) <= MAX_VALUE:
        return old, new
    same = 0
    while same < min(len(old), len(new)) and old[same] == new[same]:
        same += 1
    start = max(0, same - 20)

    def cut(text: str) -> str:
        part = text[start : start + MAX_VALUE]
        return ("…" if start else "") + part + ("…" if start + MAX_VALUE < len(text) else "")

    return cut(old), cut(new)


def _event_heading(change: EventChange) -> tuple[str, str]:
    """(plain label, markdown label) of an event line."""
    ids = f"{change.old_id} → {change.id}" if change.old_id else change.id
    md_ids = (
        f"{markdown_code(change.old_id)} → {markdown_code(change.id)}"
        if change.old_id
        else markdown_code(change.id)
    )
    return (
        f"{ids} ({change.date}): {change.title}",
        f"{md_ids} · {markdown_escape(change.date)} · {markdown_escape(change.title)}",
    )


_TEXT_MARKS = {"added": "+", "removed": "-", "changed": "~", "renamed": ">"}
_SECTIONS = (
    ("added", "Added events"),
    ("removed", "Removed events"),
    ("changed", "Changed events"),
    ("renamed", "Renamed events (new file name)"),
)


def _render_text(diff: TimelineDiff, ref: str, notes: Sequence[str]) -> str:
    lines = [f"Changes since {ref}: {summary_line(diff)}"]
    for change in diff.events:
        lines.append(f"{_TEXT_MARKS[change.kind]} {_event_heading(change)[0]}")
        lines += [f"    {field_change.describe()}" for field_change in change.changes]
    for entry in diff.registries:
        lines.append(f"{_TEXT_MARKS[entry.kind]} {entry.registry}: {entry.id} ({entry.name})")
        lines += [f"    {field_change.describe()}" for field_change in entry.changes]
    lines += [f"warning: {note}" for note in notes]
    return "\n".join(lines)


def _render_markdown(diff: TimelineDiff, ref: str, notes: Sequence[str]) -> str:
    lines = [
        f"### Timeline changes since {markdown_code(ref)}",
        "",
        f"**{markdown_escape(summary_line(diff))}**",
    ]
    for kind, heading in _SECTIONS:
        chosen = [change for change in diff.events if change.kind == kind]
        if not chosen:
            continue
        lines += ["", f"#### {heading}", ""]
        for change in chosen[:MARKDOWN_LIMIT]:
            lines.append(f"- {_event_heading(change)[1]}")
            lines += _markdown_fields(change.changes)
        lines += _markdown_more(len(chosen))
    if diff.registries:
        lines += ["", "#### Registries", ""]
        for entry in diff.registries[:MARKDOWN_LIMIT]:
            lines.append(
                f"- {entry.registry}: {entry.kind} {markdown_code(entry.id)} · "
                f"{markdown_escape(entry.name)}"
            )
            lines += _markdown_fields(entry.changes)
        lines += _markdown_more(len(diff.registries))
    if notes:
        lines += ["", "> [!WARNING]"] + [f"> {markdown_escape(note)}" for note in notes]
    return "\n".join(lines) + "\n"


def _markdown_fields(changes: Sequence[FieldChange]) -> list[str]:
    lines = [
        f"  - {markdown_code(change.path)}: {markdown_escape(change.detail())}"
        for change in changes[:MARKDOWN_LIMIT]
    ]
    if len(changes) > MARKDOWN_LIMIT:
        lines.append(f"  - … and {len(changes) - MARKDOWN_LIMIT} more changes")
    return lines


def _markdown_more(total: int) -> list[str]:
    return [f"- … and {total - MARKDOWN_LIMIT} more"] if total > MARKDOWN_LIMIT else []
