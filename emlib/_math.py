"""Numerical helpers shared by the models."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

__all__ = ["Frame", "unit_frame", "column_means", "Pattern", "unique_rows", "missingness_patterns", "logsumexp",
           "log_normalize",
           "weighted_logs", "min_cost_assignment"]


_ROWS_PER_BLOCK = 4096  # rows of X taken at a time by column_means: no temporary as large as X


def column_means(X: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """The (weighted) mean of each column of ``X`` over its observed entries (NaN ignored); exact for a constant column.

    Taken as the column's smallest entry plus the mean offset from it: a
    constant column far from 0 (every entry 3e30, say) gets its value back
    rather than a rounding of it, so that centring leaves it exactly 0.
    The offsets are summed a block of rows at a time, so the memory used
    does not grow with X.
    """
    reference = np.fmin.reduce(X, axis=0)
    totals, counts = np.zeros(X.shape[1]), np.zeros(X.shape[1])
    for start in range(0, len(X), _ROWS_PER_BLOCK):
        offsets = X[start : start + _ROWS_PER_BLOCK] - reference
        observed = ~np.isnan(offsets)
        if weights is None:
            totals += np.sum(offsets, axis=0, where=observed)
            counts += observed.sum(axis=0)
        else:
            block_weights = weights[start : start + _ROWS_PER_BLOCK]
            totals += block_weights @ np.where(observed, offsets, 0)
            counts += block_weights @ observed
    return reference + totals / counts


class Pattern(NamedTuple):
    """The rows of ``X`` that miss the same entries."""

    rows: np.ndarray  # their indices in X
    observed: np.ndarray  # the features they observe
    missing: np.ndarray  # the features they miss
    values: np.ndarray  # X[rows][:, observed], shape (len(rows), len(observed))


def unique_rows(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of a boolean array, in lexicographic order, and which of them each row is.

    As ``np.unique(mask, axis=0, return_inverse=True)``; with up to 63
    columns each row is read as one integer (column 0 its highest bit),
    which sorts in a tenth of the time.
    """
    if mask.shape[1] <= 63:
        keys = mask @ (1 << np.arange(mask.shape[1] - 1, -1, -1, dtype=np.int64))
        _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        return mask[first], inverse.ravel()
    unique, inverse = np.unique(mask, axis=0, return_inverse=True)
    return unique, inverse.ravel()


def missingness_patterns(X: np.ndarray) -> list[Pattern]:
    """Group the rows of ``X`` by which entries are NaN, the groups in the order of their masks (as rows of bits)."""
    unique, inverse = unique_rows(np.isnan(X))
    order = np.argsort(inverse, kind="stable")
    groups = np.split(order, np.cumsum(np.bincount(inverse, minlength=len(unique)))[:-1])
    patterns = []
    for missing_mask, rows in zip(unique, groups):
        observed = np.flatnonzero(~missing_mask)
        patterns.append(Pattern(rows, observed, np.flatnonzero(missing_mask), X[np.ix_(rows, observed)]))
    return patterns


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


def min_cost_assignment(cost: np.ndarray) -> np.ndarray:
    """The permutation ``order`` of the columns that minimises ``sum_i cost[i, order[i]]``.

    ``cost`` is a square matrix of finite numbers.  This is the Hungarian
    algorithm with potentials (Kuhn 1955; Munkres 1957), ``O(k^3)`` for a
    ``k x k`` matrix: rows are added one at a time, and each is given a
    column along the cheapest augmenting path in the reduced costs.
    """
    k = cost.shape[0]
    row_potential, column_potential = np.zeros(k + 1), np.zeros(k + 1)
    row_of = np.zeros(k + 1, dtype=np.intp)  # row_of[j]: the row (1-based) given column j; column 0 is a dummy
    came_from = np.zeros(k + 1, dtype=np.intp)
    for row in range(1, k + 1):
        row_of[0] = row
        column = 0
        slack = np.full(k + 1, np.inf)
        used = np.zeros(k + 1, dtype=bool)
        while row_of[column] != 0:  # grow the tree until it reaches a free column
            used[column] = True
            current = row_of[column]
            reduced = cost[current - 1] - row_potential[current] - column_potential[1:]
            free = ~used[1:]
            better = free & (reduced < slack[1:])
            slack[1:][better] = reduced[better]
            came_from[1:][better] = column
            candidates = np.where(free, slack[1:], np.inf)
            column = int(np.argmin(candidates)) + 1
            delta = candidates[column - 1]
            row_potential[row_of[used]] += delta
            column_potential[used] -= delta
            slack[~used] -= delta
        while column:  # flip the path back to the root
            previous = came_from[column]
            row_of[column] = row_of[previous]
            column = previous
    order = np.empty(k, dtype=np.intp)
    order[row_of[1:] - 1] = np.arange(k)
    return order


class Frame(NamedTuple):
    """Coordinates ``(x - origin) / scale`` in which the data are of about unit size.

    ``scale`` is a power of two and ``origin`` (near the mean) has few
    significant bits, so for data such as small integers or halves both
    steps are exact and the means k-means computes come out exact (the mean
    of 1, 2 and 3 is 2, not 1.9999999999999991), while distances keep the
    precision that centring gives.  k-means and soft k-means compute their
    distances and means in such a frame (:func:`unit_frame`).
    """

    origin: np.ndarray
    scale: float

    def to_frame(self, points: np.ndarray) -> np.ndarray:
        if self.scale < 2.0**1000:
            return (points - self.origin) / self.scale
        return points / self.scale - self.origin / self.scale  # points - origin could overflow

    def from_frame(self, scaled: np.ndarray) -> np.ndarray:
        return scaled * self.scale + self.origin

    def in_units(self, squared_distances: float) -> float:
        """A sum of squared distances in the frame, in the data's own units."""
        if squared_distances == 0:
            return 0.0
        with np.errstate(over="ignore"):
            value = float(np.float64(squared_distances) * self.scale * self.scale)
        if not np.isfinite(value):
            raise ValueError(
                f"X spans about {self.scale:.0e}: its squared distances overflow float64; "
                "divide X by a constant such as X.std() (k-means is unaffected by scale)"
            )
        return value


def unit_frame(points: np.ndarray, *others: np.ndarray) -> Frame:
    """A frame centred near the mean of ``points`` in which they and ``others`` are of unit size."""
    every = (points, *others)
    largest = max(float(np.abs(p).max()) for p in every)
    if largest == 0:
        return Frame(np.zeros(points.shape[1]), 1.0)
    unit = 2.0 ** np.floor(np.log2(largest))  # divide by it first, so that nothing overflows
    mean = column_means(points / unit)  # a constant column stays exactly constant: no spread
    spread = max(float(np.abs(p / unit - mean).max()) for p in every)
    if spread == 0:  # all points are the same point
        return Frame(points[0].copy(), float(unit))
    exponent = int(np.clip(np.round(np.log2(spread)) + np.log2(unit), -1074, 1023))
    scale = np.ldexp(1.0, exponent)
    mean = mean * unit
    origin = mean
    step = np.ldexp(1.0, exponent - 10)  # 1/1024 of the scale
    if step > 0:  # (not for subnormal data) round the mean to the step where that is exact
        with np.errstate(over="ignore"):
            rounded = np.round(mean / step) * step
        origin = np.where(np.abs(mean) < np.ldexp(1.0, min(exponent + 42, 1023)), rounded, mean)
    return Frame(origin, float(scale))
