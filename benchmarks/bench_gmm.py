"""emlib.gmm against scikit-learn's GaussianMixture: time per EM iteration, scaling, work rate and peak memory.

Both fit the same data from the same weights, means and covariances, with
``tol=0`` so that each runs exactly the iterations asked for; see
``bench_common.py`` for how an iteration is timed.  The cases: N = 200 000, K = 5,
D = 2, 10 and 50, for full and diagonal covariances; N = 10 000 ...
1 000 000 at D = 10, K = 5 (full) for the scaling.

Work rate: a full-covariance iteration must whiten every point against every
component (a triangular solve, about ``D^2 / 2`` multiply-adds per point and
component, in the E-step) and gather every component's scatter (a symmetric
matrix, about ``D^2 / 2`` more, in the M-step): ``N K D^2`` multiply-adds,
``2 N K D^2`` floating-point operations.  That floor, divided by the time per
iteration, is set against the machine's measured matrix-product rate.  (emlib
does twice the floor, with full matrix products, which run faster per
operation than triangular solves.)

Peak memory is what one fit allocates on top of the data it is given, as
``tracemalloc`` counts it (numpy reports its arrays to it), for one iteration
at N = 1 000 000, D = 10, K = 5.

Run:  python benchmarks/bench_gmm.py [--out FOLDER] [--quick]
"""

from __future__ import annotations

import tracemalloc
import warnings

import numpy as np
from bench_common import (
    in_own_processes,
    machine,
    machine_lines,
    matmul_gflops,
    options,
    print_worker_result,
    publish,
    summary,
    times_table,
    worker_args,
    worker_seconds,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

from emlib import em, gmm

FULL = {
    "cases": [(200_000, d, 5, kind) for kind in ("full", "diag") for d in (2, 10, 50)],  # (N, D, K, type)
    "scaling": [(n, 10, 5, "full") for n in (10_000, 30_000, 100_000, 300_000, 1_000_000)],
    "memory": [(1_000_000, 10, 5, kind) for kind in ("full", "diag")],
    "method": {"short": 2, "long": 10, "repeats": 7},
}
QUICK = {"cases": [(2_000, 3, 2, "full"), (2_000, 3, 2, "diag")], "scaling": [(1_000, 3, 2, "full")],
         "memory": [(5_000, 3, 2, "full")], "method": {"short": 1, "long": 3, "repeats": 1}}
TARGET = 0.5  # emlib/sklearn at most, full covariances


def mixture_data(n_samples: int, n_features: int, k: int, rng: np.random.Generator) -> np.ndarray:
    """Overlapping clouds, each stretched along a random direction."""
    means = rng.normal(scale=2.0, size=(k, n_features))
    stretch = rng.normal(size=(k, n_features, n_features)) / np.sqrt(n_features) + np.eye(n_features)
    labels = rng.integers(k, size=n_samples)
    noise = rng.normal(size=(n_samples, n_features))
    return means[labels] + np.einsum("ij,ijk->ik", noise, stretch[labels])


def problem(n_samples: int, n_features: int, k: int, kind: str):
    """The data, and emlib's and scikit-learn's fits of a given number of iterations from one start."""
    X = mixture_data(n_samples, n_features, k, np.random.default_rng(0))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", em.ConvergenceWarning)
        start = gmm.fit(X[:10_000], k, covariance_type=kind, max_iter=3, rng=1).params
    precisions = np.linalg.inv(start.covariances) if kind == "full" else 1 / start.covariances

    def ours(n_iter):
        return gmm.fit(X, start, covariance_type=kind, max_iter=n_iter, tol=0)

    def theirs(n_iter):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            return GaussianMixture(k, covariance_type=kind, weights_init=start.weights, means_init=start.means,
                                   precisions_init=precisions, tol=0, max_iter=n_iter).fit(X)

    return X, ours, theirs


def run_case(n_samples: int, n_features: int, k: int, kind: str, method: dict) -> dict:
    X, ours, theirs = problem(n_samples, n_features, k, kind)
    # the same answer after the longer fit: the comparison is like for like
    long = method["long"]
    mine, sklearn = ours(long), theirs(long)
    np.testing.assert_allclose(mine.log_likelihoods[:long] / n_samples, sklearn.lower_bounds_, rtol=1e-9)
    np.testing.assert_allclose(mine.params.means, sklearn.means_, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(mine.params.covariances, sklearn.covariances_, rtol=1e-7, atol=1e-9)
    case = (n_samples, n_features, k, kind)
    times = in_own_processes(__file__, ("emlib", "sklearn"), worker_args(case, method), method["repeats"])
    return {"n": n_samples, "d": n_features, "k": k, "covariance_type": kind, **summary(times)}


def worker(library: str, case: list, short: int, long: int) -> float:
    """One library's seconds per iteration on one case (run in a process of its own)."""
    _, ours, theirs = problem(*case)
    return worker_seconds(ours if library == "emlib" else theirs, short, long)


def work_rates(cases: list[dict], gflops: float) -> list[dict]:
    """Each full-covariance case's floor of 2 N K D^2 flops per iteration, as a fraction of the matmul rate."""
    rates = []
    for case in (case for case in cases if case["covariance_type"] == "full"):
        flops = 2 * case["n"] * case["k"] * case["d"] ** 2
        rates.append({key: case[key] for key in ("n", "d", "k")} | {
            "gflop_per_iteration": flops / 1e9,
            "floor_ms": 1e3 * flops / (gflops * 1e9),
            "emlib_fraction": flops / (gflops * 1e9) / (case["emlib_ms"] / 1e3),
            "sklearn_fraction": flops / (gflops * 1e9) / (case["sklearn_ms"] / 1e3),
        })
    return rates


def peak_megabytes(fit) -> float:
    tracemalloc.start()
    try:
        fit()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def memory(n_samples: int, n_features: int, k: int, kind: str) -> dict:
    X, ours, theirs = problem(n_samples, n_features, k, kind)
    return {"n": n_samples, "d": n_features, "k": k, "covariance_type": kind,
            "data_mb": X.nbytes / 2**20, "responsibilities_mb": n_samples * k * 8 / 2**20,
            "emlib_mb": peak_megabytes(lambda: ours(1)), "sklearn_mb": peak_megabytes(lambda: theirs(1))}


def main(argv: list[str] | None = None) -> dict:
    args = options(__doc__.splitlines()[0], argv)
    if args.worker:
        print_worker_result(worker(args.worker, args.case, args.short, args.long))
        return {}
    plan = QUICK if args.quick else FULL
    method = plan["method"]
    gflops = matmul_gflops(500 if args.quick else 2000)
    cases = [run_case(*case, method) for case in plan["cases"]]
    results = {
        "machine": machine(),
        "method": method,
        "target": TARGET,
        "cases": cases,
        "scaling": [run_case(*case, method) for case in plan["scaling"]],
        "matmul_gflops": gflops,
        "work_rates": work_rates(cases, gflops),
        "memory": [memory(*case) for case in plan["memory"]],
    }
    publish("gmm", report(results), results, args.out)
    return results


def report(results: dict) -> list[str]:
    """The printed table of the results."""
    method, gflops = results["method"], results["matmul_gflops"]
    columns = ("n", "d", "k", "covariance_type")
    return [
        "Gaussian mixture EM, same data and start, time per iteration (each library in its own process, "
        f"alternating; median of {method['repeats']} repeats, slope between {method['short']} and "
        f"{method['long']} iterations)",
        *machine_lines(results["machine"]), "",
        *times_table(results["cases"], columns), "",
        f"target: emlib/sklearn <= {results['target']}x for full covariances", "",
        "scaling with N:", *times_table(results["scaling"], columns), "",
        f"work rate, full covariances: the floor of 2 N K D^2 flops per iteration against the measured "
        f"matrix-product rate, {gflops:.1f} GFLOP/s",
        f"{'N':>9} {'D':>3} {'K':>3} {'GFLOP':>7} {'floor ms':>9} {'emlib':>7} {'sklearn':>8}",
        *(f"{r['n']:>9} {r['d']:>3} {r['k']:>3} {r['gflop_per_iteration']:>7.3f} {r['floor_ms']:>9.2f} "
          f"{r['emlib_fraction']:>7.1%} {r['sklearn_fraction']:>8.1%}" for r in results["work_rates"]), "",
        "peak memory allocated by one fit of 1 iteration, beyond the data X:",
        *(f"  N = {m['n']}, D = {m['d']}, K = {m['k']}, {m['covariance_type']}: emlib {m['emlib_mb']:.0f} MB, "
          f"scikit-learn {m['sklearn_mb']:.0f} MB (X: {m['data_mb']:.0f} MB; responsibilities (N, K): "
          f"{m['responsibilities_mb']:.0f} MB)" for m in results["memory"]),
    ]


if __name__ == "__main__":
    main()
