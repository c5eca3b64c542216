"""emlib.gmm against scikit-learn's GaussianMixture: time per EM iteration, and peak memory.

Both fit the same data from the same weights, means and covariances (full),
in this one process, with ``tol=0`` so that each runs exactly the number of
iterations asked for.  The time per iteration is the slope between fits of
``SHORT`` and ``LONG`` iterations, which removes the fixed costs (input
checks, copies, scikit-learn's final E-step) from both.  After a warm-up,
each repeat times emlib and then scikit-learn back to back, so that both see
the same machine load; the table gives the medians over ``REPEATS`` repeats,
and the ratio is the median of the per-repeat ratios.

Peak memory is what each fit allocates on top of the data it is given, as
``tracemalloc`` counts it (numpy reports its arrays to it), for one
iteration at N = 1 000 000, D = 10, K = 5.

Run:  python benchmarks/bench_gmm.py [--out FILE]
"""

from __future__ import annotations

import statistics
import tracemalloc
import warnings

import numpy as np
from bench_kmeans import publish, slope, table
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

from emlib import gmm

SHORT, LONG, REPEATS = 2, 12, 7
CASES = [  # (n_samples, n_features, k)
    (200_000, 2, 5),
    (200_000, 10, 5),
]
MEMORY_CASE = (1_000_000, 10, 5)


def mixture_data(n_samples: int, n_features: int, k: int, rng) -> np.ndarray:
    """Overlapping clouds, each stretched along a random direction."""
    means = rng.normal(scale=2.0, size=(k, n_features))
    stretch = rng.normal(size=(k, n_features, n_features)) / np.sqrt(n_features) + np.eye(n_features)
    labels = rng.integers(k, size=n_samples)
    noise = rng.normal(size=(n_samples, n_features))
    return means[labels] + np.einsum("ij,ijk->ik", noise, stretch[labels])


def fitters(X: np.ndarray, start: gmm.Params):
    precisions = np.linalg.inv(start.covariances)

    def ours(n_iter):
        return gmm.fit(X, start, max_iter=n_iter, tol=0)

    def theirs(n_iter):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            return GaussianMixture(len(start.weights), weights_init=start.weights, means_init=start.means,
                                   precisions_init=precisions, tol=0, max_iter=n_iter).fit(X)

    return ours, theirs


def start_for(X: np.ndarray, k: int) -> gmm.Params:
    return gmm.fit(X[:10_000], k, max_iter=3, rng=1).params


def run_case(n_samples: int, n_features: int, k: int) -> dict:
    X = mixture_data(n_samples, n_features, k, np.random.default_rng(0))
    ours, theirs = fitters(X, start_for(X, k))
    # the same answer after LONG iterations: the comparison is like for like
    mine, sklearn = ours(LONG), theirs(LONG)
    np.testing.assert_allclose(mine.log_likelihoods[:LONG] / n_samples, sklearn.lower_bounds_, rtol=1e-9)
    np.testing.assert_allclose(mine.params.means, sklearn.means_, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(mine.params.covariances, sklearn.covariances_, rtol=1e-7, atol=1e-9)
    ours(SHORT), theirs(SHORT)  # warm-up
    pairs = [(slope(ours, SHORT, LONG), slope(theirs, SHORT, LONG)) for _ in range(REPEATS)]
    return {"n": n_samples, "d": n_features, "k": k,
            "emlib_ms": 1e3 * statistics.median(e for e, _ in pairs),
            "sklearn_ms": 1e3 * statistics.median(s for _, s in pairs),
            "ratio": statistics.median(e / s for e, s in pairs)}


def peak_megabytes(fit) -> float:
    tracemalloc.start()
    try:
        fit()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def memory_lines() -> list[str]:
    n_samples, n_features, k = MEMORY_CASE
    X = mixture_data(n_samples, n_features, k, np.random.default_rng(0))
    ours, theirs = fitters(X, start_for(X, k))
    ours_mb, theirs_mb = peak_megabytes(lambda: ours(1)), peak_megabytes(lambda: theirs(1))
    return [
        f"peak memory allocated by one fit of 1 iteration, N = {n_samples}, D = {n_features}, K = {k} "
        f"(the data X: {X.nbytes / 2**20:.0f} MB; the responsibilities (N, K): {n_samples * k * 8 / 2**20:.0f} MB)",
        f"  emlib {ours_mb:.0f} MB, scikit-learn {theirs_mb:.0f} MB",
    ]


def main() -> None:
    title = ("Gaussian mixture EM (full covariances), same data and start, time per iteration "
             f"(median of {REPEATS} paired repeats, slope between {SHORT} and {LONG} iterations)")
    lines = table(title, (run_case(*case) for case in CASES))
    lines += ["", "target: emlib/sklearn <= 0.6x", ""] + memory_lines()
    publish(lines, __doc__.splitlines()[0])


if __name__ == "__main__":
    main()
