"""emlib.gmm: agreement with scikit-learn, hand-checked values, the laws of EM, and bad input."""

from __future__ import annotations

import itertools
import pickle
import re
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import multivariate_normal, norm
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture

from emlib import datasets, em, gmm, kmeans
from emlib._engine import gmm as engine
from emlib.gmm import Params

KINDS = gmm.COVARIANCE_TYPES


def synthetic() -> np.ndarray:
    X, _ = datasets.make_blobs([(0, 0, 0), (4, 1, 0), (1, 4, 1)], 150, [1.0, 0.6, 1.5], rng=3)
    return X


def iris() -> np.ndarray:
    return load_iris().data


def as_kind(params: Params, kind: str) -> Params:
    """The same start with ``kind`` covariances (tied: the components' covariances pooled by weight)."""
    covariances = np.asarray(params.covariances)
    diagonals = np.diagonal(covariances, axis1=1, axis2=2)
    value = {"full": covariances, "tied": np.einsum("k,kij->ij", np.asarray(params.weights), covariances),
             "diag": diagonals, "spherical": diagonals.mean(axis=1)}[kind]
    return Params(params.weights, params.means, value, kind)


def pooled(covariances: list[np.ndarray], counts: list[float]) -> np.ndarray:
    """The tied covariance of groups with these covariances and sizes."""
    return np.einsum("k,kij->ij", np.asarray(counts, dtype=float), np.asarray(covariances)) / np.sum(counts)


def start(X: np.ndarray, k: int, kind: str, seed: int = 0) -> Params:
    """A start that is not yet a fixed point: one EM step from a k-means++ hard assignment."""
    return as_kind(gmm.fit(X, k, max_iter=1, tol=0, rng=seed).params, kind)


def sklearn_fit(X, params: Params, kind: str, max_iter: int, reg_covar: float) -> GaussianMixture:
    precisions = np.linalg.inv(params.covariances) if kind in ("full", "tied") else 1 / params.covariances
    model = GaussianMixture(len(params.weights), covariance_type=kind, weights_init=params.weights,
                            means_init=params.means, precisions_init=precisions, tol=0,
                            max_iter=max_iter, reg_covar=reg_covar)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(X)


# --------------------------------------------------------------------------
# Agreement with scikit-learn
# --------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("data, k", [(synthetic, 3), (iris, 3), (iris, 5)], ids=["synthetic", "iris3", "iris5"])
@pytest.mark.parametrize("reg_covar", [1e-6, 1e-2])
def test_fit_agrees_with_sklearn_at_every_iteration(kind, data, k, reg_covar):
    X = data()
    params0 = start(X, k, kind)
    n_iter = 30
    ours = gmm.fit(X, params0, covariance_type=kind, max_iter=n_iter, tol=0, reg_covar=reg_covar)
    theirs = sklearn_fit(X, params0, kind, n_iter, reg_covar)
    assert ours.n_iter == n_iter and not ours.converged
    assert len(theirs.lower_bounds_) == n_iter
    # lower_bounds_[t] is the log-likelihood per sample of the parameters after t iterations
    np.testing.assert_allclose(ours.log_likelihoods[:n_iter] / len(X), theirs.lower_bounds_, rtol=1e-9)
    np.testing.assert_allclose(ours.params.weights, theirs.weights_, rtol=1e-7)
    np.testing.assert_allclose(ours.params.means, theirs.means_, rtol=1e-7)
    np.testing.assert_allclose(ours.params.covariances, theirs.covariances_, rtol=1e-7)


@pytest.mark.parametrize("kind", KINDS)
def test_log_likelihood_bic_aic_and_parameter_count_agree_with_sklearn(kind):
    X = iris()
    params0 = start(X, 3, kind)
    theirs = sklearn_fit(X, params0, kind, 20, 1e-6)
    params = Params(theirs.weights_, theirs.means_, theirs.covariances_)
    assert gmm.n_parameters(params) == theirs._n_parameters()
    assert gmm.log_likelihood(X, params) == pytest.approx(theirs.score(X) * len(X), rel=1e-12)
    assert gmm.bic(X, params) == pytest.approx(theirs.bic(X), rel=1e-12)
    assert gmm.aic(X, params) == pytest.approx(theirs.aic(X), rel=1e-12)
    assert type(gmm.bic(X, params)) is type(gmm.aic(X, params)) is type(gmm.log_likelihood(X, params)) is float
    np.testing.assert_allclose(gmm.e_step(X, params)[0], theirs.predict_proba(X), atol=1e-12)
    np.testing.assert_array_equal(gmm.predict(X, params), theirs.predict(X))


def test_parameter_counts_by_hand():
    k, d = 3, 4
    weights, means = np.full(k, 1 / k), np.zeros((k, d))
    assert gmm.n_parameters(Params(weights, means, np.stack([np.eye(d)] * k))) == 2 + 12 + 30
    assert gmm.n_parameters(Params(weights, means, np.ones((k, d)))) == 2 + 12 + 12
    assert gmm.n_parameters(Params(weights, means, np.ones(k))) == 2 + 12 + 3


# --------------------------------------------------------------------------
# The E-step and the log-likelihood against the densities
# --------------------------------------------------------------------------


def test_e_step_is_bayes_rule_with_normal_densities_1d():
    # the seed's two groups: N(0.6, 0.003) and N(0.02, 0.03), given as variances
    params = Params([0.3, 0.7], [[0.6], [0.02]], [0.003, 0.03])
    x = np.array([0.0, 0.3, 0.45, 0.6, 1.0])
    joint = np.stack([0.3 * norm.pdf(x, 0.6, np.sqrt(0.003)), 0.7 * norm.pdf(x, 0.02, np.sqrt(0.03))], axis=1)
    resp, log_likelihood = gmm.e_step(x[:, None], params)
    np.testing.assert_allclose(resp, joint / joint.sum(axis=1, keepdims=True), rtol=1e-12)
    assert log_likelihood == pytest.approx(np.log(joint.sum(axis=1)).sum(), rel=1e-13)


@pytest.mark.parametrize("kind", KINDS)
def test_log_likelihood_matches_scipy_densities(kind):
    rng = np.random.default_rng(5)
    X = rng.normal(size=(40, 3)) * [1, 3, 0.5] + 7
    A = rng.normal(size=(2, 3, 3))
    full = A @ A.swapaxes(1, 2) + np.eye(3)
    params = as_kind(Params([0.4, 0.6], rng.normal(size=(2, 3)) + 7, full), kind)
    to_matrix = {"full": lambda c: c, "tied": lambda c: c, "diag": np.diag, "spherical": lambda c: c * np.eye(3)}[kind]
    covs = [to_matrix(c) for c in (params.covariances[None].repeat(2, 0) if kind == "tied" else params.covariances)]
    density = sum(w * multivariate_normal(m, c).pdf(X) for w, m, c in zip(params.weights, params.means, covs))
    assert gmm.log_likelihood(X, params) == pytest.approx(np.log(density).sum(), rel=1e-12)
    np.testing.assert_allclose(gmm.log_density(X, params), np.log(density), rtol=1e-12)


def test_far_points_get_exact_responsibilities_not_nan():
    params = Params([0.5, 0.5], [[0.0], [1.0]], [1e-4, 1e-4])
    resp, log_likelihood = gmm.e_step([[1e3], [-1e3], [0.5]], params)
    np.testing.assert_allclose(resp, [[0, 1], [1, 0], [0.5, 0.5]], atol=1e-12)
    assert np.isfinite(log_likelihood)


def test_a_component_of_weight_zero_gets_no_responsibility():
    params = Params([1.0, 0.0], [[0.0], [1.0]], [1.0, 1.0])
    resp, log_likelihood = gmm.e_step([[1.0], [5.0]], params)
    np.testing.assert_array_equal(resp[:, 1], 0)
    assert log_likelihood == pytest.approx(norm.logpdf([1.0, 5.0]).sum())


def test_results_do_not_depend_on_a_shift_of_the_data():
    X = synthetic()
    params0 = start(X, 3, "full")
    shift = np.array([1e4, -3e3, 50.0])
    a = gmm.fit(X, params0, max_iter=15, tol=0)
    b = gmm.fit(X + shift, params0._replace(means=params0.means + shift), max_iter=15, tol=0)
    np.testing.assert_allclose(b.log_likelihoods, a.log_likelihoods, rtol=1e-9)
    np.testing.assert_allclose(b.params.means - shift, a.params.means, atol=1e-8)
    np.testing.assert_allclose(b.params.covariances, a.params.covariances, rtol=1e-7)


# --------------------------------------------------------------------------
# The M-step
# --------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_m_step_of_a_hard_assignment_is_each_groups_mean_and_mle_covariance(kind):
    X = synthetic()
    labels = np.repeat([0, 1, 2], 150)
    params = gmm.m_step(X, np.eye(3)[labels], covariance_type=kind, reg_covar=0)
    covs = [np.cov(X[labels == j].T, bias=True) for j in range(3)]
    for j in range(3):
        cov = covs[j]
        np.testing.assert_allclose(params.means[j], X[labels == j].mean(axis=0), rtol=1e-12)
        if kind != "tied":
            expected = {"full": cov, "diag": np.diag(cov), "spherical": np.diag(cov).mean()}[kind]
            np.testing.assert_allclose(params.covariances[j], expected, rtol=1e-10)
    if kind == "tied":  # the groups' covariances pooled: the within-group scatter over n
        np.testing.assert_allclose(params.covariances, pooled(covs, [150, 150, 150]), rtol=1e-10)
    np.testing.assert_allclose(params.weights, 1 / 3)


def test_m_step_adds_reg_covar_to_the_diagonal():
    X = synthetic()
    resp = gmm.e_step(X, start(X, 3, "full"))[0]
    plain = gmm.m_step(X, resp, reg_covar=0)
    regular = gmm.m_step(X, resp, reg_covar=0.25)
    np.testing.assert_allclose(regular.covariances - plain.covariances, 0.25 * np.eye(3)[None].repeat(3, 0),
                               atol=1e-12)


@given(st.integers(0, 2**32 - 1), st.sampled_from(KINDS))
def test_integer_sample_weights_are_repeated_rows(seed, kind):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(30, 2)) * rng.uniform(0.5, 3, size=2)
    counts = rng.integers(0, 4, size=30)
    counts[0] = 1
    resp = rng.dirichlet(np.ones(3), size=30)
    weighted = gmm.m_step(X, resp, covariance_type=kind, sample_weight=counts)
    repeated = gmm.m_step(np.repeat(X, counts, axis=0), np.repeat(resp, counts, axis=0), covariance_type=kind)
    for a, b in zip(weighted, repeated):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)


def test_fit_with_sample_weights_equals_fit_on_repeated_rows():
    X = iris()
    counts = np.random.default_rng(2).integers(1, 4, size=len(X))
    params0 = start(X, 3, "full")
    weighted = gmm.fit(X, params0, sample_weight=counts, max_iter=20, tol=0)
    repeated = gmm.fit(np.repeat(X, counts, axis=0), params0, max_iter=20, tol=0)
    np.testing.assert_allclose(weighted.log_likelihoods, repeated.log_likelihoods, rtol=1e-11)
    np.testing.assert_allclose(weighted.params.covariances, repeated.params.covariances, rtol=1e-9)


@pytest.mark.parametrize("kind", KINDS)
def test_fit_agrees_with_e_step_then_m_step(kind):
    X = synthetic()
    params = start(X, 3, kind)
    result = gmm.fit(X, params, covariance_type=kind, max_iter=3, tol=0, reg_covar=1e-3)
    for before, after in zip(result.history, result.history[1:]):
        resp, log_likelihood = gmm.e_step(X, params)
        assert before.log_likelihood == pytest.approx(log_likelihood, rel=1e-12)
        params = gmm.m_step(X, resp, covariance_type=kind, reg_covar=1e-3)
        for a, b in zip(after.params, params):
            np.testing.assert_allclose(a, b, rtol=1e-11)
    assert result.log_likelihood == pytest.approx(gmm.log_likelihood(X, result.params), rel=1e-12)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("offset, spread", [(3e3, 3e-3), (1e6, 1e-3)])
def test_m_step_is_exact_for_tight_groups_far_apart(kind, offset, spread):
    # the squares of the data are 1e12 times the groups' variances or more: nothing may cancel
    rng = np.random.default_rng(0)
    X = np.r_[rng.normal(0, spread, (30, 1)), rng.normal(offset, spread * 1000, (30, 1))]
    params = gmm.m_step(X, np.eye(2)[np.repeat([0, 1], 30)], covariance_type=kind, reg_covar=0)
    variances = [X[:30].var(), X[30:].var()]
    expected = [np.mean(variances)] if kind == "tied" else variances  # tied: pooled, 30 rows each
    np.testing.assert_allclose(np.ravel(params.covariances), expected, rtol=1e-9)


@pytest.mark.parametrize("kind", KINDS)
def test_a_mean_that_moves_very_far_keeps_its_covariance_exact(kind):
    rng = np.random.default_rng(1)
    X = rng.normal(1e4, 1e-4, (100, 2))
    params0 = as_kind(Params([1.0], [[0.0, 0.0]], [np.eye(2)]), kind)
    result = gmm.fit(X, params0, covariance_type=kind, reg_covar=0, max_iter=3, tol=0)
    cov = np.cov(X.T, bias=True)
    expected = {"full": cov[None], "tied": cov, "diag": np.diag(cov)[None], "spherical": [np.diag(cov).mean()]}[kind]
    np.testing.assert_allclose(result.params.covariances, expected, rtol=1e-9)


def test_a_point_beyond_every_component_is_an_error_not_nan():
    with pytest.raises(ValueError, match="its density is 0 in float64: the log-likelihood is -inf"):
        gmm.e_step([[1e5], [0.0]], Params([1.0], [[0.0]], [1e-300]))


@pytest.mark.parametrize("kind", ["diag", "spherical"])
def test_whitened_squares_beyond_float64_of_points_a_component_has_no_share_of(kind):
    # a component of standard deviation 1e-155 on the point at 0: the others lie ~1e155 of its
    # deviations away, their whitened squares overflow to inf, and 0 * inf must not make the scatter NaN
    rng = np.random.default_rng(2)
    group = rng.normal(5.0, 1.0, (200, 2))
    X = np.r_[[[0.0, 0.0]], group]
    variances = {"diag": [[1e-310, 1e-310], [1.0, 1.0]], "spherical": [1e-310, 1.0]}[kind]
    params0 = Params([0.5, 0.5], [[0.0, 0.0], [5.0, 5.0]], variances)
    result = gmm.fit(X, params0, covariance_type=kind, max_iter=1, tol=0, reg_covar=1e-6)
    np.testing.assert_allclose(result.params.weights, [1 / 201, 200 / 201], rtol=1e-12)
    np.testing.assert_allclose(result.params.means, [[0.0, 0.0], group.mean(axis=0)], rtol=1e-12, atol=1e-300)
    spread = group.var(axis=0) if kind == "diag" else group.var(axis=0).mean()
    np.testing.assert_allclose(result.params.covariances[1], spread + 1e-6, rtol=1e-12)
    np.testing.assert_allclose(result.params.covariances[0], 1e-6, rtol=1e-12)


@pytest.mark.parametrize("kind", KINDS)
def test_the_size_of_the_blocks_does_not_change_the_result(kind, monkeypatch):
    X = synthetic()
    params0 = start(X, 3, kind)
    log_resp, log_density = engine.log_resp(X, params0)
    result = gmm.fit(X, params0, covariance_type=kind, max_iter=5, tol=0)
    # blocks of 7 rows (16 for full covariances), the last one shorter
    monkeypatch.setattr(engine, "_BLOCK_ENTRIES", 1)
    monkeypatch.setattr(engine, "_SQUARES_ENTRIES", 1)
    monkeypatch.setattr(engine, "_MIN_ROWS", 7)
    small_log_resp, small_log_density = engine.log_resp(X, params0)
    np.testing.assert_allclose(np.exp(small_log_resp), np.exp(log_resp), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(small_log_density, log_density, rtol=1e-13)
    small = gmm.fit(X, params0, covariance_type=kind, max_iter=5, tol=0)
    np.testing.assert_allclose(small.log_likelihoods, result.log_likelihoods, rtol=1e-12)
    for part, expected in zip(small.params, result.params):
        np.testing.assert_allclose(part, expected, rtol=1e-10)


def test_data_whose_squares_overflow_are_refused():
    with pytest.raises(ValueError, match=r"X spreads over more than 1e\+150 along a feature"):
        gmm.fit(np.array([[1.0, 2.0], [3.0, 5.0], [7.0, 1.0]]) * 1e160, 1)


def test_rows_of_weight_zero_are_never_chosen_as_starts():
    rng = np.random.default_rng(3)
    X = np.r_[rng.normal(0, 1, (50, 2)), rng.normal(100, 1, (5, 2))]
    weights = np.r_[np.ones(50), np.zeros(5)]
    for seed in range(10):
        result = gmm.fit(X, 2, sample_weight=weights, rng=seed)
        assert np.abs(result.params.means).max() < 3


def test_n_init_skips_starts_that_collapse_and_says_so_when_all_do():
    X = np.arange(5.0)[:, None]
    with pytest.raises(gmm.ComponentCollapse, match=r"all 2 start\(s\) failed; the last: .*Raise reg_covar"):
        gmm.fit(X, 5, reg_covar=0, n_init=2, rng=0)
    rng = np.random.default_rng(4)
    X = np.r_[rng.normal(size=(30, 1)), [[40.0]]]
    outcomes = []
    for seed in range(30):
        try:
            outcomes.append(gmm.fit(X, 2, init="random", reg_covar=0, rng=seed).log_likelihood)
        except gmm.ComponentCollapse:
            outcomes.append(None)
    assert None in outcomes and any(value is not None for value in outcomes)
    best = gmm.fit(X, 2, init="random", reg_covar=0, n_init=30, rng=np.random.default_rng(4))
    assert np.isfinite(best.log_likelihood)


# --------------------------------------------------------------------------
# fit: starts, restarts, hard EM (the laws of EM are in test_laws.py)
# --------------------------------------------------------------------------


def test_fit_from_k_is_reproducible_and_records_its_start():
    X = synthetic()
    a = gmm.fit(X, 3, rng=11)
    b = gmm.fit(X, 3, rng=11)
    np.testing.assert_array_equal(a.params.means, b.params.means)
    assert a.converged and a.n_iter == len(a.history) - 1
    assert a.history[-1].params is a.params
    with pytest.raises(ValueError, match="read-only"):
        a.params.means[0, 0] = 1.0


def test_tol_is_per_sample_and_zero_runs_max_iter():
    X = synthetic()
    params0 = start(X, 3, "full")
    assert gmm.fit(X, params0, max_iter=7, tol=0).n_iter == 7
    result = gmm.fit(X, params0, tol=1e-3)
    gains = np.diff(result.log_likelihoods)
    assert result.converged and abs(gains[-1]) < 1e-3 * len(X) and np.all(np.abs(gains[:-1]) >= 1e-3 * len(X))


def test_n_init_keeps_the_best_start():
    X = iris()
    rng = np.random.default_rng(7)
    separately = [gmm.fit(X, 5, rng=rng).log_likelihood for _ in range(6)]
    best = gmm.fit(X, 5, n_init=6, rng=np.random.default_rng(7))
    assert best.log_likelihood == max(separately) > min(separately)


@pytest.mark.parametrize("init", gmm.INIT_METHODS)
def test_both_inits_find_the_three_blobs(init):
    X = synthetic()
    result = gmm.fit(X, 3, init=init, n_init=3, rng=4)
    order = np.argsort(result.params.means[:, 0] + result.params.means[:, 1])
    np.testing.assert_allclose(result.params.means[order], [(0, 0, 0), (4, 1, 0), (1, 4, 1)], atol=0.35)


def test_hard_em_uses_one_hot_responsibilities():
    X = synthetic()
    params = start(X, 3, "full")
    result = gmm.fit(X, params, hard=True, max_iter=4, tol=0)
    for step in result.history[1:]:
        labels = gmm.predict(X, params)
        params = gmm.m_step(X, np.eye(3)[labels])
        for a, b in zip(step.params, params):
            np.testing.assert_allclose(a, b, rtol=1e-10)


def test_callback_sees_every_iteration():
    X = synthetic()
    seen = []
    result = gmm.fit(X, 2, max_iter=5, tol=0, rng=0, callback=lambda t, step: seen.append((t, step)))
    assert [t for t, _ in seen] == [1, 2, 3, 4, 5]
    assert [step for _, step in seen] == list(result.history[1:])


def test_the_seeds_two_groups_are_recovered():
    rng = np.random.default_rng(2016)
    true = Params([0.5, 0.5], [[0.6], [0.02]], [0.003, 0.03])
    X, _ = gmm.sample(true, 4000, rng=rng)
    fitted = gmm.fit(X, 2, covariance_type="spherical", n_init=3, rng=rng).params
    order = np.argsort(-fitted.means[:, 0])
    np.testing.assert_allclose(fitted.means[order, 0], [0.6, 0.02], atol=0.02)
    np.testing.assert_allclose(fitted.covariances[order], [0.003, 0.03], rtol=0.1)
    np.testing.assert_allclose(fitted.weights, 0.5, atol=0.03)


def test_known_groups_scatter_less_than_em_over_many_samples_but_not_always():
    """The chapter's claim: the labels carry information, so on average the known-group
    estimates are closer to the truth; on a single sample EM is often closer."""
    rng = np.random.default_rng(7)
    truth = np.array([0.6, 0.003, 0.02, 0.03])  # blue mean and variance, orange mean and variance
    start_params = Params([0.5, 0.5], [[0.4], [0.2]], [0.05, 0.05])
    em_errors, known_errors = [], []
    for _ in range(200):
        X, labels = datasets.make_blobs([[0.6], [0.02]], 300, np.sqrt([0.003, 0.03]), rng=rng)
        fitted = gmm.fit(X, start_params, covariance_type="spherical", reg_covar=0).params
        known = gmm.m_step(X, np.eye(2)[labels], covariance_type="spherical", reg_covar=0)
        em_errors.append(np.array([fitted.means[0, 0], fitted.covariances[0], fitted.means[1, 0],
                                   fitted.covariances[1]]) - truth)
        known_errors.append(np.array([known.means[0, 0], known.covariances[0], known.means[1, 0],
                                      known.covariances[1]]) - truth)
    em_errors, known_errors = np.array(em_errors), np.array(known_errors)
    gap = em_errors**2 - known_errors**2  # per sample, per parameter
    mean, standard_error = gap.mean(axis=0), gap.std(axis=0) / np.sqrt(len(gap))
    assert np.all(mean > 0)  # on average the known groups are closer, for every parameter
    decided = mean > 2 * standard_error
    assert decided[[0, 1, 3]].all()  # decided for blue's mean and variance and orange's variance
    em_closer = (np.abs(em_errors) < np.abs(known_errors)).mean(axis=0)
    assert np.all(em_closer > 0.3)  # yet EM is closer on many single samples


@pytest.mark.parametrize("seed", range(6))
def test_stretched_clouds_need_more_than_round_components(seed):
    """The chapter's claim on chapter 1's clouds: round models cut across them, whatever the
    start; diagonal and full covariances, started from the k-means answer and from the true
    clouds, prefer a fit that follows them."""
    X, cloud = datasets.stretched_clouds(100, rng=seed)
    labels_km = kmeans.fit(X, 3, rng=seed).labels

    def agreement(found):
        return max(np.mean(np.array(names)[found] == cloud) for names in itertools.permutations(range(3)))

    for kind in ("full", "diag", "spherical"):
        runs = [gmm.fit(X, gmm.m_step(X, np.eye(3)[labels], covariance_type=kind), covariance_type=kind)
                for labels in (labels_km, cloud)]
        best = max(runs, key=lambda run: run.log_likelihood)
        if kind == "spherical":
            assert agreement(gmm.predict(X, best.params)) < 0.5
        else:
            assert agreement(gmm.predict(X, best.params)) > 0.6


# --------------------------------------------------------------------------
# sample
# --------------------------------------------------------------------------


def test_sample_has_the_mixture_moments():
    cov = np.array([[2.0, 0.8], [0.8, 1.0]])
    params = Params([0.2, 0.8], [[-5.0, 0.0], [5.0, 1.0]], np.stack([cov, np.eye(2)]))
    X, labels = gmm.sample(params, 200_000, rng=0)
    assert X.shape == (200_000, 2) and labels.shape == (200_000,)
    assert labels.mean() == pytest.approx(0.8, abs=0.005)
    np.testing.assert_allclose(np.cov(X[labels == 0].T), cov, atol=0.04)
    np.testing.assert_allclose(X[labels == 1].mean(axis=0), [5.0, 1.0], atol=0.01)


@pytest.mark.parametrize("covariances", [[[4.0, 0.25]], [0.25]])
def test_sample_scales_by_the_standard_deviation(covariances):
    params = Params([1.0], [[1.0, -1.0]], covariances)
    X, _ = gmm.sample(params, 100_000, rng=5)
    expected = np.broadcast_to(np.ravel(covariances), (2,))
    np.testing.assert_allclose(X.var(axis=0), expected, rtol=0.02)


def test_sample_is_reproducible_and_takes_every_covariance_type():
    for covariances in (np.ones((2, 1, 1)), np.ones((2, 1)), np.ones(2)):
        params = Params([0.5, 0.5], [[0.0], [3.0]], covariances)
        a, b = gmm.sample(params, 50, rng=3), gmm.sample(params, 50, rng=3)
        np.testing.assert_array_equal(a[0], b[0])
    assert gmm.sample(params, 0, rng=0)[0].shape == (0, 1)


# --------------------------------------------------------------------------
# Collapse: a clear error, never NaN or LinAlgError
# --------------------------------------------------------------------------


def test_a_component_on_one_point_collapses_with_advice():
    X = np.array([[0.0], [0.1], [-0.1], [0.05], [8.0]])
    params0 = Params([0.8, 0.2], [[0.0], [8.0]], [1.0, 1.0])
    with pytest.raises(gmm.ComponentCollapse, match=r"after iteration \d+ of EM.*Raise reg_covar \(now 0.0\)"):
        gmm.fit(X, params0, covariance_type="spherical", reg_covar=0)
    result = gmm.fit(X, params0, covariance_type="spherical", reg_covar=1e-3)
    assert result.params.covariances[1] == pytest.approx(1e-3)


def test_a_collapse_error_is_a_value_error():
    assert issubclass(gmm.ComponentCollapse, ValueError)


def test_a_component_with_no_responsibility_is_an_error_without_reg_covar():
    X = np.array([[0.0], [1.0]])
    with pytest.raises(gmm.ComponentCollapse, match=re.escape(
            "component 1 has no responsibility left (its total responsibility is 0) and reg_covar is 0, so its "
            "covariance would be 0: start elsewhere, use fewer components, or make reg_covar positive (the "
            "component is then kept with weight 0)")):
        gmm.m_step(X, [[1, 0], [1, 0]], reg_covar=0)


@pytest.mark.parametrize("kind", gmm.COVARIANCE_TYPES)
@pytest.mark.parametrize("sample_weight", [None, [1.0, 3.0, 0.5]])
def test_a_component_with_no_responsibility_is_kept_with_weight_0_and_a_warning(kind, sample_weight):
    X = np.array([[0.0, 1.0], [1.0, 5.0], [4.0, 2.0]])
    resp = np.array([[1.0, 0.0, 0.0], [0.5, 0.0, 0.5], [0.0, 0.0, 1.0]])
    own = "" if kind == "tied" else "with covariance reg_covar = 0.25 on the diagonal, "  # tied: the shared one
    with pytest.warns(UserWarning, match=re.escape(
            f"component 1 of k = 3 got no responsibility: kept with weight 0, at the data's mean, {own}taking no "
            "part in the mixture.")):
        params = gmm.m_step(X, resp, covariance_type=kind, reg_covar=0.25, sample_weight=sample_weight)
    assert params.weights[1] == 0
    np.testing.assert_allclose(params.means[1], np.average(X, axis=0, weights=sample_weight), rtol=1e-15)
    if kind != "tied":
        expected = {"full": 0.25 * np.eye(2), "diag": [0.25, 0.25], "spherical": 0.25}[kind]
        np.testing.assert_allclose(params.covariances[1], expected, rtol=1e-15)
    # the other two are the M-step of the two columns alone
    kept = gmm.m_step(X, resp[:, [0, 2]], covariance_type=kind, reg_covar=0.25, sample_weight=sample_weight)
    np.testing.assert_allclose(params.weights[[0, 2]], kept.weights, rtol=1e-14)
    np.testing.assert_allclose(params.means[[0, 2]], kept.means, rtol=1e-14)
    np.testing.assert_allclose(params.covariances if kind == "tied" else params.covariances[[0, 2]],
                               kept.covariances, rtol=1e-14)
    # a mixture with a weight-0 component has the density of the others
    np.testing.assert_allclose(gmm.log_density(X, params), gmm.log_density(X, kept), rtol=1e-14)


def test_m_step_reports_a_singular_covariance():
    X = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]])
    with pytest.raises(ValueError, match=r"component 0's covariance is singular.*raise reg_covar \(now 0.0\)"):
        gmm.m_step(X, np.ones((3, 1)), reg_covar=0)


# --------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------

GOOD = Params([0.5, 0.5], [[0.0, 0.0], [1.0, 1.0]], np.stack([np.eye(2)] * 2))
X2 = np.arange(12.0).reshape(6, 2)


@pytest.mark.parametrize("params, error, message", [
    ("abc", TypeError, r"params must be a gmm.Params\(weights, means, covariances\); got str"),
    (GOOD._replace(weights=[0.5, np.nan]), ValueError, "params.weights contains NaN"),
    (GOOD._replace(weights=[-0.5, 1.5]), ValueError, r"params.weights must not be negative; got \[-0.5, 1.5\]"),
    (GOOD._replace(weights=[0.5, 0.6]), ValueError, "params.weights must sum to 1; they sum to 1.1"),
    (GOOD._replace(means=[[0.0, 0.0]]), ValueError, r"params.means must have one row per component, k = 2"),
    (GOOD._replace(means=[[0.0], [1.0]]), ValueError, r"params.means must have n_features = 2 columns"),
    (GOOD._replace(covariances=np.ones((2, 3, 3))), ValueError,
     r"params.covariances must have shape \(2, 2, 2\) for full covariances"),
    (GOOD._replace(covariances=np.ones((2, 2, 2, 2))), ValueError, "got a 4-d array"),
    (GOOD._replace(covariances=None), TypeError, "params.covariances must be an array of real numbers"),
    (GOOD._replace(covariances=np.stack([[[1, 0.5], [0, 1]], np.eye(2)])), ValueError,
     r"params.covariances\[0\] is not symmetric"),
    (GOOD._replace(covariances=np.stack([np.eye(2), [[1, 2], [2, 1]]])), ValueError,
     r"params.covariances\[1\] is not a covariance: its matrix is not positive definite"),
    (Params(GOOD.weights, GOOD.means, [[1.0, 1.0], [1.0, 0.0]], "diag"), ValueError,
     r"params.covariances\[1\] is not a covariance: its variances must be positive"),
    (GOOD._replace(covariances=[1.0, -1.0]), ValueError, r"params.covariances\[1\] is not a covariance"),
    (GOOD._replace(covariances=[1.0, np.inf]), ValueError, "params.covariances contains infinity"),
])
def test_bad_params_are_named(params, error, message):
    with pytest.raises(error, match=message):
        gmm.e_step(X2, params)


@pytest.mark.parametrize("X, error, message", [
    ([[0.0, np.nan]] * 6, ValueError, r"X\[:, 1\] has no observed entry: nothing is known about feature 1"),
    ([[0.0, np.inf]] * 6, ValueError, "X contains infinity"),
    (np.arange(6.0), ValueError, r"X must be a 2-d array \(n_samples, n_features\); got a 1-d array.*reshape"),
    (np.zeros((0, 2)), ValueError, "X must not be empty"),
    ([["a", "b"]], TypeError, "X must hold real numbers"),
    (None, TypeError, "X must be an array of real numbers"),
    (np.ones((3, 2)) * 1j, TypeError, "X must hold real numbers"),
])
def test_bad_data_is_named(X, error, message):
    if "observed" not in message:  # the E-step takes holes (tests/test_gmm_holes.py)
        with pytest.raises(error, match=message):
            gmm.e_step(X, GOOD)
    with pytest.raises(error, match=message):
        gmm.fit(X, 2)


@pytest.mark.parametrize("kwargs, error, message", [
    ({"k_or_params": 0}, ValueError, "k_or_params must be at least 1; got 0"),
    ({"k_or_params": 7}, ValueError, "k_or_params must be at most n_samples = 6; got 7"),
    ({"k_or_params": 2.0}, TypeError, "k_or_params must be an int .* or a gmm.Params; got float"),
    ({"k_or_params": True}, TypeError, "k_or_params must be an int"),
    ({"k_or_params": GOOD, "covariance_type": "diag"}, ValueError,
     "k_or_params has full covariances but covariance_type is 'diag'"),
    ({"k_or_params": GOOD, "n_init": 3}, ValueError, "n_init must be 1 when starting from given Params; got 3"),
    ({"covariance_type": "shared"}, ValueError,
     r"covariance_type must be one of \('full', 'tied', 'diag', 'spherical'\)"),
    ({"covariance_type": None}, TypeError, "covariance_type must be a string"),
    ({"init": "kmeans"}, ValueError, r"init must be one of \('k-means\+\+', 'random'\); got 'kmeans'"),
    ({"max_iter": -1}, ValueError, "max_iter must be at least 0; got -1"),
    ({"max_iter": 2.5}, TypeError, "max_iter must be an integer"),
    ({"tol": -1e-3}, ValueError, "tol must be at least 0"),
    ({"reg_covar": -1e-6}, ValueError, "reg_covar must be at least 0"),
    ({"reg_covar": np.nan}, ValueError, "reg_covar must be finite"),
    ({"n_init": 0}, ValueError, "n_init must be at least 1; got 0"),
    ({"rng": "seed"}, TypeError, "rng must be None, an int seed"),
    ({"sample_weight": [1.0] * 5}, ValueError, r"sample_weight must have one entry per row of X, shape \(6,\)"),
    ({"sample_weight": [-1.0] + [1.0] * 5}, ValueError, "sample_weight must not be negative"),
    ({"sample_weight": [0.0] * 6}, ValueError, "sample_weight must not be all zero"),
    ({"hard": "yes"}, TypeError, "hard must be True or False; got 'yes' \\(str\\)"),
    ({"callback": 3}, TypeError, "callback must be callable or None; got int"),
])
def test_bad_fit_arguments_are_named(kwargs, error, message):
    kwargs = {"k_or_params": 2, **kwargs}
    with pytest.raises(error, match=message):
        gmm.fit(X2, **kwargs)


@pytest.mark.parametrize("resp, message", [
    (np.ones((5, 2)) / 2, r"resp must have one row per row of X \(6\); got shape \(5, 2\)"),
    (np.full((6, 2), 0.6), "each row of resp must sum to 1; row 0 sums to 1.2"),
    (np.tile([1.5, -0.5], (6, 1)), "resp must hold probabilities between 0 and 1"),
    (np.ones(6), r"resp must be a 2-d array of shape \(n_samples, k\); got a 1-d array of shape \(6,\)$"),
])
def test_bad_resp_is_named(resp, message):
    with pytest.raises(ValueError, match=message):
        gmm.m_step(X2, resp)


def test_sample_checks_its_arguments():
    with pytest.raises(ValueError, match="n must be at least 0; got -1"):
        gmm.sample(GOOD, -1)
    with pytest.raises(TypeError, match="rng must be None"):
        gmm.sample(GOOD, 3, rng=1.5)
    with pytest.raises(ValueError, match="params.weights must sum to 1"):
        gmm.sample(GOOD._replace(weights=[0.2, 0.2]), 3)


def test_a_fit_continues_from_its_own_result_with_a_component_of_weight_0():
    X = np.vstack((np.zeros((5, 2)), np.ones((5, 2))))
    with pytest.warns(UserWarning, match="component 2 of k = 3 got no responsibility"):
        first = gmm.fit(X, 3, rng=0)
    assert first.params.weights[2] == 0
    with pytest.warns(UserWarning, match="component 2 of k = 3 got no responsibility"):
        again = gmm.fit(X, first.params, max_iter=3, tol=0)
    np.testing.assert_allclose(again.log_likelihood, first.log_likelihood, rtol=1e-12)
    with pytest.raises(gmm.ComponentCollapse, match="component 2 has no responsibility left"):
        gmm.fit(X, first.params, reg_covar=0)


def test_a_component_of_weight_0_does_not_keep_a_point_far_from_the_others_from_being_an_error():
    # the weight-0 component is near the point; the component that could have made it is not
    params = Params([1.0, 0.0], [[1e200], [0.0]], [1.0, 1.0])
    for function in (gmm.e_step, gmm.log_likelihood, gmm.log_density, gmm.predict):
        with pytest.raises(ValueError, match="its density is 0 in float64: the log-likelihood is -inf"):
            function([[0.0]], params)


def test_a_params_unpacks_as_its_three_arrays_and_keeps_its_type():
    tied = Params([0.5, 0.5], [[0.0, 0.0], [5.0, 5.0]], [[2.0, 1.0], [1.0, 2.0]], "tied")
    weights, means, covariances = tied
    assert len(tied) == 3 and tied.covariance_type == "tied" and covariances == [[2.0, 1.0], [1.0, 2.0]]
    assert tied._replace(weights=[0.2, 0.8]).covariance_type == "tied"
    assert pickle.loads(pickle.dumps(tied)).covariance_type == "tied"
    assert repr(tied).endswith("covariance_type='tied')") and repr(tied).startswith("Params(weights=")
    assert Params(*tied).covariance_type is None  # rebuilt from the arrays alone: the type is not stated


def test_scikit_learns_tied_covariances_are_read_as_tied_when_k_differs_from_d():
    X = iris()
    model = GaussianMixture(2, covariance_type="tied", random_state=0).fit(X)
    params = Params(model.weights_, model.means_, model.covariances_)  # (4, 4) with k = 2: only tied fits
    assert gmm.covariance_type_of(params) == "tied"
    np.testing.assert_allclose(gmm.log_likelihood(X, params), model.score(X) * len(X), rtol=1e-12)
    assert gmm.n_parameters(params) == model._n_parameters() == 1 + 8 + 10


def test_covariance_type_is_read_from_the_shape_where_it_tells():
    three = Params([0.2, 0.3, 0.5], [[0.0, 0.0], [1.0, 1.0], [2.0, 0.0]], np.stack([np.eye(2)] * 3))
    unstated = {kind: Params(*as_kind(three, kind)) for kind in KINDS}
    assert [gmm.covariance_type_of(unstated[kind]) for kind in KINDS] == list(KINDS)
    assert [unstated[kind].covariances.shape for kind in KINDS] == [(3, 2, 2), (2, 2), (3, 2), (3,)]


@pytest.mark.parametrize("kind", ["diag", "tied"])
def test_a_square_covariance_table_with_k_equal_to_d_needs_its_type(kind):
    # (k, d) diagonal and (d, d) tied covariances have the same shape when k == d: emlib does not guess
    stated = as_kind(GOOD, kind)
    assert gmm.covariance_type_of(stated) == kind
    message = ("params.covariances of shape (2, 2) could be diagonal (a row of variances for each of the k = 2 "
               "components) or tied (one covariance matrix shared by all of them): say which, as "
               "gmm.Params(weights, means, covariances, covariance_type='diag') or covariance_type='tied'")
    for function in (gmm.covariance_type_of, gmm.n_parameters, lambda p: gmm.e_step(X2, p)):
        with pytest.raises(ValueError, match=re.escape(message)):
            function(Params(*stated))
    # fit's covariance_type says what a start's unstated square table is
    unstated = Params(*stated)
    result = gmm.fit(X2, unstated, covariance_type=kind, max_iter=2, tol=0)
    assert result.params.covariance_type == kind and result.history[0].params.covariance_type == kind
    with pytest.raises(ValueError, match=re.escape(f"k_or_params has {kind} covariances but covariance_type is "
                                                   f"'full'; pass covariance_type='{kind}'")):
        gmm.fit(X2, stated, covariance_type="full")


def test_a_covariance_type_that_does_not_fit_the_shape_is_refused():
    with pytest.raises(ValueError, match=re.escape("params.covariances must have shape (2, 2) for tied covariances "
                                                   "(k = 3 components, d = 2 features); got (3, 2)")):
        gmm.e_step(X2, Params([0.2, 0.3, 0.5], np.zeros((3, 2)), np.ones((3, 2)), "tied"))
    with pytest.raises(ValueError, match=re.escape("covariance_type must be one of ('full', 'tied', 'diag', "
                                                   "'spherical'); got 'shared'")):
        Params(*GOOD, "shared")
    with pytest.raises(TypeError, match=re.escape("covariance_type must be a string; got int")):
        Params(*GOOD, 3)
    with pytest.raises(ValueError, match=re.escape("params.covariances is not a covariance: its matrix is not "
                                                   "positive definite")):
        gmm.e_step(X2, Params([0.5, 0.5], np.zeros((2, 2)), [[1.0, 2.0], [2.0, 1.0]], "tied"))


# --------------------------------------------------------------------------
# Label switching: align
# --------------------------------------------------------------------------


@pytest.mark.parametrize("kind", gmm.COVARIANCE_TYPES)
def test_align_undoes_any_permutation(kind):
    rng = np.random.default_rng(11)
    X, _ = datasets.make_blobs(rng.normal(scale=6, size=(5, 3)), 40, 0.7, rng=rng)
    fitted = gmm.fit(X, 5, covariance_type=kind, rng=1).params
    for _ in range(5):
        order = rng.permutation(5)
        tied = fitted.covariance_type == "tied"  # one covariance, every component's: no order to it
        shuffled = fitted._replace(weights=fitted.weights[order], means=fitted.means[order],
                                   covariances=fitted.covariances if tied else fitted.covariances[order])
        aligned, found = gmm.align(shuffled, fitted)
        assert np.array_equal(order[found], np.arange(5))
        assert aligned.covariance_type == kind
        for part, expected in zip(aligned, fitted):
            np.testing.assert_array_equal(part, expected)


def test_align_matches_runs_from_different_starts():
    """Two fits of the same data find the same components in different orders."""
    X, labels = datasets.make_blobs([[0.0, 0.0], [6.0, 0.0], [0.0, 6.0], [6.0, 6.0]], 60, 0.8, rng=3)
    fits = [gmm.fit(X, 4, init="random", rng=seed) for seed in range(12)]
    best = max(fit.log_likelihood for fit in fits)
    runs = [fit.params for fit in fits if fit.log_likelihood > best - 1e-6]  # the same maximum
    assert len(runs) >= 3
    assert any(not np.allclose(run.means, runs[0].means, atol=0.5) for run in runs[1:])  # labels switch
    for run in runs[1:]:
        aligned, _ = gmm.align(run, runs[0])
        np.testing.assert_allclose(aligned.means, runs[0].means, atol=1e-4)


def test_align_is_the_cheapest_matching_by_brute_force():
    rng = np.random.default_rng(5)
    for _ in range(30):
        k = int(rng.integers(1, 6))
        reference = gmm.Params(np.full(k, 1 / k), rng.normal(size=(k, 2)), rng.uniform(0.2, 3, size=(k, 2)), "diag")
        params = gmm.Params(np.full(k, 1 / k), rng.normal(size=(k, 2)), np.ones(k))
        _, order = gmm.align(params, reference)
        distance = np.sum((params.means[None, :, :] - reference.means[:, None, :]) ** 2
                          / reference.covariances[:, None, :], axis=2)  # [i, j]
        best = min(itertools.permutations(range(k)), key=lambda p: distance[np.arange(k), list(p)].sum())
        assert distance[np.arange(k), order].sum() == pytest.approx(distance[np.arange(k), list(best)].sum())


def test_align_uses_each_components_spread_not_raw_distance():
    # the second reference component is very wide along x: a mean 5 away along x is close to it
    reference = gmm.Params([0.5, 0.5], [[0.0, 0.0], [1.0, 3.0]], [[1.0, 1.0], [100.0, 0.01]], "diag")
    params = gmm.Params([0.5, 0.5], [[0.5, 0.5], [6.0, 3.0]], [1.0, 1.0])
    _, order = gmm.align(params, reference)
    assert order.tolist() == [0, 1]


@pytest.mark.parametrize("call, message", [
    (lambda p: gmm.align(p, gmm.Params([1.0], [[0.0, 0.0]], [1.0])),
     "params must have as many components as reference (1); got 2"),
    (lambda p: gmm.align(p, gmm.Params([1.0], [[0.0]], [1.0])),
     "params.means must have n_features = 1 columns, like reference; got shape (2, 2)"),
    (lambda p: gmm.align(p, "reference"), "reference must be a gmm.Params"),
])
def test_align_refuses_mismatched_mixtures(call, message):
    params = gmm.Params([0.5, 0.5], [[0.0, 0.0], [1.0, 1.0]], [1.0, 1.0])
    with pytest.raises((ValueError, TypeError), match=re.escape(message)):
        call(params)


# --------------------------------------------------------------------------
# Stopping at max_iter
# --------------------------------------------------------------------------


def test_fit_warns_when_it_stops_at_max_iter_before_converging():
    X, _ = datasets.make_blobs([[0.0, 0.0], [3.0, 0.0]], 100, 1.0, rng=0)
    with pytest.warns(em.ConvergenceWarning, match=r"^EM stopped at max_iter = 3 iterations without "
                      r"converging: in the last iteration the log-likelihood changed by \S+ per row, "
                      r"not less than tol = 1e-08; raise max_iter or tol$"):
        result = gmm.fit(X, 2, max_iter=3, rng=0)
    assert result.n_iter == 3 and not result.converged
    change = abs(result.log_likelihoods[-1] - result.log_likelihoods[-2]) / len(X)
    with pytest.warns(em.ConvergenceWarning, match=re.escape(f"changed by {change:.3g} per row")):
        gmm.fit(X, 2, max_iter=3, rng=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert gmm.fit(X, 2, max_iter=3, tol=0, rng=0).n_iter == 3  # tol=0 asks for exactly 3
        assert gmm.fit(X, 2, rng=0).converged


# --------------------------------------------------------------------------
# Mutation check: values no test above pins down
# --------------------------------------------------------------------------


def test_expected_log_likelihood_by_hand_1d():
    params = Params([0.25, 0.75], [[0.0], [1.0]], [[[1.0]], [[4.0]]])
    X = np.array([[0.0], [2.0]])
    resp = [[1.0, 0.0], [0.5, 0.5]]
    expected = (np.log(0.25) + norm.logpdf(0.0, 0.0, 1.0)
                + 0.5 * (np.log(0.25) + norm.logpdf(2.0, 0.0, 1.0))
                + 0.5 * (np.log(0.75) + norm.logpdf(2.0, 1.0, 2.0)))
    assert gmm.expected_log_likelihood(X, params, resp) == pytest.approx(expected, rel=1e-14)


def test_subnormal_sample_weights_count_by_their_ratios():
    X = np.array([[0.0], [1.0], [3.0], [10.0]])
    resp = np.array([[1.0, 0.0], [1.0, 0.0], [0.5, 0.5], [0.0, 1.0]])
    counts = np.array([1.0, 2.0, 3.0, 1.0])
    tiny = gmm.m_step(X, resp, sample_weight=counts * np.ldexp(1.0, -1070))
    plain = gmm.m_step(X, resp, sample_weight=counts)
    for a, b in zip(tiny, plain):
        np.testing.assert_allclose(a, b, rtol=1e-14)


@pytest.mark.parametrize("variance", [1e-300, 1e300])
def test_log_likelihood_of_densities_beyond_float64(variance):
    # in 3-d a component's density at its mean is about 1e450 or 1e-452: only its log is a float
    params = Params([0.5, 0.5], [[0.0, 0.0, 0.0], [1.0, 0.0, 0.0]], [variance, variance])
    at_mean = 3 * norm.logpdf(0.0, 0.0, np.sqrt(variance))
    expected = np.log(0.5) + at_mean if variance < 1 else at_mean  # the other mean: 0 or the same density
    assert gmm.log_likelihood([[0.0, 0.0, 0.0]], params) == pytest.approx(expected, rel=1e-14)
