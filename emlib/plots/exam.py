"""Figures of the chapter "The exam question": a derivation checked along lines, errors against n."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from matplotlib import colormaps
from matplotlib.figure import Figure

from .._validation import _describe, check_array, check_float, check_int
from . import _base
from ._base import GREY, _check_dict, _check_text, _colour, new_figure

__all__ = ["function_slices", "error_against_n"]


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


def _distinct_colours(m: int) -> list:
    """``m`` colours, no two alike: the palette's while it lasts, else evenly spaced "viridis"."""
    if m <= len(_base.PALETTE):
        return [_colour(index) for index in range(m)]
    # stop short of viridis' pale yellow end, which vanishes on white
    return [tuple(colour) for colour in colormaps["viridis"](np.linspace(0.0, 0.9, m))]


def function_slices(
    fun, center: object, directions: object, *, radius: float = 1.0, n_points: int = 61,
    xlabel: str = r"$s$, distance along a direction $u$",
    ylabel: str = r"$f(c + s\,u) - f(c)$", title: str | None = None,
) -> Figure:
    """A function along straight lines through a point: is the point a maximum?

    Draws ``s -> fun(center + s u) - fun(center)`` for ``s`` in
    ``[-radius, radius]``, one curve per direction ``u`` (the rows of
    ``directions``, scaled to length 1).  At a maximum every curve peaks at
    ``s = 0`` with the value 0; at a point that is not one, some curve rises
    above 0.  Each curve has a colour of its own: the palette's for up to 8
    directions, evenly spaced colours of the "viridis" map for more.

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
    xlabel, ylabel, title : str
        The labels of the axes (mathtext allowed); ``center`` is ``c`` in
        the default ``ylabel``.

    Returns
    -------
    Figure

    Raises
    ------
    TypeError
        If ``fun`` is not callable or does not return a real number,
        ``center`` or ``directions`` is not an array of real numbers,
        ``radius`` is not a real number, ``n_points`` is not an integer, or
        ``xlabel``, ``ylabel`` or ``title`` is not a string.
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
    xlabel = _check_text(xlabel, "xlabel")
    ylabel = _check_text(ylabel, "ylabel")
    title = _check_text(title, "title", optional=True)
    steps = np.linspace(-radius, radius, n_points)
    base = _value_of(fun, center)
    if not np.isfinite(base):
        raise ValueError(f"fun must be finite at center; fun(center) = {base}")
    fig, axes = new_figure(1, 1, panel_size=(5.6, 3.6))
    ax = axes[0, 0]
    colours = _distinct_colours(len(directions))
    for colour, direction in zip(colours, directions / lengths[:, None]):
        values = [_value_of(fun, center + s * direction) - base for s in steps]
        ax.plot(steps, values, color=colour, lw=1.3, alpha=0.85)
    ax.axvline(0, color=GREY, lw=0.8, ls="--")
    ax.axhline(0, color=GREY, lw=0.8, ls="--")
    ax.set_xlabel(xlabel)
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
    ('log', ['mean', '$\\\\propto n^{-0.5}$'])
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
            label=rf"$\propto n^{{{reference_slope:g}}}$")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(r"$n$, number of points")
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.grid(alpha=0.3, which="both")
    ax.legend(frameon=False)
    return fig
