"""The synthetic benchmark corpus: it must be valid, deterministic and read back exactly.

A benchmark on a corpus with problems would time the error path, and an emitter that wrote
something the loader reads differently would benchmark data we never meant to write.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

import pytest
from conftest import FIXED_TODAY, REPO

from generator.loader import load_bytes
from generator.store import load_timeline


def _import_corpus() -> ModuleType:
    # benchmarks/ is a folder of scripts, not an installed package: import it by path.
    spec = importlib.util.spec_from_file_location("benchmark_corpus", REPO / "benchmarks/corpus.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


corpus = _import_corpus()


def test_generated_corpus_validates_with_zero_problems(tmp_path):
    corpus.generate(tmp_path, 50, seed=7)
    report = load_timeline(tmp_path / "events", cache_dir=None, today=FIXED_TODAY, jobs=1)
    assert [problem.as_text() for problem in report.problems] == []
    assert report.files_checked == 53
    assert len(report.timeline.records) == 50


def test_files_read_back_to_the_generated_data(tmp_path):
    events_dir = tmp_path / "events"
    built = corpus.build(200, seed=1)
    files = list(corpus.iter_files(built, events_dir))
    assert len(files) == 203
    for path, data, text in files:
        loaded = load_bytes(text.encode("utf-8"), str(path))
        assert loaded.problems == []
        assert loaded.document is not None
        assert loaded.document.data == data, path
    first = files[3][2]
    assert first.startswith("# yaml-language-server: $schema=../../schema/event.schema.json\n")


def test_same_seed_same_bytes_other_seed_other_bytes():
    def texts(seed: int) -> list[str]:
        return [text for _path, _data, text in corpus.iter_files(corpus.build(30, seed), REPO)]

    assert texts(5) == texts(5)
    assert texts(5) != texts(6)


@pytest.mark.parametrize(
    "value",
    [
        "yes",
        "no",
        "null",
        "~",
        "true",
        "12",
        "-3",
        "1.5",
        "1e3",
        ".inf",
        "0x1F",
        "2024-11-17",
        "- item",
        "a: b",
        "ends with colon:",
        "# not a comment",
        "x #y",
        "*bold*",
        "[link](https://example.org)",
        "'quoted'",
        '"double"',
        " leading space",
        "trailing space ",
        "",
        "tab\there",
        "two\nlines",
        " indented\nblock",
        "Київ, Україна",
        "평양",
        "دير الكبير",
        "back\\slash",
        "{braces}",
    ],
)
def test_emitter_keeps_every_string_a_string(value):
    data = {"text": value, "items": [value, "plain"], "nested": [{"text": value, "n": 1}]}
    loaded = load_bytes(corpus.render(data).encode("utf-8"), "x.yaml")
    assert loaded.document is not None, loaded.problems
    assert loaded.document.data == data


def test_emitter_numbers_and_booleans_round_trip():
    data = {"int": 12000, "float": 50.4501, "small": 0.1, "neg": -3, "flag": True, "off": False}
    loaded = load_bytes(corpus.render(data).encode("utf-8"), "x.yaml")
    assert loaded.document is not None
    assert loaded.document.data == data
