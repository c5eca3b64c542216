"""The fast path behind :func:`emlib.gmm.fit`: EM for a Gaussian mixture in blocks of rows.

:func:`emlib.gmm.e_step` and :func:`emlib.gmm.m_step` are the algorithm as
the chapter derives it; this module computes the same numbers faster and in
less memory, and tests/test_engine.py checks that they agree.  How:

* The data are shifted to their (weighted) mean once (:func:`prepare`), so
  nothing cancels far from the origin.
* Each point is *whitened* against each component, ``y_ij = (x_i - mu_j)
  P_j`` with ``Sigma_j = L_j L_j^T`` and ``P_j = L_j^{-T}``, so that its
  squared Mahalanobis distance is ``|y_ij|^2``: one batched Cholesky call
  factorises every full covariance, and one matrix product whitens a block
  of points against every component (:class:`_Components`).  Diagonal and
  spherical offsets are scaled feature by feature, component-major.
* Each point's smallest distance is taken out before the log weights and
  determinants are added, so that they are not rounded away far from
  every mean (:func:`_log_joint`).
* The points are taken in blocks (of about 32 000 numbers for full
  covariances, 130 000 for the others), so that temporaries stay small
  however many points there are (:func:`_blocks`).
* Inside :func:`run`, each E-step also accumulates what the next M-step
  needs, the *expected sufficient statistics* (each component's total
  responsibility, weighted sum and weighted scatter, :func:`_accumulate`),
  so an iteration reads the data once.  The scatter is taken about the
  current means and moved to the new ones (:func:`_params`); when a mean
  moves so far, relative to its new spread, that the move would cost more
  than a few digits, the scatter is gathered again about the new means in
  a second pass.

Nothing here checks its input: :mod:`emlib.gmm` does that before calling in.
Collapses (a covariance no longer positive definite, or a component with no
responsibility left when ``reg_covar`` is 0) are raised as :class:`Collapse`,
which :func:`emlib.gmm.fit` turns into :class:`emlib.gmm.ComponentCollapse`;
with ``reg_covar > 0`` a component with no responsibility is kept with
weight 0 (:func:`_params`).
"""

from __future__ import annotations

import contextlib
import functools
from typing import NamedTuple

import numpy as np

from .. import em
from .._math import column_means
from .._validation import read_only, singular_components

__all__ = ["Collapse", "no_responsibility_left", "FAR_FROM_EVERY_COMPONENT", "Data", "prepare", "log_joint", "log_resp",
           "m_step", "run"]

_LOG_2PI = np.log(2 * np.pi)
_CANCELLED = 10 * np.finfo(np.float64).eps  # relative size of a difference that is 0 in rounding
_BLOCK_ENTRIES = 2**15  # entries of a (rows, k, d) temporary per block (full covariances): 256 KB
_SQUARES_ENTRIES = 2**17  # entries of the (k, d, rows) squares per block (diag, spherical): 1 MB
_MIN_ROWS = 128  # rows per block at least (diag, spherical), so that each operation runs over many points
_MOVE_LIMIT = 1e4  # (mean's move / new spread)^2 beyond which the scatter is gathered again


#: The error of a point whose density is 0 in float64 under every component.
FAR_FROM_EVERY_COMPONENT = (
    "a point lies so far from every component (relative to its spread) that its density "
    "is 0 in float64: the log-likelihood is -inf. Check the scale of X against the "
    "covariances, or start from wider components"
)


class Collapse(ValueError):
    """A component collapsed: no responsibility left, or a covariance no longer positive definite."""


def no_responsibility_left(component: int) -> str:
    """The error of a component with no responsibility when ``reg_covar`` is 0."""
    return (
        f"component {component} has no responsibility left (its total responsibility is 0) and "
        "reg_covar is 0, so its covariance would be 0: start elsewhere, use fewer components, "
        "or make reg_covar positive (the component is then kept with weight 0)"
    )


def _layout(kind: str) -> str:
    """How the engine computes with a covariance type: a tied covariance is every component's full one."""
    return "full" if kind == "tied" else kind


# --------------------------------------------------------------------------
# One pass over the data, in blocks of rows
# --------------------------------------------------------------------------


class _Components(NamedTuple):
    """What the E-step needs of the parameters, in the shifted frame.

    Each point is *whitened* against each component: ``y_ij = (x_i - mu_j)
    P_j`` with ``P_j = L_j^{-T}`` and ``Sigma_j = L_j L_j^T``, so that its
    Mahalanobis distance is ``|y_ij|^2``.  For ``"full"`` covariances the
    ``P_j`` are stacked side by side as a ``(d, k * d)`` matrix and
    ``x @ whiten - offsets`` whitens a point against every component in one
    product.  For ``"diag"`` and ``"spherical"`` ``whiten`` holds the inverse
    standard deviations, ``(k, d)`` or ``(k, 1)``, and a block of points is
    whitened component by component and feature by feature, into a
    ``(k, d, rows)`` array (:func:`_squares`).  ``factor`` undoes the
    whitening: ``L_j`` for full covariances, the standard deviations
    otherwise.
    """

    kind: str
    means: np.ndarray  # (k, d), shifted
    whiten: np.ndarray
    offsets: np.ndarray | None  # full: means_j @ P_j, flattened (k * d,)
    factor: np.ndarray
    log_const: np.ndarray  # (k,): log w_j - log det(Sigma_j) / 2 - d log(2 pi) / 2


def _components(params: tuple, shift: np.ndarray, *, check: bool = True) -> _Components:
    """Factorise every component once (one batched Cholesky call for full covariances).

    ``params`` is a ``gmm.Params`` with its ``covariance_type``; a tied
    covariance is factorised as every component's.  Raises
    ``numpy.linalg.LinAlgError`` naming the first component whose covariance
    is singular to working precision (see
    :func:`emlib._validation.singular_components`); callers turn that into a
    message.  ``check=False`` skips that test, for covariances known to be
    positive definite.
    """
    weights, means, covariances = params
    kind = params.covariance_type
    k, d = means.shape
    means = means - shift
    tied = kind == "tied"
    if tied:  # every component's full covariance
        covariances, kind = np.broadcast_to(covariances, (k, d, d)), "full"
    failed = check and singular_components(covariances[:1] if tied else covariances)
    if failed:
        raise np.linalg.LinAlgError("the shared covariance is singular" if tied
                                    else f"component {failed[0]}'s covariance is singular")
    with np.errstate(divide="ignore"):  # a weight of 0 gives log 0 = -inf: that component never fits
        log_weights = np.log(weights)
    offsets = None
    if kind == "full":
        factor = np.linalg.cholesky(covariances)
        whiten = np.linalg.inv(factor).swapaxes(1, 2)  # P_j = L_j^{-T}
        half_log_det = np.log(np.diagonal(factor, axis1=1, axis2=2)).sum(axis=1)
        offsets = np.einsum("kd,kde->ke", means, whiten).ravel()
        whiten = whiten.transpose(1, 0, 2).reshape(d, k * d)
    else:
        factor = np.sqrt(covariances)
        whiten = 1 / factor if kind == "diag" else 1 / factor[:, None]
        half_log_det = np.log(factor).sum(axis=1) if kind == "diag" else d * np.log(factor)
    return _Components(kind, means, whiten, offsets, factor, log_weights - half_log_det - 0.5 * d * _LOG_2PI)


def _whitened(block: np.ndarray, comps: _Components) -> np.ndarray:
    """``(x_i - mu_j) P_j`` for a block of shifted rows, shape ``(rows, k, d)``."""
    if comps.kind == "full":
        whitened = block @ comps.whiten
        whitened -= comps.offsets
        return whitened.reshape(len(block), *comps.means.shape)
    return (block[:, None, :] - comps.means) * comps.whiten


@contextlib.contextmanager
def _unbuffered():
    """Let numpy's ufuncs run straight over their operands, without copying them into buffers.

    numpy (2.x) copies an operand that repeats along the innermost axis
    (such as ``centers[:, :, None]`` against a row of points) into a buffer
    to make its inner loops longer, when that axis is shorter than the
    buffer (8192 entries); that takes two to three times as long as the
    operation itself.  The smallest buffer turns that off.  The values
    computed are the same either way.
    """
    previous = np.setbufsize(16)
    try:
        yield
    finally:
        np.setbufsize(previous)


def _squares(block: np.ndarray, centers: np.ndarray, scale: np.ndarray | None, out: np.ndarray) -> np.ndarray:
    """``((x_i - c_j) * scale_j)^2`` for a block of rows, feature by feature, written into ``out``.

    The result is component-major and point-minor, ``(k, d, rows)``: every
    operation runs along a contiguous row of points, and the sums over
    features and over points that use it are matrix products.  ``scale``
    is ``(k, d)``, ``(k, 1)`` or ``None`` (no scaling); ``out`` is a flat
    scratch array of at least ``k * d * rows`` entries.  Offsets are
    taken before they are scaled and squared, so nothing cancels.
    """
    k, d = centers.shape
    squares = out[: k * d * len(block)].reshape(k, d, len(block))
    with np.errstate(over="ignore"), _unbuffered():  # beyond float64: inf, as far as any other distance
        np.subtract(block.T, centers[:, :, None], out=squares)
        if scale is not None:
            squares *= scale[:, :, None]
        return np.square(squares, out=squares)


def _distances(block: np.ndarray, comps: _Components, scratch: np.ndarray | None
               ) -> tuple[np.ndarray, np.ndarray]:
    """Squared Mahalanobis distances ``(k, rows)``, and the whitened offsets they came from.

    For ``"full"`` covariances the offsets are ``(rows, k, d)``
    (:func:`_whitened`); for ``"diag"`` and ``"spherical"`` they are
    squared, ``(k, d, rows)`` (:func:`_squares`, in ``scratch``), which is
    all the scatter needs of them.
    """
    k, d = comps.means.shape
    if comps.kind == "full":
        whitened = _whitened(block, comps)
        return np.einsum("ikd,ikd->ki", whitened, whitened, out=np.empty((k, len(block)))), whitened
    squares = _squares(block, comps.means, comps.whiten, scratch)
    with np.errstate(over="ignore"):  # beyond float64: inf, as far as any other distance
        distances = np.matmul(np.ones(d), squares)
    if np.isinf(distances.max()):  # a point that far has no share of the component: 0 * its squares
        np.minimum(squares, np.finfo(np.float64).max, out=squares)  # must be 0 in the scatter, not NaN
    return distances, squares


def _log_joint(distances: np.ndarray, comps: _Components) -> tuple[np.ndarray, np.ndarray]:
    """``log pi_k + log N(x_i | k)`` from the squared Mahalanobis distances, in two parts that add up to it.

    Overwrites ``distances``, ``(k, rows)``.  The first part, ``(k, rows)``,
    is component-major, so that the reductions over components run along
    contiguous rows; the second, ``(rows,)``, is ``-1/2`` times each
    point's smallest Mahalanobis distance.  Taking that out before the
    (small) log weights and determinants are added keeps them exact
    however far a point lies: at a distance of 1e6 the weights would
    otherwise be rounded to the spacing of floats near 1e12.
    """
    log_joint = distances
    nearest = log_joint.min(axis=0)
    with np.errstate(invalid="ignore"):  # inf - inf: a point too far from everything, refused later
        log_joint -= nearest
    log_joint *= -0.5
    log_joint += comps.log_const[:, None]
    return log_joint, -0.5 * nearest


def _normalize(log_joint: np.ndarray, base: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Log-responsibilities ``(k, rows)`` and each row's log-density, by log-sum-exp, from :func:`_log_joint`.

    Overwrites ``log_joint``.  A point whose density underflows under every
    component (``-inf`` throughout) is an error, not a NaN.
    """
    top = log_joint.max(axis=0)
    if not np.all(np.isfinite(top + base)):
        raise ValueError(FAR_FROM_EVERY_COMPONENT)
    log_joint -= top
    log_sums = np.log(np.exp(log_joint).sum(axis=0))
    log_joint -= log_sums
    return log_joint, log_sums + top + base


def _blocks(n_samples: int, kind: str, k: int, d: int) -> tuple[list[slice], np.ndarray | None]:
    """The blocks of rows a pass over the data takes in turn, and a scratch array for their squares.

    For ``"full"`` covariances a block holds about ``_BLOCK_ENTRIES``
    entries of ``(rows, k, d)`` temporaries; for ``"diag"`` and
    ``"spherical"`` about ``_SQUARES_ENTRIES`` of the ``(k, d, rows)``
    squares (:func:`_squares`), which every block writes into the one
    scratch array (``None`` for full covariances).
    """
    if kind == "full":
        size, scratch = max(16, _BLOCK_ENTRIES // (k * d)), None
    else:
        size = max(_MIN_ROWS, _SQUARES_ENTRIES // (k * d))
        scratch = np.empty(k * d * min(size, n_samples))
    return [slice(start, start + size) for start in range(0, n_samples, size)], scratch


class Data(NamedTuple):
    """The data shifted to their (weighted) mean, with the weights of the rows.

    For ``"diag"`` and ``"spherical"`` covariances the shifted data are
    stored feature by feature (Fortran order), so that in a block of rows
    each feature is a contiguous run of points, as :func:`_squares` reads
    them; for full covariances, in the order of ``X``.  The weights are
    divided by ``weight_scale``, a power of two near the largest, so that
    weighted sums cannot overflow; only their ratios matter to the
    parameters, and the log-likelihood is scaled back.
    """

    shifted: np.ndarray
    shift: np.ndarray
    sample_weight: np.ndarray | None
    total_weight: float  # of the weights as given
    weight_scale: float


def prepare(X: np.ndarray, sample_weight: np.ndarray | None, kind: str) -> Data:
    order = "K" if _layout(kind) == "full" else "F"  # see Data
    if sample_weight is None:
        shift = column_means(X)
        return Data(np.subtract(X, shift, order=order), shift, None, float(len(X)), 1.0)
    scale = 2.0 ** np.floor(np.log2(sample_weight.max()))
    sample_weight = sample_weight / scale
    total = float(sample_weight.sum()) * scale
    if not np.isfinite(total):
        raise ValueError("sample_weight sums to more than float64 holds; divide it by a constant "
                         "(only the ratios of the weights matter)")
    shift = column_means(X, sample_weight)
    return Data(np.subtract(X, shift, order=order), shift, sample_weight, total, float(scale))


def log_joint(data: Data, params: tuple) -> np.ndarray:
    """``log w_j + log N(x_i | mu_j, Sigma_j)`` for every row and component, ``(n, k)``.

    Raises ``numpy.linalg.LinAlgError`` as :func:`_components` does.
    """
    comps = _components(params, data.shift)
    n, (k, d) = len(data.shifted), comps.means.shape
    log_joint = np.empty((n, k))
    blocks, scratch = _blocks(n, comps.kind, k, d)
    for rows in blocks:
        distances, _ = _distances(data.shifted[rows], comps, scratch)
        part, nearest = _log_joint(distances, comps)
        log_joint[rows] = (part + nearest).T
    return log_joint


def log_resp(X: np.ndarray, params: tuple) -> tuple[np.ndarray, np.ndarray]:
    """The log-responsibilities ``(n, k)`` and the log-density of every row ``(n,)``."""
    data = prepare(X, None, params.covariance_type)
    comps = _components(params, data.shift)
    n, (k, d) = len(X), comps.means.shape
    log_resp, log_density = np.empty((n, k)), np.empty(n)
    blocks, scratch = _blocks(n, comps.kind, k, d)
    for rows in blocks:
        distances, _ = _distances(data.shifted[rows], comps, scratch)
        log_resp_t, log_density[rows] = _normalize(*_log_joint(distances, comps))
        log_resp[rows] = log_resp_t.T
    return log_resp, log_density



# --------------------------------------------------------------------------
# The M-step, from expected sufficient statistics
# --------------------------------------------------------------------------


class _Statistics(NamedTuple):
    """Each component's total responsibility, weighted sum and weighted scatter.

    The scatter is taken about ``anchors`` (in the shifted frame), of the
    whitened offsets when ``factor`` is given (``factor`` undoes that, see
    :class:`_Components`): ``(k, d, d)`` for full covariances, ``(k, d)``
    for diagonal ones, ``(k,)`` (summed over features) for spherical ones.
    """

    counts: np.ndarray  # (k,)
    sums: np.ndarray  # (k, d)
    scatter: np.ndarray
    anchors: np.ndarray  # (k, d)
    factor: np.ndarray | None


def _accumulator(kind: str, k: int, d: int) -> dict:
    scatter_shape = {"full": (k, d, d), "diag": (k, d), "spherical": (k,)}[kind]
    return {"counts": np.zeros(k), "sums": np.zeros((k, d)), "scatter": np.zeros(scatter_shape)}


def _offsets(block: np.ndarray, anchors: np.ndarray, kind: str, scratch: np.ndarray | None) -> np.ndarray:
    """The points less the anchors, unwhitened, as :func:`_accumulate` takes them.

    ``(rows, k, d)`` for ``"full"`` covariances; squared, ``(k, d, rows)``
    in ``scratch``, for ``"diag"`` and ``"spherical"`` (:func:`_squares`).
    """
    if kind == "full":
        return block[:, None, :] - anchors
    return _squares(block, anchors, None, scratch)


def _accumulate(stats: dict, kind: str, block: np.ndarray, resp: np.ndarray, offsets: np.ndarray) -> None:
    """Add one block to the sufficient statistics in ``stats``.

    ``resp`` is component-major, ``(k, rows)``, and already multiplied by
    the sample weights; ``offsets`` are the points less the anchors,
    whitened or not: ``(rows, k, d)`` for ``"full"`` covariances, squared
    and ``(k, d, rows)`` for ``"diag"`` and ``"spherical"`` (see
    :func:`_distances` and :func:`_offsets`), so that their weighted sum
    over the points is one matrix-vector product per component.
    """
    stats["counts"] += resp.sum(axis=1)
    stats["sums"] += resp @ block
    if kind == "full":
        offsets = offsets.transpose(1, 0, 2)  # (k, rows, d)
        weighted = np.multiply(resp[:, :, None], offsets, out=np.empty(offsets.shape))
        stats["scatter"] += np.matmul(weighted.transpose(0, 2, 1), offsets)
        return
    scatter = np.matmul(offsets, resp[:, :, None])[:, :, 0]  # (k, d): sum_i r_ik y_ikf^2
    stats["scatter"] += scatter if kind == "diag" else scatter.sum(axis=1)


def _statistics(data: Data, resp_of, anchors: np.ndarray, kind: str) -> _Statistics:
    """Sufficient statistics about ``anchors``, unwhitened; ``resp_of(rows)`` gives ``(k, rows)``."""
    k, d = anchors.shape
    stats = _accumulator(kind, k, d)
    blocks, scratch = _blocks(len(data.shifted), kind, k, d)
    for rows in blocks:
        block = data.shifted[rows]
        _accumulate(stats, kind, block, resp_of(rows), _offsets(block, anchors, kind, scratch))
    return _Statistics(**stats, anchors=anchors, factor=None)


def _params(stats: _Statistics, shift: np.ndarray, reg_covar: float, tied: bool) -> tuple[tuple, float]:
    """The M-step proper: maximise the expected complete-data log-likelihood.

    ``tied`` pools the components' full scatter into one covariance.

    Also returns how far the worst mean moved from its anchor, squared, in
    units of its new spread (the trace of its covariance): the scatter
    moved that far loses about that factor times the machine epsilon,
    relative.  ``inf`` if a component that moved has no spread left.
    """
    counts = stats.counts
    empty = counts <= 0  # kept with weight 0 (reg_covar > 0), see emlib.gmm.m_step
    if empty.any() and reg_covar == 0:
        raise Collapse(no_responsibility_left(np.flatnonzero(empty)[0]))
    k, d = stats.sums.shape
    weights = counts / counts.sum()
    divisor = np.where(empty, 1, counts)  # an empty component's sums are 0: it sits at the data's mean
    means = stats.sums / divisor[:, None]
    moved = np.where(empty[:, None], 0, means - stats.anchors)
    factor = stats.factor
    if stats.scatter.ndim == 3:
        scatter = stats.scatter / divisor[:, None, None]
        if factor is not None:
            scatter = factor @ scatter @ factor.swapaxes(1, 2)
        covariances = scatter - moved[:, :, None] * moved[:, None, :]
        covariances = (covariances + covariances.swapaxes(1, 2)) / 2
        spread = np.trace(covariances, axis1=1, axis2=2)
        if tied:  # sum_k N_k Sigma_k / n
            covariances = np.einsum("k,kij->ij", counts, covariances) / counts.sum()
        covariances[..., np.arange(d), np.arange(d)] += reg_covar
    else:
        spherical = stats.scatter.ndim == 1
        scatter = stats.scatter / (divisor if spherical else divisor[:, None])
        if factor is not None:
            scatter = scatter * factor**2
        variances = scatter - (np.einsum("kd,kd->k", moved, moved) if spherical else moved * moved)
        variances[variances <= _CANCELLED * scatter] = 0  # cancelled down to rounding: no spread
        spread = variances if spherical else variances.sum(axis=1)
        covariances = (variances / d if spherical else variances) + reg_covar
    squared_moves = np.einsum("kd,kd->k", moved, moved)
    with np.errstate(divide="ignore", invalid="ignore"):  # no spread left: count it as infinitely far
        loss = np.where(squared_moves > 0, squared_moves / np.maximum(spread, 0), 0.0).max()
    return (weights, means + shift, covariances), float(loss)


# --------------------------------------------------------------------------
# fit's iterations, and the rest
# --------------------------------------------------------------------------


def m_step(data: Data, resp: np.ndarray, kind: str, reg_covar: float) -> tuple:
    """``(weights, means, covariances)`` for responsibilities ``(n, k)``, the scatter taken about the new means."""
    weighted = resp if data.sample_weight is None else resp * data.sample_weight[:, None]
    counts = weighted.sum(axis=0)
    anchors = (weighted.T @ data.shifted) / np.where(counts > 0, counts, 1)[:, None]
    stats = _statistics(data, lambda rows: weighted[rows].T, anchors, _layout(kind))
    return _params(stats, data.shift, reg_covar, kind == "tied")[0]


def _collapse_message(error: Exception, iteration: int, reg_covar: float) -> str:
    return (
        f"a component collapsed after iteration {iteration} of EM: {error}. "
        f"This happens when a component's responsibility concentrates on points that lie in a "
        f"lower-dimensional affine subspace (a line in the plane, or fewer points than dimensions + 1), "
        f"where the likelihood is unbounded. Raise reg_covar (now {reg_covar}), "
        "use fewer components, or restart from another start"
    )


def _pass(data: Data, comps: _Components, hard: bool, anchors: np.ndarray | None = None
          ) -> tuple[_Statistics, float]:
    """One pass over the data: the E-step for ``comps`` and the statistics of its responsibilities.

    Returns the statistics, about ``comps.means`` in whitened form (or about
    ``anchors``, unwhitened), and the (weighted) log-likelihood.
    """
    n, (k, d) = len(data.shifted), comps.means.shape
    stats = _accumulator(comps.kind, k, d)
    total = 0.0
    blocks, scratch = _blocks(n, comps.kind, k, d)
    for rows in blocks:
        block = data.shifted[rows]
        distances, whitened = _distances(block, comps, scratch)
        log_resp, log_density = _normalize(*_log_joint(distances, comps))  # (k, rows), (rows,)
        if hard:
            resp = np.zeros_like(log_resp)
            resp[np.argmax(log_resp, axis=0), np.arange(resp.shape[1])] = 1
        else:
            resp = np.exp(log_resp)
        if data.sample_weight is None:
            total += float(log_density.sum())
        else:
            total += float(log_density @ data.sample_weight[rows]) * data.weight_scale
            resp *= data.sample_weight[rows]
        offsets = whitened if anchors is None else _offsets(block, anchors, comps.kind, scratch)
        _accumulate(stats, comps.kind, block, resp, offsets)
    if anchors is None:
        return _Statistics(**stats, anchors=comps.means, factor=comps.factor), total
    return _Statistics(**stats, anchors=anchors, factor=None), total


def _fit_components(data: Data, params: tuple, iteration: int, reg_covar: float) -> _Components:
    try:
        return _components(params, data.shift)
    except np.linalg.LinAlgError as error:
        raise Collapse(_collapse_message(f"{error}", iteration, reg_covar)) from None


def _sweep(data: Data, hard: bool, reg_covar: float, params: tuple, iteration: int,
           anchors: np.ndarray | None = None) -> tuple[_Statistics, float]:
    """One pass of :func:`run` over complete data: :func:`_pass` for ``params``, a collapse named by its iteration."""
    return _pass(data, _fit_components(data, params, iteration, reg_covar), hard, anchors)


def _fit_e_step(sweep, iteration: list, params: tuple) -> tuple[_Statistics, float]:
    """The E-step inside :func:`run`: the log-likelihood of ``params``, and the M-step's statistics."""
    return sweep(params, iteration[0])


def _fit_m_step(sweep, shift: np.ndarray, reg_covar: float, iteration: list, stats: _Statistics,
                params: NamedTuple) -> NamedTuple:
    """The M-step inside :func:`run`, from the statistics about the current means.

    If a mean moved so far (relative to its new spread) that moving the
    scatter would lose more than a few digits, the statistics are gathered
    again in a second pass, about the new means.
    """
    iteration[0] += 1
    tied = params.covariance_type == "tied"
    try:
        new, loss = _params(stats, shift, reg_covar, tied)
        if loss > _MOVE_LIMIT:
            stats = sweep(params, iteration[0] - 1, anchors=new[1] - shift)[0]
            new, _ = _params(stats, shift, reg_covar, tied)
    except Collapse as error:
        raise Collapse(_collapse_message(error, iteration[0], reg_covar)) from None
    return _read_only(params, *new)


def _read_only(params: NamedTuple, weights, means, covariances) -> NamedTuple:
    """``params`` (a ``gmm.Params``) with these parts, read-only, and its covariance type."""
    return params._replace(weights=read_only(weights), means=read_only(means), covariances=read_only(covariances))


def run(data: Data, params0: NamedTuple, *, reg_covar, hard, max_iter, tol, callback, sweep=None) -> em.EMResult:
    """EM from ``params0`` (a ``gmm.Params``), as :func:`emlib.gmm.fit` runs it; a collapse raises :class:`Collapse`.

    ``sweep(params, iteration, anchors=None)`` is one pass over the data:
    the statistics of the E-step at ``params`` (about their means, or about
    ``anchors``) and its log-likelihood; by default :func:`_sweep`, and
    :mod:`emlib._engine.gmm_holes` passes its own for data with holes.
    """
    sweep = functools.partial(_sweep, data, hard, reg_covar) if sweep is None else sweep
    iteration = [0]
    return em.run(
        _read_only(params0, *(np.array(part) for part in params0)),
        functools.partial(_fit_e_step, sweep, iteration),
        functools.partial(_fit_m_step, sweep, data.shift, reg_covar, iteration),
        max_iter=max_iter,
        tol=tol,
        n_rows=data.total_weight,
        callback=callback,
    )
