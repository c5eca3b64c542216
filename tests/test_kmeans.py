"""emlib.kmeans: hand-computed cases, laws of the algorithm, scikit-learn, bad input."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.cluster import KMeans

from emlib import datasets, kmeans

NUMBERS = np.array([1, 2, 3, 8, 9, 10, 25], dtype=float).reshape(-1, 1)
CORNERS = np.array([[0.0, 0.0], [0.0, 1.0], [4.0, 0.0], [4.0, 1.0]])


def blobs(seed=0, n=60, k=4, d=2, spread=6.0):
    rng = np.random.default_rng(seed)
    centers = rng.normal(scale=spread, size=(k, d))
    X, _ = datasets.make_blobs(centers, n, 1.0, rng=rng)
    return X


# --------------------------------------------------------------------------
# Hand-computed cases
# --------------------------------------------------------------------------


class TestByHand:
    def test_assign_picks_the_nearest_center(self):
        assert kmeans.assign([[0.0], [1.0], [9.0]], [[0.0], [10.0]]).tolist() == [0, 0, 1]

    def test_assign_breaks_ties_towards_the_lowest_index(self):
        # 5 is equally far from 0 and 10; (2, 0.5) is equally far from both bottom/top centers
        assert kmeans.assign([[5.0]], [[10.0], [0.0]]).tolist() == [0]
        assert kmeans.assign([[2.0, 0.5]], [[2.0, 0.0], [2.0, 1.0]]).tolist() == [0]
        assert kmeans.assign([[1.0], [1.0]], [[0.0], [2.0], [0.0]]).tolist() == [0, 0]

    def test_update_takes_cluster_means(self):
        centers = kmeans.update([[0.0, 0.0], [2.0, 4.0], [10.0, 1.0]], [0, 0, 1], 2)
        assert centers.tolist() == [[1.0, 2.0], [10.0, 1.0]]

    def test_inertia(self):
        assert kmeans.inertia([[0.0], [2.0], [10.0]], [[1.0], [10.0]]) == 2.0
        assert kmeans.inertia([[0.0], [2.0], [10.0]], [[1.0], [10.0]], labels=[0, 0, 0]) == 83.0

    def test_seven_numbers_iteration_by_iteration(self):
        # centers (1, 2) -> (1, 9.5) -> (2, 13), then the assignment repeats
        result = kmeans.fit(NUMBERS, 2, init=[[1.0], [2.0]], tol=0)
        assert [step.centers.ravel().tolist() for step in result.history] == [[1, 2], [1, 9.5], [2, 13]]
        # J at (1, 2): 0 + (0+1+36+49+64+529); at (1, 9.5) with the old labels it is 248
        assert [step.inertia for step in result.history] == [679.0, 248.0, 196.0]
        assert result.labels.tolist() == [0, 0, 0, 1, 1, 1, 1]
        assert (result.inertia, result.n_iter, result.converged) == (196.0, 2, True)

    def test_half_steps_of_the_seven_numbers(self):
        # after update 1 the labels are still {1}, {2..25}: J = 0 + 341.5 with centers (1, 9.5)
        result = kmeans.fit(NUMBERS, 2, init=[[1.0], [2.0]], tol=0)
        assert kmeans.half_step_inertias(NUMBERS, result).tolist() == [679.0, 341.5, 248.0, 196.0, 196.0]
        with pytest.raises(TypeError, match="result must be a kmeans.KMeansResult; got tuple"):
            kmeans.half_step_inertias(NUMBERS, (1, 2))

    def test_iteration_t_is_an_assignment_step_then_an_update_step(self):
        # the chapter's convention: iteration t assigns to mu^(t-1) = history[t-1].centers (labels z^t)
        # and updates to mu^t = history[t].centers; history[t].inertia = J(z^(t+1), mu^t)
        X = blobs(seed=5, n=40, k=4)
        result = kmeans.fit(X, 4, init=X[:4], tol=0)
        half_steps = kmeans.half_step_inertias(X, result)
        assert result.n_iter >= 3 and len(half_steps) == 2 * result.n_iter + 1
        for t in range(1, result.n_iter + 1):
            z_t = kmeans.assign(X, result.history[t - 1].centers)
            assert np.bincount(z_t, minlength=4).min() > 0  # no empty cluster: plain means
            np.testing.assert_allclose(result.history[t].centers, kmeans.update(X, z_t, 4), rtol=1e-12)
            assert half_steps[2 * t - 2] == pytest.approx(kmeans.inertia(X, result.history[t - 1].centers, z_t))
            assert half_steps[2 * t - 1] == pytest.approx(kmeans.inertia(X, result.history[t].centers, z_t))
            assert result.history[t - 1].inertia == pytest.approx(half_steps[2 * t - 2])
        # the run stopped because the assignment step of one more iteration repeats z^n_iter
        z_last = kmeans.assign(X, result.history[-2].centers)
        np.testing.assert_array_equal(kmeans.assign(X, result.centers), z_last)
        assert half_steps[-1] == pytest.approx(half_steps[-2])

    def test_a_better_fixed_point_exists_for_the_seven_numbers(self):
        better = np.array([0, 0, 0, 0, 0, 0, 1])
        centers = kmeans.update(NUMBERS, better, 2)
        assert centers.ravel().tolist() == [5.5, 25.0]
        assert kmeans.inertia(NUMBERS, centers, better) == 77.5
        assert kmeans.fit(NUMBERS, 2, init=centers).n_iter == 1  # nothing moves

    def test_rectangle_has_two_fixed_points(self):
        left_right = kmeans.fit(CORNERS, 2, init=[[0.0, 0.5], [4.0, 0.5]])
        bottom_top = kmeans.fit(CORNERS, 2, init=[[2.0, -1.0], [2.0, 2.0]])
        assert left_right.inertia == 1.0 and left_right.labels.tolist() == [0, 0, 1, 1]
        assert bottom_top.inertia == 16.0 and bottom_top.labels.tolist() == [0, 1, 0, 1]
        assert bottom_top.centers.tolist() == [[2.0, 0.0], [2.0, 1.0]]

    def test_one_cluster_is_the_mean(self):
        X = blobs()
        result = kmeans.fit(X, 1)
        np.testing.assert_allclose(result.centers[0], X.mean(axis=0), rtol=1e-12)
        np.testing.assert_allclose(result.inertia, ((X - X.mean(axis=0)) ** 2).sum(), rtol=1e-10)

    def test_as_many_clusters_as_points(self):
        result = kmeans.fit(CORNERS, 4, rng=0)
        assert sorted(map(tuple, result.centers.tolist())) == sorted(map(tuple, CORNERS.tolist()))
        assert result.inertia == 0.0

    def test_zero_iterations_returns_the_start(self):
        result = kmeans.fit(NUMBERS, 2, init=[[1.0], [2.0]], max_iter=0)
        assert result.n_iter == 0 and not result.converged and len(result.history) == 1
        assert result.centers.ravel().tolist() == [1.0, 2.0]
        assert result.labels.tolist() == [0, 1, 1, 1, 1, 1, 1]

    def test_stopping_at_max_iter_is_not_convergence(self):
        result = kmeans.fit(NUMBERS, 2, init=[[1.0], [2.0]], max_iter=1, tol=0)
        assert result.n_iter == 1 and not result.converged

    def test_result_is_read_only(self):
        result = kmeans.fit(NUMBERS, 2, rng=0)
        for array in (result.centers, result.labels, result.history[0].centers, result.history[-1].centers):
            with pytest.raises(ValueError, match="read-only"):
                array[0] = 5
        with pytest.raises(AttributeError):
            result.inertia = 0.0
        with pytest.raises(AttributeError):
            result.history[0].inertia = 0.0


# --------------------------------------------------------------------------
# Empty clusters
# --------------------------------------------------------------------------


class TestEmptyClusters:
    def test_update_moves_an_empty_cluster_to_the_farthest_point(self):
        # all three points in cluster 0 (mean 11/3); 10 is farthest, so it
        # becomes cluster 1's center and cluster 0 keeps 0 and 1 (mean 0.5)
        centers = kmeans.update([[0.0], [1.0], [10.0]], [0, 0, 0], 2)
        assert centers.ravel().tolist() == [0.5, 10.0]

    def test_several_empty_clusters_take_the_farthest_points_but_never_a_last_point(self):
        # cluster 0 = {0, 1, 2, 10} (mean 3.25): 10 is farthest, then 0; cluster 1 = {50} alone
        X = [[0.0], [1.0], [2.0], [10.0], [50.0]]
        centers = kmeans.update(X, [0, 0, 0, 0, 1], 4)
        assert centers.ravel().tolist() == [1.5, 50.0, 10.0, 0.0]

    def test_update_with_identical_points_never_gives_nan(self):
        centers = kmeans.update([[1.0, 2.0]] * 3, [0, 0, 0], 3)
        assert centers.tolist() == [[1.0, 2.0]] * 3

    def test_fit_rescues_a_center_far_from_the_data(self):
        X = blobs(seed=1)
        start = np.vstack([X[:3], [[1e3, -1e3]]])
        result = kmeans.fit(X, 4, init=start)
        assert kmeans.assign(X, start).max() < 3  # the far center starts empty
        assert np.isfinite(result.centers).all()
        assert np.bincount(result.labels, minlength=4).min() > 0
        inertias = [step.inertia for step in result.history]
        assert np.all(np.diff(inertias) <= 0)

    def test_more_clusters_than_distinct_points(self):
        X = np.array([[0.0], [0.0], [5.0], [5.0]])
        with pytest.warns(UserWarning, match="k-means found 2 distinct clusters, fewer than k = 3"):
            result = kmeans.fit(X, 3, init=[[0.0], [5.0], [100.0]])
        assert np.isfinite(result.centers).all() and result.inertia == 0.0


# --------------------------------------------------------------------------
# Initialisation
# --------------------------------------------------------------------------


class TestInit:
    @pytest.mark.parametrize("method", ["random", "k-means++"])
    def test_centers_are_distinct_rows_of_X(self, method):
        X = blobs(seed=2)
        centers = kmeans.init_centers(X, 4, method=method, rng=3)
        rows = {tuple(row) for row in X.tolist()}
        assert len({tuple(c) for c in centers.tolist()}) == 4
        assert all(tuple(c) in rows for c in centers.tolist())

    def test_kmeans_plusplus_finds_every_far_apart_cloud(self):
        tight = np.array([[0, 0], [100, 0], [0, 100], [100, 100], [50, 200]], dtype=float)
        X, truth = datasets.make_blobs(tight, 30, 1.0, rng=4)
        rng = np.random.default_rng(5)
        for _ in range(50):
            centers = kmeans.init_centers(X, 5, rng=rng)
            clouds = truth[[int(np.flatnonzero((X == c).all(axis=1))[0]) for c in centers]]
            assert sorted(clouds.tolist()) == [0, 1, 2, 3, 4]

    def test_random_init_fails_where_kmeans_plusplus_does_not(self):
        # the point of k-means++: uniform picks often put two centers in one cloud
        tight = np.array([[0, 0], [100, 0], [0, 100], [100, 100], [50, 200]], dtype=float)
        X, truth = datasets.make_blobs(tight, 30, 1.0, rng=4)
        rng = np.random.default_rng(6)
        covers = [
            len(set(truth[[int(np.flatnonzero((X == c).all(axis=1))[0]) for c in
                           kmeans.init_centers(X, 5, method="random", rng=rng)]].tolist())) == 5
            for _ in range(200)
        ]
        assert np.mean(covers) < 0.2  # 5!/5^5 = 0.038 in expectation

    def test_same_seed_same_start(self):
        X = blobs()
        a = kmeans.fit(X, 4, rng=11)
        b = kmeans.fit(X, 4, rng=np.random.default_rng(11))
        assert np.array_equal(a.centers, b.centers) and np.array_equal(a.labels, b.labels)

    def test_a_generator_advances_between_calls(self):
        X = blobs()
        rng = np.random.default_rng(12)
        starts = {tuple(kmeans.init_centers(X, 4, rng=rng).ravel()) for _ in range(5)}
        assert len(starts) > 1

    def test_global_numpy_state_is_untouched(self):
        np.random.seed(0)
        expected = np.random.random()
        np.random.seed(0)
        kmeans.fit(blobs(), 4, rng=1)
        kmeans.fit(blobs(), 4, init="random", rng=2)
        assert np.random.random() == expected


# --------------------------------------------------------------------------
# Scale: far from the origin, very large and very small
# --------------------------------------------------------------------------


def test_offset_and_scale_do_not_change_the_clustering():
    X = blobs(seed=7)
    start = X[[0, 20, 40, 60]]
    base = kmeans.fit(X, 4, init=start, tol=0)
    for shift, factor in [(1e8, 1.0), (1e10, 1.0), (1e150, 1e145), (0.0, 1e150), (0.0, 1e-150), (-3e6, 2.5)]:
        moved = kmeans.fit(X * factor + shift, 4, init=start * factor + shift, tol=0)
        assert np.array_equal(moved.labels, base.labels)
        # (centers are known to the precision that the shift leaves them)
        np.testing.assert_allclose((moved.centers - shift) / factor, base.centers, rtol=1e-6,
                                   atol=1e-6 + 1e-14 * abs(shift) / factor)
        np.testing.assert_allclose(moved.inertia / factor / factor, base.inertia, rtol=1e-6)
    # at 1e-300 the squares underflow, but the labels are still right
    tiny = kmeans.fit(X * 1e-300, 4, init=start * 1e-300, tol=0)
    assert np.array_equal(tiny.labels, base.labels)


def test_a_spread_too_wide_for_float64_squares_gets_a_clear_error():
    X = blobs(seed=7) * 1e160
    # labels need no squares of that size ...
    assert kmeans.assign(X, X[:3]).shape == (len(X),)
    # ... but the inertia does
    with pytest.raises(ValueError, match="X spans about .*: its squared distances overflow float64; divide X"):
        kmeans.fit(X, 3, rng=0)
    with pytest.raises(ValueError, match="squared distances overflow float64"):
        kmeans.inertia(X, X[:3])


def test_centers_far_outside_the_data():
    assert kmeans.assign([[0.0]], [[1e200], [1e190]]).tolist() == [1]
    assert kmeans.assign([[1.0], [2.0]], [[1e308], [0.0]]).tolist() == [1, 1]
    result = kmeans.fit([[0.0], [1e-300]], 2, init=[[1e10], [5e9]])
    assert np.isfinite(result.history[0].inertia) and np.isfinite(result.centers).all()


@settings(max_examples=50)
@given(st.integers(0, 2**32 - 1), st.floats(1e2, 1e7), st.integers(2, 4))
def test_tight_clusters_far_apart_keep_an_accurate_inertia(seed, separation, k):
    rng = np.random.default_rng(seed)
    centers = rng.normal(size=(k, 2)) * separation
    X, _ = datasets.make_blobs(centers, 20, 1.0, rng=rng)
    result = kmeans.fit(X, k, rng=rng, tol=0)
    np.testing.assert_allclose(result.inertia, kmeans.inertia(X, result.centers, result.labels), rtol=1e-9)
    inertias = [step.inertia for step in result.history]
    assert np.all(np.diff(inertias) <= 1e-9 * inertias[0])


# --------------------------------------------------------------------------
# Agreement with scikit-learn
# --------------------------------------------------------------------------


def sklearn_kmeans(X, start, tol):
    return KMeans(len(start), init=start, n_init=1, algorithm="lloyd", tol=tol, max_iter=300).fit(X)


CASES = {
    "blobs 2-d": lambda: blobs(seed=8, n=200, k=5),
    "blobs 10-d": lambda: blobs(seed=9, n=300, k=8, d=10, spread=3.0),
    "uniform square": lambda: np.random.default_rng(10).random((500, 2)),
    "one feature": lambda: np.random.default_rng(11).normal(size=(300, 1)),
    "large offset": lambda: blobs(seed=12, n=100, k=3) + 1e6,
    "several blocks": lambda: blobs(seed=14, n=5000, k=4, d=3),  # 20 000 points
}


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("tol", [0.0, 1e-4])
@pytest.mark.parametrize("init", ["random", "k-means++"])
def test_same_answer_as_scikit_learn(name, tol, init):
    """Same start, same answer; the data include cases with many blocks."""
    X = CASES[name]()
    k = 5 if name != "large offset" else 3
    start = kmeans.init_centers(X, k, method=init, rng=13)
    ours = kmeans.fit(X, k, init=start, tol=tol)
    theirs = sklearn_kmeans(X, start, tol)
    scale = np.abs(X - X.mean(axis=0)).max()
    np.testing.assert_allclose(ours.centers, theirs.cluster_centers_, rtol=1e-10, atol=1e-10 * scale)
    assert np.array_equal(ours.labels, theirs.labels_)
    np.testing.assert_allclose(ours.inertia, theirs.inertia_, rtol=1e-9)
    if tol == 0:  # scikit-learn also counts the pass that confirms convergence
        assert theirs.n_iter_ == ours.n_iter + 1


def test_same_answer_as_scikit_learn_with_many_clusters():
    X = np.random.default_rng(15).normal(size=(3000, 2))
    start = kmeans.init_centers(X, 300, rng=16)  # 300 clusters: blocks of 256 points
    ours = kmeans.fit(X, 300, init=start, tol=0, max_iter=20)
    theirs = KMeans(300, init=start, n_init=1, algorithm="lloyd", tol=0, max_iter=20).fit(X)
    assert np.bincount(ours.labels, minlength=300).min() > 0  # no empty cluster: the rules agree
    np.testing.assert_allclose(ours.centers, theirs.cluster_centers_, rtol=1e-10, atol=1e-12)
    assert np.array_equal(ours.labels, theirs.labels_)


# --------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------

GOOD_X = CORNERS


@pytest.mark.parametrize(
    "X, error, message",
    [
        ([[0.0, np.nan], [1.0, 1.0]], ValueError, "X contains NaN"),
        ([[0.0, np.inf], [1.0, 1.0]], ValueError, "X contains infinity"),
        ([[0.0, -np.inf], [1.0, 1.0]], ValueError, "X contains infinity"),
        (np.empty((0, 2)), ValueError, "X must not be empty"),
        (np.empty((3, 0)), ValueError, "X must not be empty"),
        ([1.0, 2.0, 3.0], ValueError, "X must be a 2-d array .* got a 1-d array of shape \\(3,\\); "
                                      "use X.reshape\\(-1, 1\\) for one feature or X.reshape\\(1, -1\\) for one row"),
        (np.ma.masked_array([[1.0, 2.0], [3.0, 4.0]], mask=[[0, 1], [0, 0]]), ValueError,
         "X is a masked array with masked entries; emlib does not read masks"),
        (np.zeros((2, 2, 2)), ValueError, "X must be a 2-d array .* got a 3-d array"),
        (5.0, ValueError, "X must be a 2-d array .* got a 0-d array"),
        ("abc", TypeError, "X must be an array of real numbers; got 'abc'"),
        (None, TypeError, "X must be an array of real numbers; got None"),
        ([["a", "b"], ["c", "d"]], TypeError, "X must hold real numbers; got an array of dtype <U1"),
        (np.array([[1, 2], [3, 4]], dtype=object), TypeError, "X must hold real numbers; .*object"),
        (np.ones((3, 2)) * 1j, TypeError, "X must hold real numbers; .*complex128"),
        ([[1.0, 2.0], [3.0]], ValueError, "X must be a rectangular array of numbers"),
    ],
)
@pytest.mark.parametrize("call", ["fit", "assign", "update", "inertia", "init_centers"])
def test_bad_X(call, X, error, message):
    calls = {
        "fit": lambda: kmeans.fit(X, 1),
        "assign": lambda: kmeans.assign(X, [[0.0, 0.0]]),
        "update": lambda: kmeans.update(X, [0, 0], 1),
        "inertia": lambda: kmeans.inertia(X, [[0.0, 0.0]]),
        "init_centers": lambda: kmeans.init_centers(X, 1),
    }
    with pytest.raises(error, match=message):
        calls[call]()


@pytest.mark.parametrize(
    "k, error, message",
    [
        (0, ValueError, "k must be at least 1; got 0"),
        (-2, ValueError, "k must be at least 1; got -2"),
        (5, ValueError, "k must be at most n_samples = 4; got 5"),
        (2.5, TypeError, "k must be an integer; got 2.5 \\(float\\)"),
        (2.0, TypeError, "k must be an integer; got 2.0 \\(float\\)"),
        (True, TypeError, "k must be an integer; got True \\(bool\\)"),
        ("2", TypeError, "k must be an integer; got '2' \\(str\\)"),
        (None, TypeError, "k must be an integer; got None"),
    ],
)
@pytest.mark.parametrize("call", ["fit", "init_centers"])
def test_bad_k(call, k, error, message):
    function = kmeans.fit if call == "fit" else kmeans.init_centers
    with pytest.raises(error, match=message):
        function(GOOD_X, k)


def test_numpy_integer_k_is_fine():
    assert kmeans.fit(GOOD_X, np.int64(2), rng=0).centers.shape == (2, 2)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"init": [[0.0, 0.0]]}, ValueError, "init must have k = 2 rows; got shape \\(1, 2\\)"),
        ({"init": [[0.0], [1.0]]}, ValueError, "init must have n_features = 2 columns like X; got shape \\(2, 1\\)"),
        ({"init": [0.0, 1.0]}, ValueError, "init must be a 2-d array"),
        ({"init": [[0.0, np.nan], [1.0, 1.0]]}, ValueError, "init contains NaN"),
        ({"init": "kmeans++"}, ValueError, "init must be one of \\('k-means\\+\\+', 'random'\\) or an array; got 'kmeans\\+\\+'"),
        ({"max_iter": -1}, ValueError, "max_iter must be at least 0; got -1"),
        ({"max_iter": 10.0}, TypeError, "max_iter must be an integer"),
        ({"tol": -1e-3}, ValueError, "tol must be at least 0.0; got -0.001"),
        ({"tol": np.nan}, ValueError, "tol must be finite; got nan"),
        ({"tol": "small"}, TypeError, "tol must be a real number; got 'small'"),
        ({"rng": "seed"}, TypeError, "rng must be None, an int seed, a numpy.random.SeedSequence, "
                                     "a numpy.random.Generator or a numpy.random.RandomState; got 'seed'"),
        ({"rng": 1.5}, TypeError, "rng must be .*got 1.5 \\(float\\)"),
        ({"rng": -1}, ValueError, "rng must be a non-negative seed; got -1"),
    ],
)
def test_bad_fit_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        kmeans.fit(GOOD_X, 2, **kwargs)


@pytest.mark.parametrize(
    "labels, error, message",
    [
        ([0, 1, 2, 0], ValueError, "labels must lie in 0 .. k-1 = 1; got values from 0 to 2"),
        ([0, -1, 1, 0], ValueError, "labels must lie in 0 .. k-1 = 1; got values from -1 to 1"),
        ([0, 1], ValueError, "labels must have shape \\(n_samples,\\) = \\(4,\\); got \\(2,\\)"),
        ([0.0, 1.0, 1.0, 0.0], TypeError, "labels must hold integers; got an array of dtype float64"),
        ("0101", TypeError, "labels must be an array of integers; got '0101'"),
    ],
)
def test_bad_labels(labels, error, message):
    with pytest.raises(error, match=message):
        kmeans.update(GOOD_X, labels, 2)
    with pytest.raises(error, match=message):
        kmeans.inertia(GOOD_X, [[0.0, 0.0], [1.0, 1.0]], labels)


def test_update_bounds_k_by_the_number_of_points():
    with pytest.raises(ValueError, match="k must be at most n_samples = 4; got 10000000"):
        kmeans.update(GOOD_X, [0, 1, 0, 1], 10**7)


def test_rng_is_checked_even_when_init_is_an_array():
    with pytest.raises(TypeError, match="rng must be"):
        kmeans.fit(GOOD_X, 2, init=GOOD_X[:2], rng="seed")


def test_update_needs_labels():
    with pytest.raises(TypeError, match="labels must be an array of integers; got None"):
        kmeans.update(GOOD_X, None, 2)


@pytest.mark.parametrize(
    "centers, error, message",
    [
        ([[0.0, 0.0, 0.0]], ValueError, "centers must have n_features = 2 columns like X; got shape \\(1, 3\\)"),
        ([[np.inf, 0.0]], ValueError, "centers contains infinity"),
        (np.empty((0, 2)), ValueError, "centers must not be empty"),
    ],
)
def test_bad_centers(centers, error, message):
    with pytest.raises(error, match=message):
        kmeans.assign(GOOD_X, centers)
    with pytest.raises(error, match=message):
        kmeans.inertia(GOOD_X, centers)


def test_bad_init_method():
    with pytest.raises(ValueError, match="method must be one of"):
        kmeans.init_centers(GOOD_X, 2, method="farthest")
    with pytest.raises(TypeError, match="method must be a string; got 3"):
        kmeans.init_centers(GOOD_X, 2, method=3)


def test_half_steps_count_the_points_moved_to_empty_clusters_where_they_went():
    # two of three centers start empty: the update moves a point into each, and the half-step
    # inertia scores those points at their new centers (scored at the old ones it would rise)
    X = np.array([[0.0], [0.0], [0.0], [3.0], [3.0], [-3.0], [-3.0]])
    result = kmeans.fit(X, 3, init=[[0.0], [0.0], [0.0]], tol=0)
    halves = kmeans.half_step_inertias(X, result)
    np.testing.assert_allclose(halves[:4], [36.0, 10.8, 10.8, 6.75], rtol=1e-12)
    assert np.all(np.diff(halves) <= 1e-12 * halves[0])  # to rounding: two routes to the same 10.8


# --------------------------------------------------------------------------
# Mutation check: values no test above pins down
# --------------------------------------------------------------------------


def test_two_empty_clusters_cannot_take_both_points_of_a_pair():
    # cluster 0 = {0, 2}: both points are 1 from its mean, but it must keep one, so the
    # first empty cluster takes 0 and the second a duplicate of it (cluster 1 has no spread)
    centers = kmeans.update([[0.0], [2.0], [10.0], [10.0]], [0, 0, 1, 1], 4)
    assert centers.ravel().tolist() == [2.0, 10.0, 0.0, 0.0]


def test_a_move_exactly_tol_times_the_variance_stops():
    # the first update moves 1 -> 4 (squared move 9, variance 6.5); point 1 would still change sides
    X = [[0.0], [1.0], [5.0], [6.0]]
    at_the_limit = kmeans.fit(X, 2, init=[[0.0], [1.0]], tol=9 / 6.5)
    assert at_the_limit.n_iter == 1 and at_the_limit.centers.ravel().tolist() == [0.0, 4.0]
    below = kmeans.fit(X, 2, init=[[0.0], [1.0]], tol=np.nextafter(9 / 6.5, 0))
    assert below.n_iter == 2 and below.centers.ravel().tolist() == [0.5, 5.5]


def test_k_means_plus_plus_keeps_the_candidate_that_lowers_the_potential_most():
    """Replayed by hand from the same seed: draw 2 + floor(ln k) candidates in proportion to D(x)^2, keep the best."""
    X = np.array([[0.0], [1.0], [5.0]])  # k = 3 points: 3 candidates per draw
    for seed in range(40):
        rng = np.random.default_rng(seed)
        chosen = [int(rng.integers(3))]
        closest = (X[:, 0] - X[chosen[0], 0]) ** 2
        for _ in range(2):
            draws = rng.random(3) * closest.sum()
            candidates = np.minimum(np.searchsorted(np.cumsum(closest), draws, side="right"), 2)
            potentials = [np.minimum(closest, (X[:, 0] - X[c, 0]) ** 2).sum() for c in candidates]
            best = int(candidates[int(np.argmin(potentials))])
            closest = np.minimum(closest, (X[:, 0] - X[best, 0]) ** 2)
            chosen.append(best)
        centers = kmeans.init_centers(X, 3, rng=np.random.default_rng(seed))
        assert centers.ravel().tolist() == X[chosen, 0].tolist()
