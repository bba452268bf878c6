"""The docs are tested: every command has help and is documented, every schema field is
documented, and the generated parts of the contributing guide are right and stay so.

The published JSON Schemas are compared with the models in tests/test_schema.py
(`test_committed_schema_equals_the_models`); this file does not repeat that check.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import click
import markdown
import pytest
from click.testing import CliRunner
from conftest import REPO

from generator import docgen, models
from generator.cli import main
from generator.docgen import (
    ERROR_EXAMPLES,
    FRAGMENTS,
    check_examples,
    cli_reference,
    documented_fields,
    error_examples,
    fence,
    field_reference,
    fill_fragments,
)

DOCS = REPO / "docs"
COMMANDS = sorted(main.commands)
#: The kinds of problem the contributing guide must show with a fix (the issue's list).
REQUIRED_KINDS = {
    "unknown_key",
    "missing_key",
    "type",
    "not_allowed",
    "date",
    "date_range",
    "url_scheme",
    "raw_html",
    "unknown_actor",
    "file_name",
    "duplicate_key",
    "yaml_alias",
    "future_date",
}


def _hand_written(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _all_models() -> list[type]:
    """Every model of the schema, found in the module rather than from the Event tree."""
    return [
        value
        for value in vars(models).values()
        if isinstance(value, type)
        and issubclass(value, models.StrictModel)
        and value is not models.StrictModel
    ]


# --- The command line --------------------------------------------------------------------------


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_with_an_example(name):
    command = main.commands[name]
    assert command.help, f"timeline {name} has no docstring"
    assert re.search(r"^\s*Example:\s*$", command.help, re.M), f"timeline {name}: no Example:"
    result = CliRunner().invoke(main, [name, "--help"], prog_name="timeline")
    assert result.exit_code == 0, result.output
    assert f"Usage: timeline {name}" in result.output
    assert "Example:" in result.output


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_is_documented_by_hand(name):
    """docs/cli.md has a table row for it, and some page says what it is for."""
    rows = re.findall(r"^\| `timeline ([a-z-]+)` \|", _hand_written(DOCS / "cli.md"), re.M)
    assert name in rows, f"add a row for `timeline {name}` to docs/cli.md"
    elsewhere = [
        path.name
        for path in DOCS.glob("*.md")
        if path.name != "cli.md" and f"timeline {name}" in _hand_written(path)
    ]
    assert elsewhere or name in {"build", "export", "schema"}, name


def test_cli_reference_covers_every_command_and_option():
    reference = cli_reference()
    headings = re.findall(r"^### timeline ([a-z-]+) ", reference, re.M)
    assert headings == COMMANDS
    for name in COMMANDS:
        section = reference.split(f"### timeline {name} ", 1)[1].split("\n### ", 1)[0]
        for param in main.commands[name].params:
            if isinstance(param, click.Option):
                for opt in [*param.opts, *param.secondary_opts]:
                    assert opt in section, f"timeline {name}: {opt} is not in the reference"
            else:
                assert param.human_readable_name in section


def test_cli_page_asks_for_the_generated_reference():
    assert "<!-- timeline:cli -->" in _hand_written(DOCS / "cli.md")


# --- The schema --------------------------------------------------------------------------------


def test_every_field_of_every_model_is_documented():
    documented = documented_fields(field_reference())
    expected = {(model.__name__, field) for model in _all_models() for field in model.model_fields}
    assert expected, "no models found"
    assert expected <= documented, sorted(expected - documented)
    assert {model for model, _ in documented} == {model.__name__ for model in _all_models()}


def test_every_field_has_a_description():
    for model in _all_models():
        for name, info in model.model_fields.items():
            assert (info.description or "").strip(), f"{model.__name__}.{name} has no docstring"


def test_field_reference_escapes_cells_and_keeps_code_spans():
    assert docgen._prose('a <b> & `c<d>` "q"') == (
        "a &lt;b&gt; &amp; <code>c&lt;d&gt;</code> &quot;q&quot;"
    )
    assert docgen._prose("an ` unpaired <") == "an ` unpaired &lt;"
    reference = field_reference()
    # Every cell's text went through escaping: no tag but the ones the generator writes.
    tags = set(re.findall(r"</?([a-z0-9]+)", reference))
    assert tags <= {"p", "em", "code", "a", "table", "thead", "tbody", "tr", "th", "td"}


def test_field_reference_names_types_and_requirements():
    rows = dict(
        re.findall(
            r"<tr><td><code>([^<]+)</code></td><td>(.*?)</td>",
            field_reference().split("### EventDate")[0],
        )
    )
    assert rows["title"] == "one line of plain text (at most 120 characters)"
    assert rows["status"].startswith("one of <code>confirmed</code>")
    assert rows["figures"] == 'list of <a href="#fields-figure">Figure</a> mappings (at most 50)'
    assert "actor ids" in rows["actors"]


# --- Template and fences -----------------------------------------------------------------------


@pytest.mark.parametrize("text", ["plain", "a ``` inside", "````\nfour", "`x` and ``y``"])
def test_fence_cannot_be_closed_by_its_content(text):
    html = markdown.markdown(fence(text, "yaml") + "\n\nafter", extensions=["fenced_code"])
    code = html.split("</code></pre>")[0]
    assert "after" not in code
    assert "<p>after</p>" in html
    assert code.count("four") == text.count("four")


def test_template_is_the_annotated_template_in_a_yaml_block():
    from generator.scaffold import annotated_template

    block = FRAGMENTS["template"]()
    assert block.startswith("```yaml\n")
    assert annotated_template().rstrip("\n") in block


# --- Error examples ----------------------------------------------------------------------------


def test_examples_cover_every_required_kind_once():
    kinds = [example.kind for example in ERROR_EXAMPLES]
    assert set(kinds) >= REQUIRED_KINDS
    assert len(kinds) == len(set(kinds))
    assert len({example.file for example in ERROR_EXAMPLES}) == len(ERROR_EXAMPLES)


def test_each_broken_example_shows_its_kind_and_each_fix_is_valid():
    broken = check_examples()
    fixed = check_examples(fixed=True)
    extra = {"unknown_key": {"missing_key"}}  # a misspelt required key is also missing
    for example in ERROR_EXAMPLES:
        kinds = {problem.kind for problem in broken[example.file]}
        assert kinds == {example.kind} | extra.get(example.kind, set()), example.file
        assert all(p.severity == "error" for p in broken[example.file]), example.file
        assert fixed[example.file] == [], (example.file, fixed[example.file])
        assert example.fixed != example.broken
    # Nothing else in the example store is reported (no registry or cross-file noise).
    assert set(broken) == {example.file for example in ERROR_EXAMPLES}


def test_error_examples_print_the_validators_exact_lines():
    text = error_examples()
    for file, problems in check_examples().items():
        for problem in problems:
            line = problem.as_text()
            assert line.startswith(f"events/{file}:")
            assert line in text
    assert "as if today were 25 November 2024" in text


def test_error_examples_are_fast_enough_to_build_every_time():
    check_examples()  # imports and first use
    started = time.perf_counter()
    error_examples()
    elapsed = time.perf_counter() - started
    print(f"error examples: {elapsed:.3f} s")
    assert elapsed < 2.0


# --- The pages ---------------------------------------------------------------------------------


def test_every_marker_in_the_docs_is_known():
    for path in DOCS.glob("*.md"):
        for name in re.findall(r"<!-- timeline:([a-z]+) -->", _hand_written(path)):
            assert name in FRAGMENTS or (name == "home" and path.name == "index.md"), path


def test_contributing_page_renders_every_generated_part():
    source = _hand_written(DOCS / "contributing.md")
    for name in ("template", "fields", "errors"):
        assert f"<!-- timeline:{name} -->" in source
    for topic in ("timeline new", "timeline fmt", "timeline validate", "contributing-editor.md"):
        assert topic in source
    assert "contributing-workflow.md" in source
    filled = fill_fragments(source)
    assert "<!-- timeline:" not in filled
    html = markdown.markdown(
        filled, extensions=["toc", "tables", "fenced_code", "attr_list", "admonition"]
    )
    assert 'id="fields-figure"' in html
    assert 'id="error-unknown-key"' in html
    assert '<code class="language-yaml"># yaml-language-server:' in html
    assert "<table>" in html
    assert "&lt;code&gt;" not in html  # generated HTML is not escaped a second time


def test_fill_fragments_leaves_unknown_markers_and_other_text_alone():
    text = "before\n<!-- timeline:nothing -->\n<!-- timeline:home -->\nafter <!-- timeline:cli -->"
    assert fill_fragments(text) == text


def test_the_plugin_options_table_lists_every_option_with_its_docstring():
    from mkdocs.config.base import get_schema

    from generator.docgen import option_reference
    from generator.plugin_config import TimelineConfig

    table = option_reference()
    for name, _option in get_schema(TimelineConfig):
        row = next(line for line in table.splitlines() if line.startswith(f"| `{name}` |"))
        assert row.count("|") == 4
        assert len(row.split("|")[3].strip()) > 20, f"{name} has no docstring"
    assert "<!-- timeline:options -->" in _hand_written(DOCS / "methodology.md")
