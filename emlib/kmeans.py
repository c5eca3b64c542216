"""k-means clustering by Lloyd's algorithm.

k-means alternates two steps until the assignment stops changing.  From
initial centers μ^0, iteration t = 1, 2, ... is

* the **assignment step** (:func:`assign`), which puts each point in the
  cluster of its nearest center in μ^(t-1), giving the labels z^t -- the
  hard version of EM's E-step;
* the **update step** (:func:`update`), which moves each center to the mean
  of its points, giving μ^t -- the M-step.

Neither step can raise the *inertia* J(z, μ), the sum of squared distances
from each point to its center (:func:`inertia`).  :func:`fit` records the
centers μ^t after each iteration in ``history``, each with the inertia of
the points assigned to them, and that inertia never rises.

Empty clusters
--------------
If clusters lose all their points (or, with ``sample_weight``, all their
weight), each takes one of the points lying farthest from the mean of their
own cluster (the points that add most to the inertia), never the last point
of a cluster nor a point of weight 0; those points leave their old
clusters, whose means are taken again without them.  This lowers the inertia
and never produces a NaN center.  If no point can be spared (every point
already sits on its center, as when there are more clusters than distinct
points), a remaining empty cluster is put on the farthest point, a duplicate
of an existing center.

Numerics of k-means
-------------------
Before iterating, X is shifted to near its mean and scaled by a power of two,
so the squared distances ``|x|^2 - 2 x.c + |c|^2`` keep their precision
however far the data sit from the origin and never overflow: labels are right
for any finite data.  (The inertia itself, in X's units, overflows float64 if
the data spread over more than about 1e154; then a ValueError says so.)  For
data such as small integers the shift and the scaling are exact, so
hand-computed examples come out exactly.

:func:`assign` and :func:`update` are the two steps as the book writes them,
in plain numpy.  :func:`fit` runs the same iterations through a faster path
(``emlib/_engine/kmeans.py``): distances block by block, one matrix product
per block, the blocks shared among threads on large data (every core;
``EMLIB_NUM_THREADS`` sets how many) with the same result to the last bit
whatever their number, and per-cluster sums to which only the points that
changed cluster are added or from which they are removed.  Nothing loops
over data points in Python; tests/test_engine.py checks that the two paths
agree.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from ._engine import kmeans as engine
from ._math import unit_frame
from ._validation import (
    check_array,
    check_float,
    check_int,
    check_labels,
    check_rng,
    check_sample_weight,
    read_only,
)

__all__ = [
    "KMeansStep",
    "KMeansResult",
    "assign",
    "update",
    "inertia",
    "half_step_inertias",
    "init_centers",
    "fit",
]

#: The methods of :func:`init_centers`, the names ``fit``'s ``init`` takes.
INIT_METHODS = ("k-means++", "random")


@dataclass(frozen=True, eq=False)
class KMeansStep:
    """The state of k-means between two iterations: centers, and the inertia of the points assigned to them.

    ``history[t]`` of a :class:`KMeansResult` holds the centers μ^t left by
    iteration t (the initial centers μ^0 for t = 0), and the inertia after the
    assignment step of iteration t + 1, J(z^(t+1), μ^t).

    Attributes
    ----------
    centers : ndarray of shape (k, n_features)
        The centers the points are assigned to.
    inertia : float
        The sum of squared distances from each point to its nearest center.

    Examples
    --------
    From a poor start, the inertia of each step never rises:

    >>> result = fit([[0.0], [1.0], [9.0]], 2, init=[[0.0], [1.0]])
    >>> [(step.centers.ravel().tolist(), step.inertia) for step in result.history]
    [([0.0, 1.0], 64.0), ([0.0, 5.0], 17.0), ([0.5, 9.0], 0.5)]
    """

    centers: np.ndarray
    inertia: float


@dataclass(frozen=True, eq=False)
class KMeansResult:
    """What :func:`fit` returns.

    Attributes
    ----------
    centers : ndarray of shape (k, n_features)
        The final centers.
    labels : ndarray of shape (n_samples,)
        The index of each point's nearest final center, as ``assign(X, centers)``
        gives it (a point as near to two centers as rounding can tell may get
        either: ``fit`` computes the same distances in another order).
    inertia : float
        The sum of squared distances from each point to its final center.
    n_iter : int
        The number of iterations performed, each an assignment step and an
        update step.  One more assignment step, to the final centers, shows
        whether the run has converged.
    converged : bool
        Whether the assignment stopped changing (or the centers moved less than
        ``tol``) within ``max_iter`` iterations.
    history : tuple of KMeansStep
        ``history[0]`` holds the initial centers, ``history[t]`` the centers
        after ``t`` iterations, each with the inertia of the assignment to
        them; ``len(history) == n_iter + 1`` and the inertia never rises.

    Examples
    --------
    >>> result = fit([[0.0], [2.0], [10.0]], 2, init=[[0.0], [10.0]])
    >>> result.centers.ravel().tolist(), result.labels.tolist(), result.inertia
    ([1.0, 10.0], [0, 0, 1], 2.0)
    >>> result.n_iter, result.converged, len(result.history)
    (1, True, 2)
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


def _check_weights(sample_weight: object, n_samples: int) -> np.ndarray:
    """The rows' weights over the largest, 1 each without ``sample_weight``: means need only their ratios."""
    weights = check_sample_weight(sample_weight, n_samples)
    return np.ones(n_samples) if weights is None else weights / weights.max()


def _check_result(result: object, name: str = "result", X: np.ndarray | None = None) -> KMeansResult:
    """A :class:`KMeansResult`; with ``X``, one fitted to data of that shape."""
    if not isinstance(result, KMeansResult):
        raise TypeError(f"{name} must be a kmeans.KMeansResult; got {type(result).__name__}")
    if X is not None:
        if result.centers.shape[1] != X.shape[1]:
            raise ValueError(f"{name} does not fit X: its centers have {result.centers.shape[1]} columns, "
                             f"X has {X.shape[1]}")
        if len(result.labels) != len(X):
            raise ValueError(f"{name} does not fit X: it has {len(result.labels)} labels, X has {len(X)} rows")
    return result


# --------------------------------------------------------------------------
# The start
# --------------------------------------------------------------------------


def _kmeans_plusplus(data: np.ndarray, k: int, rng: np.random.Generator,
                     share: np.ndarray | None = None) -> np.ndarray:
    """Row indices of ``data`` chosen by greedy k-means++.

    The first center is a uniformly chosen point.  Each further center is
    drawn with probability proportional to the squared distance to the
    nearest center chosen so far; like scikit-learn, ``2 + ln k`` candidates
    are drawn and the one that lowers the inertia most is kept.  With
    ``share`` (the rows' weights over their sum), every probability and the
    inertia are weighted, so that a row of weight 2 is drawn as two copies of
    it would be.
    """
    n_samples = len(data)
    n_trials = 2 + int(np.log(k))
    sq_norms = np.einsum("ij,ij->i", data, data)

    def sq_distances(rows: np.ndarray) -> np.ndarray:  # (len(rows), n_samples)
        points = data[rows]
        cross = points @ data.T
        return np.maximum(sq_norms - 2 * cross + sq_norms[rows][:, None], 0)

    def weighted(distances: np.ndarray) -> np.ndarray:
        return distances if share is None else distances * share

    chosen = np.empty(k, dtype=np.intp)
    chosen[0] = rng.integers(n_samples) if share is None else rng.choice(n_samples, p=share)
    closest = sq_distances(chosen[:1])[0]
    for index in range(1, k):
        potential = weighted(closest).sum()
        if potential > 0:
            draws = rng.random(n_trials) * potential
            candidates = np.searchsorted(np.cumsum(weighted(closest)), draws, side="right")
            candidates = np.minimum(candidates, n_samples - 1)
        elif share is None:  # every point sits on a chosen center
            candidates = rng.integers(n_samples, size=n_trials)
        else:
            candidates = rng.choice(n_samples, size=n_trials, p=share)
        distances = np.minimum(closest, sq_distances(candidates))
        best = int(np.argmin(weighted(distances).sum(axis=1)))
        closest = distances[best]
        chosen[index] = candidates[best]
    return chosen


def _prepare(X: np.ndarray, k: int, init: object,
             weights: np.ndarray | None) -> tuple[engine.Prepared, np.ndarray | None]:
    """The prepared data, and the initial centers when ``init`` is an array (None for a method's name)."""
    if isinstance(init, str):
        if init not in INIT_METHODS:
            raise ValueError(f"init must be one of {INIT_METHODS} or an array; got {init!r}")
        return engine.prepare(X, k, sample_weight=weights), None
    centers = _check_centers(init, X.shape[1], name="init")
    if centers.shape[0] != k:
        raise ValueError(f"init must have k = {k} rows; got shape {centers.shape}")
    return engine.prepare(X, k, centers, sample_weight=weights), centers.copy()


def _draw(prepared: engine.Prepared, X: np.ndarray, k: int, method: str, rng: np.random.Generator) -> np.ndarray:
    """``k`` starting centers by ``method``, each row drawn by its share of the prepared weights."""
    share = None if prepared.weights is None else prepared.weights / prepared.weights.sum()
    if method == "random":
        return X[rng.choice(len(X), size=k, replace=False, p=share)]
    return X[_kmeans_plusplus(prepared.data, k, rng, share)]


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

    Raises
    ------
    TypeError
        If ``X`` or ``centers`` does not hold real numbers.
    ValueError
        If ``X`` or ``centers`` is not a finite, non-empty 2-d array, or ``centers`` does not have
        ``n_features`` columns like ``X``.

    Examples
    --------
    >>> assign([[0.0], [1.0], [9.0]], [[0.0], [10.0]])
    array([0, 0, 1])
    """
    X = _check_X(X)
    centers = _check_centers(centers, X.shape[1])
    # shifted and scaled by powers of two: no overflow, no lost digits
    frame = unit_frame(X, centers)
    points, centers = frame.to_frame(X), frame.to_frame(centers)
    # |x_i - mu_k|^2 = |x_i|^2 - 2 x_i.mu_k + |mu_k|^2, and |x_i|^2 is
    # the same for every center k: leave it out
    sq_distances_less_norm = (centers**2).sum(axis=1) - 2 * points @ centers.T
    # the nearest center; a tie goes to the lowest index
    return np.argmin(sq_distances_less_norm, axis=1)


def update(
    X: object, labels: object, k: int, *, sample_weight: object = None
) -> np.ndarray:
    """The update step: each center moves to the mean of its points.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The data.
    labels : array-like of int, shape (n_samples,)
        The cluster of each point, in ``0 .. k-1``.
    k : int
        The number of clusters.
    sample_weight : array-like of shape (n_samples,), optional
        Non-negative weights of the points: each center is then the weighted
        mean of its points, and a point of weight 2 counts as two copies of it.
        ``None`` weights every point 1.

    Returns
    -------
    centers : ndarray of shape (k, n_features)
        The (weighted) mean of the points of each cluster.  A cluster without
        points, or whose points all have weight 0, is relocated as the module
        docstring describes, never NaN.

    Raises
    ------
    TypeError
        If ``X`` or ``sample_weight`` does not hold real numbers, ``labels`` do
        not hold integers, or ``k`` is not an integer.
    ValueError
        If ``X`` is not a finite, non-empty 2-d array, ``labels`` has the wrong
        length or values outside ``0 .. k-1``, ``k`` is outside
        ``1 .. n_samples``, or ``sample_weight`` is not a finite 1-d array with
        one entry per point, non-negative and not all 0.

    Examples
    --------
    >>> update([[0.0], [2.0], [10.0]], [0, 0, 1], k=2)
    array([[ 1.],
           [10.]])
    """
    X = _check_X(X)
    k = _check_k(k, len(X))
    labels = check_labels(labels, len(X), k)
    weights = _check_weights(sample_weight, len(X))
    # shifted and scaled by powers of two: the sums keep their digits
    frame = unit_frame(X)
    points = frame.to_frame(X)
    # (n, k) of True and False: is point i in cluster k?
    in_cluster = labels[:, None] == np.arange(k)
    # each cluster's (weighted) sum, and its count (total weight)
    sums = in_cluster.T @ (weights[:, None] * points)
    counts = weights @ in_cluster
    if np.any(counts == 0):  # an empty cluster takes a far point
        sums, counts, _ = engine.relocate_empty(
            points, labels, sums, counts, weights
        )
    return frame.from_frame(sums / counts[:, None])  # each cluster's mean


def inertia(X: object, centers: object, labels: object = None, *, sample_weight: object = None) -> float:
    """The k-means objective: the sum of squared distances to the assigned centers.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The data.
    centers : array-like of shape (k, n_features)
        The cluster centers.
    labels : array-like of int, shape (n_samples,), optional
        The cluster of each point; by default each point's nearest center.
    sample_weight : array-like of shape (n_samples,), optional
        Non-negative weights of the points; ``None`` weights every point 1.

    Returns
    -------
    float
        ``sum_i w_i |X[i] - centers[labels[i]]|^2``, computed directly from
        the differences (``w_i = 1`` without ``sample_weight``).

    Raises
    ------
    TypeError
        If ``X``, ``centers`` or ``sample_weight`` does not hold real numbers, or ``labels``
        (when given) do not hold integers.
    ValueError
        As :func:`assign`; also if ``labels`` has the wrong length or values outside
        ``0 .. k-1``, ``sample_weight`` is malformed (as in :func:`update`), or the sum
        overflows float64 (coordinates spread over about 1e154 or more).

    Examples
    --------
    >>> inertia([[0.0], [2.0], [10.0]], [[1.0], [10.0]])
    2.0
    """
    X = _check_X(X)
    centers = _check_centers(centers, X.shape[1])
    labels = assign(X, centers) if labels is None else check_labels(labels, len(X), len(centers))
    weights = check_sample_weight(sample_weight, len(X))
    frame = unit_frame(X, centers)
    residual = frame.to_frame(X) - frame.to_frame(centers)[labels]
    if weights is None:
        return frame.in_units(np.einsum("ij,ij->", residual, residual))
    scale = weights.max()  # weights at most 1 in the sum: no overflow
    with np.errstate(over="ignore"):
        value = frame.in_units(np.einsum("ij,ij->i", residual, residual) @ (weights / scale)) * scale
    if not np.isfinite(value):
        raise ValueError(engine.WEIGHTED_INERTIA_OVERFLOWS)
    return value


def half_step_inertias(X: object, result: KMeansResult, *, sample_weight: object = None) -> np.ndarray:
    """The inertia after every half-step of a k-means run.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The data the result was fitted to.
    result : KMeansResult
        A fit with its history.
    sample_weight : array-like of shape (n_samples,), optional
        The weights the result was fitted with, if any.

    Returns
    -------
    ndarray of shape (2 * result.n_iter + 1,)
        In the order the steps run: entry ``2t`` is
        ``result.history[t].inertia``, J(z^(t+1), μ^t) after the assignment
        step of iteration ``t + 1`` (the points assigned to the centers left
        by ``t`` iterations); entry ``2t + 1`` is J(z^(t+1), μ^(t+1)) right
        after the update step of iteration ``t + 1``, with the points assigned
        as that update left them: as before it, except the points that moved
        to clusters that had lost all theirs.  The last entry is the
        assignment step that ends the run.  The sequence never rises.

    Raises
    ------
    TypeError
        If ``X`` does not hold real numbers or ``result`` is not a :class:`KMeansResult`.
    ValueError
        If ``X`` is not a finite, non-empty 2-d array, its shape is not that of the data
        ``result`` was fitted to, or an inertia overflows float64 (as in :func:`inertia`).

    Examples
    --------
    >>> numbers = [[1.0], [2.0], [3.0], [8.0], [9.0], [10.0], [25.0]]
    >>> half_step_inertias(numbers, fit(numbers, 2, init=[[1.0], [2.0]])).tolist()
    [679.0, 341.5, 248.0, 196.0, 196.0]
    """
    X = _check_X(X)
    result = _check_result(result, X=X)
    weights = check_sample_weight(sample_weight, len(X))
    k = len(result.centers)
    frame = unit_frame(X)
    data = frame.to_frame(X)
    values = np.empty(2 * result.n_iter + 1)
    values[0::2] = [step.inertia for step in result.history]
    for t, (before, after) in enumerate(zip(result.history, result.history[1:])):  # over iterations
        labels = assign(X, before.centers)
        # the labels as the update left them, after relocating points to empty clusters
        sums_and_counts = engine.cluster_sums(data, labels, k, weights)
        _, _, labels = engine.relocate_empty(data, labels, *sums_and_counts, weights)
        values[2 * t + 1] = inertia(X, after.centers, labels, sample_weight=weights)
    return values


def init_centers(
    X: object, k: int, *, method: str = "k-means++", rng=None, sample_weight: object = None
) -> np.ndarray:
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
        ``2 + floor(ln k)`` such draws as scikit-learn does.  (Arthur and
        Vassilvitskii's bound on the expected inertia, 8 (ln k + 2) times the
        smallest, is proved for one draw per center; it does not carry over
        to this greedy variant.)
    rng : None, int, numpy.random.SeedSequence, numpy.random.Generator or numpy.random.RandomState
        The source of randomness.
    sample_weight : array-like of shape (n_samples,), optional
        Non-negative weights of the rows, a row of weight 0 never drawn.
        ``"k-means++"`` then weights every draw (the first by the weights,
        the next by weight times squared distance, and the inertia that
        picks among candidates), so that a row of weight 2 is drawn as two
        copies of it would be, as in scikit-learn's weighted k-means++.
        ``"random"`` draws ``k`` distinct rows with probabilities
        proportional to the weights, as scikit-learn does.

    Returns
    -------
    centers : ndarray of shape (k, n_features)
        ``k`` rows of ``X``.

    Raises
    ------
    TypeError
        If ``X`` or ``sample_weight`` does not hold real numbers, ``k`` is not an integer,
        ``method`` is not a string, or ``rng`` is not None, an int, a ``SeedSequence``, a
        ``Generator`` or a ``RandomState``.
    ValueError
        If ``X`` is not a finite, non-empty 2-d array, ``k`` is outside ``1 .. n_samples`` or above
        the number of rows of positive ``sample_weight``, ``method`` is not one of the names above,
        ``rng`` is a negative seed, or ``sample_weight`` is not a finite 1-d array with one
        non-negative entry per row, not all 0.

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
    if method not in INIT_METHODS:
        raise ValueError(f"method must be one of {INIT_METHODS}; got {method!r}")
    rng = check_rng(rng)
    prepared, _ = _prepare(X, k, method, _check_sample_weight(sample_weight, len(X), k))
    return _draw(prepared, X, k, method, rng)


def _check_sample_weight(sample_weight: object, n_samples: int, k: int) -> np.ndarray | None:
    weights = check_sample_weight(sample_weight, n_samples)
    if weights is not None and k > np.count_nonzero(weights):
        raise ValueError(f"k must be at most the number of rows of positive sample_weight, "
                         f"{np.count_nonzero(weights)}; got {k}")
    return weights


def _warn_of_duplicate_centers(centers: np.ndarray, k: int) -> None:
    """Say so when fewer than ``k`` distinct centers are left, as scikit-learn does."""
    distinct = len(np.unique(centers, axis=0))
    if distinct < k:
        warnings.warn(
            f"k-means found {distinct} distinct clusters, fewer than k = {k}: some centers coincide "
            "(X has fewer distinct points than k, or init repeats a row); use a smaller k, or drop "
            "the repeated rows of init",
            UserWarning,
            stacklevel=3,
        )


def fit(
    X: object,
    k: int,
    *,
    init: str | object = "k-means++",
    n_init: int = 1,
    max_iter: int = 300,
    tol: float = 1e-4,
    rng=None,
    sample_weight: object = None,
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
    n_init : int
        The number of starts from ``init``, each run to the end; the run with
        the lowest final inertia is returned (the first of equals).  Must be
        1 when ``init`` is an array.
    max_iter : int
        The largest number of iterations (update steps), at least 0.
    tol : float
        Stop when the squared distances the centers move in one update add
        up to at most ``tol`` times the mean per-feature variance of ``X``
        (scikit-learn's rule).  Iterations also stop, whatever ``tol``, as soon
        as an assignment repeats the previous one: from there nothing can
        change.  ``tol=0`` therefore runs to that fixed point.
    rng : None, int, numpy.random.SeedSequence, numpy.random.Generator or numpy.random.RandomState
        The source of randomness for ``init``, one stream for all ``n_init``
        starts (the same seed, the same result); unused when ``init`` is an
        array.
    sample_weight : array-like of shape (n_samples,), optional
        Non-negative weights of the rows: each center is the weighted mean
        of its points, the inertia is weighted, and the starting centers are
        drawn by weight, as in scikit-learn.  Integer weights give the
        result of repeating each row that many times, from the same initial
        centers with ``tol=0`` (``tol`` is relative to the unweighted
        variance of X, as in scikit-learn).  ``None`` weights every row 1.

    Returns
    -------
    KMeansResult
        Centers, labels, inertia, ``n_iter``, ``converged`` and the
        per-iteration ``history`` (initial centers first).

    Raises
    ------
    TypeError
        If ``X``, an array ``init`` or ``sample_weight`` does not hold real numbers,
        ``k``/``n_init``/``max_iter`` is not an integer, ``tol`` is not a real number, or
        ``rng`` is not None, an int, a ``SeedSequence``, a ``Generator`` or a ``RandomState``.
    ValueError
        If ``X`` is not 2-d, empty or not finite; ``k`` is outside ``1 .. n_samples`` or
        above the number of rows of positive ``sample_weight``; ``init`` is an unknown
        method name, or an array that is not finite or not of shape ``(k, n_features)``;
        ``n_init`` is below 1, or above 1 with an array ``init``; ``max_iter`` or ``tol`` is
        negative, or ``tol`` is not finite; ``rng`` is a negative seed; ``sample_weight`` is
        not a finite 1-d array with one entry per row, non-negative and not all 0; the
        inertia overflows float64 (coordinates spread over about 1e154 or more: rescale X).

    Warns
    -----
    UserWarning
        If fewer than ``k`` distinct centers are left at the end (``X`` has
        fewer distinct points than ``k``, or ``init`` repeats a row), as
        scikit-learn warns; the result then repeats some centers.

    Notes
    -----
    From the same initial centers the result matches scikit-learn's
    ``KMeans(init=centers, n_init=1, algorithm="lloyd")`` as long as no
    cluster becomes empty (the two relocate empty clusters differently).
    scikit-learn's ``n_iter_`` also counts the last assignment pass that
    confirms convergence, so it is ``n_iter + 1`` when the assignment stopped
    changing.

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
    n_init = check_int(n_init, "n_init", minimum=1)
    max_iter = check_int(max_iter, "max_iter", minimum=0)
    tol = check_float(tol, "tol", minimum=0.0)
    weights = _check_sample_weight(sample_weight, len(X), k)
    if n_init != 1 and not isinstance(init, str):
        raise ValueError(f"n_init must be 1 when init is an array of centers; got {n_init}")
    rng = check_rng(rng)  # one stream for every start, checked even when an array start leaves it unused

    prepared, given = _prepare(X, k, init, weights)
    best = None
    for _ in range(n_init):
        initial = given if given is not None else _draw(prepared, X, k, init, rng)
        run = engine.run(prepared, read_only(initial), max_iter, tol)
        if best is None or run[0][-1][1] < best[0][-1][1]:  # a lower final inertia
            best = run
    steps, labels, n_iter, converged = best
    history = [KMeansStep(centers, objective) for centers, objective in steps]
    _warn_of_duplicate_centers(history[-1].centers, k)
    return KMeansResult(
        centers=history[-1].centers,
        labels=read_only(labels),
        inertia=history[-1].inertia,
        n_iter=n_iter,
        converged=converged,
        history=tuple(history),
    )
