"""Named constraint types, declared once and used by every model.

Each type carries its JSON Schema so the exported schema (and editor autocompletion) says the
same as the Python validation. Validation failures raise `PydanticCustomError` with a short
kind (`url_scheme`, `date`, `plain_text` …) that ends up in brackets after the message.
"""

from __future__ import annotations

import math
from typing import Annotated, Any

from pydantic import AfterValidator, Field, PlainSerializer, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from generator.dates import PartialDate
from generator.text import markdown_problem, plain_text_problem, url_problem

SLUG_PATTERN = r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$"
EVENT_ID_PATTERN = r"^[0-9]{4}(?:-[0-9]{2}){0,2}-[a-z][a-z0-9]*(?:-[a-z0-9]+)*$"
DATE_PATTERN = r"^[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?$"


def _plain(value: str) -> str:
    problem = plain_text_problem(value)
    if problem:
        raise PydanticCustomError("plain_text", problem)
    return value


def _plain_multiline(value: str) -> str:
    problem = plain_text_problem(value, multiline=True)
    if problem:
        raise PydanticCustomError("plain_text", problem)
    return value


def _markdown(value: str) -> str:
    problem = plain_text_problem(value, multiline=True)
    if problem:
        raise PydanticCustomError("plain_text", problem)
    found = markdown_problem(value)
    if found:
        raise PydanticCustomError(found[0], found[1])
    return value


def _http_url(value: str) -> str:
    found = url_problem(value)
    if found:
        raise PydanticCustomError(found[0], found[1])
    return value


def _partial_date(value: Any) -> PartialDate:
    try:
        return PartialDate.parse(value)
    except ValueError as error:
        raise PydanticCustomError("date", str(error)) from None


def _number(value: Any) -> int | float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PydanticCustomError("number", 'must be a number (write 12000, not "12000")')
    if isinstance(value, float) and not math.isfinite(value):
        raise PydanticCustomError("number", "must be a finite number")
    return value


Slug = Annotated[
    str,
    Field(pattern=SLUG_PATTERN, min_length=1, max_length=80),
]
"""Lower-case words joined by hyphens: `north-korea`, `joe-biden`."""

ActorId = Annotated[Slug, Field(description="Id of an actor in events/actors.yaml.")]
PlaceId = Annotated[Slug, Field(description="Id of a place in events/places.yaml.")]
TagId = Annotated[Slug, Field(description="Id of a tag in events/tags.yaml.")]
SourceKey = Annotated[Slug, Field(description="The `id` of one of this event's sources.")]

EventId = Annotated[
    str,
    Field(
        pattern=EVENT_ID_PATTERN,
        max_length=100,
        description="Id of another event: its file name without `.yaml`.",
    ),
]

PlainText = Annotated[str, Field(min_length=1, max_length=300), AfterValidator(_plain)]
"""One line of text, shown escaped; never interpreted as Markdown or HTML."""

Title = Annotated[str, Field(min_length=1, max_length=120), AfterValidator(_plain)]

ShortText = Annotated[str, Field(min_length=1, max_length=60), AfterValidator(_plain)]
"""A short line of plain text: a unit, a tag label. Its own type because `Field(max_length=60)`
on a `PlainText` field loses to PlainText's own limit of 300."""

LongPlainText = Annotated[
    str, Field(min_length=1, max_length=4000), AfterValidator(_plain_multiline)
]
"""Several lines of plain text (quotes, descriptions), shown escaped."""

Summary = Annotated[str, Field(min_length=1, max_length=3000), AfterValidator(_markdown)]
"""The Markdown subset: paragraphs, *emphasis*, lists and [links](https://…)."""

Body = Annotated[str, Field(min_length=1, max_length=30000), AfterValidator(_markdown)]

HttpUrl = Annotated[
    str,
    Field(max_length=2000, json_schema_extra={"format": "uri", "pattern": "^https?://"}),
    AfterValidator(_http_url),
]
"""An absolute http:// or https:// URL: no other scheme is ever linked."""

LanguageCode = Annotated[
    str,
    Field(
        pattern=r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$",
        max_length=35,
        description="BCP 47 language tag: `en`, `uk`, `ru`, `de`, `pt-BR`.",
    ),
]

CountryCode = Annotated[
    str,
    Field(
        pattern=r"^[A-Z]{2}$",
        description="ISO 3166-1 alpha-2 country code: `UA`, `RU`, `KP`, `DE`.",
    ),
]

DateValue = Annotated[
    PartialDate,
    PlainValidator(_partial_date),
    PlainSerializer(lambda value: value.iso(), return_type=str),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": DATE_PATTERN},
                {"type": "integer", "minimum": 1000, "maximum": 9999},
            ],
            "description": "A date to the day (2024-11-17), month (2024-11) or year (2024).",
        }
    ),
]

Number = Annotated[
    int | float,
    PlainValidator(_number),
    WithJsonSchema({"type": "number"}),
]

Latitude = Annotated[float, Field(ge=-90, le=90)]
Longitude = Annotated[float, Field(ge=-180, le=180)]
