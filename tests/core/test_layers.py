"""The structure stays as docs/architecture.md states it: read every module's imports (ast) and
check that no import runs from a lower app to a higher one and that no modules import each other
in a cycle (lazy imports inside functions included: they hide cycles, they do not remove them).

Imports under `if TYPE_CHECKING:` are left out: they only name types and never run."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "mentorbridge"

# Bottom to top; an app may import its own layer and those below it.
LAYERS = ["core", "members", "accounts", "programs", "mentorships", "matching", "outcomes"]
# The top rooms: they may import any app, and no app below imports them.
TOP = {"dashboard", "api", "community", "demo"}

# Upward imports still in the code, each with its reason; the list may only shrink (a test fails
# on an entry that is no longer needed). Written as (importing module, imported module).
KNOWN_UPWARD = {
    # Withdrawing an enrollment withdraws its open requests, which live in matching.
    ("mentorbridge.programs.services", "mentorbridge.matching.models"),
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {
        _module_name(path): path for path in PACKAGE.rglob("*.py") if "migrations" not in path.parts
    }


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                skipped.update(id(n) for n in ast.walk(child))
    return skipped


def _imports(name: str, path: Path, modules: set[str]) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    skipped = _type_checking_nodes(tree)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join([*base, node.module] if node.module else base)
            else:
                source = node.module or ""
            for alias in node.names:
                child = f"{source}.{alias.name}"
                found.add(child if child in modules else source)
    return {target for target in found if target.startswith("mentorbridge")}


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    names = set(modules)
    return {name: _imports(name, path, names) - {name} for name, path in modules.items()}


def _app(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _upward(graph: dict[str, set[str]]) -> set[tuple[str, str]]:
    found = set()
    for source, targets in graph.items():
        here = _app(source)
        if here not in LAYERS:
            continue  # the top rooms and the project's own modules (settings, urls)
        for target in targets:
            there = _app(target)
            if there in TOP or (there in LAYERS and LAYERS.index(there) > LAYERS.index(here)):
                found.add((source, target))
            elif there not in LAYERS and there not in TOP and target != "mentorbridge":
                found.add((source, target))  # settings, urls: only the project uses them
    return found


def test_no_app_imports_an_app_above_it() -> None:
    upward = _upward(_graph())
    assert upward - KNOWN_UPWARD == set(), "upward imports (see docs/architecture.md)"


def test_the_list_of_known_upward_imports_only_shrinks() -> None:
    assert KNOWN_UPWARD - _upward(_graph()) == set(), "fixed: remove it from KNOWN_UPWARD"


def test_every_app_is_placed_in_the_layers() -> None:
    apps = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert apps - {"templates", "static"} <= set(LAYERS) | TOP


def test_the_matching_engine_imports_nothing_from_django_or_the_apps() -> None:
    engine = PACKAGE / "matching" / "engine"
    for path in engine.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom) and not node.level
                else []
            )
            for name in names:
                assert not name.startswith(("django", "mentorbridge")), (path, name)


def test_no_modules_import_each_other_in_a_cycle() -> None:
    graph = _graph()
    cycles = _cycles(graph)
    assert cycles == [], cycles


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in graph:
                    continue
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found
