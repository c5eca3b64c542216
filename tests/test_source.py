"""``emlib.source.show``, and the steps' code the chapters show with it.

Each model chapter shows the code of its E- and M-step (or assignment and
update) with ``source.show``.  Here: ``show`` gives a function's source
without its docstring; each chapter calls it on the functions of both its
steps; the output stored in the notebook, and the code on the built page,
are exactly what ``show`` gives for ``emlib`` as it is now.
"""

from __future__ import annotations

import ast
import html
import inspect
import json
import re
import textwrap
from pathlib import Path

import pytest

import emlib
from emlib import coins, gmm, hmm, kmeans, missing, soft, source

ROOT = Path(__file__).resolve().parents[1]

# the functions whose code each chapter shows, in the order it shows them, per cell
SHOWN = {
    "kmeans": [(kmeans.assign, kmeans.update)],
    "soft": [(soft.responsibilities, soft._distances, soft._distances_in, soft._log_resp), (soft.update,)],
    "coins": [(coins.e_step, coins._log_joint, coins._row_log_likelihoods), (coins.m_step,)],
    "gmm": [(gmm._mahalanobis, gmm._log_gaussians, gmm._log_resp, gmm.e_step), (gmm.m_step,)],
    "missing": [(missing._e_step, missing._pattern_step), (missing._m_step,)],
    "mixture_holes": [(gmm._completed,), (gmm.m_step,)],
    "hmm": [(hmm._forward, hmm._backward), (hmm._posteriors, hmm.e_step),
            (hmm.m_step, hmm._chain, hmm._symbol_frequencies)],
}
# a highlighted block on a built page: Sphinx's <div class="highlight-python ..."><div class="highlight"><pre>
CODE_BLOCK = re.compile(r'<div class="highlight-python[^"]*"><div class="highlight"><pre>(.*?)</pre>', re.S)


def code_blocks(page: str) -> list[str]:
    """The text of every highlighted Python block of an HTML page."""
    return [html.unescape(re.sub(r"<[^>]+>", "", block)).rstrip("\n") for block in CODE_BLOCK.findall(page)]


def shown_name(function) -> str:
    """How a chapter names a function: by its module, or for a helper of a private module, by the public
    module that imports it (``gmm._completed``, from emlib/_gmm_holes.py)."""
    module = function.__module__.removeprefix("emlib.")
    if not module.startswith("_"):
        return f"{module}.{function.__name__}"
    public = {"coins": coins, "gmm": gmm, "kmeans": kmeans, "missing": missing, "soft": soft}
    return next(f"{name}.{attribute}" for name, namespace in public.items()
                for attribute, value in vars(namespace).items() if value is function)


def show_cells(stem: str) -> list[dict]:
    """The visible code cells of a chapter that call ``source.show``."""
    notebook = json.loads((ROOT / "book" / f"{stem}.ipynb").read_text(encoding="utf-8"))
    return [cell for cell in notebook["cells"] if cell["cell_type"] == "code"
            and "".join(cell["source"]).startswith("source.show(")
            and "remove-cell" not in cell["metadata"].get("tags", [])]


# --------------------------------------------------------------------------
# show
# --------------------------------------------------------------------------


def documented(a, b=2):
    """A docstring

    over several lines.
    """
    total = a + b  # a comment stays
    return total


def undocumented(a):
    return a


def only_a_docstring():
    """Nothing else."""


class Holder:
    def method(self):
        """Indented."""
        return 1


def test_show_gives_the_source_without_the_docstring():
    assert str(source.show(documented)) == (
        "def documented(a, b=2):\n"
        "    total = a + b  # a comment stays\n"
        "    return total"
    )
    assert str(source.show(undocumented)) == inspect.getsource(undocumented).rstrip("\n")
    assert str(source.show(only_a_docstring)) == inspect.getsource(only_a_docstring).rstrip("\n")  # still a body
    assert str(source.show(Holder.method)) == "def method(self):\n    return 1"  # dedented


def test_show_joins_several_functions_as_a_module_would():
    assert str(source.show(undocumented, documented)) == (
        str(source.show(undocumented)) + "\n\n\n" + str(source.show(documented)))


@pytest.mark.parametrize("function", [e for row in SHOWN.values() for cell in row for e in cell])
def test_the_code_shown_of_emlib_is_its_source_and_runs_as_python(function):
    shown = str(source.show(function))
    lines = textwrap.dedent(inspect.getsource(function)).rstrip("\n").splitlines()
    definition = ast.parse("\n".join(lines)).body[0]
    docstring = definition.body[0]
    assert ast.get_docstring(definition), "emlib's steps are documented"
    assert shown.splitlines() == lines[: docstring.lineno - 1] + lines[docstring.end_lineno:]
    compiled = ast.parse(shown).body[0]
    assert ast.get_docstring(compiled) is None and compiled.name == function.__name__


@pytest.mark.parametrize("function", [e for row in SHOWN.values() for cell in row for e in cell])
def test_the_code_shown_fits_the_column_of_the_book(function):
    """79 characters a line at most, what a laptop shows of a code block without scrolling."""
    too_long = [line for line in str(source.show(function)).splitlines() if len(line) > 79]
    assert not too_long, too_long


def test_code_is_a_string_that_a_notebook_shows_as_python():
    code = source.show(undocumented)
    assert isinstance(code, str) and repr(code) == str(code)
    assert code._repr_markdown_() == f"```python\n{code}\n```"


@pytest.mark.parametrize("arguments, message", [
    ((), "show needs at least one function; got none"),
    ((len,), r"functions\[0\] must be a function written in Python; got <built-in function len> of type "
             r"builtin_function_or_method"),
    ((undocumented, 3), r"functions\[1\] must be a function written in Python; got 3 of type int"),
    ((Holder,), r"functions\[0\] must be a function written in Python; got <class '.*Holder'> of type type"),
])
def test_show_refuses_what_is_not_a_python_function(arguments, message):
    with pytest.raises(TypeError, match=message):
        source.show(*arguments)


def test_emlib_offers_show():
    assert emlib.source.show is source.show and "source" in emlib.__all__


# --------------------------------------------------------------------------
# The chapters
# --------------------------------------------------------------------------


@pytest.mark.parametrize("stem", SHOWN)
def test_each_model_chapter_shows_the_code_of_its_steps_as_emlib_has_it(stem):
    cells = show_cells(stem)
    assert len(cells) == len(SHOWN[stem])
    for cell, functions in zip(cells, SHOWN[stem]):
        names = ", ".join(map(shown_name, functions))
        assert "".join(cell["source"]) == f"source.show({names})"
        (output,) = cell["outputs"]
        assert "".join(output["data"]["text/plain"]) == str(source.show(*functions)), (
            f"{stem}: the stored output is not emlib's code now; run the chapter again")
        assert "".join(output["data"]["text/markdown"]) == source.show(*functions)._repr_markdown_()


@pytest.mark.parametrize("stem", SHOWN)
def test_the_built_page_shows_exactly_emlibs_code(stem, built_site):
    page = (built_site / "book" / f"{stem}.html").read_text(encoding="utf-8")
    blocks = code_blocks(page)
    for functions in SHOWN[stem]:
        assert str(source.show(*functions)) in blocks, f"{stem}.html does not show {functions}"
