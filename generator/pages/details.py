"""The parts of an event page: its dates and their gaps, figures, quotes and sources.

Each function turns one model into plain view data; links to actors come through the
`Actors` function the caller passes, so this module needs no index of the timeline.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from generator.dates import describe_gap
from generator.markup import display_host, safe_url
from generator.models import Event, EventDate, Figure, Quote, Source
from generator.pages.model import Link

#: Links to the pages of the given actor ids (unknown ids left out).
Actors = Callable[[list[str]], list[Link]]

STATUS_LABELS = {
    "confirmed": "Confirmed",
    "reported": "Reported",
    "claimed": "Claimed",
    "disputed": "Disputed",
    "denied": "Denied",
}
DATE_LABELS = {
    "announced": "Announced",
    "deadline": "Deadline",
    "delivered": "Delivered",
    "effective": "Effective",
    "reported": "Reported",
}
QUALIFIERS = {
    "exact": "",
    "about": "about",
    "estimated": "an estimated",
    "up_to": "up to",
    "at_least": "at least",
    "more_than": "more than",
    "less_than": "less than",
    "almost": "almost",
    "target": "a target of",
    "expected": "an expected",
}
SOURCE_KINDS = {
    "article": "",
    "report": "report",
    "statement": "statement",
    "broadcast": "broadcast",
    "print": "print",
    "social_media": "social media",
    "document": "document",
    "dataset": "dataset",
}


@dataclass(frozen=True)
class DateRow:
    """One of an event's dates: `Deadline: March 2024`, with the gap to the reference date."""

    label: str
    value: str
    datetime: str
    gap: str = ""


@dataclass(frozen=True)
class ExternalLink:
    """A checked http(s) link and the host shown next to it."""

    url: str
    host: str


@dataclass(frozen=True)
class SourceView:
    anchor: str
    publisher: str
    title: str
    date: str
    kind: str
    language: str
    link: ExternalLink | None
    archive: ExternalLink | None


@dataclass(frozen=True)
class FigureView:
    what: str
    amount: str
    status: str
    claimed_by: list[Link]
    as_of: str
    source: SourceView | None


@dataclass(frozen=True)
class QuoteView:
    paragraphs: list[list[str]]
    language: str
    translation: list[list[str]]
    speaker: Link | None
    context: str
    date: str
    source: SourceView | None


#: Typed dates that are outcomes: their gap to the deadline (or announcement) is stated.
_OUTCOMES = frozenset({"delivered", "effective"})


def date_rows(event: Event) -> list[DateRow]:
    """The event's date first, then the typed dates in date order, outcomes with their gap.

    The gap is measured from the deadline when there is one (what matters is how late or
    early things were), otherwise from the announcement; it is stated for the outcomes (the
    event's date, delivered, effective) and only once when the event's date repeats one.
    """
    reference_kind = next((kind for kind in ("deadline", "announced") if kind in event.dates), None)
    reference = event.dates[reference_kind] if reference_kind else None
    typed = sorted(event.dates.items(), key=lambda item: item[1].sort_key())
    outcomes = [date for kind, date in typed if kind in _OUTCOMES]
    main = None if event.date in outcomes else reference
    rows = [_date_row("Date", event.date, main, reference_kind)]
    for kind, date in typed:
        measured = reference if kind in _OUTCOMES else None
        rows.append(_date_row(DATE_LABELS[kind], date, measured, reference_kind))
    return rows


def _date_row(
    label: str, date: EventDate, reference: EventDate | None, reference_kind: str | None = None
) -> DateRow:
    gap = ""
    if reference is not None:
        distance = describe_gap(reference.start, date.start)
        if not distance.startswith(("at the same", "in the same")):
            what = "deadline" if reference_kind == "deadline" else "announcement"
            gap = f"{distance} the {reference.display()} {what}"
    return DateRow(label, date.display(), date.start.iso(), gap)


def _number(value: float) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, int) else f"{value:,.15g}"


def figure_view(
    figure: Figure, actors: Actors, sources: dict[str | None, SourceView]
) -> FigureView:
    """A figure as one table row: `an estimated 10,000–12,000 troops`."""
    if figure.value is not None:
        number = _number(figure.value)
    else:
        number = f"{_number(figure.low or 0)}–{_number(figure.high or 0)}"
    words = [QUALIFIERS[figure.qualifier] if figure.qualifier else "", number, figure.unit]
    return FigureView(
        what=figure.what,
        amount=" ".join(word for word in words if word),
        status=STATUS_LABELS[figure.status] if figure.status else "",
        claimed_by=actors(figure.claimed_by),
        as_of=figure.as_of.display() if figure.as_of else "",
        source=sources.get(figure.source) if figure.source else None,
    )


def _paragraphs(text: str) -> list[list[str]]:
    """Plain text split into paragraphs (blank lines) of lines, for escaped rendering."""
    blocks = [block.strip() for block in text.replace("\r\n", "\n").split("\n\n")]
    return [block.split("\n") for block in blocks if block]


def quote_view(quote: Quote, actors: Actors, sources: dict[str | None, SourceView]) -> QuoteView:
    """A quote split into paragraphs of lines, so every line is escaped on its own."""
    return QuoteView(
        paragraphs=_paragraphs(quote.text),
        language=quote.language,
        translation=_paragraphs(quote.translation) if quote.translation else [],
        speaker=next(iter(actors([quote.speaker])), None),
        context=quote.context or "",
        date=quote.date.display() if quote.date else "",
        source=sources.get(quote.source) if quote.source else None,
    )


def _external(url: str | None) -> ExternalLink | None:
    checked = safe_url(url) if url else None
    return ExternalLink(checked, display_host(checked)) if checked else None


def source_view(source: Source, number: int) -> SourceView:
    return SourceView(
        anchor=f"source-{source.id}" if source.id else f"source-{number}",
        publisher=source.publisher,
        title=source.title or "",
        date=source.date.display() if source.date else "",
        kind=SOURCE_KINDS[source.kind],
        language=source.language or "",
        link=_external(source.url),
        archive=_external(source.archive_url),
    )


def origin_view(event: Event) -> SourceView | None:
    origin = event.origin
    if origin is None:
        return None
    return SourceView(
        anchor="origin",
        publisher=origin.publisher or "",
        title=origin.title or "",
        date="",
        kind=origin.via or "",
        language="",
        link=_external(origin.url),
        archive=None,
    )
