"""The book's own Sphinx extension (book/_ext/emlib_book.py).

What a chapter's "Run this chapter yourself" box tells the reader to install
is read from the notebook's imports; it must name real, pinned packages.
(The box itself, its link and the exercise index are checked in the built
book: tests/test_browser_laptop.py and tests/test_student_edition.py.)
"""

import importlib.util
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("emlib_book", ROOT / "book" / "_ext" / "emlib_book.py")
emlib_book = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(emlib_book)

PINNED = {re.split(r"[=<>\[ ]", line)[0].lower() for line in (ROOT / "requirements.txt").read_text().splitlines()
          if line and not line.startswith(("#", "-"))}


def test_a_chapter_lists_the_packages_it_imports_beyond_emlib():
    assert emlib_book.notebook_packages(ROOT / "book" / "exam.ipynb") == [
        "myst-nb", "pandas", "scikit-learn", "scipy", "sympy", "threadpoolctl"]
    assert emlib_book.notebook_packages(ROOT / "book" / "practice.ipynb") == [
        "myst-nb", "pandas", "scikit-learn", "scipy", "threadpoolctl"]
    assert emlib_book.notebook_packages(ROOT / "book" / "kmeans.ipynb") == ["myst-nb", "pandas", "scikit-learn"]


@pytest.mark.parametrize("notebook", sorted((ROOT / "book").glob("*.ipynb")), ids=lambda path: path.stem)
def test_every_package_a_chapter_asks_for_is_pinned(notebook):
    packages = emlib_book.notebook_packages(notebook)
    assert {package.lower() for package in packages} <= PINNED, packages


def test_the_box_links_the_notebook_beside_the_page():
    box = emlib_book.run_yourself_box("book/gmm", ROOT / "book" / "gmm.ipynb")
    (link,) = [node for node in box.findall() if node.tagname == "reference"]
    assert link["refuri"] == "../_sources/book/gmm.ipynb"
    (command,) = [node for node in box.findall() if node.tagname == "literal_block"]
    assert command.astext() == ('pip install "path/to/the/repository[plots,data]" myst-nb pandas scikit-learn scipy '
                                "threadpoolctl jupyterlab\njupyter lab gmm.ipynb")


def test_imports_are_read_as_python(tmp_path):
    notebook = tmp_path / "page.ipynb"
    notebook.write_text(json.dumps({"cells": [
        {"cell_type": "code", "source": ["%matplotlib inline\n", "import sympy, sklearn.mixture\n",
                                         "from . import helpers\n", 'text = "import pandas"\n']},
        {"cell_type": "code", "source": ["from palmerpenguins import load_penguins  # the data extra\n"]},
        {"cell_type": "markdown", "source": ["import scipy"]},
    ]}))
    assert emlib_book.notebook_packages(notebook) == ["scikit-learn", "sympy"]
