"""The exercises, and the student edition built from the chapters.

Every chapter has at least three numbered exercises, each with a solution in
a dropdown.  ``scripts/student_edition.py`` drops the solutions from the
notebooks, leaves a cell to answer each exercise in, and builds the book from
those notebooks (running every chapter again) with no solution on any page.
The build takes a few minutes; it runs once for this module.
"""

import copy
import importlib.util
import json
import re
from pathlib import Path

import pytest
from test_source import SHOWN, code_blocks

from emlib import source

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("student_edition", ROOT / "scripts" / "student_edition.py")
student_edition = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(student_edition)

CHAPTERS = student_edition.chapter_numbers()
EXERCISE_ANCHOR = re.compile(r'<div class="exercise admonition" id="([^"]+)">\s*<p class="admonition-title">'
                             r'<span class="caption-number">Exercise ([\d.]+) </span>')
SOLUTION_CLASS = re.compile(r'class="[^"]*\bsolution\b')
ANSWER_HEADING = re.compile(r"Exercise [\d.]+ [^<]*: your (answer|code)")


def _notebook(stem):
    return json.loads((ROOT / "book" / f"{stem}.ipynb").read_text(encoding="utf-8"))


def _tagged(notebook, tag):
    return [cell for cell in notebook["cells"] if tag in student_edition.tags(cell)]


GLUED = re.compile(r"""glue\w*\(\s*f?["']([^"']+)["']""")           # glue("name", ...), glue_number(f"x_{k}", ...)
QUOTED = re.compile(r"\{glue(?::\w+)?\}`([^`:]+)")                 # {glue:text}`name:.2f`


def _glue_names_quoted(cells):
    return {name for cell in cells if cell["cell_type"] == "markdown" for name in QUOTED.findall("".join(cell["source"]))}


def test_the_chapters_are_the_numbered_part_of_the_book():
    assert list(CHAPTERS) == ["kmeans", "soft", "coins", "gmm", "em_general", "exam", "missing", "practice",
                              "mixture_holes", "hmm"]
    assert list(CHAPTERS.values()) == list(range(1, 11))


@pytest.mark.parametrize("stem", CHAPTERS)
def test_every_chapter_has_three_exercises_each_with_a_dropdown_solution(stem):
    notebook = _notebook(stem)
    exercises = _tagged(notebook, "exercise")
    assert len(exercises) >= 3, f"{stem} has {len(exercises)} exercises"
    labels = [student_edition.LABEL.search("".join(cell["source"])).group(1) for cell in exercises]
    solutions = {}
    for cell in _tagged(notebook, "solution"):
        text = "".join(cell["source"])
        if cell["cell_type"] == "markdown":
            solutions[student_edition.SOLUTION.search(text).group(2)] = text
    assert sorted(solutions) == sorted(labels)
    assert all(":class: dropdown" in text for text in solutions.values())
    # one exercise per cell, and no solution left in an untagged cell
    for cell in notebook["cells"]:
        text = "".join(cell["source"])
        assert len(student_edition.EXERCISE.findall(text)) == ("exercise" in student_edition.tags(cell))
        assert bool(student_edition.SOLUTION.search(text)) <= ("solution" in student_edition.tags(cell))


@pytest.mark.parametrize("stem", [path.stem for path in sorted((ROOT / "book").glob("*.ipynb"))])
def test_numbers_computed_only_for_solutions_are_dropped_with_them(stem):
    """A hidden cell that glues only numbers the solutions quote would give them away in the notebook."""
    cells = _notebook(stem)["cells"]
    in_solutions = _glue_names_quoted(cell for cell in cells if "solution" in student_edition.tags(cell))
    elsewhere = _glue_names_quoted(cell for cell in cells if "solution" not in student_edition.tags(cell))
    for cell in cells:
        if cell["cell_type"] != "code" or "solution" in student_edition.tags(cell):
            continue
        patterns = [re.compile(re.sub(r"\\\{[^}]*\\\}", ".+", re.escape(name)) + "$")
                    for name in GLUED.findall("".join(cell["source"]))]
        used = {name for name in in_solutions | elsewhere if any(p.match(name) for p in patterns)}
        assert not used or used & elsewhere, f"{stem}: a cell glues only what solutions quote ({sorted(used)}); tag it solution"
    for cell in _tagged({"cells": cells}, "solution"):
        glued = GLUED.findall("".join(cell["source"])) if cell["cell_type"] == "code" else []
        assert not set(glued) & elsewhere, f"{stem}: the text outside the solutions quotes {set(glued) & elsewhere}"


@pytest.mark.parametrize("stem", CHAPTERS)
def test_the_student_notebook_has_no_solution_and_a_cell_to_answer_each_exercise(stem):
    notebook = _notebook(stem)
    student = student_edition.strip_solutions(notebook, CHAPTERS[stem])
    assert _tagged(student, "solution") == []
    assert not any("{solution}" in "".join(cell["source"]) for cell in student["cells"])
    kept = [cell for cell in notebook["cells"] if "solution" not in student_edition.tags(cell)]
    assert [cell for cell in student["cells"] if "answer" not in student_edition.tags(cell)] == kept
    cells = student["cells"]
    exercises = [i for i, cell in enumerate(cells) if "exercise" in student_edition.tags(cell)]
    for number, i in enumerate(exercises, start=1):
        answer = cells[i + 1]
        assert answer["metadata"]["tags"] == ["answer", "remove-cell"]
        assert "".join(answer["source"]).lstrip("#* ").startswith(f"Exercise {CHAPTERS[stem]}.{number} (")
    assert notebook == _notebook(stem), "strip_solutions changed its input"


def test_an_exercise_that_asks_for_code_gets_a_code_cell_and_a_proof_a_markdown_cell():
    student = student_edition.strip_solutions(_notebook("kmeans"), 1)
    answers = {"".join(cell["source"]).split(":")[0].strip("#* "): cell["cell_type"]
               for cell in student["cells"] if "answer" in cell["metadata"].get("tags", [])}
    assert answers["Exercise 1.5 (How many restarts?)"] == "code"       # write best_of
    assert answers["Exercise 1.2 (The mean minimises the sum of squares)"] == "markdown"


def test_an_exercise_without_a_solution_is_an_error():
    notebook = _notebook("kmeans")
    broken = copy.deepcopy(notebook)
    broken["cells"] = [cell for cell in broken["cells"]
                       if "kmeans-ex-hand" not in "".join(cell["source"]) or "exercise" in student_edition.tags(cell)]
    with pytest.raises(ValueError, match=r"exercises without a solution cell: \['kmeans-ex-hand'\]"):
        student_edition.strip_solutions(broken, 1)
    unlabelled = copy.deepcopy(notebook)
    for cell in _tagged(unlabelled, "exercise")[:1]:
        cell["source"] = [line for line in cell["source"] if not line.startswith(":label:")]
    with pytest.raises(ValueError, match="a cell tagged 'exercise' has no labelled {exercise}"):
        student_edition.strip_solutions(unlabelled, 1)


def _code(source, *tags):
    return {"cell_type": "code", "source": source, "metadata": {"tags": list(tags)}, "outputs": []}


@pytest.mark.parametrize("cells, message", [
    ([_code("best = 1", "solution"), _code("print(best)")], "cell 1 depends on the solution cells {'best': 0}"),
    ([_code("rng = make()"), _code("x = rng.normal()", "solution"), _code("y = rng.normal()")],
     "cell 2 depends on the solution cells {'rng': 1}"),
    ([_code("x = 1"), _code("x = 2", "solution"), _code("%time\nprint(x)")], "cell 2 depends on the solution cells {'x': 1}"),
])
def test_a_cell_that_needs_a_solution_cell_is_an_error(cells, message):
    """The student book shows the stored outputs: they must be what the notebook gives without its solutions."""
    with pytest.raises(ValueError, match=re.escape(message)):
        student_edition.check_solutions_removable({"cells": cells})


def test_a_cell_may_bind_again_what_a_solution_bound():
    cells = [_code("def best(k):\n    return k", "solution"), _code("best = 3\nprint(best)"),
             _code("f = lambda k: k + 1\nimport numpy as np\nnp.sum(f(1))")]
    student_edition.check_solutions_removable({"cells": cells})  # no error: k is an argument here


def test_an_untitled_exercise_gets_a_heading_without_a_title():
    notebook = {"cells": [
        {"cell_type": "markdown", "metadata": {"tags": ["exercise"]}, "source": ["```{exercise}\n", ":label: ex-a\n", "\nDo it.\n```"]},
        {"cell_type": "markdown", "metadata": {"tags": ["solution"]}, "source": ["```{solution} ex-a\n", "Done.\n```"]},
    ]}
    (exercise, answer) = student_edition.strip_solutions(notebook, None)["cells"]
    assert answer["source"] == ["**Exercise 1: your answer.**\n"]


def test_the_script_replaces_only_a_folder_it_made(tmp_path):
    (tmp_path / "notes.txt").write_text("someone's work")
    with pytest.raises(SystemExit, match="is not empty and was not made by this script"):
        student_edition.main(["--out", str(tmp_path), "--no-build"])
    assert (tmp_path / "notes.txt").exists()
    (tmp_path / "notes.txt").unlink()                     # an empty folder is fine, and a second run replaces the first
    student_edition.main(["--out", str(tmp_path), "--no-build"])
    student_edition.main(["--out", str(tmp_path), "--no-build"])
    assert (tmp_path / "book" / "kmeans.ipynb").exists()


@pytest.fixture(scope="module")
def student_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("student")
    student_edition.main(["--out", str(out)])
    return out


def test_the_student_build_has_every_exercise_and_no_solution(student_build):
    site = student_build / "_build" / "html"
    for path in sorted((student_build / "book").glob("*.ipynb")):
        page = (site / "book" / f"{path.stem}.html").read_text(encoding="utf-8")
        shown = dict(EXERCISE_ANCHOR.findall(page))                  # label -> the number Sphinx gave it
        notebook = json.loads(path.read_text(encoding="utf-8"))
        labels = [student_edition.LABEL.search("".join(cell["source"])).group(1) for cell in _tagged(notebook, "exercise")]
        headings = ["".join(cell["source"]).strip("#* \n").split(" (")[0] for cell in _tagged(notebook, "answer")]
        assert list(shown) == labels and len(labels) == len(_tagged(_notebook(path.stem), "exercise"))
        assert headings == [f"Exercise {shown[label]}" for label in labels], "the notebook numbers its answers as the book does"
        assert not SOLUTION_CLASS.search(page), f"a solution is shown on {path.stem}.html"
        assert not ANSWER_HEADING.search(page), "answer cells belong in the notebooks, not on the pages"
    intro = (site / "book" / "intro.html").read_text(encoding="utf-8")
    assert "(student edition)" in intro and "Solutions to the exercises are folded away" not in intro
    index = (site / "book" / "exercises.html").read_text(encoding="utf-8")
    assert index.count('href="kmeans.html#kmeans-ex-') == len(_tagged(_notebook("kmeans"), "exercise"))


def test_the_full_build_shows_the_solutions_the_student_build_leaves_out(built_site):
    page = built_site / "book" / "kmeans.html"
    assert len(SOLUTION_CLASS.findall(page.read_text(encoding="utf-8"))) == len(_tagged(_notebook("kmeans"), "exercise"))


def test_the_student_notebooks_are_what_the_student_book_offers_for_download(student_build):
    for stem, chapter in CHAPTERS.items():
        handed_out = json.loads((student_build / "book" / f"{stem}.ipynb").read_text(encoding="utf-8"))
        assert handed_out == student_edition.strip_solutions(_notebook(stem), chapter)
        download = student_build / "_build" / "html" / "_sources" / "book" / f"{stem}.ipynb"
        assert json.loads(download.read_text(encoding="utf-8"))["cells"] == handed_out["cells"]


def test_the_student_book_shows_the_code_of_each_step(student_build):
    for stem, cells in SHOWN.items():
        page = (student_build / "_build" / "html" / "book" / f"{stem}.html").read_text(encoding="utf-8")
        for functions in cells:
            assert str(source.show(*functions)) in code_blocks(page), f"{stem}.html does not show {functions}"
