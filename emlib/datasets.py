"""Small data sets for the chapters: published examples, and clouds generated from ``rng``."""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path
from typing import NamedTuple

import numpy as np

from ._validation import check_array, check_int, check_rng, read_only

__all__ = ["CoinTosses", "two_coins", "make_blobs", "stretched_clouds", "STRETCH", "Penguins", "penguins",
           "OldFaithful", "old_faithful", "Geyser", "geyser"]


class CoinTosses(NamedTuple):
    """Rows of coin tosses, each row made with one coin.

    Attributes
    ----------
    sequences : tuple of str
        Each row's tosses in order, ``"H"`` for heads and ``"T"`` for tails.
    heads : ndarray of shape (n_rows,)
        The number of heads in each row.
    tosses : ndarray of shape (n_rows,)
        The number of tosses in each row.
    coin : ndarray of shape (n_rows,)
        Which coin made each row: 0 for coin A, 1 for coin B.  EM does not
        see this; it is here to check the answer.

    Examples
    --------
    >>> data = two_coins()
    >>> data.sequences[0], int(data.heads[0]), int(data.tosses[0]), int(data.coin[0])
    ('HTTTHHTHTH', 5, 10, 1)
    """

    sequences: tuple[str, ...]
    heads: np.ndarray
    tosses: np.ndarray
    coin: np.ndarray


def two_coins() -> CoinTosses:
    """The five rows of ten tosses of the two-coin example.

    Rows 2, 3 and 5 were made with coin A, rows 1 and 4 with coin B.  The
    example is Figure 1 of Do & Batzoglou, "What is the expectation
    maximization algorithm?", *Nature Biotechnology* 26, 897–899 (2008).

    Examples
    --------
    >>> data = two_coins()
    >>> data.heads.tolist(), data.coin.tolist()
    ([5, 9, 8, 4, 7], [1, 0, 0, 1, 0])
    """
    sequences = ("HTTTHHTHTH", "HHHHTHHHHH", "HTHHHHHTHH", "HTHTTTHHTT", "THHHTHHHTH")
    coin = np.array([1, 0, 0, 1, 0])
    heads = np.array([row.count("H") for row in sequences])
    tosses = np.array([len(row) for row in sequences])
    return CoinTosses(sequences, read_only(heads), read_only(tosses), read_only(coin))


def make_blobs(
    centers: object, n_per_cluster: int | object, std: float | object = 1.0, *, rng=None
) -> tuple[np.ndarray, np.ndarray]:
    """Points drawn around given centers from round (isotropic) Normal clouds.

    Parameters
    ----------
    centers : array-like of shape (k, n_features)
        The mean of each cloud.
    n_per_cluster : int or array-like of k ints
        How many points each cloud gets.
    std : float or array-like of k floats
        The standard deviation of each cloud along every axis, positive.
    rng : None, int, numpy.random.SeedSequence, numpy.random.Generator or numpy.random.RandomState
        The source of randomness.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
        The points, cloud after cloud.
    labels : ndarray of shape (n_samples,)
        The index of the cloud each point came from.

    Raises
    ------
    TypeError
        If ``centers`` or ``std`` does not hold real numbers, ``n_per_cluster`` does not hold
        integers, or ``rng`` is not None, an int, a ``SeedSequence``, a ``Generator`` or a ``RandomState``.
    ValueError
        If ``centers`` is not a finite, non-empty 2-d array; ``n_per_cluster`` or ``std`` is
        neither one number nor ``k`` numbers; a count is below 1; a ``std`` is not finite or
        not positive; ``rng`` is a negative seed; or the points overflow float64.

    Examples
    --------
    >>> X, labels = make_blobs([[0.0, 0.0], [5.0, 5.0]], [2, 3], 0.5, rng=0)
    >>> X.shape, labels.tolist()
    ((5, 2), [0, 0, 1, 1, 1])
    """
    centers = check_array(centers, "centers", ndim=2, shape_hint="of shape (k, n_features)")
    k = len(centers)
    if np.size(n_per_cluster) == 0:
        raise ValueError(f"n_per_cluster must be an integer or {k} integers; got {n_per_cluster!r}")
    if np.asarray(n_per_cluster).dtype.kind not in "iu":
        raise TypeError(f"n_per_cluster must be an integer or {k} integers; got {n_per_cluster!r}")
    counts = _per_cluster(n_per_cluster, "n_per_cluster", k).astype(np.intp)
    if np.any(counts < 1):
        raise ValueError(f"n_per_cluster must be positive; got {counts.tolist()}")
    stds = _per_cluster(std, "std", k)
    if np.any(stds <= 0):
        raise ValueError(f"std must be positive; got {stds.tolist()}")
    rng = check_rng(rng)
    labels = np.repeat(np.arange(k), counts)
    with np.errstate(over="ignore"):
        X = centers[labels] + stds[labels, None] * rng.standard_normal((len(labels), centers.shape[1]))
    if not np.all(np.isfinite(X)):
        raise ValueError("centers and std are so large that the points overflow float64")
    return X, labels


#: How :func:`stretched_clouds` stretches the plane: x by 2.5, y by 0.5.
STRETCH = (2.5, 0.5)


def stretched_clouds(n_per_cluster: int = 100, *, rng=None) -> tuple[np.ndarray, np.ndarray]:
    """Three long, thin, parallel clouds, on which k-means fails and a full-covariance mixture does not.

    Round clouds of standard deviation 1 around ``(0, 0)``, ``(0, 3)`` and
    ``(0, 6)`` (:func:`make_blobs`), then every point multiplied by
    :data:`STRETCH`: stretched 2.5 times along x and squeezed to half along
    y.  Each cloud is then a Normal with covariance ``diag(6.25, 0.25)``
    around ``(0, 0)``, ``(0, 1.5)`` and ``(0, 3)``: much wider than the gap
    between neighbours.

    Parameters
    ----------
    n_per_cluster : int
        How many points each cloud gets, at least 1.
    rng : None, int, numpy.random.SeedSequence, numpy.random.Generator or numpy.random.RandomState
        The source of randomness.

    Returns
    -------
    X : ndarray of shape (3 * n_per_cluster, 2)
        The points, cloud after cloud.
    labels : ndarray of shape (3 * n_per_cluster,)
        The index of the cloud each point came from.

    Raises
    ------
    TypeError
        If ``n_per_cluster`` is not an integer, or ``rng`` is not a valid source of randomness.
    ValueError
        If ``n_per_cluster`` is below 1, or ``rng`` is a negative seed.

    Examples
    --------
    >>> X, labels = stretched_clouds(1000, rng=0)
    >>> X.shape, X[labels == 1].std(axis=0).round(1).tolist(), X[labels == 1, 1].mean().round(1)
    ((3000, 2), [2.5, 0.5], np.float64(1.5))
    """
    n_per_cluster = check_int(n_per_cluster, "n_per_cluster", minimum=1)
    X, labels = make_blobs([[0.0, 0.0], [0.0, 3.0], [0.0, 6.0]], n_per_cluster, 1.0, rng=rng)
    return X * np.array(STRETCH), labels


def _per_cluster(value: object, name: str, k: int) -> np.ndarray:
    """One number per cluster: a scalar is repeated ``k`` times."""
    if value is None or isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be a number or {k} numbers; got {value!r}")
    values = check_array(np.atleast_1d(value), name, ndim=1)
    if values.size == 1:
        values = np.repeat(values, k)
    if values.shape != (k,):
        raise ValueError(f"{name} must be a number or {k} numbers; got shape {values.shape}")
    return values


class Penguins(NamedTuple):
    """Measurements of 344 penguins from the Palmer Archipelago, Antarctica.

    Attributes
    ----------
    X : ndarray of shape (344, 4)
        Bill length (mm), bill depth (mm), flipper length (mm) and body mass
        (g); NaN where the measurement is missing.
    feature_names : tuple of str
        The four columns' names with their units, for axis labels.
    species : ndarray of shape (344,)
        Each bird's species as an index into ``species_names``.
    species_names : tuple of str
        ``("Adelie", "Chinstrap", "Gentoo")``.

    Examples
    --------
    >>> data = penguins()
    >>> data.feature_names[2], data.species_names[int(data.species[-1])], float(data.X[-1, 2])
    ('flipper length (mm)', 'Chinstrap', 198.0)
    """

    X: np.ndarray
    feature_names: tuple[str, ...]
    species: np.ndarray
    species_names: tuple[str, ...]


_PENGUIN_COLUMNS = ("bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g")  # in the CSV
_PENGUIN_FEATURES = ("bill length (mm)", "bill depth (mm)", "flipper length (mm)", "body mass (g)")


def _penguins_csv() -> Path:
    """The CSV file shipped inside the ``palmerpenguins`` package, found without importing it (and pandas)."""
    spec = importlib.util.find_spec("palmerpenguins")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError(
            "datasets.penguins needs the palmerpenguins package, which ships the data: "
            "pip install palmerpenguins"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "data" / "penguins.csv"


def penguins() -> Penguins:
    """The Palmer penguins: four measurements per bird, with the missing ones as NaN.

    The data were collected by Kristen Gorman at Palmer Station, Antarctica
    (Gorman, Williams & Fraser, *PLoS ONE* 9(3): e90081, 2014) and published
    as the ``palmerpenguins`` package by Horst, Hill & Gorman (2020, CC0).
    They are read from the copy that the ``palmerpenguins`` package ships,
    so nothing is downloaded; that package must be installed.

    Two birds have none of the four measurements; every other bird has all
    four.

    Raises
    ------
    ImportError
        If the ``palmerpenguins`` package is not installed.

    Examples
    --------
    >>> data = penguins()
    >>> data.X.shape, int(np.isnan(data.X).any(axis=1).sum())
    ((344, 4), 2)
    >>> np.bincount(data.species).tolist()
    [152, 68, 124]
    """
    with _penguins_csv().open(newline="") as file:
        rows = list(csv.DictReader(file))
    X = np.array([[np.nan if row[name] == "NA" else float(row[name]) for name in _PENGUIN_COLUMNS]
                  for row in rows])
    species_names = ("Adelie", "Chinstrap", "Gentoo")
    species = np.array([species_names.index(row["species"]) for row in rows])
    return Penguins(read_only(X), _PENGUIN_FEATURES, read_only(species), species_names)


def _shipped_table(name: str) -> np.ndarray:
    """The numbers of a CSV file in ``emlib/data``: its ``#`` comments (the source) and header left out."""
    lines = (Path(__file__).with_name("data") / name).read_text().splitlines()
    _, *rows = [line for line in lines if not line.startswith("#")]
    return np.array([[float(value) for value in row.split(",")] for row in rows])


class OldFaithful(NamedTuple):
    """Eruptions of the Old Faithful geyser.

    Attributes
    ----------
    X : ndarray of shape (272, 2)
        Each eruption's duration and the waiting time until the next one,
        both in minutes.
    feature_names : tuple of str
        The two columns' names with their units, for axis labels.

    Examples
    --------
    >>> data = old_faithful()
    >>> data.feature_names, data.X[0].tolist()
    (('eruption (min)', 'waiting time (min)'), [3.6, 79.0])
    """

    X: np.ndarray
    feature_names: tuple[str, ...]


def old_faithful() -> OldFaithful:
    """The 272 eruptions of Old Faithful in R's ``datasets::faithful``, shipped with emlib.

    Old Faithful, in Yellowstone National Park, erupts either briefly after
    a short wait or long after a long one, so the points form two clouds: the
    classic data set for a two-component Gaussian mixture.  The data are
    R's ``faithful`` (from W. Härdle, *Smoothing Techniques with
    Implementation in S*, Springer 1991); Azzalini and Bowman, "A look at
    some data on the Old Faithful geyser", *Applied Statistics* 39, 357–365
    (1990), study a fuller version.  The durations, in minutes, are
    recorded to the second (11 of the 272 as whole minutes); the waiting
    times to the minute.

    Examples
    --------
    >>> data = old_faithful()
    >>> data.X.shape, data.X.mean(axis=0).round(4).tolist()
    ((272, 2), [3.4878, 70.8971])
    """
    X = _shipped_table("faithful.csv")  # columns: eruptions, waiting
    return OldFaithful(read_only(X), ("eruption (min)", "waiting time (min)"))


class Geyser(NamedTuple):
    """Old Faithful's eruptions in the order they happened.

    Attributes
    ----------
    duration : ndarray of shape (299,)
        Each eruption's length, in minutes.
    waiting : ndarray of shape (299,)
        The time before each eruption, since the one before it, in minutes.

    Examples
    --------
    >>> data = geyser()
    >>> data.duration[:3].round(2).tolist(), data.waiting[:3].tolist()
    ([4.02, 2.15, 4.0], [80.0, 71.0, 57.0])
    """

    duration: np.ndarray
    waiting: np.ndarray


def geyser() -> Geyser:
    """The 299 eruptions of Old Faithful measured from 1 to 15 August 1985, in time order, shipped with emlib.

    Azzalini and Bowman's record of continuous observation ("A look at some
    data on the Old Faithful geyser", *Applied Statistics* 39, 357–365,
    1990), as distributed in the R package MASS 7.3-58.2 (data set
    ``geyser``), rows in its order, which is the order of the eruptions.  It
    is a time series, unlike :func:`old_faithful`, whose documentation says
    nothing of its rows' order.  Some eruptions at night were recorded only
    as short, medium or long, and stand as durations of exactly 2, 3 or 4
    minutes (78 of the 299 durations are whole minutes).

    Examples
    --------
    A short eruption is never followed by another short one:

    >>> short = geyser().duration < 3
    >>> int((short[:-1] & short[1:]).sum()), int(short.sum())
    (0, 105)
    """
    waiting, duration = _shipped_table("geyser.csv").T  # columns: waiting, duration
    return Geyser(read_only(duration.copy()), read_only(waiting.copy()))
