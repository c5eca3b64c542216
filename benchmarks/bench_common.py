"""What the benchmarks share: timing per iteration, the machine, the measured matmul rate, the report.

Time per iteration
------------------
Both libraries fit the same data from the same start for a fixed number of
iterations (``tol=0``).  The time per iteration is the slope between a fit
of ``short`` and one of ``long`` iterations, which removes the fixed costs
of a fit (input checks, copies, scikit-learn's final E-step) from both.

Each library is timed in **a process of its own** (:func:`in_own_processes`):
a fresh Python runs the benchmark script with ``--worker LIBRARY``, builds
the data, fits once to warm up and prints its time per iteration
(:func:`worker_seconds`).  In one process, the threads one library leaves
spinning after its work (OpenMP's, BLAS's) slow the next library down.  The
libraries alternate, ``repeats`` times, so that both see the same machine
load; the report gives the medians over the repeats, and the ratio is the
median of the per-repeat ratios.

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
import subprocess
import sys
import time
from collections.abc import Sequence
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


def worker_seconds(fit: Fit, short: int, long: int) -> float:
    """Seconds per iteration of ``fit``, after a warm-up fit; what a worker process measures and prints."""
    fit(short)  # warm-up
    return slope(fit, short, long)


def in_own_processes(script: str, variants: Sequence[str], worker_args: list[str], repeats: int
                     ) -> dict[str, list[float]]:
    """Seconds per iteration of each variant, each measured by a fresh ``python script --worker VARIANT ...``.

    The variants alternate (reversed on every other repeat); each worker
    prints ``{"seconds_per_iteration": ...}`` as its last line.
    """
    times = {variant: [] for variant in variants}
    for repeat in range(repeats):
        for variant in (variants if repeat % 2 == 0 else variants[::-1]):
            command = [sys.executable, script, "--worker", variant, *worker_args]
            output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
            times[variant].append(json.loads(output.splitlines()[-1])["seconds_per_iteration"])
    return times


def print_worker_result(seconds: float) -> None:
    print(json.dumps({"seconds_per_iteration": seconds}))


def summary(times: dict[str, list[float]]) -> dict:
    """emlib's and scikit-learn's time per iteration (ms, medians) and their ratio (median of per-repeat ratios)."""
    return {
        "emlib_ms": 1e3 * statistics.median(times["emlib"]),
        "sklearn_ms": 1e3 * statistics.median(times["sklearn"]),
        "ratio": statistics.median(e / s for e, s in zip(times["emlib"], times["sklearn"])),
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


def options(description: str, argv: list[str] | None = None, variants: Sequence[str] = ("emlib", "sklearn"),
            **worker_options: type) -> argparse.Namespace:
    """The command line: ``--out``, ``--quick``, and the hidden ``--worker VARIANT --case JSON --short N
    --long N`` (plus ``worker_options``) with which :func:`in_own_processes` runs a worker."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--out", type=Path, help="also write NAME.txt and NAME.json into this folder")
    parser.add_argument("--quick", action="store_true",
                        help="small sizes and one repeat: checks that the benchmark runs, measures nothing")
    parser.add_argument("--worker", choices=variants, help=argparse.SUPPRESS)
    parser.add_argument("--case", type=json.loads, help=argparse.SUPPRESS)
    parser.add_argument("--short", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--long", type=int, help=argparse.SUPPRESS)
    for name, kind in worker_options.items():
        parser.add_argument(f"--{name}", type=kind, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def worker_args(case: Sequence, method: dict, **extra) -> list[str]:
    """The hidden arguments that make a worker time ``case`` by ``method``."""
    args = ["--case", json.dumps(list(case)), "--short", str(method["short"]), "--long", str(method["long"])]
    for name, value in extra.items():
        args += [f"--{name}", str(value)]
    return args


def publish(name: str, lines: list[str], results: dict, out: Path | None) -> None:
    """Print the report; with ``out``, write it to ``out/NAME.txt`` and ``results`` to ``out/NAME.json``."""
    text = "\n".join(lines)
    print(text)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / f"{name}.txt").write_text(text + "\n")
        (out / f"{name}.json").write_text(json.dumps(results, indent=1) + "\n")
