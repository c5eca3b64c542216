"""Hidden Markov models: when a Markov chain picks the coin.

A hidden Markov model with ``k`` states draws a sequence ``x_1, ..., x_T``:
the first hidden state ``z_1`` from the start probabilities
(``start[j] = P(z_1 = j)``), each next state from the row of the current
one in the transition matrix (``transitions[j, l] = P(z_{t+1} = l | z_t =
j)``), and each ``x_t`` from its state's emission distribution: a
categorical one over symbols ``0 .. m-1`` (coins, dice, DNA;
``Categorical``) or a Normal one (``Gaussian``).  The states are hidden.
EM for this model is *Baum–Welch*:

* the **E-step** (:func:`e_step`) runs the forward recursion
  (:func:`forward`: ``alpha_t(l) = p(x_1..x_t, z_t = l)``) and the backward
  one (:func:`backward`: ``beta_t(j) = p(x_{t+1}..x_T | z_t = j)``), and
  returns each step's state posteriors, ``resp[t, j] = P(z_t = j | x)``
  (the responsibilities), and the expected number of transitions from each
  state to each, ``sum_t P(z_t = j, z_{t+1} = l | x)``, with the
  log-likelihood;
* the **M-step** (:func:`m_step`) sets the start probabilities to the
  first steps' posteriors, each transition row to its expected counts over
  their total, and each state's emissions as a mixture's M-step would, each
  step weighted by its posterior.

:func:`fit` alternates them with :func:`emlib.em.run`; :func:`viterbi`
finds the most likely path of states, :func:`sample` draws sequences.
Several sequences go one after the other in ``X``, with ``lengths`` giving
how many rows each has, as hmmlearn takes them.

The recursions are sums over ``k^T`` paths done in ``T k^2`` steps, and
they are run with logarithms: a probability of a sequence of 10 000 steps is
far below the smallest float64, its logarithm an ordinary number.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from . import _gmm_params, em, gmm
from ._engine import gmm as _engine_gmm
from ._engine import hmm as _engine_hmm
from ._math import log_normalize, logsumexp
from ._validation import check_array, check_float, check_int, check_option, check_rng, read_only

__all__ = ["EMISSIONS", "Categorical", "Gaussian", "Params", "Expectations", "forward", "backward",
           "e_step", "m_step", "log_likelihood", "viterbi", "fit", "sample"]

#: The emission families: the values of ``fit``'s ``emissions``.
EMISSIONS = ("categorical", "gaussian")


class Categorical(NamedTuple):
    """Categorical emissions: ``probabilities[j, s]``, the probability that state ``j`` shows symbol ``s``.

    Examples
    --------
    A fair and a loaded die:

    >>> loaded = Categorical([[1 / 6] * 6, [0.1] * 5 + [0.5]])
    >>> np.asarray(loaded.probabilities).shape
    (2, 6)
    """

    probabilities: np.ndarray  # (k, m), each row summing to 1


class Gaussian(NamedTuple):
    """Normal emissions: state ``j`` shows ``x ~ N(means[j], covariances[j])``.

    ``covariances`` is ``(k, d, d)`` (full), ``(k, d)`` (diagonal) or
    ``(k,)`` (spherical), as in :mod:`emlib.gmm`.

    Examples
    --------
    >>> Gaussian([[0.0], [3.0]], [[1.0], [0.5]]).means
    [[0.0], [3.0]]
    """

    means: np.ndarray
    covariances: np.ndarray


class Params(NamedTuple):
    """The parameters of a hidden Markov model with ``k`` states.

    Attributes
    ----------
    start : ndarray of shape (k,)
        ``P(z_1 = j)``, summing to 1.
    transitions : ndarray of shape (k, k)
        ``P(z_{t+1} = l | z_t = j)`` in row ``j``, column ``l``; each row sums to 1.
    emissions : Categorical or Gaussian
        What each state shows.

    Examples
    --------
    The occasionally dishonest casino: a fair die, and a loaded one that
    shows 6 half of the time; the casino switches rarely.

    >>> casino = Params([0.5, 0.5], [[0.95, 0.05], [0.1, 0.9]],
    ...                 Categorical([[1 / 6] * 6, [0.1] * 5 + [0.5]]))
    >>> round(log_likelihood([[5], [5], [5]], casino), 4)
    -2.8708
    """

    start: np.ndarray
    transitions: np.ndarray
    emissions: Categorical | Gaussian


class Expectations(NamedTuple):
    """What the E-step gives the M-step.

    Attributes
    ----------
    resp : ndarray of shape (n_steps, k)
        ``P(z_t = j | x)`` for every step of every sequence; each row sums to 1.
    transition_counts : ndarray of shape (k, k)
        ``sum_t P(z_t = j, z_{t+1} = l | x)``: the expected number of
        transitions from ``j`` to ``l``, over every sequence.
    start_counts : ndarray of shape (k,)
        The sum over the sequences of their first step's posteriors.

    Examples
    --------
    Three steps: each step's posteriors sum to 1, and the expected
    transitions to the two the sequence makes.

    >>> params = Params([0.5, 0.5], [[0.9, 0.1], [0.1, 0.9]], Categorical([[0.5, 0.5], [0.1, 0.9]]))
    >>> expectations, _ = e_step([[0], [1], [1]], params)
    >>> expectations.resp.sum(axis=1).round(12).tolist(), round(float(expectations.transition_counts.sum()), 12)
    ([1.0, 1.0, 1.0], 2.0)
    """

    resp: np.ndarray
    transition_counts: np.ndarray
    start_counts: np.ndarray


# --------------------------------------------------------------------------
# Checking input
# --------------------------------------------------------------------------


def _check_probabilities(value: object, name: str, shape_hint: str, ndim: int) -> np.ndarray:
    """Probabilities along the last axis: non-negative, finite, summing to 1."""
    array = check_array(value, name, ndim=ndim, shape_hint=shape_hint, reshape_advice=False)
    if np.any(array < 0):
        raise ValueError(f"{name} must not be negative; got {array.min():.3g}")
    sums = array.sum(axis=-1)
    if np.any(np.abs(sums - 1) > 1e-8):
        where = "every row" if ndim == 2 else "the entries"
        raise ValueError(f"{name} must sum to 1 along {where}; got sums {np.round(sums, 6).tolist()}")
    return array / sums[..., None]


def _check_params(params: object, name: str = "params") -> Params:
    """``params`` as a :class:`Params` of float64 arrays, or say what is wrong with it."""
    if not (isinstance(params, tuple) and len(params) == 3):
        raise TypeError(f"{name} must be an hmm.Params(start, transitions, emissions); got {type(params).__name__}")
    start = _check_probabilities(params[0], f"{name}.start", "(k,)", 1)
    k = len(start)
    transitions = _check_probabilities(params[1], f"{name}.transitions", "(k, k)", 2)
    if transitions.shape != (k, k):
        raise ValueError(f"{name}.transitions must have shape (k, k) = ({k}, {k}), one row and column per state "
                         f"of {name}.start; got {transitions.shape}")
    emissions = params[2]
    if isinstance(emissions, Categorical):
        probabilities = _check_probabilities(emissions.probabilities, f"{name}.emissions.probabilities",
                                             "(k, n_symbols)", 2)
        if len(probabilities) != k:
            raise ValueError(f"{name}.emissions.probabilities must have one row per state, k = {k}; "
                             f"got shape {probabilities.shape}")
        emissions = Categorical(probabilities)
    elif isinstance(emissions, Gaussian):
        mixture = _as_mixture(start, emissions, f"{name}.emissions")
        emissions = Gaussian(mixture.means, mixture.covariances)
    else:
        raise TypeError(f"{name}.emissions must be an hmm.Categorical or an hmm.Gaussian; "
                        f"got {type(emissions).__name__}")
    return Params(start, transitions, emissions)


def _as_mixture(start: np.ndarray, emissions: Gaussian, name: str) -> gmm.Params:
    """The states' Normals as a checked ``gmm.Params`` (its weights, the start, are not used)."""
    covariances = np.asarray(emissions.covariances)
    kind = {3: "full", 2: "diag", 1: "spherical"}.get(covariances.ndim, "full")
    try:
        return gmm._check_params(gmm.Params(start, emissions.means, emissions.covariances, kind), name=name)
    except ValueError as error:  # the mixture's words for a state's Normal
        raise ValueError(str(error).replace("component", "state")) from None


def _check_X(X: object, params: Params) -> np.ndarray:
    """``X`` as the emissions take it: symbols ``(n, 1)`` in the alphabet, or points ``(n, d)``."""
    if isinstance(params.emissions, Categorical):
        X = check_array(X, "X", ndim=2, shape_hint="(n_steps, 1)")
        n_symbols = params.emissions.probabilities.shape[1]
        if X.shape[1] != 1:
            raise ValueError(f"X must have one column of symbols, shape (n_steps, 1); got shape {X.shape}")
        if np.any(X != np.round(X)) or X.min() < 0 or X.max() >= n_symbols:
            bad = X[(X != np.round(X)) | (X < 0) | (X >= n_symbols)][0]
            raise ValueError(f"X must hold symbols 0 .. {n_symbols - 1}, the columns of "
                             f"params.emissions.probabilities; got {bad:g}")
        return X.astype(np.intp)
    X = check_array(X, "X", ndim=2, shape_hint="(n_steps, n_features)")
    if X.shape[1] != params.emissions.means.shape[1]:
        raise ValueError(f"X must have n_features = {params.emissions.means.shape[1]} columns, like "
                         f"params.emissions.means; got shape {X.shape}")
    return X


def _check_lengths(lengths: object, n_steps: int) -> np.ndarray:
    """Where each sequence starts in ``X``: ``lengths`` (positive, adding up to ``n_steps``) as offsets."""
    if lengths is None:
        return np.array([0, n_steps])
    lengths = check_array(lengths, "lengths", ndim=1, shape_hint="(n_sequences,)")
    if np.any(lengths != np.round(lengths)) or np.any(lengths < 1):
        raise ValueError(f"lengths must be whole numbers of at least 1; got {lengths.tolist()}")
    if lengths.sum() != n_steps:
        raise ValueError(f"lengths must add up to the number of rows of X, {n_steps}; "
                         f"they add up to {lengths.sum():g}")
    return np.concatenate([[0], np.cumsum(lengths.astype(np.intp))])


def _log(array: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore"):  # log 0 = -inf: that transition or symbol never happens
        return np.log(array)


# --------------------------------------------------------------------------
# The forward and backward recursions, and the E-step
# --------------------------------------------------------------------------


def _log_emissions(X: np.ndarray, params: Params) -> np.ndarray:
    """``log p(x_t | z_t = j)`` for every step and state, ``(n_steps, k)``."""
    if isinstance(params.emissions, Categorical):
        return _log(params.emissions.probabilities).T[X[:, 0]]
    return gmm._log_gaussians(X, _as_mixture(params.start, params.emissions, "params.emissions"))


def _forward(log_b: np.ndarray, log_start: np.ndarray,
             log_A: np.ndarray) -> np.ndarray:
    """``log alpha_t(l)`` for one sequence, ``(T, k)``: the recursion over time."""
    log_alpha = np.empty_like(log_b)
    log_alpha[0] = log_start + log_b[0]
    for t in range(1, len(log_b)):
        # alpha_t(l) = sum_j alpha_{t-1}(j) A[j, l] times p(x_t | l), in logs
        into_l = logsumexp(log_alpha[t - 1][:, None] + log_A, axis=0)
        log_alpha[t] = into_l + log_b[t]
    return log_alpha


def _backward(log_b: np.ndarray, log_A: np.ndarray) -> np.ndarray:
    """``log beta_t(j)`` for one sequence, ``(T, k)``: the recursion backwards in time."""
    log_beta = np.zeros_like(log_b)  # beta_T = 1
    for t in range(len(log_b) - 2, -1, -1):
        # beta_t(j) = sum_l A[j, l] p(x_{t+1} | l) beta_{t+1}(l), in logs
        ahead = log_b[t + 1] + log_beta[t + 1]
        log_beta[t] = logsumexp(log_A + ahead, axis=1)
    return log_beta


def _sequences(offsets: np.ndarray) -> list[slice]:
    return [slice(start, end) for start, end in zip(offsets[:-1], offsets[1:])]


class _Logs(NamedTuple):
    """Checked ``params`` in logs, for the recursions: emissions ``(n_steps, k)``, start, transitions."""

    params: Params
    log_b: np.ndarray
    log_start: np.ndarray
    log_A: np.ndarray
    sequences: list[slice]  # the rows of each sequence


def _logs(X: object, params: object, lengths: object) -> _Logs:
    params = _check_params(params)
    X = _check_X(X, params)
    sequences = _sequences(_check_lengths(lengths, len(X)))
    return _Logs(params, _log_emissions(X, params), _log(params.start), _log(params.transitions), sequences)


def _check_finite(log_likelihood: float) -> float:
    if not np.isfinite(log_likelihood):
        raise ValueError("X is impossible under params (its log-likelihood is -inf): a symbol no state "
                         "shows, a step no transition allows, or a point too far from every state")
    return float(log_likelihood)


def forward(X: object, params: Params, *, lengths: object = None) -> tuple[np.ndarray, float]:
    """The forward recursion: ``log alpha_t(l) = log p(x_1..x_t, z_t = l)`` for every step, and the log-likelihood.

    Parameters
    ----------
    X : array-like of shape (n_steps, 1) or (n_steps, n_features)
        The sequences one after the other: symbols ``0 .. m-1`` for
        :class:`Categorical` emissions, points for :class:`Gaussian` ones.
    params : Params
        The model.
    lengths : array-like of int, optional
        The number of steps of each sequence; by default one sequence.

    Returns
    -------
    log_alpha : ndarray of shape (n_steps, k)
        Each sequence's forward variables, in its rows of ``X``.
    log_likelihood : float
        ``sum over sequences of log sum_l alpha_T(l)``.

    Raises
    ------
    TypeError
        If ``X`` or ``lengths`` does not hold real numbers, or ``params`` is not a :class:`Params`
        of arrays of real numbers with :class:`Categorical` or :class:`Gaussian` emissions.
    ValueError
        If ``params`` is malformed (probabilities negative or not summing to 1, shapes that do
        not match, a covariance not positive definite), ``X`` is not a finite, non-empty 2-d
        array of symbols of the alphabet or points of the emissions' dimension, ``lengths``
        are not positive whole numbers adding up to the rows of ``X``, or ``X`` is impossible
        under ``params``.

    Examples
    --------
    One step: the start weighs each state's chance of the symbol.

    >>> params = Params([0.5, 0.5], [[0.9, 0.1], [0.1, 0.9]], Categorical([[0.5, 0.5], [0.1, 0.9]]))
    >>> log_alpha, log_likelihood = forward([[1]], params)
    >>> np.exp(log_alpha).round(3).tolist(), round(float(np.exp(log_likelihood)), 3)
    ([[0.25, 0.45]], 0.7)
    """
    params, log_b, log_start, log_A, sequences = _logs(X, params, lengths)
    log_alpha = np.empty_like(log_b)
    total = 0.0
    for rows in sequences:
        log_alpha[rows] = _forward(log_b[rows], log_start, log_A)
        total += logsumexp(log_alpha[rows][-1], axis=0)
    return log_alpha, _check_finite(total)


def backward(X: object, params: Params, *, lengths: object = None) -> np.ndarray:
    """The backward recursion: ``log beta_t(j) = log p(x_{t+1}..x_T | z_t = j)`` for every step, ``(n_steps, k)``.

    Arguments and errors as in :func:`forward`; the last step of each
    sequence has ``beta = 1``.

    Raises
    ------
    TypeError
        As :func:`forward`.
    ValueError
        As :func:`forward`.

    Examples
    --------
    >>> params = Params([0.5, 0.5], [[0.9, 0.1], [0.1, 0.9]], Categorical([[0.5, 0.5], [0.1, 0.9]]))
    >>> np.exp(backward([[0], [1]], params)).round(3).tolist()
    [[0.54, 0.86], [1.0, 1.0]]
    """
    _, log_b, _, log_A, sequences = _logs(X, params, lengths)
    log_beta = np.empty_like(log_b)
    for rows in sequences:
        log_beta[rows] = _backward(log_b[rows], log_A)
    return log_beta


def e_step(X: object, params: Params, *,
           lengths: object = None) -> tuple[Expectations, float]:
    """The E-step (forward–backward): each step's state posteriors, the expected transitions, the log-likelihood.

    ``resp[t, j] = alpha_t(j) beta_t(j) / p(x)``, and the expected count of
    transitions from ``j`` to ``l`` is ``sum_t alpha_t(j) A[j, l] p(x_{t+1}
    | l) beta_{t+1}(l) / p(x)``, summed within each sequence.

    Arguments and errors as in :func:`forward`.

    Returns
    -------
    expectations : Expectations
    log_likelihood : float

    Raises
    ------
    TypeError
        As :func:`forward`.
    ValueError
        As :func:`forward`.

    Examples
    --------
    >>> params = Params([0.5, 0.5], [[0.9, 0.1], [0.1, 0.9]], Categorical([[0.5, 0.5], [0.1, 0.9]]))
    >>> expectations, _ = e_step([[0], [1]], params)
    >>> expectations.resp.round(3).tolist(), float(expectations.transition_counts.sum())
    ([[0.758, 0.242], [0.646, 0.354]], 1.0)
    """
    params, log_b, log_start, log_A, sequences = _logs(X, params, lengths)
    k = len(params.start)
    resp = np.empty_like(log_b)
    transition_counts, start_counts = np.zeros((k, k)), np.zeros(k)
    total = 0.0
    for rows in sequences:
        resp[rows], counts, log_p = _posteriors(log_b[rows], log_start,
                                                log_A)
        transition_counts += counts
        start_counts += resp[rows][0]
        total += log_p
    return Expectations(resp, transition_counts, start_counts), total


def _posteriors(log_b: np.ndarray, log_start: np.ndarray, log_A: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray, float]:
    """One sequence's state posteriors, expected transitions and log-likelihood, from its forward and backward."""
    log_alpha = _forward(log_b, log_start, log_A)
    log_beta = _backward(log_b, log_A)
    # log p(x) of this sequence
    log_p = _check_finite(logsumexp(log_alpha[-1], axis=0))
    # alpha_t(j) beta_t(j) / p(x), each step normalised in logs (sum: p(x))
    resp = np.exp(log_normalize(log_alpha + log_beta)[0])
    # P(z_t = j, z_{t+1} = l | x) for every step t, (T - 1, k, k)
    ahead = log_b[1:] + log_beta[1:]  # p(x_{t+1} | l) beta_{t+1}(l)
    log_pairs = (log_alpha[:-1, :, None] + log_A + ahead[:, None, :]
                 - log_p)
    return resp, np.exp(log_pairs).sum(axis=0), log_p


def log_likelihood(X: object, params: Params, *, lengths: object = None) -> float:
    """The log-likelihood of the sequences, ``sum log p(x_1..x_T)`` (natural log), by :func:`forward`.

    Raises
    ------
    TypeError
        As :func:`forward`.
    ValueError
        As :func:`forward`.

    Examples
    --------
    Three sixes from the occasionally dishonest casino:

    >>> casino = Params([0.5, 0.5], [[0.95, 0.05], [0.1, 0.9]],
    ...                 Categorical([[1 / 6] * 6, [0.1] * 5 + [0.5]]))
    >>> round(log_likelihood([[5], [5], [5]], casino), 4)
    -2.8708
    """
    return forward(X, params, lengths=lengths)[1]


# --------------------------------------------------------------------------
# The M-step
# --------------------------------------------------------------------------


def m_step(X: object, expectations: Expectations, params_t: Params, *,
           reg_covar: float = 0.0) -> Params:
    """The M-step (Baum–Welch): the parameters that maximise the expected complete-data log-likelihood.

    * ``start`` is the first steps' posteriors, averaged over the sequences;
    * each row of ``transitions`` is its expected transition counts over their total;
    * the emissions are each state's, with every step weighted by its posterior
      ``resp[t, j]``: the share of its weight on each symbol (categorical), or
      the weighted mean and covariance (Gaussian, the M-step of
      :func:`emlib.gmm.m_step`, plus ``reg_covar`` on the diagonal).

    Parameters
    ----------
    X : array-like
        The sequences, as in :func:`forward`.
    expectations : Expectations
        What :func:`e_step` returned for ``X``.
    params_t : Params
        The parameters of the E-step: they give the emissions' family, the
        alphabet and the covariance type.
    reg_covar : float, default 0
        Added to the diagonal of each Gaussian covariance; at least 0.

    Returns
    -------
    Params

    Raises
    ------
    TypeError
        As :func:`forward`; or if ``expectations`` is not an :class:`Expectations`.
    ValueError
        As :func:`forward`; if ``expectations`` do not match ``X`` and ``params_t`` (shapes,
        finite non-negative values, posteriors summing to 1 on each step); if a state has no
        expected transitions out of it (a row of ``transitions`` would be 0 / 0), or no weight
        at all; or if a Gaussian covariance comes out singular (raise ``reg_covar``).

    Examples
    --------
    Known states (posteriors 0 or 1): the counts are the transitions seen.

    >>> params_t = Params([0.5, 0.5], [[0.5, 0.5], [0.5, 0.5]], Categorical([[0.5, 0.5], [0.5, 0.5]]))
    >>> seen = Expectations(np.eye(2)[[0, 0, 1, 1]], np.array([[1.0, 1.0], [0.0, 1.0]]), np.array([1.0, 0.0]))
    >>> new = m_step([[0], [0], [1], [1]], seen, params_t)
    >>> new.start.tolist(), new.transitions.tolist(), new.emissions.probabilities.tolist()
    ([1.0, 0.0], [[0.5, 0.5], [0.0, 1.0]], [[1.0, 0.0], [0.0, 1.0]])
    """
    params_t = _check_params(params_t, "params_t")
    X = _check_X(X, params_t)
    k = len(params_t.start)
    resp, transition_counts, start_counts = _check_expectations(
        expectations, len(X), k)
    reg_covar = check_float(reg_covar, "reg_covar", minimum=0)
    start, transitions = _chain(start_counts, transition_counts)
    if isinstance(params_t.emissions, Categorical):
        n_symbols = params_t.emissions.probabilities.shape[1]
        emissions = _symbol_frequencies(X, resp, n_symbols)
        return Params(start, transitions, emissions)
    kind = _as_mixture(params_t.start, params_t.emissions,
                       "params_t.emissions").covariance_type
    # each state's Normal: the weighted mean and covariance, as a mixture's
    normals = gmm.m_step(X, resp, covariance_type=kind, reg_covar=reg_covar)
    emissions = Gaussian(normals.means, normals.covariances)
    return Params(start, transitions, emissions)


_NO_WAY_OUT = ("state {} has no expected transition out of it: its row of transitions is undetermined; "
               "start elsewhere or use fewer states")


def _chain(start_counts: np.ndarray, transition_counts: np.ndarray
           ) -> tuple[np.ndarray, np.ndarray]:
    """The M-step of the chain: start probabilities and transitions from their expected counts."""
    start = start_counts / start_counts.sum()
    # the expected number of transitions out of each state
    leaving = transition_counts.sum(axis=1)
    if np.any(leaving <= 0):
        raise ValueError(_NO_WAY_OUT.format(np.flatnonzero(leaving <= 0)[0]))
    return start, transition_counts / leaving[:, None]


def _symbol_frequencies(X: np.ndarray, resp: np.ndarray,
                        n_symbols: int) -> Categorical:
    """Each state's share of its weight on each symbol: ``sum_t resp[t, j] [x_t = s]`` over ``sum_t resp[t, j]``."""
    counts = resp.T @ np.eye(n_symbols)[X[:, 0]]
    return Categorical(counts / counts.sum(axis=1, keepdims=True))


def _check_expectations(expectations: object, n_steps: int, k: int) -> Expectations:
    if not isinstance(expectations, Expectations):
        raise TypeError(f"expectations must be the hmm.Expectations of e_step; got {type(expectations).__name__}")
    resp = check_array(expectations.resp, "expectations.resp", ndim=2, shape_hint="(n_steps, k)")
    if resp.shape != (n_steps, k) or np.any(resp < 0) or np.any(np.abs(resp.sum(axis=1) - 1) > 1e-8):
        raise ValueError(f"expectations.resp must be ({n_steps}, {k}), one row per step of X and one column per "
                         "state, non-negative rows summing to 1")
    counts = check_array(expectations.transition_counts, "expectations.transition_counts", ndim=2,
                         shape_hint="(k, k)", reshape_advice=False)
    starts = check_array(expectations.start_counts, "expectations.start_counts", ndim=1, shape_hint="(k,)")
    if counts.shape != (k, k) or starts.shape != (k,) or np.any(counts < 0) or np.any(starts < 0) \
            or starts.sum() <= 0:
        raise ValueError(f"expectations.transition_counts must be ({k}, {k}) and expectations.start_counts "
                         f"({k},), non-negative, the start counts not all 0")
    return Expectations(resp, counts, starts)


# --------------------------------------------------------------------------
# Fitting, the best path, sampling
# --------------------------------------------------------------------------


def _start_params(X: np.ndarray, k: int, emissions: str, covariance_type: str, n_symbols: int | None,
                  rng: np.random.Generator) -> Params:
    """Uniform start and transitions; emissions from a mixture's start (Gaussian) or random (categorical)."""
    uniform = np.full(k, 1.0 / k)
    transitions = np.full((k, k), 1.0 / k)
    if emissions == "categorical":
        probabilities = rng.dirichlet(np.ones(n_symbols), size=k)
        return Params(uniform, transitions, Categorical(probabilities))
    mixture = gmm.fit(X, k, covariance_type=covariance_type, max_iter=0, rng=rng).params
    return Params(uniform, transitions, Gaussian(mixture.means, mixture.covariances))


def fit(
    X: object,
    k_or_params: int | Params,
    *,
    emissions: str = "gaussian",
    covariance_type: str = "diag",
    n_symbols: int | None = None,
    lengths: object = None,
    max_iter: int = 100,
    tol: float = 1e-8,
    reg_covar: float = 0.0,
    rng=None,
    callback: Callable[[int, em.EMStep[Params]], None] | None = None,
) -> em.EMResult[Params]:
    """Fit a hidden Markov model by Baum–Welch (EM), from ``k`` states or from given :class:`Params`.

    Parameters
    ----------
    X : array-like
        The sequences one after the other, as in :func:`forward`.
    k_or_params : int or Params
        The number of states, to start from uniform start and transition
        probabilities with emissions drawn by ``rng`` (categorical: random
        symbol probabilities; Gaussian: the start of
        :func:`emlib.gmm.fit`, k-means++ centers and one M-step); or the
        starting :class:`Params`.
    emissions : {"gaussian", "categorical"}
        The emission family, when starting from ``k``.
    covariance_type : {"full", "diag", "spherical"}
        The Gaussian covariances, when starting from ``k``.
    n_symbols : int, optional
        The alphabet's size for categorical emissions from ``k``; by default
        the largest symbol in ``X`` plus 1.
    lengths : array-like of int, optional
        The number of steps of each sequence.
    max_iter : int
        The largest number of iterations, at least 0.
    tol : float
        Stop once an iteration changes the log-likelihood by less than
        ``tol`` per step (``tol * n_steps`` in all), as in :func:`emlib.em.run`.
    reg_covar : float
        Added to the diagonal of every Gaussian covariance the M-step makes.
    rng : None, int, numpy.random.SeedSequence, numpy.random.Generator or numpy.random.RandomState
        The randomness of the start from ``k``.
    callback : callable, optional
        ``callback(t, step)`` after each iteration.

    Returns
    -------
    em.EMResult

    Raises
    ------
    TypeError
        On malformed input, as in :func:`forward` and :func:`m_step`; if ``k_or_params`` is neither
        an int nor a :class:`Params`.
    ValueError
        On malformed input, as in :func:`forward` and :func:`m_step`; if ``k`` is below 1 or above
        the number of steps, ``emissions`` or ``covariance_type`` is unknown, or ``max_iter``,
        ``tol`` or ``reg_covar`` is negative.

    Examples
    --------
    Two regimes of a random walk's steps, switching rarely:

    >>> truth = Params([1.0, 0.0], [[0.98, 0.02], [0.02, 0.98]], Gaussian([[0.0], [4.0]], [[1.0], [1.0]]))
    >>> X, states = sample(truth, 2000, rng=0)
    >>> result = fit(X, 2, rng=0)
    >>> result.converged, sorted(result.params.emissions.means[:, 0].round().tolist())
    (True, [0.0, 4.0])
    """
    max_iter = check_int(max_iter, "max_iter", minimum=0)
    tol = check_float(tol, "tol", minimum=0)
    reg_covar = check_float(reg_covar, "reg_covar", minimum=0)
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be callable or None; got {type(callback).__name__}")
    if isinstance(k_or_params, tuple):
        params0 = _check_params(k_or_params, "k_or_params")
    else:
        if isinstance(k_or_params, (bool, np.bool_)) or not isinstance(k_or_params, (int, np.integer)):
            raise TypeError(f"k_or_params must be an int (the number of states) or an hmm.Params; "
                            f"got {type(k_or_params).__name__}")
        emissions = check_option(emissions, "emissions", EMISSIONS)
        covariance_type = check_option(covariance_type, "covariance_type", ("full", "diag", "spherical"))
        raw = check_array(X, "X", ndim=2, shape_hint="(n_steps, n_features)")
        k = check_int(k_or_params, "k_or_params", minimum=1, maximum=len(raw), maximum_name="the number of steps")
        if emissions == "categorical" and n_symbols is None:
            n_symbols = int(raw.max()) + 1 if np.all(raw >= 0) else 1  # a negative symbol is refused below
        elif emissions == "categorical":
            n_symbols = check_int(n_symbols, "n_symbols", minimum=1)
        params0 = _start_params(raw, k, emissions, covariance_type, n_symbols, check_rng(rng))
    X = _check_X(X, params0)
    sequences = _sequences(_check_lengths(lengths, len(X)))
    log_emissions, emissions_m_step = _emission_steps(X, params0, reg_covar)

    def e_step_at(params: Params) -> tuple[Expectations, float]:
        # e_step's numbers, in blocks of steps (emlib/_engine/hmm.py)
        log_b, log_start, log_A = log_emissions(params), _log(params.start), _log(params.transitions)
        expectations, total = _engine_hmm.expectations(
            log_b, log_start, log_A, sequences, lambda rows: _posteriors(log_b[rows], log_start, log_A))
        total = _check_finite(total)
        return Expectations(*expectations), total

    def m_step_at(expectations: Expectations, params: Params) -> Params:
        start, transitions = _chain(expectations.start_counts, expectations.transition_counts)
        emissions = emissions_m_step(expectations.resp)
        return Params(read_only(start), read_only(transitions),
                      type(emissions)(*(read_only(np.asarray(part)) for part in emissions)))

    return em.run(params0, e_step_at, m_step_at, max_iter=max_iter, tol=tol, n_rows=len(X), callback=callback)


def _emission_steps(X: np.ndarray, params0: Params, reg_covar: float):
    """``fit``'s log emission densities of a ``Params`` and M-step of the emissions from ``resp``.

    Categorical emissions use the verbs' code; Gaussian ones the mixture's
    fast path (emlib/_engine/gmm.py), on the data shifted to their mean once.
    """
    if isinstance(params0.emissions, Categorical):
        n_symbols = params0.emissions.probabilities.shape[1]
        return functools.partial(_log_emissions, X), lambda resp: _symbol_frequencies(X, resp, n_symbols)
    kind = _as_mixture(params0.start, params0.emissions, "k_or_params.emissions").covariance_type
    data = _engine_gmm.prepare(X, None, kind)

    def log_densities(params: Params) -> np.ndarray:
        return _engine_gmm.log_joint(data, gmm.Params(np.ones(len(params.start)), *params.emissions, kind))

    def gaussian_m_step(resp: np.ndarray) -> Gaussian:
        _, means, covariances = _engine_gmm.m_step(data, resp, kind, reg_covar)
        try:
            _gmm_params._check_spread_left(covariances, kind, X.shape[1], reg_covar)
        except ValueError as error:
            raise ValueError(str(error).replace("component", "state")) from None
        return Gaussian(means, covariances)

    return log_densities, gaussian_m_step


def viterbi(X: object, params: Params, *, lengths: object = None) -> tuple[np.ndarray, float]:
    """The most likely path of states and its log-probability, ``max_z log p(x, z)``, by dynamic programming.

    Arguments and errors as in :func:`forward`.

    Returns
    -------
    states : ndarray of shape (n_steps,)
        The path, each sequence's in its rows.
    log_probability : float
        ``log p(x, states)``, summed over the sequences.

    Raises
    ------
    TypeError
        As :func:`forward`.
    ValueError
        As :func:`forward`.

    Examples
    --------
    >>> casino = Params([0.5, 0.5], [[0.95, 0.05], [0.1, 0.9]],
    ...                 Categorical([[1 / 6] * 6, [0.1] * 5 + [0.5]]))
    >>> states, _ = viterbi([[5], [5], [5], [5], [0], [2], [1], [3], [4], [0]], casino)
    >>> states.tolist()
    [1, 1, 1, 1, 0, 0, 0, 0, 0, 0]
    """
    params, log_b, log_start, log_A, sequences = _logs(X, params, lengths)
    states = np.empty(len(log_b), dtype=np.intp)
    total = 0.0
    for rows in sequences:
        b = log_b[rows]
        best = log_start + b[0]  # the best path's log-probability ending in each state
        came_from = np.empty(b.shape, dtype=np.intp)
        for t in range(1, len(b)):
            candidates = best[:, None] + log_A  # (from j, to l)
            came_from[t] = np.argmax(candidates, axis=0)
            best = candidates[came_from[t], np.arange(len(best))] + b[t]
        path = np.empty(len(b), dtype=np.intp)
        path[-1] = np.argmax(best)
        for t in range(len(b) - 1, 0, -1):  # back along the pointers
            path[t - 1] = came_from[t, path[t]]
        states[rows] = path
        total += best[path[-1]]
    return states, _check_finite(total)


def sample(params: Params, n: int, *, rng=None) -> tuple[np.ndarray, np.ndarray]:
    """Draw one sequence of ``n`` steps: the observations ``(n, 1)`` or ``(n, d)``, and the hidden states ``(n,)``.

    Raises
    ------
    TypeError
        If ``params`` is not a :class:`Params`, ``n`` is not an integer, or ``rng`` is not a source
        of randomness.
    ValueError
        If ``params`` is malformed, ``n`` is below 1, or ``rng`` is a negative seed.

    Examples
    --------
    >>> sticky = Params([1.0, 0.0], [[0.9, 0.1], [0.1, 0.9]], Categorical([[1.0, 0.0], [0.0, 1.0]]))
    >>> X, states = sample(sticky, 8, rng=1)
    >>> bool(np.array_equal(X[:, 0], states))
    True
    """
    params = _check_params(params)
    n = check_int(n, "n", minimum=1)
    rng = check_rng(rng)
    k = len(params.start)
    states = np.empty(n, dtype=np.intp)
    states[0] = rng.choice(k, p=params.start)
    uniforms = rng.random(n)
    cumulative = np.cumsum(params.transitions, axis=1)
    for t in range(1, n):  # the chain, one step at a time
        states[t] = min(np.searchsorted(cumulative[states[t - 1]], uniforms[t], side="right"), k - 1)
    if isinstance(params.emissions, Categorical):
        cumulative = np.cumsum(params.emissions.probabilities, axis=1)[states]
        symbols = (rng.random(n)[:, None] >= cumulative).sum(axis=1)
        return np.minimum(symbols, cumulative.shape[1] - 1)[:, None], states
    mixture = _as_mixture(params.start, params.emissions, "params.emissions")
    X = np.empty((n, mixture.means.shape[1]))
    for j in range(k):  # each state's points, from its Normal
        rows = np.flatnonzero(states == j)
        X[rows] = gmm.sample(gmm.Params([1.0], mixture.means[[j]], mixture.covariances[[j]],
                                        mixture.covariance_type), len(rows), rng=rng)[0]
    return X, states
