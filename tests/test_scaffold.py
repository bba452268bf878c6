"""`timeline new` and the annotated template generated from the models."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest
from click.testing import CliRunner

from generator import cli
from generator.cli import main
from generator.formatting import format_bytes
from generator.loader import load_bytes
from generator.models import Event
from generator.scaffold import EXAMPLE_EVENT, annotated_template, check_event
from generator.slugs import slugify

NEW = [
    "new",
    "--date",
    "2024-11-17",
    "--title",
    "US allows Ukraine to strike inside Russia with ATACMS",
    "--status",
    "reported",
    "--summary",
    "The United States allowed *Ukraine* to use ATACMS inside Russia.",
    "--publisher",
    "Example News",
    "--url",
    "https://example.org/atacms",
    "--no-input",
]
CREATED = "events/2024/2024-11-17-us-allows-ukraine-strike-inside-russia-atacms.yaml"


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        (
            "US allows Ukraine to strike inside Russia with ATACMS",
            "us-allows-ukraine-strike-inside-russia-atacms",
        ),
        (
            "Scholz: Germany won't send Taurus — “for now”",
            "scholz-germany-wont-send-taurus-now",
        ),
        ("Зеленський", "event"),
        ("Ünïcödé ça va", "unicode-ca-va"),
        ("1,000 days of war", "days-war"),
        ("EU delivers 1,000,000 shells", "eu-delivers-1000000-shells"),
        ("!!!", "event"),
        ("a" * 81, "event"),
        ("Supercalifragilistic " * 5, "-".join(["supercalifragilistic"] * 3)),
    ],
)
def test_slugify(title, slug):
    assert slugify(title) == slug


def test_examples_cover_every_field_and_validate():
    assert list(EXAMPLE_EVENT) == list(Event.model_fields)
    Event.model_validate(EXAMPLE_EVENT)


def test_template_is_a_valid_canonical_event_that_documents_every_field():
    text = annotated_template()
    assert check_event(text, "template.yaml") == []
    assert text.startswith("# yaml-language-server: $schema=../../schema/event.schema.json\n")
    formatted = format_bytes(
        text.encode(), "t.yaml", PurePosixPath("events/2024/2024-11-17-t.yaml")
    )
    assert formatted.after == text  # `timeline fmt` leaves a new file alone
    for name, info in Event.model_fields.items():
        required = " (required)" if info.is_required() else ""
        assert f"\n# {name}{required}: " in text, name
        active = f"\n{name}:" in text
        assert active == info.is_required(), name
        if not info.is_required():
            assert f"\n# {name}:" in text, name
    uncommented = "\n".join(
        line[2:] if line.startswith("# ") and not line.startswith("# yaml") else line
        for line in text.splitlines()
    )
    assert "figures:\n  - value: 12000" in uncommented


def test_new_writes_a_valid_annotated_file(store: Path):
    result = CliRunner().invoke(main, [*NEW, "--actor", "ukraine", "--tag", "long-range-strikes"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"created {CREATED}"
    assert lines[-1] == "next: fill in the details, then run `timeline fmt` and `timeline validate`"
    text = Path(CREATED).read_text()
    data = load_bytes(text.encode(), "x").document.data
    assert data == {
        "title": "US allows Ukraine to strike inside Russia with ATACMS",
        "date": "2024-11-17",
        "status": "reported",
        "summary": "The United States allowed *Ukraine* to use ATACMS inside Russia.",
        "actors": ["ukraine"],
        "tags": ["long-range-strikes"],
        "sources": [{"publisher": "Example News", "url": "https://example.org/atacms"}],
    }
    assert "# figures:\n#   - value: 12000" in text
    validate = CliRunner().invoke(main, ["validate", CREATED])
    assert validate.exit_code == 0, validate.output
    assert CliRunner().invoke(main, ["fmt", "--check", CREATED]).exit_code == 0


def test_new_warns_about_ids_the_registries_lack(store: Path):
    result = CliRunner().invoke(main, [*NEW, "--actor", "nobody-known"])
    assert result.exit_code == 0
    assert "warning: 'nobody-known' is not in actors.yaml yet: add it there" in result.output


def test_new_refuses_to_overwrite(store: Path):
    assert CliRunner().invoke(main, NEW).exit_code == 0
    Path(CREATED).write_text("edited by hand\n")
    again = CliRunner().invoke(main, NEW)
    assert again.exit_code == 1
    assert again.output == f"Error: {CREATED} already exists; edit it instead\n"
    assert Path(CREATED).read_text() == "edited by hand\n"


def test_new_without_a_terminal_names_what_is_missing(store: Path):
    result = CliRunner().invoke(main, ["new", "--title", "Something"])
    assert result.exit_code == 2
    assert (
        "missing --date, --status, --summary, --publisher, --url (or --source-kind statement "
        "for a source without a link); run in a terminal to be asked"
    ) in result.output


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("--date", "2024-13-01"), "--date: 2024-13-01: there is no month 13"),
        (("--url", "ftp://example.org/x"), "sources[0].url"),
        (("--actor", "Not A Slug"), "actors[0]"),
    ],
)
def test_new_rejects_bad_values_and_writes_nothing(store: Path, change, message):
    result = CliRunner().invoke(main, [*NEW, *change])
    assert result.exit_code != 0
    assert message in result.output
    assert not (store / "2024" / Path(CREATED).name).exists()


def test_new_source_without_a_link(store: Path):
    args = [arg for arg in NEW if arg not in {"--url", "https://example.org/atacms"}]
    result = CliRunner().invoke(main, [*args, "--source-kind", "statement"])
    assert result.exit_code == 0, result.output
    assert "  - publisher: Example News\n    kind: statement\n" in Path(CREATED).read_text()


def test_new_prompts_at_a_terminal(store: Path, monkeypatch):
    monkeypatch.setattr(cli, "_stdin_is_tty", lambda: True)
    answers = "2024-11\nA prompted event\n\nIt happened.\nExample News\nhttps://example.org/p\n"
    result = CliRunner().invoke(main, ["new"], input=answers)
    assert result.exit_code == 0, result.output
    assert "Status (confirmed, reported, claimed, disputed, denied) [reported]: " in result.output
    text = Path("events/2024/2024-11-prompted-event.yaml").read_text()
    assert "\ndate: 2024-11\n" in text
    assert "\nstatus: reported\n" in text
    no_input = CliRunner().invoke(main, ["new", "--no-input"])
    assert no_input.exit_code == 2


def test_template_option_prints_the_template():
    result = CliRunner().invoke(main, ["new", "--template"])
    assert result.exit_code == 0
    assert result.output == annotated_template()
