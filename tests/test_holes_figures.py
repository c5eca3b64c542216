"""The figures of "A mixture with holes": a frame per fraction hidden, each fit in its groups' colours."""

import io

import ipywidgets
import numpy as np
import pytest
from matplotlib.patches import Ellipse

from emlib import datasets, gmm, missing, plots, widgets
from emlib.plots import PALETTE

REPAIRS = ("drop incomplete rows", "fill with means", "EM with holes")


@pytest.fixture(scope="module")
def frames_input():
    X, labels = datasets.make_blobs([[0.0, 0.0, 0.0], [6.0, 0.0, 1.0], [0.0, 6.0, -1.0]], 30, 1.0, rng=4)
    by_group = gmm.m_step(X, np.eye(3)[labels])
    fractions = [0.1, 0.3]
    tables = [missing.hide(X, fraction, rng=np.random.default_rng(5)) for fraction in fractions]
    fits = []
    for table in tables:
        complete_rows = ~np.isnan(table).any(axis=1)
        fitted = {REPAIRS[0]: gmm.fit(table[complete_rows], 3, rng=0).params,
                  REPAIRS[1]: gmm.fit(missing.mean_impute(table), 3, rng=0).params,
                  REPAIRS[2]: gmm.fit(table, 3, rng=0).params}
        fits.append({name: gmm.align(params, by_group)[0] for name, params in fitted.items()})
    scores = {"share": {name: [0.9 - 0.1 * j, 0.8 - 0.1 * j] for j, name in enumerate(REPAIRS)},
              "error": {name: [0.1 * (j + 1), 0.2 * (j + 1)] for j, name in enumerate(REPAIRS)}}
    return X, labels, fractions, tables, fits, scores, by_group


def test_a_frame_per_fraction_with_a_panel_per_repair_and_two_score_traces(frames_input):
    X, labels, fractions, tables, fits, scores, by_group = frames_input
    frames = plots.mixture_repair_frames(X, labels, fractions, tables, fits, scores, reference=by_group,
                                         columns=(0, 2), feature_names=["a", "b", "c"],
                                         group_names=["one", "two", "three"])
    assert [label for label, _ in frames] == ["10 %", "30 %"]
    for index, (label, fig) in enumerate(frames):
        assert fig.get_suptitle() == f"{label} of the entries hidden at random"
        assert fig.get_size_inches()[0] == pytest.approx(6.6)
        legend_ax, *panels, share, error = fig.axes
        assert [ax.get_title() for ax in panels] == list(REPAIRS)
        assert panels[0].get_xlabel() == "a" and panels[0].get_ylabel() == "c" and panels[1].get_ylabel() == ""
        holes = np.isnan(tables[index]).any(axis=1)
        for ax, name in zip(panels, REPAIRS):
            solid, hollow = ax.collections
            assert len(solid.get_offsets()) == (~holes).sum() and len(hollow.get_offsets()) == holes.sum()
            assert np.allclose(hollow.get_offsets(), X[holes][:, [0, 2]])
            ellipses = [patch for patch in ax.patches if isinstance(patch, Ellipse)]
            fitted, reference = ellipses[:3], ellipses[3:]
            assert len(reference) == 3 and all(patch.get_linestyle() == ":" for patch in reference)
            for j, patch in enumerate(fitted):  # component j in group j's colour, at its mean
                assert np.allclose(patch.get_edgecolor()[:3], _rgb(PALETTE[j]))
                assert np.allclose(patch.center, fits[index][name].means[j, [0, 2]])
        for ax, score in ((share, "share"), (error, "error")):
            assert ax.get_title() == score and ax.get_xlabel() == "entries hidden (%)"
            curves = {line.get_label(): line.get_ydata() for line in ax.get_lines()
                      if not line.get_label().startswith("_")}
            assert list(curves) == list(REPAIRS)
            for name in REPAIRS:
                assert np.allclose(curves[name], scores[score][name])
            (marker,) = [line for line in ax.get_lines() if line.get_label().startswith("_")]
            assert list(marker.get_xdata()) == [100 * fractions[index]] * 2
        legend = [text.get_text() for text in legend_ax.get_legend().get_texts()]
        assert legend == ["one", "two", "three", "with a hole (true values)", "fitted component (2 sd)",
                          "fit of the complete table"]


def test_every_text_is_readable_at_the_column_width(frames_input):
    X, labels, fractions, tables, fits, scores, _ = frames_input
    (_, fig), _ = plots.mixture_repair_frames(X, labels, fractions, tables, fits, scores)
    fig.savefig(io.BytesIO(), format="png")  # lays the figure out
    texts = [text for ax in fig.axes for text in ax.findobj(lambda artist: hasattr(artist, "get_fontsize"))
             if getattr(text, "get_text", lambda: "")()]
    assert texts and min(text.get_fontsize() for text in texts) >= 9
    legend = [text.get_text() for text in fig.axes[0].get_legend().get_texts()]
    assert legend[:3] == ["group 0", "group 1", "group 2"] and "fit of the complete table" not in legend


def test_one_repair_takes_the_whole_row(frames_input):
    X, labels, fractions, tables, fits, scores, _ = frames_input
    only = [{REPAIRS[2]: frame[REPAIRS[2]]} for frame in fits]
    one = {score: {REPAIRS[2]: curves[REPAIRS[2]]} for score, curves in scores.items()}
    (_, fig), _ = plots.mixture_repair_frames(X, labels, fractions, tables, only, one)
    legend_ax, panel, share, error = fig.axes
    assert panel.get_position().width > share.get_position().width


def test_the_slider_opens_on_the_frame_asked_for(frames_input):
    X, labels, fractions, tables, fits, scores, _ = frames_input
    box = widgets.mixture_repair_slider(X, labels, fractions, tables, fits, scores, value=1)
    slider, tab = box.children[1], box.children[2]
    assert isinstance(tab, ipywidgets.Tab) and len(tab.children) == 2
    assert list(slider.options) == ["10 %", "30 %"] and slider.index == 1 and tab.selected_index == 1


@pytest.mark.parametrize("change, error, message", [
    (dict(fractions=[0.3, 0.1]), ValueError, r"fractions must increase within \[0, 1\)"),
    (dict(columns=(1, 1)), ValueError, "columns must name two different features"),
    (dict(group_names=["a"]), ValueError, "group_names must have one entry per group"),
    (dict(feature_names=["a"]), ValueError, "feature_names"),
])
def test_bad_options_are_named(frames_input, change, error, message):
    X, labels, fractions, tables, fits, scores, _ = frames_input
    arguments = dict(X=X, labels=labels, fractions=fractions, tables=tables, fits=fits, scores=scores)
    with pytest.raises(error, match=message):
        plots.mixture_repair_frames(**(arguments | change))


def test_fits_name_the_same_repairs_in_every_frame(frames_input):
    X, labels, fractions, tables, fits, scores, _ = frames_input
    swapped = [fits[0], dict(reversed(list(fits[1].items())))]
    with pytest.raises(ValueError, match=r"fits\[1\] must name the repairs of fits\[0\]"):
        plots.mixture_repair_frames(X, labels, fractions, tables, swapped, scores)


def _rgb(colour: str) -> tuple[float, float, float]:
    return tuple(int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
