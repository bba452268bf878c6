"""The schema: one event per YAML file, plus registries of actors, places and tags.

This module is the single source of truth. The JSON Schema (`timeline schema`), the field
tables in the docs, the annotated template of `timeline new` and the exports are all derived
from these classes; field docstrings become the schema's descriptions.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from generator.constraints import (
    ActorId,
    Body,
    CountryCode,
    DateValue,
    EventId,
    HttpUrl,
    LanguageCode,
    Latitude,
    Longitude,
    LongPlainText,
    Number,
    PlaceId,
    PlainText,
    ShortText,
    SourceKey,
    Summary,
    TagId,
    Title,
)
from generator.dates import PartialDate, display_span, span_key

SCHEMA_VERSION = 1

ClaimStatus = Literal["confirmed", "reported", "claimed", "disputed", "denied"]
DateKind = Literal["announced", "deadline", "delivered", "effective", "reported"]
Qualifier = Literal[
    "exact",
    "about",
    "estimated",
    "up_to",
    "at_least",
    "more_than",
    "less_than",
    "almost",
    "target",
    "expected",
]
SourceKind = Literal[
    "article", "report", "statement", "broadcast", "print", "social_media", "document", "dataset"
]
RelationKind = Literal["responds_to", "follows", "part_of", "updates", "contradicts", "relates_to"]
ActorKind = Literal[
    "person",
    "state",
    "government",
    "armed_force",
    "organisation",
    "alliance",
    "agency",
    "media",
    "group",
    "company",
]
PlaceKind = Literal["settlement", "region", "country", "border", "site", "body_of_water", "area"]

#: Source kinds that exist without a link (a press conference, a newspaper page, a broadcast,
#: a report known only by name); every other kind must give its URL.
SOURCE_KINDS_WITHOUT_URL: frozenset[str] = frozenset(
    {"report", "statement", "broadcast", "print", "document"}
)


class StrictModel(BaseModel):
    """Closed, strict and immutable: a typo (`titel:`) or a quoted number fails loudly."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        frozen=True,
        use_attribute_docstrings=True,
        hide_input_in_errors=True,
    )


class EventDate(StrictModel):
    """When something happened, as precisely as the sources say and no more.

    Written as a plain date (`2024-11-17`, `2024-11`, `2024`) or, for qualifiers and ranges,
    as a mapping with `start` and optionally `end` or `ongoing`.
    """

    start: DateValue
    """First (or only) day, month or year."""
    end: DateValue | None = None
    """Last day, month or year of a range; leave out for a single date."""
    ongoing: bool = False
    """True for a range with no end yet ("6 August 2024 – ongoing")."""
    approximate: bool = False
    """Around this date: shown as "c. November 2024"."""
    uncertain: bool = False
    """The date itself is uncertain: shown as "possibly 2021"."""

    @model_validator(mode="before")
    @classmethod
    def _accept_plain_date(cls, value: Any) -> Any:
        if isinstance(value, int | str | PartialDate) and not isinstance(value, bool):
            return {"start": value}
        return value

    @model_validator(mode="after")
    def _check_range(self) -> EventDate:
        if self.end is not None and self.ongoing:
            raise PydanticCustomError(
                "date_range", "give either `end` or `ongoing: true`, not both", {"at": "ongoing"}
            )
        if self.end is not None and self.end.last_day() < self.start.first_day():
            raise PydanticCustomError(
                "date_range",
                "end ({end}) is before start ({start})",
                {"end": self.end.iso(), "start": self.start.iso(), "at": "end"},
            )
        return self

    @property
    def is_plain(self) -> bool:
        """True when the short form (`date: 2024-11-17`) says everything."""
        return self.end is None and not (self.ongoing or self.approximate or self.uncertain)

    def display(self) -> str:
        return display_span(
            self.start,
            self.end,
            ongoing=self.ongoing,
            approximate=self.approximate,
            uncertain=self.uncertain,
        )

    def sort_key(self) -> tuple[Any, ...]:
        return span_key(self.start, self.end, self.ongoing)


class Figure(StrictModel):
    """A number the sources give: 12,000 troops (estimated), up to 100,000, EUR 45bn."""

    value: Number | None = None
    """The number, when there is one; otherwise give `low` and `high`."""
    low: Number | None = None
    """Lower end of a range."""
    high: Number | None = None
    """Upper end of a range."""
    unit: ShortText
    """What the number counts in: `troops`, `shells`, `EUR`, `billion USD`, `km`."""
    what: PlainText
    """What is counted, in words: "North Korean troops deployed to Kursk"."""
    qualifier: Qualifier | None = None
    """How exact the number is; leave out when the source states it plainly."""
    status: ClaimStatus | None = None
    """Whether the number itself is confirmed, reported, claimed, disputed or denied."""
    claimed_by: list[ActorId] = Field(default_factory=list, max_length=20)
    """Who gives the number, when it is a claim."""
    as_of: DateValue | None = None
    """The date the number refers to, when it differs from the event's date."""
    source: SourceKey | None = None
    """The `id` of the source (in this event's `sources`) that gives the number."""

    @model_validator(mode="after")
    def _check_value(self) -> Figure:
        has_range = self.low is not None or self.high is not None
        if self.value is None and not has_range:
            raise PydanticCustomError("figure", "give `value`, or `low` and `high`")
        if self.value is not None and has_range:
            raise PydanticCustomError("figure", "give `value` or `low`/`high`, not both")
        if has_range and (self.low is None or self.high is None):
            raise PydanticCustomError("figure", "a range needs both `low` and `high`")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise PydanticCustomError(
                "figure",
                "low ({low}) is greater than high ({high})",
                {"low": self.low, "high": self.high, "at": "low"},
            )
        return self


class Quote(StrictModel):
    """Words someone said or wrote, verbatim, in the language they were said in."""

    text: LongPlainText
    """The verbatim words, without surrounding quotation marks."""
    speaker: ActorId
    """Who said it (an actor id)."""
    language: LanguageCode = "en"
    """Language of `text`."""
    translation: LongPlainText | None = None
    """English translation, when `text` is in another language."""
    context: PlainText | None = None
    """Where or to whom it was said: "at the G20 summit in Rio de Janeiro"."""
    date: DateValue | None = None
    """When it was said, if not on the event's date."""
    source: SourceKey | None = None
    """The `id` of the source (in this event's `sources`) that reports the quote."""


class Source(StrictModel):
    """Where the information comes from. Cite what you read; never invent a URL."""

    id: SourceKey | None = None
    """A short key (`bloomberg`) that figures and quotes use to point at this source."""
    publisher: PlainText
    """Outlet, agency or institution: "Reuters", "Bloomberg", "South Korean intelligence"."""
    title: PlainText | None = None
    """Headline or document title."""
    url: HttpUrl | None = None
    """Link to the source (http:// or https://). Optional only for kinds that have none."""
    archive_url: HttpUrl | None = None
    """A copy in a web archive, in case the original changes or disappears."""
    date: DateValue | None = None
    """Publication date."""
    kind: SourceKind = "article"
    """article, report, statement, broadcast, print, social_media, document or dataset."""
    language: LanguageCode | None = None
    """Language of the source, when it is not English."""

    @model_validator(mode="after")
    def _check_url(self) -> Source:
        if self.url is None and self.kind not in SOURCE_KINDS_WITHOUT_URL:
            raise PydanticCustomError(
                "source_url",
                "a source of kind '{kind}' needs a `url`; a source known only by name "
                "(a statement, broadcast, print or report) sets `kind` accordingly",
                {"kind": self.kind},
            )
        return self


class Relation(StrictModel):
    """A link to another event; the site shows it on both events."""

    event: EventId
    """Id of the other event (its file name without `.yaml`)."""
    relation: RelationKind
    """responds_to, follows, part_of, updates, contradicts or relates_to."""
    note: PlainText | None = None
    """A few words on how the two are connected."""


class Origin(StrictModel):
    """Where this entry was compiled from, when it was imported from another collection."""

    publisher: PlainText | None = None
    """Who published the collection the entry came from."""
    title: PlainText | None = None
    """Title of that collection or page."""
    url: HttpUrl | None = None
    """Link to it (http:// or https://)."""
    via: PlainText | None = None
    """How the entry reached us (a tool, a search, a person)."""


class Event(StrictModel):
    """One development in the story. Its id is the file name: `events/<YYYY>/<id>.yaml`."""

    title: Title
    """What happened, in one line of plain text (at most 120 characters)."""
    date: EventDate
    """When it happened (see EventDate); the file name starts with this date."""
    dates: dict[DateKind, EventDate] = Field(default_factory=dict)
    """Other dates of the same development: announced, deadline, delivered, effective,
    reported. The site states the gaps ("about eight months after the deadline")."""
    status: ClaimStatus
    """confirmed, reported, claimed, disputed or denied."""
    claimed_by: list[ActorId] = Field(default_factory=list, max_length=20)
    """Who makes the claim (needed when `status` is `claimed`)."""
    summary: Summary
    """What happened, in a few sentences of Markdown (emphasis, links, lists)."""
    body: Body | None = None
    """Optional longer text in the same Markdown subset."""
    actors: list[ActorId] = Field(default_factory=list, max_length=50)
    """Who is involved: ids from events/actors.yaml."""
    places: list[PlaceId] = Field(default_factory=list, max_length=50)
    """Where it happened: ids from events/places.yaml."""
    tags: list[TagId] = Field(default_factory=list, max_length=20)
    """Topics: ids from events/tags.yaml."""
    figures: list[Figure] = Field(default_factory=list, max_length=50)
    """Numbers the sources give."""
    quotes: list[Quote] = Field(default_factory=list, max_length=30)
    """What people said, verbatim."""
    sources: list[Source] = Field(min_length=1, max_length=50)
    """At least one source."""
    related: list[Relation] = Field(default_factory=list, max_length=50)
    """Links to other events."""
    origin: Origin | None = None
    """Where this entry was imported from, if it was."""

    @model_validator(mode="after")
    def _check_consistency(self) -> Event:
        for name in ("actors", "places", "tags", "claimed_by"):
            _reject_repeats(getattr(self, name), name)
        if self.status == "claimed" and not self.claimed_by:
            raise PydanticCustomError(
                "claimed_by",
                "status is `claimed`: say who claims it in `claimed_by`",
                {"at": "status"},
            )
        keys = [source.id for source in self.sources]
        _reject_repeats(keys, "the ids of sources", "sources.{}.id")
        known = {key for key in keys if key is not None}
        pointers = [("figures", figure.source) for figure in self.figures]
        pointers += [("quotes", quote.source) for quote in self.quotes]
        counters = {"figures": -1, "quotes": -1}
        for part, key in pointers:
            counters[part] += 1
            if key is not None and key not in known:
                raise PydanticCustomError(
                    "source_ref",
                    "'{key}' is not the id of one of this event's sources (known: {known})",
                    {
                        "key": key,
                        "known": ", ".join(sorted(known)) or "none",
                        "at": f"{part}.{counters[part]}.source",
                    },
                )
        _reject_repeats(
            [relation.event for relation in self.related], "related", "related.{}.event"
        )
        return self


def _reject_repeats(values: list[str] | list[str | None], name: str, at: str = "") -> None:
    """Raise at the second occurrence; `at` is the list's path with `{}` for the index."""
    seen: set[str] = set()
    for index, value in enumerate(values):
        if value is None:
            continue
        if value in seen:
            raise PydanticCustomError(
                "duplicate",
                "'{value}' appears twice in {name}",
                {"value": value, "name": name, "at": (at or name + ".{}").format(index)},
            )
        seen.add(value)


class Actor(StrictModel):
    """A person, state, government, armed force or organisation that events refer to."""

    name: PlainText
    """Name in English: "Olaf Scholz", "North Korea"."""
    kind: ActorKind
    """person, state, government, armed_force, organisation, alliance, agency, media, group,
    company."""
    native_name: PlainText | None = None
    """Name in its own language and script: "Володимир Зеленський"."""
    country: CountryCode | None = None
    """The country the actor belongs to."""
    role: PlainText | None = None
    """Office or function at the time of the timeline: "Chancellor of Germany (2021–2025)"."""
    aliases: list[PlainText] = Field(default_factory=list, max_length=20)
    """Other names the sources use, for search."""


class Place(StrictModel):
    """A place events happen in."""

    name: PlainText
    """English name: "Kursk Oblast"."""
    native_name: PlainText | None = None
    """Name in the local language and script: "Курская область"."""
    country: CountryCode | None = None
    """The country the place is in (ISO 3166-1 alpha-2); leave out for borders and seas."""
    kind: PlaceKind | None = None
    """settlement, region, country, border, site, body_of_water or area."""
    lat: Latitude | None = None
    """Latitude in decimal degrees (WGS 84)."""
    lon: Longitude | None = None
    """Longitude in decimal degrees (WGS 84)."""

    @model_validator(mode="after")
    def _check_coordinates(self) -> Place:
        if (self.lat is None) != (self.lon is None):
            raise PydanticCustomError(
                "coordinates", "give both `lat` and `lon`, or neither", {"at": "lat"}
            )
        return self


class Tag(StrictModel):
    """A topic that groups events."""

    label: ShortText
    """Short label shown on the site: "Long-range strikes"."""
    description: LongPlainText
    """One or two sentences saying which events get this tag."""


#: The registry files under events/ and the model of each entry.
REGISTRIES: dict[str, type[StrictModel]] = {
    "actors": Actor,
    "places": Place,
    "tags": Tag,
}
