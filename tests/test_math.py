"""The numerical helpers every model's likelihood rests on, by value against scipy on extreme inputs.

A log-sum-exp that forgets to take the largest term out gives -inf (or +inf)
where the answer is an ordinary number; these tests fail on the value, with
or without RuntimeWarning turned into an error.
"""

import numpy as np
import pytest
import scipy.special
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from emlib._math import log_normalize, logsumexp, weighted_logs

EXTREME = [
    [1000.0, 1000.0],           # exp overflows
    [-1000.0, -1001.0],         # exp underflows to 0
    [-5000.0, -np.inf],         # an impossible term beside a tiny one
    [7e5, -7e5, 3.0],
    [0.0, 0.0, 0.0],
]


@pytest.mark.parametrize("values", EXTREME)
def test_logsumexp_agrees_with_scipy_on_extreme_values(values):
    assert logsumexp(np.array(values), axis=0) == pytest.approx(scipy.special.logsumexp(values), rel=1e-15)


def test_logsumexp_of_two_equal_huge_terms_is_the_term_plus_log_2():
    assert logsumexp(np.array([[1000.0, 1000.0]]), axis=1)[0] == 1000.0 + np.log(2.0)
    assert logsumexp(np.array([[-1000.0], [-1000.0]]), axis=0)[0] == pytest.approx(-1000.0 + np.log(2.0), rel=1e-16)


def test_logsumexp_of_an_impossible_slice_is_minus_infinity():
    values = np.array([[-np.inf, -np.inf], [-800.0, -np.inf]])
    assert logsumexp(values, axis=1).tolist() == [-np.inf, -800.0]
    assert logsumexp(values, axis=1, keepdims=True).shape == (2, 1)


@given(hnp.arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(1, 5)),
                  elements=st.floats(-1e6, 1e6)), st.integers(0, 1))
def test_logsumexp_agrees_with_scipy_along_either_axis(values, axis):
    expected = scipy.special.logsumexp(values, axis=axis)
    np.testing.assert_allclose(logsumexp(values, axis=axis), expected, rtol=1e-14, atol=1e-9)


@given(hnp.arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(1, 5)),
                  elements=st.floats(-1e6, 1e6)))
def test_log_normalize_gives_rows_that_sum_to_one_and_their_log_totals(log_weights):
    log_probabilities, log_totals = log_normalize(log_weights)
    np.testing.assert_allclose(np.exp(log_probabilities).sum(axis=1), 1.0, rtol=1e-14)
    np.testing.assert_allclose(log_totals, scipy.special.logsumexp(log_weights, axis=1), rtol=1e-14, atol=1e-9)
    np.testing.assert_allclose(log_probabilities, log_weights - log_totals[:, None], rtol=1e-12, atol=1e-6)


def test_log_normalize_of_huge_logs():
    log_probabilities, log_totals = log_normalize(np.array([[-2000.0, -2000.0 + np.log(3.0)]]))
    # -2000 + log 3 is itself rounded to 2.3e-13 (a spacing of floats near 2000)
    np.testing.assert_allclose(np.exp(log_probabilities), [[0.25, 0.75]], rtol=1e-12)
    assert log_totals[0] == pytest.approx(-2000.0 + np.log(4.0), rel=1e-16)


def test_weighted_logs_counts_zero_times_log_zero_as_zero():
    logs = np.array([-np.inf, -np.inf, -2.0])
    assert weighted_logs(np.array([0.0, 1.0, 0.5]), logs).tolist() == [0.0, -np.inf, -1.0]
