"""Hidden Markov models: forward–backward and Viterbi against every path enumerated, Baum–Welch against hmmlearn.

Short sequences are checked against brute force (all k^T paths); fits are
checked iteration by iteration against hmmlearn's compiled Baum–Welch from
the same start; the log-likelihood never falls; one state is the i.i.d.
fit, and transitions that forget the state give the mixture's
responsibilities.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest
from hmmlearn import hmm as hmmlearn
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import stats

from emlib import gmm, hmm

CASINO = hmm.Params([0.5, 0.5], [[0.95, 0.05], [0.1, 0.9]], hmm.Categorical([[1 / 6] * 6, [0.1] * 5 + [0.5]]))
REGIMES = hmm.Params([0.6, 0.3, 0.1], [[0.9, 0.05, 0.05], [0.1, 0.8, 0.1], [0.2, 0.2, 0.6]],
                     hmm.Gaussian([[0.0, 0.0], [3.0, 1.0], [-2.0, 2.0]], [[1.0, 0.5], [0.7, 1.2], [0.4, 0.4]]))


def random_params(rng: np.random.Generator, k: int, emissions: str) -> hmm.Params:
    start = rng.dirichlet(np.ones(k))
    transitions = rng.dirichlet(np.ones(k), size=k)
    if emissions == "categorical":
        return hmm.Params(start, transitions, hmm.Categorical(rng.dirichlet(np.ones(3), size=k)))
    if emissions == "full":
        roots = rng.normal(size=(k, 2, 2))
        covariances = roots @ roots.transpose(0, 2, 1) + 0.5 * np.eye(2)
        return hmm.Params(start, transitions, hmm.Gaussian(rng.normal(scale=2, size=(k, 2)), covariances))
    return hmm.Params(start, transitions, hmm.Gaussian(rng.normal(scale=2, size=(k, 2)), rng.uniform(0.5, 2, (k, 2))))


def emission_densities(X: np.ndarray, params: hmm.Params) -> np.ndarray:
    """p(x_t | z_t = j) by scipy, (T, k)."""
    emissions = params.emissions
    if isinstance(emissions, hmm.Categorical):
        return np.asarray(emissions.probabilities).T[X[:, 0].astype(int)]
    covariances = [c if np.ndim(c) == 2 else np.diag(c) for c in emissions.covariances]
    return np.column_stack([stats.multivariate_normal(m, c).pdf(X) for m, c in zip(emissions.means, covariances)])


def every_path(X: np.ndarray, params: hmm.Params) -> dict[tuple, float]:
    """p(x, z) for every path z of one sequence: k^T terms."""
    b = emission_densities(X, params)
    start, transitions = np.asarray(params.start), np.asarray(params.transitions)
    paths = {}
    for path in itertools.product(range(len(start)), repeat=len(X)):
        p = start[path[0]] * b[0, path[0]]
        for t in range(1, len(X)):
            p *= transitions[path[t - 1], path[t]] * b[t, path[t]]
        paths[path] = p
    return paths


@pytest.mark.parametrize("emissions", ["categorical", "diag", "full"])
@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), k=st.integers(1, 3), T=st.integers(1, 6))
def test_forward_backward_and_viterbi_are_every_path_added_up_or_the_best(emissions, seed, k, T):
    rng = np.random.default_rng(seed)
    params = random_params(rng, k, emissions)
    X, _ = hmm.sample(params, T, rng=rng)
    paths = every_path(X, params)
    total = sum(paths.values())
    np.testing.assert_allclose(hmm.log_likelihood(X, params), np.log(total), rtol=1e-10)
    expectations, log_likelihood = hmm.e_step(X, params)
    np.testing.assert_allclose(log_likelihood, np.log(total), rtol=1e-10)
    posteriors = np.zeros((T, k))
    pairs = np.zeros((k, k))
    for path, p in paths.items():
        posteriors[np.arange(T), path] += p / total
        for t in range(1, T):
            pairs[path[t - 1], path[t]] += p / total
    np.testing.assert_allclose(expectations.resp, posteriors, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(expectations.transition_counts, pairs, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(expectations.start_counts, posteriors[0], rtol=1e-9, atol=1e-12)
    best_path = max(paths, key=paths.get)
    states, log_probability = hmm.viterbi(X, params)
    np.testing.assert_allclose(log_probability, np.log(paths[best_path]), rtol=1e-10)
    assert np.isclose(paths[tuple(states)], paths[best_path], rtol=1e-10)
    log_alpha, _ = hmm.forward(X, params)
    log_beta = hmm.backward(X, params)
    np.testing.assert_allclose(np.exp(log_alpha + log_beta).sum(axis=1), total, rtol=1e-9)  # every step


def test_several_sequences_are_independent_and_add_up():
    X, _ = hmm.sample(CASINO, 12, rng=3)
    lengths = [5, 7]
    parts = [X[:5], X[5:]]
    np.testing.assert_allclose(hmm.log_likelihood(X, CASINO, lengths=lengths),
                               sum(hmm.log_likelihood(part, CASINO) for part in parts), rtol=1e-12)
    together, _ = hmm.e_step(X, CASINO, lengths=lengths)
    apart = [hmm.e_step(part, CASINO)[0] for part in parts]
    np.testing.assert_allclose(together.resp, np.vstack([e.resp for e in apart]), rtol=1e-12)
    np.testing.assert_allclose(together.transition_counts, sum(e.transition_counts for e in apart), rtol=1e-12)
    np.testing.assert_allclose(together.start_counts, sum(e.start_counts for e in apart), rtol=1e-12)
    states, _ = hmm.viterbi(X, CASINO, lengths=lengths)
    assert np.array_equal(states, np.concatenate([hmm.viterbi(part, CASINO)[0] for part in parts]))


# --------------------------------------------------------------------------
# Baum–Welch against hmmlearn
# --------------------------------------------------------------------------


def hmmlearn_run(X, start, n_iter, lengths=None):
    """hmmlearn's log-likelihood before iteration n_iter, and its parameters after it, from ``start``."""
    emissions = start.emissions
    if isinstance(emissions, hmm.Categorical):
        model = hmmlearn.CategoricalHMM(len(start.start), n_iter=n_iter, tol=-np.inf, init_params="",
                                        params="ste", n_features=np.shape(emissions.probabilities)[1])
        model.emissionprob_ = np.array(emissions.probabilities)
    else:
        kind = "full" if np.ndim(emissions.covariances) == 3 else "diag"
        model = hmmlearn.GaussianHMM(len(start.start), covariance_type=kind, n_iter=n_iter, tol=-np.inf,
                                     init_params="", params="stmc", covars_prior=0, min_covar=0)
        model.means_, model.covars_ = np.array(emissions.means), np.array(emissions.covariances)
    model.startprob_, model.transmat_ = np.array(start.start), np.array(start.transitions)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X, lengths=lengths)
    return model.monitor_.history[-1], model


DNA = hmm.Params([1 / 3] * 3, [[0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.1, 0.1, 0.8]],
                 hmm.Categorical([[0.4, 0.1, 0.1, 0.4], [0.1, 0.4, 0.4, 0.1], [0.25, 0.25, 0.25, 0.25]]))
# name: (the model that draws the data, steps, lengths, seed, the starting emissions' kind)
DATA_SETS = {
    "casino, two sequences": (CASINO, 500, [200, 300], 0, "categorical"),
    "dna, three states": (DNA, 600, None, 1, "categorical"),
    "regimes, diag": (REGIMES, 400, None, 2, "diag"),
    "regimes, diag, two sequences": (REGIMES, 500, [250, 250], 3, "diag"),
    "regimes, full": (REGIMES, 400, None, 4, "full"),
    "regimes, full, three sequences": (REGIMES, 450, [100, 150, 200], 5, "full"),
}


def start_for(truth: hmm.Params, kind: str, seed: int) -> hmm.Params:
    """Uniform start, sticky transitions, emissions near (Gaussian) or far from (categorical) the truth."""
    rng = np.random.default_rng(seed)
    k = len(truth.start)
    start, transitions = np.full(k, 1 / k), 0.5 * np.full((k, k), 1 / k) + 0.5 * np.eye(k)
    if kind == "categorical":
        n_symbols = np.shape(truth.emissions.probabilities)[1]
        return hmm.Params(start, transitions, hmm.Categorical(rng.dirichlet(np.ones(n_symbols), size=k)))
    means = np.asarray(truth.emissions.means) + rng.normal(scale=0.5, size=(k, 2))
    covariances = np.ones((k, 2)) if kind == "diag" else np.stack([np.eye(2)] * k)
    return hmm.Params(start, transitions, hmm.Gaussian(means, covariances))


@pytest.mark.parametrize("name", DATA_SETS)
def test_baum_welch_agrees_with_hmmlearn_iteration_by_iteration(name):
    truth, n, lengths, seed, kind = DATA_SETS[name]
    X, _ = hmm.sample(truth, n, rng=seed)
    start = start_for(truth, kind, seed)
    result = hmm.fit(X, start, lengths=lengths, max_iter=8, tol=0)
    for t in (1, 4, 8):
        before, model = hmmlearn_run(X, start, t, lengths)
        np.testing.assert_allclose(result.log_likelihoods[t - 1], before, rtol=1e-9)
        ours = result.history[t].params
        np.testing.assert_allclose(ours.start, model.startprob_, rtol=1e-7, atol=1e-10)
        np.testing.assert_allclose(ours.transitions, model.transmat_, rtol=1e-7, atol=1e-10)
        if kind == "categorical":
            np.testing.assert_allclose(ours.emissions.probabilities, model.emissionprob_, rtol=1e-7, atol=1e-10)
        else:
            np.testing.assert_allclose(ours.emissions.means, model.means_, rtol=1e-7, atol=1e-10)
            np.testing.assert_allclose(ours.emissions.covariances, model._covars_, rtol=1e-7, atol=1e-10)


@pytest.mark.parametrize("emissions", ["categorical", "diag", "full"])
@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_the_log_likelihood_never_falls(emissions, seed):
    rng = np.random.default_rng(seed)
    truth = random_params(rng, 3, emissions)
    X, _ = hmm.sample(truth, 120, rng=rng)
    start = random_params(rng, 3, emissions)
    try:
        result = hmm.fit(X, start, max_iter=15, tol=0, reg_covar=0)
    except ValueError as error:  # a state's covariance collapsing onto a few points: exact EM may get there
        assert "is singular" in str(error) or "no expected transition" in str(error)
        assume(False)
    steps = np.diff(result.log_likelihoods)
    assert steps.min() >= -1e-9 * abs(result.log_likelihoods[-1]), steps.min()


def test_one_state_is_the_iid_fit():
    X, _ = hmm.sample(REGIMES, 300, rng=6)
    one = hmm.fit(X, 1, covariance_type="full", max_iter=5, rng=0)
    normal = gmm.fit(X, 1, covariance_type="full", reg_covar=0, rng=0)
    np.testing.assert_allclose(one.params.emissions.means, normal.params.means, rtol=1e-12)
    np.testing.assert_allclose(one.params.emissions.covariances, normal.params.covariances, rtol=1e-10)
    np.testing.assert_allclose(one.log_likelihood, normal.log_likelihood, rtol=1e-12)
    symbols, _ = hmm.sample(CASINO, 300, rng=7)
    dice = hmm.fit(symbols, 1, emissions="categorical", max_iter=3, rng=0)
    np.testing.assert_allclose(dice.params.emissions.probabilities[0], np.bincount(symbols[:, 0], minlength=6) / 300,
                               rtol=1e-12)


def test_transitions_that_forget_the_state_give_the_mixture_responsibilities():
    X, _ = hmm.sample(REGIMES, 50, rng=8)
    weights = np.array([0.5, 0.3, 0.2])
    forgetful = hmm.Params(weights, np.tile(weights, (3, 1)), REGIMES.emissions)
    mixture = gmm.Params(weights, REGIMES.emissions.means, REGIMES.emissions.covariances, "diag")
    expectations, log_likelihood = hmm.e_step(X, forgetful)
    resp, mixture_log_likelihood = gmm.e_step(X, mixture)
    np.testing.assert_allclose(expectations.resp, resp, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(log_likelihood, mixture_log_likelihood, rtol=1e-12)


def test_a_long_sequence_does_not_underflow():
    X, _ = hmm.sample(CASINO, 20_000, rng=9)
    log_likelihood = hmm.log_likelihood(X, CASINO)
    assert np.isfinite(log_likelihood) and log_likelihood < -20_000  # p(x) itself is 0 in float64
    at_casino, _ = hmmlearn_run(X, CASINO, 1)  # hmmlearn's log-likelihood before its first M-step
    np.testing.assert_allclose(log_likelihood, at_casino, rtol=1e-10)


def test_sample_follows_the_chain():
    X, states = hmm.sample(CASINO, 20_000, rng=10)
    switches = np.mean(states[1:] != states[:-1])
    stay_fair = np.mean(states[1:][states[:-1] == 0] == 0)
    assert abs(stay_fair - 0.95) < 0.01 and 0.05 < switches < 0.1
    sixes_when_loaded = np.mean(X[states == 1, 0] == 5)
    assert abs(sixes_when_loaded - 0.5) < 0.02


# --------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------


@pytest.mark.parametrize("call, error, message", [
    (lambda: hmm.log_likelihood([[0]], CASINO._replace(transitions=[[0.9, 0.2], [0.1, 0.9]])), ValueError,
     r"params.transitions must sum to 1 along every row; got sums \[1.1, 1.0\]"),
    (lambda: hmm.log_likelihood([[0]], CASINO._replace(start=[0.5, 0.6])), ValueError,
     "params.start must sum to 1"),
    (lambda: hmm.log_likelihood([[6]], CASINO), ValueError,
     r"X must hold symbols 0 \.\. 5, the columns of params.emissions.probabilities; got 6"),
    (lambda: hmm.log_likelihood([[1.5]], CASINO), ValueError, "X must hold symbols 0 .. 5"),
    (lambda: hmm.log_likelihood([[np.nan, 0.0]], REGIMES), ValueError, "X contains NaN"),
    (lambda: hmm.log_likelihood(np.zeros((5, 1)), CASINO, lengths=[2, 2]), ValueError,
     "lengths must add up to the number of rows of X, 5; they add up to 4"),
    (lambda: hmm.log_likelihood(np.zeros((5, 1)), CASINO, lengths=[5, 0]), ValueError,
     "lengths must be whole numbers of at least 1"),
    (lambda: hmm.log_likelihood(np.zeros((5, 3)), REGIMES), ValueError, "X must have n_features = 2 columns"),
    (lambda: hmm.log_likelihood([[0]], (0.5, 0.5)), TypeError, r"params must be an hmm.Params"),
    (lambda: hmm.log_likelihood([[0]], CASINO._replace(emissions=[[0.5, 0.5]])), TypeError,
     "params.emissions must be an hmm.Categorical or an hmm.Gaussian"),
    (lambda: hmm.log_likelihood([[0]], CASINO._replace(transitions=[[1.0]])), ValueError,
     r"params.transitions must have shape \(k, k\) = \(2, 2\)"),
    (lambda: hmm.log_likelihood([[5], [5]], CASINO._replace(transitions=[[1.0, 0.0], [0.0, 1.0]],
                                                             start=[1.0, 0.0],
                                                             emissions=hmm.Categorical([[1.0] + [0.0] * 5,
                                                                                        [0.5] * 2 + [0.0] * 4]))),
     ValueError, "X is impossible under params"),
    (lambda: hmm.fit([[0], [1]], 3, emissions="categorical"), ValueError,
     "k_or_params must be at most the number of steps = 2; got 3"),
    (lambda: hmm.fit([[0], [1]], 2.0), TypeError, "k_or_params must be an int"),
    (lambda: hmm.fit([[0], [1]], 2, emissions="poisson"), ValueError, "emissions must be one of"),
])
def test_bad_input_is_named(call, error, message):
    with pytest.raises(error, match=message):
        call()
