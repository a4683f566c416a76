"""The shape of the code, as a newcomer meets it: module sizes, function sizes, regex
literals outside the language data, and import cycles among `rag/` and `ui/` modules.

    .venv/bin/python benchmarks/code_shape.py          # prints the figures and the offenders

`tests/test_code_shape.py` holds the same figures to the bars of docs/architecture.md.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("rag", "ui")
# The language data holds every word list and pattern; it may be as long as the genre needs.
LANGUAGE_DATA = "rag/language.py"
MAX_MODULE_LINES = 450
MAX_FUNCTION_LINES = 100
MAX_REGEX_LITERALS = 20
REGEX_CALLS = {"compile", "search", "match", "fullmatch", "findall", "finditer", "sub", "subn", "split"}


@dataclass
class Shape:
    module_lines: dict[str, int] = field(default_factory=dict)
    long_functions: list[tuple[str, int]] = field(default_factory=list)
    regex_literals: list[str] = field(default_factory=list)
    cycles: list[list[str]] = field(default_factory=list)


def modules() -> dict[str, Path]:
    """Dotted module name -> file, for every module of the packages."""
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _imports(tree: ast.Module, name: str, is_package: bool, known: set[str]) -> set[str]:
    """The project modules `name` imports, at import time or inside a function: a lazy
    import still ties the two modules together."""
    found: set[str] = set()
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = name.split(".")[: len(name.split(".")) - node.level + (1 if is_package else 0)]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{a.name}" for a in node.names] + [base]
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def _regex_literals(tree: ast.Module, where: str) -> list[str]:
    out = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in REGEX_CALLS
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "re"
            and node.args
            and isinstance(node.args[0], (ast.Constant, ast.JoinedStr))
        ):
            out.append(f"{where}:{node.lineno}")
    return out


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    sys.setrecursionlimit(10_000)

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    return out


def measure() -> Shape:
    shape = Shape()
    found = modules()
    graph: dict[str, set[str]] = {}
    for name, path in found.items():
        where = str(path.relative_to(ROOT))
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        shape.module_lines[where] = len(source.splitlines())
        graph[name] = _imports(tree, name, path.name == "__init__.py", set(found))
        # A package imports its submodules through its own name: that is no cycle.
        graph[name] = {m for m in graph[name] if not m.startswith(name + ".") or path.name != "__init__.py"}
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    shape.long_functions.append((f"{where}:{node.name}", length))
        if where != LANGUAGE_DATA:
            shape.regex_literals += _regex_literals(tree, where)
    shape.cycles = _cycles(graph)
    return shape


def main() -> int:
    shape = measure()
    big = {m: n for m, n in shape.module_lines.items() if n > MAX_MODULE_LINES and m != LANGUAGE_DATA}
    print(f"modules: {len(shape.module_lines)}; largest: {max(shape.module_lines.items(), key=lambda x: x[1])}")
    print(f"modules over {MAX_MODULE_LINES} lines (language data aside): {len(big)} {big}")
    print(f"functions over {MAX_FUNCTION_LINES} lines: {len(shape.long_functions)} {shape.long_functions}")
    print(f"regex literals outside {LANGUAGE_DATA}: {len(shape.regex_literals)} (bar {MAX_REGEX_LITERALS})")
    for place in shape.regex_literals:
        print(f"  {place}")
    print(f"import cycles: {len(shape.cycles)} {shape.cycles}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
