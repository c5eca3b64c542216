"""Figures of the chapter "Two coins": the log-likelihood landscape, EM's paths on it, and how fast EM closes in.

The landscape is grey (lighter is higher), so that the coloured paths stand
out on it everywhere; :func:`coin_landscape` and :func:`log_likelihood_gap`
give the i-th result the i-th colour of :data:`emlib.plots.PALETTE`, so a
chapter that passes its runs in the same order to both shows each start in
one colour.  Where a path ends is marked by what it found there: a star on a
peak, a cross on a saddle (a stationary point that is not a maximum).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import BoundaryNorm, LinearSegmentedColormap
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter

from .. import coins, em
from .._validation import check_array, check_float
from ._base import GREY, PALETTE, NotebookFigure, _check_em_result, _colour, _each_result, _one_per, new_figure

__all__ = ["coin_landscape", "log_likelihood_gap", "coin_start_frames"]


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
# grey, lighter is higher: every colour of the palette stands out on it
_SURFACE_CMAP = LinearSegmentedColormap.from_list("emlib_coin_surface", ["#4a4a4a", "#f2f2f2"])
# the path of the start a slider shows: a colour the chapter's named starts (the first five) do not use
_SLIDER_COLOUR = PALETTE[5]
# what a path found where it stopped: marker, size and legend text
_ENDS = {
    "peak": ("*", 15, "end: a peak"),
    "saddle": ("X", 11, "end: a saddle"),
    "stopped": ("s", 8, "end: stopped before converging"),
}
_MINUS = "\N{MINUS SIGN}"


def _coin_surface(heads, tosses, weights, resolution: int = 161) -> _CoinSurface:
    grid = np.linspace(0.005, 0.995, resolution)
    theta_a, theta_b = np.meshgrid(grid, grid)
    log_lik = coins.log_likelihood(heads, tosses, np.stack([theta_a, theta_b], axis=-1), weights)
    grid_max = float(log_lik.max())
    return _CoinSurface(grid, log_lik - grid_max, grid_max)


def _signed(value: float, digits: int = 2) -> str:
    """``value`` with a true minus sign, as in the figures' mathtext."""
    return f"{value:.{digits}f}".replace("-", _MINUS)


def _draw_coin_surface(ax: Axes, surface: _CoinSurface):
    # the far-down edges go in the lowest band; one colour per band, however narrow
    clipped = np.maximum(surface.below_max, _COIN_LEVELS[0])
    norm = BoundaryNorm(_COIN_LEVELS, 256)
    filled = ax.contourf(surface.grid, surface.grid, clipped, levels=_COIN_LEVELS,
                         cmap=_SURFACE_CMAP, norm=norm)
    ax.contour(surface.grid, surface.grid, clipped, levels=_COIN_LEVELS[1:-1],
               colors="white", linewidths=0.5, alpha=0.9)
    ax.plot([0, 1], [0, 1], ls="--", lw=1.0, color="white")
    ax.text(0.06, 0.10, r"$\theta_A = \theta_B$", rotation=45, color="white", fontsize=10)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_aspect("equal")
    ax.set_xlabel(r"$\theta_A$", fontsize=11)
    ax.set_ylabel(r"$\theta_B$", fontsize=11)
    ax.tick_params(labelsize=9)
    return filled


def _surface_colorbar(fig: Figure, filled, surface: _CoinSurface, **where):
    colorbar = fig.colorbar(filled, format=FuncFormatter(lambda value, _: f"{value:g}".replace("-", _MINUS)),
                            **where)
    colorbar.set_ticks(_COIN_LEVELS[:-1])
    colorbar.ax.tick_params(labelsize=9)
    colorbar.set_label(rf"$\ell(\theta) - \max\,\ell$,  $\max\,\ell = {surface.grid_max:.2f}$", fontsize=10)
    return colorbar


def _end_kind(heads, tosses, result: em.EMResult, weights, step: float = 1e-4) -> str:
    """``"peak"``, ``"saddle"`` or ``"stopped"``: what ``result`` found where it stopped.

    A converged run ends at a stationary point; it is a saddle if the
    log-likelihood curves upwards in some direction there (the Hessian, by
    central differences, has a positive eigenvalue), a peak otherwise.
    """
    if not result.converged:
        return "stopped"
    centre = np.clip(result.params.theta, 2 * step, 1 - 2 * step)
    offsets = step * np.array([[1, 1], [1, -1], [-1, 1], [-1, -1], [1, 0], [-1, 0], [0, 1], [0, -1]])
    around = coins.log_likelihood(heads, tosses, centre + offsets, weights)
    middle = coins.log_likelihood(heads, tosses, centre, weights)
    pp, pm, mp, mm, xp, xm, yp, ym = around
    hessian = np.array([[xp - 2 * middle + xm, (pp - pm - mp + mm) / 4],
                        [(pp - pm - mp + mm) / 4, yp - 2 * middle + ym]]) / step**2
    eigenvalues = np.linalg.eigvalsh(hessian)
    # second differences of a sum near |middle| carry rounding errors of about 1e-16 |middle| / step**2
    noise = 100 * np.finfo(float).eps * max(1.0, abs(middle)) / step**2
    return "saddle" if eigenvalues[-1] > noise else "peak"


def _draw_coin_path(ax: Axes, result: em.EMResult, colour: str, kind: str, label: str | None = None) -> Line2D:
    """The path of ``result`` in ``colour``; returns its line (the legend entry)."""
    path = np.array([step.params.theta for step in result.history])
    (line,) = ax.plot(path[:, 0], path[:, 1], "-", color=colour, lw=1.8, marker="o", markersize=3.5,
                      markeredgecolor="white", markeredgewidth=0.4, label=label)
    ax.plot(*path[0], "o", markersize=8, markerfacecolor="white", markeredgecolor=colour, mew=2)
    marker, size, _ = _ENDS[kind]
    ax.plot(*path[-1], marker, markersize=size, color="black", markeredgecolor="white", mew=0.8)
    if kind == "saddle":
        ax.annotate("saddle", path[-1], xytext=(9, 5), textcoords="offset points", fontsize=10,
                    bbox=dict(boxstyle="round,pad=0.2", facecolor="white", edgecolor="none", alpha=0.85))
    return line


def _marker_key(kinds: Sequence[str]) -> list[Line2D]:
    """Legend entries for the start and the kinds of end that occur, in grey."""
    key = [Line2D([], [], ls="none", marker="o", markersize=7, markerfacecolor="white",
                  markeredgecolor=GREY, mew=2, label="start")]
    for kind in _ENDS:
        if kind in kinds:
            marker, size, text = _ENDS[kind]
            key.append(Line2D([], [], ls="none", marker=marker, markersize=size * 0.8, color="black",
                              markeredgecolor="white", mew=0.8, label=text))
    return key


def coin_landscape(
    heads: object,
    tosses: object,
    results: Sequence[em.EMResult] = (),
    *,
    names: Sequence[str] | None = None,
    weights: object = None,
) -> Figure:
    """The log-likelihood of two coins over (theta_A, theta_B), with EM's paths on it.

    Filled grey contours show the observed-data log-likelihood below its
    highest value on the grid (lighter is higher; each band is half as deep
    as the one below it, so the bands crowd near the top).  The dashed
    diagonal is ``theta_A = theta_B``.  Result ``i`` of :func:`emlib.coins.fit`
    is drawn in ``PALETTE[i]`` as its path: an open circle at the start, a
    dot per iteration, and where it stopped a black star if that is a peak, a
    black cross labelled "saddle" if the log-likelihood rises in some
    direction there, or a black square if the run stopped before converging.  The legend below
    names the runs and explains the markers.

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
    The colour bar's label gives the highest log-likelihood on the grid:

    >>> from emlib import coins
    >>> result = coins.fit([5, 9, 8, 4, 7], 10, [0.6, 0.5])
    >>> fig = coin_landscape([5, 9, 8, 4, 7], 10, [result], names=["from (0.6, 0.5)"])
    >>> len(fig.axes), fig.axes[1].get_ylabel().endswith("= -31.57$")
    (2, True)

    A start on the diagonal stops at the saddle, which gets its own marker:

    >>> stuck = coins.fit([5, 9, 8, 4, 7], 10, [0.3, 0.3])
    >>> fig = coin_landscape([5, 9, 8, 4, 7], 10, [result, stuck], names=["(0.6, 0.5)", "(0.3, 0.3)"])
    >>> [text.get_text() for text in fig.legends[0].get_texts()]
    ['(0.6, 0.5)', '(0.3, 0.3)', 'start', 'end: a peak', 'end: a saddle']
    """
    results = _each_result(results, _check_coin_result, empty=True)
    if names is not None:
        names = _one_per(names, len(results), "names", "result")
    surface = _coin_surface(heads, tosses, weights)
    fig, axes = new_figure(panel_size=(6.2, 5.0))
    ax = axes[0, 0]
    filled = _draw_coin_surface(ax, surface)
    _surface_colorbar(fig, filled, surface, ax=ax, shrink=0.9)
    lines, kinds = [], []
    for index, result in enumerate(results):
        kinds.append(_end_kind(heads, tosses, result, weights))
        lines.append(_draw_coin_path(ax, result, _colour(index), kinds[-1],
                                     None if names is None else names[index]))
    if results:
        handles = [*(lines if names is not None else []), *_marker_key(kinds)]
        fig.legend(handles=handles, loc="outside lower center", ncols=4, fontsize=9, frameon=False)
    return fig


def log_likelihood_gap(
    results: Sequence[em.EMResult],
    names: Sequence[str],
    *,
    rate: float | None = None,
    floor: float = 1e-12,
) -> Figure:
    """How far each iteration's log-likelihood is below where the run ends, on a log scale.

    Run ``i`` is drawn in ``PALETTE[i]`` as ``ell* - ell_t`` against the
    iteration ``t``, where ``ell*`` is its last log-likelihood: each run
    must therefore go on until it has stopped rising (``tol=0`` and a large
    ``max_iter``).  EM converges linearly: near a maximum the gap shrinks by
    a nearly constant factor per iteration, so the curves end as straight
    lines, whose slope is that factor.

    Parameters
    ----------
    results : sequence of em.EMResult
        Runs of any emlib model, each with at least one iteration.
    names : sequence of str
        A legend entry per run.
    rate : float, optional
        Draw a dashed grey guide line proportional to ``rate**t`` (between 0
        and 1) just above the curves' ends, to compare their slopes with.
    floor : float
        Gaps at or below ``floor * max(1, |ell*|)`` are rounding noise and
        are not drawn; between 0 and 1.  A run whose last iteration still
        changed the log-likelihood by more than that has not settled.

    Returns
    -------
    Figure

    Raises
    ------
    TypeError
        If ``results`` is not a sequence of ``em.EMResult``, ``names`` is not
        a sequence of strings, or ``rate`` or ``floor`` is not a real number.
    ValueError
        If there are no results, ``names`` does not give one entry per
        result, a run has no iterations or has not settled, or ``rate`` or
        ``floor`` is not between 0 and 1.

    Examples
    --------
    >>> from emlib import coins
    >>> result = coins.fit([5, 9, 8, 4, 7], 10, [0.6, 0.5], max_iter=40, tol=0)
    >>> fig = log_likelihood_gap([result], ["from (0.6, 0.5)"], rate=0.17)
    >>> ax = fig.axes[0]
    >>> ax.get_yscale(), len(ax.get_lines())
    ('log', 2)
    >>> print(ax.get_ylabel(), ax.get_lines()[1].get_label())
    $\\ell^* - \\ell_t$ $\\propto 0.17^t$
    """
    results = _each_result(results, _check_em_result)
    names = _one_per(names, len(results), "names", "result")
    floor = check_float(floor, "floor")
    if not 0 < floor < 1:
        raise ValueError(f"floor must be between 0 and 1; got {floor}")
    if rate is not None:
        rate = check_float(rate, "rate")
        if not 0 < rate < 1:
            raise ValueError(f"rate must be between 0 and 1 (a factor per iteration); got {rate}")
    fig, axes = new_figure(panel_size=(6.4, 3.4))
    ax = axes[0, 0]
    anchors = []
    for index, (result, name) in enumerate(zip(results, names)):
        values = result.log_likelihoods
        if result.n_iter == 0:
            raise ValueError(f"results[{index}] has no iterations (n_iter = 0)")
        noise = floor * max(1.0, abs(values[-1]))
        if abs(values[-1] - values[-2]) > noise:
            raise ValueError(
                f"results[{index}] has not settled: its last iteration changed the log-likelihood by "
                f"{abs(values[-1] - values[-2]):.3g}, more than floor * max(1, |ell*|) = {noise:.3g}; "
                "run it with tol=0 and a larger max_iter")
        gaps = values[-1] - values
        iterations = np.arange(len(values))
        keep = gaps > noise
        ax.plot(iterations[keep], gaps[keep], marker="o", markersize=3.5, lw=1.4,
                color=_colour(index), label=name)
        if np.any(keep) and rate is not None:
            last = iterations[keep][-1]
            anchors.append(gaps[last] / rate**last)
    if anchors:
        t = np.arange(1, max(int(line.get_xdata()[-1]) for line in ax.get_lines() if len(line.get_xdata())) + 1)
        ax.plot(t, 3 * max(anchors) * rate**t, ls="--", lw=1.2, color=GREY, label=rf"$\propto {rate:.2f}^t$")
    ax.set_yscale("log")
    ax.set_xlabel(r"iteration $t$", fontsize=10)
    ax.set_ylabel(r"$\ell^* - \ell_t$", fontsize=11)
    ax.tick_params(labelsize=9)
    ax.grid(alpha=0.3, which="major")
    ax.legend(frameon=False, fontsize=9)
    return fig


def _check_starts(starts: object, name: str) -> np.ndarray:
    starts = check_array(starts, name, ndim=1, shape_hint="of shape (n_starts,)")
    if np.any((starts <= 0) | (starts >= 1)):
        raise ValueError(f"{name} must lie strictly between 0 and 1 (starting probabilities of heads); "
                         f"got {starts.tolist()}")
    if len(np.unique(starts)) != len(starts):
        raise ValueError(f"{name} must be distinct; got {starts.tolist()}")
    return starts


# a slider frame, in inches: as wide as the book's text column; the map on the left, a caption and the
# colour bar on the right; fixed positions (no layout engine: 81 frames are drawn at every build)
_FRAME_SIZE = (6.6, 4.75)
_FRAME_MAP = (0.62, 0.5, 4.1, 4.1)        # left, bottom, width, height
_FRAME_COLORBAR = (5.05, 0.5, 0.16, 2.55)
_FRAME_CAPTION = (4.95, 4.6)              # the caption's top left corner


def _frame_axes(fig: Figure, box: tuple[float, float, float, float]) -> Axes:
    width, height = _FRAME_SIZE
    left, bottom, box_width, box_height = box
    return fig.add_axes((left / width, bottom / height, box_width / width, box_height / height))


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
    :func:`coin_landscape`, with its colour bar) and the path of
    :func:`emlib.coins.fit` from ``theta0 = (starts_a[i], starts_b[j])``, in
    a colour of its own (``PALETTE[5]``, which the chapter's named starts do
    not use), with the same markers.  A caption beside the map says where
    the run started, where it stopped, whether that is a peak or a saddle,
    after how many iterations, and the log-likelihood there.  Each frame is
    6.6 inches wide, the width of the book's text column.

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
    >>> frames = coin_start_frames([5, 9, 8, 4, 7], 10, [0.6, 0.3], [0.5, 0.3])
    >>> len(frames), len(frames[0])
    (2, 2)
    >>> print(frames[0][0].texts[0].get_text())
    start (0.60, 0.50)
    end (0.80, 0.52)
    a peak
    after 12 iterations
    $\\ell = -31.57$
    >>> frames[1][1].texts[0].get_text().splitlines()[:3]
    ['start (0.30, 0.30)', 'end (0.66, 0.66)', 'a saddle']
    """
    starts_a = _check_starts(starts_a, "starts_a")
    starts_b = _check_starts(starts_b, "starts_b")
    surface = _coin_surface(heads, tosses, None)
    frames = []
    for theta_a in starts_a:
        row = []
        for theta_b in starts_b:
            result = coins.fit(heads, tosses, [theta_a, theta_b], max_iter=max_iter, tol=tol)
            kind = _end_kind(heads, tosses, result, None)
            fig = NotebookFigure(figsize=_FRAME_SIZE)
            ax = _frame_axes(fig, _FRAME_MAP)
            filled = _draw_coin_surface(ax, surface)
            _draw_coin_path(ax, result, _SLIDER_COLOUR, kind)
            _surface_colorbar(fig, filled, surface, cax=_frame_axes(fig, _FRAME_COLORBAR))
            end_a, end_b = result.params.theta
            caption = (f"start ({theta_a:.2f}, {theta_b:.2f})\nend ({end_a:.2f}, {end_b:.2f})\n"
                       f"a {kind if kind != 'stopped' else 'point short of convergence'}\n"
                       f"after {result.n_iter} iterations\n$\\ell = {result.log_likelihood:.2f}$")
            fig.text(_FRAME_CAPTION[0] / _FRAME_SIZE[0], _FRAME_CAPTION[1] / _FRAME_SIZE[1], caption,
                     ha="left", va="top", fontsize=10, linespacing=1.5)
            row.append(fig)
        frames.append(row)
    return frames
