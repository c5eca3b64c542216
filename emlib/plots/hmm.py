"""Figures of the chapter on hidden Markov models: the states over time, and Baum–Welch's iterations."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure

from .. import em, hmm
from .._validation import check_labels
from ._base import _PAGE_WIDTH, GREY, PALETTE, NotebookFigure, _check_text, _one_per

__all__ = ["state_posteriors", "baum_welch_frames"]


def _check_states(states: object, n_steps: int, k: int, name: str) -> np.ndarray | None:
    return None if states is None else check_labels(states, n_steps, k, name=name)


def _posteriors(X: object, params: hmm.Params, states: object, state_names: object, observation_name: object):
    """The checked sequence (first column), its state posteriors, the true states, the names."""
    expectations, _ = hmm.e_step(X, params)
    resp = expectations.resp
    k = resp.shape[1]
    X = np.asarray(X, dtype=float).reshape(len(resp), -1)
    states = _check_states(states, len(resp), k, "states")
    names = [f"state {j}" for j in range(k)] if state_names is None else \
        _one_per(state_names, k, "state_names", "state")
    return X, resp, states, names, _check_text(observation_name, "observation_name")


def _shade_runs(ax, states: np.ndarray) -> None:
    """Each run of one state as a band of its colour, behind everything."""
    changes = np.flatnonzero(np.diff(states)) + 1
    starts, ends = np.r_[0, changes], np.r_[changes, len(states)]
    for start, end in zip(starts, ends):
        ax.axvspan(start - 0.5, end - 0.5, color=PALETTE[states[start]], alpha=0.18, lw=0, zorder=0)


_MARKED_STEPS = 150  # up to this many steps, each posterior is marked at every step


def _draw(X: np.ndarray, resp: np.ndarray, states: np.ndarray | None, path: np.ndarray | None,
          names: list[str], observation_name: str, top, bottom) -> None:
    steps = np.arange(len(X))
    if states is not None:
        _shade_runs(top, states)
        _shade_runs(bottom, states)
    if path is None:
        top.plot(steps, X[:, 0], ".", color="black", markersize=3)
    else:  # each observation in the colour of its state on the Viterbi path
        for j, name in enumerate(names):
            on_path = path == j
            top.plot(steps[on_path], X[on_path, 0], "o", color=PALETTE[j], markersize=3.5,
                     label=f"Viterbi path: {name}")
        top.legend(frameon=False, fontsize=8, ncol=len(names), loc="lower center", bbox_to_anchor=(0.5, 1.0))
    top.set_ylabel(observation_name)
    marker = "o" if len(X) <= _MARKED_STEPS else None
    for j, name in enumerate(names):
        bottom.plot(steps, resp[:, j], color=PALETTE[j], lw=1.1, marker=marker, markersize=3,
                    label=f"P({name} | x)")
    bottom.set_ylim(-0.08, 1.08)
    bottom.set_xlabel("step t")
    bottom.set_ylabel("posterior")
    bottom.legend(frameon=False, fontsize=8, ncol=len(names), loc="upper center", bbox_to_anchor=(0.5, -0.32))
    for ax in (top, bottom):
        ax.set_xlim(-0.5, len(X) - 0.5)
        ax.grid(alpha=0.3)


def state_posteriors(
    X: object,
    params: hmm.Params,
    *,
    states: object = None,
    viterbi: bool = False,
    state_names: Sequence[str] | None = None,
    observation_name: str = "x",
) -> Figure:
    """A sequence over time and each step's state posteriors under ``params``, with the true states if known.

    The figure is the book's column wide.  The top panel shows the first
    column of ``X`` against the step; the bottom one ``P(z_t = j | x)`` for
    every state, from :func:`emlib.hmm.e_step` (marked at every step when
    there are at most 150).  With ``states``, each run of a true state is
    shaded in that state's colour behind both panels; with ``viterbi=True``,
    each observation is drawn in the colour of its state on the most likely
    path (:func:`emlib.hmm.viterbi`).

    Parameters
    ----------
    X : array-like of shape (n_steps, 1) or (n_steps, d)
        One sequence, as :func:`emlib.hmm.forward` takes it.
    params : hmm.Params
        The model.
    states : array-like of int, optional
        The true state of each step.
    viterbi : bool
        Also draw the Viterbi path.
    state_names : sequence of str, optional
        One name per state, for the legend; by default "state 0", ...
    observation_name : str
        The top panel's axis label.

    Returns
    -------
    Figure

    Raises
    ------
    TypeError
        As :func:`emlib.hmm.e_step`; if ``states`` are not integers, ``viterbi`` is not a bool, or
        ``state_names`` or ``observation_name`` are not strings.
    ValueError
        As :func:`emlib.hmm.e_step`; if ``states`` do not give a state of ``params`` per step, or
        ``state_names`` do not give one name per state.

    Examples
    --------
    >>> casino = hmm.Params([0.5, 0.5], [[0.95, 0.05], [0.1, 0.9]],
    ...                     hmm.Categorical([[1 / 6] * 6, [0.1] * 5 + [0.5]]))
    >>> X, states = hmm.sample(casino, 50, rng=0)
    >>> fig = state_posteriors(X, casino, states=states, state_names=["fair", "loaded"])
    >>> [ax.get_ylabel() for ax in fig.axes]
    ['x', 'posterior']
    """
    X, resp, states, names, observation_name = _posteriors(X, params, states, state_names, observation_name)
    if not isinstance(viterbi, (bool, np.bool_)):
        raise TypeError(f"viterbi must be True or False; got {type(viterbi).__name__}")
    path = hmm.viterbi(X, params)[0] if viterbi else None
    fig = NotebookFigure(figsize=(_PAGE_WIDTH, 4.2), layout="constrained")
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=(1, 1.3))
    _draw(X, resp, states, path, names, observation_name, top, bottom)
    return fig


def baum_welch_frames(
    X: object,
    result: em.EMResult,
    *,
    states: object = None,
    state_names: Sequence[str] | None = None,
    observation_name: str = "x",
) -> list[tuple[str, Figure]]:
    """One figure per iteration of a Baum–Welch fit, for a slider: the state posteriors and the log-likelihood.

    Frame ``t`` (labelled ``"t"``) shows the sequence and the state
    posteriors under the parameters after ``t`` iterations (the start for
    ``t = 0``), as :func:`state_posteriors` draws them, beside the
    log-likelihood of every iteration with iteration ``t`` marked.

    Parameters
    ----------
    X : array-like
        The one sequence that ``result`` was fitted to.
    result : em.EMResult
        A fit by :func:`emlib.hmm.fit`, its ``history`` holding every iteration.
    states, state_names, observation_name
        As in :func:`state_posteriors`.

    Returns
    -------
    list of (str, Figure)

    Raises
    ------
    TypeError
        As :func:`state_posteriors`; if ``result`` is not the ``em.EMResult`` of :func:`emlib.hmm.fit`.
    ValueError
        As :func:`state_posteriors`.

    Examples
    --------
    >>> casino = hmm.Params([0.5, 0.5], [[0.95, 0.05], [0.1, 0.9]],
    ...                     hmm.Categorical([[1 / 6] * 6, [0.1] * 5 + [0.5]]))
    >>> X, states = hmm.sample(casino, 60, rng=0)
    >>> frames = baum_welch_frames(X, hmm.fit(X, casino, max_iter=2, tol=0), states=states)
    >>> [label for label, _ in frames], len(frames[0][1].axes)
    (['0', '1', '2'], 3)
    """
    if not (isinstance(result, em.EMResult) and all(isinstance(step.params, hmm.Params) for step in result.history)):
        what = "an em.EMResult of another model" if isinstance(result, em.EMResult) else type(result).__name__
        raise TypeError(f"result must be the em.EMResult of hmm.fit; got {what}")
    log_likelihoods = np.array(result.log_likelihoods)
    frames = []
    for t, step in enumerate(result.history):
        X_t, resp, states_t, names, label = _posteriors(X, step.params, states, state_names, observation_name)
        fig = NotebookFigure(figsize=(_PAGE_WIDTH, 4.2), layout="constrained")
        left, right = fig.subfigures(1, 2, width_ratios=(2.6, 1))
        top, bottom = left.subplots(2, 1, sharex=True, height_ratios=(1, 1.3))
        _draw(X_t, resp, states_t, None, names, label, top, bottom)
        trace = right.subplots()
        trace.plot(np.arange(len(log_likelihoods)), log_likelihoods, color=GREY, marker="o", markersize=2.5)
        trace.plot([t], [log_likelihoods[t]], "o", color="black", markersize=6)
        trace.set_xlabel("iteration")
        trace.set_ylabel("log-likelihood ℓ(θᵗ)")
        trace.grid(alpha=0.3)
        frames.append((str(t), fig))
    return frames
