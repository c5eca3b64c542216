"""Figures of the chapter "From hard to soft assignments": shares along a line, shares as colours, soft k-means."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Circle

from .. import em, soft
from .._validation import check_float, check_resp
from ._base import (
    GREY,
    _at_least_one,
    _check_2d_points,
    _check_ax,
    _check_limits,
    _check_text,
    _colour,
    _each_result,
    _one_per,
    data_limits,
    new_figure,
)

__all__ = ["resp_colours", "soft_state", "soft_assignments", "rules_on_a_line", "stiffness_on_a_line",
           "soft_kmeans_frames"]


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


# --------------------------------------------------------------------------
# One center's share along the line through two centers
# --------------------------------------------------------------------------

#: Points per curve along the line: enough that no corner shows at the column's width.
_LINE_POINTS = 601


def _check_gap(gap: object) -> float:
    gap = check_float(gap, "gap")
    if gap <= 0:
        raise ValueError(f"gap must be positive (the distance between the two centers); got {gap}")
    return gap


def _check_stiffness(beta: object, name: str) -> float:
    beta = check_float(beta, name)
    if beta <= 0:
        raise ValueError(f"{name} must be positive (a stiffness); got {beta}")
    return beta


def _line(gap: float) -> tuple[np.ndarray, np.ndarray]:
    """Positions from ``-gap`` to ``2 gap`` as a column of 1-d points, and the two centers 0 and ``gap``."""
    return np.linspace(-gap, 2.0 * gap, _LINE_POINTS)[:, None], np.array([[0.0], [gap]])


def _line_figure(gap: float, title: str) -> tuple[Figure, Axes]:
    """The panel the ``*_on_a_line`` figures share: the centers on the axis, ½ dotted, the labels."""
    fig, axes = new_figure(panel_size=(6.4, 3.5))
    ax = axes[0, 0]
    for position in (0.0, gap):
        ax.axvline(position, color=GREY, lw=0.9, ls=":", zorder=1)
    ax.axhline(0.5, color=GREY, lw=0.9, ls=":", zorder=1)
    ticks = np.linspace(-gap, 2.0 * gap, 7)
    labels = [f"{tick:g}".replace("-", "\N{MINUS SIGN}") for tick in ticks]
    labels[2], labels[4] = f"{0:g}\n" + r"$\mu_1$", f"{gap:g}\n" + r"$\mu_2$"
    ax.set_xticks(ticks, labels)
    ax.set_xlim(-gap, 2.0 * gap)
    ax.set_ylim(-0.03, 1.03)
    ax.set_yticks([0, 0.25, 0.5, 0.75, 1])
    ax.set_xlabel(r"position $x$ on the line through $\mu_1$ and $\mu_2$")
    ax.set_ylabel(r"share of $\mu_1$")
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.25)
    return fig, ax


def rules_on_a_line(gap: float, beta: float) -> Figure:
    """The share of one of two centers along the line through them, by each soft rule of the chapter.

    Two centers sit at ``mu_1 = 0`` and ``mu_2 = gap`` on a line, and a point
    ``x`` moves along it from ``-gap`` to ``2 gap``.  Three curves show the
    share of ``mu_1``: the distances divided by their sum
    (:func:`emlib.soft.distance_shares`), the normalised reciprocals of the
    distances (``inverse=True``), and Bayes' rule for two round Normal
    clouds of equal weight with the stiffness ``beta``
    (:func:`emlib.soft.responsibilities`).  Dotted lines mark the centers
    and the share ½.

    Parameters
    ----------
    gap : float
        The distance between the two centers, positive.
    beta : float
        The stiffness of Bayes' rule, positive; the clouds' standard
        deviation is ``sigma = 1 / sqrt(2 beta)``.

    Returns
    -------
    Figure

    Raises
    ------
    TypeError
        If ``gap`` or ``beta`` is not a real number.
    ValueError
        If ``gap`` or ``beta`` is not positive and finite.

    Examples
    --------
    >>> fig = rules_on_a_line(4.0, 0.78)
    >>> for line in fig.axes[0].lines:
    ...     if not line.get_label().startswith("_"):
    ...         print(line.get_label())
    distance ÷ sum of distances (the notes' rule, literally)
    1/distance, normalised
    Bayes' rule, Normal clouds, β = 0.78 (σ = 0.80)
    """
    gap = _check_gap(gap)
    beta = _check_stiffness(beta, "beta")
    positions, centers = _line(gap)
    fig, ax = _line_figure(gap, r"The share of $\mu_1$ by each rule")
    curves = [
        (soft.distance_shares(positions, centers), "distance ÷ sum of distances (the notes' rule, literally)",
         _colour(5), "--"),
        (soft.distance_shares(positions, centers, inverse=True), "1/distance, normalised", _colour(1), "-."),
        (soft.responsibilities(positions, centers, beta),
         f"Bayes' rule, Normal clouds, β = {beta:.2g} (σ = {1.0 / np.sqrt(2.0 * beta):.2f})", _colour(0), "-"),
    ]
    for shares, label, colour, style in curves:
        ax.plot(positions[:, 0], shares[:, 0], color=colour, ls=style, lw=2.0, label=label)
    fig.legend(loc="outside lower center", ncols=1, fontsize=9, frameon=False)
    return fig


def stiffness_on_a_line(gap: float, betas: Sequence[float]) -> Figure:
    """Bayes' rule's share of one of two centers along the line through them, for several stiffnesses.

    As :func:`rules_on_a_line`, but with one curve of
    :func:`emlib.soft.responsibilities` per value of ``beta``, and k-means'
    hard assignment (the limit ``beta -> infinity``) as a black step at the
    midpoint ``gap / 2``.

    Parameters
    ----------
    gap : float
        The distance between the two centers, positive.
    betas : sequence of float
        The stiffnesses, each positive, one curve each, in legend order.

    Returns
    -------
    Figure

    Raises
    ------
    TypeError
        If ``gap`` or a value of ``betas`` is not a real number, or ``betas``
        is not a sequence.
    ValueError
        If ``gap`` or a value of ``betas`` is not positive and finite, or
        ``betas`` is empty.

    Examples
    --------
    >>> fig = stiffness_on_a_line(4.0, [0.05, 0.8])
    >>> [line.get_label() for line in fig.axes[0].lines if not line.get_label().startswith("_")]
    ['β = 0.05 (σ = 3.16)', 'β = 0.8 (σ = 0.79)', 'k-means (β → ∞)']
    """
    gap = _check_gap(gap)
    betas = _at_least_one(betas, "betas", "stiffness", items="stiffnesses")
    betas = [_check_stiffness(beta, f"betas[{index}]") for index, beta in enumerate(betas)]
    positions, centers = _line(gap)
    fig, ax = _line_figure(gap, r"Bayes' rule: the share of $\mu_1$ at several stiffnesses")
    for index, beta in enumerate(betas):
        shares = soft.responsibilities(positions, centers, beta)
        ax.plot(positions[:, 0], shares[:, 0], color=_colour(index), lw=2.0,
                label=f"β = {beta:.2g} (σ = {1.0 / np.sqrt(2.0 * beta):.2f})")
    ax.plot([-gap, gap / 2, gap / 2, 2.0 * gap], [1.0, 1.0, 0.0, 0.0], color="black", ls="--", lw=1.4,
            label="k-means (β → ∞)")
    fig.legend(loc="outside lower center", ncols=min(3, len(betas) + 1), fontsize=9, frameon=False)
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
