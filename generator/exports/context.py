"""What every export shares: when it was generated, by what, and where the site lives.

The generation time is the only value allowed to differ between two exports of the same store,
so it is decided once (`--generated-at`, else `SOURCE_DATE_EPOCH`, else now) and passed to
every writer; none of them reads the clock.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import metadata

from generator.constraints import SLUG_PATTERN
from generator.text import url_problem

#: The name of the distribution, as `generator` fields and PRODID lines give it.
GENERATOR_NAME = "timeline-generator"
#: Where an event's page lives, relative to the site root (the page model's layout).
EVENT_PAGE = "events/{id}/"

_SLUG = re.compile(SLUG_PATTERN)


@cache
def generator_version() -> str:
    """The installed version of the package, or `0+unknown` when run from a bare checkout."""
    try:
        return metadata.version(GENERATOR_NAME)
    except metadata.PackageNotFoundError:
        return "0+unknown"


def generator_label() -> str:
    """`timeline-generator 0.1.0`: what made a file, for readers and for bug reports."""
    return f"{GENERATOR_NAME} {generator_version()}"


@dataclass(frozen=True)
class ExportContext:
    """The few facts about a build that exports need besides the timeline itself."""

    generated_at: dt.datetime
    site_url: str | None = None
    site_name: str = "Timeline"

    def __post_init__(self) -> None:
        moment = self.generated_at
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)  # a time without a zone is UTC
        utc = moment.astimezone(dt.UTC).replace(microsecond=0)
        object.__setattr__(self, "generated_at", utc)
        if self.site_url is not None:
            # Calendar URL lines carry the address as is: it must be an absolute http(s) URL
            # without spaces or control characters, which could otherwise start a new line.
            problem = url_problem(self.site_url)
            if problem is not None:
                raise ValueError(f"site_url {self.site_url!r} {problem[1]}")
            object.__setattr__(self, "site_url", self.site_url.rstrip("/") + "/")

    @property
    def timestamp(self) -> str:
        """`2024-11-25T12:00:00Z`: RFC 3339 in UTC, the form JSON, SQLite and Atom use."""
        return self.generated_at.strftime("%Y-%m-%dT%H:%M:%SZ")

    def url(self, path: str) -> str:
        """`path` (relative to the site root) made absolute when the site URL is known."""
        return f"{self.site_url}{path}" if self.site_url else path

    def event_url(self, event_id: str) -> str:
        return self.url(event_page(event_id))


def event_page(event_id: str) -> str:
    """`events/<id>/`, relative to the site root."""
    return EVENT_PAGE.format(id=event_id)


def safe_slug(value: str) -> str:
    """Return `value` if it is a slug, else raise: ids become file names under the site."""
    if not _SLUG.fullmatch(value) or len(value) > 100:
        raise ValueError(f"{value!r} is not an id that can name a file")
    return value


def resolve_generated_at(
    value: str | None = None, environ: Mapping[str, str] | None = None
) -> dt.datetime:
    """The generation time: `value` (ISO 8601), else SOURCE_DATE_EPOCH, else now (UTC).

    SOURCE_DATE_EPOCH is the reproducible-builds convention
    (https://reproducible-builds.org/specs/source-date-epoch/); a time without a zone is UTC.

    Raises:
        ValueError: when `value` or SOURCE_DATE_EPOCH cannot be read, naming which.
    """
    env = os.environ if environ is None else environ
    if value is not None:
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(
                f"{value!r} is not an ISO 8601 time; write 2024-11-25T12:00:00Z"
            ) from None
    elif env.get("SOURCE_DATE_EPOCH"):
        epoch = env["SOURCE_DATE_EPOCH"]
        try:
            moment = dt.datetime.fromtimestamp(int(epoch), dt.UTC)
        except (ValueError, OverflowError, OSError):
            raise ValueError(
                f"SOURCE_DATE_EPOCH={epoch!r} is not a number of seconds since 1970"
            ) from None
    else:
        moment = dt.datetime.now(dt.UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).replace(microsecond=0)
