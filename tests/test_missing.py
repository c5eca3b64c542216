"""emlib.missing: the E-step row by row, closed forms, the laws of EM, known truths, hide, and bad input."""

from __future__ import annotations

import functools
import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.stats import multivariate_normal, norm

from emlib import em, missing
from emlib.missing import Expectations, Params


def random_params(rng: np.random.Generator, d: int) -> Params:
    """A mean and a well-conditioned covariance whose features have different scales."""
    scales = rng.uniform(0.2, 5, size=d)
    A = rng.normal(size=(d, d))
    correlation_ish = A @ A.T + d * np.eye(d)
    return Params(rng.normal(scale=5, size=d), correlation_ish * np.outer(scales, scales))


def with_holes(rng: np.random.Generator, X: np.ndarray, p: float) -> np.ndarray:
    """A copy of ``X`` with each entry set to NaN with probability ``p``."""
    X = X.copy()
    X[rng.random(X.shape) < p] = np.nan
    return X


def small_table(seed: int = 4, n: int = 40, d: int = 3, p: float = 0.3) -> np.ndarray:
    """n draws from random parameters, with each entry hidden with probability p."""
    rng = np.random.default_rng(seed)
    truth = random_params(rng, d)
    return with_holes(rng, rng.multivariate_normal(truth.mean, truth.covariance, size=n), p)


def row_by_row(X: np.ndarray, params: Params) -> tuple[np.ndarray, np.ndarray, float]:
    """The E-step by its textbook formulas, one row at a time, with explicit inverses."""
    mean, cov = np.asarray(params.mean), np.asarray(params.covariance)
    filled, spread, total = X.copy(), np.zeros_like(cov), 0.0
    for i, x in enumerate(X):
        m = np.isnan(x)
        o = ~m
        if not o.any():
            filled[i] = mean
            spread += cov
            continue
        total += float(multivariate_normal(mean[o], cov[np.ix_(o, o)]).logpdf(x[o]))
        if m.any():
            gain = cov[np.ix_(m, o)] @ np.linalg.inv(cov[np.ix_(o, o)])
            filled[i, m] = mean[m] + gain @ (x[o] - mean[o])
            spread[np.ix_(m, m)] += cov[np.ix_(m, m)] - gain @ cov[np.ix_(o, m)]
    return filled, spread, total


def regression(y: np.ndarray, Z: np.ndarray) -> tuple[float, np.ndarray, float]:
    """Least squares of ``y`` on ``[1, Z]``: intercept, slopes and the ML residual variance (divisor n)."""
    design = np.c_[np.ones(len(y)), Z]
    coef = np.linalg.lstsq(design, y, rcond=None)[0]
    return coef[0], coef[1:], float(np.mean((y - design @ coef) ** 2))


def anderson(X: np.ndarray) -> Params:
    """Anderson's (1957) MLE for two features, the first complete and the second with holes."""
    x1 = X[:, 0]
    complete = ~np.isnan(X[:, 1])
    x1c, x2c = X[complete, 0], X[complete, 1]
    mu1, s11 = x1.mean(), x1.var()
    s11c, s22c = x1c.var(), x2c.var()
    s12c = np.mean((x1c - x1c.mean()) * (x2c - x2c.mean()))
    b = s12c / s11c
    a = x2c.mean() - b * x1c.mean()
    r = s22c - s12c**2 / s11c
    return Params(np.array([mu1, a + b * mu1]), np.array([[s11, b * s11], [b * s11, r + b**2 * s11]]))


def stationary(X: np.ndarray) -> em.EMResult:
    """EM run long enough (no stopping rule) to reach its fixed point to rounding."""
    return missing.fit(X, tol=0, max_iter=300)


# --------------------------------------------------------------------------
# The E-step against the textbook formulas
# --------------------------------------------------------------------------


@pytest.mark.parametrize("d", [1, 2, 3, 5, 7])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_e_step_matches_a_row_by_row_computation(d, seed):
    """Fills, summed conditional covariances and log-likelihood equal the per-row formulas."""
    rng = np.random.default_rng(seed)
    params = random_params(rng, d)
    X = rng.multivariate_normal(params.mean, params.covariance, size=40)
    X = with_holes(rng, X, 0.4)
    X[0] = np.nan  # nothing observed
    X[1] = rng.normal(size=d)  # everything observed
    X[2, :-1] = np.nan  # only the last feature
    expectations, log_likelihood = missing.e_step(X, params)
    filled, spread, total = row_by_row(X, params)
    scale = np.sqrt(np.diag(params.covariance)).max()
    np.testing.assert_allclose(expectations.filled, filled, rtol=1e-10, atol=1e-12 * scale)
    np.testing.assert_allclose(expectations.conditional_covariance, spread, rtol=1e-10, atol=1e-12 * scale**2)
    assert log_likelihood == pytest.approx(total, rel=1e-10)
    assert missing.log_likelihood(X, params) == log_likelihood
    np.testing.assert_array_equal(expectations.filled[0], params.mean)
    np.testing.assert_array_equal(expectations.filled[1], X[1])


def test_e_step_by_hand():
    """Two rows, each with one hole, worked out on paper."""
    # cov = [[4, 3], [3, 9]]: E[x2 | x1=3] = 10 + 3/4 * 2 = 11.5, Var = 9 - 9/4 = 6.75;
    # E[x1 | x2=13] = 1 + 3/9 * 3 = 2, Var = 4 - 9/9 = 3
    params = Params(np.array([1.0, 10.0]), np.array([[4.0, 3.0], [3.0, 9.0]]))
    expectations, log_likelihood = missing.e_step([[3.0, np.nan], [np.nan, 13.0]], params)
    np.testing.assert_allclose(expectations.filled, [[3.0, 11.5], [2.0, 13.0]], rtol=1e-15)
    np.testing.assert_allclose(expectations.conditional_covariance, [[3.0, 0.0], [0.0, 6.75]], rtol=1e-15)
    # one standard deviation out in each row: log N = -(log(2 pi var) + 1) / 2
    expected = -0.5 * (np.log(2 * np.pi * 4) + 1) - 0.5 * (np.log(2 * np.pi * 9) + 1)
    assert log_likelihood == pytest.approx(expected, rel=1e-14)


def test_rows_with_nothing_observed_get_the_mean_and_the_full_covariance():
    """An empty row: filled with the mean, as uncertain as the data, adding 0 to the log-likelihood."""
    params = Params(np.array([1.0, -2.0]), np.array([[2.0, 0.5], [0.5, 1.0]]))
    expectations, log_likelihood = missing.e_step(np.full((3, 2), np.nan), params)
    np.testing.assert_array_equal(expectations.filled, [[1.0, -2.0]] * 3)
    np.testing.assert_allclose(expectations.conditional_covariance, 3 * params.covariance, rtol=1e-15)
    assert log_likelihood == 0.0


# --------------------------------------------------------------------------
# The M-step
# --------------------------------------------------------------------------


def test_m_step_is_the_scatter_plus_the_conditional_covariance_over_n():
    """The M-step formula: mean of the fills; scatter plus summed conditional covariance, over n."""
    rng = np.random.default_rng(0)
    filled = rng.normal(size=(30, 3)) * [1, 4, 0.5] + 7
    B = rng.normal(size=(3, 3))
    spread = B @ B.T
    params = missing.m_step(Expectations(filled, spread), reg_covar=0.25)
    np.testing.assert_allclose(params.mean, filled.mean(axis=0), rtol=1e-14)
    expected = np.cov(filled.T, bias=True) + spread / 30 + 0.25 * np.eye(3)
    np.testing.assert_allclose(params.covariance, expected, rtol=1e-12)


def test_m_step_reports_a_singular_covariance():
    with pytest.raises(ValueError, match="^the covariance estimate is singular"):
        missing.m_step(Expectations(np.ones((3, 2)), np.zeros((2, 2))))
    params = missing.m_step(Expectations(np.ones((3, 2)), np.zeros((2, 2))), reg_covar=0.5)
    np.testing.assert_array_equal(params.covariance, 0.5 * np.eye(2))


# --------------------------------------------------------------------------
# fit: closed forms
# --------------------------------------------------------------------------


def test_fit_alternates_the_public_e_step_and_m_step():
    """fit's history is e_step then m_step, again and again."""
    rng = np.random.default_rng(3)
    truth = random_params(rng, 3)
    X = with_holes(rng, rng.multivariate_normal(truth.mean, truth.covariance, size=60), 0.3)
    X = X[~np.isnan(X).all(axis=1)]  # fit leaves such rows out; the public steps count them (next test)
    result = missing.fit(X, max_iter=5, tol=0)
    params = missing.fit(X, max_iter=0).params
    for before, after in zip(result.history, result.history[1:]):
        expectations, log_likelihood = missing.e_step(X, params)
        assert before.log_likelihood == pytest.approx(log_likelihood, rel=1e-13)
        params = missing.m_step(expectations)
        for a, b in zip(after.params, params):
            np.testing.assert_allclose(a, b, rtol=1e-13)
    assert result.log_likelihood == pytest.approx(missing.log_likelihood(X, result.params), rel=1e-13)


def test_empty_rows_slow_the_public_steps_but_keep_their_fixed_point():
    """The module's claim: leaving out rows with nothing observed changes no estimate."""
    # an empty row enters the public M-step as the current mean with the full covariance as its
    # spread, which drags each step back towards the current parameters but moves no fixed point
    X = small_table(n=60)
    padded = np.r_[X, np.full((15, 3), np.nan)]
    start = missing.fit(padded, max_iter=0).params
    one_public_step = missing.m_step(missing.e_step(padded, start)[0])
    assert not np.allclose(one_public_step.covariance, missing.fit(padded, max_iter=1, tol=0).params.covariance)
    params = start
    for _ in range(400):
        params = missing.m_step(missing.e_step(padded, params)[0])
    result = stationary(padded)
    np.testing.assert_allclose(params.mean, result.params.mean, rtol=1e-9)
    np.testing.assert_allclose(params.covariance, result.params.covariance, rtol=1e-9)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_without_holes_fit_is_the_sample_mean_and_ml_covariance(seed):
    """No NaN: one step to the closed form, a second to notice."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(50, 3)) @ rng.normal(size=(3, 3)) + [100.0, -3.0, 0.5]
    result = missing.fit(X)
    np.testing.assert_allclose(result.params.mean, X.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(result.params.covariance, np.cov(X.T, bias=True), rtol=1e-12)
    # iteration 1 reaches the closed form, iteration 2 finds nothing left to gain
    assert result.converged and result.n_iter == 2
    # and its log-likelihood is the Normal log-density summed over the rows
    expected = multivariate_normal(X.mean(axis=0), np.cov(X.T, bias=True)).logpdf(X).sum()
    assert result.log_likelihood == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_bivariate_monotone_holes_reach_andersons_closed_form(seed):
    """x1 complete, x2 with holes: EM's fixed point is Anderson's (1957) MLE."""
    rng = np.random.default_rng(seed)
    n = 200
    X = rng.multivariate_normal([1.0, -1.0], [[2.0, 1.2], [1.2, 1.5]], size=n)
    X[rng.random(n) < 0.35, 1] = np.nan
    result = stationary(X)
    expected = anderson(X)
    np.testing.assert_allclose(result.params.mean, expected.mean, rtol=1e-9)
    np.testing.assert_allclose(result.params.covariance, expected.covariance, rtol=1e-9)
    # the closed form is a maximum: a small step along any of the 5 parameters does worse
    best = missing.log_likelihood(X, expected)
    assert best == pytest.approx(result.log_likelihood, rel=1e-12)
    for step in (1e-3, -1e-3):
        for i in range(2):
            moved = expected.mean.copy()
            moved[i] += step
            assert missing.log_likelihood(X, expected._replace(mean=moved)) < best
        for i, j in ((0, 0), (0, 1), (1, 1)):
            moved = expected.covariance.copy()
            moved[i, j] += step
            moved[j, i] = moved[i, j]
            assert missing.log_likelihood(X, expected._replace(covariance=moved)) < best


def test_trivariate_monotone_holes_reach_the_sequential_regressions():
    """Nested holes in x2 and x3: the MLE is a chain of regressions, each on the rows that observe it."""
    # x1 complete; x2 missing in some rows; x3 missing wherever x2 is, and in some more.
    # The likelihood factors as p(x1) p(x2 | x1) p(x3 | x1, x2), each fitted on the rows observing it.
    rng = np.random.default_rng(7)
    n = 300
    cov = np.array([[1.0, 0.6, 0.5], [0.6, 2.0, 0.8], [0.5, 0.8, 1.5]])
    X = rng.multivariate_normal([0.0, 2.0, -1.0], cov, size=n)
    lacks2 = rng.random(n) < 0.25
    lacks3 = lacks2 | (rng.random(n) < 0.2)
    X[lacks2, 1] = np.nan
    X[lacks3, 2] = np.nan

    mu1, s11 = X[:, 0].mean(), X[:, 0].var()
    a2, (b2,), r2 = regression(X[~lacks2, 1], X[~lacks2, :1])
    a3, c, r3 = regression(X[~lacks3, 2], X[~lacks3, :2])
    mean12 = np.array([mu1, a2 + b2 * mu1])
    cov12 = np.array([[s11, b2 * s11], [b2 * s11, r2 + b2**2 * s11]])
    expected_mean = np.r_[mean12, a3 + c @ mean12]
    expected_cov = np.zeros((3, 3))
    expected_cov[:2, :2] = cov12
    expected_cov[:2, 2] = expected_cov[2, :2] = cov12 @ c
    expected_cov[2, 2] = r3 + c @ cov12 @ c

    result = stationary(X)
    np.testing.assert_allclose(result.params.mean, expected_mean, rtol=1e-9)
    np.testing.assert_allclose(result.params.covariance, expected_cov, rtol=1e-9)


# --------------------------------------------------------------------------
# impute (the law that fit never lowers the likelihood is in test_laws.py)
# --------------------------------------------------------------------------


@given(st.integers(0, 2**32 - 1), st.integers(1, 5), st.floats(0.0, 0.9))
def test_impute_keeps_observed_entries_and_fills_the_rest(seed, d, p):
    """impute changes only the holes, leaves X alone, and fills empty rows with the mean."""
    rng = np.random.default_rng(seed)
    params = random_params(rng, d)
    X = with_holes(rng, rng.multivariate_normal(params.mean, params.covariance, size=20), p)
    before = X.copy()
    filled = missing.impute(X, params)
    observed = ~np.isnan(X)
    np.testing.assert_array_equal(X, before)  # the input is not touched
    assert np.all(np.isfinite(filled))
    np.testing.assert_array_equal(filled[observed], X[observed])
    empty = ~observed.any(axis=1)
    np.testing.assert_array_equal(filled[empty], np.broadcast_to(params.mean, (empty.sum(), d)))


@given(st.integers(0, 2**32 - 1), st.integers(1, 5), st.floats(0.0, 0.9))
def test_draw_imputation_keeps_observed_entries_and_is_reproducible(seed, d, p):
    """draw_imputation changes only the holes, leaves X alone, and repeats itself with the same seed."""
    rng = np.random.default_rng(seed)
    params = random_params(rng, d)
    X = with_holes(rng, rng.multivariate_normal(params.mean, params.covariance, size=20), p)
    before = X.copy()
    drawn = missing.draw_imputation(X, params, rng=seed)
    observed = ~np.isnan(X)
    np.testing.assert_array_equal(X, before)
    assert np.all(np.isfinite(drawn))
    np.testing.assert_array_equal(drawn[observed], X[observed])
    np.testing.assert_array_equal(drawn, missing.draw_imputation(X, params, rng=seed))


def test_draws_follow_the_conditional_distribution():
    """Rows with the same observed entries: the draws' mean and covariance are the E-step's, within 5 SE."""
    rng = np.random.default_rng(11)
    params = random_params(rng, 4)
    n = 40_000
    row = np.array([np.nan, 1.5, np.nan, -0.5]) + np.array([0, params.mean[1], 0, params.mean[3]])
    empty = np.full(4, np.nan)
    X = np.vstack([np.tile(row, (n, 1)), np.tile(empty, (n, 1))])
    drawn = missing.draw_imputation(X, params, rng=12)
    expectations, _ = missing.e_step(row[None], params)
    m = [0, 2]
    centre, spread = expectations.filled[0, m], expectations.conditional_covariance[np.ix_(m, m)]
    for sample, mean, covariance in ((drawn[:n][:, m], centre, spread),
                                     (drawn[n:], params.mean, params.covariance)):
        sd = np.sqrt(np.diag(covariance))
        assert np.all(np.abs(sample.mean(axis=0) - mean) < 5 * sd / np.sqrt(n))
        # a covariance entry's standard error is at most sqrt(2 / n) sd_j sd_k for a Normal
        assert np.all(np.abs(np.cov(sample.T) - covariance) < 5 * np.sqrt(2 / n) * np.outer(sd, sd))


def test_a_drawn_table_scatters_like_the_data_and_a_filled_one_less():
    """Half the entries hidden: conditional means shrink each column's variance, draws keep it."""
    rng = np.random.default_rng(3)
    X = missing.hide(rng.multivariate_normal(TRUE.mean, TRUE.covariance, size=8000), 0.5, rng=4)
    params = missing.fit(X).params
    variance = np.diag(params.covariance)
    drawn = missing.draw_imputation(X, params, rng=5).var(axis=0)
    filled = missing.impute(X, params).var(axis=0)
    # 8 000 rows: a unit variance's standard error is about sqrt(2 / 8000) = 0.016
    assert np.all(np.abs(drawn / variance - 1) < 0.06)
    assert np.all(filled / variance < 0.9)


@pytest.mark.parametrize("kwargs, error, message", [
    ({"rng": "seed"}, TypeError, "rng must be None, an int seed, a numpy.random.SeedSequence"),
    ({"rng": -1}, ValueError, "rng must be a non-negative seed; got -1"),
    ({"params": "abc"}, TypeError, "params must be a missing.Params(mean, covariance); got str"),
    ({"params": Params(np.zeros(3), np.eye(3))}, ValueError, "params.mean must have n_features = 2 entries"),
    ({"X": [[0.0, np.inf]]}, ValueError, "X contains infinity"),
    ({"params": Params(np.zeros(2), np.eye(2) * 1e-300), "X": [[1e200, np.nan]]}, ValueError,
     "overflow float64"),
])
def test_bad_draw_arguments_are_named(kwargs, error, message):
    kwargs = {"X": [[0.0, np.nan], [1.0, 2.0]], "params": Params(np.zeros(2), np.eye(2)), **kwargs}
    with pytest.raises(error, match=re.escape(message)):
        missing.draw_imputation(**kwargs)


# --------------------------------------------------------------------------
# Known parameters: EM against the repairs people use
# --------------------------------------------------------------------------

TRUE = Params(
    np.array([1.0, -2.0, 0.5, 3.0]),
    np.array([[1.0, 0.8, 0.6, 0.5], [0.8, 1.0, 0.7, 0.6], [0.6, 0.7, 1.0, 0.5], [0.5, 0.6, 0.5, 1.0]]),
)


@functools.lru_cache(maxsize=None)
def mcar_case(seed: int) -> tuple[np.ndarray, em.EMResult]:
    """5 000 draws from TRUE with 30 % of the entries hidden completely at random, and EM's fit."""
    rng = np.random.default_rng(seed)
    X = missing.hide(rng.multivariate_normal(TRUE.mean, TRUE.covariance, size=5000), 0.3, rng=seed)
    return X, missing.fit(X)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_em_recovers_the_true_parameters_under_mcar(seed):
    """With 30 % of the entries hidden at random, EM lands within a few standard errors of the truth."""
    X, result = mcar_case(seed)
    assert result.converged
    # about 3 500 observations per feature: a mean's standard error is 1/sqrt(3500) = 0.017 and a
    # unit variance's sqrt(2/3500) = 0.024, so 0.08 and 0.12 are about 5 standard errors (over 20
    # seeds the largest errors seen were 0.039 and 0.070).  Mean imputation misses the covariance
    # by about 0.4 and fails the second bound.
    assert np.abs(result.params.mean - TRUE.mean).max() < 0.08
    assert np.abs(result.params.covariance - TRUE.covariance).max() < 0.12
    assert np.abs(np.cov(missing.mean_impute(X).T, bias=True) - TRUE.covariance).max() > 0.3


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_mean_imputation_shrinks_variances_by_the_observed_share(seed):
    """Mean imputation scales each variance by about 1 - 0.3; EM keeps it."""
    X, result = mcar_case(seed)
    em_variances = np.diag(result.params.covariance)
    filled = missing.mean_impute(X)
    mean_variances = np.diag(np.cov(filled.T, bias=True))
    # a filled entry sits on its column's mean, so the variance is (observed share) x (observed
    # variance), about 0.7; seen over 20 seeds: 0.685 to 0.719
    np.testing.assert_allclose(mean_variances / em_variances, 0.7, atol=0.05)
    np.testing.assert_allclose(em_variances, np.diag(TRUE.covariance), atol=0.12)
    np.testing.assert_allclose(filled.mean(axis=0), np.nanmean(X, axis=0), rtol=1e-12)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_dropping_the_conditional_covariance_shrinks_variances(seed):
    """"Impute, re-estimate, repeat" without the conditional covariance understates the variances."""
    X, result = mcar_case(seed)
    d = X.shape[1]
    naive = em.run(
        missing.fit(X, max_iter=0).params,
        lambda params: missing.e_step(X, params),
        lambda expectations, params: missing.m_step(expectations._replace(conditional_covariance=np.zeros((d, d)))),
        tol=1e-8 * len(X),
    )
    assert naive.converged
    naive_variances = np.diag(naive.params.covariance)
    em_variances = np.diag(result.params.covariance)
    # over 20 seeds: naive / EM at most 0.94 per feature, naive variances averaging 0.84 to 0.91
    assert np.all(naive_variances < 0.96 * em_variances)
    assert naive_variances.mean() < 0.93  # the truth is 1
    assert em_variances.mean() - naive_variances.mean() > 0.05
    # EM's fixed point is the maximum likelihood; the naive one is not
    assert naive.log_likelihood < result.log_likelihood - 100


# --------------------------------------------------------------------------
# MAR and MNAR
# --------------------------------------------------------------------------

RHO = 0.8


@functools.lru_cache(maxsize=None)
def bivariate() -> np.ndarray:
    rng = np.random.default_rng(0)
    return rng.multivariate_normal([0.0, 0.0], [[1.0, RHO], [RHO, 1.0]], size=20_000)


def complete_case_mean(X: np.ndarray, j: int) -> float:
    return float(X[~np.isnan(X).any(axis=1), j].mean())


# E[z | z below its 60 % quantile] for a standard Normal z: the complete cases keep the lowest 60 %
LOWER_60_MEAN = -norm.pdf(norm.ppf(0.6)) / 0.6  # -0.644


def test_under_mar_em_recovers_the_mean_and_complete_cases_do_not():
    """Holes in x1 where x0 is large: EM undoes the bias, dropping rows does not."""
    X = bivariate()
    full = X[:, 1].mean()
    H = missing.hide(X, 0.4, mechanism="MAR", column=1, by=0)
    em_mean = missing.fit(H).params.mean[1]
    # EM regresses the holes on x0: left is the noise of 8 000 residuals, sd about 0.003
    # (over 8 seeds the largest gap was 0.009)
    assert abs(em_mean - full) < 0.025
    # dropping rows keeps those with small x0, hence small x1: bias RHO * LOWER_60_MEAN = -0.515
    bias = complete_case_mean(H, 1) - full
    assert bias == pytest.approx(RHO * LOWER_60_MEAN, abs=0.03)
    assert bias < -0.45


def test_under_mnar_em_is_biased_but_less_than_complete_cases():
    """Holes where x1 itself is large: nothing removes the bias, but x0 lets EM reduce it."""
    X = bivariate()
    full = X[:, 1].mean()
    H = missing.hide(X, 0.4, mechanism="MNAR", column=1)
    em_bias = missing.fit(H).params.mean[1] - full
    complete_bias = complete_case_mean(H, 1) - full
    assert complete_bias == pytest.approx(LOWER_60_MEAN, abs=0.03)
    # seen over 8 seeds: EM's bias -0.364 to -0.373, the complete cases' -0.638 to -0.647
    assert em_bias < -0.25
    assert em_bias > complete_bias + 0.2


# --------------------------------------------------------------------------
# fit: edge cases
# --------------------------------------------------------------------------


def test_rows_with_nothing_observed_change_nothing():
    """fit leaves empty rows out: the same run, bit for bit."""
    X = small_table()
    X = X[~np.isnan(X).all(axis=1)]
    padded = np.insert(X, [0, 5, 5, len(X)], np.nan, axis=0)
    a, b = missing.fit(X), missing.fit(padded)
    for x, y in zip(a.params, b.params):
        np.testing.assert_array_equal(x, y)
    np.testing.assert_array_equal(a.log_likelihoods, b.log_likelihoods)
    assert a.n_iter == b.n_iter and a.converged == b.converged
    filled = missing.impute(padded, b.params)
    np.testing.assert_array_equal(filled[[0, 6, 7, -1]], np.broadcast_to(b.params.mean, (4, 3)))


@pytest.mark.parametrize("j", [0, 2])
def test_a_column_with_nothing_observed_is_an_error(j):
    X = small_table()
    X[:, j] = np.nan
    message = f"X[:, {j}] is entirely NaN"
    with pytest.raises(ValueError, match=re.escape(message)):
        missing.fit(X)
    with pytest.raises(ValueError, match=re.escape(message)):
        missing.mean_impute(X)


@pytest.mark.parametrize("value", [2.0, 12345.5])
def test_a_column_with_one_distinct_value_is_an_error_unless_regularised(value):
    X = small_table()
    X[~np.isnan(X[:, 1]), 1] = value
    with pytest.raises(ValueError, match=re.escape("X[:, 1] has a single distinct observed value")):
        missing.fit(X)
    assert missing.fit(X, reg_covar=1e-3).converged
    # from the uncorrelated start every hole in column 1 is filled with the value itself, so the
    # column stays uncorrelated with mean = value; its variance v solves v = share_missing * v + reg
    result = missing.fit(X, reg_covar=1e-3, tol=0, max_iter=200)
    share_observed = np.mean(~np.isnan(X[:, 1])) / np.mean(~np.isnan(X).all(axis=1))
    assert result.params.mean[1] == pytest.approx(value, rel=1e-12)
    np.testing.assert_array_equal(result.params.covariance[1, [0, 2]], 0.0)
    assert result.params.covariance[1, 1] == pytest.approx(1e-3 / share_observed, rel=1e-12)


@pytest.mark.parametrize("value", [0.1, 0.7])
def test_a_constant_column_is_named_whatever_its_value(value):
    """A constant column gets the documented message, whether or not its variance rounds to exactly 0."""
    X = np.c_[np.arange(7.0), np.full(7, value)]
    with pytest.raises(ValueError, match=re.escape("X[:, 1] has a single distinct observed value")):
        missing.fit(X)


def test_too_few_rows_for_the_covariance_is_an_error_unless_regularised():
    """3 rows cannot determine a 5 x 5 covariance; reg_covar makes it the ML covariance plus a ridge."""
    X = np.random.default_rng(0).normal(size=(3, 5))  # 3 points span a plane, not 5 dimensions
    with pytest.raises(ValueError, match="^" + re.escape("at iteration 1, the covariance estimate is singular")):
        missing.fit(X)
    result = missing.fit(X, reg_covar=1e-3)
    np.testing.assert_allclose(result.params.covariance, np.cov(X.T, bias=True) + 1e-3 * np.eye(5), rtol=1e-12)


def test_max_iter_zero_returns_the_start():
    """The default start: each column's observed mean and variance, no correlation."""
    X = small_table()
    result = missing.fit(X, max_iter=0)
    assert result.n_iter == 0 and not result.converged and len(result.history) == 1
    np.testing.assert_allclose(result.params.mean, np.nanmean(X, axis=0), rtol=1e-15)
    np.testing.assert_allclose(result.params.covariance, np.diag(np.nanvar(X, axis=0)), rtol=1e-15)
    assert result.log_likelihood == pytest.approx(missing.log_likelihood(X, result.params), rel=1e-15)
    regular = missing.fit(X, max_iter=0, reg_covar=0.5)
    np.testing.assert_allclose(regular.params.covariance, np.diag(np.nanvar(X, axis=0) + 0.5), rtol=1e-15)


def test_params0_is_honoured_and_not_frozen():
    X = small_table()
    params0 = Params(np.array([1.0, 2.0, 3.0]), np.array([[2.0, 0.3, 0.0], [0.3, 1.0, 0.1], [0.0, 0.1, 4.0]]))
    result = missing.fit(X, params0=params0, max_iter=1, tol=0)
    np.testing.assert_array_equal(result.history[0].params.mean, params0.mean)
    np.testing.assert_array_equal(result.history[0].params.covariance, params0.covariance)
    expected = missing.m_step(missing.e_step(X, params0)[0])
    np.testing.assert_allclose(result.params.mean, expected.mean, rtol=1e-13)
    np.testing.assert_allclose(result.params.covariance, expected.covariance, rtol=1e-13)
    assert params0.mean.flags.writeable and params0.covariance.flags.writeable  # fit copied them
    # and the start matters: from the default start the first step lands elsewhere
    default = missing.fit(X, max_iter=1, tol=0)
    assert not np.allclose(default.params.covariance, result.params.covariance)


def test_callback_is_called_once_per_iteration():
    X = small_table()
    seen = []
    result = missing.fit(X, callback=lambda t, step: seen.append((t, step)))
    assert result.n_iter > 2
    assert [t for t, _ in seen] == list(range(1, result.n_iter + 1))
    assert [step for _, step in seen] == list(result.history[1:])


def test_history_is_read_only():
    result = missing.fit(small_table(), max_iter=3, tol=0)
    for step in result.history:
        for array in step.params:
            assert not array.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        result.params.mean[0] = 1.0
    with pytest.raises(ValueError, match="read-only"):
        result.history[0].params.covariance[0, 0] = 1.0


def test_fit_impute_and_mean_impute_leave_x_alone():
    X = small_table()
    before = X.copy()
    params = missing.fit(X).params
    filled = missing.impute(X, params)
    missing.mean_impute(X)
    missing.e_step(X, params)
    np.testing.assert_array_equal(X, before)
    observed = ~np.isnan(X)
    np.testing.assert_array_equal(filled[observed], X[observed])
    assert not np.isnan(filled).any()


def test_mean_impute_by_hand():
    X = [[1.0, np.nan, 5.0], [3.0, 4.0, np.nan], [np.nan, 8.0, 7.0]]
    np.testing.assert_array_equal(missing.mean_impute(X), [[1.0, 6.0, 5.0], [3.0, 4.0, 6.0], [2.0, 8.0, 7.0]])


def test_tol_is_per_observed_row_and_zero_runs_max_iter():
    """The stopping rule: |gain| < tol x (rows with something observed)."""
    X = small_table()
    assert missing.fit(X, max_iter=7, tol=0).n_iter == 7
    n_rows = int((~np.isnan(X).all(axis=1)).sum())
    result = missing.fit(X, tol=1e-3)
    gains = np.abs(np.diff(result.log_likelihoods))
    assert result.converged and gains[-1] < 1e-3 * n_rows and np.all(gains[:-1] >= 1e-3 * n_rows)


# --------------------------------------------------------------------------
# hide
# --------------------------------------------------------------------------

TABLE = np.random.default_rng(9).normal(size=(1000, 3))


def test_mcar_with_a_larger_fraction_hides_a_superset():
    small = np.isnan(missing.hide(TABLE, 0.2, rng=5))
    large = np.isnan(missing.hide(TABLE, 0.5, rng=5))
    assert np.all(large[small]) and large.sum() > small.sum()
    small = np.isnan(missing.hide(TABLE, 0.2, column=1, rng=5))
    large = np.isnan(missing.hide(TABLE, 0.5, column=1, rng=5))
    assert np.all(large[small]) and large.sum() > small.sum()


def test_mcar_hides_about_the_fraction():
    share = np.isnan(missing.hide(TABLE, 0.3, rng=0)).mean()
    # 3 000 coin tosses: sd sqrt(0.21 / 3000) = 0.008
    assert share == pytest.approx(0.3, abs=0.04)
    assert not np.isnan(missing.hide(TABLE, 0.0, rng=0)).any()


def test_mcar_with_a_column_hides_only_that_column():
    hidden = np.isnan(missing.hide(TABLE, 0.3, column=2, rng=1))
    assert not hidden[:, :2].any()
    assert hidden[:, 2].mean() == pytest.approx(0.3, abs=0.06)


def test_hidden_entries_keep_their_values_elsewhere():
    for H in (missing.hide(TABLE, 0.3, rng=2), missing.hide(TABLE, 0.3, mechanism="MNAR", column=0)):
        shown = ~np.isnan(H)
        np.testing.assert_array_equal(H[shown], TABLE[shown])


@pytest.mark.parametrize("fraction", [0.1, 0.25, 0.4])
def test_mar_hides_the_column_where_by_is_largest(fraction):
    """MAR: the holes in column follow the round(fraction * n) largest values of by."""
    H = missing.hide(TABLE, fraction, mechanism="MAR", column=2, by=0)
    hidden = np.isnan(H)
    k = round(fraction * len(TABLE))
    assert not hidden[:, :2].any() and hidden[:, 2].sum() == k
    np.testing.assert_array_equal(np.flatnonzero(hidden[:, 2]), np.sort(np.argsort(TABLE[:, 0])[-k:]))
    assert TABLE[hidden[:, 2], 0].min() > TABLE[~hidden[:, 2], 0].max()


@pytest.mark.parametrize("fraction", [0.1, 0.25, 0.4])
def test_mnar_hides_the_largest_values_of_the_column(fraction):
    """MNAR: the round(fraction * n) largest values of the column itself are hidden."""
    H = missing.hide(TABLE, fraction, mechanism="MNAR", column=1)
    hidden = np.isnan(H)
    k = round(fraction * len(TABLE))
    assert not hidden[:, [0, 2]].any() and hidden[:, 1].sum() == k
    assert TABLE[hidden[:, 1], 1].min() > TABLE[~hidden[:, 1], 1].max()


def test_hide_by_hand():
    X = np.arange(12.0).reshape(6, 2)
    np.testing.assert_array_equal(missing.hide(X, 0.5, mechanism="MNAR", column=1)[:, 1],
                                  [1.0, 3.0, 5.0, np.nan, np.nan, np.nan])
    X = np.array([[3.0, 0.0], [1.0, 1.0], [2.0, 2.0], [0.0, 3.0]])
    np.testing.assert_array_equal(missing.hide(X, 0.5, mechanism="MAR", column=1, by=0),
                                  [[3.0, np.nan], [1.0, 1.0], [2.0, np.nan], [0.0, 3.0]])


def test_hide_does_not_modify_its_input():
    X = TABLE.copy()
    for kwargs in ({}, {"column": 1}, {"mechanism": "MAR", "column": 1, "by": 2},
                   {"mechanism": "MNAR", "column": 0}):
        missing.hide(X, 0.3, rng=0, **kwargs)
    np.testing.assert_array_equal(X, TABLE)


def test_hide_is_reproducible_and_fit_deterministic():
    a, b = missing.hide(TABLE, 0.3, rng=123), missing.hide(TABLE, 0.3, rng=123)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(np.isnan(a), np.isnan(missing.hide(TABLE, 0.3, rng=124)))
    first, second = missing.fit(a), missing.fit(a)
    for x, y in zip(first.params, second.params):
        np.testing.assert_array_equal(x, y)
    np.testing.assert_array_equal(first.log_likelihoods, second.log_likelihoods)


Y = np.arange(20.0).reshape(10, 2)


@pytest.mark.parametrize("kwargs, error, message", [
    ({"fraction": 1.0}, ValueError, "fraction must be less than 1; got 1.0"),
    ({"fraction": 1.5}, ValueError, "fraction must be less than 1; got 1.5"),
    ({"fraction": -0.1}, ValueError, "fraction must be at least 0.0; got -0.1"),
    ({"fraction": np.nan}, ValueError, "fraction must be finite"),
    ({"fraction": "half"}, TypeError, "fraction must be a real number"),
    ({"mechanism": "MXAR"}, ValueError, "mechanism must be one of ('MCAR', 'MAR', 'MNAR'); got 'MXAR'"),
    ({"mechanism": "mcar"}, ValueError, "mechanism must be one of ('MCAR', 'MAR', 'MNAR'); got 'mcar'"),
    ({"mechanism": None}, TypeError, "mechanism must be a string; got NoneType"),
    ({"mechanism": "MAR", "by": 0}, ValueError, "mechanism='MAR' needs column, the feature to make holes in"),
    ({"mechanism": "MNAR"}, ValueError, "mechanism='MNAR' needs column"),
    ({"mechanism": "MAR", "column": 1}, ValueError, "mechanism='MAR' needs by"),
    ({"mechanism": "MAR", "column": 1, "by": 1}, ValueError, "by must differ from column for mechanism='MAR'"),
    ({"by": 0}, ValueError, "by is used only with mechanism='MAR'; got mechanism='MCAR'"),
    ({"mechanism": "MNAR", "column": 1, "by": 0}, ValueError, "by is used only with mechanism='MAR'"),
    ({"column": 2}, ValueError, "column must be at most n_features - 1 = 1; got 2"),
    ({"column": -1}, ValueError, "column must be at least 0; got -1"),
    ({"column": 1.0}, TypeError, "column must be an integer"),
    ({"mechanism": "MAR", "column": 1, "by": 5}, ValueError, "by must be at most n_features - 1 = 1; got 5"),
    ({"rng": "seed"}, TypeError, "rng must be None, an int seed, a numpy.random.SeedSequence"),
    ({"rng": 1.5}, TypeError, "rng must be None, an int seed"),
    ({"X": [[1.0, np.nan], [2.0, 3.0]]}, ValueError, "X contains NaN"),
    ({"X": np.arange(4.0)}, ValueError, "X must be a 2-d array"),
])
def test_bad_hide_arguments_are_named(kwargs, error, message):
    kwargs = {"X": Y, "fraction": 0.5, **kwargs}
    with pytest.raises(error, match=re.escape(message)):
        missing.hide(**kwargs)


# --------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------

GOOD = Params(np.zeros(2), np.eye(2))
X2 = np.array([[0.0, 1.0], [2.0, np.nan], [np.nan, 3.0], [4.0, 2.0], [1.0, 1.5]])


@pytest.mark.parametrize("X, error, message", [
    ([[0.0, np.inf]] * 3, ValueError, "X contains infinity; every entry must be finite or NaN (missing)"),
    (np.arange(3.0), ValueError, "X must be a 2-d array (n_samples, n_features); got a 1-d array"),
    ([["a", "b"]], TypeError, "X must hold real numbers"),
    (None, TypeError, "X must be an array of real numbers"),
    (np.zeros((0, 2)), ValueError, "X must not be empty"),
    (np.array([[1.0, 2.0], [3.0, np.nan], [7.0, 1.0]]) * 1e160, ValueError, "X spreads over more than 1e+150"),
])
def test_bad_data_is_named(X, error, message):
    for function in (lambda: missing.fit(X), lambda: missing.e_step(X, GOOD), lambda: missing.mean_impute(X),
                     lambda: missing.impute(X, GOOD)):
        with pytest.raises(error, match=re.escape(message)):
            function()


@pytest.mark.parametrize("params, error, message", [
    ("abc", TypeError, "params must be a missing.Params(mean, covariance); got str"),
    ((np.zeros(2), np.eye(2), 1), TypeError, "params must be a missing.Params(mean, covariance); got tuple"),
    (GOOD._replace(mean=np.zeros(3)), ValueError,
     "params.mean must have n_features = 2 entries, like X; got shape (3,)"),
    (GOOD._replace(mean=np.zeros((1, 2))), ValueError, "params.mean must be a 1-d array"),
    (GOOD._replace(mean=[0.0, np.nan]), ValueError, "params.mean contains NaN"),
    (GOOD._replace(covariance=np.eye(3)), ValueError, "params.covariance must have shape (2, 2); got (3, 3)"),
    (GOOD._replace(covariance=np.ones(2)), ValueError, "params.covariance must be a 2-d array"),
    (GOOD._replace(covariance=[[1.0, 0.5], [0.0, 1.0]]), ValueError, "params.covariance is not symmetric"),
    (GOOD._replace(covariance=[[1.0, 2.0], [2.0, 1.0]]), ValueError,
     "params.covariance is not a covariance: the matrix is not positive definite"),
    (GOOD._replace(covariance=[[1.0, 1.0], [1.0, 1.0]]), ValueError, "params.covariance is not a covariance"),
    (GOOD._replace(covariance=np.zeros((2, 2))), ValueError, "params.covariance is not a covariance"),
    (GOOD._replace(covariance=[[1.0, np.inf], [np.inf, 1.0]]), ValueError, "params.covariance contains infinity"),
])
def test_bad_params_are_named(params, error, message):
    for function in (missing.e_step, missing.log_likelihood, missing.impute):
        with pytest.raises(error, match=re.escape(message)):
            function(X2, params)
    with pytest.raises(error, match=re.escape(message.replace("params", "params0"))):
        missing.fit(X2, params0=params)


@pytest.mark.parametrize("kwargs, error, message", [
    ({"reg_covar": -1e-6}, ValueError, "reg_covar must be at least 0"),
    ({"reg_covar": np.nan}, ValueError, "reg_covar must be finite"),
    ({"reg_covar": "a"}, TypeError, "reg_covar must be a real number"),
    ({"max_iter": -1}, ValueError, "max_iter must be at least 0; got -1"),
    ({"max_iter": 2.0}, TypeError, "max_iter must be an integer"),
    ({"tol": -1e-3}, ValueError, "tol must be at least 0"),
    ({"tol": np.inf}, ValueError, "tol must be finite"),
    ({"callback": 3}, TypeError, "callback must be a function or None; got int"),
])
def test_bad_fit_arguments_are_named(kwargs, error, message):
    with pytest.raises(error, match=re.escape(message)):
        missing.fit(X2, **kwargs)


FILLED = np.arange(6.0).reshape(3, 2)


@pytest.mark.parametrize("expectations, kwargs, error, message", [
    ("abc", {}, TypeError, "expectations must be a missing.Expectations(filled, conditional_covariance); got str"),
    ([FILLED, np.zeros((2, 2))], {}, TypeError, "expectations must be a missing.Expectations"),
    (Expectations(FILLED, np.zeros((3, 3))), {}, ValueError,
     "expectations.conditional_covariance must have shape (2, 2), one row and column per feature"),
    (Expectations(FILLED, np.zeros(2)), {}, ValueError, "expectations.conditional_covariance must be a 2-d array"),
    (Expectations(np.where(FILLED > 4, np.nan, FILLED), np.zeros((2, 2))), {}, ValueError,
     "expectations.filled contains NaN"),
    (Expectations(FILLED, np.eye(2)), {"reg_covar": -1.0}, ValueError, "reg_covar must be at least 0"),
])
def test_bad_expectations_are_named(expectations, kwargs, error, message):
    with pytest.raises(error, match=re.escape(message)):
        missing.m_step(expectations, **kwargs)


# --------------------------------------------------------------------------
# Extreme values and the comparison of repairs
# --------------------------------------------------------------------------


def test_a_spread_beyond_float64_is_refused_without_overflow():
    X = np.array([[1e308, 0.0], [-1e308, 1.0], [0.0, 2.0]])
    with pytest.raises(ValueError, match=re.escape("so its squares overflow float64; rescale X")):
        missing.fit(X)


def test_compare_scores_each_repair_in_standard_units():
    """compare's numbers, recomputed by hand from the three repairs' own tables."""
    rng = np.random.default_rng(5)
    X = rng.multivariate_normal([1.0, -2.0, 30.0], [[1.0, 0.6, 3.0], [0.6, 2.0, 0.0], [3.0, 0.0, 25.0]], 400)
    X_hidden = missing.hide(X, 0.2, rng=6)
    repairs = missing.compare(X, X_hidden)
    assert list(repairs) == list(missing.REPAIRS)
    scale = X.std(axis=0)
    holes = np.isnan(X_hidden)

    complete = X_hidden[~holes.any(axis=1)]
    means = missing.mean_impute(X_hidden)
    em_params = missing.fit(X_hidden).params
    expected = {
        "drop incomplete rows": (complete.mean(axis=0), np.cov(complete.T, bias=True), None),
        "fill with means": (means.mean(axis=0), np.cov(means.T, bias=True), means),
        "EM": (em_params.mean, em_params.covariance, missing.impute(X_hidden, em_params)),
    }
    for name, (mean, covariance, filled) in expected.items():
        repair = repairs[name]
        np.testing.assert_allclose(repair.params.mean, mean, rtol=1e-12)
        np.testing.assert_allclose(repair.params.covariance, covariance, rtol=1e-12, atol=1e-12)
        assert repair.mean_error == pytest.approx(np.max(np.abs(mean - X.mean(axis=0)) / scale), rel=1e-9)
        truth = np.cov(X.T, bias=True)
        assert repair.covariance_error == pytest.approx(
            np.max(np.abs(covariance - truth) / np.outer(scale, scale)), rel=1e-9)
        if filled is None:
            assert repair.filled is None and repair.fill_error is None
        else:
            np.testing.assert_allclose(repair.filled, filled, rtol=1e-12)
            rms = np.sqrt(np.mean(((filled - X) / scale)[holes] ** 2))
            assert repair.fill_error == pytest.approx(rms, rel=1e-9)
    # mean filling gets the means right but shrinks the covariance; EM gets both
    assert repairs["EM"].covariance_error < repairs["fill with means"].covariance_error / 2
    assert repairs["EM"].fill_error < repairs["fill with means"].fill_error


def test_compare_leaves_out_dropping_rows_when_no_row_is_complete():
    X = np.arange(12.0).reshape(6, 2) + np.array([[0.0, 0.5]]) * np.arange(6)[:, None] ** 2
    X_hidden = X.copy()
    X_hidden[::2, 0] = np.nan
    X_hidden[1::2, 1] = np.nan
    assert list(missing.compare(X, X_hidden)) == ["fill with means", "EM"]


@pytest.mark.parametrize("X_hidden, error, message", [
    (lambda X: X[:4], ValueError, "X_hidden must have the shape of X, (6, 2); got (4, 2)"),
    (lambda X: X + 1.0, ValueError, "X_hidden must be X with some entries set to NaN; other entries differ"),
    (lambda X: np.where(X > 5, np.inf, X), ValueError, "X_hidden contains infinity"),
])
def test_compare_refuses_a_table_that_is_not_x_with_holes(X_hidden, error, message):
    X = np.c_[np.arange(6.0), np.arange(6.0) ** 2]
    with pytest.raises(error, match=re.escape(message)):
        missing.compare(X, X_hidden(X))


def test_compare_refuses_a_constant_column():
    X = np.c_[np.arange(6.0), np.ones(6)]
    with pytest.raises(ValueError, match=re.escape("X[:, 1] is constant: it has no standard units")):
        missing.compare(X, X)


def test_features_in_very_different_units_fit_like_standard_units():
    """EM is equivariant under rescaling features: the fit in grams and in tonnes is the same fit."""
    X = small_table(seed=8, n=60, d=3)
    units = np.array([1e-4, 1.0, 1e4])
    plain, scaled = missing.fit(X, tol=0, max_iter=30), missing.fit(X * units, tol=0, max_iter=30)
    np.testing.assert_allclose(scaled.params.mean, plain.params.mean * units, rtol=1e-9)
    np.testing.assert_allclose(scaled.params.covariance, plain.params.covariance * np.outer(units, units),
                               rtol=1e-8, atol=0)
    # the log-likelihood moves by the log of the Jacobian: sum over observed entries of log(unit)
    shift = -np.sum(~np.isnan(X) * np.log(units))
    np.testing.assert_allclose(scaled.log_likelihoods, plain.log_likelihoods + shift, rtol=1e-10)


def test_a_covariance_in_very_different_units_is_a_covariance():
    params = Params(np.zeros(2), np.diag([1e-9, 1e9]))
    expectations, log_likelihood = missing.e_step([[1e-5, np.nan]], params)
    assert expectations.filled[0, 1] == 0.0 and np.isfinite(log_likelihood)


def test_a_spread_too_small_for_float64_squares_is_refused():
    X = small_table() * 1e-200
    with pytest.raises(ValueError, match=re.escape("spreads over less than 1e-150, so its squares underflow")):
        missing.fit(X)


def test_parameters_too_far_from_the_data_are_an_error_not_minus_infinity():
    params = Params(np.array([1e150, 0.0]), 1e-10 * np.eye(2))
    with pytest.raises(ValueError, match=re.escape("params are so far from X")):
        missing.e_step([[-1e150, np.nan]], params)


def test_m_step_refuses_filled_rows_whose_squares_overflow():
    with pytest.raises(ValueError, match=re.escape("expectations.filled spreads over more than 1e+150")):
        missing.m_step(Expectations(np.array([[1e200, 0.0], [-1e200, 1.0]]), np.zeros((2, 2))))


@pytest.mark.parametrize("conditional_covariance", [
    np.array([[1.0, 0.5], [0.0, 1.0]]),    # not symmetric
    np.array([[-1.0, 0.0], [0.0, 1.0]]),   # a negative variance
])
def test_m_step_refuses_a_conditional_covariance_that_is_not_one(conditional_covariance):
    filled = np.array([[0.0, 1.0], [2.0, 0.0], [1.0, 3.0]])
    with pytest.raises(ValueError, match=re.escape(
            "expectations.conditional_covariance must be symmetric positive semidefinite")):
        missing.m_step(Expectations(filled, conditional_covariance))


def test_compare_names_x_hidden_and_passes_reg_covar():
    X = np.c_[np.arange(6.0), np.arange(6.0) ** 2]
    X_hidden = X.copy()
    X_hidden[:, 1] = np.nan
    with pytest.raises(ValueError, match=re.escape("X_hidden[:, 1] is entirely NaN")):
        missing.compare(X, X_hidden)
    few = np.random.default_rng(0).normal(size=(3, 5))  # 3 rows cannot determine a 5 x 5 covariance
    with pytest.raises(ValueError, match="covariance estimate is singular"):
        missing.compare(few, few)
    em_params = missing.compare(few, few, reg_covar=1e-3)["EM"].params
    np.testing.assert_allclose(em_params.covariance, np.cov(few.T, bias=True) + 1e-3 * np.eye(5), rtol=1e-12)
