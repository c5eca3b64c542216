"""Figures of the appendix "How fast is emlib?"."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from ._base import _PAGE_WIDTH, _check_sizes, _colour, new_figure
from .practice import _check_panels

__all__ = ["time_per_iteration"]


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
        ax.set_xlabel("number of points $n$")
        ax.set_ylabel("ms per iteration")
        ax.grid(alpha=0.3, which="both")
        ax.legend(frameon=False, fontsize=8)
    return fig
