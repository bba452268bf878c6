"""The store's git history, for the site: when each event was added and last changed, and the
latest changes to the store with the commits' subjects (for a "recent changes" page and a feed).

Two git processes per build, whatever the size of the store: `gitrepo.histories` walks the log
once for every file's dates, and one bounded `git log` lists the latest commits (their subjects
are read from the commit objects, whose sizes git states, so no subject can be mistaken for
the log's structure). Without git, outside a repository, or in a shallow clone that may not
fetch, the answer says so in words a page can show, and the build goes on.

Commit subjects are written by whoever made the commit: they are cleaned of control and
invisible characters and shortened here, and escaped like all text where they are shown.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Literal

from generator import gitrepo
from generator.constraints import EVENT_ID_PATTERN
from generator.exports.context import ExportContext, generator_version
from generator.feeds import ATOM_NAMESPACE, TAG_AUTHORITY, XML_BASE, XML_LANG, feed_bytes, xml_text

NOT_IN_GIT = "History is not available in this build: the events are not in a git repository."
SHALLOW = (
    "History is not available in this build: it was made from a shallow git clone "
    "without the earlier commits."
)
NOT_COMMITTED = "Not committed yet: this event has no history in git."
#: How many of the latest commits the recent-changes page lists by default.
RECENT_COUNT = 50
#: Where the feed of corrections goes, relative to the site root.
FEED_PATH = "feeds/changes.xml"
#: Subjects with one of these words mark a change to an existing event as a correction.
CORRECTION = re.compile(r"\b(correct|correction|corrects|corrected|fix|fixes|fixed|errat)", re.I)
MAX_SUBJECT = 200
#: Files an entry of the feed lists (a bulk import touches thousands).
MAX_FEED_ITEMS = 25

Action = Literal["added", "changed", "corrected", "removed", "renamed"]
_EVENT_FILE = re.compile(r"^[0-9]{4}/(?P<id>" + EVENT_ID_PATTERN[1:-1] + r")\.yaml$")


@dataclass(frozen=True)
class EventHistory:
    """When one event's file was first added and last changed, and where to see its history.

    The dates are None when unknown; `note` then says why (a shallow clone, not committed).
    """

    first_added: dt.date | None
    last_changed: dt.date | None
    history_url: str | None = None
    commit_url: str | None = None
    commit: str | None = None
    note: str = ""


@dataclass(frozen=True)
class FileChange:
    """One file a commit touched: its path below the events folder, and the event it holds."""

    action: Action
    path: str
    event_id: str | None


@dataclass(frozen=True)
class Commit:
    """A commit that touched the store, newest first in `StoreHistory.recent`."""

    sha: str
    date: dt.date
    subject: str
    changes: tuple[FileChange, ...]
    url: str | None = None

    @property
    def corrects(self) -> bool:
        """True when it changes what was already published (not only adds new files)."""
        return any(change.action != "added" for change in self.changes)


@dataclass(frozen=True)
class StoreHistory:
    """The history of a store for one build. `note` is empty when the history is complete."""

    available: bool
    note: str = ""
    events: Mapping[str, EventHistory] = field(default_factory=dict)
    recent: list[Commit] = field(default_factory=list)

    def for_event(self, event_id: str) -> EventHistory:
        """The event's history; an event git does not know yet gets the reason as its note."""
        if not self.available:
            return EventHistory(None, None, note=self.note)
        return self.events.get(event_id) or EventHistory(None, None, note=NOT_COMMITTED)


def load_history(
    events_root: Path,
    *,
    repo_url: str | None = None,
    branch: str = "main",
    recent: int = RECENT_COUNT,
    fetch: bool | None = None,
) -> StoreHistory:
    """The history of the store at `events_root`, or an unavailable one with the reason.

    Args:
        events_root: the events folder.
        repo_url: the forge's address (`https://github.com/owner/name`), for links to the
            history of each file and to commits; without it there are dates but no links.
        branch: the branch the links show history on.
        recent: how many of the latest commits touching the store to list.
        fetch: whether a shallow clone may fetch its history (default: TIMELINE_GIT_FETCH).
    """
    try:
        repo = gitrepo.Repo.at(events_root)
        files = gitrepo.histories(events_root, fetch=fetch)
        shallow = repo.is_shallow()
        commits = _recent_commits(repo, events_root, recent, repo_url)
    except gitrepo.GitError as error:
        if "not inside a git repository" in str(error):
            return StoreHistory(False, NOT_IN_GIT)
        return StoreHistory(False, f"History is not available in this build: {error}.")
    root = events_root.resolve()
    events: dict[str, EventHistory] = {}
    for path, found in files.items():
        event_id = _event_id(path, root)
        if event_id is not None:
            events[event_id] = _event_history(found, repo_url, branch)
    return StoreHistory(True, SHALLOW if shallow else "", events, commits)


def _event_id(path: Path, root: Path) -> str | None:
    try:
        relative = path.relative_to(root).as_posix()
    except ValueError:
        return None
    match = _EVENT_FILE.match(relative)
    return match["id"] if match else None


def _event_history(found: gitrepo.FileHistory, repo_url: str | None, branch: str) -> EventHistory:
    note = ""
    if not found.available:
        note = SHALLOW if found.note == gitrepo.SHALLOW_NOTE else NOT_COMMITTED
    known = found.last_commit is not None
    return EventHistory(
        first_added=found.first_added,
        last_changed=found.last_changed,
        history_url=found.history_url(repo_url, branch) if repo_url and known else None,
        commit_url=found.commit_url(repo_url) if repo_url else None,
        commit=found.last_commit,
        note=note,
    )


def _recent_commits(
    repo: gitrepo.Repo, events_root: Path, limit: int, repo_url: str | None
) -> list[Commit]:
    """The latest `limit` commits that touched the store, with the files each touched."""
    if limit <= 0:
        return []
    try:
        repo.git("rev-parse", "--verify", "--quiet", "HEAD")
    except gitrepo.GitError:
        return []  # no commit yet
    prefix = repo.relative(events_root).as_posix()
    boundary = repo.shallow_commits() if repo.is_shallow() else frozenset()
    log = repo.git(
        "log", f"--max-count={limit}", "--date-order", "-M", "--name-status", "-z",
        "--format=%x01%H %as", "HEAD", "--", repo.pathspec(events_root),
    )  # fmt: skip
    # The format has no free text, so the log's structure cannot be forged by a subject.
    entries = [
        (sha, date, changes)
        for sha, date, changes in gitrepo._parse_log(log)
        if sha not in boundary  # a boundary commit shows every file as added
    ]
    subjects = _subjects(repo, [sha for sha, _, _ in entries])
    commits = []
    for sha, date, changes in entries:
        subject = subjects.get(sha, "")
        touched = tuple(_file_change(status, path, prefix, subject) for status, path, _ in changes)
        url = f"{repo_url.rstrip('/')}/commit/{sha}" if repo_url else None
        commits.append(Commit(sha, date, subject, touched, url))
    return commits


def _file_change(status: str, path: str, prefix: str, subject: str) -> FileChange:
    inner = path if prefix == "." else str(PurePosixPath(path).relative_to(prefix))
    action: Action
    if status == "A":
        action = "added"
    elif status == "D":
        action = "removed"
    elif status == "R":
        action = "renamed"
    else:
        action = "corrected" if CORRECTION.search(subject) else "changed"
    match = _EVENT_FILE.match(inner)
    return FileChange(action, inner, match["id"] if match else None)


def _subjects(repo: gitrepo.Repo, shas: list[str]) -> dict[str, str]:
    """Each commit's subject (its message's first paragraph), cleaned for display."""
    if not shas:
        return {}
    output = repo.git("cat-file", "--batch", stdin="".join(f"{sha}\n" for sha in shas).encode())
    found: dict[str, str] = {}
    offset = 0
    for sha in shas:
        header_end = output.index(b"\n", offset)
        header = output[offset:header_end].split(b" ")
        if len(header) != 3 or header[1] != b"commit":
            raise gitrepo.GitError(f"git cat-file: commit {sha} is missing from the repository")
        start = header_end + 1
        size = int(header[2])
        raw = output[start : start + size]
        offset = start + size + 1
        _headers, _, message = raw.partition(b"\n\n")
        paragraph = message.decode("utf-8", "replace").strip().split("\n\n", 1)[0]
        found[sha] = clean_subject(paragraph)
    return found


def clean_subject(text: str) -> str:
    """One line of visible text: control, format (bidi, zero-width) characters removed,
    whitespace collapsed, shortened to `MAX_SUBJECT` characters."""
    visible = "".join(
        " " if char in "\t\n\r" else char
        for char in text
        if char in "\t\n\r" or unicodedata.category(char) not in {"Cc", "Cf", "Cs", "Co", "Cn"}
    )
    line = " ".join(visible.split())
    if len(line) > MAX_SUBJECT:
        line = line[: MAX_SUBJECT - 1].rstrip() + "…"
    return line or "(no subject)"


# --- Feed of corrections ----------------------------------------------------------------------


def changes_feed(
    history: StoreHistory,
    context: ExportContext,
    titles: Mapping[str, str],
    *,
    page: str = "changes/",
) -> bytes:
    """An Atom feed of the commits that changed or removed published events or entries.

    `titles` maps the ids of the events on the site to their titles; an entry links each
    event it changed that still exists. The feed's `updated` is its newest entry's day (so
    two builds of the same history give the same file), or the build time when it is empty.
    """
    entries = [commit for commit in history.recent if commit.corrects]
    feed = ET.Element("feed", {"xmlns": ATOM_NAMESPACE, XML_LANG: "en"})
    if context.site_url is None:
        feed.set(XML_BASE, "../")
    _text(feed, "id", context.url(FEED_PATH) if context.site_url else TAG_AUTHORITY + FEED_PATH)
    _text(feed, "title", f"{context.site_name}: corrections and updates", type="text")
    _text(feed, "subtitle", "Changes to events already published, newest first.", type="text")
    updated = _stamp(entries[0].date) if entries else context.timestamp
    _text(feed, "updated", updated)
    _link(feed, "self", context.url(FEED_PATH), "application/atom+xml")
    _link(feed, "alternate", context.url(page), "text/html")
    author = ET.SubElement(feed, "author")
    _text(author, "name", context.site_name)
    _text(feed, "generator", "timeline-generator", version=generator_version())
    for commit in entries:
        feed.append(_entry(commit, context, titles, page))
    return feed_bytes(feed)


def _entry(
    commit: Commit, context: ExportContext, titles: Mapping[str, str], page: str
) -> ET.Element:
    entry = ET.Element("entry")
    _text(entry, "id", commit.url or f"{TAG_AUTHORITY}commit/{commit.sha}")
    _text(entry, "title", commit.subject, type="text")
    _link(entry, "alternate", commit.url or context.url(page), "text/html")
    _text(entry, "updated", _stamp(commit.date))
    # Escaped here; ElementTree escapes the whole string once more, as type="html" requires.
    _text(entry, "content", _change_list(commit.changes, context, titles), type="html")
    return entry


def _change_list(
    changes: Iterable[FileChange], context: ExportContext, titles: Mapping[str, str]
) -> str:
    items = []
    listed = list(changes)
    for change in listed[:MAX_FEED_ITEMS]:
        label = html.escape(change.path)
        if change.event_id is not None and change.event_id in titles:
            url = html.escape(context.event_url(change.event_id))
            label = f'<a href="{url}">{html.escape(titles[change.event_id])}</a>'
        items.append(f"<li>{change.action}: {label}</li>")
    if len(listed) > MAX_FEED_ITEMS:
        items.append(f"<li>and {len(listed) - MAX_FEED_ITEMS:,} more</li>")
    return "<ul>" + "".join(items) + "</ul>"


def _stamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _text(parent: ET.Element, tag: str, text: str, **attributes: str) -> None:
    ET.SubElement(parent, tag, attributes).text = xml_text(text)


def _link(parent: ET.Element, rel: str, href: str, media_type: str) -> None:
    ET.SubElement(parent, "link", {"rel": rel, "type": media_type, "href": xml_text(href)})
