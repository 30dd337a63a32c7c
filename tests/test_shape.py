"""The package's shape stays readable: no import cycle, no module above 400 lines, no function
above 80, and every import inside a function says why it is there (start-up, an optional extra)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "scalingtool"
MODULE_LINES = 400
FUNCTION_LINES = 80


def _modules() -> dict[str, tuple[Path, ast.Module]]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        out[name.removesuffix(".__init__")] = (path, ast.parse(path.read_text("utf-8")))
    return out


def _imports(name: str, path: Path, tree: ast.Module, known: set[str]) -> set[str]:
    """The package's modules ``name`` imports (a module's own parent packages left out: a
    package that loads its submodules is not a cycle with them)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
                base = base[:len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {m for m in found if m in known and m != name and not name.startswith(m + ".")}


def test_no_import_cycle():
    modules = _modules()
    graph = {name: _imports(name, path, tree, set(modules)) for name, (path, tree) in modules.items()}
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            assert state.get(nxt) != 1, "import cycle: " + " -> ".join(trail[trail.index(nxt):] + [node, nxt])
            if nxt not in state:
                visit(nxt, trail + [node])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [])


def test_modules_and_functions_are_short():
    long_modules, long_functions = [], []
    for name, (path, tree) in _modules().items():
        lines = path.read_text("utf-8").count("\n")
        if lines > MODULE_LINES:
            long_modules.append((name, lines))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                size = node.end_lineno - node.lineno + 1
                if size > FUNCTION_LINES:
                    long_functions.append((f"{name}.{node.name}", size))
    assert long_modules == [] and long_functions == []


def test_every_import_inside_a_function_says_why():
    silent = []
    for name, (path, tree) in _modules().items():
        lines = path.read_text("utf-8").splitlines()
        for node in ast.walk(tree):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for inner in ast.walk(node):
                if isinstance(inner, (ast.Import, ast.ImportFrom)) and inner.lineno > node.lineno:
                    # a comment on the import, or above it in the same function
                    above = lines[node.lineno:inner.lineno]
                    if not any("#" in line for line in above):
                        silent.append(f"{name}:{inner.lineno}")
    assert silent == []
