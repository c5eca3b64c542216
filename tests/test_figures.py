"""emlib.plots and emlib.widgets: the figures and static sliders the chapters use."""

import re

import ipywidgets
import numpy as np
from ipywidgets.widgets.widget import _instances
from ipywidgets.widgets.widget_link import Link
import pytest

from emlib import coins, datasets, kmeans, plots, widgets

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def data_and_run():
    rng = np.random.default_rng(0)
    X, _ = datasets.make_blobs([[0, 0], [5, 0], [0, 5]], 30, 0.8, rng=rng)
    run = kmeans.fit(X, 3, init=X[[0, 1, 2]])  # all three start in the first cloud
    assert run.n_iter >= 3
    return X, run


def scatter_colours(ax):
    """The colours of the first scatter (the data points) of an axes."""
    return ax.collections[0].get_facecolors()


class TestNotebookFigure:
    def test_shows_itself_as_a_sharp_png(self, data_and_run):
        X, run = data_and_run
        fig = plots.kmeans_steps(X, run, n_iterations=1)
        data, metadata = fig._repr_mimebundle_()
        assert data["image/png"].startswith(PNG_SIGNATURE)
        width = int.from_bytes(data["image/png"][16:20], "big")
        assert metadata["image/png"]["width"] == width // 2  # rendered at twice the size shown
        # no height: on a page narrower than the figure, a fixed height would squash it
        assert "height" not in metadata["image/png"]
        assert "Figure" in data["text/plain"]


class TestKmeansFigures:
    """The k-means figures are tested in test_kmeans_figures.py; here only that they share the figure class."""

    def test_kmeans_figures_are_notebook_figures(self, data_and_run):
        X, run = data_and_run
        figures = [plots.kmeans_steps(X, run, n_iterations=1), plots.kmeans_starts(X, [run], ["a"]),
                   plots.clusterings(X, [run.labels], ["a"]), plots.inertia_trace(X, [run], ["a"]),
                   plots.final_inertias({"a": [run.inertia]}), plots.kmeans_frames(X, run)[0][1]]
        assert all(isinstance(fig, plots.NotebookFigure) for fig in figures)


class TestFigureErrors:
    def test_points_must_be_two_dimensional(self):
        fig, axes = plots.new_figure()
        with pytest.raises(ValueError, match="X must have 2 columns to be drawn in the plane; got shape \\(3, 3\\)"):
            plots.kmeans_state(np.zeros((3, 3)), None, ax=axes[0, 0])

    def test_labels_and_centers_are_checked(self, data_and_run):
        X, run = data_and_run
        fig, axes = plots.new_figure()
        with pytest.raises(TypeError, match="labels must hold integers; got an array of dtype float64"):
            plots.kmeans_state(X, run.centers, run.labels.astype(float), ax=axes[0, 0])
        with pytest.raises(ValueError, match="labels must have shape \\(n_samples,\\) = \\(90,\\); got \\(3,\\)"):
            plots.kmeans_state(X, run.centers, [0, 1, 2], ax=axes[0, 0])
        with pytest.raises(ValueError, match="centers must have 2 columns to be drawn in the plane"):
            plots.kmeans_state(X, np.zeros((3, 3)), ax=axes[0, 0])
        with pytest.raises(ValueError, match="previous_centers must have the shape of centers \\(3, 2\\); got \\(2, 2\\)"):
            plots.kmeans_state(X, run.centers, ax=axes[0, 0], previous_centers=run.centers[:2])

    def test_limits_of_constant_data_are_not_empty(self):
        (x0, x1), (y0, y1) = plots.data_limits([[1e6, 5.0], [1e6, 5.0]])
        assert x0 < 1e6 < x1 and y0 < 5.0 < y1

    def test_result_must_be_a_kmeans_result(self):
        with pytest.raises(TypeError, match="result must be a kmeans.KMeansResult; got dict"):
            plots.kmeans_frames(np.zeros((3, 2)), {})

    def test_titles_must_match(self, data_and_run):
        X, run = data_and_run
        with pytest.raises(ValueError, match="titles must have one entry per result \\(2\\); got 1"):
            plots.kmeans_starts(X, [run, run], ["only one"])
        with pytest.raises(ValueError, match="titles must have one entry per labeling \\(1\\); got 2"):
            plots.clusterings(X, [None], ["a", "b"])
        with pytest.raises(ValueError, match="names must have one entry per result \\(1\\); got 0"):
            plots.inertia_trace(X, [run], [])

    def test_final_inertias_needs_a_dict(self):
        with pytest.raises(TypeError, match="samples must be a non-empty dict"):
            plots.final_inertias([1.0, 2.0])


class TestFrameSlider:
    def frames(self, n):
        figs = []
        for index in range(n):
            fig, axes = plots.new_figure()
            axes[0, 0].set_title(str(index))
            figs.append(fig)
        return figs

    def test_slider_index_is_linked_to_the_frames_in_the_browser(self):
        box = widgets.frame_slider(self.frames(3), ["a", "b", "c"], description="step")
        style, slider, tab = box.children
        assert "display: none" in style.value and widgets.FRAMES_CLASS in style.value
        assert isinstance(slider, ipywidgets.SelectionSlider) and slider.options == ("a", "b", "c")
        assert isinstance(tab, ipywidgets.Tab) and widgets.FRAMES_CLASS in tab._dom_classes
        assert all(isinstance(image, ipywidgets.Image) for image in tab.children)
        assert all(bytes(image.value).startswith(PNG_SIGNATURE) for image in tab.children)
        # the link is a jslink: it lives in the widget state, so it works without a kernel
        links = [w for w in _instances.values() if isinstance(w, Link) and w.source == (slider, "index")]
        assert len(links) == 1 and links[0].target == (tab, "selected_index")

    def test_frames_differ_so_the_slider_changes_the_picture(self):
        box = widgets.frame_slider(self.frames(2), ["a", "b"])
        first, second = box.children[2].children
        assert bytes(first.value) != bytes(second.value)

    def test_starting_frame(self):
        box = widgets.frame_slider(self.frames(3), ["a", "b", "c"], value=np.int64(2))
        assert box.children[1].index == 2 and box.children[2].selected_index == 2

    def test_png_bytes_are_accepted_as_they_are(self):
        png = widgets.figure_png(self.frames(1)[0])
        box = widgets.frame_slider([png], ["only"])
        assert bytes(box.children[2].children[0].value) == png

    def test_frames_carry_twice_the_pixels_they_are_shown_at(self):
        fig = self.frames(1)[0]  # 4.2 inches wide
        image = widgets.frame_slider([fig], ["only"]).children[2].children[0]
        png_width = int.from_bytes(bytes(image.value)[16:20], "big")
        assert png_width == round(4.2 * 220) and image.width == str(png_width // 2)
        assert image.layout.max_width == "100%" and image.layout.height == "auto"

    def test_pixel_ratio_one_shows_a_png_at_its_own_width(self):
        png = widgets.figure_png(self.frames(1)[0], dpi=50)
        image = widgets.frame_slider([png], ["only"], pixel_ratio=1).children[2].children[0]
        assert image.width == str(int.from_bytes(png[16:20], "big")) == str(round(4.2 * 50))

    def test_the_caption_may_hold_html(self):
        slider = widgets.frame_slider(self.frames(1), ["a"], description="<i>k</i>").children[1]
        assert slider.description_allow_html and slider.description == "<i>k</i>"

    @pytest.mark.parametrize(
        "frames, labels, kwargs, error, message",
        [
            ([], [], {}, ValueError, "frames must not be empty"),
            ([b"x"], ["a", "b"], {}, ValueError, "labels must have one entry per frame \\(1\\); got 2"),
            ([b"x", b"y"], ["a", "a"], {}, ValueError, "labels must be distinct"),
            ([b"x"], ["a"], {"value": 1}, ValueError, "value must be a frame index in 0 .. 0; got 1"),
            ([b"x"], ["a"], {"value": 0.0}, TypeError, "value must be an integer frame index; got 0.0"),
            ([b"x", b"y"], "ab", {}, TypeError, "labels must be a sequence of strings, one per frame"),
            (["x"], ["a"], {}, TypeError, "frames\\[0\\] must be PNG bytes or a Figure; got str"),
            ([b"GIF89a" + bytes(20)], ["a"], {}, ValueError,
             "frames\\[0\\] must be a PNG image; its bytes do not start with the PNG signature"),
            ([b"x"], ["a"], {"pixel_ratio": 0}, ValueError, "pixel_ratio must be at least 1; got 0"),
            ([b"x"], ["a"], {"pixel_ratio": 1.5}, TypeError, "pixel_ratio must be an integer; got 1.5"),
        ],
    )
    def test_bad_frames(self, frames, labels, kwargs, error, message):
        with pytest.raises(error, match=message):
            widgets.frame_slider(frames, labels, **kwargs)

    def test_figure_png_needs_a_figure(self):
        with pytest.raises(TypeError, match="fig must be a matplotlib Figure; got str"):
            widgets.figure_png("figure")

    def test_kmeans_slider_has_a_frame_per_half_step(self, data_and_run):
        X, run = data_and_run
        box = widgets.kmeans_slider(X, run)
        assert len(box.children[2].children) == 2 * run.n_iter + 1
        assert box.children[1].description == "iteration"


@pytest.fixture(scope="module")
def coin_runs():
    data = datasets.two_coins()
    runs = [coins.fit(data.heads, data.tosses, start) for start in ([0.6, 0.5], [0.5, 0.6])]
    return data, runs


# The coin chapter's figures (landscape, gap on a log scale, slider frames) are tested in
# tests/test_coins_figures.py.


class TestFrameGridSlider:
    def pngs(self, n_rows, n_columns):
        return [[widgets.figure_png(TestFrameSlider().frames(1)[0]) + bytes([i, j])
                 for j in range(n_columns)] for i in range(n_rows)]

    def test_rows_follow_the_first_slider_and_columns_the_second(self):
        box = widgets.frame_grid_slider(self.pngs(2, 3), ["r0", "r1"], ["c0", "c1", "c2"],
                                        descriptions=("θ_A", "θ_B"), value=(1, 2))
        style, row_slider, column_slider, outer = box.children
        assert "display: none" in style.value
        assert (row_slider.description, column_slider.description) == ("θ_A", "θ_B")
        assert (row_slider.index, column_slider.index, outer.selected_index) == (1, 2, 1)
        assert widgets.FRAMES_CLASS in outer._dom_classes
        assert all(widgets.FRAMES_CLASS in inner._dom_classes and inner.selected_index == 2
                   for inner in outer.children)
        assert bytes(outer.children[1].children[0].value)[-2:] == bytes([1, 0])
        links = [w for w in _instances.values() if isinstance(w, Link)]
        row_links = [link for link in links if link.source == (row_slider, "index")]
        column_links = [link for link in links if link.source == (column_slider, "index")]
        assert [link.target for link in row_links] == [(outer, "selected_index")]
        assert sorted(id(link.target[0]) for link in column_links) == sorted(map(id, outer.children))

    @pytest.mark.parametrize(
        "shape, rows, columns, kwargs, error, message",
        [
            ((0, 0), [], [], {}, ValueError, "frames must not be empty"),
            ((2, 2), ["a"], ["x", "y"], {}, ValueError, "row_labels must have one entry per row \\(2\\); got 1"),
            ((1, 2), ["a"], ["x", "x"], {}, ValueError, "column_labels must be distinct"),
            ((1, 2), ["a"], "xy", {}, TypeError, "column_labels must be a sequence of strings, one per column"),
            ((1, 2), ["a"], ["x", "y"], {"value": (0, 2)}, ValueError,
             "value\\[1\\] must be a frame index in 0 .. 1; got 2"),
            ((1, 2), ["a"], ["x", "y"], {"value": (0,)}, ValueError,
             "value must be a pair, one for the rows and one for the columns; got \\(0,\\)"),
            ((1, 2), ["a"], ["x", "y"], {"value": 5}, TypeError, "value must be a pair"),
            ((1, 2), ["a"], ["x", "y"], {"descriptions": ("one",)}, ValueError, "descriptions must be a pair"),
        ],
    )
    def test_bad_grids(self, shape, rows, columns, kwargs, error, message):
        with pytest.raises(error, match=message):
            widgets.frame_grid_slider(self.pngs(*shape), rows, columns, **kwargs)

    def test_ragged_rows(self):
        frames = self.pngs(2, 2)
        frames[1].pop()
        with pytest.raises(ValueError, match="every row of frames must have 2 frames, like the first; row 1 has 1"):
            widgets.frame_grid_slider(frames, ["a", "b"], ["x", "y"])

    def test_coin_start_slider_has_a_small_frame_per_start(self, coin_runs):
        data, _ = coin_runs
        box = widgets.coin_start_slider(data.heads, data.tosses, [0.6, 0.3], [0.5, 0.9], value=(0, 1))
        _, row_slider, column_slider, outer = box.children
        assert row_slider.options == ("0.6", "0.3") and column_slider.options == ("0.5", "0.9")
        assert (row_slider.description, column_slider.description) == ("coin A starts at", "coin B starts at")
        images = [bytes(image.value) for inner in outer.children for image in inner.children]
        assert len(images) == 4 and len(set(images)) == 4
        assert all(image.startswith(PNG_SIGNATURE) and image[25] == 3 for image in images)  # palette PNGs


class TestFigurePng:
    def test_palette_reduction_is_smaller_and_still_a_png(self, coin_runs):
        data, runs = coin_runs
        fig = plots.coin_landscape(data.heads, data.tosses, runs)
        full, reduced = widgets.figure_png(fig), widgets.figure_png(fig, colors=64)
        assert reduced.startswith(PNG_SIGNATURE) and reduced[25] == 3   # colour type 3: palette
        assert full[25] in (2, 6) and len(reduced) < len(full) / 2

    @pytest.mark.parametrize("colors, error, message", [
        (1, ValueError, "colors must be at least 2; got 1"),
        (300, ValueError, "colors must be at most 256; got 300"),
        (64.0, TypeError, "colors must be an integer; got 64.0"),
    ])
    def test_bad_colors(self, colors, error, message):
        with pytest.raises(error, match=message):
            widgets.figure_png(TestFrameSlider().frames(1)[0], colors=colors)


# --------------------------------------------------------------------------
# Bad input found by review: each refused up front, with the argument named
# --------------------------------------------------------------------------


class TestPanelSizeAndLimits:
    @pytest.mark.parametrize("panel_size, error, message", [
        (3, TypeError, "panel_size must be a pair (width, height); got 3 (int)"),
        ("43", TypeError, "panel_size must be a pair (width, height); got '43' (str)"),
        ((4.0, 3.0, 2.0), ValueError, "panel_size must be a pair (width, height); got 3 entries"),
        (("4", 3.0), TypeError, "panel_size[0] must be a real number; got '4' (str)"),
        ((4.0, np.inf), ValueError, "panel_size[1] must be finite; got inf"),
        ((0, 3.0), ValueError, "panel_size[0] must be positive (inches); got 0.0"),
        ((4.0, -1), ValueError, "panel_size[1] must be positive (inches); got -1.0"),
    ])
    def test_panel_size_is_a_pair_of_positive_numbers(self, panel_size, error, message):
        with pytest.raises(error, match=re.escape(message)):
            plots.new_figure(panel_size=panel_size)

    def test_panel_size_may_be_any_pair(self):
        fig, _ = plots.new_figure(2, 3, panel_size=np.array([2, 1.5]))
        assert tuple(fig.get_size_inches()) == (6.0, 3.0)

    @pytest.mark.parametrize("limits, error, message", [
        (3, TypeError, "limits must be a pair ((xmin, xmax), (ymin, ymax)); got 3 (int)"),
        (((0, 1),), ValueError, "limits must be a pair ((xmin, xmax), (ymin, ymax)); got 1 entries"),
        (((0, 1), 5), TypeError, "limits[1] must be a pair (low, high); got 5 (int)"),
        (((0, 1), (0, 1, 2)), ValueError, "limits[1] must be a pair (low, high); got 3 entries"),
        (((0, "1"), (0, 1)), TypeError, "limits[0][1] must be a real number; got '1' (str)"),
        (((0, np.nan), (0, 1)), ValueError, "limits[0][1] must be finite; got nan"),
        (((1, 0), (0, 1)), ValueError, "limits[0] must have its low end below its high end; got (1.0, 0.0)"),
        (((0, 1), (2, 2)), ValueError, "limits[1] must have its low end below its high end; got (2.0, 2.0)"),
    ])
    def test_kmeans_state_checks_limits(self, data_and_run, limits, error, message):
        X, run = data_and_run
        fig, axes = plots.new_figure()
        with pytest.raises(error, match=re.escape(message)):
            plots.kmeans_state(X, run.centers, ax=axes[0, 0], limits=limits)

    def test_limits_may_be_an_array(self, data_and_run):
        X, run = data_and_run
        fig, axes = plots.new_figure()
        ax = plots.kmeans_state(X, run.centers, ax=axes[0, 0], limits=np.array([[-5, 10], [-4, 9]]))
        assert ax.get_xlim() == (-5, 10) and ax.get_ylim() == (-4, 9)

    def test_ax_must_be_one_axes(self, data_and_run):
        X, run = data_and_run
        fig, axes = plots.new_figure()
        with pytest.raises(TypeError, match=re.escape(
                "ax must be a matplotlib Axes; got ndarray; pick one panel, such as axes[0, 0]")):
            plots.kmeans_state(X, run.centers, ax=axes)
        with pytest.raises(TypeError, match="^ax must be a matplotlib Axes; got NoneType$"):
            plots.kmeans_state(X, run.centers, ax=None)

    def test_title_must_be_a_string(self, data_and_run):
        X, run = data_and_run
        fig, axes = plots.new_figure()
        with pytest.raises(TypeError, match=re.escape("title must be a string; got ['a'] (list)")):
            plots.kmeans_state(X, run.centers, ax=axes[0, 0], title=["a"])


class TestSequencesOfPanels:
    def test_clusterings_needs_a_labeling(self, data_and_run):
        X, _ = data_and_run
        with pytest.raises(ValueError, match="^labelings must hold at least one labeling$"):
            plots.clusterings(X, [], [])
        with pytest.raises(TypeError, match=re.escape("labelings must be a sequence of label arrays (or None); "
                                                      "got NoneType")):
            plots.clusterings(X, None, [])

    def test_clusterings_names_the_bad_panel(self, data_and_run):
        X, run = data_and_run
        with pytest.raises(TypeError,
                           match=re.escape("labelings[1] must hold integers; got an array of dtype float64")):
            plots.clusterings(X, [None, run.labels.astype(float)], ["a", "b"])
        with pytest.raises(ValueError, match=re.escape("labelings[0] must have shape (n_samples,) = (90,); got (3,)")):
            plots.clusterings(X, [[0, 1, 2]], ["a"])
        with pytest.raises(ValueError,
                           match=re.escape("labelings[0] must lie in 0 .. k-1 = 1; got values from 0 to 2")):
            plots.clusterings(X, [run.labels], ["a"], centers=[run.centers[:2]])
        with pytest.raises(ValueError, match=re.escape("centers[1] must have 2 columns to be drawn in the plane")):
            plots.clusterings(X, [None, None], ["a", "b"], centers=[None, np.zeros((3, 3))])
        with pytest.raises(TypeError, match=re.escape("centers must be a sequence of (k, 2) arrays or None, "
                                                      "one per labeling; got int")):
            plots.clusterings(X, [None], ["a"], centers=3)

    def test_titles_and_names_must_be_strings(self, data_and_run, coin_runs):
        X, run = data_and_run
        with pytest.raises(TypeError, match=re.escape("titles[0] must be a string; got None (NoneType)")):
            plots.clusterings(X, [None], [None])
        with pytest.raises(TypeError, match=re.escape("titles must be a sequence of strings, one per result; "
                                                      "got NoneType")):
            plots.kmeans_starts(X, [run], None)
        _, runs = coin_runs
        with pytest.raises(TypeError, match=re.escape("names[1] must be a string; got ['b', 'c'] (list)")):
            plots.log_likelihood_trace(runs, ["a", ["b", "c"]])
        fig = plots.log_likelihood_trace(runs, [1, 2.5])  # numbers are written out
        assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["1", "2.5"]

    def test_log_likelihood_trace_needs_a_result(self):
        with pytest.raises(ValueError, match="^results must hold at least one result$"):
            plots.log_likelihood_trace([], [])

    def test_inertia_trace_checks_X_first(self, data_and_run):
        X, run = data_and_run
        with pytest.raises(TypeError, match=re.escape("X must be an array of real numbers; got 'abc' (str)")):
            plots.inertia_trace("abc", [run], ["a"])
        with pytest.raises(ValueError, match=re.escape("X must be a 2-d array of shape (n_samples, n_features); "
                                                       "got a 1-d array")):
            plots.inertia_trace(X[:, 0], [run], ["a"])

    def test_a_result_must_fit_X(self, data_and_run):
        X, run = data_and_run
        # fewer rows: the inertias of the update steps would silently be of other data
        with pytest.raises(ValueError, match=re.escape("results[0] does not fit X: it has 90 labels, X has 10 rows")):
            plots.inertia_trace(X[:10], [run], ["a"])
        with pytest.raises(ValueError, match=re.escape("results[0] does not fit X: its centers have 2 columns, "
                                                       "X has 3")):
            plots.inertia_trace(np.column_stack([X, X[:, 0]]), [run], ["a"])
        with pytest.raises(ValueError, match=re.escape("result does not fit X: it has 90 labels, X has 10 rows")):
            plots.kmeans_steps(X[:10], run)
        with pytest.raises(ValueError, match=re.escape("result does not fit X: it has 90 labels, X has 10 rows")):
            plots.kmeans_frames(X[:10], run)
        with pytest.raises(ValueError, match=re.escape("results[1] does not fit X: it has 90 labels, X has 10 rows")):
            plots.kmeans_starts(X[:10], [kmeans.fit(X[:10], 2, rng=0), run], ["a", "b"])

    def test_final_inertias_checks_its_samples_as_final_log_likelihoods_does(self):
        with pytest.raises(TypeError, match=re.escape("samples must be a non-empty dict from a name to a list of "
                                                      "inertias; got list")):
            plots.final_inertias([1.0, 2.0])
        with pytest.raises(ValueError, match="^samples must hold at least one sample$"):
            plots.final_inertias({})
        with pytest.raises(ValueError, match=re.escape("samples['a'] contains NaN; every entry must be finite")):
            plots.final_inertias({"a": [1.0, np.nan]})

    def test_final_inertias_keeps_every_name(self):
        fig = plots.final_inertias({1: [1.0], "1": [2.0]})  # names that print alike stay two samples
        assert [ax.get_title() for ax in fig.axes] == ["1", "1"]


class TestSliderArguments:
    def test_coin_start_labels_tell_close_starts_apart(self, coin_runs):
        data, _ = coin_runs
        box = widgets.coin_start_slider(data.heads, data.tosses, [0.1234567, 0.1234568], [0.6])
        _, row_slider, column_slider, _ = box.children
        assert row_slider.options == ("0.1234567", "0.1234568") and column_slider.options == ("0.6",)

    def test_coin_start_labels_of_the_chapter_are_unchanged(self):
        starts = np.round(np.arange(0.2, 0.81, 0.1), 2)  # as in book/coins.ipynb
        assert plots.soft._distinct_labels(starts, 6) == [f"{theta:g}" for theta in starts]
        assert plots.soft._distinct_labels([0.1, 0.1 + 2**-56], 6) == ["0.10000000000000001", "0.10000000000000002"]

    @pytest.mark.parametrize("value, error, message", [
        (3, TypeError, "value must be a pair, one for the rows and one for the columns; got 3"),
        ((0,), ValueError, "value must be a pair, one for the rows and one for the columns; got (0,)"),
        ((2, 0), ValueError, "value[0] must be a frame index in 0 .. 1; got 2"),
        ((0, 0.0), TypeError, "value[1] must be an integer frame index; got 0.0"),
    ])
    def test_coin_start_slider_checks_value_first(self, coin_runs, value, error, message):
        data, _ = coin_runs
        with pytest.raises(error, match=re.escape(message)):
            widgets.coin_start_slider(data.heads, data.tosses, [0.6, 0.3], [0.5], value=value)

    @pytest.mark.parametrize("frames, labels, kwargs, error, message", [
        (None, ["a"], {}, TypeError, "frames must be a sequence of frames (PNG bytes or figures); got NoneType"),
        (b"png", ["a"], {}, TypeError, "frames must be a sequence of frames (PNG bytes or figures); got bytes"),
        ([b"x"], None, {}, TypeError, "labels must be a sequence of strings, one per frame; got NoneType"),
        ([b"x"], ["a"], {"description": 3}, TypeError, "description must be a string, the slider's caption; got 3"),
    ])
    def test_frame_slider_arguments(self, frames, labels, kwargs, error, message):
        with pytest.raises(error, match=re.escape(message)):
            widgets.frame_slider(frames, labels, **kwargs)

    @pytest.mark.parametrize("frames, kwargs, error, message", [
        ([b"x"], {}, TypeError, "frames[0] must be a sequence of frames (PNG bytes or figures); got bytes"),
        ([[b"x"]], {"descriptions": ("row", 3)}, TypeError,
         "descriptions[1] must be a string, the slider's caption; got 3"),
        ([[b"x"]], {"descriptions": "rc"}, TypeError,
         "descriptions must be a pair, one for the rows and one for the columns; got 'rc'"),
    ])
    def test_frame_grid_slider_arguments(self, frames, kwargs, error, message):
        with pytest.raises(error, match=re.escape(message)):
            widgets.frame_grid_slider(frames, ["r"], ["c"], **kwargs)

    def test_figure_png_refuses_a_dpi_too_small_for_text(self):
        fig, axes = plots.new_figure()
        axes[0, 0].set_title("text")
        with pytest.raises(ValueError, match=re.escape(
                "dpi is too small for matplotlib to draw the figure's text; got 2, use 10 or more")):
            widgets.figure_png(fig, dpi=2)
