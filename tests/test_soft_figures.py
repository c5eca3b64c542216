"""The figures and the static slider of the chapter on soft assignments (emlib.plots, emlib.widgets)."""

import re

import ipywidgets
import numpy as np
import pytest
from ipywidgets.widgets.widget import _instances
from ipywidgets.widgets.widget_link import Link
from matplotlib.colors import to_rgb, to_rgba
from matplotlib.figure import Figure
from matplotlib.patches import Circle

from emlib import coins, datasets, kmeans, plots, soft, widgets

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def data():
    X, _ = datasets.make_blobs([[0, 0], [6, 0], [3, 5]], 30, 0.8, rng=np.random.default_rng(0))
    start = kmeans.init_centers(X, 3, rng=0)
    return X, start


@pytest.fixture(scope="module")
def fits(data):
    X, start = data
    return [soft.fit(X, start, beta, max_iter=2000) for beta in (0.005, 0.5, 5.0)]


class TestRespColours:
    def test_one_hot_rows_take_the_cluster_colour(self):
        colours = plots.resp_colours(np.eye(3))
        assert colours.shape == (3, 3)
        np.testing.assert_allclose(colours, [to_rgb(plots.PALETTE[i]) for i in range(3)], rtol=0, atol=1e-15)

    def test_mixed_rows_mix_the_colours(self):
        colours = plots.resp_colours([[0.5, 0.5, 0.0], [0.25, 0.0, 0.75]])
        palette = np.array([to_rgb(c) for c in plots.PALETTE[:3]])
        np.testing.assert_allclose(colours[0], (palette[0] + palette[1]) / 2, rtol=1e-15)
        np.testing.assert_allclose(colours[1], 0.25 * palette[0] + 0.75 * palette[2], rtol=1e-15)
        assert np.all((colours >= 0) & (colours <= 1))

    def test_colours_repeat_beyond_the_palette(self):
        n = len(plots.PALETTE)
        colours = plots.resp_colours(np.eye(n + 2))
        np.testing.assert_allclose(colours[n:], colours[:2], rtol=0, atol=0)

    def test_the_colour_of_a_hard_point_matches_kmeans_state(self):
        X = np.array([[0.0, 0.0], [1.0, 1.0]])
        fig, axes = plots.new_figure(1, 2)
        plots.kmeans_state(X, None, [0, 1], ax=axes[0, 0])
        plots.soft_state(X, X, np.eye(2), ax=axes[0, 1])
        hard = axes[0, 0].collections[0].get_facecolors()[:, :3]
        softly = axes[0, 1].collections[0].get_facecolors()[:, :3]
        np.testing.assert_allclose(softly, hard, rtol=0, atol=1e-15)

    @pytest.mark.parametrize(
        "resp, error, message",
        [
            ([[0.6, 0.6]], ValueError, "each row of resp must sum to 1; row 0 sums to 1.2"),
            ([[1.5, -0.5]], ValueError, "resp must hold probabilities between 0 and 1"),
            ([0.5, 0.5], ValueError, "resp must be a 2-d array of shape \\(n_samples, k\\); got a 1-d array"),
            ([[np.nan, 1.0]], ValueError, "resp contains NaN"),
            ([["a", "b"]], TypeError, "resp must hold real numbers"),
        ],
    )
    def test_bad_resp(self, resp, error, message):
        with pytest.raises(error, match=message):
            plots.resp_colours(resp)


class TestSoftFigures:
    def test_state_colours_points_by_their_responsibilities(self, data):
        X, start = data
        resp = soft.responsibilities(X, start, 0.3)
        fig, axes = plots.new_figure()
        ax = plots.soft_state(X, start, resp, ax=axes[0, 0], sigma=1.5, title="t")
        np.testing.assert_allclose(ax.collections[0].get_facecolors()[:, :3], plots.resp_colours(resp))
        circles = [patch for patch in ax.patches if isinstance(patch, Circle)]
        assert len(circles) == 3 and all(circle.get_radius() == 1.5 for circle in circles)
        assert [tuple(c.center) for c in circles] == [tuple(center) for center in start]
        assert circles[1].get_edgecolor() == to_rgba(plots.PALETTE[1])
        assert ax.get_title() == "t"

    def test_state_without_sigma_draws_no_circles(self, data):
        X, start = data
        fig, axes = plots.new_figure()
        ax = plots.soft_state(X, start, soft.responsibilities(X, start, 1.0), ax=axes[0, 0])
        assert ax.patches == [] or not any(isinstance(p, Circle) for p in ax.patches)

    def test_assignments_draw_one_panel_per_rule(self, data):
        X, start = data
        resps = [soft.distance_shares(X, start), soft.responsibilities(X, start, 1.0)]
        fig = plots.soft_assignments(X, start, resps, ["shares", "Bayes"])
        assert isinstance(fig, plots.NotebookFigure)
        assert [ax.get_title() for ax in fig.axes] == ["shares", "Bayes"]
        assert fig.axes[0].get_xlim() == fig.axes[1].get_xlim()

    def test_frames_one_per_fit_with_merged_centers_marked(self, data, fits):
        X, _ = data
        frames = plots.soft_kmeans_frames(X, fits)
        assert [label for label, _ in frames] == ["0.005", "0.5", "5"]
        assert all(isinstance(fig, Figure) for _, fig in frames)
        titles = [fig.axes[0].get_title() for _, fig in frames]
        # far below the critical stiffness every center sits on the mean of X
        assert titles[0].startswith("β = 0.005   (σ = 10.00):   3 centers at 1 place\n")
        assert [t.get_text() for t in frames[0][1].axes[0].texts] == ["×3"]
        assert "3 centers at 3 places" in titles[2] and len(frames[2][1].axes[0].texts) == 0
        assert f"log-likelihood {fits[2].log_likelihood:.1f} after {fits[2].n_iter} iterations" in titles[2]
        limits = {fig.axes[0].get_xlim() for _, fig in frames}
        assert len(limits) == 1

    @pytest.mark.parametrize(
        "call, error, message",
        [
            (lambda X, s, f: plots.soft_state(X, s, np.full((len(X), 2), 0.5), ax=plots.new_figure()[1][0, 0]),
             ValueError, "resp must have shape \\(n_samples, k\\) = \\(90, 3\\); got \\(90, 2\\)"),
            (lambda X, s, f: plots.soft_state(X, s, np.full((3, 3), 1 / 3), ax=plots.new_figure()[1][0, 0]),
             ValueError, "resp must have shape \\(n_samples, k\\) = \\(90, 3\\); got \\(3, 3\\)"),
            (lambda X, s, f: plots.soft_state(X, np.zeros((3, 3)), np.full((90, 3), 1 / 3),
                                              ax=plots.new_figure()[1][0, 0]),
             ValueError, "centers must have 2 columns to be drawn in the plane"),
            (lambda X, s, f: plots.soft_state(X, s, np.full((90, 3), 1 / 3), ax=plots.new_figure()[1][0, 0],
                                              sigma=-1.0),
             ValueError, "sigma must be at least 0.0; got -1.0"),
            (lambda X, s, f: plots.soft_assignments(X, s, [], []), ValueError,
             "resps must hold at least one array of responsibilities"),
            (lambda X, s, f: plots.soft_assignments(X, s, [np.full((90, 3), 1 / 3)], ["a", "b"]), ValueError,
             "titles must have one entry per array of responsibilities \\(1\\); got 2"),
            (lambda X, s, f: plots.soft_kmeans_frames(X, [kmeans.fit(X, 3, rng=0)]), TypeError,
             "results\\[0\\] must be the result of soft.fit; got KMeansResult"),
            (lambda X, s, f: plots.soft_kmeans_frames(X, [f[0], coins.fit([5, 9], 10, [0.6, 0.5])]), TypeError,
             "results\\[1\\] must be the result of soft.fit; got EMResult"),
            (lambda X, s, f: plots.soft_kmeans_frames(X, [f[1], f[1]]), ValueError,
             "results must have distinct values of beta; got \\['0.5', '0.5'\\]"),
            (lambda X, s, f: plots.soft_kmeans_frames(X, []), ValueError, "results must hold at least one result"),
        ],
    )
    def test_bad_input(self, data, fits, call, error, message):
        X, start = data
        with pytest.raises(error, match=message):
            call(X, start, fits)



class TestSharesOnALine:
    @staticmethod
    def _curves(fig):
        """The labelled lines of the figure's one panel, by label."""
        return {line.get_label(): line for line in fig.axes[0].lines if not line.get_label().startswith("_")}

    def test_rules_draw_the_three_rules_computed_by_emlib(self):
        fig = plots.rules_on_a_line(4.0, 0.78125)
        assert isinstance(fig, plots.NotebookFigure) and len(fig.axes) == 1
        curves = self._curves(fig)
        assert list(curves) == ["distance ÷ sum of distances (the notes' rule, literally)",
                                "1/distance, normalised",
                                "Bayes' rule, Normal clouds, β = 0.78 (σ = 0.80)"]
        literal, inverse, bayes = curves.values()
        x = literal.get_xdata()
        assert x[0] == -4.0 and x[-1] == 8.0
        two = [[0.0], [4.0]]
        np.testing.assert_allclose(literal.get_ydata(), soft.distance_shares(x[:, None], two)[:, 0])
        np.testing.assert_allclose(inverse.get_ydata(), soft.distance_shares(x[:, None], two, inverse=True)[:, 0])
        np.testing.assert_allclose(bayes.get_ydata(), soft.responsibilities(x[:, None], two, 0.78125)[:, 0])
        # the notes' rule is backwards: mu_1 gets nothing on mu_1, everything on mu_2
        assert literal.get_ydata()[x == 0.0] == 0 and literal.get_ydata()[x == 4.0] == 1
        assert [line.get_color() for line in curves.values()] == [plots.PALETTE[5], plots.PALETTE[1], plots.PALETTE[0]]
        assert len({line.get_linestyle() for line in curves.values()}) == 3   # told apart without colour

    def test_rules_mark_the_centers_and_one_half(self):
        fig = plots.rules_on_a_line(2.0, 1.0)
        ax = fig.axes[0]
        assert ax.get_xlabel() == r"position $x$ on the line through $\mu_1$ and $\mu_2$"
        assert ax.get_ylabel() == r"share of $\mu_1$"
        assert ax.get_title() == r"The share of $\mu_1$ by each rule"
        assert ax.get_xlim() == (-2.0, 4.0)
        ticks = [label.get_text() for label in ax.get_xticklabels()]
        assert ticks == ["−2", "−1", "0\n$\\mu_1$", "1", "2\n$\\mu_2$", "3", "4"]
        guides = [line for line in ax.lines if line.get_label().startswith("_")]
        vertical = sorted(line.get_xdata()[0] for line in guides if line.get_xdata()[0] == line.get_xdata()[1])
        horizontal = [line.get_ydata()[0] for line in guides if line.get_ydata()[0] == line.get_ydata()[1]]
        assert vertical == [0.0, 2.0] and horizontal == [0.5]
        legend = fig.legends[0]
        assert [text.get_text() for text in legend.get_texts()] == list(self._curves(fig))
        assert all(text.get_fontsize() >= 9 for text in legend.get_texts())

    def test_stiffness_draws_one_curve_per_beta_and_the_kmeans_step(self):
        betas = [0.05, 0.2, 0.78125, 3]
        fig = plots.stiffness_on_a_line(4.0, betas)
        curves = self._curves(fig)
        assert list(curves) == ["β = 0.05 (σ = 3.16)", "β = 0.2 (σ = 1.58)", "β = 0.78 (σ = 0.80)",
                                "β = 3 (σ = 0.41)", "k-means (β → ∞)"]
        lines = list(curves.values())
        x = lines[0].get_xdata()
        for line, beta in zip(lines, betas):
            np.testing.assert_allclose(line.get_ydata(), soft.responsibilities(x[:, None], [[0.0], [4.0]], beta)[:, 0])
        assert [line.get_color() for line in lines[:4]] == list(plots.PALETTE[:4])
        step = lines[-1]
        assert step.get_color() == "black" and step.get_linestyle() == "--"
        assert list(step.get_xdata()) == [-4.0, 2.0, 2.0, 8.0] and list(step.get_ydata()) == [1.0, 1.0, 0.0, 0.0]
        # a larger beta is nearer k-means' step everywhere
        hard = (x < 2.0).astype(float)
        distances = [np.abs(line.get_ydata() - hard) for line in lines[:4]]
        assert all(np.all(b <= a + 1e-15) for a, b in zip(distances, distances[1:]))
        assert fig.axes[0].get_title() == r"Bayes' rule: the share of $\mu_1$ at several stiffnesses"
        assert len(fig.legends) == 1 and len(fig.legends[0].get_texts()) == 5

    def test_the_figures_fit_the_text_column(self):
        for fig in (plots.rules_on_a_line(4.0, 1.0), plots.stiffness_on_a_line(4.0, [0.1, 1.0])):
            width, _ = fig.get_size_inches()
            assert width <= 6.6

    @pytest.mark.parametrize(
        "call, error, message",
        [
            (lambda: plots.rules_on_a_line(0.0, 1.0), ValueError,
             "gap must be positive (the distance between the two centers); got 0.0"),
            (lambda: plots.rules_on_a_line(-1.0, 1.0), ValueError,
             "gap must be positive (the distance between the two centers); got -1.0"),
            (lambda: plots.rules_on_a_line(np.inf, 1.0), ValueError, "gap must be finite; got inf"),
            (lambda: plots.rules_on_a_line("4", 1.0), TypeError, "gap must be a real number; got '4' (str)"),
            (lambda: plots.rules_on_a_line(4.0, 0.0), ValueError, "beta must be positive (a stiffness); got 0.0"),
            (lambda: plots.rules_on_a_line(4.0, np.nan), ValueError, "beta must be finite; got nan"),
            (lambda: plots.rules_on_a_line(4.0, None), TypeError, "beta must be a real number; got None (NoneType)"),
            (lambda: plots.stiffness_on_a_line(4.0, []), ValueError, "betas must hold at least one stiffness"),
            (lambda: plots.stiffness_on_a_line(4.0, 0.5), TypeError,
             "betas must be a sequence of stiffnesses; got float"),
            (lambda: plots.stiffness_on_a_line(4.0, [0.5, -1.0]), ValueError,
             "betas[1] must be positive (a stiffness); got -1.0"),
            (lambda: plots.stiffness_on_a_line(4.0, [True]), TypeError, "betas[0] must be a real number; got True (bool)"),
            (lambda: plots.stiffness_on_a_line(0.0, [1.0]), ValueError,
             "gap must be positive (the distance between the two centers); got 0.0"),
        ],
    )
    def test_bad_input(self, call, error, message):
        with pytest.raises(error, match=re.escape(message)):
            call()


class TestSoftKmeansSlider:
    def test_one_small_palette_frame_per_fit_linked_in_the_browser(self, data, fits):
        X, _ = data
        box = widgets.soft_kmeans_slider(X, fits, value=2)
        style, slider, tab = box.children
        assert isinstance(slider, ipywidgets.SelectionSlider)
        assert slider.options == ("0.005", "0.5", "5") and slider.description == "stiffness β"
        assert slider.index == 2 and tab.selected_index == 2
        assert widgets.FRAMES_CLASS in tab._dom_classes
        images = [bytes(image.value) for image in tab.children]
        assert len(set(images)) == 3
        assert all(image.startswith(PNG_SIGNATURE) and image[25] == 3 for image in images)  # palette PNGs
        assert max(len(image) for image in images) < 60_000
        links = [w for w in _instances.values() if isinstance(w, Link) and w.source == (slider, "index")]
        assert len(links) == 1 and links[0].target == (tab, "selected_index")


class TestMoreBadInput:
    @pytest.mark.parametrize("call, error, message", [
        (lambda X, s, f: plots.soft_assignments(X, s, None, []), TypeError,
         "resps must be a sequence of arrays of responsibilities; got NoneType"),
        (lambda X, s, f: plots.soft_assignments(X, s, [np.full((90, 3), 1 / 3), np.full((3, 3), 1 / 3)], ["a", "b"]),
         ValueError, "resps[1] must have one row per row of X (90); got shape (3, 3)"),
        (lambda X, s, f: plots.soft_assignments(X, s, [np.full((90, 2), 0.5)], ["a"]), ValueError,
         "resps[0] must have one column per center (3); got shape (90, 2)"),
        (lambda X, s, f: plots.soft_assignments(X, s, [np.full((90, 3), 0.5)], ["a"]), ValueError,
         "each row of resps[0] must sum to 1; row 0 sums to 1.5"),
        (lambda X, s, f: plots.soft_assignments(X, np.zeros((3, 3)), [np.full((90, 3), 1 / 3)], ["a"]), ValueError,
         "centers must have 2 columns to be drawn in the plane"),
        (lambda X, s, f: plots.soft_state(X, s, np.full((90, 3), 1 / 3), ax=plots.new_figure()[1][0, 0],
                                          limits=((0, 1),)),
         ValueError, "limits must be a pair ((xmin, xmax), (ymin, ymax)); got 1 entries"),
        (lambda X, s, f: plots.soft_state(X, s, np.full((90, 3), 1 / 3), ax="ax"), TypeError,
         "ax must be a matplotlib Axes; got str"),
        (lambda X, s, f: widgets.soft_kmeans_slider(X, f, value=3), ValueError,
         "value must be a frame index in 0 .. 2; got 3"),
        (lambda X, s, f: widgets.soft_kmeans_slider(X, f, value=None), TypeError,
         "value must be an integer frame index; got None"),
    ])
    def test_bad_input(self, data, fits, call, error, message):
        X, start = data
        with pytest.raises(error, match=re.escape(message)):
            call(X, start, fits)

    def test_close_values_of_beta_get_labels_that_tell_them_apart(self, data):
        X, start = data
        close = [soft.fit(X, start, beta, max_iter=5) for beta in (0.5, 0.5001)]
        assert [label for label, _ in plots.soft_kmeans_frames(X, close)] == ["0.5", "0.5001"]
