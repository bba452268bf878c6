"""Shared fixtures."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXED_TODAY = dt.date(2026, 11, 25)


def shared_data(name: str) -> Path:
    """`name` in the project's shared data: beside the repository (`../shared/data/`), else
    under $TIMELINE_SHARED_DATA. Under CI (`CI=true`) it must exist: the tests that read it
    would otherwise be skipped, and nothing is skipped in CI."""
    beside = REPO.parent / "shared" / "data" / name
    configured = os.environ.get("TIMELINE_SHARED_DATA")
    path = Path(configured) / name if configured and not beside.exists() else beside
    if os.environ.get("CI") == "true" and not path.exists():
        raise RuntimeError(f"CI needs the shared data at {path} (or set TIMELINE_SHARED_DATA)")
    return path


@pytest.fixture(autouse=True)
def _isolated_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tests never read or write the user's validation cache."""
    monkeypatch.setenv("TIMELINE_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


def site_config(work: Path, events: Path | str, **plugin_options: object) -> Path:
    """The repository's mkdocs.yml in `work`, with absolute paths and the timeline plugin
    reading `events` (relative to `work`, or absolute)."""
    import yaml
    from mkdocs.utils.yaml import yaml_load

    with (REPO / "mkdocs.yml").open("rb") as handle:
        config = yaml_load(handle)
    config["docs_dir"] = str(REPO / "docs")
    config["theme"]["custom_dir"] = str(REPO / "docs" / "overrides")
    config["plugins"] = [
        {"timeline": {**(entry["timeline"] or {}), "events_dir": str(events), **plugin_options}}
        if isinstance(entry, dict) and "timeline" in entry
        else entry
        for entry in config["plugins"]
    ]
    work.mkdir(parents=True, exist_ok=True)
    path = work / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def allow_fork_beside_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let the build fork although this test process may run other threads: the servers of
    other tests' fixtures, idle in `select`, holding no lock the child needs. (A build refuses
    to fork beside threads: tests/test_split.py.)"""
    from generator import plugin_split

    monkeypatch.setattr(plugin_split, "fork_is_safe", lambda: hasattr(os, "fork"))


# --- Fixture stores (tests/fixtures/valid is a complete small store) -------------------------

FIXTURES = REPO / "tests" / "fixtures"
VALID_STORE = FIXTURES / "valid"
INVALID_CORPUS = FIXTURES / "invalid"


def event_yaml(date: str = "2024-05-01", title: str = "A test event", extra: str = "") -> str:
    """The smallest valid event, with `extra` YAML lines appended at the top level."""
    return (
        f"title: {title}\n"
        f"date: {date}\n"
        "status: confirmed\n"
        "summary: Something happened.\n"
        "sources:\n"
        "  - publisher: Example News\n"
        "    url: https://example.org/a\n"
        f"{extra}"
    )


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the valid fixture store at `tmp_path/events`, with `tmp_path` as the working
    directory, so problems name files the way a contributor sees them: `events/2024/…`."""
    import shutil

    events = tmp_path / "events"
    shutil.copytree(VALID_STORE, events)
    monkeypatch.chdir(tmp_path)
    return events


@pytest.fixture
def write_event(store: Path):
    """Write an event file into `store`: `write_event("2024/2024-05-01-x.yaml", text)`."""

    def write(relative: str, text: str | bytes | None = None) -> Path:
        path = store / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if text is None:
            import re

            date = re.match(r"\d{4}(?:-\d{2}){0,2}", path.stem).group()
            text = event_yaml(date=date, title=f"Event {path.stem}")
        if isinstance(text, str):
            text = text.encode("utf-8")
        path.write_bytes(text)
        return path

    return write


# --- Real-browser tests (tests/browser_support.py) ------------------------------------------
# Built sites and the browser are session-scoped: under xdist each worker builds each site once.


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (never `playwright install`)."""
    from browser_support import launch_browser
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = launch_browser(playwright)
        yield launched
        launched.close()


@pytest.fixture
def browser_page(browser):
    """A fresh page in its own context, with a `Guard` recording dialogs and foreign requests."""
    from browser_support import guarded_context

    context, guard = guarded_context(
        browser, viewport={"width": 1280, "height": 900}, reduced_motion="reduce"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page, guard
    context.close()


def _served(store: Path, tmp_path_factory: pytest.TempPathFactory, name: str):
    """Serve `store`'s site in this worker; the build itself is shared by all xdist workers."""
    import os

    from browser_support import serve_site

    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the run's directory, common to every worker
    site = serve_site(store, shared, name)
    yield site
    site.server.stop()


@pytest.fixture(scope="session")
def nav_site(tmp_path_factory: pytest.TempPathFactory):
    """The navigation site: the real events/ when it has events, else a fixture store."""
    from browser_support import navigation_store

    yield from _served(navigation_store(), tmp_path_factory, "nav-site")


@pytest.fixture(scope="session")
def nav_timeline(nav_site):
    from generator.store import load_timeline

    return load_timeline(nav_site.store, cache_dir=None, jobs=1).timeline


@pytest.fixture(scope="session")
def nav_event(nav_timeline):
    """An event to walk to: dated to the day, with actors, neighbours on both sides, and
    preferably sharing its month with other events."""
    records = nav_timeline.records
    months: dict[str, int] = {}
    for record in records:
        months[record.date["start"][:7]] = months.get(record.date["start"][:7], 0) + 1
    candidates = [
        record
        for record in records[1:-1]
        if len(record.date["start"]) == 10 and record.data.get("actors")
    ]
    assert candidates, "the navigation store has no day-dated event with actors and neighbours"
    candidates.sort(key=lambda record: -months[record.date["start"][:7]])
    return candidates[0]


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory: pytest.TempPathFactory):
    """tests/fixtures/hostile built and served: every field carries a payload."""
    from browser_support import HOSTILE_STORE

    yield from _served(HOSTILE_STORE, tmp_path_factory, "hostile-site")


@pytest.fixture(scope="session")
def hostile_timeline():
    from browser_support import HOSTILE_STORE

    from generator.store import load_timeline

    report = load_timeline(HOSTILE_STORE, cache_dir=None, jobs=1)
    assert report.ok, [problem.message for problem in report.problems]
    return report.timeline


# --- In-memory timelines (exports, feeds, calendar) -----------------------------------------


def timeline_of(
    events: dict,
    actors: dict | None = None,
    places: dict | None = None,
    tags: dict | None = None,
):
    """A Timeline built from event data in memory (validated by the models, not from files).

    `events` maps ids to event data (or to ready-made `Event` objects, e.g. from
    `Event.model_construct` for text the validator would refuse).
    """
    from generator.loader import Document
    from generator.models import Event
    from generator.records import EventRecord
    from generator.store import Timeline, record_sort_key
    from generator.validation import references_of

    records = []
    for event_id, value in events.items():
        event = value if isinstance(value, Event) else Event.model_validate(value)
        data = event.model_dump(mode="json", exclude_defaults=True)
        record = EventRecord(
            id=event_id,
            file=f"events/{event_id[:4]}/{event_id}.yaml",
            title=event.title,
            date=data["date"],
            references=list(references_of(event, Document(data))),
            date_position=(1, 1),
            _data=data,
        )
        record.__dict__["event"] = event
        records.append(record)
    records.sort(key=record_sort_key)
    registries = {"actors": actors or {}, "places": places or {}, "tags": tags or {}}
    return Timeline(REPO / "events", records, registries)


# --- Real git repositories (diff, changed files, history) --------------------------------------


class GitRepo:
    """A real git repository for tests, committing with fixed names and chosen dates."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def git(self, *args: str, date: str = "2024-11-20T12:00:00+00:00") -> str:
        import os
        import subprocess

        env = {
            **os.environ,
            "GIT_AUTHOR_DATE": date,
            "GIT_COMMITTER_DATE": date,
        }
        command = [
            "git",
            "-c", "user.name=Test Author",
            "-c", "user.email=test@example.org",
            "-c", "commit.gpgsign=false",
            "-c", "init.defaultBranch=main",
            *args,
        ]  # fmt: skip
        done = subprocess.run(
            command, cwd=self.path, env=env, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, f"git {' '.join(args)} failed: {done.stderr}"
        return done.stdout

    def write(self, relative: str, text: str) -> Path:
        path = self.path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def commit(self, message: str = "change", date: str = "2024-11-20T12:00:00+00:00") -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message, date=date)
        return self.git("rev-parse", "HEAD").strip()


@pytest.fixture
def git_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the user's and the system's git configuration out of the tests."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.delenv("TIMELINE_GIT_FETCH", raising=False)


@pytest.fixture
def make_repo(tmp_path: Path, git_env: None):
    """`make_repo("name")`: a fresh repository at tmp_path/name (or tmp_path itself for ".")."""

    def make(name: str = "repo") -> GitRepo:
        path = tmp_path / name
        path.mkdir(parents=True, exist_ok=True)
        repo = GitRepo(path)
        repo.git("init", "-q")
        return repo

    return make


@pytest.fixture
def git_store(store: Path, make_repo) -> GitRepo:
    """The valid fixture store committed in a repository at tmp_path (the working directory)."""
    repo = make_repo(".")
    repo.commit("base store", date="2024-11-01T12:00:00+00:00")
    return repo


# --- Build clock (generator/buildout.py) -----------------------------------------------------


@pytest.fixture(autouse=True)
def _source_date_epoch_kept():
    """The timeline plugin sets SOURCE_DATE_EPOCH from `on_config` to the end of a build; a
    test that runs only the first hooks must not pass it on to the next test."""
    import os

    before = os.environ.get("SOURCE_DATE_EPOCH")
    yield
    if before is None:
        os.environ.pop("SOURCE_DATE_EPOCH", None)
    else:
        os.environ["SOURCE_DATE_EPOCH"] = before
