"""The published JSON Schemas: equal to the models' schema, and usable by check-jsonschema."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO, VALID_STORE, event_yaml

from generator.cli import main
from generator.models import REGISTRIES, Event
from generator.schema import (
    DIALECT,
    KINDS,
    build_schema,
    file_name,
    modeline_for,
    schema_text,
)

SCHEMA_DIR = REPO / "schema"
CHECK_JSONSCHEMA = REPO / ".venv" / "bin" / "check-jsonschema"

# Keywords that draft-07 tools (the YAML language server) understand too; `$defs` is reached
# through plain JSON pointers.
PORTABLE_KEYWORDS = {
    "$schema", "$ref", "$defs", "title", "description", "default", "type", "properties",
    "additionalProperties", "patternProperties", "propertyNames", "required", "items", "enum",
    "anyOf", "pattern", "minLength", "maxLength", "minItems", "maxItems", "minimum", "maximum",
    "format",
}  # fmt: skip


@pytest.mark.parametrize("kind", KINDS)
def test_committed_schema_equals_the_models(kind):
    committed = (SCHEMA_DIR / file_name(kind)).read_text(encoding="utf-8")
    assert committed == schema_text(kind), "run `timeline schema --write` and commit schema/"


@pytest.mark.parametrize("kind", KINDS)
def test_schema_header_and_portable_keywords(kind):
    schema = build_schema(kind)
    assert list(schema)[:3] == ["$schema", "title", "description"]
    assert schema["$schema"] == DIALECT
    assert "$id" not in schema
    assert schema_text(kind).endswith("}\n")

    def walk(node, in_properties=False):
        if isinstance(node, dict):
            for key, value in node.items():
                if not in_properties and key not in {"$defs"}:
                    assert key in PORTABLE_KEYWORDS, key
                inner = key in {"properties", "$defs", "patternProperties"} and not in_properties
                walk(value, in_properties=inner)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(schema)


def test_every_field_is_described():
    schema = build_schema("event")
    definitions = schema["$defs"]
    for name in Event.model_fields:
        assert schema["properties"][name].get("description"), name
    for name, model in [("Actor", REGISTRIES["actors"]), ("Tag", REGISTRIES["tags"])]:
        properties = build_schema(name.lower() + "s")["$defs"][name]["properties"]
        assert set(properties) == set(model.model_fields)
    assert set(definitions) >= {"EventDate", "Figure", "Quote", "Source", "Relation", "Origin"}


@pytest.mark.parametrize(
    ("path", "modeline"),
    [
        ("events/2024/2024-11-17-x.yaml", "$schema=../../schema/event.schema.json"),
        ("events/actors.yaml", "$schema=../schema/actors.schema.json"),
        ("events/places.yaml", "$schema=../schema/places.schema.json"),
        ("events/tags.yaml", "$schema=../schema/tags.schema.json"),
    ],
)
def test_modeline_for(path, modeline):
    assert modeline_for(path) == f"# yaml-language-server: {modeline}"


def _check(kind: str, *files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            str(CHECK_JSONSCHEMA),
            "--schemafile",
            str(SCHEMA_DIR / file_name(kind)),
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_jsonschema_accepts_valid_files_and_rejects_invalid_ones(tmp_path):
    modeline = modeline_for("events/2024/x.yaml")
    good = tmp_path / "good.yaml"
    good.write_text(f"{modeline}\n" + event_yaml(date="2024-11-17"))
    year = tmp_path / "year.yaml"
    year.write_text(
        event_yaml(date="2024", extra="dates:\n  announced: {start: 2024-11, approximate: true}\n")
    )
    typo = tmp_path / "typo.yaml"
    typo.write_text(event_yaml().replace("title:", "titel:"))
    status = tmp_path / "status.yaml"
    status.write_text(event_yaml().replace("status: confirmed", "status: reportd"))
    quoted = tmp_path / "quoted.yaml"
    quoted.write_text(
        event_yaml(extra="figures:\n  - value: '12000'\n    unit: troops\n    what: x\n")
    )

    accepted = _check("event", good, year)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    for bad in (typo, status, quoted):
        rejected = _check("event", bad)
        assert rejected.returncode == 1, bad.name
        assert bad.name in rejected.stdout + rejected.stderr


def test_check_jsonschema_on_the_fixture_store_and_registries(tmp_path):
    events = sorted(VALID_STORE.glob("[0-9]*/*.yaml"))
    assert _check("event", *events).returncode == 0
    for name in REGISTRIES:
        result = _check(name, VALID_STORE / f"{name}.yaml")
        assert result.returncode == 0, result.stdout
    bad = tmp_path / "actors.yaml"
    bad.write_text("North_Korea:\n  name: North Korea\n  kind: state\n")
    assert _check("actors", bad).returncode == 1


def test_schema_command_prints_writes_and_refuses_both(tmp_path):
    runner = CliRunner()
    printed = runner.invoke(main, ["schema", "--kind", "tags"])
    assert printed.exit_code == 0
    assert printed.output == schema_text("tags")
    assert json.loads(printed.output)["title"] == "Tags (events/tags.yaml)"

    target = tmp_path / "event.json"
    written = runner.invoke(main, ["schema", "--output", str(target)])
    assert written.exit_code == 0
    assert target.read_text() == schema_text("event")

    folder = tmp_path / "schema"
    first = runner.invoke(main, ["schema", "--write", "--schema-dir", str(folder)])
    assert first.exit_code == 0
    assert first.output.splitlines()[-1] == f"4 of 4 schema files changed in {folder}"
    again = runner.invoke(main, ["schema", "--write", "--schema-dir", str(folder)])
    assert again.output == f"0 of 4 schema files changed in {folder}\n"
    assert sorted(path.name for path in folder.iterdir()) == sorted(map(file_name, KINDS))

    both = runner.invoke(main, ["schema", "--write", "--output", str(target)])
    assert both.exit_code == 2
    assert "give either --write or --output, not both" in both.output
