"""Every page of the built HTML book, opened in Debian's chromium with no network, on a laptop and a phone.

For every page, at 1280 and 390 CSS pixels, in one visit: no request fails
and none leaves the local server; no JavaScript error; math is typeset by
the bundled MathJax (no raw TeX left, no TeX error) and every formula can
be read whole; the page does not scroll sideways; a figure wider than the
column is scaled down whole; the sidebar lists every chapter.  What a reader
does on a page (sliders, the run box, search) is tests/test_browser.py.

Needs the book built (``make book``) and chromium (see tests/built_book.py).
Without chromium the tests skip with the reason, unless
``EMLIB_REQUIRE_BROWSER=1`` (set by CI), in which case they fail.
"""

import pytest
from built_book import RAW_TEX, READING_CHECKS, ROOT, WIDTHS, all_pages, built_pages, chapter_pages, pages_with_math

# the figures a page shows as it shows them: each image's natural and shown aspect ratio
FIGURE_SHAPES = ("[...document.querySelectorAll('.cell_output img')]"
                 ".filter(i => i.naturalWidth > 0 && i.offsetParent !== null)"
                 ".map(i => [i.src.slice(-40), i.naturalWidth / i.naturalHeight, i.clientWidth / i.clientHeight])")
SIDEBAR_LINKS = ("els => els.map(a => new URL(a.getAttribute('href'), document.baseURI).pathname)")


def test_the_pages_checked_are_the_pages_built(built_site):
    assert built_pages() == all_pages(), "a page is built that the checks below do not open, or the reverse"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("page_path", all_pages())
def test_page_is_self_contained_readable_and_complete(visit, page_path, width):
    page = visit(page_path, width)
    assert page.foreign == [], f"requests to other hosts: {page.foreign}"
    assert page.failed == [], f"failed requests: {page.failed}"
    assert page.errors == [], f"JavaScript errors: {page.errors}"
    reading = page.page.evaluate(READING_CHECKS)
    raw = RAW_TEX.search(reading["text"])
    assert not raw, f"raw TeX left on {page_path}: ...{reading['text'][max(0, raw.start() - 40):raw.end() + 20]}..."
    assert reading["cut"] == [], f"formulas cut off at {width} px on {page_path}: {reading['cut']}"
    assert reading["sideways"] <= 1, f"{page_path} scrolls sideways by {reading['sideways']} px at {width} px"
    if page_path in pages_with_math():
        assert page.page.locator("mjx-container").count() > 0, f"no MathJax output on {page_path}"
        assert page.page.locator("mjx-merror").count() == 0, f"MathJax reported a TeX error on {page_path}"
    if page_path in chapter_pages() and (ROOT / page_path).with_suffix(".ipynb").exists():
        shapes = page.page.evaluate(FIGURE_SHAPES)
        assert shapes, f"no figure shown on {page_path}"
        squashed = [(src, round(natural, 3), round(shown, 3)) for src, natural, shown in shapes
                    if abs(shown / natural - 1) > 0.02]
        assert not squashed, f"figures shown with another aspect ratio (src, natural, shown): {squashed}"
    if page_path in chapter_pages() and width == max(WIDTHS):  # on a phone the sidebar is a drawer
        links = page.page.eval_on_selector_all("nav.bd-docs-nav a.reference, .bd-sidebar-primary a.navbar-brand",
                                               SIDEBAR_LINKS)
        listed = {link.lstrip("/") for link in links}
        missing = [chapter for chapter in chapter_pages()[1:] if chapter not in listed]  # [0]: the title link
        assert not missing, f"sidebar of {page_path} does not list {missing}; it has {sorted(listed)}"
