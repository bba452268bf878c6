"""Event Markdown's HTML kept between builds: reused, pruned, and never trusted."""

from __future__ import annotations

import json

from generator import markdown_cache, markup


def test_rendered_html_comes_back_in_a_new_build(tmp_path, monkeypatch):
    text = "A *first* [link](https://example.org/a)"
    html = markup.render_markdown(text)
    assert markdown_cache.save_rendered(tmp_path, {text}, set())
    monkeypatch.setattr(markup, "_RENDERED", {})
    monkeypatch.setattr(markup, "_markdown", lambda: 1 / 0)  # rendering again would fail
    assert markdown_cache.load_rendered(tmp_path) == {text}
    assert markup.render_markdown(text) == html


def test_only_the_stores_texts_are_kept_and_old_versions_go(tmp_path):
    old = tmp_path / "markdown-0123456789abcdef01234567.json"
    old.write_text("{}", encoding="utf-8")
    used, edited = "Kept *summary*", "An edited-away summary"
    markup.render_markdown(used)
    markup.render_markdown(edited)
    markdown_cache.save_rendered(tmp_path, {used}, set())
    stored = json.loads(markdown_cache.cache_file(tmp_path).read_text(encoding="utf-8"))
    assert list(stored) == [used]
    assert not old.exists()
    assert [p.name for p in tmp_path.iterdir()] == [markdown_cache.cache_file(tmp_path).name]


def test_an_unchanged_cache_is_not_rewritten(tmp_path):
    text = "Unchanged"
    markup.render_markdown(text)
    markdown_cache.save_rendered(tmp_path, {text}, set())
    target = markdown_cache.cache_file(tmp_path)
    before = target.stat().st_mtime_ns
    target.write_text(target.read_text(encoding="utf-8"), encoding="utf-8")
    touched = target.stat().st_mtime_ns
    assert markdown_cache.save_rendered(tmp_path, {text}, {text})
    assert target.stat().st_mtime_ns == touched >= before


def test_a_planted_cache_cannot_inject_html(tmp_path, monkeypatch):
    text = "Harmless summary"
    planted = {text: '<p onclick="x()">Hi<script>alert(1)</script><a href="javascript:x">y</a></p>'}
    markdown_cache.cache_file(tmp_path).write_text(json.dumps(planted), encoding="utf-8")
    monkeypatch.setattr(markup, "_RENDERED", {})
    markdown_cache.load_rendered(tmp_path)
    html = markup.render_markdown(text)
    assert "script" not in html
    assert "onclick" not in html
    assert "javascript" not in html


def test_a_broken_or_unwritable_cache_is_no_error(tmp_path, monkeypatch):
    markdown_cache.cache_file(tmp_path).write_text("[not json", encoding="utf-8")
    monkeypatch.setattr(markup, "_RENDERED", {})
    assert markdown_cache.load_rendered(tmp_path) == set()
    blocked = tmp_path / "file"
    blocked.write_text("", encoding="utf-8")
    markup.render_markdown("x")
    assert markdown_cache.save_rendered(blocked / "sub", {"x"}, set()) is False


def test_sanitising_sanitised_html_changes_nothing():
    """What makes re-sanitising a cached entry safe to do on every build."""
    for text in ["*a* **b** [c](https://example.org/?q=1&r=2)", "- one\n- two\n\n1. x", "`<b>`"]:
        html = markup.render_markdown(text)
        assert str(markup._cleaner().clean(html)) == html
