"""Inputs as scikit-learn takes them: RandomState, float32, pandas, sparse, weighted starts, few distinct points.

Students come to emlib from scikit-learn, with scikit-learn's inputs.  Each
case below was refused or misread before; here it works, or is refused with
a message that says what to do.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse
from sklearn.mixture import GaussianMixture

from emlib import datasets, gmm, kmeans, missing, soft
from emlib._validation import check_rng

X, _ = datasets.make_blobs([(0.0, 0.0), (5.0, 0.0), (0.0, 5.0)], 40, 1.0, rng=7)
TABLE = missing.hide(np.random.default_rng(1).normal(size=(60, 3)), 0.2, rng=2)

# every function that takes rng=, called on small data: what it returns, as arrays
DRAWS = {
    "kmeans.init_centers": lambda rng: kmeans.init_centers(X, 3, rng=rng),
    "kmeans.fit": lambda rng: kmeans.fit(X, 3, rng=rng).centers,
    "soft.fit": lambda rng: soft.fit(X, 3, 0.5, rng=rng).params.centers,
    "gmm.fit": lambda rng: gmm.fit(X, 3, rng=rng, n_init=2).params.means,
    "gmm.sample": lambda rng: gmm.sample(gmm.Params([0.5, 0.5], [[0.0], [3.0]], [1.0, 2.0]), 20, rng=rng)[0],
    "missing.hide": lambda rng: missing.hide(X, 0.3, rng=rng),
    "missing.draw_imputation": lambda rng: missing.draw_imputation(TABLE, missing.fit(TABLE).params, rng=rng),
    "datasets.make_blobs": lambda rng: datasets.make_blobs([(0.0, 0.0)], 10, rng=rng)[0],
}


# --------------------------------------------------------------------------
# rng=np.random.RandomState(seed)
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", DRAWS)
def test_a_random_state_is_taken_wherever_rng_is_and_gives_the_same_result_again(name):
    draw = DRAWS[name]
    np.testing.assert_array_equal(draw(np.random.RandomState(0)), draw(np.random.RandomState(0)))


def test_a_random_state_used_twice_draws_different_numbers_like_the_state_itself():
    state = np.random.RandomState(0)
    first, second = check_rng(state).random(3), check_rng(state).random(3)
    assert not np.array_equal(first, second)
    again = np.random.RandomState(0)
    np.testing.assert_array_equal(check_rng(again).random(3), first)


def test_random_states_with_other_seeds_give_other_starts():
    starts = {tuple(kmeans.init_centers(X, 3, rng=np.random.RandomState(seed)).ravel()) for seed in range(5)}
    assert len(starts) > 1


# --------------------------------------------------------------------------
# float32
# --------------------------------------------------------------------------


def test_float32_weights_that_sum_to_1_in_float32_are_taken():
    weights = np.array([0.3, 0.3, 0.4], np.float32)
    assert abs(float(weights.astype(np.float64).sum()) - 1) > 1e-8  # 1.0000000298023224
    params = gmm.Params(weights, [[0.0], [1.0], [2.0]], [1.0, 1.0, 1.0])
    exact = gmm.Params(np.array([0.3, 0.3, 0.4]), [[0.0], [1.0], [2.0]], [1.0, 1.0, 1.0])
    assert gmm.log_likelihood([[0.0]], params) == pytest.approx(gmm.log_likelihood([[0.0]], exact), abs=1e-7)


def test_float32_responsibilities_are_taken_by_the_m_steps():
    resp = np.random.default_rng(0).dirichlet([1.0, 1.0, 1.0], size=len(X))
    resp32 = resp.astype(np.float32)
    assert np.abs(resp32.astype(np.float64).sum(axis=1) - 1).max() > 1e-8
    np.testing.assert_allclose(gmm.m_step(X, resp32).means, gmm.m_step(X, resp).means, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(soft.update(X, resp32), soft.update(X, resp), rtol=1e-5, atol=1e-5)


def test_float32_is_held_to_float32_precision_not_more():
    weights = np.array([0.3, 0.3, 0.41], np.float32)  # off by 0.01: not rounding
    with pytest.raises(ValueError, match=r"params.weights must sum to 1; they sum to 1.01"):
        gmm.log_likelihood([[0.0]], gmm.Params(weights, [[0.0], [1.0], [2.0]], [1.0, 1.0, 1.0]))
    with pytest.raises(ValueError, match=r"params.weights must sum to 1; they sum to 1.0000001"):
        gmm.log_likelihood([[0.0]], gmm.Params(np.array([0.3, 0.3, 0.4000001]), [[0.0], [1.0], [2.0]],
                                                [1.0, 1.0, 1.0]))


@pytest.mark.parametrize("kind", gmm.COVARIANCE_TYPES)
def test_mixtures_fitted_by_scikit_learn_in_float32_are_taken(kind):
    for seed in range(20):
        data = np.random.default_rng(seed).normal(size=(200, 3)).astype(np.float32)
        model = GaussianMixture(3, covariance_type=kind, random_state=seed).fit(data)
        assert model.weights_.dtype == np.float32 or model.means_.dtype == np.float32
        # k = d = 3: a (3, 3) table is diagonal or tied, and scikit-learn's covariance_type says which
        params = gmm.Params(model.weights_, model.means_, model.covariances_, model.covariance_type)
        value = gmm.log_likelihood(data, params)
        assert value == pytest.approx(model.score(data) * len(data), rel=1e-4)


# --------------------------------------------------------------------------
# pandas and scipy.sparse
# --------------------------------------------------------------------------


def test_a_data_frame_of_nullable_float64_columns_is_taken():
    frame = pd.DataFrame({name: pd.array(column, dtype="Float64") for name, column in zip("ab", X.T)})
    np.testing.assert_array_equal(kmeans.fit(frame, 3, rng=0).centers, kmeans.fit(X, 3, rng=0).centers)
    np.testing.assert_allclose(gmm.fit(frame, 3, rng=0).params.means, gmm.fit(X, 3, rng=0).params.means, rtol=1e-12)


def test_a_pandas_missing_value_is_a_hole():
    frame = pd.DataFrame({name: pd.array(column, dtype="Float64") for name, column in zip("abc", TABLE.T)})
    assert frame.isna().to_numpy().sum() == np.isnan(TABLE).sum() > 0
    np.testing.assert_array_equal(missing.fit(frame).params.mean, missing.fit(TABLE).params.mean)
    with pytest.raises(ValueError, match="X contains NaN; every entry must be finite"):
        kmeans.fit(frame, 2, rng=0)


def test_a_data_frame_of_text_is_refused_as_before():
    with pytest.raises(TypeError, match="X must hold real numbers; got an array of dtype object"):
        kmeans.fit(pd.DataFrame({"a": ["x", "y"], "b": ["z", "w"]}), 1)


@pytest.mark.parametrize("make", [scipy.sparse.csr_matrix, scipy.sparse.csc_array, scipy.sparse.coo_matrix])
def test_a_sparse_matrix_is_refused_with_what_to_do(make):
    sparse = make(X)
    message = rf"X is a sparse matrix \({type(sparse).__name__}\); emlib needs a dense array: pass X.toarray\(\)"
    with pytest.raises(TypeError, match=message):
        kmeans.fit(sparse, 3)
    np.testing.assert_array_equal(kmeans.fit(sparse.toarray(), 3, rng=0).centers, kmeans.fit(X, 3, rng=0).centers)


# --------------------------------------------------------------------------
# k-means with fewer distinct points than k
# --------------------------------------------------------------------------

DUPLICATES = ("k-means found {} distinct clusters, fewer than k = {}: some centers coincide (X has fewer "
              "distinct points than k, or init repeats a row); use a smaller k, or drop the repeated rows of init")


def test_k_means_warns_when_fewer_distinct_clusters_than_k_are_left():
    with pytest.warns(UserWarning, match=re.escape(DUPLICATES.format(3, 4))):
        result = kmeans.fit([[0, 0], [0, 1], [1, 0], [1, 0]], 4)
    assert len(np.unique(result.centers, axis=0)) == 3
    data = np.array([[0.0, 0.0], [1.0, 1.0], [1.0, 1.0], [5.0, 5.0], [6.0, 6.0]])
    with pytest.warns(UserWarning, match=re.escape(DUPLICATES.format(4, 5))):
        kmeans.fit(data, 5, init=data)


def test_k_means_says_nothing_when_every_cluster_is_its_own():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        kmeans.fit(X, 3, rng=0)
        kmeans.fit([[0, 0], [0, 1], [1, 0], [1, 0]], 3, rng=0)


# --------------------------------------------------------------------------
# Weighted starts: a row of weight 2 is drawn as two copies of it would be
# --------------------------------------------------------------------------


@pytest.mark.parametrize("method", kmeans.INIT_METHODS)
def test_the_first_center_is_drawn_by_weight(method):
    data, weights = np.array([[0.0], [10.0]]), np.array([1.0, 3.0])
    firsts = [kmeans.init_centers(data, 1, method=method, rng=seed, sample_weight=weights)[0, 0]
              for seed in range(2000)]
    assert np.mean(np.array(firsts) == 10.0) == pytest.approx(0.75, abs=0.04)


def test_weighted_k_means_plus_plus_draws_as_from_repeated_rows():
    """(A copy of a chosen row is at distance 0: never drawn again, as a weighted row is not.)"""
    method = "k-means++"
    data, counts = np.array([[0.0], [1.0], [10.0], [11.0]]), np.array([1, 1, 6, 2])
    repeated = np.repeat(data, counts, axis=0)

    def frequencies(draw):
        pairs = [tuple(sorted(draw(seed)[:, 0])) for seed in range(3000)]
        return {pair: pairs.count(pair) / len(pairs) for pair in set(pairs)}

    weighted = frequencies(lambda seed: kmeans.init_centers(data, 2, method=method, rng=seed,
                                                            sample_weight=counts))
    copies = frequencies(lambda seed: kmeans.init_centers(repeated, 2, method=method, rng=seed + 10**6))
    for pair in set(weighted) | set(copies):
        assert weighted.get(pair, 0) == pytest.approx(copies.get(pair, 0), abs=0.04), pair


def test_a_row_of_weight_0_is_never_drawn():
    data = np.arange(10.0).reshape(5, 2)
    weights = np.array([0.0, 1.0, 0.0, 1.0, 1.0])
    for method in kmeans.INIT_METHODS:
        for seed in range(50):
            centers = kmeans.init_centers(data, 3, method=method, rng=seed, sample_weight=weights)
            assert not {tuple(row) for row in centers} & {tuple(data[0]), tuple(data[2])}
    with pytest.raises(ValueError, match="k must be at most the number of rows of positive sample_weight, 3; got 4"):
        kmeans.init_centers(data, 4, sample_weight=weights)


def test_gmm_fit_draws_its_start_by_weight(monkeypatch):
    seen = []

    def recording(*args, **kwargs):
        seen.append(kwargs["sample_weight"])
        return kmeans_init_centers(*args, **kwargs)

    kmeans_init_centers = kmeans.init_centers
    monkeypatch.setattr(kmeans, "init_centers", recording)
    weights = np.arange(len(X), dtype=float) % 3  # a third of the rows weigh 0
    gmm.fit(X, 3, sample_weight=weights, rng=0, n_init=2, max_iter=1, tol=0)
    assert len(seen) == 2
    for drawn_by in seen:  # the weights, up to the power of two that keeps their sums finite
        np.testing.assert_allclose(drawn_by / drawn_by.max(), weights / weights.max(), rtol=1e-15)


# --------------------------------------------------------------------------
# k-means with sample_weight and n_init
# --------------------------------------------------------------------------

SEPARATED = [
    datasets.make_blobs([(0.0, 0.0), (6.0, 0.0), (0.0, 6.0)], 30, 1.0, rng=3)[0],
    datasets.make_blobs([(0.0,) * 5, (4.0,) * 5, (-4.0, 4.0, -4.0, 4.0, -4.0), (8.0, 0, 0, 0, 8.0)], 25, 1.5,
                        rng=4)[0],
    np.random.default_rng(5).normal(size=(80, 3)) * [1e6, 1.0, 1e-3] + [3e8, 0.0, 0.0],
]


@pytest.mark.parametrize("case", range(len(SEPARATED)))
@pytest.mark.parametrize("seed", range(3))
def test_integer_weights_give_the_fit_of_repeated_rows(case, seed):
    data = SEPARATED[case]
    rng = np.random.default_rng(seed)
    repeats = rng.integers(0, 4, size=len(data))
    k = 3 if case != 1 else 4
    init = data[rng.choice(np.flatnonzero(repeats), k, replace=False)]
    weighted = kmeans.fit(data, k, init=init, sample_weight=repeats, tol=0)
    repeated = kmeans.fit(np.repeat(data, repeats, axis=0), k, init=init, tol=0)
    scale = np.abs(data).max(axis=0)
    np.testing.assert_allclose(weighted.centers / scale, repeated.centers / scale, rtol=0, atol=1e-12)
    np.testing.assert_allclose(weighted.inertia, repeated.inertia, rtol=1e-10)
    assert np.array_equal(np.repeat(weighted.labels, repeats), repeated.labels)
    if case == 2:  # a point all but tied between two centers far from 0 may flip one iteration late
        return
    assert weighted.n_iter == repeated.n_iter
    for a, b in zip(weighted.history, repeated.history):
        np.testing.assert_allclose(a.inertia, b.inertia, rtol=1e-10)


@pytest.mark.parametrize("case", range(len(SEPARATED)))
def test_weighted_k_means_agrees_with_scikit_learn_from_the_same_start(case):
    from sklearn.cluster import KMeans

    data = SEPARATED[case]
    rng = np.random.default_rng(case)
    sample_weight = rng.uniform(0, 5, size=len(data)) * (rng.random(len(data)) < 0.9)
    k = 3 if case != 1 else 4
    init = data[rng.choice(np.flatnonzero(sample_weight), k, replace=False)]
    ours = kmeans.fit(data, k, init=init, sample_weight=sample_weight, tol=0)
    theirs = KMeans(k, init=init, n_init=1, algorithm="lloyd", tol=0).fit(data, sample_weight=sample_weight)
    scale = np.abs(data).max(axis=0)
    np.testing.assert_allclose(ours.centers / scale, theirs.cluster_centers_ / scale, rtol=0, atol=1e-10)
    np.testing.assert_allclose(ours.inertia, theirs.inertia_, rtol=1e-9)
    assert np.array_equal(ours.labels, theirs.labels_)


def test_weighted_update_and_inertia_are_the_weighted_means_and_sum():
    data = np.array([[0.0, 0.0], [2.0, 0.0], [10.0, 4.0], [12.0, 8.0]])
    sample_weight = [3.0, 1.0, 0.5, 1.5]
    centers = kmeans.update(data, [0, 0, 1, 1], 2, sample_weight=sample_weight)
    np.testing.assert_allclose(centers, [[0.5, 0.0], [11.5, 7.0]], rtol=1e-15)
    expected = 3 * 0.25 + 1 * 2.25 + 0.5 * (2.25 + 9) + 1.5 * (0.25 + 1)
    np.testing.assert_allclose(kmeans.inertia(data, centers, [0, 0, 1, 1], sample_weight=sample_weight), expected,
                               rtol=1e-15)


def test_a_cluster_whose_points_all_weigh_0_is_relocated_never_nan():
    data = np.array([[0.0], [1.0], [2.0], [10.0], [11.0]])
    centers = kmeans.update(data, [0, 0, 0, 1, 1], 2, sample_weight=[1.0, 1.0, 4.0, 0.0, 0.0])
    assert np.isfinite(centers).all()
    # the cluster of weight 0 takes the point of positive weight farthest from its own mean, 0.0 (mean 1.5);
    # its old cluster keeps (1 + 4 * 2) / 5
    np.testing.assert_allclose(centers, [[1.8], [0.0]], rtol=1e-15)


def test_weighted_half_step_inertias_never_rise_and_match_the_history():
    data = SEPARATED[0]
    sample_weight = np.random.default_rng(0).uniform(0, 3, size=len(data))
    result = kmeans.fit(data, 3, init="random", rng=1, sample_weight=sample_weight, tol=0)
    values = kmeans.half_step_inertias(data, result, sample_weight=sample_weight)
    assert np.all(np.diff(values) <= 1e-12 * values[0])
    np.testing.assert_allclose(values[0::2], [step.inertia for step in result.history], rtol=1e-15)
    np.testing.assert_allclose(result.inertia, kmeans.inertia(data, result.centers, sample_weight=sample_weight),
                               rtol=1e-12)


@pytest.mark.parametrize("method", kmeans.INIT_METHODS)
def test_n_init_keeps_the_run_with_the_lowest_inertia_reproducibly(method):
    data = SEPARATED[1]
    best = kmeans.fit(data, 8, init=method, n_init=6, rng=11)
    stream = np.random.default_rng(11)  # one stream for every start, as fit draws them
    runs = [kmeans.fit(data, 8, init=method, rng=stream) for _ in range(6)]
    assert len({run.inertia for run in runs}) > 1  # the starts differ: there is something to choose
    chosen = min(runs, key=lambda run: run.inertia)
    assert best.inertia == chosen.inertia and np.array_equal(best.centers, chosen.centers)
    again = kmeans.fit(data, 8, init=method, n_init=6, rng=11)
    assert len(again.history) == len(best.history)
    assert all(np.array_equal(a.centers, b.centers) and a.inertia == b.inertia
               for a, b in zip(again.history, best.history))
    from_state = kmeans.fit(data, 8, init=method, n_init=6, rng=np.random.RandomState(11))
    assert np.array_equal(from_state.centers, kmeans.fit(data, 8, init=method, n_init=6,
                                                          rng=np.random.RandomState(11)).centers)


def test_a_cluster_left_with_weights_too_small_to_add_up_is_never_nan():
    # the donors leave behind points whose weights vanish beside the total: summed afresh, never 0 / 0
    data = np.array([[0.0], [1.0], [-1.0], [1e-17]])
    sample_weight = [1.0, 1e-17, 0.0, 1e-17]
    centers = kmeans.update(data, [0, 0, 0, 0], 3, sample_weight=sample_weight)
    assert np.isfinite(centers).all()
    result = kmeans.fit(data, 3, init=[[0.0], [50.0], [60.0]], sample_weight=sample_weight, tol=0)
    assert np.isfinite(result.centers).all() and np.isfinite(result.inertia)


def test_a_weighted_inertia_beyond_float64_is_an_error_not_inf():
    data = np.array([[0.0], [1e5], [2e5]])
    message = re.escape("the weighted inertia overflows float64: divide sample_weight by a constant (only the "
                        "ratios of the weights matter to the centers)")
    with pytest.raises(ValueError, match=message):
        kmeans.inertia(data, [[0.0]], sample_weight=[1e300] * 3)
    with pytest.raises(ValueError, match=message):
        kmeans.fit(data, 1, sample_weight=[1e300] * 3)
    # the centers themselves need only the ratios
    np.testing.assert_allclose(kmeans.update(data, [0, 0, 0], 1, sample_weight=[1e300] * 3), [[1e5]])


def test_n_init_with_an_array_start_is_refused():
    with pytest.raises(ValueError, match=re.escape("n_init must be 1 when init is an array of centers; got 3")):
        kmeans.fit(X, 3, init=X[:3], n_init=3)


def test_k_means_k_above_the_rows_of_positive_weight_is_refused():
    with pytest.raises(ValueError, match=re.escape(
            "k must be at most the number of rows of positive sample_weight, 2; got 3")):
        kmeans.fit(X, 3, sample_weight=np.r_[1.0, 2.0, np.zeros(len(X) - 2)])
