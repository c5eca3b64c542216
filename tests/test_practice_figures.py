"""Figures and the slider of the chapter "EM in practice": what they draw and how they refuse bad input."""

import re

import ipywidgets
import numpy as np
import pytest
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure

from emlib import datasets, em, gmm, plots, widgets


@pytest.fixture(scope="module")
def blobs():
    X, _ = datasets.make_blobs([[0.0, 0.0], [4.0, 0.0], [2.0, 3.0]], 40, [0.6, 0.6, 0.9], rng=0)
    return X


@pytest.fixture(scope="module")
def runs(blobs):
    """Twelve random-start fits of four components: several local optima."""
    rng = np.random.default_rng(1)
    return [gmm.fit(blobs, 4, init="random", rng=rng) for _ in range(12)]


@pytest.fixture(scope="module")
def long_runs(blobs):
    """Two runs to their limits (tol=0), a fast one and a slower one."""
    fast = gmm.fit(blobs, 3, rng=0, tol=0, max_iter=80, reg_covar=0)
    slow = gmm.fit(blobs, 4, rng=2, tol=0, max_iter=400, reg_covar=0)
    return fast, slow


def _curve(ax, label):
    lines = [line for line in ax.get_lines() if line.get_label() == label]
    assert len(lines) == 1, f"no single curve labelled {label!r}"
    return lines[0]


def _flat(params):
    return np.concatenate([np.ravel(part) for part in params])


# --------------------------------------------------------------------------
# point_sets
# --------------------------------------------------------------------------


def test_point_sets_draw_each_panel_with_equal_scales(blobs):
    stretched = blobs * [1.0, 20.0]
    fig = plots.point_sets({"raw": stretched, "scaled": blobs}, axis_labels=[("a", "b"), ("c", "d")])
    assert isinstance(fig, Figure) and [ax.get_title() for ax in fig.axes] == ["raw", "scaled"]
    for ax, points, labels in zip(fig.axes, (stretched, blobs), (("a", "b"), ("c", "d"))):
        np.testing.assert_array_equal(ax.collections[0].get_offsets(), points)
        assert (ax.get_xlabel(), ax.get_ylabel()) == labels
        (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
        assert x1 - x0 == pytest.approx(y1 - y0)  # one unit is as long on both axes
        assert ax.get_aspect() == 1.0
        assert x0 <= points[:, 0].min() and points[:, 0].max() <= x1
        assert y0 <= points[:, 1].min() and points[:, 1].max() <= y1
    assert fig.get_figwidth() <= 6.6 + 1e-9


def test_point_sets_without_equal_scales_keep_each_range(blobs):
    stretched = blobs * [1.0, 20.0]
    ax = plots.point_sets({"raw": stretched}, equal_scales=False).axes[0]
    xlim, ylim = plots.data_limits(stretched)
    assert ax.get_xlim() == pytest.approx(xlim) and ax.get_ylim() == pytest.approx(ylim)
    assert ax.get_xlabel() == ""


# --------------------------------------------------------------------------
# final_log_likelihoods
# --------------------------------------------------------------------------


def test_histograms_count_every_run_in_shared_bins():
    samples = {"random": [-10.0, -10.0, -12.0, -11.5], "k-means++": [-10.0, -12.0]}
    ax = plots.final_log_likelihoods(samples, best=-10.0, bins=8).axes[0]
    colours = {name: to_rgba(plots.PALETTE[i]) for i, name in enumerate(samples)}
    edges = np.linspace(-12.0, -10.0, 9)
    for index, (name, values) in enumerate(samples.items()):
        bars = [p for p in ax.patches if np.allclose(p.get_facecolor()[:3], colours[name][:3])]
        assert len(bars) == 8  # one per bin, the same bins for every way of starting
        assert sum(bar.get_height() for bar in bars) == len(values)
        assert [bar.get_height() for bar in bars] == np.histogram(values, bins=edges)[0].tolist()
        # side by side within each bin: this sample's half of every bin, opaque, hiding nothing
        np.testing.assert_allclose([bar.get_x() for bar in bars], edges[:-1] + index * 0.125)
        assert all(bar.get_width() == pytest.approx(0.125) for bar in bars)
        assert all(bar.get_facecolor()[3] == 1.0 for bar in bars)
    best = [line for line in ax.get_lines() if line.get_label() == "best found"]
    assert len(best) == 1 and list(best[0].get_xdata()) == [-10.0, -10.0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "random (4 runs)", "k-means++ (2 runs)", "best found"]


def test_histograms_of_one_value_show_a_bar():
    ax = plots.final_log_likelihoods({"all": [-5.0, -5.0, -5.0]}).axes[0]
    assert max(p.get_height() for p in ax.patches) == 3


# --------------------------------------------------------------------------
# local_optima_frames and its slider
# --------------------------------------------------------------------------


def test_frames_show_each_optimum_best_first_with_its_count(blobs, runs):
    finals = np.round([r.log_likelihood for r in runs], 2)
    values, counts = np.unique(finals, return_counts=True)
    values, counts = values[::-1], counts[::-1]
    assert len(values) >= 3  # the fixture must have several optima to test anything
    frames = plots.local_optima_frames(blobs, runs, max_frames=3, feature_names=["u", "v"])
    assert [label for label, _ in frames] == ["1", "2", "3"]
    for index, (_, fig) in enumerate(frames):
        mixture, bars = fig.axes
        assert mixture.get_title() == f"optimum {index + 1} of {len(values)}: log-likelihood {values[index]:.2f}"
        assert (mixture.get_xlabel(), mixture.get_ylabel()) == ("u", "v")
        first = runs[int(np.flatnonzero(finals == values[index])[0])]
        crosses = mixture.collections[-1].get_offsets()
        np.testing.assert_allclose(crosses, first.params.means)
        assert [p.get_height() for p in bars.patches] == counts.tolist()
        faces = [p.get_facecolor()[:3] for p in bars.patches]
        highlighted = [j for j, face in enumerate(faces) if np.allclose(face, to_rgba(plots.PALETTE[1])[:3])]
        assert highlighted == [index]
        assert bars.get_title() == f"reached by {counts[index]} of {len(runs)} runs"
        assert [t.get_text() for t in bars.get_xticklabels()] == [f"{v:.2f}" for v in values]


def test_frames_group_by_the_given_decimals(blobs, runs):
    finals = np.round([r.log_likelihood for r in runs], 0)
    frames = plots.local_optima_frames(blobs, runs, decimals=0, max_frames=50)
    assert len(frames) == len(np.unique(finals))


def test_slider_has_a_frame_per_optimum(blobs, runs):
    box = widgets.local_optima_slider(blobs, runs, max_frames=2)
    slider, tab = box.children[1], box.children[2]
    assert isinstance(tab, ipywidgets.Tab) and len(tab.children) == 2
    assert list(slider.options) == ["1", "2"]
    assert all(child.value[:8] == b"\x89PNG\r\n\x1a\n" for child in tab.children)


# --------------------------------------------------------------------------
# mixture_panels
# --------------------------------------------------------------------------


def test_mixture_panels_name_the_axes_and_the_components_in_order(blobs, runs):
    first = runs[0].params
    swapped = gmm.Params(first.weights[::-1], first.means[::-1], first.covariances[::-1])
    fig = plots.mixture_panels(blobs, [first, swapped], ["run A", "run B"], feature_names=("u (sd)", "v (sd)"))
    assert fig.get_figwidth() <= 6.6 + 1e-9
    assert [ax.get_title() for ax in fig.axes] == ["run A", "run B"]
    for ax, params in zip(fig.axes, (first, swapped)):
        assert (ax.get_xlabel(), ax.get_ylabel()) == ("u (sd)", "v (sd)")
        np.testing.assert_allclose(ax.collections[-1].get_offsets(), params.means)  # the crosses
        legend = ax.get_legend()
        k = len(params.weights)
        assert [t.get_text() for t in legend.get_texts()] == [f"component {j}" for j in range(k)]
    assert fig.axes[0].get_xlim() == fig.axes[1].get_xlim()  # the same frame on every panel


def test_mixture_panels_refuse_bad_input(blobs, runs):
    params = runs[0].params
    with pytest.raises(TypeError, match="params must be a sequence of gmm.Params, one per panel; got a single"):
        plots.mixture_panels(blobs, params, ["a"])
    with pytest.raises(ValueError, match=re.escape("titles must have one entry per mixture (2); got 1")):
        plots.mixture_panels(blobs, [params, params], ["a"])
    with pytest.raises(ValueError, match=re.escape("feature_names must have one entry per feature (2); got 3")):
        plots.mixture_panels(blobs, [params], ["a"], feature_names=["u", "v", "w"])
    with pytest.raises(TypeError, match=re.escape("params[1] must be a gmm.Params; got str")):
        plots.mixture_panels(blobs, [params, "p"], ["a", "b"])
    with pytest.raises(ValueError, match="must have 2 columns"):
        plots.mixture_panels(blobs[:, :1], [params], ["a"])


# --------------------------------------------------------------------------
# collapse_trace
# --------------------------------------------------------------------------


def test_collapse_trace_draws_log_likelihoods_and_smallest_variances(long_runs):
    fast, slow = long_runs
    runs = {"a": fast.history[1:], "b": list(slow.history[1:20])}
    left, right = plots.collapse_trace(runs).axes
    assert right.get_yscale() == "log"
    for name, steps in runs.items():
        ll, var = _curve(left, name), _curve(right, name)
        np.testing.assert_array_equal(ll.get_xdata(), np.arange(1, len(steps) + 1))
        np.testing.assert_array_equal(ll.get_ydata(), [s.log_likelihood for s in steps])
        smallest = [np.linalg.eigvalsh(s.params.covariances).min() for s in steps]
        np.testing.assert_allclose(var.get_ydata(), smallest, rtol=1e-12)
    for ax in (left, right):  # each panel has its own legend
        assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b"]


def test_collapse_trace_reads_diagonal_spherical_and_tied_covariances(blobs):
    for kind in ("diag", "spherical", "tied"):
        run = gmm.fit(blobs, 2, covariance_type=kind, rng=0, tol=0, max_iter=3)
        right = plots.collapse_trace({"r": run.history[1:]}).axes[1]
        smallest = [np.linalg.eigvalsh(s.params.covariances).min() if kind == "tied" else s.params.covariances.min()
                    for s in run.history[1:]]
        np.testing.assert_allclose(_curve(right, "r").get_ydata(), smallest, rtol=1e-12)


# --------------------------------------------------------------------------
# convergence_rates
# --------------------------------------------------------------------------


def test_convergence_rates_draw_gaps_and_distances_above_the_floor(long_runs):
    fast, slow = long_runs
    left, right = plots.convergence_rates([fast, slow], ["fast", "slow"], floor=1e-12).axes
    assert left.get_yscale() == right.get_yscale() == "log"
    for result, name in ((fast, "fast"), (slow, "slow")):
        values = result.log_likelihoods
        gaps = values[-1] - values
        keep = gaps > 1e-12 * abs(values[-1])
        np.testing.assert_array_equal(_curve(left, name).get_xdata(), np.flatnonzero(keep))
        np.testing.assert_array_equal(_curve(left, name).get_ydata(), gaps[keep])
        path = np.array([_flat(step.params) for step in result.history])
        distances = np.linalg.norm(path - path[-1], axis=1)
        keep = distances > 1e-12 * max(1.0, np.linalg.norm(path[-1]))
        assert not keep[-1]  # the last iterate is the limit itself
        np.testing.assert_array_equal(_curve(right, name).get_ydata(), distances[keep])
    for ax in (left, right):  # each panel has its own legend
        assert [t.get_text() for t in ax.get_legend().get_texts()] == ["fast", "slow"]
    # the separated fit falls faster: a steeper line
    assert len(_curve(right, "fast").get_xdata()) < len(_curve(right, "slow").get_xdata())


# --------------------------------------------------------------------------
# information_criteria
# --------------------------------------------------------------------------


def test_information_criteria_draw_a_curve_per_model_and_ring_the_lowest():
    scores = {"BIC": {"full": [9.0, 4.0, 5.0], "diag": [8.0, 6.0, 7.0]},
              "AIC": {"full": [9.0, 4.0, 3.5], "diag": [8.0, 6.0, 3.0]}}
    fig = plots.information_criteria(range(2, 5), scores)
    assert [ax.get_title() for ax in fig.axes] == ["BIC: lowest at full, $K = 3$", "AIC: lowest at diag, $K = 4$"]
    for ax, (criterion, curves) in zip(fig.axes, scores.items()):
        assert ax.get_ylabel() == criterion
        assert ax.get_xlabel() == "number of components $K$"
        for model, values in curves.items():
            line = _curve(ax, model)
            np.testing.assert_array_equal(line.get_xdata(), [2, 3, 4])
            np.testing.assert_array_equal(line.get_ydata(), values)
        assert [t.get_text() for t in ax.get_legend().get_texts()] == list(curves)
        assert all(t.get_fontsize() >= 9 for t in ax.get_legend().get_texts())
    ring = [line for line in fig.axes[1].get_lines() if line.get_label().startswith("_")]
    assert len(ring) == 1 and (list(ring[0].get_xdata()), list(ring[0].get_ydata())) == ([4], [3.0])
    assert fig.get_figwidth() <= 6.6 + 1e-9


# --------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------


def _step(blobs):
    return gmm.fit(blobs, 2, rng=0, tol=0, max_iter=1).history[1]


@pytest.mark.parametrize("call, error, message", [
    # point_sets
    (lambda X, runs: plots.point_sets([X]), TypeError,
     "panels must be a non-empty dict of title -> points of shape (n, 2)"),
    (lambda X, runs: plots.point_sets({}), ValueError, "panels must hold at least one panel"),
    (lambda X, runs: plots.point_sets({"a": np.ones((5, 3))}), ValueError,
     "panels['a'] must have 2 columns to be drawn in the plane; got shape (5, 3)"),
    (lambda X, runs: plots.point_sets({"a": X, "b": X}, axis_labels=[("x", "y")]), ValueError,
     "axis_labels must have one entry per panel (2); got 1"),
    (lambda X, runs: plots.point_sets({"a": X}, axis_labels=[("x", 2)]), TypeError,
     "axis_labels[0] must be a pair of strings (x label, y label); got ('x', 2)"),
    (lambda X, runs: plots.point_sets({"a": X}, axis_labels=["xy"]), TypeError,
     "axis_labels[0] must be a pair of strings"),
    (lambda X, runs: plots.point_sets({"a": X}, equal_scales="yes"), TypeError,
     "equal_scales must be True or False; got 'yes' (str)"),
    # final_log_likelihoods
    (lambda X, runs: plots.final_log_likelihoods([-1.0]), TypeError,
     "samples must be a non-empty dict from a name to a list of log-likelihoods"),
    (lambda X, runs: plots.final_log_likelihoods({"a": [-1.0, np.nan]}), ValueError,
     "samples['a'] contains NaN; every entry must be finite"),
    (lambda X, runs: plots.final_log_likelihoods({"a": [-1.0]}, best=np.inf), ValueError,
     "best must be finite; got inf"),
    (lambda X, runs: plots.final_log_likelihoods({"a": [-1.0]}, bins=0), ValueError,
     "bins must be at least 1; got 0"),
    # local_optima_frames
    (lambda X, runs: plots.local_optima_frames(X, runs[0]), TypeError,
     "results must be a sequence of results; got EMResult"),
    (lambda X, runs: plots.local_optima_frames(X, []), ValueError, "results must hold at least one result"),
    (lambda X, runs: plots.local_optima_frames(X, [runs[0], "run"]), TypeError,
     "results[1] must be the em.EMResult of gmm.fit; got str"),
    (lambda X, runs: plots.local_optima_frames(X, runs, decimals=13), ValueError,
     "decimals must be at most 12; got 13"),
    (lambda X, runs: plots.local_optima_frames(X, runs, max_frames=0), ValueError,
     "max_frames must be at least 1; got 0"),
    (lambda X, runs: plots.local_optima_frames(X, runs, feature_names=["u"]), ValueError,
     "feature_names must have one entry per feature (2); got 1"),
    (lambda X, runs: plots.local_optima_frames(np.ones((5, 3)), runs), ValueError,
     "X must have 1 or 2 columns to be drawn; got shape (5, 3)"),
    (lambda X, runs: widgets.local_optima_slider(X, runs, max_frames=0), ValueError,
     "max_frames must be at least 1; got 0"),
    # collapse_trace
    (lambda X, runs: plots.collapse_trace([]), TypeError,
     "runs must be a non-empty dict of name -> steps of gmm.fit (em.EMStep)"),
    (lambda X, runs: plots.collapse_trace({"a": []}), ValueError, "runs['a'] must hold at least one step"),
    (lambda X, runs: plots.collapse_trace({"a": _step(X)}), TypeError,
     "runs['a'] must be a sequence of em.EMStep; got EMStep"),
    (lambda X, runs: plots.collapse_trace({"a": [_step(X), 1.0]}), TypeError,
     "runs['a'][1] must be an em.EMStep of gmm.fit; got float"),
    (lambda X, runs: plots.collapse_trace({"a": [em.EMStep(0.5, -1.0)]}), TypeError,
     "runs['a'][0] must be an em.EMStep of gmm.fit; got EMStep"),
    # convergence_rates
    (lambda X, runs: plots.convergence_rates(["run"], ["a"]), TypeError,
     "results[0] must be an em.EMResult; got str"),
    (lambda X, runs: plots.convergence_rates([gmm.fit(X, 2, rng=0, max_iter=0)], ["a"]), ValueError,
     "results[0] has no iterations (n_iter = 0)"),
    (lambda X, runs: plots.convergence_rates(runs[:2], ["a"]), ValueError,
     "names must have one entry per result (2); got 1"),
    (lambda X, runs: plots.convergence_rates(runs[:1], "a"), TypeError,
     "names must be a sequence of strings, one per result; got a single string"),
    (lambda X, runs: plots.convergence_rates(runs[:1], ["a"], floor=0), ValueError,
     "floor must be between 0 and 1; got 0.0"),
    (lambda X, runs: plots.convergence_rates(runs[:1], ["a"], floor=1), ValueError,
     "floor must be between 0 and 1; got 1.0"),
    # information_criteria
    (lambda X, runs: plots.information_criteria([2, 1], {"BIC": {"full": [1.0, 2.0]}}), ValueError,
     "ks must be positive integers in increasing order; got [2.0, 1.0]"),
    (lambda X, runs: plots.information_criteria([0, 1], {"BIC": {"full": [1.0, 2.0]}}), ValueError,
     "ks must be positive integers in increasing order"),
    (lambda X, runs: plots.information_criteria([1, 2.5], {"BIC": {"full": [1.0, 2.0]}}), ValueError,
     "ks must be positive integers in increasing order"),
    (lambda X, runs: plots.information_criteria([1, 2], [1.0, 2.0]), TypeError,
     "scores must be a non-empty dict of criterion -> {model: values, one per k}"),
    (lambda X, runs: plots.information_criteria([1, 2], {"BIC": [1.0, 2.0]}), TypeError,
     "scores['BIC'] must be a non-empty dict of model -> values, one per k"),
    (lambda X, runs: plots.information_criteria([1, 2], {"BIC": {"full": [1.0]}}), ValueError,
     "scores['BIC']['full'] must have one value per k (2); got 1"),
    (lambda X, runs: plots.information_criteria([1, 2], {"BIC": {"full": [1.0, np.inf]}}), ValueError,
     "scores['BIC']['full'] contains infinity; every entry must be finite"),
])
def test_bad_input_is_refused(blobs, runs, call, error, message):
    with pytest.raises(error, match=re.escape(message)):
        call(blobs, runs)


@pytest.mark.parametrize("call, error, message", [
    # empty dicts are the right kind of thing with the wrong value
    (lambda X, runs: plots.final_log_likelihoods({}), ValueError, "samples must hold at least one sample"),
    (lambda X, runs: plots.collapse_trace({}), ValueError, "runs must hold at least one run"),
    (lambda X, runs: plots.collapse_trace({"a": "steps"}), TypeError,
     "runs['a'] must be a sequence of em.EMStep; got str"),
    (lambda X, runs: plots.information_criteria([1, 2], {}), ValueError, "scores must hold at least one criterion"),
    (lambda X, runs: plots.information_criteria([1, 2], {"BIC": {}}), ValueError,
     "scores['BIC'] must hold at least one model"),
    (lambda X, runs: plots.information_criteria("12", {"BIC": {"full": [1.0, 2.0]}}), TypeError,
     "ks must be an array of real numbers; got '12' (str)"),
    (lambda X, runs: plots.information_criteria([], {"BIC": {"full": []}}), ValueError,
     "ks must not be empty; got shape (0,)"),
    # sequences of results and names
    (lambda X, runs: plots.convergence_rates([], []), ValueError, "results must hold at least one result"),
    (lambda X, runs: plots.convergence_rates(runs[:1], None), TypeError,
     "names must be a sequence of strings, one per result; got NoneType"),
    (lambda X, runs: plots.point_sets({"a": X}, axis_labels=3), TypeError,
     "axis_labels must be a sequence of pairs of strings, one per panel; got int"),
    # a result of other data is named
    (lambda X, runs: plots.local_optima_frames(X[:, :1], runs), ValueError,
     "results[0].params.means must have n_features = 1 columns, like X; got shape (4, 2)"),
    (lambda X, runs: plots.local_optima_frames(X, runs, feature_names="uv"), TypeError,
     "feature_names must be a sequence of strings, one per feature; got a single string"),
])
def test_more_bad_input_is_refused(blobs, runs, call, error, message):
    with pytest.raises(error, match=re.escape(message)):
        call(blobs, runs)


def test_panels_with_names_that_print_alike_stay_apart(blobs):
    fig = plots.point_sets({1: blobs, "1": blobs})
    assert [ax.get_title() for ax in fig.axes] == ["1", "1"]
