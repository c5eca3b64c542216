"""Every page of the built HTML book on a laptop (1280 CSS pixels), and what a reader does there.

In Debian's chromium with no network.  Each page is opened once: first for
every check that only reads it (:func:`built_book.check_what_a_reader_sees`,
the sidebar included), then, on a chapter, for what a reader does: each
chapter has the static sliders it promises and every one moves its figure;
the "Run this chapter yourself" box opens and gives the chapter's notebook.
Also here: the search page finds pages with no network, the raw-TeX check
catches a formula whose "$" went missing, and the pages checked are exactly
the pages built.  The same pages on a phone are tests/test_browser_phone.py.

Needs the book built (``make book``) and chromium (see tests/built_book.py).
Without chromium the tests skip with the reason, unless
``EMLIB_REQUIRE_BROWSER=1`` (set by CI), in which case they fail.
"""

import json
from pathlib import Path
from urllib.parse import urlparse

import pytest
from built_book import (
    LAPTOP,
    RAW_TEX,
    ROOT,
    all_pages,
    built_pages,
    chapter_pages,
    check_what_a_reader_sees,
    numbered_chapters,
)


def test_the_pages_checked_are_the_pages_built(built_site):
    assert built_pages() == all_pages(), "a page is built that the checks below do not open, or the reverse"


def test_the_raw_tex_check_catches_a_formula_whose_dollar_went_missing():
    """The glossary's MAP entry once showed "$\\ell(\\theta)" and a stray "Q$" as text."""
    assert RAW_TEX.search(r"the theta that maximises $\ell(\theta) + log p(theta)")
    assert RAW_TEX.search(r"$ \log p$") and RAW_TEX.search(r"\(x\)")
    assert not RAW_TEX.search("costs $5 and 10 \\ 2")


def _frame_sliders(page):
    return page.locator("css=.widget-vbox:has(> .emlib-frames)")


def _visible_src(box):
    shown = box.locator(".emlib-frames img:visible")
    assert shown.count() == 1, "exactly one frame must be visible"
    return shown.first.get_attribute("src")


def _check_handle_moves_the_figure(page, box, handle, readout):
    before = _visible_src(box)
    readout_before = readout.inner_text()
    handle.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "([el, src]) => { const img = [...el.querySelectorAll('.emlib-frames img')]"
        ".find(i => i.offsetParent !== null); return img && img.getAttribute('src') !== src; }",
        arg=[box.element_handle(), before], timeout=5000,
    )
    assert _visible_src(box) != before
    assert readout.inner_text() != readout_before
    page.keyboard.press("End")
    page.wait_for_timeout(200)
    assert _visible_src(box) != before


# the sliders each chapter promises: how many at least, and what a reader sees before moving them
SLIDERS = {
    "book/kmeans.html": 1,
    "book/soft.html": 1,  # over beta, opening on 0.02
    "book/coins.html": 1,  # a two-slider grid over both coins' starts
    "book/gmm.html": 2,  # the 1-d and the 2-d run
    "book/em_general.html": 1,  # over the bound
    "book/exam.html": 1,
    "book/missing.html": 1,  # over the fraction hidden
    "book/practice.html": 1,  # over the local optima
    "book/mixture_holes.html": 1,  # over the fraction hidden, opening on 30 %
    "book/hmm.html": 1,  # over Baum-Welch's iterations
}


def _first_readouts(boxes):
    return [boxes.nth(i).locator(".widget-readout").first.inner_text() for i in range(boxes.count())]


def _check_what_the_sliders_show_first(page_path, boxes):
    assert boxes.count() >= SLIDERS.get(page_path, 0), f"{page_path} has {boxes.count()} static sliders"
    if page_path == "book/soft.html":
        assert "0.02" in _first_readouts(boxes), f"no slider opening on β = 0.02: {_first_readouts(boxes)}"
    if page_path == "book/missing.html":
        assert any(text.endswith("%") for text in _first_readouts(boxes)), "no slider over a percentage"
    if page_path == "book/mixture_holes.html":
        assert "30 %" in _first_readouts(boxes), f"no slider opening on 30 %: {_first_readouts(boxes)}"
    if page_path == "book/coins.html":
        grids = [i for i in range(boxes.count()) if boxes.nth(i).locator(".noUi-handle").count() == 2]
        assert grids, "no widget with two sliders on the coins page"
        captions = boxes.nth(grids[0]).locator(".widget-slider .widget-label").all_inner_texts()
        assert captions == ["coin A starts at", "coin B starts at"]  # as written: no tag stripped, no TeX left


def check_every_static_slider_moves_its_figure(page, page_path):
    """The sliders a chapter promises are there; every slider of every frame widget moves its figure."""
    boxes = _frame_sliders(page.page)
    _check_what_the_sliders_show_first(page_path, boxes)
    for index in range(boxes.count()):
        box = boxes.nth(index)
        box.scroll_into_view_if_needed()
        handles, readouts = box.locator(".noUi-handle"), box.locator(".widget-readout")
        assert handles.count() >= 1 and handles.count() == readouts.count()
        for slider in range(handles.count()):
            _check_handle_moves_the_figure(page.page, box, handles.nth(slider), readouts.nth(slider))
    assert page.errors == [], f"JavaScript errors while sliding: {page.errors}"


def check_the_run_box(page, chapter):
    """The "Run this chapter yourself" box opens, and its link and the download button give the notebook."""
    box = page.page.locator("article .run-yourself")
    assert box.count() == 1, f"{chapter}: no 'Run this chapter yourself' box"
    stem = Path(chapter).name
    command = box.locator("pre")
    assert not command.is_visible(), "the box should start folded"
    box.locator(".admonition-title").click()
    command.wait_for(state="visible", timeout=5_000)
    assert f"jupyter lab {stem}.ipynb" in command.inner_text()
    link = box.locator(f"a[href$='_sources/{chapter}.ipynb']")
    button = page.page.locator(f"a.btn-download-source-button[href$='_sources/{chapter}.ipynb']")
    assert link.count() == 1 and button.count() == 1
    url = link.evaluate("a => a.href")
    response = page.page.request.get(url)
    assert response.ok and urlparse(url).netloc == urlparse(page.page.url).netloc
    source = json.loads((ROOT / f"{chapter}.ipynb").read_text(encoding="utf-8"))
    assert response.json()["cells"] == source["cells"], "the download is not the chapter's notebook"


def test_every_chapter_with_sliders_is_listed():
    assert set(SLIDERS) <= set(chapter_pages())


@pytest.mark.parametrize("page_path", all_pages())
def test_page_reads_well_and_works_on_a_laptop(visit, page_path):
    """Read first, as the page opened; then move every slider and open the run box."""
    page = visit(page_path, LAPTOP)
    check_what_a_reader_sees(page, page_path, LAPTOP)
    if page_path in chapter_pages():
        check_every_static_slider_moves_its_figure(page, page_path)
    if page_path.removesuffix(".html") in numbered_chapters():
        check_the_run_box(page, page_path.removesuffix(".html"))


def test_the_search_page_finds_responsibility_with_no_network(visit):
    """Sphinx's search runs in the page, on the index the build wrote: a query returns chapters."""
    page = visit("search.html?q=responsibility")
    results = page.page.locator("ul.search li a")
    results.first.wait_for(timeout=15_000)
    found = {urlparse(href).path.lstrip("/") for href in
             results.evaluate_all("links => links.map(a => new URL(a.getAttribute('href'), document.baseURI).href)")}
    assert {"book/gmm.html", "book/soft.html"} <= found, f"search for 'responsibility' found only {sorted(found)}"
    assert page.foreign == [] and page.failed == [] and page.errors == []
