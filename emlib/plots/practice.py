"""Figures of the chapter "EM in practice": local optima, collapse, rates, model choice."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from .. import em, gmm
from .._validation import check_array, check_bool, check_float, check_int
from ._base import (
    _PAGE_WIDTH,
    GREY,
    PALETTE,
    _at_least_one,
    _check_2d_points,
    _check_dict,
    _check_em_result,
    _check_sizes,
    _colour,
    _each_result,
    _one_per,
    data_limits,
    new_figure,
)
from .gmm import _check_gmm_result, _check_mixture_data, _mixture_limits, mixture_state

__all__ = ["point_sets", "final_log_likelihoods", "local_optima_frames", "mixture_panels", "collapse_trace",
           "convergence_rates", "information_criteria"]


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
    bin by bin: within a bin the bars of the samples stand side by side,
    each in its own colour, and none hides another.

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
    >>> fig.axes[0].get_xlabel(), [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
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
    width = (edges[1] - edges[0]) / len(arrays)  # the samples share each bin, side by side
    handles = []
    for index, (name, values) in enumerate(arrays.items()):
        counts, _ = np.histogram(values, bins=edges)
        handles.append(ax.bar(edges[:-1] + index * width, counts, width=width, align="edge",
                              color=_colour(index), label=f"{name} ({len(values)} runs)"))
    if best is not None:
        handles.append(ax.axvline(best, color="black", lw=1, ls="--", label="best found"))
    ax.set_xlabel("final log-likelihood")
    ax.set_ylabel("runs")
    ax.locator_params(axis="y", integer=True)
    ax.grid(alpha=0.3)
    ax.legend(handles=handles, frameon=False, loc="upper left")
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


def mixture_panels(
    X: object, params: Sequence[gmm.Params], titles: Sequence[str], *,
    feature_names: Sequence[str] | None = None,
) -> Figure:
    """The same 2-d data under several mixtures, side by side, with named axes and components.

    Each panel is :func:`mixture_state` of one mixture, with a legend that
    names its components in order ("component 0", "component 1", ...,
    numbered from 0 like the rows of ``params.means``) in their colours: two runs that found the same mixture in different orders
    show the same ellipses in different colours.

    Parameters
    ----------
    X : array-like of shape (n, 2)
        The data.
    params : sequence of gmm.Params
        One mixture per panel, each with 2 features.
    titles : sequence of str
        A title per panel.
    feature_names : sequence of str, optional
        The x and y labels, the same on every panel.

    Returns
    -------
    Figure
        One row of panels, at most 6.6 inches wide in all.

    Raises
    ------
    TypeError
        If ``X`` is not an array of real numbers, ``params`` is a single
        ``gmm.Params`` or not a sequence of them, ``titles`` or
        ``feature_names`` is a single string or not a sequence of strings.
    ValueError
        If ``X`` is not a finite, non-empty ``(n, 2)`` array, there are no
        mixtures, ``titles`` does not have one entry per mixture,
        ``feature_names`` does not have two entries, or a mixture is
        inconsistent with ``X`` or with itself (as in :func:`mixture_state`).

    Examples
    --------
    >>> from emlib import gmm
    >>> a = gmm.Params([0.5, 0.5], [[0.0, 0.0], [3.0, 0.0]], [[[1.0, 0.0], [0.0, 1.0]]] * 2)
    >>> b = gmm.Params(a.weights[::-1], a.means[::-1], a.covariances[::-1])
    >>> fig = mixture_panels([[0.0, 0.0], [3.0, 0.0]], [a, b], ["a", "b"], feature_names=["u", "v"])
    >>> [(ax.get_title(), ax.get_xlabel(), ax.get_ylabel()) for ax in fig.axes]
    [('a', 'u', 'v'), ('b', 'u', 'v')]
    """
    X = _check_2d_points(X)
    if isinstance(params, gmm.Params):
        raise TypeError("params must be a sequence of gmm.Params, one per panel; got a single gmm.Params "
                        "(use [params] for one panel)")
    params = _at_least_one(params, "params", "mixture", items="gmm.Params, one per panel")
    titles = [str(title) for title in _one_per(titles, len(params), "titles", "mixture")]
    if feature_names is not None:
        feature_names = [str(name) for name in _one_per(feature_names, 2, "feature_names", "feature")]
    for index, each in enumerate(params):
        if not isinstance(each, gmm.Params):
            raise TypeError(f"params[{index}] must be a gmm.Params; got {type(each).__name__}")
        gmm._check_params(each, 2, name=f"params[{index}]")
    limits = _mixture_limits(X, params)
    width = min(3.3, _PAGE_WIDTH / len(params))
    fig, axes = new_figure(1, len(params), panel_size=(width, width))
    for ax, each, title in zip(axes[0], params, titles):
        names = [f"component {k}" for k in range(len(each.weights))]  # numbered as in Python, from 0
        mixture_state(X, each, ax=ax, limits=limits, title=title, component_names=names)
        ax.title.set_fontsize(10)
        if feature_names is not None:
            ax.set_xlabel(feature_names[0])
            ax.set_ylabel(feature_names[1])
    return fig


def _smallest_variance(params: gmm.Params) -> float:
    """The smallest variance of a mixture in any direction: the least eigenvalue over all components.

    Not checked: the covariances of a collapsing run are on their way to singular.
    """
    covariances = np.asarray(params.covariances)
    if covariances.ndim == 3 or params.covariance_type == "tied":
        return float(np.linalg.eigvalsh(covariances).min())
    return float(covariances.min())


def collapse_trace(runs: dict[str, Sequence[em.EMStep]]) -> Figure:
    """The log-likelihood and the smallest variance of a mixture, iteration by iteration.

    When a component of a Gaussian mixture collapses onto a point (or onto
    points in a lower-dimensional affine subspace, such as a line in the
    plane), its variance in some direction runs to 0 while the
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
        right.plot(iterations, [_smallest_variance(step.params) for step in steps],
                   marker="o", markersize=3.5, color=_colour(index), label=str(name))
    left.set_ylabel("log-likelihood")
    right.set_yscale("log")
    right.set_ylabel("smallest variance")
    for ax in (left, right):
        ax.set_xlabel("iteration")
        ax.grid(alpha=0.3)
        ax.legend(frameon=False, fontsize=9)
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
        ax.legend(frameon=False, fontsize=9)
    return fig


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
        ``"BIC"``) of that model (for example the covariance type
        ``"full"``) for each number of components in ``ks``.  Lower is
        better: each panel rings its lowest value and has its own legend.

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
    'BIC: lowest at full, $K = 2$'
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
        ax.set_title(f"{criterion}: lowest at {model}, $K = {int(ks[position])}$", fontsize=9)
        ax.set_xlabel("number of components $K$")
        ax.set_ylabel(criterion)
        ax.set_xticks(ks)
        ax.grid(alpha=0.3)
        ax.legend(frameon=False, fontsize=9)    # on every panel: each is read on its own
    return fig
