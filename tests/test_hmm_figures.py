"""The figures of "When a Markov chain picks the coin": the states over time, and a frame per iteration."""

import ipywidgets
import numpy as np
import pytest
from matplotlib.colors import to_hex
from matplotlib.patches import Rectangle

from emlib import hmm, plots, widgets
from emlib.plots import PALETTE

CASINO = hmm.Params([0.5, 0.5], [[0.95, 0.05], [0.1, 0.9]], hmm.Categorical([[1 / 6] * 6, [0.1] * 5 + [0.5]]))


@pytest.fixture(scope="module")
def rolls():
    return hmm.sample(CASINO, 120, rng=7)


def runs(states):
    """(start, end, state) of each run of one state."""
    changes = np.flatnonzero(np.diff(states)) + 1
    starts, ends = np.r_[0, changes], np.r_[changes, len(states)]
    return [(start, end, states[start]) for start, end in zip(starts, ends)]


def bands(ax):
    """(left, right, colour) of the shaded runs of an axes."""
    return [(patch.get_x(), patch.get_x() + patch.get_width(), to_hex(patch.get_facecolor()))
            for patch in ax.patches if isinstance(patch, Rectangle)]


def test_the_posteriors_are_the_e_step_and_the_runs_are_shaded_in_their_states_colours(rolls):
    X, states = rolls
    fig = plots.state_posteriors(X, CASINO, states=states, viterbi=True, state_names=["fair", "loaded"],
                                 observation_name="face")
    top, bottom = fig.axes
    resp = hmm.e_step(X, CASINO)[0].resp
    posterior_lines = [line for line in bottom.lines if line.get_label().startswith("P(")]
    assert [line.get_label() for line in posterior_lines] == ["P(fair | x)", "P(loaded | x)"]
    for j, line in enumerate(posterior_lines):
        np.testing.assert_array_equal(line.get_ydata(), resp[:, j])
        assert line.get_color() == PALETTE[j]
    assert top.get_ylabel() == "face" and bottom.get_xlabel() == "step t"
    want = [(start - 0.5, end - 0.5, PALETTE[state].lower()) for start, end, state in runs(states)]
    for ax in (top, bottom):
        assert [(float(left), float(right), colour) for left, right, colour in bands(ax)] == want
    # the Viterbi path: each observation in its path state's colour
    path, _ = hmm.viterbi(X, CASINO)
    assert [line.get_label() for line in top.lines] == ["Viterbi path: fair", "Viterbi path: loaded"]
    for j, line in enumerate(top.lines):
        np.testing.assert_array_equal(line.get_xdata(), np.flatnonzero(path == j))
        np.testing.assert_array_equal(line.get_ydata(), X[path == j, 0])
        assert line.get_color() == PALETTE[j]


def test_without_states_nothing_is_shaded_and_without_viterbi_no_ticks(rolls):
    X, _ = rolls
    fig = plots.state_posteriors(X, CASINO)
    assert all(bands(ax) == [] for ax in fig.axes)
    assert [line.get_label() for line in fig.axes[1].lines] == ["P(state 0 | x)", "P(state 1 | x)"]
    np.testing.assert_array_equal(fig.axes[0].lines[0].get_ydata(), X[:, 0])


def test_a_frame_per_iteration_with_that_iterations_posteriors_and_the_log_likelihood_marked(rolls):
    X, states = rolls
    start = CASINO._replace(transitions=[[0.8, 0.2], [0.2, 0.8]])
    result = hmm.fit(X, start, max_iter=3, tol=0)
    frames = plots.baum_welch_frames(X, result, states=states, state_names=["fair", "loaded"])
    assert [label for label, _ in frames] == ["0", "1", "2", "3"]
    for t, (_, fig) in enumerate(frames):
        top, bottom, trace = fig.axes
        resp = hmm.e_step(X, result.history[t].params)[0].resp
        np.testing.assert_array_equal(bottom.lines[1].get_ydata(), resp[:, 1])
        np.testing.assert_array_equal(trace.lines[0].get_ydata(), result.log_likelihoods)
        assert trace.lines[1].get_xdata().tolist() == [t]
        assert trace.lines[1].get_ydata().tolist() == [result.log_likelihoods[t]]


def test_the_slider_opens_on_the_frame_asked_for(rolls):
    X, states = rolls
    box = widgets.baum_welch_slider(X, hmm.fit(X, CASINO, max_iter=2, tol=0), states=states, value=2)
    _, slider, tab = box.children
    assert isinstance(slider, ipywidgets.SelectionSlider) and slider.options == ("0", "1", "2")
    assert slider.index == 2 and tab.selected_index == 2 and slider.description == "iteration t"
