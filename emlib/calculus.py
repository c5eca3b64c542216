"""Numerical calculus for checking derivations: gradients and unconstrained parameters.

A derivation such as "the M-step maximises ``Q(theta | theta_t)``" can be
checked with numbers: at the M-step's output the gradient of ``Q`` must be 0,
and ``Q`` must be lower at every nearby point.  Two tools make that easy:

* :func:`numerical_gradient`, the gradient of any function of a vector by
  central differences;
* :func:`pack` and :func:`unpack`, which write the parameters of a Gaussian
  mixture with full covariances as one vector of real numbers, and back.
  Every vector of moderate size unpacks to valid parameters (weights that
  are positive and sum to 1, covariances that are symmetric positive
  definite), so one can step, differentiate and draw random points in any
  direction without leaving the model.  (Entries beyond a few hundred in
  magnitude overflow float64; :func:`unpack` then says so.)

Why not the parameters themselves?  In ``tau``, the means and the entries
of each ``Sigma`` most directions leave the model at once: a small step can
take ``tau`` out of ``(0, 1)`` or make a covariance indefinite, where ``Q`` is
not defined, and ``Sigma[0, 1]`` cannot move without ``Sigma[1, 0]``.  The
map from the vector to the parameters is smooth, one-to-one and onto, with
an invertible Jacobian, so a point is stationary, or a local maximum, in
the vector's coordinates exactly when it is so in the parameters'.

The parameterisation
--------------------
For ``k`` components in ``d`` dimensions the vector holds, in this order:

1. ``k - 1`` log-odds ``log(weights[j] / weights[k - 1])`` for
   ``j = 0 .. k - 2`` (for ``k = 2`` the single entry is ``logit(tau)``,
   with ``tau = weights[0]``); the weights are their softmax, with a 0
   appended for the last component;
2. the ``k d`` entries of the means, row by row;
3. for each component, the ``d (d + 1) / 2`` entries of the lower
   triangle of the Cholesky factor ``L`` of its covariance,
   ``Sigma = L L^T``, row by row, with each diagonal entry replaced by its
   logarithm (so that it is positive).

Its length, ``(k - 1) + k d + k d (d + 1) / 2``, is the number of free
parameters of the mixture (:func:`emlib.gmm.n_parameters`).
"""

from __future__ import annotations

import numbers
from collections.abc import Callable

import numpy as np

from . import gmm
from ._validation import check_array, check_bool, check_int, singular_components

__all__ = ["numerical_gradient", "pack", "unpack", "packed_size"]

_EPS = np.finfo(np.float64).eps
_DEFAULT_RELATIVE_STEP = _EPS ** (1 / 3)  # balances truncation (h^2) and rounding (eps / h)


def _check_value(value: object, where: str) -> float:
    """A value returned by ``fun``, as a finite float."""
    if isinstance(value, (bool, np.bool_)) or not (
        isinstance(value, numbers.Real) or (np.ndim(value) == 0 and np.asarray(value).dtype.kind in "iuf")
    ):
        raise TypeError(f"fun must return a real number; got {type(value).__name__} at {where}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"fun returned {value} at {where}; it must be finite near x")
    return value


def _check_step(step: object, x: np.ndarray) -> np.ndarray:
    """The step per coordinate, shape ``x.shape``."""
    if step is None:
        return _DEFAULT_RELATIVE_STEP * np.maximum(1.0, np.abs(x))
    if isinstance(step, (bool, np.bool_)):
        raise TypeError(f"step must be a positive number or an array of them; got {step!r}")
    if isinstance(step, numbers.Real):
        step = np.full(x.shape, float(step))
    else:
        step = check_array(step, "step", ndim=1, shape_hint="(n,), like x")
        if step.shape != x.shape:
            raise ValueError(f"step must be a number or have the shape of x, {x.shape}; got {step.shape}")
    if not np.all(np.isfinite(step)) or np.any(step <= 0):
        raise ValueError(f"step must be positive and finite; got {step.tolist()}")
    return step


def numerical_gradient(
    fun: Callable[[np.ndarray], float], x: object, *, step: object = None, vectorized: bool = False,
) -> np.ndarray:
    """The gradient of ``fun`` at ``x`` by central differences.

    ``g[j] = (fun(x + h_j e_j) - fun(x - h_j e_j)) / (2 h_j)``, where
    ``e_j`` is the ``j``-th unit vector.  The error is of order ``h^2`` times
    the third derivative (central differences are exact for quadratics),
    plus rounding of order ``eps |fun| / h``.

    Parameters
    ----------
    fun : callable
        ``fun(v) -> float`` for a vector ``v`` of the shape of ``x``; with
        ``vectorized=True``, ``fun(V) -> array of shape (m,)`` for a stack
        ``V`` of ``m`` such vectors, shape ``(m, n)``, evaluated in one call.
    x : array-like of shape (n,)
        Where to differentiate; finite.
    step : float or array-like of shape (n,), optional
        The step ``h_j`` per coordinate, positive.  By default
        ``eps^(1/3) max(1, |x_j|)`` (about ``6e-6`` for ``|x_j| <= 1``),
        which balances truncation and rounding error for smooth functions.
        Each step is rounded so that ``x_j + h_j`` is exactly representable.
    vectorized : bool
        Whether ``fun`` takes a stack of points (see ``fun``).

    Returns
    -------
    ndarray of shape (n,)

    Raises
    ------
    TypeError
        If ``fun`` is not callable or returns something other than real
        numbers (of shape ``(m,)`` when ``vectorized``), ``x`` or ``step`` is not an array
        of real numbers (a bool ``step`` included), or ``vectorized`` is not True or False.
    ValueError
        If ``x`` is not a finite, non-empty 1-d array, ``step`` is an array of another shape,
        a step is not positive and finite or so
        small that ``x_j + h_j`` rounds to ``x_j``, or ``fun`` returns NaN or
        infinity at one of the points.

    Examples
    --------
    >>> g = numerical_gradient(lambda v: v[0] ** 2 + 3 * v[0] * v[1], [1.0, 2.0])
    >>> g.round(6).tolist()  # (2 x + 3 y, 3 x)
    [8.0, 3.0]
    """
    if not callable(fun):
        raise TypeError(f"fun must be callable; got {type(fun).__name__}")
    vectorized = check_bool(vectorized, "vectorized")
    x = check_array(x, "x", ndim=1, shape_hint="(n,)")
    step = _check_step(step, x)
    step = (x + step) - x  # exactly representable: x + h - x == h
    if np.any(step == 0):
        j = int(np.flatnonzero(step == 0)[0])
        raise ValueError(f"step is too small for x[{j}] = {float(x[j])!r}: x[{j}] + step rounds to x[{j}]")
    n = len(x)
    offsets = np.diag(step)
    points = np.concatenate([x + offsets, x - offsets])  # (2n, n): x + h_j e_j, then x - h_j e_j
    if vectorized:
        values = np.asarray(fun(points))
        if values.shape != (2 * n,) or values.dtype.kind not in "iuf":
            raise TypeError(
                f"fun must return real numbers of shape (m,) = ({2 * n},) for m = {2 * n} points "
                f"when vectorized=True; got {values.dtype} of shape {values.shape}"
            )
        values = values.astype(np.float64)
        if not np.all(np.isfinite(values)):
            row = int(np.flatnonzero(~np.isfinite(values))[0])
            sign = "+" if row < n else "-"
            raise ValueError(
                f"fun returned {values[row]} at x {sign} step[{row % n}] e_{row % n}; "
                "it must be finite near x"
            )
    else:
        values = np.array([
            _check_value(fun(point), f"x {'+' if row < n else '-'} step[{row % n}] e_{row % n}")
            for row, point in enumerate(points)
        ])
    return (values[:n] - values[n:]) / (2 * step)


# --------------------------------------------------------------------------
# Gaussian-mixture parameters as one unconstrained vector
# --------------------------------------------------------------------------


def packed_size(k: int, d: int) -> int:
    """The length of the vector :func:`pack` makes for ``k`` components in ``d`` dimensions.

    ``(k - 1) + k d + k d (d + 1) / 2``, the mixture's number of free
    parameters.

    Raises
    ------
    TypeError
        If ``k`` or ``d`` is not an integer.
    ValueError
        If ``k`` or ``d`` is less than 1.

    Examples
    --------
    >>> packed_size(2, 2)  # logit(tau), two means of 2, two triangles of 3
    11
    """
    k = check_int(k, "k", minimum=1)
    d = check_int(d, "d", minimum=1)
    return (k - 1) + k * d + k * d * (d + 1) // 2


def pack(params: gmm.Params) -> np.ndarray:
    """Write a Gaussian mixture with full covariances as one unconstrained vector.

    Parameters
    ----------
    params : gmm.Params
        Weights that are all positive, means ``(k, d)`` and full covariances
        ``(k, d, d)``.

    Returns
    -------
    ndarray of shape (packed_size(k, d),)
        The log-odds of the weights against the last one, the means, and
        each covariance's Cholesky factor with its diagonal logged (see the
        module notes).  :func:`unpack` inverts it.

    Raises
    ------
    TypeError
        If ``params`` is not a :class:`emlib.gmm.Params` or a part of it is not an array of
        real numbers.
    ValueError
        If ``params`` is inconsistent with itself (see :func:`emlib.gmm.covariance_type_of`),
        its covariances are not full ``(k, d, d)`` matrices, or a weight is 0
        (its log-odds would be minus infinity).

    Examples
    --------
    >>> params = gmm.Params([0.5, 0.5], [[0.0], [1.0]], [[[1.0]], [[4.0]]])
    >>> pack(params).round(6).tolist()  # logit(0.5), the means, log sqrt(1), log sqrt(4)
    [0.0, 0.0, 1.0, 0.0, 0.693147]
    """
    params = gmm._check_params(params)
    weights, means, covariances = params
    kind = params.covariance_type
    if kind != "full":
        raise ValueError(
            f"params.covariances must be full, of shape (k, d, d) = "
            f"({len(weights)}, {means.shape[1]}, {means.shape[1]}), to be packed; got shape "
            f"{covariances.shape}. Expand them first, e.g. covariances[:, :, None] * np.eye(d) "
            "for diagonal ones, np.broadcast_to(covariances, (k, d, d)) for a tied one"
        )
    if np.any(weights <= 0):
        raise ValueError(
            f"params.weights must all be positive to be packed (the log of a weight of 0 is "
            f"-inf); got {weights.tolist()}"
        )
    d = means.shape[1]
    factors = np.linalg.cholesky(covariances)  # positive definite: checked above
    diagonal = np.arange(d)
    factors[:, diagonal, diagonal] = np.log(factors[:, diagonal, diagonal])
    rows, columns = np.tril_indices(d)
    log_odds = np.log(weights[:-1]) - np.log(weights[-1])
    return np.concatenate([log_odds, means.ravel(), factors[:, rows, columns].ravel()])


def unpack(vector: object, k: int, d: int) -> gmm.Params:
    """The Gaussian mixture a vector of :func:`pack` stands for.

    Parameters
    ----------
    vector : array-like of shape (packed_size(k, d),)
        Any finite real numbers.
    k : int
        The number of components, at least 1.
    d : int
        The number of dimensions, at least 1.

    Returns
    -------
    gmm.Params
        Weights summing to 1 (positive unless a log-odds is so large that a
        weight underflows to 0), means ``(k, d)`` and full covariances
        ``L L^T``, ``(k, d, d)``, symmetric positive definite.
        ``unpack(pack(params), k, d)`` equals ``params`` to rounding.

    Raises
    ------
    TypeError
        If ``vector`` does not hold real numbers, or ``k`` or ``d`` is not an integer.
    ValueError
        If ``vector`` is not a finite 1-d array of length ``packed_size(k, d)``, ``k`` or ``d``
        is less than 1, or a log-diagonal entry is so large or so small that the covariance
        overflows or is singular in float64 (beyond about ``+-300``).

    Examples
    --------
    >>> params = unpack([0.0, 0.0, 1.0, 0.0, np.log(2.0)], 2, 1)
    >>> params.weights.tolist(), params.means.tolist(), params.covariances.round(12).tolist()
    ([0.5, 0.5], [[0.0], [1.0]], [[[1.0]], [[4.0]]])
    """
    size = packed_size(k, d)
    vector = check_array(vector, "vector", ndim=1, shape_hint="(packed_size(k, d),)")
    if vector.shape != (size,):
        raise ValueError(
            f"vector must have (k - 1) + k d + k d (d + 1) / 2 = {size} entries for k = {k}, "
            f"d = {d}; got {vector.shape[0]}"
        )
    logits = np.append(vector[: k - 1], 0.0)
    weights = np.exp(logits - logits.max())
    weights /= weights.sum()
    means = vector[k - 1 : k - 1 + k * d].reshape(k, d).copy()
    rows, columns = np.tril_indices(d)
    factors = np.zeros((k, d, d))
    factors[:, rows, columns] = vector[k - 1 + k * d :].reshape(k, len(rows))
    diagonal = np.arange(d)
    with np.errstate(over="ignore"):
        factors[:, diagonal, diagonal] = np.exp(factors[:, diagonal, diagonal])
        covariances = factors @ factors.swapaxes(1, 2)
    start = k - 1 + k * d
    for j in range(k):
        if not np.all(np.isfinite(covariances[j])):
            raise ValueError(
                f"vector[{start + j * len(rows)}:{start + (j + 1) * len(rows)}] (component {j}'s "
                "Cholesky factor) makes a covariance that overflows float64: its log-diagonal "
                "entries are too large"
            )
    failed = singular_components(covariances)
    if failed:
        j = failed[0]
        raise ValueError(
            f"vector[{start + j * len(rows)}:{start + (j + 1) * len(rows)}] (component {j}'s "
            "Cholesky factor) makes a covariance that is singular in float64: a log-diagonal "
            "entry is too small next to the entries left of it in its row"
        )
    return gmm.Params(weights, means, covariances, "full")
