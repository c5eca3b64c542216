"""Every page of the built HTML book on a phone (390 CSS pixels), in Debian's chromium with no network.

Each page is opened once, for every check that only reads it
(:func:`built_book.check_what_a_reader_sees`: nothing fetched from another
host, no error, math typeset and readable whole, no sideways scrolling,
figures not squashed).  Also here: that those checks see a formula cut off
and a page that scrolls sideways when there is one.  The same pages on a
laptop, and what a reader does on them, are tests/test_browser_laptop.py.

Needs the book built (``make book``) and chromium (see tests/built_book.py).
Without chromium the tests skip with the reason, unless
``EMLIB_REQUIRE_BROWSER=1`` (set by CI), in which case they fail.
"""

import pytest
from built_book import PHONE, READING_CHECKS, all_pages, check_what_a_reader_sees


@pytest.mark.parametrize("page_path", all_pages())
def test_page_reads_well_on_a_phone(visit, page_path):
    check_what_a_reader_sees(visit(page_path, PHONE), page_path, PHONE)


def test_the_reading_check_sees_a_formula_cut_off_and_a_page_that_scrolls_sideways(visit):
    """What the theme did before the book's CSS: clip a long inline formula at the column's edge."""
    page = visit("book/kmeans.html", PHONE)
    assert page.page.evaluate(READING_CHECKS)["cut"] == []
    page.page.evaluate("""() => {
      const formula = [...document.querySelectorAll('article span.math mjx-container')]
        .find(each => each.checkVisibility());
      formula.parentElement.style.overflowX = 'hidden';
      formula.style.setProperty('display', 'inline-block', 'important');
      formula.style.setProperty('min-width', '2000px', 'important');
    }""")
    assert len(page.page.evaluate(READING_CHECKS)["cut"]) == 1
    page.page.evaluate("() => { document.querySelector('article').style.minWidth = '900px'; }")
    assert page.page.evaluate(READING_CHECKS)["sideways"] > 400
