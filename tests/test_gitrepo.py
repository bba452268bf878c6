"""Git helpers on real repositories in tmp_path: changed files, files at a ref, history."""

from __future__ import annotations

import datetime as dt
from pathlib import Path, PurePosixPath

import pytest

from generator import gitrepo
from generator.gitrepo import GitError, Repo

DAY1 = "2024-11-01T12:00:00+00:00"
DAY2 = "2024-11-05T12:00:00+00:00"
DAY3 = "2024-11-09T12:00:00+00:00"


@pytest.fixture
def upstream(make_repo):
    """main: a.yaml and b.yaml on day 1; then a feature branch changes things."""
    repo = make_repo("upstream")
    repo.write("events/2024/a.yaml", "a: 1\n")
    repo.write("events/2024/b.yaml", "b: 1\n")
    repo.write("events/actors.yaml", "x: 1\n")
    repo.write("docs/index.md", "# docs\n")
    repo.commit("base", DAY1)
    return repo


def test_changed_files_since_merge_base(upstream, monkeypatch):
    repo = upstream
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("events/2024/b.yaml", "b: 2\n")
    repo.write("events/2024/c.yaml", "c: 1\n")
    repo.write("docs/index.md", "# changed docs\n")
    repo.git("mv", "events/2024/a.yaml", "events/2024/a-renamed.yaml")
    repo.commit("feature", DAY2)
    # Meanwhile main moves on: its own changes are not the branch's.
    repo.git("checkout", "-q", "main")
    repo.write("events/2024/main-only.yaml", "m: 1\n")
    repo.commit("main moves", DAY2)
    repo.git("checkout", "-q", "feature")
    # Uncommitted and untracked work counts too.
    repo.write("events/actors.yaml", "x: 2\n")
    repo.write("events/2024/untracked.yaml", "u: 1\n")
    repo.write("notes.txt", "outside events\n")
    monkeypatch.chdir(repo.path)

    changed = gitrepo.changed_files("main", [Path("events")])

    events = repo.path.resolve() / "events"
    assert changed == sorted(
        [
            events / "2024" / "a-renamed.yaml",
            events / "2024" / "b.yaml",
            events / "2024" / "c.yaml",
            events / "2024" / "untracked.yaml",
            events / "actors.yaml",
        ]
    )
    assert gitrepo.deleted_files("main", [Path("events")]) == []


def test_deleted_files_are_listed_separately(upstream, monkeypatch):
    repo = upstream
    (repo.path / "events/2024/b.yaml").unlink()
    monkeypatch.chdir(repo.path)
    assert gitrepo.changed_files("HEAD", [Path("events")]) == []
    assert gitrepo.deleted_files("HEAD", [Path("events")]) == [PurePosixPath("events/2024/b.yaml")]


def test_changed_files_from_a_subfolder_and_with_odd_names(upstream, monkeypatch):
    repo = upstream
    repo.write("events/2024/[glob]*.yaml", "odd: 1\n")
    monkeypatch.chdir(repo.path / "docs")
    changed = gitrepo.changed_files("HEAD", [Path("../events")])
    assert [path.name for path in changed] == ["[glob]*.yaml"]


@pytest.mark.parametrize("ref", ["--output=/tmp/x", "", "no-such-branch", "main\nHEAD"])
def test_bad_refs_are_refused_with_a_hint(upstream, ref):
    with pytest.raises(GitError) as caught:
        gitrepo.changed_files(ref, [upstream.path / "events"])
    assert "reference" in str(caught.value)


def test_outside_a_repository(tmp_path):
    with pytest.raises(GitError, match="not inside a git repository"):
        Repo.at(tmp_path)


def test_tree_files_reads_a_ref_without_touching_the_work_tree(upstream):
    repo = upstream
    first = repo.git("rev-parse", "HEAD").strip()
    repo.write("events/2024/a.yaml", "a: changed\n")
    repo.commit("change", DAY2)
    (repo.path / "events/2024/b.yaml").write_text("b: dirty\n")
    files = dict(gitrepo.tree_files(first, repo.path / "events"))
    assert files == {
        PurePosixPath("2024/a.yaml"): b"a: 1\n",
        PurePosixPath("2024/b.yaml"): b"b: 1\n",
        PurePosixPath("actors.yaml"): b"x: 1\n",
    }
    assert (repo.path / "events/2024/b.yaml").read_text() == "b: dirty\n"
    assert Repo.at(repo.path).show(first, repo.path / "events/2024/a.yaml") == b"a: 1\n"
    assert Repo.at(repo.path).show(first, repo.path / "events/2024/none.yaml") is None


def test_tree_files_skips_symbolic_links(upstream):
    repo = upstream
    (repo.path / "events/2024/link.yaml").symlink_to("/etc/passwd")
    repo.commit("a link", DAY2)
    names = {path.name for path, _ in gitrepo.tree_files("HEAD", repo.path / "events")}
    assert "link.yaml" not in names


def test_export_tree(upstream, tmp_path):
    count = gitrepo.export_tree("HEAD", upstream.path / "events", tmp_path / "copy")
    assert count == 3
    assert (tmp_path / "copy/2024/a.yaml").read_text() == "a: 1\n"


def test_histories_in_one_pass_follow_renames(upstream):
    repo = upstream
    repo.write("events/2024/b.yaml", "b: 2\n")
    repo.commit("edit b", DAY2)
    repo.git("mv", "events/2024/a.yaml", "events/2024/a2.yaml")
    repo.commit("rename a", DAY3)
    repo.write("events/2024/new.yaml", "n: 1\n")
    repo.git("add", "events/2024/new.yaml")  # staged, never committed

    found = gitrepo.histories(repo.path / "events")

    root = repo.path.resolve()
    a2 = found[root / "events/2024/a2.yaml"]
    assert (a2.first_added, a2.last_changed, a2.available) == (
        dt.date(2024, 11, 1),
        dt.date(2024, 11, 9),
        True,
    )
    assert a2.path == "events/2024/a2.yaml"
    b = found[root / "events/2024/b.yaml"]
    assert (b.first_added, b.last_changed) == (dt.date(2024, 11, 1), dt.date(2024, 11, 5))
    assert b.first_commit != b.last_commit
    new = found[root / "events/2024/new.yaml"]
    assert (new.available, new.first_added, new.note) == (False, None, "not committed yet")
    assert root / "docs/index.md" not in found


def test_single_file_history_follows_renames_across_folders(upstream):
    repo = upstream
    repo.git("mv", "events/2024/a.yaml", "events/a-moved.yaml")
    repo.commit("move", DAY3)
    one = gitrepo.history(repo.path / "events/a-moved.yaml")
    assert (one.first_added, one.last_changed) == (dt.date(2024, 11, 1), dt.date(2024, 11, 9))


def test_history_urls(upstream):
    one = gitrepo.history(upstream.path / "events/2024/a.yaml")
    assert one.history_url("https://github.com/o/r/") == (
        "https://github.com/o/r/commits/main/events/2024/a.yaml"
    )
    assert one.commit_url("https://github.com/o/r") == (
        f"https://github.com/o/r/commit/{one.last_commit}"
    )


def test_history_of_a_repository_without_commits(make_repo):
    repo = make_repo("empty")
    repo.write("events/a.yaml", "a: 1\n")
    repo.git("add", "-A")
    found = gitrepo.histories(repo.path / "events")
    assert [h.note for h in found.values()] == ["not committed yet"]


@pytest.fixture
def shallow(upstream, tmp_path):
    """A depth-1 clone of upstream after two more commits (what actions/checkout gives)."""
    upstream.write("events/2024/b.yaml", "b: 2\n")
    upstream.commit("edit b", DAY2)
    upstream.write("events/2024/a.yaml", "a: 2\n")
    upstream.commit("edit a", DAY3)
    clone = tmp_path / "clone"
    upstream.git("clone", "-q", "--depth", "1", f"file://{upstream.path}", str(clone))
    return clone


def test_shallow_clone_without_fetching_says_history_is_unavailable(shallow):
    assert Repo.at(shallow).is_shallow()
    found = gitrepo.histories(shallow / "events")
    for item in found.values():
        assert not item.available
        assert item.first_added is None
        assert "shallow" in item.note
    assert Repo.at(shallow).is_shallow()  # nothing was fetched


def test_shallow_clone_fetches_its_history_when_allowed(shallow, monkeypatch):
    monkeypatch.setenv(gitrepo.FETCH_ENV, "1")
    found = gitrepo.histories(shallow / "events")
    b = found[shallow.resolve() / "events/2024/b.yaml"]
    assert (b.available, b.first_added, b.last_changed) == (
        True,
        dt.date(2024, 11, 1),
        dt.date(2024, 11, 5),
    )
    assert not Repo.at(shallow).is_shallow()


def test_shallow_clone_keeps_last_changed_for_recent_files(upstream, tmp_path):
    upstream.write("events/2024/b.yaml", "b: 2\n")
    upstream.commit("edit b", DAY2)
    upstream.write("events/2024/a.yaml", "a: 2\n")
    upstream.commit("edit a", DAY3)
    clone = tmp_path / "clone2"
    upstream.git("clone", "-q", "--depth", "2", f"file://{upstream.path}", str(clone))
    found = gitrepo.histories(clone / "events", fetch=False)
    a = found[clone.resolve() / "events/2024/a.yaml"]
    assert (a.available, a.first_added, a.last_changed) == (False, None, dt.date(2024, 11, 9))
    b = found[clone.resolve() / "events/2024/b.yaml"]
    assert (b.available, b.last_changed) == (False, None)


def test_changed_files_in_a_shallow_clone(upstream, tmp_path):
    """A PR checkout with depth 1: deepen to find the merge base when allowed; otherwise
    compare with the ref itself, which lists more files, never fewer."""
    upstream.git("checkout", "-q", "-b", "feature")
    for day in range(3):
        upstream.write(f"events/2024/f{day}.yaml", f"f: {day}\n")
        upstream.commit(f"feature {day}", DAY2)
    upstream.git("checkout", "-q", "main")
    upstream.write("events/2024/b.yaml", "b: changed on main\n")
    upstream.commit("main moves", DAY3)
    clone = tmp_path / "pr"
    upstream.git(
        "clone", "-q", "--depth", "1", "--branch", "feature", f"file://{upstream.path}", str(clone)
    )
    upstream.git(
        "-C", str(clone), "fetch", "-q", "--depth", "1", "origin", "main:refs/remotes/origin/main"
    )
    names = {path.name for path in gitrepo.changed_files("origin/main", [clone / "events"])}
    assert names == {"f0.yaml", "f1.yaml", "f2.yaml", "b.yaml"}
    fetched = gitrepo.changed_files("origin/main", [clone / "events"], fetch=True)
    assert {path.name for path in fetched} == {"f0.yaml", "f1.yaml", "f2.yaml"}


def test_differing_files_compare_with_the_ref_itself(upstream):
    repo = upstream
    repo.write("events/2024/a.yaml", "a: 2\n")
    repo.commit("edit a", DAY2)
    (repo.path / "events/2024/b.yaml").unlink()
    repo.write("events/2024/new.yaml", "n: 1\n")
    differing = gitrepo.differing_files("HEAD~1", repo.path / "events")
    assert differing == {
        PurePosixPath("2024/a.yaml"),
        PurePosixPath("2024/b.yaml"),
        PurePosixPath("2024/new.yaml"),
    }
    only = {PurePosixPath("2024/b.yaml"), PurePosixPath("2024/new.yaml")}
    assert dict(gitrepo.tree_files("HEAD~1", repo.path / "events", only)) == {
        PurePosixPath("2024/b.yaml"): b"b: 1\n"
    }
