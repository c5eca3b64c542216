"""The pieces every figure shares: the figure class, the palette, the axis limits,
the checks of the arguments, and the log-likelihood trace that several chapters draw."""

from __future__ import annotations

import io
import numbers
import struct
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

try:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
except ImportError as error:  # the optional extra is missing
    raise ImportError("emlib.plots needs matplotlib: pip install matplotlib") from error

from .. import em
from .._validation import _describe, check_array, check_float, check_int

__all__ = ["PALETTE", "NotebookFigure", "new_figure", "data_limits", "log_likelihood_trace"]


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


#: The width (inches) of the figures of several panels; the book's text column holds it unshrunk.
_PAGE_WIDTH = 6.6


def _check_sizes(value: object, name: str, at_least: int = 1) -> np.ndarray:
    """The x values of a panel of curves: positive integers in increasing order (``ks``, ``n_samples``)."""
    sizes = check_array(value, name, ndim=1, shape_hint="(m,)")
    if (len(sizes) < at_least or np.any(sizes < 1) or np.any(sizes != np.round(sizes))
            or np.any(np.diff(sizes) <= 0)):
        how_many = f"at least {at_least} " if at_least > 1 else ""
        raise ValueError(f"{name} must be {how_many}positive integers in increasing order; got {sizes.tolist()}")
    return sizes
