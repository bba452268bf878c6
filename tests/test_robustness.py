"""All-or-nothing builds and clear failures (generator/buildout.py and the plugin's hooks).

Real builds run in subprocesses, as `timeline build` or plain `mkdocs build`, on a minimal
project around the fixture store; they are killed, starved of disk and pointed at read-only
folders, and the previous site must come out byte for byte the same every time.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from conftest import REPO
from mkdocs.config import load_config
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files

from generator import buildout
from generator.plugin import TimelinePlugin
from generator.plugin_config import TimelineConfig
from generator.plugin_store import MAX_LISTED_PROBLEMS
from generator.store import load_timeline

STORE = REPO / "tests" / "fixtures" / "site"
TIMELINE = Path(sys.executable).parent / "timeline"
ENV = {"NO_MKDOCS_2_WARNING": "1"}


# --- Helpers ---------------------------------------------------------------------------------


def _project(folder: Path, store: Path = STORE, index: str = "# Test\n", **options) -> Path:
    """A minimal site (one hand-written page) around `store`; returns its mkdocs.yml."""
    docs = folder / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    (docs / "index.md").write_text(index, encoding="utf-8")
    config = {
        "site_name": "Test",
        "site_url": "https://example.org/",
        "theme": {"name": "material"},
        "plugins": ["search", {"timeline": {"events_dir": str(store), "cache": False, **options}}],
    }
    path = folder / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def _timeline_build(config: Path, *arguments: str, env=None, prefix=()):
    """`timeline build`, with its log and its messages as one text in `.stdout`."""
    return subprocess.run(
        [*prefix, str(TIMELINE), "build", "--config-file", str(config), *arguments],
        cwd=config.parent,
        env={**os.environ, **ENV, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,  # in the order a reader sees them
        text=True,
        check=False,
    )


def _hashes(folder: Path) -> dict[str, str]:
    """Every file and folder under `folder`, with the SHA-256 of each file's bytes."""
    return {
        path.relative_to(folder).as_posix(): (
            hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "folder"
        )
        for path in sorted(folder.rglob("*"))
    }


def _leftovers(site: Path) -> list[str]:
    return sorted(p.name for p in site.parent.iterdir() if p.name.startswith(f".{site.name}."))


def _error_lines(completed) -> list[str]:
    """What a failed build says besides its progress log."""
    output = completed.stdout
    assert "Traceback" not in output, output
    return [
        line
        for line in output.splitlines()
        if line.strip() and not line.startswith(("INFO", "  - ", "DEBUG"))
    ]


@pytest.fixture
def built(tmp_path: Path):
    """A project with a complete site from a first build, and that site's hashes."""
    config = _project(tmp_path / "project")
    completed = _timeline_build(config)
    assert completed.returncode == 0, completed.stdout
    site = tmp_path / "project" / "site"
    assert (site / "index.html").is_file()
    return config, site, _hashes(site)


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


# --- The staging folder and the swap ----------------------------------------------------------


def _site(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "index.html").write_text(text, encoding="utf-8")
    (folder / "sub").mkdir()
    (folder / "sub" / "page.html").write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize("atomic", [True, False], ids=["renameat2", "two-renames"])
def test_commit_replaces_the_site_and_leaves_nothing_behind(tmp_path, monkeypatch, atomic):
    if not atomic:
        monkeypatch.setattr(buildout, "exchange", lambda first, second: False)
    site = _site(tmp_path / "site", "old")
    output = buildout.stage(site)
    assert output.staging == tmp_path / f".site.tmp-{os.getpid()}"
    assert output.staging.is_dir()
    (output.staging / "index.html").write_text("new", encoding="utf-8")
    output.commit()
    assert (site / "index.html").read_text(encoding="utf-8") == "new"
    assert not (site / "sub").exists()
    assert _leftovers(site) == []


def test_exchange_is_atomic_on_linux(tmp_path):
    if not sys.platform.startswith("linux"):
        pytest.skip("renameat2 is Linux only")
    first, second = _site(tmp_path / "a", "a"), _site(tmp_path / "b", "b")
    assert buildout.exchange(first, second)
    assert (first / "index.html").read_text(encoding="utf-8") == "b"
    assert (second / "index.html").read_text(encoding="utf-8") == "a"


def test_first_build_renames_the_staging_folder_into_place(tmp_path):
    output = buildout.stage(tmp_path / "new" / "site")
    (output.staging / "index.html").write_text("new", encoding="utf-8")
    output.commit()
    assert (tmp_path / "new" / "site" / "index.html").read_text(encoding="utf-8") == "new"


def test_discard_leaves_the_previous_site_untouched(tmp_path):
    site = _site(tmp_path / "site", "old")
    before = _hashes(site)
    output = buildout.stage(site)
    (output.staging / "index.html").write_text("half", encoding="utf-8")
    output.discard()
    assert _hashes(site) == before
    assert _leftovers(site) == []


def test_leftovers_of_dead_builds_are_removed_and_running_ones_kept(tmp_path):
    site = _site(tmp_path / "site", "old")
    dead = buildout.leftover_path(site, "tmp", _dead_pid())
    running = buildout.leftover_path(site, "tmp", os.getppid())
    unrelated = tmp_path / ".other.tmp-1"
    for folder in (dead, running, unrelated):
        folder.mkdir()
    assert buildout.clean_leftovers(site) == [dead]
    assert _leftovers(site) == [running.name]
    assert unrelated.is_dir()


@pytest.mark.parametrize("finished", [True, False])
def test_a_build_killed_between_its_two_renames_is_repaired(tmp_path, finished):
    """The backup exists only once the build finished: its staging folder is the new site."""
    site = tmp_path / "site"
    pid = _dead_pid()
    _site(buildout.leftover_path(site, "old", pid), "old")
    if finished:
        _site(buildout.leftover_path(site, "tmp", pid), "new")
    buildout.clean_leftovers(site)
    expected = "new" if finished else "old"
    assert (site / "index.html").read_text(encoding="utf-8") == expected
    assert _leftovers(site) == []


@pytest.mark.parametrize("target", ["file/site", "file"])
def test_an_output_path_that_cannot_be_a_folder_is_one_clear_error(tmp_path, target):
    (tmp_path / "file").write_text("not a folder", encoding="utf-8")
    with pytest.raises(buildout.OutputError) as raised:
        buildout.stage(tmp_path / target)
    assert str(raised.value) == (
        f"cannot write the site to {tmp_path / target}: {tmp_path / 'file'} is a file"
    )


def test_describe_names_the_file_in_the_site_and_gives_a_hint(tmp_path):
    error = OSError(28, "No space left on device", str(tmp_path / "stage" / "a" / "b.html"))
    assert buildout.describe(error, tmp_path / "stage") == (
        "No space left on device: a/b.html (the disk is full)"
    )
    copy = OSError(27, "File too large", "/source/x.js", None, str(tmp_path / "stage" / "x.js"))
    assert buildout.describe(copy, tmp_path / "stage").startswith("File too large: x.js (")


def test_source_date_epoch_is_pinned_for_one_build_and_restored():
    environ: dict[str, str] = {}
    restore = buildout.pin_source_date_epoch(environ, 1700000000)
    assert environ == {"SOURCE_DATE_EPOCH": "1700000000"}
    restore()
    assert environ == {}
    environ = {"SOURCE_DATE_EPOCH": "5"}
    buildout.pin_source_date_epoch(environ, 1700000000)()
    assert environ == {"SOURCE_DATE_EPOCH": "5"}


# --- The plugin's hooks -----------------------------------------------------------------------


def _plugin(config_file: Path, command: str | None = None, dirty: bool = False):
    config = load_config(str(config_file))
    plugin = config.plugins["timeline"]
    assert isinstance(plugin, TimelinePlugin)
    if command is not None:
        config.plugins.on_startup(command=command, dirty=dirty)
    return config, plugin


def test_on_config_sends_the_build_to_a_staging_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    config, plugin = _plugin(_project(tmp_path))
    config = config.plugins.on_config(config)
    try:
        assert config.site_dir == str(tmp_path / f".site.tmp-{os.getpid()}")
        assert Path(config.site_dir).is_dir()
        assert os.environ["SOURCE_DATE_EPOCH"]
    finally:
        plugin.on_build_error(error=RuntimeError("stop"))
    assert _leftovers(tmp_path / "site") == []
    assert "SOURCE_DATE_EPOCH" not in os.environ


@pytest.mark.parametrize(("command", "dirty"), [("serve", False), ("build", True)])
def test_serve_and_dirty_builds_write_in_place(tmp_path, command, dirty):
    config, plugin = _plugin(_project(tmp_path), command, dirty)
    site_dir = config.site_dir
    config = config.plugins.on_config(config)
    plugin.on_post_build(config=config)
    assert config.site_dir == site_dir
    assert _leftovers(tmp_path / "site") == []


@pytest.mark.site
def test_a_programmatic_build_puts_the_site_in_place_and_restores_site_dir(tmp_path):
    """`mkdocs gh-deploy` reads `site_dir` after the build: it must be the real folder again."""
    from mkdocs.commands.build import build

    config, _ = _plugin(_project(tmp_path), "gh-deploy")
    site_dir = config.site_dir
    build(config)
    assert config.site_dir == site_dir
    assert (tmp_path / "site" / "events").is_dir()
    assert _leftovers(tmp_path / "site") == []


def test_an_invalid_store_lists_the_first_problems_and_counts_the_rest(tmp_path):
    store = tmp_path / "store"
    shutil.copytree(STORE, store)
    extra = 5
    for number in range(MAX_LISTED_PROBLEMS + extra):
        path = store / "2024" / f"2024-01-{number + 1:02d}-broken.yaml"
        path.write_text("title: Broken\ndate: 2024-01-01\n", encoding="utf-8")
    report = load_timeline(store, cache_dir=None, jobs=1)
    errors = sorted(problem for problem in report.problems if problem.severity == "error")
    assert len(errors) > MAX_LISTED_PROBLEMS
    config, plugin = _plugin(_project(tmp_path / "project", store))
    config = config.plugins.on_config(config)
    with pytest.raises(PluginError) as raised:
        plugin.on_files(Files([]), config=config)
    plugin.on_build_error(error=raised.value)
    assert str(raised.value).splitlines() == [
        "timeline: the events are not valid; fix these problems (or run `timeline validate`):",
        *[problem.as_text() for problem in errors[:MAX_LISTED_PROBLEMS]],
        f"… and {len(errors) - MAX_LISTED_PROBLEMS} more: run `timeline validate` to list them all",
        f"{len(errors)} problems in {extra + MAX_LISTED_PROBLEMS} of {report.files_checked} files",
    ]


# --- Configuration errors ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "key", "message"),
    [
        ({"event_dir": "x"}, "event_dir", "Unknown option (did you mean 'events_dir'?)"),
        ({"colour": "red"}, "colour", "Unknown option (the options are enabled, events_dir,"),
        ({"latest_count": "ten"}, "latest_count", "Expected type: <class 'int'>"),
        ({"latest_count": -1}, "latest_count", "Expected a number of at least 0 but received: -1"),
        ({"latest_count": True}, "latest_count", "Expected a whole number but received: True"),
        ({"jobs": 0}, "jobs", "Expected a number of at least 1 but received: 0"),
    ],
)
def test_plugin_options_are_checked(options, key, message):
    config = TimelineConfig()
    config.load_dict(options)
    errors, warnings = config.validate()
    assert [name for name, _ in errors] == [key]
    assert str(errors[0][1]).startswith(message)
    assert warnings == []


@pytest.mark.site
def test_a_misspelt_option_fails_the_build_in_one_line(tmp_path):
    completed = _timeline_build(_project(tmp_path, event_dir="somewhere"))
    assert completed.returncode == 1
    assert _error_lines(completed) == [
        "ERROR   -  Config value 'plugins': Plugin 'timeline' option 'event_dir': "
        "Unknown option (did you mean 'events_dir'?)",
        "Aborted with a configuration error!",
    ]
    assert not (tmp_path / "site").exists()


# --- Failed builds leave the previous site as it was ------------------------------------------


def _assert_failed_cleanly(completed, site: Path, before: dict[str, str], message: str):
    assert completed.returncode == 1, completed.stdout
    lines = _error_lines(completed)
    # One line, after mkdocs' own line naming the page it was writing, if any; or before
    # mkdocs' closing "Aborted with a BuildError!".
    assert len(lines) <= 2, lines
    assert any(message in line for line in lines), lines
    assert _hashes(site) == before
    assert _leftovers(site) == []


@pytest.mark.site
def test_an_invalid_event_fails_the_build_and_keeps_the_previous_site(built, tmp_path):
    config, site, before = built
    store = tmp_path / "store"
    shutil.copytree(STORE, store)
    (store / "2024" / "2024-08-06-incursion.yaml").write_text(
        "title: Broken\ndate: 2024-08-06\nstatus: reportd\n", encoding="utf-8"
    )
    _project(config.parent, store)
    completed = _timeline_build(config)
    assert completed.returncode == 1
    assert "Traceback" not in completed.stdout
    assert "timeline: the events are not valid" in completed.stdout
    assert "2024-08-06-incursion.yaml:3:9: status:" in completed.stdout
    assert _hashes(site) == before
    assert _leftovers(site) == []


@pytest.mark.site
def test_a_missing_events_folder_fails_in_one_line(built, tmp_path):
    config, site, before = built
    _project(config.parent, tmp_path / "nowhere")
    completed = _timeline_build(config)
    _assert_failed_cleanly(
        completed, site, before, f"timeline: no events folder at {tmp_path / 'nowhere'}"
    )


@pytest.mark.site
def test_a_bad_source_date_epoch_fails_in_one_line(built):
    config, site, before = built
    completed = _timeline_build(config, env={"SOURCE_DATE_EPOCH": "yesterday"})
    _assert_failed_cleanly(
        completed, site, before, "timeline: SOURCE_DATE_EPOCH='yesterday' is not a number"
    )


@pytest.mark.site
def test_strict_mode_warnings_keep_the_previous_site(built):
    config, site, before = built
    _project(config.parent, index="# Test\n\n[A page that does not exist](missing.md)\n")
    completed = _timeline_build(config, "--strict")
    assert completed.returncode == 1
    assert "Aborted with 1 warnings in strict mode!" in completed.stdout
    assert _hashes(site) == before
    assert _leftovers(site) == []


@pytest.mark.site
def test_an_output_folder_under_a_file_fails_in_one_line(tmp_path):
    config = _project(tmp_path)
    (tmp_path / "file").write_text("not a folder", encoding="utf-8")
    completed = _timeline_build(config, "--site-dir", str(tmp_path / "file" / "site"))
    assert completed.returncode == 1
    assert _error_lines(completed) == [
        f"ERROR   -  timeline: cannot write the site to {tmp_path / 'file' / 'site'}: "
        f"{tmp_path / 'file'} is a file",
        "Aborted with a BuildError!",
    ]


def _read_only(folder: Path) -> tuple[tuple[str, ...], str]:
    """A command prefix under which `folder` cannot be written, and the error to expect.

    chmod does not stop root: as root, a read-only bind mount in a private mount namespace.
    """
    if os.geteuid() != 0:
        folder.chmod(0o555)
        return (), "Permission denied"
    if shutil.which("unshare") is None:
        pytest.skip("running as root without unshare: cannot make a folder read-only")
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True, check=False)
    if probe.returncode != 0:
        pytest.skip("running as root where unshare -m is not allowed")
    script = 'mount --bind -o ro "$0" "$0" && exec "$@"'
    return ("unshare", "-m", "sh", "-c", script, str(folder)), "Read-only file system"


@pytest.mark.site
def test_a_read_only_output_folder_fails_in_one_line_and_keeps_the_site(built):
    config, site, before = built
    prefix, reason = _read_only(site.parent)
    try:
        completed = _timeline_build(config, prefix=prefix)
    finally:
        site.parent.chmod(0o755)
    _assert_failed_cleanly(completed, site, before, f"cannot write the site to {site}: {reason}")


@pytest.mark.site
def test_a_full_disk_fails_in_one_line_and_keeps_the_site(built):
    """RLIMIT_FSIZE makes every write past 400 kB fail (EFBIG), as a full disk would: here
    Material's assets copied into the staging folder, while the downloads are written too."""
    config, site, before = built
    code = "import os, resource, sys; resource.setrlimit(resource.RLIMIT_FSIZE, (400_000,) * 2)"
    prefix = (sys.executable, "-c", f"{code}; os.execv(sys.argv[1], sys.argv[1:])")
    completed = _timeline_build(config, prefix=prefix)
    _assert_failed_cleanly(
        completed,
        site,
        before,
        f"Error: timeline: the build failed, the site at {site} is unchanged: File too large: "
        "assets/",
    )


def test_downloads_that_fail_in_the_writer_and_again_here_fail_in_one_line(tmp_path, monkeypatch):
    """The downloads' child failed (a full disk, say), so the parent writes them and fails
    the same way: SQLite's error, which is no OSError, still becomes one line."""
    from generator import plugin_files

    full = sqlite3.OperationalError("disk I/O error")
    full.sqlite_errorcode = sqlite3.SQLITE_IOERR

    def write_site_data(*args, **kwargs):
        raise full

    monkeypatch.setattr(plugin_files, "write_site_data", write_site_data)
    config = load_config(str(_project(tmp_path)), site_dir=str(tmp_path / "site"))
    config.plugins._current_plugin = "timeline"  # what File.generated reads, in a hook
    (tmp_path / "site").mkdir()
    timeline = load_timeline(STORE, cache_dir=None, jobs=1).timeline
    writer = plugin_files.DataWriter()
    writer.start(timeline, config)
    assert writer.running
    with pytest.raises(sqlite3.OperationalError) as caught:
        writer.finish(timeline, config)  # the child failed too: its exit status says so
    assert buildout.describe_failure(caught.value) == (
        "disk I/O error while writing an SQLite file (the disk may be full)"
    )
    assert not writer.running
    assert list((tmp_path / "site").iterdir()) == []  # no private folder left behind


# --- A killed build ---------------------------------------------------------------------------


def _corpus():
    """benchmarks/corpus.py, imported by path (benchmarks/ is a folder of scripts)."""
    name = "benchmark_corpus"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, REPO / "benchmarks" / "corpus.py")
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up here
        spec.loader.exec_module(module)
    return sys.modules[name]


PINNED = {"SOURCE_DATE_EPOCH": "1700000000"}


def _mkdocs_build(config: Path) -> subprocess.Popen:
    """Plain `mkdocs build`, in its own process group (its validation workers included)."""
    return subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "build", "--config-file", str(config)],
        cwd=config.parent,
        env={**os.environ, **ENV, **PINNED},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


@pytest.mark.site
def test_a_killed_build_leaves_the_previous_site_and_the_next_build_cleans_up(tmp_path):
    _corpus().generate(tmp_path, 300, seed=0)
    config = _project(tmp_path / "project", tmp_path / "events", jobs=1)
    site = tmp_path / "project" / "site"
    assert _mkdocs_build(config).wait(timeout=600) == 0
    before = _hashes(site)

    build = _mkdocs_build(config)
    staging = buildout.leftover_path(site, "tmp", build.pid)
    deadline = time.monotonic() + 600
    while not (staging / "events").is_dir() or len(list((staging / "events").iterdir())) < 20:
        assert build.poll() is None, "the build ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    os.killpg(build.pid, signal.SIGKILL)  # our own child's process group
    assert build.wait(timeout=60) == -signal.SIGKILL

    assert _hashes(site) == before
    assert _leftovers(site) == [staging.name]
    completed = _timeline_build(config, env=PINNED)
    assert completed.returncode == 0, completed.stdout
    assert _leftovers(site) == []
    assert _hashes(site) == before  # the same input, the same bytes
