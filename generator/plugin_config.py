"""Options of the `timeline` mkdocs plugin (`plugins: [timeline: {...}]` in mkdocs.yml)."""

from __future__ import annotations

from mkdocs.config import config_options as c
from mkdocs.config.base import Config


class TimelineConfig(Config):  # type: ignore[no-untyped-call]
    """Grouped, defaulted options, in the shape of Material's tags plugin."""

    enabled = c.Type(bool, default=True)
    """Turn the plugin off without removing it (the hand-written pages still build)."""

    # Where the store is
    events_dir = c.Type(str, default="events")
    """The events folder, relative to mkdocs.yml."""
    cache = c.Type(bool, default=True)
    """Reuse the validation cache of `timeline validate` between builds."""
    jobs = c.Optional(c.Type(int))
    """Worker processes for validating files (default: all cores)."""

    # What the pages show
    latest_count = c.Type(int, default=10)
    """How many of the latest events the home page lists."""
    search_summaries = c.Type(bool, default=True)
    """Index event summaries for search; turn off for very large sites to index only titles,
    dates, actors, places and tags (about half the size)."""
    downloads = c.Type(bool, default=True)
    """Publish the data downloads (data/) and Atom feeds (feeds/) with the site."""
