"""`timeline import`: the mapping functions, the failure mode, and that no input field is lost."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXED_TODAY, REPO, shared_data
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.cli import main
from generator.importer import plan_import
from generator.importmap import (
    QUALIFIERS,
    escape_markdown,
    map_date,
    map_qualifier,
    name_key,
    quote_language,
    split_speaker,
)
from generator.markup import markdown_to_text
from generator.models import Qualifier
from generator.slugs import slugify
from generator.store import load_timeline
from generator.text import markdown_problem

#: The neutral-form input of the shared data.
JSONL = shared_data("reported-events.jsonl")
needs_jsonl = pytest.mark.skipif(not JSONL.is_file(), reason=f"no {JSONL.name} found")
REGISTRY_FILES = ("actors.yaml", "places.yaml", "tags.yaml")


def _store(tmp_path: Path, registries: dict[str, str] | None = None) -> Path:
    """An events folder with the repository's registries (or the given ones), and no events."""
    events = tmp_path / "events"
    events.mkdir()
    for name in REGISTRY_FILES:
        if registries and name in registries:
            (events / name).write_text(registries[name], encoding="utf-8")
        else:
            shutil.copyfile(REPO / "events" / name, events / name)
    return events


def _jsonl(tmp_path: Path, *records: dict) -> Path:
    path = tmp_path / "data.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


def _record(**changes) -> dict:
    record = {
        "date": "2024-11-17",
        "date_start": None,
        "date_end": None,
        "date_precision": "day",
        "title": "US authorises strikes",
        "summary": "A summary.",
        "actors": ["Joe Biden"],
        "locations": [],
        "tags": ["ATACMS"],
        "quantities": [],
        "quotes": [],
        "sources": [{"url": None, "publisher": "Reuters", "title": None, "date": None}],
        "related": [],
        "origin": None,
    }
    record.update(changes)
    return record


def _written(events: Path) -> list[Path]:
    return sorted(events.rglob("*/*.yaml"))


# --- every field of every record survives ---------------------------------------------------


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory):
    """The real JSONL imported into a fresh store with the repository's registries."""
    events = _store(tmp_path_factory.mktemp("import"))
    result = CliRunner().invoke(main, ["import", str(JSONL), "--events", str(events)])
    assert result.exit_code == 0, result.output
    report = load_timeline(events, cache_dir=None, today=FIXED_TODAY, jobs=1)
    assert report.problems == []
    records = [json.loads(line) for line in JSONL.read_text("utf-8").splitlines()]
    return records, report.timeline


def _names(entry) -> set[str]:
    names = {getattr(entry, name, None) for name in ("name", "label", "native_name")}
    names.update(getattr(entry, "aliases", []))
    return {name_key(name) for name in names if name}


def _actor_for(timeline, candidates, name: str) -> str:
    found = [a for a in candidates if name_key(name) in _names(timeline.actors[a]) | {name_key(a)}]
    assert len(found) == 1, (name, candidates)
    return found[0]


@needs_jsonl
def test_the_whole_file_imports(imported):
    records, timeline = imported
    assert len(records) == 28
    assert len(timeline.records) == 28
    assert len({r["title"] for r in records}) == 28


@needs_jsonl
def test_every_input_field_survives(imported):
    records, timeline = imported
    by_title = {record.event.title: record for record in timeline.records}
    for number, record in enumerate(records, start=1):
        stored = by_title[record["title"]]
        event = stored.event
        where = f"line {number}"
        assert markdown_to_text(event.summary) == " ".join(record["summary"].split()), where
        assert event.status == "reported"

        start = record["date"] or record["date_start"]
        assert event.date.start.iso() == start, where
        assert (event.date.end.iso() if event.date.end else None) == record["date_end"], where
        assert event.date.approximate == (record["date_precision"] == "approximate")
        assert stored.id.startswith(f"{start}-"), where

        for name in record["actors"]:
            _actor_for(timeline, event.actors, name)

        for location in record["locations"]:
            matches = [
                timeline.places[p]
                for p in event.places
                if name_key(location["name"]) in _names(timeline.places[p]) | {name_key(p)}
            ]
            assert len(matches) == 1, (where, location)
            for key in ("native_name", "lat", "lon"):
                if location[key] is not None:
                    assert getattr(matches[0], key) == location[key], (where, location, key)

        for tag in record["tags"]:
            keys = [_names(timeline.tags[t]) | {name_key(t)} for t in event.tags]
            assert any(name_key(tag) in names for names in keys), (where, tag)

        assert len(event.figures) == len(record["quantities"]), where
        for quantity, figure in zip(record["quantities"], event.figures, strict=True):
            if isinstance(quantity["value"], list):
                assert [figure.low, figure.high] == quantity["value"]
            else:
                assert figure.value == quantity["value"]
            assert (figure.unit, figure.what) == (quantity["unit"], quantity["what"])
            field, value = map_qualifier(quantity["qualifier"])
            assert getattr(figure, field) == value, (where, quantity)

        assert len(event.quotes) == len(record["quotes"]), where
        for given_quote, quote in zip(record["quotes"], event.quotes, strict=True):
            assert quote.text == given_quote["text"]
            speaker = given_quote["speaker"]
            if quote.context is None:
                assert _actor_for(timeline, [quote.speaker], speaker) == quote.speaker
            else:
                assert speaker == f"{timeline.actors[quote.speaker].name} ({quote.context})" or (
                    _actor_for(timeline, [quote.speaker], split_speaker(speaker)[0])
                    and speaker.endswith(f"({quote.context})")
                ), (where, speaker)

        assert len(event.sources) == len(record["sources"]), where
        for given_source, source in zip(record["sources"], event.sources, strict=True):
            assert source.url == given_source["url"]
            assert source.publisher == given_source["publisher"]
            assert source.title == given_source["title"]
            assert (source.date.iso() if source.date else None) == given_source["date"]
            assert source.kind == ("report" if given_source["url"] is None else "article")

        related = {(r.event, r.relation) for r in event.related}
        for title in record["related"]:
            assert (by_title[title].id, "relates_to") in related, (where, title)
        assert len(event.related) == len(record["related"])

        origin = record["origin"]
        for key in ("publisher", "title", "url", "via"):
            assert getattr(event.origin, key) == origin[key], (where, key)


@needs_jsonl
def test_non_english_quotes_get_their_language(imported):
    _, timeline = imported
    languages = {
        quote.speaker: quote.language
        for record in timeline.records
        for quote in record.event.quotes
        if quote.language != "en"
    }
    assert languages == {"valery-gerasimov": "ru", "vladimir-putin": "uk", "serhiy-lysak": "ru"}


# --- mapping functions ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("exact", ("qualifier", "exact")),
        ("about", ("qualifier", "about")),
        ("approximately", ("qualifier", "about")),
        ("Around", ("qualifier", "about")),
        ("estimated", ("qualifier", "estimated")),
        ("up to", ("qualifier", "up_to")),
        ("up_to", ("qualifier", "up_to")),
        ("at least", ("qualifier", "at_least")),
        ("more than", ("qualifier", "more_than")),
        ("less than", ("qualifier", "less_than")),
        ("almost", ("qualifier", "almost")),
        ("target", ("qualifier", "target")),
        ("expected", ("qualifier", "expected")),
        ("reported", ("status", "reported")),
        ("claimed", ("status", "claimed")),
        ("roughly", None),
    ],
)
def test_map_qualifier(word, expected):
    assert map_qualifier(word) == expected


def test_every_qualifier_maps_to_a_schema_literal():
    from typing import get_args

    from generator.models import ClaimStatus

    for field, value in QUALIFIERS.values():
        assert value in get_args(Qualifier if field == "qualifier" else ClaimStatus)


@pytest.mark.parametrize(
    ("date", "start", "end", "precision", "expected"),
    [
        ("2024-11-17", None, None, "day", ("2024-11-17", None)),
        ("2024-03", None, None, "month", ("2024-03", None)),
        ("2024-03-15", None, None, "month", ("2024-03", None)),
        ("2024", None, None, "year", ("2024", None)),
        ("2024-11", None, None, "approximate", ({"start": "2024-11", "approximate": True}, None)),
        (None, "2024-10-08", "2024-10-13", "day",
         ({"start": "2024-10-08", "end": "2024-10-13"}, None)),
        (None, "2024-10-08", None, "day", ("2024-10-08", None)),
        ("2024-10-08", "2024-10-08", None, "day", ("2024-10-08", None)),
        (None, None, None, "day", (None, "no date: give `date` or `date_start`")),
        ("2024-03", None, None, "day", (None, "2024-03 is not precise to the day")),
        ("2024-02-30", None, None, "day", (None, "2024-02-30: February 2024 has 29 days")),
        ("2024-01-01", "2024-01-02", None, "day",
         (None, "give either `date` or `date_start`/`date_end`, not both")),
        ("2024", None, None, "week",
         (None, "date_precision 'week' is not one of day, month, year, approximate")),
    ],
)  # fmt: skip
def test_map_date(date, start, end, precision, expected):
    assert map_date(date, start, end, precision) == expected


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("US reportedly authorises Ukraine to fire ATACMS missiles into Russia",
         "us-reportedly-authorises-ukraine-fire-atacms-missiles-into"),
        ("Ukraine's defence minister confirms first clash",
         "ukraines-defence-minister-confirms-first-clash"),
        ("EU agrees €2 billion plan", "eu-agrees-2-billion-plan"),
        ("1,000 days: Zelensky speaks", "days-zelensky-speaks"),
        ("Norbert Röttgen attacks Scholz", "norbert-rottgen-attacks-scholz"),
        ("Удар по Дніпру", "event"),
    ],
)  # fmt: skip
def test_slugify(title, slug):
    assert slugify(title) == slug


@pytest.mark.parametrize(
    ("speaker", "expected"),
    [
        ("Joe Biden", ("Joe Biden", None)),
        ("Volodymyr Zelensky (to EU leaders by video link, per Axios)",
         ("Volodymyr Zelensky", "to EU leaders by video link, per Axios")),
        ("unnamed US officials (as reported by The New York Times; they did not expect it)",
         ("unnamed US officials", "as reported by The New York Times; they did not expect it")),
    ],
)  # fmt: skip
def test_split_speaker(speaker, expected):
    assert split_speaker(speaker) == expected


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Today special thanks to the United States,", "en"),
        ("перешли в наступление численностью до одной тысячи человек", "ru"),
        ("У бойових умовах було проведено в тому числі і випробування", "uk"),
        ("Путин сказал", "und"),
        ("우리는 승리할 것이다", "ko"),
    ],
)
def test_quote_language(text, language):
    assert quote_language(text) == language


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Norbert Rottgen", "Norbert Röttgen"),
        ("north korea", "north-korea"),
        ("1000 days", "1,000 days"),
        ("KOREAN PEOPLES ARMY", "Korean People's Army"),
        ("Belarus-Ukraine border", "Belarus–Ukraine border"),
    ],
)
def test_name_key_ignores_case_accents_and_punctuation(a, b):
    assert name_key(a) == name_key(b)


@pytest.mark.parametrize(
    "text",
    [
        "5 * 3 = 15 and a_b_c",
        "see [this](javascript:alert(1)) and ![img](https://example.org/x.png)",
        "<script>alert(1)</script> & &amp; &copy; AT&T",
        "`code` and \\ backslash and {: .class} and --8<-- snippet",
        "# not a heading",
        "1. not a list",
        "- not a list either",
        "> not a quote",
        "+ plus",
        "=== equals",
        "*emphasis* and __strong__",
    ],
)
def test_escaped_summary_renders_as_the_input(text):
    escaped = escape_markdown(text)
    assert markdown_problem(escaped) is None
    assert markdown_to_text(escaped) == text


def test_plain_text_is_left_alone():
    text = "At about 03:00 UTC (06:00 Moscow time) Putin announced a 'special military operation'."
    assert escape_markdown(text) == text


@settings(deadline=None)
@given(
    st.text(
        alphabet=st.characters(
            codec="utf-8", categories=("L", "N", "P", "S", "Zs"), exclude_characters="\u00a0"
        ),
        min_size=1,
        max_size=60,
    )
)
def test_any_line_of_text_round_trips(text):
    text = " ".join(text.split())
    if not text:
        return
    escaped = escape_markdown(text)
    assert markdown_problem(escaped) is None
    assert markdown_to_text(escaped) == text


# --- failure modes ----------------------------------------------------------------------------


def test_unknown_names_stop_the_import_and_name_the_line(tmp_path):
    events = _store(tmp_path)
    data = _jsonl(
        tmp_path,
        _record(),
        _record(
            title="Second",
            actors=["Joe Biden", "Nobody Known"],
            tags=["no such tag"],
            locations=[{"name": "Atlantis", "native_name": "Ἀτλαντίς", "lat": 1.5, "lon": 2.5}],
        ),
    )
    result = CliRunner().invoke(main, ["import", str(data), "--events", str(events)])
    assert result.exit_code == 1
    assert _written(events) == []
    lines = result.output.splitlines()
    assert (
        f"{data}:2:1: actors[1]: unknown actor 'Nobody Known': no id, name or alias in actors.yaml"
        ' matches; add it (check every field), e.g. nobody-known: {name: "Nobody Known",'
        ' kind: "person"} [unknown_actor]'
    ) in lines
    assert (
        f"{data}:2:1: locations[0].name: unknown place 'Atlantis': no id, name or alias in"
        ' places.yaml matches; add it (check every field), e.g. atlantis: {name: "Atlantis",'
        ' native_name: "Ἀτλαντίς", lat: 1.5, lon: 2.5} [unknown_place]'
    ) in lines
    assert any(line.startswith(f"{data}:2:1: tags[0]: unknown tag 'no such tag'") for line in lines)
    assert "3 problems in 1 of 1 files" in lines
    assert "nothing written" in result.output


def test_place_data_must_reach_the_registry(tmp_path):
    places = "kursk-oblast:\n  name: Kursk Oblast\n  kind: region\n"
    events = _store(tmp_path, {"places.yaml": places})
    location = {"name": "Kursk Oblast", "native_name": "Курская область", "lat": None, "lon": None}
    data = _jsonl(tmp_path, _record(locations=[location]))
    result = CliRunner().invoke(main, ["import", str(data), "--events", str(events)])
    assert result.exit_code == 1
    given = "locations[0].native_name: the record gives native_name 'Курская область'"
    assert given in result.output
    assert "[place_data]" in result.output
    assert _written(events) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"colour": "red"}, "colour: unknown key 'colour': it would be dropped [unknown_key]"),
        (
            {"quantities": [{"value": 1, "unit": "km", "what": "x", "qualifier": "roughly"}]},
            "quantities[0].qualifier: unknown qualifier 'roughly'",
        ),
        (
            {"sources": [{"url": None, "publisher": "X", "title": None, "date": None, "by": 1}]},
            "sources[0].by: unknown key 'by'",
        ),
        ({"related": ["A title nobody has"]}, "related[0]: no other record in the file has the"),
        ({"date": "2024-13-01"}, "date: 2024-13-01: there is no month 13 [date]"),
        ({"summary": "x" * 3001}, "summary: is 3001 characters long; the limit is 3000"),
    ],
)
def test_record_problems(tmp_path, change, message):
    events = _store(tmp_path)
    data = _jsonl(tmp_path, _record(**change))
    plan = plan_import(data, events)
    assert any(message in problem.as_text() for problem in plan.problems), [
        p.as_text() for p in plan.problems
    ]
    assert all(problem.line == 1 for problem in plan.problems)


def test_bad_json_line_is_reported(tmp_path):
    events = _store(tmp_path)
    data = tmp_path / "data.jsonl"
    data.write_text(json.dumps(_record()) + "\n{not json\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["import", str(data), "--events", str(events)])
    assert result.exit_code == 1
    assert f"{data}:2:2: not valid JSON" in result.output


def test_same_title_and_date_get_numbered_ids_and_related_resolves(tmp_path):
    events = _store(tmp_path)
    data = _jsonl(
        tmp_path,
        _record(),
        _record(summary="Again."),
        _record(date="2024-11-18", title="Later", related=["US authorises strikes"]),
    )
    plan = plan_import(data, events)
    assert [p.as_text() for p in plan.problems] == [
        f"{data}:3:1: related[0]: 2 records in the file has the title 'US authorises strikes'"
        " [related]"
    ]
    data = _jsonl(tmp_path, _record(), _record(summary="Again."))
    plan = plan_import(data, events)
    assert plan.problems == []
    assert [e.id for e in plan.events] == [
        "2024-11-17-us-authorises-strikes",
        "2024-11-17-us-authorises-strikes-2",
    ]


def test_dry_run_writes_nothing_and_existing_files_are_kept(tmp_path):
    events = _store(tmp_path)
    data = _jsonl(tmp_path, _record())
    runner = CliRunner()
    result = runner.invoke(main, ["import", str(data), "--events", str(events), "--dry-run"])
    assert result.exit_code == 0
    assert "would write" in result.output
    assert _written(events) == []
    assert runner.invoke(main, ["import", str(data), "--events", str(events)]).exit_code == 0
    assert len(_written(events)) == 1
    again = runner.invoke(main, ["import", str(data), "--events", str(events)])
    assert again.exit_code == 1
    assert "already exists [exists]" in again.output


def test_written_file_validates_and_keeps_the_short_date(tmp_path):
    events = _store(tmp_path)
    data = _jsonl(tmp_path, _record(summary="Costs *a lot* of [money]."))
    assert CliRunner().invoke(main, ["import", str(data), "--events", str(events)]).exit_code == 0
    (path,) = _written(events)
    text = path.read_text("utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schema/event.schema.json\n")
    assert "\ndate: 2024-11-17\n" in text
    report = load_timeline(events, cache_dir=None, today=FIXED_TODAY, jobs=1)
    assert report.problems == []
    (record,) = report.timeline.records
    assert record.event.sources[0].kind == "report"
    assert markdown_to_text(record.event.summary) == "Costs *a lot* of [money]."
