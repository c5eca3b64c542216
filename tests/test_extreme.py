"""Extreme but valid input: every model gives the right answer or its documented error.

Duplicate points, constant columns, one point per cluster, data scaled to the edges of
float64 (and just past the documented limits of ``_validation.check_spread``), huge
offsets, sample weights from 1e-300 to 1e300, and coin rows of 10**6 and 10**15 tosses.
Each answer is checked against an independent computation: a closed form, the same fit
on rescaled data, mpmath, or a plain scipy implementation of weighted EM.  Never NaN,
never a RuntimeWarning (pytest turns them into errors), never a bare LinAlgError.
"""

from __future__ import annotations

import math
import re
import warnings

import mpmath
import numpy as np
import pytest
from scipy import special, stats

from emlib import coins, gmm, kmeans, missing, soft
from emlib.gmm import ComponentCollapse, Params

KINDS = gmm.COVARIANCE_TYPES
EPS = np.finfo(np.float64).eps
TOO_WIDE = r"X spreads over more than 1e\+150 along a feature, so its squares overflow float64; rescale X"
TOO_NARROW = r"X\[:, 0\] spreads over less than 1e-150, so its squares underflow float64; rescale X"
# a constant column next to varying ones: small, ordinary, far beyond the varying columns' digits, huge
CONSTANTS = [0.0, 0.1, 1e6 + 0.1, 3e30, 1e300]


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


def two_groups(seed: int = 0, n: int = 40, d: int = 2) -> np.ndarray:
    """Two overlapping clouds, half the rows each."""
    X = np.random.default_rng(seed).normal(size=(n, d))
    X[: n // 2] += 3.0
    return X


def unit_box(X: np.ndarray) -> np.ndarray:
    """Each column mapped onto [0, 1] exactly (NaN kept), so that ``c * X`` spreads over exactly ``c``."""
    low, high = np.nanmin(X, axis=0), np.nanmax(X, axis=0)
    return (X - low) / (high - low)


def as_kind(covariances: np.ndarray, kind: str) -> np.ndarray:
    """Full ``(k, d, d)`` covariances as ``kind``: themselves, their mean, their diagonals, or their mean variance."""
    diagonals = np.diagonal(covariances, axis1=1, axis2=2)
    return {"full": covariances, "tied": covariances.mean(axis=0), "diag": diagonals,
            "spherical": diagonals.mean(axis=1)}[kind]


def as_full(params: Params) -> np.ndarray:
    """The covariances of a mixture of any kind as full ``(k, d, d)`` matrices."""
    covariances, (k, d) = np.asarray(params.covariances, dtype=float), np.shape(params.means)
    kind = gmm.covariance_type_of(params)
    if kind == "full":
        return covariances
    if kind == "tied":
        return np.broadcast_to(covariances, (k, d, d))
    if kind == "diag":
        return np.stack([np.diag(row) for row in covariances])
    return covariances[:, None, None] * np.eye(d)


def gmm_start(X: np.ndarray, kind: str, k: int = 2) -> Params:
    """A start that is not yet a fixed point: one EM step from a k-means++ hard assignment."""
    params = gmm.fit(X, k, max_iter=1, tol=0, rng=0).params
    return Params(params.weights, params.means, as_kind(params.covariances, kind), kind)


def with_constant_column(params: Params, value: float, kind: str) -> Params:
    """``params`` for the data with one more, constant, feature ``value`` (variance 1 in the start)."""
    k, d = params.means.shape
    means = np.c_[params.means, np.full(k, value)]
    if kind in ("full", "tied"):
        covariances = np.zeros((*params.covariances.shape[:-2], d + 1, d + 1))
        covariances[..., :d, :d] = params.covariances
        covariances[..., d, d] = 1.0
    elif kind == "diag":
        covariances = np.c_[params.covariances, np.ones(k)]
    else:
        covariances = params.covariances
    return Params(params.weights, means, covariances, kind)


def reference_em(X, params: Params, kind: str, *, sample_weight, reg_covar: float, n_iter: int):
    """Weighted EM written plainly with scipy: ``n_iter`` iterations, then the log-likelihood of the result.

    The weights are divided by their largest before use (the fit does not depend on their scale);
    the log-likelihood is multiplied back.
    """
    d = X.shape[1]
    top = sample_weight.max()
    relative = sample_weight / top
    weights, means, covariances = (np.asarray(part, dtype=float) for part in params)

    for _ in range(n_iter):
        resp = exact_responsibilities(gmm_log_joint(X, Params(weights, means, covariances, kind))) * relative[:, None]
        counts = resp.sum(axis=0)
        weights = counts / counts.sum()
        means = resp.T @ X / counts[:, None]
        full = np.stack([(resp[:, j, None] * (X - means[j])).T @ (X - means[j]) / counts[j]
                         for j in range(len(counts))])
        if kind == "tied":  # the components' covariances pooled, each counted N_k times
            covariances = np.einsum("k,kij->ij", counts, full) / counts.sum() + reg_covar * np.eye(d)
        else:
            covariances = as_kind(full + reg_covar * np.eye(d), kind)  # spherical: mean variance + reg_covar
    rows = special.logsumexp(gmm_log_joint(X, Params(weights, means, covariances, kind)), axis=1)
    return Params(weights, means, covariances, kind), top * float(relative @ rows)


def gmm_log_joint(X: np.ndarray, params: Params) -> np.ndarray:
    """``log weights[j] + log N(x_i | j)`` by scipy, shape ``(n, k)``."""
    full = as_full(params)
    densities = [stats.multivariate_normal.logpdf(X, params.means[j], full[j]) for j in range(len(params.weights))]
    return np.column_stack(densities) + np.log(params.weights)


def exact_row_log_likelihoods(heads, tosses: int, theta, binomial_coefficient=False) -> np.ndarray:
    """``log P(row i | coin j)`` in 50-digit arithmetic from the exact binary values of ``theta``."""
    out = np.empty((len(heads), len(theta)))
    with mpmath.workdps(50):
        for i, h in enumerate(heads):
            h, tails = int(h), int(tosses) - int(h)
            for j, p in enumerate(theta):
                p = mpmath.mpf(float(p))
                if (h and p == 0) or (tails and p == 1):  # heads from a coin that cannot show them, or tails
                    out[i, j] = -np.inf
                    continue
                value = (h * mpmath.log(p) if h else 0) + (tails * mpmath.log1p(-p) if tails else 0)
                if binomial_coefficient:
                    value += mpmath.loggamma(h + tails + 1) - mpmath.loggamma(h + 1) - mpmath.loggamma(tails + 1)
                out[i, j] = float(value)
    return out


def exact_responsibilities(log_joint: np.ndarray) -> np.ndarray:
    """Responsibilities from exact log-joints by log-sum-exp."""
    return np.exp(log_joint - special.logsumexp(log_joint, axis=1, keepdims=True))


# --------------------------------------------------------------------------
# Duplicate points
# --------------------------------------------------------------------------

IDENTICAL_ROWS = [[0.1, -7.3], [3e30, 0.1], [1e300, -1e-300], [0.1, 0.1, 0.1]]


@pytest.mark.parametrize("row", IDENTICAL_ROWS)
@pytest.mark.parametrize("k", [1, 3, 30])
def test_kmeans_puts_every_center_on_a_row_repeated_n_times(row, k):
    X = np.array([row] * 30)
    says_so = pytest.warns(UserWarning, match=f"k-means found 1 distinct clusters, fewer than k = {k}")
    with says_so if k > 1 else warnings.catch_warnings():
        result = kmeans.fit(X, k, rng=0)
    # correct: the row itself, to an ulp, in every feature.  Hard for [1e300, -1e-300]: one frame scale
    # serves every feature, so the frame's origin must equal the row exactly (an exact column mean); an
    # origin off by an ulp of 1e300 would set that scale near 1e284 and round the -1e-300 feature to 0.
    np.testing.assert_allclose(result.centers, np.repeat(X[:1], k, axis=0), rtol=4 * EPS, atol=0)
    with np.errstate(over="ignore"):  # at 1e300 the bound is inf: the inertia must still be finite
        ulp_inertia = len(X) * float(np.sum((4 * EPS * np.abs(X[0])) ** 2))  # centers right to 4 ulps
    assert result.inertia <= ulp_inertia and not result.labels.any()
    assert kmeans.assign(X, result.centers).tolist() == [0] * 30  # ties go to the lowest index
    assert kmeans.inertia(X, np.repeat(X[:1], k, axis=0)) == 0.0
    np.testing.assert_allclose(kmeans.update(X, np.zeros(30, dtype=int), k), np.repeat(X[:1], k, axis=0),
                               rtol=4 * EPS, atol=0)


@pytest.mark.parametrize("row", IDENTICAL_ROWS)
@pytest.mark.parametrize("k", [1, 3])
def test_soft_kmeans_on_a_repeated_row_has_the_closed_form_likelihood(row, k):
    X = np.array([row] * 30)
    n, d = X.shape
    result = soft.fit(X, k, 2.0, rng=0, tol=0, max_iter=3)
    # correct: the row itself in every feature, -1e-300 included: soft k-means works in k-means' frame,
    # whose origin must be the row exactly for the tiny feature to survive the one shared scale.
    np.testing.assert_allclose(result.params.centers, np.repeat(X[:1], k, axis=0), rtol=4 * EPS, atol=0)
    # every center on every point: log((1/k) sum_k (pi/beta)^(-d/2)) = -d/2 log(pi/beta) per point
    np.testing.assert_allclose(result.log_likelihood, -n * d / 2 * math.log(math.pi / 2.0), rtol=1e-14)


@pytest.mark.parametrize("scale", [1.0, 1e6])
def test_soft_responsibilities_split_equally_between_duplicate_centers(scale):
    X = two_groups(1) * scale
    centers = np.array([[0.5, 0.5], [0.5, 0.5], [9.0, 9.0]]) * scale
    for beta in (1e-3 / scale**2, 1.0 / scale**2, 1e300):
        resp = soft.responsibilities(X, centers, beta)
        np.testing.assert_array_equal(resp[:, 0], resp[:, 1])
        np.testing.assert_allclose(resp.sum(axis=1), 1.0, rtol=1e-15)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("row", IDENTICAL_ROWS)
def test_gmm_on_a_repeated_row_gives_the_point_and_reg_covar(kind, row):
    X = np.array([row] * 30)
    n, d = X.shape
    result = gmm.fit(X, 1, covariance_type=kind, rng=0, reg_covar=1e-6)
    np.testing.assert_allclose(result.params.means, X[:1], rtol=2 * EPS, atol=0)
    np.testing.assert_allclose(as_full(result.params)[0], 1e-6 * np.eye(d), rtol=1e-12, atol=1e-20)
    np.testing.assert_allclose(result.log_likelihood, -n * d / 2 * math.log(2 * math.pi * 1e-6), rtol=1e-13)
    resp, log_likelihood = gmm.e_step(X, result.params)
    np.testing.assert_array_equal(resp, 1.0)
    np.testing.assert_allclose(log_likelihood, result.log_likelihood, rtol=1e-13)


@pytest.mark.parametrize("kind", KINDS)
def test_gmm_on_a_repeated_row_without_reg_covar_is_the_documented_collapse(kind):
    X = np.array([[1.0, 2.0]] * 5)
    with pytest.raises(ComponentCollapse, match=r"after iteration 0 of EM: (component 0's|the shared) covariance is "
                                                r"singular"):
        gmm.fit(X, 1, covariance_type=kind, rng=0, reg_covar=0)
    with pytest.raises(ValueError, match=r"(component 0's|the shared) covariance is singular: the points it is "
                                         r"responsible for "
                                         r"have no spread in some direction \(for example fewer than 3 distinct"):
        gmm.m_step(X, np.ones((5, 1)), covariance_type=kind, reg_covar=0)


POINTS = np.array([[0.0, 0.0], [1.0, 3.0], [-2.0, 1.0]])
COUNTS = [50, 30, 20]


def repeated_points(seed: int = 0) -> np.ndarray:
    X = np.repeat(POINTS, COUNTS, axis=0)
    np.random.default_rng(seed).shuffle(X)
    return X


@pytest.mark.parametrize("seed", range(4))
def test_kmeans_finds_a_few_points_repeated_many_times(seed):
    X = repeated_points(seed)
    result = kmeans.fit(X, 3, rng=seed)
    assert result.inertia == 0.0
    assert sorted(map(tuple, result.centers)) == sorted(map(tuple, POINTS))
    np.testing.assert_array_equal(result.centers[result.labels], X)


@pytest.mark.parametrize("k", [4, 7])
def test_kmeans_with_more_clusters_than_distinct_points_duplicates_centers(k):
    X = repeated_points()
    with pytest.warns(UserWarning, match=f"fewer than k = {k}: some centers coincide"):
        result = kmeans.fit(X, k, rng=1)
    assert result.inertia == 0.0 and np.isfinite(result.centers).all()
    assert set(map(tuple, result.centers)) == set(map(tuple, POINTS))  # the extra centers are duplicates
    np.testing.assert_array_equal(result.centers[result.labels], X)
    # update with every point in cluster 0: the empty clusters take far points, never NaN
    centers = kmeans.update(X, np.zeros(len(X), dtype=int), k)
    assert np.isfinite(centers).all() and set(map(tuple, centers[1:])) <= set(map(tuple, POINTS))


def test_soft_kmeans_with_a_stiff_beta_finds_a_few_repeated_points():
    X = repeated_points()
    n, d = X.shape
    result = soft.fit(X, 3, 1e6, rng=0, tol=0, max_iter=5)
    assert sorted(map(tuple, result.params.centers)) == sorted(map(tuple, POINTS))
    # each point on its own center, the others exp(-1e6) away: -log k - d/2 log(pi/beta) per point
    np.testing.assert_allclose(result.log_likelihood, -n * (math.log(3) + d / 2 * math.log(math.pi / 1e6)),
                               rtol=1e-14)


@pytest.mark.parametrize("kind", KINDS)
def test_gmm_finds_a_few_repeated_points_with_reg_covar_covariances(kind):
    X = repeated_points()
    result = gmm.fit(X, 3, covariance_type=kind, rng=0)
    order = np.lexsort(result.params.means.T[::-1])
    expected = np.lexsort(POINTS.T[::-1])
    # to the last bits: the fit works on data shifted by their mean, so a mean comes back within an ulp or two
    np.testing.assert_allclose(result.params.means[order], POINTS[expected], rtol=0, atol=1e-14)
    np.testing.assert_allclose(result.params.weights[order], np.array(COUNTS)[expected] / 100, rtol=1e-15)
    np.testing.assert_allclose(as_full(result.params), np.broadcast_to(1e-6 * np.eye(2), (3, 2, 2)),
                               rtol=1e-12, atol=1e-20)
    closed_form = sum(c * (math.log(c / 100) - math.log(2 * math.pi * 1e-6)) for c in COUNTS)
    np.testing.assert_allclose(result.log_likelihood, closed_form, rtol=1e-14)


def empty_components_warning(which: str, k: int, kind: str, reg_covar: float = 1e-6) -> str:
    own = "" if kind == "tied" else f"with covariance reg_covar = {reg_covar} on the diagonal, "  # tied: shared
    return re.escape(
        f"{which} of k = {k} got no responsibility: kept with weight 0, at the data's mean, {own}taking no part in "
        "the mixture. X may have fewer distinct points than k, or the start put two components on one group: use a "
        "smaller k or another start"
    )


NO_RESPONSIBILITY_AND_NO_REG_COVAR = re.escape(
    "the start from init='k-means++' is degenerate: component 3 has no responsibility left (its total "
    "responsibility is 0) and reg_covar is 0, so its covariance would be 0: start elsewhere, use fewer "
    "components, or make reg_covar positive (the component is then kept with weight 0)"
)


@pytest.mark.parametrize("kind", KINDS)
def test_gmm_with_more_components_than_distinct_points_keeps_the_extra_one_with_weight_0(kind):
    # three distinct points, four components: the fourth gets no responsibility.  Kept with weight 0 at the
    # data's mean with covariance reg_covar, it changes no density: the fit is the three-component one
    X = repeated_points()
    with pytest.warns(UserWarning, match=empty_components_warning("component 3", 4, kind)):
        result = gmm.fit(X, 4, covariance_type=kind, rng=0)
    assert result.params.weights[3] == 0
    np.testing.assert_allclose(result.params.means[3], X.mean(axis=0), rtol=1e-15)
    np.testing.assert_allclose(as_full(result.params), np.broadcast_to(1e-6 * np.eye(2), (4, 2, 2)),
                               rtol=1e-12, atol=1e-20)
    three = gmm.fit(X, 3, covariance_type=kind, rng=0)
    order = np.lexsort(result.params.means[:3].T[::-1])
    np.testing.assert_allclose(result.params.means[:3][order], POINTS[np.lexsort(POINTS.T[::-1])], atol=1e-14)
    np.testing.assert_allclose(result.log_likelihood, three.log_likelihood, rtol=1e-14)
    with pytest.raises(ComponentCollapse, match=NO_RESPONSIBILITY_AND_NO_REG_COVAR):
        gmm.fit(X, 4, covariance_type=kind, reg_covar=0, rng=0)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("case", ["two points, ten components", "one point, two components"])
def test_gmm_fits_the_examples_scikit_learn_fits_with_empty_components(kind, case):
    # scikit-learn's own test cases: it returns a fit, with the extra components at weight ~1e-16
    if case == "two points, ten components":
        X, k, which = np.vstack((np.ones((5, 5)), np.zeros((5, 5)))), 10, "components 2, 3, 4, 5, 6, 7, 8, 9"
        closed_form = 10 * (math.log(0.5) - 2.5 * math.log(2 * math.pi * 1e-6))
    else:
        X, k, which = np.ones((20, 2)), 2, "component 1"
        closed_form = -20 * math.log(2 * math.pi * 1e-6)
    with pytest.warns(UserWarning, match=empty_components_warning(which, k, kind)):
        result = gmm.fit(X, k, covariance_type=kind, rng=0)
    assert result.converged
    np.testing.assert_allclose(result.log_likelihood, closed_form, rtol=1e-13)
    assert np.count_nonzero(result.params.weights) == len(np.unique(X, axis=0))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("distance", [1.0, 1e6])
def test_gmm_identical_components_share_every_point_by_their_weights(kind, distance):
    # identical components explain every point equally well, however far it is: resp = weights.
    # Correct: exactly the weights.  Hard far away: at 1e6 standard deviations -Mahalanobis / 2 is ~1e12,
    # and log weights added to it would be rounded to the spacing of floats there (~1e-4), so each
    # point's largest log-likelihood has to be taken out before the log weights go in.
    X = np.random.default_rng(0).normal(size=(10, 2)) * distance
    covariances = as_kind(np.array([[[2.0, 0.3], [0.3, 1.0]]] * 2), kind)
    params = Params(np.array([0.3, 0.7]), np.array([[1.0, 2.0], [1.0, 2.0]]), covariances, kind)
    resp, _ = gmm.e_step(X, params)
    np.testing.assert_allclose(resp, np.broadcast_to([0.3, 0.7], resp.shape), rtol=1e-12)


@pytest.mark.parametrize("tosses", [10**3, 10**6, 10**15])
def test_coins_identical_coins_share_every_row_by_their_weights(tosses):
    # Correct (and documented in coins.fit's Notes): equal thetas give the weights themselves as
    # responsibilities.  Hard for long rows: a row's log-likelihood is of size ~tosses, and log(weights)
    # added to it would be rounded to the spacing of floats there (~1e-10 at 1e6 tosses, ~0.1 at 1e15),
    # so each row's largest log-likelihood has to be taken out before the log weights are added.
    heads = [0, 3, tosses // 3, tosses]
    resp = coins.e_step(heads, tosses, [0.4, 0.4], [0.25, 0.75])
    np.testing.assert_allclose(resp, np.broadcast_to([0.25, 0.75], resp.shape), rtol=1e-13)


@pytest.mark.parametrize("tosses", [10**3, 10**6, 10**15])
def test_coins_fit_from_equal_thetas_stops_at_the_pooled_fraction(tosses):
    # coins.fit Notes: "fit returns all thetas equal to that fraction with converged=True after two iterations".
    # This needs the E-step to give back the weights exactly (see the test above): any rounding of them
    # that differs from row to row gives the coins different responsibilities, and the thetas split.
    heads = [0, 3, tosses // 3, tosses]
    result = coins.fit(heads, tosses, [0.4, 0.4], weights0=[0.25, 0.75])
    pooled = sum(heads) / (4 * tosses)
    np.testing.assert_allclose(result.params.theta, [pooled, pooled], rtol=1e-14)
    assert result.converged and result.n_iter == 2


def test_missing_on_a_repeated_row_is_refused_without_reg_covar():
    with pytest.raises(ValueError, match=r"X\[:, 0\] has a single distinct observed value, so its variance would "
                                         r"be estimated as 0 and the likelihood is unbounded; drop the column, "
                                         r"or pass reg_covar > 0"):
        missing.fit(np.array([[1.0, 2.0]] * 5))


@pytest.mark.parametrize("row", IDENTICAL_ROWS)
def test_missing_on_a_repeated_row_gives_the_row_and_reg_covar(row):
    # correct: mean = the row, covariance = reg_covar * I, log-likelihood n log N(0; 0, reg I).
    # Hard at 3e30 and 1e300: the centring must use the exact column mean, so each column centres to
    # exactly 0; a mean off by ulps of 3e30 would leave a spurious "variance" of ~3e29, and at 1e300 the
    # squares of any nonzero deviation overflow.
    X = np.array([row] * 30)
    n, d = X.shape
    result = missing.fit(X, reg_covar=1e-6)
    np.testing.assert_allclose(result.params.mean, X[0], rtol=4 * EPS, atol=0)
    np.testing.assert_allclose(result.params.covariance, 1e-6 * np.eye(d), rtol=1e-12, atol=1e-20)
    np.testing.assert_allclose(result.log_likelihood, -n * d / 2 * math.log(2 * math.pi * 1e-6), rtol=1e-13)


def test_missing_on_a_repeated_row_with_holes_has_the_closed_form_fixed_point():
    # one hole in each column of 5 rows: the fixed point of s = s * 1/5 + reg is s = reg / (1 - 1/5)
    X = np.array([[1.0, 2.0]] * 5)
    X[1, 1] = X[2, 0] = np.nan
    result = missing.fit(X, reg_covar=0.5)
    np.testing.assert_allclose(result.params.mean, [1.0, 2.0], rtol=2 * EPS)
    np.testing.assert_allclose(result.params.covariance, 0.625 * np.eye(2), rtol=1e-8, atol=1e-12)
    np.testing.assert_allclose(missing.impute(X, result.params), np.array([[1.0, 2.0]] * 5), rtol=2 * EPS)


def test_missing_on_a_few_repeated_points_without_holes_is_the_sample_moments_at_once():
    X = repeated_points()
    result = missing.fit(X)
    np.testing.assert_allclose(result.params.mean, X.mean(axis=0), rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(result.params.covariance, np.cov(X.T, bias=True), rtol=1e-13)
    assert result.converged and result.n_iter == 2  # the module's edge case: no NaN at all


def test_missing_e_step_on_repeated_rows_with_holes_matches_the_conditional_normal():
    params = missing.Params(np.array([1.0, -1.0]), np.array([[4.0, 1.2], [1.2, 1.0]]))
    X = np.array([[3.0, np.nan]] * 4 + [[np.nan, 0.5]] * 3 + [[np.nan, np.nan]] * 2)
    expectations, log_likelihood = missing.e_step(X, params)
    filled = expectations.filled
    np.testing.assert_allclose(filled[:4, 1], -1.0 + 1.2 / 4.0 * 2.0, rtol=1e-15)
    np.testing.assert_allclose(filled[4:7, 0], 1.0 + 1.2 * 1.5, rtol=1e-15)
    np.testing.assert_array_equal(filled[7:], [[1.0, -1.0]] * 2)
    conditional = np.diag([3 * (4.0 - 1.2**2) + 2 * 4.0, 4 * (1.0 - 1.2**2 / 4.0) + 2 * 1.0])
    conditional[0, 1] = conditional[1, 0] = 2 * 1.2
    np.testing.assert_allclose(expectations.conditional_covariance, conditional, rtol=1e-14)
    closed_form = 4 * stats.norm.logpdf(3.0, 1.0, 2.0) + 3 * stats.norm.logpdf(0.5, -1.0, 1.0)
    np.testing.assert_allclose(log_likelihood, closed_form, rtol=1e-14)


# --------------------------------------------------------------------------
# A constant column beside varying ones
# --------------------------------------------------------------------------
# The answer must not depend on the constant's value: the same labels, centers, covariances and
# likelihood as with the constant 0 (or as without the column, where the model allows).


def groups_beside_a_constant(value: float):
    """Two groups ``Y``, ``X`` = ``Y`` beside a column of ``value``, and two starting centers for each."""
    Y = two_groups(1, n=30)
    start = Y[[0, 20]]
    return Y, np.c_[Y, np.full(len(Y), value)], start, np.c_[start, [value, value]]


@pytest.mark.parametrize("value", CONSTANTS)
def test_kmeans_is_blind_to_a_constant_column(value):
    # Correct: labels and inertia as without the column.  Hard from about 1e25: one frame scale serves
    # every feature, so the frame's origin must hit the constant exactly (an exact column mean); an
    # origin off by some ulps of the constant would set the scale by that error rather than by the
    # varying columns, and their distances, hence the labels, would be lost.
    Y, X, start, full_start = groups_beside_a_constant(value)
    base = kmeans.fit(Y, 2, init=start)
    result = kmeans.fit(X, 2, init=full_start)
    np.testing.assert_array_equal(kmeans.assign(X, full_start), kmeans.assign(Y, start))
    np.testing.assert_allclose(kmeans.inertia(X, full_start), kmeans.inertia(Y, start), rtol=1e-12)
    np.testing.assert_array_equal(result.labels, base.labels)
    np.testing.assert_allclose(result.centers[:, :2], base.centers, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(result.centers[:, 2], value, rtol=2 * EPS)
    np.testing.assert_allclose(result.inertia, base.inertia, rtol=1e-12)
    np.testing.assert_allclose(kmeans.update(X, base.labels, 2)[:, :2], kmeans.update(Y, base.labels, 2),
                               rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("value", CONSTANTS)
def test_soft_kmeans_is_blind_to_a_constant_column(value):
    # Correct: as without the column, the likelihood lower by n/2 log(pi/beta).  Hard at 1e300: unless
    # the frame's origin is the constant exactly, the frame's scale follows its rounding error (~1e284)
    # and the varying columns' squared distances underflow to 0.
    Y, X, start, full_start = groups_beside_a_constant(value)
    np.testing.assert_allclose(soft.responsibilities(X, full_start, 0.5), soft.responsibilities(Y, start, 0.5),
                               rtol=1e-12, atol=1e-15)
    base = soft.fit(Y, start, 0.5, tol=0, max_iter=10)
    result = soft.fit(X, full_start, 0.5, tol=0, max_iter=10)
    np.testing.assert_allclose(result.params.centers[:, :2], base.params.centers, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(result.params.centers[:, 2], value, rtol=2 * EPS)
    np.testing.assert_allclose(result.log_likelihood, base.log_likelihood - 15 * math.log(math.pi / 0.5),
                               rtol=1e-13)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("value", CONSTANTS[1:])
def test_gmm_is_blind_to_the_value_of_a_constant_column(kind, value):
    # Correct: the fit with the constant c is the fit with the constant 0, moved by c along that axis.
    # Hard for a large c: the data are centred before the E- and M-steps, and the shift must be the
    # exact (weighted) column mean so that the constant column becomes exactly 0.  A shift off by ulps
    # of 3e30 (~1e15) would be cancelled catastrophically when full covariances whiten x @ P - mu @ P,
    # feign a collapse, and inflate the spherical variance; at 1e300 the squares of such a residue overflow.
    Y = two_groups(1, n=30)
    start = gmm_start(Y, kind)
    base = gmm.fit(np.c_[Y, np.zeros(30)], with_constant_column(start, 0.0, kind), covariance_type=kind,
                   tol=0, max_iter=20, reg_covar=1e-3)
    X = np.c_[Y, np.full(30, value)]
    params0 = with_constant_column(start, value, kind)
    result = gmm.fit(X, params0, covariance_type=kind, tol=0, max_iter=20, reg_covar=1e-3)
    np.testing.assert_allclose(result.params.weights, base.params.weights, rtol=1e-12)
    np.testing.assert_allclose(result.params.means[:, :2], base.params.means[:, :2], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(result.params.means[:, 2], value, rtol=4 * EPS)
    np.testing.assert_allclose(result.params.covariances, base.params.covariances, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(result.log_likelihood, base.log_likelihood, rtol=1e-12)
    resp, log_likelihood = gmm.e_step(X, params0)
    base_resp, base_log_likelihood = gmm.e_step(np.c_[Y, np.zeros(30)], with_constant_column(start, 0.0, kind))
    np.testing.assert_allclose(resp, base_resp, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(log_likelihood, base_log_likelihood, rtol=1e-12)


@pytest.mark.parametrize("kind", ["full", "diag"])
def test_gmm_constant_column_gets_exactly_reg_covar(kind):
    Y = two_groups(1, n=30)
    start = with_constant_column(gmm_start(Y, kind), 0.0, kind)
    result = gmm.fit(np.c_[Y, np.zeros(30)], start, covariance_type=kind, tol=0, max_iter=20, reg_covar=1e-3)
    covariances = as_full(result.params)
    np.testing.assert_allclose(covariances[:, 2, 2], 1e-3, rtol=1e-15)
    np.testing.assert_array_equal(covariances[:, 2, :2], 0.0)
    reference = gmm.fit(Y, gmm_start(Y, kind), covariance_type=kind, tol=0, max_iter=20, reg_covar=1e-3)
    np.testing.assert_allclose(covariances[:, :2, :2], as_full(reference.params), rtol=1e-12)
    # the extra feature adds log N(0; 0, reg) per point
    np.testing.assert_allclose(result.log_likelihood,
                               reference.log_likelihood - 15 * math.log(2 * math.pi * 1e-3), rtol=1e-12)


@pytest.mark.parametrize("kind", ["full", "diag"])
@pytest.mark.parametrize("value", [0.0, 0.1, 3e30])
def test_gmm_constant_column_without_reg_covar_is_the_documented_collapse(kind, value):
    # correct: the singular-covariance collapse.  At 3e30 this also needs the k-means++ start to label
    # the points as without the column (see test_kmeans_is_blind_to_a_constant_column); wrong labels
    # would make the start itself degenerate, a different error.
    Y = two_groups(1, n=30)
    X = np.c_[Y, np.full(30, value)]
    with pytest.raises(ComponentCollapse, match=r"component \d's covariance is singular"):
        gmm.fit(X, 2, covariance_type=kind, rng=0, reg_covar=0)
    with pytest.raises(ValueError, match=r"component \d's covariance is singular: the points it is responsible"):
        gmm.m_step(X, np.eye(2)[(np.arange(30) >= 15).astype(int)], covariance_type=kind, reg_covar=0)


@pytest.mark.parametrize("value", CONSTANTS[1:])
def test_missing_is_blind_to_the_value_of_a_constant_column(value):
    # Correct: the fit with the constant c is the fit with the constant 0, moved by c; the constant
    # column's variance is reg_covar.  Hard for a large c: the start and every M-step centre on the exact
    # column mean, so the constant column centres to exactly 0; a mean off by ulps of 3e30 would turn the
    # "scatter" of those ulps into a variance of ~1e30, and at 1e300 their squares overflow.
    rng = np.random.default_rng(4)
    Y = rng.multivariate_normal([0, 0], [[1, 0.8], [0.8, 1]], size=40)
    Y[rng.random(40) < 0.3, 1] = np.nan
    base = missing.fit(np.c_[Y, np.zeros(40)], reg_covar=1e-3, tol=0, max_iter=30)
    result = missing.fit(np.c_[Y, np.full(40, value)], reg_covar=1e-3, tol=0, max_iter=30)
    np.testing.assert_allclose(result.params.mean[:2], base.params.mean[:2], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(result.params.mean[2], value, rtol=4 * EPS)
    np.testing.assert_allclose(result.params.covariance, base.params.covariance, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(result.log_likelihood, base.log_likelihood, rtol=1e-12)
    np.testing.assert_allclose(base.params.covariance[2], [0.0, 0.0, 1e-3], rtol=1e-15, atol=1e-20)


@pytest.mark.parametrize("value", CONSTANTS)
def test_missing_constant_column_without_reg_covar_is_refused(value):
    # Correct: the documented ValueError, from the default start and from a given one alike (the module's
    # edge cases: "a column with one distinct observed value ... fit raises a ValueError saying so").
    # From a given start the singularity shows only if the M-step's mean is the constant exactly: any
    # rounding of it would leave a tiny spurious variance (~1e-33 at 0.1), a huge one (~1e30 at 3e30),
    # or an overflowing covariance (at 1e300), instead of a singular covariance.
    Y = np.random.default_rng(4).multivariate_normal([0, 0], [[1, 0.8], [0.8, 1]], size=40)
    X = np.c_[Y, np.full(40, value)]
    with pytest.raises(ValueError, match=r"X\[:, 2\] has a single distinct observed value"):
        missing.fit(X)
    params0 = missing.Params(np.r_[Y.mean(axis=0), value], np.diag([1.0, 1.0, 1.0]))
    with pytest.raises(ValueError, match=r"at iteration 1, the covariance estimate is singular: the data do not "
                                         r"determine a 3 x 3 covariance"):
        missing.fit(X, params0=params0)


@pytest.mark.parametrize("value", CONSTANTS)
def test_missing_impute_and_e_step_are_blind_to_a_constant_column(value):
    rng = np.random.default_rng(4)
    Y = rng.multivariate_normal([0, 0], [[1, 0.8], [0.8, 1]], size=40)
    Y[rng.random(40) < 0.3, 1] = np.nan
    params = missing.Params(np.array([0.1, -0.2]), np.array([[1.0, 0.7], [0.7, 1.5]]))
    extended = missing.Params(np.r_[params.mean, value], np.diag([0.0, 0.0, 1.0]))
    extended.covariance[:2, :2] = params.covariance
    X = np.c_[Y, np.full(40, value)]
    np.testing.assert_allclose(missing.impute(X, extended)[:, :2], missing.impute(Y, params), rtol=1e-14)
    # the constant sits on its mean: each row adds log N(0; 0, 1)
    np.testing.assert_allclose(missing.log_likelihood(X, extended),
                               missing.log_likelihood(Y, params) + 40 * stats.norm.logpdf(0.0), rtol=1e-13)


# --------------------------------------------------------------------------
# One point per cluster (n = k), with and without duplicates
# --------------------------------------------------------------------------

N_EQUALS_K = {
    "distinct": np.array([[0.0, 0.0], [1.0, 3.0], [-2.0, 1.0], [5.0, -4.0]]),
    "duplicates": np.array([[0.0, 0.0], [0.0, 0.0], [1.0, 3.0], [1.0, 3.0]]),
}


@pytest.mark.parametrize("name", N_EQUALS_K)
def test_kmeans_with_one_point_per_cluster_has_zero_inertia(name):
    X = N_EQUALS_K[name]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = kmeans.fit(X, len(X), rng=0)
    # duplicated rows leave fewer distinct clusters than k, and k-means says so
    assert [str(w.message).split(":")[0] for w in caught] == (
        ["k-means found 2 distinct clusters, fewer than k = 4"] if name == "duplicates" else [])
    assert result.inertia == 0.0
    np.testing.assert_array_equal(result.centers[result.labels], X)
    np.testing.assert_array_equal(kmeans.update(X, np.arange(len(X)), len(X)), X)
    assert kmeans.inertia(X, X) == 0.0
    np.testing.assert_array_equal(X[kmeans.assign(X, X)], X)


@pytest.mark.parametrize("name", N_EQUALS_K)
def test_soft_kmeans_with_one_point_per_center_keeps_the_centers_on_the_points(name):
    X = N_EQUALS_K[name]
    n, d = X.shape
    result = soft.fit(X, X, 1e3, tol=0, max_iter=5)
    np.testing.assert_array_equal(result.params.centers, X)
    # each point has its own center (two if duplicated), the others exp(-1e3 * 10) away
    multiplicity = (X[:, None, :] == X[None, :, :]).all(axis=2).sum(axis=1)
    closed_form = float(np.sum(np.log(multiplicity / n) - d / 2 * math.log(math.pi / 1e3)))
    np.testing.assert_allclose(result.log_likelihood, closed_form, rtol=1e-14)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", N_EQUALS_K)
def test_gmm_with_one_point_per_component_from_given_params(kind, name):
    X = N_EQUALS_K[name]
    n, d = X.shape
    params0 = Params(np.full(n, 1 / n), X.copy(), as_kind(np.broadcast_to(0.01 * np.eye(d), (n, d, d)).copy(), kind),
                     kind)
    result = gmm.fit(X, params0, covariance_type=kind, tol=0, max_iter=5, reg_covar=1e-6)
    np.testing.assert_allclose(result.params.weights, 1 / n, rtol=1e-14)
    np.testing.assert_allclose(result.params.means, X, rtol=0, atol=1e-300)
    np.testing.assert_allclose(as_full(result.params), np.broadcast_to(1e-6 * np.eye(d), (n, d, d)),
                               rtol=1e-12, atol=1e-20)
    multiplicity = (X[:, None, :] == X[None, :, :]).all(axis=2).sum(axis=1)
    closed_form = float(np.sum(np.log(multiplicity / n) - d / 2 * math.log(2 * math.pi * 1e-6)))
    np.testing.assert_allclose(result.log_likelihood, closed_form, rtol=1e-14)


@pytest.mark.parametrize("kind", KINDS)
def test_gmm_with_one_point_per_component_from_k(kind):
    X = N_EQUALS_K["distinct"]
    result = gmm.fit(X, len(X), covariance_type=kind, rng=0)
    assert sorted(map(tuple, result.params.means)) == sorted(map(tuple, X))
    np.testing.assert_allclose(result.params.weights, 0.25, rtol=1e-14)
    with pytest.warns(UserWarning, match=empty_components_warning("components 2, 3", 4, kind)):
        duplicates = gmm.fit(N_EQUALS_K["duplicates"], 4, covariance_type=kind, rng=0)
    np.testing.assert_allclose(np.sort(duplicates.params.weights), [0, 0, 0.5, 0.5], rtol=1e-14)


@pytest.mark.parametrize("tosses", [10**6, 10**15])
def test_coins_with_one_row_per_coin_take_each_rows_fraction(tosses):
    heads = [tosses // 10, 9 * (tosses // 10)]
    result = coins.fit(heads, tosses, [0.2, 0.7], tol=0, max_iter=3)
    np.testing.assert_allclose(result.params.theta, [heads[0] / tosses, heads[1] / tosses], rtol=2 * EPS)
    # each row under its own coin, the other impossibly unlikely: log(1/2 P(row | own coin)) per row
    own = exact_row_log_likelihoods(heads, tosses, result.params.theta).diagonal()
    np.testing.assert_allclose(result.log_likelihood, float(np.sum(own)) + 2 * math.log(0.5), rtol=1e-14)


@pytest.mark.parametrize("tosses", [10**6, 10**15])
def test_coins_with_two_identical_rows_for_two_coins_pool_them(tosses):
    heads = [tosses // 3] * 2
    result = coins.fit(heads, tosses, [0.2, 0.7], tol=0, max_iter=2)
    np.testing.assert_allclose(result.params.theta, heads[0] / tosses, rtol=2 * EPS)


# --------------------------------------------------------------------------
# Magnitudes: scaled, offset, and at the documented limits
# --------------------------------------------------------------------------


@pytest.mark.parametrize("c", [1e-150, 1e150])
def test_kmeans_scaled_data_give_scaled_centers_and_inertia(c):
    Y = two_groups(2)
    start = Y[[0, 30]]
    base = kmeans.fit(Y, 2, init=start)
    result = kmeans.fit(c * Y, 2, init=c * start)
    np.testing.assert_array_equal(result.labels, base.labels)
    np.testing.assert_allclose(result.centers / c, base.centers, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(result.inertia / c / c, base.inertia, rtol=1e-13)
    np.testing.assert_allclose(kmeans.inertia(c * Y, c * start) / c / c, kmeans.inertia(Y, start), rtol=1e-13)
    np.testing.assert_allclose(kmeans.update(c * Y, base.labels, 2) / c, kmeans.update(Y, base.labels, 2),
                               rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("offset, spread", [(1e150, 1e140), (1e150, 1e145), (-1e300, 1e290), (1e10, 1.0)])
def test_kmeans_tight_groups_far_from_the_origin(offset, spread):
    Y = two_groups(2)
    X = offset + spread * Y
    exact = (X - offset) / spread  # the data as stored: the subtraction is exact (Sterbenz)
    base = kmeans.fit(exact, 2, init=exact[[0, 30]])
    labels = kmeans.assign(X, X[[0, 30]])
    np.testing.assert_array_equal(labels, kmeans.assign(exact, exact[[0, 30]]))
    ulps = np.spacing(abs(offset)) / spread
    if spread > 1e150:  # the inertia would be ~1e581: the documented refusal
        with pytest.raises(ValueError, match=r"X spans about .*: its squared distances overflow float64; "
                                             r"divide X by a constant such as X.std\(\)"):
            kmeans.fit(X, 2, init=X[[0, 30]])
        np.testing.assert_allclose((kmeans.update(X, base.labels, 2) - offset) / spread, base.centers,
                                   rtol=0, atol=4 * ulps)
        return
    result = kmeans.fit(X, 2, init=X[[0, 30]])
    np.testing.assert_array_equal(result.labels, base.labels)
    np.testing.assert_allclose((result.centers - offset) / spread, base.centers, rtol=0, atol=4 * ulps)
    np.testing.assert_allclose(result.inertia / spread**2, base.inertia, rtol=1e-9)


@pytest.mark.parametrize("c", [1e160, 1e300])
def test_kmeans_beyond_the_inertias_range_still_labels_and_then_refuses(c):
    Y = two_groups(2)
    start = Y[[0, 30]]
    base = kmeans.fit(Y, 2, init=start)
    np.testing.assert_array_equal(kmeans.assign(c * Y, c * start), kmeans.assign(Y, start))
    np.testing.assert_allclose(kmeans.update(c * Y, base.labels, 2) / c, base.centers, rtol=1e-13, atol=1e-15)
    message = r"X spans about .*: its squared distances overflow float64; divide X by a constant such as X.std\(\)"
    with pytest.raises(ValueError, match=message):
        kmeans.fit(c * Y, 2, init=c * start)
    with pytest.raises(ValueError, match="squared distances overflow float64"):
        kmeans.inertia(c * Y, c * start)


@pytest.mark.parametrize("c", [1e-160, 1e-300])
def test_kmeans_below_the_inertias_range_labels_right_and_rounds_the_inertia(c):
    Y = two_groups(2)
    start = Y[[0, 30]]
    base = kmeans.fit(Y, 2, init=start)
    result = kmeans.fit(c * Y, 2, init=c * start)
    np.testing.assert_array_equal(result.labels, base.labels)
    np.testing.assert_allclose(result.centers / c, base.centers, rtol=1e-13, atol=1e-15)
    # c^2 * inertia is subnormal (1e-160) or below the smallest float (1e-300): the correctly rounded value
    expected = base.inertia * c * c
    assert abs(result.inertia - expected) <= 1e-3 * expected + 2 * 5e-324


@pytest.mark.parametrize("c", [1e-150, 1e150])
def test_soft_kmeans_scaled_data_with_scaled_beta_give_the_same_answer(c):
    Y = two_groups(2)
    n, d = Y.shape
    start = Y[[0, 30]]
    base = soft.fit(Y, start, 0.5, tol=0, max_iter=20)
    result = soft.fit(c * Y, c * start, 0.5 / c / c, tol=0, max_iter=20)
    np.testing.assert_allclose(result.params.centers / c, base.params.centers, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(result.log_likelihood, base.log_likelihood - n * d * math.log(c), rtol=1e-13)
    np.testing.assert_allclose(soft.responsibilities(c * Y, c * start, 0.5 / c / c),
                               soft.responsibilities(Y, start, 0.5), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(soft.log_likelihood(c * Y, c * start, 0.5 / c / c),
                               soft.log_likelihood(Y, start, 0.5) - n * d * math.log(c), rtol=1e-13)


def test_soft_kmeans_far_beyond_float64_squares_with_an_ordinary_beta():
    # beta * |x - mu|^2 ~ 1e320: the responsibilities are k-means' hard assignment, and the
    # log-likelihood is beyond float64, which is the documented ValueError
    Y = two_groups(2)
    start = Y[[0, 30]]
    c = 1e160
    resp = soft.responsibilities(c * Y, c * start, 0.5)
    np.testing.assert_array_equal(resp, np.eye(2)[kmeans.assign(Y, start)])
    message = r"the log-likelihood overflows float64 \(beta = 0.5 times the squared distances is too large\)"
    with pytest.raises(ValueError, match=message):
        soft.log_likelihood(c * Y, c * start, 0.5)
    with pytest.raises(ValueError, match=message):
        soft.fit(c * Y, c * start, 0.5, tol=0, max_iter=3)


def test_soft_kmeans_on_data_far_below_float64_squares_is_uniform():
    # beta * |x - mu|^2 ~ 1e-320: every center gets 1/k, and the likelihood is that of k equal clouds on
    # top of each other, -d/2 log(pi / beta) per point
    Y = two_groups(2)
    n, d = Y.shape
    c = 1e-160
    start = Y[[0, 30]]
    np.testing.assert_allclose(soft.responsibilities(c * Y, c * start, 0.5), 0.5, rtol=1e-15)
    result = soft.fit(c * Y, c * start, 0.5, tol=0, max_iter=3)
    np.testing.assert_allclose(result.log_likelihood, -n * d / 2 * math.log(math.pi / 0.5), rtol=1e-15)
    np.testing.assert_allclose(result.params.centers / c, np.broadcast_to(Y.mean(axis=0), (2, d)), rtol=1e-12)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("c", [1e-150, 1e150])
def test_gmm_fit_at_the_spread_limits_is_scale_equivariant(kind, c):
    # X spreads over exactly c along each feature: right at check_spread's limits, and accepted
    Y = unit_box(two_groups(2))
    n, d = Y.shape
    params0 = gmm_start(Y, kind)
    base = gmm.fit(Y, params0, covariance_type=kind, tol=0, max_iter=10, reg_covar=1e-6)
    scaled0 = params0._replace(means=c * params0.means, covariances=c * c * params0.covariances)
    result = gmm.fit(c * Y, scaled0, covariance_type=kind, tol=0, max_iter=10, reg_covar=1e-6 * c * c)
    np.testing.assert_allclose(result.params.weights, base.params.weights, rtol=1e-12)
    np.testing.assert_allclose(result.params.means / c, base.params.means, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(result.params.covariances / c / c, base.params.covariances, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(result.log_likelihood, base.log_likelihood - n * d * math.log(c), rtol=1e-13)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("c", [1e-150, 1e150])
def test_gmm_steps_at_the_spread_limits_are_scale_equivariant(kind, c):
    Y = unit_box(two_groups(2))
    n, d = Y.shape
    params = gmm_start(Y, kind)
    scaled = params._replace(means=c * params.means, covariances=c * c * params.covariances)
    resp, log_likelihood = gmm.e_step(Y, params)
    scaled_resp, scaled_log_likelihood = gmm.e_step(c * Y, scaled)
    np.testing.assert_allclose(scaled_resp, resp, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(scaled_log_likelihood, log_likelihood - n * d * math.log(c), rtol=1e-13)
    np.testing.assert_allclose(gmm.log_likelihood(c * Y, scaled), log_likelihood - n * d * math.log(c), rtol=1e-13)
    step = gmm.m_step(Y, resp, covariance_type=kind, reg_covar=0)
    scaled_step = gmm.m_step(c * Y, resp, covariance_type=kind, reg_covar=0)
    np.testing.assert_allclose(scaled_step.weights, step.weights, rtol=1e-14)
    np.testing.assert_allclose(scaled_step.means / c, step.means, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(scaled_step.covariances / c / c, step.covariances, rtol=1e-13, atol=1e-16)


@pytest.mark.parametrize("kind", KINDS)
def test_gmm_just_past_the_spread_limits_is_the_documented_refusal(kind):
    Y = unit_box(two_groups(2))
    params = gmm_start(Y, kind)
    for c, message in [(np.nextafter(1e150, np.inf), TOO_WIDE), (np.nextafter(1e-150, 0), TOO_NARROW)]:
        scaled = params._replace(means=c * params.means, covariances=c * c * params.covariances)
        resp = gmm.e_step(Y, params)[0]
        for call in (lambda: gmm.fit(c * Y, 2, covariance_type=kind, rng=0),
                     lambda: gmm.fit(c * Y, scaled, covariance_type=kind, reg_covar=0),
                     lambda: gmm.e_step(c * Y, scaled),
                     lambda: gmm.log_likelihood(c * Y, scaled),
                     lambda: gmm.m_step(c * Y, resp, covariance_type=kind)):
            with pytest.raises(ValueError, match=message):
                call()


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("offset, spread", [(1e150, 1e140), (-1e150, 1e145), (1e160, 1e149)])
def test_gmm_tight_groups_far_from_the_origin(kind, offset, spread):
    Y = two_groups(2)
    X = offset + spread * Y
    exact = (X - offset) / spread  # the data as stored
    n, d = X.shape
    params0 = gmm_start(exact, kind)
    moved0 = params0._replace(means=offset + spread * params0.means, covariances=spread**2 * params0.covariances)
    # the start's means are rounded to the grid of the offset: compare with the base fit from that start
    base = gmm.fit(exact, params0._replace(means=(moved0.means - offset) / spread),
                   covariance_type=kind, tol=0, max_iter=10, reg_covar=1e-6)
    result = gmm.fit(X, moved0, covariance_type=kind, tol=0, max_iter=10, reg_covar=1e-6 * spread**2)
    # the means are stored to the grid of the offset, and each iteration starts from them: the fit may
    # differ from the base fit by what that rounding (ulps of the spread) does over 10 iterations
    ulps = np.spacing(abs(offset)) / spread
    tolerance = 1e-9 + 100 * ulps
    np.testing.assert_allclose(result.params.weights, base.params.weights, rtol=tolerance)
    np.testing.assert_allclose((result.params.means - offset) / spread, base.params.means, rtol=0, atol=tolerance)
    np.testing.assert_allclose(result.params.covariances / spread**2, base.params.covariances, rtol=tolerance)
    # and each point's log-density moves by at most about an ulp with the means: n ulps in all
    np.testing.assert_allclose(result.log_likelihood, base.log_likelihood - n * d * math.log(spread), rtol=1e-12,
                               atol=n * ulps)


@pytest.mark.parametrize("c", [1e-150, 1e150])
def test_missing_at_the_spread_limits_is_scale_equivariant(c):
    rng = np.random.default_rng(5)
    Y = rng.multivariate_normal([0, 0], [[1, 0.8], [0.8, 1]], size=40)
    Y[::3, 1] = np.nan
    Y[1::7, 0] = np.nan
    Y = unit_box(Y)
    observed = int((~np.isnan(Y)).sum())
    base = missing.fit(Y, tol=0, max_iter=10)
    result = missing.fit(c * Y, tol=0, max_iter=10)
    np.testing.assert_allclose(result.params.mean / c, base.params.mean, rtol=1e-13)
    np.testing.assert_allclose(result.params.covariance / c / c, base.params.covariance, rtol=1e-12)
    np.testing.assert_allclose(result.log_likelihood, base.log_likelihood - observed * math.log(c), rtol=1e-13)
    scaled = missing.Params(c * base.params.mean, c * c * base.params.covariance)
    np.testing.assert_allclose(missing.impute(c * Y, scaled) / c, missing.impute(Y, base.params), rtol=1e-13)
    expectations, log_likelihood = missing.e_step(c * Y, scaled)
    base_expectations, base_log_likelihood = missing.e_step(Y, base.params)
    np.testing.assert_allclose(expectations.conditional_covariance / c / c,
                               base_expectations.conditional_covariance, rtol=1e-12)
    np.testing.assert_allclose(log_likelihood, base_log_likelihood - observed * math.log(c), rtol=1e-13)


def test_missing_just_past_the_spread_limits_is_the_documented_refusal():
    Y = unit_box(np.random.default_rng(5).normal(size=(20, 2)))
    Y[::4, 1] = np.nan
    Y = unit_box(Y)
    params = missing.Params(np.zeros(2), np.eye(2))
    for c, message in [(np.nextafter(1e150, np.inf), TOO_WIDE), (np.nextafter(1e-150, 0), TOO_NARROW)]:
        for call in (lambda: missing.fit(c * Y), lambda: missing.e_step(c * Y, params),
                     lambda: missing.impute(c * Y, params), lambda: missing.log_likelihood(c * Y, params)):
            with pytest.raises(ValueError, match=message):
                call()


@pytest.mark.parametrize("offset, spread", [(1e150, 1e140), (-1e150, 1e145)])
def test_missing_tight_data_far_from_the_origin(offset, spread):
    rng = np.random.default_rng(5)
    Y = rng.multivariate_normal([0, 0], [[1, 0.8], [0.8, 1]], size=40)
    Y[::3, 1] = np.nan
    X = offset + spread * Y
    exact = (X - offset) / spread
    observed = int((~np.isnan(Y)).sum())
    base = missing.fit(exact, tol=0, max_iter=10)
    result = missing.fit(X, tol=0, max_iter=10)
    ulps = np.spacing(abs(offset)) / spread
    np.testing.assert_allclose((result.params.mean - offset) / spread, base.params.mean, rtol=0, atol=4 * ulps)
    np.testing.assert_allclose(result.params.covariance / spread**2, base.params.covariance, rtol=0,
                               atol=20 * ulps)
    np.testing.assert_allclose(result.log_likelihood, base.log_likelihood - observed * math.log(spread),
                               rtol=1e-10)


# --------------------------------------------------------------------------
# Extreme sample weights (gmm)
# --------------------------------------------------------------------------

SAMPLE_WEIGHTS = {
    "one 1e12 times the rest": np.r_[1e12, np.ones(29)],
    "1e-300 .. 1e300": np.logspace(-300, 300, 30),
    "all 1e-300": np.full(30, 1e-300),
    "all 1e300": np.full(30, 1e300),
    "all 1e306": np.full(30, 1e306),  # the log-likelihood, ~ -1e308, still fits in float64
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", SAMPLE_WEIGHTS)
def test_gmm_one_component_is_the_weighted_mean_and_covariance(kind, name):
    # Correct: the closed form.  Hard for weights of 1e306: the weighted scatter, summed over rows (and,
    # for spherical covariances, features), would overflow float64, so the weights are first divided by
    # a power of two near their largest, which is exact for every weight not negligible beside it.
    X = two_groups(3, n=30)
    sample_weight = SAMPLE_WEIGHTS[name]
    relative = sample_weight / sample_weight.max()
    mean = relative @ X / relative.sum()
    covariance = (relative[:, None] * (X - mean)).T @ (X - mean) / relative.sum() + 1e-6 * np.eye(2)
    expected = as_kind(covariance[None], kind)
    result = gmm.fit(X, 1, covariance_type=kind, sample_weight=sample_weight, rng=0, tol=0, max_iter=2)
    np.testing.assert_allclose(result.params.means[0], mean, rtol=1e-12)
    np.testing.assert_allclose(result.params.covariances, expected, rtol=1e-9)
    step = gmm.m_step(X, np.ones((30, 1)), covariance_type=kind, sample_weight=sample_weight)
    np.testing.assert_allclose(step.covariances, expected, rtol=1e-9)
    full = as_full(result.params)[0]
    rows = stats.multivariate_normal.logpdf(X, result.params.means[0], full)
    np.testing.assert_allclose(result.log_likelihood, sample_weight.max() * float(relative @ rows), rtol=1e-10)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", SAMPLE_WEIGHTS)
def test_gmm_weighted_fit_matches_a_plain_weighted_em(kind, name):
    X = two_groups(3, n=30)
    sample_weight = SAMPLE_WEIGHTS[name]
    params0 = gmm_start(X, kind)
    expected, expected_log_likelihood = reference_em(X, params0, kind, sample_weight=sample_weight,
                                                     reg_covar=1e-6, n_iter=5)
    result = gmm.fit(X, params0, covariance_type=kind, sample_weight=sample_weight, tol=0, max_iter=5)
    np.testing.assert_allclose(result.params.weights, expected.weights, rtol=1e-8, atol=1e-300)
    np.testing.assert_allclose(result.params.means, expected.means, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(result.params.covariances, expected.covariances, rtol=1e-7, atol=1e-12)
    np.testing.assert_allclose(result.log_likelihood, expected_log_likelihood, rtol=1e-9)
    resp = exact_responsibilities(gmm_log_joint(X, params0))
    step = gmm.m_step(X, resp, covariance_type=kind, sample_weight=sample_weight)
    one_step, _ = reference_em(X, params0, kind, sample_weight=sample_weight, reg_covar=1e-6, n_iter=1)
    np.testing.assert_allclose(step.weights, one_step.weights, rtol=1e-10, atol=1e-300)
    np.testing.assert_allclose(step.covariances, one_step.covariances, rtol=1e-8, atol=1e-12)


@pytest.mark.parametrize("kind", KINDS)
def test_gmm_integer_weights_are_repeated_rows(kind):
    X = two_groups(3, n=30)
    counts = np.arange(30) % 4 + 1
    params0 = gmm_start(X, kind)
    weighted = gmm.fit(X, params0, covariance_type=kind, sample_weight=counts.astype(float), tol=0, max_iter=5)
    repeated = gmm.fit(np.repeat(X, counts, axis=0), params0, covariance_type=kind, tol=0, max_iter=5)
    for a, b in zip(weighted.params, repeated.params):
        np.testing.assert_allclose(a, b, rtol=1e-11, atol=1e-14)
    np.testing.assert_allclose(weighted.log_likelihood, repeated.log_likelihood, rtol=1e-12)


@pytest.mark.parametrize("kind", KINDS)
def test_gmm_a_dominant_weight_pulls_one_component_onto_its_row(kind):
    # the limit of weight -> infinity on row 0, for one component: mean -> x_0, covariance -> reg_covar
    X = two_groups(3, n=30)
    sample_weight = np.r_[1e12, np.ones(29)]
    result = gmm.fit(X, 1, covariance_type=kind, sample_weight=sample_weight, rng=0, tol=0, max_iter=2,
                     reg_covar=1e-6)
    offsets = X - X[0]
    np.testing.assert_allclose(result.params.means[0], X[0], rtol=0, atol=1e-12 * np.abs(offsets).sum())
    np.testing.assert_allclose(as_full(result.params)[0], 1e-6 * np.eye(2), rtol=0,
                               atol=1e-12 * float(np.sum(offsets**2)))


# --------------------------------------------------------------------------
# Coins: long rows, certain rows, coins near 0 and 1
# --------------------------------------------------------------------------

THETAS = [[1e-300, 0.5], [0.5, 1 - 2**-53], [1e-300, 1 - 2**-53], [0.3, 0.7], [0.0, 1.0], [0.0, 0.5]]
TOSSES = [10**6, 10**15]


def long_rows(tosses: int) -> list[int]:
    return [0, tosses, 1, tosses - 1, tosses // 2, tosses // 3]


@pytest.mark.parametrize("tosses, binomial_coefficient", [(10**6, False), (10**15, False), (10**6, True)])
@pytest.mark.parametrize("theta", THETAS)
def test_coins_row_log_likelihoods_match_50_digit_arithmetic(tosses, theta, binomial_coefficient):
    # With binomial coefficients a row near the mode is the small difference of two huge logs (log comb ~
    # tosses log 2): log P(n/2 heads | 1/2) = -17.495 at 1e15 tosses.  The value is well conditioned in
    # theta there, so a float64 answer to ~1e-12 exists (Loader's saddle-point form, as in R's dbinom).
    # emlib adds the two logs and documents the loss, about n * 1e-16 absolute: -15.25 at 1e15 tosses,
    # ~3e-11 relative at 1e6.  So with binomial coefficients only 1e6 tosses are held to the exact value.
    heads = long_rows(tosses)
    expected = exact_row_log_likelihoods(heads, tosses, theta, binomial_coefficient)
    got = coins.row_log_likelihoods(heads, tosses, theta, binomial_coefficient=binomial_coefficient)
    np.testing.assert_allclose(got, expected, rtol=1e-14 if not binomial_coefficient else 1e-9, atol=1e-14)


@pytest.mark.parametrize("tosses", TOSSES)
@pytest.mark.parametrize("theta", THETAS)
@pytest.mark.parametrize("weights", [None, [0.1, 0.9]])
def test_coins_log_likelihood_matches_log_sum_exp_of_exact_rows(tosses, theta, weights):
    heads = long_rows(tosses)
    log_weights = np.log([0.5, 0.5] if weights is None else weights)
    expected = float(special.logsumexp(exact_row_log_likelihoods(heads, tosses, theta) + log_weights, axis=1).sum())
    got = coins.log_likelihood(heads, tosses, theta, weights)
    if expected == -np.inf:  # documented: -inf if some row is impossible under every coin
        assert got == -np.inf
    else:
        np.testing.assert_allclose(got, expected, rtol=1e-14)


@pytest.mark.parametrize("tosses", TOSSES)
def test_coins_log_likelihood_with_binomial_coefficients_matches_scipy_where_scipy_is_exact(tosses):
    # scipy's binom.logpmf differences gammaln values of size ~1e16 at 1e15 tosses, so compare there only
    # with 50-digit arithmetic; at 1e6 tosses it agrees to ~1e-10
    heads = np.array(long_rows(tosses))
    theta = [0.3, 0.7]
    rows = exact_row_log_likelihoods(heads, tosses, theta, binomial_coefficient=True)
    got = coins.log_likelihood(heads, tosses, theta, binomial_coefficient=True)
    np.testing.assert_allclose(got, float(special.logsumexp(rows + np.log(0.5), axis=1).sum()), rtol=1e-14)
    if tosses == 10**6:
        scipy_rows = np.column_stack([stats.binom.logpmf(heads, tosses, p) for p in theta])
        np.testing.assert_allclose(rows, scipy_rows, rtol=1e-9)


@pytest.mark.parametrize("theta", [t for t in THETAS if 0.0 not in t])
def test_coins_e_step_with_a_million_tosses_matches_exact_responsibilities(theta):
    tosses = 10**6
    heads = long_rows(tosses)
    expected = exact_responsibilities(exact_row_log_likelihoods(heads, tosses, theta) + np.log([0.2, 0.8]))
    resp = coins.e_step(heads, tosses, theta, [0.2, 0.8])
    # the log-odds of a row are known to ~tosses * eps: responsibilities to ~1e-10
    np.testing.assert_allclose(resp, expected, rtol=0, atol=1e-9)
    assert not np.isnan(resp).any()


def test_coins_e_step_with_1e15_tosses_is_symmetric_and_certain_where_it_should_be():
    tosses = 10**15
    heads = [0, tosses, tosses // 2, 1, tosses - 1, tosses // 3, tosses - tosses // 3]
    resp = coins.e_step(heads, tosses, [0.25, 0.75])  # 1 - 0.25 == 0.75 exactly
    np.testing.assert_array_equal(resp[2], [0.5, 0.5])  # half heads: the two coins are mirror images
    np.testing.assert_array_equal(resp[[0, 3, 5]], [[1.0, 0.0]] * 3)
    np.testing.assert_array_equal(resp[[1, 4, 6]], [[0.0, 1.0]] * 3)


@pytest.mark.parametrize("tosses", TOSSES)
def test_coins_rows_impossible_under_every_coin_are_the_documented_error(tosses):
    message = (f"row 2 (1 heads in {tosses:g} tosses) has probability 0 under every coin "
               "(theta = [0.0, 1.0], weights = [0.5, 0.5])")
    with pytest.raises(ValueError, match=re.escape(message)):
        coins.e_step(long_rows(tosses), tosses, [0.0, 1.0])
    assert coins.log_likelihood(long_rows(tosses), tosses, [0.0, 1.0]) == -np.inf
    # the certain rows alone are possible: each under its own coin, with probability 1/2
    resp = coins.e_step([0, tosses], tosses, [0.0, 1.0])
    np.testing.assert_array_equal(resp, [[1.0, 0.0], [0.0, 1.0]])
    assert coins.log_likelihood([0, tosses], tosses, [0.0, 1.0]) == 2 * math.log(0.5)


@pytest.mark.parametrize("tosses", TOSSES)
def test_coins_fit_from_coins_next_to_0_and_1_reaches_them(tosses):
    result = coins.fit([0, tosses], tosses, [1e-300, 1 - 2**-53], tol=0, max_iter=3)
    np.testing.assert_array_equal(result.params.theta, [0.0, 1.0])
    assert result.log_likelihood == 2 * math.log(0.5)
    # the start: the tails-only row is certain under coin A; the heads-only row has P = (1 - 2**-53)**tosses
    np.testing.assert_allclose(result.history[0].log_likelihood,
                               2 * math.log(0.5) + tosses * math.log1p(-(2**-53)), rtol=1e-14)
    assert not np.isnan(result.log_likelihoods).any()


@pytest.mark.parametrize("tosses", TOSSES)
@pytest.mark.parametrize("estimate_weights", [False, True])
def test_coins_fit_on_long_rows_reaches_the_pooled_fraction_of_each_group(tosses, estimate_weights):
    heads = [0, 1, tosses // 10, tosses, tosses - 1, tosses - tosses // 10]
    result = coins.fit(heads, tosses, [0.2, 0.7], tol=0, max_iter=5, estimate_weights=estimate_weights)
    expected = [sum(heads[:3]) / (3 * tosses), sum(heads[3:]) / (3 * tosses)]
    np.testing.assert_allclose(result.params.theta, expected, rtol=2 * EPS)
    np.testing.assert_allclose(result.params.weights, [0.5, 0.5], rtol=4 * EPS)
    rows = exact_row_log_likelihoods(heads, tosses, result.params.theta)
    np.testing.assert_allclose(result.log_likelihood, float(special.logsumexp(rows + np.log(0.5), axis=1).sum()),
                               rtol=1e-14)


# --------------------------------------------------------------------------
# Tiny problems, and one feature with a million rows
# --------------------------------------------------------------------------


@pytest.mark.parametrize("x", [0.0, 2.5, -1e300, 1e-300, 5e-324])
def test_one_point_in_one_dimension(x):
    X = np.array([[x]])
    result = kmeans.fit(X, 1, rng=0)
    assert result.centers.tolist() == [[x]] and result.labels.tolist() == [0] and result.inertia == 0.0
    assert kmeans.assign(X, X).tolist() == [0] and kmeans.inertia(X, X) == 0.0
    assert kmeans.update(X, [0], 1).tolist() == [[x]]
    fitted = soft.fit(X, 1, 2.0, rng=0)
    assert fitted.params.centers.tolist() == [[x]]
    np.testing.assert_allclose(fitted.log_likelihood, -0.5 * math.log(math.pi / 2.0), rtol=1e-15)
    filled = missing.fit(X, reg_covar=0.5).params
    assert filled.mean.tolist() == [x] and filled.covariance.tolist() == [[0.5]]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("x", [0.0, 2.5, -1e300, 1e-300, 5e-324])
def test_gmm_one_point_in_one_dimension(kind, x):
    X = np.array([[x]])
    result = gmm.fit(X, 1, covariance_type=kind, rng=0)
    assert result.params.weights.tolist() == [1.0] and result.params.means.tolist() == [[x]]
    np.testing.assert_allclose(result.params.covariances.ravel(), [1e-6], rtol=1e-15)
    np.testing.assert_allclose(result.log_likelihood, -0.5 * math.log(2 * math.pi * 1e-6), rtol=1e-14)
    resp, log_likelihood = gmm.e_step(X, result.params)
    assert resp.tolist() == [[1.0]]
    np.testing.assert_allclose(log_likelihood, result.log_likelihood, rtol=1e-14)
    np.testing.assert_allclose(gmm.log_likelihood(X, result.params), result.log_likelihood, rtol=1e-14)
    step = gmm.m_step(X, [[1.0]], covariance_type=kind, reg_covar=0.25)
    assert step.means.tolist() == [[x]] and step.covariances.ravel().tolist() == [0.25]
    with pytest.raises(ValueError, match=r"(component 0's|the shared) covariance is singular: the points it is "
                                         r"responsible for have no spread in some direction \(for example fewer "
                                         r"than 2 distinct"):
        gmm.m_step(X, [[1.0]], covariance_type=kind, reg_covar=0)
    with pytest.raises(ComponentCollapse, match=r"(component 0's|the shared) covariance is singular"):
        gmm.fit(X, 1, covariance_type=kind, rng=0, reg_covar=0)


@pytest.fixture(scope="module")
def million_rows():
    rng = np.random.default_rng(0)
    n = 10**6
    far = rng.random(n) < 0.3
    X = np.where(far, rng.normal(100.0, 1.0, n), rng.normal(0.0, 2.0, n))[:, None]
    return X, far


def test_kmeans_on_a_million_rows_of_one_feature(million_rows):
    X, far = million_rows
    result = kmeans.fit(X, 2, init=[[0.0], [100.0]])
    np.testing.assert_array_equal(result.labels, far.astype(int))
    np.testing.assert_allclose(result.centers.ravel(), [X[~far].mean(), X[far].mean()], rtol=1e-12, atol=1e-12)
    expected = float(((X[~far] - X[~far].mean()) ** 2).sum() + ((X[far] - X[far].mean()) ** 2).sum())
    np.testing.assert_allclose(result.inertia, expected, rtol=1e-10)


def test_soft_kmeans_on_a_million_rows_of_one_feature(million_rows):
    X, far = million_rows
    result = soft.fit(X, [[0.0], [100.0]], 0.5, tol=0, max_iter=1)
    np.testing.assert_allclose(result.params.centers.ravel(), [X[~far].mean(), X[far].mean()], rtol=1e-10,
                               atol=1e-12)
    # each point all but certainly on its own group's center: the mixture density is (1/2) N(x | own, 1)
    own = result.params.centers.ravel()[far.astype(int)]
    closed_form = float(np.sum(np.log(0.5) + stats.norm.logpdf(X[:, 0], own, 1.0)))
    np.testing.assert_allclose(result.log_likelihood, closed_form, rtol=1e-10)


@pytest.mark.parametrize("kind", KINDS)
def test_gmm_on_a_million_rows_of_one_feature(kind, million_rows):
    # the groups are 50 standard deviations apart: one step from unit variances gives the groups' moments
    X, far = million_rows
    covariances = {"full": np.ones((2, 1, 1)), "tied": np.ones((1, 1)), "diag": np.ones((2, 1)),
                   "spherical": np.ones(2)}[kind]
    params0 = Params(np.array([0.5, 0.5]), np.array([[0.0], [100.0]]), covariances, kind)
    result = gmm.fit(X, params0, covariance_type=kind, tol=0, max_iter=1, reg_covar=0)
    np.testing.assert_allclose(result.params.weights, [1 - far.mean(), far.mean()], rtol=1e-12)
    np.testing.assert_allclose(result.params.means.ravel(), [X[~far].mean(), X[far].mean()], rtol=1e-10,
                               atol=1e-12)
    variances = np.array([X[~far].var(), X[far].var()])
    if kind == "tied":  # the two groups' variances, pooled
        variances = np.full(2, (1 - far.mean()) * variances[0] + far.mean() * variances[1])
    np.testing.assert_allclose(result.params.covariances.ravel(), variances[: result.params.covariances.size],
                               rtol=1e-9)
    weights, means = result.params.weights, result.params.means.ravel()
    rows = np.logaddexp(*(np.log(weights[j]) + stats.norm.logpdf(X[:, 0], means[j], math.sqrt(variances[j]))
                          for j in range(2)))
    np.testing.assert_allclose(result.log_likelihood, float(rows.sum()), rtol=1e-10)
