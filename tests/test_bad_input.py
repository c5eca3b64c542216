"""Every public function of emlib against bad input, in one battery.

Each public function is listed once in ``CALLS``: a valid call, and for each
argument the *kind* of thing it takes (a data table, a count, a probability,
a random generator, ...).  Each kind has its bad values, and each bad value
the exception it must raise and words its message must contain.  The battery
gives every function each bad value of each argument's kind, one argument at
a time, and checks

- the exception's type, exactly (``gmm.ComponentCollapse``, a ``ValueError``,
  never stands in for a bad argument);
- that the message names the argument and the problem;
- that the function's docstring lists the exception under "Raises".

So no bad input can come back as NaN, as a bare numpy ``LinAlgError`` or
``IndexError``, or hang (a test that runs past ``TIME_LIMIT`` seconds fails).
Companion tests check that every valid call in the list succeeds, returns no
NaN and leaves its input arrays as they were, and that the list covers every
public function.
"""

from __future__ import annotations

import dataclasses
import inspect
import pkgutil
import re
import signal
from typing import Any, Callable, NamedTuple

import matplotlib.pyplot as plt
import numpy as np
import pytest

from emlib import calculus, coins, datasets, em, gmm, hmm, kmeans, missing, plots, soft, widgets

TIME_LIMIT = 60  # seconds for any one call; the slowest valid call takes well under 5

MODULES = [kmeans, soft, coins, gmm, missing, hmm, em, calculus, datasets, plots, widgets]


# --------------------------------------------------------------------------
# Bad values, by kind
# --------------------------------------------------------------------------


class Bad(NamedTuple):
    """A bad value, the exception it must raise and a regular expression its message must match."""

    label: str
    value: Any
    error: type[Exception]
    problem: str


REAL_NUMBERS = r"(must be an array of real numbers|must hold real numbers)"


def _with_entry(valid: object, entry: float) -> np.ndarray:
    """A float copy of ``valid`` with its first entry replaced."""
    array = np.array(valid, dtype=float)
    array.reshape(-1)[0] = entry
    return array


def array(valid: object, *, ndim: int = 2, nan: bool = False, none: bool = False) -> list[Bad]:
    """An array of real numbers with ``ndim`` dimensions; ``nan`` if NaN marks a hole, ``none`` if None is allowed."""
    valid = np.asarray(valid, dtype=float)
    wrong_ndim = {0: np.float64(1.0), 1: np.ones(3), 2: np.ones((3, 2)), 3: np.ones((2, 3, 2))}
    cases = [
        Bad("+inf", _with_entry(valid, np.inf), ValueError, "contains infinity"),
        Bad("-inf", _with_entry(valid, -np.inf), ValueError, "contains infinity"),
        Bad("empty", np.empty((0,) + valid.shape[1:]), ValueError, "must not be empty"),
        Bad("string", "abc", TypeError, REAL_NUMBERS),
        Bad("strings", np.full(valid.shape, "a"), TypeError, REAL_NUMBERS),
        Bad("objects", valid.astype(object), TypeError, REAL_NUMBERS),
        Bad("complex", valid.astype(complex), TypeError, REAL_NUMBERS),
    ]
    cases += [Bad(f"{n}-d", value, ValueError, rf"must be a {ndim}-d array")
              for n, value in wrong_ndim.items() if n != ndim]
    if not nan:
        cases.append(Bad("NaN", _with_entry(valid, np.nan), ValueError, "contains NaN"))
    if not none:
        cases.append(Bad("None", None, TypeError, REAL_NUMBERS))
    return cases


def table(valid: object, **options) -> list[Bad]:
    """A data table ``X`` of shape (n_samples, n_features)."""
    return array(valid, **options)


def rows_like(valid: object, *, wrong_width: bool = True, **options) -> list[Bad]:
    """Rows in the feature space of X (centers, means): also the wrong number of columns."""
    valid = np.asarray(valid, dtype=float)
    cases = array(valid, **options)
    if wrong_width:
        cases.append(Bad("wrong width", np.hstack([valid, valid]), ValueError, r"(n_features|columns)"))
    return cases


def integer(valid: int, *, minimum: int, maximum: int | None = None, none: bool = False) -> list[Bad]:
    """A whole number in ``[minimum, maximum]``."""
    cases = [
        Bad("float", valid + 0.5, TypeError, "must be an integer"),
        Bad("whole float", float(valid), TypeError, "must be an integer"),
        Bad("string", str(valid), TypeError, "must be an integer"),
        Bad("bool", True, TypeError, "must be an integer"),
        Bad("below minimum", minimum - 1, ValueError, rf"must be at least {minimum}"),
        Bad("far below", minimum - 10, ValueError, rf"must be at least {minimum}"),
    ]
    if maximum is not None:
        cases.append(Bad("above maximum", maximum + 1, ValueError, "must be at most"))
    if not none:
        cases.append(Bad("None", None, TypeError, "must be an integer"))
    return cases


def real(*, minimum: float | None = 0.0, positive: bool = False, none: bool = False) -> list[Bad]:
    """A finite real number, at least ``minimum`` (or strictly ``positive``)."""
    bound = r"must be (positive|at least 0)" if positive else rf"must be at least {minimum or 0:g}(\.0)?\b"
    cases = [
        Bad("string", "1", TypeError, "must be a real number"),
        Bad("complex", 1j, TypeError, "must be a real number"),
        Bad("NaN", np.nan, ValueError, "must be finite"),
        Bad("+inf", np.inf, ValueError, "must be finite"),
        Bad("-inf", -np.inf, ValueError, "must be finite"),
    ]
    if minimum is not None or positive:
        cases.append(Bad("negative", -1.0, ValueError, bound))
    if positive:
        cases.append(Bad("zero", 0.0, ValueError, "must be positive"))
    if not none:
        cases.append(Bad("None", None, TypeError, "must be a real number"))
    return cases


def between_0_and_1(*, none: bool = False) -> list[Bad]:
    """A real number strictly between 0 and 1 (a rate, a floor)."""
    cases = [
        Bad("string", "0.5", TypeError, "must be a real number"),
        Bad("NaN", np.nan, ValueError, "must be finite"),
        Bad("zero", 0.0, ValueError, "must be between 0 and 1"),
        Bad("one", 1.0, ValueError, "must be between 0 and 1"),
        Bad("negative", -0.5, ValueError, "must be between 0 and 1"),
    ]
    if not none:
        cases.append(Bad("None", None, TypeError, "must be a real number"))
    return cases


def generator() -> list[Bad]:
    """An ``rng=`` argument."""
    kinds = (r"must be None, an int seed, a numpy.random.SeedSequence, a numpy.random.Generator "
             r"or a numpy.random.RandomState")
    return [
        Bad("string", "seed", TypeError, kinds),
        Bad("float", 1.5, TypeError, kinds),
        Bad("the module numpy.random", np.random, TypeError, kinds),
        Bad("negative seed", -1, ValueError, "must be a non-negative seed"),
    ]


def option(choices: tuple[str, ...]) -> list[Bad]:
    """One of a few strings."""
    return [
        Bad("unknown", "no-such-option", ValueError, f"must be one of {re.escape(str(choices))}"),
        Bad("not a string", 3, TypeError, "must be a string"),
        Bad("None", None, TypeError, "must be a string"),
    ]


def flag() -> list[Bad]:
    """True or False."""
    return [Bad("string", "yes", TypeError, "must be True or False"),
            Bad("None", None, TypeError, "must be True or False")]


def function(*, none: bool = False) -> list[Bad]:
    """A callable (a callback, or the function to differentiate)."""
    cases = [Bad("number", 3, TypeError, r"must be (a function|callable)")]
    if not none:
        cases.append(Bad("None", None, TypeError, r"must be (a function|callable)"))
    return cases


def probabilities(valid: object, *, start: bool = False, stacked: bool = False) -> list[Bad]:
    """Probabilities of heads, one per coin; a start must lie strictly between 0 and 1; a stack may have more axes."""
    valid = np.asarray(valid, dtype=float)
    cases = [case for case in array(valid, ndim=1) if not (stacked and case.label in ("2-d", "3-d"))] + [
        Bad("above 1", _with_entry(valid, 1.5), ValueError, "must lie (strictly )?between 0 and 1"),
        Bad("below 0", _with_entry(valid, -0.1), ValueError, "must lie (strictly )?between 0 and 1"),
    ]
    if start:
        cases += [Bad("exactly 0", _with_entry(valid, 0.0), ValueError, "must lie strictly between 0 and 1"),
                  Bad("exactly 1", _with_entry(valid, 1.0), ValueError, "must lie strictly between 0 and 1")]
    return cases


def weights(valid: object, *, none: bool = False) -> list[Bad]:
    """Mixing weights: non-negative, one per component, summing to 1."""
    valid = np.asarray(valid, dtype=float)
    negative = valid.copy()
    negative[0], negative[1] = -valid[0], valid[1] + 2 * valid[0]  # still sums to 1
    return array(valid, ndim=1, none=none) + [
        Bad("negative", negative, ValueError, r"must (not be negative|be non-negative|be positive)"),
        Bad("sum 2", 2 * valid, ValueError, "must sum to 1"),
        Bad("one too many", np.append(valid, 0.0), ValueError, r"(one entry per|must have|the length of)"),
    ]


def counts(valid: object, *, scalar: bool = False) -> list[Bad]:
    """Heads or tosses: whole, non-negative numbers, one per row."""
    valid = np.asarray(valid, dtype=float)
    cases = array(valid, ndim=1) + [
        Bad("fractional", _with_entry(valid, 2.5), ValueError, "must hold whole numbers"),
        Bad("negative", _with_entry(valid, -1.0), ValueError, r"(must not be negative|must be at least 1)"),
        Bad("booleans", valid > 0, TypeError, "must hold counts"),
        Bad("one too many", np.append(valid, valid[0]), ValueError, "must have the same length"),
    ]
    if scalar:  # tosses may be one number for every row: a 0-d array is a valid scalar
        cases = [case for case in cases if case.label != "0-d"]
    return cases


def responsibilities(valid: object) -> list[Bad]:
    """Responsibilities: one row per data row, probabilities that sum to 1 across each row."""
    valid = np.asarray(valid, dtype=float)
    unnormalised = valid.copy()
    unnormalised[0] /= 2
    negative = valid.copy()
    negative[0, :2] = [-0.5, 1.5 - valid[0, 2:].sum()]  # the row still sums to 1
    return array(valid) + [
        Bad("unnormalised", unnormalised, ValueError, "each row of resp must sum to 1"),
        Bad("negative", negative, ValueError, "must hold probabilities between 0 and 1"),
        Bad("one row short", valid[1:], ValueError, r"must have (one row per row|shape)"),
    ]


def labels(valid: object, k: int | None, *, none: bool = False) -> list[Bad]:
    """Cluster labels in 0 .. k-1 (or any non-negative integers without k), one per row."""
    valid = np.asarray(valid)
    cases = [
        Bad("floats", valid.astype(float), TypeError, "must hold integers"),
        Bad("string", "abc", TypeError, "must be an array of integers"),
        Bad("negative", np.where(np.arange(len(valid)) == 0, -1, valid), ValueError, r"must (lie in|not be negative)"),
        Bad("k", np.where(np.arange(len(valid)) == 0, k, valid), ValueError, "must lie in 0 .. k-1"),
        Bad("one short", valid[1:], ValueError, "must have shape"),
    ]
    if k is None:
        cases = [case for case in cases if case.label != "k"]
    if not none:
        cases.append(Bad("None", None, TypeError, "must be an array of integers"))
    return cases


def mixture(valid: gmm.Params, *, data: bool = True) -> list[Bad]:
    """A gmm.Params(weights, means, covariances) with full covariances; with ``data``, X fixes the dimension."""
    w, m, c = (np.asarray(part, dtype=float) for part in valid)
    asymmetric, indefinite = c.copy(), c.copy()
    asymmetric[0, 0, 1] += 1.0
    indefinite[0] = [[1.0, 2.0], [2.0, 1.0]]
    cases = [
        Bad("not Params", {"weights": w}, TypeError, r"must be a gmm\.Params"),
        Bad("None", None, TypeError, r"must be a gmm\.Params"),
        Bad("NaN mean", gmm.Params(w, _with_entry(m, np.nan), c), ValueError, "means contains NaN"),
        Bad("inf covariance", gmm.Params(w, m, _with_entry(c, np.inf)), ValueError, "covariances contains infinity"),
        Bad("string means", gmm.Params(w, "abc", c), TypeError, REAL_NUMBERS),
        Bad("means one row short", gmm.Params(w, m[1:], c), ValueError, "means must have one row per component"),
        Bad("means wrong width", gmm.Params(w, m[:, :1], c[:, :1, :1]), ValueError,
            r"means must have n_features = \d columns"),
        Bad("covariances wrong shape", gmm.Params(w, m, c[:, :1]), ValueError, "covariances must have shape"),
        Bad("covariances 4-d", gmm.Params(w, m, c[None]), ValueError, "covariances must have shape"),
        Bad("asymmetric", gmm.Params(w, m, asymmetric), ValueError, r"covariances\[0\] is not symmetric"),
        Bad("indefinite", gmm.Params(w, m, indefinite), ValueError, r"covariances\[0\] is not a covariance"),
        Bad("zero variance", gmm.Params(w, m, np.ones_like(w) * 0.0), ValueError,
            r"covariances\[0\] is not a covariance"),
        Bad("negative weight", gmm.Params(np.r_[-w[0], w[1:] + 2 * w[0] / (len(w) - 1)], m, c), ValueError,
            "weights must not be negative"),
        Bad("weights sum 2", gmm.Params(2 * w, m, c), ValueError, "weights must sum to 1"),
        Bad("NaN weight", gmm.Params(_with_entry(w, np.nan), m, c), ValueError, "weights contains NaN"),
    ]
    if not data:  # one column of means and covariances is a valid mixture of its own
        cases = [case for case in cases if case.label != "means wrong width"]
    return cases


def normal(valid: missing.Params) -> list[Bad]:
    """A missing.Params(mean, covariance)."""
    mean, cov = (np.asarray(part, dtype=float) for part in valid)
    asymmetric, indefinite = cov.copy(), cov.copy()
    asymmetric[0, 1] += 1.0
    indefinite[:2, :2] = [[1.0, 2.0], [2.0, 1.0]]
    return [
        Bad("not Params", (mean,), TypeError, r"must be a missing\.Params"),
        Bad("None", None, TypeError, r"must be a missing\.Params"),
        Bad("NaN mean", missing.Params(_with_entry(mean, np.nan), cov), ValueError, "mean contains NaN"),
        Bad("inf covariance", missing.Params(mean, _with_entry(cov, np.inf)), ValueError,
            "covariance contains infinity"),
        Bad("complex mean", missing.Params(mean.astype(complex), cov), TypeError, REAL_NUMBERS),
        Bad("mean too long", missing.Params(np.append(mean, 0.0), cov), ValueError, "mean must have n_features"),
        Bad("covariance wrong shape", missing.Params(mean, cov[:-1]), ValueError, "covariance must have shape"),
        Bad("asymmetric", missing.Params(mean, asymmetric), ValueError, "covariance is not symmetric"),
        Bad("indefinite", missing.Params(mean, indefinite), ValueError, "covariance is not a covariance"),
    ]


def instance(description: str, *, none: bool = False) -> list[Bad]:
    """A result object of a given kind (``description`` is how the message names it)."""
    cases = [Bad("number", 3, TypeError, f"must be {description}"),
             Bad("dict", {"params": None}, TypeError, f"must be {description}")]
    if not none:
        cases.append(Bad("None", None, TypeError, f"must be {description}"))
    return cases


def sequence_of(description: str, valid: list) -> list[Bad]:
    """A list of result objects: a wrong item, and no items."""
    return [Bad("wrong item", [*valid[:-1], 3], TypeError, f"must be {description}"),
            Bad("empty", [], ValueError, r"(must hold at least one|must not be empty|at least one)")]


def count_or_start(n_samples: int) -> list[Bad]:
    """``k_or_params``/``k_or_centers``: a number of components, or a start."""
    return [
        Bad("zero", 0, ValueError, "must be at least 1"),
        Bad("negative", -2, ValueError, "must be at least 1"),
        Bad("above n_samples", n_samples + 1, ValueError, f"must be at most n_samples = {n_samples}"),
        Bad("float", 2.5, TypeError, "must be an int"),
        Bad("bool", True, TypeError, "must be an int"),
        Bad("string", "3", TypeError, "must be"),
        Bad("None", None, TypeError, "must be"),
    ]


def frame_index(n_frames: int) -> list[Bad]:
    """A slider's starting frame."""
    where = rf"must be a frame index in 0 \.\. {n_frames - 1}"
    return [Bad("past the end", n_frames, ValueError, where), Bad("negative", -1, ValueError, where),
            Bad("float", 0.5, TypeError, "must be an integer frame index")]


def names(n: int) -> list[Bad]:
    """A list of strings, one per panel or run."""
    return [Bad("one short", [f"name {i}" for i in range(n - 1)], ValueError, "must have one entry per"),
            Bad("single string", "name", TypeError, "must be a sequence of strings")]


# --------------------------------------------------------------------------
# Valid inputs
# --------------------------------------------------------------------------

X, _ = datasets.make_blobs([[0.0, 0.0], [5.0, 0.0], [0.0, 5.0]], 8, rng=1)  # 24 points, 3 groups
CENTERS = X[[0, 8, 16]]
LABELS = kmeans.assign(X, CENTERS)
KMEANS = kmeans.fit(X, 3, init=CENTERS)
RESP = soft.responsibilities(X, CENTERS, 1.0)
SOFT = [soft.fit(X, CENTERS, beta) for beta in (0.5, 2.0)]

TOSSES_DATA = datasets.two_coins()
HEADS, TOSSES = TOSSES_DATA.heads, TOSSES_DATA.tosses
THETA = np.array([0.6, 0.5])
COINS = coins.fit(HEADS, TOSSES, THETA)
COIN_RESP = coins.e_step(HEADS, TOSSES, THETA)

MIXTURE = gmm.fit(X, 3, rng=0)
PARAMS = MIXTURE.params
GMM_RESP = gmm.e_step(X, PARAMS)[0]
RUNS = [MIXTURE, gmm.fit(X, 3, init="random", rng=1)]

TABLE = np.random.default_rng(2).multivariate_normal([0.0, 1.0, 2.0], [[1, 0.5, 0.2], [0.5, 1, 0.3], [0.2, 0.3, 1]], 40)
HIDDEN = missing.hide(TABLE, 0.2, rng=0)
NORMAL = missing.fit(HIDDEN).params
EXPECTATIONS = missing.e_step(HIDDEN, NORMAL)[0]

PACKED = calculus.pack(PARAMS)

HMM = hmm.Params([0.5, 0.5], [[0.9, 0.1], [0.2, 0.8]], hmm.Categorical([[0.5, 0.3, 0.2], [0.1, 0.2, 0.7]]))
SYMBOLS = hmm.sample(HMM, 30, rng=0)[0].astype(float)
HMM_EXPECTATIONS = hmm.e_step(SYMBOLS, HMM)[0]
HMM_STATES = hmm.sample(HMM, 30, rng=0)[1]
HMM_FIT = hmm.fit(SYMBOLS, HMM, max_iter=2, tol=0)


def hmm_params(valid: hmm.Params) -> list[Bad]:
    """An hmm.Params(start, transitions, emissions) with categorical emissions."""
    return [
        Bad("not Params", tuple(valid[:2]), TypeError, r"must be an hmm\.Params"),
        Bad("None", None, TypeError, r"(must be an|or an) hmm\.Params"),
        Bad("start sums to 2", valid._replace(start=[1.0, 1.0]), ValueError, "start must sum to 1"),
        Bad("NaN start", valid._replace(start=[np.nan, 1.0]), ValueError, "start contains NaN"),
        Bad("negative transition", valid._replace(transitions=[[1.1, -0.1], [0.2, 0.8]]), ValueError,
            "transitions must not be negative"),
        Bad("a row summing to 2", valid._replace(transitions=[[0.9, 1.1], [0.2, 0.8]]), ValueError,
            "must sum to 1 along every row"),
        Bad("3 x 3 transitions", valid._replace(transitions=np.eye(3)), ValueError,
            r"transitions must have shape \(k, k\) = \(2, 2\)"),
        Bad("emissions a list", valid._replace(emissions=[[0.5, 0.5]]), TypeError,
            "emissions must be an hmm.Categorical or an hmm.Gaussian"),
        Bad("one row of emissions", valid._replace(emissions=hmm.Categorical([[0.5, 0.5]])), ValueError,
            "must have one row per state"),
    ]


# a fit of another model, and things that are no fit, where a slider needs hmm.fit's result
HMM_RESULT = [*instance(r"the em\.EMResult of hmm\.fit"),
              Bad("a mixture's fit", gmm.fit(np.eye(3), 1, max_iter=1), TypeError, "the em.EMResult of hmm.fit")]


def sequences(valid: np.ndarray, *, alphabet: bool = True) -> list[Bad]:
    """Symbols, one row per step; with ``alphabet``, those of HMM (0 .. 2)."""
    cases = table(valid)
    if alphabet:
        cases.append(Bad("outside the alphabet", _with_entry(valid, 3.0), ValueError, r"must hold symbols 0 \.\. 2"))
    cases.append(Bad("negative symbol", _with_entry(valid, -1.0), ValueError, "must hold symbols 0"))
    return cases


LENGTHS = [Bad("too few steps", [10, 10], ValueError, "must add up to the number of rows of X, 30"),
           Bad("a zero", [30, 0], ValueError, "must be whole numbers of at least 1"),
           Bad("string", "abc", TypeError, REAL_NUMBERS)]


HOLED = X.copy()
HOLED[0, 1] = np.nan
REPAIRS = dict(X=X, labels=LABELS, fractions=[0.2], tables=[HOLED], fits=[{"EM": PARAMS}],
               scores={"share": {"EM": [1.0]}, "error": {"EM": [0.0]}})
BAD_REPAIRS = dict(
    X=table(X), labels=[Bad("floats", LABELS.astype(float), TypeError, "must hold integers"),
                        Bad("one short", LABELS[1:], ValueError, "must have shape"),
                        Bad("a group missing", np.where(LABELS == 1, 2, LABELS), ValueError,
                            "must use every group 0 .. 2; group 1 is empty")],
    fractions=array([0.2], ndim=1) + [Bad("1.5", [1.5], ValueError, r"must increase within \[0, 1\)")],
    tables=[Bad("none", [], ValueError, "must have one entry per fraction"),
            Bad("changed", [X + 1], ValueError, "must be X with NaN for each hidden entry")],
    fits=[Bad("not a dict", [PARAMS], TypeError, "must be a non-empty dict"),
          Bad("two components", [{"EM": gmm.Params([0.5, 0.5], PARAMS.means[:2], PARAMS.covariances[:2])}],
              ValueError, "must have one component per group of labels, 3; got 2")],
    scores=[Bad("one score", {"share": {"EM": [1.0]}}, ValueError, "must hold two scores"),
            Bad("another repair", {"share": {"drop": [1.0]}, "error": {"EM": [0.0]}}, ValueError,
                "must name the repairs of fits"),
            Bad("two values", {"share": {"EM": [1.0, 0.5]}, "error": {"EM": [0.0]}}, ValueError,
                "must have one value per fraction")])


def _quadratic(x):
    return float(np.sum(x**2))


def _em_halving(value):
    """A toy EM for em.run: each step halves the parameter."""
    return value, -float(value) ** 2


def _figure():
    fig, _ = plt.subplots()
    return fig


def _axes():
    return plt.subplots()[1]


# --------------------------------------------------------------------------
# The calls
# --------------------------------------------------------------------------


@dataclasses.dataclass
class Call:
    """A valid call of ``func`` and the kinds of its arguments.

    ``kinds`` maps an argument to its bad values, or to ``(bad values, name)``
    when the message names the argument differently (``k_or_params`` as ``k``).
    Arguments not listed (axes, titles of figures, ...) keep their valid value.
    """

    func: Callable
    kwargs: dict[str, Any]
    kinds: dict[str, list[Bad] | tuple[list[Bad], str]]
    id: str = ""

    def __post_init__(self):
        self.id = self.id or f"{self.func.__module__.removeprefix('emlib.')}.{self.func.__name__}"


K = 3
N = len(X)
CALLS = [
    # k-means
    Call(kmeans.assign, dict(X=X, centers=CENTERS), dict(X=table(X), centers=rows_like(CENTERS))),
    Call(kmeans.update, dict(X=X, labels=LABELS, k=K, sample_weight=np.ones(N)),
         dict(X=table(X), labels=labels(LABELS, K), k=integer(K, minimum=1, maximum=N),
              sample_weight=weights(np.ones(N) / N, none=True)[:-2])),
    Call(kmeans.inertia, dict(X=X, centers=CENTERS, labels=LABELS, sample_weight=np.ones(N)),
         dict(X=table(X), centers=rows_like(CENTERS), labels=labels(LABELS, K, none=True),
              sample_weight=weights(np.ones(N) / N, none=True)[:-2])),
    Call(kmeans.half_step_inertias, dict(X=X, result=KMEANS, sample_weight=None),
         dict(X=[*table(X), Bad("other data", X[1:], ValueError, "does not fit X: it has 24 labels, X has 23 rows")],
              result=instance(r"a kmeans\.KMeansResult"), sample_weight=weights(np.ones(N) / N, none=True)[:-2])),
    Call(kmeans.init_centers, dict(X=X, k=K, method="random", rng=0, sample_weight=None),
         dict(X=table(X), k=integer(K, minimum=1, maximum=N), method=option(kmeans.INIT_METHODS),
              rng=generator(), sample_weight=weights(np.ones(N) / N, none=True)[:-2])),
    Call(kmeans.fit, dict(X=X, k=K, init="k-means++", n_init=2, max_iter=20, tol=1e-4, rng=0, sample_weight=None),
         dict(X=table(X), k=integer(K, minimum=1, maximum=N), n_init=integer(2, minimum=1),
              max_iter=integer(20, minimum=0), tol=real(), rng=generator(), init=option(kmeans.INIT_METHODS)[:1],
              sample_weight=weights(np.ones(N) / N, none=True)[:-2])),
    Call(kmeans.fit, dict(X=X, k=K, init=CENTERS),
         dict(init=[case for case in rows_like(CENTERS) if case.label != "string"],
              n_init=[Bad("2 with an array init", 2, ValueError,
                          re.escape("n_init must be 1 when init is an array of centers; got 2"))]),
         id="kmeans.fit(init=array)"),
    # soft k-means
    Call(soft.distance_shares, dict(X=X, centers=CENTERS, inverse=False),
         dict(X=table(X), centers=rows_like(CENTERS), inverse=flag())),
    Call(soft.responsibilities, dict(X=X, centers=CENTERS, beta=1.0),
         dict(X=table(X), centers=rows_like(CENTERS), beta=real())),
    Call(soft.update, dict(X=X, resp=RESP), dict(X=table(X), resp=responsibilities(RESP))),
    Call(soft.log_likelihood, dict(X=X, centers=CENTERS, beta=1.0),
         dict(X=table(X), centers=rows_like(CENTERS), beta=real(positive=True))),
    Call(soft.fit, dict(X=X, k_or_centers=K, beta=1.0, max_iter=50, tol=1e-8, rng=0, callback=None),
         dict(X=table(X), k_or_centers=count_or_start(N), beta=real(positive=True),
              max_iter=integer(50, minimum=0), tol=real(), rng=generator(), callback=function(none=True),
              init=option(kmeans.INIT_METHODS))),
    Call(soft.fit, dict(X=X, k_or_centers=CENTERS, beta=1.0),
         dict(k_or_centers=[case for case in rows_like(CENTERS) if case.label not in ("0-d", "string", "None")]),
         id="soft.fit(centers)"),
    Call(soft.places, dict(centers=CENTERS, tolerance=0.1),
         dict(centers=rows_like(CENTERS, wrong_width=False), tolerance=real())),
    # coins
    Call(coins.row_log_likelihoods, dict(heads=HEADS, tosses=TOSSES, theta=THETA),
         dict(heads=counts(HEADS), tosses=counts(TOSSES, scalar=True), theta=probabilities(THETA),
              binomial_coefficient=flag())),
    Call(coins.e_step, dict(heads=HEADS, tosses=TOSSES, theta=THETA, weights=[0.5, 0.5]),
         dict(heads=counts(HEADS), tosses=counts(TOSSES, scalar=True), theta=probabilities(THETA),
              weights=weights([0.5, 0.5], none=True))),
    Call(coins.expected_counts, dict(heads=HEADS, tosses=TOSSES, resp=COIN_RESP),
         dict(heads=counts(HEADS), tosses=counts(TOSSES, scalar=True), resp=responsibilities(COIN_RESP))),
    Call(coins.m_step, dict(heads=HEADS, tosses=TOSSES, resp=COIN_RESP),
         dict(heads=counts(HEADS), tosses=counts(TOSSES, scalar=True), resp=responsibilities(COIN_RESP))),
    Call(coins.log_likelihood, dict(heads=HEADS, tosses=TOSSES, theta=THETA, weights=[0.5, 0.5]),
         dict(heads=counts(HEADS), tosses=counts(TOSSES, scalar=True), theta=probabilities(THETA, stacked=True),
              weights=weights([0.5, 0.5], none=True), binomial_coefficient=flag())),
    Call(coins.expected_log_likelihood, dict(heads=HEADS, tosses=TOSSES, theta=THETA, resp=COIN_RESP),
         dict(heads=counts(HEADS), tosses=counts(TOSSES, scalar=True), theta=probabilities(THETA, stacked=True),
              resp=responsibilities(COIN_RESP), weights=weights([0.5, 0.5], none=True),
              binomial_coefficient=flag())),
    Call(coins.q_function, dict(heads=HEADS, tosses=TOSSES, theta=THETA, theta_t=[0.7, 0.4]),
         dict(heads=counts(HEADS), tosses=counts(TOSSES, scalar=True), theta=probabilities(THETA, stacked=True),
              theta_t=[*probabilities([0.7, 0.4]),
                       Bad("three coins", [0.5, 0.5, 0.5], ValueError, r"one entry per coin of theta \(2\)")],
              weights=weights([0.5, 0.5], none=True),
              binomial_coefficient=flag())),
    Call(coins.fit, dict(heads=HEADS, tosses=TOSSES, theta0=THETA, weights0=[0.5, 0.5], max_iter=50, tol=1e-8,
                         estimate_weights=True, callback=None),
         dict(heads=counts(HEADS), tosses=counts(TOSSES, scalar=True), theta0=probabilities(THETA, start=True),
              weights0=weights([0.5, 0.5], none=True), max_iter=integer(50, minimum=0), tol=real(),
              estimate_weights=flag(), callback=function(none=True))),
    # Gaussian mixtures
    Call(gmm.covariance_type_of, dict(params=PARAMS), dict(params=mixture(PARAMS)[:2])),
    Call(gmm.e_step, dict(X=X, params=PARAMS), dict(X=table(X, nan=True), params=mixture(PARAMS))),
    Call(gmm.m_step, dict(X=X, resp=GMM_RESP, covariance_type="full", reg_covar=1e-6, sample_weight=np.ones(N),
                          params_t=PARAMS),
         dict(X=table(X, nan=True), resp=responsibilities(GMM_RESP), covariance_type=option(gmm.COVARIANCE_TYPES),
              reg_covar=real(), sample_weight=weights(np.ones(N) / N, none=True)[:-2],
              params_t=[case for case in mixture(PARAMS) if case.label != "None"])),
    Call(gmm.log_likelihood, dict(X=X, params=PARAMS), dict(X=table(X, nan=True), params=mixture(PARAMS))),
    Call(gmm.log_density, dict(X=X, params=PARAMS), dict(X=table(X, nan=True), params=mixture(PARAMS))),
    Call(gmm.expected_log_likelihood, dict(X=X, params=PARAMS, resp=GMM_RESP),
         dict(X=table(X), params=mixture(PARAMS), resp=responsibilities(GMM_RESP))),
    Call(gmm.q_function, dict(X=X, params=PARAMS, params_t=RUNS[1].params),
         dict(X=table(X), params=mixture(PARAMS), params_t=mixture(RUNS[1].params))),
    Call(gmm.predict, dict(X=X, params=PARAMS), dict(X=table(X, nan=True), params=mixture(PARAMS))),
    Call(gmm.impute, dict(X=X, params=PARAMS), dict(X=table(X, nan=True), params=mixture(PARAMS))),
    Call(gmm.fit, dict(X=X, k_or_params=K, covariance_type="full", init="k-means++", max_iter=50, tol=1e-8,
                       reg_covar=1e-6, n_init=2, rng=0, sample_weight=None, hard=False, callback=None),
         dict(X=table(X, nan=True), k_or_params=count_or_start(N),
              covariance_type=option(gmm.COVARIANCE_TYPES), init=option(gmm.INIT_METHODS),
              max_iter=integer(50, minimum=0), tol=real(), reg_covar=real(), n_init=integer(2, minimum=1),
              rng=generator(), sample_weight=weights(np.ones(N) / N, none=True)[:-2], hard=flag(),
              callback=function(none=True))),
    Call(gmm.fit, dict(X=X, k_or_params=PARAMS, max_iter=50), dict(k_or_params=mixture(PARAMS)[2:]),
         id="gmm.fit(params)"),
    Call(gmm.sample, dict(params=PARAMS, n=10, rng=0),
         dict(params=mixture(PARAMS, data=False), n=integer(10, minimum=0), rng=generator())),
    Call(gmm.n_parameters, dict(params=PARAMS), dict(params=mixture(PARAMS, data=False))),
    Call(gmm.bic, dict(X=X, params=PARAMS), dict(X=table(X, nan=True), params=mixture(PARAMS))),
    Call(gmm.aic, dict(X=X, params=PARAMS), dict(X=table(X, nan=True), params=mixture(PARAMS))),
    Call(gmm.align, dict(params=PARAMS, reference=RUNS[1].params),
         dict(params=mixture(PARAMS), reference=mixture(RUNS[1].params))),
    # hidden Markov models
    *(Call(function, dict(X=SYMBOLS, params=HMM, lengths=[10, 20]),
           dict(X=sequences(SYMBOLS), params=hmm_params(HMM), lengths=LENGTHS))
      for function in (hmm.forward, hmm.backward, hmm.e_step, hmm.log_likelihood, hmm.viterbi)),
    Call(hmm.m_step, dict(X=SYMBOLS, expectations=HMM_EXPECTATIONS, params_t=HMM, reg_covar=0.0),
         dict(X=sequences(SYMBOLS), expectations=instance(r"the hmm\.Expectations of e_step"),
              params_t=hmm_params(HMM), reg_covar=real())),
    Call(hmm.fit, dict(X=SYMBOLS, k_or_params=2, emissions="categorical", lengths=[10, 20], max_iter=500, tol=1e-4,
                       reg_covar=0.0, rng=0, callback=None),
         dict(X=sequences(SYMBOLS, alphabet=False), emissions=option(hmm.EMISSIONS), lengths=LENGTHS,
              max_iter=integer(500, minimum=0), tol=real(), reg_covar=real(), rng=generator(),
              callback=function(none=True))),
    Call(hmm.fit, dict(X=SYMBOLS, k_or_params=HMM, max_iter=500, tol=1e-4), dict(k_or_params=hmm_params(HMM)),
         id="hmm.fit(params)"),
    Call(hmm.sample, dict(params=HMM, n=10, rng=0),
         dict(params=hmm_params(HMM), n=integer(10, minimum=1), rng=generator())),
    # missing data
    Call(missing.e_step, dict(X=HIDDEN, params=NORMAL), dict(X=table(HIDDEN, nan=True), params=normal(NORMAL))),
    Call(missing.m_step, dict(expectations=EXPECTATIONS, reg_covar=0.0),
         dict(expectations=instance(r"a missing\.Expectations"), reg_covar=real())),
    Call(missing.log_likelihood, dict(X=HIDDEN, params=NORMAL),
         dict(X=table(HIDDEN, nan=True), params=normal(NORMAL))),
    Call(missing.fit, dict(X=HIDDEN, params0=NORMAL, max_iter=50, tol=1e-8, reg_covar=0.0, callback=None),
         dict(X=table(HIDDEN, nan=True), params0=normal(NORMAL)[2:], max_iter=integer(50, minimum=0), tol=real(),
              reg_covar=real(), callback=function(none=True))),
    Call(missing.impute, dict(X=HIDDEN, params=NORMAL), dict(X=table(HIDDEN, nan=True), params=normal(NORMAL))),
    Call(missing.mean_impute, dict(X=HIDDEN), dict(X=table(HIDDEN, nan=True))),
    Call(missing.draw_imputation, dict(X=HIDDEN, params=NORMAL, rng=0),
         dict(X=table(HIDDEN, nan=True), params=normal(NORMAL), rng=generator())),
    Call(missing.hide, dict(X=TABLE, fraction=0.2, mechanism="MCAR", rng=0),
         dict(X=table(TABLE), fraction=real(), mechanism=option(missing.MECHANISMS), rng=generator())),
    Call(missing.hide, dict(X=TABLE, fraction=0.2, mechanism="MAR", column=0, by=1, rng=0),
         dict(column=integer(0, minimum=0, maximum=2)[:-1], by=integer(1, minimum=0, maximum=2)[:-1]),
         id="missing.hide(MAR)"),
    Call(missing.compare, dict(X=TABLE, X_hidden=HIDDEN, reg_covar=0.0),
         dict(X=table(TABLE), X_hidden=table(HIDDEN, nan=True), reg_covar=real())),
    # the EM driver and calculus
    Call(em.run, dict(params0=1.0, e_step=_em_halving, m_step=lambda value, _: value / 2, max_iter=10, tol=0.0,
                      n_rows=1, callback=None),
         dict(e_step=function(), m_step=function(), max_iter=integer(10, minimum=0), tol=real(),
              n_rows=real(positive=True), callback=function(none=True))),
    Call(em.entropy, dict(resp=RESP), dict(resp=responsibilities(RESP)[:-1])),
    Call(calculus.numerical_gradient, dict(fun=_quadratic, x=[1.0, 2.0], step=None, vectorized=False),
         dict(fun=function(), x=array([1.0, 2.0], ndim=1), vectorized=flag())),
    Call(calculus.pack, dict(params=PARAMS), dict(params=mixture(PARAMS, data=False))),
    Call(calculus.unpack, dict(vector=PACKED, k=K, d=2),
         dict(vector=array(PACKED, ndim=1), k=integer(K, minimum=1), d=integer(2, minimum=1))),
    Call(calculus.packed_size, dict(k=K, d=2), dict(k=integer(K, minimum=1), d=integer(2, minimum=1))),
    # data sets
    Call(datasets.two_coins, {}, {}),
    Call(datasets.penguins, {}, {}),
    Call(datasets.old_faithful, {}, {}),
    Call(datasets.geyser, {}, {}),
    Call(datasets.stretched_clouds, dict(n_per_cluster=5, rng=0),
         dict(n_per_cluster=integer(5, minimum=1), rng=generator())),
    Call(datasets.make_blobs, dict(centers=CENTERS, n_per_cluster=5, std=1.0, rng=0),
         dict(centers=array(CENTERS), n_per_cluster=[*integer(5, minimum=1)[:4], Bad("empty", [], ValueError, "must be an integer or 3 integers")], std=[Bad("string", "1", TypeError, "must be a number"), Bad("NaN", np.nan, ValueError, "contains NaN"),
                                           Bad("zero", 0.0, ValueError, "must be positive")],
              rng=generator())),
]

# coin fits that run until they stop rising, as plots.log_likelihood_gap needs them
SETTLED = [coins.fit(HEADS, TOSSES, THETA, max_iter=300, tol=0)]

# two tiny frames, as the sliders take them: PNG images that differ
PNGS = [widgets.figure_png(plots.new_figure(panel_size=(size, size))[0], dpi=20) for size in (0.5, 0.6)]

FIGURE_CALLS = [
    Call(plots.new_figure, dict(nrows=1, ncols=2), dict(nrows=integer(1, minimum=1), ncols=integer(2, minimum=1))),
    Call(plots.data_limits, dict(X=X, margin=0.1), dict(X=table(X), margin=real())),
    Call(plots.kmeans_state, dict(X=X, centers=CENTERS, labels=LABELS, ax=None, previous_centers=CENTERS),
         dict(X=table(X), centers=rows_like(CENTERS, none=True), labels=labels(LABELS, K, none=True),
              previous_centers=rows_like(CENTERS, none=True), regions=flag())),
    Call(plots.kmeans_steps, dict(X=X, result=KMEANS, n_iterations=1),
         dict(X=table(X), result=instance(r"a kmeans\.KMeansResult"),
              n_iterations=integer(1, minimum=1, maximum=KMEANS.n_iter, none=True))),
    Call(plots.kmeans_frames, dict(X=X, result=KMEANS), dict(X=table(X), result=instance(r"a kmeans\.KMeansResult"))),
    Call(plots.kmeans_starts, dict(X=X, results=[KMEANS, KMEANS], titles=["a", "b"]),
         dict(X=table(X), results=sequence_of(r"a kmeans\.KMeansResult", [KMEANS, KMEANS]), titles=names(2))),
    Call(plots.clusterings, dict(X=X, labelings=[LABELS, LABELS], titles=["a", "b"], centers=[CENTERS, None]),
         dict(X=table(X), titles=names(2))),
    Call(plots.inertia_trace, dict(X=X, results=[KMEANS], names=["a"]),
         dict(X=table(X), results=sequence_of(r"a kmeans\.KMeansResult", [KMEANS]), names=names(2)[1:])),
    Call(plots.final_inertias, dict(samples={"a": [1.0, 2.0]}, best=1.0),
         dict(samples=[Bad("list", [1.0], TypeError, "must be a non-empty dict")], best=real(minimum=None, none=True))),
    Call(plots.coin_landscape, dict(heads=HEADS, tosses=TOSSES, results=[COINS], names=["a"]),
         dict(heads=counts(HEADS), tosses=counts(TOSSES, scalar=True),
              results=sequence_of("the result of coins.fit", [COINS])[:1], names=names(1)[1:])),
    Call(plots.coin_start_frames, dict(heads=HEADS, tosses=TOSSES, starts_a=[0.6], starts_b=[0.5], max_iter=5, tol=0),
         dict(heads=counts(HEADS), tosses=counts(TOSSES, scalar=True), starts_a=probabilities([0.6], start=True),
              max_iter=integer(5, minimum=0), tol=real())),
    Call(plots.log_likelihood_trace, dict(results=RUNS, names=["a", "b"]),
         dict(results=sequence_of(r"an em\.EMResult", RUNS), names=names(2))),
    Call(plots.mixture_state, dict(X=X, params=PARAMS, ax=None), dict(X=table(X), params=mixture(PARAMS))),
    Call(plots.mixtures, dict(X=X, params=[PARAMS], titles=["a"]), dict(X=table(X), titles=names(1)[1:])),
    Call(plots.mixture_histograms, dict(x=X[:, :1], labels=LABELS),
         dict(x=table(X[:, :1]), labels=labels(LABELS, None))),
    Call(plots.mixture_frames, dict(X=X, result=MIXTURE),
         dict(X=table(X), result=instance(r"the em\.EMResult of gmm\.fit"))),
    Call(plots.function_slices, dict(fun=_quadratic, center=[0.0, 0.0], directions=[[1.0, 0.0]], n_points=5),
         dict(fun=function(), center=array([0.0, 0.0], ndim=1), directions=array([[1.0, 0.0]]),
              radius=real(positive=True), n_points=integer(5, minimum=3))),
    Call(plots.error_against_n, dict(sizes=[10, 100], errors={"a": [1.0, 0.3]}),
         dict(sizes=array([10, 100], ndim=1), reference_slope=real(minimum=None))),
    Call(plots.log_likelihood_gap, dict(results=SETTLED, names=["a"], rate=0.5),
         dict(results=sequence_of(r"an em\.EMResult", SETTLED), names=names(1)[1:],
              rate=between_0_and_1(none=True), floor=between_0_and_1())),
    Call(plots.rules_on_a_line, dict(gap=4.0, beta=1.0), dict(gap=real(positive=True), beta=real(positive=True))),
    Call(plots.stiffness_on_a_line, dict(gap=4.0, betas=[0.5, 2.0]),
         dict(gap=real(positive=True), betas=[Bad("empty", [], ValueError, "must hold at least one"),
                                               Bad("string", "ab", TypeError, "must be a sequence"),
                                               Bad("NaN", [np.nan], ValueError, "must be finite"),
                                               Bad("zero", [0.0], ValueError, "must be positive")])),
    Call(plots.bound_bars, dict(heads=HEADS, tosses=TOSSES, theta0=THETA, n_iter=1),
         dict(heads=counts(HEADS), tosses=counts(TOSSES, scalar=True), theta0=probabilities(THETA, start=True),
              n_iter=integer(1, minimum=1))),
    Call(plots.mixture_panels, dict(X=X, params=[PARAMS], titles=["a"], feature_names=["u", "v"]),
         dict(X=table(X), titles=names(1)[1:], feature_names=names(2))),
    Call(plots.lower_bound_frames, dict(heads=HEADS, tosses=TOSSES, result=COINS),
         dict(heads=counts(HEADS), tosses=counts(TOSSES, scalar=True), result=instance("the result of coins.fit"))),
    Call(plots.resp_colours, dict(resp=RESP), dict(resp=responsibilities(RESP)[:-1])),
    Call(plots.state_posteriors, dict(X=SYMBOLS, params=HMM, states=HMM_STATES, viterbi=True, state_names=["a", "b"],
                                      observation_name="x"),
         dict(X=sequences(SYMBOLS), params=hmm_params(HMM), states=labels(HMM_STATES, 2, none=True), viterbi=flag(),
              state_names=names(2), observation_name=[Bad("list", ["x"], TypeError, "must be a string")])),
    Call(plots.baum_welch_frames, dict(X=SYMBOLS, result=HMM_FIT, states=HMM_STATES, state_names=["a", "b"]),
         dict(X=sequences(SYMBOLS), result=HMM_RESULT, states=labels(HMM_STATES, 2, none=True),
              state_names=names(2))),
    Call(plots.soft_state, dict(X=X, centers=CENTERS, resp=RESP, ax=None, sigma=1.0),
         dict(X=table(X), centers=rows_like(CENTERS), resp=responsibilities(RESP), sigma=real(none=True))),
    Call(plots.soft_assignments, dict(X=X, centers=CENTERS, resps=[RESP], titles=["a"]),
         dict(X=table(X), centers=rows_like(CENTERS), titles=names(1)[1:])),
    Call(plots.soft_kmeans_frames, dict(X=X, results=SOFT),
         dict(X=table(X), results=sequence_of("the result of soft.fit", SOFT))),
    Call(plots.imputation_state, dict(X_hidden=HIDDEN, params=NORMAL, filled=TABLE, ax=None, X=TABLE),
         dict(X_hidden=table(HIDDEN, nan=True), params=normal(NORMAL), filled=table(TABLE),
              X=table(TABLE, none=True))),
    Call(plots.imputations, dict(X=TABLE, panels={"EM": (HIDDEN, NORMAL, TABLE)}), dict(X=table(TABLE))),
    Call(plots.imputation_frames, dict(X=TABLE, fractions=[0.1, 0.3], rng=0),
         dict(X=table(TABLE), fractions=array([0.1, 0.3], ndim=1), rng=generator())),
    Call(plots.mixture_repair_frames, REPAIRS, BAD_REPAIRS),
    Call(plots.point_sets, dict(panels={"a": X}), dict(panels=[Bad("list", [X], TypeError, "must be a non-empty dict")])),
    Call(plots.final_log_likelihoods, dict(samples={"a": [1.0, 2.0]}, best=2.0, bins=5),
         dict(samples=[Bad("list", [1.0], TypeError, "must be a non-empty dict")], best=real(minimum=None, none=True),
              bins=integer(5, minimum=1))),
    Call(plots.local_optima_frames, dict(X=X, results=RUNS, decimals=2, max_frames=2),
         dict(X=table(X), results=sequence_of(r"the em\.EMResult of gmm\.fit", RUNS),
              decimals=integer(2, minimum=0), max_frames=integer(2, minimum=1))),
    Call(plots.collapse_trace, dict(runs={"a": MIXTURE.history}),
         dict(runs=[Bad("list", [MIXTURE.history], TypeError, "must be a non-empty dict")])),
    Call(plots.convergence_rates, dict(results=RUNS, names=["a", "b"], floor=1e-12),
         dict(results=sequence_of(r"an em\.EMResult", RUNS), names=names(2),
              floor=[Bad("zero", 0.0, ValueError, r"must be in \(0, 1\)|between 0 and 1"), *real()[:3]])),
    Call(plots.information_criteria, dict(ks=[1, 2], scores={"BIC": {"full": [3.0, 2.0]}}),
         dict(scores=[Bad("list", [1.0], TypeError, "must be a non-empty dict")])),
    Call(plots.time_per_iteration, dict(n_samples=[10, 100], times={"k-means": {"emlib": [1.0, 10.0]}}),
         dict(n_samples=[Bad("one entry", [10], ValueError, "at least 2 positive integers"),
                         Bad("decreasing", [100, 10], ValueError, "in increasing order"),
                         Bad("string", "10", TypeError, "real numbers")],
              times=[Bad("list", [1.0], TypeError, "must be a non-empty dict"),
                     Bad("empty", {}, ValueError, "at least one algorithm"),
                     Bad("zero time", {"a": {"b": [0.0, 1.0]}}, ValueError, "must be positive"),
                     Bad("one time", {"a": {"b": [1.0]}}, ValueError, "one value per n_samples entry"),
                     Bad("NaN time", {"a": {"b": [np.nan, 1.0]}}, ValueError, "finite")])),
    Call(widgets.figure_png, dict(fig=None, dpi=50), dict(fig=instance("a matplotlib Figure"),
                                                           dpi=integer(50, minimum=1),
                                                           colors=integer(16, minimum=2, maximum=256, none=True))),
    Call(widgets.frame_slider, dict(frames=PNGS, labels=["1", "2"], value=0),
         dict(labels=names(2), value=frame_index(2), pixel_ratio=integer(2, minimum=1))),
    Call(widgets.frame_grid_slider, dict(frames=[PNGS[:1], PNGS[1:]], row_labels=["1", "2"], column_labels=["x"]),
         dict(row_labels=names(2), column_labels=names(1)[1:], pixel_ratio=integer(2, minimum=1))),
    Call(widgets.kmeans_slider, dict(X=X, result=KMEANS), dict(X=table(X), result=instance(r"a kmeans\.KMeansResult"))),
    Call(widgets.coin_start_slider, dict(heads=HEADS, tosses=TOSSES, starts_a=[0.6], starts_b=[0.5]),
         dict(heads=counts(HEADS), tosses=counts(TOSSES, scalar=True), starts_b=probabilities([0.5], start=True))),
    Call(widgets.soft_kmeans_slider, dict(X=X, results=SOFT, value=0),
         dict(X=table(X), results=sequence_of("the result of soft.fit", SOFT), value=frame_index(2))),
    Call(widgets.mixture_slider, dict(X=X, result=MIXTURE),
         dict(X=table(X), result=instance(r"the em\.EMResult of gmm\.fit"))),
    Call(widgets.lower_bound_slider, dict(heads=HEADS, tosses=TOSSES, result=COINS),
         dict(heads=counts(HEADS), tosses=counts(TOSSES, scalar=True), result=instance("the result of coins.fit"))),
    Call(widgets.imputation_slider, dict(X=TABLE, fractions=[0.1, 0.3], rng=0),
         dict(X=table(TABLE), fractions=array([0.1, 0.3], ndim=1), rng=generator())),
    Call(widgets.mixture_repair_slider, dict(REPAIRS, value=0),
         dict(BAD_REPAIRS, value=[Bad("beyond the frames", 1, ValueError, "value must be at most"),
                                  Bad("float", 0.5, TypeError, "value must be an integer")])),
    Call(widgets.baum_welch_slider, dict(X=SYMBOLS, result=HMM_FIT, value=0, states=HMM_STATES),
         dict(X=sequences(SYMBOLS), result=HMM_RESULT, value=frame_index(3), states=labels(HMM_STATES, 2, none=True))),
    Call(widgets.local_optima_slider, dict(X=X, results=RUNS, max_frames=2),
         dict(X=table(X), results=sequence_of(r"the em\.EMResult of gmm\.fit", RUNS),
              max_frames=integer(2, minimum=1))),
]

ALL_CALLS = CALLS + FIGURE_CALLS


def _with_fresh_figures(call: Call) -> dict[str, Any]:
    """The call's arguments, with a new Axes or Figure where it draws on one."""
    kwargs = dict(call.kwargs)
    if "ax" in kwargs:
        kwargs["ax"] = _axes()
    if call.func is widgets.figure_png:
        kwargs["fig"] = _figure()
    return kwargs


def _cases():
    for call in ALL_CALLS:
        for argument, kinds in call.kinds.items():
            bad_values, name = kinds if isinstance(kinds, tuple) else (kinds, argument)
            for bad in bad_values:
                yield pytest.param(call, argument, name, bad, id=f"{call.id}-{argument}-{bad.label}")


# --------------------------------------------------------------------------
# The tests
# --------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def time_limit_and_no_figures_left():
    """Fail a call that runs past TIME_LIMIT (a hang), and close the figures each test opens."""

    def _hang(signum, frame):
        raise TimeoutError(f"the call ran for more than {TIME_LIMIT} s")

    previous = signal.signal(signal.SIGALRM, _hang)
    signal.alarm(TIME_LIMIT)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
        plt.close("all")


def _raises_section(func: Callable) -> str:
    """The "Raises" section of a numpydoc docstring ('' if there is none)."""
    match = re.search(r"\n\s*Raises\n\s*-{6}\n(.*?)(\n\s*\w[\w ]*\n\s*-{3,}\n|\Z)", func.__doc__ or "", re.S)
    return match.group(1) if match else ""


@pytest.mark.parametrize("call, argument, name, bad", list(_cases()))
def test_bad_input_is_refused_with_a_message_naming_it(call, argument, name, bad):
    kwargs = _with_fresh_figures(call)
    kwargs[argument] = bad.value
    with pytest.raises(Exception) as caught:
        call.func(**kwargs)
    message = str(caught.value)
    assert type(caught.value) is bad.error, f"{type(caught.value).__name__}: {message}"
    assert re.search(rf"(?<![\w.]){re.escape(name)}(?!\w)", message), f"the message does not name {name}: {message}"
    assert re.search(bad.problem, message), f"the message does not say {bad.problem!r}: {message}"


FUNCTIONS = list(dict.fromkeys(call.func for call in ALL_CALLS))


@pytest.mark.parametrize("func", FUNCTIONS, ids=[f"{f.__module__}.{f.__name__}" for f in FUNCTIONS])
def test_the_docstring_lists_every_error_the_battery_expects(func):
    errors = {bad.error.__name__ for call in ALL_CALLS if call.func is func
              for kinds in call.kinds.values() for bad in (kinds[0] if isinstance(kinds, tuple) else kinds)}
    section = _raises_section(func)
    unlisted = sorted(error for error in errors if not re.search(rf"^\s*{error}\b", section, re.M))
    assert not unlisted, f"the docstring does not list {unlisted} under Raises"


def _arrays(value: Any, path: str = "") -> dict[str, np.ndarray]:
    """Every array inside ``value`` (lists, tuples, dicts, NamedTuples, dataclasses), by where it is."""
    if isinstance(value, np.ndarray):
        return {path: value}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = {field.name: getattr(value, field.name) for field in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {key: array for name, item in value.items() for key, array in _arrays(item, f"{path}.{name}").items()}
    if isinstance(value, (list, tuple)):
        return {key: array for i, item in enumerate(value) for key, array in _arrays(item, f"{path}[{i}]").items()}
    return {}


@pytest.mark.parametrize("call", ALL_CALLS, ids=[call.id for call in ALL_CALLS])
def test_a_valid_call_succeeds_leaves_its_input_alone_and_returns_no_nan(call):
    kwargs = _with_fresh_figures(call)
    before = {key: array.copy() for key, array in _arrays(kwargs).items()}
    result = call.func(**kwargs)
    after = _arrays(kwargs)
    for key, array in before.items():
        np.testing.assert_array_equal(after[key], array, err_msg=f"{call.id} changed its input {key}")
    for key, array in _arrays(result).items():
        if array.dtype.kind == "f" and call.func not in (missing.hide, datasets.penguins):  # NaN marks holes
            assert not np.isnan(array).any(), f"{call.id} returned NaN in {key}"


def _public_functions(module) -> list[Callable]:
    names = getattr(module, "__all__", None) or [name for name in dir(module) if not name.startswith("_")]
    return [getattr(module, name) for name in names
            if inspect.isfunction(getattr(module, name))
            and getattr(module, name).__module__ in (module.__name__, *_submodules(module))]


def _submodules(module) -> list[str]:
    """The modules of a package (emlib.plots is one module per chapter), by name."""
    return [f"{module.__name__}.{info.name}" for info in pkgutil.iter_modules(getattr(module, "__path__", []))]


@pytest.mark.parametrize("module", MODULES, ids=[module.__name__ for module in MODULES])
def test_the_battery_covers_every_public_function(module):
    covered = {call.func for call in ALL_CALLS}
    missed = [func.__name__ for func in _public_functions(module) if func not in covered]
    assert not missed, f"not in the battery: {missed}"
