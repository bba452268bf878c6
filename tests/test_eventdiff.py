"""`timeline diff`: what a change means in event terms, on real git repositories."""

from __future__ import annotations

import json
import re
from pathlib import Path

import markdown
import pytest
from click.testing import CliRunner
from conftest import event_yaml

from generator.cli import main
from generator.eventdiff import (
    FieldChange,
    diff_data,
    diff_timelines,
    markdown_code,
    markdown_escape,
    render,
)
from generator.records import EventRecord
from generator.store import Timeline

ATACMS = "events/2024/2024-11-17-us-authorises-atacms.yaml"
SCHOLZ = "events/2024/2024-11-19-scholz-refuses-taurus.yaml"
PUTIN = "events/2024/2024-11-18-putin-warns-nato.yaml"
HOSTILE_TITLES = [
    "<img src=x onerror=alert(1)> zebra",
    "[click](javascript:alert(1)) zebra",
    "<script>alert(1)</script> zebra",
    "![x](https://example.org/leak.png) zebra",
    "`code` **bold** _em_ ~~strike~~ $x$ zebra",
    "@octocat #1 zebra",
    "- a list item zebra",
    "1. numbered zebra",
    "a | table | cell zebra",
]


def timeline_from(events, actors=None):
    """A Timeline from plain event data (as `model_dump(mode="json")` gives it)."""
    records = [
        EventRecord(id=key, file=f"{key}.yaml", title=data["title"], date=data["date"],
                    references=[], date_position=(1, 1), _data=data)
        for key, data in events.items()
    ]  # fmt: skip
    return Timeline(Path("events"), records, {"actors": actors or {}})


def _run(*args):
    return CliRunner().invoke(main, ["diff", *args], catch_exceptions=False)


def _edit(path, old, new):
    file = Path(path)
    text = file.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    file.write_text(text.replace(old, new), encoding="utf-8")


# --- Pure functions --------------------------------------------------------------------------


def test_scalar_changes_read_before_and_after():
    before = {"status": "reported", "figures": [{"value": 3, "unit": "troops", "what": "x"}]}
    after = {"status": "confirmed", "figures": [{"value": 12, "unit": "troops", "what": "x"}]}
    assert [change.describe() for change in diff_data(before, after)] == [
        "status: reported → confirmed",
        "figures[0].value: 3 → 12",
    ]


def test_dates_are_compared_as_dates():
    assert [
        c.describe()
        for c in diff_data({"date": {"start": "2024-11-17"}}, {"date": {"start": "2024-11-18"}})
    ] == ["date: 2024-11-17 → 2024-11-18"]
    changes = diff_data(
        {"dates": {}}, {"dates": {"delivered": {"start": "2024-11", "approximate": True}}}
    )
    assert [c.describe() for c in changes] == ["dates.delivered: (not set) → c. 2024-11"]
    ranged = diff_data(
        {"date": {"start": "2024-08-06"}}, {"date": {"start": "2024-08-06", "ongoing": True}}
    )
    assert ranged[0].describe() == "date: 2024-08-06 → 2024-08-06 – ongoing"


def test_a_removed_source_shows_its_publisher_and_url():
    keep = {"publisher": "Kept", "url": "https://example.org/kept"}
    gone = {"publisher": "Bloomberg", "title": "Report", "url": "https://example.org/gone"}
    changes = diff_data({"sources": [gone, keep]}, {"sources": [keep]})
    assert [c.describe() for c in changes] == [
        "sources: removed Bloomberg “Report” (https://example.org/gone)"
    ]


def test_list_items_are_matched_by_key_not_position():
    first = {"value": 1, "unit": "shells", "what": "shells"}
    second = {"value": 2, "unit": "troops", "what": "troops"}
    changed = {"value": 5, "unit": "troops", "what": "troops"}
    changes = diff_data({"figures": [first, second]}, {"figures": [changed, first]})
    assert [c.describe() for c in changes] == ["figures[0].value: 2 → 5"]
    names = diff_data({"actors": ["a", "b"]}, {"actors": ["b", "c"]})
    assert [c.describe() for c in names] == ["actors: removed a", "actors: added c"]


def test_an_edited_source_is_a_change_of_that_source():
    before = {"sources": [{"id": "s", "publisher": "A", "url": "https://example.org/1"}]}
    after = {"sources": [{"id": "s", "publisher": "A", "url": "https://example.org/2"}]}
    assert [c.describe() for c in diff_data(before, after)] == [
        "sources[0].url: https://example.org/1 → https://example.org/2"
    ]


def test_long_text_shows_the_part_that_differs():
    base = "word " * 60
    change = FieldChange("summary", "changed", base + "old ending", base + "new ending")
    before, after = change.detail().split(" → ")
    assert "old ending" in before
    assert "new ending" in after
    assert len(before) < 130


def test_diff_timelines_registries_and_renames():
    event = {
        "title": "A",
        "date": {"start": "2024-05-01"},
        "status": "confirmed",
        "summary": "S.",
        "sources": [{"publisher": "P", "url": "https://example.org/a"}],
    }
    before = timeline_from({"2024-05-01-a": event}, actors={"x": {"name": "X", "kind": "person"}})
    after = timeline_from(
        {"2024-05-01-a-renamed": event},
        actors={"x": {"name": "X2", "kind": "person"}, "y": {"name": "Y", "kind": "state"}},
    )
    result = diff_timelines(before, after)
    assert [(e.kind, e.old_id, e.id) for e in result.events] == [
        ("renamed", "2024-05-01-a", "2024-05-01-a-renamed")
    ]
    assert [(r.registry, r.kind, r.id) for r in result.registries] == [
        ("actors", "changed", "x"),
        ("actors", "added", "y"),
    ]
    assert result.registries[0].changes[0].describe() == "name: X → X2"


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_markdown_escape_keeps_untrusted_text_literal(title):
    html = markdown.markdown(f"- {markdown_escape(title)}")
    assert not re.search(r"<(?!/?(ul|li)>)", html), html
    # What renders is the text itself (entities aside), with no markup.
    text = re.sub(r"<[^>]+>", "", html).replace("&lt;", "<").replace("&gt;", ">")
    text = text.replace("&amp;", "&").replace("&#8203;", "\u200b")
    assert text.replace("\\$", "$").replace("\\|", "|").replace("\\~", "~").strip() == (
        title.replace("@", "@\u200b")
    )


def test_markdown_code_survives_backticks():
    assert markdown_code("a`b") == "``a`b``"
    assert markdown_code("`x") == "`` `x ``"
    html = markdown.markdown(markdown_code("<b>x</b>"))
    assert "<b>" not in html
    assert "&lt;b&gt;" in html


def test_render_json_and_text_without_changes():
    empty = diff_timelines(timeline_from({}), timeline_from({}))
    assert render(empty, "text", "main") == "Changes since main: no changes to events or registries"
    assert json.loads(render(empty, "json", "main"))["counts"] == {
        "added": 0,
        "removed": 0,
        "changed": 0,
        "renamed": 0,
    }


# --- The command on real repositories --------------------------------------------------------


def test_add_remove_and_change_events(git_store):
    _edit(SCHOLZ, "status: confirmed", "status: reported")
    _edit(ATACMS, "value: 12000", "value: 14000")
    _edit(ATACMS, "    archive_url: https://example.org/archive/atacms\n", "")
    _edit(
        "events/2024/2024-11-eu-shells-delivered-late.yaml",
        "  - publisher: European External Action Service",
        "  - publisher: Example News\n    url: https://example.org/more\n"
        "  - publisher: European External Action Service",
    )
    git_store.write("events/2024/2024-11-21-new-event.yaml", event_yaml("2024-11-21", "New one"))
    (git_store.path / "events/2024/2024-11-north-korea-paid-for-troops.yaml").unlink()
    before_status = git_store.git("status", "--porcelain")

    result = _run("HEAD")

    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Changes since HEAD: 1 event added, 1 removed, 3 changed",
        "~ 2024-11-eu-shells-delivered-late (c. 2024-11): "
        "EU delivers its millionth shell, eight months late",
        "    sources: added Example News (https://example.org/more)",
        "~ 2024-11-17-us-authorises-atacms (2024-11-17): "
        "US authorises Ukraine to strike inside Russia with ATACMS",
        "    figures[0].value: 12000 → 14000",
        "    sources[0].archive_url: https://example.org/archive/atacms → (not set)",
        "~ 2024-11-19-scholz-refuses-taurus (2024-11-19): "
        "Scholz again refuses to send Taurus missiles",
        "    status: confirmed → reported",
        "+ 2024-11-21-new-event (2024-11-21): New one",
        "- 2024-11-north-korea-paid-for-troops (2024-11): "
        "North Korea is paid for the troops it sends",
    ]
    # The work tree is read, never rewritten.
    assert git_store.git("status", "--porcelain") == before_status


def test_committed_changes_against_a_branch(git_store):
    git_store.git("checkout", "-q", "-b", "feature")
    _edit(SCHOLZ, "status: confirmed", "status: disputed")
    git_store.commit("dispute", "2024-11-22T12:00:00+00:00")
    result = _run("main", "--format", "json")
    data = json.loads(result.output)
    assert data["counts"]["changed"] == 1
    assert data["events"][0]["changes"] == [
        {"path": "status", "kind": "changed", "before": "confirmed", "after": "disputed"}
    ]


def test_renamed_file_is_one_event_with_a_new_id(git_store):
    git_store.git("mv", PUTIN, "events/2024/2024-11-18-putin-warns-nato-countries.yaml")
    result = _run("HEAD")
    assert result.output.splitlines()[:2] == [
        "Changes since HEAD: 1 event renamed",
        "> 2024-11-18-putin-warns-nato → 2024-11-18-putin-warns-nato-countries (2024-11-18): "
        "Putin warns that long-range strikes would mean NATO is at war with Russia",
    ]


def test_renamed_file_with_a_new_date(git_store):
    git_store.git("mv", SCHOLZ, "events/2024/2024-11-20-scholz-refuses-taurus.yaml")
    _edit(
        "events/2024/2024-11-20-scholz-refuses-taurus.yaml",
        "date: 2024-11-19\n",
        "date: 2024-11-20\n",
    )
    lines = _run("HEAD").output.splitlines()
    assert lines[1].startswith("> 2024-11-19-scholz-refuses-taurus → 2024-11-20-scholz")
    assert lines[2] == "    date: 2024-11-19 → 2024-11-20"


def test_registry_changes(git_store):
    _edit("events/actors.yaml", "  name: Joe Biden", "  name: Joseph R. Biden")
    with open("events/tags.yaml", "a", encoding="utf-8") as handle:
        handle.write("new-tag:\n  label: New tag\n  description: A new tag.\n")
    lines = _run("HEAD").output.splitlines()
    assert lines == [
        "Changes since HEAD: actors: 1 changed; tags: 1 added",
        "~ actors: joe-biden (Joseph R. Biden)",
        "    name: Joe Biden → Joseph R. Biden",
        "+ tags: new-tag (New tag)",
    ]


@pytest.mark.parametrize("title", HOSTILE_TITLES[:4])
def test_hostile_text_in_markdown_is_literal(git_store, title):
    quoted = json.dumps(title)
    git_store.write(
        "events/2024/2024-11-22-hostile.yaml",
        event_yaml("2024-11-22", quoted).replace(
            "publisher: Example News", f"publisher: {json.dumps(title)}"
        ),
    )
    _edit(
        ATACMS,
        "  - id: example\n    publisher: Example News",
        f"  - id: example\n    publisher: {quoted}",
    )
    result = _run("HEAD", "--format", "markdown")
    assert result.exit_code == 0
    html = markdown.markdown(result.output)
    assert "<img" not in html
    assert "<script" not in html
    assert "<a " not in html
    assert "2024\\-11\\-22" not in result.output  # dates are not over-escaped
    assert "`2024-11-22-hostile`" in result.output
    assert "sources[0].publisher" in result.output


def test_markdown_body_for_a_pr_comment(git_store):
    _edit(SCHOLZ, "status: confirmed", "status: reported")
    result = _run("HEAD", "--format", "markdown")
    assert result.output == (
        "### Timeline changes since `HEAD`\n"
        "\n"
        "**1 event changed**\n"
        "\n"
        "#### Changed events\n"
        "\n"
        "- `2024-11-19-scholz-refuses-taurus` · 2024-11-19 · Scholz again refuses to send "
        "Taurus missiles\n"
        "  - `status`: confirmed → reported\n"
    )


def test_invalid_files_are_noted_not_fatal(git_store):
    git_store.write("events/2024/2024-11-23-broken.yaml", "title: [unclosed\n")
    result = _run("HEAD")
    assert result.exit_code == 0
    assert result.output.splitlines()[-1].startswith(
        "warning: 1 validation problem in the working tree"
    )


def test_a_file_fixed_since_ref_counts_as_added(git_store):
    git_store.write("events/2024/2024-11-23-fixed.yaml", "title: [unclosed\n")
    git_store.commit("broken")
    git_store.write("events/2024/2024-11-23-fixed.yaml", event_yaml("2024-11-23", "Fixed"))
    lines = _run("HEAD").output.splitlines()
    assert lines == [
        "Changes since HEAD: 1 event added",
        "+ 2024-11-23-fixed (2024-11-23): Fixed",
        "warning: 1 changed file was not valid at HEAD: left out",
    ]


def test_no_events_folder_at_ref(git_store, make_repo):
    git_store.git("checkout", "-q", "--orphan", "empty")
    git_store.git("rm", "-rq", "--cached", "events")
    git_store.write("README.md", "empty\n")
    git_store.git("add", "README.md")
    git_store.git("commit", "-q", "-m", "empty branch")
    git_store.git("checkout", "-q", "-f", "main")
    result = _run("empty")
    assert result.exit_code == 0
    assert result.output.startswith("Changes since empty: 8 events added")
    assert "warning: there was no events folder at empty" in result.output


@pytest.mark.parametrize(
    ("ref", "message"),
    [("no-such-ref", "unknown git reference 'no-such-ref'"), ("-x", "'-x' is not a valid git")],
)
def test_bad_ref_is_a_usage_error(git_store, ref, message):
    result = CliRunner().invoke(main, ["diff", "--", ref])
    assert result.exit_code == 2
    assert message in result.output


def test_outside_git(store):
    result = CliRunner().invoke(main, ["diff", "HEAD"])
    assert result.exit_code == 2
    assert "not inside a git repository" in result.output
