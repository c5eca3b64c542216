"""The lower-bound figures of the chapter on EM in general: what they draw, and their checks."""

import re

import numpy as np
import pytest

from emlib import coins, datasets, gmm, plots, widgets


@pytest.fixture(scope="module")
def run():
    data = datasets.two_coins()
    return data, coins.fit(data.heads, data.tosses, [0.6, 0.5], max_iter=6, tol=0)


def _unit(label):
    """The power of ten an axis label says its values are in: "... (units of $10^{-5}$)"."""
    found = re.search(r"\(units of \$10\^\{(-?\d+)\}\$\)$", label)
    return 10.0 ** int(found.group(1)) if found else 1.0


def test_each_frame_draws_a_bound_below_the_log_likelihood_touching_at_theta_t(run):
    data, result = run
    frames = plots.lower_bound_frames(data.heads, data.tosses, result)
    assert [label for label, _ in frames] == [str(t) for t in range(7)]
    for t, (_, fig) in enumerate(frames):
        theta_t = result.history[t].params.theta
        log_lik_t = coins.log_likelihood(data.heads, data.tosses, theta_t)
        following = result.history[t + 1].params.theta[0] if t < result.n_iter else None
        whole, zoom = fig.axes
        # the whole range, then the zoom, which measures from theta_A^t and log_likelihood(theta^t)
        for ax, x_shift, y_shift in ((whole, 0.0, 0.0), (zoom, theta_t[0], log_lik_t)):
            x_unit, y_unit = _unit(ax.get_xlabel()), _unit(ax.get_ylabel())
            curve, bound = ax.get_lines()[:2]
            theta_a = curve.get_xdata() * x_unit + x_shift
            log_lik, lower = curve.get_ydata() * y_unit + y_shift, bound.get_ydata() * y_unit + y_shift
            scale = np.ptp(log_lik)
            assert np.all(lower <= log_lik + 1e-9 * scale)
            assert np.interp(theta_t[0], theta_a, log_lik - lower) == pytest.approx(0, abs=1e-3 * scale)
            # the black curve is the log-likelihood along theta_A with theta_B held at theta_B^t
            thetas = np.column_stack([theta_a, np.full(len(theta_a), theta_t[1])])
            expected = coins.log_likelihood(data.heads, data.tosses, thetas)
            assert np.allclose(log_lik, expected, rtol=0, atol=1e-6 * scale)
            if following is not None:  # its maximum is the M-step's theta_A, in view
                assert abs(theta_a[np.argmax(lower)] - following) <= theta_a[1] - theta_a[0]
                assert ax.get_xlim()[0] < (following - x_shift) / x_unit < ax.get_xlim()[1]
            ticks = [abs(tick) for tick in ax.get_yticks()]
            assert max(ticks) < 100  # short tick labels, without an offset
        assert zoom.get_xlim()[0] < 0 < zoom.get_xlim()[1]  # theta_A^t is in the zoom
        title = fig._suptitle.get_text()
        assert title.startswith(f"step $t = {t}$") and rf"$\theta_B^t = {theta_t[1]:.3f}$" in title
        assert "θ" not in title and "theta_" not in title.replace("\\theta_", "")
        assert whole.get_xlabel() == r"$\theta_A$"
        assert zoom.get_xlabel().startswith(r"$\theta_A - \theta_A^t$")
        legend = [text.get_text() for text in fig.legends[0].get_texts()]
        assert legend[:3] == [r"log-likelihood $\ell$", r"bound $Q(\theta \mid \theta^t) + H(q^t)$",
                              r"they touch at $\theta_A^t$"]
        assert len(legend) == (4 if following is not None else 3)
    limits = {fig.axes[0].get_ylim() for _, fig in frames}
    assert len(limits) == 1  # the whole-range panel keeps its axes from frame to frame


def test_the_zoom_shows_the_gap_when_the_whole_range_cannot(run):
    data, result = run
    frames = plots.lower_bound_frames(data.heads, data.tosses, result)
    _, late = frames[5]
    whole, zoom = late.axes
    whole_span = np.ptp(whole.get_ylim())
    zoom_span = np.ptp(zoom.get_ylim()) * _unit(zoom.get_ylabel())
    assert zoom_span < 1e-3 * whole_span  # the zoom magnifies a thousandfold or more here
    assert zoom.get_ylabel().endswith("(units of $10^{-3}$)")
    curve, bound = zoom.get_lines()[:2]
    assert np.max(curve.get_ydata() - bound.get_ydata()) > 0.05 * np.ptp(zoom.get_ylim())  # the gap shows
    _, first = frames[0]
    assert "units" not in first.axes[1].get_xlabel()  # no unit where the values are not small


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


def _kl_by_definition(heads, tosses, q, theta):
    posterior = coins.e_step(heads, tosses, theta)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(q > 0, q * np.log(q / posterior), 0.0)
    return float(terms.sum())


def test_bound_bars_split_the_log_likelihood_into_bound_and_divergence():
    data = datasets.two_coins()
    heads, tosses = data.heads, data.tosses
    fig = plots.bound_bars(heads, tosses, [0.6, 0.5], n_iter=2)
    ax = fig.axes[0]
    bars = ax.patches
    assert len(bars) == 2 * 5
    bound_bars, kl_bars = bars[:5], bars[5:]
    assert {bar.get_facecolor() for bar in bound_bars} != {bar.get_facecolor() for bar in kl_bars}
    # the states: a uniform q at theta^0, then E, M, E, M
    theta = [np.array([0.6, 0.5])]
    q = [np.full((len(heads), 2), 0.5)]
    for _ in range(2):
        q.append(coins.e_step(heads, tosses, theta[-1]))
        theta.append(coins.m_step(heads, tosses, q[-1]))
    states = [(q[0], theta[0]), (q[1], theta[0]), (q[1], theta[1]), (q[2], theta[1]), (q[2], theta[2])]
    tops = ax.collections[0].get_segments()
    for (q_s, theta_s), bound_bar, kl_bar, segment in zip(states, bound_bars, kl_bars, tops):
        log_lik = coins.log_likelihood(heads, tosses, theta_s)
        kl = _kl_by_definition(heads, tosses, q_s, theta_s)
        assert bound_bar.get_y() + bound_bar.get_height() == pytest.approx(log_lik - kl, abs=1e-9)
        assert kl_bar.get_y() == pytest.approx(log_lik - kl, abs=1e-9)
        assert kl_bar.get_height() == pytest.approx(kl, abs=1e-9)
        assert segment[0][1] == pytest.approx(log_lik, abs=1e-9)  # the black tick is the log-likelihood
    heights = [bar.get_height() for bar in kl_bars]
    assert heights[1] == pytest.approx(0, abs=1e-9) and heights[3] == pytest.approx(0, abs=1e-9)  # E-steps
    assert heights[0] > 0 and heights[2] > 0 and heights[4] > 0
    assert len({bar.get_y() for bar in bound_bars}) == 1  # one common base
    bounds = [bar.get_y() + bar.get_height() for bar in bound_bars]
    assert np.all(np.diff(bounds) > 0)  # every step raises the bound
    labels = [label.get_text() for label in ax.get_xticklabels()]
    assert [label.split()[0] for label in labels] == ["start", "E-step", "M-step", "E-step", "M-step"]
    assert labels[2].endswith(r"$(q^0, \theta^{1})$")
    assert ax.get_legend_handles_labels()[1] == [
        r"$\ell(\theta) = \log p(X \mid \theta)$", r"bound $\mathcal{L}(q, \theta)$",
        r"$\mathrm{KL}(q \,\Vert\, p(Z \mid X, \theta))$"]
    notes = [text.get_text() for text in ax.texts]
    assert notes == [f"KL = {max(h, 0):.3f}" for h in heights]
    assert ax.get_ylabel() == "nats"


def test_bound_bars_check_their_arguments():
    with pytest.raises(ValueError, match="n_iter must be at least 1"):
        plots.bound_bars([5, 9], 10, [0.6, 0.5], n_iter=0)
    with pytest.raises(TypeError, match="n_iter must be an integer"):
        plots.bound_bars([5, 9], 10, [0.6, 0.5], n_iter=1.0)
    with pytest.raises(ValueError, match="theta"):
        plots.bound_bars([5, 9], 10, [1.5, 0.5])
    with pytest.raises(ValueError, match="heads"):
        plots.bound_bars([5, 11], 10, [0.6, 0.5])
