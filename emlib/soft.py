"""Soft assignments and soft k-means.

k-means gives each point wholly to its nearest center.  A *soft* assignment
gives it to every center in shares that sum to 1:

* :func:`distance_shares` is the rule "normalise the distances by their
  sum" taken literally, ``|x_i - mu_k| / sum_j |x_i - mu_j|``.  It is
  **backwards**: the farthest center gets the largest share.
  ``inverse=True`` gives the repaired rule
  ``(1 / |x_i - mu_k|) / sum_j (1 / |x_i - mu_j|)``, which at least favours
  the nearest center but has no probabilistic meaning and no length scale.
* :func:`responsibilities` is Bayes' rule for a mixture of round Normal
  clouds with equal weights and one shared variance ``sigma**2``: the
  softmax of ``-beta * |x_i - mu_k|**2`` over the centers, with the
  *stiffness* ``beta = 1 / (2 sigma**2)``.
* :func:`update` moves each center to the mean of all points, weighted by
  its responsibilities (the M-step).

:func:`fit` alternates the last two steps: this is *soft k-means* (MacKay,
*Information Theory, Inference, and Learning Algorithms*, 2003, ch. 20).
MacKay's distance carries a factor 1/2, ``exp(-beta_MacKay * |x - mu|**2 / 2)``,
so his stiffness is ``1 / sigma**2``, twice the ``beta`` used here; the
length scale ``sigma`` means the same in both.
It is exactly EM for the mixture above with the variance held fixed, so the
log-likelihood of that mixture (:func:`log_likelihood`) never falls.  As
``beta`` grows the responsibilities harden into k-means' assignment, and as
``beta`` goes to 0 they become uniform, so that every center moves to the
mean of all the data.

Numerics of soft k-means
------------------------
Squared distances are computed from differences, not from
``|x|^2 - 2 x.c + |c|^2``, in a frame where the data are of unit size (as in
:mod:`emlib.kmeans`), so they neither cancel nor overflow.  The softmax is
taken in log space after subtracting each point's smallest squared
distance: ``exp(-beta * 900)`` underflows to 0 in float64, but a point at
squared distances 900 and 841 from two centers still gets the right
responsibilities, ``(1 / (1 + e**59), e**59 / (1 + e**59))``, and never
``0 / 0``.  Inside :func:`fit` the M-step works from log-responsibilities
too (``_weighted_means``, the same weighted mean as :func:`update`;
tests/test_engine.py checks that they agree).  Nothing loops over data
points in Python.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from . import em, kmeans
from ._math import Frame, log_normalize, unit_frame
from ._validation import (
    check_array,
    check_bool,
    check_every_column_used,
    check_float,
    check_int,
    check_resp,
    check_rng,
    read_only,
)

__all__ = [
    "Params",
    "distance_shares",
    "responsibilities",
    "update",
    "log_likelihood",
    "fit",
    "places",
]


class Params(NamedTuple):
    """The parameters of soft k-means.

    Attributes
    ----------
    centers : ndarray of shape (k, n_features)
        The cluster centers (the means of the mixture's components).
    beta : float
        The stiffness, fixed during a fit: the mixture's components are round
        Normals with the shared variance ``1 / (2 * beta)`` along every axis.

    Examples
    --------
    A fit moves the centers and keeps ``beta`` as it was given:

    >>> result = fit([[0.0], [1.0], [9.0], [10.0]], [[2.0], [8.0]], beta=1.0)
    >>> result.params.centers.round(3).ravel().tolist(), result.params.beta
    ([0.5, 9.5], 1.0)
    """

    centers: np.ndarray
    beta: float


# --------------------------------------------------------------------------
# Input checks
# --------------------------------------------------------------------------


def _check_X(X: object) -> np.ndarray:
    return check_array(X, "X", ndim=2, shape_hint="of shape (n_samples, n_features)")


def _check_beta(beta: object, *, positive: bool = False) -> float:
    beta = check_float(beta, "beta")
    if beta < 0:
        raise ValueError(f"beta must be at least 0 (a stiffness); got {beta!r}")
    if positive and beta == 0:
        raise ValueError(
            "beta must be positive here: beta = 0 is a mixture of infinitely wide clouds, "
            "whose log-likelihood is undefined; got 0.0"
        )
    return beta


# --------------------------------------------------------------------------
# Squared distances in a frame, and the steps in log space
# --------------------------------------------------------------------------


class _Distances(NamedTuple):
    """Squared distances ``scale**2 * in_frame``, and the data in the frame."""

    frame: Frame
    data: np.ndarray        # (n, d): X in the frame
    in_frame: np.ndarray    # (n, k): squared distances in the frame
    nearest: np.ndarray     # (n,): each row's smallest entry of in_frame


def _distances_in(frame, data: np.ndarray, centers: np.ndarray) -> _Distances:
    """Squared distances from every point (``data``, in ``frame``) to every center.

    One vectorised pass per center (``k`` is small): a difference and a
    row-wise dot product, in a frame where the data are of unit size, so
    nothing cancels and nothing overflows.
    """
    scaled = frame.to_frame(centers)
    in_frame = np.empty((len(data), len(scaled)))
    for index, center in enumerate(scaled):
        offsets = data - center  # x_i - mu_k for every point i
        in_frame[:, index] = np.einsum("ij,ij->i", offsets, offsets)
    return _Distances(frame, data, in_frame, in_frame.min(axis=1))


def _distances(X: np.ndarray, centers: np.ndarray) -> _Distances:
    """:func:`_distances_in` a frame that holds ``X`` and ``centers``."""
    frame = unit_frame(X, centers)
    return _distances_in(frame, frame.to_frame(X), centers)


def _log_resp(
    distances: _Distances, beta: float
) -> tuple[np.ndarray, np.ndarray]:
    """Log-responsibilities ``(n, k)``, and ``beta * (squared distance - nearest)`` summed out.

    Returns ``(log_resp, log_totals)`` where ``log_totals[i]`` is
    ``log(sum_k exp(-beta * (D_ik - D_i,nearest)))`` with ``D`` the squared
    distances, between 0 and ``log k``.
    """
    # each point's squared distances less the nearest: >= 0, 0 at the nearest
    excess = distances.in_frame - distances.nearest[:, None]
    with np.errstate(over="ignore"):
        # beta in the frame's units (scale is a power of two: exact, or inf)
        factor = beta * distances.frame.scale * distances.frame.scale
        if np.isfinite(factor):
            log_weights = -factor * excess
        else:  # a beta beyond float64: only the nearest centers count
            log_weights = np.where(excess == 0, 0.0, -np.inf)
    return log_normalize(log_weights)  # the softmax over k, by log-sum-exp


def _log_likelihood(distances: _Distances, beta: float, log_totals: np.ndarray) -> float:
    """The mixture's log-likelihood from the pieces :func:`_log_resp` leaves."""
    n, k = distances.in_frame.shape
    d = distances.data.shape[1]
    scale = distances.frame.scale
    nearest_sum = float(distances.nearest.sum())
    with np.errstate(over="ignore"):  # 0 when every point sits on a center, however large beta is
        nearest_total = float(np.float64(beta) * scale * scale * nearest_sum) if nearest_sum else 0.0
    constant = n * (math.log(k) + 0.5 * d * (math.log(math.pi) - math.log(beta)))
    value = float(log_totals.sum()) - nearest_total - constant
    if not math.isfinite(value):
        raise ValueError(
            f"the log-likelihood overflows float64 (beta = {beta!r} times the squared distances "
            "is too large): rescale X or lower beta"
        )
    return value


def _weighted_means(distances: _Distances, log_resp: np.ndarray, previous: np.ndarray) -> np.ndarray:
    """The M-step in the frame, from log-responsibilities.

    Each center's responsibilities are divided by their largest before
    leaving log space, which keeps them clear of underflow.  A center whose
    responsibilities are all exactly 0 (``-inf`` in log space) keeps its
    previous place, given in the frame.
    """
    top = log_resp.max(axis=0)
    used = np.isfinite(top)
    relative = np.exp(log_resp - np.where(used, top, 0.0))  # (n, k), largest entry 1 per column
    totals = relative.sum(axis=0)
    sums = relative.T @ distances.data  # (k, d)
    return np.where(used[:, None], sums / np.where(used, totals, 1.0)[:, None], previous)


# --------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------


def distance_shares(X: object, centers: object, *, inverse: bool = False) -> np.ndarray:
    """Soft assignments from plain distances: the rule to avoid, and its repair.

    With ``inverse=False`` each point's distances to the centers are divided
    by their sum, ``|x_i - mu_k| / sum_j |x_i - mu_j|``, the rule as it is often first
    stated.  The shares sum to 1, but they are **backwards**: the farther a
    center, the larger its share, so the nearest center gets the smallest.

    With ``inverse=True`` the reciprocals are normalised instead,
    ``(1 / |x_i - mu_k|) / sum_j (1 / |x_i - mu_j|)``: the nearest center gets the largest
    share.  This rule has no probabilistic model behind it and no length
    scale: the shares depend only on the *ratios* of the distances, so a point
    right next to one center still gives a noticeable share to centers a few
    times farther away, however far apart the clusters are.
    :func:`responsibilities` is the rule with a model behind it.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The points.
    centers : array-like of shape (k, n_features)
        The centers.
    inverse : bool
        Normalise the distances (``False``, the backwards rule) or their
        reciprocals (``True``).

    Returns
    -------
    shares : ndarray of shape (n_samples, k)
        Non-negative, each row summing to 1.  A point at distance 0 from
        some centers: with ``inverse=True`` those centers share it equally
        (the limit of the rule); with ``inverse=False`` they get 0, unless
        every center is at distance 0 and all get ``1 / k``.

    Raises
    ------
    TypeError
        If ``X`` or ``centers`` does not hold real numbers, or ``inverse`` is not True or False.
    ValueError
        If ``X`` or ``centers`` is not a finite, non-empty 2-d array, or their numbers of
        columns differ.

    Examples
    --------
    A point at distance 1 from the first center and 3 from the second:

    >>> distance_shares([[1.0]], [[0.0], [4.0]])
    array([[0.25, 0.75]])
    >>> distance_shares([[1.0]], [[0.0], [4.0]], inverse=True)
    array([[0.75, 0.25]])
    """
    X = _check_X(X)
    centers = kmeans._check_centers(centers, X.shape[1])
    inverse = check_bool(inverse, "inverse")
    lengths = np.sqrt(_distances(X, centers).in_frame)  # the frame's scale cancels in the ratios
    if inverse:
        nearest = lengths.min(axis=1, keepdims=True)
        weights = np.divide(nearest, lengths, out=np.ones_like(lengths), where=lengths > 0)
    else:
        weights = lengths.copy()
        weights[lengths.sum(axis=1) == 0] = 1.0  # every center on the point: equal shares
    return weights / weights.sum(axis=1, keepdims=True)


def responsibilities(X: object, centers: object, beta: float) -> np.ndarray:
    """The soft assignment step: the softmax of ``-beta`` times the squared distances.

    ``resp[i, k] = exp(-beta |x_i - mu_k|^2) / sum_j exp(-beta |x_i - mu_j|^2)``.
    This is Bayes' rule, the probability that point ``i`` came from cloud
    ``k``, for a mixture of round Normal clouds with equal weights ``1 / k``
    and one shared variance ``1 / (2 * beta)`` along every axis: the weights
    and the Normal's normalising constant are the same for every cloud and
    cancel.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The points.
    centers : array-like of shape (k, n_features)
        The centers.
    beta : float
        The stiffness, finite and at least 0.  ``beta = 0`` gives every center
        the same share ``1 / k``; as ``beta`` grows the nearest center's share
        goes to 1 (k-means' hard assignment).

    Returns
    -------
    resp : ndarray of shape (n_samples, k)
        Each row sums to 1 (to about 1e-16).  Computed in log space: far
        points whose every ``exp(-beta |x_i - mu_k|^2)`` underflows still get exact
        responsibilities.  A point equally near several centers splits
        equally among them however large ``beta`` is.

    Raises
    ------
    TypeError
        If ``X`` or ``centers`` do not hold real numbers, or ``beta`` is not a
        real number.
    ValueError
        If ``X`` or ``centers`` is not a finite, non-empty 2-d array, their
        numbers of columns differ, or ``beta`` is negative, infinite or NaN.

    Examples
    --------
    At squared distances 1 and 9, ``beta = 1/8`` gives ``1 / (1 + e**-1)``:

    >>> responsibilities([[1.0]], [[0.0], [4.0]], beta=0.125).round(4)
    array([[0.7311, 0.2689]])
    """
    X = _check_X(X)
    centers = kmeans._check_centers(centers, X.shape[1])
    beta = _check_beta(beta)
    distances = _distances(X, centers)  # every |x_i - mu_k|^2
    # the log of the softmax of -beta |x_i - mu_k|^2 over k
    log_resp, _ = _log_resp(distances, beta)
    return np.exp(log_resp)  # r_ik


def update(X: object, resp: object) -> np.ndarray:
    """The soft update step: each center moves to the responsibility-weighted mean.

    ``mu_k = sum_i resp[i, k] x_i / sum_i resp[i, k]``: the mean of the points
    each counted with the share of it the center is given.  It minimises
    ``sum_i resp[i, k] |x_i - mu_k|^2`` over ``mu_k``.  With responsibilities
    of 0 and 1 (one-hot labels) it is :func:`emlib.kmeans.update`.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The points.
    resp : array-like of shape (n_samples, k)
        Responsibilities between 0 and 1, each row summing to 1 (for example
        from :func:`responsibilities`, or ``numpy.eye(k)[labels]``).

    Returns
    -------
    centers : ndarray of shape (k, n_features)

    Raises
    ------
    TypeError
        If ``X`` or ``resp`` do not hold real numbers.
    ValueError
        If they are not finite, non-empty 2-d arrays with one row per point,
        ``resp`` holds entries outside ``[0, 1]`` or a row that does not sum to 1,
        or a column of ``resp`` is all 0:
        that center has no weighted mean (inside :func:`fit`, where it can only
        happen by underflow, such a center keeps its place instead).

    Examples
    --------
    The middle point counts half for each center:

    >>> update([[0.0], [3.0], [12.0]], [[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]])
    array([[1.],
           [9.]])
    """
    X = _check_X(X)
    resp = check_resp(resp, len(X))
    check_every_column_used(resp, "center", "weight", "weighted mean")
    # shifted and scaled by powers of two: the sums keep their digits
    frame = unit_frame(X)
    # each column's largest entry 1: no subnormal weights, the same ratios
    relative = resp / resp.max(axis=0)
    sums = relative.T @ frame.to_frame(X)  # sum_i r_ik x_i, times a constant
    counts = relative.sum(axis=0)  # N_k = sum_i r_ik, times the same constant
    return frame.from_frame(sums / counts[:, None])  # mu_k


def log_likelihood(X: object, centers: object, beta: float) -> float:
    """The log-likelihood of the mixture that soft k-means fits (natural log, summed over points).

    The mixture has ``k`` round Normal components with means ``centers``,
    equal weights ``1 / k`` and the shared variance ``sigma**2 = 1 / (2 beta)``
    along each of the ``d`` axes:

    ``sum_i log( (1/k) sum_k N(x_i | mu_k, sigma**2 I) )``, where each Normal
    density is ``(2 pi sigma**2)**(-d/2) exp(-beta |x_i - mu_k|^2)`` in ``d``
    dimensions.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The points.
    centers : array-like of shape (k, n_features)
        The centers.
    beta : float
        The stiffness, positive and finite.

    Returns
    -------
    float

    Raises
    ------
    TypeError
        As :func:`responsibilities`: if ``X`` or ``centers`` does not hold real numbers, or
        ``beta`` is not a real number.
    ValueError
        As :func:`responsibilities`; also if ``beta`` is 0 (the variance is
        infinite), or the value overflows float64.

    Examples
    --------
    One point on one of two centers, in one dimension, with ``sigma**2 = 1/2``:

    >>> import math
    >>> value = log_likelihood([[0.0]], [[0.0], [10.0]], beta=1.0)
    >>> math.isclose(value, math.log(0.5 / math.sqrt(math.pi) * (1 + math.exp(-100))))
    True
    """
    X = _check_X(X)
    centers = kmeans._check_centers(centers, X.shape[1])
    beta = _check_beta(beta, positive=True)
    distances = _distances(X, centers)
    _, log_totals = _log_resp(distances, beta)
    return _log_likelihood(distances, beta, log_totals)


def fit(
    X: object,
    k_or_centers: int | object,
    beta: float,
    *,
    init: str = "k-means++",
    max_iter: int = 300,
    tol: float = 1e-8,
    rng=None,
    callback: Callable[[int, em.EMStep[Params]], None] | None = None,
) -> em.EMResult[Params]:
    """Soft k-means with stiffness ``beta``: EM for equal round Normal clouds.

    From the starting centers, alternate :func:`responsibilities` (the
    E-step) and :func:`update` (the M-step) with :func:`emlib.em.run` until
    the log-likelihood of the mixture (:func:`log_likelihood`) stops rising.
    Soft k-means *is* EM for that mixture with the variance fixed at
    ``1 / (2 beta)``, so the log-likelihood never falls.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The data, finite real numbers.
    k_or_centers : int or array-like of shape (k, n_features)
        The number of clusters, ``1 <= k <= n_samples`` (the start is then
        chosen by ``init``), or the starting centers themselves.
    beta : float
        The stiffness, positive and finite.
    init : {"k-means++", "random"}
        How to choose the starting centers when ``k_or_centers`` is a
        number; see :func:`emlib.kmeans.init_centers`.
    max_iter : int
        The largest number of iterations, at least 0.
    tol : float
        Stop once an iteration raises the log-likelihood by less than ``tol``
        per point (the total by less than ``tol * n_samples``).  ``tol=0``
        runs exactly ``max_iter`` iterations.
    rng : None, int, numpy.random.SeedSequence, numpy.random.Generator or numpy.random.RandomState
        The source of randomness for ``init``; unused when the centers are
        given.
    callback : callable, optional
        Called as ``callback(t, step)`` after each iteration.

    Returns
    -------
    em.EMResult
        ``params`` is a :class:`Params` (``centers``, ``beta``); ``history``
        holds the start and the parameters after each iteration with their
        log-likelihoods, which never fall.

    Raises
    ------
    TypeError
        If ``X`` or the centers do not hold real numbers, ``k``/``max_iter``
        is not an integer, ``beta``/``tol`` is not a real number, ``init`` is
        not a string, ``rng`` is not a valid source of randomness, or
        ``callback`` is not callable.
    ValueError
        If ``X`` is not a finite, non-empty 2-d array; ``k`` is outside
        ``1 .. n_samples``; the centers are not a finite, non-empty 2-d array with
        ``n_features`` columns and at most ``n_samples`` rows;
        ``init`` is not a known method; ``beta`` is not positive and finite;
        ``max_iter`` or ``tol`` is negative, or ``tol`` is not finite; ``rng`` is a negative
        seed; or the log-likelihood overflows
        (``beta`` times the squared distances beyond about 1e308).

    Notes
    -----
    *The hard limit.*  For large ``beta`` every responsibility is 0 or 1 to
    within ``exp(-beta * gap)``, where ``gap`` is the difference between a
    point's two smallest squared distances; from the same start the fit
    then follows :func:`emlib.kmeans.fit` step by step, as long as no
    cluster empties (k-means moves an empty cluster's center to a far point,
    soft k-means leaves it where its tiny responsibilities put it).

    *The soft limit.*  For small ``beta`` the responsibilities are nearly
    ``1 / k`` and the centers are drawn together.  Below the critical
    stiffness ``1 / (2 * lambda_max)``, where ``lambda_max`` is the largest
    eigenvalue of the covariance matrix of ``X`` (divided by ``n``), the fit
    with every center at the mean of ``X`` is stable, and from most starts
    the centers end there (Rose, "Deterministic annealing", Proc. IEEE 86,
    1998); a start that already separates distant groups can stay split.

    *A center with no weight.*  A center whose responsibilities all
    underflow to exactly 0, even in log space, keeps its place.

    Examples
    --------
    Two pairs of points far apart: the centers go to the pairs' means.

    >>> X = [[0.0, 0.0], [0.0, 1.0], [10.0, 0.0], [10.0, 1.0]]
    >>> result = fit(X, [[1.0, 0.0], [9.0, 1.0]], beta=2.0)
    >>> result.params.centers.round(6), result.converged
    (array([[ 0. ,  0.5],
           [10. ,  0.5]]), True)
    """
    X = _check_X(X)
    beta = _check_beta(beta, positive=True)
    max_iter = check_int(max_iter, "max_iter", minimum=0)
    tol = check_float(tol, "tol", minimum=0.0)
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be a function or None; got {type(callback).__name__}")
    if isinstance(k_or_centers, (int, np.integer)) and not isinstance(k_or_centers, (bool, np.bool_)):
        k = check_int(k_or_centers, "k_or_centers", minimum=1, maximum=len(X), maximum_name="n_samples")
        if not isinstance(init, str):
            raise TypeError(f"init must be a string; got {init!r}")
        if init not in kmeans.INIT_METHODS:
            raise ValueError(f"init must be one of {kmeans.INIT_METHODS}; got {init!r}")
        start = kmeans.init_centers(X, k, method=init, rng=rng)
    else:
        check_rng(rng)  # checked even when the given centers leave it unused
        if isinstance(k_or_centers, (bool, np.bool_, float, np.floating)):
            raise TypeError(
                f"k_or_centers must be an integer k or an array of centers; got {k_or_centers!r}"
            )
        start = kmeans._check_centers(k_or_centers, X.shape[1], "k_or_centers").copy()
        if len(start) > len(X):
            raise ValueError(f"k_or_centers must have at most n_samples = {len(X)} rows; got {len(start)}")
    # one frame for the whole fit: the centers stay within the data's range
    frame = unit_frame(X, start)
    data = frame.to_frame(X)

    def expectation(params: Params) -> tuple[tuple[_Distances, np.ndarray], float]:
        distances = _distances_in(frame, data, params.centers)
        log_resp, log_totals = _log_resp(distances, beta)
        return (distances, log_resp), _log_likelihood(distances, beta, log_totals)

    def maximisation(expected: tuple[_Distances, np.ndarray], params: Params) -> Params:
        distances, log_resp = expected
        previous = frame.to_frame(params.centers)
        centers = frame.from_frame(_weighted_means(distances, log_resp, previous))
        return Params(read_only(centers), beta)

    params0 = Params(read_only(start), beta)
    return em.run(params0, expectation, maximisation, max_iter=max_iter, tol=tol, n_rows=len(X),
                  callback=callback)


def places(centers: object, tolerance: float) -> list[tuple[np.ndarray, int]]:
    """Where the centers are, counting centers that have merged as one place.

    A center within ``tolerance`` of an earlier place joins it; otherwise it
    starts a new one.  Below the critical stiffness soft k-means puts every
    center at one place (from most starts; see :func:`fit`); as ``beta``
    grows the places split.

    Parameters
    ----------
    centers : array-like of shape (k, n_features)
        The centers, for example ``fit(...).params.centers``.
    tolerance : float
        The largest distance at which two centers count as one place, at
        least 0.

    Returns
    -------
    list of (ndarray, int)
        Each place's position (its first center) and how many centers are
        there, in the order of the centers.

    Raises
    ------
    TypeError
        If ``centers`` does not hold real numbers or ``tolerance`` is not a real number.
    ValueError
        If ``centers`` is not a finite, non-empty 2-d array, or ``tolerance`` is negative or
        not finite.

    Examples
    --------
    >>> [(p.tolist(), n) for p, n in places([[0.0, 0.0], [5.0, 0.0], [0.0, 1e-9]], 1e-6)]
    [([0.0, 0.0], 2), ([5.0, 0.0], 1)]
    """
    centers = check_array(centers, "centers", ndim=2, shape_hint="of shape (k, n_features)")
    tolerance = check_float(tolerance, "tolerance", minimum=0)
    found: list[list] = []
    for center in centers:  # over the k centers, not the data
        for place in found:
            if np.linalg.norm(center - place[0]) <= tolerance:
                place[1] += 1
                break
        else:
            found.append([center, 1])
    return [(position, count) for position, count in found]
