"""What the benchmarks share: timing per iteration, the machine, the measured matmul rate, the report.

Time per iteration
------------------
Both libraries fit the same data from the same start, in this one process,
for a fixed number of iterations (``tol=0``).  The time per iteration is the
slope between a fit of ``short`` and one of ``long`` iterations, which
removes the fixed costs of a fit (input checks, copies, scikit-learn's
final E-step) from both.  After a warm-up, each repeat times emlib and then
scikit-learn back to back, so that both see the same machine load; the
report gives the medians over the repeats, and the ratio is the median of
the per-repeat ratios.

The report
----------
Each benchmark prints a table and writes it, with every number in a JSON
file of the same name, to ``--out`` (``benchmarks/results/`` by ``make
bench``).  The book's appendix reads the JSON files; it never re-runs a
benchmark.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import time
from pathlib import Path
from typing import Callable

import numpy as np
import sklearn
import threadpoolctl

from emlib._parallel import n_threads

Fit = Callable[[int], object]  # a fit of the given number of iterations


def seconds(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def slope(fit: Fit, short: int, long: int) -> float:
    """Seconds per iteration: (time of ``long`` iterations - time of ``short``) / (long - short)."""
    return (seconds(lambda: fit(long)) - seconds(lambda: fit(short))) / (long - short)


def paired_times(ours: Fit, theirs: Fit, *, short: int, long: int, repeats: int) -> dict:
    """emlib's and scikit-learn's time per iteration (ms, medians) and their ratio (median of ratios)."""
    ours(short), theirs(short)  # warm-up
    pairs = [(slope(ours, short, long), slope(theirs, short, long)) for _ in range(repeats)]
    return {
        "emlib_ms": 1e3 * statistics.median(e for e, _ in pairs),
        "sklearn_ms": 1e3 * statistics.median(s for _, s in pairs),
        "ratio": statistics.median(e / s for e, s in pairs),
    }


def matmul_gflops(size: int = 2000, repeats: int = 5) -> float:
    """The machine's measured float64 matrix-product rate (GFLOP/s, best of ``repeats``), with numpy's BLAS.

    A product of two ``size`` x ``size`` matrices is ``2 size^3``
    floating-point operations (one multiply and one add per term).
    """
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(size, size)), rng.normal(size=(size, size))
    a @ b  # warm-up
    best = min(seconds(lambda: a @ b) for _ in range(repeats))
    return 2 * size**3 / best / 1e9


def machine() -> dict:
    """The processor, the cores, the library versions and every thread pool in use."""
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            model = next(line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    pools = [f"{pool['filepath'].split('site-packages/')[-1].split('/')[0]}: "
             f"{' '.join(filter(None, (pool['internal_api'], pool.get('version'))))}, {pool['num_threads']} threads"
             for pool in threadpoolctl.threadpool_info()]
    pools.sort()  # the order in which the libraries were loaded does not matter
    return {
        "processor": model,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scikit-learn": sklearn.__version__,
        "thread pools": pools,
        "emlib threads": n_threads(),
        "date": datetime.date.today().isoformat(),
    }


def machine_lines(info: dict) -> list[str]:
    return [
        f"{info['processor']}, {info['cores']} cores; Python {info['python']}, numpy {info['numpy']}, "
        f"scikit-learn {info['scikit-learn']}; {info['date']}",
        "threads: emlib " + str(info["emlib threads"]) + "; " + "; ".join(info["thread pools"]),
    ]


def times_table(rows: list[dict], columns: tuple[str, ...] = ("n", "d", "k")) -> list[str]:
    """One line per measured case: its sizes, both times and the ratio."""
    names = {"n": "N", "d": "D", "k": "K", "covariance_type": "covariance"}
    widths = {"n": 9, "d": 3, "k": 3, "covariance_type": 10}
    head = " ".join(f"{names[c]:>{widths[c]}}" for c in columns)
    lines = [f"{head} {'emlib ms':>9} {'sklearn ms':>11} {'emlib/sklearn':>14}"]
    for row in rows:
        sizes = " ".join(f"{row[c]:>{widths[c]}}" for c in columns)
        lines.append(f"{sizes} {row['emlib_ms']:>9.2f} {row['sklearn_ms']:>11.2f} {row['ratio']:>13.2f}x")
    return lines


def options(description: str, argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--out", type=Path, help="also write NAME.txt and NAME.json into this folder")
    parser.add_argument("--quick", action="store_true",
                        help="small sizes and one repeat: checks that the benchmark runs, measures nothing")
    return parser.parse_args(argv)


def publish(name: str, lines: list[str], results: dict, out: Path | None) -> None:
    """Print the report; with ``out``, write it to ``out/NAME.txt`` and ``results`` to ``out/NAME.json``."""
    text = "\n".join(lines)
    print(text)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / f"{name}.txt").write_text(text + "\n")
        (out / f"{name}.json").write_text(json.dumps(results, indent=1) + "\n")
