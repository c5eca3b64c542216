"""The API reference (book/api.md and book/api/*.md) covers all of emlib, with examples.

Every public module of emlib has a page under ``book/api/`` that the table of
contents lists and that documents the module with ``automodule``.  Every
public function and class (a name in its module's ``__all__``) has an
"Examples" section with doctest lines, which ``--doctest-modules`` runs; every
public constant has a ``#:`` comment, so that autodoc shows it.  When the book
has been built (``make book``, or a build named by ``$EMLIB_BOOK_HTML``), each
page is checked to hold an entry for every public name, and an example in
each function's and class's entry.
"""

from __future__ import annotations

import importlib
import inspect
import os
import pkgutil
import re
from pathlib import Path

import pytest
import yaml

import emlib

ROOT = Path(__file__).resolve().parents[1]
SITE = Path(os.environ.get("EMLIB_BOOK_HTML") or ROOT / "_build" / "html")

# emlib's public modules: every submodule not named with a leading underscore
# (emlib.__all__ leaves out plots and widgets, which need the "plots" extra)
MODULE_NAMES = sorted(info.name for info in pkgutil.iter_modules(emlib.__path__) if not info.name.startswith("_"))
MODULES = {name: importlib.import_module(f"emlib.{name}") for name in MODULE_NAMES}

# members a page leaves out on purpose besides NamedTuple fields: matplotlib's generated Figure.set
# gmm.Params.covariance_type is a class attribute, described in the class's Attributes section like the fields
EXCLUDED_ON_PURPOSE = {"plots": {"set"}, "gmm": {"covariance_type"}}


def _public(module) -> list[tuple[str, object]]:
    return [(name, getattr(module, name)) for name in module.__all__]


def _documented_by_example(obj: object) -> bool:
    """A function or class (not a constant, which gets a ``#:`` comment instead)."""
    return inspect.isfunction(obj) or inspect.isclass(obj)


def _namedtuple_fields(module) -> set[str]:
    return {field for _, obj in _public(module)
            if inspect.isclass(obj) and issubclass(obj, tuple) and hasattr(obj, "_fields")
            for field in obj._fields}


def _page(name: str) -> Path:
    return ROOT / "book" / "api" / f"{name}.md"


def _automodule_options(name: str) -> dict[str, str]:
    """The options of the page's ``.. automodule:: emlib.<name>`` directive."""
    text = _page(name).read_text()
    match = re.search(rf"^\.\. automodule:: emlib\.{name}\n((?:   :[\w-]+:.*\n)*)", text, flags=re.M)
    assert match, f"book/api/{name}.md has no '.. automodule:: emlib.{name}' directive"
    return dict(re.findall(r"^   :([\w-]+):[ \t]*(.*)$", match.group(1), flags=re.M))


def _toc_files(entries) -> list[str]:
    """Every file named in a part of _toc.yml, its sections included, in order."""
    files = []
    for entry in entries or []:
        if "file" in entry:
            files.append(entry["file"])
        files += _toc_files(entry.get("sections"))
        files += _toc_files(entry.get("chapters"))
    return files


def test_the_public_modules_include_those_of_emlib_all_and_the_plots_extra():
    assert {name for name in emlib.__all__ if not name.startswith("__")} | {"plots", "widgets"} <= set(MODULE_NAMES)


@pytest.mark.parametrize("module_name", MODULE_NAMES)
def test_every_public_function_and_class_has_an_example(module_name):
    module = MODULES[module_name]
    without = []
    for name, obj in _public(module):
        if not _documented_by_example(obj):
            continue
        doc = inspect.getdoc(obj) or ""
        section = re.search(r"^Examples\n-{8}\n(.*?)(?=^\S[^\n]*\n-{3,}\n|\Z)", doc, flags=re.M | re.S)
        if not (section and re.search(r"^>>> \S", section.group(1), flags=re.M)):
            without.append(name)
    assert not without, f"emlib.{module_name}: no 'Examples' section with '>>>' lines in {without}"


@pytest.mark.parametrize("module_name", MODULE_NAMES)
def test_every_public_constant_is_documented(module_name):
    pycode = pytest.importorskip("sphinx.pycode")
    module = MODULES[module_name]
    attr_docs = pycode.ModuleAnalyzer.for_module(module.__name__).find_attr_docs()
    undocumented = [name for name, obj in _public(module)
                    if not _documented_by_example(obj) and not attr_docs.get(("", name))]
    assert not undocumented, (f"emlib.{module_name}: give {undocumented} a '#:' comment "
                              "on the line above, so that the API reference shows it")


def test_every_public_module_has_a_page_in_the_table_of_contents():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = _toc_files(toc.get("parts")) + _toc_files(toc.get("chapters"))
    assert "book/api" in files, "_toc.yml does not list the API reference's landing page, book/api"
    pages = [file for file in files if file.startswith("book/api/")]
    assert sorted(pages) == sorted(f"book/api/{name}" for name in MODULE_NAMES), (
        "_toc.yml must list one page book/api/<module> per public module of emlib")
    assert len(pages) == len(set(pages))
    landing = (ROOT / "book" / "api.md").read_text()
    for name in MODULE_NAMES:
        assert f"(api/{name}.md)" in landing, f"book/api.md does not link to api/{name}.md"


@pytest.mark.parametrize("module_name", MODULE_NAMES)
def test_each_page_documents_all_its_module_and_no_field_twice(module_name):
    options = _automodule_options(module_name)
    assert "members" in options and not options["members"], (
        f"book/api/{module_name}.md: automodule must have ':members:' with no list, to follow __all__")
    assert "undoc-members" not in options and "ignore-module-all" not in options
    excluded = {name.strip() for name in options.get("exclude-members", "").split(",") if name.strip()}
    module = MODULES[module_name]
    assert not excluded & set(module.__all__), f"book/api/{module_name}.md excludes public names"
    # a NamedTuple's fields are described in its class's Attributes section; listed as members
    # too, they would be described twice (a duplicate-object warning, "Alias for field number 0")
    expected = _namedtuple_fields(module) | EXCLUDED_ON_PURPOSE.get(module_name, set())
    assert excluded == expected, (
        f"book/api/{module_name}.md: ':exclude-members:' must list exactly the NamedTuple fields "
        f"{sorted(_namedtuple_fields(module))} (and {sorted(EXCLUDED_ON_PURPOSE.get(module_name, set()))}); "
        f"got {sorted(excluded)}")


def test_module_docstring_headings_do_not_collide():
    """Sphinx labels each section heading of a module docstring: two modules must not share one."""
    seen: dict[str, str] = {}
    for name, module in MODULES.items():
        doc = inspect.getdoc(module) or ""
        for title, underline in re.findall(r"^(\S[^\n]*)\n([-=~^]+)$", doc, flags=re.M):
            if len(underline) < len(title):
                continue
            label = title.strip().lower()
            assert label not in seen, f"emlib.{name} and emlib.{seen[label]} both have a section {title!r}"
            seen[label] = name


@pytest.mark.parametrize("module_name", MODULE_NAMES)
def test_built_page_has_every_public_name_with_its_example(module_name, request):
    if "EMLIB_BOOK_HTML" not in os.environ:
        request.getfixturevalue("built_site")  # waits for make test's build
    page = SITE / "book" / "api" / f"{module_name}.html"
    if not page.exists():
        pytest.fail(f"the book is not built ({page} is absent): run `make book` first, "
                    "or set EMLIB_BOOK_HTML to a build's html directory")
    html = page.read_text(encoding="utf-8")
    module = MODULES[module_name]
    anchors = {name: html.find(f'id="emlib.{module_name}.{name}"') for name in module.__all__}
    missing = [name for name, position in anchors.items() if position < 0]
    assert not missing, f"{page} has no entry for {missing}"
    assert "Alias for field number" not in html, f"{page} lists a NamedTuple's fields twice"
    # each entry runs from its anchor to the next public name's (members of a class stay inside it)
    order = sorted(anchors, key=anchors.get)
    ends = [anchors[name] for name in order[1:]] + [len(html)]
    without = [name for name, end in zip(order, ends)
               if _documented_by_example(getattr(module, name)) and "&gt;&gt;&gt;" not in html[anchors[name]:end]]
    assert not without, f"{page}: the entries of {without} show no example"
