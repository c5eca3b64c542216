"""Gaussian mixtures on data with holes: the E-step, the log-likelihood and the predictions of rows with NaN.

A row with missing entries counts by what it observes: under component k its
density is that of its observed entries, a marginal of N(mu_k, Sigma_k).
Checked row by row against scipy's multivariate Normal on the observed
coordinates, for every covariance type; a mixture of one component against
:mod:`emlib.missing`; data without holes unchanged.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy import stats
from scipy.special import logsumexp
from test_extreme import as_full

from emlib import gmm, missing

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
    for refuse in (lambda: gmm.m_step(X, resp), lambda: gmm.fit(X, 3),
                   lambda: gmm.expected_log_likelihood(X, params, resp)):
        with pytest.raises(ValueError, match="X contains NaN"):
            refuse()
    with pytest.raises(ValueError, match="X contains infinity"):
        gmm.e_step(np.where(np.isnan(X), np.inf, X), params)
