"""Q(theta | theta_t), the entropy, and the lower bound EM climbs, for the coins and the Gaussian mixture."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from emlib import calculus, coins, em, gmm

SEEDS = st.integers(0, 2**32 - 1)


# --------------------------------------------------------------------------
# The entropy
# --------------------------------------------------------------------------


def test_entropy_by_hand():
    assert em.entropy([[1.0, 0.0], [0.0, 1.0]]) == 0.0
    assert em.entropy([[0.5, 0.5]]) == pytest.approx(np.log(2), rel=1e-15)
    assert em.entropy([[0.25] * 4, [0.2, 0.8, 0.0, 0.0]]) == pytest.approx(
        np.log(4) - 0.2 * np.log(0.2) - 0.8 * np.log(0.8), rel=1e-15)


@given(SEEDS, st.integers(1, 6))
def test_entropy_lies_between_0_and_n_log_k(seed, k):
    resp = np.random.default_rng(seed).dirichlet(np.ones(k) * 0.3, size=20)
    resp /= resp.sum(axis=1, keepdims=True)
    assert -1e-12 <= em.entropy(resp) <= 20 * np.log(k) + 1e-9


@pytest.mark.parametrize("resp, error, message", [
    ([[0.5, 0.6]], ValueError, "each row of resp must sum to 1; row 0 sums to 1.1"),
    ([[1.5, -0.5]], ValueError, "resp must hold probabilities between 0 and 1"),
    ([0.5, 0.5], ValueError, r"resp must be a 2-d array of shape \(n_samples, k\)"),
    (None, TypeError, "resp must be an array of real numbers"),
])
def test_entropy_checks_resp(resp, error, message):
    with pytest.raises(error, match=message):
        em.entropy(resp)


# --------------------------------------------------------------------------
# Coins
# --------------------------------------------------------------------------

HEADS, TOSSES = np.array([5, 9, 8, 4, 7]), 10


def test_coins_expected_log_likelihood_with_known_coins_is_the_complete_data_log_likelihood():
    coin_of_row = np.array([1, 0, 0, 1, 0])  # the seed's B, A, A, B, A
    theta = np.array([0.8, 0.45])
    expected = sum(h * np.log(theta[c]) + (10 - h) * np.log(1 - theta[c]) + np.log(0.5)
                   for h, c in zip(HEADS, coin_of_row))
    value = coins.expected_log_likelihood(HEADS, TOSSES, theta, np.eye(2)[coin_of_row])
    assert value == pytest.approx(expected, rel=1e-14)


@given(SEEDS)
def test_coins_log_likelihood_is_q_plus_entropy_at_theta_t(seed):
    rng = np.random.default_rng(seed)
    tosses = rng.integers(1, 40, size=6)
    heads = rng.integers(0, tosses + 1)
    theta_t = rng.uniform(0.02, 0.98, size=3)
    weights = rng.dirichlet(np.ones(3))
    resp = coins.e_step(heads, tosses, theta_t, weights)
    q = coins.q_function(heads, tosses, theta_t, theta_t, weights)
    assert q + em.entropy(resp) == pytest.approx(coins.log_likelihood(heads, tosses, theta_t, weights), rel=1e-11)


@given(SEEDS)
def test_coins_q_gain_never_exceeds_the_log_likelihood_gain(seed):
    rng = np.random.default_rng(seed)
    tosses = rng.integers(1, 40, size=6)
    heads = rng.integers(0, tosses + 1)
    theta_t = rng.uniform(0.02, 0.98, size=2)
    thetas = rng.uniform(0.01, 0.99, size=(50, 2))
    q_gain = coins.q_function(heads, tosses, thetas, theta_t) - coins.q_function(heads, tosses, theta_t, theta_t)
    l_gain = coins.log_likelihood(heads, tosses, thetas) - coins.log_likelihood(heads, tosses, theta_t)
    assert np.all(q_gain <= l_gain + 1e-9 * np.abs(l_gain).max())


def test_coins_m_step_maximises_q():
    theta_t = np.array([0.6, 0.5])
    best = coins.m_step(HEADS, TOSSES, coins.e_step(HEADS, TOSSES, theta_t))
    grid = np.stack(np.meshgrid(np.linspace(0.01, 0.99, 99), np.linspace(0.01, 0.99, 99)), axis=-1)
    q_grid = coins.q_function(HEADS, TOSSES, grid, theta_t)
    assert coins.q_function(HEADS, TOSSES, best, theta_t) >= q_grid.max()
    assert q_grid.shape == (99, 99)


def test_coins_expected_log_likelihood_checks_shapes():
    with pytest.raises(ValueError, match=r"resp must have one column per coin, 2; got shape \(5, 3\)"):
        coins.expected_log_likelihood(HEADS, TOSSES, [0.6, 0.5], np.full((5, 3), 1 / 3))
    with pytest.raises(ValueError, match=r"resp must have one row per row of heads \(5\)"):
        coins.expected_log_likelihood(HEADS, TOSSES, [0.6, 0.5], np.full((4, 2), 0.5))


def test_coins_q_is_minus_infinity_where_a_credited_row_is_impossible():
    value = coins.expected_log_likelihood([10], 10, [1.0, 0.0], [[0.5, 0.5]])
    assert value == -np.inf
    assert coins.expected_log_likelihood([10], 10, [1.0, 0.0], [[1.0, 0.0]]) == pytest.approx(np.log(0.5))


# --------------------------------------------------------------------------
# Gaussian mixtures
# --------------------------------------------------------------------------


def random_mixture(rng, k: int, d: int, kind: str) -> gmm.Params:
    A = rng.normal(size=(k, d, d))
    full = A @ A.swapaxes(1, 2) + 0.3 * np.eye(d)
    covariances = {"full": full, "tied": full[0], "diag": np.diagonal(full, axis1=1, axis2=2).copy(),
                   "spherical": np.diagonal(full, axis1=1, axis2=2).mean(axis=1)}[kind]
    return gmm.Params(rng.dirichlet(np.ones(k)), rng.normal(scale=2, size=(k, d)), covariances, kind)


KINDS = st.sampled_from(gmm.COVARIANCE_TYPES)


@given(SEEDS, st.integers(1, 3), st.integers(1, 3), KINDS)
def test_gmm_log_likelihood_is_q_plus_entropy_at_theta_t(seed, k, d, kind):
    rng = np.random.default_rng(seed)
    X = rng.normal(scale=2, size=(30, d))
    params_t = random_mixture(rng, k, d, kind)
    resp, log_likelihood = gmm.e_step(X, params_t)
    assert gmm.q_function(X, params_t, params_t) + em.entropy(resp) == pytest.approx(log_likelihood, rel=1e-10)


@given(SEEDS, st.integers(1, 3), st.integers(1, 3), KINDS)
def test_gmm_q_gain_never_exceeds_the_log_likelihood_gain(seed, k, d, kind):
    rng = np.random.default_rng(seed)
    X = rng.normal(scale=2, size=(30, d))
    params_t, params = random_mixture(rng, k, d, kind), random_mixture(rng, k, d, kind)
    q_gain = gmm.q_function(X, params, params_t) - gmm.q_function(X, params_t, params_t)
    l_gain = gmm.log_likelihood(X, params) - gmm.log_likelihood(X, params_t)
    assert q_gain <= l_gain + 1e-9 * max(1.0, abs(l_gain))


@pytest.mark.parametrize("kind", ["diag", "spherical"])
def test_gmm_m_step_maximises_q(kind):
    rng = np.random.default_rng(8)
    X, _ = gmm.sample(random_mixture(rng, 2, 2, "full"), 200, rng=rng)
    params_t = random_mixture(rng, 2, 2, kind)
    best = gmm.m_step(X, gmm.e_step(X, params_t)[0], covariance_type=kind, reg_covar=0)
    q_best = gmm.q_function(X, best, params_t)
    for _ in range(200):
        step = rng.normal(scale=0.05, size=4 + np.size(best.covariances))
        weights = np.clip(best.weights + [step[0], -step[0]], 0.01, None)
        nearby = best._replace(weights=weights / weights.sum(), means=best.means + step[1:3],
                               covariances=best.covariances * np.exp(step[4:].reshape(np.shape(best.covariances))))
        assert gmm.q_function(X, nearby, params_t) <= q_best


def test_gmm_m_step_maximises_q_for_a_tied_covariance_in_every_direction():
    # steps move the weights, the means and every entry of the shared Cholesky factor
    rng = np.random.default_rng(10)
    X, _ = gmm.sample(random_mixture(rng, 2, 2, "full"), 200, rng=rng)
    params_t = random_mixture(rng, 2, 2, "tied")
    best = gmm.m_step(X, gmm.e_step(X, params_t)[0], covariance_type="tied", reg_covar=0)
    q_best, factor, lower = gmm.q_function(X, best, params_t), np.linalg.cholesky(best.covariances), np.tril_indices(2)
    for _ in range(300):
        step = rng.normal(scale=0.05, size=8)
        weights = np.clip(best.weights + [step[0], -step[0]], 0.01, None)
        moved = factor.copy()
        moved[lower] += step[5:]
        nearby = best._replace(weights=weights / weights.sum(), means=best.means + step[1:5].reshape(2, 2),
                               covariances=moved @ moved.T)
        assert gmm.q_function(X, nearby, params_t) <= q_best


def test_gmm_m_step_maximises_q_for_full_covariances_in_every_direction():
    # steps in the unconstrained parameters of calculus.pack move every entry of
    # every covariance, including the correlations
    rng = np.random.default_rng(9)
    X, _ = gmm.sample(random_mixture(rng, 2, 2, "full"), 200, rng=rng)
    params_t = random_mixture(rng, 2, 2, "full")
    best = gmm.m_step(X, gmm.e_step(X, params_t)[0], reg_covar=0)
    q_best, vector = gmm.q_function(X, best, params_t), calculus.pack(best)
    for _ in range(300):
        nearby = calculus.unpack(vector + rng.normal(scale=0.05, size=vector.shape), 2, 2)
        assert gmm.q_function(X, nearby, params_t) <= q_best


def test_gmm_q_function_needs_matching_components():
    X = np.zeros((3, 1)) + [[0.0], [1.0], [2.0]]
    two = gmm.Params([0.5, 0.5], [[0.0], [1.0]], [1.0, 1.0])
    three = gmm.Params([0.2, 0.3, 0.5], [[0.0], [1.0], [2.0]], [1.0, 1.0, 1.0])
    with pytest.raises(ValueError, match=r"params_t must have as many components as params \(2\); got 3"):
        gmm.q_function(X, two, three)


def test_gmm_expected_log_likelihood_with_known_labels_is_the_complete_data_log_likelihood():
    X = np.array([[0.0], [1.0], [4.0]])
    params = gmm.Params([0.25, 0.75], [[0.5], [4.0]], [1.0, 2.0])
    labels = np.array([0, 0, 1])
    weights, means, variances = (np.asarray(part) for part in params)
    expected = sum(np.log(weights[j]) - 0.5 * np.log(2 * np.pi * variances[j])
                   - (x[0] - means[j, 0]) ** 2 / (2 * variances[j]) for x, j in zip(X, labels))
    assert gmm.expected_log_likelihood(X, params, np.eye(2)[labels]) == pytest.approx(expected, rel=1e-14)


def test_gmm_a_weight_zero_component_with_responsibility_gives_minus_infinity():
    X = np.array([[0.0], [1.0]])
    params = gmm.Params([1.0, 0.0], [[0.0], [1.0]], [1.0, 1.0])
    assert gmm.expected_log_likelihood(X, params, [[1.0, 0.0], [0.5, 0.5]]) == -np.inf
    assert np.isfinite(gmm.expected_log_likelihood(X, params, [[1.0, 0.0], [1.0, 0.0]]))


def test_gmm_expected_log_likelihood_checks_shapes():
    X = np.zeros((3, 1))
    params = gmm.Params([0.5, 0.5], [[0.0], [1.0]], [1.0, 1.0])
    with pytest.raises(ValueError, match=r"resp must have one column per component, 2; got shape \(3, 1\)"):
        gmm.expected_log_likelihood(X, params, np.ones((3, 1)))
    with pytest.raises(ValueError, match=r"resp must have one row per row of X \(3\)"):
        gmm.expected_log_likelihood(X, params, np.full((2, 2), 0.5))
