"""Figures for the chapters (needs the ``plots`` extra: matplotlib).

Every function that makes a figure returns a :class:`NotebookFigure`, a
matplotlib figure built without pyplot, so nothing accumulates in global
state (there is nothing to close): a notebook shows it (sharp on
high-resolution screens) when it is a cell's value, whatever the matplotlib
backend, and a script saves it with ``fig.savefig(...)``.  The ``*_frames``
functions return such figures in a list, one per frame of a slider
(:mod:`emlib.widgets`).  Functions that draw into an existing axes take
``ax=`` and return it.
"""

from __future__ import annotations

import io
import numbers
import struct
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np

try:
    from matplotlib.axes import Axes
    from matplotlib.colors import BoundaryNorm, ListedColormap, to_rgb
    from matplotlib.figure import Figure
    from matplotlib.patches import Circle, Ellipse
except ImportError as error:  # the optional extra is missing
    raise ImportError(
        "emlib.plots needs matplotlib: pip install 'emlib[plots]' (or pip install matplotlib)"
    ) from error

from . import coins, em, gmm, kmeans, missing, soft
from ._validation import (_describe, check_array, check_bool, check_float, check_int, check_labels, check_resp,
                          check_rng)

__all__ = [
    "PALETTE",
    "NotebookFigure",
    "new_figure",
    "data_limits",
    "kmeans_state",
    "kmeans_steps",
    "kmeans_frames",
    "kmeans_starts",
    "clusterings",
    "inertia_trace",
    "final_inertias",
    "coin_landscape",
    "coin_start_frames",
    "log_likelihood_trace",
    "mixture_state",
    "mixtures",
    "mixture_histograms",
    "mixture_frames",
    "function_slices",
    "error_against_n",
    "lower_bound_frames",
    "resp_colours",
    "soft_state",
    "soft_assignments",
    "soft_kmeans_frames",
    "imputation_state",
    "imputations",
    "imputation_frames",
    "point_sets",
    "final_log_likelihoods",
    "local_optima_frames",
    "collapse_trace",
    "convergence_rates",
    "information_criteria",
    "time_per_iteration",
]

#: Okabe & Ito's colour-blind-safe palette, one colour per cluster.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
GREY = "#8c8c8c"


class NotebookFigure(Figure):
    """A matplotlib figure that displays itself in Jupyter without pyplot.

    It renders at twice the resolution it is shown at, so that it stays sharp
    on high-resolution screens and when the HTML book is zoomed.

    Examples
    --------
    What Jupyter calls to show a figure: a PNG, and text for consoles.

    >>> fig, _ = new_figure(panel_size=(1.0, 1.0))
    >>> isinstance(fig, NotebookFigure), sorted(fig._repr_mimebundle_()[0])
    (True, ['image/png', 'text/plain'])
    """

    def _repr_mimebundle_(self, include=None, exclude=None):
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", dpi=2 * self.dpi, bbox_inches="tight")
        png = buffer.getvalue()
        width = struct.unpack(">I", png[16:20])[0]  # from the PNG header
        # the width only: a page narrower than the figure shrinks it, and the height follows
        shown = {"width": width // 2}
        return {"image/png": png, "text/plain": repr(self)}, {"image/png": shown}


def _colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def new_figure(nrows: int = 1, ncols: int = 1, *, panel_size: tuple[float, float] = (4.2, 3.6)):
    """A figure with a grid of axes, each ``panel_size`` inches; returns ``(fig, axes)``.

    ``axes`` is a 2-d array of shape ``(nrows, ncols)``.

    Raises
    ------
    TypeError
        If ``nrows`` or ``ncols`` is not an integer, or ``panel_size`` is not
        a pair of real numbers.
    ValueError
        If ``nrows`` or ``ncols`` is below 1, or ``panel_size`` does not have
        2 entries or has one that is not positive and finite.

    Examples
    --------
    >>> fig, axes = new_figure(2, 3, panel_size=(2.0, 1.5))
    >>> axes.shape, fig.get_size_inches().tolist()
    ((2, 3), [6.0, 3.0])
    """
    nrows = check_int(nrows, "nrows", minimum=1)
    ncols = check_int(ncols, "ncols", minimum=1)
    width, height = (check_float(size, f"panel_size[{index}]")
                     for index, size in enumerate(_check_pair(panel_size, "panel_size", "(width, height)")))
    for index, size in enumerate((width, height)):
        if size <= 0:
            raise ValueError(f"panel_size[{index}] must be positive (inches); got {size}")
    fig = NotebookFigure(figsize=(width * ncols, height * nrows), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False)
    return fig, axes


def data_limits(X: object, margin: float = 0.08) -> tuple[tuple[float, float], tuple[float, float]]:
    """Axis limits ``((xmin, xmax), (ymin, ymax))`` that hold the 2-d points ``X`` with a margin.

    Raises
    ------
    TypeError
        If ``X`` is not an array of real numbers, or ``margin`` is not a real
        number.
    ValueError
        If ``X`` is not a finite, non-empty array of shape ``(n, 2)``, or
        ``margin`` is negative or not finite.

    Examples
    --------
    8 % of each side's span is added at either end:

    >>> np.round(data_limits([[0.0, 0.0], [10.0, 5.0]]), 2).tolist()
    [[-0.8, 10.8], [-0.4, 5.4]]
    """
    X = _check_2d_points(X)
    margin = check_float(margin, "margin", minimum=0.0)
    low, high = X.min(axis=0), X.max(axis=0)
    span = high - low
    # a flat direction gets a margin of its own size, or 1 around 0
    pad = np.where(span > 0, margin * span, np.maximum(np.abs(low), 1.0) * margin)
    return (low[0] - pad[0], high[0] + pad[0]), (low[1] - pad[1], high[1] + pad[1])


def _check_2d_points(points: object, name: str = "X") -> np.ndarray:
    points = check_array(points, name, ndim=2, shape_hint="of shape (n, 2)")
    if points.shape[1] != 2:
        raise ValueError(f"{name} must have 2 columns to be drawn in the plane; got shape {points.shape}")
    return points


def _each_result(results: object, check: Callable[[object, str], Any], *, empty: bool = False) -> list:
    """``results`` as a list, each item checked by ``check(item, "results[i]")``; empty only if ``empty``."""
    if not _is_sequence(results):
        raise TypeError(f"results must be a sequence of results; got {type(results).__name__}")
    checked = [check(result, f"results[{index}]") for index, result in enumerate(results)]
    if not (checked or empty):
        raise ValueError("results must hold at least one result")
    return checked


def _is_sequence(value: object) -> bool:
    """A list, a tuple or an array of at least one dimension; not a string."""
    if isinstance(value, np.ndarray):
        return value.ndim >= 1
    return isinstance(value, Sequence) and not isinstance(value, (str, bytes))


def _one_per(values: Sequence, n: int, name: str, what: str, *, items: str = "strings") -> list:
    """``values`` as a list with one entry per ``what`` (``n`` of them); a lone string is refused."""
    if isinstance(values, (str, bytes)):
        raise TypeError(f"{name} must be a sequence of {items}, one per {what}; got a single string")
    if not _is_sequence(values):
        raise TypeError(f"{name} must be a sequence of {items}, one per {what}; got {type(values).__name__}")
    values = list(values)
    if len(values) != n:
        raise ValueError(f"{name} must have one entry per {what} ({n}); got {len(values)}")
    if items == "strings":
        values = [_check_text(value, f"{name}[{index}]") for index, value in enumerate(values)]
    return values


def _check_text(value: object, name: str, *, optional: bool = False) -> str | None:
    """A title or label: a string (a number is written out); ``None`` too if ``optional``."""
    if value is None and optional:
        return None
    if isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_)):
        return str(value)
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string; got {_describe(value)}")
    return value


def _at_least_one(values: object, name: str, what: str, *, items: str) -> list:
    """``values`` as a non-empty list of ``items`` (one per panel, each a ``what``)."""
    if not _is_sequence(values):
        raise TypeError(f"{name} must be a sequence of {items}; got {type(values).__name__}")
    values = list(values)
    if not values:
        raise ValueError(f"{name} must hold at least one {what}")
    return values


def _check_dict(value: object, name: str, what: str, kind: str) -> dict:
    """``value`` as a dict with at least one entry (a ``what``); ``kind`` says what it maps to what.

    ``kind`` reads after "dict", e.g. ``"of title -> points"``.
    """
    if not isinstance(value, dict):
        raise TypeError(f"{name} must be a non-empty dict {kind}; got {type(value).__name__}")
    if not value:
        raise ValueError(f"{name} must hold at least one {what}")
    return value


def _check_pair(value: object, name: str, shape: str) -> list:
    """``value`` as a list of two entries; ``shape`` shows the pair, e.g. ``"(low, high)"``."""
    if not _is_sequence(value):
        raise TypeError(f"{name} must be a pair {shape}; got {_describe(value)}")
    value = list(value)
    if len(value) != 2:
        raise ValueError(f"{name} must be a pair {shape}; got {len(value)} entries")
    return value


def _check_limits(limits: object, name: str = "limits") -> tuple[tuple[float, float], tuple[float, float]]:
    """Axis limits ``((xmin, xmax), (ymin, ymax))``: finite numbers, each low below its high."""
    pairs = _check_pair(limits, name, "((xmin, xmax), (ymin, ymax))")
    checked = []
    for index, pair in enumerate(pairs):
        low, high = (check_float(bound, f"{name}[{index}][{end}]")
                     for end, bound in enumerate(_check_pair(pair, f"{name}[{index}]", "(low, high)")))
        if not low < high:
            raise ValueError(f"{name}[{index}] must have its low end below its high end; got ({low}, {high})")
        checked.append((low, high))
    return tuple(checked)


def _check_ax(ax: object) -> Axes:
    if not isinstance(ax, Axes):
        advice = "; pick one panel, such as axes[0, 0]" if isinstance(ax, np.ndarray) else ""
        raise TypeError(f"ax must be a matplotlib Axes; got {type(ax).__name__}{advice}")
    return ax


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


# --------------------------------------------------------------------------
# Two coins
# --------------------------------------------------------------------------


def _check_coin_result(result: object, name: str = "result") -> em.EMResult:
    if not (isinstance(result, em.EMResult) and isinstance(result.params, coins.Params)):
        raise TypeError(f"{name} must be the result of coins.fit; got {type(result).__name__}")
    if len(result.params.theta) != 2:
        raise ValueError(f"{name} must be a fit of two coins to be drawn in the plane; "
                         f"it has {len(result.params.theta)}")
    return result


class _CoinSurface(NamedTuple):
    """The log-likelihood of two coins over a grid of (theta_A, theta_B)."""

    grid: np.ndarray          # (resolution,) values of theta on each axis
    below_max: np.ndarray     # (resolution, resolution) log-likelihood minus grid_max; [b, a]
    grid_max: float           # the largest log-likelihood on the grid


# contour levels, in log-likelihood below the maximum: close together near the top
_COIN_LEVELS = np.concatenate([-np.geomspace(64, 0.125, 10), [1e-9]])


def _coin_surface(heads, tosses, weights, resolution: int = 161) -> _CoinSurface:
    grid = np.linspace(0.005, 0.995, resolution)
    theta_a, theta_b = np.meshgrid(grid, grid)
    log_lik = coins.log_likelihood(heads, tosses, np.stack([theta_a, theta_b], axis=-1), weights)
    grid_max = float(log_lik.max())
    return _CoinSurface(grid, log_lik - grid_max, grid_max)


def _draw_coin_surface(ax: Axes, surface: _CoinSurface):
    # the far-down edges go in the lowest band; one colour per band, however narrow
    clipped = np.maximum(surface.below_max, _COIN_LEVELS[0])
    norm = BoundaryNorm(_COIN_LEVELS, 256)
    filled = ax.contourf(surface.grid, surface.grid, clipped, levels=_COIN_LEVELS,
                         cmap="viridis", norm=norm)
    ax.contour(surface.grid, surface.grid, clipped, levels=_COIN_LEVELS[1:-1],
               colors="white", linewidths=0.4, alpha=0.7)
    ax.plot([0, 1], [0, 1], ls="--", lw=1.0, color="white")
    ax.text(0.06, 0.10, r"$\theta_A = \theta_B$", rotation=45, color="white", fontsize=9)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_aspect("equal")
    ax.set_xlabel(r"$\theta_A$")
    ax.set_ylabel(r"$\theta_B$")
    return filled


def _draw_coin_path(ax: Axes, result: em.EMResult, colour: str, label: str | None = None) -> None:
    path = np.array([step.params.theta for step in result.history])
    ax.plot(path[:, 0], path[:, 1], "-", color=colour, lw=1.6, marker="o", markersize=3.2, label=label)
    ax.plot(*path[0], "o", markersize=8, markerfacecolor="white", markeredgecolor=colour, mew=2)
    ax.plot(*path[-1], "*", markersize=15, color=colour, markeredgecolor="black", mew=0.8)


def coin_landscape(
    heads: object,
    tosses: object,
    results: Sequence[em.EMResult] = (),
    *,
    names: Sequence[str] | None = None,
    weights: object = None,
) -> Figure:
    """The log-likelihood of two coins over (theta_A, theta_B), with EM's paths on it.

    Filled contours show the observed-data log-likelihood below its highest
    value on the grid (lighter is higher; each band is half as deep as the
    one below it, so the bands crowd near the top).  The dashed diagonal is
    ``theta_A = theta_B``.  Each result of :func:`emlib.coins.fit` is drawn
    as its path: an open circle at the start, a dot per iteration and a star
    where it stopped.

    Parameters
    ----------
    heads, tosses
        The rows, as in :func:`emlib.coins.fit`.
    results : sequence of em.EMResult
        Fits of two coins to these rows.
    names : sequence of str, optional
        A legend entry per result.
    weights : array-like of shape (2,), optional
        The mixing weights of the surface; equal by default.

    Raises
    ------
    TypeError
        If ``results`` is not a sequence of results of ``coins.fit``,
        ``names`` is not a sequence of strings, the counts are not
        numbers (or are booleans), or ``weights`` is not an array of real
        numbers.
    ValueError
        If a result is not a fit of two coins, ``names`` does not have one
        entry per result, the counts are negative, not whole, of different
        lengths or have more heads than tosses, or ``weights`` does not have
        2 non-negative entries summing to 1.

    Examples
    --------
    The surface and a colour bar, whose label gives the highest log-likelihood on the grid:

    >>> from emlib import coins
    >>> result = coins.fit([5, 9, 8, 4, 7], 10, [0.6, 0.5])
    >>> fig = coin_landscape([5, 9, 8, 4, 7], 10, [result], names=["from (0.6, 0.5)"])
    >>> len(fig.axes), fig.axes[1].get_ylabel()
    (2, 'log-likelihood − its maximum (-31.57)')
    """
    results = _each_result(results, _check_coin_result, empty=True)
    if names is not None:
        names = _one_per(names, len(results), "names", "result")
    surface = _coin_surface(heads, tosses, weights)
    fig, axes = new_figure(panel_size=(5.6, 4.6))
    ax = axes[0, 0]
    filled = _draw_coin_surface(ax, surface)
    colorbar = fig.colorbar(filled, ax=ax, shrink=0.9, format="%g",
                            label=f"log-likelihood − its maximum ({surface.grid_max:.2f})")
    colorbar.set_ticks(_COIN_LEVELS[:-1])
    for index, result in enumerate(results):
        _draw_coin_path(ax, result, _colour(index + 1), None if names is None else names[index])
    if names is not None and results:
        fig.legend(loc="outside lower center", ncols=min(3, len(results)), fontsize=8, frameon=False)
    return fig


def _check_starts(starts: object, name: str) -> np.ndarray:
    starts = check_array(starts, name, ndim=1, shape_hint="of shape (n_starts,)")
    if np.any((starts <= 0) | (starts >= 1)):
        raise ValueError(f"{name} must lie strictly between 0 and 1 (starting probabilities of heads); "
                         f"got {starts.tolist()}")
    if len(np.unique(starts)) != len(starts):
        raise ValueError(f"{name} must be distinct; got {starts.tolist()}")
    return starts


def coin_start_frames(
    heads: object,
    tosses: object,
    starts_a: Sequence[float],
    starts_b: Sequence[float],
    *,
    max_iter: int = 200,
    tol: float = 1e-8,
) -> list[list[Figure]]:
    """One figure per start of EM on two coins, for a two-slider widget.

    ``frames[i][j]`` shows the log-likelihood surface (see
    :func:`coin_landscape`) and the path of :func:`emlib.coins.fit` from
    ``theta0 = (starts_a[i], starts_b[j])``, titled with where it stopped.

    Parameters
    ----------
    heads, tosses
        The rows, as in :func:`emlib.coins.fit`.
    starts_a, starts_b : sequence of float
        Distinct starting values of theta_A and theta_B, strictly between 0
        and 1.
    max_iter, tol
        Passed to :func:`emlib.coins.fit`.

    Returns
    -------
    list of lists of Figure
        ``len(starts_a)`` rows of ``len(starts_b)`` figures.

    Raises
    ------
    TypeError
        If the counts are not numbers (or are booleans), ``starts_a`` or
        ``starts_b`` is not an array of real numbers, ``max_iter`` is not an
        integer, or ``tol`` is not a real number.
    ValueError
        If the counts are negative, not whole, of different lengths or have
        more heads than tosses; ``starts_a`` or ``starts_b`` is not a finite,
        non-empty 1-d array of distinct values strictly between 0 and 1; or
        ``max_iter`` or ``tol`` is negative (or ``tol`` not finite).

    Examples
    --------
    >>> frames = coin_start_frames([5, 9, 8, 4, 7], 10, [0.6, 0.4], [0.5])
    >>> len(frames), len(frames[0])
    (2, 1)
    >>> frames[0][0].axes[0].get_title().splitlines()[0]
    'start (0.60, 0.50) → (0.80, 0.52)'
    """
    starts_a = _check_starts(starts_a, "starts_a")
    starts_b = _check_starts(starts_b, "starts_b")
    surface = _coin_surface(heads, tosses, None)
    frames = []
    for theta_a in starts_a:
        row = []
        for theta_b in starts_b:
            result = coins.fit(heads, tosses, [theta_a, theta_b], max_iter=max_iter, tol=tol)
            fig, axes = new_figure(panel_size=(4.4, 4.0))
            _draw_coin_surface(axes[0, 0], surface)
            _draw_coin_path(axes[0, 0], result, _colour(1))
            end_a, end_b = result.params.theta
            axes[0, 0].set_title(
                f"start ({theta_a:.2f}, {theta_b:.2f}) → ({end_a:.2f}, {end_b:.2f})\n"
                f"after {result.n_iter} iterations, log-likelihood {result.log_likelihood:.2f}",
                fontsize=9,
            )
            row.append(fig)
        frames.append(row)
    return frames


def _check_em_result(result: object, name: str) -> em.EMResult:
    if not isinstance(result, em.EMResult):
        raise TypeError(f"{name} must be an em.EMResult; got {type(result).__name__}")
    return result


def log_likelihood_trace(results: Sequence[em.EMResult], names: Sequence[str]) -> Figure:
    """The log-likelihood after each iteration of one or more EM runs.

    Parameters
    ----------
    results : sequence of em.EMResult
        Fits of any emlib model; each is drawn from its start (iteration 0)
        to its last iteration.
    names : sequence of str
        A legend entry per result.

    Returns
    -------
    Figure

    Raises
    ------
    TypeError
        If ``results`` is not a sequence, a result is not an ``em.EMResult``,
        or ``names`` is not a sequence of strings.
    ValueError
        If there are no results, or ``names`` does not have one entry per
        result.

    Examples
    --------
    >>> from emlib import coins
    >>> starts = [[0.6, 0.5], [0.3, 0.9]]
    >>> results = [coins.fit([5, 9, 8, 4, 7], 10, start, max_iter=5, tol=0) for start in starts]
    >>> fig = log_likelihood_trace(results, ["(0.6, 0.5)", "(0.3, 0.9)"])
    >>> fig.axes[0].get_ylabel(), [len(line.get_xdata()) for line in fig.axes[0].lines]
    ('log-likelihood', [6, 6])
    """
    results = _each_result(results, _check_em_result)
    names = _one_per(names, len(results), "names", "result")
    fig, axes = new_figure(panel_size=(6.4, 3.6))
    ax = axes[0, 0]
    for index, (result, name) in enumerate(zip(results, names)):
        ax.plot(np.arange(result.n_iter + 1), result.log_likelihoods, marker="o", markersize=3.5,
                color=_colour(index), label=name)
    ax.set_xlabel("iteration")
    ax.set_ylabel("log-likelihood")
    ax.grid(alpha=0.3)
    ax.legend(frameon=False)
    return fig


# --------------------------------------------------------------------------
# Soft assignments and soft k-means (the chapter "From hard to soft assignments")
# --------------------------------------------------------------------------


def resp_colours(resp: object) -> np.ndarray:
    """Colours for softly assigned points: each row's mix of the clusters' colours.

    Point ``i`` gets ``sum_k resp[i, k] * PALETTE[k]``, mixed in RGB.  A point
    that belongs wholly to cluster ``k`` has exactly that cluster's colour,
    as in :func:`kmeans_state`; a point split between two clusters is a blend
    of their colours; a point split evenly among many is a dull grey-brown.
    Beyond ``len(PALETTE)`` clusters the colours repeat, as everywhere in this
    module.

    Parameters
    ----------
    resp : array-like of shape (n_samples, k)
        Responsibilities between 0 and 1, each row summing to 1 (for
        example from :func:`emlib.soft.responsibilities`).

    Returns
    -------
    ndarray of shape (n_samples, 3)
        RGB colours with entries between 0 and 1, for matplotlib's ``c=`` or
        ``color=``.

    Raises
    ------
    TypeError
        If ``resp`` does not hold real numbers.
    ValueError
        If ``resp`` is not a finite, non-empty 2-d array of probabilities whose
        rows sum to 1.

    Examples
    --------
    >>> resp_colours([[1.0, 0.0], [0.5, 0.5]]).round(3)
    array([[0.   , 0.447, 0.698],
           [0.451, 0.535, 0.349]])
    """
    resp = check_resp(resp)
    palette = np.array([to_rgb(_colour(index)) for index in range(resp.shape[1])])
    return np.clip(resp @ palette, 0.0, 1.0)


def soft_state(
    X: object,
    centers: object,
    resp: object,
    *,
    ax: Axes,
    sigma: float | None = None,
    limits=None,
    title: str | None = None,
) -> Axes:
    """Draw 2-d points coloured by their responsibilities, and the centers, into ``ax``.

    Parameters
    ----------
    X : array-like of shape (n_samples, 2)
        The points.
    centers : array-like of shape (k, 2)
        The centers, drawn as large crosses in their cluster's colour.
    resp : array-like of shape (n_samples, k)
        Each point's responsibilities; its colour mixes the clusters'
        colours in these proportions (:func:`resp_colours`).
    ax : matplotlib.axes.Axes
        Where to draw.
    sigma : float, optional
        Draw a dashed circle of this radius around each center: the standard
        deviation of the round Normal clouds behind the responsibilities.
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
        If ``X``, ``centers`` or ``resp`` is not an array of real numbers,
        ``ax`` is not a matplotlib ``Axes``, ``sigma`` is not a real number,
        ``limits`` is not a pair of pairs of real numbers, or ``title`` is
        not a string.
    ValueError
        If ``X`` or ``centers`` is not a finite, non-empty array of shape
        ``(n, 2)``; ``resp`` is not an array of probabilities whose rows sum
        to 1, of shape ``(n_samples, k)``; ``sigma`` is negative or not
        finite; or ``limits`` is not two pairs ``(low, high)`` of finite
        numbers with ``low < high``.

    Examples
    --------
    The points, the centers, and a circle of radius ``sigma`` around each center:

    >>> from emlib import soft
    >>> fig, axes = new_figure()
    >>> X, centers = [[0.0, 0.0], [2.0, 0.0], [4.0, 0.0]], [[0.0, 0.0], [4.0, 0.0]]
    >>> ax = soft_state(X, centers, soft.responsibilities(X, centers, beta=0.5), ax=axes[0, 0], sigma=1.0)
    >>> len(ax.collections), len(ax.patches)
    (2, 2)
    """
    X = _check_2d_points(X)
    centers = _check_2d_points(centers, "centers")
    colours = resp_colours(resp)
    if colours.shape[0] != len(X) or np.shape(resp)[1] != len(centers):
        raise ValueError(
            f"resp must have shape (n_samples, k) = ({len(X)}, {len(centers)}); got {np.shape(resp)}"
        )
    if sigma is not None:
        sigma = check_float(sigma, "sigma", minimum=0.0)
    limits = data_limits(X) if limits is None else _check_limits(limits)
    title = _check_text(title, "title", optional=True)
    ax = _check_ax(ax)
    ax.scatter(X[:, 0], X[:, 1], s=16, c=colours, alpha=0.9, linewidths=0)
    if sigma is not None:
        for index, center in enumerate(centers):
            ax.add_patch(Circle(center, sigma, fill=False, ls="--", lw=1.1, color=_colour(index), zorder=3))
    ax.scatter(centers[:, 0], centers[:, 1], marker="X", s=200,
               c=[_colour(i) for i in range(len(centers))], edgecolor="black", linewidths=1.3, zorder=5)
    ax.set_xlim(*limits[0])
    ax.set_ylim(*limits[1])
    ax.set_aspect("equal", adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def soft_assignments(X: object, centers: object, resps: Sequence[object], titles: Sequence[str]) -> Figure:
    """Several soft assignments of the same points to the same centers, side by side.

    Each panel colours the points by one array of responsibilities (see
    :func:`soft_state`), for example the same centers under different rules
    or different stiffnesses.

    Parameters
    ----------
    X : array-like of shape (n_samples, 2)
        The points.
    centers : array-like of shape (k, 2)
        The centers, the same in every panel.
    resps : sequence of arrays of shape (n_samples, k)
        One array of responsibilities per panel.
    titles : sequence of str
        One title per panel.

    Raises
    ------
    TypeError
        If ``X``, ``centers`` or an array of ``resps`` is not an array of
        real numbers, ``resps`` is not a sequence, or ``titles`` is not
        a sequence of strings.
    ValueError
        If there are no arrays of responsibilities, ``titles`` does not have
        one entry per array, or ``X``, ``centers`` or an array of ``resps``
        is not valid (as in :func:`soft_state`).

    Examples
    --------
    >>> from emlib import soft
    >>> X, centers = [[0.0, 0.0], [1.0, 0.0], [4.0, 0.0]], [[0.0, 0.0], [4.0, 0.0]]
    >>> resps = [soft.responsibilities(X, centers, beta) for beta in (0.05, 2.0)]
    >>> fig = soft_assignments(X, centers, resps, ["soft", "stiff"])
    >>> [ax.get_title() for ax in fig.axes]
    ['soft', 'stiff']
    """
    X = _check_2d_points(X)
    centers = _check_2d_points(centers, "centers")
    resps = _at_least_one(resps, "resps", "array of responsibilities", items="arrays of responsibilities")
    titles = _one_per(titles, len(resps), "titles", "array of responsibilities")
    for index, resp in enumerate(resps):
        resps[index] = resp = check_resp(resp, len(X), name=f"resps[{index}]")
        if resp.shape[1] != len(centers):
            raise ValueError(f"resps[{index}] must have one column per center ({len(centers)}); "
                             f"got shape {resp.shape}")
    limits = data_limits(X)
    fig, axes = new_figure(1, len(resps), panel_size=(3.3, 3.0))
    for ax, resp, title in zip(axes[0], resps, titles):
        soft_state(X, centers, resp, ax=ax, limits=limits, title=title)
    return fig


def _distinct_labels(values: Sequence[float], digits: int) -> list[str]:
    """``values`` as short labels, ``digits`` significant digits or as many more as tell them apart.

    Ordinary values keep their short form (0.6 is ``"0.6"``); only values that
    agree to ``digits`` digits get more, all of them the same number, up to
    the 17 that tell any two floats apart.  Equal values get equal labels.
    """
    for precision in range(digits, 18):
        labels = [f"{float(value):.{precision}g}" for value in values]
        if len(set(labels)) == len(set(float(value) for value in values)):
            break
    return labels


def _check_soft_result(result: object, name: str) -> em.EMResult:
    if not (isinstance(result, em.EMResult) and isinstance(result.params, soft.Params)):
        raise TypeError(f"{name} must be the result of soft.fit; got {type(result).__name__}")
    return result


def soft_kmeans_frames(X: object, results: Sequence[em.EMResult]) -> list[tuple[str, Figure]]:
    """One figure per soft k-means fit, for a slider over the stiffness.

    Each frame shows the final centers of one :func:`emlib.soft.fit`, the
    points coloured by their final responsibilities, and a dashed circle of
    radius ``sigma = 1 / sqrt(2 beta)`` around each center.  Centers that
    have merged (closer than 1 % of the data's extent) are drawn on top of
    each other and marked with their number, such as "×2"; the title says at
    how many places the centers are.  Every frame has the same axis limits.

    Parameters
    ----------
    X : array-like of shape (n_samples, 2)
        The data the results were fitted to.
    results : sequence of em.EMResult
        Results of :func:`emlib.soft.fit`, each with a different ``beta``,
        in slider order.

    Returns
    -------
    list of (str, Figure)
        A label per frame, the value of ``beta`` (``"0.1"``), and its figure.

    Raises
    ------
    TypeError
        If ``X`` is not an array of real numbers, ``results`` is not a
        sequence, or a result is not a result of :func:`emlib.soft.fit`.
    ValueError
        If ``X`` is not a finite, non-empty array of shape ``(n, 2)``, there
        are no results, two have the same ``beta``, or their centers are not
        points of the plane.

    Examples
    --------
    >>> from emlib import soft
    >>> X = [[0.0, 0.0], [0.0, 1.0], [4.0, 0.0], [4.0, 1.0]]
    >>> results = [soft.fit(X, [[1.0, 0.0], [3.0, 1.0]], beta) for beta in (0.05, 2.0)]
    >>> [label for label, _ in soft_kmeans_frames(X, results)]
    ['0.05', '2']
    """
    X = _check_2d_points(X)
    results = _each_result(results, _check_soft_result)
    labels = _distinct_labels([result.params.beta for result in results], 3)
    if len(set(labels)) != len(labels):
        raise ValueError(f"results must have distinct values of beta; got {labels}")
    limits = data_limits(X)
    tolerance = 0.01 * float(np.ptp(X, axis=0).max())
    frames = []
    for label, result in zip(labels, results):
        centers, beta = result.params
        sigma = 1.0 / np.sqrt(2.0 * beta)
        resp = soft.responsibilities(X, centers, beta)
        places = soft.places(centers, tolerance)
        fig, axes = new_figure(panel_size=(5.0, 4.2))
        ax = soft_state(X, centers, resp, ax=axes[0, 0], sigma=sigma, limits=limits,
                        title=(f"β = {label}   (σ = {sigma:.2f}):   {len(centers)} centers at "
                               f"{len(places)} place{'s' if len(places) > 1 else ''}\n"
                               f"log-likelihood {result.log_likelihood:.1f} after {result.n_iter} iterations"))
        for position, count in places:
            if count > 1:
                ax.annotate(f"×{count}", position, xytext=(9, 7), textcoords="offset points",
                            fontsize=11, fontweight="bold", zorder=6)
        frames.append((label, fig))
    return frames


# --------------------------------------------------------------------------
# Gaussian mixtures (the chapter "Gaussian mixtures")
# --------------------------------------------------------------------------

_BINS = 40  # histogram bins for 1-d mixtures


def _check_mixture_data(X: object) -> np.ndarray:
    X = check_array(X, "X", ndim=2, shape_hint="of shape (n, 1) or (n, 2)")
    if X.shape[1] not in (1, 2):
        raise ValueError(f"X must have 1 or 2 columns to be drawn; got shape {X.shape}")
    return X


def _check_gmm_result(result: object, name: str = "result", X: np.ndarray | None = None) -> em.EMResult:
    """The result of ``gmm.fit``; with ``X``, a fit of as many features as ``X``."""
    if not (isinstance(result, em.EMResult) and isinstance(result.params, gmm.Params)):
        raise TypeError(f"{name} must be the em.EMResult of gmm.fit; got {type(result).__name__}")
    if X is not None:
        gmm._check_params(result.params, X.shape[1], f"{name}.params")
    return result


def _weighted_densities(grid: np.ndarray, params: gmm.Params) -> np.ndarray:
    """``weights[j] N(x | j)`` at the points of ``grid`` ``(m, d)``, shape ``(m, k)``."""
    log_resp, log_density = gmm._log_resp(grid, gmm._check_params(params, grid.shape[1]))
    return np.exp(log_resp + log_density[:, None])


def _mixture_limits(X: np.ndarray, params: Sequence[gmm.Params]):
    """Axis limits for the data: for 1-d data, x and a height that holds every curve and the histogram."""
    if X.shape[1] == 2:
        return data_limits(X)
    (xlim, _) = data_limits(np.column_stack([X[:, 0], X[:, 0]]))
    grid = np.linspace(*xlim, 400)[:, None]
    tallest = max(_weighted_densities(grid, p).sum(axis=1).max() for p in params)
    heights, _ = np.histogram(X[:, 0], bins=_BINS, density=True)
    return xlim, (0.0, 1.1 * max(tallest, heights.max()))


def _ellipse(ax: Axes, mean: np.ndarray, covariance: np.ndarray, radius: float, **style) -> None:
    """The contour at ``radius`` standard deviations of a 2-d Normal."""
    eigenvalues, eigenvectors = np.linalg.eigh(covariance)
    angle = np.degrees(np.arctan2(eigenvectors[1, -1], eigenvectors[0, -1]))
    width, height = 2 * radius * np.sqrt(eigenvalues[::-1])
    ax.add_patch(Ellipse(mean, width, height, angle=angle, fill=False, **style))


def _full_covariances(params: gmm.Params) -> np.ndarray:
    covariances = np.asarray(params.covariances)
    d = params.means.shape[1]
    if covariances.ndim == 3:
        return covariances
    if covariances.ndim == 2:
        return covariances[:, :, None] * np.eye(d)
    return covariances[:, None, None] * np.eye(d)


def mixture_state(
    X: object, params: gmm.Params, *, ax: Axes, limits=None, title: str | None = None,
) -> Axes:
    """Draw data and a Gaussian mixture into ``ax``: the picture of one EM iteration.

    For 1-d data: a density histogram of the points, each component's
    weighted density ``weights[j] N(x | j)`` in its colour, their sum (the
    mixture) in black, and a rug of the points coloured by responsibility.
    For 2-d data: the points coloured by responsibility
    (:func:`resp_colours`), each mean as a cross, and ellipses at 1 and 2
    standard deviations of each component.

    Parameters
    ----------
    X : array-like of shape (n, 1) or (n, 2)
        The data.
    params : gmm.Params
        The mixture (any covariance type) with as many features as ``X``.
    ax : matplotlib.axes.Axes
        Where to draw.
    limits : ((xmin, xmax), (ymin, ymax)), optional
        Fixed limits, so that a sequence of frames does not jump.
    title : str, optional
        The panel's title.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``.

    Raises
    ------
    TypeError
        If ``X`` or a part of ``params`` is not an array of real numbers,
        ``params`` is not a ``gmm.Params``, ``ax`` is not a matplotlib
        ``Axes``, ``limits`` is not a pair of pairs of real numbers, or
        ``title`` is not a string.
    ValueError
        If ``X`` is not a finite, non-empty array of 1 or 2 columns;
        ``params`` is inconsistent with it or with itself: shapes, weights
        negative or not summing to 1, a covariance not symmetric positive
        definite; or ``limits`` is not two pairs ``(low, high)`` of finite
        numbers with ``low < high``.

    Examples
    --------
    1-d data: the two weighted components and their sum are three curves.

    >>> from emlib import gmm
    >>> fig, axes = new_figure()
    >>> params = gmm.Params([0.5, 0.5], [[0.0], [4.0]], [1.0, 1.0])
    >>> ax = mixture_state([[0.0], [1.0], [4.0]], params, ax=axes[0, 0])
    >>> ax.get_xlabel(), ax.get_ylabel(), len(ax.lines)
    ('x', 'density', 3)
    """
    X = _check_mixture_data(X)
    resp, _ = gmm.e_step(X, params)  # also checks params against X
    params = gmm.Params(*(np.asarray(part) for part in params))
    limits = _mixture_limits(X, [params]) if limits is None else _check_limits(limits)
    title = _check_text(title, "title", optional=True)
    ax = _check_ax(ax)
    colours = resp_colours(resp)
    k = len(params.weights)
    if X.shape[1] == 1:
        grid = np.linspace(*limits[0], 400)
        densities = _weighted_densities(grid[:, None], params)
        ax.hist(X[:, 0], bins=_BINS, density=True, color=GREY, alpha=0.35)
        for j in range(k):
            ax.plot(grid, densities[:, j], color=_colour(j), lw=2)
        ax.plot(grid, densities.sum(axis=1), color="black", lw=1.2, ls="--")
        rug = limits[1][1] * 0.025
        ax.scatter(X[:, 0], np.full(len(X), rug), c=colours, marker="|", s=90, linewidths=1)
        ax.set_xlabel("x")
        ax.set_ylabel("density")
    else:
        ax.scatter(X[:, 0], X[:, 1], s=12, c=colours, alpha=0.85, linewidths=0)
        for j, (mean, covariance) in enumerate(zip(params.means, _full_covariances(params))):
            for radius in (1, 2):
                _ellipse(ax, mean, covariance, radius, color=_colour(j), lw=2.2 - 0.8 * radius,
                         ls="-" if radius == 1 else "--", zorder=4)
        ax.scatter(params.means[:, 0], params.means[:, 1], marker="X", s=160,
                   c=[_colour(j) for j in range(k)], edgecolor="black", linewidths=1.2, zorder=5)
        ax.set_xlabel("x")
        ax.set_ylabel("y")
    ax.set_xlim(*limits[0])
    ax.set_ylim(*limits[1])
    if title:
        ax.set_title(title)
    return ax


def mixtures(X: object, params: Sequence[gmm.Params], titles: Sequence[str]) -> Figure:
    """The same data under several mixtures, side by side (see :func:`mixture_state`).

    Raises
    ------
    TypeError
        If ``X`` is not an array of real numbers, ``params`` is not a
        sequence of mixtures (a lone ``gmm.Params`` included), ``titles`` is
        a single string or not a sequence, or a mixture is not a
        ``gmm.Params`` of arrays of real numbers.
    ValueError
        If ``X`` is not a finite, non-empty array of 1 or 2 columns,
        ``titles`` does not have one entry per mixture, there are no
        mixtures, or a mixture is inconsistent with ``X`` or with itself (as
        in :func:`mixture_state`).

    Examples
    --------
    >>> from emlib import gmm
    >>> start = gmm.Params([0.5, 0.5], [[0.0], [1.0]], [1.0, 1.0])
    >>> end = gmm.Params([0.5, 0.5], [[0.0], [4.0]], [1.0, 1.0])
    >>> fig = mixtures([[0.0], [1.0], [4.0]], [start, end], ["start", "end"])
    >>> [ax.get_title() for ax in fig.axes]
    ['start', 'end']
    """
    X = _check_mixture_data(X)
    if isinstance(params, gmm.Params):
        raise TypeError("params must be a sequence of gmm.Params, one per panel; got a single gmm.Params "
                        "(use [params] for one panel)")
    params = _at_least_one(params, "params", "mixture", items="gmm.Params, one per panel")
    titles = _one_per(titles, len(params), "titles", "mixture")
    for index, each in enumerate(params):
        gmm._check_params(each, X.shape[1], name=f"params[{index}]")
    limits = _mixture_limits(X, params)
    size = (4.0, 3.2) if X.shape[1] == 1 else (3.8, 3.8)
    fig, axes = new_figure(1, len(params), panel_size=size)
    for ax, each, title in zip(axes[0], params, titles):
        mixture_state(X, each, ax=ax, limits=limits, title=title)
    return fig


def mixture_histograms(x: object, labels: object) -> Figure:
    """1-d data as histograms: each group in its colour, and all mixed together as EM sees them.

    Parameters
    ----------
    x : array-like of shape (n, 1)
        The points.
    labels : array-like of shape (n,)
        The group each point came from (hidden from EM; shown for reference).

    Returns
    -------
    Figure

    Raises
    ------
    TypeError
        If ``x`` is not an array of real numbers, or ``labels`` does not hold
        integers.
    ValueError
        If ``x`` is not a finite, non-empty array of shape ``(n, 1)``, or
        ``labels`` does not have shape ``(n,)`` or has a negative value.

    Examples
    --------
    >>> fig = mixture_histograms([[0.0], [0.5], [4.0], [4.5]], [0, 0, 1, 1])
    >>> [ax.get_title() for ax in fig.axes]
    ['where the points came from', 'what EM is given']
    """
    x = check_array(x, "x", ndim=2, shape_hint="of shape (n, 1)")
    if x.shape[1] != 1:
        raise ValueError(f"x must have one column; got shape {x.shape}")
    labels = check_labels(labels, len(x))
    bins = np.histogram_bin_edges(x[:, 0], bins=_BINS)
    fig, axes = new_figure(1, 2, panel_size=(4.2, 3.0))
    for group in np.unique(labels):
        axes[0, 0].hist(x[labels == group, 0], bins=bins, color=_colour(group), alpha=0.65,
                        label=f"group {group + 1}")
    axes[0, 0].legend(frameon=False)
    axes[0, 0].set_title("where the points came from")
    axes[0, 1].hist(x[:, 0], bins=bins, color=GREY)
    axes[0, 1].set_title("what EM is given")
    for ax in axes[0]:
        ax.set_xlabel("x")
        ax.set_ylabel("count")
    return fig


def mixture_frames(X: object, result: em.EMResult) -> list[tuple[str, Figure]]:
    """One figure per iteration of a 1-d or 2-d ``gmm.fit`` run, for a slider.

    Each frame shows the mixture after that iteration (:func:`mixture_state`)
    beside the log-likelihood so far, on axes fixed across frames.

    Returns
    -------
    list of (label, Figure)
        ``("0", start)``, ``("1", after iteration 1)``, and so on.

    Raises
    ------
    TypeError
        If ``X`` is not an array of real numbers, or ``result`` is not the
        ``em.EMResult`` of ``gmm.fit``.
    ValueError
        If ``X`` is not a finite, non-empty array of 1 or 2 columns, or the
        result's mixtures do not have as many features as ``X``.

    Examples
    --------
    >>> from emlib import gmm
    >>> X = [[0.0], [0.5], [4.0], [4.5]]
    >>> start = gmm.Params([0.5, 0.5], [[1.0], [3.0]], [1.0, 1.0])
    >>> result = gmm.fit(X, start, covariance_type="spherical", max_iter=2, tol=0)
    >>> [label for label, _ in mixture_frames(X, result)]
    ['0', '1', '2']
    """
    X = _check_mixture_data(X)
    result = _check_gmm_result(result, X=X)
    limits = _mixture_limits(X, [step.params for step in result.history])
    values = result.log_likelihoods
    spread = max(values.max() - values.min(), 1e-9)
    frames = []
    for t, step in enumerate(result.history):
        fig, axes = new_figure(1, 2, panel_size=(4.0, 3.4))
        mixture_state(X, step.params, ax=axes[0, 0], limits=limits, title=f"after iteration {t}")
        trace = axes[0, 1]
        trace.plot(np.arange(result.n_iter + 1), values, color=GREY, lw=1)
        trace.plot(np.arange(t + 1), values[: t + 1], color="black", marker="o", markersize=3)
        trace.set_xlim(-0.5, result.n_iter + 0.5)
        trace.set_ylim(values.min() - 0.05 * spread, values.max() + 0.05 * spread)
        trace.set_xlabel("iteration")
        trace.set_title(f"log-likelihood {values[t]:.2f}")
        trace.grid(alpha=0.3)
        frames.append((str(t), fig))
    return frames


# --------------------------------------------------------------------------
# The lower bound EM climbs (the chapter "EM in general")
# --------------------------------------------------------------------------


class _BoundSlice(NamedTuple):
    grid: np.ndarray  # theta_A values
    log_likelihood: np.ndarray
    bound: np.ndarray  # Q(theta | theta_t) + H(q_t)


def _bound_slice(heads, tosses, params: coins.Params, resolution: int = 400) -> _BoundSlice:
    """The log-likelihood and EM's lower bound along theta_A, with theta_B held at its value in ``params``."""
    grid = np.linspace(0.002, 0.998, resolution)
    thetas = np.column_stack([grid, np.full(resolution, params.theta[1])])
    resp = coins.e_step(heads, tosses, params.theta, params.weights)
    bound = coins.q_function(heads, tosses, thetas, params.theta, params.weights) + em.entropy(resp)
    return _BoundSlice(grid, coins.log_likelihood(heads, tosses, thetas, params.weights), bound)


def lower_bound_frames(heads: object, tosses: object, result: em.EMResult) -> list[tuple[str, Figure]]:
    """One figure per iteration of a two-coin fit: the log-likelihood and EM's lower bound along theta_A.

    Frame ``t`` holds ``theta_B`` at its value after iteration ``t`` and
    draws, against ``theta_A``, the log-likelihood (black) and the bound
    ``Q(theta | theta_t) + H(q_t)`` (blue), which lies below it everywhere
    and touches it at ``theta_A^t``; the bound's maximum is the next
    ``theta_A^(t+1)`` (the M-step), marked for every iteration but the last.

    Parameters
    ----------
    heads, tosses
        The rows, as in :func:`emlib.coins.row_log_likelihoods`.
    result : em.EMResult
        A two-coin :func:`emlib.coins.fit` of these rows.

    Returns
    -------
    list of (label, Figure)
        ``("0", ...)`` for the start, then one per iteration, on fixed axes.

    Raises
    ------
    TypeError
        If ``result`` is not the result of ``coins.fit``, or the counts are
        not numbers (or are booleans).
    ValueError
        If ``result`` is not a fit of two coins, or the counts are negative,
        not whole, of different lengths or have more heads than tosses.

    Examples
    --------
    >>> from emlib import coins
    >>> heads = [5, 9, 8, 4, 7]
    >>> frames = lower_bound_frames(heads, 10, coins.fit(heads, 10, [0.6, 0.5], max_iter=2, tol=0))
    >>> [label for label, _ in frames], frames[0][1].axes[0].get_legend_handles_labels()[1]
    (['0', '1', '2'], ['log-likelihood', 'lower bound at step t', 'its maximum: next θ_A'])
    """
    result = _check_coin_result(result)
    slices = [_bound_slice(heads, tosses, step.params) for step in result.history]
    touches = [coins.log_likelihood(heads, tosses, step.params.theta, step.params.weights)
               for step in result.history]
    top = max(s.log_likelihood.max() for s in slices)
    low = min(top - 12.0, min(touches) - 2.0)  # every touching point in view
    frames = []
    for t, (step, piece) in enumerate(zip(result.history, slices)):
        fig, axes = new_figure(panel_size=(6.4, 3.8))
        ax = axes[0, 0]
        ax.plot(piece.grid, piece.log_likelihood, color="black", lw=2, label="log-likelihood")
        ax.plot(piece.grid, piece.bound, color=PALETTE[0], lw=2, label="lower bound at step t")
        theta_a = step.params.theta[0]
        ax.plot([theta_a], [touches[t]], "o", color=PALETTE[0], markersize=7, zorder=5)
        if t < result.n_iter:
            following = result.history[t + 1].params.theta[0]
            peak = touches[t] + (
                coins.q_function(heads, tosses, [following, step.params.theta[1]], step.params.theta,
                                 step.params.weights)
                - coins.q_function(heads, tosses, step.params.theta, step.params.theta, step.params.weights)
            )  # the bound at the next theta_A: Q + H, with Q(theta_t | theta_t) + H the touch
            ax.axvline(following, color=PALETTE[1], ls="--", lw=1.2, label="its maximum: next θ_A")
            ax.plot([following], [peak], "s", color=PALETTE[1], markersize=6, zorder=5)
        ax.set_xlim(0, 1)
        ax.set_ylim(low, top + 1.5)
        ax.set_xlabel("θ_A")
        ax.set_ylabel("log-likelihood")
        ax.set_title(f"step t = {t}: θ_A = {theta_a:.3f}, θ_B held at {step.params.theta[1]:.3f}")
        ax.grid(alpha=0.3)
        ax.legend(frameon=False, loc="lower center")
        frames.append((str(t), fig))
    return frames


# --------------------------------------------------------------------------
# Checking a derivation, and estimates against the sample size
# (the chapter "The exam question")
# --------------------------------------------------------------------------


def _value_of(fun: Callable, v: np.ndarray) -> float:
    """``fun(v)`` as a float, or a TypeError naming ``fun`` when it returns something else."""
    value = fun(v)
    try:
        array = np.asarray(None if isinstance(value, (str, bytes)) else value)
    except ValueError:  # ragged nested lists
        array = np.asarray(None)
    if array.size != 1 or array.dtype.kind not in "iuf":
        raise TypeError(f"fun must return a real number; got {_describe(value)}")
    return float(array.reshape(()))


def function_slices(
    fun, center: object, directions: object, *, radius: float = 1.0, n_points: int = 61,
    ylabel: str = "f(center + s u) − f(center)", title: str | None = None,
) -> Figure:
    """A function along straight lines through a point: is the point a maximum?

    Draws ``s -> fun(center + s u) - fun(center)`` for ``s`` in
    ``[-radius, radius]``, one curve per direction ``u`` (the rows of
    ``directions``, scaled to length 1).  At a maximum every curve peaks at
    ``s = 0`` with the value 0; at a point that is not one, some curve rises
    above 0.

    Parameters
    ----------
    fun : callable
        ``fun(v) -> float`` for a vector ``v`` of the shape of ``center``.
    center : array-like of shape (n,)
        The point to look around.
    directions : array-like of shape (m, n)
        The directions, any non-zero length.
    radius : float
        How far to go along each direction, positive.
    n_points : int
        Points per curve, at least 3.
    ylabel, title : str
        The labels of the axes.

    Returns
    -------
    Figure

    Raises
    ------
    TypeError
        If ``fun`` is not callable or does not return a real number,
        ``center`` or ``directions`` is not an array of real numbers,
        ``radius`` is not a real number, ``n_points`` is not an integer, or
        ``ylabel`` or ``title`` is not a string.
    ValueError
        If ``center`` is not a finite, non-empty 1-d array, ``directions`` is
        not a finite, non-empty 2-d array with one column per entry of
        ``center``, a direction is zero, ``radius`` is not positive and
        finite, ``n_points`` is below 3, or ``fun(center)`` is not finite.

    Examples
    --------
    At the maximum of ``-|v|^2`` no curve rises above 0:

    >>> fig = function_slices(lambda v: -v @ v, [0.0, 0.0], [[1.0, 0.0], [1.0, 1.0]], n_points=5)
    >>> [float(curve.get_ydata().max()) for curve in fig.axes[0].lines[:2]]
    [0.0, 0.0]
    """
    if not callable(fun):
        raise TypeError(f"fun must be callable; got {type(fun).__name__}")
    center = check_array(center, "center", ndim=1, shape_hint="(n,)")
    directions = check_array(directions, "directions", ndim=2, shape_hint="(m, n)",
                             reshape_advice=False)
    if directions.shape[1] != len(center):
        raise ValueError(
            f"directions must have n = {len(center)} columns, like center; got shape {directions.shape}"
        )
    lengths = np.linalg.norm(directions, axis=1)
    if np.any(lengths == 0):
        raise ValueError(f"directions[{int(np.flatnonzero(lengths == 0)[0])}] is zero: a direction needs a length")
    radius = check_float(radius, "radius")
    if radius <= 0:
        raise ValueError(f"radius must be positive; got {radius}")
    n_points = check_int(n_points, "n_points", minimum=3)
    ylabel = _check_text(ylabel, "ylabel")
    title = _check_text(title, "title", optional=True)
    steps = np.linspace(-radius, radius, n_points)
    base = _value_of(fun, center)
    if not np.isfinite(base):
        raise ValueError(f"fun must be finite at center; fun(center) = {base}")
    fig, axes = new_figure(1, 1, panel_size=(5.6, 3.6))
    ax = axes[0, 0]
    for index, direction in enumerate(directions / lengths[:, None]):
        values = [_value_of(fun, center + s * direction) - base for s in steps]
        ax.plot(steps, values, color=_colour(index), lw=1.3, alpha=0.85)
    ax.axvline(0, color=GREY, lw=0.8, ls="--")
    ax.axhline(0, color=GREY, lw=0.8, ls="--")
    ax.set_xlabel("s, distance along a direction u")
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.grid(alpha=0.3)
    return fig


def error_against_n(
    sizes: Sequence[int], errors: dict[str, Sequence[float]], *, reference_slope: float = -0.5,
    ylabel: str = "error", title: str | None = None,
) -> Figure:
    """Estimation errors against the sample size on log-log axes, with a reference slope.

    Parameters
    ----------
    sizes : sequence of int
        The sample sizes, positive and increasing.
    errors : dict of str to sequence of float
        One curve per entry: its label and its positive errors, one per size.
    reference_slope : float
        The slope of the dashed reference line ``c n^slope``, drawn through
        the geometric mean of the first errors; ``-0.5`` is the ``1 /
        sqrt(n)`` rate of maximum likelihood.
    ylabel, title : str
        The labels of the axes.

    Returns
    -------
    Figure

    Raises
    ------
    TypeError
        If ``sizes`` or a curve of ``errors`` is not an array of real
        numbers, ``errors`` is not a dict, ``reference_slope`` is not a real
        number, or ``ylabel`` or ``title`` is not a string.
    ValueError
        If ``sizes`` is not a finite, non-empty 1-d array of positive,
        increasing values, ``errors`` is empty, a curve does not have one
        finite, positive value per size, or ``reference_slope`` is not
        finite.

    Examples
    --------
    >>> fig = error_against_n([10, 100, 1000], {"mean": [0.3, 0.1, 0.03]})
    >>> fig.axes[0].get_xscale(), fig.axes[0].get_legend_handles_labels()[1]
    ('log', ['mean', '∝ n^-0.5'])
    """
    sizes = check_array(sizes, "sizes", ndim=1, shape_hint="(m,)")
    if np.any(sizes <= 0) or np.any(np.diff(sizes) <= 0):
        raise ValueError(f"sizes must be positive and increasing; got {sizes.tolist()}")
    errors = _check_dict(errors, "errors", "curve", "of label -> errors, one per size")
    curves = {}
    for label, values in errors.items():
        values = check_array(values, f"errors[{label!r}]", ndim=1, shape_hint="(m,)")
        if values.shape != sizes.shape:
            raise ValueError(
                f"errors[{label!r}] must have one entry per size ({len(sizes)}); got {len(values)}"
            )
        if np.any(values <= 0):
            raise ValueError(f"errors[{label!r}] must be positive to be drawn on log axes")
        curves[label] = values
    reference_slope = check_float(reference_slope, "reference_slope")
    ylabel = _check_text(ylabel, "ylabel")
    title = _check_text(title, "title", optional=True)
    fig, axes = new_figure(1, 1, panel_size=(5.6, 3.8))
    ax = axes[0, 0]
    for index, (label, values) in enumerate(curves.items()):
        ax.plot(sizes, values, marker="o", color=_colour(index), lw=1.6, label=str(label))
    anchor = np.exp(np.mean([np.log(values[0]) for values in curves.values()]))
    ax.plot(sizes, anchor * (sizes / sizes[0]) ** reference_slope, color="black", ls="--", lw=1,
            label=f"∝ n^{reference_slope:g}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("n, number of points")
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.grid(alpha=0.3, which="both")
    ax.legend(frameon=False)
    return fig


# --------------------------------------------------------------------------
# Missing data
# --------------------------------------------------------------------------


def _check_columns(columns: object, d: int) -> tuple[int, int]:
    """Two different feature indices of a ``d``-column table, to plot against each other."""
    if not _is_sequence(columns):
        raise TypeError(f"columns must be a pair of feature indices; got {columns!r}")
    if len(columns) != 2:
        raise ValueError(f"columns must be a pair of feature indices; got {len(columns)} entries")
    pair = tuple(check_int(c, "columns", minimum=0, maximum=d - 1, maximum_name="n_features - 1")
                 for c in columns)
    if pair[0] == pair[1]:
        raise ValueError(f"columns must name two different features; got {pair!r}")
    return pair


def _axis_names(feature_names: Sequence[str] | None, columns: tuple[int, int], d: int) -> list[str]:
    """The axis labels of two features of a ``d``-column table: their names, or "feature j"."""
    if feature_names is None:
        return [f"feature {c}" for c in columns]
    feature_names = _one_per(feature_names, d, "feature_names", "feature of X")
    return [str(feature_names[c]) for c in columns]


def imputation_state(
    X_hidden: object, params: missing.Params, filled: object, *, ax: Axes,
    columns: Sequence[int] = (0, 1), X: object = None, limits=None, title: str | None = None,
    feature_names: Sequence[str] | None = None,
) -> Axes:
    """Draw two features of a table with holes, and how a repair filled them, into ``ax``.

    Rows observed in both features are grey dots; rows with a hole in
    either are orange dots where ``filled`` puts them.  The blue ellipse is
    the estimated Normal (``params``) at 2 standard deviations.  With the
    complete table ``X``, the rows with holes are also drawn at their true
    places (hollow circles) and the complete table's own ellipse is dashed
    black.

    Parameters
    ----------
    X_hidden : array-like of shape (n, d)
        The table with NaN for the holes.
    params : missing.Params
        The estimated mean and covariance.
    filled : array-like of shape (n, d)
        The table with the holes filled.
    ax : matplotlib.axes.Axes
        Where to draw.
    columns : pair of int
        The features on the horizontal and vertical axes.
    X : array-like of shape (n, d), optional
        The table before the holes were made.
    limits : ((xmin, xmax), (ymin, ymax)), optional
        Fixed limits, so that frames do not jump.
    title : str, optional
        The panel's title.
    feature_names : sequence of str, optional
        One name per feature, for the axis labels.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``.

    Raises
    ------
    TypeError
        If ``X_hidden``, ``filled``, ``X`` or a part of ``params`` is not an
        array of real numbers, ``params`` is not a ``missing.Params``, ``ax``
        is not a matplotlib ``Axes``, ``columns`` is not a pair of integers,
        ``feature_names`` is not a sequence of strings, ``limits`` is
        not a pair of pairs of real numbers, or ``title`` is not a string.
    ValueError
        If ``X_hidden`` is not a non-empty 2-d array (NaN allowed, infinity
        not); ``filled`` or ``X`` is not a finite array of its shape;
        ``params`` does not fit it (mean of ``d`` entries, a symmetric
        positive definite ``d x d`` covariance); ``columns`` does not name
        two different features; ``feature_names`` does not hold one name per
        feature; or ``limits`` is not two pairs ``(low, high)`` of finite
        numbers with ``low < high``.

    Examples
    --------
    >>> from emlib import missing
    >>> X_hidden = [[0.0, 0.0], [1.0, 1.2], [2.0, 1.8], [3.0, np.nan]]
    >>> params = missing.Params(np.array([1.5, 1.5]), np.array([[1.25, 1.2], [1.2, 1.25]]))
    >>> fig, axes = new_figure()
    >>> ax = imputation_state(X_hidden, params, missing.impute(X_hidden, params), ax=axes[0, 0],
    ...                       feature_names=["x", "y"])
    >>> ax.get_xlabel(), ax.get_ylabel(), len(ax.collections)  # the observed rows, the filled ones
    ('x', 'y', 2)
    """
    X_hidden = check_array(X_hidden, "X_hidden", ndim=2, shape_hint="(n, d)", allow_nan=True)
    d = X_hidden.shape[1]
    params = missing._check_params(params, d)
    filled = check_array(filled, "filled", ndim=2, shape_hint="(n, d)")
    if filled.shape != X_hidden.shape:
        raise ValueError(f"filled must have the shape of X_hidden, {X_hidden.shape}; got {filled.shape}")
    columns = _check_columns(columns, d)
    names = _axis_names(feature_names, columns, d)
    if X is not None:
        X = check_array(X, "X", ndim=2, shape_hint="(n, d)")
        if X.shape != X_hidden.shape:
            raise ValueError(f"X must have the shape of X_hidden, {X_hidden.shape}; got {X.shape}")
    if limits is not None:
        limits = _check_limits(limits)
    title = _check_text(title, "title", optional=True)
    ax = _check_ax(ax)
    pair = list(columns)
    gap = np.isnan(X_hidden[:, pair]).any(axis=1)
    ax.scatter(*X_hidden[~gap][:, pair].T, s=10, color=GREY, alpha=0.6, linewidths=0, label="observed")
    if X is not None:
        ax.scatter(*X[gap][:, pair].T, s=16, facecolors="none", edgecolors="black", linewidths=0.6,
                   alpha=0.5, label="hidden, true value")
        truth = X[:, pair]
        _ellipse(ax, truth.mean(axis=0), np.cov(truth.T, bias=True), 2, color="black", lw=1.3, ls="--")
    ax.scatter(*filled[gap][:, pair].T, s=14, color=PALETTE[1], linewidths=0, label="filled in")
    _ellipse(ax, params.mean[pair], params.covariance[np.ix_(pair, pair)], 2, color=PALETTE[0], lw=2)
    if limits is not None:
        ax.set_xlim(*limits[0])
        ax.set_ylim(*limits[1])
    ax.set_xlabel(names[0])
    ax.set_ylabel(names[1])
    if title:
        ax.set_title(title)
    return ax


#: The width (inches) of the figures of several panels; the book's text column holds it unshrunk.
_PAGE_WIDTH = 6.6


def _fill_title(name: str, fill_error: float | None) -> str:
    return f"{name}: nothing hidden" if fill_error is None else f"{name}: fills off by {fill_error:.2f} sd"


def _imputation_limits(tables: list[np.ndarray], pair: list[int]):
    points = np.concatenate([table[:, pair] for table in tables])
    return data_limits(points[~np.isnan(points).any(axis=1)], margin=0.12)


def _check_imputation_panel(panel: object, name: str, shape: tuple[int, int]) -> tuple:
    """A panel of :func:`imputations`, ``(X_hidden, params, filled)`` for a table of ``shape``, checked."""
    if not (isinstance(panel, tuple) and len(panel) == 3):
        raise TypeError(f"{name} must be a tuple (X_hidden, params, filled); got {_describe(panel)}")
    X_hidden = check_array(panel[0], f"{name}[0]", ndim=2, shape_hint="(n, d)", allow_nan=True)
    if X_hidden.shape != shape:
        raise ValueError(f"{name}[0] (X_hidden) must have the shape of X, {shape}; got {X_hidden.shape}")
    params = missing._check_params(panel[1], shape[1], f"{name}[1]")
    filled = check_array(panel[2], f"{name}[2]", ndim=2, shape_hint="(n, d)")
    if filled.shape != shape:
        raise ValueError(f"{name}[2] (filled) must have the shape of X, {shape}; got {filled.shape}")
    return X_hidden, params, filled


def imputations(
    X: object, panels: dict[str, tuple[object, missing.Params, object]], *,
    columns: Sequence[int] = (0, 1), feature_names: Sequence[str] | None = None,
) -> Figure:
    """Several repairs of holes in the same table, side by side (see :func:`imputation_state`).

    Parameters
    ----------
    X : array-like of shape (n, d)
        The complete table.
    panels : dict of str to (X_hidden, params, filled)
        One panel per entry, titled by its key: the table with holes, the
        estimated mean and covariance, and the filled table.  An error
        message names a part by its key and place, such as
        ``panels['EM'][2]`` for the filled table of the panel ``'EM'``.
    columns, feature_names
        As in :func:`imputation_state`.

    Returns
    -------
    Figure
        One row of panels with shared limits, at most 6.6 inches wide in all
        (so that the book's text column shows it without shrinking it).

    Raises
    ------
    TypeError
        If ``X`` is not an array of real numbers; ``panels`` is not a dict of
        triples ``(X_hidden, params, filled)``; a panel's ``X_hidden`` or
        ``filled`` is not an array of real numbers, or its ``params`` not a
        ``missing.Params`` of them; ``columns`` is not a pair of integers; or
        ``feature_names`` is not a sequence of strings.
    ValueError
        If ``X`` is not a finite, non-empty 2-d array; ``panels`` is empty; a
        panel's ``X_hidden`` (NaN allowed) or ``filled`` is not of the shape
        of ``X``, or ``filled`` is not finite; a panel's ``params`` does not
        fit ``X`` (as in :func:`imputation_state`); ``columns`` does not
        name two different features of ``X``; or ``feature_names`` does not
        hold one name per feature.

    Examples
    --------
    >>> from emlib import missing
    >>> X = np.random.default_rng(0).multivariate_normal([0, 0], [[1, 0.8], [0.8, 1]], size=50)
    >>> hidden = missing.hide(X, 0.3, column=1, rng=0)
    >>> repairs = missing.compare(X, hidden)
    >>> panels = {name: (hidden, repairs[name].params, repairs[name].filled)
    ...           for name in ("fill with means", "EM")}
    >>> [ax.get_title() for ax in imputations(X, panels).axes]
    ['fill with means', 'EM']
    """
    X = check_array(X, "X", ndim=2, shape_hint="(n, d)")
    panels = {title: _check_imputation_panel(panel, f"panels[{title!r}]", X.shape)
              for title, panel in _check_dict(panels, "panels", "panel",
                                              "of title -> (X_hidden, params, filled)").items()}
    pair = list(_check_columns(columns, X.shape[1]))
    _axis_names(feature_names, tuple(pair), X.shape[1])
    limits = _imputation_limits([X] + [filled for _, _, filled in panels.values()], pair)
    # At most _PAGE_WIDTH inches in all: a wider picture is shrunk on the book's page.
    width = min(3.3, _PAGE_WIDTH / len(panels))
    fig, axes = new_figure(1, len(panels), panel_size=(width, width))
    for index, (ax, (title, (X_hidden, params, filled))) in enumerate(zip(axes[0], panels.items())):
        imputation_state(X_hidden, params, filled, ax=ax, columns=columns, X=X, limits=limits,
                         title=title, feature_names=feature_names)
        if index:  # the limits are shared: label the vertical axis once
            ax.set_ylabel("")
            ax.tick_params(labelleft=False)
    axes[0, 0].legend(frameon=False, fontsize=8 if width >= 3 else 7, loc="upper left")
    return fig


def imputation_frames(
    X: object, fractions: Sequence[float], *, columns: Sequence[int] = (0, 1),
    feature_names: Sequence[str] | None = None, rng=None,
) -> list[tuple[str, Figure]]:
    """One figure per fraction of entries hidden completely at random, for a slider.

    For each fraction, :func:`emlib.missing.hide` hides that share of the
    entries of ``X`` (with one seed, so a larger fraction hides a superset),
    and :func:`emlib.missing.compare` scores the repairs.  Each frame shows
    the column-mean fill and EM's fill (:func:`imputation_state`) and, on
    the right, the largest error in the covariance of each repair against
    the fraction, with the current fraction marked.

    Parameters
    ----------
    X : array-like of shape (n, d)
        The complete table.
    fractions : sequence of float
        Increasing fractions in ``[0, 1)``.
    columns, feature_names
        As in :func:`imputation_state`.
    rng : None, int, numpy.random.SeedSequence or numpy.random.Generator
        The source of randomness.

    Returns
    -------
    list of (label, Figure)
        Labelled by the fraction as a percentage, e.g. ``"30 %"``.

    Raises
    ------
    TypeError
        If ``X`` or ``fractions`` is not an array of real numbers,
        ``columns`` is not a pair of integers, ``feature_names`` is not
        a sequence of strings, or ``rng`` is not None, an int, a
        ``SeedSequence`` or a ``Generator``.
    ValueError
        If ``X`` is not a finite, non-empty 2-d array; ``fractions`` is not a
        non-empty 1-d array increasing within ``[0, 1)``; ``columns`` does not
        name two different features; ``rng`` is a negative seed;
        ``feature_names`` does not hold one name per feature; or a repair
        fails (see :func:`emlib.missing.compare`: a
        constant column of ``X``, a column left with no observed entry, a
        covariance estimate that turns singular).

    Examples
    --------
    >>> X = np.random.default_rng(0).multivariate_normal([0, 0], [[1, 0.8], [0.8, 1]], size=50)
    >>> frames = imputation_frames(X, [0.1, 0.3], rng=0)
    >>> [label for label, _ in frames], len(frames[0][1].axes)
    (['10 %', '30 %'], 3)
    """
    X = check_array(X, "X", ndim=2, shape_hint="(n, d)")
    fractions = check_array(fractions, "fractions", ndim=1, shape_hint="(m,)")
    if np.any(fractions < 0) or np.any(fractions >= 1) or np.any(np.diff(fractions) <= 0):
        raise ValueError(f"fractions must increase within [0, 1); got {fractions.tolist()}")
    pair = list(_check_columns(columns, X.shape[1]))
    _axis_names(feature_names, tuple(pair), X.shape[1])
    seed = check_rng(rng).integers(2**63)
    hidden = [missing.hide(X, f, rng=np.random.default_rng(seed)) for f in fractions]
    repairs = [missing.compare(X, table) for table in hidden]
    limits = _imputation_limits([X] + [r[name].filled for r in repairs for name in ("fill with means", "EM")],
                                pair)
    errors = {name: np.array([r[name].covariance_error if name in r else np.nan for r in repairs])
              for name in missing.REPAIRS}
    top = np.nanmax([values for values in errors.values()])
    frames = []
    for fraction, table, repair in zip(fractions, hidden, repairs):
        # 8.7 inches: wider than the page's column, which shrinks the frame (an image widget) as a
        # whole, so the text is kept large enough to stay legible at about three quarters of its size
        fig, axes = new_figure(1, 3, panel_size=(2.9, 2.7))
        for ax, name in zip(axes[0], ("fill with means", "EM")):
            imputation_state(table, repair[name].params, repair[name].filled, ax=ax, columns=columns,
                             X=X, limits=limits, feature_names=feature_names,
                             title=_fill_title(name, repair[name].fill_error))
            ax.title.set_fontsize(10)
        axes[0, 1].set_ylabel("")  # the limits are shared: label the vertical axis once
        axes[0, 1].tick_params(labelleft=False)
        trace = axes[0, 2]
        for colour, (name, values) in zip((GREY, PALETTE[1], PALETTE[0]), errors.items()):
            trace.plot(100 * fractions, values, marker="o", markersize=3, color=colour, label=name)
        trace.axvline(100 * fraction, color="black", lw=0.8)
        trace.set_ylim(0, 1.05 * top if top > 0 else 1.0)
        trace.set_xlabel("entries hidden (%)")
        trace.set_title("largest covariance error (sd²)", fontsize=10)
        trace.legend(frameon=False, fontsize=8)
        trace.grid(alpha=0.3)
        frames.append((f"{100 * fraction:.0f} %", fig))
    return frames


# --------------------------------------------------------------------------
# EM in practice
# --------------------------------------------------------------------------


def _check_pairs(pairs: object, n: int, name: str, what: str) -> list[tuple[str, str]]:
    """One pair of strings (axis labels) per ``what``, ``n`` of them."""
    pairs = _one_per(pairs, n, name, what, items="pairs of strings")
    for index, pair in enumerate(pairs):
        if (isinstance(pair, str) or not isinstance(pair, Sequence) or len(pair) != 2
                or not all(isinstance(label, str) for label in pair)):
            raise TypeError(f"{name}[{index}] must be a pair of strings (x label, y label); got {pair!r}")
    return [tuple(pair) for pair in pairs]


def point_sets(
    panels: dict[str, object], *, axis_labels: Sequence[tuple[str, str]] | None = None,
    equal_scales: bool = True,
) -> Figure:
    """Several sets of 2-d points side by side, each as grey dots on its own axes.

    With ``equal_scales`` a unit has the same length on both axes of a
    panel, so the picture shows the points as Euclidean distance sees them:
    a feature measured in large numbers stretches its axis, and one measured
    in small numbers is squeezed flat.

    Parameters
    ----------
    panels : dict of str to array-like of shape (n, 2)
        One panel per entry, titled by its key.
    axis_labels : sequence of (str, str), optional
        The x and y labels of each panel.
    equal_scales : bool
        Draw both axes of each panel to the same scale (the panel stays
        square, and the shorter range is widened to fill it).

    Returns
    -------
    Figure
        One row of panels, at most 6.6 inches wide in all.

    Raises
    ------
    TypeError
        If ``panels`` is not a dict, a panel's points are not an array of
        real numbers, ``axis_labels`` is not a sequence or an entry of it is
        not a pair of strings, or ``equal_scales`` is not ``True`` or
        ``False``.
    ValueError
        If ``panels`` is empty, a panel's points are not a finite, non-empty
        ``(n, 2)`` array, or ``axis_labels`` does not have one pair per
        panel.

    Examples
    --------
    >>> fig = point_sets({"in metres": [[0.0, 1.0], [1.0, 2.0]], "in mm": [[0.0, 1000.0], [1.0, 2000.0]]})
    >>> [ax.get_title() for ax in fig.axes]
    ['in metres', 'in mm']
    """
    panels = _check_dict(panels, "panels", "panel", "of title -> points of shape (n, 2)")
    points = {title: _check_2d_points(value, f"panels[{title!r}]") for title, value in panels.items()}
    if axis_labels is not None:
        axis_labels = _check_pairs(axis_labels, len(points), "axis_labels", "panel")
    equal_scales = check_bool(equal_scales, "equal_scales")
    width = min(3.3, _PAGE_WIDTH / len(points))
    fig, axes = new_figure(1, len(points), panel_size=(width, width))
    for index, (ax, (title, values)) in enumerate(zip(axes[0], points.items())):
        ax.scatter(values[:, 0], values[:, 1], s=10, color=GREY, alpha=0.8, linewidths=0)
        limits = np.array(data_limits(values))
        if equal_scales:  # widen the shorter range to the longer one, about its middle
            middle, half = limits.mean(axis=1), (limits[:, 1] - limits[:, 0]).max() / 2
            limits = np.column_stack([middle - half, middle + half])
            ax.set_aspect("equal", adjustable="box")
        ax.set_xlim(*limits[0])
        ax.set_ylim(*limits[1])
        ax.set_title(str(title), fontsize=10)
        if axis_labels is not None:
            ax.set_xlabel(axis_labels[index][0])
            ax.set_ylabel(axis_labels[index][1])
        ax.grid(alpha=0.3)
    return fig


def _check_finals(samples: object, what: str) -> dict[object, np.ndarray]:
    """``samples``, a dict from a name to final values (``what``, e.g. "inertias"), with 1-d arrays."""
    samples = _check_dict(samples, "samples", "sample", f"from a name to a list of {what}")
    return {key: check_array(values, f"samples[{key!r}]", ndim=1) for key, values in samples.items()}


def final_log_likelihoods(
    samples: dict[str, Sequence[float]], *, best: float | None = None, bins: int = 30,
) -> Figure:
    """Histograms of the final log-likelihood of many EM runs, one per way of starting.

    Every run of EM stops at a stationary point of the log-likelihood; runs
    from different starts stop at different ones (local optima).  The
    histograms share their bins, so the ways of starting can be compared
    bar by bar.

    Parameters
    ----------
    samples : dict of str to sequence of float
        For each way of starting (the legend entry), the final
        log-likelihood of each run.
    best : float, optional
        Mark this value (the best log-likelihood found) with a dashed line.
    bins : int
        The number of bins, at least 1, spanning all the values.

    Returns
    -------
    Figure

    Raises
    ------
    TypeError
        If ``samples`` is not a dict, a sample does not hold real numbers,
        ``best`` is not a real number, or ``bins`` is not an integer.
    ValueError
        If ``samples`` is empty, a sample is not a finite, non-empty 1-d
        array, ``best`` is not finite, or ``bins`` is below 1.

    Examples
    --------
    >>> fig = final_log_likelihoods({"random": [-10.0, -10.0, -12.5]}, best=-10.0, bins=5)
    >>> fig.axes[0].get_xlabel(), fig.axes[0].get_legend_handles_labels()[1]
    ('final log-likelihood', ['random (3 runs)', 'best found'])
    """
    arrays = _check_finals(samples, "log-likelihoods")
    if best is not None:
        best = check_float(best, "best")
    bins = check_int(bins, "bins", minimum=1)
    everything = np.concatenate(list(arrays.values()))
    low, high = everything.min(), everything.max()
    if low == high:  # every run ended at the same value: one visible bar
        low, high = low - 0.5 * max(abs(low), 1.0) * 1e-3, high + 0.5 * max(abs(high), 1.0) * 1e-3
    edges = np.linspace(low, high, bins + 1)
    fig, axes = new_figure(panel_size=(6.4, 3.4))
    ax = axes[0, 0]
    for index, (name, values) in enumerate(arrays.items()):
        ax.hist(values, bins=edges, alpha=0.6, color=_colour(index), label=f"{name} ({len(values)} runs)")
    if best is not None:
        ax.axvline(best, color="black", lw=1, ls="--", label="best found")
    ax.set_xlabel("final log-likelihood")
    ax.set_ylabel("runs")
    ax.grid(alpha=0.3)
    ax.legend(frameon=False, loc="upper left")
    return fig


def local_optima_frames(
    X: object, results: Sequence[em.EMResult], *, decimals: int = 2, max_frames: int = 8,
    feature_names: Sequence[str] | None = None,
) -> list[tuple[str, Figure]]:
    """One figure per local optimum reached by many runs of ``gmm.fit``, for a slider.

    Runs whose final log-likelihoods agree to ``decimals`` decimals count
    as one optimum (runs that differ only in the order of their components
    have the same log-likelihood).  The optima are taken from the highest
    down.  Each frame shows, on the left, the mixture of the first run that
    reached that optimum (:func:`mixture_state`) and, on the right, how
    many runs reached each optimum, with this one highlighted.

    Parameters
    ----------
    X : array-like of shape (n, 1) or (n, 2)
        The data the runs were fitted to.
    results : sequence of em.EMResult
        Results of :func:`emlib.gmm.fit` on ``X``, for example from many
        random starts.
    decimals : int
        Log-likelihoods rounded to this many decimals (0 to 12) name an
        optimum.
    max_frames : int
        At most this many optima (the best ones) get a frame; at least 1.
    feature_names : sequence of str, optional
        The axis labels of the mixture panel (2-d data).

    Returns
    -------
    list of (label, Figure)
        Labelled ``"1"`` (the best optimum), ``"2"``, and so on.

    Raises
    ------
    TypeError
        If ``X`` is not an array of real numbers, ``results`` is not a
        sequence of results of ``gmm.fit``, ``decimals`` or ``max_frames`` is
        not an integer, or ``feature_names`` is not a sequence of strings.
    ValueError
        If there are no results, ``X`` is not a finite, non-empty array of 1
        or 2 columns, a result does not fit ``X`` (as in
        :func:`mixture_state`), ``decimals`` or ``max_frames`` is out of
        range, or ``feature_names`` does not name every feature.

    Examples
    --------
    Six runs on three groups of points with two components reach two optima:

    >>> from emlib import gmm
    >>> X = [[0.0], [0.1], [3.0], [3.1], [6.0], [6.1]]
    >>> results = [gmm.fit(X, 2, init="random", reg_covar=1e-2, rng=seed) for seed in range(6)]
    >>> frames = local_optima_frames(X, results)
    >>> [label for label, _ in frames], [fig.axes[1].get_title() for _, fig in frames]
    (['1', '2'], ['reached by 3 of 6 runs', 'reached by 3 of 6 runs'])
    """
    X = _check_mixture_data(X)
    results = _each_result(results, lambda result, name: _check_gmm_result(result, name, X))
    decimals = check_int(decimals, "decimals", minimum=0, maximum=12)
    max_frames = check_int(max_frames, "max_frames", minimum=1)
    if feature_names is not None:
        feature_names = [str(name) for name in _one_per(feature_names, X.shape[1], "feature_names", "feature")]
    finals = np.round([result.log_likelihood for result in results], decimals)
    values, counts = np.unique(finals, return_counts=True)
    values, counts = values[::-1], counts[::-1]  # the best first
    shown = min(max_frames, len(values))
    representatives = [results[int(np.flatnonzero(finals == value)[0])].params for value in values[:shown]]
    limits = _mixture_limits(X, representatives)
    frames = []
    for index in range(shown):
        fig, axes = new_figure(1, 2, panel_size=(_PAGE_WIDTH / 2, 3.2))  # the page's width
        mixture_state(X, representatives[index], ax=axes[0, 0], limits=limits,
                      title=f"optimum {index + 1} of {len(values)}: log-likelihood {values[index]:.{decimals}f}")
        axes[0, 0].title.set_fontsize(9)
        if feature_names is not None:
            axes[0, 0].set_xlabel(feature_names[0])
            if X.shape[1] == 2:
                axes[0, 0].set_ylabel(feature_names[1])
        bars = axes[0, 1]
        colours = [PALETTE[1] if j == index else GREY for j in range(len(values))]
        bars.bar(np.arange(len(values)), counts, color=colours)
        bars.set_xticks(np.arange(len(values)), [f"{value:.{decimals}f}" for value in values],
                        rotation=90, fontsize=7)
        bars.set_xlabel("final log-likelihood (best on the left)")
        bars.set_ylabel("runs")
        bars.locator_params(axis="y", integer=True)
        bars.set_title(f"reached by {counts[index]} of {len(results)} runs", fontsize=9)
        bars.grid(alpha=0.3, axis="y")
        frames.append((str(index + 1), fig))
    return frames


def _smallest_variance(covariances: np.ndarray) -> float:
    """The smallest variance of a mixture in any direction: the least eigenvalue over all components."""
    covariances = np.asarray(covariances)
    if covariances.ndim == 3:
        return float(np.linalg.eigvalsh(covariances)[:, 0].min())
    return float(covariances.min())


def collapse_trace(runs: dict[str, Sequence[em.EMStep]]) -> Figure:
    """The log-likelihood and the smallest variance of a mixture, iteration by iteration.

    When a component of a Gaussian mixture collapses onto a point (or onto
    points on a line), its variance in some direction runs to 0 while the
    log-likelihood runs up: the left panel shows the log-likelihood, the
    right one, on a log scale, the smallest variance of the mixture in any
    direction (the least eigenvalue of all its covariances).

    Parameters
    ----------
    runs : dict of str to sequence of em.EMStep
        For each run (the legend entry), the steps of ``gmm.fit`` in order,
        drawn at iterations 1, 2, ...: the steps its ``callback`` receives,
        or ``result.history[1:]``.

    Returns
    -------
    Figure

    Raises
    ------
    TypeError
        If ``runs`` is not a dict, or a run is not a sequence of
        ``em.EMStep`` of a Gaussian mixture.
    ValueError
        If ``runs`` is empty, or a run has no steps.

    Examples
    --------
    >>> from emlib import gmm
    >>> X = [[0.0], [0.5], [4.0], [4.5]]
    >>> start = gmm.Params([0.5, 0.5], [[1.0], [3.0]], [1.0, 1.0])
    >>> result = gmm.fit(X, start, covariance_type="spherical", max_iter=3, tol=0)
    >>> fig = collapse_trace({"a run": result.history[1:]})
    >>> [ax.get_ylabel() for ax in fig.axes], fig.axes[1].get_yscale()
    (['log-likelihood', 'smallest variance'], 'log')
    """
    runs = _check_dict(runs, "runs", "run", "of name -> steps of gmm.fit (em.EMStep)")
    checked = {}
    for name, steps in runs.items():
        if isinstance(steps, (str, em.EMStep)) or not isinstance(steps, Sequence):
            raise TypeError(f"runs[{name!r}] must be a sequence of em.EMStep; got {type(steps).__name__}")
        if not steps:
            raise ValueError(f"runs[{name!r}] must hold at least one step")
        for index, step in enumerate(steps):
            if not (isinstance(step, em.EMStep) and isinstance(step.params, gmm.Params)):
                raise TypeError(f"runs[{name!r}][{index}] must be an em.EMStep of gmm.fit; "
                                f"got {type(step).__name__}")
        checked[name] = steps
    fig, axes = new_figure(1, 2, panel_size=(3.3, 3.0))
    left, right = axes[0]
    for index, (name, steps) in enumerate(checked.items()):
        iterations = np.arange(1, len(steps) + 1)
        left.plot(iterations, [step.log_likelihood for step in steps], marker="o", markersize=3.5,
                  color=_colour(index), label=str(name))
        right.plot(iterations, [_smallest_variance(step.params.covariances) for step in steps],
                   marker="o", markersize=3.5, color=_colour(index), label=str(name))
    left.set_ylabel("log-likelihood")
    right.set_yscale("log")
    right.set_ylabel("smallest variance")
    for ax in (left, right):
        ax.set_xlabel("iteration")
        ax.grid(alpha=0.3)
    left.legend(frameon=False, fontsize=8)
    return fig


def convergence_rates(
    results: Sequence[em.EMResult], names: Sequence[str], *, floor: float = 1e-12,
) -> Figure:
    """How far each iteration of EM is from where the run ends, on a log scale.

    The last iteration of each run stands for its limit, so each run should
    go on until it has stopped moving (``tol=0`` and a large ``max_iter``).
    The left panel shows the gap in log-likelihood, ``L_final - L_t``; the
    right one the distance of the parameters, ``|theta_t - theta_final|``
    with all the parameters (every entry of every array of ``params``)
    flattened into one vector.  Under EM's linear convergence both fall on
    straight lines: the distance shrinks by a constant factor per
    iteration, and near a maximum the gap by about that factor squared.

    Parameters
    ----------
    results : sequence of em.EMResult
        Runs of any emlib model whose ``params`` is a tuple of arrays.
    names : sequence of str
        A legend entry per run.
    floor : float
        Values at or below ``floor`` times ``max(1, |L_final|)`` (for the
        gap) or ``max(1, |theta_final|)`` (for the distance) are rounding
        noise and are not drawn; between 0 and 1.

    Returns
    -------
    Figure

    Raises
    ------
    TypeError
        If ``results`` is not a sequence, a result is not an ``em.EMResult``,
        ``names`` is not a sequence of strings, or ``floor`` is not a
        real number.
    ValueError
        If there are no results, ``names`` does not give one entry per
        result, a run has no iterations, or ``floor`` is not in (0, 1).

    Examples
    --------
    >>> from emlib import coins
    >>> result = coins.fit([5, 9, 8, 4, 7], 10, [0.6, 0.5], max_iter=30, tol=0)
    >>> fig = convergence_rates([result], ["two coins"])
    >>> [ax.get_ylabel() for ax in fig.axes], fig.axes[0].get_yscale()
    (['log-likelihood gap', 'parameter distance'], 'log')
    """
    results = _each_result(results, _check_em_result)
    for index, result in enumerate(results):
        if result.n_iter == 0:
            raise ValueError(f"results[{index}] has no iterations (n_iter = 0)")
    names = _one_per(names, len(results), "names", "result")
    floor = check_float(floor, "floor")
    if not 0 < floor < 1:
        raise ValueError(f"floor must be between 0 and 1; got {floor}")
    fig, axes = new_figure(1, 2, panel_size=(3.3, 3.0))
    left, right = axes[0]
    for index, (result, name) in enumerate(zip(results, names)):
        values = result.log_likelihoods
        gaps = values[-1] - values
        distances = result.distances_to_final
        size = np.linalg.norm(em._flattened(result.params))
        iterations = np.arange(len(values))
        for ax, series, scale in ((left, gaps, abs(values[-1])), (right, distances, size)):
            keep = series > floor * max(1.0, scale)
            ax.plot(iterations[keep], series[keep], marker="o", markersize=2.5, lw=1.2,
                    color=_colour(index), label=name)
    left.set_ylabel("log-likelihood gap")
    right.set_ylabel("parameter distance")
    for ax in (left, right):
        ax.set_yscale("log")
        ax.set_xlabel("iteration")
        ax.grid(alpha=0.3, which="both")
    left.legend(frameon=False, fontsize=8)
    return fig


def _check_sizes(value: object, name: str, at_least: int = 1) -> np.ndarray:
    """The x values of a panel of curves: positive integers in increasing order (``ks``, ``n_samples``)."""
    sizes = check_array(value, name, ndim=1, shape_hint="(m,)")
    if (len(sizes) < at_least or np.any(sizes < 1) or np.any(sizes != np.round(sizes))
            or np.any(np.diff(sizes) <= 0)):
        how_many = f"at least {at_least} " if at_least > 1 else ""
        raise ValueError(f"{name} must be {how_many}positive integers in increasing order; got {sizes.tolist()}")
    return sizes


def _check_panels(value: object, name: str, what: tuple[str, str], n_points: int, per: str
                  ) -> dict[str, dict[str, np.ndarray]]:
    """``value[panel][curve]``: for each panel (``what[0]``) a dict of curves (``what[1]``), each ``n_points`` values."""
    panel, curve = what
    value = _check_dict(value, name, panel, f"of {panel} -> {{{curve}: values, one per {per}}}")
    panels = {}
    for key, curves in value.items():
        curves = _check_dict(curves, f"{name}[{key!r}]", curve, f"of {curve} -> values, one per {per}")
        panels[str(key)] = {}
        for label, values in curves.items():
            values = check_array(values, f"{name}[{key!r}][{label!r}]", ndim=1, shape_hint="(m,)")
            if len(values) != n_points:
                raise ValueError(f"{name}[{key!r}][{label!r}] must have one value per {per} "
                                 f"({n_points}); got {len(values)}")
            panels[str(key)][str(label)] = values
    return panels


def information_criteria(ks: Sequence[int], scores: dict[str, dict[str, Sequence[float]]]) -> Figure:
    """Information criteria against the number of components, one panel per criterion.

    Parameters
    ----------
    ks : sequence of int
        The numbers of components, positive and increasing.
    scores : dict of str to dict of str to sequence of float
        ``scores[criterion][model]`` holds that criterion (for example
        ``"BIC"``) for each ``k`` of that model (for example the covariance
        type ``"full"``).  Lower is better: each panel rings its lowest
        value.

    Returns
    -------
    Figure
        At most 6.6 inches wide.

    Raises
    ------
    TypeError
        If ``ks`` or a curve is not an array of real numbers, or ``scores`` or
        one of its entries is not a dict.
    ValueError
        If ``ks`` is not a non-empty 1-d array of positive integers in
        increasing order, ``scores`` or one of its entries is empty, or a
        curve does not have one finite value per ``k``.

    Examples
    --------
    The BIC values of :func:`emlib.gmm.bic`'s example:

    >>> fig = information_criteria([1, 2, 3], {"BIC": {"full": [1033.4, 876.5, 880.9]}})
    >>> fig.axes[0].get_title()
    'BIC: lowest at full, k = 2'
    """
    ks = _check_sizes(ks, "ks")
    panels = _check_panels(scores, "scores", ("criterion", "model"), len(ks), "k")
    width = min(3.3, _PAGE_WIDTH / len(panels))
    fig, axes = new_figure(1, len(panels), panel_size=(width, 3.0))
    for ax, (criterion, curves) in zip(axes[0], panels.items()):
        for index, (model, values) in enumerate(curves.items()):
            ax.plot(ks, values, marker="o", markersize=3.5, color=_colour(index), label=model)
        model, position = min(((model, int(np.argmin(values))) for model, values in curves.items()),
                              key=lambda pair: curves[pair[0]][pair[1]])
        ax.plot([ks[position]], [curves[model][position]], "o", markersize=11, markerfacecolor="none",
                markeredgecolor="black", mew=1.4, zorder=5)
        ax.set_title(f"{criterion}: lowest at {model}, k = {int(ks[position])}", fontsize=9)
        ax.set_xlabel("number of components k")
        ax.set_ylabel(criterion)
        ax.set_xticks(ks)
        ax.grid(alpha=0.3)
    axes[0, 0].legend(frameon=False, fontsize=8)
    return fig


# --------------------------------------------------------------------------
# Performance
# --------------------------------------------------------------------------


def time_per_iteration(n_samples: Sequence[int], times: dict[str, dict[str, Sequence[float]]]) -> Figure:
    """Time per iteration against the number of points, on log-log axes, one panel per algorithm.

    Time that grows linearly with N is a line of slope 1 on these axes: a
    dashed grey line of slope 1 runs through each panel's first curve at
    its smallest N, and every legend entry gives its curve's fitted slope
    (least squares on the logs).

    Parameters
    ----------
    n_samples : sequence of int
        The numbers of points, positive and increasing, at least 2.
    times : dict of str to dict of str to sequence of float
        ``times[algorithm][implementation]`` holds the time per iteration,
        in milliseconds, for each entry of ``n_samples``: positive numbers.

    Returns
    -------
    Figure
        At most 6.6 inches wide.

    Raises
    ------
    TypeError
        If ``n_samples`` or a curve is not an array of real numbers, or
        ``times`` or one of its entries is not a dict.
    ValueError
        If ``n_samples`` is not a 1-d array of at least 2 positive integers
        in increasing order, ``times`` or one of its entries is empty, or a
        curve does not have one finite, positive value per ``n_samples``.

    Examples
    --------
    >>> fig = time_per_iteration([1000, 10_000, 100_000], {"k-means": {"emlib": [0.1, 1.0, 10.0]}})
    >>> fig.axes[0].get_legend_handles_labels()[1]
    ['emlib (slope 1.00)', 'slope 1']
    """
    n_samples = _check_sizes(n_samples, "n_samples", at_least=2)
    panels = _check_panels(times, "times", ("algorithm", "implementation"), len(n_samples), "n_samples entry")
    for algorithm, curves in panels.items():
        for label, values in curves.items():
            if np.any(values <= 0):
                raise ValueError(f"times[{algorithm!r}][{label!r}] must be positive (a log scale); "
                                 f"got {values.tolist()}")
    width = min(3.3, _PAGE_WIDTH / len(panels))
    fig, axes = new_figure(1, len(panels), panel_size=(width, 3.0))
    log_n = np.log(n_samples)
    for ax, (algorithm, curves) in zip(axes[0], panels.items()):
        for index, (label, values) in enumerate(curves.items()):
            fitted = np.polyfit(log_n, np.log(values), 1)[0]
            ax.plot(n_samples, values, marker="o", markersize=3.5, color=_colour(index),
                    label=f"{label} (slope {fitted:.2f})")
        first = next(iter(curves.values()))
        ax.plot(n_samples, first[0] * n_samples / n_samples[0], ls="--", lw=1, color="grey", label="slope 1")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_title(algorithm, fontsize=9)
        ax.set_xlabel("number of points N")
        ax.set_ylabel("ms per iteration")
        ax.grid(alpha=0.3, which="both")
        ax.legend(frameon=False, fontsize=8)
    return fig
