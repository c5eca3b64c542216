"""Figures of the chapter "k-means": the two steps, whole runs and many starts.

The figures count iterations as the chapter does: iteration t (from 1) is
an assignment step, which gives the labels z^t from the centers μ^(t-1),
followed by an update step, which gives the centers μ^t.
``result.history[t].centers`` is μ^t, so ``result.history[0]`` holds the
start μ^0.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Polygon

from .. import kmeans
from .._validation import check_array, check_bool, check_float, check_int, check_labels
from ._base import (
    GREY,
    _at_least_one,
    _check_2d_points,
    _check_ax,
    _check_limits,
    _check_text,
    _colour,
    _each_result,
    _is_sequence,
    _one_per,
    data_limits,
    new_figure,
)
from .practice import _check_finals

__all__ = ["kmeans_state", "kmeans_steps", "kmeans_frames", "kmeans_starts", "clusterings", "inertia_trace",
           "final_inertias"]

# the colour of the lines between the regions of the assignment step.
_BOUNDARY = "#3d3d3d"


def _clip(polygon: np.ndarray, normal: np.ndarray, bound: float) -> np.ndarray:
    """The part of a convex polygon (vertices in order) where ``normal . x <= bound``."""
    if len(polygon) == 0:
        return polygon
    side = polygon @ normal - bound  # <= 0 inside
    kept = []
    for i in range(len(polygon)):
        j = (i + 1) % len(polygon)
        if side[i] <= 0:
            kept.append(polygon[i])
        if side[i] * side[j] < 0:  # the edge crosses the line: keep the crossing
            kept.append(polygon[i] + (polygon[j] - polygon[i]) * (side[i] / (side[i] - side[j])))
    return np.array(kept, dtype=float).reshape(-1, 2)


def _regions(centers: np.ndarray, limits) -> list[np.ndarray]:
    """The region of the plane nearest to each center, within ``limits``, as a polygon.

    Each region is the rectangle of the axes cut by one half-plane per other
    center (the points nearer to this center than to that one), so it is
    exact: a convex polygon.  A center that repeats an earlier one gets an
    empty region, as ties go to the lowest index in :func:`kmeans.assign`.
    """
    (x0, x1), (y0, y1) = limits
    box = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=float)
    regions = []
    for k, own in enumerate(centers):
        polygon = box
        for j, other in enumerate(centers):
            if j == k:
                continue
            if np.array_equal(own, other):
                if j < k:  # the earlier duplicate wins every tie
                    polygon = polygon[:0]
                continue
            # |x - own|^2 <= |x - other|^2  <=>  2 (other - own) . x <= |other|^2 - |own|^2
            polygon = _clip(polygon, 2.0 * (other - own), float(other @ other - own @ own))
        regions.append(polygon)
    return regions


def _shade_regions(ax: Axes, centers: np.ndarray, limits) -> None:
    """Tint the region nearest to each center and draw the lines between regions."""
    for k, polygon in enumerate(_regions(centers, limits)):
        if len(polygon) >= 3:
            ax.add_patch(Polygon(polygon, closed=True, facecolor=to_rgba(_colour(k), 0.13),
                                 edgecolor=_BOUNDARY, linewidth=0.9, zorder=0))


def _labels_after_update(X: np.ndarray, labels: np.ndarray, centers: np.ndarray) -> np.ndarray:
    """The labels as an update step left them: a cluster that had no point took the point its center moved onto."""
    labels = labels.copy()
    for k in np.setdiff1d(np.arange(len(centers)), labels):
        labels[np.argmin(np.sum((X - centers[k]) ** 2, axis=1))] = k
    return labels


def _legend_handles(center: str, previous: str) -> list[Line2D]:
    """Proxy artists that explain the markers of :func:`kmeans_state`: a center, where it was, a border."""
    return [
        Line2D([], [], linestyle="none", marker="X", markersize=11, markerfacecolor=GREY,
               markeredgecolor="black", label=center),
        Line2D([], [], linestyle="none", marker="o", markersize=6, markerfacecolor="white",
               markeredgecolor="black", label=previous),
        Line2D([], [], color=_BOUNDARY, linewidth=0.9, label="border between regions"),
    ]


def kmeans_state(
    X: object,
    centers: object,
    labels: object = None,
    *,
    ax: Axes,
    previous_centers: object = None,
    regions: bool = False,
    limits=None,
    title: str | None = None,
) -> Axes:
    """Draw 2-d points and k-means centers into ``ax``.

    Parameters
    ----------
    X : array-like of shape (n_samples, 2)
        The points.
    centers : array-like of shape (k, 2) or None
        The centers, drawn as large crosses in their cluster's colour.
    labels : array-like of int, optional
        Colour each point by its cluster; grey when omitted.
    ax : matplotlib.axes.Axes
        Where to draw.
    previous_centers : array-like of shape (k, 2), optional
        Where the centers were: drawn as small white dots on top of the
        crosses, with an arrow to each center that moved (an update step).
    regions : bool
        Tint the region of the plane nearest to each center and draw the
        borders between the regions (the picture of an assignment step).
    limits : ((xmin, xmax), (ymin, ymax)), optional
        Fixed axis limits, so that a sequence of frames does not jump.
    title : str, optional
        The panel's title.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``.

    Raises
    ------
    TypeError
        If ``X``, ``centers`` or ``previous_centers`` is not an array of real
        numbers, ``labels`` does not hold integers, ``ax`` is not a matplotlib
        ``Axes``, ``regions`` is not ``True`` or ``False``, ``limits`` is not
        a pair of pairs of real numbers, or ``title`` is not a string.
    ValueError
        If ``X``, ``centers`` or ``previous_centers`` is not a finite,
        non-empty array of shape ``(n, 2)``; ``labels`` does not have one
        entry per point, or has values outside ``0 .. k-1`` (any negative
        value when ``centers`` is None); ``previous_centers`` is given
        without ``centers`` or with a different shape; or ``limits`` is not
        two pairs ``(low, high)`` of finite numbers with ``low < high``.

    Examples
    --------
    >>> fig, axes = new_figure()
    >>> X = [[0.0, 0.0], [0.0, 1.0], [4.0, 0.0], [4.0, 1.0]]
    >>> ax = kmeans_state(X, [[0.0, 0.5], [4.0, 0.5]], [0, 0, 1, 1], ax=axes[0, 0], title="two clusters")
    >>> ax.get_title(), len(ax.collections)  # the points, the centers
    ('two clusters', 2)
    >>> ax = kmeans_state(X, [[0.0, 0.5], [4.0, 0.5]], ax=axes[0, 0], regions=True)
    >>> [patch.get_xy().min(axis=0).round(2).tolist() for patch in ax.patches]  # the two halves
    [[-0.32, -0.08], [2.0, -0.08]]
    """
    X = _check_2d_points(X)
    if centers is not None:
        centers = _check_2d_points(centers, "centers")
    if labels is not None:
        labels = check_labels(labels, len(X), None if centers is None else len(centers))
    regions = check_bool(regions, "regions")
    if previous_centers is not None:
        previous_centers = _check_2d_points(previous_centers, "previous_centers")
        if centers is None or previous_centers.shape != centers.shape:
            raise ValueError(
                "previous_centers must have the shape of centers "
                f"{None if centers is None else centers.shape}; got {previous_centers.shape}"
            )
    limits = data_limits(X) if limits is None else _check_limits(limits)
    title = _check_text(title, "title", optional=True)
    ax = _check_ax(ax)
    if regions and centers is not None:
        _shade_regions(ax, centers, limits)
    if labels is None:
        ax.scatter(X[:, 0], X[:, 1], s=14, color=GREY, alpha=0.8, linewidths=0)
    else:
        ax.scatter(
            X[:, 0], X[:, 1], s=14, c=[_colour(i) for i in labels], alpha=0.85, linewidths=0
        )
    if previous_centers is not None:
        for start, end in zip(previous_centers, centers):
            if np.allclose(start, end):
                continue
            ax.annotate(
                "", xy=end, xytext=start, zorder=4,
                arrowprops=dict(arrowstyle="-|>", color="black", lw=1.4, shrinkA=3, shrinkB=6),
            )
    if centers is not None:
        ax.scatter(
            centers[:, 0], centers[:, 1], marker="X", s=200,
            c=[_colour(i) for i in range(len(centers))], edgecolor="black", linewidths=1.3, zorder=5,
        )
    if previous_centers is not None:  # on top, so that a center that barely moved still shows both
        ax.scatter(previous_centers[:, 0], previous_centers[:, 1], marker="o", s=38,
                   facecolor="white", edgecolor="black", linewidths=1.0, zorder=6)
    ax.set_xlim(*limits[0])
    ax.set_ylim(*limits[1])
    ax.set_aspect("equal", adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def _largest_falls(result: kmeans.KMeansResult, n: int) -> list[int]:
    """The ``n`` iterations in which the inertia falls most (ties: the earlier), in increasing order.

    Iteration ``t`` takes the inertia from ``history[t - 1].inertia`` (the
    points assigned to the centers μ^(t-1)) to ``history[t].inertia``.
    """
    falls = -np.diff([step.inertia for step in result.history])
    return sorted((np.argsort(-falls, kind="stable")[:n] + 1).tolist())


def _check_iterations(iterations: object, n_iter: int) -> list[int]:
    """Iteration numbers ``t`` to draw: distinct integers in ``1 .. n_iter``, returned in increasing order."""
    if isinstance(iterations, (str, bytes)) or not _is_sequence(iterations):
        raise TypeError(f"iterations must be a sequence of iteration numbers; got {type(iterations).__name__}")
    checked = [check_int(t, f"iterations[{index}]", minimum=1, maximum=n_iter, maximum_name="result.n_iter")
               for index, t in enumerate(iterations)]
    if not checked:
        raise ValueError("iterations must hold at least one iteration number")
    if len(set(checked)) != len(checked):
        raise ValueError(f"iterations must be distinct; got {checked}")
    return sorted(checked)


def _step_title(t: int, step: str, value: float, *, digits: int = 1, note: str = "") -> str:
    """A panel title such as "iteration 5: assignment" over "J(z^5, μ^4) = 661.0" (in mathtext)."""
    centers = t - 1 if step == "assignment" else t
    return (f"iteration {t}: {step}{', ' + note if note else ''}\n"
            rf"$J(z^{{{t}}}, \mu^{{{centers}}}) = {value:.{digits}f}$")


def kmeans_steps(
    X: object,
    result: kmeans.KMeansResult,
    *,
    n_iterations: int | None = None,
    iterations: Sequence[int] | None = None,
) -> Figure:
    """Chosen iterations of k-means, the assignment and the update step side by side.

    Iteration ``t`` (counted from 1) is drawn as one row.  On the left, its
    assignment step: each point takes the colour of its nearest center in
    μ^(t-1), and the plane is divided into the regions nearest to
    each center.  On the right, its update step: each center moves to the
    mean of its points, μ^t; a small white dot marks where it was.
    Each title gives the inertia after the step, J(z^t, μ^(t-1))
    or J(z^t, μ^t).

    Parameters
    ----------
    X : array-like of shape (n_samples, 2)
        The data the result was fitted to.
    result : kmeans.KMeansResult
        A fit with its history.
    n_iterations : int, optional
        How many iterations (rows) to draw, at most ``result.n_iter``: those
        in which the inertia falls most, from ``result.history[t - 1]`` to
        ``result.history[t]`` (ties go to the earlier iteration), shown in
        order.  By default four, or all if there are fewer.
    iterations : sequence of int, optional
        The iterations to draw instead, distinct numbers in
        ``1 .. result.n_iter``; not together with ``n_iterations``.

    Returns
    -------
    Figure
        One row per iteration, a legend for the markers on top.

    Raises
    ------
    TypeError
        If ``X`` is not an array of real numbers, ``result`` is not a
        ``kmeans.KMeansResult``, ``n_iterations`` is not an integer, or
        ``iterations`` is not a sequence of integers.
    ValueError
        If ``X`` is not a finite, non-empty array of shape ``(n, 2)``, the
        result does not fit ``X`` (centers not of 2 columns, not one label per
        point) or has no iterations, ``n_iterations`` or an entry of
        ``iterations`` is not between 1 and ``result.n_iter``, ``iterations``
        is empty or repeats a number, or both are given.

    Examples
    --------
    >>> from emlib import kmeans
    >>> X = [[0.0, 0.0], [0.0, 1.0], [4.0, 0.0], [4.0, 1.0]]
    >>> result = kmeans.fit(X, 2, init=[[0.0, 0.0], [0.0, 1.0]])
    >>> fig = kmeans_steps(X, result)
    >>> result.n_iter, len(fig.axes), fig.axes[1].get_title().splitlines()
    (1, 2, ['iteration 1: update', '$J(z^{1}, \\\\mu^{1}) = 16.0$'])

    The iteration in which the inertia falls most, of a longer run:

    >>> X = [[6.0, 0.0], [7.0, 0.0], [7.0, 0.0], [7.0, 0.0], [8.0, 0.0], [9.0, 0.0], [23.0, 0.0]]
    >>> run = kmeans.fit(X, 2, init=X[:2])
    >>> [round(step.inertia, 1) for step in run.history]
    [261.0, 173.1, 55.0, 5.3]
    >>> fig = kmeans_steps(X, run, n_iterations=1)
    >>> [ax.get_title().splitlines()[0] for ax in fig.axes]
    ['iteration 2: assignment', 'iteration 2: update']
    """
    X = _check_2d_points(X)
    result = kmeans._check_result(result, X=X)
    if result.n_iter == 0:
        raise ValueError("result has no iterations to draw (result.n_iter = 0)")
    if iterations is not None:
        if n_iterations is not None:
            raise ValueError("give n_iterations or iterations, not both")
        shown = _check_iterations(iterations, result.n_iter)
    else:
        if n_iterations is None:
            n_iterations = min(4, result.n_iter)
        n_iterations = check_int(n_iterations, "n_iterations", minimum=1, maximum=result.n_iter,
                                 maximum_name="result.n_iter")
        shown = _largest_falls(result, n_iterations)
    # the points and every center drawn (a start may lie far from the data)
    limits = data_limits(np.vstack([X, *(result.history[t].centers for t in shown),
                                    *(result.history[t - 1].centers for t in shown)]))
    inertias = kmeans.half_step_inertias(X, result)
    fig, axes = new_figure(len(shown), 2, panel_size=(3.3, 3.0))
    for row, t in enumerate(shown):
        before, after = result.history[t - 1], result.history[t]
        labels = kmeans.assign(X, before.centers)
        kmeans_state(X, before.centers, labels, ax=axes[row, 0], regions=True, limits=limits,
                     title=_step_title(t, "assignment", inertias[2 * t - 2]))
        kmeans_state(X, after.centers, _labels_after_update(X, labels, after.centers), ax=axes[row, 1],
                     previous_centers=before.centers,
                     limits=limits, title=_step_title(t, "update", inertias[2 * t - 1]))
    fig.legend(handles=_legend_handles(r"center $\mu_k$", "where it was before the update"),
               loc="outside upper center", ncols=3,
               frameon=False, fontsize=9, columnspacing=1.2, handletextpad=0.4)
    return fig


def _frame_figure():
    """A figure for one frame of the slider, with the legend of the steps figure below the panel."""
    fig, axes = new_figure(panel_size=(4.8, 4.0))
    fig.legend(handles=_legend_handles(r"center $\mu_k$", "where it was"),
               loc="outside lower center", ncols=3, frameon=False, fontsize=9, columnspacing=1.0,
               handletextpad=0.4)
    return fig, axes


def kmeans_frames(X: object, result: kmeans.KMeansResult) -> list[tuple[str, Figure]]:
    """One figure per half-step of a k-means run, for a slider.

    The frames alternate, iteration by iteration: the assignment step (each
    point takes the colour of its nearest center; the plane is divided into
    the regions nearest to each center), then the update step that moves the
    centers (white dots mark where they were).  Each frame comes with a
    short label such as ``"2 · update"``, and its title gives the inertia
    after the step, as in :func:`kmeans_steps`; a legend below the panel
    explains the markers.  The last frame assigns the
    points to the final centers.  When the run converged because that
    assignment repeats the previous one, it is the assignment step of one
    more iteration, labelled like ``"3 · assign, stop"``; otherwise (the
    centers moved less than ``tol``, or ``max_iter`` was reached) it is
    labelled ``"final"``.

    Raises
    ------
    TypeError
        If ``X`` is not an array of real numbers, or ``result`` is not a
        ``kmeans.KMeansResult``.
    ValueError
        If ``X`` is not a finite, non-empty array of shape ``(n, 2)``, or the
        result does not fit ``X`` (centers not of 2 columns, not one label
        per point).

    Examples
    --------
    >>> from emlib import kmeans
    >>> X = [[0.0, 0.0], [0.0, 1.0], [4.0, 0.0], [4.0, 1.0]]
    >>> frames = kmeans_frames(X, kmeans.fit(X, 2, init=[[0.0, 0.0], [0.0, 1.0]]))
    >>> [label for label, _ in frames]
    ['1 · assign', '1 · update', '2 · assign, stop']
    >>> [fig.axes[0].get_title().splitlines()[0] for _, fig in frames]
    ['iteration 1: assignment', 'iteration 1: update', 'iteration 2: assignment, repeats $z^{1}$']
    >>> [label for label, _ in kmeans_frames(X, kmeans.fit(X, 2, init=[[0.0, 0.0], [0.0, 1.0]], max_iter=0))]
    ['final']
    """
    X = _check_2d_points(X)
    result = kmeans._check_result(result, X=X)
    limits = data_limits(np.vstack([X, *(step.centers for step in result.history)]))  # every center too
    inertias = kmeans.half_step_inertias(X, result)
    frames = []
    for t in range(1, result.n_iter + 2):  # iteration t assigns to the centers mu^(t-1)
        before = result.history[t - 1]
        labels = kmeans.assign(X, before.centers)
        last = t == result.n_iter + 1
        repeats = last and result.n_iter > 0 and np.array_equal(
            labels, kmeans.assign(X, result.history[t - 2].centers))
        if repeats:  # the assignment step that ends the run
            label = f"{t} · assign, stop"
            title = _step_title(t, "assignment", inertias[2 * t - 2], digits=2, note=f"repeats $z^{{{t - 1}}}$")
        elif last:  # the run stopped by tol or max_iter
            label = "final"
            title = "final clustering\n" + rf"$J = {inertias[2 * t - 2]:.2f}$"
        else:
            label = f"{t} · assign"
            title = _step_title(t, "assignment", inertias[2 * t - 2], digits=2)
        fig, axes = _frame_figure()
        kmeans_state(X, before.centers, labels, ax=axes[0, 0], regions=True, limits=limits, title=title)
        frames.append((label, fig))
        if last:
            break
        fig, axes = _frame_figure()
        kmeans_state(X, result.history[t].centers, _labels_after_update(X, labels, result.history[t].centers),
                     ax=axes[0, 0],
                     previous_centers=before.centers, limits=limits,
                     title=_step_title(t, "update", inertias[2 * t - 1], digits=2))
        frames.append((f"{t} · update", fig))
    return frames


def kmeans_starts(X: object, results: Sequence[kmeans.KMeansResult], titles: Sequence[str]) -> Figure:
    """Final clusterings of several runs side by side, each with its start and inertia.

    In each panel the points take the colour of their final cluster, the
    regions of the final centers are tinted and bordered, and an arrow runs
    from each center's start (a white dot) to where it ended (a cross).

    Raises
    ------
    TypeError
        If ``X`` is not an array of real numbers, ``results`` is not a
        sequence of ``kmeans.KMeansResult``, or ``titles`` is not a
        sequence of strings.
    ValueError
        If ``X`` is not a finite, non-empty array of shape ``(n, 2)``, there
        are no results, ``titles`` does not have one entry per result, or a
        result does not fit ``X`` (centers not of 2 columns, not one label
        per point).

    Examples
    --------
    A start on one side stays stuck; a start on both sides finds the two groups.

    >>> from emlib import kmeans
    >>> X = [[0.0, 0.0], [0.0, 1.0], [4.0, 0.0], [4.0, 1.0]]
    >>> starts = [[[0.0, 0.0], [0.0, 1.0]], [[0.0, 0.0], [4.0, 0.0]]]
    >>> results = [kmeans.fit(X, 2, init=start) for start in starts]
    >>> fig = kmeans_starts(X, results, ["one side", "both sides"])
    >>> [ax.get_title().splitlines()[1] for ax in fig.axes]
    ['final $J = 16.0$ after 1 iteration', 'final $J = 1.0$ after 1 iteration']
    >>> [text.get_text() for text in fig.legends[0].get_texts()]
    ['center at the end', 'where it started', 'border between regions']
    """
    X = _check_2d_points(X)
    results = _each_result(results, lambda result, name: kmeans._check_result(result, name, X))
    titles = _one_per(titles, len(results), "titles", "result")
    limits = data_limits(X)
    fig, axes = new_figure(1, len(results), panel_size=(3.3, 3.0))
    for ax, result, title in zip(axes[0], results, titles):
        kmeans_state(X, result.centers, result.labels, ax=ax, limits=limits, regions=True,
                     previous_centers=result.history[0].centers,
                     title=f"{title}\nfinal $J = {result.inertia:.1f}$ after {result.n_iter} "
                           f"iteration{'' if result.n_iter == 1 else 's'}")
    fig.legend(handles=_legend_handles("center at the end", "where it started"), loc="outside lower center", ncols=3, frameon=False, fontsize=9,
               columnspacing=1.2, handletextpad=0.4)
    return fig


def clusterings(
    X: object,
    labelings: Sequence[object],
    titles: Sequence[str],
    *,
    centers: Sequence[object | None] | None = None,
) -> Figure:
    """Several colourings of the same 2-d points side by side.

    Parameters
    ----------
    X : array-like of shape (n_samples, 2)
        The points.
    labelings : sequence of label arrays (or ``None`` for grey points)
        One colouring per panel.
    titles : sequence of str
        One title per panel.
    centers : sequence of (k, 2) arrays or None, optional
        Centers to mark in each panel.

    Raises
    ------
    TypeError
        If ``X`` or a panel's centers is not an array of real numbers,
        ``labelings`` or ``centers`` is not a sequence, a labeling does not
        hold integers, or ``titles`` is not a sequence of strings.
    ValueError
        If ``X`` or a panel's centers is not a finite, non-empty array of
        shape ``(n, 2)``, ``titles`` or ``centers`` does not have one entry
        per labeling, there are no labelings, or a labeling does not have one
        entry per point or has values outside ``0 .. k-1`` (any negative
        value when its panel has no centers).

    Examples
    --------
    >>> X = [[0.0, 0.0], [0.0, 1.0], [4.0, 0.0], [4.0, 1.0]]
    >>> fig = clusterings(X, [None, [0, 0, 1, 1]], ["the data", "two clusters"])
    >>> [ax.get_title() for ax in fig.axes]
    ['the data', 'two clusters']
    """
    X = _check_2d_points(X)
    labelings = _at_least_one(labelings, "labelings", "labeling", items="label arrays (or None)")
    titles = _one_per(titles, len(labelings), "titles", "labeling")
    if centers is None:
        centers = [None] * len(labelings)
    centers = _one_per(centers, len(labelings), "centers", "labeling", items="(k, 2) arrays or None")
    for index, (labels, panel_centers) in enumerate(zip(labelings, centers)):
        if panel_centers is not None:
            centers[index] = panel_centers = _check_2d_points(panel_centers, f"centers[{index}]")
        if labels is not None:
            k = None if panel_centers is None else len(panel_centers)
            labelings[index] = check_labels(labels, len(X), k, name=f"labelings[{index}]")
    limits = data_limits(X)
    fig, axes = new_figure(1, len(labelings), panel_size=(3.3, 3.0))
    for ax, labels, title, panel_centers in zip(axes[0], labelings, titles, centers):
        kmeans_state(X, panel_centers, labels, ax=ax, limits=limits, title=title)
    return fig


def inertia_trace(X: object, results: Sequence[kmeans.KMeansResult], names: Sequence[str]) -> Figure:
    """The inertia after every half-step of one or more runs.

    Iteration ``t`` of a run is drawn as two points: after its assignment
    step, J(z^t, μ^(t-1)), at ``t - 1/2`` (an open circle), and
    after its update step, J(z^t, μ^t), at ``t`` (a filled one).
    The last open circle, at ``n_iter + 1/2``, is the assignment step that
    ends the run.  Each run is one curve, in its own colour, and each step
    lowers the inertia or leaves it unchanged.

    Raises
    ------
    TypeError
        If ``X`` is not an array of real numbers, ``results`` is not a
        sequence of ``kmeans.KMeansResult``, or ``names`` is not a
        sequence of strings.
    ValueError
        If ``X`` is not a finite, non-empty 2-d array, there are no results,
        ``names`` does not have one entry per result, or a result does not fit
        ``X`` (its centers do not have as many columns, or its labels are not
        one per row).

    Examples
    --------
    >>> from emlib import kmeans
    >>> X = [[0.0, 0.0], [0.0, 1.0], [4.0, 0.0], [4.0, 1.0]]
    >>> fig = inertia_trace(X, [kmeans.fit(X, 2, init=[[0.0, 0.0], [0.0, 1.0]])], ["a poor start"])
    >>> ax = fig.axes[0]
    >>> ax.get_ylabel(), ax.lines[0].get_xdata().tolist(), ax.lines[0].get_ydata().tolist()
    ('inertia $J$', [0.5, 1.0, 1.5], [32.0, 16.0, 16.0])
    >>> ax.get_legend_handles_labels()[1]
    ['a poor start', 'after an assignment step', 'after an update step']
    """
    X = check_array(X, "X", ndim=2, shape_hint="of shape (n_samples, n_features)")
    results = _each_result(results, lambda result, name: kmeans._check_result(result, name, X))
    names = _one_per(names, len(results), "names", "result")
    fig, axes = new_figure(panel_size=(6.4, 3.4))
    ax = axes[0, 0]
    for index, (result, name) in enumerate(zip(results, names)):
        values = kmeans.half_step_inertias(X, result)
        positions = (np.arange(len(values)) + 1) / 2  # assignment of iteration t at t - 1/2, its update at t
        colour = _colour(index)
        ax.plot(positions, values, color=colour, label=name, zorder=2)
        ax.plot(positions[0::2], values[0::2], linestyle="none", marker="o", markersize=5,
                markerfacecolor="white", markeredgecolor=colour, zorder=3)
        ax.plot(positions[1::2], values[1::2], linestyle="none", marker="o", markersize=5,
                color=colour, zorder=3)
    ax.plot([], [], linestyle="none", marker="o", markersize=5, markerfacecolor="white",
            markeredgecolor="black", label="after an assignment step")
    ax.plot([], [], linestyle="none", marker="o", markersize=5, color="black", label="after an update step")
    ax.set_xlabel(r"iteration $t$ (assignment step at $t - \frac{1}{2}$, update step at $t$)")
    ax.set_ylabel("inertia $J$")
    last = max(len(result.history) for result in results)  # the last assignment step sits at n_iter + 1/2
    ax.set_xlim(0, last)
    if last <= 20:
        ax.set_xticks(range(last + 1))
    else:
        ax.xaxis.get_major_locator().set_params(integer=True)
    ax.grid(alpha=0.3)
    ax.legend(frameon=False)
    return fig


def final_inertias(samples: dict[str, Sequence[float]], *, best: float | None = None) -> Figure:
    """Histograms of the final inertia of many runs, one panel per way of starting.

    The panels share their bins and their horizontal axis, and every bar is
    labelled with its number of runs, so that a bar of one run is as easy to
    see as a bar of hundreds.

    Parameters
    ----------
    samples : dict of str to sequence of float
        For each way of starting (a panel's title), the final inertia of
        each run.
    best : float, optional
        Mark this value (the best inertia found) with a dashed line, and
        give in each title how many runs reached it (to a relative
        ``1e-6``) and how many did not.

    Returns
    -------
    Figure

    Raises
    ------
    TypeError
        If ``samples`` is not a dict, a sample does not hold real numbers, or
        ``best`` is not a real number.
    ValueError
        If ``samples`` is empty, a sample is not a finite, non-empty 1-d
        array, or ``best`` is not finite.

    Examples
    --------
    >>> fig = final_inertias({"random": [2.0, 2.0, 9.5], "k-means++": [2.0, 2.0, 2.0]}, best=2.0)
    >>> [ax.get_title() for ax in fig.axes]
    ['random: 2 of 3 runs reach the best $J$, 1 does not', 'k-means++: 3 of 3 runs reach the best $J$']
    >>> fig.axes[-1].get_xlabel(), [text.get_text() for text in fig.axes[0].texts]
    ('final inertia $J$', ['2', '1'])
    """
    arrays = _check_finals(samples, "inertias")
    best = None if best is None else check_float(best, "best")
    everything = np.concatenate(list(arrays.values()))
    low, high = everything.min(), everything.max()
    if low == high:  # every run ended at the same value: one visible bar
        low, high = low - 0.5 * max(abs(low), 1.0) * 1e-3, high + 0.5 * max(abs(high), 1.0) * 1e-3
    bins = np.linspace(low, high, 31)
    fig, axes = new_figure(len(arrays), 1, panel_size=(6.4, 1.9))
    tallest = max(np.histogram(values, bins=bins)[0].max() for values in arrays.values())
    for index, ((name, values), ax) in enumerate(zip(arrays.items(), axes[:, 0])):
        counts, _, bars = ax.hist(values, bins=bins, color=_colour(index), alpha=0.85)
        for count, bar in zip(counts, bars):
            if count:
                ax.annotate(f"{count:.0f}", (bar.get_x() + bar.get_width() / 2, count), xytext=(0, 2),
                            textcoords="offset points", ha="center", va="bottom", fontsize=9)
        title = str(name)
        if best is not None:
            reached = int(np.isclose(values, best, rtol=1e-6, atol=0).sum())
            missed = len(values) - reached
            title += f": {reached} of {len(values)} runs reach the best $J$"
            if missed:
                title += f", {missed} {'does' if missed == 1 else 'do'} not"
            ax.axvline(best, color="black", lw=1, ls="--", label="best $J$ found")
        ax.set_title(title, fontsize=10)
        ax.set_ylim(0, 1.25 * tallest)
        ax.set_ylabel("runs")
        ax.sharex(axes[0, 0])
    for ax in axes[:-1, 0]:
        ax.tick_params(labelbottom=False)
    axes[-1, 0].set_xlabel("final inertia $J$")
    if best is not None:
        axes[0, 0].legend(frameon=False, loc="upper center")
    return fig
