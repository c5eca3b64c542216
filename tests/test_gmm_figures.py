"""Figures and sliders of the Gaussian-mixture chapter: what they draw and how they refuse bad input."""

import re

import ipywidgets
import numpy as np
import pytest
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Ellipse

from emlib import datasets, gmm, plots, widgets


@pytest.fixture(scope="module")
def data_1d():
    x, labels = datasets.make_blobs([[0.6], [0.02]], 60, [0.055, 0.17], rng=0)
    start = gmm.Params([0.5, 0.5], [[0.4], [0.2]], [0.05, 0.05])
    return x, labels, gmm.fit(x, start, covariance_type="spherical", reg_covar=0)


@pytest.fixture(scope="module")
def data_2d():
    X, _ = datasets.make_blobs([[0.6, 0.6], [0.0, 0.0]], 60, [0.05, 0.2], rng=1)
    return X, gmm.fit(X, 2, rng=1, max_iter=6, tol=0)


def test_histograms_have_a_panel_per_view(data_1d):
    x, labels, _ = data_1d
    fig = plots.mixture_histograms(x, labels)
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    left, right = fig.axes
    assert sum(patch.get_height() for patch in left.patches) == len(x)
    assert sum(patch.get_height() for patch in right.patches) == len(x)


def test_1d_state_draws_each_weighted_density_and_their_sum(data_1d):
    x, _, run = data_1d
    fig, axes = plots.new_figure()
    ax = plots.mixture_state(x, run.params, ax=axes[0, 0], title="t")
    curves = ax.get_lines()
    assert len(curves) == 3  # two components and the mixture
    grid = curves[0].get_xdata()
    mixture = np.exp(gmm.log_density(grid[:, None], run.params))
    np.testing.assert_allclose(curves[0].get_ydata() + curves[1].get_ydata(), mixture, rtol=1e-12)
    np.testing.assert_allclose(curves[2].get_ydata(), mixture, rtol=1e-12)
    area = np.trapezoid(curves[1].get_ydata(), grid)
    assert area == pytest.approx(run.params.weights[1], abs=0.01)  # a weighted density integrates to its weight


def test_2d_state_draws_two_ellipses_per_component_matching_the_covariance(data_2d):
    X, run = data_2d
    fig, axes = plots.new_figure()
    ax = plots.mixture_state(X, run.params, ax=axes[0, 0])
    ellipses = [patch for patch in ax.patches if isinstance(patch, Ellipse)]
    assert len(ellipses) == 4
    eigenvalues = np.linalg.eigvalsh(run.params.covariances[0])
    assert sorted([ellipses[0].width, ellipses[0].height]) == pytest.approx(2 * np.sqrt(eigenvalues))
    assert ellipses[0].get_edgecolor()[:3] == pytest.approx(to_rgb(plots.PALETTE[0]))


@pytest.mark.parametrize("covariances, kind", [(np.full((2, 2), 0.01), "diag"), (np.full(2, 0.01), "spherical"),
                                               (0.01 * np.eye(2), "tied")])
def test_2d_state_takes_diagonal_spherical_and_tied_covariances(data_2d, covariances, kind):
    X, run = data_2d
    params = gmm.Params(run.params.weights, run.params.means, covariances, kind)
    fig, axes = plots.new_figure()
    ellipses = [p for p in plots.mixture_state(X, params, ax=axes[0, 0]).patches if isinstance(p, Ellipse)]
    # one and two standard deviations (0.1) for every component: circles of diameters 0.2 and 0.4
    assert len(ellipses) == 2 * len(params.weights)
    assert sorted({(round(e.width, 9), round(e.height, 9)) for e in ellipses}) == [(0.2, 0.2), (0.4, 0.4)]


def test_mixtures_share_limits_and_check_titles(data_1d):
    x, _, run = data_1d
    fig = plots.mixtures(x, [run.history[0].params, run.params], ["start", "end"])
    assert len(fig.axes) == 2 and fig.axes[0].get_ylim() == fig.axes[1].get_ylim()
    with pytest.raises(ValueError, match=r"titles must have one entry per mixture \(2\); got 1"):
        plots.mixtures(x, [run.history[0].params, run.params], ["start"])
    with pytest.raises(ValueError, match=r"params\[1\].means must have n_features = 1 columns"):
        plots.mixtures(x, [run.params, gmm.Params([1.0], [[0.0, 0.0]], [1.0])], ["a", "b"])


def test_frames_follow_the_history_on_fixed_axes(data_2d):
    X, run = data_2d
    frames = plots.mixture_frames(X, run)
    assert [label for label, _ in frames] == [str(t) for t in range(run.n_iter + 1)]
    limits = {(fig.axes[0].get_xlim(), fig.axes[0].get_ylim()) for _, fig in frames}
    assert len(limits) == 1
    last_trace = frames[-1][1].axes[1].get_lines()[1]
    np.testing.assert_allclose(last_trace.get_ydata(), run.log_likelihoods)


def test_frames_title_the_start_and_each_iteration(data_2d):
    X, run = data_2d
    titles = [fig.axes[0].get_title() for _, fig in plots.mixture_frames(X, run)]
    assert titles == ["start"] + [f"after iteration {t}" for t in range(1, run.n_iter + 1)]


def test_truth_is_drawn_dotted_in_black_with_a_legend_in_2d(data_2d):
    X, run = data_2d
    truth = gmm.Params([0.5, 0.5], [[0.6, 0.6], [0.0, 0.0]], [0.0025 * np.eye(2), 0.04 * np.eye(2)])
    ax = plots.mixture_frames(X, run, truth=truth, component_names=["narrow", "wide"])[0][1].axes[0]
    ellipses = [p for p in ax.patches if isinstance(p, Ellipse)]
    dotted = [p for p in ellipses if to_rgb(p.get_edgecolor()) == (0.0, 0.0, 0.0)]
    assert len(ellipses) == 8 and len(dotted) == 4  # 1 and 2 sd, two components, fit and truth
    true_widths = sorted(round(p.width, 6) for p in dotted)
    assert true_widths == sorted(round(2 * r * s, 6) for r in (1, 2) for s in (0.05, 0.2))
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["truth", "narrow", "wide"]


def test_truth_is_a_dotted_density_per_component_in_1d(data_1d):
    x, _, run = data_1d
    truth = gmm.Params([0.5, 0.5], [[0.6], [0.02]], [0.003, 0.03])
    ax = plots.mixture_state(x, run.params, ax=plots.new_figure()[1][0, 0], truth=truth,
                             component_names=["blue", "orange"])
    dotted = [line for line in ax.lines if line.get_linestyle() == ":"]
    assert len(dotted) == 2
    grid = dotted[0].get_xdata()
    np.testing.assert_allclose(dotted[0].get_ydata(),
                               0.5 * np.exp(-(grid - 0.6) ** 2 / 0.006) / np.sqrt(2 * np.pi * 0.003))
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["blue", "orange", "mixture", "truth"]


@pytest.mark.parametrize("truth, names, error, message", [
    ("truth", None, TypeError, "truth must be a gmm.Params; got str"),
    (gmm.Params([1.0], [[0.0]], [1.0]), None, ValueError,
     r"truth is not a mixture for X: params.means must have n_features = 2 columns"),
    (None, ["only one"], ValueError, r"component_names must have one entry per component \(2\); got 1"),
    (None, "ab", TypeError, "component_names must be a sequence of strings, one per component; got a single string"),
])
def test_truth_and_names_are_checked(data_2d, truth, names, error, message):
    X, run = data_2d
    with pytest.raises(error, match=message):
        plots.mixture_frames(X, run, truth=truth, component_names=names)


def test_slider_passes_truth_and_names_to_the_frames(data_2d):
    X, run = data_2d
    truth = gmm.Params([0.5, 0.5], [[0.6, 0.6], [0.0, 0.0]], [0.0025 * np.eye(2), 0.04 * np.eye(2)])
    plain = widgets.mixture_slider(X, run).children[2].children[0].value
    marked = widgets.mixture_slider(X, run, truth=truth, component_names=["a", "b"]).children[2].children[0].value
    assert bytes(plain) != bytes(marked)


def test_slider_has_a_frame_per_iteration(data_2d):
    X, run = data_2d
    box = widgets.mixture_slider(X, run)
    slider, tab = box.children[1], box.children[2]
    assert isinstance(tab, ipywidgets.Tab) and len(tab.children) == run.n_iter + 1
    assert list(slider.options) == [str(t) for t in range(run.n_iter + 1)]


@pytest.mark.parametrize("call, error, message", [
    (lambda X, run: plots.mixture_frames(X, "run"), TypeError, "result must be the em.EMResult of gmm.fit; got str"),
    (lambda X, run: plots.mixture_frames(np.ones((5, 3)), run), ValueError, "X must have 1 or 2 columns to be drawn"),
    (lambda X, run: plots.mixture_histograms(X, np.zeros(len(X), int)), ValueError, "x must have one column"),
    (lambda X, run: plots.mixture_state(X, gmm.Params([1.0], [[0.0]], [1.0]), ax=None), ValueError,
     "params.means must have n_features = 2 columns"),
])
def test_bad_arguments_are_named(data_2d, call, error, message):
    X, run = data_2d
    with pytest.raises(error, match=message):
        call(X, run)


@pytest.mark.parametrize("call, error, message", [
    # no mixtures: the same message whatever the data's dimension
    (lambda x, X, run2: plots.mixtures(x, [], []), ValueError, "params must hold at least one mixture"),
    (lambda x, X, run2: plots.mixtures(X, [], []), ValueError, "params must hold at least one mixture"),
    (lambda x, X, run2: plots.mixtures(X, None, []), TypeError,
     "params must be a sequence of gmm.Params, one per panel; got NoneType"),
    (lambda x, X, run2: plots.mixtures(X, run2.params, ["a"]), TypeError,
     "params must be a sequence of gmm.Params, one per panel; got a single gmm.Params (use [params] for one panel)"),
    (lambda x, X, run2: plots.mixtures(X, [run2.params], "a"), TypeError,
     "titles must be a sequence of strings, one per mixture; got a single string"),
    # limits and ax of mixture_state
    (lambda x, X, run2: plots.mixture_state(X, run2.params, ax=plots.new_figure()[1][0, 0], limits=[0, 1]),
     TypeError, "limits[0] must be a pair (low, high); got 0 (int)"),
    (lambda x, X, run2: plots.mixture_state(X, run2.params, ax=plots.new_figure()[1][0, 0],
                                            limits=((0, 1), (0, np.inf))),
     ValueError, "limits[1][1] must be finite; got inf"),
    (lambda x, X, run2: plots.mixture_state(X, run2.params, ax=plots.new_figure()[1]), TypeError,
     "ax must be a matplotlib Axes; got ndarray; pick one panel, such as axes[0, 0]"),
    # a run of other data is named as the result it is
    (lambda x, X, run2: plots.mixture_frames(x, run2), ValueError,
     "result.params.means must have n_features = 1 columns, like X; got shape (2, 2)"),
])
def test_mixture_sequences_and_limits_are_checked(data_1d, data_2d, call, error, message):
    x, _, _ = data_1d
    X, run2 = data_2d
    with pytest.raises(error, match=re.escape(message)):
        call(x, X, run2)


def test_hard_colours_each_point_by_its_most_responsible_component(data_1d):
    x, _, run = data_1d
    start = run.history[0].params  # wide components share many points
    soft = plots.mixture_state(x, start, ax=plots.new_figure()[1][0, 0])
    hard = plots.mixture_state(x, start, ax=plots.new_figure()[1][0, 0], hard=True)
    soft_colours = soft.collections[-1].get_facecolors()[:, :3]
    hard_colours = hard.collections[-1].get_facecolors()[:, :3]
    pure = np.array([to_rgb(plots.PALETTE[0]), to_rgb(plots.PALETTE[1])])
    distance_to_pure = np.abs(hard_colours[:, None, :] - pure[None]).sum(axis=2).min(axis=1)
    assert distance_to_pure.max() < 1e-6  # every point wholly blue or wholly orange
    assert np.abs(soft_colours[:, None, :] - pure[None]).sum(axis=2).min(axis=1).max() > 0.1  # blends
    winners = np.argmax(gmm.e_step(x, start)[0], axis=1)
    np.testing.assert_allclose(hard_colours, pure[winners], atol=1e-6)


def test_2d_ellipses_have_a_white_edge_to_stand_out_over_their_points(data_2d):
    X, run = data_2d
    ax = plots.mixture_state(X, run.params, ax=plots.new_figure()[1][0, 0])
    fitted = [p for p in ax.patches if isinstance(p, Ellipse)]
    for ellipse in fitted:
        (stroke,) = ellipse.get_path_effects()
        assert to_rgb(stroke._gc["foreground"]) == (1.0, 1.0, 1.0)


def test_mixtures_share_one_legend_below_the_panels(data_1d):
    x, _, run = data_1d
    truth = gmm.Params([0.5, 0.5], [[0.6], [0.02]], [0.003, 0.03])
    fig = plots.mixtures(x, [run.history[0].params, run.params], ["start", "end"], truth=truth,
                         component_names=["blue", "orange"], hard=[False, True])
    assert all(ax.get_legend() is None for ax in fig.axes)
    (legend,) = fig.legends
    assert [t.get_text() for t in legend.get_texts()] == ["blue", "orange", "mixture", "truth"]
    assert fig.get_size_inches()[0] <= 6.6 + 1e-9
    for ax in fig.axes:  # the truth in every panel, dotted
        assert sum(line.get_linestyle() == ":" for line in ax.lines) == 2


def test_mixtures_in_a_grid_with_equal_scales(data_2d):
    X, run = data_2d
    fig = plots.mixtures(X, [run.params] * 3, ["a", "b", "c"], ncols=2, equal_scales=True, hard=True)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(fig.axes) == 4 and [ax.get_title() for ax in visible] == ["a", "b", "c"]
    assert all(ax.get_aspect() == 1.0 for ax in visible)
    assert fig.get_size_inches()[0] == pytest.approx(6.6)


def test_histograms_name_the_groups_in_the_legend(data_1d):
    x, labels, _ = data_1d
    named = plots.mixture_histograms(x, labels, group_names=["blue group", "orange group"])
    assert [t.get_text() for t in named.axes[0].get_legend().get_texts()] == ["blue group", "orange group"]
    plain = plots.mixture_histograms(x, labels)
    assert [t.get_text() for t in plain.axes[0].get_legend().get_texts()] == ["group 1", "group 2"]
    assert named.get_size_inches()[0] == pytest.approx(6.6)


def test_frames_fit_the_column_and_keep_the_first_frames_layout(data_2d):
    X, run = data_2d
    frames = plots.mixture_frames(X, run)
    assert all(fig.get_size_inches()[0] == pytest.approx(6.6) for _, fig in frames)
    first = [ax.get_position().bounds for ax in frames[0][1].axes]
    for _, fig in frames[1:]:
        np.testing.assert_allclose([ax.get_position().bounds for ax in fig.axes], first)
    assert frames[-1][1].axes[1].get_xlabel() == "iteration $t$"


@pytest.mark.parametrize("call, error, message", [
    (lambda x, X, run2: plots.mixtures(X, [run2.params], ["a"], hard="yes"), TypeError,
     "hard must be True or False, or a sequence of them, one per mixture; got str"),
    (lambda x, X, run2: plots.mixtures(X, [run2.params], ["a"], hard=[True, False]), ValueError,
     "hard must have one entry per mixture (1); got 2"),
    (lambda x, X, run2: plots.mixtures(X, [run2.params], ["a"], ncols=0), ValueError,
     "ncols must be at least 1"),
    (lambda x, X, run2: plots.mixtures(X, [run2.params], ["a"], equal_scales=1), TypeError,
     "equal_scales must be True or False"),
    (lambda x, X, run2: plots.mixture_state(X, run2.params, ax=plots.new_figure()[1][0, 0], hard=None),
     TypeError, "hard must be True or False"),
    (lambda x, X, run2: plots.mixture_histograms(x, np.zeros(len(x), int), group_names=["a", "b"]), ValueError,
     "group_names must have one entry per group (1); got 2"),
])
def test_the_new_options_are_checked(data_1d, data_2d, call, error, message):
    x, _, _ = data_1d
    X, run2 = data_2d
    with pytest.raises(error, match=re.escape(message)):
        call(x, X, run2)


def test_labels_colour_each_point_by_the_component_that_drew_it(data_2d):
    X, run = data_2d
    drawn, components = gmm.sample(run.params, 40, rng=2)
    fig = plots.mixtures(drawn, [run.params], ["drawn"], labels=[components], hard=True)
    colours = fig.axes[0].collections[0].get_facecolors()[:, :3]
    pure = np.array([to_rgb(plots.PALETTE[0]), to_rgb(plots.PALETTE[1])])
    np.testing.assert_allclose(colours, pure[components], atol=1e-6)  # the labels, not the responsibilities
    ellipses = [patch for patch in fig.axes[0].patches if isinstance(patch, Ellipse)]
    assert len(ellipses) == 4  # the mixture that drew them, 1 and 2 sd


def test_points_drawn_from_a_fit_share_the_datas_axes_and_scale():
    X, _ = datasets.stretched_clouds(30, rng=0)   # wide data, as in the chapter
    params = gmm.fit(X, 3, rng=0).params
    drawn, components = gmm.sample(params, 60, rng=2)
    limits = plots.data_limits(X)
    data_fig = plots.mixtures(X, [params] * 2, ["a", "b"], ncols=2, equal_scales=True)
    drawn_fig = plots.mixtures(drawn, [params], ["drawn"], labels=[components], limits=limits, ncols=2,
                               equal_scales=True, component_names=["first", "second", "third"])
    ax = drawn_fig.axes[0]
    assert (ax.get_xlim(), ax.get_ylim()) == (data_fig.axes[0].get_xlim(), data_fig.axes[0].get_ylim())
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("$x$", "$y$")
    assert ax.get_title() == "drawn"
    assert drawn_fig.get_size_inches()[0] == pytest.approx(3.3)  # one panel, as wide as in a row of two
    inches_per_unit = []
    for fig in (data_fig, drawn_fig):
        fig.draw_without_rendering()  # lays the figure out, equal aspect and legend included
        corners = fig.axes[0].transData.transform([[0.0, 0.0], [1.0, 1.0]])
        inches_per_unit.append((corners[1] - corners[0]) / fig.dpi)
    np.testing.assert_allclose(inches_per_unit[1], inches_per_unit[0], rtol=0.01)  # the same scale
    assert inches_per_unit[1][0] == pytest.approx(inches_per_unit[1][1])  # and round is round
    assert [t.get_text() for t in drawn_fig.legends[0].get_texts()] == ["first", "second", "third"]


@pytest.mark.parametrize("labels, limits, error, message", [
    ([[0, 1]], None, ValueError, "labels[0] must have shape (n_samples,) = (120,); got (2,)"),
    ([np.full(120, 2)], None, ValueError, "labels[0] must lie in 0 .. k-1 = 1; got values from 2 to 2"),
    ([np.zeros(120)], None, TypeError, "labels[0] must hold integers; got an array of dtype float64"),
    ([None, None], None, ValueError, "labels must have one entry per mixture (1); got 2"),
    ("ab", None, TypeError, "labels must be a sequence of label arrays (or None), one per mixture; got a single string"),
    (None, [0, 1], TypeError, "limits[0] must be a pair (low, high); got 0 (int)"),
    (None, ((1, 0), (0, 1)), ValueError, "limits[0]"),
])
def test_labels_and_limits_are_checked(data_2d, labels, limits, error, message):
    X, run = data_2d
    with pytest.raises(error, match=re.escape(message)):
        plots.mixtures(X, [run.params], ["a"], labels=labels, limits=limits)


def test_state_takes_labels_and_checks_them(data_2d):
    X, run = data_2d
    ax = plots.mixture_state(X, run.params, ax=plots.new_figure()[1][0, 0], labels=np.ones(len(X), int))
    assert np.allclose(ax.collections[0].get_facecolors()[:, :3], to_rgb(plots.PALETTE[1]), atol=1e-6)
    with pytest.raises(ValueError, match=re.escape("labels must lie in 0 .. k-1 = 1; got values from 0 to 3")):
        plots.mixture_state(X, run.params, ax=plots.new_figure()[1][0, 0], labels=np.arange(len(X)) % 4)
