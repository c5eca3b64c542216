"""Figures of the chapter "Gaussian mixtures": densities, histograms, ellipses, EM runs."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Ellipse

from .. import em, gmm
from .._gmm_params import full_covariances as _full_covariances
from .._validation import check_array, check_bool, check_int, check_labels
from ._base import (
    _PAGE_WIDTH,
    GREY,
    _at_least_one,
    _check_ax,
    _check_limits,
    _check_text,
    _colour,
    _is_sequence,
    _one_per,
    data_limits,
    new_figure,
)
from .soft import resp_colours

__all__ = ["mixture_state", "mixtures", "mixture_histograms", "mixture_frames"]


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
    """``weights[k] N(x | k)`` at the points of ``grid`` ``(m, d)``, shape ``(m, k)``."""
    return gmm.e_step(grid, params)[0] * np.exp(gmm.log_density(grid, params))[:, None]


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


def _check_truth(truth: object, X: np.ndarray) -> gmm.Params:
    """``truth`` as a mixture of as many features as ``X``; its errors name it."""
    if not isinstance(truth, gmm.Params):
        raise TypeError(f"truth must be a gmm.Params; got {type(truth).__name__}")
    try:
        gmm.e_step(X[:1], truth)
    except ValueError as error:
        raise ValueError(f"truth is not a mixture for X: {error}") from None
    return gmm._check_params(truth)


def mixture_state(
    X: object, params: gmm.Params, *, ax: Axes, limits=None, title: str | None = None,
    truth: gmm.Params | None = None, component_names: Sequence[str] | None = None, hard: bool = False,
    labels: object = None,
) -> Axes:
    """Draw data and a Gaussian mixture into ``ax``: the picture of one EM iteration.

    For 1-d data: a density histogram of the points, each component's
    weighted density ``weights[k] N(x | k)`` in its colour, their sum (the
    mixture) dashed in black, and a rug of the points coloured by
    responsibility.  For 2-d data: the points coloured by responsibility
    (:func:`resp_colours`), each mean as a cross, and ellipses at 1 and 2
    standard deviations of each component, drawn with a white edge so that
    they stay visible over points of their own colour.

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
    truth : gmm.Params, optional
        The mixture the data were drawn from, drawn in thin black dotted
        lines for comparison: its weighted densities (1-d) or its ellipses at
        1 and 2 standard deviations (2-d), with a legend entry "truth".
    component_names : sequence of str, optional
        A legend entry per component of ``params``, in its colour (and, in
        1-d, one for the mixture).
    hard : bool
        Colour each point wholly by its most responsible component, the
        assignment hard-assignment EM makes, instead of by a blend of the
        components' colours in proportion to its responsibilities.
    labels : array-like of shape (n,), optional
        Colour each point wholly by its label, a component index in
        ``0 .. K-1``, instead: for points drawn from the mixture
        (``gmm.sample``), the component that drew each.  Takes precedence
        over ``hard``.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``.

    Raises
    ------
    TypeError
        If ``X`` or a part of ``params`` is not an array of real numbers,
        ``params`` or ``truth`` is not a ``gmm.Params``, ``ax`` is not a
        matplotlib ``Axes``, ``limits`` is not a pair of pairs of real
        numbers, ``title`` is not a string, ``component_names`` is not a
        sequence of strings, ``hard`` is not ``True`` or ``False``, or
        ``labels`` does not hold integers.
    ValueError
        If ``X`` is not a finite, non-empty array of 1 or 2 columns;
        ``params`` or ``truth`` is inconsistent with it or with itself:
        shapes, weights negative or not summing to 1, a covariance not
        symmetric positive definite; ``limits`` is not two pairs
        ``(low, high)`` of finite numbers with ``low < high``;
        ``component_names`` does not have one entry per component; or
        ``labels`` does not have one entry per point, each in ``0 .. K-1``.

    Examples
    --------
    1-d data: the two weighted components and their sum are three curves.

    >>> from emlib import gmm
    >>> fig, axes = new_figure()
    >>> params = gmm.Params([0.5, 0.5], [[0.0], [4.0]], [1.0, 1.0])
    >>> ax = mixture_state([[0.0], [1.0], [4.0]], params, ax=axes[0, 0])
    >>> ax.get_xlabel(), ax.get_ylabel(), len(ax.lines)
    ('$x$', 'density', 3)

    Points coloured by the component that drew them:

    >>> ax = mixture_state([[0.0], [1.0], [4.0]], params, ax=axes[0, 0], labels=[0, 0, 1])
    """
    X = _check_mixture_data(X)
    resp, _ = gmm.e_step(X, params)  # also checks params against X
    params = gmm._check_params(params)
    if truth is not None:
        truth = _check_truth(truth, X)
    limits = _mixture_limits(X, [params]) if limits is None else _check_limits(limits)
    title = _check_text(title, "title", optional=True)
    k = len(params.weights)
    names = None if component_names is None else _one_per(component_names, k, "component_names", "component")
    hard = check_bool(hard, "hard")
    if labels is not None:
        labels = check_labels(labels, len(X), k)
    ax = _check_ax(ax)
    if labels is not None:
        resp = np.eye(k)[labels]
    elif hard:
        resp = np.eye(k)[np.argmax(resp, axis=1)]
    colours = resp_colours(resp)
    if X.shape[1] == 1:
        grid = np.linspace(*limits[0], 400)
        densities = _weighted_densities(grid[:, None], params)
        ax.hist(X[:, 0], bins=_BINS, density=True, color=GREY, alpha=0.35)
        for j in range(k):
            ax.plot(grid, densities[:, j], color=_colour(j), lw=2, label=names[j] if names else None)
        ax.plot(grid, densities.sum(axis=1), color="black", lw=1.2, ls="--", label="mixture" if names else None)
        if truth is not None:
            for j, density in enumerate(_weighted_densities(grid[:, None], truth).T):
                ax.plot(grid, density, color="black", lw=1, ls=":", label="truth" if j == 0 else None)
        rug = limits[1][1] * 0.025
        ax.scatter(X[:, 0], np.full(len(X), rug), c=colours, marker="|", s=90, linewidths=1)
        ax.set_xlabel("$x$")
        ax.set_ylabel("density")
    else:
        ax.scatter(X[:, 0], X[:, 1], s=10, c=colours, alpha=0.75, linewidths=0)
        if truth is not None:
            for j, (mean, covariance) in enumerate(zip(truth.means, _full_covariances(truth))):
                for radius in (1, 2):
                    _ellipse(ax, mean, covariance, radius, color="black", lw=1, ls=":", zorder=3,
                             label="truth" if (j, radius) == (0, 1) else None)
        for j, (mean, covariance) in enumerate(zip(params.means, _full_covariances(params))):
            for radius in (1, 2):
                width = 2.2 - 0.8 * radius
                _ellipse(ax, mean, covariance, radius, color=_colour(j), lw=width,
                         ls="-" if radius == 1 else "--", zorder=4,
                         path_effects=[patheffects.withStroke(linewidth=width + 2.0, foreground="white")],
                         label=names[j] if names and radius == 1 else None)
        ax.scatter(params.means[:, 0], params.means[:, 1], marker="X", s=130,
                   c=[_colour(j) for j in range(k)], edgecolor="black", linewidths=1.2, zorder=5)
        ax.set_xlabel("$x$")
        ax.set_ylabel("$y$")
    if names or truth is not None:
        ax.legend(frameon=False, fontsize=9)
    ax.set_xlim(*limits[0])
    ax.set_ylim(*limits[1])
    if title:
        ax.set_title(title)
    return ax


def _panel_flags(value: object, n: int, name: str) -> list[bool]:
    """``True``/``False`` for every panel: one bool for all, or one per panel."""
    if isinstance(value, (bool, np.bool_)):
        return [bool(value)] * n
    if not _is_sequence(value):
        raise TypeError(f"{name} must be True or False, or a sequence of them, one per mixture; "
                        f"got {type(value).__name__}")
    values = _one_per(value, n, name, "mixture", items="bools")
    return [check_bool(flag, f"{name}[{index}]") for index, flag in enumerate(values)]


def mixtures(
    X: object, params: Sequence[gmm.Params], titles: Sequence[str], *,
    truth: gmm.Params | None = None, component_names: Sequence[str] | None = None,
    hard: bool | Sequence[bool] = False, ncols: int | None = None, equal_scales: bool = False,
    labels: Sequence[object | None] | None = None, limits=None,
) -> Figure:
    """The same data under several mixtures, side by side (see :func:`mixture_state`).

    Parameters
    ----------
    X : array-like of shape (n, 1) or (n, 2)
        The data.
    params : sequence of gmm.Params
        One mixture per panel, each with as many features as ``X``.
    titles : sequence of str
        One title per panel.
    truth : gmm.Params, optional
        The mixture the data were drawn from, drawn dotted in every panel.
    component_names : sequence of str, optional
        A name per component (every mixture must have that many).  With
        names or ``truth``, the figure has one legend, below the panels.
    hard : bool or sequence of bool
        Colour the points by their most responsible component (see
        :func:`mixture_state`): for all panels, or one flag per panel.
    ncols : int, optional
        Panels per row; all in one row by default.  A panel is as wide as
        in a full row of ``ncols`` panels, even if there are fewer.
    equal_scales : bool
        Draw a unit with the same length on both axes (2-d data), so that
        round components look round.
    labels : sequence of label arrays (or ``None``), optional
        One entry per panel: colour that panel's points by these component
        indices (see :func:`mixture_state`), or, for ``None``, as ``hard``
        says.
    limits : ((xmin, xmax), (ymin, ymax)), optional
        Fixed limits, such as ``data_limits`` of other points, so that a
        panel of points drawn from a mixture can share the data's axes.  By
        default the limits hold ``X`` (and, in 1-d, every density curve).

    Returns
    -------
    Figure
        At most 6.6 inches wide.

    Raises
    ------
    TypeError
        If ``X`` is not an array of real numbers, ``params`` is not a
        sequence of mixtures (a lone ``gmm.Params`` included), ``titles`` is
        a single string or not a sequence, a mixture is not a
        ``gmm.Params`` of arrays of real numbers, ``truth`` or
        ``component_names`` is not what :func:`mixture_state` takes,
        ``hard`` is neither a bool nor a sequence of bools, ``ncols`` is not
        an integer, ``equal_scales`` is not ``True`` or ``False``,
        ``labels`` is not a sequence of label arrays (or ``None``), or
        ``limits`` is not a pair of pairs of real numbers.
    ValueError
        If ``X`` is not a finite, non-empty array of 1 or 2 columns,
        ``titles`` (or a sequence ``hard``, or ``labels``) does not have one
        entry per mixture, there are no mixtures, a mixture (or ``truth``) is
        inconsistent with ``X`` or with itself (as in
        :func:`mixture_state`), ``component_names`` does not name every
        component, a label array does not hold one component index per
        point, ``limits`` is not two pairs ``(low, high)`` of finite numbers
        with ``low < high``, or ``ncols`` is below 1.

    Examples
    --------
    >>> from emlib import gmm
    >>> start = gmm.Params([0.5, 0.5], [[0.0], [1.0]], [1.0, 1.0])
    >>> end = gmm.Params([0.5, 0.5], [[0.0], [4.0]], [1.0, 1.0])
    >>> fig = mixtures([[0.0], [1.0], [4.0]], [start, end], ["start", "end"])
    >>> [ax.get_title() for ax in fig.axes]
    ['start', 'end']

    Two panels in a column, with one legend for both:

    >>> fig = mixtures([[0.0], [1.0], [4.0]], [start, end], ["start", "end"], ncols=1,
    ...                component_names=["left", "right"])
    >>> [text.get_text() for text in fig.legends[0].get_texts()]
    ['left', 'right', 'mixture']

    Points drawn from a mixture, coloured by the component that drew each,
    on the axes of other data:

    >>> drawn, components = gmm.sample(end, 5, rng=0)
    >>> fig = mixtures(drawn, [end], ["drawn"], labels=[components], limits=((-4.0, 8.0), (0.0, 0.5)))
    >>> [float(limit) for limit in fig.axes[0].get_xlim()]
    [-4.0, 8.0]
    """
    X = _check_mixture_data(X)
    if isinstance(params, gmm.Params):
        raise TypeError("params must be a sequence of gmm.Params, one per panel; got a single gmm.Params "
                        "(use [params] for one panel)")
    params = _at_least_one(params, "params", "mixture", items="gmm.Params, one per panel")
    titles = _one_per(titles, len(params), "titles", "mixture")
    for index, each in enumerate(params):
        gmm._check_params(each, X.shape[1], name=f"params[{index}]")
    if truth is not None:
        truth = _check_truth(truth, X)
    hard = _panel_flags(hard, len(params), "hard")
    if labels is None:
        labels = [None] * len(params)
    labels = _one_per(labels, len(params), "labels", "mixture", items="label arrays (or None)")
    labels = [None if each is None else check_labels(each, len(X), len(params[index].weights), name=f"labels[{index}]")
              for index, each in enumerate(labels)]
    ncols = len(params) if ncols is None else check_int(ncols, "ncols", minimum=1)
    row = ncols  # the panels are as wide as in a full row
    ncols = min(ncols, len(params))
    nrows = -(-len(params) // ncols)
    equal_scales = check_bool(equal_scales, "equal_scales")
    limits = _mixture_limits(X, params) if limits is None else _check_limits(limits)
    if X.shape[1] == 1:
        width = min(4.0, _PAGE_WIDTH / row)
        height = 0.78 * width
    else:
        width = min(3.8, _PAGE_WIDTH / row)
        (x_low, x_high), (y_low, y_high) = limits
        # the axes' own width is the panel's less the room for labels
        height = (width - 0.6) * (y_high - y_low) / (x_high - x_low) + 0.75 if equal_scales else width
        if equal_scales and (component_names is not None or truth is not None):
            height += 0.4 / nrows  # room for the legend below, so that the scale stays that of a panel without
    fig, axes = new_figure(nrows, ncols, panel_size=(width, height))
    for ax, each, title, flag, panel_labels in zip(axes.flat, params, titles, hard, labels):
        mixture_state(X, each, ax=ax, limits=limits, title=title, truth=truth,
                      component_names=component_names, hard=flag, labels=panel_labels)
        if equal_scales and X.shape[1] == 2:
            ax.set_aspect("equal", adjustable="box")
    for ax in list(axes.flat)[len(params):]:
        ax.set_visible(False)
    if component_names is not None or truth is not None:
        handles, labels = axes[0, 0].get_legend_handles_labels()
        for ax in list(axes.flat)[: len(params)]:
            ax.get_legend().remove()
        fig.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), 4), frameon=False,
                   fontsize=9)
    return fig


def mixture_histograms(x: object, labels: object, *, group_names: Sequence[str] | None = None) -> Figure:
    """1-d data as histograms: each group in its colour, and all mixed together as EM sees them.

    Parameters
    ----------
    x : array-like of shape (n, 1)
        The points.
    labels : array-like of shape (n,)
        The group each point came from (hidden from EM; shown for reference).
    group_names : sequence of str, optional
        A legend entry per group, ``0 .. labels.max()``; "group 1",
        "group 2", ... by default.

    Returns
    -------
    Figure
        6.6 inches wide.

    Raises
    ------
    TypeError
        If ``x`` is not an array of real numbers, ``labels`` does not hold
        integers, or ``group_names`` is not a sequence of strings.
    ValueError
        If ``x`` is not a finite, non-empty array of shape ``(n, 1)``,
        ``labels`` does not have shape ``(n,)`` or has a negative value, or
        ``group_names`` does not have one entry per group.

    Examples
    --------
    >>> fig = mixture_histograms([[0.0], [0.5], [4.0], [4.5]], [0, 0, 1, 1], group_names=["low", "high"])
    >>> [ax.get_title() for ax in fig.axes], [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    (['where the points came from', 'what EM is given'], ['low', 'high'])
    """
    x = check_array(x, "x", ndim=2, shape_hint="of shape (n, 1)")
    if x.shape[1] != 1:
        raise ValueError(f"x must have one column; got shape {x.shape}")
    labels = check_labels(labels, len(x))
    n_groups = int(labels.max()) + 1
    if group_names is None:
        group_names = [f"group {group + 1}" for group in range(n_groups)]
    group_names = _one_per(group_names, n_groups, "group_names", "group")
    bins = np.histogram_bin_edges(x[:, 0], bins=_BINS)
    fig, axes = new_figure(1, 2, panel_size=(_PAGE_WIDTH / 2, 2.6))
    for group in np.unique(labels):
        axes[0, 0].hist(x[labels == group, 0], bins=bins, color=_colour(group), alpha=0.65,
                        label=group_names[group])
    axes[0, 0].legend(frameon=False, fontsize=9)
    axes[0, 0].set_title("where the points came from")
    axes[0, 1].hist(x[:, 0], bins=bins, color=GREY)
    axes[0, 1].set_title("what EM is given")
    for ax in axes[0]:
        ax.set_xlabel("$x$")
        ax.set_ylabel("count")
    return fig


def mixture_frames(
    X: object, result: em.EMResult, *, truth: gmm.Params | None = None,
    component_names: Sequence[str] | None = None,
) -> list[tuple[str, Figure]]:
    """One figure per iteration of a 1-d or 2-d ``gmm.fit`` run, for a slider.

    Each frame shows the mixture after that iteration (:func:`mixture_state`,
    titled "start" for the start and "after iteration t" after that) beside
    the log-likelihood so far, on axes fixed across frames.  ``truth`` and
    ``component_names`` are passed to :func:`mixture_state`.  Every frame is
    6.6 inches wide, and all have the layout of the first.

    Returns
    -------
    list of (label, Figure)
        ``("0", start)``, ``("1", after iteration 1)``, and so on.

    Raises
    ------
    TypeError
        If ``X`` is not an array of real numbers, ``result`` is not the
        ``em.EMResult`` of ``gmm.fit``, or ``truth`` or ``component_names``
        is not what :func:`mixture_state` takes.
    ValueError
        If ``X`` is not a finite, non-empty array of 1 or 2 columns, or the
        result's mixtures (or ``truth``) do not have as many features as
        ``X``, or ``component_names`` does not name every component.

    Examples
    --------
    >>> from emlib import gmm
    >>> X = [[0.0], [0.5], [4.0], [4.5]]
    >>> start = gmm.Params([0.5, 0.5], [[1.0], [3.0]], [1.0, 1.0])
    >>> result = gmm.fit(X, start, covariance_type="spherical", max_iter=2, tol=0)
    >>> frames = mixture_frames(X, result)
    >>> [label for label, _ in frames], [fig.axes[0].get_title() for _, fig in frames]
    (['0', '1', '2'], ['start', 'after iteration 1', 'after iteration 2'])
    """
    X = _check_mixture_data(X)
    result = _check_gmm_result(result, X=X)
    limits = _mixture_limits(X, [step.params for step in result.history])
    values = result.log_likelihoods
    spread = max(values.max() - values.min(), 1e-9)
    frames, positions = [], None
    for t, step in enumerate(result.history):
        fig, axes = new_figure(1, 2, panel_size=(_PAGE_WIDTH / 2, 3.0))
        mixture_state(X, step.params, ax=axes[0, 0], limits=limits, title=f"after iteration {t}" if t else "start",
                      truth=truth, component_names=component_names)
        trace = axes[0, 1]
        trace.plot(np.arange(result.n_iter + 1), values, color=GREY, lw=1)
        trace.plot(np.arange(t + 1), values[: t + 1], color="black", marker="o", markersize=3)
        trace.set_xlim(-0.5, result.n_iter + 0.5)
        trace.set_ylim(values.min() - 0.05 * spread, values.max() + 0.05 * spread)
        trace.set_xlabel("iteration $t$")
        trace.set_title(f"log-likelihood {values[t]:.2f}")
        trace.grid(alpha=0.3)
        # the frames differ only inside their axes: lay out the first, and place the others like it
        if positions is None:
            fig.get_layout_engine().execute(fig)
            positions = [ax.get_position() for ax in axes[0]]
        else:
            fig.set_layout_engine("none")
            for ax, position in zip(axes[0], positions):
                ax.set_position(position)
        frames.append((str(t), fig))
    return frames
