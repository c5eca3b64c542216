"""Figures of the chapter "Missing data": filled tables, ellipses, the fraction hidden."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from .. import missing
from .._validation import _describe, check_array, check_int, check_rng
from ._base import (
    _PAGE_WIDTH,
    GREY,
    PALETTE,
    NotebookFigure,
    _check_ax,
    _check_dict,
    _check_limits,
    _check_text,
    _is_sequence,
    _one_per,
    data_limits,
    new_figure,
)
from .gmm import _ellipse

__all__ = ["imputation_state", "imputations", "imputation_frames"]


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


def _check_fractions(fractions: object) -> np.ndarray:
    """Shares of a table hidden, one per frame: increasing, within ``[0, 1)``."""
    fractions = check_array(fractions, "fractions", ndim=1, shape_hint="(m,)")
    if np.any(fractions < 0) or np.any(fractions >= 1) or np.any(np.diff(fractions) <= 0):
        raise ValueError(f"fractions must increase within [0, 1); got {fractions.tolist()}")
    return fractions


def _axis_names(feature_names: Sequence[str] | None, columns: tuple[int, int], d: int) -> list[str]:
    """The axis labels of two features of a ``d``-column table: their names, or "feature j"."""
    if feature_names is None:
        return [f"feature {c}" for c in columns]
    feature_names = _one_per(feature_names, d, "feature_names", "feature of X")
    return [str(feature_names[c]) for c in columns]


#: What the layers of :func:`imputation_state` show, in the order of the legend.
_LABELS = ("observed in both", "hidden: true value", "hidden: filled in", "estimated Normal, 2 sd",
           "complete table's Normal, 2 sd")


def _legend_handles(with_truth: bool) -> list[Line2D]:
    """Stand-ins for the layers of :func:`imputation_state`, for a legend of the whole figure."""
    handles = [
        Line2D([], [], ls="", marker="o", markersize=4, markerfacecolor=GREY, markeredgewidth=0, alpha=0.6),
        Line2D([], [], ls="", marker="o", markersize=5, markerfacecolor="none", markeredgecolor="black",
               markeredgewidth=0.6, alpha=0.6),
        Line2D([], [], ls="", marker="o", markersize=4.5, markerfacecolor=PALETTE[1], markeredgewidth=0),
        Line2D([], [], color=PALETTE[0], lw=2),
        Line2D([], [], color="black", lw=1.3, ls="--"),
    ]
    for handle, label in zip(handles, _LABELS):
        handle.set_label(label)
    return handles if with_truth else [handles[0], handles[2], handles[3]]


def _figure_legend(fig: Figure, ax: Axes | None = None) -> None:
    """The legend of the scatter panels, outside the data: above them, or in ``ax`` (an empty strip)."""
    handles = _legend_handles(True)
    wide = fig.get_size_inches()[0] >= 6  # room for three columns of labels
    if wide:
        handles = [handles[index] for index in (0, 3, 1, 4, 2)]  # matplotlib fills the columns first
    style = dict(handles=handles, ncols=3 if wide else 1, frameon=False, fontsize=9, handletextpad=0.4,
                 columnspacing=1.2)
    if ax is None:
        fig.legend(loc="outside upper center", **style)
    else:
        ax.set_axis_off()
        ax.legend(loc="center", borderaxespad=0, **style)


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
    black.  Every layer carries a label (``ax.legend()`` shows them); the
    figures of this module put one legend above all their panels instead.

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
    ax.scatter(*X_hidden[~gap][:, pair].T, s=10, color=GREY, alpha=0.6, linewidths=0, label=_LABELS[0])
    if X is not None:
        ax.scatter(*X[gap][:, pair].T, s=16, facecolors="none", edgecolors="black", linewidths=0.6,
                   alpha=0.5, label=_LABELS[1])
        truth = X[:, pair]
        _ellipse(ax, truth.mean(axis=0), np.cov(truth.T, bias=True), 2, color="black", lw=1.3, ls="--",
                 label=_LABELS[4])
    ax.scatter(*filled[gap][:, pair].T, s=14, color=PALETTE[1], linewidths=0, label=_LABELS[2])
    _ellipse(ax, params.mean[pair], params.covariance[np.ix_(pair, pair)], 2, color=PALETTE[0], lw=2,
             label=_LABELS[3])
    if limits is not None:
        ax.set_xlim(*limits[0])
        ax.set_ylim(*limits[1])
    ax.set_xlabel(names[0])
    ax.set_ylabel(names[1])
    if title:
        ax.set_title(title)
    return ax


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
        (so that the book's text column shows it without shrinking it), under
        one legend for all of them.

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
    fig, axes = new_figure(1, len(panels), panel_size=(width, width + 0.9))  # and the legend above
    for index, (ax, (title, (X_hidden, params, filled))) in enumerate(zip(axes[0], panels.items())):
        imputation_state(X_hidden, params, filled, ax=ax, columns=columns, X=X, limits=limits,
                         title=title, feature_names=feature_names)
        ax.locator_params(axis="x", nbins=4)
        if index:  # the limits are shared: label the vertical axis once
            ax.set_ylabel("")
            ax.tick_params(labelleft=False)
    _figure_legend(fig)
    return fig


def imputation_frames(
    X: object, fractions: Sequence[float], *, columns: Sequence[int] = (0, 1),
    feature_names: Sequence[str] | None = None, rng=None,
) -> list[tuple[str, Figure]]:
    """One figure per fraction of entries hidden completely at random, for a slider.

    For each fraction, :func:`emlib.missing.hide` hides that share of the
    entries of ``X`` (with one seed, so a larger fraction hides a superset),
    and :func:`emlib.missing.compare` scores the repairs.  Each frame,
    6.6 inches wide (the book's column) and titled by the share hidden,
    shows the column-mean fill and EM's fill (:func:`imputation_state`)
    under one legend and, below them, the largest error in the covariance of
    each repair against the fraction, with the current fraction marked.

    Parameters
    ----------
    X : array-like of shape (n, d)
        The complete table.
    fractions : sequence of float
        Increasing fractions in ``[0, 1)``.
    columns, feature_names
        As in :func:`imputation_state`.
    rng : None, int, numpy.random.SeedSequence, numpy.random.Generator or numpy.random.RandomState
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
        ``SeedSequence``, a ``Generator`` or a ``RandomState``.
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
    >>> [label for label, _ in frames], frames[1][1].get_suptitle()
    (['10 %', '30 %'], '30 % of the entries hidden at random')
    >>> [ax.get_title().split(":")[0] for ax in frames[1][1].axes[1:3]]
    ['fill with means', 'EM']
    """
    X = check_array(X, "X", ndim=2, shape_hint="(n, d)")
    fractions = _check_fractions(fractions)
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
        # the width of the book's column: the text keeps its size on the page
        fig = NotebookFigure(figsize=(_PAGE_WIDTH, 6.6), layout="constrained")
        axes = fig.subplot_mosaic([["legend", "legend"], ["fill with means", "EM"], ["trace", "trace"]],
                                  height_ratios=[0.4, 3.0, 1.7])
        for name in ("fill with means", "EM"):
            ax = axes[name]
            imputation_state(table, repair[name].params, repair[name].filled, ax=ax, columns=columns,
                             X=X, limits=limits, feature_names=feature_names,
                             title=_fill_title(name, repair[name].fill_error))
            ax.title.set_fontsize(10)
            ax.locator_params(axis="x", nbins=4)
        axes["EM"].set_ylabel("")  # the limits are shared: label the vertical axis once
        axes["EM"].tick_params(labelleft=False)
        trace = axes["trace"]
        for colour, (name, values) in zip((GREY, PALETTE[1], PALETTE[0]), errors.items()):
            trace.plot(100 * fractions, values, marker="o", markersize=4, color=colour, label=name)
        trace.axvline(100 * fraction, color="black", lw=0.8, label="this frame")
        trace.set_ylim(0, 1.05 * top if top > 0 else 1.0)
        trace.set_xlabel("entries hidden (%)")
        trace.set_ylabel("covariance error")
        trace.set_title("largest error of a covariance entry, in standard units", fontsize=10)
        trace.legend(frameon=False, fontsize=9, loc="upper left")
        trace.grid(alpha=0.3)
        fig.suptitle(f"{100 * fraction:.0f} % of the entries hidden at random", fontsize=12)
        _figure_legend(fig, axes["legend"])
        frames.append((f"{100 * fraction:.0f} %", fig))
    return frames
