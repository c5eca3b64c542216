"""Figures of the exam chapter: slices of a function through a point, and errors against n."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from emlib import plots


def concave(v):
    return -float(v @ v) + 3.0


def test_slices_draw_one_curve_per_direction_peaking_at_zero():
    center = np.zeros(3)
    directions = np.array([[1.0, 0, 0], [0, 2.0, 0], [1.0, 1.0, 1.0]])
    fig = plots.function_slices(concave, center, directions, radius=0.5, n_points=11, title="t")
    assert isinstance(fig, Figure) and len(fig.axes) == 1
    ax = fig.axes[0]
    curves = [line for line in ax.get_lines() if len(line.get_xdata()) == 11]
    assert len(curves) == 3
    for curve in curves:
        s, values = curve.get_xdata(), curve.get_ydata()
        # directions are scaled to length 1: f(center + s u) - f(center) = -s^2
        np.testing.assert_allclose(values, -s**2, atol=1e-12)
        assert values.max() == 0 and s[np.argmax(values)] == 0
    assert ax.get_title() == "t"


def test_slices_give_every_curve_a_colour_of_its_own_and_label_the_axes():
    from matplotlib.colors import to_rgba

    for m in (3, 8, 12):
        directions = np.random.default_rng(m).standard_normal((m, 4))
        fig = plots.function_slices(concave, np.zeros(4), directions, n_points=5,
                                    xlabel="$s$ in packed units", ylabel=r"$\Delta Q$")
        ax = fig.axes[0]
        curves = [line for line in ax.get_lines() if len(line.get_xdata()) == 5]
        assert len(curves) == m
        assert len({to_rgba(curve.get_color()) for curve in curves}) == m
        assert (ax.get_xlabel(), ax.get_ylabel()) == ("$s$ in packed units", r"$\Delta Q$")
    default = plots.function_slices(concave, np.zeros(2), np.eye(2), n_points=5).axes[0]
    assert default.get_xlabel() == "$s$, distance along a direction $u$"
    assert default.get_ylabel() == r"$f(c + s\,u) - f(c)$"


def test_slices_show_a_point_that_is_not_a_maximum():
    fig = plots.function_slices(lambda v: float(v[0]), [0.0, 0.0], [[1.0, 0.0]], radius=1.0)
    (curve,) = [line for line in fig.axes[0].get_lines() if len(line.get_xdata()) == 61]
    assert curve.get_ydata().max() == pytest.approx(1.0)


@pytest.mark.parametrize("args, kwargs, error, message", [
    ((3, [0.0], [[1.0]]), {}, TypeError, "fun must be callable; got int"),
    ((concave, [0.0, 0.0], [[1.0]]), {}, ValueError, "directions must have n = 2 columns, like center"),
    ((concave, [0.0], [[0.0]]), {}, ValueError, "directions[0] is zero"),
    ((concave, [0.0], [1.0]), {}, ValueError, "directions must be a 2-d array"),
    ((concave, [0.0], [[1.0]]), {"radius": 0.0}, ValueError, "radius must be positive; got 0.0"),
    ((concave, [0.0], [[1.0]]), {"n_points": 2}, ValueError, "n_points must be at least 3"),
])
def test_slices_refuse_bad_input(args, kwargs, error, message):
    with pytest.raises(error) as caught:
        plots.function_slices(*args, **kwargs)
    assert message in str(caught.value)


def test_errors_are_drawn_on_log_axes_with_a_reference_slope():
    sizes = [10, 100, 1000]
    errors = {"a": [1.0, 0.3, 0.1], "b": [4.0, 1.3, 0.4]}
    fig = plots.error_against_n(sizes, errors, title="rates")
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert ax.get_xlabel() == "$n$, number of points" and ax.get_title() == "rates"
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["a", "b", r"$\propto n^{-0.5}$"]
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["a", "b", r"$\propto n^{-0.5}$"]
    np.testing.assert_allclose(lines[1].get_ydata(), errors["b"])
    reference = lines[2].get_ydata()
    np.testing.assert_allclose(reference[0], 2.0)  # the geometric mean of the first errors
    np.testing.assert_allclose(np.diff(np.log(reference)) / np.diff(np.log(sizes)), -0.5)


@pytest.mark.parametrize("sizes, errors, error, message", [
    ([10, 5], {"a": [1, 2]}, ValueError, "sizes must be positive and increasing; got [10.0, 5.0]"),
    ([0, 5], {"a": [1, 2]}, ValueError, "sizes must be positive and increasing"),
    ([1, 2], {}, ValueError, "errors must hold at least one curve"),
    ([1, 2], [[1, 2]], TypeError, "errors must be a non-empty dict"),
    ([1, 2], {"a": [1, 2, 3]}, ValueError, "errors['a'] must have one entry per size (2); got 3"),
    ([1, 2], {"a": [1, 0]}, ValueError, "errors['a'] must be positive to be drawn on log axes"),
    ([1, 2], {"a": [1, np.nan]}, ValueError, "errors['a'] contains NaN"),
])
def test_errors_refuse_bad_input(sizes, errors, error, message):
    with pytest.raises(error) as caught:
        plots.error_against_n(sizes, errors)
    assert message in str(caught.value)


@pytest.mark.parametrize("fun, kwargs, error, message", [
    (lambda v: v, {}, TypeError, "fun must return a real number; got array([0., 0.]) (ndarray)"),
    (lambda v: "abc", {}, TypeError, "fun must return a real number; got 'abc' (str)"),
    (lambda v: None, {}, TypeError, "fun must return a real number; got None (NoneType)"),
    (lambda v: -np.inf if not v.any() else 0.0, {}, ValueError, "fun must be finite at center; fun(center) = -inf"),
    (concave, {"ylabel": None}, TypeError, "ylabel must be a string; got None (NoneType)"),
    (concave, {"xlabel": [1]}, TypeError, "xlabel must be a string; got [1] (list)"),
    (concave, {"title": ["a"]}, TypeError, "title must be a string; got ['a'] (list)"),
])
def test_slices_check_what_fun_returns_and_the_labels(fun, kwargs, error, message):
    with pytest.raises(error) as caught:
        plots.function_slices(fun, np.zeros(2), np.eye(2), **kwargs)
    assert str(caught.value) == message


def test_slices_take_a_value_in_an_array_of_one_entry():
    fig = plots.function_slices(lambda v: np.array([concave(v)]), np.zeros(2), np.eye(2), n_points=5)
    assert len(fig.axes[0].get_lines()) == 2 + 2  # a curve per direction, and the two dashed axes


@pytest.mark.parametrize("kwargs, error, message", [
    ({"errors": {}}, ValueError, "errors must hold at least one curve"),
    ({"errors": None}, TypeError, "errors must be a non-empty dict of label -> errors, one per size; got NoneType"),
    ({"title": 3j}, TypeError, "title must be a string; got 3j (complex)"),
])
def test_errors_refuse_more_bad_input(kwargs, error, message):
    with pytest.raises(error) as caught:
        plots.error_against_n(**{"sizes": [1, 2], "errors": {"a": [1.0, 0.5]}, **kwargs})
    assert str(caught.value) == message
