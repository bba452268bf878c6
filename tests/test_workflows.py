"""The GitHub workflows, pre-commit hooks and contributor templates: safe, and runnable.

The workflow files are parsed (they are ours, so ruamel's safe loader is fine) and checked for
the properties that keep CI safe: actions pinned to full commit SHAs, least-privilege
permissions, no pull_request_target, the link check never on pull requests. Every command a
workflow or hook calls must exist, and the pull-request workflow's own `run:` scripts are run
in a real git repository exactly as the runner would run them.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import click
import pytest
from conftest import REPO, GitRepo, event_yaml
from mkdocs.__main__ import cli as mkdocs_cli
from ruamel.yaml import YAML

from generator.cli import main

WORKFLOWS = REPO / ".github" / "workflows"
WORKFLOW_FILES = sorted(WORKFLOWS.glob("*.yml"))
PINNED = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}$")
VERSION_COMMENT = re.compile(r"uses:\s*\S+@[0-9a-f]{40} # v\d+\.\d+\.\d+$")
OPERATORS = {"|", "||", "&&", ";", "&"}
REDIRECTS = {">", ">>", "<", "2>", "2>>"}
#: GitHub's default shell for `run:` on Linux runners.
RUNNER_SHELL = ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c"]
BIN = Path(sys.executable).parent


def _load(path: Path):
    return YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))


def _jobs(path: Path):
    return _load(path)["jobs"].items()


def _steps(path: Path):
    for _name, job in _jobs(path):
        yield from job.get("steps", [])


def _commands(script: str) -> list[list[str]]:
    """The simple commands of a shell script: words, without operators and redirections."""
    lexer = shlex.shlex(script.replace("\\\n", " "), posix=True, punctuation_chars=";&|<>")
    lexer.whitespace = " \t"
    lexer.wordchars += "$:,{}@%+[]"
    commands: list[list[str]] = [[]]
    skip_next = False
    for token in lexer:
        if skip_next:
            skip_next = False
        elif token in REDIRECTS:
            skip_next = True
        elif token in OPERATORS or token == "\n":
            commands.append([])
        else:
            commands[-1].append(token)
    return [words for words in commands if words]


def _run_scripts(path: Path) -> list[str]:
    return [step["run"] for step in _steps(path) if "run" in step]


def test_there_are_the_three_workflows():
    assert [path.name for path in WORKFLOW_FILES] == ["links.yml", "pages.yml", "pr.yml"]


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda path: path.name)
def test_actions_are_pinned_to_commit_shas(path):
    uses = [step["uses"] for step in _steps(path) if "uses" in step]
    uses += [job["uses"] for _name, job in _jobs(path) if "uses" in job]
    assert uses
    for action in uses:
        assert PINNED.match(action), f"{path.name}: {action} is not pinned to a full commit SHA"
    lines = [line.strip() for line in path.read_text().splitlines() if "uses:" in line]
    for line in lines:
        assert VERSION_COMMENT.search(line), f"{path.name}: say the version: {line}"


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda path: path.name)
def test_permissions_are_least_privilege(path):
    workflow = _load(path)
    assert workflow["permissions"] in ({}, {"contents": "read"})
    for name, job in _jobs(path):
        assert "permissions" in job, f"{path.name}: job {name} must declare its permissions"
        granted = job["permissions"]
        writes = {scope for scope, level in granted.items() if level == "write"}
        if (path.name, name) == ("pages.yml", "deploy"):
            assert granted == {"pages": "write", "id-token": "write"}
        else:
            assert not writes, f"{path.name}: job {name} may not write {sorted(writes)}"


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda path: path.name)
def test_no_pull_request_target_and_safe_checkouts(path):
    workflow = _load(path)
    assert "pull_request_target" not in workflow["on"]
    code = [line for line in path.read_text().splitlines() if not line.lstrip().startswith("#")]
    assert "pull_request_target" not in "\n".join(code)
    assert "concurrency" in workflow
    for name, job in _jobs(path):
        assert 0 < job["timeout-minutes"] <= 60, f"{path.name}: job {name} needs a timeout"
    for step in _steps(path):
        if step.get("uses", "").startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False
        # Expressions pasted into a script are an injection risk; use GitHub's variables.
        assert "${{" not in step.get("run", "")


def test_link_check_never_runs_on_pull_requests():
    workflow = _load(WORKFLOWS / "links.yml")
    assert set(workflow["on"]) == {"schedule", "workflow_dispatch"}
    for _name, job in _jobs(WORKFLOWS / "links.yml"):
        assert "github.event_name != 'pull_request'" in job["if"]
    scripts = " ".join(_run_scripts(WORKFLOWS / "links.yml"))
    assert "timeline check-links" in scripts
    assert "--strict" not in scripts  # dead links are a report, not a failure
    assert "$GITHUB_STEP_SUMMARY" in scripts


def test_pull_request_workflow_does_what_the_contributors_guide_says():
    workflow = _load(WORKFLOWS / "pr.yml")
    assert set(workflow["on"]) == {"pull_request"}
    scripts = "\n".join(_run_scripts(WORKFLOWS / "pr.yml"))
    for expected in (
        "timeline validate --format github --changed-since",
        "timeline fmt --check",
        "bash scripts/test.sh",
        "mkdocs build --strict",
        'timeline diff "origin/$GITHUB_BASE_REF" --format markdown >> "$GITHUB_STEP_SUMMARY"',
    ):
        assert expected in scripts
    uploads = [s for s in _steps(WORKFLOWS / "pr.yml") if "upload-artifact" in s.get("uses", "")]
    assert uploads[0]["with"]["path"] == "site/"
    for step in _steps(WORKFLOWS / "pr.yml"):
        if step.get("uses", "").startswith("actions/checkout@"):
            assert step["with"]["fetch-depth"] == 0  # the base branch for --changed-since
        if step.get("uses", "").startswith("actions/setup-python@"):
            assert step["with"]["python-version"] == "3.11"


def test_pages_deploys_only_from_main():
    workflow = _load(WORKFLOWS / "pages.yml")
    assert workflow["on"]["push"] == {"branches": ["main"]}
    jobs = dict(_jobs(WORKFLOWS / "pages.yml"))
    assert jobs["deploy"]["needs"] == "build"
    assert jobs["deploy"]["environment"]["name"] == "github-pages"


def _check_command(words: list[str], where: str) -> None:
    """Fail unless `words` is a command that exists and accepts these arguments."""
    program, *args = words
    if program == "timeline":
        group: click.Group = main
    elif program == "mkdocs":
        group = mkdocs_cli
    elif program == "bash":
        if not (REPO / args[0]).is_file():
            pytest.fail(f"{where}: {args[0]} does not exist")
        return
    elif program == "python" and args[:3] == ["-m", "pip", "install"]:
        return
    else:
        pytest.fail(f"{where}: unexpected command {program!r}; teach this test about it")
    command = group.commands.get(args[0]) if args else None
    if command is None:
        pytest.fail(f"{where}: `{program} {' '.join(args[:1])}` does not exist")
    _parses(command, args, where)


def _parses(command: click.Command, args: list[str], where: str) -> None:
    try:
        command.make_context(args[0], args[1:])
    except click.UsageError as error:
        pytest.fail(f"{where}: `{' '.join(args)}`: {error.format_message()}")


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda path: path.name)
def test_workflows_call_commands_that_exist(path):
    for script in _run_scripts(path):
        for words in _commands(script):
            _check_command(words, path.name)


def test_command_parser_sees_every_command():
    script = 'timeline diff "origin/$X" --format markdown >> "$GITHUB_STEP_SUMMARY"\nbash a.sh'
    assert _commands(script) == [
        ["timeline", "diff", "origin/$X", "--format", "markdown"],
        ["bash", "a.sh"],
    ]
    with pytest.raises(pytest.fail.Exception, match="`timeline nope` does not exist"):
        _check_command(["timeline", "nope"], "test")
    with pytest.raises(pytest.fail.Exception, match="No such option '--nope'"):
        _check_command(["timeline", "diff", "main", "--nope"], "test")


# --- pre-commit ------------------------------------------------------------------------------


def test_pre_commit_hooks_for_other_repositories():
    hooks = {hook["id"]: hook for hook in _load(REPO / ".pre-commit-hooks.yaml")}
    assert set(hooks) == {"timeline-validate", "timeline-fmt"}
    assert hooks["timeline-validate"]["entry"] == "timeline validate"
    assert hooks["timeline-fmt"]["entry"] == "timeline fmt"
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["pass_filenames"] is True
        _check_command(shlex.split(hook["entry"]) + ["events/2024/x.yaml"], hook["id"])
        files = re.compile(hook["files"])
        assert files.search("events/2024/2024-11-17-us-authorises-atacms.yaml")
        assert files.search("events/actors.yml")
        assert not files.search("docs/index.md")
        assert not files.search("mkdocs.yml")


def test_pre_commit_config_for_this_repository():
    config = _load(REPO / ".pre-commit-config.yaml")
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    assert {"ruff-check", "ruff-format", "timeline-fmt", "timeline-validate"} <= set(hooks)
    for hook_id in ("timeline-fmt", "timeline-validate"):
        _check_command(shlex.split(hooks[hook_id]["entry"]), hook_id)
        assert hooks[hook_id]["files"] == r"^events/.*\.ya?ml$"
    for hook_id in ("ruff-check", "ruff-format"):
        assert hooks[hook_id]["entry"].split()[0] == "ruff"
        assert hooks[hook_id]["additional_dependencies"][0].startswith("ruff==")


# --- Contributor templates -------------------------------------------------------------------


def test_issue_form_for_proposing_an_event():
    form = _load(REPO / ".github" / "ISSUE_TEMPLATE" / "propose-event.yml")
    assert {"name", "description", "body"} <= set(form)
    fields = {item.get("id"): item for item in form["body"]}
    for required in ("date", "title", "summary", "sources", "status"):
        assert fields[required]["validations"]["required"] is True, required
    assert {"actors", "places"} <= set(fields)
    rules = fields["rules"]
    assert rules["type"] == "checkboxes"
    assert all(option["required"] for option in rules["attributes"]["options"])
    assert fields["status"]["attributes"]["options"] == [
        "confirmed",
        "reported",
        "claimed",
        "disputed",
        "denied",
    ]


def test_pull_request_template_checklist():
    text = (REPO / ".github" / "pull_request_template.md").read_text(encoding="utf-8")
    items = [line for line in text.splitlines() if line.startswith("- [ ] ")]
    assert len(items) >= 5
    for phrase in ("One event per file", "timeline fmt", "timeline validate", "invented"):
        assert any(phrase in item for item in items), phrase
    assert any("status" in item for item in items)


# --- The pull-request workflow, run locally as CI runs it ------------------------------------


def _local_steps() -> list[dict]:
    """Steps of pr.yml whose scripts only call `timeline`: runnable in a test repository."""
    return [
        step
        for step in _steps(WORKFLOWS / "pr.yml")
        if "run" in step and all(words[0] == "timeline" for words in _commands(step["run"]))
    ]


def _ci_env(tmp_path: Path) -> dict[str, str]:
    summary = tmp_path / "step-summary.md"
    summary.touch()
    return {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "CI": "true",
        "GITHUB_ACTIONS": "true",
        "GITHUB_EVENT_NAME": "pull_request",
        "GITHUB_BASE_REF": "main",
        "GITHUB_STEP_SUMMARY": str(summary),
    }


def _timeline(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(BIN / "timeline"), *args], cwd=cwd, capture_output=True, text=True, check=False
    )


@pytest.fixture
def pull_request(store, make_repo, tmp_path):
    """A checkout like actions/checkout with fetch-depth 0: origin/main plus the PR's commit."""
    upstream = make_repo(".")
    formatted = _timeline(tmp_path, "fmt")
    assert formatted.returncode == 0, formatted.stdout + formatted.stderr
    upstream.commit("base store", "2024-11-01T12:00:00+00:00")
    checkout = tmp_path / "checkout"
    upstream.git("clone", "-q", f"file://{tmp_path}", str(checkout))
    pr = GitRepo(checkout)
    pr.git("checkout", "-q", "-b", "contributor/new-event")
    scholz = checkout / "events/2024/2024-11-19-scholz-refuses-taurus.yaml"
    scholz.write_text(scholz.read_text().replace("status: confirmed", "status: reported"))
    pr.write("events/2024/2024-11-21-new-event.yaml", event_yaml("2024-11-21", "A new event"))
    assert _timeline(checkout, "fmt").returncode == 0
    pr.commit("Add an event", "2024-11-21T12:00:00+00:00")
    return pr


def test_pull_request_steps_run_as_in_ci(pull_request, tmp_path):
    steps = _local_steps()
    scripts = "\n".join(step["run"] for step in steps)
    for needed in ("timeline validate", "timeline fmt --check", "timeline diff"):
        assert needed in scripts  # the test would be vacuous without them
    env = _ci_env(tmp_path)
    for step in steps:
        assert "${{" not in str(step.get("env", {}))
        done = subprocess.run(
            [*RUNNER_SHELL, step["run"]],
            cwd=pull_request.path,
            env={**env, **step.get("env", {})},
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, f"{step['name']}:\n{done.stdout}\n{done.stderr}"
    summary = Path(env["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8")
    assert summary.startswith("### Timeline changes since `origin/main`\n")
    assert "**1 event added, 1 changed**" in summary
    assert "`2024-11-21-new-event` · 2024-11-21 · A new event" in summary
    assert "  - `status`: confirmed → reported" in summary


def test_pull_request_with_a_broken_event_fails_with_annotations(pull_request, tmp_path):
    pull_request.write(
        "events/2024/2024-11-22-broken.yaml",
        "title: Broken\ndate: 2024-11-22\nstatus: reportd\nsummary: x.\n"
        "sources:\n  - publisher: P\n    url: https://example.org/x\n",
    )
    pull_request.commit("Add a broken event", "2024-11-22T12:00:00+00:00")
    env = _ci_env(tmp_path)
    (validate,) = [step for step in _local_steps() if "timeline validate" in step["run"]]
    done = subprocess.run(
        [*RUNNER_SHELL, validate["run"]],
        cwd=pull_request.path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "::error file=events/2024/2024-11-22-broken.yaml,line=3," in done.stdout
