"""The mkdocs adapter, hook by hook, on a small site in a temporary folder (no full build)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import REPO
from markupsafe import Markup
from mkdocs.config import load_config
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, InclusionLevel, get_files
from mkdocs.structure.pages import Page

from generator.plugin import HOME_MARKER, STYLESHEET, THEME_DIR, TimelinePlugin
from generator.store import load_timeline

STORE = REPO / "tests" / "fixtures" / "site"


def _project(tmp_path: Path, store: Path = STORE, *, custom_dir: bool = True) -> Path:
    docs = tmp_path / "docs"
    (docs / "overrides").mkdir(parents=True)
    (docs / "index.md").write_text(f"# Welcome\n\n{HOME_MARKER}\n\nAfter.\n", encoding="utf-8")
    theme = "  custom_dir: docs/overrides\n" if custom_dir else ""
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        "site_name: Test\n"
        "site_url: https://example.org/\n"
        "repo_url: https://example.org/repo\n"
        "edit_uri: edit/main/docs/\n"
        f"theme:\n  name: material\n{theme}"
        f"plugins:\n  - search\n  - timeline:\n      events_dir: {store}\n      cache: false\n",
        encoding="utf-8",
    )
    return config


def _configured(config_file: Path):
    config = load_config(str(config_file))
    config = config.plugins.on_config(config)
    plugin = config.plugins["timeline"]
    assert isinstance(plugin, TimelinePlugin)
    return config, plugin


def _files(config):
    files = get_files(config)
    return config.plugins.on_files(files, config=config)


def test_on_config_adds_theme_layer_after_custom_dir_stylesheet_and_watch(tmp_path):
    config, plugin = _configured(_project(tmp_path))
    dirs = config.theme.dirs
    assert dirs[0].endswith("overrides")
    assert dirs[1] == THEME_DIR
    assert STYLESHEET in config.extra_css
    assert str(STORE) in config.watch
    assert plugin.events_root == STORE


def test_theme_layer_goes_first_without_custom_dir(tmp_path):
    config, _ = _configured(_project(tmp_path, custom_dir=False))
    assert config.theme.dirs[0] == THEME_DIR


def test_on_files_adds_generated_pages_outside_the_nav(tmp_path):
    config, plugin = _configured(_project(tmp_path))
    files = _files(config)
    event = files.get_file_from_path("events/2024-08-06-incursion/index.md")
    assert event is not None
    assert event.generated_by == "timeline"
    assert event.inclusion == InclusionLevel.NOT_IN_NAV
    assert event.url == "events/2024-08-06-incursion/"
    chronology = files.get_file_from_path("chronology/index.md")
    assert chronology.inclusion == InclusionLevel.INCLUDED
    for uri in [
        "chronology/2024/11/newest-first/index.md",
        "actors/ukraine/index.md",
        "places/index.md",
        "tags/markup-tag/index.md",
    ]:
        assert files.get_file_from_path(uri) is not None
    # The hand-written home page stays; its generated part is added to it.
    assert files.get_file_from_path("index.md").generated_by is None
    assert plugin.home_is_written


def test_edit_links_open_the_yaml_file(tmp_path):
    """docs/ and events/ side by side, as in the repository: edit_uri points at docs/."""
    shutil.copytree(STORE, tmp_path / "events")
    config, _ = _configured(_project(tmp_path, Path("events")))
    files = _files(config)
    file = files.get_file_from_path("events/2024-08-06-incursion/index.md")
    assert file.edit_uri == "../events/2024/2024-08-06-incursion.yaml"
    page = Page(None, file, config)
    assert page.edit_url == (
        "https://example.org/repo/edit/main/events/2024/2024-08-06-incursion.yaml"
    )
    tags = Page(None, files.get_file_from_path("tags/military-aid/index.md"), config)
    assert tags.edit_url == "https://example.org/repo/edit/main/events/tags.yaml"
    assert files.get_file_from_path("chronology/index.md").edit_uri is None


def test_generated_markdown_is_empty_and_titles_are_escaped(tmp_path):
    config, plugin = _configured(_project(tmp_path))
    files = _files(config)
    file = files.get_file_from_path("events/2024-11-17-strikes-authorised/index.md")
    page = Page(None, file, config)
    page.read_source(config)
    assert plugin.on_page_markdown(page.markdown, page=page, config=config, files=files) == ""
    title = page.meta["title"]
    assert isinstance(title, Markup)
    assert title.startswith("&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt; Strikes")
    assert "&quot;authorised&quot;" in title
    assert "<" not in page.meta["description"]
    assert page.title == title
    month = Page(None, files.get_file_from_path("chronology/2024/11/index.md"), config)
    month.read_source(config)
    plugin.on_page_markdown(month.markdown, page=month, config=config, files=files)
    assert month.meta["search"] == {"exclude": True}


def test_on_page_content_replaces_generated_html_and_fills_the_home_page(tmp_path):
    config, plugin = _configured(_project(tmp_path))
    files = _files(config)
    file = files.get_file_from_path("events/2024-08-06-incursion/index.md")
    page = Page(None, file, config)
    html = plugin.on_page_content("<p>ignored</p>", page=page, config=config, files=files)
    assert "ignored" not in html
    assert 'data-event-id="2024-08-06-incursion"' in html
    assert 'href="../../places/kursk-oblast/"' in html
    assert '"url":"https://example.org/events/2024-08-06-incursion/"' in html
    home = Page("Home", files.get_file_from_path("index.md"), config)
    html = plugin.on_page_content(
        f"<h1>Welcome</h1>\n{HOME_MARKER}\n<p>After.</p>", page=home, config=config, files=files
    )
    assert HOME_MARKER not in html
    assert html.index("Latest events") < html.index("After.")
    assert 'href="events/2024-11-19-taurus-refused/"' in html


def test_home_page_is_generated_when_not_written(tmp_path):
    config, plugin = _configured(_project(tmp_path))
    (tmp_path / "docs" / "index.md").unlink()
    files = _files(config)
    assert files.get_file_from_path("index.md").generated_by == "timeline"
    assert not plugin.home_is_written


def test_invalid_store_fails_the_build_listing_problems(tmp_path):
    store = tmp_path / "store"
    shutil.copytree(STORE, store)
    (store / "2024" / "2024-08-06-incursion.yaml").write_text(
        "title: Broken\ndate: 2024-08-06\nstatus: reportd\n", encoding="utf-8"
    )
    config, _ = _configured(_project(tmp_path, store))
    with pytest.raises(PluginError) as raised:
        _files(config)
    message = str(raised.value)
    assert "the events are not valid" in message
    assert "2024-08-06-incursion.yaml:3:9: status:" in message
    assert "not_allowed" in message


def test_missing_store_is_a_clear_error(tmp_path):
    config, _ = _configured(_project(tmp_path, tmp_path / "nowhere"))
    with pytest.raises(PluginError, match="no events folder at"):
        _files(config)


def test_hand_written_page_at_a_generated_address_is_an_error(tmp_path):
    config, _ = _configured(_project(tmp_path))
    (tmp_path / "docs" / "chronology").mkdir()
    (tmp_path / "docs" / "chronology" / "index.md").write_text("# Mine\n", encoding="utf-8")
    with pytest.raises(PluginError, match="would hide the generated page"):
        _files(config)


def test_disabled_plugin_changes_nothing(tmp_path):
    config_file = _project(tmp_path)
    config_file.write_text(
        config_file.read_text(encoding="utf-8") + "      enabled: false\n", encoding="utf-8"
    )
    config, _ = _configured(config_file)
    assert THEME_DIR not in config.theme.dirs
    files = _files(config)
    assert [file.src_uri for file in files if isinstance(file, File) and file.generated_by] == []


def test_data_downloads_and_feeds_are_published(tmp_path):
    config, plugin = _configured(_project(tmp_path))
    files = _files(config)
    plugin.data_writer.finish(plugin.timeline, config)  # a forked child wrote them meanwhile
    for uri in ["data/timeline.json", "data/timeline.csv", "feeds/atom.xml"]:
        file = files.get_file_from_path(uri)
        assert file is not None, uri
        assert (Path(config.site_dir) / uri).read_bytes()
    plugin.on_build_error(error=RuntimeError("the test ends here"))  # drops the staging folder
    page = Page(None, files.get_file_from_path("actors/quoting-actor/index.md"), config)
    page.read_source(config)
    plugin.on_page_markdown(page.markdown, page=page, config=config, files=files)
    assert page.meta["timeline_feeds"] == [
        {"href": "feeds/atom.xml", "title": "Latest events (Atom)"},
        {
            "href": "feeds/actors/quoting-actor.xml",
            "title": 'Events involving "><img src=x onerror=alert(1)> Quoting Actor (Atom)',
        },
    ]


def test_downloads_can_be_turned_off(tmp_path):
    config_file = _project(tmp_path)
    config_file.write_text(
        config_file.read_text(encoding="utf-8") + "      downloads: false\n", encoding="utf-8"
    )
    config, _ = _configured(config_file)
    files = _files(config)
    assert files.get_file_from_path("feeds/atom.xml") is None


def test_summaries_can_be_left_out_of_search(tmp_path):
    config_file = _project(tmp_path)
    config_file.write_text(
        config_file.read_text(encoding="utf-8") + "      search_summaries: false\n",
        encoding="utf-8",
    )
    config, plugin = _configured(config_file)
    files = _files(config)
    page = Page(None, files.get_file_from_path("events/2024-08-06-incursion/index.md"), config)
    html = plugin.on_page_content("", page=page, config=config, files=files)
    assert '<div class="tl-event__summary" data-search-exclude="true">' in html


@pytest.mark.parametrize("store", [STORE, REPO / "events"])
def test_markdown_texts_from_the_records_data_equal_those_of_the_models(store):
    """A build renders the Markdown while the models are built, from the records' data."""
    from generator.plugin_support import data_markdown_texts, markdown_texts

    timeline = load_timeline(store, cache_dir=None, jobs=1).timeline
    assert data_markdown_texts(timeline) == markdown_texts(timeline)
