"""The schema: strict, closed, frozen models and their cross-field rules, and how their errors
are worded and positioned for a contributor."""

from __future__ import annotations

import json
from pathlib import PurePosixPath
from typing import Any

import pytest
from pydantic import ValidationError

from generator.dates import PartialDate
from generator.loader import load_bytes
from generator.models import (
    REGISTRIES,
    SOURCE_KINDS_WITHOUT_URL,
    Actor,
    Event,
    EventDate,
    Figure,
    Place,
    Source,
    StrictModel,
    Tag,
)
from generator.validation import format_loc, problems_from_error, role_of

SOURCE = {"publisher": "Example News", "url": "https://example.org/a"}


def _event(**fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "A test event",
        "date": "2024-05-01",
        "status": "confirmed",
        "summary": "Something happened.",
        "sources": [SOURCE],
    }
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def _errors(model: type[StrictModel], data: Any) -> list[tuple[str, str, str]]:
    """(loc, kind, message) of each error, as the contributor will see them."""
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data)
    document = load_bytes(json.dumps(data).encode(), "f.yaml").document  # JSON is YAML
    assert document is not None
    problems = problems_from_error(caught.value, document, "f.yaml", model)
    return [(p.where, p.kind, p.message) for p in problems]


def test_minimal_event() -> None:
    event = Event.model_validate(_event())
    assert event.date.start == PartialDate(2024, 5, 1)
    assert event.date.is_plain
    assert event.actors == []
    assert event.sources[0].kind == "article"


@pytest.mark.parametrize(
    ("date", "display"),
    [
        ("2024-11-17", "17 November 2024"),
        ("2024-11", "November 2024"),
        (2024, "2024"),
        ({"start": "2024-11", "approximate": True}, "c. November 2024"),
        ({"start": 2021, "uncertain": True}, "possibly 2021"),
        ({"start": "2024-08-06", "ongoing": True}, "6 August 2024 – ongoing"),
        ({"start": "2024-10-08", "end": "2024-10-13"}, "8–13 October 2024"),
        ({"start": "2024-10", "end": "2024-10"}, "October 2024"),
    ],
)
def test_event_date_forms(date: Any, display: str) -> None:
    assert EventDate.model_validate(date).display() == display


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        (True, ("", "model_type", "Input should be a valid dictionary or instance of EventDate")),
        (
            {"start": "2024-11-17", "end": "2024-10"},
            ("end", "date_range", "end (2024-10) is before start (2024-11-17)"),
        ),
        (
            {"start": "2024", "end": "2023-12-31"},
            ("end", "date_range", "end (2023-12-31) is before start (2024)"),
        ),
        (
            {"start": "2024", "end": "2024", "ongoing": True},
            ("ongoing", "date_range", "give either `end` or `ongoing: true`, not both"),
        ),
        ({"end": "2024"}, ("start", "missing", "Field required")),
        (
            {"start": "2024", "ongoing": "yes"},
            ("ongoing", "bool_type", "Input should be a valid boolean"),
        ),
    ],
)
def test_event_date_errors(date: Any, expected: tuple[str, str, str]) -> None:
    with pytest.raises(ValidationError) as caught:
        EventDate.model_validate(date)
    found = []
    for error in caught.value.errors(include_url=False):
        at = (error.get("ctx") or {}).get("at")
        loc = [str(part) for part in error["loc"]] + ([at] if at else [])
        found.append((".".join(loc), error["type"], error["msg"]))
    assert found == [expected]


def test_a_range_may_end_in_the_period_it_starts() -> None:
    """ "2024 to March 2024" is odd but not backwards: the end is compared by its last day."""
    assert EventDate.model_validate({"start": "2024", "end": "2024-03"}).end == PartialDate(2024, 3)


def test_models_are_frozen() -> None:
    event = Event.model_validate(_event())
    with pytest.raises(ValidationError):
        event.title = "Other"  # type: ignore[misc]


def test_models_are_closed_and_strict() -> None:
    with pytest.raises(ValidationError):
        Event.model_validate(_event(titel="x"))
    with pytest.raises(ValidationError):
        Figure.model_validate({"value": "12000", "unit": "troops", "what": "troops"})
    with pytest.raises(ValidationError):
        Place.model_validate({"name": "Kyiv", "lat": "50.4", "lon": 30})
    # Strict still lets a whole number stand for a float.
    assert Place.model_validate({"name": "Kyiv", "lat": 50, "lon": 30}).lat == 50


def test_every_model_inherits_the_strict_base() -> None:
    for model in (Event, EventDate, Figure, Source, *REGISTRIES.values()):
        assert issubclass(model, StrictModel)
        assert model.model_config.get("extra") == "forbid"
        assert model.model_config.get("strict") is True
        assert model.model_config.get("frozen") is True


def test_json_round_trip() -> None:
    data = _event(
        date={"start": "2024-10-08", "end": "2024-10-13"},
        dates={"deadline": "2024-03", "delivered": {"start": "2024-11", "approximate": True}},
        figures=[{"low": 1, "high": 2.5, "unit": "troops", "what": "troops", "as_of": 2024}],
        quotes=[{"text": "Hallo.", "speaker": "olaf-scholz", "language": "de"}],
    )
    event = Event.model_validate(data)
    dumped = event.model_dump(mode="json", exclude_defaults=True)
    assert dumped["date"] == {"start": "2024-10-08", "end": "2024-10-13"}
    assert dumped["dates"]["deadline"] == {"start": "2024-03"}
    assert dumped["figures"][0]["as_of"] == "2024"
    assert Event.model_validate(dumped) == event


@pytest.mark.parametrize(
    ("figure", "expected"),
    [
        ({"value": 12000}, None),
        ({"value": 0.5}, None),
        ({"value": -3}, None),
        ({"low": 1, "high": 1}, None),
        ({"low": 10_000, "high": 12_000}, None),
        ({}, ("figure", "give `value`, or `low` and `high`")),
        ({"value": 1, "low": 1, "high": 2}, ("figure", "give `value` or `low`/`high`, not both")),
        ({"value": 1, "high": 2}, ("figure", "give `value` or `low`/`high`, not both")),
        ({"low": 1}, ("figure", "a range needs both `low` and `high`")),
        ({"low": 3, "high": 2}, ("figure", "low (3) is greater than high (2)")),
        ({"value": True}, ("number", 'must be a number (write 12000, not "12000")')),
        ({"value": "12"}, ("number", 'must be a number (write 12000, not "12000")')),
        ({"value": float("nan")}, ("number", "must be a finite number")),
        ({"value": float("-inf")}, ("number", "must be a finite number")),
    ],
)
def test_figure_rules(figure: dict[str, Any], expected: tuple[str, str] | None) -> None:
    data = {"unit": "troops", "what": "troops deployed", **figure}
    if expected is None:
        Figure.model_validate(data)
        return
    with pytest.raises(ValidationError) as caught:
        Figure.model_validate(data)
    assert [(e["type"], e["msg"]) for e in caught.value.errors()] == [expected]


@pytest.mark.parametrize("kind", sorted(SOURCE_KINDS_WITHOUT_URL))
def test_sources_known_by_name(kind: str) -> None:
    assert Source.model_validate({"publisher": "Kremlin press service", "kind": kind}).url is None


@pytest.mark.parametrize("kind", ["article", "social_media", "dataset"])
def test_sources_that_need_a_url(kind: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Source.model_validate({"publisher": "Example", "kind": kind})
    assert [e["msg"] for e in caught.value.errors()] == [
        f"a source of kind '{kind}' needs a `url`; a source known only by name "
        "(a statement, broadcast, print or report) sets `kind` accordingly"
    ]


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/a",
        "http://example.org",
        "HTTPS://EXAMPLE.ORG/A",
        "https://例え.jp/パス",
        "https://example.org/a?b=c&d=e#f",
    ],
)
def test_accepted_urls(url: str) -> None:
    assert Source.model_validate({"publisher": "x", "url": url}).url == url


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("javascript:alert(1)", "url_scheme"),
        ("JaVaScRiPt:alert(1)", "url_scheme"),
        ("data:text/html,hi", "url_scheme"),
        ("ftp://example.org/", "url_scheme"),
        ("file:///etc/passwd", "url_scheme"),
        ("//example.org/a", "url_scheme"),
        ("example.org", "url_scheme"),
        ("https://", "url"),
        ("https:///path", "url"),
        ("https://exa mple.org", "url"),
        ("https://example.org/\u202e", "url"),
        ("https://example.org/" + "a" * 2000, "string_too_long"),
        ("https://[::1", "url"),
    ],
)
def test_refused_urls(url: str, kind: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Source.model_validate({"publisher": "x", "url": url})
    assert [e["type"] for e in caught.value.errors()] == [kind]


@pytest.mark.parametrize(
    ("summary", "kind"),
    [
        ("Plain *emphasis* and **strong** and [a link](https://example.org).", None),
        ("- a list\n- of items\n\nand a paragraph", None),
        ("Multi-line\nwith a trailing line break from a | block\n", None),
        ("A <https://example.org> autolink.", None),
        ("Compare 3 < 4 and 5 > 2.", None),
        ("Raw <b>HTML</b>.", "raw_html"),
        ("<!-- comment -->", "raw_html"),
        ("![alt](https://example.org/x.png)", "image"),
        ("[x](javascript:alert(1))", "url_scheme"),
        ("[x](relative/page)", "url_scheme"),
        ("[x][r]\n\n[r]: data:text/html,hi", "url_scheme"),
        ('--8<-- "secret.txt"', "snippet"),
        ("Text {: .class }", "attr_list"),
        ("Text { onclick=alert(1) }", "attr_list"),
        (" leading space", "plain_text"),
        ("trailing blank lines\n\n", "plain_text"),
        ("a\u202eb", "plain_text"),
        ("", "string_too_short"),
    ],
)
def test_summary_markdown_subset(summary: str, kind: str | None) -> None:
    if kind is None:
        Event.model_validate(_event(summary=summary))
        return
    with pytest.raises(ValidationError) as caught:
        Event.model_validate(_event(summary=summary))
    assert [e["type"] for e in caught.value.errors()] == [kind]


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("Scholz: „Daran wird sich nichts ändern“", None),
        ("Путин предупреждает НАТО", None),
        ("x" * 120, None),
        ("x" * 121, "string_too_long"),
        ("two\nlines", "plain_text"),
        ("one line from a | block\n", "plain_text"),
        ("zero\u200bwidth", "plain_text"),
    ],
)
def test_title_is_one_line_of_plain_text(title: str, kind: str | None) -> None:
    if kind is None:
        assert Event.model_validate(_event(title=title)).title == title
        return
    with pytest.raises(ValidationError) as caught:
        Event.model_validate(_event(title=title))
    assert [e["type"] for e in caught.value.errors()] == [kind]


def test_claimed_needs_claimed_by() -> None:
    with pytest.raises(ValidationError) as caught:
        Event.model_validate(_event(status="claimed"))
    assert [(e["type"], e["ctx"]["at"]) for e in caught.value.errors()] == [
        ("claimed_by", "status")
    ]
    assert Event.model_validate(_event(status="claimed", claimed_by=["russia"])).claimed_by == [
        "russia"
    ]


@pytest.mark.parametrize(
    ("fields", "message", "at"),
    [
        ({"actors": ["a", "b", "a"]}, "'a' appears twice in actors", "actors.2"),
        ({"tags": ["x", "x"]}, "'x' appears twice in tags", "tags.1"),
        (
            {"sources": [{**SOURCE, "id": "s"}, {**SOURCE, "id": "s"}]},
            "'s' appears twice in the ids of sources",
            "sources.1.id",
        ),
        (
            {"related": [{"event": "2024-01-01-a", "relation": "follows"}] * 2},
            "'2024-01-01-a' appears twice in related",
            "related.1.event",
        ),
        (
            {"figures": [{"value": 1, "unit": "u", "what": "w", "source": "nope"}]},
            "'nope' is not the id of one of this event's sources (known: none)",
            "figures.0.source",
        ),
        (
            {
                "sources": [{**SOURCE, "id": "b"}, {**SOURCE, "id": "a"}],
                "quotes": [{"text": "Hi.", "speaker": "x", "source": "a"}] * 2
                + [{"text": "Hi.", "speaker": "x", "source": "c"}],
            },
            "'c' is not the id of one of this event's sources (known: a, b)",
            "quotes.2.source",
        ),
    ],
)
def test_consistency_rules_name_the_value_and_the_place(
    fields: dict[str, Any], message: str, at: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        Event.model_validate(_event(**fields))
    assert [(e["msg"], e["ctx"]["at"]) for e in caught.value.errors()] == [(message, at)]


def test_sources_without_ids_do_not_clash() -> None:
    event = Event.model_validate(_event(sources=[SOURCE, SOURCE]))
    assert len(event.sources) == 2


def test_registry_models() -> None:
    actor = Actor.model_validate(
        {"name": "North Korea", "kind": "state", "native_name": "조선", "country": "KP"}
    )
    assert actor.aliases == []
    with pytest.raises(ValidationError):
        Actor.model_validate({"name": "X", "kind": "state", "country": "kp"})
    with pytest.raises(ValidationError) as caught:
        Tag.model_validate({"label": "x" * 61, "description": "d"})
    assert [e["type"] for e in caught.value.errors()] == ["string_too_long"]
    with pytest.raises(ValidationError) as caught:
        Figure.model_validate({"value": 1, "unit": "u" * 61, "what": "w"})
    assert [e["type"] for e in caught.value.errors()] == ["string_too_long"]
    for lat, lon in ((91, 0), (0, 181), (-90.5, 0)):
        with pytest.raises(ValidationError):
            Place.model_validate({"name": "P", "lat": lat, "lon": lon})
    with pytest.raises(ValidationError) as caught:
        Place.model_validate({"name": "P", "lon": 3})
    assert [(e["type"], e["ctx"]["at"]) for e in caught.value.errors()] == [("coordinates", "lat")]


# --- How errors become problems ---------------------------------------------------------------


def test_problems_are_worded_and_positioned() -> None:
    assert _errors(Event, _event(titel="x")) == [
        ("titel", "unknown_key", "unknown key 'titel'; did you mean 'title'?"),
    ]
    assert _errors(Event, _event(status="reportd")) == [
        (
            "status",
            "not_allowed",
            "'reportd' is not allowed; use one of 'confirmed', 'reported', 'claimed', "
            "'disputed' or 'denied'",
        )
    ]
    assert _errors(Event, _event(title=["a"])) == [("title", "type", "must be text, not a list")]
    assert _errors(Event, _event(sources=[])) == [
        ("sources", "too_few", "needs at least 1 item(s)")
    ]
    assert _errors(Event, _event(actors=["North Korea"])) == [
        (
            "actors[0]",
            "pattern",
            "'North Korea' must be lower-case words joined by hyphens, like north-korea",
        )
    ]


def test_unknown_key_positions_point_at_the_key() -> None:
    document = load_bytes(b"title: x\ncolour: red\n", "f.yaml").document
    assert document is not None
    with pytest.raises(ValidationError) as caught:
        Event.model_validate(document.data)
    problems = problems_from_error(caught.value, document, "f.yaml", Event)
    assert sorted((p.line, p.column, p.where, p.kind) for p in problems) == [
        (1, 1, "date", "missing_key"),  # a missing key: where its mapping starts
        (1, 1, "sources", "missing_key"),
        (1, 1, "status", "missing_key"),
        (1, 1, "summary", "missing_key"),
        (2, 1, "colour", "unknown_key"),  # an unknown key: at the key
    ]


@pytest.mark.parametrize(
    ("loc", "text"),
    [
        (("sources", 0, "url"), "sources[0].url"),
        (("figures", 2), "figures[2]"),
        (("dates", "deadlin", "[key]"), "dates.deadlin"),
        ((), ""),
        (("a\nb",), "'a\\nb'"),
        (("\x1b[31m",), "'\\x1b[31m'"),
        (("x" * 50,), "'" + "x" * 40 + "'… (50 characters)"),
    ],
)
def test_format_loc(loc: tuple[str | int, ...], text: str) -> None:
    assert format_loc(loc) == text


@pytest.mark.parametrize(
    ("relative", "role", "registry"),
    [
        ("actors.yaml", "registry", "actors"),
        ("places.yaml", "registry", "places"),
        ("tags.yaml", "registry", "tags"),
        ("2024/actors.yaml", "event", None),
        ("2024/2024-11-17-x.yaml", "event", None),
        ("2024/2024-11-17-x.yml", "event", None),
        ("README.md", "ignored", None),
        ("2024/notes.txt", "ignored", None),
    ],
)
def test_role_of(relative: str, role: str, registry: str | None) -> None:
    assert role_of(PurePosixPath(relative)) == (role, registry)
