"""Data downloads and feeds: everything the site publishes under /data/ and /feeds/.

Each format has its own module (`jsonexport`, `csvexport`, `sqliteexport`, and the top-level
`generator.feeds` and `generator.icalendar_export`); all derive from the models and from an
`ExportContext` that fixes the generation time, so two builds of the same store give the same
bytes. Writers are imported when called, which keeps `generator.exports.context` importable by
the feed and calendar modules without an import cycle.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Literal

from generator.exports.context import ExportContext, resolve_generated_at
from generator.store import Timeline

ExportFormat = Literal["json", "csv", "sqlite", "ics"]
FORMATS: tuple[ExportFormat, ...] = ("json", "csv", "sqlite", "ics")
DATA_DIR = "data"
FEEDS_DIR = "feeds"

Writer = Callable[[Timeline, Path, ExportContext], list[Path]]

__all__ = [
    "DATA_DIR",
    "FEEDS_DIR",
    "FORMATS",
    "ExportContext",
    "ExportFormat",
    "feed_links_for",
    "resolve_generated_at",
    "write_exports",
    "write_site_data",
]


def _writer(export_format: ExportFormat) -> Writer:
    if export_format == "json":
        from generator.exports.jsonexport import write_json

        return write_json
    if export_format == "csv":
        from generator.exports.csvexport import write_csv

        return write_csv
    if export_format == "sqlite":
        from generator.exports.sqliteexport import write_sqlite

        return write_sqlite
    from generator.icalendar_export import write_calendar

    return write_calendar


def write_exports(
    timeline: Timeline,
    out_dir: Path,
    context: ExportContext,
    formats: Iterable[ExportFormat] = FORMATS,
) -> list[Path]:
    """Write the chosen downloads into `out_dir`; return the files written, in format order."""
    written: list[Path] = []
    for export_format in dict.fromkeys(formats):
        written.extend(_writer(export_format)(timeline, out_dir, context))
    return written


def write_site_data(
    timeline: Timeline,
    out_dir: Path,
    site_url: str | None,
    generated_at: dt.datetime,
    *,
    site_name: str = "Timeline",
) -> list[Path]:
    """Write everything the site publishes besides pages: `data/` and `feeds/` under `out_dir`.

    `data/timeline.json` (+ `timeline.schema.json`), `data/timeline.csv`,
    `data/timeline.sqlite`, `data/timeline.ics`, `data/explorer.json` (the explorer's compact
    data, `generator.exports.explorer`), `feeds/atom.xml`, `feeds/tags/<id>.xml` and
    `feeds/actors/<id>.xml`. Pass `resolve_generated_at()` as `generated_at` so that
    SOURCE_DATE_EPOCH pins it; with `site_url` (mkdocs' `site_url`), links and feed ids are
    absolute.
    """
    from generator.exports.explorer import write_explorer
    from generator.feeds import write_feeds

    context = ExportContext(generated_at, site_url, site_name)
    written = write_exports(timeline, out_dir / DATA_DIR, context)
    written.extend(write_explorer(timeline, out_dir / DATA_DIR, context))
    written.extend(write_feeds(timeline, out_dir, context))
    return written


def feed_links_for(
    page_kind: str, key: str | None = None, *, label: str | None = None
) -> list[tuple[str, str]]:
    """(href relative to the site root, title) of the Atom feeds a page should announce.

    See `generator.feeds.feed_links_for`; `page_kind` is the page model's kind (`tag`,
    `actor`, anything else gets only the whole timeline's feed).
    """
    from generator.feeds import feed_links_for as links

    return links(page_kind, key, label=label)
