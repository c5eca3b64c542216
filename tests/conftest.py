"""Shared test settings, and the fixtures of the browser tests.

Property tests run 200 examples each by default (the "ci" profile); set
HYPOTHESIS_PROFILE=thorough for 5 000, e.g. before a release.
"""

import collections
import functools
import http.server
import os
import threading
import time

import matplotlib
import pytest
from built_book import CHROMIUM_FLAGS, ROOT, SITE, PageVisit, QuietHandler, chromium
from hypothesis import settings

matplotlib.use("Agg")

settings.register_profile("ci", max_examples=200, deadline=None, print_blob=True)
settings.register_profile("thorough", max_examples=5000, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_collection_modifyitems(items):
    """Run the files in the order that keeps make test's workers busy (each takes one file at a time).

    The chapters first (each runs start to end in one kernel, and they are
    the longest files), then the other tests, and last the files that read
    the built book (``built_site``), which the build running beside the
    tests finishes last; within each, the files with the most tests first.
    A file's tests keep their order.
    """
    def file_of(item):
        return item.nodeid.split("::")[0]

    sizes = collections.Counter(map(file_of, items))
    reads_book = {file_of(item) for item in items if "built_site" in getattr(item, "fixturenames", ())}
    items.sort(key=lambda item: (file_of(item) in reads_book, not file_of(item).endswith(".ipynb"),
                                 -sizes[file_of(item)]))


# --------------------------------------------------------------------------
# The built book in a browser (tests/test_browser*.py; see tests/built_book.py)
# --------------------------------------------------------------------------


@pytest.fixture(scope="session")
def built_site():
    """The built book's html directory, for the tests that read it.

    ``make test`` builds the book beside the tests (see the Makefile): while
    ``_build/.building`` is there and ``_build/.built`` (the build's exit
    status) is not, wait; fail with the end of its log if it failed.
    Otherwise the book must have been built before (``make book``).
    """
    building, built = ROOT / "_build" / ".building", ROOT / "_build" / ".built"
    while building.exists() and not built.exists():
        time.sleep(2)
    if built.exists() and built.read_text().strip() != "0":
        log = (ROOT / "_build" / "build.log").read_text(errors="replace").splitlines()
        pytest.fail("the book did not build; the end of _build/build.log:\n" + "\n".join(log[-40:]))
    if not (SITE / "index.html").exists():
        pytest.fail(f"the book is not built: {SITE} is missing (run `make book`)")
    return SITE


@pytest.fixture(scope="module")
def site_url(built_site):
    handler = functools.partial(QuietHandler, directory=str(built_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    executable = chromium()
    if executable is None:
        reason = "chromium is not installed (apt-get install chromium); browser checks not run"
        if os.environ.get("EMLIB_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        print(f"\nSKIPPING BROWSER TESTS: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def visit(browser, site_url):
    visits = []

    def open_page(page_path, width=1280):
        visits.append(PageVisit(browser, site_url, page_path, width))
        return visits[-1]

    yield open_page
    for item in visits:
        item.close()
