"""The figures and the static slider of the chapter on k-means (emlib.plots, emlib.widgets).

Iteration t of a run is an assignment step (the labels z^t from the centers
mu^(t-1) = history[t - 1].centers) followed by an update step (the centers
mu^t = history[t].centers); every figure and slider label counts that way.
"""

import numpy as np
import pytest
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.patches import Polygon

from emlib import datasets, kmeans, plots, widgets
from emlib.plots import kmeans as kmeans_plots

WHITE = to_rgba("white")


@pytest.fixture(scope="module")
def data_and_run():
    rng = np.random.default_rng(0)
    X, _ = datasets.make_blobs([[0, 0], [5, 0], [0, 5]], 30, 0.8, rng=rng)
    run = kmeans.fit(X, 3, init=X[[0, 1, 2]])  # all three start in the first cloud
    assert run.n_iter >= 3
    return X, run


@pytest.fixture(scope="module")
def slow_start():
    """Six clouds, two centers in one of them: the run crawls, then J falls fast (as in the chapter)."""
    rng = np.random.default_rng(20261130)
    centers = [(-4.0, 0.0), (0.0, 0.0), (4.0, 0.0), (-2.0, 3.5), (2.0, 3.5), (0.0, 7.0)]
    X, _ = datasets.make_blobs(centers, 50, 0.8, rng=rng)
    run = kmeans.fit(X, 6, init=kmeans.init_centers(X, 6, method="random", rng=rng))
    return X, run


@pytest.fixture(scope="module")
def rescue():
    """A run whose sixth center starts below the data, nearest to no point."""
    X, _ = datasets.make_blobs([[-4, 0], [0, 0], [4, 0], [-2, 3.5], [2, 3.5], [0, 7]], 50, 0.8,
                               rng=np.random.default_rng(3))
    start = np.vstack([X[[0, 50, 100, 200, 250]], [[0.0, -6.0]]])  # no center in the fourth cloud
    assert kmeans.assign(X, start).max() < 5
    return X, kmeans.fit(X, 6, init=start)


def scatter_colours(ax):
    """The colours of the first scatter (the data points) of an axes."""
    return ax.collections[0].get_facecolors()


def titles(fig):
    return [ax.get_title() for ax in fig.axes]


def first_lines(fig):
    return [title.splitlines()[0] for title in titles(fig)]


class TestRegions:
    """The regions of the assignment step: exact polygons, tinted and bordered."""

    LIMITS = ((-3.0, 8.0), (-2.0, 7.0))

    def test_each_region_is_the_part_of_the_box_nearest_to_its_center(self):
        centers = np.array([[0.0, 0.0], [5.0, 0.0], [0.0, 5.0], [4.0, 4.0]])
        regions = kmeans_plots._regions(centers, self.LIMITS)
        assert len(regions) == 4 and all(len(polygon) >= 3 for polygon in regions)
        for k, polygon in enumerate(regions):
            distances = np.linalg.norm(polygon[:, None, :] - centers[None], axis=2)
            # every corner is nearest to its own center, up to ties on a border
            assert np.all(distances[:, k] <= distances.min(axis=1) + 1e-9)
        # the regions tile the box: their areas add up to its area
        (x0, x1), (y0, y1) = self.LIMITS
        areas = [0.5 * abs(np.dot(p[:, 0], np.roll(p[:, 1], 1)) - np.dot(p[:, 1], np.roll(p[:, 0], 1)))
                 for p in regions]
        assert sum(areas) == pytest.approx((x1 - x0) * (y1 - y0), rel=1e-12)

    def test_points_fall_in_the_region_of_the_center_they_are_assigned_to(self):
        rng = np.random.default_rng(1)
        centers = rng.uniform(0, 5, size=(5, 2))
        points = rng.uniform(-2, 7, size=(400, 2))
        regions = kmeans_plots._regions(centers, self.LIMITS)
        labels = kmeans.assign(points, centers)
        for k, polygon in enumerate(regions):
            inside = Polygon(polygon).get_path().contains_points(points)
            assert np.all(labels[inside] == k)
            assert inside.sum() >= 0.99 * (labels == k).sum()  # all but points right on a border

    def test_a_repeated_center_gets_no_region(self):
        regions = kmeans_plots._regions(np.array([[0.0, 0.0], [3.0, 3.0], [0.0, 0.0]]), self.LIMITS)
        assert len(regions[0]) >= 3 and len(regions[1]) >= 3 and len(regions[2]) == 0

    def test_a_center_outside_the_box_may_have_no_region_in_it(self):
        regions = kmeans_plots._regions(np.array([[0.0, 0.0], [50.0, 50.0]]), self.LIMITS)
        assert len(regions[1]) == 0

    def test_state_tints_each_region_and_draws_its_border(self, data_and_run):
        X, run = data_and_run
        fig, axes = plots.new_figure()
        ax = plots.kmeans_state(X, run.centers, run.labels, ax=axes[0, 0], regions=True)
        patches = [patch for patch in ax.patches if isinstance(patch, Polygon)]
        assert len(patches) == 3
        for k, patch in enumerate(patches):
            face = patch.get_facecolor()
            assert face[:3] == pytest.approx(to_rgba(plots.PALETTE[k])[:3]) and face[3] == pytest.approx(0.13)
            assert patch.get_edgecolor()[:3] == pytest.approx(to_rgba(kmeans_plots._BOUNDARY)[:3])
            assert patch.get_linewidth() > 0

    def test_no_regions_unless_asked(self, data_and_run):
        X, run = data_and_run
        fig, axes = plots.new_figure()
        ax = plots.kmeans_state(X, run.centers, run.labels, ax=axes[0, 0])
        assert not ax.patches


class TestState:
    def test_colours_points_by_label(self, data_and_run):
        X, run = data_and_run
        fig, axes = plots.new_figure()
        ax = plots.kmeans_state(X, run.centers, run.labels, ax=axes[0, 0])
        colours = [tuple(colour) for colour in scatter_colours(ax)]
        assert len(colours) == len(X)
        by_label = [{colours[i] for i in np.flatnonzero(run.labels == k)} for k in range(3)]
        assert all(len(group) == 1 for group in by_label)
        assert len(set().union(*by_label)) == 3

    def test_without_labels_grey_and_without_centers_no_crosses(self, data_and_run):
        X, _ = data_and_run
        fig, axes = plots.new_figure()
        ax = plots.kmeans_state(X, None, ax=axes[0, 0])
        assert len(ax.collections) == 1  # the points only
        assert {tuple(c) for c in scatter_colours(ax)} == {to_rgba(kmeans_plots.GREY, 0.8)}

    def test_where_the_centers_were_is_drawn_on_top_of_where_they_are(self, data_and_run):
        X, run = data_and_run
        fig, axes = plots.new_figure()
        ax = plots.kmeans_state(X, run.history[-1].centers, ax=axes[0, 0], previous_centers=run.history[-2].centers)
        points, crosses, dots = ax.collections
        assert dots.get_zorder() > crosses.get_zorder()  # a center that barely moved still shows both
        np.testing.assert_array_equal(dots.get_offsets(), run.history[-2].centers)
        assert all(tuple(colour) == WHITE for colour in dots.get_facecolors())
        assert dots.get_sizes()[0] < crosses.get_sizes()[0]

    def test_one_arrow_per_center_that_moved(self, data_and_run):
        X, run = data_and_run
        fig, axes = plots.new_figure()
        ax = plots.kmeans_state(X, run.history[1].centers, ax=axes[0, 0], previous_centers=run.history[0].centers)
        moved = np.sum(~np.all(np.isclose(run.history[0].centers, run.history[1].centers), axis=1))
        assert len(ax.texts) == moved > 0  # annotate() arrows are text artists


class TestSteps:
    def test_by_default_the_four_iterations_in_which_J_falls_most(self, slow_start):
        X, run = slow_start
        falls = -np.diff([step.inertia for step in run.history])
        expected = sorted((np.argsort(-falls)[:4] + 1).tolist())
        assert expected == [1, 5, 6, 7]  # not the first four: iterations 2-4 change little
        fig = plots.kmeans_steps(X, run)
        assert first_lines(fig) == [f"iteration {t}: {step}" for t in expected for step in ("assignment", "update")]

    def test_n_iterations_picks_that_many_largest_falls_in_order(self, slow_start):
        X, run = slow_start
        assert first_lines(plots.kmeans_steps(X, run, n_iterations=2))[::2] == ["iteration 1: assignment",
                                                                               "iteration 6: assignment"]
        assert len(plots.kmeans_steps(X, run, n_iterations=run.n_iter).axes) == 2 * run.n_iter

    def test_a_short_run_shows_all_its_iterations(self, data_and_run):
        X, run = data_and_run
        short = kmeans.fit(X, 3, init=run.centers)  # already converged: one iteration
        assert short.n_iter == 1 and len(plots.kmeans_steps(X, short).axes) == 2

    def test_titles_give_J_after_each_step_in_the_books_notation(self, slow_start):
        X, run = slow_start
        half_steps = kmeans.half_step_inertias(X, run)
        fig = plots.kmeans_steps(X, run, iterations=[5, 1])
        assert titles(fig) == [
            f"iteration 1: assignment\n$J(z^{{1}}, \\mu^{{0}}) = {half_steps[0]:.1f}$",
            f"iteration 1: update\n$J(z^{{1}}, \\mu^{{1}}) = {half_steps[1]:.1f}$",
            f"iteration 5: assignment\n$J(z^{{5}}, \\mu^{{4}}) = {half_steps[8]:.1f}$",
            f"iteration 5: update\n$J(z^{{5}}, \\mu^{{5}}) = {half_steps[9]:.1f}$",
        ]
        assert half_steps[0] == run.history[0].inertia and half_steps[8] == run.history[4].inertia

    def test_assignment_on_the_left_with_regions_update_on_the_right_with_the_old_centers(self, slow_start):
        X, run = slow_start
        left, right = plots.kmeans_steps(X, run, iterations=[6]).axes
        assert len(left.patches) == 6 and not right.patches
        np.testing.assert_array_equal(left.collections[1].get_offsets(), run.history[5].centers)
        np.testing.assert_array_equal(right.collections[1].get_offsets(), run.history[6].centers)
        np.testing.assert_array_equal(right.collections[2].get_offsets(), run.history[5].centers)
        # the points keep the colours of the assignment step in both panels
        np.testing.assert_array_equal(scatter_colours(left), scatter_colours(right))

    def test_a_legend_explains_the_markers(self, data_and_run):
        X, run = data_and_run
        legend = plots.kmeans_steps(X, run, n_iterations=1).legends[0]
        assert [text.get_text() for text in legend.get_texts()] == [
            r"center $\mu_k$", "where it was before the update", "border between regions"]
        assert min(text.get_fontsize() for text in legend.get_texts()) >= 9

    def test_fits_the_text_column(self, slow_start):
        X, run = slow_start
        fig = plots.kmeans_steps(X, run)
        assert fig.get_size_inches()[0] <= 6.6
        assert min(ax.title.get_fontsize() for ax in fig.axes) >= 9

    def test_a_center_that_starts_far_away_is_in_the_picture(self, rescue):
        X, run = rescue
        left, right = plots.kmeans_steps(X, run, iterations=[1]).axes
        far = run.history[0].centers[-1]
        assert left.get_ylim()[0] < far[1] and right.get_ylim()[0] < far[1]
        # the far center's region holds no point; after the update it sits on the point it took,
        # which is drawn in its colour
        assert kmeans.assign(X, run.history[0].centers).max() < 5
        taken = np.flatnonzero(np.all(X == run.history[1].centers[-1], axis=1))
        assert len(taken) == 1
        assert tuple(scatter_colours(right)[taken[0]])[:3] == pytest.approx(to_rgba(plots.PALETTE[5])[:3])
        assert tuple(scatter_colours(left)[taken[0]])[:3] != pytest.approx(to_rgba(plots.PALETTE[5])[:3])

    @pytest.mark.parametrize(
        "kwargs, error, message",
        [
            (dict(iterations=[1], n_iterations=1), ValueError, "give n_iterations or iterations, not both"),
            (dict(iterations=[]), ValueError, "iterations must hold at least one iteration number"),
            (dict(iterations=[2, 2]), ValueError, "iterations must be distinct; got \\[2, 2\\]"),
            (dict(iterations=[0]), ValueError, "iterations\\[0\\] must be at least 1; got 0"),
            (dict(iterations=[1, 99]), ValueError, "iterations\\[1\\] must be at most result.n_iter = "),
            (dict(iterations=[1.5]), TypeError, "iterations\\[0\\] must be an integer"),
            (dict(iterations="12"), TypeError, "iterations must be a sequence of iteration numbers; got str"),
            (dict(iterations=3), TypeError, "iterations must be a sequence of iteration numbers; got int"),
            (dict(n_iterations=0), ValueError, "n_iterations must be at least 1; got 0"),
        ],
    )
    def test_bad_iterations(self, data_and_run, kwargs, error, message):
        X, run = data_and_run
        with pytest.raises(error, match=message):
            plots.kmeans_steps(X, run, **kwargs)

    def test_cannot_show_more_iterations_than_ran(self, data_and_run):
        X, run = data_and_run
        with pytest.raises(ValueError, match=f"n_iterations must be at most result.n_iter = {run.n_iter}"):
            plots.kmeans_steps(X, run, n_iterations=run.n_iter + 1)
        with pytest.raises(ValueError, match="result has no iterations to draw \\(result.n_iter = 0\\)"):
            plots.kmeans_steps(X, kmeans.fit(X, 3, max_iter=0, rng=0))

    def test_numpy_iteration_numbers_are_fine(self, data_and_run):
        X, run = data_and_run
        assert first_lines(plots.kmeans_steps(X, run, iterations=np.array([2])))[0] == "iteration 2: assignment"


class TestFrames:
    def test_labels_count_iterations_as_the_steps_figure_does(self, slow_start):
        X, run = slow_start
        frames = plots.kmeans_frames(X, run)
        labels = [label for label, _ in frames]
        assert len(frames) == 2 * run.n_iter + 1
        assert labels[:3] == ["1 · assign", "1 · update", "2 · assign"]
        assert labels[-2:] == [f"{run.n_iter} · update", f"{run.n_iter + 1} · assign, stop"]
        assert len(set(labels)) == len(labels)
        assert all(isinstance(fig, Figure) for _, fig in frames)

    def test_titles_give_J_after_each_step(self, slow_start):
        X, run = slow_start
        half_steps = kmeans.half_step_inertias(X, run)
        frames = plots.kmeans_frames(X, run)
        first = [fig.axes[0].get_title() for _, fig in frames]
        assert first[0] == f"iteration 1: assignment\n$J(z^{{1}}, \\mu^{{0}}) = {half_steps[0]:.2f}$"
        assert first[1] == f"iteration 1: update\n$J(z^{{1}}, \\mu^{{1}}) = {half_steps[1]:.2f}$"
        n = run.n_iter
        assert first[-1] == (f"iteration {n + 1}: assignment, repeats $z^{{{n}}}$\n"
                             f"$J(z^{{{n + 1}}}, \\mu^{{{n}}}) = {half_steps[-1]:.2f}$")

    def test_every_frame_explains_its_markers_within_the_picture(self, data_and_run):
        X, run = data_and_run
        for _, fig in plots.kmeans_frames(X, run)[:2]:
            legend = fig.legends[0]
            assert [text.get_text() for text in legend.get_texts()] == [
                r"center $\mu_k$", "where it was", "border between regions"]
            fig.canvas.draw()  # the slider saves frames without trimming: nothing may stick out
            box, page = legend.get_window_extent(), fig.bbox
            assert page.x0 <= box.x0 and box.x1 <= page.x1 and page.y0 <= box.y0

    def test_the_frames_of_the_steps_figure_and_the_slider_agree(self, slow_start):
        X, run = slow_start
        frames = plots.kmeans_frames(X, run)
        fig = plots.kmeans_steps(X, run, iterations=[6])
        for ax, (_, frame) in zip(fig.axes, frames[10:12]):  # iteration 6: frames 10 and 11
            assert ax.get_title().splitlines()[0] == frame.axes[0].get_title().splitlines()[0]
            np.testing.assert_array_equal(scatter_colours(ax), scatter_colours(frame.axes[0]))

    def test_a_run_stopped_by_max_iter_ends_with_a_final_frame(self, data_and_run):
        X, run = data_and_run
        stopped = kmeans.fit(X, 3, init=run.history[0].centers, max_iter=1)
        assert not stopped.converged
        frames = plots.kmeans_frames(X, stopped)
        assert [label for label, _ in frames] == ["1 · assign", "1 · update", "final"]
        assert frames[-1][1].axes[0].get_title().startswith("final clustering\n$J = ")

    def test_the_slider_shows_the_frames_under_their_labels(self, data_and_run):
        X, run = data_and_run
        box = widgets.kmeans_slider(X, run)
        slider = box.children[1]
        assert slider.description == "iteration"
        assert list(slider.options) == [label for label, _ in plots.kmeans_frames(X, run)]
        assert len(box.children[2].children) == 2 * run.n_iter + 1


class TestInertiaTrace:
    def test_assignment_at_t_minus_a_half_and_update_at_t(self, slow_start):
        X, run = slow_start
        ax = plots.inertia_trace(X, [run], ["run"]).axes[0]
        line, assignments, updates = ax.lines[:3]
        values = kmeans.half_step_inertias(X, run)
        np.testing.assert_array_equal(line.get_ydata(), values)
        np.testing.assert_array_equal(line.get_xdata(), np.arange(1, len(values) + 1) / 2)
        np.testing.assert_array_equal(assignments.get_xdata(), np.arange(run.n_iter + 1) + 0.5)
        np.testing.assert_array_equal(assignments.get_ydata(), [step.inertia for step in run.history])
        np.testing.assert_array_equal(updates.get_xdata(), np.arange(1, run.n_iter + 1))
        assert tuple(to_rgba(assignments.get_markerfacecolor())) == WHITE   # open circles
        assert to_rgba(updates.get_markerfacecolor()) == to_rgba(plots.PALETTE[0])  # filled ones
        assert np.all(np.diff(values) <= 1e-9 * values[0])

    def test_labels_legend_and_ticks(self, slow_start):
        X, run = slow_start
        ax = plots.inertia_trace(X, [run, run], ["one", "two"]).axes[0]
        assert ax.get_ylabel() == "inertia $J$"
        assert ax.get_xlabel() == r"iteration $t$ (assignment step at $t - \frac{1}{2}$, update step at $t$)"
        assert ax.get_legend_handles_labels()[1] == ["one", "two", "after an assignment step", "after an update step"]
        assert list(ax.get_xticks()) == list(range(run.n_iter + 2))
        assert ax.get_xlim() == (0, run.n_iter + 1)


class TestFinalInertias:
    def test_one_panel_per_way_of_starting_with_the_count_over_every_bar(self):
        fig = plots.final_inertias({"one way": [1.0, 1.0, 2.0], "another": [1.0, 3.0, 3.0, 3.0]}, best=1.0)
        first, second = fig.axes
        assert sum(patch.get_height() for patch in first.patches) == 3
        assert sum(patch.get_height() for patch in second.patches) == 4
        assert [text.get_text() for text in first.texts] == ["2", "1"]
        assert [text.get_text() for text in second.texts] == ["1", "3"]
        # a bar of one run is labelled as clearly as a bar of many
        assert min(text.get_fontsize() for ax in fig.axes for text in ax.texts) >= 9

    def test_titles_count_the_runs_that_reach_the_best(self):
        fig = plots.final_inertias({"random": [2.0, 2.0 + 1e-9, 9.5], "k-means++": [2.0, 2.0]}, best=2.0)
        assert titles(fig) == ["random: 2 of 3 runs reach the best $J$, 1 does not",
                               "k-means++: 2 of 2 runs reach the best $J$"]
        assert [text.get_text() for text in fig.axes[0].get_legend().get_texts()] == ["best $J$ found"]

    def test_panels_share_bins_and_the_horizontal_axis(self):
        fig = plots.final_inertias({"a": [1.0, 5.0], "b": [2.0, 3.0]})
        first, second = fig.axes
        assert first.get_xlim() == second.get_xlim()
        assert first.patches[0].get_width() == pytest.approx(second.patches[0].get_width())
        assert second.get_xlabel() == "final inertia $J$" and first.get_xlabel() == ""
        assert titles(fig) == ["a", "b"] and first.get_legend() is None  # no best: no line, no count

    def test_all_equal_still_shows_a_bar(self):
        fig = plots.final_inertias({"every start": [5.0, 5.0, 5.0]})
        heights = [patch.get_height() for patch in fig.axes[0].patches]
        widths = [patch.get_width() for patch in fig.axes[0].patches]
        assert sum(heights) == 3 and min(widths) > 0


class TestStartsAndClusterings:
    def test_starts_show_start_and_end_of_every_center_with_a_legend(self, data_and_run):
        X, run = data_and_run
        fig = plots.kmeans_starts(X, [run, run], ["a", "b"])
        assert len(fig.axes) == 2 and fig.get_size_inches()[0] <= 6.6
        assert titles(fig)[0] == f"a\nfinal $J = {run.inertia:.1f}$ after {run.n_iter} iterations"
        points, ends, starts = fig.axes[0].collections
        np.testing.assert_array_equal(starts.get_offsets(), run.history[0].centers)
        np.testing.assert_array_equal(ends.get_offsets(), run.centers)
        assert len(fig.axes[0].patches) == 3  # the regions of the final centers
        assert [text.get_text() for text in fig.legends[0].get_texts()] == [
            "center at the end", "where it started", "border between regions"]

    def test_clusterings_one_panel_each_within_the_text_column(self, data_and_run):
        X, run = data_and_run
        fig = plots.clusterings(X, [None, run.labels], ["a", "b"], centers=[None, run.centers])
        assert titles(fig) == ["a", "b"] and fig.get_size_inches()[0] <= 6.6
        assert len(fig.axes[0].collections) == 1 and len(fig.axes[1].collections) == 2
