"""emlib.gmm on data with holes against the same data complete: time per EM iteration.

N = 200 000 points, D = 10, K = 5, drawn as in ``bench_gmm.py``; then 20 %
of the entries are hidden completely at random (MCAR).  ``gmm.fit`` runs on
the data with holes and on the same data before the holes were made, from
the same start, with ``tol=0``; the time per iteration is the slope between
fits of ``short`` and ``long`` iterations (``bench_common.slope``).

Each variant is timed in its own process (a fresh Python builds the data,
fits once to warm up, then times), the two alternating, ``repeats`` times:
in one process the threads one run leaves spinning would slow the other.
The report gives the medians and the median of the per-repeat ratios.

Why holes cost more: each row observes its own set of features, so it
cannot be whitened by one matrix product with the whole block.  The rows are
grouped by which entries they miss (at 20 % in 10 features, about 940
patterns); every pattern's observed block of every component's covariance
is factorised once per iteration, in one batched call, and each row takes
its pattern's factor (a gather of a ``(k, d, d)`` matrix per row) to be
whitened and to have its holes filled.  With diagonal covariances the
features are independent within a component and all of this is done
feature by feature, but the complete data's path is faster still.

Run:  python benchmarks/bench_holes.py [--out FOLDER] [--quick]
"""

from __future__ import annotations

import statistics
import warnings

import numpy as np
from bench_common import (
    in_own_processes,
    machine,
    machine_lines,
    options,
    print_worker_result,
    publish,
    worker_args,
    worker_seconds,
)
from bench_gmm import mixture_data

from emlib import em, gmm

FULL = {"cases": [(200_000, 10, 5, kind) for kind in ("full", "diag")], "fraction": 0.2,
        "method": {"short": 2, "long": 6, "repeats": 5}}
QUICK = {"cases": [(3_000, 4, 2, "full")], "fraction": 0.2, "method": {"short": 1, "long": 2, "repeats": 1}}
VARIANTS = ("complete", "holes")


def problem(n_samples: int, n_features: int, k: int, kind: str, fraction: float):
    """The complete data, the same with ``fraction`` of its entries hidden, and the start."""
    X = mixture_data(n_samples, n_features, k, np.random.default_rng(0))
    holes = X.copy()
    holes[np.random.default_rng(1).random(X.shape) < fraction] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", em.ConvergenceWarning)
        start = gmm.fit(X[:10_000], k, covariance_type=kind, max_iter=3, rng=1).params
    return X, holes, start


def worker(variant: str, n_samples: int, n_features: int, k: int, kind: str, fraction: float,
           short: int, long: int) -> float:
    """Seconds per iteration of ``gmm.fit`` on one variant, after a warm-up fit (run in a process of its own)."""
    X, holes, start = problem(n_samples, n_features, k, kind, fraction)
    data = X if variant == "complete" else holes
    return worker_seconds(lambda n_iter: gmm.fit(data, start, covariance_type=kind, max_iter=n_iter, tol=0),
                          short, long)


def run_case(case: tuple, fraction: float, method: dict) -> dict:
    n_samples, n_features, k, kind = case
    times = in_own_processes(__file__, VARIANTS, worker_args(case, method, fraction=fraction), method["repeats"])
    _, holes, _ = problem(n_samples, n_features, k, kind, fraction)
    mask = np.isnan(holes)
    return {
        "n": n_samples, "d": n_features, "k": k, "covariance_type": kind,
        "fraction_hidden": float(mask.mean()),
        "complete_rows": float((~mask.any(axis=1)).mean()),
        "patterns": len(np.unique(mask, axis=0)),
        "complete_ms": 1e3 * statistics.median(times["complete"]),
        "holes_ms": 1e3 * statistics.median(times["holes"]),
        "ratio": statistics.median(h / c for h, c in zip(times["holes"], times["complete"])),
    }


def report(results: dict) -> list[str]:
    lines = ["emlib.gmm: one EM iteration on data with holes (MCAR) against the same data complete",
             *machine_lines(results["machine"]),
             f"each variant timed in its own process, alternating; {results['method']['repeats']} repeats, "
             f"slope between {results['method']['short']} and {results['method']['long']} iterations", "",
             f"{'N':>9} {'D':>3} {'K':>3} {'covariance':>10} {'hidden':>7} {'complete rows':>14} {'patterns':>9} "
             f"{'complete ms':>12} {'holes ms':>9} {'holes/complete':>15}"]
    for row in results["cases"]:
        lines.append(f"{row['n']:>9} {row['d']:>3} {row['k']:>3} {row['covariance_type']:>10} "
                     f"{row['fraction_hidden']:>7.1%} {row['complete_rows']:>14.1%} {row['patterns']:>9} "
                     f"{row['complete_ms']:>12.1f} {row['holes_ms']:>9.1f} {row['ratio']:>14.2f}x")
    return lines


def main(argv: list[str] | None = None) -> dict:
    args = options(__doc__.splitlines()[0], argv, VARIANTS, fraction=float)
    if args.worker:
        print_worker_result(worker(args.worker, *args.case, args.fraction, args.short, args.long))
        return {}
    plan = QUICK if args.quick else FULL
    results = {"machine": machine(), "method": plan["method"],
               "cases": [run_case(tuple(case), plan["fraction"], plan["method"]) for case in plan["cases"]]}
    publish("holes", report(results), results, args.out)
    return results


if __name__ == "__main__":
    main()
