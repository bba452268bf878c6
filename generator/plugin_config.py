"""Options of the `timeline` mkdocs plugin (`plugins: [timeline: {...}]` in mkdocs.yml)."""

from __future__ import annotations

import difflib
from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config, ConfigErrors, ConfigWarnings, ValidationError, get_schema

from generator.pages.indexes import INDEX_PAGE_LIMIT


class _Count(c.Type[int]):
    """A whole number of at least `minimum` (and not `true`, which Python counts as 1)."""

    def __init__(self, minimum: int, **kwargs: Any) -> None:
        super().__init__(int, **kwargs)
        self.minimum = minimum

    def run_validation(self, value: object) -> int:
        if isinstance(value, bool):
            raise ValidationError(f"Expected a whole number but received: {value!r}")
        number = super().run_validation(value)
        if number < self.minimum:
            raise ValidationError(
                f"Expected a number of at least {self.minimum} but received: {number}"
            )
        return number


class TimelineConfig(Config):  # type: ignore[no-untyped-call]
    """Grouped, defaulted options, in the shape of Material's tags plugin."""

    enabled = c.Type(bool, default=True)
    """Turn the plugin off without removing it (the hand-written pages still build)."""

    # Where the store is
    events_dir = c.Type(str, default="events")
    """The events folder, relative to mkdocs.yml."""
    cache = c.Type(bool, default=True)
    """Reuse the validation cache of `timeline validate`, and the HTML of event Markdown,
    between builds (in the user's cache folder, `TIMELINE_CACHE_DIR`)."""
    jobs = c.Optional(_Count(minimum=1))
    """Processes a build keeps busy (default: all cores). They validate the files, render the
    Markdown the cache lacks and build half of the pages; with 1, the build runs in one process."""

    # What the pages show
    latest_count = _Count(minimum=0, default=10)
    """How many of the latest events the home page lists."""
    index_page_limit = _Count(minimum=1, default=INDEX_PAGE_LIMIT)
    """An actor, place or tag with more events than this gets a page per year; its own page
    then lists the years and its latest events (keeps index pages small on large timelines)."""
    search_summaries = c.Type(bool, default=True)
    """Index event summaries for search; turn off for very large sites to index only titles,
    dates, actors, places and tags (about half the size)."""
    downloads = c.Type(bool, default=True)
    """Publish the data downloads (data/) and Atom feeds (feeds/) with the site."""

    # History from git
    history = c.Type(bool, default=True)
    """Show on each event page when it was first added and last changed (from git), and
    publish a "Recent changes" page (changes/) with a feed of corrections."""
    changes_count = _Count(minimum=1, default=50)
    """How many of the latest commits the "Recent changes" page lists."""

    def validate(self) -> tuple[ConfigErrors, ConfigWarnings]:
        """Make an unknown option an error: mkdocs only warns, and a misspelt `event_dir:`
        would otherwise build the site from the default folder without a word."""
        failed, warnings = super().validate()
        known = [name for name, _option in get_schema(type(self))]
        for key, _message in warnings:
            if key not in known:
                close = difflib.get_close_matches(key, known, n=1)
                hint = (
                    f"did you mean '{close[0]}'?"
                    if close
                    else "the options are " + ", ".join(known)
                )
                failed.append((key, ValidationError(f"Unknown option ({hint})")))
        return failed, [(key, message) for key, message in warnings if key in known]
