"""The EM loop, written once for every model.

Expectation–Maximization alternates two steps from a starting guess of the
parameters:

* the **E-step** computes what the current parameters say about the hidden
  variables (for a mixture: each row's responsibilities, the probability
  that each component made it), and, as a by-product, the log-likelihood of
  the data under those parameters;
* the **M-step** re-estimates the parameters from those expectations.

A model supplies the two steps as functions and :func:`run` does the rest:
it iterates, records the parameters and the log-likelihood after every
iteration, stops on ``tol`` or ``max_iter``, and returns an
:class:`EMResult`.  ``emlib.coins`` and the other model modules build their
``fit`` on it.

The stopping rule
-----------------
After iteration ``t`` the loop knows the log-likelihood of the new
parameters, ``ℓ_t``, and of the previous ones, ``ℓ_{t-1}``.  It stops, with
``converged=True``, as soon as ``abs(ℓ_t - ℓ_{t-1}) < tol * n_rows``, for
whatever log-likelihood the model's E-step reports.  EM never lowers the
log-likelihood, so the change is a gain; the absolute value only matters for
rounding noise near convergence.  With ``tol=0`` the test can never pass, so
exactly ``max_iter`` iterations run.  The models' ``fit`` functions take
``tol`` per row (per sample), as scikit-learn does, and pass the number of
rows as ``n_rows``, so that the same ``tol`` suits small and large data.

A run that reaches ``max_iter`` with ``tol > 0`` before the rule is met
warns (:class:`ConvergenceWarning`), naming the iteration count and the last
change: its answer is not yet the maximum it was heading for.

``converged`` says only that the log-likelihood stopped changing.  EM can
also stop like that next to a saddle point, where its steps are tiny, so a
converged run is not always at a maximum.
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import numpy as np

from ._math import weighted_logs
from ._validation import check_float, check_int, check_resp

__all__ = ["EMStep", "EMResult", "ConvergenceWarning", "run", "entropy"]

P = TypeVar("P")  # a model's parameters
E = TypeVar("E")  # what its E-step hands to its M-step


class ConvergenceWarning(UserWarning):
    """EM stopped at ``max_iter`` while the log-likelihood still changed by ``tol * n_rows`` or more.

    The models' ``fit`` functions take ``tol`` per row of data, so a fit
    converges when the log-likelihood per row settles to within ``tol``.

    Examples
    --------
    Two iterations are too few for the default ``tol``:

    >>> import warnings
    >>> from emlib import coins
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     result = coins.fit([5, 9, 8, 4, 7], 10, [0.6, 0.5], max_iter=2)
    >>> result.converged, caught[0].category.__name__
    (False, 'ConvergenceWarning')
    """


@dataclass(frozen=True, eq=False)
class EMStep(Generic[P]):
    """The parameters after one iteration, with their log-likelihood.

    Attributes
    ----------
    params : object
        The model's parameters (for example a ``coins.Params``).
    log_likelihood : float
        The log-likelihood of the data under ``params``, as the model's
        E-step computed it.

    Examples
    --------
    The two-coin example after its first iteration:

    >>> from emlib import coins
    >>> step = coins.fit([5, 9, 8, 4, 7], 10, [0.6, 0.5], max_iter=2, tol=0).history[1]
    >>> step.params.theta.round(3).tolist(), round(step.log_likelihood, 4)
    ([0.713, 0.581], -31.8593)
    """

    params: P
    log_likelihood: float


@dataclass(frozen=True, eq=False)
class EMResult(Generic[P]):
    """What an EM fit returns.

    Attributes
    ----------
    params : object
        The final parameters, ``history[-1].params``.
    log_likelihood : float
        Their log-likelihood, ``history[-1].log_likelihood``.
    history : tuple of EMStep
        ``history[0]`` holds the starting parameters, ``history[t]`` those
        after ``t`` iterations; ``len(history) == n_iter + 1``.
    n_iter : int
        The number of iterations (M-steps) performed.
    converged : bool
        Whether the stopping rule (see :func:`run`) was met before
        ``max_iter`` iterations.

    Examples
    --------
    Three iterations of the two-coin example; the log-likelihood never falls:

    >>> from emlib import coins
    >>> result = coins.fit([5, 9, 8, 4, 7], 10, [0.6, 0.5], max_iter=3, tol=0)
    >>> result.n_iter, result.converged, len(result.history)
    (3, False, 4)
    >>> result.log_likelihoods.round(3).tolist()
    [-33.094, -31.859, -31.723, -31.628]
    >>> result.params.theta.round(3).tolist(), round(result.log_likelihood, 4)
    ([0.768, 0.55], -31.6278)
    """

    params: P
    log_likelihood: float
    history: tuple[EMStep[P], ...]
    n_iter: int
    converged: bool

    @property
    def log_likelihoods(self) -> np.ndarray:
        """The log-likelihood at the start and after each iteration, shape ``(n_iter + 1,)``."""
        return np.array([step.log_likelihood for step in self.history])

    @property
    def distances_to_final(self) -> np.ndarray:
        """How far the parameters at the start and after each iteration are from the final ones.

        The Euclidean distance, with every entry of the parameters (each
        part of a ``Params`` tuple, flattened) as one vector; shape
        ``(n_iter + 1,)``, ending in 0.  On a log scale against the
        iteration it shows EM's linear rate of convergence.
        """
        path = np.array([_flattened(step.params) for step in self.history])
        return np.linalg.norm(path - path[-1], axis=1)


def _flattened(params: Any) -> np.ndarray:
    """All the numbers of a model's parameters (a number, an array, or a tuple of them) in one vector."""
    parts = params if isinstance(params, tuple) else (params,)
    return np.concatenate([np.ravel(np.asarray(part, dtype=float)) for part in parts])


def _checked_log_likelihood(value: Any, iteration: int) -> float:
    """The E-step's log-likelihood as a float; a NaN or an infinity is an error, not a result."""
    if isinstance(value, (bool, np.bool_)) or not (
        isinstance(value, numbers.Real) or (np.ndim(value) == 0 and np.asarray(value).dtype.kind in "iuf")
    ):
        raise TypeError(
            "e_step must return (expectations, log_likelihood) with a real log_likelihood; "
            f"got {type(value).__name__}"
        )
    value = float(value)
    if not math.isfinite(value):
        where = "the starting parameters" if iteration == 0 else f"the parameters after iteration {iteration}"
        reason = {
            -math.inf: "the data are impossible under them",
            math.inf: "the likelihood is unbounded there (a degenerate fit)",
        }.get(value, "the E-step failed to compute it")
        raise ValueError(f"the log-likelihood of {where} is {value}: {reason}")
    return value


def _call_e_step(e_step: Callable, params: Any, iteration: int) -> tuple[Any, float]:
    returned = e_step(params)
    if not (isinstance(returned, tuple) and len(returned) == 2):
        raise TypeError(
            "e_step must return a pair (expectations, log_likelihood); "
            f"got {type(returned).__name__}"
        )
    expectations, log_likelihood = returned
    return expectations, _checked_log_likelihood(log_likelihood, iteration)


def run(
    params0: P,
    e_step: Callable[[P], tuple[E, float]],
    m_step: Callable[[E, P], P],
    *,
    max_iter: int = 1000,
    tol: float = 1e-8,
    n_rows: float = 1,
    callback: Callable[[int, EMStep[P]], None] | None = None,
) -> EMResult[P]:
    """Run EM from ``params0`` until the log-likelihood stops changing.

    Parameters
    ----------
    params0 : object
        The starting parameters, in whatever form the model uses.
    e_step : callable
        ``e_step(params) -> (expectations, log_likelihood)``: the E-step,
        and the log-likelihood of the data under ``params``.
    m_step : callable
        ``m_step(expectations, params) -> new_params``: the M-step.  It also
        receives the current parameters, for the parts it keeps fixed.
    max_iter : int
        The largest number of iterations, at least 0.  With 0 the result holds
        just the starting point and its log-likelihood.
    tol : float
        Stop after the first iteration ``t`` with
        ``abs(ℓ_t - ℓ_{t-1}) < tol * n_rows``, where ``ℓ_t`` is the
        log-likelihood ``e_step`` reports for the parameters after ``t``
        iterations.  At least 0; ``tol=0`` runs exactly ``max_iter``
        iterations.
    n_rows : float, default 1
        The number of rows (samples) of the data, or their total weight,
        when ``tol`` is meant per row, as in the models' ``fit`` functions;
        positive.
    callback : callable, optional
        ``callback(t, step)`` is called after each iteration ``t = 1, 2, …``
        with the :class:`EMStep` just recorded.

    Returns
    -------
    EMResult
        The final parameters and log-likelihood, the ``history`` (starting
        point first), ``n_iter`` and ``converged``.

    Raises
    ------
    TypeError
        If ``e_step``, ``m_step`` or ``callback`` is not callable,
        ``e_step`` does not return a pair with a real log-likelihood, ``max_iter`` is not an
        integer, or ``tol`` or ``n_rows`` is not a real number.
    ValueError
        If ``max_iter`` or ``tol`` is negative, ``tol`` or ``n_rows`` is not finite, ``n_rows``
        is not positive, or a log-likelihood is NaN or infinite.

    Warns
    -----
    ConvergenceWarning
        If ``tol > 0`` and the run stops at ``max_iter`` iterations without
        meeting the stopping rule.  The message names the iteration count
        and the last change.  With ``tol=0`` stopping at ``max_iter`` is the
        request, and nothing is said.

    Notes
    -----
    Each iteration is one M-step followed by one E-step; that E-step gives
    both the log-likelihood of the new parameters (for the stopping rule) and
    the expectations for the next M-step, so no E-step is computed twice.

    Examples
    --------
    The smallest EM there is: a one-coin "mixture" reaches the fraction of
    heads in one step and stays there.

    >>> import math
    >>> heads, tosses = 7, 10
    >>> def e_step(theta):
    ...     return None, heads * math.log(theta) + (tosses - heads) * math.log(1 - theta)
    >>> def m_step(_, theta):
    ...     return heads / tosses
    >>> result = run(0.5, e_step, m_step)
    >>> result.params, result.n_iter, result.converged
    (0.7, 2, True)
    """
    for name, function in (("e_step", e_step), ("m_step", m_step)):
        if not callable(function):
            raise TypeError(f"{name} must be a function; got {type(function).__name__}")
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be a function or None; got {type(callback).__name__}")
    max_iter = check_int(max_iter, "max_iter", minimum=0)
    tol = check_float(tol, "tol", minimum=0.0)
    n_rows = check_float(n_rows, "n_rows")
    if n_rows <= 0:
        raise ValueError(f"n_rows must be positive; got {n_rows}")

    expectations, log_likelihood = _call_e_step(e_step, params0, 0)
    history = [EMStep(params0, log_likelihood)]
    params, converged = params0, False
    for iteration in range(1, max_iter + 1):
        params = m_step(expectations, params)
        expectations, new_log_likelihood = _call_e_step(e_step, params, iteration)
        history.append(EMStep(params, new_log_likelihood))
        if callback is not None:
            callback(iteration, history[-1])
        change = abs(new_log_likelihood - log_likelihood)
        converged = change < tol * n_rows
        log_likelihood = new_log_likelihood
        if converged:
            break
    if tol > 0 and max_iter > 0 and not converged:
        _warn_not_converged(max_iter, change, tol, n_rows)
    return EMResult(
        params=params,
        log_likelihood=log_likelihood,
        history=tuple(history),
        n_iter=len(history) - 1,
        converged=converged,
    )


def _warn_not_converged(max_iter: int, change: float, tol: float, n_rows: float) -> None:
    per_row = " per row" if n_rows != 1 else ""
    warnings.warn(
        f"EM stopped at max_iter = {max_iter} iterations without converging: in the last "
        f"iteration the log-likelihood changed by {change / n_rows:.3g}{per_row}, not less than "
        f"tol = {tol:.3g}; raise max_iter or tol",
        ConvergenceWarning,
        stacklevel=3,
    )


def entropy(resp: object) -> float:
    """The entropy of the responsibilities, ``-sum_i sum_j resp[i, j] log resp[i, j]`` (natural log).

    With ``resp`` the E-step's responsibilities at ``theta_t``, the
    log-likelihood splits as ``log_likelihood(theta_t) = Q(theta_t | theta_t)
    + entropy(resp)``, and ``Q(theta | theta_t) + entropy(resp)`` is a lower
    bound on ``log_likelihood(theta)`` for every ``theta``, touching it at
    ``theta_t``: the bound EM climbs (see the models' ``q_function``).

    Parameters
    ----------
    resp : array-like of shape (n_rows, k)
        Probabilities, each row summing to 1.  ``0 log 0`` counts as 0.

    Returns
    -------
    float
        At least 0, at most ``n_rows * log(k)``.

    Raises
    ------
    TypeError
        If ``resp`` does not hold real numbers.
    ValueError
        If ``resp`` is not a finite, non-empty 2-d array, holds entries outside ``[0, 1]``, or
        has a row that does not sum to 1.

    Examples
    --------
    >>> round(entropy([[0.5, 0.5], [1.0, 0.0]]), 6)  # log 2 for the split row, 0 for the sure one
    0.693147
    """
    resp = check_resp(resp)
    with np.errstate(divide="ignore"):  # log 0 = -inf, weighted by 0
        logs = np.log(resp)
    return 0.0 - float(weighted_logs(resp, logs).sum())  # 0.0 - 0.0 is 0.0, where -0.0 would print as "-0.0"
