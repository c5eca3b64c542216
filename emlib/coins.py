"""A mixture of coins: which coin made each row of tosses?

Each row ``i`` of the data is ``tosses[i]`` tosses of one coin, of which
``heads[i]`` came up heads; coin ``c`` shows heads with probability
``theta[c]`` and is picked for a row with probability ``weights[c]`` (equal
weights unless you say otherwise).  Which coin made each row is hidden.  EM
estimates ``theta`` anyway:

* the **E-step** (:func:`e_step`) gives each row's *responsibilities*, the
  probability that each coin made it, by Bayes' rule;
* the **M-step** (:func:`m_step`) sets each coin's ``theta`` to its share of
  the heads over its share of the tosses (:func:`expected_counts`).

:func:`fit` alternates them with :func:`emlib.em.run` and records the
log-likelihood (:func:`log_likelihood`), which never falls.

Binomial coefficients
---------------------
The probability of one particular sequence with ``h`` heads in ``m`` tosses
is ``theta**h * (1 - theta)**(m - h)``; the probability of *some* sequence
with that many heads is ``comb(m, h)`` times as large.  The factor is the
same for every coin, so it cancels in the responsibilities and does not move
the maximum.  It only adds the constant ``sum(log(comb(m, h)))`` to the
log-likelihood; ask for it with ``binomial_coefficient=True``.

Numerics of the coin mixture
----------------------------
Everything is computed with logarithms: ``0.6**500_000`` underflows to 0 in
float64, but its logarithm is an ordinary number, and responsibilities come
from differences of logarithms (log-sum-exp).  Rows of millions of tosses
therefore get exact responsibilities instead of ``0 / 0``.  Inside
:func:`fit` the M-step also works from log-responsibilities, so a coin whose
responsibilities are all far below the smallest float still gets its
weighted share of the rows.  (:func:`e_step` and :func:`m_step` are the
steps as the book writes them; ``fit`` runs them kept in log space,
``_log_resp`` and ``_m_step_log`` below, and tests/test_engine.py checks
that the two agree.)
"""

from __future__ import annotations

import functools
import numbers
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from . import em
from ._math import log_normalize, logsumexp, weighted_logs
from ._validation import check_array, check_bool, check_every_column_used, check_float, check_resp, read_only

__all__ = [
    "Params",
    "Counts",
    "row_log_likelihoods",
    "e_step",
    "expected_counts",
    "m_step",
    "log_likelihood",
    "expected_log_likelihood",
    "q_function",
    "fit",
]


class Params(NamedTuple):
    """The parameters of a mixture of ``k`` coins.

    Attributes
    ----------
    theta : ndarray of shape (k,)
        Each coin's probability of heads.
    weights : ndarray of shape (k,)
        The probability that a row was made with each coin; they sum to 1.

    Examples
    --------
    With ``estimate_weights=True`` a fit estimates the weights too:

    >>> result = fit([5, 9, 8, 4, 7], 10, [0.6, 0.5], max_iter=10, tol=0, estimate_weights=True)
    >>> result.params.theta.round(2).tolist(), result.params.weights.round(2).tolist()
    ([0.79, 0.51], [0.54, 0.46])
    """

    theta: np.ndarray
    weights: np.ndarray


class Counts(NamedTuple):
    """Expected numbers of heads and tails, per row and coin.

    Attributes
    ----------
    heads : ndarray of shape (n_rows, k)
        ``resp[i, c] * heads[i]``: the heads of row ``i`` credited to coin ``c``.
    tails : ndarray of shape (n_rows, k)
        ``resp[i, c] * (tosses[i] - heads[i])``: the same for tails.

    Examples
    --------
    Row 0 shared evenly between the coins, row 1 given wholly to coin 0:

    >>> counts = expected_counts([5, 9], 10, [[0.5, 0.5], [1.0, 0.0]])
    >>> counts.heads.tolist(), counts.tails.tolist()
    ([[2.5, 2.5], [9.0, 0.0]], [[2.5, 2.5], [1.0, 0.0]])
    """

    heads: np.ndarray
    tails: np.ndarray


# --------------------------------------------------------------------------
# Input checks
# --------------------------------------------------------------------------


def _check_counts(heads: object, tosses: object) -> tuple[np.ndarray, np.ndarray]:
    """``heads`` and ``tosses`` as float64 arrays of whole numbers, ``0 <= heads <= tosses``.

    ``tosses`` may be one number shared by every row.
    """
    heads = _check_whole(heads, "heads")
    shared = isinstance(tosses, numbers.Real) or (isinstance(tosses, np.ndarray) and tosses.ndim == 0)
    tosses = _check_whole([tosses] if shared else tosses, "tosses")
    if shared:
        tosses = np.full(heads.shape, tosses[0])
    if tosses.shape != heads.shape:
        raise ValueError(
            f"heads and tosses must have the same length (one entry per row); "
            f"got {len(heads)} and {len(tosses)}"
        )
    if np.any(heads < 0):
        row = int(np.argmax(heads < 0))
        raise ValueError(f"heads must not be negative; row {row} has {heads[row]:g}")
    if np.any(tosses < 1):
        row = int(np.argmax(tosses < 1))
        raise ValueError(f"tosses must be at least 1 in every row; row {row} has {tosses[row]:g}")
    if np.any(heads > tosses):
        row = int(np.argmax(heads > tosses))
        raise ValueError(
            f"heads must not exceed tosses; row {row} has {heads[row]:g} heads "
            f"in {tosses[row]:g} tosses"
        )
    return heads, tosses


def _check_whole(values: object, name: str) -> np.ndarray:
    try:
        is_bool = np.asarray(values).dtype == bool
    except ValueError:  # a ragged list: check_array says so below
        is_bool = False
    if is_bool:
        raise TypeError(f"{name} must hold counts (whole numbers); got booleans")
    values = check_array(values, name, ndim=1, shape_hint="of shape (n_rows,)")
    fractional = values != np.round(values)
    if np.any(fractional):
        index = int(np.argmax(fractional))
        raise ValueError(f"{name} must hold whole numbers (counts); entry {index} is {values[index]:g}")
    return values


def _check_probabilities(
    theta: object, name: str = "theta", *, stacked: bool = False, start: bool = False
) -> np.ndarray:
    """Probabilities of heads, shape ``(k,)``, or ``(..., k)`` if ``stacked``.

    Any probability from 0 to 1 can be evaluated; a *start* must lie strictly
    between, because EM never moves a coin off 0 or 1 (a coin that cannot
    show tails is only ever credited with rows of heads).
    """
    ndim = max(np.ndim(theta), 1) if stacked else 1
    theta = check_array(theta, name, ndim=ndim, shape_hint="of shape (k,), one per coin",
                        reshape_advice=False)
    outside = (theta <= 0) | (theta >= 1) if start else (theta < 0) | (theta > 1)
    if np.any(outside):
        value = float(theta.reshape(-1)[np.argmax(outside.reshape(-1))])
        if start:
            raise ValueError(
                f"{name} must lie strictly between 0 and 1: EM never moves a coin that starts "
                f"at 0 or 1; got {value!r}"
            )
        raise ValueError(f"{name} must lie between 0 and 1 (a probability of heads); got {value!r}")
    return theta


def _check_weights(weights: object, k: int, name: str = "weights", *, start: bool = False) -> np.ndarray:
    """The mixing weights: ``k`` numbers that sum to 1; ``None`` gives equal weights.

    A weight of 0 can be evaluated (a coin never picked); a *start* needs
    positive weights, because a coin that starts with weight 0 keeps it.
    """
    if weights is None:
        return np.full(k, 1.0 / k)
    weights = check_array(weights, name, ndim=1, shape_hint="of shape (k,), one per coin")
    if weights.shape != (k,):
        raise ValueError(f"{name} must have one entry per coin (k = {k}); got {len(weights)}")
    if np.any(weights <= 0) if start else np.any(weights < 0):
        rule = "positive: a coin that starts with weight 0 keeps it" if start else "non-negative"
        raise ValueError(f"{name} must be {rule}; got {weights.tolist()}")
    if not np.isclose(weights.sum(), 1.0, rtol=0, atol=1e-9):
        raise ValueError(f"{name} must sum to 1; got sum {float(weights.sum())!r}")
    return weights


# --------------------------------------------------------------------------
# The steps, in log space
# --------------------------------------------------------------------------

# log(n!) for n < 256 from a table; above, Stirling's series (error below 1e-16 relative)
_LOG_FACTORIALS = np.concatenate([[0.0], np.cumsum(np.log(np.arange(1.0, 256.0)))])
_SERIES_FROM = float(len(_LOG_FACTORIALS))


def _log_factorial(n: np.ndarray) -> np.ndarray:
    small = n < _SERIES_FROM
    x = np.where(small, _SERIES_FROM, n)  # the series only where it is accurate
    series = (x + 0.5) * np.log(x) - x + 0.5 * np.log(2 * np.pi) + 1 / (12 * x) - 1 / (360 * x**3)
    table = _LOG_FACTORIALS[np.where(small, n, 0).astype(np.intp)]
    return np.where(small, table, series)


def _log_factorial_ratio(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``log(x!) - log(y!)`` for ``x >= y``, without the cancellation of two large logs.

    When both are large, Stirling's series is differenced term by term, with
    ``log(x / y)`` from ``log1p``; a million tosses with one head then still
    gives ``log(10**6)`` to full precision.
    """
    large = y >= _SERIES_FROM
    xs, ys = np.where(large, x, _SERIES_FROM), np.where(large, y, _SERIES_FROM)
    log_x_over_y = -np.log1p(-(xs - ys) / xs)
    series = ((ys + 0.5) * log_x_over_y + (xs - ys) * (np.log(xs) - 1)
              + (1 / xs - 1 / ys) / 12 - (1 / xs**3 - 1 / ys**3) / 360)
    return np.where(large, series, _log_factorial(x) - _log_factorial(y))


def _log_binomial(heads: np.ndarray, tosses: np.ndarray) -> np.ndarray:
    """``log(comb(tosses, heads))`` for each row."""
    fewer = np.minimum(heads, tosses - heads)  # comb(n, h) = comb(n, n - h)
    return _log_factorial_ratio(tosses, tosses - fewer) - _log_factorial(fewer)


def _times_log(counts: np.ndarray, probabilities: np.ndarray) -> np.ndarray:
    """``counts[i] * log(probabilities[..., j])`` with ``0 * log(0) = 0``, shape ``(..., n_rows, k)``."""
    with np.errstate(divide="ignore"):
        logs = np.log(probabilities)[..., None, :]
    product = counts[:, None] * np.where(np.isfinite(logs), logs, 0.0)
    return np.where(np.isfinite(logs) | (counts[:, None] == 0), product, -np.inf)


def _row_log_likelihoods(
    heads, tosses, theta, binomial_coefficient=False
) -> np.ndarray:
    """``log p(row i | coin c)``, shape ``(..., n_rows, k)`` for ``theta`` of shape ``(..., k)``."""
    # h_i log theta_c + (m_i - h_i) log(1 - theta_c), with 0 log 0 = 0
    log_prob = _times_log(heads, theta) + _times_log(tosses - heads, 1 - theta)
    if binomial_coefficient:
        log_prob = log_prob + _log_binomial(heads, tosses)[:, None]
    return log_prob


def _log_joint(
    heads, tosses, theta, weights, binomial_coefficient=False
) -> tuple[np.ndarray, np.ndarray]:
    """``log(weights[c] * p(row i | coin c))`` in two parts that add up to it.

    The first, shape ``(..., n_rows, k)``, is relative to the row's most
    likely coin; the second, ``(..., n_rows, 1)``, is that coin's
    ``log p(row i | coin)``.  Taking it out before the (small) log weights
    are added keeps them exact however long the row: with 10^15 tosses a
    row's log-likelihood is about 10^14, where floats are 1/64 apart.
    """
    with np.errstate(divide="ignore"):  # a weight of 0: a coin never picked
        log_weights = np.log(weights)
    log_rows = _row_log_likelihoods(heads, tosses, theta, binomial_coefficient)
    base = log_rows.max(axis=-1, keepdims=True)
    # a row impossible under every coin stays -inf
    base = np.where(np.isfinite(base), base, 0.0)
    return log_rows - base + log_weights, base


def _check_possible(log_joint: np.ndarray, heads, tosses, theta: np.ndarray, weights: np.ndarray) -> None:
    impossible = ~np.isfinite(log_joint.max(axis=1))
    if np.any(impossible):
        row = int(np.argmax(impossible))
        raise ValueError(
            f"row {row} ({heads[row]:g} heads in {tosses[row]:g} tosses) has probability 0 under "
            f"every coin (theta = {theta.tolist()}, weights = {weights.tolist()})"
        )


def _log_resp(heads, tosses, params: Params) -> tuple[np.ndarray, float]:
    """:func:`e_step` in log space, as :func:`fit` runs it: log-responsibilities ``(n_rows, k)`` and the log-likelihood.

    Kept as logarithms, a responsibility of e^-1000 (a long row, a coin far
    from it) still counts in the M-step.
    """
    log_joint, top = _log_joint(heads, tosses, params.theta, params.weights)
    _check_possible(log_joint, heads, tosses, *params)
    log_resp, log_rows = log_normalize(log_joint)
    return log_resp, float((log_rows + top[:, 0]).sum())


def _m_step_log(heads, tosses, log_resp: np.ndarray, theta_before: np.ndarray) -> np.ndarray:
    """:func:`m_step` from log-responsibilities, as :func:`fit` runs it.

    Each coin's responsibilities are divided by its largest before leaving log
    space.  A coin whose responsibilities are all exactly 0 explains no row; it
    keeps its previous ``theta``.
    """
    top = log_resp.max(axis=0)
    used = np.isfinite(top)
    relative = np.exp(log_resp - np.where(used, top, 0.0))
    return np.divide(heads @ relative, tosses @ relative, out=theta_before.copy(), where=used)


# --------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------


def row_log_likelihoods(
    heads: object, tosses: object, theta: object, *, binomial_coefficient: bool = False
) -> np.ndarray:
    """The log-probability of each row under each coin, ``log p(row i | coin c)``.

    Parameters
    ----------
    heads : array-like of shape (n_rows,)
        The number of heads in each row, whole numbers.
    tosses : array-like of shape (n_rows,), or one number for every row
        The number of tosses in each row, at least 1 and at least ``heads``.
    theta : array-like of shape (k,)
        Each coin's probability of heads, from 0 to 1.
    binomial_coefficient : bool
        ``False`` (the default): the probability of the row's particular
        sequence of heads and tails, ``theta**h * (1 - theta)**(m - h)``
        for ``h`` heads in ``m`` tosses.
        ``True``: the probability of its number of heads, ``comb(m, h)``
        times larger.  The two logs are added, so near the most likely
        count the sum loses about ``n * 1e-16`` in absolute terms: nothing
        at ordinary counts, 1e-10 at a million tosses, units at 10^15.

    Returns
    -------
    ndarray of shape (n_rows, k)
        Natural logarithms; ``-inf`` where a coin cannot make the row (for
        example heads from a coin with ``theta = 0``).

    Raises
    ------
    TypeError
        If ``heads``, ``tosses`` or ``theta`` does not hold real numbers, ``heads`` or ``tosses``
        holds booleans, or ``binomial_coefficient`` is not True or False.
    ValueError
        If ``heads`` or ``tosses`` is not a finite, non-empty 1-d array of whole numbers
        (``tosses`` may be one number), their lengths differ, or a row has negative heads, fewer
        than 1 toss or more heads than tosses; or if ``theta`` is not a finite, non-empty 1-d
        array of numbers from 0 to 1.

    Examples
    --------
    >>> import numpy as np
    >>> np.exp(row_log_likelihoods([5], 10, [0.6, 0.5])).round(6)
    array([[0.000796, 0.000977]])
    """
    heads, tosses = _check_counts(heads, tosses)
    theta = _check_probabilities(theta)
    return _row_log_likelihoods(heads, tosses, theta, check_bool(binomial_coefficient, "binomial_coefficient"))


def e_step(
    heads: object, tosses: object, theta: object, weights: object = None
) -> np.ndarray:
    """The E-step: the probability that each coin made each row.

    By Bayes' rule, ``resp[i, c]`` is proportional to
    ``weights[c] * theta[c]**h * (1 - theta[c])**(m - h)`` for a row of ``h``
    heads in ``m`` tosses, normalised over the
    coins; it is computed from logarithms, so long rows are exact too.

    Parameters
    ----------
    heads, tosses
        The rows, as in :func:`row_log_likelihoods`.
    theta : array-like of shape (k,)
        Each coin's probability of heads, from 0 to 1.
    weights : array-like of shape (k,), optional
        The probability of each coin before seeing a row; non-negative,
        summing to 1.  Equal by default.

    Returns
    -------
    resp : ndarray of shape (n_rows, k)
        The responsibilities; each row sums to 1 (to about 1e-16).

    Raises
    ------
    TypeError
        If ``heads``, ``tosses``, ``theta`` or ``weights`` does not hold real numbers, or
        ``heads`` or ``tosses`` holds booleans.
    ValueError
        If the counts or ``theta`` are bad, as in :func:`row_log_likelihoods`; if ``weights`` is
        not a finite 1-d array with one non-negative entry per coin summing to 1; or if some row
        is impossible under every coin (say, heads and tails with ``theta = (0, 1)``), so that
        its responsibilities are 0 / 0.

    Examples
    --------
    The first E-step of the two-coin example, from theta = (0.6, 0.5):

    >>> e_step([5, 9], 10, [0.6, 0.5]).round(2)
    array([[0.45, 0.55],
           [0.8 , 0.2 ]])
    """
    heads, tosses = _check_counts(heads, tosses)
    theta = _check_probabilities(theta)
    weights = _check_weights(weights, len(theta))
    # log pi_c + log p(x_i | z_i = c), less the row's largest log p
    log_joint, _ = _log_joint(heads, tosses, theta, weights)
    _check_possible(log_joint, heads, tosses, theta, weights)
    log_resp, _ = log_normalize(log_joint)  # Bayes' rule, by log-sum-exp
    return np.exp(log_resp)  # r_ic


def expected_counts(heads: object, tosses: object, resp: object) -> Counts:
    """Each row's heads and tails shared out among the coins by ``resp``.

    Summed over rows these are the expected numbers of heads and tails of
    each coin, the "filled-in data" the M-step treats as if observed.

    Parameters
    ----------
    heads, tosses
        The rows, as in :func:`row_log_likelihoods`.
    resp : array-like of shape (n_rows, k)
        Responsibilities, as from :func:`e_step`; each row sums to 1.

    Returns
    -------
    Counts
        ``heads`` and ``tails``, each of shape ``(n_rows, k)``.

    Raises
    ------
    TypeError
        If ``heads``, ``tosses`` or ``resp`` does not hold real numbers, or ``heads`` or
        ``tosses`` holds booleans.
    ValueError
        If the counts are bad, as in :func:`row_log_likelihoods`, or ``resp`` is not a finite,
        non-empty 2-d array with one row per row of ``heads``, entries from 0 to 1 and rows
        summing to 1.

    Examples
    --------
    Summed over the rows, the counts give the M-step's estimate, heads over tosses:

    >>> resp = [[0.5, 0.5], [1.0, 0.0]]
    >>> counts = expected_counts([5, 9], 10, resp)
    >>> counts.heads.sum(axis=0).tolist(), counts.tails.sum(axis=0).tolist()
    ([11.5, 2.5], [3.5, 2.5])
    >>> m_step([5, 9], 10, resp).round(4).tolist()
    [0.7667, 0.5]
    """
    heads, tosses = _check_counts(heads, tosses)
    resp = check_resp(resp, len(heads), data="heads", rows="n_rows")
    return Counts(resp * heads[:, None], resp * (tosses - heads)[:, None])


def m_step(heads: object, tosses: object, resp: object) -> np.ndarray:
    """The M-step: each coin's expected heads over its expected tosses.

    ``theta[c] = sum_i resp[i, c] * heads[i] / sum_i resp[i, c] * tosses[i]``,
    the maximum-likelihood estimate if row ``i`` were ``resp[i, c]`` of a row
    made with coin ``c``.  With responsibilities of 0 and 1 (the coins
    known) it is the complete-data estimate.

    Parameters
    ----------
    heads, tosses
        The rows, as in :func:`row_log_likelihoods`.
    resp : array-like of shape (n_rows, k)
        Responsibilities between 0 and 1, each row summing to 1, and no coin
        with a column of zeros (its ``theta`` would be 0 / 0).

    Returns
    -------
    theta : ndarray of shape (k,)
        The new probabilities of heads, between 0 and 1.

    Raises
    ------
    TypeError
        As :func:`expected_counts`.
    ValueError
        As :func:`expected_counts`; also if a column of ``resp`` is all 0 (that coin's
        ``theta`` would be 0 / 0).

    Examples
    --------
    With the coins known (rows 2, 3, 5 by coin A, rows 1, 4 by coin B):

    >>> heads = [5, 9, 8, 4, 7]
    >>> known = [[0, 1], [1, 0], [1, 0], [0, 1], [1, 0]]
    >>> m_step(heads, 10, known)
    array([0.8 , 0.45])
    """
    heads, tosses = _check_counts(heads, tosses)
    resp = check_resp(resp, len(heads), data="heads", rows="n_rows")
    check_every_column_used(resp, "coin", "row", "theta")
    expected_heads = heads @ resp  # sum_i r_ic h_i for every coin c
    expected_tosses = tosses @ resp  # sum_i r_ic m_i
    return expected_heads / expected_tosses  # theta_c


def log_likelihood(
    heads: object,
    tosses: object,
    theta: object,
    weights: object = None,
    *,
    binomial_coefficient: bool = False,
) -> float | np.ndarray:
    """The log-likelihood of the rows under a mixture of coins (natural log, summed over rows).

    Parameters
    ----------
    heads, tosses
        The rows, as in :func:`row_log_likelihoods`.
    theta : array-like of shape (k,) or (..., k)
        Each coin's probability of heads, from 0 to 1.  Give a
        stack of parameter vectors (shape ``(..., k)``) to evaluate many at
        once, for example a grid for a contour plot.
    weights : array-like of shape (k,), optional
        The mixing weights, non-negative and summing to 1; equal by default.
    binomial_coefficient : bool
        Add ``sum(log(comb(tosses, heads)))``, the log-likelihood of the
        counts rather than of the sequences; a constant that does not depend
        on ``theta``.

    Returns
    -------
    float, or ndarray of shape ``theta.shape[:-1]``
        ``-inf`` if some row is impossible under every coin.

    Raises
    ------
    TypeError
        If ``heads``, ``tosses``, ``theta`` or ``weights`` does not hold real numbers, ``heads``
        or ``tosses`` holds booleans, or ``binomial_coefficient`` is not True or False.
    ValueError
        If the counts are bad, as in :func:`row_log_likelihoods`; ``theta`` is not a finite,
        non-empty array of numbers from 0 to 1; or ``weights`` is not a finite 1-d array with
        one non-negative entry per coin (``theta.shape[-1]``) summing to 1.

    Examples
    --------
    >>> round(log_likelihood([5, 9, 8, 4, 7], 10, [0.6, 0.5]), 4)
    -33.0939
    """
    heads, tosses = _check_counts(heads, tosses)
    theta = _check_probabilities(theta, stacked=True)
    weights = _check_weights(weights, theta.shape[-1])
    log_joint, base = _log_joint(heads, tosses, theta, weights,
                                 check_bool(binomial_coefficient, "binomial_coefficient"))
    total = (logsumexp(log_joint, axis=-1) + base[..., 0]).sum(axis=-1)
    return float(total) if total.ndim == 0 else total


def expected_log_likelihood(
    heads: object,
    tosses: object,
    theta: object,
    resp: object,
    weights: object = None,
    *,
    binomial_coefficient: bool = False,
) -> float | np.ndarray:
    """The expected complete-data log-likelihood, for given responsibilities.

    ``sum_i sum_c resp[i, c] * log(weights[c] * p(row i | coin c))``: the
    log-likelihood the rows would have if row ``i`` were known to come from
    coin ``c``, averaged over the coins with the probabilities ``resp``.
    With the E-step's responsibilities at ``theta_t`` this is
    ``Q(theta | theta_t)`` (:func:`q_function`), the function the M-step
    maximises.

    Parameters
    ----------
    heads, tosses
        The rows, as in :func:`row_log_likelihoods`.
    theta : array-like of shape (k,) or (..., k)
        The coins' probabilities of heads; a stack evaluates many at once.
    resp : array-like of shape (n_rows, k)
        Responsibilities, each row summing to 1.
    weights : array-like of shape (k,), optional
        The mixing weights; equal by default.
    binomial_coefficient : bool
        As in :func:`log_likelihood`; adds a constant.

    Returns
    -------
    float, or ndarray of shape ``theta.shape[:-1]``
        ``-inf`` where a row with positive responsibility is impossible.

    Raises
    ------
    TypeError
        If ``heads``, ``tosses``, ``theta``, ``resp`` or ``weights`` does not hold real numbers,
        ``heads`` or ``tosses`` holds booleans, or ``binomial_coefficient`` is not True or False.
    ValueError
        As :func:`log_likelihood`; also if ``resp`` is not a finite, non-empty 2-d array with
        one row per row of ``heads`` and one column per coin, entries from 0 to 1 and rows
        summing to 1.

    Examples
    --------
    With the E-step's responsibilities at ``theta_t`` it is :func:`q_function`:

    >>> heads, theta_t = [5, 9, 8, 4, 7], [0.6, 0.5]
    >>> resp = e_step(heads, 10, theta_t)
    >>> round(expected_log_likelihood(heads, 10, [0.7, 0.4], resp), 4)
    -36.4108
    >>> round(q_function(heads, 10, [0.7, 0.4], theta_t), 4)
    -36.4108
    """
    heads, tosses = _check_counts(heads, tosses)
    theta = _check_probabilities(theta, stacked=True)
    resp = check_resp(resp, len(heads), data="heads", rows="n_rows")
    if resp.shape[1] != theta.shape[-1]:
        raise ValueError(
            f"resp must have one column per coin, {theta.shape[-1]}; got shape {resp.shape}"
        )
    weights = _check_weights(weights, theta.shape[-1])
    log_joint, base = _log_joint(heads, tosses, theta, weights,
                                 check_bool(binomial_coefficient, "binomial_coefficient"))
    total = weighted_logs(resp, log_joint + base).sum(axis=(-2, -1))
    return float(total) if total.ndim == 0 else total


def q_function(
    heads: object,
    tosses: object,
    theta: object,
    theta_t: object,
    weights: object = None,
    *,
    binomial_coefficient: bool = False,
) -> float | np.ndarray:
    """``Q(theta | theta_t)``: the expected complete-data log-likelihood under the E-step at ``theta_t``.

    ``Q(theta | theta_t) = E_{Z | X, theta_t}[log p(X, Z | theta)]``,
    where ``X`` is the rows and ``Z`` says which coin made each.  The M-step's ``theta`` is its
    maximum, and ``Q(theta | theta_t) + em.entropy(resp_t)`` is a lower bound
    on :func:`log_likelihood` that touches it at ``theta = theta_t``.

    Parameters
    ----------
    heads, tosses
        The rows, as in :func:`row_log_likelihoods`.
    theta : array-like of shape (k,) or (..., k)
        Where to evaluate ``Q``; a stack evaluates many at once.
    theta_t : array-like of shape (k,)
        The current parameters, which fix the responsibilities.
    weights : array-like of shape (k,), optional
        The mixing weights, the same for ``theta`` and ``theta_t``; equal by
        default.
    binomial_coefficient : bool
        As in :func:`log_likelihood`; adds a constant.

    Returns
    -------
    float or ndarray
        ``Q``; for a stack of ``theta`` of shape ``(..., k)``, an array of
        shape ``(...)``.

    Raises
    ------
    TypeError
        If ``heads``, ``tosses``, ``theta``, ``theta_t`` or ``weights`` does not hold real
        numbers, ``heads`` or ``tosses`` holds booleans, or ``binomial_coefficient`` is not True
        or False.
    ValueError
        As :func:`e_step` at ``theta_t`` (``theta_t`` must be a finite 1-d array of numbers
        from 0 to 1 under which every row is possible) and :func:`log_likelihood` at
        ``theta``; also if ``theta.shape[-1]`` differs from the length of ``theta_t``.

    Examples
    --------
    At ``theta_t`` itself, ``Q`` plus the entropy is the log-likelihood:

    >>> from emlib import em
    >>> heads, theta_t = [5, 9, 8, 4, 7], [0.6, 0.5]
    >>> q = q_function(heads, 10, theta_t, theta_t)
    >>> round(q + em.entropy(e_step(heads, 10, theta_t)), 4), round(log_likelihood(heads, 10, theta_t), 4)
    (-33.0939, -33.0939)
    """
    k = _check_probabilities(theta, stacked=True).shape[-1]
    theta_t = _check_probabilities(theta_t, "theta_t")
    if len(theta_t) != k:
        raise ValueError(f"theta_t must have one entry per coin of theta ({k}); got {len(theta_t)}")
    resp = e_step(heads, tosses, theta_t, weights)
    return expected_log_likelihood(heads, tosses, theta, resp, weights,
                                   binomial_coefficient=binomial_coefficient)


def fit(
    heads: object,
    tosses: object,
    theta0: object,
    *,
    weights0: object = None,
    estimate_weights: bool = False,
    max_iter: int = 1000,
    tol: float = 1e-8,
    callback: Callable[[int, em.EMStep[Params]], None] | None = None,
) -> em.EMResult[Params]:
    """Estimate each coin's probability of heads by EM, the coins being hidden.

    Parameters
    ----------
    heads, tosses
        The rows, as in :func:`row_log_likelihoods`.
    theta0 : array-like of shape (k,)
        The starting probabilities of heads, strictly between 0 and 1 (EM
        never moves a coin that starts at 0 or 1); their number, at least 2,
        sets the number of coins (two in the classic example).
    weights0 : array-like of shape (k,), optional
        The mixing weights: positive, summing to 1; equal by default.
    estimate_weights : bool
        ``False`` (default): keep ``weights0`` fixed, as in the classic
        example.  ``True``: estimate them too, each the average of its coin's
        responsibilities.
    max_iter : int
        The largest number of iterations.
    tol : float
        Stop once an iteration changes the log-likelihood by less than
        ``tol`` per row, that is, the total (natural log) by less than
        ``tol * n_rows``; scikit-learn's rule.  ``tol=0`` runs exactly
        ``max_iter`` iterations.  See :func:`emlib.em.run`.
    callback : callable, optional
        Called as ``callback(t, step)`` after each iteration.

    Returns
    -------
    em.EMResult
        ``params`` is a :class:`Params` (``theta``, ``weights``); ``history``
        holds the starting point and the parameters after each iteration
        with their log-likelihoods, which never fall.

    Raises
    ------
    TypeError
        If the counts, ``theta0`` or ``weights0`` are not real numbers (or the counts are
        booleans), ``estimate_weights`` is not True or False, ``max_iter`` is not
        an integer, ``tol`` is not a real number, or ``callback`` is not
        callable.
    ValueError
        If counts are not finite, negative, not whole, of different lengths, or have
        more heads than tosses (or fewer than 1 toss); ``theta0`` is not a 1-d array of at
        least 2 numbers strictly between 0 and 1; ``weights0`` does not have one
        positive entry per coin summing to 1; ``max_iter`` or ``tol`` is
        negative, or ``tol`` is not finite.

    Notes
    -----
    *A start with equal thetas.*  If every entry of ``theta0`` is the same,
    every coin explains every row equally well: the E-step returns the
    weights themselves as responsibilities, and the M-step gives every coin
    the pooled fraction of heads, ``sum(heads) / sum(tosses)``.  The next
    iteration changes nothing, so ``fit`` returns all thetas equal to that
    fraction with ``converged=True`` after two iterations (one if
    ``theta0`` was already there).  That point is stationary, but it is
    usually a saddle of the likelihood, not a maximum.  A start very close
    to equal (thetas 1e-5 apart, say) moves away from the saddle so slowly
    that the ``tol`` test can stop it there too, also with
    ``converged=True``: start with clearly different thetas, and from
    several starts.

    *The boundary.*  A result can reach 0 or 1 exactly: a coin credited
    only with rows of heads ends at ``theta = 1``, its maximum-likelihood
    estimate, and with ``estimate_weights=True`` a coin credited with no row
    ends with weight 0.  :func:`e_step` and :func:`log_likelihood` accept
    such values; only a start must lie inside.

    *Labels.*  Which coin is called "A" is up to the start: the likelihood
    does not change when the coins swap names, so a start with
    ``theta0[0] < theta0[1]`` usually ends at the mirror image of a start with
    ``theta0[0] > theta0[1]``.

    Examples
    --------
    The two-coin example: ten iterations from (0.6, 0.5).

    >>> result = fit([5, 9, 8, 4, 7], 10, [0.6, 0.5], max_iter=10, tol=0)
    >>> result.params.theta.round(2), result.n_iter
    (array([0.8 , 0.52]), 10)
    """
    heads, tosses = _check_counts(heads, tosses)
    theta0 = _check_probabilities(theta0, "theta0", start=True)
    if len(theta0) < 2:
        raise ValueError(f"theta0 must have one entry per coin, at least 2 for a mixture; got {len(theta0)}")
    tol = check_float(tol, "tol", minimum=0.0)
    weights0 = _check_weights(weights0, len(theta0), "weights0", start=True)
    start = Params(read_only(theta0.copy()), read_only(weights0.copy()))
    estimate_weights = check_bool(estimate_weights, "estimate_weights")
    log_n_rows = np.log(len(heads))

    def maximisation(log_resp: np.ndarray, params: Params) -> Params:
        theta = _m_step_log(heads, tosses, log_resp, params.theta)
        weights = np.exp(logsumexp(log_resp, axis=0) - log_n_rows) if estimate_weights else params.weights
        return Params(read_only(theta), read_only(weights))

    return em.run(start, functools.partial(_log_resp, heads, tosses), maximisation, max_iter=max_iter, tol=tol,
                  n_rows=len(heads), callback=callback)
