"""What the browser tests share: the built book, chromium, a page opened in it, and what every page must pass.

The tests are tests/test_browser_laptop.py (every page at 1280 CSS pixels,
and what a reader does on it) and tests/test_browser_phone.py (every page at
390); two files, so that make test's two workers open pages at once.  Their
fixtures are in tests/conftest.py.  Needs the book built into
``_build/html`` (``make book``) and chromium at ``/usr/bin/chromium`` (or
``$CHROMIUM``).
"""

import http.server
import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlparse

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
LAPTOP, PHONE = 1280, 390

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


def _toc() -> dict:
    return yaml.safe_load((ROOT / "_toc.yml").read_text())


def chapter_pages() -> list[str]:
    """The root page and every chapter the TOC lists (not their sections)."""
    toc = _toc()
    files = [toc["root"], *(entry["file"] for entry in toc.get("chapters", []))]
    files += [entry["file"] for part in toc.get("parts", []) for entry in part["chapters"]]
    return [f"{name}.html" for name in files]


# the pages Sphinx writes beside the book's own: the root's redirect, the index, the search,
# the module index and sphinx-proof's index of proofs
GENERATED_PAGES = ["index.html", "genindex.html", "search.html", "py-modindex.html", "prf-prf.html"]


def all_pages() -> list[str]:
    """Every page the build writes, from the sources (the tests are collected before the book is built)."""
    toc = _toc()

    def files(entries):
        for entry in entries:
            yield entry["file"]
            yield from files(entry.get("sections", []))

    sources = [toc["root"], *files(toc.get("chapters", [])),
               *(name for part in toc.get("parts", []) for name in files(part["chapters"]))]
    return sorted([f"{name}.html" for name in sources] + GENERATED_PAGES)


def built_pages() -> list[str]:
    """Every HTML page in the built site, but for the theme's and the vendored files."""
    return sorted(str(path.relative_to(SITE)) for path in SITE.rglob("*.html")
                  if not path.relative_to(SITE).parts[0].startswith(("_", "vendor")))


def chromium() -> str | None:
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


def pages_with_math() -> list[str]:
    sources = {page: next(ROOT.glob(page.removesuffix(".html") + ".*")) for page in chapter_pages()}
    return [page for page, source in sources.items() if "$" in source.read_text(encoding="utf-8")]


def numbered_chapters() -> list[str]:
    return [entry["file"] for part in _toc()["parts"] if part.get("numbered") for entry in part["chapters"]]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


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
        # window.MathJax starts as the page's configuration; MathJax itself (a deferred script) adds
        # `startup`, whose promise settles when the page is typeset
        self.page.wait_for_function("() => !document.querySelector('script[src*=\"mathjax\"]') || "
                                    "(window.MathJax.startup && window.MathJax.startup.promise !== undefined)")
        self.page.evaluate("() => window.MathJax && window.MathJax.startup ? "
                           "window.MathJax.startup.promise : null")
        self.page.wait_for_load_state("networkidle")

    def close(self):
        self.context.close()


# the figures a page shows as it shows them: each image's natural and shown aspect ratio
FIGURE_SHAPES = ("[...document.querySelectorAll('.cell_output img')]"
                 ".filter(i => i.naturalWidth > 0 && i.offsetParent !== null)"
                 ".map(i => [i.src.slice(-40), i.naturalWidth / i.naturalHeight, i.clientWidth / i.clientHeight])")
SIDEBAR_LINKS = ("els => els.map(a => new URL(a.getAttribute('href'), document.baseURI).pathname)")


def check_what_a_reader_sees(visit: PageVisit, page_path: str, width: int) -> None:
    """Every check that only reads a page just opened at ``width``.

    No request fails and none leaves the local server; no JavaScript error;
    math is typeset by the bundled MathJax (no raw TeX left, no TeX error)
    and every formula can be read whole; the page does not scroll sideways;
    a chapter's figures are shown with their own aspect ratio; on a laptop,
    a chapter's sidebar lists every chapter (on a phone it is a drawer).
    """
    page = visit.page
    assert visit.foreign == [], f"requests to other hosts: {visit.foreign}"
    assert visit.failed == [], f"failed requests: {visit.failed}"
    assert visit.errors == [], f"JavaScript errors: {visit.errors}"
    reading = page.evaluate(READING_CHECKS)
    raw = RAW_TEX.search(reading["text"])
    assert not raw, f"raw TeX left on {page_path}: ...{reading['text'][max(0, raw.start() - 40):raw.end() + 20]}..."
    assert reading["cut"] == [], f"formulas cut off at {width} px on {page_path}: {reading['cut']}"
    assert reading["sideways"] <= 1, f"{page_path} scrolls sideways by {reading['sideways']} px at {width} px"
    if page_path in pages_with_math():
        assert page.locator("mjx-container").count() > 0, f"no MathJax output on {page_path}"
        assert page.locator("mjx-merror").count() == 0, f"MathJax reported a TeX error on {page_path}"
    if page_path in chapter_pages() and (ROOT / page_path).with_suffix(".ipynb").exists():
        shapes = page.evaluate(FIGURE_SHAPES)
        assert shapes, f"no figure shown on {page_path}"
        squashed = [(src, round(natural, 3), round(shown, 3)) for src, natural, shown in shapes
                    if abs(shown / natural - 1) > 0.02]
        assert not squashed, f"figures shown with another aspect ratio (src, natural, shown): {squashed}"
    if page_path in chapter_pages() and width == LAPTOP:
        links = page.eval_on_selector_all("nav.bd-docs-nav a.reference, .bd-sidebar-primary a.navbar-brand",
                                          SIDEBAR_LINKS)
        listed = {link.lstrip("/") for link in links}
        missing = [chapter for chapter in chapter_pages()[1:] if chapter not in listed]  # [0]: the title link
        assert not missing, f"sidebar of {page_path} does not list {missing}; it has {sorted(listed)}"
