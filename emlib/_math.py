"""Numerical helpers shared by the models."""

from __future__ import annotations

import numpy as np

__all__ = ["logsumexp", "log_normalize", "weighted_logs"]


def logsumexp(values: np.ndarray, axis: int, *, keepdims: bool = False) -> np.ndarray:
    """``log(sum(exp(values), axis))`` without overflow or underflow.

    The largest entry along ``axis`` is taken out before exponentiating, so
    ``exp`` never overflows and at least one term is exactly 1.  A slice that
    is ``-inf`` throughout (every term impossible) gives ``-inf``, not NaN.
    """
    top = np.max(values, axis=axis, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)
    with np.errstate(divide="ignore"):  # log(0) = -inf for an all -inf slice
        log_sums = np.log(np.sum(np.exp(values - top), axis=axis, keepdims=True))
    return log_sums + top if keepdims else np.squeeze(log_sums + top, axis=axis)


def log_normalize(log_weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Normalise each row of ``exp(log_weights)`` to sum to 1, in log space.

    Returns ``(log_probabilities, log_totals)``: ``log_probabilities[i]`` is
    row ``i`` minus the log of its total, ``log_totals[i]`` that log total.
    The row's largest entry is subtracted first and the (small) log of the
    shifted sum second, so the probabilities sum to 1 to about 1e-16 however
    large the logs are; subtracting the total in one go would leave an error
    of 1e-16 times its size.  Every row needs at least one finite entry.
    """
    top = np.max(log_weights, axis=1, keepdims=True)
    shifted = log_weights - top
    log_sums = logsumexp(shifted, axis=1, keepdims=True)
    return shifted - log_sums, (top + log_sums)[:, 0]


def weighted_logs(weights: np.ndarray, logs: np.ndarray) -> np.ndarray:
    """``weights * logs`` with ``0 * log(0) = 0``: a zero weight contributes nothing, even against ``-inf``.

    The terms of an expected log-likelihood or an entropy; a positive weight
    on ``-inf`` stays ``-inf``.
    """
    with np.errstate(invalid="ignore"):  # 0 * -inf, discarded by the where
        return np.where(weights > 0, weights * logs, 0.0)
