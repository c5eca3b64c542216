"""The notation page and the glossary, and the chapters' links into them.

Static checks of the sources (no build): every glossary entry is linked from
a chapter with a ``{term}`` role, every chapter links several entries, every
``{term}`` target exists, and the notation page covers every chapter and the
symbols the sources disagree on.
"""

import json
import re
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
CHAPTERS = ["kmeans", "soft", "coins", "gmm", "em_general", "exam", "missing", "practice", "mixture_holes",
            "hmm"]

TERM_ROLE = re.compile(r"\{term\}`([^`]*)`")
DOC_ROLE = re.compile(r"\{doc\}`([^`]*)`")
MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]+\$", re.S)


def _role_target(content):
    """The target of a role's content: ``text <target>`` or ``target``."""
    match = re.fullmatch(r"(?s)(.*?)\s*<([^<>]+)>", content)
    return (match.group(2) if match else content).strip()


def _glossary():
    """(options, entries): each entry is the list of its term lines."""
    text = (BOOK / "glossary.md").read_text(encoding="utf-8")
    block = re.search(r"^```\{glossary\}\n(.*?)^```$", text, re.M | re.S)
    assert block, "book/glossary.md has no {glossary} directive"
    options, entries, previous_was_term = [], [], False
    for line in block.group(1).splitlines():
        if line.startswith(":"):
            options.append(line.strip())
        elif line.strip() and not line[0].isspace():
            if previous_was_term:
                entries[-1].append(line.strip())
            else:
                entries.append([line.strip()])
            previous_was_term = True
        else:
            previous_was_term = False
    return options, entries, block.group(1)


def _definitions(body):
    """{first term: definition text} for each glossary entry."""
    definitions, current = {}, None
    for line in body.splitlines():
        if line.strip() and not line[0].isspace() and not line.startswith(":"):
            if current is None or definitions[current]:
                current = line.strip()
                definitions[current] = ""
        elif current is not None and line.strip():
            definitions[current] += line.strip() + " "
    return definitions


def _markdown(stem):
    notebook = json.loads((BOOK / f"{stem}.ipynb").read_text(encoding="utf-8"))
    return ["".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "markdown"]


def _links(stem):
    """Every {term} target used in a chapter's Markdown cells, lower-cased, with repeats."""
    return [_role_target(content).lower() for cell in _markdown(stem) for content in TERM_ROLE.findall(cell)]


@pytest.fixture(scope="module")
def glossary():
    options, entries, body = _glossary()
    return options, entries, body


@pytest.fixture(scope="module")
def term_to_entry(glossary):
    _, entries, _ = glossary
    return {term.lower(): entry[0] for entry in entries for term in entry}


def test_the_glossary_has_the_core_terms_without_duplicates(glossary, term_to_entry):
    _, entries, _ = glossary
    terms = [term.lower() for entry in entries for term in entry]
    assert len(terms) == len(set(terms)), "a glossary term is defined twice (Sphinx ignores case)"
    for needed in ["latent variable", "complete data", "incomplete data", "complete-data log-likelihood",
                   "responsibility", "e-step", "m-step", "q-function", "lower bound", "elbo",
                   "jensen's inequality", "kullback–leibler divergence", "log-likelihood",
                   "maximum likelihood estimate", "mixture model", "mixing weight", "gaussian mixture model",
                   "covariance type", "k-means", "inertia", "k-means++ seeding", "hard assignment",
                   "soft assignment", "stiffness", "label switching", "local optimum", "saddle point",
                   "component collapse", "reg_covar", "convergence criterion", "tolerance", "restarts",
                   "n_init", "bic", "aic", "missing at random", "missing completely at random",
                   "missing not at random", "imputation", "sufficient statistics", "generalised em"]:
        assert needed in term_to_entry, f"the glossary has no entry for {needed!r}"
    assert len(entries) >= 45


def test_the_glossary_is_sorted(glossary):
    options, entries, _ = glossary
    keys = [unicodedata.normalize("NFD", entry[0].lower()) for entry in entries]
    assert ":sorted:" in options or keys == sorted(keys)
    assert keys == sorted(keys), "keep the source in the order the page shows too"


def test_every_definition_is_short_and_says_where_it_is_developed(glossary):
    _, entries, body = glossary
    definitions = _definitions(body)
    assert set(definitions) == {entry[0] for entry in entries}
    for term, definition in definitions.items():
        sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z$`(])", MATH.sub("x", definition).strip())
        assert 1 <= len(sentences) <= 6, f"{term}: {len(sentences)} sentences"
        last = sentences[-1]
        assert last.startswith("Developed in") and DOC_ROLE.search(last), f"{term}: ends with {last!r}"
        for target in DOC_ROLE.findall(definition):
            assert (BOOK / f"{_role_target(target)}.ipynb").exists() or (BOOK / f"{_role_target(target)}.md").exists()


def test_no_definition_line_starts_like_a_list_item(glossary):
    """A continuation line that starts with "+ " or "- " becomes a bullet and breaks the formula around it."""
    _, _, body = glossary
    starts = [line for line in body.splitlines() if re.match(r"\s+([-+*]|\d+[.)])\s", line)]
    assert starts == [], f"lines read as list items: {starts}"


def test_every_glossary_entry_is_linked_from_a_chapter(glossary, term_to_entry):
    _, entries, _ = glossary
    linked = {term_to_entry[target] for stem in CHAPTERS for target in _links(stem) if target in term_to_entry}
    missing = [entry[0] for entry in entries if entry[0] not in linked]
    assert not missing, f"glossary entries no chapter links: {missing}"


@pytest.mark.parametrize("stem", CHAPTERS)
def test_every_chapter_links_at_least_five_terms_that_exist(stem, term_to_entry):
    targets = _links(stem)
    unknown = sorted({target for target in targets if target not in term_to_entry})
    assert not unknown, f"{stem} links terms the glossary does not define: {unknown}"
    per_entry = {}
    for target in targets:
        per_entry[term_to_entry[target]] = per_entry.get(term_to_entry[target], 0) + 1
    assert len(per_entry) >= 5, f"{stem} links only {sorted(per_entry)}"
    assert max(per_entry.values()) <= 2, f"{stem} links a term more than twice: {per_entry}"


@pytest.mark.parametrize("stem", CHAPTERS)
def test_no_term_link_in_a_heading_math_or_glue_role(stem):
    for cell in _markdown(stem):
        for line in cell.splitlines():
            if line.lstrip().startswith("#") or line.lstrip().startswith(":"):
                assert "{term}" not in line, f"{stem}: a term link in {line!r}"
        for math in MATH.findall(cell):
            assert "{term}" not in math, f"{stem}: a term link inside math {math!r}"
        assert not re.search(r"\{glue:text\}`[^`]*\{term\}", cell)


def test_the_notation_page_covers_every_chapter_and_the_disputed_symbols():
    text = (BOOK / "notation.md").read_text(encoding="utf-8")
    linked = {_role_target(target) for target in DOC_ROLE.findall(text)}
    assert set(CHAPTERS) <= linked, f"chapters the notation page does not link: {set(CHAPTERS) - linked}"
    assert "glossary" in linked
    math = " ".join(MATH.findall(text))
    for symbol in [r"\tau", r"\omega", r"\theta", r"\Sigma", r"\pi_A", r"\mu_k", r"m_k", r"r_{ik}",
                   r"Q(\theta \mid \theta^t)", r"\beta", r"\sigma^2", r"x_{i,o}", r"\mathcal L(q, \theta)"]:
        assert symbol in math, f"the notation page never writes ${symbol}$"
    assert re.search(r"\$K\$", text) and re.search(r"\$k\$", text) and re.search(r"\$n\$", text)
    for seed in ["000", "001", "002"]:
        assert f"Seed {seed}" in text
    # one table per group, each row with a symbol, a meaning and the chapters
    for heading in ["Indices and sizes", "Data and hidden variables", "Parameters", "EM quantities"]:
        section = text.split(f"## {heading}")[1].split("\n## ")[0]
        rows = [line for line in section.splitlines() if line.startswith("| $")]
        assert len(rows) >= 5, heading
        for row in rows:
            cells = [cell.strip() for cell in row.strip("|").split(" | ")]
            assert len(cells) == 4 and cells[0] and cells[1] and cells[2], row
