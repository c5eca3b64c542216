"""emlib.datasets: the generated data sets."""

import numpy as np
import pytest

from emlib import datasets


def test_blobs_have_the_requested_sizes_and_labels():
    X, labels = datasets.make_blobs([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]], [5, 1, 3], 1.0, rng=0)
    assert X.shape == (9, 2) and X.dtype == np.float64
    assert labels.tolist() == [0] * 5 + [1] + [2] * 3


def test_blobs_sit_around_their_centers_with_the_requested_spread():
    centers = np.array([[0.0, 0.0, 0.0], [100.0, -50.0, 3.0]])
    X, labels = datasets.make_blobs(centers, 20_000, [1.0, 3.0], rng=1)
    for k, std in enumerate([1.0, 3.0]):
        cloud = X[labels == k]
        np.testing.assert_allclose(cloud.mean(axis=0), centers[k], atol=5 * std / np.sqrt(len(cloud)))
        np.testing.assert_allclose(cloud.std(axis=0), std, rtol=0.03)


def test_same_seed_same_data_and_generators_advance():
    a = datasets.make_blobs([[0.0]], 10, rng=7)[0]
    assert np.array_equal(a, datasets.make_blobs([[0.0]], 10, rng=np.random.default_rng(7))[0])
    rng = np.random.default_rng(7)
    assert not np.array_equal(datasets.make_blobs([[0.0]], 10, rng=rng)[0],
                              datasets.make_blobs([[0.0]], 10, rng=rng)[0])


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"centers": [0.0, 1.0]}, ValueError, "centers must be a 2-d array"),
        ({"n_per_cluster": [5, 5, 5]}, ValueError, "n_per_cluster must be a number or 2 numbers; got shape \\(3,\\)"),
        ({"n_per_cluster": 0}, ValueError, "n_per_cluster must be positive; got \\[0, 0\\]"),
        ({"n_per_cluster": 2.0}, TypeError, "n_per_cluster must be an integer or 2 integers; got 2.0"),
        ({"n_per_cluster": True}, TypeError, "n_per_cluster must be an integer or 2 integers; got True"),
        ({"std": -1.0}, ValueError, "std must be positive; got \\[-1.0, -1.0\\]"),
        ({"std": [1.0, np.nan]}, ValueError, "std contains NaN"),
        ({"std": "wide"}, TypeError, "std must be a number or 2 numbers; got 'wide'"),
        ({"std": 1e308}, ValueError, "the points overflow float64"),
        ({"rng": "seed"}, TypeError, "rng must be"),
    ],
)
def test_bad_input(kwargs, error, message):
    arguments = {"centers": [[0.0, 0.0], [1.0, 1.0]], "n_per_cluster": 5, "std": 1.0, "rng": 0} | kwargs
    with pytest.raises(error, match=message):
        datasets.make_blobs(**arguments)


def test_penguins_match_the_published_table():
    data = datasets.penguins()
    assert data.X.shape == (344, 4) and data.X.dtype == np.float64
    assert data.feature_names == ("bill length (mm)", "bill depth (mm)", "flipper length (mm)", "body mass (g)")
    # two birds have no measurement at all (rows 4 and 272 of the source); the others have all four
    missing_rows = np.isnan(data.X).any(axis=1)
    assert np.flatnonzero(missing_rows).tolist() == [3, 271]
    assert np.isnan(data.X[missing_rows]).all()
    assert data.X[0].tolist() == [39.1, 18.7, 181.0, 3750.0]  # the first Adelie, Torgersen, 2007
    assert data.species_names == ("Adelie", "Chinstrap", "Gentoo")
    assert np.bincount(data.species).tolist() == [152, 68, 124]
    # the means reported by palmerpenguins' own summaries (R: mean(..., na.rm = TRUE))
    np.testing.assert_allclose(np.nanmean(data.X, axis=0), [43.92193, 17.15117, 200.9152, 4201.754], rtol=1e-6)
    assert not data.X.flags.writeable and not data.species.flags.writeable


def test_penguins_without_the_package_say_what_to_install(monkeypatch):
    monkeypatch.setattr(datasets.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ImportError, match="pip install palmerpenguins"):
        datasets.penguins()


def test_old_faithful_matches_r():
    data = datasets.old_faithful()
    assert data.X.shape == (272, 2) and data.X.dtype == np.float64
    assert data.feature_names == ("eruption (min)", "waiting time (min)")
    # R: head(faithful, 3); colMeans(faithful); sapply(faithful, sd)
    assert data.X[:3].tolist() == [[3.6, 79.0], [1.8, 54.0], [3.333, 74.0]]
    np.testing.assert_allclose(data.X.mean(axis=0), [3.487783, 70.89706], rtol=1e-6)
    np.testing.assert_allclose(data.X.std(axis=0, ddof=1), [1.141371, 13.594974], rtol=1e-6)
    assert not data.X.flags.writeable


def test_geyser_matches_mass():
    data = datasets.geyser()
    assert data.duration.shape == data.waiting.shape == (299,) and data.duration.dtype == np.float64
    # R 4.2.2, MASS 7.3-58.2: head(geyser, 3); colMeans(geyser); table(geyser$duration)[c("2", "3", "4")]
    assert data.waiting[:3].tolist() == [80.0, 71.0, 57.0]
    assert data.duration[:3].tolist() == [4.0166667, 2.15, 4.0]
    assert data.waiting.mean() == pytest.approx(72.314381270903, rel=1e-13)
    assert data.duration.mean() == pytest.approx(3.46081382508361, rel=1e-13)
    assert [int((data.duration == minutes).sum()) for minutes in (2, 3, 4)] == [23, 2, 53]
    assert not data.duration.flags.writeable and not data.waiting.flags.writeable


def test_stretched_clouds_are_the_round_clouds_stretched_along_x_and_squeezed_along_y():
    round_clouds, labels = datasets.make_blobs([[0.0, 0.0], [0.0, 3.0], [0.0, 6.0]], 50, 1.0, rng=3)
    X, stretched_labels = datasets.stretched_clouds(50, rng=3)
    np.testing.assert_array_equal(X, round_clouds * [2.5, 0.5])
    np.testing.assert_array_equal(stretched_labels, labels)
    assert datasets.STRETCH == (2.5, 0.5)


def test_stretched_clouds_have_covariance_diag_six_and_a_quarter_and_a_quarter():
    X, labels = datasets.stretched_clouds(40_000, rng=4)
    for k in range(3):
        cloud = X[labels == k]
        np.testing.assert_allclose(np.cov(cloud.T), [[6.25, 0.0], [0.0, 0.25]], atol=0.1)
        np.testing.assert_allclose(cloud.mean(axis=0), [0.0, 1.5 * k], atol=0.05)


@pytest.mark.parametrize("n, error, message", [
    (0, ValueError, r"n_per_cluster must be at least 1; got 0"),
    (2.5, TypeError, r"n_per_cluster must be an integer; got 2.5"),
])
def test_stretched_clouds_check_their_count(n, error, message):
    with pytest.raises(error, match=message):
        datasets.stretched_clouds(n)
