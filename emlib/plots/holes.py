"""Figures of the chapter "A mixture with holes": one mixture fitted three ways, as more of the table is hidden."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from .. import gmm
from .._validation import check_array, check_labels
from ._base import (
    _PAGE_WIDTH,
    GREY,
    PALETTE,
    NotebookFigure,
    _check_dict,
    _one_per,
    data_limits,
)
from .gmm import _ellipse, _full_covariances
from .missing import _axis_names, _check_columns, _check_fractions

__all__ = ["mixture_repair_frames"]

_REPAIR_STYLES = ({"color": GREY, "marker": "s"}, {"color": "black", "marker": "^", "ls": "--"},
                  {"color": "#D55E00", "marker": "o"})  # not the groups' colours: a repair is no group
_RADIUS = 2.0  # the ellipses: two standard deviations


def _check_fits(fits: object, n_frames: int, k: int, d: int) -> tuple[list[str], list[dict[str, gmm.Params]]]:
    """One dict per frame, of repair name -> mixture of ``k`` components in ``d`` features; the same names in each."""
    fits = _one_per(fits, n_frames, "fits", "fraction", items="dicts of repair name -> gmm.Params")
    names = None
    for index, frame in enumerate(fits):
        frame = _check_dict(frame, f"fits[{index}]", "repair", "of repair name -> gmm.Params")
        if names is None:
            names = list(frame)
            if len(names) > len(_REPAIR_STYLES):
                raise ValueError(f"fits[0] must hold at most {len(_REPAIR_STYLES)} repairs; got {len(names)}")
        elif list(frame) != names:
            raise ValueError(f"fits[{index}] must name the repairs of fits[0], {names}, in order; got {list(frame)}")
        for name, params in frame.items():
            params = gmm._check_params(params, d, f"fits[{index}][{name!r}]")
            if len(params.weights) != k:
                raise ValueError(f"fits[{index}][{name!r}] must have one component per group of labels, {k}; "
                                 f"got {len(params.weights)}")
            frame[name] = params
        fits[index] = frame
    return names, fits


def _check_scores(scores: object, names: list[str], n_frames: int) -> dict[str, dict[str, np.ndarray]]:
    """Two panels of score name -> repair name -> one value per fraction."""
    scores = _check_dict(scores, "scores", "score", "of score name -> {repair name: values}")
    if len(scores) != 2:
        raise ValueError(f"scores must hold two scores, one per panel below the mixtures; got {len(scores)}")
    checked = {}
    for score, curves in scores.items():
        curves = _check_dict(curves, f"scores[{score!r}]", "repair", "of repair name -> values")
        if list(curves) != names:
            raise ValueError(f"scores[{score!r}] must name the repairs of fits, {names}, in order; got {list(curves)}")
        checked[score] = {name: check_array(values, f"scores[{score!r}][{name!r}]", ndim=1, shape_hint="(m,)")
                          for name, values in curves.items()}
        for name, values in checked[score].items():
            if len(values) != n_frames:
                raise ValueError(f"scores[{score!r}][{name!r}] must have one value per fraction ({n_frames}); "
                                 f"got {len(values)}")
    return checked


def _legend(ax: Axes, group_names: list[str], with_reference: bool) -> None:
    handles = [Line2D([], [], ls="", marker="o", markersize=5, markerfacecolor=PALETTE[j], markeredgewidth=0,
                      label=name) for j, name in enumerate(group_names)]
    handles += [Line2D([], [], ls="", marker="o", markersize=5, markerfacecolor="none", markeredgecolor="black",
                       markeredgewidth=0.7, label="with a hole (true values)"),
                Line2D([], [], color="black", lw=1.6, label="fitted component (2 sd)")]
    if with_reference:
        handles.append(Line2D([], [], color="black", lw=1.0, ls=":", label="fit of the complete table"))
    ax.set_axis_off()
    ax.legend(handles=handles, loc="center", ncols=3, frameon=False, fontsize=9, handletextpad=0.4,
              columnspacing=1.0, borderaxespad=0)


def _panel(ax: Axes, X: np.ndarray, labels: np.ndarray, holes: np.ndarray, params: gmm.Params,
           reference: gmm.Params | None, pair: list[int]) -> None:
    """The rows of ``X`` (hollow where the table has a hole) by group, and the mixture's ellipses."""
    x, y = X[:, pair[0]], X[:, pair[1]]
    colours = np.array(PALETTE)[labels % len(PALETTE)]
    ax.scatter(x[~holes], y[~holes], s=9, c=colours[~holes], linewidths=0, alpha=0.75)
    ax.scatter(x[holes], y[holes], s=9, facecolors="none", edgecolors=colours[holes], linewidths=0.6, alpha=0.75)
    block = np.ix_(range(len(params.weights)), pair, pair)
    for j, (mean, covariance) in enumerate(zip(params.means[:, pair], _full_covariances(params)[block])):
        _ellipse(ax, mean, covariance, _RADIUS, color=PALETTE[j % len(PALETTE)], lw=1.6)
    if reference is not None:
        for mean, covariance in zip(reference.means[:, pair], _full_covariances(reference)[block]):
            _ellipse(ax, mean, covariance, _RADIUS, color="black", lw=1.0, ls=":")


def mixture_repair_frames(
    X: object,
    labels: object,
    fractions: object,
    tables: Sequence[object],
    fits: Sequence[dict[str, gmm.Params]],
    scores: dict[str, dict[str, Sequence[float]]],
    *,
    reference: gmm.Params | None = None,
    columns: Sequence[int] = (0, 1),
    feature_names: Sequence[str] | None = None,
    group_names: Sequence[str] | None = None,
) -> list[tuple[str, Figure]]:
    """One figure per fraction hidden: a mixture fitted to the table with holes in several ways, for a slider.

    Each frame, 6.6 inches wide (the book's column) and titled by the share
    hidden, has one panel per repair, side by side: the rows of ``X`` (the
    complete table) in two of its features, coloured by group, hollow
    where that frame's table has a hole; the repair's fitted components as
    ellipses of two standard deviations, component j in group j's colour
    (so ``fits`` should be matched to the groups, by :func:`emlib.gmm.align`);
    and, dotted, the ``reference`` mixture.  Below them, two panels trace the
    two ``scores`` of every repair against the fraction hidden, the current
    fraction marked.

    Parameters
    ----------
    X : array-like of shape (n, d)
        The complete table, before any entry was hidden.
    labels : array-like of int, shape (n,)
        Each row's group, ``0 .. k-1`` (the components are matched to them).
    fractions : array-like of shape (m,)
        The share of entries hidden in each frame, increasing within ``[0, 1)``.
    tables : sequence of m array-likes of shape (n, d)
        Each frame's table: ``X`` with NaN for each hidden entry.
    fits : sequence of m dicts of repair name -> gmm.Params
        Each frame's fitted mixtures, ``k`` components each, at most three
        repairs, the same names in each frame.
    scores : dict of score name -> {repair name: m values}
        Two scores of each repair in each frame (say, the share of rows put
        with their own group, and a covariance error).
    reference : gmm.Params, optional
        A mixture drawn dotted in every panel (say, the fit of ``X``).
    columns : pair of int
        The two features drawn.
    feature_names : sequence of str, optional
        One name per feature, for the axes.
    group_names : sequence of str, optional
        One name per group, for the legend; by default "group 0", ...

    Returns
    -------
    list of (label, Figure)
        Labelled by the fraction as a percentage, e.g. ``"30 %"``.

    Raises
    ------
    TypeError
        If an argument is of the wrong kind: ``X``, ``fractions``, a table or a score not an
        array of real numbers, ``labels`` not integers, ``fits`` not a sequence of dicts of
        ``gmm.Params``, ``scores`` not a dict of dicts, ``columns`` not a pair of integers,
        names not strings.
    ValueError
        If the shapes disagree: ``X`` not a finite, non-empty 2-d array; ``labels`` not one
        per row in ``0 .. k-1`` with every group present; ``fractions`` not increasing within
        ``[0, 1)``; not one table, one dict of fits and one score per fraction; a table not of
        the shape of ``X`` or differing from it in an observed entry; a mixture not of ``k``
        components in ``d`` features; repairs named differently across frames or scores, more
        than three of them, or not two scores; ``columns`` not two different features; or
        names not one per feature or group.

    Examples
    --------
    >>> from emlib import gmm
    >>> X = np.array([[0.0, 0.0], [1.0, 0.5], [0.5, 1.0], [6.0, 6.0], [7.0, 6.5], [6.5, 7.0]])
    >>> labels = [0, 0, 0, 1, 1, 1]
    >>> fit = gmm.m_step(X, np.eye(2)[labels])
    >>> table = X.copy(); table[0, 1] = np.nan
    >>> frames = mixture_repair_frames(X, labels, [1 / 12], [table], [{"EM": fit}],
    ...                                {"agreement": {"EM": [1.0]}, "error": {"EM": [0.0]}})
    >>> [label for label, _ in frames], frames[0][1].get_suptitle()
    (['8 %'], '8 % of the entries hidden at random')
    """
    X = check_array(X, "X", ndim=2, shape_hint="(n, d)")
    n, d = X.shape
    labels = check_labels(labels, n)
    k = int(labels.max()) + 1
    if len(np.unique(labels)) != k:
        raise ValueError(f"labels must use every group 0 .. {k - 1}; group {np.setdiff1d(np.arange(k), labels)[0]} "
                         "is empty")
    fractions = _check_fractions(fractions)
    m = len(fractions)
    tables = _one_per(tables, m, "tables", "fraction", items="arrays")
    for index, table in enumerate(tables):
        table = check_array(table, f"tables[{index}]", ndim=2, shape_hint="(n, d)", allow_nan=True)
        seen = ~np.isnan(table)
        if table.shape != X.shape or not np.array_equal(table[seen], X[seen]):
            raise ValueError(f"tables[{index}] must be X with NaN for each hidden entry, of shape {X.shape}")
        tables[index] = table
    names, fits = _check_fits(fits, m, k, d)
    scores = _check_scores(scores, names, m)
    if reference is not None:
        reference = gmm._check_params(reference, d, "reference")
    pair = list(_check_columns(columns, d))
    axis_names = _axis_names(feature_names, tuple(pair), d)
    if group_names is None:
        group_names = [f"group {j}" for j in range(k)]
    group_names = _one_per(group_names, k, "group_names", "group")
    limits = data_limits(X[:, pair])
    frames = []
    for index, (fraction, table, frame) in enumerate(zip(fractions, tables, fits)):
        fig = NotebookFigure(figsize=(_PAGE_WIDTH, 5.6), layout="constrained")
        panels = [name for name in names for _ in range(6 // len(names))]  # one row of equal panels
        layout = [["legend"] * 6, panels, ["score 0"] * 3 + ["score 1"] * 3]
        axes = fig.subplot_mosaic(layout, height_ratios=[0.45, 2.4, 1.7])
        holes = np.isnan(table).any(axis=1)
        for position, name in enumerate(names):
            ax = axes[name]
            _panel(ax, X, labels, holes, frame[name], reference, pair)
            ax.set(xlim=limits[0], ylim=limits[1], xlabel=axis_names[0])
            ax.set_title(name, fontsize=10)
            ax.tick_params(labelsize=9)
            ax.locator_params(axis="x", nbins=4)
            if position == 0:
                ax.set_ylabel(axis_names[1])
            else:
                ax.tick_params(labelleft=False)
        for position, (score, curves) in enumerate(scores.items()):
            ax = axes[f"score {position}"]
            for style, (name, values) in zip(_REPAIR_STYLES, curves.items()):
                ax.plot(100 * fractions, values, markersize=4, label=name, **style)
            ax.axvline(100 * fraction, color=GREY, lw=0.8)
            ax.set_xlabel("entries hidden (%)")
            ax.set_title(score, fontsize=10)
            ax.set_ylim(bottom=0)
            ax.tick_params(labelsize=9)
            ax.grid(alpha=0.3)
        axes["score 0"].legend(frameon=False, fontsize=9)
        _legend(axes["legend"], group_names, reference is not None)
        fig.suptitle(f"{100 * fraction:.0f} % of the entries hidden at random", fontsize=12)
        frames.append((f"{100 * fraction:.0f} %", fig))
    return frames
