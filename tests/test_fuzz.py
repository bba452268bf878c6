"""Property tests: hostile bytes and YAML-ish text never crash the loader or validation, and
every event the models accept survives a YAML round trip.

Example counts are modest so CI stays fast; `python benchmarks/fuzz.py` runs the long version
(it sets TIMELINE_FUZZ_EXAMPLES).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import tempfile
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from generator import loader
from generator.loader import load_bytes, parse_text
from generator.models import Event
from generator.records import FileResult
from generator.validation import validate_file

SCALE = int(os.environ.get("TIMELINE_FUZZ_EXAMPLES", "0"))
VALID_STORE = Path(__file__).parent / "fixtures" / "valid"


def _settings(examples: int) -> settings:
    return settings(
        max_examples=SCALE or examples,
        deadline=None,
        database=None,  # nothing written into the repository
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


def _check_problems(result_problems: list[Any]) -> None:
    for problem in result_problems:
        assert problem.line >= 1
        assert problem.column >= 1
        assert problem.message
        # One printable line each: nothing from the input reaches a terminal raw.
        assert problem.as_text().isprintable(), problem.as_text()


def _validate_text(raw: bytes, relative: str = "2024/2024-11-17-fuzz.yaml") -> FileResult:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "event.yaml"
        path.write_bytes(raw)
        result = validate_file(path, f"events/{relative}", PurePosixPath(relative))
    _check_problems(result.problems)
    if result.record is not None:
        assert result.problems == []
        assert Event.model_validate(result.record.data) == result.record.event
    else:
        assert result.problems
    return result


# --- (a) arbitrary bytes ---------------------------------------------------------------------

YAML_BYTES = st.lists(
    st.sampled_from(
        [b"a", b"title", b":", b": ", b"-", b"- ", b"\n", b"  ", b"\t", b"'", b'"', b"&", b"*",
         b"!", b"!!", b"{", b"}", b"[", b"]", b",", b"?", b"|", b">", b"#", b"%", b"@", b"`",
         b"---", b"...", b"\\", b"\\u202e", b"0", b"2024-02-30", b"\x00", b"\xff", b"\xef\xbb\xbf",
         b"\xff\xfe", b"\xc3", b"\xe2\x80\xae", b"\r", b"\x85", b"\xe2\x80\xa8"]
    ),
    max_size=80,
).map(b"".join)  # fmt: skip


@_settings(300)
@given(st.one_of(st.binary(max_size=3000), YAML_BYTES))
def test_arbitrary_bytes_never_crash_the_loader(raw: bytes) -> None:
    result = load_bytes(raw, "f.yaml")
    assert result.document is not None or result.problems
    _check_problems(result.problems)
    if result.document is not None:
        for line, column in (
            *result.document.value_positions.values(),
            *result.document.key_positions.values(),
        ):
            assert line >= 1
            assert column >= 1


# --- (b) YAML-ish text around the event schema -----------------------------------------------

KEYS = [
    *Event.model_fields,
    "start", "end", "ongoing", "approximate", "uncertain", "value", "low", "high", "unit",
    "what", "qualifier", "publisher", "url", "kind", "id", "event", "relation", "text",
    "speaker", "language", "translation", "deadline", "delivered", "titel", "colour",
]  # fmt: skip
FRAGMENTS = [
    *KEYS,
    *(f"{key}: " for key in KEYS),
    *(f"\n{key}: " for key in KEYS),
    "\n", "\n  ", "\n    ", "  ", "- ", "\n- ", "\n  - ", ": ", ":", "'", '"', "&a ", "*a",
    "!!str ", "!!python/object:os.system ", "!x ", "{", "}", "[", "]", ", ", "? ", "|", "|-\n",
    ">", "# c", "\n---\n", "\n...\n", "%YAML 1.2\n---\n", "2024-11-17", "2024-11", "2024",
    "2024-02-30", "2023-13", "0999", "12000", "-1", "1e999", "1" * 45, ".inf", ".nan", "true",
    "yes", "~", "null", "https://example.org/a", "javascript:alert(1)", "JaVaScRiPt:x",
    "<b>x</b>", "![x](https://example.org/x.png)", "[x](data:x)", "--8<-- x", "{: .x}",
    "Київ", "조선", "می\u200cخواهم", "\u202e", "\u200b", "\t", "\r\n", '"\\u202e"', '"\\e[31m"',
    '"a\\nb"', "confirmed", "claimed", "article", "statement", "part_of", "ukraine",
    "2024-11-17-us-authorises-atacms", "x" * 130,
]  # fmt: skip
YAMLISH = st.lists(st.sampled_from(FRAGMENTS), max_size=60).map("".join)


@_settings(300)
@given(YAMLISH)
def test_yamlish_text_never_crashes_validation(text: str) -> None:
    _validate_text(text.encode())


VALID_TEXTS = sorted(
    path.read_text(encoding="utf-8") for path in (VALID_STORE / "2024").glob("*.yaml")
)


@_settings(300)
@given(
    st.sampled_from(VALID_TEXTS),
    st.lists(
        st.tuples(st.integers(0, 5000), st.integers(0, 20), st.sampled_from(FRAGMENTS)),
        min_size=1,
        max_size=6,
    ),
)
def test_mutated_events_never_crash_validation(
    text: str, edits: list[tuple[int, int, str]]
) -> None:
    """Near-valid input: real events with a few fragments spliced in or cut out."""
    for position, cut, fragment in edits:
        at = position % (len(text) + 1)
        text = text[:at] + fragment + text[at + cut % 3 :]
    _validate_text(text.encode())


# --- (c) valid events round-trip through YAML ------------------------------------------------

WORD = st.text(st.characters(categories=("L", "N")), min_size=1, max_size=12)
SLUG = st.from_regex(r"[a-z][a-z0-9]{0,8}(?:-[a-z0-9]{1,6}){0,2}", fullmatch=True)


def _line(max_words: int, max_length: int) -> st.SearchStrategy[str]:
    return (
        st.lists(WORD, min_size=1, max_size=max_words)
        .map(" ".join)
        .filter(lambda text: len(text) <= max_length)
    )


@st.composite
def partial_dates(draw: st.DrawFn, start: dt.date | None = None) -> tuple[str | int, dt.date]:
    """A date written at some precision, with the first day it stands for."""
    low = start or dt.date(1990, 1, 1)
    day = draw(st.dates(min_value=low, max_value=dt.date(2025, 12, 31)))
    precision = draw(st.sampled_from(["day", "month", "year", "year-int"]))
    if start is not None:
        precision = "day"  # an end is written to the day so it is never before the start
    if precision == "day":
        return day.isoformat(), day
    if precision == "month":
        return day.isoformat()[:7], day.replace(day=1)
    if precision == "year":
        return str(day.year), day.replace(month=1, day=1)
    return day.year, day.replace(month=1, day=1)


@st.composite
def event_dates(draw: st.DrawFn) -> tuple[Any, str]:
    """An event date in one of its written forms, and the iso form of its start."""
    written, first = draw(partial_dates())
    iso = str(written)
    form = draw(st.sampled_from(["plain", "mapping", "range", "ongoing"]))
    if form == "plain":
        return written, iso
    mapping: dict[str, Any] = {"start": written}
    if form == "range":
        mapping["end"] = draw(partial_dates(start=first))[0]
    elif form == "ongoing":
        mapping["ongoing"] = True
    for flag in ("approximate", "uncertain"):
        if draw(st.booleans()):
            mapping[flag] = True
    return mapping, iso


@st.composite
def events(draw: st.DrawFn) -> tuple[dict[str, Any], str]:
    """A valid event and the path (relative to events/) it must be stored at."""
    date, iso = draw(event_dates())
    status = draw(st.sampled_from(["confirmed", "reported", "claimed", "disputed", "denied"]))
    actors = draw(st.lists(SLUG, unique=True, max_size=4))
    source_ids = draw(st.lists(SLUG, unique=True, max_size=3))
    sources = []
    for index in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["article", "report", "statement", "broadcast", "dataset"]))
        source: dict[str, Any] = {"publisher": draw(_line(4, 60)), "kind": kind}
        if index < len(source_ids):
            source["id"] = source_ids[index]
        if kind in {"article", "dataset"} or draw(st.booleans()):
            source["url"] = "https://example.org/" + draw(SLUG)
        if draw(st.booleans()):
            source["date"] = draw(partial_dates())[0]
        sources.append(source)
    known = [source["id"] for source in sources if "id" in source]
    event: dict[str, Any] = {
        "title": draw(_line(8, 120)),
        "date": date,
        "status": status,
        "summary": draw(_line(12, 3000)),
        "sources": sources,
    }
    if status == "claimed" or draw(st.booleans()):
        event["claimed_by"] = draw(st.lists(SLUG, unique=True, min_size=1, max_size=3))
    if actors:
        event["actors"] = actors
    if draw(st.booleans()):
        event["places"] = draw(st.lists(SLUG, unique=True, min_size=1, max_size=3))
    if draw(st.booleans()):
        event["tags"] = draw(st.lists(SLUG, unique=True, min_size=1, max_size=3))
    if draw(st.booleans()):
        event["dates"] = {
            kind: draw(event_dates())[0]
            for kind in draw(st.sets(st.sampled_from(["announced", "deadline", "delivered"])))
        }
    figures = []
    for _ in range(draw(st.integers(0, 3))):
        figure: dict[str, Any] = {"unit": draw(_line(2, 60)), "what": draw(_line(6, 300))}
        number = st.one_of(st.integers(-(10**12), 10**12), st.floats(-1e12, 1e12, allow_nan=False))
        if draw(st.booleans()):
            figure["value"] = draw(number)
        else:
            low, high = sorted([draw(number), draw(number)])
            figure["low"], figure["high"] = low, high
        if draw(st.booleans()):
            figure["qualifier"] = draw(st.sampled_from(["about", "up_to", "estimated"]))
        if known and draw(st.booleans()):
            figure["source"] = draw(st.sampled_from(known))
        figures.append(figure)
    if figures:
        event["figures"] = figures
    quotes = []
    for _ in range(draw(st.integers(0, 2))):
        quote: dict[str, Any] = {"text": draw(_line(8, 500)), "speaker": draw(SLUG)}
        if draw(st.booleans()):
            quote["language"] = draw(st.sampled_from(["uk", "ru", "de", "ko", "pt-BR"]))
            quote["translation"] = draw(_line(8, 500))
        if known and draw(st.booleans()):
            quote["source"] = draw(st.sampled_from(known))
        quotes.append(quote)
    if quotes:
        event["quotes"] = quotes
    related = draw(st.lists(SLUG, unique=True, max_size=3))
    if related:
        relations = ["responds_to", "follows", "part_of", "updates", "contradicts", "relates_to"]
        event["related"] = [
            {"event": f"2024-01-01-{slug}", "relation": draw(st.sampled_from(relations))}
            for slug in related
        ]
    name = f"{iso[:4]}/{iso}-{draw(SLUG)}.yaml"
    return event, name


def _dump(data: dict[str, Any]) -> str:
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    yaml.width = 4096
    stream = io.StringIO()
    yaml.dump(data, stream)
    return stream.getvalue()


@_settings(100)
@given(events())
def test_valid_events_survive_a_yaml_round_trip(generated: tuple[dict[str, Any], str]) -> None:
    data, relative = generated
    expected = Event.model_validate(data)
    result = _validate_text(_dump(data).encode(), relative)
    assert result.problems == []
    assert result.record is not None
    assert result.record.id == PurePosixPath(relative).stem
    assert result.record.event == expected


@_settings(100)
@given(events())
def test_libyaml_reads_generated_events_as_the_pure_parser_does(
    generated: tuple[dict[str, Any], str],
) -> None:
    text = _dump(generated[0])
    assert parse_text(text, "f.yaml") == parse_text(text, "f.yaml", parser="pure")


def _libyaml_fails(text: str) -> bool:
    try:
        for _event in loader._fast_events(text):
            pass
    except Exception:
        return True
    return False


@pytest.mark.parametrize("text", ["title: [unclosed\n", "a: b: c\n", 'key: "open\n'])
def test_broken_yaml_gets_the_pure_parsers_message(text: str) -> None:
    """Known libyaml failures, so the property below is sure to be exercised."""
    assert _libyaml_fails(text)
    result = parse_text(text, "f.yaml")
    assert result == parse_text(text, "f.yaml", parser="pure")
    assert [problem.kind for problem in result.problems] == ["yaml_syntax"]


@_settings(300)
@given(YAMLISH)
def test_where_libyaml_fails_the_pure_parser_explains(text: str) -> None:
    """Same message, same place as without the C extension."""
    if _libyaml_fails(text):
        assert parse_text(text, "f.yaml") == parse_text(text, "f.yaml", parser="pure")
