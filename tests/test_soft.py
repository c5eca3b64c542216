"""emlib.soft: hand-computed cases, laws of soft k-means, its limits, the GMM link, bad input."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from emlib import datasets, em, gmm, kmeans, soft


def blobs(seed=0, n=40, k=3, d=2, spread=8.0):
    rng = np.random.default_rng(seed)
    centers = rng.normal(scale=spread, size=(k, d))
    X, _ = datasets.make_blobs(centers, n, 1.0, rng=rng)
    return X


def expit(t):
    return 1.0 / (1.0 + math.exp(-t))


# --------------------------------------------------------------------------
# Hand-computed cases
# --------------------------------------------------------------------------


class TestDistanceShares:
    def test_the_literal_rule_is_backwards(self):
        # distances 1 and 3: the far center gets three quarters
        assert soft.distance_shares([[1.0]], [[0.0], [4.0]]).tolist() == [[0.25, 0.75]]
        # distances 5 and 1 in the plane
        shares = soft.distance_shares([[0.0, 0.0]], [[3.0, 4.0], [0.0, 1.0]])
        np.testing.assert_allclose(shares, [[5 / 6, 1 / 6]], rtol=1e-15)

    def test_the_inverse_rule_favours_the_nearest(self):
        assert soft.distance_shares([[1.0]], [[0.0], [4.0]], inverse=True).tolist() == [[0.75, 0.25]]
        shares = soft.distance_shares([[0.0, 0.0]], [[3.0, 4.0], [0.0, 1.0]], inverse=True)
        np.testing.assert_allclose(shares, [[1 / 6, 5 / 6]], rtol=1e-15)

    def test_points_on_centers(self):
        # inverse: the centers at distance 0 share the point; the others get nothing
        assert soft.distance_shares([[0.0]], [[0.0], [4.0]], inverse=True).tolist() == [[1.0, 0.0]]
        assert soft.distance_shares([[0.0]], [[0.0], [0.0], [4.0]], inverse=True).tolist() == [[0.5, 0.5, 0.0]]
        # literal rule: a center on the point gets 0, unless all are on it
        assert soft.distance_shares([[0.0]], [[0.0], [4.0]]).tolist() == [[0.0, 1.0]]
        assert soft.distance_shares([[2.0]], [[2.0], [2.0], [2.0], [2.0]]).tolist() == [[0.25] * 4]

    def test_the_literal_rule_always_favours_the_farthest_center(self):
        X = blobs(1)
        centers = kmeans.fit(X, 3, rng=0).centers
        shares = soft.distance_shares(X, centers)
        far = np.linalg.norm(X[:, None] - centers[None], axis=-1).argmax(axis=1)
        assert np.array_equal(shares.argmax(axis=1), far)
        np.testing.assert_allclose(shares.sum(axis=1), 1.0, rtol=0, atol=1e-15)

    def test_ratios_only_no_length_scale(self):
        X, centers = blobs(2), [[0.0, 0.0], [5.0, 1.0], [-3.0, 2.0]]
        for inverse in (False, True):
            shares = soft.distance_shares(X, centers, inverse=inverse)
            scaled = soft.distance_shares(1e-3 * X, 1e-3 * np.array(centers), inverse=inverse)
            np.testing.assert_allclose(scaled, shares, rtol=1e-12)


class TestResponsibilities:
    def test_two_points_two_centers_by_hand(self):
        # squared distances: point 0 -> (0, 4), point 3 -> (9, 1); beta = 1/2
        resp = soft.responsibilities([[0.0], [3.0]], [[0.0], [2.0]], beta=0.5)
        np.testing.assert_allclose(resp[:, 0], [expit(2.0), expit(-4.0)], rtol=1e-15)
        np.testing.assert_allclose(resp.sum(axis=1), 1.0, rtol=0, atol=2e-16)

    def test_in_the_plane_by_hand(self):
        # squared distances 2 and 8 to the corners; beta = 1/4 gives a logit of 6/4
        resp = soft.responsibilities([[1.0, 1.0]], [[0.0, 0.0], [3.0, 3.0]], beta=0.25)
        np.testing.assert_allclose(resp[0], [expit(1.5), expit(-1.5)], rtol=1e-15)

    def test_beta_zero_is_uniform(self):
        X = blobs(3)
        resp = soft.responsibilities(X, X[:4], 0.0)
        assert np.array_equal(resp, np.full((len(X), 4), 0.25))
        # and one update puts every center at the mean of X
        np.testing.assert_allclose(soft.update(X, resp), np.tile(X.mean(axis=0), (4, 1)), rtol=0, atol=1e-12)

    def test_an_equidistant_point_splits_evenly_for_any_beta(self):
        for beta in (0.0, 1.0, 1e10, 1e300):
            resp = soft.responsibilities([[0.0, 0.0]], [[1.0, 0.0], [0.0, 1.0], [5.0, 5.0]], beta)
            assert resp[0, 0] == resp[0, 1] and resp[0, 0] + resp[0, 1] + resp[0, 2] == pytest.approx(1.0)

    def test_far_points_do_not_underflow(self):
        # exp(-900) and exp(-841) are both 0 in float64; their ratio is e^59
        resp = soft.responsibilities([[30.0]], [[0.0], [1.0]], beta=1.0)
        assert resp[0, 0] == pytest.approx(expit(-59.0), rel=1e-12)
        assert resp[0, 1] == pytest.approx(1.0, abs=1e-16)
        resp = soft.responsibilities([[1e4, 0.0]], [[0.0, 0.0], [1.0, 0.0]], beta=1.0)
        assert np.all(np.isfinite(resp)) and resp[0].tolist() == [0.0, 1.0]

    def test_huge_and_tiny_coordinates(self):
        # squared distances of 1e400 overflow float64; the frame keeps them finite
        big = soft.responsibilities([[1e200], [3e200]], [[1e200], [3e200]], beta=1.0)
        assert big.tolist() == [[1.0, 0.0], [0.0, 1.0]]
        # beta * scale**2 overflows too: the hard limit, computed directly
        harder = soft.responsibilities([[1e200], [2e200], [3e200]], [[1e200], [3e200]], beta=1e300)
        assert harder.tolist() == [[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]]
        tiny = soft.responsibilities([[1e-200], [3e-200]], [[1e-200], [3e-200]], beta=1.0)
        np.testing.assert_allclose(tiny, 0.5, rtol=1e-15)   # distances of 1e-200 are nothing at beta = 1

    def test_shift_and_large_offsets_do_not_change_responsibilities(self):
        X, centers = blobs(4), np.array([[0.0, 0.0], [4.0, 1.0], [-2.0, 5.0]])
        resp = soft.responsibilities(X, centers, 0.3)
        shifted = soft.responsibilities(X + 1e9, centers + 1e9, 0.3)
        np.testing.assert_allclose(shifted, resp, rtol=1e-6, atol=1e-12)

    def test_the_hard_limit_is_the_assignment_step(self):
        X = blobs(5)
        centers = X[[0, 50, 100]]
        resp = soft.responsibilities(X, centers, 1e6)
        assert np.array_equal(resp, np.eye(3)[kmeans.assign(X, centers)])


class TestUpdate:
    def test_weighted_means_by_hand(self):
        assert soft.update([[0.0], [3.0], [12.0]], [[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]]).tolist() == [[1.0], [9.0]]
        centers = soft.update([[0.0, 0.0], [4.0, 8.0]], [[0.75, 0.25], [0.25, 0.75]])
        np.testing.assert_allclose(centers, [[1.0, 2.0], [3.0, 6.0]], rtol=1e-15)

    def test_one_hot_responsibilities_give_kmeans_update(self):
        X = blobs(6)
        labels = kmeans.assign(X, X[[0, 1, 2]])
        np.testing.assert_allclose(soft.update(X, np.eye(3)[labels]), kmeans.update(X, labels, 3),
                                   rtol=1e-13, atol=1e-13)

    def test_an_unweighted_center_is_an_error(self):
        with pytest.raises(ValueError, match="resp gives center 1 no weight at all \\(its column is all 0\\), "
                                             "so its weighted mean is undefined"):
            soft.update([[0.0], [1.0]], [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])


class TestLogLikelihood:
    def test_by_hand(self):
        # two points, two centers, d = 1, sigma^2 = 1 / (2 beta) = 1
        X, centers, beta = [[0.0], [3.0]], [[0.0], [2.0]], 0.5

        def density(x):
            return 0.5 * sum(math.exp(-(x - m) ** 2 / 2) / math.sqrt(2 * math.pi) for m in (0.0, 2.0))

        expected = math.log(density(0.0)) + math.log(density(3.0))
        assert soft.log_likelihood(X, centers, beta) == pytest.approx(expected, rel=1e-14)

    def test_two_dimensions_use_the_product_of_normals(self):
        X, centers, beta = np.array([[1.0, 2.0]]), np.array([[0.0, 0.0]]), 2.0
        variance = 1 / (2 * beta)
        expected = -np.log(2 * np.pi * variance) - 5.0 / (2 * variance)
        assert soft.log_likelihood(X, centers, beta) == pytest.approx(expected, rel=1e-14)

    def test_far_points_are_finite(self):
        value = soft.log_likelihood([[1e4]], [[0.0], [1.0]], 1.0)
        expected = -math.log(2) - 0.5 * math.log(math.pi) - (1e4 - 1) ** 2 + math.log1p(math.exp(-(2e4 - 1)))
        assert value == pytest.approx(expected, rel=1e-14)

    def test_overflow_is_an_error_not_minus_infinity(self):
        with pytest.raises(ValueError, match="the log-likelihood overflows float64"):
            soft.log_likelihood([[0.0], [1e200]], [[0.0]], 1.0)


# --------------------------------------------------------------------------
# fit
# --------------------------------------------------------------------------


class TestFit:
    def test_the_docstring_example(self):
        X = [[0.0, 0.0], [0.0, 1.0], [10.0, 0.0], [10.0, 1.0]]
        result = soft.fit(X, [[1.0, 0.0], [9.0, 1.0]], beta=2.0)
        assert isinstance(result, em.EMResult) and isinstance(result.params, soft.Params)
        np.testing.assert_allclose(result.params.centers, [[0.0, 0.5], [10.0, 0.5]], atol=1e-12)
        assert result.converged and result.params.beta == 2.0

    def test_history_holds_the_steps(self):
        X, start = blobs(7), blobs(7)[[0, 1, 2]]
        result = soft.fit(X, start, 0.2, max_iter=5, tol=0)
        assert result.n_iter == 5 and len(result.history) == 6 and not result.converged
        assert np.array_equal(result.history[0].params.centers, start)
        for before, after in zip(result.history, result.history[1:]):
            resp = soft.responsibilities(X, before.params.centers, 0.2)
            np.testing.assert_allclose(after.params.centers, soft.update(X, resp), rtol=1e-12, atol=1e-12)
        for step in result.history:
            assert step.log_likelihood == pytest.approx(soft.log_likelihood(X, *step.params), rel=1e-12)

    def test_results_are_read_only(self):
        result = soft.fit(blobs(8), 3, 1.0, rng=0)
        with pytest.raises(ValueError, match="read-only"):
            result.params.centers[0, 0] = 1.0

    def test_max_iter_zero_keeps_the_start(self):
        X = blobs(9)
        result = soft.fit(X, X[:3], 1.0, max_iter=0)
        assert result.n_iter == 0 and np.array_equal(result.params.centers, X[:3])

    def test_k_starts_from_kmeans_plus_plus_with_rng(self):
        X = blobs(10)
        one, two = soft.fit(X, 3, 1.0, rng=5), soft.fit(X, 3, 1.0, rng=np.random.default_rng(5))
        assert np.array_equal(one.params.centers, two.params.centers)
        assert np.array_equal(one.history[0].params.centers, kmeans.init_centers(X, 3, rng=5))
        random = soft.fit(X, 3, 1.0, init="random", rng=5)
        assert np.array_equal(random.history[0].params.centers,
                              kmeans.init_centers(X, 3, method="random", rng=5))

    def test_large_beta_follows_kmeans_from_the_same_start(self):
        X = blobs(11, n=50, k=4)
        start = kmeans.init_centers(X, 4, method="random", rng=1)
        hard = kmeans.fit(X, 4, init=start, tol=0)
        stiff = soft.fit(X, start, 1e4, max_iter=hard.n_iter, tol=0)
        for hard_step, soft_step in zip(hard.history, stiff.history):
            np.testing.assert_allclose(soft_step.params.centers, hard_step.centers, rtol=0, atol=1e-9)
        labels = soft.responsibilities(X, stiff.params.centers, 1e4).argmax(axis=1)
        assert np.array_equal(labels, hard.labels)

    def test_responsibilities_converge_to_one_hot_as_beta_grows(self):
        X = blobs(12, spread=4.0)   # clouds close enough for some points to be in doubt
        start = kmeans.init_centers(X, 3, rng=0)
        hard = kmeans.fit(X, 3, init=start)
        one_hot = np.eye(3)[hard.labels]
        gaps, moves = [], []
        for beta in (0.3, 1.0, 3.0, 10.0, 30.0):
            fitted = soft.fit(X, start, beta)
            gaps.append(np.abs(soft.responsibilities(X, fitted.params.centers, beta) - one_hot).max())
            moves.append(np.abs(fitted.params.centers - hard.centers).max())
        assert np.all(np.diff(gaps) < 0) and np.all(np.diff(moves) < 0)
        assert gaps[0] > 0.1 and moves[0] > 0.1 and gaps[-1] < 1e-10 and moves[-1] < 1e-10

    def test_small_beta_collapses_every_center_onto_the_mean(self):
        X = blobs(13)
        lambda_max = np.linalg.eigvalsh(np.cov(X.T, bias=True)).max()
        below = soft.fit(X, 3, 0.8 / (2 * lambda_max), rng=0, max_iter=5000, tol=1e-12)
        np.testing.assert_allclose(below.params.centers, np.tile(X.mean(axis=0), (3, 1)), atol=1e-3)
        above = soft.fit(X, 3, 3 / (2 * lambda_max), rng=0, max_iter=5000)
        assert np.ptp(above.params.centers, axis=0).max() > 1.0

    def test_far_away_start_is_pulled_in_without_nan(self):
        X = blobs(14)
        result = soft.fit(X, [[0.0, 0.0], [1e6, 1e6]], 1.0)
        assert np.all(np.isfinite(result.params.centers))
        # the far center has weight exp(-1e12) relative to the near one: it still moves to the data
        assert np.abs(result.history[1].params.centers[1]).max() < 100

    def test_callback_sees_every_iteration(self):
        seen = []
        result = soft.fit(blobs(15), 3, 1.0, rng=0, callback=lambda t, step: seen.append(t))
        assert seen == list(range(1, result.n_iter + 1))


@st.composite
def soft_problems(draw):
    """2 to 30 points in 1 to 3 dimensions, 1 to 4 centers, a stiffness from 1e-3 to 1e3."""
    n = draw(st.integers(2, 30))
    d = draw(st.integers(1, 3))
    k = draw(st.integers(1, min(4, n)))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d)) * draw(st.sampled_from([1e-3, 1.0, 10.0])) + draw(st.floats(-100, 100))
    X[: n // 2] += draw(st.floats(0, 20))
    centers = X[rng.choice(n, size=k, replace=False)] + rng.normal(scale=0.5, size=(k, d))
    beta = 10 ** draw(st.floats(-3, 3))
    return X, centers, beta


@given(soft_problems(), st.floats(-50, 50))
def test_adding_a_constant_to_every_squared_distance_changes_nothing(problem, shift):
    # a point moved along a new axis is farther from every center by the same amount
    X, centers, beta = problem
    lifted = np.column_stack([X, np.full(len(X), abs(shift))])
    flat_centers = np.column_stack([centers, np.zeros(len(centers))])
    np.testing.assert_allclose(soft.responsibilities(lifted, flat_centers, beta),
                               soft.responsibilities(X, centers, beta), rtol=1e-9, atol=1e-12)


# --------------------------------------------------------------------------
# The link with Gaussian mixtures
# --------------------------------------------------------------------------


def test_responsibilities_are_the_e_step_of_an_equal_spherical_gmm():
    X = blobs(16, k=4)
    centers = X[[0, 40, 80, 120]] + 0.3
    for beta in (0.05, 0.5, 5.0):
        params = gmm.Params(weights=np.full(4, 0.25), means=centers, covariances=np.full(4, 1 / (2 * beta)))
        resp, log_lik = gmm.e_step(X, params)
        np.testing.assert_allclose(soft.responsibilities(X, centers, beta), resp, rtol=1e-10, atol=1e-12)
        assert soft.log_likelihood(X, centers, beta) == pytest.approx(log_lik, rel=1e-10)


# --------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------

X_OK = np.array([[0.0, 0.0], [1.0, 0.0], [5.0, 5.0]])
C_OK = np.array([[0.0, 0.0], [5.0, 5.0]])


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: soft.responsibilities([[np.nan, 0.0]], C_OK, 1.0), ValueError,
         "X contains NaN; every entry must be finite"),
        (lambda: soft.responsibilities([0.0, 1.0], C_OK, 1.0), ValueError,
         "X must be a 2-d array of shape \\(n_samples, n_features\\); got a 1-d array"),
        (lambda: soft.responsibilities(X_OK, [[0.0, 0.0, 0.0]], 1.0), ValueError,
         "centers must have n_features = 2 columns like X; got shape \\(1, 3\\)"),
        (lambda: soft.responsibilities(X_OK, [[np.inf, 0.0]], 1.0), ValueError,
         "centers contains infinity; every entry must be finite"),
        (lambda: soft.responsibilities(X_OK, C_OK, -1.0), ValueError,
         "beta must be at least 0 \\(a stiffness\\); got -1.0"),
        (lambda: soft.responsibilities(X_OK, C_OK, np.inf), ValueError, "beta must be finite; got inf"),
        (lambda: soft.responsibilities(X_OK, C_OK, np.nan), ValueError, "beta must be finite; got nan"),
        (lambda: soft.responsibilities(X_OK, C_OK, "1"), TypeError, "beta must be a real number; got '1'"),
        (lambda: soft.responsibilities(X_OK, C_OK, True), TypeError, "beta must be a real number; got True"),
        (lambda: soft.responsibilities(X_OK, C_OK, None), TypeError, "beta must be a real number; got None"),
        (lambda: soft.responsibilities([["a", "b"]], C_OK, 1.0), TypeError, "X must hold real numbers"),
        (lambda: soft.log_likelihood(X_OK, C_OK, 0.0), ValueError,
         "beta must be positive here: beta = 0 is a mixture of infinitely wide clouds"),
        (lambda: soft.distance_shares(X_OK, [[0.0]]), ValueError,
         "centers must have n_features = 2 columns like X; got shape \\(1, 1\\)"),
        (lambda: soft.update(X_OK, [[1.0, 0.0], [0.0, 1.0]]), ValueError,
         "resp must have one row per row of X \\(3\\); got shape \\(2, 2\\)"),
        (lambda: soft.update(X_OK, [[0.7, 0.7], [0.0, 1.0], [1.0, 0.0]]), ValueError,
         "each row of resp must sum to 1; row 0 sums to 1.4"),
        (lambda: soft.update(X_OK, [[1.5, -0.5], [0.0, 1.0], [1.0, 0.0]]), ValueError,
         "resp must hold probabilities between 0 and 1"),
        (lambda: soft.update(X_OK, [1.0, 0.0, 1.0]), ValueError,
         "resp must be a 2-d array of shape \\(n_samples, k\\); got a 1-d array of shape \\(3,\\)$"),
        (lambda: soft.update(X_OK, [[np.nan, 1.0]] * 3), ValueError, "resp contains NaN"),
    ],
)
def test_bad_input_to_the_steps(call, error, message):
    with pytest.raises(error, match=message):
        call()


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"k_or_centers": 4}, ValueError, "k_or_centers must be at most n_samples = 3; got 4"),
        ({"k_or_centers": 0}, ValueError, "k_or_centers must be at least 1; got 0"),
        ({"k_or_centers": 2.0}, TypeError, "k_or_centers must be an integer k or an array of centers; got 2.0"),
        ({"k_or_centers": True}, TypeError, "k_or_centers must be an integer k or an array of centers; got True"),
        ({"k_or_centers": [[0.0, 0.0]] * 4}, ValueError, "k_or_centers must have at most n_samples = 3 rows; got 4"),
        ({"k_or_centers": [[0.0]]}, ValueError,
         "k_or_centers must have n_features = 2 columns like X; got shape \\(1, 1\\)"),
        ({"beta": 0.0}, ValueError, "beta must be positive here"),
        ({"beta": -2.0}, ValueError, "beta must be at least 0 \\(a stiffness\\); got -2.0"),
        ({"beta": float("inf")}, ValueError, "beta must be finite; got inf"),
        ({"beta": float("nan")}, ValueError, "beta must be finite; got nan"),
        ({"max_iter": -1}, ValueError, "max_iter must be at least 0; got -1"),
        ({"max_iter": 1.5}, TypeError, "max_iter must be an integer; got 1.5"),
        ({"tol": -1e-3}, ValueError, "tol must be at least 0.0; got -0.001"),
        ({"tol": float("nan")}, ValueError, "tol must be finite; got nan"),
        ({"rng": "seed"}, TypeError, "rng must be None, an int seed, a numpy.random.SeedSequence"),
        ({"rng": -1}, ValueError, "rng must be a non-negative seed; got -1"),
        ({"k_or_centers": C_OK, "rng": "seed"}, TypeError, "rng must be None, an int seed"),
        ({"init": "best"}, ValueError, "init must be one of \\('k-means\\+\\+', 'random'\\); got 'best'"),
        ({"init": None}, TypeError, "init must be a string; got None"),
        ({"callback": 3}, TypeError, "callback must be a function or None; got int"),
    ],
)
def test_bad_input_to_fit(kwargs, error, message):
    arguments = {"k_or_centers": 2, "beta": 1.0, "rng": 0} | kwargs
    with pytest.raises(error, match=message):
        soft.fit(X_OK, arguments.pop("k_or_centers"), arguments.pop("beta"), **arguments)


def test_bad_X_in_fit():
    with pytest.raises(ValueError, match="X contains NaN; every entry must be finite"):
        soft.fit([[0.0, np.nan], [1.0, 1.0]], 1, 1.0)
    with pytest.raises(ValueError, match="X must not be empty; got shape \\(0, 2\\)"):
        soft.fit(np.zeros((0, 2)), 1, 1.0)


def test_log_likelihood_at_extreme_beta_is_finite_and_exact():
    # every point on a center: the exponent is 0 however large beta is
    value = soft.log_likelihood([[0.0], [4.0]], [[0.0], [4.0]], 1e308)
    expected = 2 * (np.log(0.5 + 0.5 * np.exp(-1e308 * 16)) - 0.5 * np.log(np.pi / 1e308))
    assert value == pytest.approx(expected, rel=1e-12)
    # a tiny beta: log(pi / beta) would overflow if formed as a quotient
    tiny = soft.log_likelihood([[0.0], [4.0]], [[0.0], [4.0]], 1e-309)
    # both points at distance 0 or 16 from the centers: exp(-beta * 16) = 1, so each adds log(beta / pi) / 2
    assert tiny == pytest.approx(np.log(1e-309) - np.log(np.pi), rel=1e-12)


def test_update_with_subnormal_responsibilities_is_the_weighted_mean():
    X = np.array([[1.0], [3.0], [5.0]])
    resp = np.array([[1 - 1e-310, 1e-310], [1 - 2e-310, 2e-310], [1.0, 0.0]])
    centers = soft.update(X, resp)
    assert centers[1, 0] == pytest.approx((1 * 1 + 3 * 2) / 3, rel=1e-12)


def test_places_count_merged_centers_once():
    centers = [[0.0, 0.0], [3.0, 0.0], [0.0, 0.005], [3.0, 0.004], [9.0, 9.0]]
    found = soft.places(centers, 0.01)
    assert [count for _, count in found] == [2, 2, 1]
    np.testing.assert_array_equal([position for position, _ in found], [[0, 0], [3, 0], [9, 9]])
    assert len(soft.places(centers, 0.0)) == 5
    with pytest.raises(ValueError, match="tolerance must be at least 0"):
        soft.places(centers, -1.0)


# --------------------------------------------------------------------------
# Mutation check: values no test above pins down
# --------------------------------------------------------------------------


def test_places_merge_centers_exactly_tolerance_apart():
    found = soft.places([[0.0], [0.5], [2.0]], 0.5)
    assert [count for _, count in found] == [2, 1]


def test_a_center_with_no_responsibility_at_all_stays_where_it_is():
    # beta * excess overflows: center 2 is nobody's nearest and gets responsibility exactly 0;
    # the points sit on the other centers, so the log-likelihood stays finite
    result = soft.fit([[0.0], [4.0], [4.0]], [[0.0], [4.0], [10.0]], 1e308, max_iter=1, tol=0)
    assert result.params.centers.ravel().tolist() == [0.0, 4.0, 10.0]
