"""The EM book's own Sphinx additions, loaded as a local extension.

- ``{exercise-index}``: a list of every exercise of the book, chapter by
  chapter, with its number, its title and a link (book/exercises.md).
- A "Run this chapter yourself" box under the title of every numbered chapter:
  where to download its notebook and what to install to run it.
- A build fix: one copy of each script tag on a page.
"""

import ast
import json
import sys
from pathlib import Path

from docutils import nodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx_exercise.nodes import exercise_subtitle

logger = logging.getLogger(__name__)

# the pip name of every module a chapter imports, where it differs
PIP_NAMES = {"sklearn": "scikit-learn", "myst_nb": "myst-nb"}
# what emlib and its [plots,data] extras bring
COMES_WITH_EMLIB = {"emlib", "numpy", "matplotlib", "ipywidgets", "palmerpenguins"}


# --- the exercise index -----------------------------------------------------


class exercise_index(nodes.General, nodes.Element):
    """Where the list of exercises goes, filled in once every page is read."""


class ExerciseIndex(SphinxDirective):
    """``{exercise-index}``: every exercise of the book, chapter by chapter."""

    def run(self):
        return [exercise_index()]


def _toc_order(env):
    """The documents in the order of the table of contents."""
    order = []

    def visit(docname):
        order.append(docname)
        for child in env.toctree_includes.get(docname, []):
            visit(child)

    visit(env.config.root_doc)
    return order


def _subtitle(exercise):
    """The title an exercise was given (``{exercise} The title``), as text."""
    subtitle = next(exercise.findall(exercise_subtitle), None)
    if subtitle is None:
        return ""
    text = subtitle.astext().strip()
    return text[1:-1] if text.startswith("(") and text.endswith(")") else text


def _fill_exercise_index(app, doctree, fromdocname):
    env = app.env
    registry = getattr(env, "sphinx_exercise_registry", {})
    exercises = {}
    for label, entry in registry.items():
        if entry["type"] == "exercise":
            exercises.setdefault(entry["docname"], []).append((label, entry["node"]))
    for placeholder in list(doctree.findall(exercise_index)):
        content = []
        for docname in _toc_order(env):
            if docname not in exercises:
                continue
            numbers = env.toc_fignumbers.get(docname, {}).get("exercise", {})
            unnumbered = [label for label, _ in exercises[docname] if label not in numbers]
            if unnumbered:
                logger.warning(f"exercises without a number, left out of the index: {unnumbered}", location=docname)
            found = sorted((item for item in exercises[docname] if item[0] in numbers), key=lambda item: numbers[item[0]])
            section = nodes.section(ids=[f"exercises-{docname.replace('/', '-')}"])
            title = nodes.title()
            secnumber = env.toc_secnumbers.get(docname, {}).get("")
            if secnumber:
                title += nodes.Text(".".join(map(str, secnumber)) + ". ")
            title += nodes.Text(env.titles[docname].astext())
            section += title
            items = nodes.bullet_list()
            for label, node in found:
                uri = app.builder.get_relative_uri(fromdocname, docname) + "#" + label
                number = ".".join(map(str, numbers[label]))
                reference = nodes.reference("", "", internal=True, refuri=uri)
                reference += nodes.strong(text=f"Exercise {number}")
                paragraph = nodes.paragraph()
                paragraph += reference
                subtitle = _subtitle(node)
                if subtitle:
                    paragraph += nodes.Text(f"  {subtitle}")
                items += nodes.list_item("", paragraph)
            section += items
            content.append(section)
        placeholder.replace_self(content)


# --- "Run this chapter yourself" ----------------------------------------------


def notebook_packages(path):
    """The pip names of the third-party packages a notebook imports, besides emlib's own."""
    notebook = json.loads(Path(path).read_text(encoding="utf-8"))
    modules = set()
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        # IPython's magics and shell escapes are not Python
        source = "".join(line for line in "".join(cell["source"]).splitlines(keepends=True)
                         if not line.lstrip().startswith(("%", "!")))
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                modules.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                modules.add(node.module.split(".")[0])
    modules -= set(sys.stdlib_module_names) | COMES_WITH_EMLIB
    return sorted(PIP_NAMES.get(module, module) for module in modules)


def run_yourself_box(docname, path):
    """The tip box for one chapter: download link and install commands."""
    name = Path(path).name
    download = "../" * docname.count("/") + f"_sources/{docname}.ipynb"
    install = " ".join(['pip install "path/to/the/repository[plots,data]"', *notebook_packages(path), "jupyterlab"])
    box = nodes.admonition(classes=["tip", "dropdown", "run-yourself"])
    box += nodes.title(text="Run this chapter yourself")
    intro = nodes.paragraph()
    intro += nodes.Text("This page is the notebook ")
    link = nodes.reference("", "", internal=False, refuri=download)
    link += nodes.literal(text=name)
    intro += link
    intro += nodes.Text(
        " (also under the download button at the top of the page). It runs on emlib, "
        "which installs from a checkout of the book's repository, and on the packages it imports:"
    )
    box += intro
    box += nodes.literal_block(text=f"{install}\njupyter lab {name}", language="bash")
    tail = nodes.paragraph()
    tail += nodes.Text("In the checkout itself, ")
    tail += nodes.literal(text="make lab")
    tail += nodes.Text(" installs the tested versions of everything and opens all the chapters.")
    box += tail
    return box


def _add_run_yourself(app, doctree, docname):
    path = app.env.doc2path(docname)
    if not str(path).endswith(".ipynb") or not app.env.toc_secnumbers.get(docname):
        return  # only the numbered chapters
    title = next(iter(doctree.findall(nodes.title)))
    section = title.parent
    section.insert(section.index(title) + 1, run_yourself_box(docname, path))


# --- build fix ------------------------------------------------------------------


def _drop_duplicate_scripts(app, pagename, templatename, context, doctree):
    """Keep one copy of each script tag on a page.

    sphinx-thebe and sphinx-togglebutton each register their inline
    configuration script twice (once with ``filename=None``, once with
    ``""``), and a page that declares the same ``const`` twice logs a
    JavaScript error.
    """
    scripts, seen = [], set()
    for script in context.get("script_files", []):
        key = (script.filename or "", tuple(sorted(script.attributes.items())))
        if key not in seen:
            seen.add(key)
            scripts.append(script)
    context["script_files"] = scripts


def _visit_skip(self, node):
    raise nodes.SkipNode


def setup(app):
    app.add_node(exercise_index, html=(_visit_skip, None), latex=(_visit_skip, None))
    app.add_directive("exercise-index", ExerciseIndex)
    app.connect("doctree-resolved", _fill_exercise_index)
    app.connect("doctree-resolved", _add_run_yourself)
    # run after the extensions that add scripts to the page
    app.connect("html-page-context", _drop_duplicate_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
