"""The fast paths agree with the textbook verbs.

Gaussian mixtures
-----------------
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

k-means
-------
``kmeans.assign`` and ``kmeans.update`` are the two steps in plain numpy;
``kmeans.fit`` runs on ``emlib._engine.kmeans`` (blocks, threads, sums kept
from one iteration to the next).  Both compute ``|c|^2 - 2 x.c`` in the same
frame, but not in the same order of additions, so a point whose two nearest
centers are equally near to rounding may be given either; every other point
gets the same label, and the centers agree to 1e-12 of the data's range.

Soft k-means
------------
``soft.fit`` keeps the responsibilities as logarithms between its steps;
its iterations are ``soft.responsibilities`` and ``soft.update``.

Two coins
---------
``coins.e_step`` and ``coins.m_step`` take and give responsibilities;
``coins.fit`` keeps them as logarithms between the two steps, so that a
responsibility of e^-1000 still counts.  Where nothing underflows, its
iterations are the verbs' to 1e-12.
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

from emlib import coins, gmm, kmeans, soft
from emlib._engine import gmm as engine
from emlib._engine import kmeans as kmeans_engine
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
    # a log-density near 0 is a sum of terms of either sign: its error is relative to their size
    assert_close(gmm.log_density(cloud.X, params), log_density, atol=RTOL * (largest[:, 0] + 1), rtol=RTOL)


@pytest.mark.filterwarnings("ignore:component.* got no responsibility")  # the empty column, kept at weight 0
@pytest.mark.parametrize("kind", KINDS)
@given(cloud=clouds(rows_per_k=2), weighted=st.booleans(), reg=st.sampled_from([0.0, 1e-6, 1e-2]),
       empty=st.booleans())
def test_m_step_gives_the_engines_parameters(kind, cloud, weighted, reg, empty):
    X, rng = cloud.X, cloud.rng
    resp = random_resp(rng, len(X), cloud.k)
    if empty and reg > 0 and cloud.k > 1:  # a component with no responsibility: the same weight 0, mean, covariance
        resp[:, -1] = 0
        resp /= resp.sum(axis=1, keepdims=True)
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
    if kind in ("full", "tied"):
        scale = np.outer(unit, unit)
    assert_close(params.covariances, covariances, atol=RTOL * scale, rtol=RTOL)


@pytest.mark.parametrize("kind", KINDS)
@given(cloud=clouds(rows_per_k=3), seed=SEEDS)
def test_fit_takes_the_verbs_steps(kind, cloud, seed):
    """Each iteration of ``fit`` is an ``e_step`` and an ``m_step``: same log-likelihoods, same parameters."""
    X, rng = cloud.X, np.random.default_rng(seed)
    unit = units(X)
    start = gmm.Params(np.full(cloud.k, 1 / cloud.k), X[rng.choice(len(X), cloud.k, replace=False)],
                       random_covariances(rng, cloud.k, unit, kind, 3.0), kind)
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


def assert_nearest(X: np.ndarray, centers: np.ndarray, labels: np.ndarray, expected: np.ndarray) -> None:
    """``labels`` are ``expected``, but where a point is as near (to rounding) to both centers they name."""
    frame = kmeans_engine.prepare(X, len(centers), centers).frame
    points, scaled = frame.to_frame(X), frame.to_frame(centers)
    offsets = points[:, None, :] - scaled  # (n, k, d)
    sq_distances = np.einsum("nkd,nkd->nk", offsets, offsets)
    rows = np.arange(len(X))
    size = np.einsum("nd,nd->n", points, points) + np.einsum("kd,kd->k", scaled, scaled).max()
    assert_close(sq_distances[rows, labels], sq_distances[rows, expected], atol=16 * EPS * size, rtol=0)
    assert np.mean(labels == expected) >= 0.9 or len(X) < 10  # ties to rounding are rare


def random_sample_weight(rng: np.random.Generator, n: int) -> np.ndarray:
    """Weights from 0 to 10, some 0 (at least one positive), on an odd scale."""
    weights = rng.uniform(0, 10, size=n) * (rng.random(n) < 0.8)
    weights[rng.integers(n)] = 1.0
    return weights * 3e5


@given(cloud=clouds(), seed=SEEDS, weighted=st.booleans())
def test_assign_gives_the_engines_labels(cloud, seed, weighted):
    X, rng = cloud.X, np.random.default_rng(seed)
    centers = X[rng.choice(len(X), cloud.k, replace=False)] + rng.normal(size=(cloud.k, X.shape[1])) * units(X)
    sample_weight = random_sample_weight(rng, len(X)) if weighted else None
    prepared = kmeans_engine.prepare(X, cloud.k, centers, sample_weight=sample_weight)
    labels, inertia = kmeans_engine.assign_pass(prepared, prepared.frame.to_frame(centers))
    expected = kmeans.assign(X, centers)
    assert_nearest(X, centers, labels, expected)
    assert_close(prepared.frame.in_units(inertia) * prepared.weight_scale,
                 kmeans.inertia(X, centers, expected, sample_weight=sample_weight), rtol=1e-10)


@given(cloud=clouds(), seed=SEEDS, empty=st.integers(0, 2), weighted=st.booleans())
def test_update_gives_the_engines_centers(cloud, seed, empty, weighted):
    """Empty clusters included: both relocate them by the same rule."""
    X, rng = cloud.X, np.random.default_rng(seed)
    k = min(cloud.k + empty, len(X))
    labels = rng.integers(max(k - empty, 1), size=len(X))  # the last clusters may be empty
    sample_weight = random_sample_weight(rng, len(X)) if weighted else None
    prepared = kmeans_engine.prepare(X, k, sample_weight=sample_weight)
    sums, counts = kmeans_engine.cluster_sums(prepared.data, labels, k, prepared.weights)
    sums, counts, _ = kmeans_engine.relocate_empty(prepared.data, labels, sums, counts, prepared.weights)
    expected = prepared.frame.from_frame(sums / counts[:, None])
    assert_close(kmeans.update(X, labels, k, sample_weight=sample_weight), expected, atol=RTOL * units(X), rtol=RTOL)


@given(cloud=clouds(rows_per_k=2), seed=SEEDS, weighted=st.booleans())
def test_kmeans_fit_takes_the_verbs_steps(cloud, seed, weighted):
    """Each iteration of ``kmeans.fit`` is an ``assign`` and an ``update``: same centers, same labels."""
    X = cloud.X
    sample_weight = random_sample_weight(np.random.default_rng(seed), len(X)) if weighted else None
    assume(sample_weight is None or np.count_nonzero(sample_weight) >= cloud.k)
    result = kmeans.fit(X, cloud.k, rng=seed, tol=0, sample_weight=sample_weight)
    unit = units(X)
    scale = 1.0 if sample_weight is None else float(sample_weight.sum())
    for before, after in zip(result.history, result.history[1:]):
        labels = kmeans.assign(X, before.centers)
        assert_close(after.centers, kmeans.update(X, labels, cloud.k, sample_weight=sample_weight),
                     atol=1e-10 * unit, rtol=1e-10)
        assert_close(before.inertia, kmeans.inertia(X, before.centers, labels, sample_weight=sample_weight),
                     rtol=1e-10, atol=1e-12 * float(np.sum(unit**2)) * (len(X) if sample_weight is None else scale))
    assert_nearest(X, result.centers, result.labels, kmeans.assign(X, result.centers))


@given(seed=SEEDS, n_rows=st.integers(1, 12), k=st.integers(2, 4), tosses=st.sampled_from([1, 10, 100]),
       estimate_weights=st.booleans())
def test_coins_fit_takes_the_verbs_steps(seed, n_rows, k, tosses, estimate_weights):
    rng = np.random.default_rng(seed)
    heads = rng.binomial(tosses, rng.uniform(0.1, 0.9), size=n_rows)
    start = np.sort(rng.uniform(0.05, 0.95, size=k))
    result = coins.fit(heads, tosses, start, estimate_weights=estimate_weights, max_iter=5, tol=0)
    params = result.history[0].params
    for step in result.history:
        assert_close(step.params.theta, params.theta, rtol=1e-12)
        assert_close(step.params.weights, params.weights, rtol=1e-12)
        assert_close(step.log_likelihood, coins.log_likelihood(heads, tosses, *params), atol=RTOL * n_rows, rtol=RTOL)
        resp = coins.e_step(heads, tosses, *params)
        log_resp, _ = coins._log_resp(heads, tosses, params)
        assert_close(resp, np.exp(log_resp), rtol=RTOL)
        weights = resp.mean(axis=0) if estimate_weights else params.weights
        params = coins.Params(coins.m_step(heads, tosses, resp), weights)


@given(cloud=clouds(rows_per_k=2), seed=SEEDS, stiffness=st.sampled_from([0.01, 1.0, 100.0]))
def test_soft_fit_takes_the_verbs_steps(cloud, seed, stiffness):
    X, unit = cloud.X, units(cloud.X)
    beta = stiffness / float(np.mean(unit**2))
    result = soft.fit(X, cloud.k, beta, rng=seed, tol=0, max_iter=4)
    for before, after in zip(result.history, result.history[1:]):
        resp = soft.responsibilities(X, before.params.centers, beta)
        assert_close(before.log_likelihood, soft.log_likelihood(X, before.params.centers, beta), rtol=1e-10)
        if resp.max(axis=0).min() > 0:  # (a center with no weight at all keeps its place; update refuses it)
            assert_close(after.params.centers, soft.update(X, resp), atol=1e-10 * unit, rtol=1e-10)
