"""The built HTML book, opened in Debian's chromium with no network.

For every page: no request fails and none leaves the local server; no
JavaScript error; math is typeset by the bundled MathJax (no raw TeX left);
the sidebar lists every chapter.  For every static slider: moving it changes
the figure shown.  The search page finds pages with no network.

Needs the book built into ``_build/html`` (``make book``) and chromium at
``/usr/bin/chromium`` (or ``$CHROMIUM``).  Without chromium the tests skip
with the reason, unless ``EMLIB_REQUIRE_BROWSER=1`` (set by CI), in which case
they fail.
"""

import functools
import http.server
import json
import os
import re
import shutil
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
# TeX that MathJax left as text: a "$" before a TeX command (a formula whose
# closing "$" went missing), $$, \( or \[ delimiters, environments, commands
RAW_TEX = re.compile(r"\$\s*\\[A-Za-z]+|\$\$|\\\(|\\\[|\\begin\{|\\frac|\\sum")
# a laptop and a phone (an iPhone 12 to 15 is 390 CSS pixels wide)
WIDTHS = [1280, 390]

# In the page: the visible text outside code and math, every formula that a
# box cuts off (the theme clips inline math at the column's edge) or that
# lies beyond the screen's right edge, and how far the page scrolls sideways.
# A formula inside a box that scrolls sideways is readable: that box must fit.
READING_CHECKS = """() => {
  const article = document.querySelector('article') || document.body;
  const viewport = document.documentElement.clientWidth;
  const text = [];
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (parent && !parent.closest('pre, code, mjx-container, script, style') && parent.checkVisibility()) {
      text.push(node.textContent);
    }
  }
  const cut = [];
  for (const formula of article.querySelectorAll('mjx-container')) {
    let rect = formula.getBoundingClientRect();
    if (rect.width === 0 || !formula.checkVisibility()) continue;
    let clipped = false;
    for (let box = formula.parentElement; box && box !== document.documentElement; box = box.parentElement) {
      const overflow = getComputedStyle(box).overflowX;
      if (overflow === 'visible') continue;
      const edges = box.getBoundingClientRect();
      if (overflow === 'auto' || overflow === 'scroll') { rect = edges; continue; }
      if (rect.right > edges.right + 1 || rect.left < edges.left - 1) { clipped = true; break; }
    }
    if (clipped || rect.right > viewport + 1) {
      cut.push(formula.querySelector('mjx-assistive-mml')?.textContent.trim().slice(0, 60) || '?');
    }
  }
  return {text: text.join(' '), cut: cut,
          sideways: document.documentElement.scrollWidth - document.documentElement.clientWidth};
}"""


def _chapter_pages() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    files += [entry["file"] for entry in toc.get("chapters", [])]
    files += [entry["file"] for part in toc.get("parts", []) for entry in part["chapters"]]
    return [f"{name}.html" for name in files]


def _all_pages() -> list[str]:
    pages = sorted(
        str(path.relative_to(SITE)) for path in SITE.rglob("*.html")
        if not path.relative_to(SITE).parts[0].startswith(("_", "vendor"))
    )
    return pages


def _chromium() -> str | None:
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def site_url():
    if not (SITE / "index.html").exists():
        pytest.fail(f"the book is not built: {SITE} is missing (run `make book`)")
    handler = functools.partial(_QuietHandler, directory=str(SITE))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def browser():
    executable = _chromium()
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


class PageVisit:
    """A page opened in a fresh browser context, with everything that went wrong on the way."""

    def __init__(self, browser, site_url: str, page_path: str, width: int = 1280):
        self.context = browser.new_context(viewport={"width": width, "height": 900})
        self.page = self.context.new_page()
        self.foreign, self.failed, self.errors = [], [], []
        host = urlparse(site_url).netloc

        def on_request(request):
            parsed = urlparse(request.url)
            if parsed.scheme in ("http", "https", "ws", "wss") and parsed.netloc != host:
                self.foreign.append(request.url)

        self.page.on("request", on_request)
        self.page.on("requestfailed", lambda r: self.failed.append(f"{r.url}: {r.failure}"))
        self.page.on("response", lambda r: r.status >= 400 and self.failed.append(f"{r.url}: HTTP {r.status}"))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.goto(f"{site_url}/{page_path}", wait_until="networkidle")
        self.page.wait_for_function("() => !window.MathJax || !window.MathJax.startup || "
                                    "window.MathJax.startup.promise !== undefined")
        self.page.evaluate("() => window.MathJax && window.MathJax.startup ? "
                           "window.MathJax.startup.promise : null")
        self.page.wait_for_load_state("networkidle")

    def close(self):
        self.context.close()


@pytest.fixture
def visit(browser, site_url):
    visits = []

    def open_page(page_path, width=1280):
        visits.append(PageVisit(browser, site_url, page_path, width))
        return visits[-1]

    yield open_page
    for item in visits:
        item.close()


def test_the_toc_pages_were_built():
    missing = [page for page in _chapter_pages() if not (SITE / page).exists()]
    assert SITE.exists() and not missing, f"not built: {missing}"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("page_path", _all_pages() if SITE.exists() else ["index.html"])
def test_page_is_self_contained_and_renders(visit, page_path, width):
    """Offline, no errors, no raw TeX; every formula readable and no sideways page, on a laptop and a phone."""
    page = visit(page_path, width)
    assert page.foreign == [], f"requests to other hosts: {page.foreign}"
    assert page.failed == [], f"failed requests: {page.failed}"
    assert page.errors == [], f"JavaScript errors: {page.errors}"
    reading = page.page.evaluate(READING_CHECKS)
    raw = RAW_TEX.search(reading["text"])
    assert not raw, f"raw TeX left on {page_path}: ...{reading['text'][max(0, raw.start() - 40):raw.end() + 20]}..."
    assert reading["cut"] == [], f"formulas cut off at {width} px on {page_path}: {reading['cut']}"
    assert reading["sideways"] <= 1, f"{page_path} scrolls sideways by {reading['sideways']} px at {width} px"


def test_the_reading_check_sees_a_formula_cut_off_and_a_page_that_scrolls_sideways(visit):
    """What the theme did before the book's CSS: clip a long inline formula at the column's edge."""
    page = visit("book/kmeans.html", 390)
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


def test_the_raw_tex_check_catches_a_formula_whose_dollar_went_missing():
    """The glossary's MAP entry once showed "$\\ell(\\theta)" and a stray "Q$" as text."""
    assert RAW_TEX.search(r"the theta that maximises $\ell(\theta) + log p(theta)")
    assert RAW_TEX.search(r"$ \log p$") and RAW_TEX.search(r"\(x\)")
    assert not RAW_TEX.search("costs $5 and 10 \\ 2")


def _pages_with_math() -> list[str]:
    sources = {page: next(ROOT.glob(page.removesuffix(".html") + ".*")) for page in _chapter_pages()}
    return [page for page, source in sources.items() if "$" in source.read_text(encoding="utf-8")]


@pytest.mark.parametrize("page_path", _pages_with_math())
def test_math_is_typeset(visit, page_path):
    page = visit(page_path)
    typeset = page.page.locator("mjx-container").count()
    assert typeset > 0, f"no MathJax output on {page_path}"
    assert page.page.locator("mjx-merror").count() == 0, "MathJax reported a TeX error"


@pytest.mark.parametrize("page_path", _chapter_pages())
def test_sidebar_lists_every_chapter(visit, page_path):
    page = visit(page_path)
    links = page.page.eval_on_selector_all(
        "nav.bd-docs-nav a.reference, .bd-sidebar-primary a.navbar-brand",
        "els => els.map(a => new URL(a.getAttribute('href'), document.baseURI).pathname)",
    )
    listed = {link.lstrip("/") for link in links}
    chapters = _chapter_pages()[1:]  # the root page is the book's title link
    missing = [chapter for chapter in chapters if chapter not in listed]
    assert not missing, f"sidebar of {page_path} does not list {missing}; it has {sorted(listed)}"


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


@pytest.mark.parametrize("page_path", _chapter_pages())
def test_every_static_slider_changes_the_figure(visit, page_path):
    """Every slider of every frame widget, including each of a two-slider grid."""
    page = visit(page_path)
    boxes = _frame_sliders(page.page)
    for index in range(boxes.count()):
        box = boxes.nth(index)
        box.scroll_into_view_if_needed()
        handles, readouts = box.locator(".noUi-handle"), box.locator(".widget-readout")
        assert handles.count() >= 1 and handles.count() == readouts.count()
        for slider in range(handles.count()):
            _check_handle_moves_the_figure(page.page, box, handles.nth(slider), readouts.nth(slider))
    assert page.errors == [], f"JavaScript errors while sliding: {page.errors}"


@pytest.mark.parametrize("page_path, minimum", [
    ("book/kmeans.html", 1),
    ("book/gmm.html", 2),  # the 1-d and the 2-d run
    ("book/em_general.html", 1),  # over the bound
    ("book/exam.html", 1),
    ("book/practice.html", 1),  # over the local optima
])
def test_the_chapter_has_its_static_sliders(visit, page_path, minimum):
    page = visit(page_path)
    assert _frame_sliders(page.page).count() >= minimum


def test_the_soft_chapter_has_a_static_slider_over_beta(visit):
    page = visit("book/soft.html")
    boxes = _frame_sliders(page.page)
    assert boxes.count() >= 1
    readouts = [boxes.nth(i).locator(".widget-readout").first.inner_text() for i in range(boxes.count())]
    assert "0.02" in readouts, f"no slider opening on β = 0.02; readouts: {readouts}"


def test_the_coins_chapter_has_a_two_slider_grid(visit):
    page = visit("book/coins.html")
    grids = [i for i in range(_frame_sliders(page.page).count())
             if _frame_sliders(page.page).nth(i).locator(".noUi-handle").count() == 2]
    assert grids, "no widget with two sliders on the coins page"
    captions = _frame_sliders(page.page).nth(grids[0]).locator(".widget-slider .widget-label").all_inner_texts()
    assert captions == ["coin A starts at", "coin B starts at"]  # as written: no tag stripped, no TeX left


def test_the_missing_data_chapter_has_a_slider_over_the_fraction_hidden(visit):
    page = visit("book/missing.html")
    boxes = _frame_sliders(page.page)
    assert boxes.count() >= 1
    readouts = [boxes.nth(i).locator(".widget-readout").first.inner_text() for i in range(boxes.count())]
    assert any(text.endswith("%") for text in readouts), f"no slider over a percentage; readouts: {readouts}"


@pytest.mark.parametrize("page_path", [page for page in _chapter_pages() if (ROOT / page).with_suffix(".ipynb").exists()])
def test_figures_keep_their_shape_when_the_page_shrinks_them(visit, page_path):
    """A figure wider than the text column is scaled down whole, not squashed sideways."""
    page = visit(page_path)
    shapes = page.page.evaluate(
        "[...document.querySelectorAll('.cell_output img')]"
        ".filter(i => i.naturalWidth > 0 && i.offsetParent !== null)"
        ".map(i => [i.src.slice(-40), i.naturalWidth / i.naturalHeight, i.clientWidth / i.clientHeight])"
    )
    assert shapes, f"no figure shown on {page_path}"
    squashed = [(src, round(natural, 3), round(shown, 3)) for src, natural, shown in shapes
                if abs(shown / natural - 1) > 0.02]
    assert not squashed, f"figures shown with another aspect ratio (src, natural, shown): {squashed}"


def test_the_search_page_finds_responsibility_with_no_network(visit):
    """Sphinx's search runs in the page, on the index the build wrote: a query returns chapters."""
    page = visit("search.html?q=responsibility")
    results = page.page.locator("ul.search li a")
    results.first.wait_for(timeout=15_000)
    found = {urlparse(href).path.lstrip("/") for href in
             results.evaluate_all("links => links.map(a => new URL(a.getAttribute('href'), document.baseURI).href)")}
    assert {"book/gmm.html", "book/soft.html"} <= found, f"search for 'responsibility' found only {sorted(found)}"
    assert page.foreign == [] and page.failed == [] and page.errors == []


def _numbered_chapters() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return [entry["file"] for part in toc["parts"] if part.get("numbered") for entry in part["chapters"]]


@pytest.mark.parametrize("chapter", _numbered_chapters())
def test_the_chapter_says_how_to_run_it_and_offers_its_notebook(visit, chapter):
    """The "Run this chapter yourself" box opens, and its link and the download button give the notebook."""
    page = visit(f"{chapter}.html")
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
