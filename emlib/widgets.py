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
from collections.abc import Sequence

try:
    import ipywidgets
    from matplotlib.figure import Figure
except ImportError as error:  # the optional extra is missing
    raise ImportError(
        "emlib.widgets needs ipywidgets and matplotlib: pip install 'emlib[plots]'"
    ) from error


from . import kmeans, plots

__all__ = ["figure_png", "frame_slider", "kmeans_slider", "FRAMES_CLASS"]

#: The CSS class of the frame container; its tab bar is hidden.
FRAMES_CLASS = "emlib-frames"
_STYLE = (
    f"<style>.{FRAMES_CLASS} > .lm-TabBar, .{FRAMES_CLASS} > .p-TabBar "
    "{ display: none !important; } "
    f".{FRAMES_CLASS} > .widget-tab-contents {{ border: none; padding: 0; }}</style>"
)


def figure_png(fig: Figure, *, dpi: int = 110) -> bytes:
    """Render a matplotlib figure to PNG bytes."""
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure; got {type(fig).__name__}")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def frame_slider(
    frames: Sequence[bytes | Figure], labels: Sequence[str], *, description: str = "step",
    value: int = 0,
) -> ipywidgets.VBox:
    """A slider that flips through pre-rendered frames, in Jupyter and in static HTML.

    Parameters
    ----------
    frames : sequence of PNG bytes or matplotlib figures
        The pictures, in slider order; figures are rendered to PNG.
    labels : sequence of str
        One distinct label per frame, shown as the slider's value.
    description : str
        The slider's caption.
    value : int
        The index of the frame shown first.

    Returns
    -------
    ipywidgets.VBox
        The slider above the frames.

    Raises
    ------
    TypeError
        If a frame is neither PNG bytes nor a figure, ``labels`` is a single
        string, or ``value`` is not an integer.
    ValueError
        If there are no frames, or ``labels`` does not give one distinct label
        per frame, or ``value`` is not a frame index.
    """
    if isinstance(labels, (str, bytes)):
        raise TypeError("labels must be a sequence of strings, one per frame; got a single string")
    frames = list(frames)
    labels = [str(label) for label in labels]
    if not frames:
        raise ValueError("frames must not be empty")
    if len(labels) != len(frames):
        raise ValueError(f"labels must have one entry per frame ({len(frames)}); got {len(labels)}")
    if len(set(labels)) != len(labels):
        raise ValueError("labels must be distinct: the slider tells frames apart by label")
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"value must be an integer frame index; got {value!r}")
    if not 0 <= value < len(frames):
        raise ValueError(f"value must be a frame index in 0 .. {len(frames) - 1}; got {value!r}")
    value = int(value)
    images = []
    for index, frame in enumerate(frames):
        if isinstance(frame, Figure):
            frame = figure_png(frame)
        if not isinstance(frame, bytes):
            raise TypeError(f"frames[{index}] must be PNG bytes or a Figure; got {type(frame).__name__}")
        images.append(ipywidgets.Image(value=frame, format="png",
                                       layout=ipywidgets.Layout(max_width="100%", height="auto")))
    tab = ipywidgets.Tab(children=images, titles=labels, selected_index=value)
    tab.add_class(FRAMES_CLASS)
    slider = ipywidgets.SelectionSlider(
        options=labels, index=value, description=description, continuous_update=True,
        layout=ipywidgets.Layout(width="min(100%, 560px)"),
        style={"description_width": "initial"},
    )
    ipywidgets.jslink((slider, "index"), (tab, "selected_index"))
    return ipywidgets.VBox([ipywidgets.HTML(_STYLE), slider, tab])


def kmeans_slider(X: object, result: kmeans.KMeansResult) -> ipywidgets.VBox:
    """A static slider over the half-steps of a 2-d k-means run (see :func:`plots.kmeans_frames`)."""
    frames = plots.kmeans_frames(X, result)
    return frame_slider([fig for _, fig in frames], [label for label, _ in frames],
                        description="iteration")
