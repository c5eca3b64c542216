"""Figures of the chapter "EM in general": the lower bound that touches the log-likelihood."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

try:
    from matplotlib.figure import Figure
except ImportError as error:  # the optional extra is missing
    raise ImportError(
        "emlib.plots needs matplotlib: pip install 'emlib[plots]' (or pip install matplotlib)"
    ) from error

from .. import coins, em
from ._base import PALETTE, new_figure
from .coins import _check_coin_result

__all__ = ["lower_bound_frames"]


class _BoundSlice(NamedTuple):
    grid: np.ndarray  # theta_A values
    log_likelihood: np.ndarray
    bound: np.ndarray  # Q(theta | theta_t) + H(q_t)


def _bound_slice(heads, tosses, params: coins.Params, resolution: int = 400) -> _BoundSlice:
    """The log-likelihood and EM's lower bound along theta_A, with theta_B held at its value in ``params``."""
    grid = np.linspace(0.002, 0.998, resolution)
    thetas = np.column_stack([grid, np.full(resolution, params.theta[1])])
    resp = coins.e_step(heads, tosses, params.theta, params.weights)
    bound = coins.q_function(heads, tosses, thetas, params.theta, params.weights) + em.entropy(resp)
    return _BoundSlice(grid, coins.log_likelihood(heads, tosses, thetas, params.weights), bound)


def lower_bound_frames(heads: object, tosses: object, result: em.EMResult) -> list[tuple[str, Figure]]:
    """One figure per iteration of a two-coin fit: the log-likelihood and EM's lower bound along theta_A.

    Frame ``t`` holds ``theta_B`` at its value after iteration ``t`` and
    draws, against ``theta_A``, the log-likelihood (black) and the bound
    ``Q(theta | theta_t) + H(q_t)`` (blue), which lies below it everywhere
    and touches it at ``theta_A^t``; the bound's maximum is the next
    ``theta_A^(t+1)`` (the M-step), marked for every iteration but the last.

    Parameters
    ----------
    heads, tosses
        The rows, as in :func:`emlib.coins.row_log_likelihoods`.
    result : em.EMResult
        A two-coin :func:`emlib.coins.fit` of these rows.

    Returns
    -------
    list of (label, Figure)
        ``("0", ...)`` for the start, then one per iteration, on fixed axes.

    Raises
    ------
    TypeError
        If ``result`` is not the result of ``coins.fit``, or the counts are
        not numbers (or are booleans).
    ValueError
        If ``result`` is not a fit of two coins, or the counts are negative,
        not whole, of different lengths or have more heads than tosses.

    Examples
    --------
    >>> from emlib import coins
    >>> heads = [5, 9, 8, 4, 7]
    >>> frames = lower_bound_frames(heads, 10, coins.fit(heads, 10, [0.6, 0.5], max_iter=2, tol=0))
    >>> [label for label, _ in frames], frames[0][1].axes[0].get_legend_handles_labels()[1]
    (['0', '1', '2'], ['log-likelihood', 'lower bound at step t', 'its maximum: next θ_A'])
    """
    result = _check_coin_result(result)
    slices = [_bound_slice(heads, tosses, step.params) for step in result.history]
    touches = [coins.log_likelihood(heads, tosses, step.params.theta, step.params.weights)
               for step in result.history]
    top = max(s.log_likelihood.max() for s in slices)
    low = min(top - 12.0, min(touches) - 2.0)  # every touching point in view
    frames = []
    for t, (step, piece) in enumerate(zip(result.history, slices)):
        fig, axes = new_figure(panel_size=(6.4, 3.8))
        ax = axes[0, 0]
        ax.plot(piece.grid, piece.log_likelihood, color="black", lw=2, label="log-likelihood")
        ax.plot(piece.grid, piece.bound, color=PALETTE[0], lw=2, label="lower bound at step t")
        theta_a = step.params.theta[0]
        ax.plot([theta_a], [touches[t]], "o", color=PALETTE[0], markersize=7, zorder=5)
        if t < result.n_iter:
            following = result.history[t + 1].params.theta[0]
            peak = touches[t] + (
                coins.q_function(heads, tosses, [following, step.params.theta[1]], step.params.theta,
                                 step.params.weights)
                - coins.q_function(heads, tosses, step.params.theta, step.params.theta, step.params.weights)
            )  # the bound at the next theta_A: Q + H, with Q(theta_t | theta_t) + H the touch
            ax.axvline(following, color=PALETTE[1], ls="--", lw=1.2, label="its maximum: next θ_A")
            ax.plot([following], [peak], "s", color=PALETTE[1], markersize=6, zorder=5)
        ax.set_xlim(0, 1)
        ax.set_ylim(low, top + 1.5)
        ax.set_xlabel("θ_A")
        ax.set_ylabel("log-likelihood")
        ax.set_title(f"step t = {t}: θ_A = {theta_a:.3f}, θ_B held at {step.params.theta[1]:.3f}")
        ax.grid(alpha=0.3)
        ax.legend(frameon=False, loc="lower center")
        frames.append((str(t), fig))
    return frames
