"""The shape of the package: short modules that say what they hold, and imports that go one way.

Chapters import ``emlib``; ``plots`` and ``widgets`` import the models; the
models import ``em``, the private engine and the shared helpers
(``_validation``, ``_math``, ``_parallel``); those import no model.  No
import goes round in a circle, and no module is longer than a reader can
take in one sitting.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "emlib"
MODULES = {".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts).removesuffix(".__init__"): path
           for path in sorted(PACKAGE.rglob("*.py"))}
MODELS = {"emlib.kmeans", "emlib.soft", "emlib.coins", "emlib.gmm", "emlib.missing"}
FIGURES = {name for name in MODULES if name.startswith(("emlib.plots", "emlib.widgets"))}
HELPERS = {"emlib.em", "emlib._math", "emlib._validation", "emlib._parallel", "emlib.source"}
ENGINE = {name for name in MODULES if name.startswith("emlib._engine")}


def imports(name: str) -> set[str]:
    """The emlib modules that module ``name`` imports (``from . import x`` counts as ``emlib.x``)."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(part for part in (base, node.module) if part)
            for alias in node.names:
                candidate = f"{module}.{alias.name}"
                found.add(candidate if candidate in MODULES else module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {module for module in found if module in MODULES and module != name}


GRAPH = {name: imports(name) for name in MODULES}


def test_the_import_graph_is_read_from_the_source():
    assert GRAPH["emlib.gmm"] >= {"emlib.em", "emlib.kmeans", "emlib._engine.gmm", "emlib._validation"}
    assert "emlib.gmm" in GRAPH["emlib.plots.gmm"]


def test_no_import_goes_round_in_a_circle():
    """Among the modules proper: a package's ``__init__`` imports its parts, which is no circle."""
    modules = {name for name, path in MODULES.items() if path.name != "__init__.py"}
    done, on_path = set(), []

    def visit(name):
        if name in on_path:
            pytest.fail("import cycle: " + " -> ".join(on_path[on_path.index(name):] + [name]))
        if name not in done:
            on_path.append(name)
            for imported in GRAPH[name] & modules:
                visit(imported)
            on_path.pop()
            done.add(name)

    for name in sorted(modules):
        visit(name)


@pytest.mark.parametrize("name", sorted(set(MODULES) - FIGURES - {"emlib"}))
def test_only_figures_import_figures(name):
    assert not GRAPH[name] & FIGURES


@pytest.mark.parametrize("name", sorted(HELPERS | ENGINE))
def test_the_engine_and_the_helpers_import_no_model(name):
    assert not GRAPH[name] & MODELS


@pytest.mark.parametrize("name", sorted(MODULES))
def test_each_module_is_short_and_says_what_it_holds(name):
    text = MODULES[name].read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 1000, f"{name} has {len(text.splitlines())} lines"
    assert ast.get_docstring(ast.parse(text)), f"{name} has no docstring"
