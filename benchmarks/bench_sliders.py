"""How fast every slider of the built book answers: from the key press to the new figure on screen.

The chapters' sliders switch between frames computed when the chapter ran:
the slider is linked to the frames in the browser (``jslink``), so moving it
runs no Python, in the static book and in a live notebook alike.  What a
reader waits for is that link and the redraw.  This opens every chapter of
``_build/html`` that has sliders in headless chromium (no network), and for
every slider presses an arrow key ``MOVES`` times (right, left, right, ...).  For each
press it measures, in the page's own clock, the time from the key event to
the moment the other frame is shown, and to the next frame painted after it.

Needs the built book (``make book``) and chromium (``apt-get install chromium``).

Run:  python benchmarks/bench_sliders.py [--out FOLDER] [--quick]
"""

from __future__ import annotations

import functools
import http.server
import shutil
import statistics
import threading
from pathlib import Path

import yaml
from bench_common import machine, machine_lines, options, publish

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"
MOVES, QUICK_MOVES = 20, 2
TARGET_MS = 50.0
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
SLIDER_BOXES = "css=.widget-vbox:has(> .emlib-frames)"

# Resolves, after the next key press, with the milliseconds from the key event
# to the change of the frame shown, and to the first paint after it.
WATCH = """box => {
  const shown = () => [...box.querySelectorAll('.emlib-frames img')].find(i => i.offsetParent !== null);
  const before = shown();
  window.emlibLatency = new Promise(resolve => {
    let pressed = null;
    document.addEventListener('keydown', event => { pressed = event.timeStamp; }, {capture: true, once: true});
    const observer = new MutationObserver(() => {
      if (pressed === null || shown() === before) return;
      observer.disconnect();
      const changed = performance.now();
      requestAnimationFrame(() => setTimeout(() => resolve([changed - pressed, performance.now() - pressed]), 0));
    });
    observer.observe(box, {attributes: true, childList: true, subtree: true});
  });
}"""


def pages_with_sliders() -> list[str]:
    """The built pages of the chapters that make a slider (call one of ``emlib.widgets``' ``*_slider``)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    notebooks = [ROOT / f"{entry['file']}.ipynb" for part in toc["parts"] for entry in part["chapters"]]
    return [f"{path.relative_to(ROOT).with_suffix('.html')}" for path in notebooks
            if path.exists() and "_slider(" in path.read_text()]


def serve(folder: Path) -> http.server.ThreadingHTTPServer:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def time_moves(page, box, handle, moves: int) -> list[tuple[float, float]]:
    """(to the new frame, to the paint after it) in ms, for ``moves`` presses of the arrow keys."""
    handle.focus()
    page.keyboard.press("Home")
    page.wait_for_timeout(100)
    times = []
    for move in range(moves):
        page.evaluate(WATCH, box.element_handle())
        page.keyboard.press("ArrowLeft" if move % 2 else "ArrowRight")
        times.append(tuple(page.evaluate("() => window.emlibLatency")))
    return times


def measure(url: str, browser, page_path: str, moves: int) -> list[dict]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    response = page.goto(f"{url}/{page_path}", wait_until="networkidle")
    if response is None or not response.ok:
        raise SystemExit(f"{page_path} is not in the built book: rebuild it (`make book`)")
    boxes = page.locator(SLIDER_BOXES)
    boxes.first.wait_for(timeout=30_000)  # the widget manager draws the sliders after the page loads
    count = -1
    while count != boxes.count():  # until no more appear
        count = boxes.count()
        page.wait_for_timeout(500)
    rows = []
    for index in range(count):
        box = boxes.nth(index)
        box.scroll_into_view_if_needed()
        handles = box.locator(".noUi-handle")
        labels = box.locator(".widget-slider > .widget-label")
        for slider in range(handles.count()):
            times = time_moves(page, box, handles.nth(slider), moves)
            rows.append({
                "page": page_path, "widget": index, "slider": labels.nth(slider).inner_text().strip(),
                "moves": moves,
                "frame_ms_median": statistics.median(t for t, _ in times),
                "frame_ms_max": max(t for t, _ in times),
                "paint_ms_median": statistics.median(p for _, p in times),
                "paint_ms_max": max(p for _, p in times),
            })
    context.close()
    return rows


def main(argv: list[str] | None = None) -> dict:
    args = options(__doc__.splitlines()[0], argv)
    if not (SITE / "index.html").exists():
        raise SystemExit(f"the book is not built: {SITE} is missing (run `make book`)")
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        raise SystemExit("chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    moves = QUICK_MOVES if args.quick else MOVES
    pages = pages_with_sliders()[:1] if args.quick else pages_with_sliders()
    server = serve(SITE)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
            url = f"http://127.0.0.1:{server.server_address[1]}"
            sliders = [row for page_path in pages for row in measure(url, browser, page_path, moves)]
            browser.close()
    finally:
        server.shutdown()
    results = {"machine": machine(), "target_ms": TARGET_MS, "sliders": sliders}
    lines = [
        f"every slider of the built book: key press to new frame, and to the paint after it "
        f"({moves} moves each, headless chromium)",
        *machine_lines(results["machine"]), "",
        f"{'page':<24} {'slider':<28} {'frame ms':>15} {'painted ms':>15}",
        f"{'':<24} {'':<28} {'median':>7} {'max':>7} {'median':>7} {'max':>7}",
        *(f"{row['page']:<24} {row['slider'][:28]:<28} {row['frame_ms_median']:>7.1f} {row['frame_ms_max']:>7.1f} "
          f"{row['paint_ms_median']:>7.1f} {row['paint_ms_max']:>7.1f}" for row in sliders), "",
        f"target: under {TARGET_MS:.0f} ms",
    ]
    publish("sliders", lines, results, args.out)
    return results


if __name__ == "__main__":
    main()
