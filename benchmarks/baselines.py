"""The sites `bench_site.py` compares the generator with, written from the same synthetic corpus.

Both baselines are what a project would build without the timeline plugin, on the same theme,
the same hand-written `docs/` and the same Markdown extensions (the repository's mkdocs.yml is
inherited; only the plugins, the nav and `docs_dir` change):

A. plain pages: one hand-written Markdown page per event under `docs/events/` (outside the nav,
   like the generator's event pages), with the title as heading, the date and status, the
   summary, a list of actors, places and tags, and the sources as links;
B. Material's blog plugin: the same events as posts in `docs/blog/posts/`, with front matter
   `date:` (the first day of a partial date), `categories:` (the tags' labels) and `slug:` (the
   event id, as two events may share a title and a date), the summary before `<!-- more -->`
   as the excerpt, authors off and the default pagination (10 posts per index page).

The pages are written from `corpus.build(n, seed)`, the data the corpus files hold, so no YAML
is read and the baselines see the same text as the generator.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from corpus import Corpus

REPO = Path(__file__).resolve().parent.parent
PAGES_DIR = "events"
BLOG_DIR = "blog"


def repo_config() -> dict[str, Any]:
    """The repository's mkdocs.yml as mkdocs reads it (its YAML tags included)."""
    from mkdocs.utils.yaml import yaml_load

    with (REPO / "mkdocs.yml").open("rb") as handle:
        return dict(yaml_load(handle) or {})


def _absolute(value: str) -> str:
    return str((REPO / value).resolve())


def write_config(work: Path, overrides: dict[str, Any]) -> Path:
    """A mkdocs.yml in `work` that inherits the repository's, with `overrides` on top.

    mkdocs resolves relative paths against the file it loads, so the parent's path-like
    settings are made absolute; lists (`plugins`, `nav`) are replaced by INHERIT, not merged.
    The file is JSON, which is valid YAML.
    """
    parent = repo_config()
    child: dict[str, Any] = {
        "INHERIT": str(REPO / "mkdocs.yml"),
        "docs_dir": _absolute(str(parent.get("docs_dir", "docs"))),
        "site_dir": str(work / "site"),
    }
    theme = parent.get("theme")
    if isinstance(theme, dict) and theme.get("custom_dir"):
        child["theme"] = {"custom_dir": _absolute(str(theme["custom_dir"]))}
    if parent.get("hooks"):
        child["hooks"] = [_absolute(str(hook)) for hook in parent["hooks"]]
    child.update(overrides)
    config = work / "mkdocs.yml"
    config.write_text(json.dumps(child, indent=2), encoding="utf-8")
    return config


def generator_config(work: Path, events: Path, **timeline_options: Any) -> Path:
    """The project's own configuration with the timeline plugin reading `events` (and any
    other options of the timeline plugin given)."""
    plugins: list[Any] = []
    for entry in repo_config().get("plugins") or ["search", "timeline"]:
        name, options = (entry, {}) if isinstance(entry, str) else next(iter(entry.items()))
        if name == "timeline":
            options = {**(options or {}), "events_dir": str(events.resolve()), **timeline_options}
        plugins.append({name: options} if options else name)
    return write_config(work, {"plugins": plugins})


def _docs_copy(work: Path) -> tuple[Path, dict[str, Any]]:
    """A copy of the hand-written docs/, and the settings that point a build at it."""
    parent = repo_config()
    docs = work / "docs"
    if docs.exists():
        shutil.rmtree(docs)
    shutil.copytree(REPO / str(parent.get("docs_dir", "docs")), docs)
    # The parent's nav also lists the generated section pages; without the plugin they would
    # only produce "not found" warnings.
    nav = [
        entry
        for entry in parent.get("nav") or []
        if not isinstance(entry, dict)
        or not isinstance(target := next(iter(entry.values())), str)
        or (docs / target).is_file()
    ]
    not_in_nav = str(parent.get("not_in_nav") or "")
    return docs, {"docs_dir": str(docs), "nav": nav, "not_in_nav": not_in_nav}


def plain_site(work: Path, corpus: Corpus) -> Path:
    """Baseline A: one Markdown page per event; returns the mkdocs.yml to build."""
    docs, settings = _docs_copy(work)
    pages = docs / PAGES_DIR
    pages.mkdir()
    for event_id, event in corpus.events:
        (pages / f"{event_id}.md").write_text(plain_page(corpus, event), encoding="utf-8")
    settings["not_in_nav"] = settings["not_in_nav"].rstrip("\n") + f"\n/{PAGES_DIR}/\n"
    return write_config(work, {**settings, "plugins": ["search"]})


def blog_site(work: Path, corpus: Corpus) -> Path:
    """Baseline B: the events as posts of Material's blog plugin; returns the mkdocs.yml."""
    docs, settings = _docs_copy(work)
    posts = docs / BLOG_DIR / "posts"
    posts.mkdir(parents=True)
    (docs / BLOG_DIR / "index.md").write_text("# Blog\n", encoding="utf-8")
    for event_id, event in corpus.events:
        (posts / f"{event_id}.md").write_text(blog_post(corpus, event_id, event), encoding="utf-8")
    settings["nav"] = [*settings["nav"], {"Blog": f"{BLOG_DIR}/index.md"}]
    plugins = ["search", {"blog": {"authors": False}}]
    return write_config(work, {**settings, "plugins": plugins})


# --------------------------------------------------------------------------------------------
# Page text


def _start(date: Any) -> str:
    return str(date["start"] if isinstance(date, dict) else date)


def _date_text(date: Any) -> str:
    """ "2024-01-08", "2024-05 – 2024-07", "2023 – ongoing (approximate)"."""
    if not isinstance(date, dict):
        return str(date)
    text = str(date["start"])
    if "end" in date:
        text += f" – {date['end']}"
    elif date.get("ongoing"):
        text += " – ongoing"
    notes = [word for word in ("approximate", "uncertain") if date.get(word)]
    return text + (f" ({', '.join(notes)})" if notes else "")


def _names(registry: dict[str, dict[str, Any]], ids: list[str], key: str = "name") -> str:
    return ", ".join(str(registry.get(item, {}).get(key, item)) for item in ids)


def _body(corpus: Corpus, event: dict[str, Any], *, more: bool) -> list[str]:
    lines = [
        f"**Date:** {_date_text(event['date'])} · {event.get('status', 'confirmed')}",
        "",
        event["summary"],
        "",
    ]
    if more:
        lines += ["<!-- more -->", ""]
    lines += [
        f"- **Actors:** {_names(corpus.actors, event.get('actors', []))}",
        f"- **Places:** {_names(corpus.places, event.get('places', []))}",
        f"- **Tags:** {_names(corpus.tags, event.get('tags', []), 'label')}",
        "",
        "## Sources",
        "",
    ]
    for source in event.get("sources", []):
        label = source.get("title") or source.get("publisher") or "source"
        publisher = source.get("publisher", "")
        url = source.get("url")
        lines.append(f"- {publisher}: [{label}]({url})" if url else f"- {publisher}: {label}")
    return lines


def plain_page(corpus: Corpus, event: dict[str, Any]) -> str:
    """A hand-written page for one event, as a site without the plugin would have it."""
    return "\n".join([f"# {event['title']}", "", *_body(corpus, event, more=False)]) + "\n"


def blog_post(corpus: Corpus, event_id: str, event: dict[str, Any]) -> str:
    """The same event as a blog post (front matter for the blog plugin, excerpt marker)."""
    start = _start(event["date"])
    day = (start + "-01-01")[:10] if len(start) < 10 else start
    categories = [str(corpus.tags[tag]["label"]) for tag in event.get("tags", [])]
    front = ["---", f"date: {day}", "categories:"]
    front += [f"  - {json.dumps(label, ensure_ascii=False)}" for label in categories]
    front += [f"slug: {event_id}", "---", ""]
    return "\n".join([*front, f"# {event['title']}", "", *_body(corpus, event, more=True)]) + "\n"
