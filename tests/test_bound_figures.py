"""The lower-bound figures of the chapter on EM in general: what they draw, and their checks."""

import numpy as np
import pytest

from emlib import coins, datasets, gmm, plots, widgets


@pytest.fixture(scope="module")
def run():
    data = datasets.two_coins()
    return data, coins.fit(data.heads, data.tosses, [0.6, 0.5], max_iter=6, tol=0)


def test_each_frame_draws_a_bound_below_the_log_likelihood_touching_at_theta_t(run):
    data, result = run
    frames = plots.lower_bound_frames(data.heads, data.tosses, result)
    assert [label for label, _ in frames] == [str(t) for t in range(7)]
    for t, (_, fig) in enumerate(frames):
        curve, bound = fig.axes[0].get_lines()[:2]
        grid = curve.get_xdata()
        assert np.all(bound.get_ydata() <= curve.get_ydata() + 1e-9)
        theta_t = result.history[t].params.theta
        gap_at_t = np.interp(theta_t[0], grid, curve.get_ydata() - bound.get_ydata())
        assert gap_at_t == pytest.approx(0, abs=1e-3)  # touches at theta_A^t (up to the grid)
        if t < result.n_iter:  # its maximum is the M-step's theta_A
            following = result.history[t + 1].params.theta[0]
            assert abs(grid[np.argmax(bound.get_ydata())] - following) <= grid[1] - grid[0]
    limits = {fig.axes[0].get_ylim() for _, fig in frames}
    assert len(limits) == 1


def test_the_slider_has_a_frame_per_step(run):
    data, result = run
    box = widgets.lower_bound_slider(data.heads, data.tosses, result)
    assert len(box.children[2].children) == result.n_iter + 1


def test_only_two_coin_fits_are_drawn(run):
    data, _ = run
    three = coins.fit(data.heads, data.tosses, [0.6, 0.5, 0.4], max_iter=2, tol=0)
    with pytest.raises(ValueError, match="result must be a fit of two coins"):
        plots.lower_bound_frames(data.heads, data.tosses, three)
    X = np.zeros((3, 1)) + [[0.0], [1.0], [2.0]]
    with pytest.raises(TypeError, match="result must be the result of coins.fit; got EMResult"):
        plots.lower_bound_frames(data.heads, data.tosses, gmm.fit(X, 1))
