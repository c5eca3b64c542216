"""A Gaussian mixture's parameters (:class:`Params`), what they tell without data, and :mod:`emlib.gmm`'s checks.

:mod:`emlib.gmm` imports everything here and is where it is documented and
used; this module keeps that one short enough to read: :class:`Params`,
:func:`covariance_type_of`, :func:`sample` and :func:`n_parameters` (which
need no data), the collapse error, and the input checks.  A ``Params`` is a
named tuple of three arrays, ``(weights, means, covariances)``; which of the
four covariance models it holds rides along as its ``covariance_type``, an
attribute of its class (one subclass per type), so that a ``Params`` still
unpacks as its three arrays.
"""

from __future__ import annotations

import warnings
from typing import NamedTuple

import numpy as np

from ._engine import gmm as engine
from ._validation import (
    check_array,
    check_int,
    check_mixture,
    check_option,
    check_rng,
    check_spread,
    singular_components,
)

__all__ = ["COVARIANCE_TYPES", "Params", "ComponentCollapse", "covariance_type_of", "sample", "n_parameters"]

# the covariance models, in scikit-learn's order (documented in emlib.gmm)
COVARIANCE_TYPES = ("full", "tied", "diag", "spherical")


class _Arrays(NamedTuple):
    weights: np.ndarray
    means: np.ndarray
    covariances: np.ndarray


class Params(_Arrays):
    """The parameters of a Gaussian mixture with ``k`` components in ``d`` dimensions.

    Attributes
    ----------
    weights : ndarray of shape (k,)
        The mixing weights, pi_k = P(z_i = k): non-negative, summing to 1.
    means : ndarray of shape (k, d)
        The components' means.
    covariances : ndarray of shape (k, d, d), (d, d), (k, d) or (k,)
        The components' covariance matrices (``"full"``), one matrix
        shared by all of them (``"tied"``), their diagonals (``"diag"``)
        or a single variance each (``"spherical"``).
    covariance_type : {"full", "tied", "diag", "spherical"} or None
        Which of these ``covariances`` holds, given as the fourth argument
        (it is an attribute, not a field: a ``Params`` unpacks as its three
        arrays).  ``None`` (the default) reads it from the shape; that fails
        only when ``covariances`` is 2-d and ``k == d``, where ``"diag"``
        and ``"tied"`` have the same shape.  Every ``Params`` emlib returns
        has it set.

    Examples
    --------
    One variance per component, shared by all features, makes a spherical mixture:

    >>> from emlib import gmm
    >>> params = Params(weights=[0.3, 0.7], means=[[0.0, 0.0], [5.0, 5.0]], covariances=[1.0, 2.0])
    >>> gmm.covariance_type_of(params), gmm.predict([[4.0, 4.0]], params).tolist()
    ('spherical', [1])

    Two components in two dimensions sharing one covariance matrix: the shape
    ``(2, 2)`` could also be two rows of variances, so the type is given.

    >>> tied = Params([0.5, 0.5], [[0.0, 0.0], [5.0, 5.0]], [[2.0, 1.0], [1.0, 2.0]], "tied")
    >>> gmm.covariance_type_of(tied)
    'tied'
    """

    __slots__ = ()
    covariance_type: str | None = None

    def __new__(cls, weights, means, covariances, covariance_type: str | None = None):
        if covariance_type is not None:  # the type rides on the class
            cls = _TYPED[_check_covariance_type(covariance_type)]
        return super().__new__(cls, weights, means, covariances)

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={value!r}" for name, value in zip(self._fields, self))
        stated = "" if self.covariance_type is None else f", covariance_type={self.covariance_type!r}"
        return f"Params({fields}{stated})"


class _FullParams(Params):
    __slots__ = ()
    covariance_type = "full"


class _TiedParams(Params):
    __slots__ = ()
    covariance_type = "tied"


class _DiagParams(Params):
    __slots__ = ()
    covariance_type = "diag"


class _SphericalParams(Params):
    __slots__ = ()
    covariance_type = "spherical"


_TYPED = {"full": _FullParams, "tied": _TiedParams, "diag": _DiagParams, "spherical": _SphericalParams}


# --------------------------------------------------------------------------
# What a mixture's parameters tell without data
# --------------------------------------------------------------------------


def covariance_type_of(params: Params) -> str:
    """``"full"``, ``"tied"``, ``"diag"`` or ``"spherical"``: ``params.covariance_type``, or else the shape's.

    Raises
    ------
    TypeError
        If ``params`` is not a :class:`Params` or a part of it is not an array of real numbers.
    ValueError
        If ``params`` is inconsistent with itself: parts not finite, non-empty arrays of matching
        shapes, weights negative or not summing to 1, a covariance not symmetric positive
        definite, ``covariance_type`` not one of :data:`COVARIANCE_TYPES` or not matching the
        shape; or if ``covariance_type`` is None and ``covariances`` is 2-d with ``k == d``
        (diagonal or tied?).

    Examples
    --------
    >>> means = [[0.0, 0.0], [5.0, 5.0]]
    >>> covariance_type_of(Params([0.5, 0.5], means, [np.eye(2), np.eye(2)]))
    'full'
    >>> covariance_type_of(Params([0.5, 0.5], means, [1.0, 2.0]))
    'spherical'
    >>> covariance_type_of(Params([0.5, 0.5], means, [[1.0, 2.0], [1.0, 1.0]], "diag"))
    'diag'
    >>> covariance_type_of(Params([0.2, 0.3, 0.5], [[0.0, 0.0], [5.0, 5.0], [9.0, 0.0]], [[2.0, 1.0], [1.0, 2.0]]))
    'tied'
    """
    return _check_params(params).covariance_type


def sample(params: Params, n: int, *, rng=None) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``n`` points from the mixture.

    Parameters
    ----------
    params : Params
        The mixture, any covariance type.
    n : int
        The number of points, at least 0.
    rng : None, int, numpy.random.SeedSequence, numpy.random.Generator or numpy.random.RandomState
        The source of randomness.

    Returns
    -------
    X : ndarray of shape (n, d)
        The points.
    labels : ndarray of shape (n,)
        The component that made each point (the hidden variable).

    Raises
    ------
    TypeError
        If ``params`` is not a :class:`Params` of arrays of real numbers, ``n`` is not an
        integer, or ``rng`` is not None, an int, a ``SeedSequence``, a ``Generator`` or a ``RandomState``.
    ValueError
        If ``params`` is inconsistent with itself (as in :func:`covariance_type_of`), ``n`` is
        negative, or ``rng`` is a negative seed.

    Examples
    --------
    >>> params = Params([0.25, 0.75], [[0.0], [10.0]], [1.0, 1.0])
    >>> X, labels = sample(params, 10_000, rng=0)
    >>> round(float(labels.mean()), 2), round(float(X[labels == 1].mean()))
    (0.75, 10)
    """
    params = _check_params(params)
    n = check_int(n, "n", minimum=0)
    rng = check_rng(rng)
    weights, means, covariances = params
    k, d = means.shape
    if params.covariance_type == "tied":  # one Sigma for every component
        covariances = full_covariances(params)
    labels = rng.choice(k, size=n, p=weights / weights.sum())
    noise = rng.standard_normal((n, d))
    X = np.empty((n, d))
    for j in range(k):  # over components, each vectorised over its points
        rows = labels == j
        if covariances.ndim == 3:
            X[rows] = means[j] + noise[rows] @ np.linalg.cholesky(covariances[j]).T
        else:
            X[rows] = means[j] + noise[rows] * np.sqrt(covariances[j])
    return X, labels


def n_parameters(params: Params) -> int:
    """The number of free parameters of the mixture (weights, means, covariances).

    ``k - 1`` weights (they sum to 1), ``k d`` means, and ``k d (d + 1) / 2``
    (full), ``d (d + 1) / 2`` (tied), ``k d`` (diag) or ``k`` (spherical)
    covariance entries.

    Raises
    ------
    TypeError
        As :func:`covariance_type_of`.
    ValueError
        As :func:`covariance_type_of`.

    Examples
    --------
    Two components in two dimensions: 1 weight and 4 mean entries, then 2 x 3 (full) or 2 x 1
    (spherical) covariance entries.

    >>> means = [[0.0, 0.0], [5.0, 5.0]]
    >>> n_parameters(Params([0.5, 0.5], means, [np.eye(2), np.eye(2)]))
    11
    >>> n_parameters(Params([0.5, 0.5], means, [1.0, 2.0]))
    7
    """
    params = _check_params(params)
    k, d = params.means.shape
    covariance_entries = {"full": k * d * (d + 1) // 2, "tied": d * (d + 1) // 2, "diag": k * d, "spherical": k}
    return (k - 1) + k * d + covariance_entries[params.covariance_type]


def full_covariances(params: Params) -> np.ndarray:
    """Every component's covariance as a ``(k, d, d)`` matrix, whatever the type (a view for ``"tied"``)."""
    k, d = params.means.shape
    covariances = params.covariances
    if params.covariance_type == "full":
        return covariances
    if params.covariance_type == "tied":  # the one Sigma, for every component
        return np.broadcast_to(covariances, (k, d, d))
    variances = covariances.reshape(k, -1) * np.ones(d)  # (k, d): a variance per feature
    return variances[:, :, None] * np.eye(d)


# --------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------


def _check_X(X: object, *, holes: bool = False, complete_for: str | None = None) -> np.ndarray:
    """``X`` as float64; with ``holes``, NaN marks an entry that is missing.

    ``complete_for`` names a function that takes complete rows only, for the message of a NaN.
    """
    X = check_array(X, "X", ndim=2, shape_hint="(n_samples, n_features)", allow_nan=holes or bool(complete_for))
    if complete_for and np.isnan(X).any():
        raise ValueError(
            f"X contains NaN, and {complete_for} takes complete rows only (on a table with holes the "
            "expected log-likelihood also averages over the missing entries); e_step, m_step, fit, "
            "predict and impute take NaN"
        )
    return check_spread(X)


def _check_covariance_type(value: object) -> str:
    return check_option(value, "covariance_type", COVARIANCE_TYPES)


def _check_params(
    params: object, n_features: int | None = None, name: str = "params", *, like: str = "X"
) -> Params:
    """``params`` as a :class:`Params` of float64 arrays with its type (``emlib._validation.check_mixture``)."""
    return Params(*check_mixture(params, n_features, name, like=like))


def _check_start(params0: object, n_features: int, kind: str, n_init: int) -> Params:
    unstated = getattr(params0, "covariance_type", None) is None and len(params0) == 3
    try:  # covariance_type says what an unstated type is, if the shapes allow it
        params0 = _check_params(Params(*params0, kind) if unstated else params0, n_features, "k_or_params")
    except ValueError:
        if not unstated:
            raise
        params0 = _check_params(params0, n_features, name="k_or_params")  # what is wrong, or its type
    if params0.covariance_type != kind:
        raise ValueError(
            f"k_or_params has {params0.covariance_type} covariances but covariance_type "
            f"is {kind!r}; pass covariance_type={params0.covariance_type!r}"
        )
    if n_init != 1:
        raise ValueError(f"n_init must be 1 when starting from given Params; got {n_init}")
    return params0


def _check_k(k: object, n_samples: int) -> int:
    if isinstance(k, (bool, np.bool_)) or not isinstance(k, (int, np.integer)):
        raise TypeError(f"k_or_params must be an int (the number of components) or a gmm.Params; "
                        f"got {type(k).__name__}")
    return check_int(k, "k_or_params", minimum=1, maximum=n_samples, maximum_name="n_samples")


def _check_observed(X: np.ndarray, sample_weight: np.ndarray | None) -> None:
    """Every feature of ``X`` (with holes) observed somewhere, in a row of positive weight."""
    observed = ~np.isnan(X)
    if sample_weight is not None:
        observed &= (sample_weight > 0)[:, None]
    unseen = np.flatnonzero(~observed.any(axis=0))
    if unseen.size:
        weighted = "" if sample_weight is None else " in a row of positive sample_weight"
        raise ValueError(
            f"X[:, {unseen[0]}] has no observed entry{weighted}: nothing is known about feature "
            f"{unseen[0]}, so nothing can be estimated for it; drop the column"
        )


def _check_params_t(params_t: object, n_features: int, k: int) -> Params:
    """The parameters the E-step was taken at, which the M-step needs on data with holes."""
    if params_t is None:
        raise ValueError(
            "X has missing entries (NaN): the M-step fills them with their expected values under "
            "the parameters the E-step used; pass those as params_t"
        )
    params_t = _check_params(params_t, n_features, "params_t")
    if len(params_t.weights) != k:
        raise ValueError(
            f"params_t must have one component per column of resp, {k}; got {len(params_t.weights)}"
        )
    return params_t


class ComponentCollapse(ValueError):
    """A component's covariance became singular during fitting, or it lost its points with ``reg_covar=0``.

    With ``reg_covar > 0`` a component that loses its points is kept with
    weight 0 instead, and a ``UserWarning`` says so (:func:`emlib.gmm.m_step`).

    Examples
    --------
    An M-step that gives a component no responsibility at all, unregularised:

    >>> from emlib import gmm
    >>> try:
    ...     gmm.m_step([[0.0], [1.0]], [[1.0, 0.0], [1.0, 0.0]], reg_covar=0)
    ... except gmm.ComponentCollapse as error:
    ...     print(isinstance(error, ValueError), str(error).split(" (")[0])
    True component 1 has no responsibility left
    """


def _check_counts(counts: np.ndarray, kind: str, reg_covar: float) -> np.ndarray:
    """Which components have no responsibility: an error if ``reg_covar`` is 0, else a warning."""
    empty = counts <= 0
    if empty.any():
        if reg_covar == 0:
            raise ComponentCollapse(engine.no_responsibility_left(np.flatnonzero(empty)[0]))
        _warn_empty(empty, kind, reg_covar, stacklevel=4)
    return empty


def _warn_empty(empty: np.ndarray, kind: str, reg_covar: float, stacklevel: int) -> None:
    which = np.flatnonzero(empty).tolist()
    own = "" if kind == "tied" else f"with covariance reg_covar = {reg_covar} on the diagonal, "
    warnings.warn(
        f"{'components' if len(which) > 1 else 'component'} {', '.join(map(str, which))} of "
        f"k = {len(empty)} got no responsibility: kept with weight 0, at the data's mean, {own}"
        "taking no part in the mixture. "
        "X may have fewer distinct points than k, or the start put two components on one group: "
        "use a smaller k or another start",
        UserWarning,
        stacklevel=stacklevel,
    )


def _check_spread_left(covariances: np.ndarray, kind: str, n_features: int, reg_covar: float) -> None:
    failed = singular_components(covariances[None] if kind == "tied" else covariances)
    if failed:
        which = "the shared covariance" if kind == "tied" else f"component {failed[0]}'s covariance"
        raise ValueError(
            f"{which} is singular: the points it is responsible for "
            f"have no spread in some direction (for example fewer than {n_features + 1} distinct "
            f"points, or all on a line); raise reg_covar (now {reg_covar}) to keep it positive "
            "definite"
        )
