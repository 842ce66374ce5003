"""The import rules of docs/architecture.md, checked on every module's imports (AST, deferred imports included).

Every ``import``/``from ... import`` anywhere in a module counts, inside functions too: a deferred import is
still a dependency, it only hides a cycle until run time.
"""

from __future__ import annotations

import ast
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

#: top-level package -> its folder, relative to the repository root.
PACKAGES = {
    "ned_core": "ned_core",
    "ned_node": "ned_node",
    "ned_protocol": "protocol/ned_protocol",
    "ned_nuke": "plugin_nuke/ned_nuke",
    "ned_resolve": "plugin_resolve/ned_resolve",
}

#: which of our packages each package may import (itself always; third-party and host APIs are not ours).
ALLOWED = {
    "ned_protocol": {"ned_protocol"},
    "ned_core": {"ned_core", "ned_protocol"},
    "ned_node": {"ned_node", "ned_core", "ned_protocol"},
    "ned_nuke": {"ned_nuke", "ned_protocol"},
    "ned_resolve": {"ned_resolve", "ned_protocol"},
}

#: ned_core's layers, lowest first. A module may import its own package and packages of LOWER layers only;
#: packages that share a layer are peers and do not import each other.
CORE_LAYERS: tuple[tuple[str, ...], ...] = (
    ("ned_core.exceptions", "ned_core.lazy_exports"),
    ("ned_core", "ned_core.progress", "ned_core.guards"),
    ("ned_core.io",),
    ("ned_core.models",),
    ("ned_core.analysis",),
    ("ned_core.face3d",),
    ("ned_core.direct",),
    ("ned_core.render", "ned_core.manipulation"),
    ("ned_core.composite",),
    ("ned_core.synthetic", "ned_core.evaluate"),
    ("ned_core.pipeline",),
    ("ned_core.training", "ned_core.farm"),
    ("ned_core.cli",),
)


def collect_modules(root: Path) -> dict[str, Path]:
    """Dotted module name -> file, for every ``.py`` of every package in ``PACKAGES`` under ``root``."""
    modules = {}
    for top, folder in PACKAGES.items():
        for path in sorted((root / folder).rglob("*.py")):
            parts = [top, *path.relative_to(root / folder).with_suffix("").parts]
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def _imported_names(name: str, path: Path, modules: Mapping[str, Path]) -> set[str]:
    """Absolute dotted names ``name`` imports (``from a import b`` is ``a.b`` when that is a module)."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            source = ".".join(base + ([node.module] if node.module else []))
            for alias in node.names:
                found.add(f"{source}.{alias.name}" if f"{source}.{alias.name}" in modules else source)
    return found


def import_graph(modules: Mapping[str, Path]) -> dict[str, set[str]]:
    """Module -> the modules of ours it imports (an import of a name inside a module counts as that module)."""
    graph = {}
    for name, path in modules.items():
        targets = set()
        for imported in _imported_names(name, path, modules):
            while imported and imported not in modules:
                imported = imported.rpartition(".")[0]
            if imported and imported != name:
                targets.add(imported)
        graph[name] = targets
    return graph


def package_graph(graph: Mapping[str, set[str]], modules: Mapping[str, Path]) -> dict[str, set[str]]:
    """The same edges between packages (a module belongs to the package that holds its file)."""

    def owner(module: str) -> str:
        return module if modules[module].name == "__init__.py" else module.rpartition(".")[0] or module

    packages: dict[str, set[str]] = {}
    for source, targets in graph.items():
        edges = packages.setdefault(owner(source), set())
        edges.update(owner(t) for t in targets if owner(t) != owner(source))
    return packages


def find_cycles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """Strongly connected components with more than one node, each sorted (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
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
                    cycles.append(sorted(component))
    return cycles


def _core_layer(module: str) -> tuple[int, str] | None:
    """``(layer, package)`` of a ned_core module by its longest matching layer entry."""
    best = None
    for rank, entries in enumerate(CORE_LAYERS):
        for entry in entries:
            if (module == entry or module.startswith(entry + ".")) and (best is None or len(entry) > len(best[1])):
                best = (rank, entry)
    return best


def forbidden_edges(graph: Mapping[str, set[str]]) -> list[str]:
    """Every edge that breaks ``ALLOWED`` or ``CORE_LAYERS``, as ``"a -> b (why)"``."""
    problems = []
    for source, targets in sorted(graph.items()):
        top = source.split(".")[0]
        for target in sorted(targets):
            if target.split(".")[0] not in ALLOWED[top]:
                problems.append(f"{source} -> {target} ({top} may import only {sorted(ALLOWED[top])})")
            elif top == "ned_core" and target.split(".")[0] == "ned_core":
                (low, here), (high, there) = _core_layer(source), _core_layer(target)
                if here != there and high >= low:
                    kind = "a peer of" if high == low else "a higher layer than"
                    problems.append(f"{source} -> {target} ({there} is {kind} {here})")
    return problems


def check_tree(root: Path) -> list[str]:
    """All rule breaks and cycles (modules and packages) of the tree at ``root``; empty when it is clean."""
    modules = collect_modules(root)
    graph = import_graph(modules)
    problems = forbidden_edges(graph)
    problems += [f"module cycle: {' <-> '.join(c)}" for c in find_cycles(graph)]
    problems += [f"package cycle: {' <-> '.join(c)}" for c in find_cycles(package_graph(graph, modules))]
    return problems


def test_every_package_is_found():
    modules = collect_modules(REPO)
    assert {"ned_core.cli.main", "ned_node.server", "ned_protocol.session", "ned_nuke.render", "ned_resolve.main"} \
        <= set(modules)


def test_every_core_module_has_a_layer():
    missing = [m for m in collect_modules(REPO) if m.startswith("ned_core") and _core_layer(m) is None]
    assert not missing, f"add these to CORE_LAYERS and docs/architecture.md: {missing}"


def test_the_tree_keeps_the_import_rules():
    problems = check_tree(REPO)
    assert not problems, "\n".join(problems)


def test_find_cycles_on_a_synthetic_graph():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e2"}, "e2": {"e"}, "f": {"a"}}
    assert find_cycles(graph) == [["a", "b", "c"], ["e", "e2"]]
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def _copy_tree(tmp_path: Path) -> Path:
    for folder in PACKAGES.values():
        shutil.copytree(REPO / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return tmp_path


def _plant(root: Path, relative: str, code: str) -> None:
    path = root / relative
    path.write_text(path.read_text() + "\n\ndef _planted():\n    " + code + "\n")


def test_a_planted_deferred_cycle_is_caught(tmp_path):
    """io.atomic gains a deferred import of io.exr (which imports io.atomic): a module cycle."""
    root = _copy_tree(tmp_path)
    _plant(root, "ned_core/io/atomic.py", "from ned_core.io.exr import write_face_plate")
    problems = check_tree(root)
    assert any(p.startswith("module cycle:") and "ned_core.io.atomic" in p for p in problems), problems


def test_a_planted_upward_and_cross_package_import_is_caught(tmp_path):
    root = _copy_tree(tmp_path)
    _plant(root, "ned_core/render/warp.py", "from ned_core.pipeline import render_job")
    _plant(root, "ned_core/io/atomic.py", "import ned_node.paths")
    _plant(root, "protocol/ned_protocol/limits.py", "from ned_core import exceptions")
    problems = check_tree(root)
    assert any("ned_core.render.warp -> ned_core.pipeline.render_job" in p and "higher layer" in p for p in problems)
    assert any(p.startswith("ned_core.io.atomic -> ned_node.paths") for p in problems), problems
    assert any(p.startswith("ned_protocol.limits -> ned_core.exceptions") for p in problems), problems
    assert any(p.startswith("package cycle:") for p in problems), problems  # render <-> pipeline


@pytest.mark.parametrize("relative, code", [
    ("ned_core/render/warp.py", "from ned_core.manipulation import model"),  # peers
    ("plugin_nuke/ned_nuke/errors.py", "import ned_core"),
])
def test_planted_peer_and_plugin_imports_are_caught(tmp_path, relative, code):
    root = _copy_tree(tmp_path)
    before = set(check_tree(root))
    _plant(root, relative, code)
    assert set(check_tree(root)) - before
