"""Every repository path README.md names exists: its Layout section and paths in backticks elsewhere.

Generic on purpose: the README is parsed, nothing is listed here except the rule for what looks
like a path. Runtime files (ignored by ``.gitignore``: the SQLite store, copied vendor files,
screenshots) are named by the README but not shipped, so they are not checked.
"""
from __future__ import annotations

import fnmatch
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
FENCE = re.compile(r"```[^\n]*\n(.*?)```", re.S)
INLINE = re.compile(r"`([^`\n]+)`")
# One path-looking token: letters, digits, _-.*/ ; a file needs an extension, a folder a slash.
TOKEN = re.compile(r"[\w.*\-]+(?:/[\w.*\-]*)*")
BARE_FILE = re.compile(r"^[\w\-]+\.(?:py|yaml|yml|txt|md|toml|ini|json|geojson|csv|html)$")


def ignored_patterns() -> list[str]:
    lines = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    return [ln.strip().strip("/") for ln in lines if ln.strip() and not ln.startswith("#")]


def is_ignored(path: str, patterns: list[str]) -> bool:
    parts = path.strip("/").split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    return any(fnmatch.fnmatch(p, pat) or fnmatch.fnmatch(p.rsplit("/", 1)[-1], pat)
               for p in prefixes for pat in patterns)


def exists(path: str) -> bool:
    if any(ch in path for ch in "*?["):
        return any(ROOT.glob(path.rstrip("/")))
    return (ROOT / path).exists() and (not path.endswith("/") or (ROOT / path).is_dir())


def layout_block(text: str) -> str:
    """The first fenced block of the ``## Layout`` section ('' when there is none)."""
    m = re.search(r"^## Layout\s*$(.*?)(?=^## |\Z)", text, re.M | re.S)
    fence = FENCE.search(m.group(1)) if m else None
    return fence.group(1) if fence else ""


def layout_paths(block: str) -> list[tuple[str, str]]:
    """``(path, line)`` for every entry of the Layout tree and every file its descriptions name.

    An entry is the leading run of comma-separated names on a line, inside the folder entry
    above it with less indent (a tree of any depth); a line indented past the next level is the
    previous description going on. In a description, ``name.py`` is in the entry's folder and
    a lower-case name with a slash is from the repository root.

    >>> tree = "atlas/   the engine, cli.py\\n  db/   the door\\n    store.py, schema.py  Store; see ui/page.py\\n"
    >>> [p for p, _ in layout_paths(tree)]
    ['atlas/', 'atlas/cli.py', 'atlas/db/', 'atlas/db/store.py', 'atlas/db/schema.py', 'ui/page.py']
    """
    out: list[tuple[str, str]] = []
    stack: list[tuple[int, str]] = []  # (indent, folder) of the open folder entries
    last_indent, folder = -2, ""
    for line in block.splitlines():
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        tokens = line.split()
        names: list[str] = []
        if indent <= last_indent + 2:  # an entry, not the previous description going on
            for tok in tokens:
                name = tok.rstrip(",")
                if not (name.endswith("/") or BARE_FILE.match(name) or "." in name and "/" not in name):
                    break
                names.append(name)
                if not tok.endswith(","):
                    break
        if names:
            while stack and stack[-1][0] >= indent:
                stack.pop()
            parent = stack[-1][1] if stack else ""
            last_indent = indent
            out += [(parent + n, line) for n in names]
            folder = parent + names[0] if names[0].endswith("/") else parent
            if names[0].endswith("/"):
                stack.append((indent, folder))
        for tok in tokens[len(names):]:
            word = tok.strip("(),;:'\"")
            if "/" in word and TOKEN.fullmatch(word) and word[:1].islower():
                out.append((word, line))
            elif BARE_FILE.match(word):
                out.append((folder + word, line))
    return out


def backtick_paths(text: str, roots: set[str]) -> list[tuple[str, str]]:
    """Path-looking words in backticks (inline and fenced) under a top-level folder or file."""
    spans = [m.group(1) for m in FENCE.finditer(text)]
    spans += [m.group(1) for m in INLINE.finditer(FENCE.sub("", text))]
    out = []
    for span in spans:
        for word in span.split():
            word = word.strip("(),;:'\"[]")
            if "://" in word or "$" in word or not TOKEN.fullmatch(word):
                continue
            if word.split("/")[0] in roots and ("/" in word or (ROOT / word).is_file()):
                out.append((word, span.strip().splitlines()[0][:80]))
    return out


def test_layout_section_is_parsed():
    block = layout_block(README.read_text(encoding="utf-8"))
    paths = {p for p, _ in layout_paths(block)}
    # The parser must see a tree, not nothing: the entry point, the engine and the UI folders.
    assert {"atlas/", "ui/", "tests/"} <= paths and len(paths) >= 20, sorted(paths)


def test_every_path_the_readme_names_exists():
    text = README.read_text(encoding="utf-8")
    patterns = ignored_patterns()
    named = layout_paths(layout_block(text))
    roots = {p.split("/")[0] for p, _ in named if "/" in p}
    roots |= {p.name for p in ROOT.iterdir() if not is_ignored(p.name, patterns) and not p.name.startswith(".git")}
    named += backtick_paths(text, roots)
    missing = sorted({f"{path}  (README: {line.strip()})" for path, line in named
                      if not is_ignored(path, patterns) and not exists(path)})
    assert not missing, "README.md names paths that do not exist:\n" + "\n".join(missing)
