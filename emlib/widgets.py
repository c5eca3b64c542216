"""Sliders that keep working in the static HTML book (needs the ``plots`` extra).

A slider in a notebook usually calls Python when it moves, and a static page
has no Python.  These sliders instead carry every frame with them: the frames
are rendered to PNG once, put as :class:`ipywidgets.Image` children of an
:class:`ipywidgets.Tab`, and the slider's index is linked to the tab's selected
index with :func:`ipywidgets.jslink`, a link that runs in the browser.  The
widget state saved with the notebook therefore stays interactive on any web
page, with or without a kernel.

The tab bar and the tab's frame are hidden by a style rule that travels
inside the widget, so it applies in JupyterLab and on the book's pages alike.
(``ipywidgets.Stack`` and ``Play`` would be the obvious choices, but in the
static widget manager they fail when their value changes, and the figure
stops following the slider.)
"""

from __future__ import annotations

import io
import numbers
import struct
from collections.abc import Sequence

try:
    import ipywidgets
    import PIL.Image  # comes with matplotlib
    from matplotlib.figure import Figure
except ImportError as error:  # the optional extra is missing
    raise ImportError("emlib.widgets needs ipywidgets and matplotlib: pip install ipywidgets matplotlib") from error


from . import em, gmm, kmeans, plots
from ._validation import check_int
from .plots._base import _check_2d_points, _each_result, _is_sequence
from .plots.coins import _check_starts
from .plots.soft import _check_soft_result, _distinct_labels

__all__ = ["figure_png", "frame_slider", "frame_grid_slider", "kmeans_slider", "coin_start_slider",
           "soft_kmeans_slider", "mixture_slider", "lower_bound_slider", "imputation_slider", "local_optima_slider",
           "mixture_repair_slider", "FRAMES_CLASS", "baum_welch_slider"]

_DPI = 110  # a frame's resolution as it is shown: 110 pixels to the inch
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PIXEL_RATIO = 2  # frames carry twice the pixels they are shown at

#: The CSS class of the frame container; its tab bar is hidden.
FRAMES_CLASS = "emlib-frames"
_STYLE = (
    f"<style>.{FRAMES_CLASS} > .lm-TabBar, .{FRAMES_CLASS} > .p-TabBar "
    "{ display: none !important; } "
    f".{FRAMES_CLASS} > .widget-tab-contents {{ border: none; padding: 0; }}</style>"
)


def figure_png(fig: Figure, *, dpi: int = _DPI, colors: int | None = None) -> bytes:
    """Render a matplotlib figure to PNG bytes.

    With ``colors``, the picture is reduced to a palette of that many colours
    (2 to 256): figures made of flat areas, such as contour plots, then take
    a third of the space or less, which matters when a slider carries many
    frames.

    Raises
    ------
    TypeError
        If ``fig`` is not a matplotlib ``Figure``, or ``dpi`` or ``colors`` is
        not an integer.
    ValueError
        If ``dpi`` is below 1 or too small for matplotlib to draw the
        figure's text, or ``colors`` is not between 2 and 256.

    Examples
    --------
    >>> from emlib import plots
    >>> fig, _ = plots.new_figure(panel_size=(1.0, 1.0))
    >>> png = figure_png(fig, dpi=50)
    >>> png[1:4], len(figure_png(fig, dpi=50, colors=4)) < len(png)
    (b'PNG', True)
    """
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure; got {type(fig).__name__}")
    dpi = check_int(dpi, "dpi", minimum=1)
    colors = None if colors is None else check_int(colors, "colors", minimum=2, maximum=256)
    buffer = io.BytesIO()
    # with a palette to come, an uncompressed PNG: compressing it only to decode it is half the time
    options = {} if colors is None else {"pil_kwargs": {"compress_level": 0}}
    try:
        fig.savefig(buffer, format="png", dpi=dpi, **options)
    except RuntimeError as error:  # FreeType cannot draw text below about 1 pixel per em
        if dpi >= 10:
            raise
        raise ValueError(f"dpi is too small for matplotlib to draw the figure's text; got {dpi}, "
                         f"use 10 or more ({error})") from None
    if colors is None:
        return buffer.getvalue()
    picture = PIL.Image.open(buffer).convert("RGB").quantize(
        colors=colors, method=PIL.Image.Quantize.FASTOCTREE, dither=PIL.Image.Dither.NONE)
    buffer = io.BytesIO()
    picture.save(buffer, format="png")
    return buffer.getvalue()


def _labels(labels: Sequence[str], n_frames: int, name: str, what: str) -> list[str]:
    if isinstance(labels, (str, bytes)):
        raise TypeError(f"{name} must be a sequence of strings, one per {what}; got a single string")
    if not _is_sequence(labels):
        raise TypeError(f"{name} must be a sequence of strings, one per {what}; got {type(labels).__name__}")
    labels = [str(label) for label in labels]
    if len(labels) != n_frames:
        raise ValueError(f"{name} must have one entry per {what} ({n_frames}); got {len(labels)}")
    if len(set(labels)) != len(labels):
        raise ValueError(f"{name} must be distinct: the slider tells frames apart by label")
    return labels


def _index(value: object, n_frames: int, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer frame index; got {value!r}")
    if not 0 <= value < n_frames:
        raise ValueError(f"{name} must be a frame index in 0 .. {n_frames - 1}; got {value!r}")
    return int(value)


def _sequence_of_frames(frames: object, name: str) -> list:
    """``frames`` as a list; a lone frame (PNG bytes or a figure) is refused."""
    if isinstance(frames, (bytes, Figure)) or not _is_sequence(frames):
        raise TypeError(f"{name} must be a sequence of frames (PNG bytes or figures); "
                        f"got {type(frames).__name__}")
    return list(frames)


def _description(description: object, name: str) -> str:
    if not isinstance(description, str):
        raise TypeError(f"{name} must be a string, the slider's caption; got {description!r}")
    return description


def _pair(value: object, name: str) -> list:
    """A pair, one entry for the rows and one for the columns."""
    if isinstance(value, (str, bytes)) or not _is_sequence(value):
        raise TypeError(f"{name} must be a pair, one for the rows and one for the columns; got {value!r}")
    if len(value) != 2:
        raise ValueError(f"{name} must be a pair, one for the rows and one for the columns; got {value!r}")
    return list(value)


def _image(frame: bytes | Figure, name: str, pixel_ratio: int) -> ipywidgets.Image:
    """The frame as an image ``pixel_ratio`` times as many pixels wide as it is shown (sharp on dense screens)."""
    if isinstance(frame, Figure):
        frame = figure_png(frame, dpi=_DPI * pixel_ratio)
    if not isinstance(frame, bytes):
        raise TypeError(f"{name} must be PNG bytes or a Figure; got {type(frame).__name__}")
    if not frame.startswith(_PNG_SIGNATURE):
        raise ValueError(f"{name} must be a PNG image; its bytes do not start with the PNG signature")
    width = struct.unpack(">I", frame[16:20])[0]  # from the PNG header
    return ipywidgets.Image(value=frame, format="png", width=str(max(1, width // pixel_ratio)),
                            layout=ipywidgets.Layout(max_width="100%", height="auto"))


def _frames(children: list, labels: list[str], value: int) -> ipywidgets.Tab:
    """A tab per frame, its tab bar hidden: only the selected child shows."""
    tab = ipywidgets.Tab(children=children, titles=labels, selected_index=value)
    tab.add_class(FRAMES_CLASS)
    return tab


def _slider(labels: list[str], value: int, description: str) -> ipywidgets.SelectionSlider:
    """A slider over ``labels``; ``description`` may hold inline HTML (see :func:`frame_slider`)."""
    return ipywidgets.SelectionSlider(
        options=labels, index=value, description=description, description_allow_html=True,
        continuous_update=True, layout=ipywidgets.Layout(width="min(100%, 560px)"),
        style={"description_width": "initial"},
    )


def frame_slider(
    frames: Sequence[bytes | Figure], labels: Sequence[str], *, description: str = "step",
    value: int = 0, pixel_ratio: int = 2,
) -> ipywidgets.VBox:
    """A slider that flips through pre-rendered frames, in Jupyter and in static HTML.

    Parameters
    ----------
    frames : sequence of PNG bytes or matplotlib figures
        The pictures, in slider order; figures are rendered to PNG.
    labels : sequence of str
        One distinct label per frame, shown as the slider's value.
    description : str
        The slider's caption.  It may hold inline HTML, such as
        ``<i>k</i>``; the static page's widget manager strips some tags
        (``sub`` among them) and typesets no math.
    value : int
        The index of the frame shown first.
    pixel_ratio : int
        How many pixels of a PNG frame make one pixel on the page: each
        frame is shown at its width divided by ``pixel_ratio`` (and shrunk
        further on a narrower page), so that with the default of 2 it stays
        sharp on high-density screens.  Figures are rendered at
        ``110 * pixel_ratio`` dots per inch.

    Returns
    -------
    ipywidgets.VBox
        The slider above the frames.

    Raises
    ------
    TypeError
        If ``frames`` is not a sequence, a frame is neither PNG bytes nor a
        figure, ``labels`` is a single string or not a sequence,
        ``description`` is not a string, or ``value`` or ``pixel_ratio`` is
        not an integer.
    ValueError
        If there are no frames, a frame's bytes are not a PNG image,
        ``labels`` does not give one distinct label per frame, ``value`` is
        not a frame index, or ``pixel_ratio`` is below 1.

    Examples
    --------
    The box holds the style rule, the slider and the frames:

    >>> from emlib import plots
    >>> frames = [plots.new_figure(panel_size=(1.0, 1.0))[0] for _ in range(3)]
    >>> style, slider, tab = frame_slider(frames, ["a", "b", "c"], value=1).children
    >>> slider.options, slider.index, len(tab.children)
    (('a', 'b', 'c'), 1, 3)

    A figure of 1 inch is rendered 220 pixels wide and shown 110 pixels wide:

    >>> image = tab.children[0]
    >>> int.from_bytes(image.value[16:20], "big"), image.width
    (220, '110')
    """
    frames = _sequence_of_frames(frames, "frames")
    if not frames:
        raise ValueError("frames must not be empty")
    labels = _labels(labels, len(frames), "labels", "frame")
    description = _description(description, "description")
    value = _index(value, len(frames), "value")
    pixel_ratio = check_int(pixel_ratio, "pixel_ratio", minimum=1)
    images = [_image(frame, f"frames[{i}]", pixel_ratio) for i, frame in enumerate(frames)]
    tab = _frames(images, labels, value)
    slider = _slider(labels, value, description)
    ipywidgets.jslink((slider, "index"), (tab, "selected_index"))
    return ipywidgets.VBox([ipywidgets.HTML(_STYLE), slider, tab])


def frame_grid_slider(
    frames: Sequence[Sequence[bytes | Figure]],
    row_labels: Sequence[str],
    column_labels: Sequence[str],
    *,
    descriptions: tuple[str, str] = ("row", "column"),
    value: tuple[int, int] = (0, 0),
    pixel_ratio: int = 2,
) -> ipywidgets.VBox:
    """Two sliders over a grid of pre-rendered frames, in Jupyter and in static HTML.

    The first slider picks the row of ``frames``, the second the column.  In
    the widget, an outer tab holds one inner tab per row; the first slider
    is linked to the outer tab and the second to every inner one, with
    browser-side links as in :func:`frame_slider`.

    Parameters
    ----------
    frames : sequence of sequences of PNG bytes or matplotlib figures
        ``frames[i][j]`` is shown for row ``i`` and column ``j``; every row
        has the same length.
    row_labels, column_labels : sequence of str
        Distinct labels for the rows and for the columns.
    descriptions : (str, str)
        The captions of the two sliders; they may hold HTML.
    value : (int, int)
        The row and column shown first.
    pixel_ratio : int
        How many pixels of a frame make one pixel on the page, as in
        :func:`frame_slider`.

    Returns
    -------
    ipywidgets.VBox
        The two sliders above the frames.

    Raises
    ------
    TypeError
        If ``frames`` is not a sequence of sequences, a frame is neither PNG
        bytes nor a figure, ``row_labels`` or ``column_labels`` is a single
        string or not a sequence, ``value`` or ``descriptions`` is not a
        sequence, an entry of ``value`` is not an integer, or an entry of
        ``descriptions`` is not a string.
    ValueError
        If there are no frames, the rows differ in length, ``row_labels`` or
        ``column_labels`` does not give one distinct label per row or column,
        ``value`` or ``descriptions`` does not have 2 entries, or an entry of
        ``value`` is not a row or column index.

    Examples
    --------
    >>> from emlib import plots
    >>> png = figure_png(plots.new_figure(panel_size=(1.0, 1.0))[0], dpi=20)
    >>> box = frame_grid_slider([[png, png, png], [png, png, png]], ["A", "B"], ["1", "2", "3"])
    >>> style, rows, columns, grid = box.children
    >>> rows.options, columns.options, len(grid.children)
    (('A', 'B'), ('1', '2', '3'), 2)
    """
    rows = [_sequence_of_frames(row, f"frames[{i}]")
            for i, row in enumerate(_sequence_of_frames(frames, "frames"))]
    if not rows or not rows[0]:
        raise ValueError("frames must not be empty")
    n_columns = len(rows[0])
    for i, row in enumerate(rows):
        if len(row) != n_columns:
            raise ValueError(f"every row of frames must have {n_columns} frames, like the first; "
                             f"row {i} has {len(row)}")
    row_labels = _labels(row_labels, len(rows), "row_labels", "row")
    column_labels = _labels(column_labels, n_columns, "column_labels", "column")
    value = _pair(value, "value")
    descriptions = [_description(text, f"descriptions[{i}]")
                    for i, text in enumerate(_pair(descriptions, "descriptions"))]
    row_value = _index(value[0], len(rows), "value[0]")
    column_value = _index(value[1], n_columns, "value[1]")
    pixel_ratio = check_int(pixel_ratio, "pixel_ratio", minimum=1)
    row_slider = _slider(row_labels, row_value, descriptions[0])
    column_slider = _slider(column_labels, column_value, descriptions[1])
    inner = []
    for i, row in enumerate(rows):
        images = [_image(frame, f"frames[{i}][{j}]", pixel_ratio) for j, frame in enumerate(row)]
        inner.append(_frames(images, column_labels, column_value))
        ipywidgets.jslink((column_slider, "index"), (inner[-1], "selected_index"))
    outer = _frames(inner, row_labels, row_value)
    ipywidgets.jslink((row_slider, "index"), (outer, "selected_index"))
    return ipywidgets.VBox([ipywidgets.HTML(_STYLE), row_slider, column_slider, outer])


def _palette_slider(frames: list[tuple[str, Figure]], colors: int, description: str,
                    value: int = 0) -> ipywidgets.VBox:
    """:func:`frame_slider` over ``(label, figure)`` frames: palette PNGs of ``colors`` colours, shown at ``_DPI``."""
    pngs = [figure_png(fig, dpi=_PIXEL_RATIO * _DPI, colors=colors) for _, fig in frames]
    return frame_slider(pngs, [label for label, _ in frames], description=description, value=value,
                        pixel_ratio=_PIXEL_RATIO)


def kmeans_slider(X: object, result: kmeans.KMeansResult) -> ipywidgets.VBox:
    """A static slider over the half-steps of a 2-d k-means run (see :func:`emlib.plots.kmeans_frames`).

    The frames are reduced to 128 colours, which keeps them small.

    Raises
    ------
    TypeError
        As :func:`emlib.plots.kmeans_frames`.
    ValueError
        As :func:`emlib.plots.kmeans_frames`.

    Examples
    --------
    >>> from emlib import kmeans
    >>> X = [[0.0, 0.0], [0.0, 1.0], [4.0, 0.0], [4.0, 1.0]]
    >>> box = kmeans_slider(X, kmeans.fit(X, 2, init=[[0.0, 0.0], [0.0, 1.0]]))
    >>> box.children[1].options
    ('1 · assign', '1 · update', '2 · assign, stop')
    """
    return _palette_slider(plots.kmeans_frames(X, result), 128, "iteration")


def coin_start_slider(
    heads: object, tosses: object, starts_a: Sequence[float], starts_b: Sequence[float],
    *, value: tuple[int, int] = (0, 0),
) -> ipywidgets.VBox:
    """Two static sliders for the start of EM on two coins.

    Parameters
    ----------
    heads, tosses
        The rows, as in :func:`emlib.coins.fit`.
    starts_a, starts_b : sequence of float
        The starting values the two sliders offer (see
        :func:`emlib.plots.coin_start_frames`).
    value : (int, int)
        The indices into ``starts_a`` and ``starts_b`` shown first.

    Returns
    -------
    ipywidgets.VBox
        The sliders above the frames (see :func:`frame_grid_slider`).  The
        frames are reduced to 64 colours, which keeps a grid of many starts
        small.

    Raises
    ------
    TypeError
        As :func:`emlib.plots.coin_start_frames`; also if ``value`` is not a
        sequence or an entry of it is not an integer.
    ValueError
        As :func:`emlib.plots.coin_start_frames`; also if ``value`` is not a
        pair of indices into ``starts_a`` and ``starts_b``.

    Notes
    -----
    The sliders show each start to 6 significant digits (0.6 as ``"0.6"``),
    or to as many more as it takes to tell the starts apart.

    Examples
    --------
    A grid of one start, the smallest there is:

    >>> box = coin_start_slider([5, 9, 8, 4, 7], 10, [0.6], [0.5])
    >>> style, slider_a, slider_b, frames = box.children
    >>> slider_a.options, slider_b.options, len(frames.children)
    (('0.6',), ('0.5',), 1)
    """
    checked_a = _check_starts(starts_a, "starts_a")
    checked_b = _check_starts(starts_b, "starts_b")
    value = _pair(value, "value")
    value = (_index(value[0], len(checked_a), "value[0]"), _index(value[1], len(checked_b), "value[1]"))
    frames = plots.coin_start_frames(heads, tosses, checked_a, checked_b)
    # shown at 100 dpi, not _DPI: a 6.6-inch frame then fits the text column unshrunk
    pngs = [[figure_png(fig, dpi=_PIXEL_RATIO * 100, colors=64) for fig in row] for row in frames]
    return frame_grid_slider(
        pngs, _distinct_labels(checked_a, 6), _distinct_labels(checked_b, 6),
        descriptions=("coin A starts at", "coin B starts at"), value=value, pixel_ratio=_PIXEL_RATIO,
    )


# --------------------------------------------------------------------------
# Soft k-means (the chapter "From hard to soft assignments")
# --------------------------------------------------------------------------


def soft_kmeans_slider(X: object, results: Sequence, *, value: int = 0) -> ipywidgets.VBox:
    """A static slider over the stiffness of soft k-means.

    Parameters
    ----------
    X : array-like of shape (n_samples, 2)
        The data the results were fitted to.
    results : sequence of em.EMResult
        Results of :func:`emlib.soft.fit`, one per ``beta``, in slider order
        (see :func:`emlib.plots.soft_kmeans_frames`).
    value : int
        The index of the result shown first.

    Returns
    -------
    ipywidgets.VBox
        The slider above the frames (see :func:`frame_slider`).  The frames
        are reduced to 128 colours, which keeps them small.

    Raises
    ------
    TypeError
        As :func:`emlib.plots.soft_kmeans_frames`; also if ``value`` is not
        an integer.
    ValueError
        As :func:`emlib.plots.soft_kmeans_frames`; also if ``value`` is not
        an index into ``results``.

    Examples
    --------
    >>> from emlib import soft
    >>> X = [[0.0, 0.0], [0.0, 1.0], [4.0, 0.0], [4.0, 1.0]]
    >>> results = [soft.fit(X, [[1.0, 0.0], [3.0, 1.0]], beta) for beta in (0.05, 2.0)]
    >>> slider = soft_kmeans_slider(X, results, value=1).children[1]
    >>> slider.options, slider.value
    (('0.05', '2'), '2')
    """
    _check_2d_points(X)
    value = _index(value, len(_each_result(results, _check_soft_result)), "value")
    return _palette_slider(plots.soft_kmeans_frames(X, results), 128, "stiffness β", value)


# --------------------------------------------------------------------------
# Gaussian mixtures (the chapter "Gaussian mixtures")
# --------------------------------------------------------------------------


def mixture_slider(
    X: object, result: em.EMResult, *, truth: gmm.Params | None = None,
    component_names: Sequence[str] | None = None,
) -> ipywidgets.VBox:
    """A static slider over the iterations of a 1-d or 2-d ``gmm.fit`` run.

    Parameters
    ----------
    X : array-like of shape (n_samples, 1) or (n_samples, 2)
        The data the run was fitted to.
    result : em.EMResult
        The result of :func:`emlib.gmm.fit`; one frame per entry of its
        history (see :func:`emlib.plots.mixture_frames`).
    truth : gmm.Params, optional
        The mixture the data were drawn from, drawn dotted in every frame.
    component_names : sequence of str, optional
        A legend entry per component.

    Returns
    -------
    ipywidgets.VBox
        The slider above the frames (see :func:`frame_slider`); the frames
        are reduced to 128 colours, which keeps them small.

    Raises
    ------
    TypeError
        As :func:`emlib.plots.mixture_frames`.
    ValueError
        As :func:`emlib.plots.mixture_frames`.

    Examples
    --------
    A run of no iterations, the start alone (each frame takes a few tenths of a second):

    >>> from emlib import gmm
    >>> X = [[0.0], [0.5], [4.0], [4.5]]
    >>> start = gmm.Params([0.5, 0.5], [[1.0], [3.0]], [1.0, 1.0])
    >>> result = gmm.fit(X, start, covariance_type="spherical", max_iter=0)
    >>> mixture_slider(X, result).children[1].options
    ('0',)
    """
    frames = plots.mixture_frames(X, result, truth=truth, component_names=component_names)
    return _palette_slider(frames, 128, "iteration")


def lower_bound_slider(heads: object, tosses: object, result: em.EMResult) -> ipywidgets.VBox:
    """A static slider over the iterations of a two-coin fit, showing EM's lower bound along theta_A.

    Parameters
    ----------
    heads, tosses
        The rows, as in :func:`emlib.coins.row_log_likelihoods`.
    result : em.EMResult
        A two-coin :func:`emlib.coins.fit` of these rows (see
        :func:`emlib.plots.lower_bound_frames`).

    Returns
    -------
    ipywidgets.VBox
        The slider above the frames (see :func:`frame_slider`).

    Raises
    ------
    TypeError
        As :func:`emlib.plots.lower_bound_frames`.
    ValueError
        As :func:`emlib.plots.lower_bound_frames`.

    Examples
    --------
    >>> from emlib import coins
    >>> heads = [5, 9, 8, 4, 7]
    >>> box = lower_bound_slider(heads, 10, coins.fit(heads, 10, [0.6, 0.5], max_iter=1, tol=0))
    >>> box.children[1].options
    ('0', '1')
    """
    return _palette_slider(plots.lower_bound_frames(heads, tosses, result), 64, "step t")


def imputation_slider(
    X: object, fractions: Sequence[float], *, columns: Sequence[int] = (0, 1),
    feature_names: Sequence[str] | None = None, rng=None,
) -> ipywidgets.VBox:
    """A static slider over the fraction of entries hidden completely at random.

    Each frame shows how filling with column means and EM repair the holes,
    and the covariance error of every repair against the fraction (see
    :func:`emlib.plots.imputation_frames`, which takes the same arguments).

    Returns
    -------
    ipywidgets.VBox
        The slider above the frames (see :func:`frame_slider`).

    Raises
    ------
    TypeError
        As :func:`emlib.plots.imputation_frames`.
    ValueError
        As :func:`emlib.plots.imputation_frames`.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.random.default_rng(0).multivariate_normal([0, 0], [[1, 0.8], [0.8, 1]], size=50)
    >>> imputation_slider(X, [0.3], rng=0).children[1].options
    ('30 %',)
    """
    frames = plots.imputation_frames(X, fractions, columns=columns, feature_names=feature_names, rng=rng)
    return _palette_slider(frames, 128, "hidden")


# --------------------------------------------------------------------------
# EM in practice
# --------------------------------------------------------------------------


def local_optima_slider(
    X: object, results: Sequence[em.EMResult], *, decimals: int = 2, max_frames: int = 8,
    feature_names: Sequence[str] | None = None,
) -> ipywidgets.VBox:
    """A static slider over the local optima that many runs of ``gmm.fit`` reached.

    One frame per optimum, the best first: the mixture of a run that
    reached it, and how many runs reached each optimum (see
    :func:`emlib.plots.local_optima_frames`, which takes the same arguments and
    raises the same errors).

    Returns
    -------
    ipywidgets.VBox
        The slider above the frames (see :func:`frame_slider`); the frames
        are reduced to 128 colours.

    Raises
    ------
    TypeError
        As :func:`emlib.plots.local_optima_frames`.
    ValueError
        As :func:`emlib.plots.local_optima_frames`.

    Examples
    --------
    The six runs of :func:`emlib.plots.local_optima_frames`'s example, the best optimum only:

    >>> from emlib import gmm
    >>> X = [[0.0], [0.1], [3.0], [3.1], [6.0], [6.1]]
    >>> results = [gmm.fit(X, 2, init="random", reg_covar=1e-2, rng=seed) for seed in range(6)]
    >>> local_optima_slider(X, results, max_frames=1).children[1].options
    ('1',)
    """
    frames = plots.local_optima_frames(X, results, decimals=decimals, max_frames=max_frames,
                                       feature_names=feature_names)
    return _palette_slider(frames, 128, "optimum")


# --------------------------------------------------------------------------
# A mixture with holes
# --------------------------------------------------------------------------


def mixture_repair_slider(X: object, labels: object, fractions: object, tables: Sequence[object],
                          fits: Sequence[dict], scores: dict, *, value: int = 0, **options) -> ipywidgets.VBox:
    """A static slider over the fraction of entries hidden, showing a mixture fitted to the table in several ways.

    The frames are :func:`emlib.plots.mixture_repair_frames` of the same
    arguments (``options`` are its keywords), reduced to 128 colours;
    ``value`` is the index of the frame shown first.

    Returns
    -------
    ipywidgets.VBox
        The slider above the frames (see :func:`frame_slider`).

    Raises
    ------
    TypeError
        As :func:`emlib.plots.mixture_repair_frames`; or if ``value`` is not an integer.
    ValueError
        As :func:`emlib.plots.mixture_repair_frames`; or if ``value`` is not the index of a frame.

    Examples
    --------
    >>> import numpy as np
    >>> from emlib import gmm
    >>> X = np.array([[0.0, 0.0], [1.0, 0.5], [0.5, 1.0], [6.0, 6.0], [7.0, 6.5], [6.5, 7.0]])
    >>> fit = gmm.m_step(X, np.eye(2)[[0, 0, 0, 1, 1, 1]])
    >>> box = mixture_repair_slider(X, [0, 0, 0, 1, 1, 1], [0.0], [X], [{"EM": fit}],
    ...                             {"agreement": {"EM": [1.0]}, "error": {"EM": [0.0]}})
    >>> box.children[1].options
    ('0 %',)
    """
    frames = plots.mixture_repair_frames(X, labels, fractions, tables, fits, scores, **options)
    value = check_int(value, "value", minimum=0, maximum=len(frames) - 1, maximum_name="the last frame's index")
    return _palette_slider(frames, 128, "hidden", value)



def baum_welch_slider(X: object, result: em.EMResult, *, value: int = 0, **options) -> ipywidgets.VBox:
    """A static slider over the iterations of a hidden Markov model's fit, showing the state posteriors over time.

    The frames are :func:`emlib.plots.baum_welch_frames` of the same
    arguments (``options`` are its keywords: ``states``, ``state_names``,
    ``observation_name``), reduced to 64 colours; ``value`` is the index of
    the frame shown first.

    Returns
    -------
    ipywidgets.VBox
        The slider above the frames (see :func:`frame_slider`).

    Raises
    ------
    TypeError
        As :func:`emlib.plots.baum_welch_frames`; or if ``value`` is not an integer.
    ValueError
        As :func:`emlib.plots.baum_welch_frames`; or if ``value`` is not the index of a frame.

    Examples
    --------
    >>> from emlib import hmm
    >>> casino = hmm.Params([0.5, 0.5], [[0.95, 0.05], [0.1, 0.9]],
    ...                     hmm.Categorical([[1 / 6] * 6, [0.1] * 5 + [0.5]]))
    >>> X, states = hmm.sample(casino, 40, rng=0)
    >>> box = baum_welch_slider(X, hmm.fit(X, casino, max_iter=2, tol=0), states=states, value=1)
    >>> box.children[1].options, box.children[1].index
    (('0', '1', '2'), 1)
    """
    frames = plots.baum_welch_frames(X, result, **options)
    return _palette_slider(frames, 64, "iteration t", _index(value, len(frames), "value"))
