"""Two builds of the same input give the same bytes (docs/methodology.md, "Reproducible builds").

The repository's own mkdocs.yml builds the fixture store three times, in different folders,
with different hash seeds and with a cold and a warm validation cache. With SOURCE_DATE_EPOCH
set, every file is byte-identical; without it, the builds differ only in the generation time.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, site_config

pytestmark = pytest.mark.site

STORE = REPO / "tests" / "fixtures" / "site"
TIMELINE = Path(sys.executable).parent / "timeline"
#: 2025-01-01T12:00:00Z: after every fixture event, so ongoing ones end on the generation date
#: in both the pinned and the unpinned build.
EPOCH = 1735732800
#: The files that carry the generation time (docs/methodology.md lists the same).
STAMPED = {
    "data/timeline.json",  # generated_at
    "data/explorer.json",  # generated_at
    "data/timeline.sqlite",  # the meta table's generated_at
    "data/timeline.ics",  # DTSTAMP, and ongoing events end on the generation date
    "sitemap.xml",  # lastmod: the generation date
    "sitemap.xml.gz",  # the same, and the gzip header's time (that date, 00:00 UTC)
}
STAMPED_FOLDERS = ("feeds/",)  # <updated> of every Atom feed


def _build(
    work: Path, cache: Path, hash_seed: int, epoch: int | None, split: bool = False
) -> dict[str, bytes]:
    env = {**os.environ, "TIMELINE_CACHE_DIR": str(cache), "PYTHONHASHSEED": str(hash_seed)}
    # Half of the pages built by a forked child (generator/plugin_split.py), or none.
    env["TIMELINE_PRERENDER_MIN_PAGES"] = "0" if split else "1000000000"
    env.pop("SOURCE_DATE_EPOCH", None)
    if epoch is not None:
        env["SOURCE_DATE_EPOCH"] = str(epoch)
    site = work / "site"
    completed = subprocess.run(
        [TIMELINE, "build", "--config-file", site_config(work, STORE), "--site-dir", site],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return {
        path.relative_to(site).as_posix(): path.read_bytes()
        for path in sorted(site.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, bytes]]:
    root = tmp_path_factory.mktemp("determinism")
    cache = root / "cache"
    return {
        "pinned": _build(root / "first", cache, 1, EPOCH),  # cold validation cache
        "split": _build(root / "fourth", cache, 4, EPOCH, split=True),
        "again": _build(root / "second" / "elsewhere", cache, 2, EPOCH),  # warm cache
        "now": _build(root / "third", root / "cache-now", 3, None),
    }


def _stamped(name: str) -> bool:
    return name in STAMPED or name.startswith(STAMPED_FOLDERS)


def _generated_at(files: dict[str, bytes]) -> dt.datetime:
    stamp = json.loads(files["data/timeline.json"])["generated_at"]
    return dt.datetime.fromisoformat(stamp)


def _normalised(files: dict[str, bytes]) -> dict[str, bytes]:
    """Every form of the build's generation time replaced by a placeholder."""
    moment = _generated_at(files)
    day = moment.date()
    forms = [
        moment.strftime("%Y-%m-%dT%H:%M:%SZ").encode(),  # JSON, SQLite, Atom
        moment.strftime("%Y%m%dT%H%M%SZ").encode(),  # iCalendar DTSTAMP
        # An ongoing event's calendar entry lasts until the day the calendar was generated.
        f"DTEND;VALUE=DATE:{day + dt.timedelta(days=1):%Y%m%d}".encode(),
        f"{day}\\, the day this calendar was generated".encode(),
        f"<lastmod>{day}</lastmod>".encode(),  # sitemap
    ]
    result = {}
    for name, content in files.items():
        if name == "sitemap.xml.gz":
            midnight = dt.datetime.combine(day, dt.time(), dt.UTC)
            assert int.from_bytes(content[4:8], "little") == int(midnight.timestamp())
            content = gzip.decompress(content)
        if name.endswith(".ics"):
            content = content.replace(b"\r\n ", b"")  # unfold (RFC 5545 3.1)
        if _stamped(name):
            for form in forms:
                content = content.replace(form, b"<generated>")
        result[name] = content
    return result


def test_builds_with_source_date_epoch_are_byte_identical(builds):
    pinned, again = builds["pinned"], builds["again"]
    assert list(pinned) == list(again)
    different = [name for name in pinned if pinned[name] != again[name]]
    assert different == []
    assert _generated_at(pinned) == dt.datetime.fromtimestamp(EPOCH, dt.UTC)


def test_half_of_the_pages_built_by_a_child_give_the_same_site(builds):
    pinned, split = builds["pinned"], builds["split"]
    assert list(pinned) == list(split)
    assert [name for name in pinned if pinned[name] != split[name]] == []


def test_without_it_only_the_generation_time_differs(builds):
    pinned, now = builds["pinned"], builds["now"]
    assert list(pinned) == list(now)
    different = {name for name in pinned if pinned[name] != now[name]}
    assert different, "the unpinned build should carry today's time"
    assert all(_stamped(name) for name in different), sorted(different)
    assert _normalised(pinned) == _normalised(now)


def test_pages_and_the_search_index_never_carry_the_time(builds):
    pinned, now = builds["pinned"], builds["now"]
    pages = [name for name in pinned if name.endswith((".html", "search_index.json"))]
    assert len(pages) > 20
    assert [name for name in pages if pinned[name] != now[name]] == []


def test_one_build_has_one_generation_time(builds):
    """The exports' time and mkdocs' sitemap date come from the same instant."""
    now = builds["now"]
    moment = _generated_at(now)
    sitemap = now["sitemap.xml"].decode()
    assert f"<lastmod>{moment.date().isoformat()}</lastmod>" in sitemap
    assert sitemap.count("<lastmod>") == sitemap.count(moment.date().isoformat())
    assert moment.strftime("%Y-%m-%dT%H:%M:%SZ").encode() in now["feeds/atom.xml"]
    assert moment.strftime("%Y%m%dT%H%M%SZ").encode() in now["data/timeline.ics"]
