"""Issue 13 items 3 and 9: impossible dates and YAML bombs in curated files and sidecars.

Each case runs the real CLI in a subprocess: before the fix these printed a Python
traceback (impossible date) or a line of hundreds of megabytes (alias bomb).
The YAML and article text here are written for these tests, not data.
"""
from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, strategies as st

from atlas.core import safeyaml
from atlas.core.errors import ArticleError, ValidationError
from atlas.sources.files import load_curated, read_article
from atlas.db.store import Store

from .conftest import ROOT, SEEDS


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "atlas", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


def alias_bomb(levels: int = 9) -> str:
    """A billion-laughs document: each level lists the previous one nine times."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def with_date(curated_copy, value: str):
    path = sorted(curated_copy.glob("*.yaml"))[0]
    text = path.read_text(encoding="utf-8")
    head, sep, rest = text.partition("date_start: ")
    old = rest.split("\n", 1)[0]
    path.write_text(head + sep + value + rest[len(old):], encoding="utf-8")
    line = (head + sep).count("\n") + 1
    return path, line


@pytest.mark.parametrize("value, why", [("2024-13-45", "month must be in 1..12"),
                                        ("2024-02-30", "day is out of range for month")])
def test_impossible_curated_date_is_a_located_problem(curated_copy, value, why):
    path, line = with_date(curated_copy, value)
    proc = run("validate", "--curated", str(curated_copy))
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert f"{path.name}:{line}: date_start: " in proc.stderr
    assert f"'{value}' is not a real date: {why}" in proc.stderr


def test_impossible_date_at_app_start_keeps_the_store_serving(curated_copy):
    from atlas.sources.ingest import ensure_seeded

    store = Store("sqlite://")
    ensure_seeded(store, SEEDS, curated_copy)
    before = store.count()
    with_date(curated_copy, "2024-02-30")
    # ui.cache turns ValidationError into the sidebar warning and keeps serving; a
    # ValueError (before the fix) escaped and every page showed a traceback.
    with pytest.raises(ValidationError, match="is not a real date"):
        ensure_seeded(store, SEEDS, curated_copy)
    assert store.count() == before


def test_impossible_sidecar_date_is_one_line(tmp_path):
    (tmp_path / "a.txt").write_text("Kasachstan und China unterzeichnen ein Abkommen.\n", encoding="utf-8")
    (tmp_path / "a.meta.yaml").write_text("title: T\npublished: 2024-02-30\n", encoding="utf-8")
    proc = run("--db", str(tmp_path / "x.sqlite"), "ingest", "--no-curated", str(tmp_path / "a.txt"))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.strip() == (f"{tmp_path / 'a.meta.yaml'}:2: published: "
                                   "'2024-02-30' is not a real date: day is out of range for month")


def test_curated_alias_bomb_is_refused_in_one_short_line(curated_copy):
    (curated_copy / "bomb.yaml").write_text("facts:\n  - " + alias_bomb().replace("\n", "\n    "),
                                            encoding="utf-8")
    proc = run("validate", "--curated", str(curated_copy))
    assert proc.returncode == 1
    bomb_lines = [line for line in proc.stderr.splitlines() if "bomb.yaml" in line]
    assert bomb_lines and all(len(line) < 400 for line in bomb_lines)
    assert "aliases are expanded" in bomb_lines[0]
    assert len(proc.stderr) < 10_000


def test_sidecar_alias_bomb_title_is_refused(tmp_path):
    (tmp_path / "a.txt").write_text("Kasachstan und China unterzeichnen ein Abkommen.\n", encoding="utf-8")
    (tmp_path / "a.meta.yaml").write_text(alias_bomb() + "title: *a8\n", encoding="utf-8")
    with pytest.raises(ArticleError, match=r"a\.meta\.yaml:\d+: malformed YAML: more than 50,000 values"):
        read_article(tmp_path / "a.txt")


def test_sidecar_title_must_be_text(tmp_path):
    (tmp_path / "a.txt").write_text("Kasachstan und China unterzeichnen ein Abkommen.\n", encoding="utf-8")
    (tmp_path / "a.meta.yaml").write_text("title: [a, b]\n", encoding="utf-8")
    with pytest.raises(ArticleError, match=r"a\.meta\.yaml:1: title: must be text, got a list"):
        read_article(tmp_path / "a.txt")


def test_deep_nesting_and_recursive_aliases_are_refused(tmp_path):
    d = tmp_path / "cur"
    d.mkdir()
    (d / "deep.yaml").write_text("facts: " + "[" * 200 + "]" * 200 + "\n", encoding="utf-8")
    (d / "loop.yaml").write_text("facts: &f [*f]\n", encoding="utf-8")
    problems = sorted(str(p) for p in load_curated(d, {}).problems)
    assert problems == [
        "cur/deep.yaml:1: malformed YAML: nested more than 40 levels deep".replace("cur/", str(d) + "/"),
        "cur/loop.yaml:1: malformed YAML: alias *f refers to a value that contains it (recursive)"
        .replace("cur/", str(d) + "/"),
    ]


def test_oversized_files_are_refused_unread(tmp_path):
    d = tmp_path / "cur"
    d.mkdir()
    (d / "big.yaml").write_bytes(b"# " + b"x" * safeyaml.MAX_CURATED_BYTES + b"\nfacts: []\n")
    [problem] = load_curated(d, {}).problems
    assert str(problem) == f"{d / 'big.yaml'}: larger than the limit of {safeyaml.MAX_CURATED_BYTES:,} bytes"
    (tmp_path / "a.txt").write_text("Kasachstan.\n", encoding="utf-8")
    (tmp_path / "a.meta.yaml").write_text("title: " + "x" * safeyaml.MAX_SIDECAR_BYTES + "\n", encoding="utf-8")
    with pytest.raises(ArticleError, match=r"a\.meta\.yaml: too large: larger than the limit of 65,536 bytes"):
        read_article(tmp_path / "a.txt")


# -- item 11: NUL anywhere, spoofing characters in titles -------------------------------
def test_nul_after_the_first_8_kb_is_refused_everywhere(tmp_path):
    from atlas.sources import intake

    text = "Kasachstan und China unterzeichnen ein Abkommen.\n" * 200  # ~10 KB
    data = text.encode() + b"\x00 tail\n"
    (tmp_path / "a.txt").write_bytes(data)
    proc = run("--db", str(tmp_path / "x.sqlite"), "ingest", "--no-curated", str(tmp_path / "a.txt"))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.strip() == f"{tmp_path / 'a.txt'}: a NUL character at byte {len(text.encode()):,}; " \
                                  "not plain text"
    store = Store("sqlite://")
    out = intake.save_form(store, intake.IngestForm(text=text + "\x00 tail"))
    assert out.status == "refused" and "a NUL character at byte" in out.message
    assert store.count_articles() == 0


def test_bidi_and_zero_width_characters_leave_titles(tmp_path):
    from atlas.sources.ingest import ingest_paths

    (tmp_path / "a.txt").write_text("Kasachstan und China unterzeichnen am 12. März 2024 ein Abkommen.\n",
                                    encoding="utf-8")
    (tmp_path / "a.meta.yaml").write_text('title: "Kaza\\u200bkhstan deal \\u202eTXT.exe"\n', encoding="utf-8")
    (tmp_path / "b.txt").write_text("\u2067Usbekistan\u2069 und Russland verhandeln in Taschkent.\n",
                                    encoding="utf-8")
    store = Store("sqlite://")
    ingest_paths(store, [tmp_path], curated_dir=None)
    titles = sorted(a["title"] for a in store.articles())
    assert titles == ["Kazakhstan deal TXT.exe", "Usbekistan und Russland verhandeln in Taschkent."]
    # the stored text itself is kept exactly as read (spans index it)
    assert any("\u2067" in a.text for a in store.all_articles())


def test_curated_titles_are_cleaned(tmp_path):
    d = tmp_path / "cur"
    d.mkdir()
    (d / "x.yaml").write_text(
        'facts:\n  - id: a-fact\n    type: diplomacy\n    title: "Kaza\\u200bkhstan \\u202esummit"\n'
        "    date_start: 2023-05-19\n    date_precision: day\n    countries: [KAZ]\n"
        "    sources: [{publisher: P, title: T, date: '2023'}]\n", encoding="utf-8")
    cs = load_curated(d, {})
    assert not cs.problems and cs.facts[0].title == "Kazakhstan summit"


@given(st.text())
def test_clean_title_property(raw):
    from atlas.sources.extract.invisible import INVISIBLE
    from atlas.core.textguard import clean_title

    out = clean_title(raw)
    assert not INVISIBLE.search(out)
    assert not any(ch in out for ch in "\n\r\t\x00\x1b")
    assert out == out.strip() and "  " not in out
    assert clean_title(out) == out


def test_a_typed_value_of_the_wrong_type_is_a_located_problem(curated_copy):
    """``!!int x`` raised a bare ValueError inside PyYAML, past every ``except yaml.YAMLError``."""
    (curated_copy / "typed.yaml").write_text("facts:\n  - id: typed-1\n    confidence: !!int high\n", encoding="utf-8")
    proc = run("validate", "--curated", str(curated_copy))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    typed = [line for line in proc.stderr.splitlines() if "typed.yaml" in line]
    assert typed and typed[0].startswith(f"{curated_copy / 'typed.yaml'}:3: ")
    assert "the value is not a valid int" in typed[0]
