"""Material's navigation rendered once per folder gives the same pages as rendering it each time."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO
from mkdocs.commands import build
from mkdocs.config import load_config

from generator.theme_memo import ThemeMemo, memo_key

STORE = REPO / "tests" / "fixtures" / "site"


def _site(tmp_path: Path, name: str) -> dict[str, str]:
    """The repository's site configuration (its nav, tabs and overrides) on the fixture store."""
    site = tmp_path / name
    config = load_config(
        str(REPO / "mkdocs.yml"),
        site_dir=str(site),
        plugins=["search", {"timeline": {"events_dir": str(STORE), "cache": False}}],
    )
    build.build(config)
    return {
        path.relative_to(site).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(site.rglob("*.html"))
    }


def test_memoised_navigation_gives_byte_identical_pages(tmp_path, monkeypatch, caplog):
    memoised = _site(tmp_path, "memoised")
    kept = []
    original_keep = ThemeMemo.keep

    def counting_keep(self, partial, key, html):
        kept.append((partial, key))
        return original_keep(self, partial, key, html)

    monkeypatch.setattr(ThemeMemo, "keep", counting_keep)
    monkeypatch.setattr(ThemeMemo, "has", lambda self, partial, key: False)
    every_time = _site(tmp_path, "every-time")
    assert list(memoised) == list(every_time)
    assert [name for name in memoised if memoised[name] != every_time[name]] == []
    assert ("nav", "events") in kept  # the memo was in use for the event pages
    assert ("tabs", "events") in kept


@pytest.mark.parametrize(
    ("url", "in_nav", "key"),
    [
        ("events/2024-11-17-x/", False, "events"),
        ("chronology/2024/11/newest-first/", False, "chronology/2024/11"),
        ("chronology/", True, None),  # in the nav: an item is active on it
        ("events/x.html", False, None),  # not a directory URL
        ("top/", False, None),  # the site root's folder: not worth a key
    ],
)
def test_memo_key(url, in_nav, key):
    assert memo_key(url, in_nav) == key
