"""hmm.fit's fast path (emlib/_engine/hmm.py) against the verbs of emlib.hmm.

The engine's forward–backward in blocks of steps gives e_step's numbers for
every block length, over several sequences, with transitions that are 0, and
falls back to the log-space recursions where scaled products underflow; fit
on the engine is EM with the verbs, iteration by iteration.
"""

from __future__ import annotations

import numpy as np
import pytest
from test_hmm import random_params

from emlib import em, hmm
from emlib._engine import hmm as engine


def engine_e_step(X, params, lengths=None, block=None):
    _, log_b, log_start, log_A, sequences = hmm._logs(X, params, lengths)
    used_logs = []

    def fallback(rows):
        used_logs.append(rows)
        return hmm._posteriors(log_b[rows], log_start, log_A)

    expectations, total = engine.expectations(log_b, log_start, log_A, sequences, fallback, block=block)
    return expectations, total, used_logs


@pytest.mark.parametrize("emissions", ["categorical", "diag", "full"])
@pytest.mark.parametrize("block", [None, 1, 3, 64, 10_000])
def test_blocks_give_the_verbs_expectations(emissions, block):
    rng = np.random.default_rng(len(emissions) + (block or 0))
    params = random_params(rng, 4, emissions)
    transitions = np.array(params.transitions)
    transitions[0, 1] = transitions[2, 3] = 0.0  # transitions that never happen
    params = params._replace(transitions=transitions / transitions.sum(axis=1, keepdims=True))
    lengths = [1, 2, 157, 40, 300]
    X = np.concatenate([hmm.sample(params, n, rng=rng)[0] for n in lengths])

    want, want_ll = hmm.e_step(X, params, lengths=lengths)
    (resp, counts, start_counts), total, used_logs = engine_e_step(X, params, lengths, block)

    assert used_logs == []
    np.testing.assert_allclose(resp, want.resp, rtol=0, atol=1e-11)
    np.testing.assert_allclose(counts, want.transition_counts, rtol=1e-10, atol=1e-11)
    np.testing.assert_allclose(start_counts, want.start_counts, rtol=0, atol=1e-11)
    assert total == pytest.approx(want_ll, rel=1e-12)
    assert counts[0, 1] == counts[2, 3] == 0.0


def test_a_long_sequence_in_blocks():
    rng = np.random.default_rng(5)
    params = random_params(rng, 3, "diag")
    X, _ = hmm.sample(params, 20_000, rng=rng)
    want, want_ll = hmm.e_step(X, params)
    (resp, counts, _), total, _ = engine_e_step(X, params)
    # the verbs' logs near -3e4 carry rounding of about 3e-12 each, over 20 000 steps
    np.testing.assert_allclose(resp, want.resp, rtol=0, atol=1e-9)
    np.testing.assert_allclose(counts, want.transition_counts, rtol=1e-8)
    assert total == pytest.approx(want_ll, rel=1e-12)


def test_a_product_below_the_smallest_float_is_done_in_logs():
    # state 0 shows only 0, state 1 only 1, and 0 -> 1 has probability 1e-310 (below the smallest
    # normal float64): the scaled forward variable after "0 1" underflows; logs do not
    params = hmm.Params([1.0, 0.0], [[1.0, 1e-310], [0.5, 0.5]], hmm.Categorical([[1.0, 0.0], [0.0, 1.0]]))
    X = np.array([[0], [0], [1], [1], [0]])
    want, want_ll = hmm.e_step(X, params)
    (resp, counts, _), total, used_logs = engine_e_step(X, params)
    assert len(used_logs) == 1
    assert total == want_ll == pytest.approx(np.log(1e-310) + 2 * np.log(0.5), rel=1e-12)
    np.testing.assert_array_equal(resp, want.resp)
    np.testing.assert_array_equal(counts, want.transition_counts)


def test_an_impossible_sequence_is_minus_infinity_and_fit_says_so():
    params = hmm.Params([1.0, 0.0], [[0.0, 1.0], [0.0, 1.0]], hmm.Categorical([[1.0, 0.0], [0.0, 1.0]]))
    X = np.array([[0], [1], [0]])  # 1 -> 0 never happens
    expectations, total, _ = engine_e_step(X, params)
    assert expectations is None and total == -np.inf
    with pytest.raises(ValueError, match="X is impossible under params"):
        hmm.e_step(X, params)
    with pytest.raises(ValueError, match="X is impossible under params"):
        hmm.fit(X, params)


def em_with_the_verbs(X, params0, lengths, reg_covar, max_iter):
    def m_step_at(expectations, params):
        return hmm.m_step(X, expectations, params, reg_covar=reg_covar)

    return em.run(params0, lambda params: hmm.e_step(X, params, lengths=lengths), m_step_at,
                  max_iter=max_iter, tol=0, n_rows=len(X))


@pytest.mark.parametrize("emissions, covariances, reg_covar", [
    ("categorical", None, 0.0), ("diag", "diag", 0.0), ("full", "full", 1e-3), ("diag", "spherical", 0.01)])
def test_fit_is_em_with_the_verbs(emissions, covariances, reg_covar):
    rng = np.random.default_rng(11)
    truth = random_params(rng, 3, emissions)
    lengths = [250, 90, 400]
    X = np.concatenate([hmm.sample(truth, n, rng=rng)[0] for n in lengths])
    start = random_params(rng, 3, emissions)
    if covariances == "spherical":
        start = start._replace(emissions=hmm.Gaussian(start.emissions.means, start.emissions.covariances[:, 0]))

    got = hmm.fit(X, start, lengths=lengths, max_iter=12, tol=0, reg_covar=reg_covar)
    want = em_with_the_verbs(X, start, lengths, reg_covar, 12)

    np.testing.assert_allclose(got.log_likelihoods, want.log_likelihoods, rtol=1e-10)
    for got_part, want_part in zip(got.params[:2] + tuple(got.params.emissions),
                                   want.params[:2] + tuple(want.params.emissions)):
        np.testing.assert_allclose(got_part, want_part, rtol=1e-8, atol=1e-10)
