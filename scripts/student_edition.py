"""The student edition: the chapters without their solutions.

    python scripts/student_edition.py [--out _build/student] [--no-build]

writes OUT/book/*.ipynb, the chapter notebooks to hand out, and builds the
book from them into OUT/_build/html with every solution left out.  In a
notebook, a cell tagged ``solution`` (a solution, or a hidden check of a
solution's numbers) is dropped, and after each cell tagged ``exercise`` comes
an empty cell to answer in: a code cell if the solution had code, else a
Markdown cell.  The book is built from these notebooks with the outputs
they keep from the full run, without running them again: a kept cell may not
use a name that a solution cell bound, nor a random generator that a
solution cell drew from, so that the outputs are what a student's own run
gives.
"""

import argparse
import ast
import copy
import json
import re
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
# what the book needs besides its notebooks, copied as they are
COPIED = ["_toc.yml", "_static", "book", "benchmarks/results"]
# written into OUT, so that a later run replaces only a folder this script made
MARKER = ".student-edition"
EXERCISE = re.compile(r"^(`{3,}|:{3,})\{exercise\}[ \t]*(.*)$", re.M)
SOLUTION = re.compile(r"^(`{3,}|:{3,})\{solution\}[ \t]*(\S+)", re.M)
LABEL = re.compile(r"^:label:[ \t]*(\S+)", re.M)
# in the book's Markdown pages, text meant for the full edition only
FULL_EDITION_ONLY = re.compile(r"<!-- full edition -->.*?<!-- /full edition -->\n?", re.S)


def chapter_numbers(toc_path=ROOT / "_toc.yml"):
    """``{notebook stem: chapter number}`` for the numbered part of the book."""
    toc = yaml.safe_load(Path(toc_path).read_text(encoding="utf-8"))
    numbered = [chapter["file"] for part in toc["parts"] if part.get("numbered") for chapter in part["chapters"]]
    return {Path(file).stem: number for number, file in enumerate(numbered, start=1)}


def tags(cell):
    """The cell's tags."""
    return cell.get("metadata", {}).get("tags", [])


def _label(cell, pattern, kind):
    text = "".join(cell["source"])
    match = pattern.search(text)
    if match is None:
        raise ValueError(f"a cell tagged {kind!r} has no labelled {{{kind}}}: {text[:60]!r}")
    return match


def _answer_cell(kind, number, title):
    heading = f"Exercise {number}" + (f" ({title})" if title else "")
    if kind == "code":
        cell = {"cell_type": "code", "execution_count": None, "outputs": [],
                "source": [f"# {heading}: your code\n"]}
    else:
        cell = {"cell_type": "markdown", "source": [f"**{heading}: your answer.**\n"]}
    # answered in the notebook; not shown on the student edition's pages
    cell["metadata"] = {"tags": ["answer", "remove-cell"]}
    cell["id"] = uuid.uuid5(uuid.NAMESPACE_URL, heading).hex[:8]
    return cell


def _bound_and_used(source):
    """The names a code cell binds (assigns, defines, imports, takes as arguments) and the names it reads."""
    code = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))
    bound, used = set(), set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Name):
            (used if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return bound, used


def check_solutions_removable(notebook):
    """Raise ValueError if a cell left in the student notebook depends on a solution cell before it.

    It does if it reads a name whose last binding was in a solution cell, or a
    random generator (a name starting with ``rng``) that a solution cell drew
    from: without the solution, it would give other outputs than the stored ones.
    """
    from_solution, drawn = {}, {}                 # name -> index of the solution cell
    for index, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] != "code":
            continue
        bound, used = _bound_and_used("".join(cell["source"]))
        if "solution" in tags(cell):
            from_solution.update(dict.fromkeys(bound, index))
            drawn.update(dict.fromkeys((name for name in used if name.startswith("rng")), index))
            continue
        needed = {name: from_solution[name] for name in used - bound if name in from_solution}
        needed.update({name: drawn[name] for name in used if name in drawn})
        if needed:
            raise ValueError(f"cell {index} depends on the solution cells {needed} (name: cell): "
                             "it would give other outputs in the student notebook")
        for name in bound:
            from_solution.pop(name, None)
            drawn.pop(name, None)


def strip_solutions(notebook, chapter):
    """The student version of one chapter notebook (a new dict).

    Cells tagged ``solution`` are dropped; after each cell tagged
    ``exercise`` comes an answer cell headed "Exercise 3.2 (its title)":
    a code cell if the solution shows Python code, else a Markdown cell.

    Parameters
    ----------
    notebook : dict
        The notebook, as read by ``json.load``.
    chapter : int or None
        The chapter's number, for the answer cells' headings ("Exercise 3.2");
        None for a page outside the numbered chapters ("Exercise 2").

    Raises
    ------
    ValueError
        If a tagged cell has no labelled directive, an exercise has no
        solution cell, a solution cell no exercise, or a cell left in
        depends on a solution cell (see :func:`check_solutions_removable`).
    """
    check_solutions_removable(notebook)
    exercises, has_code = [], {}                 # [(label, title)], {label: solution shows code}
    for cell in notebook["cells"]:
        if "exercise" in tags(cell):
            match = _label(cell, EXERCISE, "exercise")
            exercises.append((_label(cell, LABEL, "exercise").group(1), match.group(2).strip()))
        elif "solution" in tags(cell) and cell["cell_type"] == "markdown":
            has_code[_label(cell, SOLUTION, "solution").group(2)] = "```python" in "".join(cell["source"])
    labels = [label for label, _ in exercises]
    if sorted(labels) != sorted(has_code):
        raise ValueError(f"exercises without a solution cell: {sorted(set(labels) - set(has_code))}; "
                         f"solution cells without an exercise: {sorted(set(has_code) - set(labels))}")
    student = copy.deepcopy(notebook)
    answers = enumerate(exercises, start=1)
    kept = []
    for cell in student["cells"]:
        if "solution" in tags(cell):
            continue
        kept.append(cell)
        if "exercise" in tags(cell):
            position, (label, title) = next(answers)
            number = f"{chapter}.{position}" if chapter else str(position)
            kept.append(_answer_cell("code" if has_code[label] else "markdown", number, title))
    student["cells"] = kept
    return student


def write_sources(out):
    """The student book's sources in OUT: the stripped notebooks and everything else."""
    out = Path(out).resolve()
    if out.exists() and any(out.iterdir()):
        if not (out / MARKER).exists():
            raise SystemExit(f"{out} is not empty and was not made by this script; give another --out")
    if out.exists():
        shutil.rmtree(out)
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, out / name, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        else:
            (out / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, out / name)
    (out / MARKER).write_text("made by scripts/student_edition.py; replaced by its next run\n")
    numbers = chapter_numbers()
    for path in sorted((out / "book").glob("*.ipynb")):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        student = strip_solutions(notebook, numbers.get(path.stem))
        path.write_text(json.dumps(student, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    for path in (out / "book").glob("*.md"):
        path.write_text(FULL_EDITION_ONLY.sub("", path.read_text(encoding="utf-8")), encoding="utf-8")
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    config["title"] += " (student edition)"
    config["sphinx"]["config"]["hide_solutions"] = True
    config["execute"]["execute_notebooks"] = "off"  # the stored outputs of the full run, which they equal
    (out / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return out


def build(out):
    """Build the student book in OUT with the checks of the main build."""
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    subprocess.run([str(jupyter_book), "build", str(out), "-W", "-n", "--keep-going"], check=True)
    return Path(out) / "_build" / "html"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=ROOT / "_build" / "student", type=Path,
                        help="where to write the notebooks and the book (default: _build/student)")
    parser.add_argument("--no-build", action="store_true", help="write the notebooks only")
    args = parser.parse_args(argv)
    out = write_sources(args.out)
    print(f"student notebooks: {out / 'book'}")
    if not args.no_build:
        print(f"student book: {build(out) / 'index.html'}")


if __name__ == "__main__":
    main()
