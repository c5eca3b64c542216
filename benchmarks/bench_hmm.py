"""emlib.hmm against hmmlearn: time per Baum–Welch iteration, Gaussian emissions.

One sequence of T = 100 000 steps from a hidden Markov model with k = 4
states and Normal emissions in d = 3 dimensions (diagonal and full
covariances).  ``hmm.fit`` and hmmlearn's ``GaussianHMM`` start from the
same parameters and run a fixed number of iterations (``tol=0``, no
covariance floor); the time per iteration is the slope between fits of
``short`` and ``long`` iterations (``bench_common.slope``).  hmmlearn is
timed with both of its forward–backward implementations: ``"log"`` (its
default, in log space, like emlib's verbs) and ``"scaling"`` (Rabiner's
scaled probabilities, like emlib's fast path); both are compiled C++.

Each library is timed in its own process (a fresh Python builds the data,
fits once to warm up, then times), the variants alternating, ``repeats``
times: in one process the threads one library leaves spinning would slow
the other.  The report gives the medians and the medians of the per-repeat
ratios emlib / hmmlearn.

emlib runs the recursions over time in numpy, in blocks of about sqrt(T)
steps (emlib/_engine/hmm.py): about 3 sqrt(T) rounds of Python per
recursion in place of T; hmmlearn loops over the steps in compiled code.

Run:  python benchmarks/bench_hmm.py [--out FOLDER] [--quick]
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

from emlib import hmm

FULL = {"cases": [(100_000, 4, 3, kind) for kind in ("diag", "full")],
        "method": {"short": 2, "long": 6, "repeats": 5}}
QUICK = {"cases": [(2_000, 3, 2, "diag")], "method": {"short": 1, "long": 2, "repeats": 1}}
VARIANTS = ("emlib", "hmmlearn-log", "hmmlearn-scaling")


def problem(n_steps: int, k: int, d: int, kind: str) -> tuple[np.ndarray, hmm.Params]:
    """A sequence from sticky states with well-separated means, and a start near (not at) the truth."""
    rng = np.random.default_rng(0)
    transitions = 0.9 * np.eye(k) + 0.1 * rng.dirichlet(np.ones(k), size=k)
    means = 3 * rng.normal(size=(k, d))
    variances = rng.uniform(0.5, 2, size=(k, d))
    covariances = variances if kind == "diag" else np.stack([np.diag(v) for v in variances])
    truth = hmm.Params(np.full(k, 1 / k), transitions, hmm.Gaussian(means, covariances))
    X, _ = hmm.sample(truth, n_steps, rng=rng)
    start = hmm.Params(np.full(k, 1 / k), 0.5 * np.eye(k) + 0.5 / k,
                       hmm.Gaussian(means + rng.normal(scale=0.5, size=(k, d)), covariances * 1.5))
    return X, start


def fitter(variant: str, X: np.ndarray, start: hmm.Params, kind: str):
    """A fit of ``n_iter`` iterations from ``start`` by one library."""
    if variant == "emlib":
        return lambda n_iter: hmm.fit(X, start, max_iter=n_iter, tol=0)
    from hmmlearn.hmm import GaussianHMM

    def fit(n_iter):
        model = GaussianHMM(len(start.start), covariance_type=kind, n_iter=n_iter, tol=0, min_covar=0, covars_prior=0,
                            init_params="", params="stmc", implementation=variant.split("-")[1])
        model.startprob_, model.transmat_ = start.start, start.transitions
        model.means_, model.covars_ = start.emissions.means, start.emissions.covariances
        return model.fit(X)

    return fit


def worker(variant: str, n_steps: int, k: int, d: int, kind: str, short: int, long: int) -> float:
    """Seconds per iteration of one library, after a warm-up fit (run in a process of its own)."""
    X, start = problem(n_steps, k, d, kind)
    fit = fitter(variant, X, start, kind)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # hmmlearn warns when a fit of 1 or 2 iterations has not converged
        return worker_seconds(fit, short, long)


def run_case(case: tuple, method: dict) -> dict:
    n_steps, k, d, kind = case
    times = in_own_processes(__file__, VARIANTS, worker_args(case, method), method["repeats"])
    row = {"t": n_steps, "k": k, "d": d, "covariance_type": kind}
    row.update({f"{variant}_ms": 1e3 * statistics.median(times[variant]) for variant in VARIANTS})
    for other in VARIANTS[1:]:
        row[f"ratio_to_{other}"] = statistics.median(e / o for e, o in zip(times["emlib"], times[other]))
    return row


def report(results: dict) -> list[str]:
    import hmmlearn

    lines = [f"emlib.hmm against hmmlearn {hmmlearn.__version__}: one Baum-Welch iteration, Gaussian emissions",
             *machine_lines(results["machine"]),
             f"each library timed in its own process, alternating; {results['method']['repeats']} repeats, "
             f"slope between {results['method']['short']} and {results['method']['long']} iterations", "",
             f"{'T':>8} {'k':>2} {'d':>2} {'covariance':>10} {'emlib ms':>9} {'log ms':>7} {'scaling ms':>11} "
             f"{'emlib/log':>10} {'emlib/scaling':>14}"]
    for row in results["cases"]:
        lines.append(f"{row['t']:>8} {row['k']:>2} {row['d']:>2} {row['covariance_type']:>10} "
                     f"{row['emlib_ms']:>9.1f} {row['hmmlearn-log_ms']:>7.1f} {row['hmmlearn-scaling_ms']:>11.1f} "
                     f"{row['ratio_to_hmmlearn-log']:>9.2f}x {row['ratio_to_hmmlearn-scaling']:>13.2f}x")
    lines += ["", "log / scaling: hmmlearn's implementation='log' (its default) and 'scaling'; "
              "a ratio below 1 means emlib is faster"]
    return lines


def main(argv: list[str] | None = None) -> dict:
    args = options(__doc__.splitlines()[0], argv, VARIANTS)
    if args.worker:
        print_worker_result(worker(args.worker, *args.case, args.short, args.long))
        return {}
    plan = QUICK if args.quick else FULL
    results = {"machine": machine(), "method": plan["method"],
               "cases": [run_case(tuple(case), plan["method"]) for case in plan["cases"]]}
    publish("hmm", report(results), results, args.out)
    return results


if __name__ == "__main__":
    main()
