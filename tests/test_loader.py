"""The hardened loader: bytes → plain data with positions, or positioned problems."""

from __future__ import annotations

import math
import os
from pathlib import Path

import pytest

from generator import loader
from generator.loader import (
    MAX_DEPTH,
    MAX_EVENT_BYTES,
    MAX_EVENT_NODES,
    MAX_PROBLEMS_PER_FILE,
    Document,
    load_bytes,
    load_file,
    read_bytes,
)


def _data(text: str) -> object:
    result = load_bytes(text.encode(), "f.yaml")
    assert result.problems == []
    assert result.document is not None
    return result.document.data


def _problems(raw: bytes | str) -> list[tuple[int, int, str, str]]:
    if isinstance(raw, str):
        raw = raw.encode()
    result = load_bytes(raw, "f.yaml")
    return [(p.line, p.column, p.kind, p.message) for p in result.problems]


@pytest.mark.parametrize(
    ("scalar", "value"),
    [
        # YAML 1.2 core schema: only these spellings are booleans and nulls ...
        ("true", True),
        ("False", False),
        ("TRUE", True),
        ("~", None),
        ("null", None),
        ("NULL", None),
        ("", None),
        # ... and YAML 1.1's other booleans, sexagesimals and timestamps stay text.
        ("yes", "yes"),
        ("No", "No"),
        ("on", "on"),
        ("off", "off"),
        ("y", "y"),
        ("12:30", "12:30"),
        ("2024-11-17", "2024-11-17"),
        ("2024-02-30", "2024-02-30"),
        ("2024-11-17T10:00:00Z", "2024-11-17T10:00:00Z"),
        ("1_000", "1_000"),
        # Numbers.
        ("12000", 12000),
        ("-7", -7),
        ("+7", 7),
        ("012", 12),
        ("0o17", 15),
        ("0x1F", 31),
        ("1.5", 1.5),
        (".5", 0.5),
        ("1e3", 1000.0),
        ("-2.5E-1", -0.25),
        (".inf", math.inf),
        ("-.Inf", -math.inf),
        # Quoted scalars are always text.
        ("'12000'", "12000"),
        ('"true"', "true"),
        ("'~'", "~"),
        ('"a\\tb"', "a\tb"),
    ],
)
def test_scalars_follow_the_yaml_1_2_core_schema(scalar: str, value: object) -> None:
    data = _data(f"key: {scalar}\n")
    assert data == {"key": value}
    assert type(data["key"]) is type(value)  # type: ignore[index]


def test_nan_is_a_float() -> None:
    data = _data("key: .NaN\n")
    assert math.isnan(data["key"])  # type: ignore[index]


def test_keys_are_always_text() -> None:
    assert _data("1: a\ntrue: b\nnull: c\n2024-11-17: d\n") == {
        "1": "a",
        "true": "b",
        "null": "c",
        "2024-11-17": "d",
    }


def test_numbers_longer_than_forty_digits_are_refused() -> None:
    assert _data("n: " + "9" * 40 + "\n") == {"n": int("9" * 40)}
    assert _problems("n: " + "9" * 41 + "\n") == [
        (1, 4, "yaml_syntax", f"number '{'9' * 40}'… (41 characters) is too long")
    ]
    # Long text that merely starts with a digit is still text.
    assert _data("n: 1" + "a" * 50 + "\n") == {"n": "1" + "a" * 50}


def test_positions_of_keys_and_values() -> None:
    text = "title: A\nsources:\n  - url: x\n    kind: y\nn: [1, {a: b}]\n"
    document = load_bytes(text.encode(), "f.yaml").document
    assert document is not None
    assert document.data == {
        "title": "A",
        "sources": [{"url": "x", "kind": "y"}],
        "n": [1, {"a": "b"}],
    }
    assert document.key_positions == {
        ("title",): (1, 1),
        ("sources",): (2, 1),
        ("sources", 0, "url"): (3, 5),
        ("sources", 0, "kind"): (4, 5),
        ("n",): (5, 1),
        ("n", 1, "a"): (5, 9),
    }
    assert document.value_positions == {
        (): (1, 1),
        ("title",): (1, 8),
        ("sources",): (3, 3),
        ("sources", 0): (3, 5),
        ("sources", 0, "url"): (3, 10),
        ("sources", 0, "kind"): (4, 11),
        ("n",): (5, 4),
        ("n", 0): (5, 5),
        ("n", 1): (5, 8),
        ("n", 1, "a"): (5, 12),
    }


def test_position_falls_back_to_the_nearest_ancestor() -> None:
    document = Document(
        {"a": {"b": 1}},
        value_positions={(): (1, 1), ("a",): (2, 3), ("a", "b"): (2, 6)},
        key_positions={("a",): (1, 1), ("a", "b"): (2, 3)},
    )
    assert document.position(("a", "b")) == (2, 6)
    assert document.position(("a", "b"), prefer_key=True) == (2, 3)
    assert document.position(("a", "missing")) == (2, 3)  # where the parent mapping starts
    assert document.position(("a", "missing"), prefer_key=True) == (1, 1)
    assert document.position(("nothing", 3, "here")) == (1, 1)
    assert Document(None).position(("x",)) == (1, 1)


def test_a_utf8_byte_order_mark_is_accepted() -> None:
    result = load_bytes(b"\xef\xbb\xbfa: 1\n", "f.yaml")
    assert result.problems == []
    assert result.document is not None
    assert result.document.data == {"a": 1}
    assert result.document.key_positions == {("a",): (1, 1)}


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_is_refused(encoding: str) -> None:
    raw = "a: 1\n".encode(encoding)
    if encoding != "utf-16":
        raw = "\ufeff".encode(encoding) + raw  # the plain codec writes the mark itself
    assert _problems(raw) == [(1, 1, "encoding", "file is UTF-16; save it as UTF-8")]


def test_utf16_without_bom_is_refused_as_nul_bytes() -> None:
    problems = _problems("a: 1\n".encode("utf-16-le"))
    assert problems
    assert {kind for _, _, kind, _ in problems} == {"forbidden_character"}


def test_invalid_utf8_is_positioned_in_characters() -> None:
    raw = "title: Ä\nsummary: Ça va ".encode() + "é".encode("latin-1") + b"\n"
    assert _problems(raw) == [
        (2, 16, "encoding", "not valid UTF-8 (byte 0xE9); save the file as UTF-8")
    ]


@pytest.mark.parametrize(
    ("char", "name"),
    [
        ("\x00", "control character"),
        ("\x07", "control character"),
        ("\x1b", "control character"),
        ("\x7f", "control character"),
        ("\x85", "control character"),
        ("\u00ad", "SOFT HYPHEN"),
        ("\u061c", "ARABIC LETTER MARK"),
        ("\u200b", "ZERO WIDTH SPACE"),
        ("\u200e", "LEFT-TO-RIGHT MARK"),
        ("\u202a", "LEFT-TO-RIGHT EMBEDDING"),
        ("\u202e", "RIGHT-TO-LEFT OVERRIDE"),
        ("\u2060", "WORD JOINER"),
        ("\u2066", "LEFT-TO-RIGHT ISOLATE"),
        ("\u2069", "POP DIRECTIONAL ISOLATE"),
        ("\ufeff", "ZERO WIDTH NO-BREAK SPACE"),
        ("\U000e0041", "TAG LATIN CAPITAL LETTER A"),
    ],
)
def test_invisible_and_control_characters_are_refused(char: str, name: str) -> None:
    problems = _problems(f"title: ab{char}cd\n")
    assert problems == [
        (
            1,
            10,
            "forbidden_character",
            f"U+{ord(char):04X} {name} is not allowed: invisible and control characters can "
            "make text read differently from what it is; delete it",
        )
    ]


@pytest.mark.parametrize(
    "text",
    [
        "title: می\u200cخواهم\n",  # Persian: ZWNJ between letters
        "title: क्ष\u200dत्र\n",  # ZWJ between letters
        "title: 'a\tb'\n",  # tab, CR LF and LF are ordinary whitespace
        "title: a\r\nsummary: b\r\n",
    ],
)
def test_joiners_between_letters_and_ordinary_whitespace_are_allowed(text: str) -> None:
    assert load_bytes(text.encode(), "f.yaml").problems == []


def test_joiner_outside_a_word_is_refused() -> None:
    assert [kind for _, _, kind, _ in _problems("title: a \u200d b\n")] == ["forbidden_character"]


def test_forbidden_characters_are_capped_per_file() -> None:
    problems = _problems("x: " + "\x07" * 100 + "\n")
    assert len(problems) == MAX_PROBLEMS_PER_FILE


def test_escapes_cannot_smuggle_characters_past_the_scan() -> None:
    """A double-quoted "\\u202e" is fine for the loader; the models' text rules refuse it."""
    assert _data('title: "a\\u202eb"\n') == {"title": "a\u202eb"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "a: 1\na: 2\n",
            [(2, 1, "duplicate_key", "duplicate key 'a' (first at line 1); keep one")],
        ),
        (
            "s:\n  - u: 1\n    u: 2\n    u: 3\n",
            [
                (3, 5, "duplicate_key", "duplicate key 'u' (first at line 2); keep one"),
                (4, 5, "duplicate_key", "duplicate key 'u' (first at line 2); keep one"),
            ],
        ),
        (
            "{a: 1, a: 2}\n",
            [(1, 8, "duplicate_key", "duplicate key 'a' (first at line 1); keep one")],
        ),
    ],
)
def test_duplicate_keys(text: str, expected: list[tuple[int, int, str, str]]) -> None:
    assert _problems(text) == expected


def test_duplicate_keys_keep_the_first_value() -> None:
    result = load_bytes(b"a: 1\nb: [x]\na: {c: 2}\n", "f.yaml")
    assert result.document is not None
    assert result.document.data == {"a": 1, "b": ["x"]}
    assert len(result.problems) == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: &x 1\nb: *x\n", (1, 4, "yaml_alias")),
        ("a: *x\n", (1, 4, "yaml_alias")),  # an undefined alias is refused the same way
        ("&x a: 1\n", (1, 1, "yaml_alias")),
        ("a: !!str 1\n", (1, 4, "yaml_tag")),
        ("a: !!python/object:os.system {}\n", (1, 4, "yaml_tag")),
        ("a: !!python/name:os.system ''\n", (1, 4, "yaml_tag")),
        ("!custom\na: 1\n", (1, 1, "yaml_tag")),
        ("a: !local [1]\n", (1, 4, "yaml_tag")),
        ("a: 1\n---\nb: 2\n", (2, 1, "multiple_documents")),
        ("---\na: 1\n...\n---\nb: 2\n", (4, 1, "multiple_documents")),
        ("? [a]\n: 1\n", (1, 3, "yaml_syntax")),
        ("{[a]: 1}\n", (1, 2, "yaml_syntax")),
        ("a: 'open\n", (2, 1, "yaml_syntax")),
        ("a: b: c\n", (1, 5, "yaml_syntax")),
        ("\ta: 1\n", (1, 1, "yaml_syntax")),
        ("%YAML 1.3\n---\na: 1\n", (1, 1, "yaml_syntax")),
        ("# only a comment\n", (1, 1, "empty")),
        ("", (1, 1, "empty")),
        ("---\n...\n", (1, 1, "empty")),
        ("~\n", (1, 1, "empty")),
    ],
)
def test_refused_constructs(text: str, expected: tuple[int, int, str]) -> None:
    problems = _problems(text)
    assert len(problems) == 1
    assert problems[0][:3] == expected


def test_the_first_refused_construct_stops_the_build() -> None:
    """An alias bomb is stopped at its first anchor: nothing is ever expanded."""
    bomb = "a: &a [x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(9)
    )
    result = load_bytes(bomb.encode(), "f.yaml")
    assert result.document is None
    assert [(p.line, p.column, p.kind) for p in result.problems] == [(1, 4, "yaml_alias")]


def test_explicit_document_markers_are_fine() -> None:
    assert _data("---\na: 1\n...\n") == {"a": 1}
    assert _data("%YAML 1.2\n---\na: 1\n") == {"a": 1}


def test_nesting_is_capped() -> None:
    assert _data("a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n") is not None
    text = "a: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "\n"
    assert _problems(text) == [
        (1, 4 + MAX_DEPTH - 1, "nesting", f"nested more than {MAX_DEPTH} levels deep")
    ]


def test_very_deep_nesting_costs_nothing() -> None:
    """The parser is iterative: 100,000 brackets are stopped at level 21, not a RecursionError."""
    problems = _problems("[" * 100_000)
    assert problems[0][2] == "nesting"


def test_values_per_file_are_capped() -> None:
    # The mapping, its key and the list count too: 3 + items values in all.
    assert _data("a: [" + ", ".join(["1"] * (MAX_EVENT_NODES - 3)) + "]\n") is not None
    problems = _problems("a: [" + ", ".join(["1"] * (MAX_EVENT_NODES - 2)) + "]\n")
    assert [(kind, message) for _, _, kind, message in problems] == [
        ("file_size", f"more than {MAX_EVENT_NODES:,} values in one file")
    ]


def test_not_a_mapping_is_left_to_the_caller() -> None:
    assert _data("- a\n- b\n") == ["a", "b"]
    assert _data("just text\n") == "just text"


def test_messages_never_echo_long_input() -> None:
    problems = load_bytes(("a: !" + "x" * 500 + " 1\n").encode(), "f.yaml").problems
    assert len(problems) == 1
    assert len(problems[0].message) < 200


# --- Reading files ---------------------------------------------------------------------------


def test_read_bytes_of_a_regular_file(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_bytes(b"a: 1\n")
    assert read_bytes(path, "a.yaml", 100) == (b"a: 1\n", [])


def test_read_bytes_at_and_over_the_cap(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_bytes(b"#" * 100)
    assert read_bytes(path, "a.yaml", 100) == (b"#" * 100, [])
    data, problems = read_bytes(path, "a.yaml", 99)
    assert data is None
    assert [(p.line, p.column, p.message, p.kind) for p in problems] == [
        (1, 1, "file is 100 bytes; the limit is 99: split it", "file_size")
    ]


def test_load_file_caps_events_at_max_event_bytes(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_bytes(b"#" * (MAX_EVENT_BYTES + 1))
    assert [p.kind for p in load_file(path, "a.yaml").problems] == ["file_size"]


def test_a_file_that_grows_after_the_check_is_still_capped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cap is enforced on the bytes read, not only on what lstat said."""
    path = tmp_path / "a.yaml"
    path.write_bytes(b"#" * 10)
    real_lstat = os.lstat

    def small_lstat(target: object) -> os.stat_result:
        info = real_lstat(target)  # type: ignore[arg-type]
        values = list(info)
        values[6] = 1  # st_size
        return os.stat_result(values)

    monkeypatch.setattr(loader.os, "lstat", small_lstat)
    data, problems = read_bytes(path, "a.yaml", 5)
    assert data is None
    assert [p.message for p in problems] == ["file is larger than the limit of 5 bytes: split it"]


def test_read_bytes_refuses_links_fifos_folders_and_missing_files(tmp_path: Path) -> None:
    target = tmp_path / "target.yaml"
    target.write_bytes(b"a: 1\n")
    (tmp_path / "link.yaml").symlink_to(target)
    os.mkfifo(tmp_path / "fifo.yaml")
    (tmp_path / "folder.yaml").mkdir()

    def kinds(name: str) -> list[tuple[str, str]]:
        data, problems = read_bytes(tmp_path / name, name, 100)
        assert data is None
        return [(p.kind, p.message) for p in problems]

    assert kinds("link.yaml") == [
        ("symlink", "symbolic links are not allowed; commit the file itself")
    ]
    assert kinds("fifo.yaml") == [("not_regular", "not a regular file")]
    assert kinds("folder.yaml") == [("not_regular", "not a regular file")]
    assert kinds("missing.yaml") == [
        ("unreadable", "cannot read the file: No such file or directory")
    ]


def test_an_unreadable_file_is_a_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.yaml"
    path.write_bytes(b"a: 1\n")

    def refuse(*_args: object) -> int:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(loader.os, "open", refuse)
    assert [(p.kind, p.message) for p in load_file(path, "a.yaml").problems] == [
        ("unreadable", "cannot read the file: Permission denied")
    ]


def _repository_texts() -> list[tuple[str, str]]:
    """Every YAML file of events/ and the fixtures that decodes cleanly (and so is parsed)."""
    repo = Path(__file__).resolve().parent.parent
    paths = [*(repo / "events").rglob("*.yaml"), *(repo / "tests" / "fixtures").rglob("*.yaml")]
    texts = []
    for path in sorted(paths):
        text, problems = loader.decode(path.read_bytes(), "f.yaml")
        if text is not None and not problems:
            texts.append((path.relative_to(repo).as_posix(), text))
    return texts


@pytest.mark.parametrize(("name", "text"), _repository_texts(), ids=lambda value: value[:60])
def test_libyaml_and_the_pure_parser_agree_on_every_repository_file(name: str, text: str) -> None:
    """Same data, positions and problems with and without ruamel.yaml.clib (see loader.py)."""
    assert loader.parse_text(text, name) == loader.parse_text(text, name, parser="pure")


def test_libyaml_is_installed() -> None:
    """The C extension is a dependency: without it validation is ~15x slower."""
    assert loader._fast_parser() is not None
