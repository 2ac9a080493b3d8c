"""Bounded YAML read through libyaml's parser (quick first start) refuses and reads
exactly what the pure-Python reading did: same values, same line numbers, same
refusals with the same messages and lines. The YAML here is written for these tests.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings, strategies as st

from atlas.core import safeyaml
from atlas.sources.files import _LineLoader

from .conftest import ROOT
from .test_harden_files import alias_bomb

pytestmark = pytest.mark.skipif(safeyaml.CParser is None, reason="this PyYAML has no libyaml")


def outcome(text: str, loader: type) -> tuple:
    """What one loader makes of ``text``: ("ok", value) or ("error", problem, line)."""
    try:
        return ("ok", yaml.load(text, Loader=loader))
    except yaml.YAMLError as exc:
        return ("error", safeyaml.problem_text(exc), safeyaml.problem_line(exc))


def shipped_yaml() -> list[Path]:
    return sorted(p for pattern in ("data/curated/*.yaml", "seeds/*.yaml", "*.yaml")
                  for p in ROOT.glob(pattern))


@pytest.mark.parametrize("path", shipped_yaml(), ids=lambda p: p.name)
def test_shipped_files_read_the_same_on_libyaml_with_their_line_numbers(path):
    text = path.read_text(encoding="utf-8")
    fast = outcome(text, safeyaml.on_libyaml(_LineLoader))
    assert fast[0] == "ok"
    assert fast == outcome(text, _LineLoader)


REFUSALS = [
    (alias_bomb(), "more than 50,000 values once aliases are expanded (an alias bomb?)", 5),
    ("title: ok\nfacts: " + "[" * 60 + "]" * 60 + "\n", "nested more than 40 levels deep", 2),
    ("a: 1\nfacts: &f [x, *f]\n", "alias *f refers to a value that contains it (recursive)", 2),
    ("a: &m {b: *m}\n", "alias *m refers to a value that contains it (recursive)", 1),
]


@pytest.mark.parametrize("text,problem,line", REFUSALS, ids=["bomb", "deep", "recursive", "recursive-map"])
def test_libyaml_reading_refuses_bombs_depth_and_loops_like_the_pure_one(text, problem, line):
    assert outcome(text, safeyaml.on_libyaml(safeyaml.BoundedLoader)) == ("error", problem, line)
    assert outcome(text, safeyaml.BoundedLoader) == ("error", problem, line)
    with pytest.raises(yaml.YAMLError) as info:
        safeyaml.load(text)
    assert (safeyaml.problem_text(info.value), safeyaml.problem_line(info.value)) == (problem, line)


@pytest.mark.parametrize("text", ["a: [1, 2\nb: 3\n", "a: b: c\n", "- a\nb: c\n", "a: 'x\n", "a: *nowhere\n",
                                  "a: &x 1\nb: &x 2\nc: [*x, \x07]\n", "\tfacts: []\n"])
def test_malformed_yaml_reports_the_pure_parsers_message_and_line(text):
    with pytest.raises(yaml.YAMLError) as info:
        safeyaml.load(text, _LineLoader)
    try:
        yaml.load(text, Loader=_LineLoader)
    except yaml.YAMLError as exc:
        pure = exc
    assert type(info.value) is type(pure)
    assert (safeyaml.problem_text(info.value), safeyaml.problem_line(info.value)) == \
        (safeyaml.problem_text(pure), safeyaml.problem_line(pure))


PARTING = [  # text, what the pure parser makes of it, what libyaml's events make of it
    ("a: 1\tb\n", ("error", "found character '\\t' that cannot start any token", 1), ("ok", {"a": "1\tb"})),
    ("a: |#\n", ("error", "expected chomping or indentation indicators, but found '#'", 1), ("ok", {"a": ""})),
    ("\n\ufeffyes\n", ("ok", "\ufeffyes"), ("ok", True)),
    ("- !\n", ("ok", [None]), ("ok", [""])),
]


@pytest.mark.parametrize("text,pure,libyaml", PARTING, ids=["tab", "block-comment", "bom", "bare-tag"])
def test_texts_where_libyaml_reads_otherwise_are_left_to_the_pure_parser(text, pure, libyaml):
    """Found by the random test below: each is read as the pure parser reads it."""
    assert outcome(text, safeyaml.BoundedLoader) == pure
    assert outcome(text, yaml.CSafeLoader) == libyaml
    assert safeyaml_load_outcome(text, safeyaml.BoundedLoader) == pure


def test_a_valid_document_is_read_by_libyaml_only(monkeypatch):
    used = []
    real = yaml.load
    monkeypatch.setattr(yaml, "load", lambda text, Loader: used.append(Loader) or real(text, Loader=Loader))
    assert safeyaml.load("when: 2024-02-30\nlist: [1, 2]\n") == {"when": "2024-02-30", "list": [1, 2]}
    assert used == [safeyaml.on_libyaml(safeyaml.BoundedLoader)]
    assert issubclass(used[0], safeyaml.CParser)


# Text made of YAML's own punctuation, words and line breaks: whatever it is, both readings agree.
_PIECES = st.sampled_from(["a", "b", "x: ", "- ", "? ", ": ", "&a ", "*a", "&b ", "*b", "[", "]", "{", "}",
                           ", ", "'", '"', "\\", "#", " #", "|", ">", "|-", ">+", "|2", "!", "!!str ", "!foo ",
                           "%YAML 1.1\n", "%", "---", "...", "\n", "\n  ", "\n    ", "\t", " ", "2024-02-30",
                           "2024-01-05", "1", "1.5", "~", "null", "yes", "<<: ", "é", "Ж", "\u2028", "\x85",
                           "\r\n", "\r", "\ufeff", "@", "`", "\\x41", "\\/", "\x00", "\x7f"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_libyaml_and_pure_readings_agree_on_any_text(text):
    assert safeyaml_load_outcome(text) == outcome(text, _LineLoader)


def safeyaml_load_outcome(text: str, loader: type = _LineLoader) -> tuple:
    try:
        return ("ok", safeyaml.load(text, loader))
    except yaml.YAMLError as exc:
        return ("error", safeyaml.problem_text(exc), safeyaml.problem_line(exc))
