"""History on the site, from real git repositories in tmp_path: event dates, recent changes,
the feed of corrections, shallow clones and stores outside git; plus the event page's tables."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest
from conftest import FIXED_TODAY, REPO, VALID_STORE, GitRepo, event_yaml

from generator.exports.context import ExportContext
from generator.history import (
    NOT_COMMITTED,
    NOT_IN_GIT,
    SHALLOW,
    changes_feed,
    clean_subject,
    load_history,
)
from generator.pages import build_site
from generator.pages.history import MAX_ITEMS
from generator.render import render_page
from generator.store import load_timeline

REPO_URL = "https://forge.example/owner/timeline"
ATACMS = "2024-11-17-us-authorises-atacms"
TAURUS = "2024-11-19-scholz-refuses-taurus"
HOSTILE_SUBJECT = "Fix </span><script>alert(1)</script> \u202egnp.exe\u200b\x1b[31m & co"


def _timeline(events: Path):
    report = load_timeline(events, cache_dir=None, today=FIXED_TODAY, jobs=1)
    assert report.ok, report.problems
    return report.timeline


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def history_repo(git_store: GitRepo, store: Path) -> GitRepo:
    """The fixture store committed on 1 November, then a correction, an addition, a removal,
    a rename and a registry change on later days."""
    _edit(store / "2024" / f"{ATACMS}.yaml", "status: reported", "status: confirmed")
    git_store.commit("Correct the status of the ATACMS decision", date="2024-11-20T10:00:00+00:00")
    git_store.write("events/2024/2024-11-21-new-event.yaml", event_yaml("2024-11-21", "New"))
    git_store.commit("Add an event", date="2024-11-21T10:00:00+00:00")
    (store / "2024" / f"{TAURUS}.yaml").unlink()
    git_store.commit("Remove a duplicate", date="2024-11-22T10:00:00+00:00")
    _edit(store / "actors.yaml", "name: Joe Biden", "name: Joseph R. Biden")
    git_store.commit(
        HOSTILE_SUBJECT + "\n\nThe body is not shown.", date="2024-11-23T10:00:00+00:00"
    )
    return git_store


# --- load_history ----------------------------------------------------------------------------


def test_event_dates_and_links_come_from_one_pass(history_repo: GitRepo, store: Path):
    history = load_history(store, repo_url=REPO_URL + "/", branch="trunk")
    assert history.available
    assert history.note == ""
    atacms = history.for_event(ATACMS)
    assert atacms.first_added == dt.date(2024, 11, 1)
    assert atacms.last_changed == dt.date(2024, 11, 20)
    assert atacms.history_url == f"{REPO_URL}/commits/trunk/events/2024/{ATACMS}.yaml"
    assert atacms.commit_url == f"{REPO_URL}/commit/{atacms.commit}"
    assert atacms.note == ""
    untouched = history.for_event("2024-11-18-putin-warns-nato")
    assert untouched.first_added == untouched.last_changed == dt.date(2024, 11, 1)
    assert TAURUS not in history.events  # removed: no page to show it on


def test_an_event_not_committed_yet_says_so(history_repo: GitRepo, store: Path):
    history_repo.write("events/2024/2024-11-24-draft.yaml", event_yaml("2024-11-24", "Draft"))
    history = load_history(store)
    draft = history.for_event("2024-11-24-draft")
    assert (draft.first_added, draft.last_changed, draft.note) == (None, None, NOT_COMMITTED)
    assert history.for_event(ATACMS).history_url is None  # no repo_url: dates, no links


def test_recent_changes_name_each_file_and_what_happened(history_repo: GitRepo, store: Path):
    history = load_history(store, repo_url=REPO_URL)
    subjects = [commit.subject for commit in history.recent]
    assert subjects[1:] == [
        "Remove a duplicate",
        "Add an event",
        "Correct the status of the ATACMS decision",
        "base store",
    ]
    registry, removal, addition, correction, base = history.recent
    assert [(c.action, c.path, c.event_id) for c in registry.changes] == [
        ("corrected", "actors.yaml", None)  # the subject starts with "Fix"
    ]
    assert [(c.action, c.event_id) for c in removal.changes] == [("removed", TAURUS)]
    assert [(c.action, c.event_id) for c in addition.changes] == [("added", "2024-11-21-new-event")]
    assert [(c.action, c.event_id) for c in correction.changes] == [("corrected", ATACMS)]
    assert correction.date == dt.date(2024, 11, 20)
    assert correction.url == f"{REPO_URL}/commit/{correction.sha}"
    assert {c.action for c in base.changes} == {"added"}
    assert not base.corrects
    assert correction.corrects
    assert removal.corrects
    assert not addition.corrects


def test_recent_changes_are_bounded_and_renames_followed(history_repo: GitRepo, store: Path):
    old = store / "2024" / "2024-11-21-new-event.yaml"
    old.rename(store / "2024" / "2024-11-21-renamed-event.yaml")
    history_repo.commit("Rename an event", date="2024-11-24T10:00:00+00:00")
    history = load_history(store, recent=2)
    assert len(history.recent) == 2
    assert [(c.action, c.event_id) for c in history.recent[0].changes] == [
        ("renamed", "2024-11-21-renamed-event")
    ]
    renamed = history.for_event("2024-11-21-renamed-event")
    assert renamed.first_added == dt.date(2024, 11, 21)  # followed back through the rename
    assert renamed.last_changed == dt.date(2024, 11, 24)


def test_a_commit_outside_the_store_is_not_a_change(history_repo: GitRepo, store: Path):
    history_repo.write("README.md", "elsewhere\n")
    history_repo.commit("Touch the readme", date="2024-11-24T10:00:00+00:00")
    assert "Touch the readme" not in [c.subject for c in load_history(store).recent]


@pytest.mark.parametrize(
    ("subject", "cleaned"),
    [
        (HOSTILE_SUBJECT, "Fix </span><script>alert(1)</script> gnp.exe[31m & co"),
        ("  many\n\tspaces  ", "many spaces"),
        ("\u200b\u202e", "(no subject)"),
        ("x" * 300, "x" * 199 + "…"),
    ],
)
def test_subjects_lose_control_and_invisible_characters(subject, cleaned):
    assert clean_subject(subject) == cleaned


def test_subject_is_the_first_paragraph_and_cleaned(history_repo: GitRepo, store: Path):
    subject = load_history(store).recent[0].subject
    assert subject == clean_subject(HOSTILE_SUBJECT)
    assert "body" not in subject


def test_shallow_clone_degrades_then_fetches_when_allowed(
    history_repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{history_repo.path}", str(clone)],
        check=True,
        capture_output=True,
    )
    events = clone / "events"
    history = load_history(events, repo_url=REPO_URL)
    assert history.available
    assert history.note == SHALLOW
    assert history.recent == []  # the boundary commit would claim every file was added
    atacms = history.for_event(ATACMS)
    assert (atacms.first_added, atacms.last_changed, atacms.note) == (None, None, SHALLOW)
    monkeypatch.setenv("TIMELINE_GIT_FETCH", "1")
    fetched = load_history(events, repo_url=REPO_URL)
    assert fetched.note == ""
    assert fetched.for_event(ATACMS).first_added == dt.date(2024, 11, 1)
    assert len(fetched.recent) == 5


def test_a_store_outside_git_has_no_history(tmp_path: Path, git_env: None):
    events = tmp_path / "events"
    shutil.copytree(VALID_STORE, events)
    history = load_history(events, repo_url=REPO_URL)
    assert not history.available
    assert history.note == NOT_IN_GIT
    assert history.for_event(ATACMS).note == NOT_IN_GIT
    assert history.recent == []


def test_an_empty_repository_has_no_changes_yet(make_repo, tmp_path: Path):
    repo = make_repo("empty")
    shutil.copytree(VALID_STORE, repo.path / "events")
    history = load_history(repo.path / "events")
    assert history.available
    assert history.recent == []
    assert history.for_event(ATACMS).note == NOT_COMMITTED


# --- Pages -------------------------------------------------------------------------------------


def test_event_page_shows_dates_and_links(history_repo: GitRepo, store: Path):
    history = load_history(store, repo_url=REPO_URL)
    site = build_site(_timeline(store), history=history, changes_feed=True)
    html = render_page(site.by_uri[f"events/{ATACMS}/index.md"])
    assert '<h2 id="history" data-search-exclude="true">History</h2>' in html
    assert (
        'First added on <time datetime="2024-11-01">1 November 2024</time>; '
        'last changed on <time datetime="2024-11-20">20 November 2024</time>.'
    ) in html
    assert f'href="{REPO_URL}/commits/main/events/2024/{ATACMS}.yaml"' in html
    commit = history.for_event(ATACMS).commit
    assert f'href="{REPO_URL}/commit/{commit}"' in html
    assert f"(commit {commit[:7]})</a>" in html


def test_recent_changes_page_escapes_subjects_and_links_events(history_repo: GitRepo, store: Path):
    history = load_history(store, repo_url=REPO_URL)
    site = build_site(_timeline(store), history=history, changes_feed=True)
    page = site.by_uri["changes/index.md"]
    assert (page.url, page.in_nav, page.searchable) == ("changes/", True, False)
    html = render_page(page)
    assert "<script>" not in html
    assert "\u202e" not in html
    assert "\x1b" not in html
    assert "Fix &lt;/span&gt;&lt;script&gt;alert(1)&lt;/script&gt; gnp.exe[31m &amp; co" in html
    assert 'href="../feeds/changes.xml"' in html
    assert re.search(r"Corrected</span> <code>actors.yaml</code>", html)
    # A removed event has no page: its id is shown without a link.
    assert f"Removed</span> {TAURUS}</li>" in html
    assert f'Corrected</span> <a href="../events/{ATACMS}/">' in html
    assert html.count('<li class="tl-change"') == 5


def test_a_bulk_commit_lists_a_bounded_number_of_files(make_repo, tmp_path: Path):
    repo = make_repo("bulk")
    shutil.copytree(VALID_STORE, repo.path / "events")
    for day in range(1, 31):
        repo.write(f"events/2024/2024-06-{day:02d}-event.yaml", event_yaml(f"2024-06-{day:02d}"))
    repo.commit("Import many events")
    events = repo.path / "events"
    history = load_history(events)
    site = build_site(_timeline(events), history=history)
    html = render_page(site.by_uri["changes/index.md"])
    count = len(history.recent[0].changes)
    assert html.count("Added</span>") == MAX_ITEMS
    assert f"and {count - MAX_ITEMS:,} more" in html


def test_without_git_event_pages_and_the_changes_page_say_why(tmp_path: Path, git_env: None):
    events = tmp_path / "events"
    shutil.copytree(VALID_STORE, events)
    site = build_site(_timeline(events), history=load_history(events))
    html = render_page(site.by_uri[f"events/{ATACMS}/index.md"])
    assert "First added" not in html
    assert f'<p class="tl-history tl-note">{NOT_IN_GIT}</p>' in html
    changes = render_page(site.by_uri["changes/index.md"])
    assert NOT_IN_GIT in changes
    assert "No changes recorded yet" not in changes


def test_history_off_leaves_pages_as_they_were(store: Path):
    site = build_site(_timeline(store))
    assert "changes/index.md" not in site.by_uri
    assert 'id="history"' not in render_page(site.by_uri[f"events/{ATACMS}/index.md"])


# --- Feed of corrections -----------------------------------------------------------------------


def _feed(history, site_url: str | None = "https://example.org/"):
    context = ExportContext(dt.datetime(2024, 12, 1, tzinfo=dt.UTC), site_url, "Timeline")
    titles = {ATACMS: "US <b>authorises</b> ATACMS"}
    return changes_feed(history, context, titles)


def test_feed_lists_corrections_newest_first(history_repo: GitRepo, store: Path):
    history = load_history(store, repo_url=REPO_URL)
    data = _feed(history)
    ET.fromstring(data)  # well-formed
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.feed.title == "Timeline: corrections and updates"
    assert parsed.feed.updated == "2024-11-23T00:00:00Z"
    titles = [entry.title for entry in parsed.entries]
    assert titles == [
        clean_subject(HOSTILE_SUBJECT),
        "Remove a duplicate",
        "Correct the status of the ATACMS decision",
    ]
    correction = parsed.entries[2]
    assert correction.link == f"{REPO_URL}/commit/{history.recent[3].sha}"
    assert correction.id == correction.link
    content = correction.content[0].value
    assert content == (
        '<ul><li>corrected: <a href="https://example.org/events/'
        f'{ATACMS}/">US &lt;b&gt;authorises&lt;/b&gt; ATACMS</a></li></ul>'
    )
    assert b"<script>" not in data


def test_feed_without_site_url_or_forge_is_relative_and_stable(history_repo: GitRepo, store: Path):
    history = load_history(store)
    data = _feed(history, site_url=None)
    root = ET.fromstring(data)
    assert root.get("{http://www.w3.org/XML/1998/namespace}base") == "../"
    parsed = feedparser.parse(data)
    assert parsed.entries[0].id.startswith("tag:timeline,2024:commit/")
    assert data == _feed(load_history(store), site_url=None)


def test_empty_feed_is_valid(tmp_path: Path, git_env: None):
    events = tmp_path / "events"
    shutil.copytree(VALID_STORE, events)
    parsed = feedparser.parse(_feed(load_history(events)))
    assert not parsed.bozo
    assert parsed.entries == []
    assert parsed.feed.updated == "2024-12-01T00:00:00Z"


# --- The figures table of event pages ----------------------------------------------------------


def _figures_table(html: str) -> str:
    return html[html.index('<h2 id="figures"') : html.index("</table>")]


def test_figures_table_is_styled_by_material_and_has_no_empty_columns(tmp_path: Path):
    events = tmp_path / "events"
    shutil.copytree(VALID_STORE, events)
    plain = (
        "figures:\n  - value: 3\n    unit: tanks\n    what: tanks delivered\n"
        "  - low: 1\n    high: 2\n    unit: jets\n    what: jets\n"
    )
    (events / "2024" / "2024-05-01-plain.yaml").write_text(event_yaml(extra=plain))
    table = _figures_table(render_page(build_site(_timeline(events)).by_uri[
        "events/2024-05-01-plain/index.md"
    ]))  # fmt: skip
    # No class: Material styles `table:not([class])` and wraps it for scrolling.
    assert "<table>" in table
    headers = re.findall(r'<th scope="col">([^<]+)</th>', table)
    assert headers == ["What", "Figure"]
    assert table.count("<td>") == 2
    assert "<td></td>" not in table


def test_figures_table_fills_status_and_source_for_every_row():
    events = REPO / "tests" / "fixtures" / "site"
    site = build_site(_timeline(events))
    for page in site.pages:
        if page.kind != "event" or not page.context.figures:
            continue
        table = _figures_table(render_page(page))
        headers = re.findall(r'<th scope="col">([^<]+)</th>', table)
        rows = table.count('<th scope="row">')
        assert table.count("<td>") == rows * (len(headers) - 1), page.url
        assert "<td></td>" not in table, page.url


# --- A real build ------------------------------------------------------------------------------


def test_built_site_shows_history_dates_changes_page_and_feed(history_repo: GitRepo, store: Path):
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    docs = history_repo.path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Home\n", encoding="utf-8")
    config_file = history_repo.path / "mkdocs.yml"
    config_file.write_text(
        "site_name: Test\nsite_url: https://example.org/\n"
        f"repo_url: {REPO_URL}\nedit_uri: edit/trunk/docs/\n"
        "theme:\n  name: material\n"
        "plugins:\n  - timeline:\n      cache: false\n      jobs: 1\n",
        encoding="utf-8",
    )
    site_dir = history_repo.path / "site"
    build(load_config(str(config_file), site_dir=str(site_dir)))
    page = (site_dir / "events" / ATACMS / "index.html").read_text(encoding="utf-8")
    assert '<time datetime="2024-11-01">1 November 2024</time>' in page
    assert '<time datetime="2024-11-20">20 November 2024</time>' in page
    assert f"{REPO_URL}/commits/trunk/events/2024/{ATACMS}.yaml" in page
    changes = (site_dir / "changes" / "index.html").read_text(encoding="utf-8")
    assert "Correct the status of the ATACMS decision" in changes
    assert 'href="../feeds/changes.xml"' in changes
    assert 'type="application/atom+xml" href="../feeds/changes.xml"' in changes
    feed = feedparser.parse((site_dir / "feeds" / "changes.xml").read_bytes())
    assert len(feed.entries) == 3


# --- The plugin --------------------------------------------------------------------------------


def _plugin_files(tmp_path: Path, store: Path, options: str = ""):
    from mkdocs.config import load_config
    from mkdocs.structure.files import get_files

    (tmp_path / "docs").mkdir(parents=True, exist_ok=True)
    (tmp_path / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    config_file = tmp_path / "mkdocs.yml"
    config_file.write_text(
        "site_name: Test\ntheme:\n  name: material\n"
        f"plugins:\n  - timeline:\n      events_dir: {store}\n      cache: false\n{options}",
        encoding="utf-8",
    )
    config = load_config(str(config_file))
    config = config.plugins.on_config(config)
    return config.plugins.on_files(get_files(config), config=config)


def test_plugin_history_option(history_repo: GitRepo, store: Path, tmp_path: Path):
    files = _plugin_files(tmp_path / "on", store)
    assert files.get_file_from_path("changes/index.md") is not None
    assert files.get_file_from_path("feeds/changes.xml") is not None
    files = _plugin_files(tmp_path / "off", store, "      history: false\n")
    assert files.get_file_from_path("changes/index.md") is None
    assert files.get_file_from_path("feeds/changes.xml") is None
    files = _plugin_files(tmp_path / "nodata", store, "      downloads: false\n")
    assert files.get_file_from_path("changes/index.md") is not None
    assert files.get_file_from_path("feeds/changes.xml") is None


@pytest.mark.parametrize(
    ("edit_uri", "branch"),
    [
        ("edit/main/docs/", "main"),
        ("blob/trunk/docs/", "trunk"),
        ("tree/release-1/docs", "release-1"),
        ("", "main"),
        (None, "main"),
        ("src/docs/", "main"),
    ],
)
def test_history_links_use_the_branch_of_edit_uri(edit_uri, branch):
    from generator.plugin_support import branch_of as _branch

    assert _branch(edit_uri) == branch
