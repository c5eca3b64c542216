"""Gaussian mixtures on data with holes: every verb, fit and impute on rows with NaN.

A row with missing entries counts by what it observes: under component k its
density is that of its observed entries, a marginal of N(mu_k, Sigma_k).
Checked row by row against scipy's multivariate Normal on the observed
coordinates, for every covariance type.  The M-step fills each hole under
each component with its conditional mean and adds the conditional
covariance: checked row by row, and fit against EM run with the verbs.  A
mixture of one component is :mod:`emlib.missing`'s Normal with holes; data
without holes give what they gave before; the log-likelihood never falls;
the estimates approach the truth as the data grow.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from scipy import stats
from scipy.special import logsumexp
from test_extreme import as_full

from emlib import em, gmm, missing

KINDS = gmm.COVARIANCE_TYPES


def row_by_row(X: np.ndarray, params: gmm.Params) -> np.ndarray:
    """``log weights[k] + log N(x_i,o | mu_k,o, Sigma_k,oo)`` by scipy, one row at a time; 0 for no entry."""
    covariances = as_full(params)
    out = np.empty((len(X), len(params.weights)))
    for i, row in enumerate(X):
        o = ~np.isnan(row)
        for k in range(len(params.weights)):
            density = (stats.multivariate_normal.logpdf(row[o], params.means[k, o], covariances[k][np.ix_(o, o)])
                       if o.any() else 0.0)
            out[i, k] = np.log(params.weights[k]) + density
    return out


def mixture_with_holes(seed: int, kind: str, p: float) -> tuple[np.ndarray, gmm.Params]:
    rng = np.random.default_rng(seed)
    truth = gmm.Params([0.3, 0.5, 0.2], [[0.0, 0.0, 0.0, 0.0], [3.0, 1.0, 2.0, -1.0], [-2.0, 4.0, 0.0, 1.0]],
                       np.stack([np.eye(4) + 0.3 * np.ones((4, 4))] * 3))
    X, _ = gmm.sample(truth, 80, rng=rng)
    params = gmm.fit(X, 3, covariance_type=kind, rng=seed, max_iter=5, tol=0).params
    X[rng.random(X.shape) < p] = np.nan
    return X, params


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=25)  # each example is 240 scipy densities, row by row
@given(seed=st.integers(0, 2**32 - 1), p=st.sampled_from([0.1, 0.3, 0.6]))
@example(seed=293, p=0.3)  # a component on two points: condition number 3e6
def test_the_e_step_of_rows_with_holes_is_bayes_rule_on_their_observed_entries(kind, seed, p):
    X, params = mixture_with_holes(seed, kind, p)
    log_joint = row_by_row(X, params)
    log_density = logsumexp(log_joint, axis=1)
    resp, log_likelihood = gmm.e_step(X, params)
    # both sides solve with the covariances: their rounding grows with the worst condition number (a
    # component on a few points after 5 iterations has one of 1e6 and more)
    tolerance = 1e-10 + 100 * np.finfo(float).eps * np.linalg.cond(as_full(params)).max()
    np.testing.assert_allclose(resp, np.exp(log_joint - log_density[:, None]), rtol=tolerance, atol=1e-14)
    np.testing.assert_allclose(log_likelihood, log_density.sum(), rtol=tolerance)
    np.testing.assert_allclose(gmm.log_density(X, params), log_density, rtol=tolerance, atol=tolerance)
    np.testing.assert_allclose(gmm.log_likelihood(X, params), log_density.sum(), rtol=tolerance)
    assert np.array_equal(gmm.predict(X, params), np.argmax(resp, axis=1))


@pytest.mark.parametrize("kind", KINDS)
def test_a_row_without_any_entry_has_the_weights_as_responsibilities_and_density_1(kind):
    X, params = mixture_with_holes(0, kind, 0.2)
    X[5] = np.nan
    resp, _ = gmm.e_step(X, params)
    np.testing.assert_allclose(resp[5], params.weights, rtol=1e-15)
    assert abs(gmm.log_density(X, params)[5]) <= 4 * np.finfo(float).eps  # log of the weights' sum, 1


@pytest.mark.parametrize("kind", KINDS)
def test_without_holes_nothing_changes(kind):
    X, params = mixture_with_holes(1, kind, 0.0)
    complete = np.where(np.isnan(X), 0.0, X)
    resp, log_likelihood = gmm.e_step(complete, params)
    log_joint = row_by_row(complete, params)
    np.testing.assert_allclose(resp, np.exp(log_joint - logsumexp(log_joint, axis=1)[:, None]), rtol=1e-10,
                               atol=1e-14)
    # the engine's fast path and the E-step agree as before
    np.testing.assert_allclose(gmm.log_likelihood(complete, params), log_likelihood, rtol=1e-12)


def test_one_component_is_the_normal_with_holes_of_emlib_missing():
    X, _ = mixture_with_holes(2, "full", 0.3)
    X = X[~np.isnan(X).all(axis=1)]
    normal = missing.fit(X).params
    one = gmm.Params([1.0], normal.mean[None], normal.covariance[None])
    np.testing.assert_allclose(gmm.log_likelihood(X, one), missing.log_likelihood(X, normal), rtol=1e-12)


def test_the_information_criteria_count_what_is_observed():
    X, params = mixture_with_holes(4, "diag", 0.3)
    log_likelihood, p = gmm.log_likelihood(X, params), gmm.n_parameters(params)
    np.testing.assert_allclose(gmm.bic(X, params), -2 * log_likelihood + p * np.log(len(X)), rtol=1e-13)
    np.testing.assert_allclose(gmm.aic(X, params), -2 * log_likelihood + 2 * p, rtol=1e-13)


def test_holes_are_taken_only_where_documented():
    X, params = mixture_with_holes(3, "full", 0.2)
    resp, _ = gmm.e_step(X, params)
    with pytest.raises(ValueError, match="X contains NaN"):
        gmm.expected_log_likelihood(X, params, resp)
    with pytest.raises(ValueError, match="X contains infinity"):
        gmm.e_step(np.where(np.isnan(X), np.inf, X), params)


# --------------------------------------------------------------------------
# The M-step, fit and impute
# --------------------------------------------------------------------------


def completed_row_by_row(X: np.ndarray, params: gmm.Params) -> tuple[np.ndarray, np.ndarray]:
    """Each row's holes filled under each component, ``(n, k, d)``, and ``Cov[x_m | x_o, k]``, ``(n, k, d, d)``."""
    covariances = as_full(params)
    n, (k, d) = len(X), params.means.shape
    filled, conditional = np.empty((n, k, d)), np.zeros((n, k, d, d))
    for i, row in enumerate(X):
        m = np.isnan(row)
        o = ~m
        for j in range(k):
            cov = covariances[j]
            slopes = np.linalg.solve(cov[np.ix_(o, o)], cov[np.ix_(o, m)]) if o.any() else np.zeros((0, m.sum()))
            filled[i, j] = row
            filled[i, j, m] = params.means[j, m] + (row[o] - params.means[j, o]) @ slopes
            conditional[i, j][np.ix_(m, m)] = cov[np.ix_(m, m)] - cov[np.ix_(m, o)] @ slopes
    return filled, conditional


def m_step_row_by_row(X, resp, params_t, kind, reg_covar, sample_weight=None):
    """The expected complete-data maximiser, from each row's expected x and x x^T under each component."""
    filled, conditional = completed_row_by_row(X, params_t)
    r = resp * (1.0 if sample_weight is None else sample_weight[:, None])
    counts = r.sum(axis=0)
    means = np.einsum("nk,nkd->kd", r, filled) / counts[:, None]
    offsets = filled - means
    # E[(x - mu)(x - mu)^T | x_o, k] = (x_hat - mu)(x_hat - mu)^T + Cov[x_m | x_o, k]
    scatter = np.einsum("nk,nki,nkj->kij", r, offsets, offsets) + np.einsum("nk,nkij->kij", r, conditional)
    d = X.shape[1]
    if kind == "full":
        covariances = scatter / counts[:, None, None] + reg_covar * np.eye(d)
    elif kind == "tied":
        covariances = scatter.sum(axis=0) / counts.sum() + reg_covar * np.eye(d)
    elif kind == "diag":
        covariances = np.diagonal(scatter, axis1=1, axis2=2) / counts[:, None] + reg_covar
    else:
        covariances = np.trace(scatter, axis1=1, axis2=2) / counts / d + reg_covar
    return counts / counts.sum(), means, covariances


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("weighted", [False, True])
def test_the_m_step_on_rows_with_holes_is_the_expected_complete_data_maximiser(kind, weighted):
    X, params = mixture_with_holes(4, kind, 0.3)
    X[7] = np.nan  # a row with nothing observed: its expectations are the components' own
    sample_weight = np.random.default_rng(4).uniform(0.5, 3, len(X)) if weighted else None
    resp, _ = gmm.e_step(X, params)
    new = gmm.m_step(X, resp, covariance_type=kind, reg_covar=1e-3, params_t=params, sample_weight=sample_weight)
    for got, expected in zip(new, m_step_row_by_row(X, resp, params, kind, 1e-3, sample_weight)):
        np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("kind", KINDS)
def test_without_holes_the_m_step_is_the_complete_data_one(kind):
    X, params = mixture_with_holes(5, kind, 0.0)
    resp, _ = gmm.e_step(X, params)
    new = gmm.m_step(X, resp, covariance_type=kind, reg_covar=1e-3)
    for got, expected in zip(new, m_step_row_by_row(X, resp, params, kind, 1e-3)):
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-14)
    # params_t fills holes; with none it changes nothing
    for got, expected in zip(gmm.m_step(X, resp, covariance_type=kind, reg_covar=1e-3, params_t=params), new):
        assert np.array_equal(got, expected)


def em_with_the_verbs(X, params0, kind, max_iter, hard=False, sample_weight=None, reg_covar=1e-6):
    """EM as the chapter writes it: e_step, then m_step given the parameters the E-step used."""
    def e_step(params):
        resp, log_likelihood = gmm.e_step(X, params)
        if hard:
            resp = np.eye(resp.shape[1])[resp.argmax(axis=1)]
        if sample_weight is not None:
            log_likelihood = float(gmm.log_density(X, params) @ sample_weight)
        return resp, log_likelihood

    def m_step(resp, params):
        return gmm.m_step(X, resp, covariance_type=kind, reg_covar=reg_covar, params_t=params,
                          sample_weight=sample_weight)

    return em.run(params0, e_step, m_step, max_iter=max_iter, tol=0)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("hard", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_fit_with_holes_is_em_with_the_verbs(kind, hard, weighted):
    X, _ = mixture_with_holes(6, kind, 0.3)
    X = X[~np.isnan(X).all(axis=1)]
    sample_weight = np.random.default_rng(6).uniform(0.5, 3, len(X)) if weighted else None
    result = gmm.fit(X, 3, covariance_type=kind, rng=6, max_iter=12, tol=0, hard=hard, sample_weight=sample_weight)
    reference = em_with_the_verbs(X, result.history[0].params, kind, 12, hard, sample_weight)
    np.testing.assert_allclose(result.log_likelihoods, reference.log_likelihoods, rtol=1e-10)
    for got, expected in zip(result.params, reference.params):
        np.testing.assert_allclose(got, expected, rtol=1e-8, atol=1e-10)
    assert result.params.covariance_type == kind


@pytest.mark.parametrize("kind", KINDS)
def test_the_holes_path_on_complete_rows_is_the_complete_data_fit(kind):
    from emlib._engine import gmm as engine
    from emlib._engine import gmm_holes

    X, _ = mixture_with_holes(7, kind, 0.0)
    result = gmm.fit(X, 3, covariance_type=kind, rng=7, max_iter=10, tol=0)
    options = dict(reg_covar=1e-6, hard=False, max_iter=10, tol=0, callback=None)
    through_holes = gmm_holes.run(gmm_holes.prepare(X, None), result.history[0].params, **options)
    assert engine.prepare(X, None, kind).total_weight == len(X)
    np.testing.assert_allclose(through_holes.log_likelihoods, result.log_likelihoods, rtol=1e-12)
    for got, expected in zip(through_holes.params, result.params):
        np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)


def test_one_component_fits_as_the_normal_with_holes_of_emlib_missing():
    X, _ = mixture_with_holes(8, "full", 0.3)
    normal = missing.fit(X, reg_covar=0, max_iter=40, tol=0)
    start = normal.history[0].params
    one = gmm.fit(X, gmm.Params([1.0], start.mean[None], start.covariance[None]), reg_covar=0, max_iter=40, tol=0)
    np.testing.assert_allclose(one.log_likelihoods, normal.log_likelihoods, rtol=1e-12)
    np.testing.assert_allclose(one.params.means[0], normal.params.mean, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(one.params.covariances[0], normal.params.covariance, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(gmm.impute(X, one.params), missing.impute(X, normal.params), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), p=st.sampled_from([0.1, 0.3, 0.5]))
def test_the_log_likelihood_with_holes_never_falls(kind, seed, p):
    X, _ = mixture_with_holes(seed, kind, p)
    try:
        result = gmm.fit(X, 3, covariance_type=kind, rng=seed, max_iter=30, tol=0, reg_covar=0)
    except gmm.ComponentCollapse:  # 80 rows with holes can leave a component on too few entries
        assume(False)
    steps = np.diff(result.log_likelihoods)
    assert steps.min() >= -1e-10 * abs(result.log_likelihoods[-1]), steps.min()


def test_the_estimates_approach_the_truth_as_the_data_grow():
    truth = gmm.Params([0.4, 0.6], [[0.0, 0.0, 0.0], [3.0, 2.0, -1.0]],
                       [[[1.0, 0.6, 0.2], [0.6, 1.0, 0.3], [0.2, 0.3, 1.0]], np.diag([0.5, 1.5, 1.0])])
    rng = np.random.default_rng(9)
    errors = []
    for n in (300, 3_000, 30_000):
        X, _ = gmm.sample(truth, n, rng=rng)
        X[rng.random(X.shape) < 0.3] = np.nan  # 30 % of entries hidden, completely at random
        fitted, _ = gmm.align(gmm.fit(X, 2, rng=9).params, truth)
        errors.append(max(np.abs(fitted.weights - truth.weights).max(), np.abs(fitted.means - truth.means).max(),
                          np.abs(fitted.covariances - truth.covariances).max()))
    assert errors[0] > errors[1] > errors[2], errors
    assert errors[2] < 0.05, errors  # about 1 / sqrt(n) of the spread


@pytest.mark.parametrize("kind", KINDS)
def test_impute_is_the_responsibility_weighted_conditional_mean(kind):
    X, params = mixture_with_holes(10, kind, 0.4)
    X[3] = np.nan
    log_joint = row_by_row(X, params)
    resp = np.exp(log_joint - logsumexp(log_joint, axis=1)[:, None])
    filled, _ = completed_row_by_row(X, params)
    expected = np.einsum("nk,nkd->nd", resp, filled)
    imputed = gmm.impute(X, params)
    np.testing.assert_allclose(imputed, expected, rtol=1e-10, atol=1e-12)
    seen = ~np.isnan(X)
    assert np.array_equal(imputed[seen], X[seen])  # observed entries kept exactly
    np.testing.assert_allclose(imputed[3], params.weights @ params.means, rtol=1e-12)


# --------------------------------------------------------------------------
# What fit does with rows and columns that see little
# --------------------------------------------------------------------------


def test_rows_with_nothing_observed_are_left_out_of_fit():
    X, _ = mixture_with_holes(11, "full", 0.2)
    kept = X[~np.isnan(X).all(axis=1)]
    emptied = np.vstack([kept[:10], np.full((3, 4), np.nan), kept[10:]])
    with_them, without = gmm.fit(emptied, 3, rng=11), gmm.fit(kept, 3, rng=11)
    assert np.array_equal(with_them.log_likelihoods, without.log_likelihoods)
    for got, expected in zip(with_them.params, without.params):
        assert np.array_equal(got, expected)


def test_a_weight_of_two_is_a_row_twice_with_holes():
    X, params = mixture_with_holes(12, "diag", 0.3)
    X = X[~np.isnan(X).all(axis=1)]
    sample_weight = np.where(np.arange(len(X)) % 3 == 0, 2.0, 1.0)
    weighted = gmm.fit(X, params, covariance_type="diag", sample_weight=sample_weight, max_iter=8, tol=0)
    twice = gmm.fit(np.repeat(X, sample_weight.astype(int), axis=0), params, covariance_type="diag", max_iter=8,
                    tol=0)
    np.testing.assert_allclose(weighted.log_likelihoods, twice.log_likelihoods, rtol=1e-12)
    for got, expected in zip(weighted.params, twice.params):
        np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)


def test_a_feature_never_observed_is_refused_by_name():
    X, params = mixture_with_holes(13, "full", 0.2)
    X[:, 2] = np.nan
    message = r"X\[:, 2\] has no observed entry: nothing is known about feature 2, so nothing can be estimated"
    with pytest.raises(ValueError, match=message):
        gmm.fit(X, 3)
    resp, _ = gmm.e_step(X, params)  # the E-step needs nothing of it: each row's marginal
    with pytest.raises(ValueError, match=message):
        gmm.m_step(X, resp, params_t=params)
    X[:, 2] = 1.0
    X[5:, 1] = np.nan
    with pytest.raises(ValueError, match=r"X\[:, 1\] has no observed entry in a row of positive sample_weight"):
        gmm.fit(X, 3, sample_weight=np.r_[np.zeros(5), np.ones(len(X) - 5)])


def test_the_m_step_on_holes_asks_for_the_parameters_of_the_e_step():
    X, params = mixture_with_holes(14, "full", 0.2)
    resp, _ = gmm.e_step(X, params)
    with pytest.raises(ValueError, match="X has missing entries .NaN.: the M-step fills them with their expected "
                                         "values under the parameters the E-step used; pass those as params_t"):
        gmm.m_step(X, resp)
    with pytest.raises(ValueError, match="params_t must have one component per column of resp, 2; got 3"):
        gmm.m_step(X, resp[:, :2] / resp[:, :2].sum(axis=1, keepdims=True), params_t=params)


def test_too_few_observed_values_for_a_covariance_is_an_error_or_regularised():
    rng = np.random.default_rng(15)
    X = rng.normal(size=(60, 2))
    X[3:, 1] = np.nan
    X[:3, 1] = 5.0  # the second feature: one distinct observed value, no spread
    with pytest.raises(gmm.ComponentCollapse, match="covariance is singular"):
        gmm.fit(X, 1, reg_covar=0)
    result = gmm.fit(X, 1, reg_covar=1e-6)
    assert np.isfinite(result.log_likelihood) and np.all(np.isfinite(result.params.covariances))
