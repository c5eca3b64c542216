"""The fast paths agree with the textbook verbs.

``gmm.e_step`` and ``gmm.m_step`` are EM as the book derives it, in plain
numpy; ``gmm.fit``, ``gmm.log_density`` and ``gmm.predict`` run on
``emlib._engine.gmm`` (blocks of rows, whitening in one product, sufficient
statistics gathered during the E-step).  Here the two give the same
responsibilities, log-likelihoods and parameters, to 1e-12 relative, for
every covariance type, on the data and parameters of tests/test_laws.py:
clouds at any scale and offset, mixtures near the data or far from it.

Two tolerances say what float64 allows and no more.  A responsibility is
``exp`` of a difference of log-densities (half a Mahalanobis distance, half
a log-determinant), each computed to a relative error of a few ``eps`` per
feature: far from a component (a distance of 5e4, say) that leaves about
``d eps`` times the log-density in the responsibility's logarithm,
whichever way it is computed, and so relatively in the responsibility.  An expected log-likelihood is a
sum of terms of both signs (a narrow component's log-density is positive):
its error is relative to the sum of their sizes, not to the total.
"""

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from test_laws import (
    KINDS,
    SEEDS,
    assert_close,
    clouds,
    random_covariances,
    random_gmm,
    units,
)

from emlib import gmm
from emlib._engine import gmm as engine
from emlib._math import weighted_logs

RTOL = 1e-12
EPS = np.finfo(np.float64).eps
TINY = 1e-290  # responsibilities this small are subnormal after one more factor: compared absolutely


def random_resp(rng: np.random.Generator, n: int, k: int) -> np.ndarray:
    return rng.dirichlet(np.full(k, 0.5), size=n)


@pytest.mark.parametrize("kind", KINDS)
@given(cloud=clouds(), distance=st.sampled_from([0.0, 0.3, 3.0, 30.0]))
def test_e_step_gives_the_engines_responsibilities_and_log_likelihood(kind, cloud, distance):
    params = random_gmm(cloud.rng, cloud.X, cloud.k, kind, distance)
    resp, log_likelihood = gmm.e_step(cloud.X, params)
    log_resp, log_density = engine.log_resp(cloud.X, params)
    log_densities = gmm._log_gaussians(cloud.X, gmm._check_params(params))
    largest = np.where(resp > TINY, np.abs(log_densities), 0).max(axis=1, keepdims=True)  # of those that count
    assert_close(resp, np.exp(log_resp), atol=TINY, rtol=RTOL + 8 * cloud.X.shape[1] * EPS * largest)
    assert_close(log_likelihood, log_density.sum(), rtol=RTOL)
    assert_close(gmm.log_density(cloud.X, params), log_density, rtol=RTOL)


@pytest.mark.parametrize("kind", KINDS)
@given(cloud=clouds(rows_per_k=2), weighted=st.booleans(), reg=st.sampled_from([0.0, 1e-6, 1e-2]))
def test_m_step_gives_the_engines_parameters(kind, cloud, weighted, reg):
    X, rng = cloud.X, cloud.rng
    resp = random_resp(rng, len(X), cloud.k)
    sample_weight = rng.uniform(0.1, 10, size=len(X)) if weighted else None
    reg_covar = reg * float(np.mean(units(X) ** 2))
    try:
        params = gmm.m_step(X, resp, covariance_type=kind, reg_covar=reg_covar, sample_weight=sample_weight)
    except ValueError as error:  # the documented singular covariance: too few points with spread
        assume("is singular" not in str(error))
        raise
    weights, means, covariances = engine.m_step(engine.prepare(X, sample_weight, kind), resp, kind, reg_covar)
    unit = units(X)
    assert_close(params.weights, weights, rtol=RTOL)
    assert_close(params.means, means, atol=RTOL * unit, rtol=RTOL)
    scale = unit if kind != "spherical" else np.sqrt(np.mean(unit**2))
    if kind == "full":
        scale = np.outer(unit, unit)
    assert_close(params.covariances, covariances, atol=RTOL * scale, rtol=RTOL)


@pytest.mark.parametrize("kind", KINDS)
@given(cloud=clouds(rows_per_k=3), seed=SEEDS)
def test_fit_takes_the_verbs_steps(kind, cloud, seed):
    """Each iteration of ``fit`` is an ``e_step`` and an ``m_step``: same log-likelihoods, same parameters."""
    X, rng = cloud.X, np.random.default_rng(seed)
    unit = units(X)
    start = gmm.Params(np.full(cloud.k, 1 / cloud.k), X[rng.choice(len(X), cloud.k, replace=False)],
                       random_covariances(rng, cloud.k, unit, kind, 3.0))
    reg_covar = 1e-3 * float(np.mean(unit**2))
    try:
        result = gmm.fit(X, start, covariance_type=kind, reg_covar=reg_covar, tol=0, max_iter=4)
    except gmm.ComponentCollapse:  # documented; the verbs collapse too (see test_gmm.py)
        assume(False)
    params = start
    for t, step in enumerate(result.history):
        assert_close(step.params.weights, params.weights, rtol=1e-10)
        assert_close(step.params.means, params.means, atol=1e-10 * unit, rtol=1e-10)
        resp, log_likelihood = gmm.e_step(X, step.params)
        assert_close(step.log_likelihood, log_likelihood, rtol=RTOL)
        params = gmm.m_step(X, resp, covariance_type=kind, reg_covar=reg_covar)


@pytest.mark.parametrize("kind", KINDS)
@given(cloud=clouds(), distance=st.sampled_from([0.0, 0.3, 3.0]))
def test_expected_log_likelihood_agrees_with_the_engines_densities(kind, cloud, distance):
    params = random_gmm(cloud.rng, cloud.X, cloud.k, kind, distance)
    resp = random_resp(cloud.rng, len(cloud.X), cloud.k)
    log_resp, log_density = engine.log_resp(cloud.X, params)  # log pi_k N(x_i | k) = log r_ik + log p(x_i)
    expected = float(weighted_logs(resp, log_resp + log_density[:, None]).sum())
    if expected == -np.inf:  # a component of weight 0 given responsibility: documented
        assert gmm.expected_log_likelihood(cloud.X, params, resp) == -np.inf
        return
    with np.errstate(divide="ignore"):
        terms = resp * (np.log(params.weights) + gmm._log_gaussians(cloud.X, gmm._check_params(params)))
    size = np.abs(terms[resp > 0]).sum()
    assert_close(gmm.expected_log_likelihood(cloud.X, params, resp), expected, atol=RTOL * size)


@pytest.mark.parametrize("kind", KINDS)
@given(cloud=clouds(), distance=st.sampled_from([0.0, 3.0]))
def test_predict_is_the_e_steps_most_responsible_component(kind, cloud, distance):
    params = random_gmm(cloud.rng, cloud.X, cloud.k, kind, distance)
    resp, _ = gmm.e_step(cloud.X, params)
    labels = gmm.predict(cloud.X, params)
    chosen = resp[np.arange(len(resp)), labels]
    assert_close(chosen, resp.max(axis=1), rtol=RTOL)  # the largest, or tied with it to rounding
