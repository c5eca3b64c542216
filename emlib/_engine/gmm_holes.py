"""The path behind :func:`emlib.gmm.fit` on data with holes: EM in blocks of rows, whatever they miss.

:func:`emlib.gmm.e_step` and :func:`emlib.gmm.m_step` (given ``params_t``)
are the algorithm as the chapter derives it: a loop over the missingness
patterns (the rows that miss the same entries), through the rows twice,
once for the densities of the observed entries and once to fill the holes.
Here one pass over blocks of rows does both, with no loop over patterns:

* For full and tied covariances, each pattern's blocks of every component's
  covariance are factorised once per iteration, all in one batched call:
  the observed block ``Sigma_oo = L L^T``, padded with the identity on the
  missing features, so that ``L`` is a ``(d, d)`` matrix whatever the
  pattern.  With the offsets ``x - mu`` set to 0 where ``x`` is missing,
  ``y = L^-1 (x - mu)`` holds the whitened observed entries and zeros:
  ``|y|^2`` is the Mahalanobis distance of the observed entries and
  ``2 sum log diag L`` the log-determinant of ``Sigma_oo``.  The same factor
  gives the regression of the missing entries on the observed ones: with
  ``C = L^-1 Sigma_om`` (padded with zeros), the fill is ``mu_m + C^T y``
  and the conditional covariance ``Sigma_mm - C^T C``.  Each row takes its
  pattern's ``L^-1`` and ``C`` (a gather), so every operation runs over a
  block of rows.
* For diagonal and spherical covariances the features are independent
  within a component: a row's density is that of its observed features
  alone, each hole is filled with the component's mean and keeps its
  variance, all feature by feature.
* The responsibility-weighted counts, sums of the completed rows, their
  scatter about the current means and the conditional covariances are the
  expected sufficient statistics, from which
  :func:`emlib._engine.gmm._params` takes the M-step, as on complete data.

Rows with no observed entry are left out before (:func:`emlib.gmm.fit`).
tests/test_gmm_holes.py checks this path against the verbs.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

import numpy as np

from .. import em
from .._gmm_params import Params, full_covariances
from .._math import log_normalize, unique_rows
from . import gmm as engine

__all__ = ["Data", "prepare", "run"]

_LOG_2PI = np.log(2 * np.pi)
_GATHERED_ENTRIES = 2**17  # entries of a block's (rows, k, d, d) gathered factors: 1 MB


class Data(NamedTuple):
    """The rows shifted to their (weighted) mean, 0 where missing, and what each observes."""

    rows: engine.Data  # the shifted rows (NaN where missing) and their weights
    filled: np.ndarray  # (n, d): the shifted rows with 0 in every hole
    observed: np.ndarray  # (n, d) bool
    masks: np.ndarray  # (patterns, d) bool: the distinct rows of observed
    pattern_of: np.ndarray  # (n,): each row's index into masks


def prepare(X: np.ndarray, sample_weight: np.ndarray | None) -> Data:
    """``X`` (every row with an observed entry) shifted, its holes and its missingness patterns."""
    rows = engine.prepare(X, sample_weight, "full")
    observed = ~np.isnan(X)
    masks, pattern_of = unique_rows(observed)
    return Data(rows, np.where(observed, rows.shifted, 0.0), observed, masks, pattern_of)


class _Factors(NamedTuple):
    """Each pattern's factors under each component, ``(patterns, k, ...)``: see the module notes."""

    inverse: np.ndarray  # L^-1 of the padded Sigma_oo, (P, k, d, d)
    log_det: np.ndarray  # log |Sigma_oo|, (P, k)
    coupling: np.ndarray  # C = L^-1 Sigma_om, zero outside (o, m), (P, k, d, d)
    conditional: np.ndarray  # Sigma_mm - C^T C, zero outside (m, m), (P, k, d, d)


def _factors(covariances: np.ndarray, masks: np.ndarray) -> _Factors:
    """Factorise every pattern's observed block of every component's covariance ``(k, d, d)``, in one call."""
    d = covariances.shape[-1]
    seen = masks[:, None, :, None] & masks[:, None, None, :]  # (P, 1, d, d): the (o, o) block
    unseen = ~masks[:, None, :, None] & ~masks[:, None, None, :]  # the (m, m) block
    blocks = np.where(seen, covariances, np.eye(d))  # Sigma_oo, the identity on the missing features
    factor = np.linalg.cholesky(blocks)
    inverse = np.linalg.inv(factor)
    log_det = 2 * np.log(np.diagonal(factor, axis1=2, axis2=3)).sum(axis=2)
    across = masks[:, None, :, None] & ~masks[:, None, None, :]  # the (o, m) block
    coupling = inverse @ np.where(across, covariances, 0.0)
    conditional = np.where(unseen, covariances, 0.0) - coupling.swapaxes(2, 3) @ coupling
    return _Factors(inverse, log_det, coupling, conditional)


def _row_blocks(n: int, k: int, d: int, layout: str) -> list[slice]:
    size = max(16, _GATHERED_ENTRIES // (k * d * (d if layout == "full" else 1)))
    return [slice(start, start + size) for start in range(0, n, size)]


def _sweep(data: Data, hard: bool, reg_covar: float, params: Params, iteration: int,
           anchors: np.ndarray | None = None) -> tuple[engine._Statistics, float]:
    """One pass: the E-step at ``params``, its log-likelihood, and the statistics of the completed rows.

    The statistics are about the current means, or about ``anchors``
    (shifted); the holes are filled under ``params`` either way.
    """
    rows = data.rows
    engine._fit_components(rows, params, iteration, reg_covar)  # positive definite, or a Collapse
    k, d = params.means.shape
    layout = engine._layout(params.covariance_type)
    means = params.means - rows.shift
    anchors = means if anchors is None else anchors
    with np.errstate(divide="ignore"):  # a weight of 0: log 0 = -inf, that component never fits
        log_weights = np.log(params.weights)
    if layout == "full":
        factors = _factors(full_covariances(params), data.masks)
        pattern_resp = np.zeros((len(data.masks), k))  # sum of r_ik over each pattern's rows
    else:
        variances = params.covariances.reshape(k, -1) * np.ones(d)  # (k, d)
        hole_variances = np.zeros((k, d))  # sum_i r_ik Var[x_ij | k] over the holes
    counts, sums = np.zeros(k), np.zeros((k, d))
    scatter = np.zeros((k, d, d) if layout == "full" else (k, d))
    total = 0.0
    for block in _row_blocks(len(data.filled), k, d, layout):
        x, observed = data.filled[block][:, None, :], data.observed[block][:, None, :]
        offsets = np.where(observed, x - means, 0.0)  # x_o - mu_o, 0 in the holes: (r, k, d)
        if layout == "full":
            pattern = data.pattern_of[block]
            whitened = np.einsum("rkde,rke->rkd", factors.inverse[pattern], offsets)
            distances, log_det = np.einsum("rkd,rkd->rk", whitened, whitened), factors.log_det[pattern]
            fills = means - anchors + np.einsum("rked,rke->rkd", factors.coupling[pattern], whitened)
        else:
            distances = np.einsum("rkd,rkd->rk", offsets, offsets / variances)
            log_det = data.observed[block] @ np.log(variances).T
            fills = np.broadcast_to(means - anchors, offsets.shape)
        log_joint = log_weights - 0.5 * (data.observed[block].sum(axis=1)[:, None] * _LOG_2PI + log_det + distances)
        top = log_joint.max(axis=1, keepdims=True)
        if not np.all(np.isfinite(top)):
            raise ValueError(engine.FAR_FROM_EVERY_COMPONENT)
        log_resp, log_density = log_normalize(log_joint - top)
        resp = np.eye(k)[np.argmax(log_resp, axis=1)] if hard else np.exp(log_resp)  # (r, k)
        if rows.sample_weight is None:
            total += float(log_density.sum() + top.sum())
        else:
            weights = rows.sample_weight[block]
            total += float((log_density + top[:, 0]) @ weights) * rows.weight_scale
            resp *= weights[:, None]
        # each row completed under each component, less the anchors: (r, k, d)
        completed = np.where(observed, x - anchors, fills)
        weighted = resp[:, :, None] * completed
        counts += resp.sum(axis=0)
        sums += weighted.sum(axis=0)
        if layout == "full":
            scatter += np.matmul(weighted.transpose(1, 2, 0), completed.transpose(1, 0, 2))
            np.add.at(pattern_resp, pattern, resp)
        else:
            scatter += np.einsum("rkd,rkd->kd", weighted, completed)
            hole_variances += resp.T @ ~data.observed[block]
    if layout == "full":  # plus what the fills leave out: sum_i r_ik Cov[x_m | x_o, k]
        scatter += np.einsum("pk,pkde->kde", pattern_resp, factors.conditional)
    else:
        scatter += hole_variances * variances
        scatter = scatter if layout == "diag" else scatter.sum(axis=1)
    sums += counts[:, None] * anchors  # sum_i r_ik x_ik, in the shifted frame
    return engine._Statistics(counts, sums, scatter, anchors, None), total


def run(data: Data, params0: Params, *, reg_covar, hard, max_iter, tol, callback) -> em.EMResult:
    """EM from ``params0`` on data with holes, as :func:`emlib.gmm.fit` runs it (:func:`emlib._engine.gmm.run`)."""
    return engine.run(data.rows, params0, reg_covar=reg_covar, hard=hard, max_iter=max_iter, tol=tol,
                      callback=callback, sweep=functools.partial(_sweep, data, hard, reg_covar))
