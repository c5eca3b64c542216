"""Figures and the slider of the missing-data chapter: what they draw and how they refuse bad input."""

import io
import re

import ipywidgets
import numpy as np
import pytest
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.patches import Ellipse

from emlib import missing, plots, widgets
from emlib.plots._base import GREY, PALETTE


@pytest.fixture(scope="module")
def table():
    rng = np.random.default_rng(0)
    X = rng.multivariate_normal([0.0, 5.0, -3.0], [[1.0, 0.8, 0.2], [0.8, 1.0, 0.1], [0.2, 0.1, 2.0]], 120)
    X_hidden = missing.hide(X, 0.25, rng=1)
    params = missing.fit(X_hidden).params
    return X, X_hidden, params, missing.impute(X_hidden, params)


def _offsets(ax, colour):
    """The points of the scatter layers drawn in ``colour`` (face or edge)."""
    rgba = to_rgba(colour)
    found = []
    for layer in ax.collections:
        faces, edges = layer.get_facecolors(), layer.get_edgecolors()
        if any(np.allclose(c[:3], rgba[:3]) for c in list(faces) + list(edges)):
            found.append(layer.get_offsets())
    return np.concatenate(found) if found else np.empty((0, 2))


def test_state_draws_observed_points_grey_and_fills_orange(table):
    X, X_hidden, params, filled = table
    fig, axes = plots.new_figure()
    ax = plots.imputation_state(X_hidden, params, filled, ax=axes[0, 0], columns=(0, 1), title="t")
    gap = np.isnan(X_hidden[:, :2]).any(axis=1)
    np.testing.assert_array_equal(_offsets(ax, GREY), X_hidden[~gap][:, :2])
    np.testing.assert_array_equal(_offsets(ax, PALETTE[1]), filled[gap][:, :2])
    ellipses = [p for p in ax.patches if isinstance(p, Ellipse)]
    assert len(ellipses) == 1
    np.testing.assert_allclose(ellipses[0].center, params.mean[:2])
    # a 2-sd ellipse: its axes are 4 sd along the covariance's principal directions
    eigenvalues = np.linalg.eigvalsh(params.covariance[:2, :2])
    np.testing.assert_allclose(sorted([ellipses[0].width, ellipses[0].height]), 4 * np.sqrt(eigenvalues))
    assert ax.get_title() == "t"


def test_state_with_the_truth_adds_true_places_and_the_true_ellipse(table):
    X, X_hidden, params, filled = table
    fig, axes = plots.new_figure()
    ax = plots.imputation_state(X_hidden, params, filled, ax=axes[0, 0], columns=(2, 0), X=X,
                                feature_names=["a", "b", "c"])
    gap = np.isnan(X_hidden[:, [2, 0]]).any(axis=1)
    np.testing.assert_array_equal(_offsets(ax, "black"), X[gap][:, [2, 0]])
    ellipses = [p for p in ax.patches if isinstance(p, Ellipse)]
    assert len(ellipses) == 2
    np.testing.assert_allclose(ellipses[0].center, X[:, [2, 0]].mean(axis=0))
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("c", "a")


LEGEND = ["observed in both", "estimated Normal, 2 sd", "hidden: true value", "complete table's Normal, 2 sd",
          "hidden: filled in"]


def test_state_labels_every_layer(table):
    X, X_hidden, params, filled = table
    fig, axes = plots.new_figure()
    ax = plots.imputation_state(X_hidden, params, filled, ax=axes[0, 0], X=X)
    labels = [text.get_text() for text in ax.legend().get_texts()]
    assert sorted(labels) == sorted(LEGEND)


def test_panels_side_by_side_share_limits_and_one_legend(table):
    X, X_hidden, params, filled = table
    means = missing.mean_impute(X_hidden)
    fig = plots.imputations(X, {"means": (X_hidden, params, means), "EM": (X_hidden, params, filled)})
    assert isinstance(fig, Figure) and [ax.get_title() for ax in fig.axes] == ["means", "EM"]
    assert fig.axes[0].get_xlim() == fig.axes[1].get_xlim()
    assert fig.get_size_inches()[0] <= 6.6
    # one legend, above the panels and outside them: the two ellipses included, at 9 pt
    assert all(ax.get_legend() is None for ax in fig.axes)
    (legend,) = fig.legends
    assert [text.get_text() for text in legend.get_texts()] == LEGEND
    assert all(text.get_fontsize() >= 9 for text in legend.get_texts())
    fig.savefig(io.BytesIO(), format="png")  # lays the figure out
    renderer = fig._get_renderer()
    box = legend.get_window_extent(renderer)
    assert all(box.y0 >= ax.get_tightbbox(renderer).y1 - 1 for ax in fig.axes)  # above the titles too
    assert 0 <= box.x0 and box.x1 <= fig.bbox.x1
    handles = legend.legend_handles
    assert handles[1].get_color() == PALETTE[0] and handles[1].get_linestyle() == "-"
    assert handles[3].get_color() == "black" and handles[3].get_linestyle() == "--"


def test_frames_follow_the_fractions_and_the_scores_of_compare(table):
    X = table[0]
    fractions = [0.1, 0.3, 0.5]
    frames = plots.imputation_frames(X, fractions, columns=(0, 1), rng=3)
    assert [label for label, _ in frames] == ["10 %", "30 %", "50 %"]
    seed = np.random.default_rng(3).integers(2**63)
    for fraction, (label, fig) in zip(fractions, frames):
        legend_ax, fill_ax, em_ax, trace = fig.axes
        repairs = missing.compare(X, missing.hide(X, fraction, rng=np.random.default_rng(seed)))
        assert fill_ax.get_title() == f"fill with means: fills off by {repairs['fill with means'].fill_error:.2f} sd"
        assert em_ax.get_title() == f"EM: fills off by {repairs['EM'].fill_error:.2f} sd"
        assert fig.get_suptitle() == f"{label} of the entries hidden at random"
        curves = {line.get_label(): line.get_ydata() for line in trace.get_lines()
                  if not line.get_label().startswith("_")}
        assert list(curves) == [*missing.REPAIRS, "this frame"]
        index = fractions.index(fraction)
        for name in missing.REPAIRS:
            assert curves[name][index] == pytest.approx(repairs[name].covariance_error, rel=1e-12)
        (vline,) = [line for line in trace.get_lines() if line.get_label() == "this frame"]
        assert list(vline.get_xdata()) == [100 * fraction] * 2
        assert [text.get_text() for text in trace.get_legend().get_texts()] == [*missing.REPAIRS, "this frame"]
        assert trace.get_xlabel() == "entries hidden (%)"


def test_a_narrow_figure_stacks_its_legend(table):
    X, X_hidden, params, filled = table
    fig = plots.imputations(X, {"EM": (X_hidden, params, filled)})
    fig.savefig(io.BytesIO(), format="png")  # lays the figure out
    box = fig.legends[0].get_window_extent(fig._get_renderer())
    assert 0 <= box.x0 and box.x1 <= fig.bbox.x1
    assert sorted(text.get_text() for text in fig.legends[0].get_texts()) == sorted(LEGEND)


def test_frames_fit_the_column_with_a_legend_for_the_scatter_panels(table):
    (_, fig), = plots.imputation_frames(table[0], [0.3], rng=0)
    assert fig.get_size_inches()[0] == pytest.approx(6.6)
    legend_ax, fill_ax, em_ax, trace = fig.axes
    assert not legend_ax.axison
    assert [text.get_text() for text in legend_ax.get_legend().get_texts()] == LEGEND
    # every text of the frame is at least 9 pt: the frame is shown at the column's width
    fig.savefig(io.BytesIO(), format="png")  # lays the figure out
    texts = [text for ax in fig.axes for text in ax.findobj(lambda artist: hasattr(artist, "get_fontsize"))
             if getattr(text, "get_text", lambda: "")()]
    assert texts and min(text.get_fontsize() for text in texts) >= 9
    assert fill_ax.get_xlim() == em_ax.get_xlim() and em_ax.get_ylabel() == ""


def test_slider_has_a_frame_per_fraction(table):
    X = table[0]
    box = widgets.imputation_slider(X, [0.1, 0.2, 0.4], rng=0)
    slider, tab = box.children[1], box.children[2]
    assert isinstance(tab, ipywidgets.Tab) and len(tab.children) == 3
    assert list(slider.options) == ["10 %", "20 %", "40 %"]


@pytest.mark.parametrize("call, error, message", [
    (lambda X, H, p, f: plots.imputation_state(H, p, f, ax=None, columns=(1, 1)), ValueError,
     "columns must name two different features"),
    (lambda X, H, p, f: plots.imputation_state(H, p, f, ax=None, columns=(0, 3)), ValueError,
     "columns must be at most n_features - 1 = 2; got 3"),
    (lambda X, H, p, f: plots.imputation_state(H, p, f, ax=None, columns=0), TypeError,
     "columns must be a pair of feature indices"),
    (lambda X, H, p, f: plots.imputation_state(H, p, f[:5], ax=None), ValueError,
     "filled must have the shape of X_hidden"),
    (lambda X, H, p, f: plots.imputation_state(H, p, f, ax=None, X=X[:5]), ValueError,
     "X must have the shape of X_hidden"),
    (lambda X, H, p, f: plots.imputation_state(H, missing.Params(p.mean[:2], p.covariance), f, ax=None),
     ValueError, "params.mean must have n_features = 3 entries"),
    (lambda X, H, p, f: plots.imputation_state(H, p, f, ax=None, feature_names=["a"]), ValueError,
     "feature_names must have one entry per feature of X (3); got 1"),
    (lambda X, H, p, f: plots.imputations(X, {}), ValueError, "panels must hold at least one panel"),
    (lambda X, H, p, f: plots.imputations(X, []), TypeError, "panels must be a non-empty dict"),
    (lambda X, H, p, f: plots.imputation_frames(X, [0.3, 0.2]), ValueError,
     "fractions must increase within [0, 1)"),
    (lambda X, H, p, f: plots.imputation_frames(X, [0.5, 1.0]), ValueError,
     "fractions must increase within [0, 1)"),
    (lambda X, H, p, f: plots.imputation_frames(X, [0.5], rng="seed"), TypeError, "rng must be None"),
])
def test_bad_input_is_refused(table, call, error, message):
    with pytest.raises(error, match=message.replace("[", r"\[").replace("(", r"\(").replace(")", r"\)")):
        call(*table)


def test_frames_start_at_nothing_hidden(table):
    frames = plots.imputation_frames(table[0], [0.0, 0.2], rng=0)
    assert [label for label, _ in frames] == ["0 %", "20 %"]
    assert frames[0][1].axes[2].get_title() == "EM: nothing hidden"
    assert frames[0][1].get_suptitle() == "0 % of the entries hidden at random"
    assert frames[1][1].axes[2].get_title().startswith("EM: fills off by")


def test_a_panel_that_is_not_a_triple_is_refused(table):
    with pytest.raises(TypeError, match=r"panels\['a'\] must be a tuple \(X_hidden, params, filled\)"):
        plots.imputations(table[0], {"a": (1, 2)})


@pytest.mark.parametrize("panel, error, message", [
    (lambda X, H, p, f: (H, p, None), TypeError,
     "panels['EM'][2] must be an array of real numbers; got None (NoneType)"),
    (lambda X, H, p, f: (H, p, "abc"), TypeError, "panels['EM'][2] must be an array of real numbers; got 'abc' (str)"),
    (lambda X, H, p, f: (H, p, f[:5]), ValueError, "panels['EM'][2] (filled) must have the shape of X, (120, 3); "
                                                   "got (5, 3)"),
    (lambda X, H, p, f: (H, p, H), ValueError, "panels['EM'][2] contains NaN; every entry must be finite"),
    (lambda X, H, p, f: (None, p, f), TypeError, "panels['EM'][0] must be an array of real numbers; got None"),
    (lambda X, H, p, f: (H[:, :2], p, f), ValueError, "panels['EM'][0] (X_hidden) must have the shape of X, "
                                                      "(120, 3); got (120, 2)"),
    (lambda X, H, p, f: (H, None, f), TypeError, "panels['EM'][1] must be a missing.Params(mean, covariance); "
                                                 "got NoneType"),
    (lambda X, H, p, f: (H, missing.Params(p.mean[:2], p.covariance), f), ValueError,
     "panels['EM'][1].mean must have n_features = 3 entries, like X; got shape (2,)"),
    (lambda X, H, p, f: [H, p, f], TypeError, "panels['EM'] must be a tuple (X_hidden, params, filled); got [array"),
])
def test_every_part_of_a_panel_is_checked_and_named(table, panel, error, message):
    X = table[0]
    with pytest.raises(error, match=re.escape(message)):
        plots.imputations(X, {"mean": table[1:], "EM": panel(*table)})


@pytest.mark.parametrize("call, error, message", [
    # feature_names: one name per feature of X, as local_optima_frames asks
    (lambda X, H, p, f: plots.imputation_state(H, p, f, ax=None, feature_names="abc"), TypeError,
     "feature_names must be a sequence of strings, one per feature of X; got a single string"),
    (lambda X, H, p, f: plots.imputation_state(H, p, f, ax=None, feature_names=["a", "b"]), ValueError,
     "feature_names must have one entry per feature of X (3); got 2"),
    (lambda X, H, p, f: plots.imputation_state(H, p, f, ax=None, feature_names=["a", None, "c"]), TypeError,
     "feature_names[1] must be a string; got None (NoneType)"),
    (lambda X, H, p, f: plots.imputations(X, {"EM": (H, p, f)}, feature_names="abc"), TypeError,
     "feature_names must be a sequence of strings, one per feature of X; got a single string"),
    (lambda X, H, p, f: plots.imputation_frames(X, [0.2], feature_names=["a", "b"]), ValueError,
     "feature_names must have one entry per feature of X (3); got 2"),
    # columns
    (lambda X, H, p, f: plots.imputation_state(H, p, f, ax=None, columns=(0, 1, 2)), ValueError,
     "columns must be a pair of feature indices; got 3 entries"),
    (lambda X, H, p, f: plots.imputation_state(H, p, f, ax=None, columns=np.array([2, 2])), ValueError,
     "columns must name two different features; got (2, 2)"),
    # limits, ax and panels
    (lambda X, H, p, f: plots.imputation_state(H, p, f, ax=None, limits=(0, 1)), TypeError,
     "limits[0] must be a pair (low, high); got 0 (int)"),
    (lambda X, H, p, f: plots.imputation_state(H, p, f, ax=None, limits=((0, 1), (1, -1))), ValueError,
     "limits[1] must have its low end below its high end; got (1.0, -1.0)"),
    (lambda X, H, p, f: plots.imputation_state(H, p, f, ax=None), TypeError,
     "ax must be a matplotlib Axes; got NoneType"),
    (lambda X, H, p, f: plots.imputations(X, []), TypeError,
     "panels must be a non-empty dict of title -> (X_hidden, params, filled); got list"),
])
def test_more_bad_input_is_refused(table, call, error, message):
    with pytest.raises(error, match=re.escape(message)):
        call(*table)


def test_columns_may_be_an_array_and_names_label_the_axes(table):
    X, X_hidden, params, filled = table
    fig, axes = plots.new_figure()
    ax = plots.imputation_state(X_hidden, params, filled, ax=axes[0, 0], columns=np.array([2, 0]),
                                feature_names=("a", "b", "c"))
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("c", "a")
