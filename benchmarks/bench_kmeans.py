"""emlib.kmeans against scikit-learn's Lloyd k-means: time per iteration, and how it grows with N.

Both fit the same data from the same initial centers (``tol=0``, on data that
does not converge within the iterations timed); see ``bench_common.py`` for how an
iteration is timed.  The cases: N = 200 000, D = 10, K = 8 and 64; and
N = 10 000 ... 1 000 000 at D = 10, K = 8 for the scaling.

Run:  python benchmarks/bench_kmeans.py [--out FOLDER] [--quick]
"""

from __future__ import annotations

import numpy as np
from bench_common import (
    in_own_processes,
    machine,
    machine_lines,
    options,
    print_worker_result,
    publish,
    summary,
    times_table,
    worker_args,
    worker_seconds,
)
from sklearn.cluster import KMeans

from emlib import kmeans

FULL = {
    "cases": [(200_000, 10, 8), (200_000, 10, 64)],  # (N, D, K)
    "scaling": [(n, 10, 8) for n in (10_000, 30_000, 100_000, 300_000, 1_000_000)],
    "method": {"short": 5, "long": 25, "repeats": 11},
}
QUICK = {"cases": [(3_000, 10, 8)], "scaling": [(1_000, 10, 8), (3_000, 10, 8)],
         "method": {"short": 1, "long": 3, "repeats": 1}}
TARGET = 1.5  # emlib/sklearn at most


def overlapping_data(n_samples: int, n_features: int, k: int, rng: np.random.Generator) -> np.ndarray:
    """Clouds that overlap enough that Lloyd needs more than 25 iterations from a random start."""
    means = rng.normal(scale=0.5, size=(k, n_features))
    return means[rng.integers(k, size=n_samples)] + rng.normal(size=(n_samples, n_features))


def problem(n_samples: int, n_features: int, k: int):
    """emlib's and scikit-learn's fits of a given number of iterations from one random start."""
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

    return ours, theirs


def run_case(n_samples: int, n_features: int, k: int, method: dict) -> dict:
    ours, theirs = problem(n_samples, n_features, k)
    # the same answer after the longer fit: the comparison is like for like
    long = method["long"]
    np.testing.assert_allclose(ours(long).centers, theirs(long).cluster_centers_, rtol=1e-9, atol=1e-9)
    case = (n_samples, n_features, k)
    times = in_own_processes(__file__, ("emlib", "sklearn"), worker_args(case, method), method["repeats"])
    return {"n": n_samples, "d": n_features, "k": k, **summary(times)}


def worker(library: str, case: list, short: int, long: int) -> float:
    """One library's seconds per iteration on one case (run in a process of its own)."""
    ours, theirs = problem(*case)
    return worker_seconds(ours if library == "emlib" else theirs, short, long)


def main(argv: list[str] | None = None) -> dict:
    args = options(__doc__.splitlines()[0], argv)
    if args.worker:
        print_worker_result(worker(args.worker, args.case, args.short, args.long))
        return {}
    plan = QUICK if args.quick else FULL
    method = plan["method"]
    results = {
        "machine": machine(),
        "method": method,
        "target": TARGET,
        "cases": [run_case(*case, method) for case in plan["cases"]],
        "scaling": [run_case(*case, method) for case in plan["scaling"]],
    }
    lines = [
        "k-means (Lloyd), same data and start, time per iteration (each library in its own process, "
        f"alternating; median of {method['repeats']} repeats, slope between {method['short']} and "
        f"{method['long']} iterations)",
        *machine_lines(results["machine"]), "",
        *times_table(results["cases"]), "",
        f"target: emlib/sklearn <= {TARGET}x (scikit-learn is compiled and threaded; emlib is numpy)", "",
        "scaling with N:", *times_table(results["scaling"]),
    ]
    publish("kmeans", lines, results, args.out)
    return results


if __name__ == "__main__":
    main()
