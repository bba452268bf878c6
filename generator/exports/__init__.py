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
    "site_data_paths",
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


def site_data_paths(timeline: Timeline) -> list[str]:
    """What `write_site_data` writes (relative to its folder, in its order), without writing.

    The site engine must know every file of the site before the pages link to them, while
    writing the downloads takes seconds that a background process can take
    (`plugin_files.DataWriter`). A test keeps this list and the writers in step.
    """
    from generator.exports.csvexport import CSV_FILE
    from generator.exports.explorer import EXPLORER_FILE
    from generator.exports.jsonexport import JSON_FILE, SCHEMA_FILE
    from generator.exports.sqliteexport import SQLITE_FILE
    from generator.feeds import feed_specs
    from generator.icalendar_export import CALENDAR_FILE

    by_format: dict[ExportFormat, list[str]] = {
        "json": [JSON_FILE, SCHEMA_FILE],
        "csv": [CSV_FILE],
        "sqlite": [SQLITE_FILE],
        "ics": [CALENDAR_FILE],
    }
    names = [name for export_format in FORMATS for name in by_format[export_format]]
    paths = [f"{DATA_DIR}/{name}" for name in [*names, EXPLORER_FILE]]
    return paths + [spec.path for spec in feed_specs(timeline)]


def feed_links_for(
    page_kind: str, key: str | None = None, *, label: str | None = None
) -> list[tuple[str, str]]:
    """(href relative to the site root, title) of the Atom feeds a page should announce.

    See `generator.feeds.feed_links_for`; `page_kind` is the page model's kind (`tag`,
    `actor`, anything else gets only the whole timeline's feed).
    """
    from generator.feeds import feed_links_for as links

    return links(page_kind, key, label=label)
