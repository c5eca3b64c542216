"""Missing data: the mean and covariance of a multivariate Normal when some entries are NaN.

Real tables have holes: a feature measured for some rows and not for others.
The usual repairs are to drop every incomplete row or to fill each hole with
its column's mean.  EM does better, if the rows are independent draws from
a multivariate Normal ``N(mean, covariance)`` and whether an entry is missing
does not depend on its own value (see *When it works* below).  The hidden
variables are the missing entries themselves:

* the **E-step** (:func:`e_step`) replaces each row's missing entries by
  their conditional mean given its observed ones, ``E[x_m | x_o]``, a linear
  regression on the observed entries under the current parameters, and adds
  up the *conditional covariances* ``Cov[x_m | x_o]``, how uncertain those
  fills are;
* the **M-step** (:func:`m_step`) is the complete-data estimate from these
  expected sufficient statistics: the mean of the filled-in rows, and their
  covariance *plus* the summed conditional covariances divided by ``n``.

The second term is the one people forget.  A filled-in entry sits exactly on
the regression line, so the filled-in rows scatter less than real rows would;
the conditional covariance puts back the spread the fill removed.  Without
it the iteration "impute, re-estimate, impute again" shrinks the variances of
the columns with holes, and it is not EM: its log-likelihood can fall.

:func:`fit` alternates the two steps with :func:`emlib.em.run` from the
column means and variances, and records the *observed-data* log-likelihood,
``sum_i log N(x_i,o; mean_o, covariance_oo)``, which EM never lowers (with
``reg_covar=0``: a positive ``reg_covar`` makes the M-step a slightly
different estimate, which may lower it a little).
:func:`impute` fills the holes with the conditional means of a fit;
:func:`mean_impute` is the column-mean fill it replaces, and :func:`hide`
makes holes in a complete table, at random or depending on the values;
:func:`compare` scores the usual repairs and EM against the table before the
holes were made.

The table that :func:`impute` returns is the best guess of each hole, but it
is not data: its filled entries lie on regressions, so its columns vary less
than the data do, and a standard error computed from it counts every guess as
a measurement.  For standard errors, refit on bootstrap resamples of the rows
(holes and all), or use *multiple imputation* (Rubin 1987): analyse several
tables whose holes :func:`draw_imputation` fills with random draws from their
conditional distribution, and combine the results.

Rows are grouped by their *missingness pattern* (which entries are NaN), and
each group is handled with one Cholesky factorisation and a few matrix
products, so the cost per iteration grows with the number of distinct
patterns, not with a Python loop over rows.

Edge cases
----------
* No NaN at all: the first M-step gives the sample mean and the maximum
  likelihood covariance (divisor ``n``), and the fit stops at the next
  iteration.
* A row that is entirely NaN carries no information: its term in the
  likelihood is 1 whatever the parameters.  :func:`fit` leaves it out (which
  changes no estimate: the fixed point is the same, only slower to reach);
  :func:`e_step` and :func:`impute` fill it with the mean.
* A column that is entirely NaN: ``ValueError`` (nothing can be estimated
  for it).
* Too little data for a ``d x d`` covariance (a column with one distinct
  observed value, or fewer rows observing features together than there are
  features): the likelihood is unbounded and the covariance estimate turns
  singular; :func:`fit` raises a ``ValueError`` saying so.  A positive
  ``reg_covar``, added to the diagonal of every covariance estimate, keeps
  it invertible.

When it works
-------------
Only the observed entries enter the likelihood.  Maximising it is right
when the data are *missing at random* (MAR, Rubin 1976): whether an entry is
missing may depend on the row's observed entries but not, given them, on the
missing value itself.  Missing *completely* at random (MCAR, a coin toss per
entry) is the special case.  When a value's own size decides whether it is
recorded (*missing not at random*, MNAR, say a scale that cannot weigh the
heaviest birds), no method that sees only the table can undo the bias;
EM reduces it only as far as the observed columns predict the missing one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from . import em
from ._math import Pattern as _Pattern
from ._math import column_means
from ._math import missingness_patterns as _patterns
from ._validation import check_array, check_float, check_int, check_rng, check_spread, read_only, singular_components

__all__ = [
    "MECHANISMS",
    "Params",
    "Expectations",
    "e_step",
    "m_step",
    "log_likelihood",
    "fit",
    "impute",
    "draw_imputation",
    "mean_impute",
    "hide",
    "REPAIRS",
    "Repair",
    "compare",
]

#: The ways :func:`hide` decides which entries go missing, the values of its ``mechanism``.
#: Missing completely at random, at random given another feature, and not at random (by the
#: entries' own size).
MECHANISMS = ("MCAR", "MAR", "MNAR")
#: The repairs :func:`compare` scores, in the order of its dict's keys.
REPAIRS = ("drop incomplete rows", "fill with means", "EM")
_LOG_2PI = np.log(2 * np.pi)


class Params(NamedTuple):
    """The parameters of a multivariate Normal in ``d`` dimensions.

    Attributes
    ----------
    mean : ndarray of shape (d,)
        The mean vector.
    covariance : ndarray of shape (d, d)
        The covariance matrix: symmetric and positive definite.

    Examples
    --------
    Without holes, a fit gives the sample mean and the maximum-likelihood covariance (divisor
    ``n``):

    >>> X = np.array([[0.0, 1.0], [2.0, 3.0], [4.0, 2.0]])
    >>> params = fit(X).params
    >>> params.mean.tolist(), params.covariance.round(4).tolist()
    ([2.0, 2.0], [[2.6667, 0.6667], [0.6667, 0.6667]])
    """

    mean: np.ndarray
    covariance: np.ndarray


class Expectations(NamedTuple):
    """What the E-step hands to the M-step: the expected sufficient statistics.

    Attributes
    ----------
    filled : ndarray of shape (n_samples, d)
        The data with every missing entry replaced by its conditional mean
        given the row's observed entries; observed entries are unchanged.
    conditional_covariance : ndarray of shape (d, d)
        The sum over rows of ``Cov[x_i | observed entries of x_i]``: for each
        row, the conditional covariance of its missing entries, in their rows
        and columns, zero elsewhere.  Adding it to the scatter of ``filled``
        gives the expected scatter of the complete data.

    Examples
    --------
    Row 0's hole is filled by regression on its observed entry, ``0.5 * 2.0``, and its
    conditional variance, ``1 - 0.5**2``, is added up:

    >>> params = Params(np.zeros(2), np.array([[1.0, 0.5], [0.5, 1.0]]))
    >>> expectations, _ = e_step([[2.0, np.nan], [0.0, 1.0]], params)
    >>> expectations.filled.tolist(), expectations.conditional_covariance.tolist()
    ([[2.0, 1.0], [0.0, 1.0]], [[0.0, 0.0], [0.0, 0.75]])
    """

    filled: np.ndarray
    conditional_covariance: np.ndarray


# --------------------------------------------------------------------------
# Checking input
# --------------------------------------------------------------------------


def _check_X(X: object, *, estimating: bool = False, name: str = "X") -> np.ndarray:
    """``X`` as a float64 array in which NaN marks a missing entry.

    To estimate anything from it (``estimating``), every column needs an
    observed entry.
    """
    X = check_array(X, name, ndim=2, shape_hint="(n_samples, n_features)", allow_nan=True)
    empty = np.flatnonzero(np.isnan(X).all(axis=0))
    if estimating and empty.size:
        raise ValueError(
            f"{name}[:, {empty[0]}] is entirely NaN: nothing about feature {empty[0]} is observed, "
            "so nothing can be estimated for it; drop the column"
        )
    return check_spread(X, name)


def _check_params(params: object, n_features: int, name: str = "params") -> Params:
    """Return ``params`` as a :class:`Params` of float64 arrays, or say what is wrong with it."""
    if not (isinstance(params, tuple) and len(params) == 2):
        raise TypeError(
            f"{name} must be a missing.Params(mean, covariance); got {type(params).__name__}"
        )
    mean = check_array(params[0], f"{name}.mean", ndim=1, shape_hint="(n_features,)")
    if mean.shape != (n_features,):
        raise ValueError(
            f"{name}.mean must have n_features = {n_features} entries, like X; got shape {mean.shape}"
        )
    covariance = check_array(params[1], f"{name}.covariance", ndim=2,
                             shape_hint="(n_features, n_features)", reshape_advice=False)
    if covariance.shape != (n_features, n_features):
        raise ValueError(
            f"{name}.covariance must have shape ({n_features}, {n_features}); got {covariance.shape}"
        )
    asymmetry = np.abs(covariance - covariance.T).max()
    if asymmetry > 1e-8 * np.abs(covariance).max():
        raise ValueError(
            f"{name}.covariance is not symmetric (entries differ from their transpose by up to "
            f"{asymmetry:.3g})"
        )
    covariance = (covariance + covariance.T) / 2
    if singular_components(covariance[None]):
        raise ValueError(f"{name}.covariance is not a covariance: the matrix is not positive definite")
    return Params(mean, covariance)


def _check_reg_covar(reg_covar: object) -> float:
    return check_float(reg_covar, "reg_covar", minimum=0.0)


# --------------------------------------------------------------------------
# The E-step, one missingness pattern at a time
# --------------------------------------------------------------------------


def _e_step(
    X: np.ndarray, patterns: list[_Pattern], params: Params
) -> tuple[Expectations, float]:
    """The E-step over ``patterns`` of ``X``: filled rows, summed conditional covariance, log-likelihood."""
    mean, covariance = params
    filled = X.copy()
    spread = np.zeros_like(covariance)
    log_likelihood = 0.0
    with np.errstate(over="ignore", invalid="ignore"):  # checked below
        for pattern in patterns:
            log_likelihood += _pattern_step(
                pattern, mean, covariance, filled, spread
            )
    _check_finite(log_likelihood, filled, spread)
    spread = (spread + spread.T) / 2  # symmetric to the last bit
    return Expectations(filled, spread), float(log_likelihood)


def _check_finite(log_likelihood: float, filled: np.ndarray, spread: np.ndarray) -> None:
    if not (np.isfinite(log_likelihood) and np.isfinite(filled).all() and np.isfinite(spread).all()):
        raise ValueError(
            "params are so far from X, in units of params.covariance, that the E-step "
            "overflows float64 (the data are all but impossible under them); start closer to X"
        )


def _whiten(pattern: _Pattern, mean: np.ndarray, covariance: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The Cholesky factor L of the pattern's observed block of ``covariance``, and L^-1 (x_o - mean_o) per row."""
    o = pattern.observed
    try:
        chol = np.linalg.cholesky(covariance[np.ix_(o, o)])
    except np.linalg.LinAlgError:
        raise ValueError(
            "params.covariance is numerically singular on the features "
            f"{o.tolist()}: its Cholesky factorisation failed"
        ) from None
    return chol, np.linalg.solve(chol, (pattern.values - mean[o]).T)


def _pattern_step(
    pattern: _Pattern,
    mean: np.ndarray,
    covariance: np.ndarray,
    filled: np.ndarray,
    spread: np.ndarray,
) -> float:
    """One pattern's share of the E-step: fill its rows and add to ``spread``; return its log-likelihood."""
    o, m, n_rows = pattern.observed, pattern.missing, len(pattern.rows)
    if o.size == 0:  # nothing observed: the mean, as uncertain as the data
        filled[pattern.rows] = mean
        spread += n_rows * covariance
        return 0.0
    # Sigma_oo = L L^T, and L^-1 (x_o - mu_o) for each row
    chol, whitened = _whiten(pattern, mean, covariance)
    log_det = 2 * np.log(np.diagonal(chol)).sum()  # log |Sigma_oo|
    if m.size:
        # Sigma_mo Sigma_oo^-1 (x_o - mu_o) = coupling^T whitened,
        # with coupling = L^-1 Sigma_om
        coupling = np.linalg.solve(chol, covariance[np.ix_(o, m)])
        # E[x_m | x_o]
        filled[np.ix_(pattern.rows, m)] = mean[m] + whitened.T @ coupling
        # Cov[x_m | x_o] = Sigma_mm - Sigma_mo Sigma_oo^-1 Sigma_om,
        # the same for every row of the pattern
        conditional = covariance[np.ix_(m, m)] - coupling.T @ coupling
        spread[np.ix_(m, m)] += n_rows * conditional
    # the rows' log N(x_o | mu_o, Sigma_oo), added up
    constant = n_rows * (o.size * _LOG_2PI + log_det)
    return -0.5 * (constant + np.sum(whitened**2))


def e_step(X: object, params: Params) -> tuple[Expectations, float]:
    """The E-step: fill each missing entry with its conditional mean, and sum the conditional covariances.

    For a row with observed entries ``o`` and missing entries ``m``, the
    Normal ``N(mean, covariance)`` gives

    ``E[x_m | x_o] = mean_m + cov_mo cov_oo^-1 (x_o - mean_o)``,

    ``Cov[x_m | x_o] = cov_mm - cov_mo cov_oo^-1 cov_om``.

    Parameters
    ----------
    X : array-like of shape (n_samples, d)
        The data, with NaN for each missing entry.
    params : Params
        The current mean and covariance.

    Returns
    -------
    expectations : Expectations
        ``filled`` (the data with the conditional means filled in) and
        ``conditional_covariance`` (the conditional covariances summed over
        rows).
    log_likelihood : float
        The observed-data log-likelihood of ``params``: each row's observed
        entries under their marginal Normal.  A row with nothing observed
        adds 0.

    Raises
    ------
    TypeError
        If ``X`` does not hold real numbers, ``params`` is not a :class:`Params`, or a part of
        ``params`` is not an array of real numbers.
    ValueError
        If ``X`` is not a non-empty 2-d array of finite numbers and NaN, or spreads along a
        feature over more than 1e150 or less than 1e-150; if ``params`` does not fit it (a finite
        ``mean`` of length ``d``, a finite ``(d, d)`` symmetric positive definite
        ``covariance``); or if ``params`` are so far from ``X`` that the E-step overflows, or
        their covariance is numerically singular on a row's observed features.

    Examples
    --------
    With correlation 0.8, a row whose first entry is 2 standard deviations
    up gets its second filled 1.6 up, with variance 1 - 0.8² left over:

    >>> params = Params(np.zeros(2), np.array([[1.0, 0.8], [0.8, 1.0]]))
    >>> expectations, _ = e_step([[2.0, np.nan]], params)
    >>> expectations.filled.round(6).tolist()
    [[2.0, 1.6]]
    >>> expectations.conditional_covariance.round(6).tolist()
    [[0.0, 0.0], [0.0, 0.36]]
    """
    X = _check_X(X)
    params = _check_params(params, X.shape[1])
    return _e_step(X, _patterns(X), params)


def log_likelihood(X: object, params: Params) -> float:
    """The observed-data log-likelihood: the sum over rows of ``log N(x_o; mean_o, covariance_oo)``.

    Each row contributes the density of its observed entries under their
    marginal Normal; missing entries are integrated out, and a row with
    nothing observed contributes 0.  This is what :func:`fit` maximises.

    Raises
    ------
    TypeError
        As :func:`e_step`.
    ValueError
        As :func:`e_step`.

    Examples
    --------
    One standard Normal coordinate observed at 0 gives ``log(1 / sqrt(2 pi))``:

    >>> round(log_likelihood([[0.0, np.nan]], Params(np.zeros(2), np.eye(2))), 6)
    -0.918939
    """
    return e_step(X, params)[1]


# --------------------------------------------------------------------------
# The M-step
# --------------------------------------------------------------------------


class _SingularCovariance(ValueError):
    pass


def _m_step(
    filled: np.ndarray, conditional_covariance: np.ndarray, reg_covar: float
) -> Params:
    """:func:`m_step` on checked expectations: the mean of the filled rows, their scatter plus the correction."""
    n_samples, d = filled.shape
    mean = column_means(filled)  # mu: the mean of the filled rows
    centered = filled - mean
    # Sigma: their scatter, plus the correction, over n
    with np.errstate(over="ignore", invalid="ignore"):
        scatter = centered.T @ centered + conditional_covariance
        covariance = scatter / n_samples
    _check_covariance_left(covariance)
    covariance = (covariance + covariance.T) / 2  # symmetric to the last bit
    covariance[np.diag_indices(d)] += reg_covar
    _check_not_singular(covariance)
    return Params(mean, covariance)


def _check_covariance_left(covariance: np.ndarray) -> None:
    if not np.isfinite(covariance).all():
        raise ValueError("the covariance estimate overflows float64; rescale the data or reg_covar")


def _check_not_singular(covariance: np.ndarray) -> None:
    if singular_components(covariance[None]):
        d = len(covariance)
        raise _SingularCovariance(
            "the covariance estimate is singular: the data do not determine a "
            f"{d} x {d} covariance (too few rows observe the features together, or a "
            "feature is a linear function of others); pass reg_covar > 0, or drop features"
        )


def m_step(expectations: Expectations, *, reg_covar: float = 0.0) -> Params:
    """The M-step: the complete-data maximum likelihood estimate from the expected statistics.

    ``mean`` is the mean of the filled-in rows; ``covariance`` is their
    scatter about it plus the summed conditional covariances, divided by
    ``n_samples``, plus ``reg_covar`` on the diagonal.

    Parameters
    ----------
    expectations : Expectations
        What :func:`e_step` returned.  With ``conditional_covariance`` set to
        zero this is the naive "impute, then re-estimate" step, which
        understates the variances of features with missing entries.
    reg_covar : float, default 0
        Added to the diagonal of the covariance, at least 0.

    Returns
    -------
    Params

    Raises
    ------
    TypeError
        If ``expectations`` is not an :class:`Expectations`, a part of it is not an array of
        real numbers, or ``reg_covar`` is not a real number.
    ValueError
        If ``expectations.filled`` is not a finite, non-empty 2-d array (no NaN) or spreads
        along a feature over more than 1e150 or less than 1e-150;
        ``expectations.conditional_covariance`` is not a finite ``(d, d)`` symmetric positive
        semidefinite array; ``reg_covar`` is negative or not finite; or the covariance
        estimate overflows float64 or is singular (to working precision).

    Examples
    --------
    Without missing entries it is the sample mean and covariance, with
    divisor ``n``:

    >>> X = np.array([[0.0, 1.0], [2.0, 3.0], [4.0, 2.0]])
    >>> params = m_step(Expectations(X, np.zeros((2, 2))))
    >>> params.mean.tolist(), bool(np.allclose(params.covariance, np.cov(X.T, bias=True)))
    ([2.0, 2.0], True)
    """
    if not (isinstance(expectations, tuple) and len(expectations) == 2):
        raise TypeError(
            "expectations must be a missing.Expectations(filled, conditional_covariance); "
            f"got {type(expectations).__name__}"
        )
    filled = check_array(expectations[0], "expectations.filled", ndim=2, shape_hint="(n_samples, d)")
    d = filled.shape[1]
    conditional_covariance = check_array(expectations[1], "expectations.conditional_covariance",
                                         ndim=2, shape_hint="(d, d)", reshape_advice=False)
    if conditional_covariance.shape != (d, d):
        raise ValueError(
            f"expectations.conditional_covariance must have shape ({d}, {d}), one row and column "
            f"per feature of expectations.filled; got {conditional_covariance.shape}"
        )
    eigenvalues = np.linalg.eigvalsh(conditional_covariance)
    size = np.abs(conditional_covariance).max()
    if (np.abs(conditional_covariance - conditional_covariance.T).max() > 1e-8 * size
            or eigenvalues[0] < -1e-8 * size):
        raise ValueError(
            "expectations.conditional_covariance must be symmetric positive semidefinite, "
            "a sum of covariance matrices"
        )
    return _m_step(check_spread(filled, "expectations.filled"), conditional_covariance,
                   _check_reg_covar(reg_covar))


# --------------------------------------------------------------------------
# Fitting
# --------------------------------------------------------------------------


def _start(X: np.ndarray, reg_covar: float) -> Params:
    """Each column's observed mean and variance, with no correlation: where :func:`fit` starts."""
    flat = np.nanmax(X, axis=0) == np.nanmin(X, axis=0)
    if flat.any() and reg_covar == 0:
        raise ValueError(
            f"X[:, {np.flatnonzero(flat)[0]}] has a single distinct observed value, so its variance would "
            "be estimated as 0 and the likelihood is unbounded; drop the column, or pass reg_covar > 0"
        )
    mean = column_means(X)
    variances = np.where(flat, 0.0, np.nanmean((X - mean) ** 2, axis=0)) + reg_covar
    return Params(mean, np.diag(variances))


def fit(
    X: object,
    *,
    params0: Params | None = None,
    max_iter: int = 1000,
    tol: float = 1e-8,
    reg_covar: float = 0.0,
    callback: Callable[[int, em.EMStep], None] | None = None,
) -> em.EMResult[Params]:
    """Estimate the mean and covariance of a multivariate Normal from data with missing entries.

    Parameters
    ----------
    X : array-like of shape (n_samples, d)
        The data, with NaN for each missing entry (infinity is refused).
        Rows with nothing observed are left out (they carry no
        information); a column with nothing observed is an error.
    params0 : Params, optional
        Where to start.  By default each column's observed mean and
        variance, with zero correlations.
    max_iter : int, default 1000
        The largest number of iterations, at least 0.
    tol : float, default 1e-8
        Stop when the observed-data log-likelihood changes by less than
        ``tol`` per row (``tol * n_rows`` in all, counting the rows with
        something observed), as in :func:`emlib.em.run`.  At least 0;
        ``tol=0`` runs exactly ``max_iter`` iterations.
    reg_covar : float, default 0
        Added to the diagonal of every covariance estimate (and of the
        default start), at least 0.
    callback : callable, optional
        ``callback(t, step)`` after each iteration, as in :func:`emlib.em.run`.

    Returns
    -------
    em.EMResult
        ``params`` is a :class:`Params`; ``history`` holds the parameters
        and observed-data log-likelihood at the start and after each
        iteration.

    Raises
    ------
    TypeError
        If ``X`` does not hold real numbers, ``params0`` is not a :class:`Params` of arrays of
        real numbers, ``max_iter`` is not an integer, ``tol`` or ``reg_covar`` is not a real
        number, or ``callback`` is not callable.
    ValueError
        If ``X`` is malformed (as in :func:`e_step`), has a column with nothing observed or a
        column with a single distinct observed value (and ``reg_covar=0``); if ``params0`` does
        not fit ``X`` (as in :func:`e_step`); if ``max_iter``, ``tol`` or ``reg_covar`` is
        negative, or ``tol`` or ``reg_covar`` is not finite; or if the E-step overflows or the
        covariance estimate turns singular during the fit (it names the iteration).

    Examples
    --------
    Two correlated features, with the second missing in half the rows:

    >>> rng = np.random.default_rng(0)
    >>> X = rng.multivariate_normal([0, 0], [[1, 0.9], [0.9, 1]], size=2000)
    >>> X[rng.random(2000) < 0.5, 1] = np.nan
    >>> result = fit(X)
    >>> result.converged, result.params.mean.round(1).tolist()
    (True, [0.0, 0.0])
    >>> bool(np.all(np.diff(result.log_likelihoods) >= 0))
    True
    """
    X = _check_X(X, estimating=True)
    reg_covar = _check_reg_covar(reg_covar)
    max_iter = check_int(max_iter, "max_iter", minimum=0)
    tol = check_float(tol, "tol", minimum=0.0)
    X = X[~np.isnan(X).all(axis=1)]
    params0 = _start(X, reg_covar) if params0 is None else _check_params(params0, X.shape[1], "params0")
    params0 = Params(*(read_only(np.array(array)) for array in params0))
    patterns = _patterns(X)
    iteration = 0

    def m_step_at(expectations: Expectations, _params: Params) -> Params:
        nonlocal iteration
        iteration += 1
        try:
            params = _m_step(*expectations, reg_covar)
        except _SingularCovariance as error:
            raise ValueError(f"at iteration {iteration}, {error}") from None
        return Params(*(read_only(array) for array in params))

    return em.run(params0, lambda params: _e_step(X, patterns, params), m_step_at,
                  max_iter=max_iter, tol=tol, n_rows=len(X), callback=callback)


# --------------------------------------------------------------------------
# Filling and making holes
# --------------------------------------------------------------------------


def impute(X: object, params: Params) -> np.ndarray:
    """Fill each missing entry with its conditional mean given the row's observed entries.

    Parameters
    ----------
    X : array-like of shape (n_samples, d)
        The data, with NaN for each missing entry.
    params : Params
        A mean and covariance, usually ``fit(X).params``.

    Returns
    -------
    ndarray of shape (n_samples, d)
        A new array: observed entries as they were, missing ones filled
        (a row with nothing observed gets ``params.mean``).  ``X`` is not
        changed.

    Raises
    ------
    TypeError
        As :func:`e_step`.
    ValueError
        As :func:`e_step`.

    Examples
    --------
    >>> params = Params(np.array([0.0, 10.0]), np.array([[4.0, 2.0], [2.0, 4.0]]))
    >>> impute([[2.0, np.nan], [np.nan, np.nan]], params).tolist()
    [[2.0, 11.0], [0.0, 10.0]]
    """
    return e_step(X, params)[0].filled


def _conditional(pattern: _Pattern, mean: np.ndarray, covariance: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The conditional means of a pattern's missing entries (one row per row) and their covariance."""
    o, m = pattern.observed, pattern.missing
    if o.size == 0:
        return np.broadcast_to(mean, (len(pattern.rows), m.size)), covariance
    chol, whitened = _whiten(pattern, mean, covariance)
    coupling = np.linalg.solve(chol, covariance[np.ix_(o, m)])
    return mean[m] + whitened.T @ coupling, covariance[np.ix_(m, m)] - coupling.T @ coupling


def draw_imputation(X: object, params: Params, *, rng=None) -> np.ndarray:
    """Fill each missing entry with a random draw from its conditional distribution given the row's observed entries.

    Where :func:`impute` puts each hole at its conditional mean
    ``E[x_m | x_o]``, this draws the row's missing entries together from
    ``N(E[x_m | x_o], Cov[x_m | x_o])``, so that the filled table scatters as
    much as the data would.  One call makes one of the completed tables of
    *multiple imputation*; to let the uncertainty of ``params`` in too, draw
    each table with the parameters of a fit to a bootstrap resample of the
    rows.

    Parameters
    ----------
    X : array-like of shape (n_samples, d)
        The data, with NaN for each missing entry.
    params : Params
        A mean and covariance, usually ``fit(X).params``.
    rng : None, int, numpy.random.SeedSequence, numpy.random.Generator or numpy.random.RandomState
        The source of randomness.

    Returns
    -------
    ndarray of shape (n_samples, d)
        A new array: observed entries as they were, missing ones drawn (a
        row with nothing observed is a draw from ``N(mean, covariance)``).
        ``X`` is not changed.

    Raises
    ------
    TypeError
        As :func:`e_step`, or if ``rng`` is not None, an int, a ``SeedSequence``, a
        ``Generator`` or a ``RandomState``.
    ValueError
        As :func:`e_step`, or if ``rng`` is a negative seed.

    Examples
    --------
    The draws scatter around the conditional mean, 11.0, with the
    conditional variance ``4 - 2**2 / 4 = 3``:

    >>> params = Params(np.array([0.0, 10.0]), np.array([[4.0, 2.0], [2.0, 4.0]]))
    >>> table = draw_imputation([[2.0, np.nan]] * 20000, params, rng=0)
    >>> bool(np.all(table[:, 0] == 2.0)), round(float(table[:, 1].mean()), 1), round(float(table[:, 1].var()), 1)
    (True, 11.0, 3.0)
    """
    X = _check_X(X)
    params = _check_params(params, X.shape[1])
    rng = check_rng(rng)
    mean, covariance = params
    drawn = X.copy()
    with np.errstate(over="ignore", invalid="ignore"):  # checked once, below
        for pattern in _patterns(X):
            if pattern.missing.size == 0:
                continue
            centre, spread = _conditional(pattern, mean, covariance)
            # a square root of the conditional covariance that tolerates rounding below zero
            eigenvalues, eigenvectors = np.linalg.eigh((spread + spread.T) / 2)
            root = eigenvectors * np.sqrt(np.clip(eigenvalues, 0.0, None))
            noise = rng.standard_normal((len(pattern.rows), pattern.missing.size))
            drawn[np.ix_(pattern.rows, pattern.missing)] = centre + noise @ root.T
    if not np.isfinite(drawn).all():
        raise ValueError(
            "params are so far from X, in units of params.covariance, that the draws "
            "overflow float64; start closer to X"
        )
    return drawn


def mean_impute(X: object) -> np.ndarray:
    """Fill each missing entry with its column's observed mean: the common practice EM improves on.

    Raises
    ------
    TypeError
        If ``X`` does not hold real numbers.
    ValueError
        If ``X`` is not a non-empty 2-d array of finite numbers and NaN, has a column with
        nothing observed, or spreads along a feature over more than 1e150 or less than 1e-150.

    Examples
    --------
    >>> mean_impute([[1.0, np.nan], [3.0, 5.0]]).tolist()
    [[1.0, 5.0], [3.0, 5.0]]
    """
    X = _check_X(X, estimating=True)
    return np.where(np.isnan(X), np.nanmean(X, axis=0), X)


def _check_column(value: object, name: str, d: int) -> int:
    return check_int(value, name, minimum=0, maximum=d - 1, maximum_name="n_features - 1")


def hide(
    X: object,
    fraction: float,
    *,
    mechanism: str = "MCAR",
    column: int | None = None,
    by: int | None = None,
    rng=None,
) -> np.ndarray:
    """Make holes in a complete table: a copy of ``X`` with some entries set to NaN.

    Parameters
    ----------
    X : array-like of shape (n_samples, d)
        Complete data (no NaN).
    fraction : float
        The share to hide, in ``[0, 1)``: of all the entries for ``"MCAR"``
        without ``column``, otherwise of the entries of ``column``.
    mechanism : {"MCAR", "MAR", "MNAR"}
        * ``"MCAR"``, missing completely at random: each entry (or, with
          ``column``, each entry of that column) is hidden with probability
          ``fraction``, independently, so the count is random.  With the same
          seed a larger ``fraction`` hides a superset of the entries.
        * ``"MAR"``, missing at random: the entries of ``column`` are hidden in
          the ``round(fraction * n_samples)`` rows where feature ``by`` is
          largest.  Whether a value is missing depends only on another,
          observed feature.
        * ``"MNAR"``, missing not at random: the ``round(fraction * n_samples)``
          largest values of ``column`` are hidden, as by an instrument that
          cannot record large values.
    column : int, optional
        The feature to make holes in; required for ``"MAR"`` and ``"MNAR"``.
    by : int, optional
        For ``"MAR"``, the feature whose values decide; it must differ from
        ``column``.
    rng : None, int, numpy.random.SeedSequence, numpy.random.Generator or numpy.random.RandomState
        The source of randomness (used by ``"MCAR"`` only).

    Returns
    -------
    ndarray of shape (n_samples, d)

    Raises
    ------
    TypeError
        If ``X`` does not hold real numbers, ``fraction`` is not a real number, ``mechanism`` is
        not a string, ``column`` or ``by`` is not an integer, or ``rng`` is not None, an int, a
        ``SeedSequence``, a ``Generator`` or a ``RandomState``.
    ValueError
        If ``X`` is not a finite, non-empty 2-d array; ``fraction`` is not finite or outside
        ``[0, 1)``; ``mechanism`` is not one of the three; ``column`` or ``by`` is outside
        ``0 .. d-1``; ``column`` is missing for ``"MAR"`` or ``"MNAR"``; ``by`` is missing or
        equal to ``column`` for ``"MAR"``, or given for another mechanism; or ``rng`` is a
        negative seed.

    Examples
    --------
    >>> X = np.arange(12.0).reshape(6, 2)
    >>> hide(X, 0.5, mechanism="MNAR", column=1)[:, 1].tolist()
    [1.0, 3.0, 5.0, nan, nan, nan]
    """
    X = check_array(X, "X", ndim=2, shape_hint="(n_samples, n_features)")
    n_samples, d = X.shape
    fraction = check_float(fraction, "fraction", minimum=0.0)
    if fraction >= 1:
        raise ValueError(f"fraction must be less than 1; got {fraction}")
    if not isinstance(mechanism, str):
        raise TypeError(f"mechanism must be a string; got {type(mechanism).__name__}")
    if mechanism not in MECHANISMS:
        raise ValueError(f"mechanism must be one of {MECHANISMS}; got {mechanism!r}")
    if column is not None:
        column = _check_column(column, "column", d)
    elif mechanism != "MCAR":
        raise ValueError(f"mechanism={mechanism!r} needs column, the feature to make holes in")
    if mechanism == "MAR":
        if by is None:
            raise ValueError("mechanism='MAR' needs by, the feature whose values decide what is hidden")
        by = _check_column(by, "by", d)
        if by == column:
            raise ValueError(f"by must differ from column for mechanism='MAR'; both are {by}")
    elif by is not None:
        raise ValueError(f"by is used only with mechanism='MAR'; got mechanism={mechanism!r}")
    rng = check_rng(rng)

    hidden = X.copy()
    if mechanism == "MCAR":
        if column is None:
            hidden[rng.random(X.shape) < fraction] = np.nan
        else:
            hidden[rng.random(n_samples) < fraction, column] = np.nan
        return hidden
    decider = X[:, by] if mechanism == "MAR" else X[:, column]
    n_hidden = round(fraction * n_samples)
    largest = np.argsort(decider, kind="stable")[n_samples - n_hidden:]
    hidden[largest, column] = np.nan
    return hidden


class Repair(NamedTuple):
    """One way of handling the holes in a table, scored against the complete table.

    The errors are in the complete table's standard units: an entry's error
    is divided by its feature's standard deviation (for a covariance entry,
    by the product of the two).

    Attributes
    ----------
    params : Params
        The estimated mean and covariance (maximum likelihood, divisor ``n``).
    filled : ndarray of shape (n_samples, d) or None
        The completed table, or ``None`` for a repair that fills nothing.
    mean_error : float
        The largest error of an estimated mean.
    covariance_error : float
        The largest error of an estimated covariance entry.
    fill_error : float or None
        The root mean square error of the filled-in entries, or ``None``.

    Examples
    --------
    EM's repair of a table whose second column lost about 30 % of its entries:

    >>> rng = np.random.default_rng(0)
    >>> X = rng.multivariate_normal([0, 0], [[1, 0.9], [0.9, 1]], size=500)
    >>> repair = compare(X, hide(X, 0.3, column=1, rng=1))["EM"]
    >>> repair.params.mean.round(2).tolist(), round(repair.mean_error, 3), round(repair.fill_error, 2)
    ([0.09, 0.07], 0.01, 0.43)
    """

    params: Params
    filled: np.ndarray | None
    mean_error: float
    covariance_error: float
    fill_error: float | None


def compare(X: object, X_hidden: object, *, reg_covar: float = 0.0) -> dict[str, Repair]:
    """Score the usual repairs of a table with holes, and EM, against the table without holes.

    Parameters
    ----------
    X : array-like of shape (n_samples, d)
        The complete table: the truth is its mean and covariance (divisor
        ``n``) and its entries.
    X_hidden : array-like of shape (n_samples, d)
        ``X`` with some entries set to NaN (for example by :func:`hide`).
    reg_covar : float, default 0
        Passed to :func:`fit`.

    Returns
    -------
    dict of str to Repair
        Keyed by :data:`REPAIRS`, in that order:

        * ``"drop incomplete rows"``: the mean and covariance of the rows
          without a hole (left out when there is none);
        * ``"fill with means"``: those of :func:`mean_impute`'s table;
        * ``"EM"``: :func:`fit` (with ``reg_covar``), and :func:`impute` for
          the fills.

        ``fill_error`` is ``None`` when nothing is hidden.

    Raises
    ------
    TypeError
        If ``X`` or ``X_hidden`` does not hold real numbers, or ``reg_covar`` is not a real
        number.
    ValueError
        If ``X`` is not a finite, non-empty 2-d array or has a constant column; ``X_hidden`` is
        malformed (as in :func:`mean_impute`), has another shape than ``X`` or differs from it
        outside its NaN entries; ``reg_covar`` is negative or not finite; or :func:`fit` fails
        on ``X_hidden``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.multivariate_normal([0, 0], [[1, 0.9], [0.9, 1]], size=1000)
    >>> repairs = compare(X, hide(X, 0.3, column=1, rng=1))
    >>> {name: round(r.fill_error, 2) for name, r in repairs.items() if r.filled is not None}
    {'fill with means': 0.94, 'EM': 0.4}
    """
    X = check_array(X, "X", ndim=2, shape_hint="(n_samples, n_features)")
    X_hidden = _check_X(X_hidden, estimating=True, name="X_hidden")
    if X_hidden.shape != X.shape:
        raise ValueError(f"X_hidden must have the shape of X, {X.shape}; got {X_hidden.shape}")
    holes = np.isnan(X_hidden)
    if not np.array_equal(X_hidden[~holes], X[~holes]):
        raise ValueError("X_hidden must be X with some entries set to NaN; other entries differ")

    def moments(table: np.ndarray) -> Params:
        return Params(table.mean(axis=0), np.cov(table.T, bias=True).reshape(X.shape[1], -1))

    truth = moments(X)
    scale = np.sqrt(np.diagonal(truth.covariance))
    if (scale == 0).any():
        raise ValueError(f"X[:, {np.flatnonzero(scale == 0)[0]}] is constant: it has no standard units")

    def repair(params: Params, filled: np.ndarray | None) -> Repair:
        mean_error = np.abs(params.mean - truth.mean) / scale
        covariance_error = np.abs(params.covariance - truth.covariance) / np.outer(scale, scale)
        fill_error = None
        if filled is not None and holes.any():
            fill_error = float(np.sqrt(np.mean((((filled - X) / scale)[holes]) ** 2)))
        return Repair(params, filled, float(mean_error.max()), float(covariance_error.max()), fill_error)

    repairs = {}
    complete_rows = X_hidden[~holes.any(axis=1)]
    if len(complete_rows):
        repairs["drop incomplete rows"] = repair(moments(complete_rows), None)
    filled = mean_impute(X_hidden)
    repairs["fill with means"] = repair(moments(filled), filled)
    params = fit(X_hidden, reg_covar=reg_covar).params
    repairs["EM"] = repair(params, impute(X_hidden, params))
    return repairs
