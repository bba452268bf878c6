"""What the first pass learns about a file, as light records that cache as plain data.

Kept apart from `validation.py`, which needs pydantic and the models: a cached run of
`timeline validate` rebuilds these records for every file but validates none, and importing
the models is a good part of its start-up.
"""

from __future__ import annotations

from collections.abc import Callable
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
