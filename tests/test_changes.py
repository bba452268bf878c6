"""Pull-request mode (`timeline validate --changed-since`) on real git repositories."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from generator.changes import changes_since, validate_changes
from generator.cli import main

FIXTURE = Path(__file__).parent / "fixtures" / "valid"
TODAY = "2026-11-25"


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository whose events/ is the valid fixture store, committed on main."""
    shutil.copytree(FIXTURE, tmp_path / "events")
    _git(tmp_path, "init", "-q", "-b", "main")
    _git(tmp_path, "add", "-A")
    _git(tmp_path, "commit", "-q", "-m", "store")
    _git(tmp_path, "checkout", "-q", "-b", "pr")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _validate(*args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(
        main, ["validate", "--changed-since", "main", "--today", TODAY, "--no-cache", *args]
    )
    return result.exit_code, result.output.splitlines()


def _an_event(repo: Path) -> Path:
    return sorted((repo / "events").glob("*/*.yaml"))[0]


def test_no_changes_checks_nothing(repo: Path) -> None:
    assert _validate() == (0, ["0 files valid"])


def test_only_the_changed_file_is_reported(repo: Path) -> None:
    event = _an_event(repo)
    event.write_text(event.read_text().replace("status:", "titel: x\nstatus:", 1))
    code, lines = _validate()
    assert code == 1
    assert len(lines) == 2
    assert lines[0].startswith(f"events/{event.parent.name}/{event.name}:")
    assert "unknown key 'titel'; did you mean 'title'? [unknown_key]" in lines[0]
    assert lines[1] == "1 problem in 1 of 1 files"


def test_untracked_new_file_is_checked(repo: Path) -> None:
    new = repo / "events" / "2024" / "2024-11-18-a-new-event.yaml"
    new.parent.mkdir(exist_ok=True)
    new.write_text("title: x\n")
    code, lines = _validate()
    assert code == 1
    assert all(line.startswith("events/2024/2024-11-18-a-new-event.yaml:") for line in lines[:-1])


def test_renamed_event_breaks_the_events_that_point_at_it(repo: Path) -> None:
    changes_before = changes_since("main", repo / "events")
    assert changes_before.changed == frozenset()
    targets = [
        path
        for path in (repo / "events").glob("*/*.yaml")
        if any(
            p.read_text().count(f"event: {path.stem}") for p in (repo / "events").glob("*/*.yaml")
        )
    ]
    assert targets, "the valid fixture store must contain a related event"
    target = targets[0]
    renamed = target.with_name(target.stem + "-renamed.yaml")
    _git(repo, "mv", str(target), str(renamed))
    changes = changes_since("main", repo / "events")
    assert target.stem in changes.removed_ids
    report = validate_changes(repo / "events", changes, cache_dir=None)
    unknown = [p for p in report.problems if p.kind == "unknown_event"]
    assert unknown
    assert all(target.stem in p.message for p in unknown)


def test_files_discovery_skips_are_no_removed_ids(repo: Path) -> None:
    """A hidden file or a README in events/ is not an event: nothing to search the store for."""
    (repo / "events" / ".gitkeep").write_text("")
    (repo / "events" / "README.md").write_text("notes\n")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "odd files")
    event = _an_event(repo)
    event.write_text(event.read_text().replace("title:", "title: Edited,", 1))
    changes = changes_since("HEAD", repo / "events")
    assert changes.removed_ids == frozenset()
    assert len(changes.changed) == 1


def test_removed_registry_entry_is_reported_where_it_is_used(repo: Path) -> None:
    actors = repo / "events" / "actors.yaml"
    from generator.loader import load_bytes

    data = load_bytes(actors.read_bytes(), "actors.yaml", 10_000).document
    assert data is not None
    used = [
        a
        for a in data.data
        if any(
            f" {a}\n" in p.read_text() or f"- {a}\n" in p.read_text()
            for p in (repo / "events").glob("*/*.yaml")
        )
    ]
    victim = used[0]
    lines = actors.read_text().splitlines(keepends=True)
    start = lines.index(f"{victim}:\n")
    end = start + 1
    while end < len(lines) and lines[end].startswith((" ", "#")):
        end += 1
    actors.write_text("".join(lines[:start] + lines[end:]))
    code, output = _validate()
    assert code == 1
    assert any(f"unknown actor '{victim}'" in line for line in output)
    assert output[-1].endswith("files")


def test_changed_since_and_paths_are_exclusive(repo: Path) -> None:
    result = CliRunner().invoke(main, ["validate", "--changed-since", "main", "events"])
    assert result.exit_code == 2
    assert "either PATHS or --changed-since" in result.output


def test_unknown_ref_is_a_usage_error(repo: Path) -> None:
    result = CliRunner().invoke(main, ["validate", "--changed-since", "no-such-branch"])
    assert result.exit_code == 2
    assert "unknown git reference 'no-such-branch'" in result.output


@given(st.text(alphabet="ab./", min_size=1, max_size=12))
def test_names_split_as_path_objects_split_them(name):
    """Pull-request mode reads every name of the store as text (`validation.split_name`)."""
    from pathlib import PurePosixPath

    from generator.validation import split_name

    path = PurePosixPath(name)
    if path.name:  # "/" or "." alone name no file
        assert split_name(path.as_posix()) == (path.stem, path.suffix)
