"""The figures and the static slider of the chapter "Two coins" (emlib.plots.coins, emlib.widgets).

What is drawn is checked: the paths against the runs' histories, one colour per
run (the i-th colour of the palette), the marker at each end (a star on a peak,
a cross labelled "saddle" on a saddle), the colour bar, the log-scale gaps
against the runs' log-likelihoods, and the slider frames' size and captions.
"""

import numpy as np
import pytest
from matplotlib.colors import to_hex

from emlib import coins, datasets, kmeans, plots, widgets

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
STARTS = [(0.6, 0.5), (0.2, 0.35), (0.3, 0.3)]   # two peaks (one the mirror image) and the saddle


@pytest.fixture(scope="module")
def data():
    return datasets.two_coins()


@pytest.fixture(scope="module")
def runs(data):
    return [coins.fit(data.heads, data.tosses, start) for start in STARTS]


@pytest.fixture(scope="module")
def long_runs(data):
    return [coins.fit(data.heads, data.tosses, start, max_iter=60, tol=0) for start in STARTS[:2]]


def path_lines(ax, names):
    return [line for line in ax.get_lines() if line.get_label() in names]


def markers_at(ax, point, marker):
    """The lines of ``ax`` drawn as a single ``marker`` at ``point``."""
    return [line for line in ax.get_lines()
            if line.get_marker() == marker and len(line.get_xdata()) == 1
            and np.allclose([line.get_xdata()[0], line.get_ydata()[0]], point)]


class TestEndKind:
    def test_peaks_and_the_saddle(self, data, runs):
        kinds = [plots.coins._end_kind(data.heads, data.tosses, run, None) for run in runs]
        assert kinds == ["peak", "peak", "saddle"]

    def test_the_saddle_found_from_almost_on_the_diagonal(self, data):
        almost = coins.fit(data.heads, data.tosses, [0.5, 0.50001])
        assert almost.converged
        assert plots.coins._end_kind(data.heads, data.tosses, almost, None) == "saddle"

    def test_a_run_cut_short_is_not_called_a_peak(self, data):
        short = coins.fit(data.heads, data.tosses, [0.6, 0.5], max_iter=2, tol=0)
        assert not short.converged
        assert plots.coins._end_kind(data.heads, data.tosses, short, None) == "stopped"

    def test_a_peak_on_the_boundary(self):
        # coin A is credited only with all-heads rows: its estimate ends at exactly 1
        run = coins.fit([10, 10, 2, 3], 10, [0.9, 0.3])
        assert run.converged and run.params.theta[0] == 1.0
        assert plots.coins._end_kind([10, 10, 2, 3], 10, run, None) == "peak"


class TestCoinLandscape:
    def test_draws_each_path_from_its_history_in_its_own_colour(self, data, runs):
        names = [f"from {start}" for start in STARTS]
        fig = plots.coin_landscape(data.heads, data.tosses, runs, names=names)
        assert isinstance(fig, plots.NotebookFigure)
        ax = fig.axes[0]
        lines = path_lines(ax, names)
        assert [line.get_label() for line in lines] == names
        for index, (line, run) in enumerate(zip(lines, runs)):
            expected = np.array([step.params.theta for step in run.history])
            assert np.array_equal(np.column_stack(line.get_data()), expected)
            assert to_hex(line.get_color()) == to_hex(plots.PALETTE[index])
        assert ax.get_xlim() == (0, 1) and ax.get_ylim() == (0, 1)
        assert ax.get_xlabel() == r"$\theta_A$" and ax.get_ylabel() == r"$\theta_B$"

    def test_marks_peaks_with_stars_and_the_saddle_with_a_labelled_cross(self, data, runs):
        fig = plots.coin_landscape(data.heads, data.tosses, runs, names=["a", "b", "c"])
        ax = fig.axes[0]
        for run in runs[:2]:
            assert len(markers_at(ax, run.params.theta, "*")) == 1
            assert not markers_at(ax, run.params.theta, "X")
        saddle = runs[2].params.theta
        assert len(markers_at(ax, saddle, "X")) == 1 and not markers_at(ax, saddle, "*")
        labels = [text for text in ax.texts if text.get_text() == "saddle"]
        assert len(labels) == 1 and np.allclose(labels[0].xy, saddle)
        legend = [text.get_text() for text in fig.legends[0].get_texts()]
        assert legend == ["a", "b", "c", "start", "end: a peak", "end: a saddle"]

    def test_no_saddle_no_saddle_key(self, data, runs):
        fig = plots.coin_landscape(data.heads, data.tosses, runs[:2], names=["a", "b"])
        assert [text.get_text() for text in fig.legends[0].get_texts()] == ["a", "b", "start", "end: a peak"]
        assert not [text for text in fig.axes[0].texts if text.get_text() == "saddle"]

    def test_without_names_the_legend_keys_only_the_markers(self, data, runs):
        fig = plots.coin_landscape(data.heads, data.tosses, runs[2:])
        assert [text.get_text() for text in fig.legends[0].get_texts()] == ["start", "end: a saddle"]

    def test_the_surface_alone(self, data):
        fig = plots.coin_landscape(data.heads, data.tosses)
        assert len(fig.axes) == 2 and not fig.legends

    def test_grey_surface_and_a_labelled_colour_bar(self, data, runs):
        fig = plots.coin_landscape(data.heads, data.tosses, runs[:1])
        filled = fig.axes[0].collections[0]
        assert filled.get_cmap().name == "emlib_coin_surface"
        rgb = filled.get_cmap()(np.linspace(0, 1, 5))[:, :3]
        assert np.allclose(rgb, rgb[:, :1])          # grey: red = green = blue
        assert np.all(np.diff(rgb[:, 0]) > 0)        # lighter is higher
        grid_max = plots.coins._coin_surface(data.heads, data.tosses, None).grid_max
        assert grid_max >= runs[0].log_likelihood - 1e-3   # the grid nearly reaches the peak
        label = fig.axes[1].get_ylabel()
        assert label.startswith(r"$\ell(\theta) - \max\,\ell$") and label.endswith(f"= {grid_max:.2f}$")
        ticks = [tick.get_text() for tick in fig.axes[1].get_yticklabels()]
        assert ticks[0] == "\N{MINUS SIGN}64" and ticks[-1] == "\N{MINUS SIGN}0.125"

    def test_surface_is_the_log_likelihood(self, data):
        surface = plots.coins._coin_surface(data.heads, data.tosses, None, resolution=11)
        theta_a, theta_b = surface.grid[3], surface.grid[7]   # [row b, column a]
        direct = coins.log_likelihood(data.heads, data.tosses, [theta_a, theta_b])
        assert np.isclose(surface.below_max[7, 3] + surface.grid_max, direct, rtol=1e-13)
        assert surface.below_max.max() == 0.0

    def test_readable_at_the_column_width(self, data, runs):
        fig = plots.coin_landscape(data.heads, data.tosses, runs, names=["a", "b", "c"])
        assert fig.get_size_inches()[0] <= 6.6
        ax = fig.axes[0]
        sizes = [label.get_fontsize() for label in ax.get_xticklabels() + fig.axes[1].get_yticklabels()]
        sizes += [text.get_fontsize() for text in fig.legends[0].get_texts()]
        assert min(sizes) >= 9


class TestLogLikelihoodGap:
    def test_draws_the_gap_to_the_final_value_on_a_log_scale(self, long_runs):
        fig = plots.log_likelihood_gap(long_runs, ["a", "b"])
        ax = fig.axes[0]
        assert ax.get_yscale() == "log"
        assert ax.get_ylabel() == r"$\ell^* - \ell_t$" and ax.get_xlabel() == r"iteration $t$"
        lines = ax.get_lines()
        assert [line.get_label() for line in lines] == ["a", "b"]
        for index, (line, run) in enumerate(zip(lines, long_runs)):
            values = run.log_likelihoods
            t = line.get_xdata().astype(int)
            assert t[0] == 0 and np.all(np.diff(t) == 1)
            assert np.array_equal(line.get_ydata(), values[-1] - values[t])
            assert line.get_ydata().min() > 1e-12 * abs(values[-1])   # rounding noise is not drawn
            assert t[-1] < run.n_iter                                   # so the run's tail is left out
            assert to_hex(line.get_color()) == to_hex(plots.PALETTE[index])

    def test_the_gap_shrinks_by_a_nearly_constant_factor(self, long_runs):
        # what the figure is for: straight lines on the log scale once t >= 5
        for line in plots.log_likelihood_gap(long_runs, ["a", "b"]).axes[0].get_lines():
            gaps = line.get_ydata()
            ratios = gaps[6:] / gaps[5:-1]
            assert 0.13 < ratios.min() and ratios.max() < 0.18

    def test_a_guide_line_for_a_rate(self, long_runs):
        fig = plots.log_likelihood_gap(long_runs, ["a", "b"], rate=0.17)
        guide = fig.axes[0].get_lines()[-1]
        assert guide.get_label() == r"$\propto 0.17^t$" and guide.get_linestyle() == "--"
        y = guide.get_ydata()
        assert np.allclose(y[1:] / y[:-1], 0.17)
        for line in fig.axes[0].get_lines()[:2]:   # it passes above the ends of the curves
            t_last = int(line.get_xdata()[-1])
            assert y[list(guide.get_xdata()).index(t_last)] > line.get_ydata()[-1]
        assert [text.get_text() for text in fig.axes[0].get_legend().get_texts()][-1] == r"$\propto 0.17^t$"

    def test_any_emlib_model(self):
        X = np.array([[0.0], [0.2], [3.0], [3.3], [3.1]])
        from emlib import gmm
        run = gmm.fit(X, 2, max_iter=300, tol=0, rng=0)
        fig = plots.log_likelihood_gap([run], ["gmm"])
        assert len(fig.axes[0].get_lines()) == 1

    def test_a_run_that_has_not_settled_is_refused(self, data):
        short = coins.fit(data.heads, data.tosses, [0.6, 0.5], max_iter=5, tol=0)
        with pytest.raises(ValueError, match=r"results\[0\] has not settled: its last iteration changed the "
                                             r"log-likelihood by .*; run it with tol=0 and a larger max_iter"):
            plots.log_likelihood_gap([short], ["a"])

    @pytest.mark.parametrize("kwargs, error, message", [
        (dict(rate=1.0), ValueError, r"rate must be between 0 and 1 \(a factor per iteration\); got 1.0"),
        (dict(rate="0.5"), TypeError, "rate must be a real number"),
        (dict(floor=0.0), ValueError, "floor must be between 0 and 1; got 0.0"),
        (dict(floor=None), TypeError, "floor must be a real number"),
    ])
    def test_bad_rate_and_floor(self, long_runs, kwargs, error, message):
        with pytest.raises(error, match=message):
            plots.log_likelihood_gap(long_runs, ["a", "b"], **kwargs)

    def test_bad_results_and_names(self, data, long_runs):
        with pytest.raises(ValueError, match="results must hold at least one result"):
            plots.log_likelihood_gap([], [])
        with pytest.raises(TypeError, match=r"results\[0\] must be an em.EMResult; got str"):
            plots.log_likelihood_gap(["run"], ["a"])
        with pytest.raises(ValueError, match=r"names must have one entry per result \(2\); got 1"):
            plots.log_likelihood_gap(long_runs, ["a"])
        none = coins.fit(data.heads, data.tosses, [0.6, 0.5], max_iter=0)
        with pytest.raises(ValueError, match=r"results\[0\] has no iterations \(n_iter = 0\)"):
            plots.log_likelihood_gap([none], ["a"])


class TestStartFrames:
    def test_a_grid_captioned_by_start_end_kind_iterations_and_log_likelihood(self, data):
        frames = plots.coin_start_frames(data.heads, data.tosses, [0.6, 0.3], [0.5, 0.3, 0.9])
        assert [len(row) for row in frames] == [3, 3]
        first = frames[0][0].texts[0].get_text().splitlines()
        run = coins.fit(data.heads, data.tosses, [0.6, 0.5], max_iter=200)
        assert first == ["start (0.60, 0.50)", "end (0.80, 0.52)", "a peak",
                         f"after {run.n_iter} iterations", rf"$\ell = {run.log_likelihood:.2f}$"]
        assert frames[1][1].texts[0].get_text().splitlines()[:3] == ["start (0.30, 0.30)", "end (0.66, 0.66)",
                                                                      "a saddle"]

    def test_fills_the_column_with_a_colour_bar_and_one_path_colour(self, data):
        frames = plots.coin_start_frames(data.heads, data.tosses, [0.6, 0.3], [0.5, 0.3])
        for row in frames:
            for fig in row:
                assert fig.get_size_inches()[0] == 6.6          # the text column's width
                ax, colour_bar = fig.axes
                assert colour_bar.get_ylabel().startswith(r"$\ell(\theta) - \max\,\ell$")
                paths = [line for line in ax.get_lines() if len(line.get_xdata()) > 1 and line.get_linestyle() == "-"]
                assert len(paths) == 1 and to_hex(paths[0].get_color()) == to_hex(plots.PALETTE[5])
                assert ax.get_xlim() == (0, 1) and ax.get_ylim() == (0, 1)
                # the square map does not overlap the colour bar or the caption
                map_box, bar_box = ax.get_position(), colour_bar.get_position()
                assert map_box.x1 < bar_box.x0 and map_box.x1 < fig.texts[0].get_position()[0]
                assert np.isclose(map_box.width * 6.6, map_box.height * fig.get_size_inches()[1])
        saddle_frame = frames[1][1].axes[0]
        assert len(markers_at(saddle_frame, [0.66, 0.66], "X")) == 1
        run = coins.fit(data.heads, data.tosses, [0.6, 0.5], max_iter=200)
        assert len(markers_at(frames[0][0].axes[0], run.params.theta, "*")) == 1

    def test_readable_text(self, data):
        fig = plots.coin_start_frames(data.heads, data.tosses, [0.6], [0.5])[0][0]
        ax, colour_bar = fig.axes
        sizes = [label.get_fontsize() for label in ax.get_xticklabels() + colour_bar.get_yticklabels()]
        assert min(sizes) >= 9 and fig.texts[0].get_fontsize() >= 10

    def test_bad_starts(self, data):
        with pytest.raises(ValueError, match="heads must not exceed tosses"):
            plots.coin_start_frames([11], 10, [0.5], [0.6])
        with pytest.raises(ValueError, match="^starts_a must lie strictly between 0 and 1"):
            plots.coin_start_frames(data.heads, data.tosses, [1.2], [0.5])
        with pytest.raises(ValueError, match=r"^starts_b must be distinct; got \[0.5, 0.5\]"):
            plots.coin_start_frames(data.heads, data.tosses, [0.4], [0.5, 0.5])


class TestCoinStartSlider:
    def test_frames_are_shown_at_the_column_width(self, data):
        box = widgets.coin_start_slider(data.heads, data.tosses, [0.6, 0.3], [0.5], value=(0, 0))
        _, row_slider, column_slider, outer = box.children
        images = [image for inner in outer.children for image in inner.children]
        assert len(images) == 2
        for image in images:
            assert bytes(image.value).startswith(PNG_SIGNATURE)
            assert image.width == "660"                     # 6.6 inches at 100 pixels to the inch
        assert row_slider.options == ("0.6", "0.3") and column_slider.options == ("0.5",)


class TestBadResults:
    def test_bad_results(self, data, runs):
        three = coins.fit(data.heads, data.tosses, [0.2, 0.5, 0.8], max_iter=2, tol=0)
        with pytest.raises(TypeError, match="results\\[0\\] must be the result of coins.fit; got KMeansResult"):
            plots.coin_landscape(data.heads, data.tosses, [kmeans.fit([[0.0], [1.0]], 1)])
        with pytest.raises(ValueError, match="results\\[0\\] must be a fit of two coins to be drawn in the plane; it has 3"):
            plots.coin_landscape(data.heads, data.tosses, [three])
        with pytest.raises(ValueError, match="names must have one entry per result \\(3\\); got 1"):
            plots.coin_landscape(data.heads, data.tosses, runs, names=["a"])

    def test_log_likelihood_trace_of_coin_runs(self, runs):
        fig = plots.log_likelihood_trace(runs[:2], ["a", "b"])
        for line, run in zip(fig.axes[0].get_lines(), runs):
            assert np.array_equal(line.get_ydata(), run.log_likelihoods)
            assert np.array_equal(line.get_xdata(), np.arange(run.n_iter + 1))
        with pytest.raises(TypeError, match="results\\[1\\] must be an em.EMResult; got str"):
            plots.log_likelihood_trace([runs[0], "run"], ["a", "b"])
        with pytest.raises(TypeError, match="names must be a sequence of strings, one per result"):
            plots.log_likelihood_trace(runs[:2], "ab")
