"""Figures of the chapter "Two coins": the log-likelihood landscape and EM's paths on it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

try:
    from matplotlib.axes import Axes
    from matplotlib.colors import BoundaryNorm
    from matplotlib.figure import Figure
except ImportError as error:  # the optional extra is missing
    raise ImportError(
        "emlib.plots needs matplotlib: pip install 'emlib[plots]' (or pip install matplotlib)"
    ) from error

from .. import coins, em
from .._validation import check_array
from ._base import _colour, _each_result, _one_per, new_figure

__all__ = ["coin_landscape", "coin_start_frames"]


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
