"""Figures of the chapter "k-means": the two steps, whole runs and many starts."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

try:
    from matplotlib.axes import Axes
    from matplotlib.colors import ListedColormap
    from matplotlib.figure import Figure
except ImportError as error:  # the optional extra is missing
    raise ImportError(
        "emlib.plots needs matplotlib: pip install 'emlib[plots]' (or pip install matplotlib)"
    ) from error

from .. import kmeans
from .._validation import check_array, check_bool, check_float, check_int, check_labels
from ._base import GREY, _at_least_one, _check_2d_points, _check_ax, _check_limits, _check_text, _colour, _each_result, _one_per, data_limits, new_figure
from .practice import _check_finals

__all__ = ["kmeans_state", "kmeans_steps", "kmeans_frames", "kmeans_starts", "clusterings", "inertia_trace", "final_inertias"]


def _shade_regions(ax: Axes, centers: np.ndarray, limits) -> None:
    """Tint the plane by nearest center: the regions the assignment step creates."""
    (x0, x1), (y0, y1) = limits
    gx, gy = np.meshgrid(np.linspace(x0, x1, 240), np.linspace(y0, y1, 240))
    grid_labels = kmeans.assign(np.column_stack([gx.ravel(), gy.ravel()]), centers)
    cmap = ListedColormap([_colour(i) for i in range(len(centers))])
    ax.imshow(
        grid_labels.reshape(gx.shape), origin="lower", extent=(x0, x1, y0, y1),
        cmap=cmap, vmin=-0.5, vmax=len(centers) - 0.5, alpha=0.13, aspect="auto",
        interpolation="nearest", zorder=0,
    )


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
        Draw each center's move from here as an arrow (an update step).
    regions : bool
        Tint the plane by nearest center (the regions of an assignment step).
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
                arrowprops=dict(arrowstyle="-|>", color="black", lw=1.4, shrinkA=0, shrinkB=6),
            )
        ax.scatter(previous_centers[:, 0], previous_centers[:, 1], marker="X", s=110,
                   facecolor="white", edgecolor="black", linewidths=1.0, zorder=4, alpha=0.9)
    if centers is not None:
        ax.scatter(
            centers[:, 0], centers[:, 1], marker="X", s=200,
            c=[_colour(i) for i in range(len(centers))], edgecolor="black", linewidths=1.3, zorder=5,
        )
    ax.set_xlim(*limits[0])
    ax.set_ylim(*limits[1])
    ax.set_aspect("equal", adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def kmeans_steps(X: object, result: kmeans.KMeansResult, *, n_iterations: int | None = None) -> Figure:
    """The first iterations of k-means, the assignment and the update step side by side.

    Row ``t`` shows iteration ``t + 1``: on the left the assignment step (each
    point takes the colour of its nearest center; the tint shows the regions),
    on the right the update step (each center moves to the mean of its points).

    Parameters
    ----------
    X : array-like of shape (n_samples, 2)
        The data the result was fitted to.
    result : kmeans.KMeansResult
        A fit with its history.
    n_iterations : int, optional
        How many iterations (rows) to draw, at most ``result.n_iter``; by
        default the first three, or all if there are fewer.

    Raises
    ------
    TypeError
        If ``X`` is not an array of real numbers, ``result`` is not a
        ``kmeans.KMeansResult``, or ``n_iterations`` is not an integer.
    ValueError
        If ``X`` is not a finite, non-empty array of shape ``(n, 2)``, the
        result does not fit ``X`` (centers not of 2 columns, not one label per
        point) or has no iterations, or ``n_iterations`` is not between 1 and
        ``result.n_iter``.

    Examples
    --------
    >>> from emlib import kmeans
    >>> X = [[0.0, 0.0], [0.0, 1.0], [4.0, 0.0], [4.0, 1.0]]
    >>> result = kmeans.fit(X, 2, init=[[0.0, 0.0], [0.0, 1.0]])
    >>> fig = kmeans_steps(X, result)
    >>> result.n_iter, len(fig.axes), fig.axes[1].get_title()
    (1, 2, 'iteration 1: update   (J = 16.0)')
    """
    X = _check_2d_points(X)
    result = kmeans._check_result(result, X=X)
    if result.n_iter == 0:
        raise ValueError("result has no iterations to draw (result.n_iter = 0)")
    if n_iterations is None:
        n_iterations = min(3, result.n_iter)
    n_iterations = check_int(n_iterations, "n_iterations", minimum=1, maximum=result.n_iter,
                             maximum_name="result.n_iter")
    limits = data_limits(X)
    inertias = kmeans.half_step_inertias(X, result)
    fig, axes = new_figure(n_iterations, 2, panel_size=(3.6, 3.2))
    for t in range(n_iterations):
        before, after = result.history[t], result.history[t + 1]
        labels = kmeans.assign(X, before.centers)
        kmeans_state(X, before.centers, labels, ax=axes[t, 0], regions=True, limits=limits,
                     title=f"iteration {t + 1}: assign   (J = {inertias[2 * t]:.1f})")
        kmeans_state(X, after.centers, labels, ax=axes[t, 1], previous_centers=before.centers,
                     limits=limits, title=f"iteration {t + 1}: update   (J = {inertias[2 * t + 1]:.1f})")
    return fig


def kmeans_frames(X: object, result: kmeans.KMeansResult) -> list[tuple[str, Figure]]:
    """One figure per half-step of a k-means run, for a slider.

    The frames alternate: the assignment to the current centers, then the
    update that moves them; the last frame is the final clustering.  Each
    comes with a short label such as ``"2 · update"``.

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
    ['1 · assign', '1 · update', 'final']
    """
    X = _check_2d_points(X)
    result = kmeans._check_result(result, X=X)
    limits = data_limits(X)
    inertias = kmeans.half_step_inertias(X, result)
    frames = []
    for t in range(result.n_iter + 1):
        step = result.history[t]
        labels = kmeans.assign(X, step.centers)
        fig, axes = new_figure(panel_size=(5.0, 4.2))
        last = t == result.n_iter
        kmeans_state(X, step.centers, labels, ax=axes[0, 0], regions=True, limits=limits,
                     title=(f"final clustering   J = {inertias[2 * t]:.2f}" if last else
                            f"iteration {t + 1} · assign   J = {inertias[2 * t]:.2f}"))
        frames.append(("final" if last else f"{t + 1} · assign", fig))
        if last:
            break
        fig, axes = new_figure(panel_size=(5.0, 4.2))
        kmeans_state(X, result.history[t + 1].centers, labels, ax=axes[0, 0],
                     previous_centers=step.centers, limits=limits,
                     title=f"iteration {t + 1} · update   J = {inertias[2 * t + 1]:.2f}")
        frames.append((f"{t + 1} · update", fig))
    return frames


def kmeans_starts(X: object, results: Sequence[kmeans.KMeansResult], titles: Sequence[str]) -> Figure:
    """Final clusterings of several runs side by side, each with its start and inertia.

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
    ['final J = 16.0 after 1 update', 'final J = 1.0 after 1 update']
    """
    X = _check_2d_points(X)
    results = _each_result(results, lambda result, name: kmeans._check_result(result, name, X))
    titles = _one_per(titles, len(results), "titles", "result")
    limits = data_limits(X)
    fig, axes = new_figure(1, len(results), panel_size=(4.0, 3.5))
    for ax, result, title in zip(axes[0], results, titles):
        kmeans_state(X, result.centers, result.labels, ax=ax, limits=limits, regions=True,
                     previous_centers=result.history[0].centers,
                     title=f"{title}\nfinal J = {result.inertia:.1f} after {result.n_iter} "
                           f"update{'' if result.n_iter == 1 else 's'}")
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
    fig, axes = new_figure(1, len(labelings), panel_size=(4.0, 3.5))
    for ax, labels, title, panel_centers in zip(axes[0], labelings, titles, centers):
        kmeans_state(X, panel_centers, labels, ax=ax, limits=limits, title=title)
    return fig


def inertia_trace(X: object, results: Sequence[kmeans.KMeansResult], names: Sequence[str]) -> Figure:
    """The inertia after every half-step of one or more runs.

    Each run is drawn as one curve: at iteration ``t`` the update step
    (moving the centers) and then the assignment step (relabelling the points)
    each lower the inertia or leave it unchanged.

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
    >>> fig.axes[0].get_ylabel(), fig.axes[0].lines[0].get_ydata().tolist()
    ('inertia J', [32.0, 16.0, 16.0])
    """
    X = check_array(X, "X", ndim=2, shape_hint="of shape (n_samples, n_features)")
    results = _each_result(results, lambda result, name: kmeans._check_result(result, name, X))
    names = _one_per(names, len(results), "names", "result")
    fig, axes = new_figure(panel_size=(6.4, 3.6))
    ax = axes[0, 0]
    for index, (result, name) in enumerate(zip(results, names)):
        values = kmeans.half_step_inertias(X, result)
        positions = np.arange(len(values)) / 2
        ax.plot(positions, values, marker="o", markersize=3.5, color=_colour(index), label=name)
    ax.set_xlabel("iteration (half-steps: update at t − ½, assignment at t)")
    ax.set_ylabel("inertia J")
    ax.grid(alpha=0.3)
    ax.legend(frameon=False)
    return fig


def final_inertias(samples: dict[str, Sequence[float]], *, best: float | None = None) -> Figure:
    """Histograms of the final inertia of many runs, one per way of starting.

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
    >>> fig.axes[0].get_xlabel(), fig.axes[0].get_legend_handles_labels()[1]
    ('final inertia J', ['random', 'k-means++', 'best found'])
    """
    arrays = _check_finals(samples, "inertias")
    best = None if best is None else check_float(best, "best")
    everything = np.concatenate(list(arrays.values()))
    low, high = everything.min(), everything.max()
    if low == high:  # every run ended at the same value: one visible bar
        low, high = low - 0.5 * max(abs(low), 1.0) * 1e-3, high + 0.5 * max(abs(high), 1.0) * 1e-3
    bins = np.linspace(low, high, 31)
    fig, axes = new_figure(panel_size=(6.4, 3.4))
    ax = axes[0, 0]
    for index, (name, values) in enumerate(arrays.items()):
        ax.hist(values, bins=bins, alpha=0.6, color=_colour(index), label=name)
    if best is not None:
        ax.axvline(best, color="black", lw=1, ls="--", label="best found")
    ax.set_xlabel("final inertia J")
    ax.set_ylabel("runs")
    ax.legend(frameon=False)
    return fig
