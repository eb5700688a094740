"""The layers of ``docs/architecture.md``: no module imports one of a higher layer, at any
level (inside a function too), and the imports between mandaat's modules have no cycle."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import networkx as nx
import pytest

import mandaat

PACKAGE = Path(mandaat.__file__).parent

#: Each module's layer, by the longest prefix of its name: a module may import its own
#: layer and those below it.
LAYERS: dict[str, int] = {
    "mandaat._dutch": 0, "mandaat._version": 0, "mandaat._data": 0, "mandaat.limits": 0,
    "mandaat._moved": 0, "mandaat._terminal": 0, "mandaat._formula": 0,
    "mandaat.errors": 1, "mandaat.problem_details": 1,
    "mandaat.school": 2,
    "mandaat.workbook": 3, "mandaat.graph": 3,
    "mandaat.loader": 4, "mandaat.rules": 4,
    "mandaat.report": 5,
    "mandaat.evaluation": 6,
    "mandaat.training": 7, "mandaat.whatif": 7,
    "mandaat.cli": 8, "mandaat.__main__": 8, "mandaat.service": 8,
    "mandaat": 9,
}


def layer(module: str) -> int:
    parts = module.split(".")
    for n in range(len(parts), 0, -1):
        if ".".join(parts[:n]) in LAYERS:
            return LAYERS[".".join(parts[:n])]
    raise KeyError(module)


def module_name(path: Path) -> str:
    parts = ("mandaat", *path.relative_to(PACKAGE).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports(name: str, path: Path) -> set[str]:
    """The mandaat modules ``name`` imports, written anywhere in it."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    known = modules()
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                stem = ".".join(base + ([node.module] if node.module else []))
            else:
                stem = node.module or ""
            # "from . import x" names a module when x is one, else a name of the package
            targets = [f"{stem}.{a.name}" if f"{stem}.{a.name}" in known else stem
                       for a in node.names]
        else:
            continue
        found |= {t for t in targets if t == "mandaat" or t.startswith("mandaat.")}
    return found - {name}


def import_graph() -> nx.DiGraph:
    graph = nx.DiGraph()
    for name, path in modules().items():
        graph.add_node(name)
        graph.add_edges_from((name, target) for target in imports(name, path))
    return graph


def test_every_module_has_a_layer():
    assert [m for m in modules() if not any(m == p or m.startswith(p + ".") for p in LAYERS)] \
        == []


@pytest.mark.parametrize("name", sorted(modules()))
def test_no_module_imports_one_of_a_higher_layer(name):
    upward = sorted(t for t in imports(name, modules()[name]) if layer(t) > layer(name))
    assert upward == []


def test_the_imports_between_modules_have_no_cycle():
    assert list(nx.simple_cycles(import_graph())) == []


def test_the_facade_is_the_only_module_that_imports_the_facade():
    graph = import_graph()
    assert sorted(graph.predecessors("mandaat")) == []


def test_the_finder_of_old_paths_gives_the_module_itself():
    import mandaat.vocabulary

    import mandaat.school.vocabulary

    assert mandaat.vocabulary is mandaat.school.vocabulary
    assert mandaat.vocabulary.__spec__.name == "mandaat.school.vocabulary"
    assert sys.modules["mandaat.vocabulary"] is sys.modules["mandaat.school.vocabulary"]
