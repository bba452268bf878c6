"""`timeline validate`: exit codes, exact output in the three formats, PATHS and options."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import event_yaml

from generator.cli import main
from generator.diagnostics import Problem

TODAY = ["--today", "2026-11-25"]


def _run(*args: str, env: dict[str, str] | None = None) -> Result:
    environment = {"GITHUB_ACTIONS": "false", **(env or {})}
    return CliRunner().invoke(main, ["validate", *args], env=environment)


@pytest.fixture
def broken(store: Path, write_event) -> Path:
    """The valid store plus two broken events."""
    write_event(
        "2024/2024-11-20-typos.yaml",
        "title: Typos\n"
        "date: 2024-11-20\n"
        "status: reportd\n"
        "summary: Something happened.\n"
        "sources:\n"
        "  - publisher: Example News\n"
        "    url: javascript:alert(1)\n"
        "figures:\n"
        '  - value: "12000"\n'
        "    unit: troops\n"
        "    what: troops\n"
        "titel: x\n",
    )
    write_event(
        "2024/2024-11-21-unknown-actor.yaml", event_yaml("2024-11-21", extra="actors: [ukriane]\n")
    )
    return store


BROKEN_LINES = [
    "events/2024/2024-11-20-typos.yaml:3:9: status: 'reportd' is not allowed; use one of "
    "'confirmed', 'reported', 'claimed', 'disputed' or 'denied' [not_allowed]",
    "events/2024/2024-11-20-typos.yaml:7:10: sources[0].url: must start with https:// or "
    "http:// [url_scheme]",
    "events/2024/2024-11-20-typos.yaml:9:12: figures[0].value: must be a number (write 12000, "
    'not "12000") [number]',
    "events/2024/2024-11-20-typos.yaml:12:1: titel: unknown key 'titel'; did you mean "
    "'title'? [unknown_key]",
    "events/2024/2024-11-21-unknown-actor.yaml:8:10: actors[0]: unknown actor 'ukriane'; did "
    "you mean 'ukraine'? [unknown_actor]",
]


def test_a_valid_store(store: Path) -> None:
    result = _run(*TODAY)
    assert result.exit_code == 0
    assert result.stdout == "11 files valid\n"


def test_problems_exit_1_with_one_line_each(broken: Path) -> None:
    result = _run(*TODAY)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [*BROKEN_LINES, "5 problems in 2 of 13 files"]


def test_one_problem_is_singular(store: Path, write_event) -> None:
    write_event("2024/2024-05-01-x.yaml", event_yaml(extra="colour: red\n"))
    result = _run(*TODAY)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[-1] == "1 problem in 1 of 12 files"


def test_warnings_alone_exit_0(store: Path, write_event) -> None:
    write_event(
        "2024/2024-08-06-again.yaml",
        event_yaml("2024-08-06", title='"Ukrainian forces enter Russia\'s Kursk Oblast"'),
    )
    result = _run(*TODAY)
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        # Reported at the file that comes second in path order.
        "events/2024/2024-08-06-ukraine-enters-kursk-oblast.yaml:1:1: warning: title: same "
        "date and title as events/2024/2024-08-06-again.yaml: is it the same event? "
        "[possible_duplicate]",
        "12 files valid (1 warning)",
    ]


def test_today_decides_what_is_in_the_future(store: Path, write_event) -> None:
    write_event("2026/2026-11-26-tomorrow.yaml")
    result = _run(*TODAY)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "events/2026/2026-11-26-tomorrow.yaml:2:7: date: 2026-11-26 is in the future (today is "
        "2026-11-25): record events once they have happened [future_date]",
        "1 problem in 1 of 12 files",
    ]
    assert _run("--today", "2026-11-26").exit_code == 0


# --- Formats ---------------------------------------------------------------------------------


def test_github_format(broken: Path) -> None:
    result = _run(*TODAY, "--format", "github")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "::error file=events/2024/2024-11-20-typos.yaml,line=3,col=9,title=timeline%3A "
        "not_allowed::status: 'reportd' is not allowed; use one of 'confirmed', 'reported', "
        "'claimed', 'disputed' or 'denied'"
    )
    assert lines[-1] == "5 problems in 2 of 13 files"
    assert all(line.startswith("::error file=") for line in lines[:-1])


def test_github_is_the_default_under_github_actions(broken: Path) -> None:
    result = _run(*TODAY, env={"GITHUB_ACTIONS": "true"})
    assert result.stdout.startswith("::error file=events/2024/2024-11-20-typos.yaml,line=3,")
    text = _run(*TODAY, "--format", "text", env={"GITHUB_ACTIONS": "true"})
    assert text.stdout.splitlines()[:-1] == BROKEN_LINES


def test_github_escapes_properties_and_data(store: Path) -> None:
    """`%`, CR and LF everywhere; `:` and `,` too in properties (file names can hold them).

    Control characters in a file name are already shown escaped (`\\r\\n`) by the store, so
    the text output stays one line per problem too.
    """
    (store / "2024" / "50%,a:b\r\n.yaml").write_text("title: x\n")
    result = _run(*TODAY, "--format", "github")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        "::error file=events/2024/50%25%2Ca%3Ab\\r\\n.yaml,line=1,col=1,title=timeline%3A "
        "file_name::file name '50%25,a:b\\r\\n.yaml' must be <date>-<words-joined-by-hyphens>"
        ".yaml, in lower case, like 2024-11-17-us-authorises-atacms.yaml"
    )


def test_github_escaping_of_every_field() -> None:
    problem = Problem("a,b:%\r\n.yaml", 3, 9, "x:y", "100% sure,\r\nnext: line", "kind", "warning")
    assert problem.as_github() == (
        "::warning file=a%2Cb%3A%25%0D%0A.yaml,line=3,col=9,title=timeline%3A kind::"
        "x:y: 100%25 sure,%0D%0Anext: line"
    )


def test_json_format(broken: Path) -> None:
    result = _run(*TODAY, "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["files_checked"] == 13
    assert report["summary"] == "5 problems in 2 of 13 files"
    assert report["problems"][0] == {
        "file": "events/2024/2024-11-20-typos.yaml",
        "line": 3,
        "column": 9,
        "where": "status",
        "message": "'reportd' is not allowed; use one of 'confirmed', 'reported', 'claimed', "
        "'disputed' or 'denied'",
        "kind": "not_allowed",
        "severity": "error",
    }
    assert [p["kind"] for p in report["problems"]] == [
        "not_allowed",
        "url_scheme",
        "number",
        "unknown_key",
        "unknown_actor",
    ]


def test_json_of_a_valid_store(store: Path) -> None:
    result = _run(*TODAY, "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {
        "files_checked": 11,
        "problems": [],
        "summary": "11 files valid",
    }


# --- PATHS -----------------------------------------------------------------------------------


def test_paths_limit_the_report(broken: Path) -> None:
    result = _run(*TODAY, "events/2024/2024-11-21-unknown-actor.yaml")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [BROKEN_LINES[-1], "1 problem in 1 of 1 files"]
    valid = _run(*TODAY, "events/2024/2024-11-17-us-authorises-atacms.yaml", "events/2021")
    assert valid.exit_code == 0
    assert valid.stdout == "2 files valid\n"
    folder = _run(*TODAY, "events/2024")
    assert folder.exit_code == 1
    assert folder.stdout.splitlines()[-1] == "5 problems in 2 of 9 files"
    everything = _run(*TODAY, "events")
    assert everything.stdout.splitlines()[-1] == "5 problems in 2 of 13 files"


def test_paths_still_use_the_whole_store_for_references(store: Path) -> None:
    """Checking one file still resolves its references against every other file."""
    result = _run(*TODAY, "events/2024/2024-11-18-putin-warns-nato.yaml")
    assert result.exit_code == 0
    (store / "2024" / "2024-11-17-us-authorises-atacms.yaml").unlink()
    result = _run(*TODAY, "events/2024/2024-11-18-putin-warns-nato.yaml")
    assert result.exit_code == 1
    assert "[unknown_event]" in result.stdout


def test_a_path_outside_the_events_folder_is_a_usage_error(store: Path, tmp_path: Path) -> None:
    (tmp_path / "elsewhere.yaml").write_text("title: x\n")
    result = _run(*TODAY, "elsewhere.yaml")
    assert result.exit_code == 2
    assert "elsewhere.yaml is not inside the events folder events" in result.stderr
    assert result.stdout == ""
    sneaky = _run(*TODAY, "events/../elsewhere.yaml")
    assert sneaky.exit_code == 2
    assert "is not inside the events folder" in sneaky.stderr


def test_a_missing_path_is_a_usage_error(store: Path) -> None:
    result = _run(*TODAY, "events/2024/2024-01-01-nothing.yaml")
    assert result.exit_code == 2
    assert "events/2024/2024-01-01-nothing.yaml does not exist" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--events", "nowhere"], "no events folder at nowhere (use --events DIR)"),
        (["--today", "25.11.2026"], "write the date as YYYY-MM-DD"),
        (["--format", "xml"], "'xml' is not one of 'text', 'github', 'json'"),
        (["--jobs", "0"], "0 is not in the range x>=1"),
    ],
)
def test_usage_errors_exit_2(store: Path, args: list[str], message: str) -> None:
    result = _run(*args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_events_option(store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path.parent)
    result = _run(*TODAY, "--events", str(store))
    assert result.exit_code == 0
    assert result.stdout == "11 files valid\n"


# --- Cache -----------------------------------------------------------------------------------


def test_no_cache(store: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    env = {"TIMELINE_CACHE_DIR": str(cache)}
    assert _run(*TODAY, "--no-cache", env=env).exit_code == 0
    assert not cache.exists()
    assert _run(*TODAY, env=env).exit_code == 0
    assert len(list(cache.glob("validate-*.sqlite"))) == 1
    # With a cache in place, --no-cache still sees a change made since.
    path = store / "2024" / "2024-11-17-us-authorises-atacms.yaml"
    path.write_text(path.read_text().replace("status: reported", "status: reportd"))
    result = _run(*TODAY, "--no-cache", env=env)
    assert result.exit_code == 1


def test_help_has_an_example() -> None:
    result = CliRunner().invoke(main, ["validate", "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.stdout
    assert "--no-cache" in result.stdout
