"""`timeline fmt`, `dump_event` and `dump_registry`: canonical YAML that never loses anything."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path, PurePosixPath

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, REPO, VALID_STORE, event_yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.cli import main
from generator.formatting import (
    dump_event,
    dump_registry,
    format_bytes,
    same_data,
    write_atomically,
)
from generator.loader import load_bytes

EVENT = PurePosixPath("events/2024/2024-11-17-x.yaml")
MODELINE = "# yaml-language-server: $schema=../../schema/event.schema.json"
SUITE = REPO.parent / "shared" / "data" / "yaml-test-suite"


def fmt(text: str, relative: PurePosixPath = EVENT) -> str:
    result = format_bytes(text.encode("utf-8"), "x.yaml", relative)
    assert result.problems == []
    assert result.after is not None
    return result.after


def test_keys_follow_the_models_and_comments_move_with_their_key():
    source = (
        "# A note on the whole file\n"
        "\n"
        "title: US allows ATACMS strikes   # the headline\n"
        "# why reported and not confirmed\n"
        "status: reported\n"
        "sources:\n"
        "  # the first report\n"
        "  - url: https://example.org/a  # eol url\n"
        "    publisher: Example News\n"
        "date:\n"
        "  end: 2024-12  # eol end\n"
        "  # about the start\n"
        "  start: 2024-11\n"
        "  # closes the date\n"
        "# about the summary\n"
        "summary: Something happened.\n"
        "zz_unknown: kept\n"
        "actors: [b, a]\n"
        "# closing comment\n"
    )
    assert fmt(source) == (
        f"{MODELINE}\n"
        "# A note on the whole file\n"
        "\n"
        "title: US allows ATACMS strikes   # the headline\n"
        "date:\n"
        "  # about the start\n"
        "  start: 2024-11\n"
        "  end: 2024-12  # eol end\n"
        "  # closes the date\n"
        "# why reported and not confirmed\n"
        "status: reported\n"
        "# about the summary\n"
        "summary: Something happened.\n"
        "actors: [b, a]\n"
        "sources:\n"
        "  # the first report\n"
        "  - publisher: Example News\n"
        "    url: https://example.org/a  # eol url\n"
        "zz_unknown: kept\n"
        "# closing comment\n"
    )


@pytest.mark.parametrize(
    ("line", "note"),
    [
        ("date: 2024-11-17", "a date stays as written, unquoted"),
        ("date: 2024-1-5", "a non-date is never 'corrected' into 2024-01-05"),
        ("date: '2024-11-17'", "quotes are kept"),
        ('title: "12000"', "a string that looks like a number stays quoted"),
        ("title: yes", "YAML 1.2: yes is text and stays plain"),
        ("value: 0x1F", "number notation is kept"),
        ("value: 1.50", "trailing zeros are kept"),
    ],
)
def test_scalars_are_kept_exactly(line: str, note: str):
    assert line in fmt(f"{line}\n").splitlines(), note


def test_modeline_is_added_replaced_and_first():
    assert fmt("title: x\n").startswith(MODELINE + "\ntitle: x")
    stale = "# yaml-language-server: $schema=old.json\n\n# kept\ntitle: x\n"
    assert fmt(stale) == f"{MODELINE}\n# kept\ntitle: x\n"
    registry = fmt("b:\n  name: B\n", PurePosixPath("events/actors.yaml"))
    assert registry.startswith("# yaml-language-server: $schema=../schema/actors.schema.json\n")


def test_exactly_one_final_newline_and_no_trailing_spaces():
    assert fmt("title: x\n\n\n\n").endswith("title: x\n")
    long = "word " * 40
    text = fmt(f"summary: {long.strip()}\n")
    assert all(line == line.rstrip() for line in text.splitlines())
    assert same_data(text, {"summary": long.strip()})


def test_registry_ids_are_sorted_and_entries_ordered():
    source = (
        "# Actors\n"
        "zelensky:\n"
        "  kind: person\n"
        "  name: Volodymyr Zelensky\n"
        "# a state\n"
        "ukraine:\n"
        "  name: Ukraine\n"
        "  kind: state\n"
    )
    assert fmt(source, PurePosixPath("events/actors.yaml")) == (
        "# yaml-language-server: $schema=../schema/actors.schema.json\n"
        "# Actors\n"
        "# a state\n"
        "ukraine:\n"
        "  name: Ukraine\n"
        "  kind: state\n"
        "zelensky:\n"
        "  name: Volodymyr Zelensky\n"
        "  kind: person\n"
    )


def _store_files() -> list[Path]:
    files = sorted(VALID_STORE.rglob("*.yaml"))
    files += sorted((REPO / "events").rglob("*.yaml"))
    return files


@pytest.mark.parametrize("path", _store_files(), ids=lambda path: str(path.relative_to(REPO)))
def test_formatting_real_files_keeps_data_and_is_idempotent(path: Path):
    relative = PurePosixPath("events", *path.parts[-2 if path.parent.name.isdigit() else -1 :])
    raw = path.read_bytes()
    once = format_bytes(raw, path.name, relative)
    assert once.problems == []
    assert once.after is not None
    assert same_data(once.after, load_bytes(raw, "x").document.data)
    assert fmt(once.after, relative) == once.after
    comments = [line.strip() for line in raw.decode().splitlines() if line.lstrip().startswith("#")]
    kept = once.after.splitlines()
    for comment in comments:
        if "yaml-language-server" not in comment:
            assert any(line.strip() == comment for line in kept), comment


def _hostile_inputs() -> list[Path]:
    files = sorted((FIXTURES / "invalid").rglob("*.yaml")) + sorted(
        FIXTURES.rglob("hostile/**/*.yaml")
    )
    if SUITE.is_dir():
        files += sorted(SUITE.glob("*/in.yaml"))
    return files


def test_hostile_inputs_are_reported_or_formatted_never_crash():
    checked = 0
    for path in _hostile_inputs():
        raw = path.read_bytes()
        result = format_bytes(raw, "x.yaml", EVENT)
        checked += 1
        if result.after is None:
            assert result.problems, path
            assert all(problem.line >= 1 and problem.column >= 1 for problem in result.problems)
        else:
            assert result.problems == []
            assert same_data(result.after, load_bytes(raw, "x").document.data), path
            assert fmt(result.after) == result.after, path
    assert checked > 50


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        ("a: &x 1\nb: *x\n", "yaml_alias"),
        ("title: !!python/object:os.system echo\n", "yaml_tag"),
        ("a: 1\n---\nb: 2\n", "multiple_documents"),
        ("a: 1\na: 2\n", "duplicate_key"),
        ("title: [unclosed\n", "yaml_syntax"),
    ],
)
def test_unsafe_yaml_never_reaches_the_round_trip_loader(source: str, kind: str):
    result = format_bytes(source.encode(), "x.yaml", EVENT)
    assert result.after is None
    assert kind in {problem.kind for problem in result.problems}


# --- the command ---------------------------------------------------------------------------


def test_fmt_check_then_fmt_then_check(store: Path):
    path = store / "2024" / "2024-11-17-unordered.yaml"
    path.write_text(
        "status: confirmed\n" + event_yaml(date="2024-11-17").replace("status: confirmed\n", "")
    )
    runner = CliRunner()
    first = runner.invoke(main, ["fmt", "--check"])
    assert first.exit_code == 1
    assert "would reformat events/2024/2024-11-17-unordered.yaml" in first.output
    assert "    +status: confirmed" in first.output
    assert path.read_text().startswith("status: confirmed")  # --check changes nothing
    second = runner.invoke(main, ["fmt"])
    assert second.exit_code == 0, second.output
    assert "reformatted events/2024/2024-11-17-unordered.yaml" in second.output
    third = runner.invoke(main, ["fmt", "--check"])
    assert third.exit_code == 0, third.output
    assert third.output.endswith("0 files would be reformatted, " + third.output.split(", ")[-1])
    assert runner.invoke(main, ["validate"]).exit_code == 0


def test_fmt_reports_unsafe_files_and_leaves_them_alone(store: Path):
    bad = store / "2024" / "2024-05-01-alias.yaml"
    bad.write_text("title: &t x\nsummary: *t\n")
    result = CliRunner().invoke(main, ["fmt", "events/2024/2024-05-01-alias.yaml"])
    assert result.exit_code == 1
    assert result.output.splitlines()[0].startswith("events/2024/2024-05-01-alias.yaml:1:8: ")
    assert "[yaml_alias]" in result.output
    assert (
        result.output.splitlines()[-1]
        == "0 files reformatted, 0 unchanged, 1 skipped with problems"
    )
    assert bad.read_text() == "title: &t x\nsummary: *t\n"


def test_fmt_refuses_paths_outside_the_store(store: Path, tmp_path: Path):
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text("title: x\n")
    result = CliRunner().invoke(main, ["fmt", str(outside)])
    assert result.exit_code == 2
    assert "is not inside the events folder" in result.output


def test_write_atomically_keeps_the_mode_and_refuses_to_overwrite(tmp_path: Path):
    path = tmp_path / "a.yaml"
    path.write_text("old\n")
    os.chmod(path, 0o640)
    write_atomically(path, "new\n")
    assert path.read_text() == "new\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    with pytest.raises(FileExistsError):
        write_atomically(path, "newer\n", overwrite=False)
    assert path.read_text() == "new\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.yaml"]  # no temporary file left


# --- dumping plain data --------------------------------------------------------------------

IMPORTED = {
    "sources": [{"url": "https://example.org/a", "publisher": "Example News"}],
    "summary": "A long summary " * 12 + "that ends here.",
    "title": "12000 troops: 'reported' — “quoted”",
    "date": {"start": "2024-11", "approximate": True},
    "status": "reported",
    "body": "First paragraph.\n\n- a list\n- of items\n",
    "figures": [{"unit": "troops", "value": 12000, "what": "troops"}],
}


def test_dump_event_is_canonical_and_loads_back_identically():
    text = dump_event(IMPORTED)
    assert text.startswith(MODELINE + "\ntitle: ")
    assert "summary: >-\n" in text
    assert "body: |\n" in text
    assert same_data(text, IMPORTED)
    assert fmt(text) == text
    keys = [line.split(":")[0] for line in text.splitlines() if line[:1].isalpha()]
    assert keys == ["title", "date", "status", "summary", "body", "figures", "sources"]


def test_dump_registry_sorts_ids():
    text = dump_registry(
        "tags",
        {
            "b-tag": {"description": "B.", "label": "B"},
            "a-tag": {"label": "A", "description": "A."},
        },
    )
    assert text == (
        "# yaml-language-server: $schema=../schema/tags.schema.json\n"
        "a-tag:\n  label: A\n  description: A.\n"
        "b-tag:\n  label: B\n  description: B.\n"
    )
    with pytest.raises(ValueError, match="unknown registry"):
        dump_registry("people", {})


@settings(max_examples=60, deadline=None)
@given(
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc"), whitelist_characters="\n\t"),
        min_size=1,
        max_size=200,
    )
)
def test_dump_event_round_trips_any_text(text: str):
    data = {"title": text, "summary": text, "sources": [{"publisher": text}]}
    try:
        dumped = dump_event(data)
    except ValueError:
        # Refused rather than written wrongly: only for characters the loader forbids anyway.
        assert load_bytes(json.dumps(text, ensure_ascii=False).encode(), "x").problems
        return
    assert same_data(dumped, data)


def test_byte_order_mark_and_windows_line_endings_are_normalised():
    raw = b"\xef\xbb\xbftitle: x  # note\r\n# about the date\r\ndate: 2024-11-17\r\n"
    result = format_bytes(raw, "x.yaml", EVENT)
    assert result.changed
    assert result.after == f"{MODELINE}\ntitle: x  # note\n# about the date\ndate: 2024-11-17\n"
