"""Gaussian mixtures: which Gaussian made each point?

A mixture of K Gaussians in d dimensions draws each point x_i by first
picking a component, z_i = k, with probability pi_k (``weights[k]``), and then
drawing from the Normal distribution N(mu_k, Sigma_k) (``means[k]`` and
``covariances[k]``).  Which component made each point is hidden.  EM
estimates all three anyway:

* the **E-step** (:func:`e_step`) gives each point's *responsibilities*,
  r_ik = P(z_i = k | x_i) (``resp[i, k]``), by Bayes' rule;
* the **M-step** (:func:`m_step`) re-estimates each component from all the
  points, each weighted by its responsibility: the weight is the average
  responsibility, the mean the weighted mean, the covariance the weighted
  covariance about that mean.

:func:`fit` alternates them with :func:`emlib.em.run`; :func:`log_likelihood`
is the quantity EM climbs.  :func:`sample` draws from a mixture, :func:`bic`
and :func:`aic` score a fit.  In the shapes below, ``k`` is the number of
components K (the argument ``k`` of :func:`fit`).

Covariance types
----------------
``Params.covariances`` has one of four shapes, as in scikit-learn:

* ``"full"``, shape ``(k, d, d)``: any symmetric positive definite matrix;
* ``"tied"``, shape ``(d, d)``: one such matrix shared by every component;
* ``"diag"``, shape ``(k, d)``: a variance per feature, no correlation;
* ``"spherical"``, shape ``(k,)``: one variance for all features.

``Params.covariance_type`` says which; every :class:`Params` emlib returns
has it.  Left ``None``, it is read from the shape, which tells all but
one case: with ``k == d``, ``(k, d)`` and ``(d, d)`` are the same shape,
and the type must be given (:func:`covariance_type_of`).

Data with holes
---------------
Every function that takes ``X`` but :func:`expected_log_likelihood` and
:func:`q_function` takes NaN entries.  The estimates are right when they are
missing at random: whether an entry is missing may depend on the row's
observed entries, not on its missing ones or on its component (see
:mod:`emlib.missing`).  A row counts by what it observes: its density under
a component is the marginal density of its observed entries, so
:func:`log_likelihood` is that of what is observed.  :func:`m_step`, given
the parameters the E-step used, fills each hole under each component with
its conditional mean given the row's observed entries and adds the
conditional covariance that the fill leaves out: the exact EM for a mixture
with holes (Ghahramani & Jordan 1994).  :func:`fit` climbs the observed
log-likelihood from a start made as if each hole held its column's mean;
it leaves out rows with no observed entry (their likelihood is 1 whatever
the parameters) and refuses a feature with none.  :func:`impute` fills the
holes with their conditional means under the fitted mixture.  Rows are
grouped by which entries they miss, with no Python loop over rows.

Numerics of Gaussian mixtures
-----------------------------
Densities are handled as logarithms and responsibilities come from
log-sum-exp, so points far from every component get exact responsibilities
rather than ``0 / 0``.  Distances are computed from each point's offset to
each mean, whitened by the component's Cholesky factor, never from expanded
squares, and the data are centred first, so nothing cancels when the
groups are tight and far from the origin.

:func:`e_step` and :func:`m_step` are the algorithm as the book derives it,
in plain numpy, with an ``(n, k, d)`` array of offsets.  :func:`fit`,
:func:`log_density`, :func:`log_likelihood` and :func:`predict` run on a
faster path in less memory (``emlib/_engine/gmm.py``: blocks of points, one
product whitens them against every component, the next M-step's sums are
gathered in the E-step; ``emlib/_engine/gmm_holes.py`` for data with holes,
each row whitened by its missingness pattern's factors); tests/test_engine.py and
tests/test_gmm_holes.py check that they agree.

``reg_covar`` is added to the diagonal of every covariance the M-step
produces, as in scikit-learn; it keeps a component that sits on very few
points from collapsing to a singular covariance, where the likelihood is
unbounded.  It also makes the M-step slightly different from the exact
maximiser, so near convergence the log-likelihood can fall by a tiny amount
(scikit-learn's does too); with ``reg_covar=0`` it never falls.  A
component left with no responsibility at all is kept with weight 0 when
``reg_covar`` is positive (with a warning), and is an error
(:class:`ComponentCollapse`) when it is 0.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import numpy as np

from . import em, kmeans
from ._engine import gmm as engine
from ._engine import gmm_holes
from ._gmm_holes import completed as _completed
from ._gmm_holes import marginal as _marginal
from ._gmm_params import COVARIANCE_TYPES as _COVARIANCE_TYPES
from ._gmm_params import (
    ComponentCollapse,
    Params,
    _check_counts,
    _check_covariance_type,
    _check_k,
    _check_observed,
    _check_params,
    _check_params_t,
    _check_spread_left,
    _check_start,
    _check_X,
    _warn_empty,
    covariance_type_of,
    n_parameters,
    sample,
)
from ._math import column_means, log_normalize, min_cost_assignment, missingness_patterns, weighted_logs
from ._validation import (
    check_bool,
    check_float,
    check_int,
    check_option,
    check_resp,
    check_rng,
    check_sample_weight,
    read_only,
)

__all__ = [
    "COVARIANCE_TYPES",
    "INIT_METHODS",
    "Params",
    "ComponentCollapse",
    "covariance_type_of",
    "e_step",
    "m_step",
    "log_likelihood",
    "log_density",
    "expected_log_likelihood",
    "q_function",
    "predict",
    "impute",
    "fit",
    "sample",
    "n_parameters",
    "bic",
    "aic",
    "align",
]

#: The covariance models, the values of ``covariance_type``, in scikit-learn's order; the
#: shapes of ``Params.covariances`` are ``(k, d, d)``, ``(d, d)``, ``(k, d)`` and ``(k,)``.
COVARIANCE_TYPES = _COVARIANCE_TYPES
#: The ways :func:`fit` picks its starting centers from ``k`` (the values of ``init``), the
#: methods of :func:`emlib.kmeans.init_centers`.
INIT_METHODS = kmeans.INIT_METHODS
_LOG_2PI = np.log(2 * np.pi)


# --------------------------------------------------------------------------
# Each component's density
# --------------------------------------------------------------------------


def _mahalanobis(
    X: np.ndarray, params: Params
) -> tuple[np.ndarray, np.ndarray]:
    """Each point's squared Mahalanobis distance to each component, ``(n, k)``, and each ``log |Sigma_k|``."""
    _, means, covariances = params
    k, d = means.shape
    shift = column_means(X)  # centred first: nothing cancels far from 0
    # x_i - mu_k for every point and component, shape (n, k, d)
    offsets = (X - shift)[:, None, :] - (means - shift)
    if params.covariance_type == "tied":  # one Sigma for every component
        covariances = np.broadcast_to(covariances, (k, d, d))
    with np.errstate(over="ignore"):  # a distance beyond float64 is inf
        if covariances.ndim == 3:
            # full: Sigma_k = L_k L_k^T, and |L_k^-1 (x_i - mu_k)|^2 is
            # the distance (x_i - mu_k)^T Sigma_k^-1 (x_i - mu_k)
            factors = np.linalg.cholesky(covariances)
            inverses = np.linalg.inv(factors)
            whitened = np.einsum("kde,nke->nkd", inverses, offsets)
            diagonals = np.diagonal(factors, axis1=1, axis2=2)
            log_det = 2 * np.log(diagonals).sum(axis=1)  # log |Sigma_k|
        else:
            # diagonal (k, d) or spherical (k,): a variance per feature
            variances = covariances.reshape(k, -1) * np.ones(d)
            whitened = offsets / np.sqrt(variances)
            log_det = np.log(variances).sum(axis=1)
        return np.square(whitened).sum(axis=2), log_det


def _log_gaussians(X: np.ndarray, params: Params) -> np.ndarray:
    """``log N(x_i | mu_k, Sigma_k)`` for every point and component, ``(n, k)``; of the observed entries."""
    holes = np.isnan(X)
    if not holes.any():
        mahalanobis, log_det = _mahalanobis(X, params)
        return -0.5 * (X.shape[1] * _LOG_2PI + log_det + mahalanobis)
    # rows with holes: the density of their observed entries, a marginal
    # of each component; rows that miss the same entries go together (as
    # emlib.missing groups them)
    log_densities = np.zeros((len(X), len(params.weights)))  # none seen: 1
    for pattern in missingness_patterns(X):
        if pattern.observed.size:
            seen = _marginal(params, pattern.observed)
            log_densities[pattern.rows] = _log_gaussians(pattern.values, seen)
    return log_densities


# --------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------


def e_step(X: object, params: Params) -> tuple[np.ndarray, float]:
    """The E-step: each point's responsibilities, and the log-likelihood.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The data; NaN marks a missing entry.  A row with holes counts by
        the entries it has: ``N(x_i | k)`` is then the density of its
        observed entries under component k (a marginal of the component's
        Normal), and a row with no entry at all has density 1, so its
        responsibilities are the weights.
    params : Params
        The mixture: weights summing to 1, means ``(k, n_features)``,
        covariances of any of the four types.

    Returns
    -------
    resp : ndarray of shape (n_samples, k)
        ``resp[i, k]``, the probability r_ik that component k made point
        i: ``weights[k] N(x_i | k) / sum_j weights[j] N(x_i | j)``.
        Each row sums to 1.
    log_likelihood : float
        ``sum_i log sum_k weights[k] N(x_i | k)``, natural log: with holes,
        the log-likelihood of what is observed.

    Raises
    ------
    TypeError
        If ``X`` or a part of ``params`` is not an array of real numbers, or ``params`` is not
        a :class:`Params`.
    ValueError
        If ``X`` is not a non-empty 2-d array, holds an infinity, or spreads along a feature
        over more than 1e150 or less than 1e-150 (its squares would overflow or underflow); if
        ``params`` is inconsistent with it or with itself: shapes, weights negative or not
        summing to 1, a covariance not symmetric positive definite; or if a point lies so far
        from every component that its density is 0 in float64.

    Examples
    --------
    A point half-way between two equal components is shared equally.

    >>> params = Params([0.5, 0.5], [[0.0], [2.0]], [1.0, 1.0])
    >>> resp, _ = e_step([[1.0], [0.0]], params)
    >>> resp.round(3).tolist()
    [[0.5, 0.5], [0.881, 0.119]]

    A missing second entry: the first alone decides (it is nearer component 1).

    >>> params = Params([0.5, 0.5], [[0.0, 0.0], [2.0, 9.0]], [1.0, 1.0])
    >>> e_step([[1.5, np.nan]], params)[0].round(3).tolist()
    [[0.269, 0.731]]
    """
    X = _check_X(X, holes=True)
    params = _check_params(params, X.shape[1])
    log_resp, log_density = _log_resp(X, params)
    return np.exp(log_resp), float(log_density.sum())


def _log_resp(X: np.ndarray, params: Params) -> tuple[np.ndarray, np.ndarray]:
    """Bayes' rule in logs: each ``log r_ik``, ``(n, k)``, and each ``log p(x_i)``, ``(n,)``."""
    log_densities = _log_gaussians(X, params)  # log N(x_i | mu_k, Sigma_k)
    # each point's largest log-density (of a component of positive weight)
    # taken out first: far from every mean, log pi_k would otherwise be
    # rounded away
    possible = np.where(params.weights > 0, log_densities, -np.inf)
    top = possible.max(axis=1, keepdims=True)
    _check_density(top)
    with np.errstate(divide="ignore"):  # a weight of 0: log 0 = -inf
        log_joint = np.log(params.weights) + (log_densities - top)
    # each row less the log of its sum, by log-sum-exp
    log_resp, log_density = log_normalize(log_joint)
    return log_resp, log_density + top[:, 0]


def _check_density(log_density: np.ndarray) -> None:
    if not np.all(np.isfinite(log_density)):  # 0 in float64 under every component
        raise ValueError(engine.FAR_FROM_EVERY_COMPONENT)


def log_likelihood(X: object, params: Params) -> float:
    """The log-likelihood of the data, ``sum_i log sum_k weights[k] N(x_i | k)`` (natural log).

    Arguments as in :func:`e_step`, whose second output this is.

    Raises
    ------
    TypeError
        As :func:`e_step`.
    ValueError
        As :func:`e_step`.

    Examples
    --------
    One standard Normal component: the log-density at 0 is ``-log(2 pi) / 2``.

    >>> round(log_likelihood([[0.0]], Params([1.0], [[0.0]], [1.0])), 6)
    -0.918939
    """
    return float(log_density(X, params).sum())


def log_density(X: object, params: Params) -> np.ndarray:
    """The log of the mixture density at each point, ``log sum_k weights[k] N(x_i | k)``, shape ``(n_samples,)``.

    Arguments as in :func:`e_step`.  Its sum is :func:`log_likelihood`;
    ``exp(log_density(X, params))[:, None] * resp`` are the weighted component
    densities ``weights[k] N(x_i | k)``.

    Raises
    ------
    TypeError
        As :func:`e_step`.
    ValueError
        As :func:`e_step`.

    Examples
    --------
    >>> X, params = [[0.0], [5.0]], Params([0.5, 0.5], [[0.0], [10.0]], [1.0, 1.0])
    >>> log_density(X, params).round(4)
    array([ -1.6121, -13.4189])
    >>> round(float(log_density(X, params).sum()), 4), round(log_likelihood(X, params), 4)
    (-15.031, -15.031)
    """
    X = _check_X(X, holes=True)
    return _log_resp_fast(X, _check_params(params, X.shape[1]))[1]


def expected_log_likelihood(X: object, params: Params, resp: object) -> float:
    """The expected complete-data log-likelihood, for given responsibilities.

    ``sum_i sum_k resp[i, k] * (log weights[k] + log N(x_i | means[k],
    covariances[k]))``: the log-likelihood the data would have if point
    i were known to come from component k, averaged with the
    probabilities ``resp``.  With the E-step's responsibilities at
    ``params_t`` it is ``Q(params | params_t)`` (:func:`q_function`), which
    :func:`m_step` maximises (for ``reg_covar=0``).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The data.
    params : Params
        Where to evaluate it.
    resp : array-like of shape (n_samples, k)
        Responsibilities, each row summing to 1.

    Returns
    -------
    float
        ``-inf`` if a component of weight 0 is given responsibility.

    Raises
    ------
    TypeError
        If ``X`` or ``resp`` does not hold real numbers, or ``params`` is not a :class:`Params`
        of arrays of real numbers.
    ValueError
        If ``X`` or ``params`` is malformed, as in :func:`e_step` (a point far from every
        component is no error here), ``X`` holds NaN (complete rows only), or ``resp`` is not a
        finite, non-empty 2-d array with one row per row of ``X`` and one column per
        component, entries from 0 to 1 and rows summing to 1.

    Examples
    --------
    The M-step raises it, for the responsibilities it is given:

    >>> X = [[0.0], [0.5], [3.0]]
    >>> params_t = Params([0.5, 0.5], [[0.0], [3.0]], [1.0, 1.0])
    >>> resp, _ = e_step(X, params_t)
    >>> new = m_step(X, resp, covariance_type="spherical", reg_covar=0)
    >>> round(expected_log_likelihood(X, params_t, resp), 4), round(expected_log_likelihood(X, new, resp), 4)
    (-5.2024, -3.4531)
    """
    X = _check_X(X, complete_for="expected_log_likelihood")
    params = _check_params(params, X.shape[1])
    resp = check_resp(resp, len(X))
    if resp.shape[1] != len(params.weights):
        raise ValueError(
            f"resp must have one column per component, {len(params.weights)}; got shape {resp.shape}"
        )
    with np.errstate(divide="ignore"):  # a weight of 0: log 0 = -inf, which only a positive resp counts
        log_joint = np.log(params.weights) + _log_gaussians(X, params)  # log pi_k + log N(x_i | k)
    return float(weighted_logs(resp, log_joint).sum())


def q_function(X: object, params: Params, params_t: Params) -> float:
    """``Q(params | params_t)``: the expected complete-data log-likelihood under the E-step at ``params_t``.

    ``Q(theta | theta^t) = E_{Z | X, theta^t}[log p(X, Z | theta)]``, where
    ``Z`` says which component made each point and ``params_t`` is theta^t.  :func:`m_step` (with
    ``reg_covar=0``) returns its maximum, and ``Q(theta | theta^t) +
    em.entropy(resp_t)`` is a lower bound on :func:`log_likelihood` that
    touches it at ``theta = theta^t``.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The data.
    params : Params
        Where to evaluate ``Q``.
    params_t : Params
        The current parameters, which fix the responsibilities; the same
        number of components as ``params``.

    Returns
    -------
    float
        ``Q``, in the units of a log-likelihood.

    Raises
    ------
    TypeError
        If ``X`` does not hold real numbers, or ``params`` or ``params_t`` is not a
        :class:`Params` of arrays of real numbers.
    ValueError
        If ``X``, ``params`` or ``params_t`` is malformed, as in :func:`e_step`, or ``X`` holds NaN
        (complete rows only); if ``params_t`` has a different number of components than
        ``params``; or if a point lies so far from every component of ``params_t`` that its
        density is 0 in float64.

    Examples
    --------
    >>> from emlib import em
    >>> X = [[0.0], [0.5], [3.0]]
    >>> params_t = Params([0.5, 0.5], [[0.0], [3.0]], [1.0, 1.0])
    >>> resp, log_likelihood_t = e_step(X, params_t)
    >>> round(q_function(X, params_t, params_t) + em.entropy(resp) - log_likelihood_t, 12)
    0.0
    """
    X = _check_X(X, complete_for="q_function")
    params = _check_params(params, X.shape[1])
    params_t = _check_params(params_t, X.shape[1], name="params_t")
    if len(params_t.weights) != len(params.weights):
        raise ValueError(
            f"params_t must have as many components as params ({len(params.weights)}); "
            f"got {len(params_t.weights)}"
        )
    return expected_log_likelihood(X, params, e_step(X, params_t)[0])


def predict(X: object, params: Params) -> np.ndarray:
    """The most responsible component of each point, shape ``(n_samples,)``: a hard assignment.

    Arguments as in :func:`e_step`.  Ties go to the lowest index.

    Raises
    ------
    TypeError
        As :func:`e_step`.
    ValueError
        As :func:`e_step`.

    Examples
    --------
    Two equal components: each point goes to the nearer one.

    >>> params = Params([0.5, 0.5], [[0.0], [10.0]], [1.0, 1.0])
    >>> predict([[1.0], [4.0], [6.0], [12.0]], params)
    array([0, 0, 1, 1])
    """
    X = _check_X(X, holes=True)
    return np.argmax(_log_resp_fast(X, _check_params(params, X.shape[1]))[0], axis=1)


def impute(X: object, params: Params) -> np.ndarray:
    """Fill each hole with its conditional expectation under the mixture, ``E[x_m | x_o]``.

    Each component k fills a row's missing entries by its regression on
    the observed ones, ``E[x_m | x_o, z_i = k]`` (as in :func:`m_step`);
    the mixture's fill averages these with the responsibilities of the
    observed entries, ``sum_k r_ik E[x_m | x_o, z_i = k]``.  A row with
    nothing observed gets the mixture's mean, ``sum_k weights[k] means[k]``.

    Arguments as in :func:`e_step`.

    Returns
    -------
    ndarray of shape (n_samples, n_features)
        A new array: the observed entries as they were, each NaN filled.

    Raises
    ------
    TypeError
        As :func:`e_step`.
    ValueError
        As :func:`e_step`.

    Examples
    --------
    A first entry of 1 is component 0's (which ties the features
    together), whose regression predicts the second; a row with nothing
    observed gets the mixture's mean:

    >>> params = Params([0.5, 0.5], [[0.0, 0.0], [10.0, 0.0]], [[[1.0, 0.8], [0.8, 1.0]], np.eye(2)])
    >>> impute([[1.0, np.nan], [np.nan, np.nan]], params).round(3).tolist()
    [[1.0, 0.8], [5.0, 0.0]]
    """
    X = _check_X(X, holes=True)
    params = _check_params(params, X.shape[1])
    resp = np.exp(_log_resp(X, params)[0])
    completed, _ = _completed(X, params, resp)  # (n, k, d): filled under each component
    holes = np.isnan(X)
    filled = X.copy()
    filled[holes] = np.einsum("nk,nkd->nd", resp, completed)[holes]
    return filled


def _log_resp_fast(X: np.ndarray, params: Params) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_log_resp` on the engine, or by missingness pattern when ``X`` has holes."""
    return _log_resp(X, params) if np.isnan(X).any() else engine.log_resp(X, params)


def m_step(
    X: object,
    resp: object,
    *,
    covariance_type: str = "full",
    reg_covar: float = 1e-6,
    sample_weight: object = None,
    params_t: Params | None = None,
) -> Params:
    """The M-step: the parameters that maximise the expected log-likelihood.

    With r_ik the responsibilities (times the sample weights, if any) and
    N_k = sum_i r_ik:

    * ``weights[k] = N_k / sum_j N_j``;
    * ``means[k] = sum_i r_ik x_i / N_k``;
    * ``covariances[k] = sum_i r_ik (x_i - means[k])(x_i - means[k])^T / N_k``
      plus ``reg_covar`` on the diagonal (its diagonal for ``"diag"``, the
      average of its diagonal for ``"spherical"``); for ``"tied"``, the one
      covariance is ``sum_k sum_i r_ik (x_i - means[k])(x_i - means[k])^T /
      sum_k N_k`` plus ``reg_covar`` on the diagonal.

    With holes in ``X``, each row is completed under each component k: its
    missing entries x_m become their conditional mean given its observed
    entries x_o under ``params_t``, ``E[x_m | x_o, z_i = k]``, in the sums
    above, and ``r_ik Cov[x_m | x_o, z_i = k]`` is added to the scatter
    (the spread the fill leaves out).  This is the exact M-step for a
    mixture whose entries are missing at random (Ghahramani & Jordan 1994).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The data; NaN marks a missing entry.  Every feature needs an
        observed entry (of positive ``sample_weight``).
    resp : array-like of shape (n_samples, k)
        Responsibilities, from :func:`e_step`; each row sums to 1.  One-hot
        rows give the M-step of hard-assignment EM.
    covariance_type : {"full", "tied", "diag", "spherical"}
        The covariance model.
    reg_covar : float
        Added to the diagonal of each covariance; at least 0.
    sample_weight : array-like of shape (n_samples,), optional
        Non-negative weights of the rows; a row of weight 2 counts as two
        copies of it.  ``None`` weights every row 1.
    params_t : Params, optional
        The parameters the E-step was taken at (theta^t), which give the
        holes' conditional distributions; needed when ``X`` has holes, and
        not used (but checked) when it has none.

    Returns
    -------
    Params

    Raises
    ------
    TypeError
        If ``X``, ``resp`` or ``sample_weight`` does not hold real numbers, ``covariance_type``
        is not a string, or ``reg_covar`` is not a real number.
    ValueError
        If a component's covariance comes out not positive definite (raise ``reg_covar``), or
        if the input is malformed: ``X`` as in :func:`e_step`; ``resp`` not a finite, non-empty
        2-d array with one row per row of ``X``, entries from 0 to 1 and rows summing to 1;
        ``covariance_type`` not one of the four; ``reg_covar`` negative or not finite;
        ``sample_weight`` not a finite 1-d array with one entry per row, non-negative and not
        all 0; or, when ``X`` has holes, a feature with no observed entry, ``params_t``
        missing, or not a mixture with one component per column of ``resp`` (as in
        :func:`e_step`).
    ComponentCollapse
        If a component has total responsibility 0 (a column of ``resp``, times
        ``sample_weight``, that is all 0) and ``reg_covar`` is 0.  A subclass of
        ``ValueError``.

    Warns
    -----
    UserWarning
        If a component has total responsibility 0 and ``reg_covar`` is positive.
        Its parameters do not change the expected log-likelihood, so any are a
        maximiser: it gets weight 0, the (weighted) mean of the data and
        covariance ``reg_covar`` times the identity (a tied covariance stays
        the others'), and takes no part in the mixture from then on.

    Examples
    --------
    >>> X = [[0.0], [2.0], [10.0]]
    >>> params = m_step(X, [[1, 0], [1, 0], [0, 1]], covariance_type="spherical", reg_covar=0.5)
    >>> params.weights.round(3).tolist(), params.means.tolist(), params.covariances.tolist()
    ([0.667, 0.333], [[1.0], [10.0]], [1.5, 0.5])

    A hole is filled by regression on the row's observed entry, under ``params_t``:

    >>> params_t = Params([1.0], [[0.0, 0.0]], [[[1.0, 0.5], [0.5, 1.0]]])
    >>> params = m_step([[2.0, np.nan], [-2.0, -1.0]], [[1.0], [1.0]], params_t=params_t, reg_covar=0)
    >>> params.means.tolist()
    [[0.0, 0.0]]
    """
    X, resp = _check_X(X, holes=True), check_resp(resp, len(X))
    kind = _check_covariance_type(covariance_type)
    reg_covar = check_float(reg_covar, "reg_covar", minimum=0)
    sample_weight = check_sample_weight(sample_weight, len(X))
    holes = np.isnan(X).any()
    if holes:
        _check_observed(X, sample_weight)
    if holes or params_t is not None:
        params_t = _check_params_t(params_t, X.shape[1], resp.shape[1])
    if sample_weight is not None:  # a row of weight 2 counts as two
        resp = resp * (sample_weight / sample_weight.max())[:, None]
    counts = resp.sum(axis=0)  # N_k = sum_i r_ik
    # N_k = 0: weight 0, at the data's mean (a warning), or an error
    empty = _check_counts(counts, kind, reg_covar)
    divisors = np.where(empty, 1, counts)
    k, d = resp.shape[1], X.shape[1]
    if holes:  # each row completed under each component, (n, k, d)
        completed, spread = _completed(X, params_t, resp)
    else:  # every row as it is, for every component
        completed, spread = X[:, None, :], np.zeros((k, d, d))
    # centred first: nothing cancels far from 0
    shift = column_means(X, sample_weight)
    centred = completed - shift
    # sum_i r_ik x_i / N_k
    means = np.einsum("nk,nkd->kd", resp, centred) / divisors[:, None]
    offsets = centred - means  # x_i - mu_k, (n, k, d)
    weighted = resp[:, :, None] * offsets
    if kind in ("full", "tied"):
        # sum_i r_ik (x_i - mu_k)(x_i - mu_k)^T for each k, plus what
        # the fill leaves out: (k, d, d)
        scatter = np.einsum("nki,nkj->kij", weighted, offsets) + spread
        if kind == "full":  # Sigma_k, over N_k
            covariances = scatter / divisors[:, None, None]
        else:  # one Sigma: summed over the components, over n
            covariances = scatter.sum(axis=0) / counts.sum()
        covariances = covariances + reg_covar * np.eye(X.shape[1])
    else:  # its diagonal, or the mean of its diagonal
        scatter = np.einsum("nkd,nkd->kd", weighted, offsets)
        scatter += np.diagonal(spread, axis1=1, axis2=2)
        variances = scatter / divisors[:, None]
        if kind == "spherical":
            variances = variances.mean(axis=1)
        covariances = variances + reg_covar
    _check_spread_left(covariances, kind, X.shape[1], reg_covar)
    weights = counts / counts.sum()  # pi_k = N_k / n
    return Params(weights, means + shift, covariances, kind)


def _initial_params(data: engine.Data, X: np.ndarray, k: int, method: str, kind: str, reg_covar: float,
                    rng: np.random.Generator) -> Params:
    """Centers by ``kmeans.init_centers``, drawn by weight, each point to its nearest, one M-step."""
    weights = data.sample_weight
    if weights is not None and k > np.count_nonzero(weights):
        raise ValueError(
            f"k_or_params must be at most the number of rows of positive sample_weight, "
            f"{np.count_nonzero(weights)}; got {k}"
        )
    centers = kmeans.init_centers(X, k, method=method, rng=rng, sample_weight=weights)
    resp = np.eye(k)[kmeans.assign(X, centers)]
    try:
        return Params(*engine.m_step(data, resp, kind, reg_covar), kind)
    except engine.Collapse as error:
        raise ComponentCollapse(f"the start from init={method!r} is degenerate: {error}") from None


def _run(data: engine.Data | gmm_holes.Data, params0: Params, **options) -> em.EMResult:
    """EM from ``params0`` on the engine; a collapse is a :class:`ComponentCollapse`."""
    try:
        if isinstance(data, gmm_holes.Data):
            return gmm_holes.run(data, params0, **options)
        return engine.run(data, params0, **options)
    except engine.Collapse as error:
        raise ComponentCollapse(str(error)) from None


def fit(
    X: object,
    k_or_params: int | Params,
    *,
    covariance_type: str = "full",
    init: str = "k-means++",
    max_iter: int = 1000,
    tol: float = 1e-8,
    reg_covar: float = 1e-6,
    n_init: int = 1,
    rng=None,
    sample_weight: object = None,
    hard: bool = False,
    callback: Callable[[int, em.EMStep[Params]], None] | None = None,
) -> em.EMResult[Params]:
    """Fit a Gaussian mixture by EM.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The data; NaN marks a missing entry (see Notes).
    k_or_params : int or Params
        The number of components, ``1 <= k <= n_samples``, to start from
        ``init``; or the starting :class:`Params` (of type ``covariance_type``,
        which also says what a 2-d ``covariances`` with ``k == d`` holds when
        their own ``covariance_type`` is None).  A component that starts with
        weight 0 keeps it, as one that loses its points does.
    covariance_type : {"full", "tied", "diag", "spherical"}
        The covariance model.
    init : {"k-means++", "random"}
        How to start when given ``k``: pick ``k`` centers by k-means++ or as
        random distinct data points (:func:`emlib.kmeans.init_centers`,
        drawn by ``sample_weight``), assign every point to
        its nearest center, and take one M-step from that hard assignment.
        With holes in ``X``, all this is done as if each hole held its
        column's (weighted) mean.
    max_iter : int
        The largest number of iterations, at least 0.
    tol : float
        Stop once an iteration raises the log-likelihood by less than
        ``tol`` per sample (in total, by less than ``tol * n_samples``, or
        ``tol`` times the total sample weight): scikit-learn's rule.
        ``tol=0`` runs exactly ``max_iter`` iterations.
    reg_covar : float
        Added to the diagonal of every covariance the M-step produces; at
        least 0.  See the module notes.
    n_init : int
        The number of starts from ``init``; the run with the highest final
        log-likelihood is returned.  A start whose run collapses (see
        Raises) is skipped; only if every start collapses is that an error.
        Must be 1 when ``k_or_params`` is a :class:`Params`.
    rng : None, int, numpy.random.SeedSequence, numpy.random.Generator or numpy.random.RandomState
        The randomness of the starts.
    sample_weight : array-like of shape (n_samples,), optional
        Non-negative weights of the rows: a row of weight 2 counts as two
        copies of it, in the likelihood and in every M-step.
    hard : bool
        ``True`` runs hard-assignment EM: each point counts only for its
        most responsible component.  The log-likelihood recorded is still
        the mixture's, which hard EM does not always raise.
    callback : callable, optional
        Called as ``callback(t, step)`` after each iteration.

    Returns
    -------
    em.EMResult
        ``params`` is a :class:`Params`; ``history`` holds the start and the
        parameters after each iteration, with their log-likelihoods.

    Raises
    ------
    TypeError
        On malformed input (see :func:`e_step` and :func:`m_step`); if ``k_or_params`` is
        neither an int nor a :class:`Params`, ``init`` is not a string, ``max_iter`` or
        ``n_init`` is not an integer, ``tol`` is not a real number, ``rng`` is not a valid
        source of randomness, ``hard`` is not True or False, or ``callback`` is not callable.
    ValueError
        On malformed input (see :func:`e_step` and :func:`m_step`); if ``k`` is outside
        ``1 .. n_samples`` or above the number of rows of positive ``sample_weight``, ``init``
        is not a known method, ``max_iter`` or ``tol`` is negative, ``tol`` is not finite,
        ``n_init`` is below 1, ``rng`` is a negative seed; if a feature of ``X`` has no observed
        entry (of positive ``sample_weight``); if a starting :class:`Params` has
        another covariance type than ``covariance_type``, or comes with ``n_init`` other
        than 1; or if a log-likelihood during fitting is not finite (a point
        so far from every component that its density is 0 in float64, or an unbounded
        likelihood).
    ComponentCollapse
        If a component collapses (a covariance that is no longer positive definite, or no
        responsibility left with ``reg_covar=0``) in the run from given :class:`Params`, or
        in every one of the ``n_init`` runs; the message names the iteration and suggests
        raising ``reg_covar``.  A subclass of ``ValueError``.

    Warns
    -----
    UserWarning
        If the fit ends with components of weight 0: with ``reg_covar > 0`` a component
        that gets no responsibility is kept with weight 0, as in :func:`m_step`.  This
        happens when ``X`` has fewer distinct points than ``k``, or a start puts two
        components on one group; the log-likelihood is that of the other components.

    Notes
    -----
    With holes in ``X``, EM climbs the log-likelihood of the observed
    entries: each row counts by its observed entries' marginal density
    (:func:`e_step`), and each M-step fills the holes under each component
    with their conditional expectations and adds the conditional
    covariances (:func:`m_step`).  Rows with no observed entry are left
    out: their likelihood is 1 whatever the parameters, and EM has the same
    fixed points without them (with them, each M-step is pulled back
    towards the parameters before it).  ``n_samples`` (in
    ``k``'s range and in ``tol``) then counts the rows that are kept.

    Started from given ``Params`` with ``tol=0``, the history agrees with
    scikit-learn's ``GaussianMixture(weights_init=..., means_init=...,
    precisions_init=..., tol=0, reg_covar=...)``: ``history[t].log_likelihood
    / n_samples`` is its ``lower_bounds_[t]`` for ``t < max_iter``, and the
    final parameters are its ``weights_``, ``means_`` and ``covariances_``.

    Examples
    --------
    >>> from emlib import datasets
    >>> X, _ = datasets.make_blobs([(0, 0), (6, 0)], 100, 1.0, rng=0)
    >>> result = fit(X, 2, rng=0)
    >>> result.converged, sorted(result.params.means[:, 0].round().astype(int).tolist())
    (True, [0, 6])
    """
    X = _check_X(X, holes=True)
    kind = _check_covariance_type(covariance_type)
    max_iter = check_int(max_iter, "max_iter", minimum=0)
    tol = check_float(tol, "tol", minimum=0)
    reg_covar = check_float(reg_covar, "reg_covar", minimum=0)
    n_init = check_int(n_init, "n_init", minimum=1)
    rng = check_rng(rng)
    hard = check_bool(hard, "hard")
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable or None; got {type(callback).__name__}")
    sample_weight = check_sample_weight(sample_weight, len(X))
    holes = np.isnan(X)
    if holes.any():  # EM on what is observed, started as if each hole held its column's mean
        _check_observed(X, sample_weight)
        seen = ~holes.all(axis=1)  # a row with nothing observed is left out
        X, sample_weight = X[seen], None if sample_weight is None else sample_weight[seen]
        data_to_fit = gmm_holes.prepare(X, sample_weight)
        X = np.where(np.isnan(X), column_means(X, sample_weight), X)
    data = engine.prepare(X, sample_weight, kind)
    run = functools.partial(_run, data_to_fit if holes.any() else data, reg_covar=reg_covar, hard=bool(hard),
                            max_iter=max_iter, tol=tol, callback=callback)
    if isinstance(k_or_params, tuple):  # EM from the given parameters
        result = run(_check_start(k_or_params, X.shape[1], kind, n_init))
    else:
        k = _check_k(k_or_params, len(X))
        init = check_option(init, "init", INIT_METHODS)
        result = _best_of(n_init, lambda: run(_initial_params(data, X, k, init, kind, reg_covar, rng)))
    if (result.params.weights == 0).any():
        _warn_empty(result.params.weights == 0, kind, reg_covar, stacklevel=3)
    return result


def _best_of(n_init: int, run_from_a_start: Callable[[], em.EMResult]) -> em.EMResult:
    """The best of ``n_init`` runs from fresh starts (highest log-likelihood); a start that collapses is passed over."""
    best, failure = None, None
    for _ in range(n_init):
        try:
            result = run_from_a_start()
        except ComponentCollapse as error:  # another start may do better
            failure = error
            continue
        if best is None or result.log_likelihood > best.log_likelihood:
            best = result
    if best is None:
        raise ComponentCollapse(f"all {n_init} start(s) failed; the last: {failure}")
    return best


def bic(X: object, params: Params) -> float:
    """The Bayesian information criterion, ``-2 log_likelihood + n_parameters * log(n_samples)``; lower is better.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        The data the mixture was fitted to.
    params : Params
        The fitted mixture.

    Returns
    -------
    float
        Comparable across mixtures fitted to the same ``X``: between a
        better fit and fewer parameters, it charges ``log(n_samples)`` per
        parameter (:func:`n_parameters`).

    Raises
    ------
    TypeError
        As :func:`e_step`.
    ValueError
        As :func:`e_step`.

    Examples
    --------
    Points drawn from two components: BIC is lowest for ``k = 2``.

    >>> X, _ = sample(Params([0.5, 0.5], [[0.0], [6.0]], [1.0, 1.0]), 200, rng=0)
    >>> [round(bic(X, fit(X, k, rng=0).params), 1) for k in (1, 2, 3)]
    [1033.4, 876.5, 880.9]
    """
    X = _check_X(X, holes=True)
    return float(-2 * log_likelihood(X, params) + n_parameters(params) * np.log(len(X)))


def aic(X: object, params: Params) -> float:
    """Akaike's information criterion, ``-2 log_likelihood + 2 n_parameters``; lower is better.

    Arguments as in :func:`bic`; AIC charges 2 per parameter instead of
    ``log(n_samples)``, so it picks larger models than BIC once
    ``n_samples > 7``.

    Raises
    ------
    TypeError
        As :func:`e_step`.
    ValueError
        As :func:`e_step`.

    Examples
    --------
    The data of :func:`bic`'s example: AIC, which charges less per parameter, is lowest
    for ``k = 3``.

    >>> X, _ = sample(Params([0.5, 0.5], [[0.0], [6.0]], [1.0, 1.0]), 200, rng=0)
    >>> [round(float(aic(X, fit(X, k, rng=0).params)), 1) for k in (1, 2, 3)]
    [1026.8, 860.0, 854.5]
    """
    return -2 * log_likelihood(X, params) + 2 * n_parameters(params)


def align(params: Params, reference: Params) -> tuple[Params, np.ndarray]:
    """Reorder the components of ``params`` to match those of ``reference``.

    A mixture's components have no names: the same fit can come back with
    its components in any order (*label switching*), so two runs are
    compared only after matching them up.  Component ``order[i]`` of
    ``params`` is matched to component ``i`` of ``reference`` so that the
    sum of the Mahalanobis distances from each reference component to the
    mean matched to it, ``(mu_j - ref_mu_i)^T ref_Sigma_i^-1 (mu_j - ref_mu_i)``, is smallest
    (the Hungarian algorithm, exact for any ``k``).  Measuring in each
    reference component's own spread makes the match independent of the
    features' units.

    Parameters
    ----------
    params, reference : Params
        Two mixtures with the same number of components and features (the
        covariance types may differ).

    Returns
    -------
    aligned : Params
        ``params`` with its components reordered: ``aligned.means[i] ==
        params.means[order[i]]``, and the same for the weights and
        covariances (a tied covariance is everyone's and stays).
    order : ndarray of shape (k,)
        The permutation.  ``resp[:, order]`` reorders responsibilities
        (and ``np.argsort(order)[labels]`` relabels hard labels) to match.

    Raises
    ------
    TypeError
        If ``params`` or ``reference`` is not a :class:`Params` of arrays of real numbers.
    ValueError
        If ``params`` or ``reference`` is inconsistent with itself (as in
        :func:`covariance_type_of`), or the two differ in their numbers of components or
        features.

    Examples
    --------
    >>> reference = Params([0.5, 0.5], [[0.0], [10.0]], [1.0, 1.0])
    >>> swapped = Params([0.3, 0.7], [[9.0], [1.0]], [2.0, 1.0])
    >>> aligned, order = align(swapped, reference)
    >>> order.tolist(), aligned.means.ravel().tolist(), aligned.weights.tolist()
    ([1, 0], [1.0, 9.0], [0.7, 0.3])
    """
    reference = _check_params(reference, name="reference")
    k, d = reference.means.shape
    params = _check_params(params, d, name="params", like="reference")
    if len(params.weights) != k:
        raise ValueError(
            f"params must have as many components as reference ({k}); got {len(params.weights)}"
        )
    distances = _mahalanobis(params.means, reference)[0]  # [j, i]: mean j, reference component i
    distances = np.minimum(distances, np.finfo(np.float64).max / (4 * k))
    order = min_cost_assignment(distances.T)
    weights, means, covariances = params
    tied = params.covariance_type == "tied"  # one covariance, every component's: it stays
    covariances = covariances.copy() if tied else covariances[order]
    return params._make(read_only(part) for part in (weights[order], means[order], covariances)), read_only(order)
