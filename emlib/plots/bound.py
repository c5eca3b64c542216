"""Figures of the chapter "EM in general": the lower bound that touches the log-likelihood."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from .. import coins, em
from .._validation import check_int
from ._base import PALETTE, NotebookFigure, new_figure
from .coins import _check_coin_result

__all__ = ["lower_bound_frames", "bound_bars"]

_LOG_LIK_COLOUR = "black"
_BOUND_COLOUR = PALETTE[0]
_KL_COLOUR = PALETTE[1]


class _BoundSlice(NamedTuple):
    grid: np.ndarray  # theta_A values
    log_likelihood: np.ndarray
    bound: np.ndarray  # Q(theta | theta_t) + H(q_t)


def _bound_slice(heads, tosses, params: coins.Params, grid: np.ndarray) -> _BoundSlice:
    """The log-likelihood and EM's lower bound along theta_A, with theta_B held at its value in ``params``."""
    thetas = np.column_stack([grid, np.full(len(grid), params.theta[1])])
    resp = coins.e_step(heads, tosses, params.theta, params.weights)
    bound = coins.q_function(heads, tosses, thetas, params.theta, params.weights) + em.entropy(resp)
    return _BoundSlice(grid, coins.log_likelihood(heads, tosses, thetas, params.weights), bound)


def _zoom_window(result: em.EMResult, t: int) -> tuple[float, float]:
    """The theta_A interval of the zoomed panel of frame ``t``: this step, with a margin on either side.

    The last frame has no next step; it uses the width of the step before.
    """
    path = [step.params.theta[0] for step in result.history]
    here = path[t]
    there = path[t + 1] if t < result.n_iter else here
    width = abs(there - here)
    if width == 0:  # the last frame, or a step that did not move
        earlier = [abs(b - a) for a, b in zip(path[:t], path[1:t + 1]) if b != a]
        width = earlier[-1] if earlier else 0.05
    low, high = min(here, there) - 0.6 * width, max(here, there) + 0.6 * width
    return max(low, 1e-6), min(high, 1 - 1e-6)


def _unit(values: np.ndarray) -> float:
    """A power of ten for an axis whose values are all far below 1 (else 1), so that its ticks read 1 to 100."""
    largest = float(np.max(np.abs(values)))
    if largest == 0 or largest >= 0.1:
        return 1.0
    return 10.0 ** np.floor(np.log10(largest))


def _in_units(unit: float) -> str:
    """The end of an axis label that says its values are in units of ``unit``, a power of ten."""
    return "" if unit == 1 else rf" (units of $10^{{{round(np.log10(unit))}}}$)"


def lower_bound_frames(heads: object, tosses: object, result: em.EMResult) -> list[tuple[str, Figure]]:
    """One figure per iteration of a two-coin fit: the log-likelihood and EM's lower bound along theta_A.

    Frame ``t`` holds ``theta_B`` at ``theta_B^t``, its value after
    iteration ``t`` (so the black curve moves a little from frame to frame),
    and draws, against ``theta_A``, the log-likelihood (black) and the bound
    ``Q(theta | theta_t) + H(q_t)`` (blue), which lies below it everywhere
    and touches it at ``theta_A^t`` (a dot); the bound's maximum is the next
    ``theta_A^(t+1)`` (the M-step: a dashed line and a square), marked for
    every iteration but the last.  The left panel shows all of ``(0, 1)`` on
    axes shared by every frame; the right panel zooms on this step, with
    ``theta_A`` measured from ``theta_A^t`` and both curves from
    ``log_likelihood(theta_t)``, each axis in units of a power of ten when
    its values are small, so that the gap stays visible when the steps
    become small.

    Parameters
    ----------
    heads, tosses
        The rows, as in :func:`emlib.coins.row_log_likelihoods`.
    result : em.EMResult
        A two-coin :func:`emlib.coins.fit` of these rows.

    Returns
    -------
    list of (label, Figure)
        ``("0", ...)`` for the start, then one per iteration.

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
    >>> [label for label, _ in frames], len(frames[0][1].axes)
    (['0', '1', '2'], 2)
    >>> [text.get_text() for text in frames[0][1].legends[0].get_texts()][:2]
    ['log-likelihood $\\\\ell$', 'bound $Q(\\\\theta \\\\mid \\\\theta^t) + H(q^t)$']
    """
    result = _check_coin_result(result)
    full_grid = np.linspace(0.002, 0.998, 400)
    slices = [_bound_slice(heads, tosses, step.params, full_grid) for step in result.history]
    touches = [coins.log_likelihood(heads, tosses, step.params.theta, step.params.weights)
               for step in result.history]
    top = max(s.log_likelihood.max() for s in slices)
    low = min(top - 12.0, min(touches) - 2.0)  # every touching point in view
    frames = []
    for t, (step, piece) in enumerate(zip(result.history, slices)):
        # a fixed layout, not a constrained one: the eleven frames render much faster
        fig = NotebookFigure(figsize=(6.4, 3.7))
        whole, zoom = fig.subplots(1, 2)
        fig.subplots_adjust(left=0.11, right=0.98, bottom=0.32, top=0.85, wspace=0.42)
        theta_a, theta_b = step.params.theta
        following = result.history[t + 1].params.theta[0] if t < result.n_iter else None
        zoom_grid = np.linspace(*_zoom_window(result, t), 200)
        near = _bound_slice(heads, tosses, step.params, zoom_grid)
        # the zoom measures theta_A from theta_A^t and both curves from log_likelihood(theta^t),
        # in units of a power of ten that keeps the tick labels short
        x_unit = _unit(zoom_grid - theta_a)
        y_unit = _unit(np.concatenate([near.log_likelihood, near.bound]) - touches[t])
        for ax, curves, (x_shift, x_scale), (y_shift, y_scale) in (
            (whole, piece, (0.0, 1.0), (0.0, 1.0)),
            (zoom, near, (theta_a, x_unit), (touches[t], y_unit)),
        ):
            def x_of(value):
                return (value - x_shift) / x_scale

            def y_of(value):
                return (value - y_shift) / y_scale

            ax.plot(x_of(curves.grid), y_of(curves.log_likelihood), color=_LOG_LIK_COLOUR, lw=2)
            ax.plot(x_of(curves.grid), y_of(curves.bound), color=_BOUND_COLOUR, lw=2)
            ax.plot([x_of(theta_a)], [y_of(touches[t])], "o", color=_BOUND_COLOUR, markersize=7, zorder=5)
            if following is not None:
                peak = touches[t] + (
                    coins.q_function(heads, tosses, [following, theta_b], step.params.theta,
                                     step.params.weights)
                    - coins.q_function(heads, tosses, step.params.theta, step.params.theta,
                                       step.params.weights)
                )  # the bound at the next theta_A: Q + H, with Q(theta_t | theta_t) + H the touch
                ax.axvline(x_of(following), color=_KL_COLOUR, ls="--", lw=1.2)
                ax.plot([x_of(following)], [y_of(peak)], "s", color=_KL_COLOUR, markersize=6, zorder=5)
            ax.grid(alpha=0.3)
        whole.set_xlim(0, 1)
        whole.set_ylim(low, top + 1.5)
        whole.set_xlabel(r"$\theta_A$")
        whole.set_ylabel("log-likelihood")
        whole.set_title(r"all of $\theta_A$", fontsize=10)
        zoom.set_xlim((zoom_grid[0] - theta_a) / x_unit, (zoom_grid[-1] - theta_a) / x_unit)
        zoom.set_xlabel(r"$\theta_A - \theta_A^t$" + _in_units(x_unit))
        zoom.set_ylabel(r"value $-\ \ell(\theta^t)$" + _in_units(y_unit))
        zoom.xaxis.get_major_locator().set_params(nbins=4)
        zoom.set_title("zoom on this step", fontsize=10)
        fig.suptitle(rf"step $t = {t}$:  $\theta_A^t = {theta_a:.3f}$,  "
                     rf"$\theta_B$ held at $\theta_B^t = {theta_b:.3f}$", fontsize=11)
        handles = [
            Line2D([], [], color=_LOG_LIK_COLOUR, lw=2),
            Line2D([], [], color=_BOUND_COLOUR, lw=2),
            Line2D([], [], color=_BOUND_COLOUR, marker="o", ls="none", markersize=7),
            Line2D([], [], color=_KL_COLOUR, marker="s", ls="--", lw=1.2, markersize=6),
        ]
        labels = [r"log-likelihood $\ell$", r"bound $Q(\theta \mid \theta^t) + H(q^t)$",
                  r"they touch at $\theta_A^t$", r"bound's maximum: $\theta_A^{t+1}$"]
        shown = 4 if following is not None else 3  # the last frame has no next step
        fig.legend(handles[:shown], labels[:shown], loc="lower center", ncols=2, frameon=False,
                   bbox_to_anchor=(0.5, 0.0))
        frames.append((str(t), fig))
    return frames


class _BoundState(NamedTuple):
    label: str  # the tick label: the step and the pair (q, theta)
    log_likelihood: float  # log p(X | theta)
    bound: float  # L(q, theta)
    kl: float  # KL(q || p(Z | X, theta)) = log_likelihood - bound


def _bound_states(heads, tosses, theta0, n_iter: int) -> list[_BoundState]:
    """The log-likelihood, the bound and their gap at the start and after each E-step and M-step.

    The start pairs ``theta0`` with responsibilities of ``1/k`` for every
    row, a distribution over Z that is not the posterior.
    """
    theta = coins._check_probabilities(theta0, "theta0", start=True)  # as coins.fit checks its start
    if len(theta) < 2:
        raise ValueError(f"theta0 must have one entry per coin, at least 2 for a mixture; got {len(theta)}")
    n_rows, k = coins.e_step(heads, tosses, theta).shape  # checks the counts
    q = np.full((n_rows, k), 1.0 / k)

    def state(label: str) -> _BoundState:
        log_lik = coins.log_likelihood(heads, tosses, theta)
        bound = coins.expected_log_likelihood(heads, tosses, theta, q) + em.entropy(q)
        return _BoundState(label, log_lik, bound, log_lik - bound)

    states = [state(r"start" "\n" r"$(q, \theta^0)$")]
    for t in range(n_iter):
        q = coins.e_step(heads, tosses, theta)  # maximise L over q: the posterior at theta^t
        states.append(state(rf"E-step" "\n" rf"$(q^{t}, \theta^{t})$"))
        theta = coins.m_step(heads, tosses, q)  # maximise L over theta: the M-step
        states.append(state(rf"M-step" "\n" rf"$(q^{t}, \theta^{{{t + 1}}})$"))
    return states


def bound_bars(heads: object, tosses: object, theta0: object, *, n_iter: int = 2) -> Figure:
    """The log-likelihood split into the bound and the divergence, before and after each E- and M-step.

    For a mixture of coins, each bar is one state ``(q, theta)`` of EM
    seen as coordinate ascent on the bound ``L(q, theta)``: the blue part
    ends at ``L(q, theta)``, the orange part on top of it is
    ``KL(q || p(Z | X, theta))``, and together they reach
    ``log p(X | theta)`` (a black tick), as in Bishop's Figures 9.11-9.13.
    The first bar pairs ``theta0`` with a ``q`` that gives every row
    ``1/k`` to each coin; then each iteration adds an E-step (``q`` becomes
    the posterior at ``theta^t``: the divergence is 0 and the bound meets
    the log-likelihood) and an M-step (``theta`` maximises the bound for that
    ``q``: the bound rises, a divergence opens, and the log-likelihood rises
    by both).  The bars start at a common level below the lowest bound;
    only their tops carry information.  The divergence is written above
    each bar.

    Parameters
    ----------
    heads, tosses
        The rows, as in :func:`emlib.coins.row_log_likelihoods`.
    theta0 : array-like of shape (k,)
        The coins' starting probabilities of heads; equal mixing weights.
    n_iter : int, default 2
        The number of EM iterations drawn, at least 1: ``2 * n_iter + 1``
        bars.

    Returns
    -------
    NotebookFigure

    Raises
    ------
    TypeError
        If the counts or ``theta0`` do not hold numbers, or ``n_iter`` is not
        an integer.
    ValueError
        If the counts are bad (as in :func:`emlib.coins.e_step`), ``theta0``
        is not strictly between 0 and 1 or has fewer than 2 entries, or
        ``n_iter`` is below 1.

    Examples
    --------
    >>> fig = bound_bars([5, 9, 8, 4, 7], 10, [0.6, 0.5], n_iter=1)
    >>> [label.get_text().split()[0] for label in fig.axes[0].get_xticklabels()]
    ['start', 'E-step', 'M-step']
    >>> len(fig.axes[0].patches)  # a bound and a divergence per bar
    6
    """
    n_iter = check_int(n_iter, "n_iter", minimum=1)
    states = _bound_states(heads, tosses, theta0, n_iter)
    log_lik = np.array([s.log_likelihood for s in states])
    bound = np.array([s.bound for s in states])
    kl = np.array([s.kl for s in states])
    span = log_lik.max() - bound.min()
    base = bound.min() - 0.35 * span
    x = np.arange(len(states))
    fig, axes = new_figure(panel_size=(6.4, 3.4))
    ax = axes[0, 0]
    ax.bar(x, bound - base, bottom=base, width=0.6, color=_BOUND_COLOUR,
           label=r"bound $\mathcal{L}(q, \theta)$")
    ax.bar(x, kl, bottom=bound, width=0.6, color=_KL_COLOUR,
           label=r"$\mathrm{KL}(q \,\Vert\, p(Z \mid X, \theta))$")
    ax.hlines(log_lik, x - 0.36, x + 0.36, color=_LOG_LIK_COLOUR, lw=2,
              label=r"$\ell(\theta) = \log p(X \mid \theta)$")
    for position, top, gap in zip(x, log_lik, kl):
        ax.annotate(f"KL = {max(gap, 0.0):.3f}", (position, top), xytext=(0, 4), textcoords="offset points",
                    ha="center", va="bottom", fontsize=9)
    ax.set_xticks(x, [s.label for s in states])
    ax.set_xlim(-0.6, len(states) - 0.4)
    ax.set_ylim(base, log_lik.max() + 0.3 * span)
    ax.set_ylabel("nats")
    ax.grid(axis="y", alpha=0.3)
    ax.legend(frameon=False, loc="upper left", fontsize=9)
    return fig
