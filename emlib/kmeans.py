"""k-means clustering by Lloyd's algorithm.

k-means alternates two steps until the assignment stops changing:

* the **assignment step** (:func:`assign`) puts each point in the cluster of
  its nearest center -- the hard version of EM's E-step;
* the **update step** (:func:`update`) moves each center to the mean of its
  points -- the M-step.

Both steps can only lower the *inertia*, the sum of squared distances from
each point to its center (:func:`inertia`), so :func:`fit` records it per
iteration in ``history`` and it never rises.

Empty clusters
--------------
If a cluster loses all its points, its center is moved onto the data point that
lies farthest from the center of its own cluster (the point that adds most to
the inertia), and that point leaves its old cluster, whose mean is taken
again without it.  This lowers the inertia and never produces a NaN center.
When every point already sits on its center (more clusters than distinct
points) the empty center is placed on the first such farthest point, a
duplicate of an existing center; the inertia is then already zero.

Numerics
--------
Before iterating, X is shifted to near its mean and scaled by a power of two,
so the squared distances ``|x|^2 - 2 x.c + |c|^2`` keep their precision
however far the data sit from the origin, and do not overflow for entries
near 1e150.  For data such as small integers the shift and the scaling are
exact, so hand-computed examples come out exactly.  Distances are computed
block by block, one matrix product per block; once the assignment settles,
only the points that changed cluster are added to or removed from the
per-cluster sums.  Nothing loops over data points in Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from ._validation import check_array, check_float, check_int, check_rng

__all__ = [
    "KMeansStep",
    "KMeansResult",
    "assign",
    "update",
    "inertia",
    "init_centers",
    "fit",
]

INIT_METHODS = ("k-means++", "random")


@dataclass(frozen=True)
class KMeansStep:
    """The state of k-means at the start of one iteration.

    Attributes
    ----------
    centers : ndarray of shape (k, n_features)
        The centers the points are assigned to.
    inertia : float
        The sum of squared distances from each point to its nearest center.
    """

    centers: np.ndarray
    inertia: float


@dataclass(frozen=True)
class KMeansResult:
    """What :func:`fit` returns.

    Attributes
    ----------
    centers : ndarray of shape (k, n_features)
        The final centers.
    labels : ndarray of shape (n_samples,)
        The index of each point's nearest final center, ``assign(X, centers)``.
    inertia : float
        The sum of squared distances from each point to its final center.
    n_iter : int
        The number of update steps performed.
    converged : bool
        Whether the assignment stopped changing (or the centers moved less than
        ``tol``) before ``max_iter`` update steps.
    history : tuple of KMeansStep
        ``history[0]`` holds the initial centers, ``history[t]`` the centers
        after ``t`` update steps, each with the inertia of the assignment to
        them; ``len(history) == n_iter + 1`` and the inertia never rises.
    """

    centers: np.ndarray
    labels: np.ndarray
    inertia: float
    n_iter: int
    converged: bool
    history: tuple[KMeansStep, ...]


# --------------------------------------------------------------------------
# Input checks
# --------------------------------------------------------------------------


def _check_X(X: object) -> np.ndarray:
    return check_array(X, "X", ndim=2, shape_hint="of shape (n_samples, n_features)")


def _check_centers(centers: object, n_features: int, name: str = "centers") -> np.ndarray:
    centers = check_array(centers, name, ndim=2, shape_hint="of shape (k, n_features)")
    if centers.shape[1] != n_features:
        raise ValueError(
            f"{name} must have n_features = {n_features} columns like X; "
            f"got shape {centers.shape}"
        )
    return centers


def _check_k(k: object, n_samples: int) -> int:
    return check_int(k, "k", minimum=1, maximum=n_samples, maximum_name="n_samples")


def _check_labels(labels: object, n_samples: int, k: int) -> np.ndarray:
    if labels is None or isinstance(labels, (str, bytes)):
        raise TypeError(f"labels must be an array of integers; got {labels!r}")
    labels = np.asarray(labels)
    if labels.dtype.kind not in "iu":
        raise TypeError(f"labels must hold integers; got an array of dtype {labels.dtype}")
    if labels.shape != (n_samples,):
        raise ValueError(
            f"labels must have shape (n_samples,) = ({n_samples},); got {labels.shape}"
        )
    if labels.min() < 0 or labels.max() >= k:
        raise ValueError(
            f"labels must lie in 0 .. k-1 = {k - 1}; got values from "
            f"{labels.min()} to {labels.max()}"
        )
    return labels.astype(np.intp, copy=False)


# --------------------------------------------------------------------------
# The scaled, blocked copy of X that the iterations work on
# --------------------------------------------------------------------------


class _Prepared(NamedTuple):
    """X in the frame the iterations work in, and the same data as blocks."""

    data: np.ndarray  # (n, d): (X - origin) / scale
    origin: np.ndarray  # (d,): near the mean of X, with few significant bits
    scale: float  # a power of two near the spread of X
    blocks: list  # (d + 1, block) arrays: data transposed, with a row of ones
    sq_norm_total: float  # sum of |data_i|^2

    def to_frame(self, centers: np.ndarray) -> np.ndarray:
        return (centers - self.origin) / self.scale

    def from_frame(self, scaled: np.ndarray) -> np.ndarray:
        return scaled * self.scale + self.origin


def _block_size(k: int) -> int:
    """Points per block: keeps the (k, block) distance array in the CPU cache."""
    return int(np.clip(2**16 // k, 256, 8192))


def _prepare(X: np.ndarray, k: int) -> _Prepared:
    """Shift X near its mean, scale it to about unit size, and cut it into blocks.

    The shift (``origin``) is the mean rounded to a multiple of 1/1024 of the
    scale, and the scale is a power of two.  Both steps are then exact for data
    like small integers or halves, so the means k-means computes for them come
    out exact (the mean of 1, 2 and 3 is 2, not 1.9999999999999991), while
    distances keep the precision that centring gives.
    """
    mean = X.mean(axis=0)
    spread = np.abs(X - mean).max()
    scale = 2.0 ** np.round(np.log2(spread)) if spread > 0 else 1.0
    step = scale / 1024
    origin = np.round(mean / step) * step
    data = (X - origin) / scale
    size = _block_size(k)
    blocks = []
    for start in range(0, len(data), size):
        chunk = data[start : start + size]
        block = np.empty((data.shape[1] + 1, len(chunk)))
        block[:-1] = chunk.T
        block[-1] = 1.0
        blocks.append(block)
    return _Prepared(data, origin, float(scale), blocks, float(np.einsum("ij,ij->", data, data)))


def _assign_pass(prepared: _Prepared, scaled_centers: np.ndarray) -> tuple[np.ndarray, float]:
    """The assignment step over the prepared blocks: labels and inertia.

    For each block one matrix product gives ``|c|^2 - 2 x.c`` for all centers
    at once.  Its smallest entry per point gives the distance to the nearest
    center; a 0/1 matrix marking where that minimum sits, multiplied by
    ``0, 1, ..., k-1``, gives the label (ties go to the lowest index).

    Returns the labels and the inertia in X's units.
    """
    k, d = scaled_centers.shape
    weights = np.empty((k, d + 1))
    weights[:, :-1] = -2.0 * scaled_centers
    weights[:, -1] = np.einsum("ij,ij->i", scaled_centers, scaled_centers)
    # one product with [0, 1, ..., k-1] and [1, 1, ..., 1] gives each point's
    # label and the number of centers at its minimum (more than 1: a tie)
    index_and_one = np.vstack([np.arange(k, dtype=np.float64), np.ones(k)])
    label_values = np.empty(len(prepared.data))
    min_total = 0.0
    start = 0
    for block in prepared.blocks:
        partial = weights @ block  # (k, block): |c|^2 - 2 x.c
        nearest = partial.min(axis=0)
        min_total += nearest.sum()
        onehot = np.equal(partial, nearest, out=partial, casting="unsafe")
        label_and_ties = index_and_one @ onehot
        if label_and_ties[1].max() > 1:  # a point tied between centers
            onehot *= np.cumsum(onehot, axis=0) == 1  # keep the lowest index, like argmin
            label_and_ties = index_and_one @ onehot
        stop = start + block.shape[1]
        label_values[start:stop] = label_and_ties[0]
        start = stop
    inertia = max(float(min_total) + prepared.sq_norm_total, 0.0) * prepared.scale**2
    return label_values.astype(np.intp), inertia


def _cluster_sums(points: np.ndarray, labels: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-cluster sums and counts of the points, 8 192 points at a time."""
    sums = np.zeros((k, points.shape[1]))
    clusters = np.arange(k)[:, None]
    for start in range(0, len(points), 8192):
        onehot = labels[start : start + 8192] == clusters  # (k, block)
        sums += onehot.astype(np.float64) @ points[start : start + 8192]
    return sums, np.bincount(labels, minlength=k).astype(np.float64)


def _move_points(points, moved, old_labels, new_labels, sums, counts):
    """Sums and counts after the points ``moved`` change cluster: only they are touched."""
    change = np.zeros((len(sums), moved.size))
    columns = np.arange(moved.size)
    change[new_labels[moved], columns] = 1.0
    change[old_labels[moved], columns] -= 1.0
    return sums + change @ points[moved], counts + change.sum(axis=1)


def _means(X: np.ndarray, labels: np.ndarray, sums: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Cluster means of the points ``X`` from their sums and counts.

    Empty clusters are relocated as the module docstring describes.
    """
    sums, counts, labels = sums.copy(), counts.copy(), labels.copy()
    for cluster in np.flatnonzero(counts == 0):  # a loop over empty clusters, not over points
        offsets = X - (sums / np.maximum(counts, 1)[:, None])[labels]
        residual = np.einsum("ij,ij->i", offsets, offsets)
        residual[counts[labels] < 2] = 0.0  # taking a cluster's only point would empty it
        farthest = int(np.argmax(residual))
        sums[cluster] = X[farthest]
        if residual[farthest] > 0:
            old = labels[farthest]
            sums[old] -= X[farthest]
            counts[old] -= 1
            counts[cluster] = 1
            labels[farthest] = cluster
    return sums / np.maximum(counts, 1)[:, None]


def _kmeans_plusplus(data: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """Row indices of ``data`` chosen by greedy k-means++.

    The first center is a uniformly chosen point.  Each further center is
    drawn with probability proportional to the squared distance to the
    nearest center chosen so far; like scikit-learn, ``2 + ln k`` candidates
    are drawn and the one that lowers the inertia most is kept.
    """
    n_samples = len(data)
    n_trials = 2 + int(np.log(k))
    sq_norms = np.einsum("ij,ij->i", data, data)

    def sq_distances(rows: np.ndarray) -> np.ndarray:  # (len(rows), n_samples)
        points = data[rows]
        cross = points @ data.T
        return np.maximum(sq_norms - 2 * cross + sq_norms[rows][:, None], 0)

    chosen = np.empty(k, dtype=np.intp)
    chosen[0] = rng.integers(n_samples)
    closest = sq_distances(chosen[:1])[0]
    for index in range(1, k):
        potential = closest.sum()
        if potential > 0:
            draws = rng.random(n_trials) * potential
            candidates = np.searchsorted(np.cumsum(closest), draws, side="right")
            candidates = np.minimum(candidates, n_samples - 1)
        else:  # every point sits on a chosen center
            candidates = rng.integers(n_samples, size=n_trials)
        distances = np.minimum(closest, sq_distances(candidates))
        best = int(np.argmin(distances.sum(axis=1)))
        closest = distances[best]
        chosen[index] = candidates[best]
    return chosen


def _initial_centers(X: np.ndarray, prepared: _Prepared, k: int, init: object, rng) -> np.ndarray:
    """Initial centers (in the frame of ``X``), from a method name or an array."""
    if isinstance(init, str):
        if init not in INIT_METHODS:
            raise ValueError(f"init must be one of {INIT_METHODS} or an array; got {init!r}")
        rng = check_rng(rng)
        if init == "random":
            return X[rng.choice(len(X), size=k, replace=False)]
        return X[_kmeans_plusplus(prepared.data, k, rng)]
    centers = _check_centers(init, X.shape[1], name="init")
    if centers.shape[0] != k:
        raise ValueError(f"init must have k = {k} rows; got shape {centers.shape}")
    return centers.copy()


def _frozen(array: np.ndarray) -> np.ndarray:
    """Mark a result array read-only, so a result cannot be changed by accident."""
    array.flags.writeable = False
    return array


# --------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------


def assign(X: object, centers: object) -> np.ndarray:
    """The assignment step: the index of each point's nearest center.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The data.
    centers : array-like of shape (k, n_features)
        The cluster centers.

    Returns
    -------
    labels : ndarray of shape (n_samples,)
        ``labels[i]`` is the index of the center nearest to ``X[i]`` in
        Euclidean distance; ties go to the lowest index.

    Examples
    --------
    >>> assign([[0.0], [1.0], [9.0]], [[0.0], [10.0]])
    array([0, 0, 1])
    """
    X = _check_X(X)
    centers = _check_centers(centers, X.shape[1])
    prepared = _prepare(X, len(centers))
    labels, _ = _assign_pass(prepared, prepared.to_frame(centers))
    return labels


def update(X: object, labels: object, k: int) -> np.ndarray:
    """The update step: each center moves to the mean of its points.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The data.
    labels : array-like of int, shape (n_samples,)
        The cluster of each point, in ``0 .. k-1``.
    k : int
        The number of clusters.

    Returns
    -------
    centers : ndarray of shape (k, n_features)
        The mean of the points of each cluster.  A cluster without points is
        relocated as the module docstring describes, never NaN.

    Examples
    --------
    >>> update([[0.0], [2.0], [10.0]], [0, 0, 1], k=2)
    array([[ 1.],
           [10.]])
    """
    X = _check_X(X)
    k = check_int(k, "k", minimum=1)
    labels = _check_labels(labels, len(X), k)
    return _means(X, labels, *_cluster_sums(X, labels, k))


def inertia(X: object, centers: object, labels: object = None) -> float:
    """The k-means objective: the sum of squared distances to the assigned centers.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The data.
    centers : array-like of shape (k, n_features)
        The cluster centers.
    labels : array-like of int, shape (n_samples,), optional
        The cluster of each point; by default each point's nearest center.

    Returns
    -------
    float
        ``sum_i |X[i] - centers[labels[i]]|^2``, computed directly from the
        differences.

    Examples
    --------
    >>> inertia([[0.0], [2.0], [10.0]], [[1.0], [10.0]])
    2.0
    """
    X = _check_X(X)
    centers = _check_centers(centers, X.shape[1])
    labels = assign(X, centers) if labels is None else _check_labels(labels, len(X), len(centers))
    residual = X - centers[labels]
    return float(np.einsum("ij,ij->", residual, residual))


def init_centers(X: object, k: int, *, method: str = "k-means++", rng=None) -> np.ndarray:
    """Initial centers for k-means.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The data.
    k : int
        The number of centers, ``1 <= k <= n_samples``.
    method : {"k-means++", "random"}
        ``"random"`` picks ``k`` distinct data points uniformly;
        ``"k-means++"`` picks the first point uniformly and each next one with
        probability proportional to its squared distance from the nearest
        center so far (Arthur & Vassilvitskii, 2007), keeping the best of
        ``2 + ln k`` such draws as scikit-learn does.
    rng : None, int, numpy.random.SeedSequence or numpy.random.Generator
        The source of randomness.

    Returns
    -------
    centers : ndarray of shape (k, n_features)
        ``k`` rows of ``X``.

    Examples
    --------
    >>> X = [[0.0, 0.0], [0.0, 1.0], [10.0, 0.0], [10.0, 1.0]]
    >>> centers = init_centers(X, 2, rng=0)
    >>> sorted(centers[:, 0].tolist())  # one center on each side
    [0.0, 10.0]
    """
    X = _check_X(X)
    k = _check_k(k, len(X))
    if not isinstance(method, str):
        raise TypeError(f"method must be a string; got {method!r}")
    return _initial_centers(X, _prepare(X, k), k, method, rng)


def fit(
    X: object,
    k: int,
    *,
    init: str | object = "k-means++",
    max_iter: int = 300,
    tol: float = 1e-4,
    rng=None,
) -> KMeansResult:
    """Cluster ``X`` into ``k`` groups with Lloyd's algorithm.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The data, finite real numbers.
    k : int
        The number of clusters, ``1 <= k <= n_samples``.
    init : {"k-means++", "random"} or array-like of shape (k, n_features)
        How to choose the initial centers (see :func:`init_centers`), or the
        initial centers themselves.
    max_iter : int
        The largest number of update steps, at least 0.
    tol : float
        Stop when the squared distances the centers move in one update add
        up to at most ``tol`` times the mean per-feature variance of ``X``
        (scikit-learn's rule).  Iterations also stop, whatever ``tol``, as soon
        as an assignment repeats the previous one: from there nothing can
        change.  ``tol=0`` therefore runs to that fixed point.
    rng : None, int, numpy.random.SeedSequence or numpy.random.Generator
        The source of randomness for ``init``; unused when ``init`` is an array.

    Returns
    -------
    KMeansResult
        Centers, labels, inertia, ``n_iter``, ``converged`` and the
        per-iteration ``history`` (initial centers first).

    Raises
    ------
    TypeError
        If ``X`` does not hold real numbers, or ``k``/``max_iter`` is not an
        integer.
    ValueError
        If ``X`` is not 2-d, empty or not finite; ``k`` is outside
        ``1 .. n_samples``; ``init`` has the wrong shape; ``max_iter`` or
        ``tol`` is negative.

    Notes
    -----
    From the same initial centers the result matches scikit-learn's
    ``KMeans(init=centers, n_init=1, algorithm="lloyd")``.  Its ``n_iter_``
    also counts the last assignment pass that confirms convergence, so it is
    ``n_iter + 1`` when the assignment stopped changing.

    Examples
    --------
    >>> X = [[0.0, 0.0], [0.0, 1.0], [10.0, 0.0], [10.0, 1.0]]
    >>> result = fit(X, 2, init=[[0.0, 0.0], [10.0, 0.0]])
    >>> result.centers
    array([[ 0. ,  0.5],
           [10. ,  0.5]])
    >>> result.labels, result.inertia, result.n_iter
    (array([0, 0, 1, 1]), 1.0, 1)
    """
    X = _check_X(X)
    k = _check_k(k, len(X))
    max_iter = check_int(max_iter, "max_iter", minimum=0)
    tol = check_float(tol, "tol", minimum=0.0)

    prepared = _prepare(X, k)
    # scikit-learn's rule, in the prepared frame: tol times the mean variance
    variance = np.var(prepared.data, axis=0).mean()
    tol_shift = tol * float(variance)

    initial = _frozen(_initial_centers(X, prepared, k, init, rng))
    scaled = prepared.to_frame(initial)
    labels, objective = _assign_pass(prepared, scaled)
    sums, counts = _cluster_sums(prepared.data, labels, k)
    history = [KMeansStep(initial, objective)]
    converged = False
    n_iter = 0
    while n_iter < max_iter and not converged:
        new_scaled = _means(prepared.data, labels, sums, counts)
        shift = float(np.sum((new_scaled - scaled) ** 2))
        scaled = new_scaled
        new_labels, objective = _assign_pass(prepared, scaled)
        history.append(KMeansStep(_frozen(prepared.from_frame(scaled)), objective))
        n_iter += 1
        moved = np.flatnonzero(new_labels != labels)
        converged = shift <= tol_shift or moved.size == 0
        if moved.size > len(X) // 4:  # many points moved: summing afresh is as cheap
            sums, counts = _cluster_sums(prepared.data, new_labels, k)
        elif moved.size:  # few moved: add and remove just those points
            sums, counts = _move_points(prepared.data, moved, labels, new_labels, sums, counts)
        labels = new_labels

    return KMeansResult(
        centers=history[-1].centers,
        labels=_frozen(labels),
        inertia=history[-1].inertia,
        n_iter=n_iter,
        converged=converged,
        history=tuple(history),
    )
