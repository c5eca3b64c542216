"""emlib.kmeans against scikit-learn's Lloyd k-means: time per iteration.

Both fit the same data from the same initial centers, in this one process,
for a fixed number of iterations (tol=0 on data that does not converge that
fast).  The time per iteration is the slope between fits of ``SHORT`` and
``LONG`` iterations, which removes the fixed costs (input checks, copies,
the final pass) from both.  After a warm-up, each repeat times emlib and
then scikit-learn back to back, so that both see the same machine load; the
table gives the medians over ``REPEATS`` repeats, and the ratio is the median
of the per-repeat ratios.

Run:  python benchmarks/bench_kmeans.py [--out FILE]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

import numpy as np
import threadpoolctl
from sklearn.cluster import KMeans

from emlib import kmeans

SHORT, LONG, REPEATS = 5, 25, 11
CASES = [  # (n_samples, n_features, k)
    (200_000, 10, 8),
    (200_000, 10, 64),
]


def overlapping_data(n_samples: int, n_features: int, k: int, rng) -> np.ndarray:
    """Clouds that overlap enough that Lloyd needs far more than LONG iterations."""
    means = rng.normal(scale=1.0, size=(k, n_features))
    return means[rng.integers(k, size=n_samples)] + rng.normal(size=(n_samples, n_features))


def seconds(fit) -> float:
    start = time.perf_counter()
    fit()
    return time.perf_counter() - start


def slope(fit_for, short: int = SHORT, long: int = LONG) -> float:
    """Seconds per iteration: (time of ``long`` iterations - time of ``short``) / (long - short)."""
    return (seconds(lambda: fit_for(long)) - seconds(lambda: fit_for(short))) / (long - short)


def run_case(n_samples: int, n_features: int, k: int) -> dict:
    rng = np.random.default_rng(0)
    X = overlapping_data(n_samples, n_features, k, rng)
    start = kmeans.init_centers(X, k, method="random", rng=rng)

    def ours(n_iter):
        result = kmeans.fit(X, k, init=start, max_iter=n_iter, tol=0)
        assert result.n_iter == n_iter, "converged early: the data are too easy"
        return result

    def theirs(n_iter):
        model = KMeans(k, init=start, n_init=1, algorithm="lloyd", max_iter=n_iter, tol=0).fit(X)
        assert model.n_iter_ == n_iter, "converged early: the data are too easy"
        return model

    # same answer after LONG iterations: the comparison is like for like
    np.testing.assert_allclose(ours(LONG).centers, theirs(LONG).cluster_centers_, rtol=1e-9, atol=1e-9)
    ours(SHORT), theirs(SHORT)  # warm-up
    pairs = [(slope(ours), slope(theirs)) for _ in range(REPEATS)]
    return {"n": n_samples, "d": n_features, "k": k,
            "emlib_ms": 1e3 * statistics.median(e for e, _ in pairs),
            "sklearn_ms": 1e3 * statistics.median(s for _, s in pairs),
            "ratio": statistics.median(e / s for e, s in pairs)}


def machine() -> str:
    pools = threadpoolctl.threadpool_info()
    threads = ", ".join(f"{p['internal_api']} {p['num_threads']} threads" for p in pools)
    return (f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
            f"numpy {np.__version__}; scikit-learn {__import__('sklearn').__version__}; {threads}")


def table(title: str, rows) -> list[str]:
    """The report's heading, the machine, and one line per measured case (a dict from run_case)."""
    lines = [title, machine(), "",
             f"{'N':>9} {'D':>3} {'K':>3} {'emlib ms':>9} {'sklearn ms':>11} {'emlib/sklearn':>14}"]
    for row in rows:
        lines.append(f"{row['n']:>9} {row['d']:>3} {row['k']:>3} {row['emlib_ms']:>9.2f} "
                     f"{row['sklearn_ms']:>11.2f} {row['ratio']:>13.2f}x")
    return lines


def publish(lines: list[str], description: str) -> None:
    """Print the report, and write it to the file given as ``--out``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--out", help="also write the table to this file")
    args = parser.parse_args()
    text = "\n".join(lines)
    print(text)
    if args.out:
        with open(args.out, "w") as handle:
            handle.write(text + "\n")


def main() -> None:
    title = ("k-means (Lloyd), same data and start, time per iteration "
             f"(median of {REPEATS} paired repeats, slope between {SHORT} and {LONG} iterations)")
    lines = table(title, (run_case(*case) for case in CASES))
    lines += ["", "target: emlib/sklearn <= 1.5x (scikit-learn is compiled and threaded; emlib is numpy)"]
    publish(lines, __doc__.splitlines()[0])


if __name__ == "__main__":
    main()
