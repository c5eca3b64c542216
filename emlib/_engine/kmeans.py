"""The fast path behind :func:`emlib.kmeans.fit`: Lloyd's iterations in blocks of points.

:func:`emlib.kmeans.assign` and :func:`emlib.kmeans.update` are the two
steps as the chapter writes them; this module computes the same labels and
centers faster, and tests/test_engine.py checks that they agree.  How:

* X is put once in a frame where it is of unit size (:func:`prepare`) and
  cut into blocks, each stored transposed with a row of ones, so that one
  matrix product gives ``|c|^2 - 2 x.c`` for a block against every center
  (:func:`assign_pass`).  On large data the blocks are shared among threads
  (``EMLIB_NUM_THREADS``), with the same result whatever their number.
* The per-cluster sums and counts are kept from one iteration to the next:
  once the assignment settles, only the points that changed cluster are
  added and removed (:func:`_move_points`).  With sample weights, the
  counts are the clusters' total weights, summed afresh each iteration (a
  total that rounding left a hair above 0 would not be empty).
* A cluster left empty takes a far point (:func:`relocate_empty`, the rule
  the module docstring of :mod:`emlib.kmeans` states); the textbook
  :func:`emlib.kmeans.update` calls it too.

Nothing here checks its input: :mod:`emlib.kmeans` does that before calling in.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._math import Frame, unit_frame
from .._parallel import map_blocks
from .._validation import read_only

__all__ = ["Prepared", "prepare", "assign_pass", "cluster_sums", "relocate_empty", "WEIGHTED_INERTIA_OVERFLOWS",
           "in_units", "run"]

_PARALLEL_WORK = 2**19  # distances per assignment pass from which threads pay off


class Prepared(NamedTuple):
    """X in its frame, whole and as blocks for the assignment pass, with the rows' weights."""

    frame: Frame
    data: np.ndarray  # (n, d): X in the frame
    blocks: list  # (d + 1, block) arrays: data transposed, with a row of ones
    sq_norm_total: float  # sum of (weight times) |data_i|^2
    weights: np.ndarray | None  # (n,): the sample weights over their largest; None for 1 each
    weight_scale: float  # the largest sample weight: inertias in the data's units are times this


def _block_size(k: int) -> int:
    """Points per block: keeps the (k, block) distance array in the CPU cache."""
    return int(np.clip(2**16 // k, 256, 8192))


def prepare(X: np.ndarray, k: int, *others: np.ndarray, sample_weight: np.ndarray | None = None) -> Prepared:
    """Put X in a frame (that also holds ``others``, e.g. centers) and cut it into blocks."""
    frame = unit_frame(X, *others)
    data = frame.to_frame(X)
    size = _block_size(k)
    blocks = []
    for start in range(0, len(data), size):
        chunk = data[start : start + size]
        block = np.empty((data.shape[1] + 1, len(chunk)))
        block[:-1] = chunk.T
        block[-1] = 1.0
        blocks.append(block)
    sq_norms = np.einsum("ij,ij->i", data, data)
    if sample_weight is None:
        return Prepared(frame, data, blocks, float(sq_norms.sum()), None, 1.0)
    scale = float(sample_weight.max())  # weights at most 1: no weighted sum overflows
    weights = sample_weight / scale
    return Prepared(frame, data, blocks, float(sq_norms @ weights), weights, scale)


def assign_pass(prepared: Prepared, scaled_centers: np.ndarray) -> tuple[np.ndarray, float]:
    """The assignment step over the prepared blocks: labels and inertia (in the frame).

    For each block one matrix product gives ``|c|^2 - 2 x.c`` for all centers
    at once.  Its smallest entry per point, plus ``|x|^2``, is the squared
    distance to the nearest center; a 0/1 matrix marking where that minimum
    sits, multiplied by ``0, 1, ..., k-1``, gives the label (ties go to the
    lowest index).  When the clusters are so tight that adding ``|x|^2``
    back would cancel most digits, the inertia is summed directly instead.
    """
    k, d = scaled_centers.shape
    weights = np.empty((k, d + 1))
    weights[:, :-1] = -2.0 * scaled_centers
    weights[:, -1] = np.einsum("ij,ij->i", scaled_centers, scaled_centers)
    # one product with [0, 1, ..., k-1] and [1, 1, ..., 1] gives each point's
    # label and the number of centers at its minimum (more than 1: a tie)
    index_and_one = np.vstack([np.arange(k, dtype=np.float64), np.ones(k)])

    def nearest_in(start: int) -> tuple[np.ndarray, float]:
        block = prepared.blocks[start // size]
        partial = weights @ block  # (k, block): |c|^2 - 2 x.c
        nearest = partial.min(axis=0)
        onehot = np.equal(partial, nearest, out=partial, casting="unsafe")
        label_and_ties = index_and_one @ onehot
        if label_and_ties[1].max() > 1:  # a point tied between centers
            onehot *= np.cumsum(onehot, axis=0) == 1  # keep the lowest index, like argmin
            label_and_ties = index_and_one @ onehot
        if prepared.weights is None:
            return label_and_ties[0], nearest.sum()
        return label_and_ties[0], nearest @ prepared.weights[start : start + block.shape[1]]

    size = prepared.blocks[0].shape[1]
    passes = map_blocks(nearest_in, range(0, len(prepared.data), size),
                        parallel=len(prepared.data) * k >= _PARALLEL_WORK)
    label_values = np.concatenate([label_values for label_values, _ in passes])
    min_total = sum((block_total for _, block_total in passes), 0.0)  # in block order, whatever the threads
    labels = label_values.astype(np.intp)
    inertia = float(min_total) + prepared.sq_norm_total
    if inertia < 1e-4 * prepared.sq_norm_total:
        offsets = prepared.data - scaled_centers[labels]
        sq_distances = np.einsum("ij,ij->i", offsets, offsets)
        inertia = float(sq_distances.sum() if prepared.weights is None else sq_distances @ prepared.weights)
    return labels, inertia


def cluster_sums(points: np.ndarray, labels: np.ndarray, k: int,
                 weights: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Per-cluster (weighted) sums and counts (total weights) of the points, one ``bincount`` per feature."""
    if weights is None:
        sums = np.stack([np.bincount(labels, weights=column, minlength=k) for column in points.T], axis=1)
        return sums, np.bincount(labels, minlength=k).astype(np.float64)
    sums = np.stack([np.bincount(labels, weights=column * weights, minlength=k) for column in points.T], axis=1)
    return sums, np.bincount(labels, weights=weights, minlength=k)


def _move_points(points, moved, old_labels, new_labels, sums, counts):
    """Sums and counts after the points ``moved`` change cluster (no weights): only they are touched."""
    gained_sums, gained_counts = cluster_sums(points[moved], new_labels[moved], len(sums))
    lost_sums, lost_counts = cluster_sums(points[moved], old_labels[moved], len(sums))
    return sums + gained_sums - lost_sums, counts + gained_counts - lost_counts


def _rank_within_groups(groups: np.ndarray) -> np.ndarray:
    """For each entry, how many earlier entries belong to the same group."""
    order = np.argsort(groups, kind="stable")
    sorted_groups = groups[order]
    starts = np.flatnonzero(np.r_[True, sorted_groups[1:] != sorted_groups[:-1]])
    first_of_group = np.repeat(starts, np.diff(np.r_[starts, len(groups)]))
    rank = np.empty(len(groups), dtype=np.intp)
    rank[order] = np.arange(len(groups)) - first_of_group
    return rank


def relocate_empty(
    points: np.ndarray, labels: np.ndarray, sums: np.ndarray, counts: np.ndarray,
    weights: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sums, counts and labels after each empty cluster takes a far point.

    Each empty cluster (count, or total weight, 0) takes one of the points
    farthest from their own cluster's mean, never the last point of a
    cluster, nor a point of weight 0; those points change label, and their
    old clusters lose them.  If no point can be spared, a remaining empty
    cluster is put on the farthest point, with that point's weight as its
    count (a duplicate center; no label changes).  Without empty clusters
    the arguments come back unchanged.
    """
    empty = np.flatnonzero(counts == 0)
    if empty.size == 0:
        return sums, counts, labels
    weighted, weights = weights is not None, np.ones(len(points)) if weights is None else weights
    offsets = points - (sums / np.where(counts > 0, counts, 1)[:, None])[labels]
    residual = np.einsum("ij,ij->i", offsets, offsets)
    farthest_first = np.argsort(-residual, kind="stable")
    farthest_first = farthest_first[weights[farthest_first] > 0]  # a point of weight 0 moves no mean
    members = np.bincount(labels[weights > 0], minlength=len(counts))  # points of positive weight
    spare = (residual[farthest_first] > 0) & (
        _rank_within_groups(labels[farthest_first]) < members[labels[farthest_first]] - 1
    )
    donors = farthest_first[spare][: empty.size]
    moved = labels.copy()
    moved[donors] = empty[: donors.size]
    if weighted:  # afresh: a total of weights less the donors' can round to 0
        sums, counts = cluster_sums(points, moved, len(sums), weights)
    else:  # whole numbers, exact: only the donors change cluster
        lost_sums, lost_counts = cluster_sums(points[donors], labels[donors], len(sums))
        sums, counts = sums - lost_sums, counts - lost_counts
        sums[empty[: donors.size]] = points[donors]
        counts[empty[: donors.size]] = 1
    far = farthest_first[0]  # no point to spare: a duplicate center
    sums[empty[donors.size :]] = points[far] * weights[far]
    counts[empty[donors.size :]] = weights[far]
    return sums, counts, moved


#: The error of a weighted inertia beyond float64.
WEIGHTED_INERTIA_OVERFLOWS = (
    "the weighted inertia overflows float64: divide sample_weight by a constant "
    "(only the ratios of the weights matter to the centers)"
)


def in_units(prepared: Prepared, objective: float) -> float:
    """An inertia of the frame in X's units, times the weights' scale."""
    with np.errstate(over="ignore"):
        value = prepared.frame.in_units(objective) * prepared.weight_scale
    if not np.isfinite(value):
        raise ValueError(WEIGHTED_INERTIA_OVERFLOWS)
    return value


def run(prepared: Prepared, centers: np.ndarray, max_iter: int, tol: float):
    """Lloyd's iterations from ``centers`` (in X's units) until the assignment repeats or the centers settle.

    Returns ``(steps, labels, n_iter, converged)``: ``steps`` holds, for the
    start and after each iteration, the centers (in X's units, read-only)
    and the inertia of the points assigned to them.
    """
    frame, data, weights, k = prepared.frame, prepared.data, prepared.weights, len(centers)
    # scikit-learn's rule, in the frame: tol times the mean variance of the data (unweighted)
    tol_shift = tol * float(np.var(data, axis=0).mean())
    scaled = frame.to_frame(centers)
    labels, objective = assign_pass(prepared, scaled)
    sums, counts = cluster_sums(data, labels, k, weights)
    steps = [(centers, in_units(prepared, objective))]
    converged = False
    n_iter = 0
    while n_iter < max_iter and not converged:
        relocated_sums, relocated_counts, _ = relocate_empty(data, labels, sums, counts, weights)
        centers = read_only(frame.from_frame(relocated_sums / relocated_counts[:, None]))
        # work with exactly the centers reported: the labels are theirs
        new_scaled = frame.to_frame(centers)
        shift = float(np.sum((new_scaled - scaled) ** 2))
        scaled = new_scaled
        new_labels, objective = assign_pass(prepared, scaled)
        steps.append((centers, in_units(prepared, objective)))
        n_iter += 1
        moved = np.flatnonzero(new_labels != labels)
        converged = shift <= tol_shift or moved.size == 0
        if moved.size > len(data) // 2 or weights is not None:  # most points moved, or weights: afresh
            sums, counts = cluster_sums(data, new_labels, k, weights)
        elif moved.size:  # add and remove just the points that moved
            sums, counts = _move_points(data, moved, labels, new_labels, sums, counts)
        labels = new_labels
    return steps, labels, n_iter, converged
