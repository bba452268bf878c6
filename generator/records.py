"""What the first pass learns about a file, as light records that cache as plain data.

Kept apart from `validation.py`, which needs pydantic and the models: a cached run of
`timeline validate` rebuilds these records for every file but validates none, and importing
the models is a good part of its start-up.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from generator.dates import PartialDate, SpanKey, span_key
from generator.diagnostics import Problem

if TYPE_CHECKING:
    from generator.models import Event

Position = tuple[int, int]
Role = Literal["event", "registry", "ignored"]
ReferenceKind = Literal["actor", "place", "tag", "event"]
#: The registry files of a store (`<name>.yaml`); the models of `models.REGISTRIES` (tested).
REGISTRY_NAMES = ("actors", "places", "tags")


class Reference(NamedTuple):
    """A pointer from an event to a registry entry or another event, with its position.

    A named tuple: a cached run of 10,000 events rebuilds some 90,000 of them, and a frozen
    dataclass costs several times as much to make.
    """

    kind: ReferenceKind
    target: str
    where: str
    line: int
    column: int
    relation: str | None = None


@dataclass
class EventRecord:
    """A valid event with what the cross-file checks need, cheap to cache as plain data.

    The full event (`data`, `event`) is fetched lazily: validating a cached store of 10,000
    events needs only ids, dates, titles and references, not every field of every event.
    """

    id: str
    file: str
    title: str
    date: dict[str, Any]
    references: list[Reference]
    date_position: Position
    _data: dict[str, Any] | None = field(default=None, repr=False)
    _fetch: Callable[[], dict[str, Any]] | None = field(default=None, repr=False)
    _order: SpanKey | None = field(default=None, repr=False)

    @property
    def order(self) -> SpanKey:
        """Where the event's date sorts (`dates.span_key`); cached with the record, since
        parsing 10,000 dates is a noticeable part of a cached run."""
        if self._order is None:
            end = self.date.get("end")
            self._order = span_key(
                PartialDate.parse(self.date["start"]),
                PartialDate.parse(end) if end is not None else None,
                bool(self.date.get("ongoing", False)),
            )
        return self._order

    @property
    def data(self) -> dict[str, Any]:
        """The event as plain JSON data (`Event.model_dump(mode="json")`)."""
        if self._data is None:
            assert self._fetch is not None
            self._data = self._fetch()
        return self._data

    @cached_property
    def link_keys(self) -> list[str]:
        """`kind<TAB>target` of every reference: what the unresolved-reference rule looks up.

        A cached record has these without its references (`CachedEventRecord`), so checking a
        store of 10,000 events need not rebuild its 90,000 references.
        """
        return link_keys_of(self.references)

    @cached_property
    def part_of(self) -> list[str]:
        """The targets of `part_of_references`, in order: the edges of the cycle rule."""
        return [ref[1] for ref in self.part_of_references()]

    def part_of_references(self) -> list[Reference]:
        """Relations `part_of` another event (not itself: that is a rule of its own)."""
        return [ref for ref in self.references if _is_part_of(ref, self.id)]

    @cached_property
    def event(self) -> Event:
        from generator.models import Event  # pydantic's models: not needed by cached runs

        return Event.model_validate(self.data)

    def to_plain(self) -> dict[str, Any]:
        """The part the cross-file checks need; `data` is stored separately."""
        return {
            "id": self.id,
            "file": self.file,
            "title": self.title,
            "date": self.date,
            "references": [list(ref) for ref in self.references],
            "date_position": list(self.date_position),
            "order": [*self.order[:5], list(self.order[5])],
        }

    @classmethod
    def from_plain(
        cls,
        plain: dict[str, Any],
        data: dict[str, Any] | None = None,
        fetch: Callable[[], dict[str, Any]] | None = None,
    ) -> EventRecord:
        return cls(
            id=plain["id"],
            file=plain["file"],
            title=plain["title"],
            date=plain["date"],
            references=[Reference(*ref) for ref in plain["references"]],
            date_position=(plain["date_position"][0], plain["date_position"][1]),
            _data=data,
            _fetch=fetch,
            _order=_order_from(plain.get("order")),
        )


class CachedEventRecord(EventRecord):
    """A record read back from the cache, whose references are decoded when first read.

    Made by `cached(...)`, never by the dataclass constructor: `references` is left out of
    the instance until something asks for it (the cross-file checks use `link_keys` and
    `part_of` instead; the site build asks for every event's references anyway).
    """

    @classmethod
    def cached(
        cls,
        fields: dict[str, Any],
        references_json: str,
        link_keys: list[str],
        part_of: list[str],
    ) -> CachedEventRecord:
        """`fields` are EventRecord's fields but `references`, by name."""
        record = cls.__new__(cls)
        record.__dict__.update(fields)
        record.__dict__.update(
            _references_json=references_json, link_keys=link_keys, part_of=part_of
        )
        return record

    def __getattr__(self, name: str) -> Any:
        # Only reached while `references` is not in the instance yet: decode it once.
        if name != "references" or "_references_json" not in self.__dict__:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        references = list(map(Reference._make, json.loads(self.__dict__["_references_json"])))
        self.__dict__["references"] = references
        return references


def link_keys_of(references: Iterable[Sequence[Any]]) -> list[str]:
    """`kind<TAB>target` per reference (kinds and ids never hold a tab; a target that does
    only misses every known key, and the full rule then decides)."""
    return [f"{ref[0]}\t{ref[1]}" for ref in references]


def part_of_targets(references: Iterable[Sequence[Any]], own: str) -> list[str]:
    """`EventRecord.part_of` from plain references (the same filter)."""
    return [ref[1] for ref in references if _is_part_of(ref, own)]


def _is_part_of(ref: Sequence[Any], own: str) -> bool:
    return bool(ref[0] == "event" and ref[5] == "part_of" and ref[1] != own)


@dataclass
class FileResult:
    """Everything the first pass learned about one file."""

    file: str
    role: Role
    problems: list[Problem] = field(default_factory=list)
    record: EventRecord | None = None
    registry_name: str | None = None
    registry_ids: list[str] = field(default_factory=list)
    registry_data: dict[str, Any] = field(default_factory=dict)


def _order_from(plain: list[Any] | None) -> SpanKey | None:
    if plain is None:
        return None
    year, month, day, rank, is_range, end = plain
    return (year, month, day, rank, is_range, (end[0], end[1], end[2]))
