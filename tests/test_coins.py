"""emlib.coins: the two-coin example checked exactly, laws of EM, long rows, bad input.

The numbers of the two-coin example (Do & Batzoglou, "What is the
expectation maximization algorithm?", Nature Biotechnology 26, 2008) are
recomputed here independently: with ``fractions.Fraction`` (exact) for one
step, and with 60-digit ``decimal`` arithmetic on plain probabilities (no
logarithms) for whole runs.  No expected value below was copied from emlib's
output; the figures the paper prints are checked against the exact values.
"""

import math
from decimal import ROUND_DOWN, Context, Decimal, localcontext
from fractions import Fraction

import numpy as np
import pytest

from emlib import coins, datasets, em

HEADS = [5, 9, 8, 4, 7]
TOSSES = 10
TRUE_COIN = [1, 0, 0, 1, 0]  # 0 = coin A (rows 2, 3, 5), 1 = coin B (rows 1, 4)
START = (0.6, 0.5)


# --------------------------------------------------------------------------
# Independent references
# --------------------------------------------------------------------------


def per_row(tosses, n_rows):
    return [int(tosses)] * n_rows if np.ndim(tosses) == 0 else [int(n) for n in tosses]


def fraction_resp(heads, tosses, theta, weights=None):
    """Responsibilities in exact rational arithmetic, for the exact values of the float inputs."""
    theta = [Fraction(t) for t in theta]
    weights = [Fraction(1, len(theta))] * len(theta) if weights is None else [Fraction(w) for w in weights]
    rows = []
    for h, n in zip(heads, per_row(tosses, len(heads))):
        joint = [w * t**h * (1 - t) ** (n - h) for w, t in zip(weights, theta)]
        rows.append([p / sum(joint) for p in joint])
    return rows


def decimal_context():
    """60 significant digits; a row of a million tosses has a probability near 10**-300000,
    below the default exponent range."""
    return localcontext(Context(prec=60, Emin=-(10**9), Emax=10**9))


def decimal_joint(heads, tosses, theta, weights):
    """``weights[j] * theta[j]**h * (1 - theta[j])**(n - h)``: plain probabilities, no logarithms."""
    return [
        [w * t ** int(h) * (1 - t) ** (int(n) - int(h)) for w, t in zip(weights, theta)]
        for h, n in zip(heads, per_row(tosses, len(heads)))
    ]


def decimal_resp(heads, tosses, theta, weights=None):
    """Responsibilities in 60-digit decimal arithmetic, as floats."""
    with decimal_context():
        theta = [Decimal(t) for t in theta]
        weights = [Decimal(1) / len(theta)] * len(theta) if weights is None else [Decimal(w) for w in weights]
        joint = decimal_joint(heads, tosses, theta, weights)
        return np.array([[float(p / sum(row)) for p in row] for row in joint])


def decimal_em(heads, tosses, theta0, n_iter):
    """EM with equal, fixed weights in 60-digit decimal arithmetic.

    Returns the thetas and the log-likelihoods (natural log, summed over the
    rows) at the start and after each of ``n_iter`` iterations, as floats.
    """
    thetas, log_likelihoods = [], []
    with decimal_context():
        theta = [Decimal(t) for t in theta0]
        weights = [Decimal(1) / len(theta)] * len(theta)
        n = per_row(tosses, len(heads))
        for iteration in range(n_iter + 1):
            joint = decimal_joint(heads, n, theta, weights)
            thetas.append([float(t) for t in theta])
            log_likelihoods.append(float(sum(sum(row).ln() for row in joint)))
            if iteration == n_iter:
                break
            resp = [[p / sum(row) for p in row] for row in joint]
            theta = [
                sum(r[j] * int(h) for r, h in zip(resp, heads)) / sum(r[j] * m for r, m in zip(resp, n))
                for j in range(len(theta))
            ]
    return np.array(thetas), np.array(log_likelihoods)


def truncated(x, digits):
    """``x`` cut (not rounded) to ``digits`` decimals, the way the paper prints its probabilities."""
    return Decimal(x).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_DOWN)


def one_hot(labels, k=2):
    return np.eye(k)[labels]


# --------------------------------------------------------------------------
# The two-coin example, step by step
# --------------------------------------------------------------------------


class TestTwoCoinsExample:
    def test_the_data_set(self):
        data = datasets.two_coins()
        assert data.heads.tolist() == [row.count("H") for row in data.sequences] == HEADS
        assert data.tosses.tolist() == [len(row) for row in data.sequences] == [TOSSES] * 5
        assert data.coin.tolist() == TRUE_COIN
        a, b = data.coin == 0, data.coin == 1
        assert (data.heads[a].sum(), data.tosses[a].sum()) == (24, 30)
        assert (data.heads[b].sum(), data.tosses[b].sum()) == (9, 20)
        for array in (data.heads, data.tosses, data.coin):
            with pytest.raises(ValueError, match="read-only"):
                array[0] = 3

    def test_complete_data_maximum_likelihood(self):
        data = datasets.two_coins()
        theta = coins.m_step(data.heads, data.tosses, one_hot(data.coin))
        np.testing.assert_allclose(theta, [float(Fraction(24, 30)), float(Fraction(9, 20))], rtol=0, atol=1e-15)
        assert theta.round(2).tolist() == [0.80, 0.45]
        # one number for every row, and the rows of the data set, give the same answer
        assert np.array_equal(coins.m_step(HEADS, TOSSES, one_hot(TRUE_COIN)), theta)

    def test_sequence_probabilities(self):
        p = np.exp(coins.row_log_likelihoods(HEADS, TOSSES, START))
        exact = {
            (0, 0): Fraction(3, 5) ** 5 * Fraction(2, 5) ** 5,  # row 1, coin A
            (0, 1): Fraction(1, 2) ** 10,  # row 1, coin B
            (1, 0): Fraction(3, 5) ** 9 * Fraction(2, 5),  # row 2, coin A
        }
        for (i, j), value in exact.items():
            assert p[i, j] == pytest.approx(float(value), rel=1e-15, abs=0)
        # the figures the paper prints are these values cut after the digits it shows
        assert truncated(p[0, 0], 5) == Decimal("0.00079")
        assert truncated(p[0, 1], 4) == Decimal("0.0009")
        assert truncated(p[1, 0], 3) == Decimal("0.004")
        # and the whole table: exp of a log of about -7 is good to a few units in the last place
        table = [[float(Fraction(t) ** h * (1 - Fraction(t)) ** (TOSSES - h)) for t in START] for h in HEADS]
        np.testing.assert_allclose(p, table, rtol=4e-15, atol=0)

    def test_first_e_step(self):
        resp = coins.e_step(HEADS, TOSSES, START)
        exact = np.array([[float(r) for r in row] for row in fraction_resp(HEADS, TOSSES, START)])
        assert resp[:2].round(2).tolist() == [[0.45, 0.55], [0.80, 0.20]]  # the paper's first two rows
        assert np.array_equal(resp.round(4), exact.round(4))
        np.testing.assert_allclose(resp, exact, rtol=0, atol=1e-12)
        assert resp.shape == (5, 2)

    def test_expected_counts(self):
        resp = coins.e_step(HEADS, TOSSES, START)
        counts = coins.expected_counts(HEADS, TOSSES, resp)
        assert isinstance(counts, coins.Counts)
        exact = fraction_resp(HEADS, TOSSES, START)
        exact_heads = [[r * h for r in row] for row, h in zip(exact, HEADS)]
        exact_tails = [[r * (TOSSES - h) for r in row] for row, h in zip(exact, HEADS)]
        np.testing.assert_allclose(counts.heads, np.array(exact_heads, dtype=float), rtol=0, atol=1e-12)
        np.testing.assert_allclose(counts.tails, np.array(exact_tails, dtype=float), rtol=0, atol=1e-12)
        # totals from the unrounded responsibilities: A 21.3 H 8.6 T, B 11.7 H 8.4 T
        assert counts.heads.sum(axis=0).round(1).tolist() == [21.3, 11.7]
        assert counts.tails.sum(axis=0).round(1).tolist() == [8.6, 8.4]
        for column in (0, 1):
            assert counts.heads.sum(axis=0)[column] == pytest.approx(
                float(sum(row[column] for row in exact_heads)), abs=1e-12)
            assert counts.tails.sum(axis=0)[column] == pytest.approx(
                float(sum(row[column] for row in exact_tails)), abs=1e-12)
        # the paper's per-row figures, and what they add up to once rounded first
        assert counts.heads.round(1).T.tolist() == [[2.2, 7.2, 5.9, 1.4, 4.5], [2.8, 1.8, 2.1, 2.6, 2.5]]
        assert counts.tails.round(1).T.tolist() == [[2.2, 0.8, 1.5, 2.1, 1.9], [2.8, 0.2, 0.5, 3.9, 1.1]]
        assert counts.heads.round(1).sum(axis=0).round(1).tolist() == [21.2, 11.8]
        assert counts.tails.round(1).sum(axis=0).round(1).tolist() == [8.5, 8.5]

    def test_first_m_step(self):
        theta = coins.m_step(HEADS, TOSSES, coins.e_step(HEADS, TOSSES, START))
        exact = fraction_resp(HEADS, TOSSES, START)
        expected = [
            float(sum(row[j] * h for row, h in zip(exact, HEADS)) / sum(row[j] * TOSSES for row in exact))
            for j in (0, 1)
        ]
        np.testing.assert_allclose(theta, expected, rtol=0, atol=1e-12)
        assert theta.round(2).tolist() == [0.71, 0.58]

    def test_ten_iterations(self):
        result = coins.fit(HEADS, TOSSES, list(START), max_iter=10, tol=0)
        assert result.n_iter == 10 and not result.converged and len(result.history) == 11
        assert result.params.theta.round(2).tolist() == [0.80, 0.52]
        thetas, log_likelihoods = decimal_em(HEADS, TOSSES, START, 10)
        np.testing.assert_allclose(result.params.theta, thetas[-1], rtol=0, atol=1e-10)
        assert result.history[0].params.theta.tolist() == list(START)
        for step, theta, log_likelihood in zip(result.history, thetas, log_likelihoods):
            np.testing.assert_allclose(step.params.theta, theta, rtol=0, atol=1e-10)
            assert step.params.weights.tolist() == [0.5, 0.5]
            assert step.log_likelihood == pytest.approx(log_likelihood, rel=1e-12)
        assert result.log_likelihood == result.history[-1].log_likelihood

    def test_generic_driver_with_the_public_steps_agrees_with_fit(self):
        def e_step(theta):
            return coins.e_step(HEADS, TOSSES, theta), coins.log_likelihood(HEADS, TOSSES, theta)

        def m_step(resp, theta):
            return coins.m_step(HEADS, TOSSES, resp)

        n_rows = len(HEADS)
        for driver_kwargs, fit_kwargs in [({"max_iter": 30, "tol": 0}, {"max_iter": 30, "tol": 0}),
                                          ({"tol": 1e-8 * n_rows}, {})]:   # fit's tol is per row
            by_hand = em.run(np.array(START), e_step, m_step, **driver_kwargs)
            fitted = coins.fit(HEADS, TOSSES, START, **fit_kwargs)
            assert (by_hand.n_iter, by_hand.converged) == (fitted.n_iter, fitted.converged)
            for ours, theirs in zip(by_hand.history, fitted.history, strict=True):
                np.testing.assert_allclose(ours.params, theirs.params.theta, rtol=0, atol=1e-12)
                assert ours.log_likelihood == pytest.approx(theirs.log_likelihood, rel=0, abs=1e-12)

    def test_log_likelihood_of_the_start(self):
        _, log_likelihoods = decimal_em(HEADS, TOSSES, START, 0)
        assert coins.log_likelihood(HEADS, TOSSES, START) == pytest.approx(log_likelihoods[0], rel=1e-13)
        weights = (0.3, 0.7)
        exact = sum(
            math.log(sum(w * t**h * (1 - t) ** (TOSSES - h) for w, t in zip(weights, START))) for h in HEADS
        )
        assert coins.log_likelihood(HEADS, TOSSES, START, weights) == pytest.approx(exact, rel=1e-13)

    def test_fit_returns_read_only_params(self):
        result = coins.fit(HEADS, TOSSES, START)
        assert isinstance(result.params, coins.Params)
        for array in (*result.params, *result.history[0].params):
            with pytest.raises(ValueError, match="read-only"):
                array[0] = 0.5


# --------------------------------------------------------------------------
# Laws of EM
# --------------------------------------------------------------------------


class TestLaws:
    def test_each_history_entry_has_the_log_likelihood_of_its_params(self):
        for estimate_weights in (False, True):
            result = coins.fit(HEADS, TOSSES, START, weights0=[0.3, 0.7], estimate_weights=estimate_weights)
            assert result.history[0].params.weights.tolist() == [0.3, 0.7]
            for step in result.history:
                assert step.log_likelihood == pytest.approx(
                    coins.log_likelihood(HEADS, TOSSES, *step.params), rel=1e-13)

    def test_the_start_on_the_diagonal_goes_to_the_pooled_fraction(self):
        pooled = 33 / 50  # 33 heads in 50 tosses
        result = coins.fit(HEADS, TOSSES, [0.3, 0.3])
        np.testing.assert_allclose(result.params.theta, [pooled, pooled], rtol=0, atol=1e-15)
        assert result.converged and result.n_iter == 2
        for step in result.history:
            assert step.params.theta[0] == step.params.theta[1]
        # already at the pooled fraction: one iteration changes nothing
        there = coins.fit(HEADS, TOSSES, [pooled, pooled])
        assert there.converged and there.n_iter == 1
        np.testing.assert_allclose(there.params.theta, [pooled, pooled], rtol=0, atol=1e-15)
        assert all(step.params.theta[0] == step.params.theta[1] for step in there.history)

    def test_swapping_the_start_swaps_the_coins(self):
        forward = coins.fit(HEADS, TOSSES, [0.6, 0.5])
        backward = coins.fit(HEADS, TOSSES, [0.5, 0.6])
        assert forward.n_iter == backward.n_iter
        np.testing.assert_allclose(backward.params.theta, forward.params.theta[::-1], rtol=0, atol=1e-10)
        assert backward.log_likelihood == pytest.approx(forward.log_likelihood, abs=1e-10)
        assert forward.params.theta[0] > forward.params.theta[1]

    def test_estimated_weights(self):
        fixed = coins.fit(HEADS, TOSSES, START, tol=1e-12)
        free = coins.fit(HEADS, TOSSES, START, estimate_weights=True, tol=1e-12)
        assert free.converged
        for step in free.history:
            assert step.params.weights.sum() == pytest.approx(1.0, abs=1e-15)
        resp = coins.e_step(HEADS, TOSSES, *free.params)
        np.testing.assert_allclose(free.params.weights, resp.mean(axis=0), rtol=0, atol=1e-6)
        assert free.log_likelihood >= fixed.log_likelihood  # more freedom, never worse from this start
        # the weights' M-step in exact arithmetic, at the fitted thetas: a fixed point
        exact = fraction_resp(HEADS, TOSSES, free.params.theta, free.params.weights)
        exact_weights = [float(sum(row[j] for row in exact) / len(exact)) for j in range(2)]
        np.testing.assert_allclose(free.params.weights, exact_weights, rtol=0, atol=1e-6)
        assert abs(free.params.weights[0] - 0.5) > 0.01

    def test_estimated_weights_after_one_step_are_the_mean_responsibilities(self):
        result = coins.fit(HEADS, TOSSES, START, weights0=[0.25, 0.75], estimate_weights=True, max_iter=1, tol=0)
        resp = coins.e_step(HEADS, TOSSES, START, [0.25, 0.75])
        np.testing.assert_allclose(result.params.weights, resp.mean(axis=0), rtol=1e-13)
        np.testing.assert_allclose(result.params.theta, coins.m_step(HEADS, TOSSES, resp), rtol=1e-13)

    def test_three_coins(self):
        heads = [1, 2, 5, 6, 9, 10, 0, 3]
        result = coins.fit(heads, 10, [0.2, 0.5, 0.8], tol=0, max_iter=10)
        assert result.params.theta.shape == result.params.weights.shape == (3,)
        assert np.all(np.diff(result.log_likelihoods) >= -1e-12)
        thetas, log_likelihoods = decimal_em(heads, 10, [0.2, 0.5, 0.8], 10)
        np.testing.assert_allclose([step.params.theta for step in result.history], thetas, rtol=0, atol=1e-10)
        np.testing.assert_allclose(result.log_likelihoods, log_likelihoods, rtol=1e-12)
        resp = coins.e_step(heads, 10, [0.2, 0.5, 0.8])
        assert resp.shape == (8, 3)
        exact = np.array(fraction_resp(heads, 10, [0.2, 0.5, 0.8]), dtype=float)
        np.testing.assert_allclose(resp, exact, rtol=0, atol=1e-12)

    def test_rows_of_different_lengths(self):
        heads, tosses = [3, 40, 7, 150], [5, 50, 20, 200]
        result = coins.fit(heads, tosses, [0.4, 0.7], tol=0, max_iter=8)
        thetas, log_likelihoods = decimal_em(heads, tosses, [0.4, 0.7], 8)
        np.testing.assert_allclose([step.params.theta for step in result.history], thetas, rtol=0, atol=1e-10)
        np.testing.assert_allclose(result.log_likelihoods, log_likelihoods, rtol=1e-12)
        exact = np.array(fraction_resp(heads, tosses, [0.4, 0.7], [0.2, 0.8]), dtype=float)
        np.testing.assert_allclose(coins.e_step(heads, tosses, [0.4, 0.7], [0.2, 0.8]), exact, rtol=0, atol=1e-12)

    def test_one_number_of_tosses_for_every_row(self):
        for tosses in (10, np.int64(10), 10.0, np.array(10)):
            shared = coins.fit(HEADS, tosses, START)
            spelled_out = coins.fit(HEADS, [10] * 5, START)
            assert shared.log_likelihoods.tolist() == spelled_out.log_likelihoods.tolist()
            assert shared.params.theta.tolist() == spelled_out.params.theta.tolist()
            assert np.array_equal(coins.e_step(HEADS, tosses, START), coins.e_step(HEADS, [10] * 5, START))

    def test_inputs_are_not_changed(self):
        heads, tosses, theta0 = np.array(HEADS, dtype=float), np.full(5, 10.0), np.array(START)
        before = heads.copy(), tosses.copy(), theta0.copy()
        coins.fit(heads, tosses, theta0, estimate_weights=True)
        for array, copy in zip((heads, tosses, theta0), before):
            assert np.array_equal(array, copy) and array.flags.writeable

    def test_callback(self):
        seen = []
        result = coins.fit(HEADS, TOSSES, START, max_iter=5, tol=0, callback=lambda t, step: seen.append((t, step)))
        assert [t for t, _ in seen] == [1, 2, 3, 4, 5]
        assert all(step is result.history[t] for t, step in seen)


# --------------------------------------------------------------------------
# Long rows: logarithms instead of underflow
# --------------------------------------------------------------------------


class TestLongRows:
    def test_the_naive_computation_underflows(self):
        assert 0.6**500_000 == 0.0 and 0.5**1_000_000 == 0.0
        a = np.float64(0.5) ** 500_300 * np.float64(0.5) ** 499_700
        b = np.float64(0.5005) ** 500_300 * np.float64(0.4995) ** 499_700
        with np.errstate(invalid="ignore"):
            assert np.isnan(a / (a + b))  # 0 / 0
        # already at a thousand tosses
        assert 0.2**500 * 0.8**500 == 0.0

    @pytest.mark.parametrize(
        "heads, tosses, theta",
        [
            ([499_700, 500_000, 500_300, 500_600, 501_000], 1_000_000, [0.5, 0.5005]),
            ([480, 500, 520, 610, 700], 1000, [0.2, 0.3]),
            ([100, 480, 900], 1000, [0.1, 0.5, 0.9]),
        ],
    )
    def test_responsibilities_are_exact(self, heads, tosses, theta):
        resp = coins.e_step(heads, tosses, theta)
        expected = decimal_resp(heads, tosses, theta)
        assert not np.any(np.isnan(resp))
        np.testing.assert_allclose(resp, expected, rtol=1e-9, atol=0)
        np.testing.assert_allclose(resp.sum(axis=1), 1.0, rtol=0, atol=1e-15)

    def test_a_million_tosses_give_responsibilities_strictly_between_0_and_1(self):
        resp = coins.e_step([499_700, 500_000, 500_300, 500_600], 1_000_000, [0.5, 0.5005])
        assert np.all((resp > 0.01) & (resp < 0.99))
        assert np.all(np.diff(resp[:, 1]) > 0)  # more heads, more likely the coin with more heads

    def test_fit_on_a_million_tosses_matches_decimal_em(self):
        heads = [499_700, 500_000, 500_300, 500_600]
        result = coins.fit(heads, 1_000_000, [0.5, 0.5005], max_iter=6, tol=0)
        thetas, log_likelihoods = decimal_em(heads, 1_000_000, [0.5, 0.5005], 6)
        assert np.all(np.isfinite(result.log_likelihoods))
        assert np.all(np.diff(result.log_likelihoods) >= -1e-9 * np.abs(result.log_likelihoods[1:]))
        np.testing.assert_allclose([step.params.theta for step in result.history], thetas, rtol=0, atol=1e-10)
        np.testing.assert_allclose(result.log_likelihoods, log_likelihoods, rtol=1e-12)

    @pytest.mark.parametrize("estimate_weights", [False, True])
    def test_a_coin_whose_responsibilities_all_underflow(self, estimate_weights):
        heads, tosses = [500_000, 500_000], 1_000_000
        resp = coins.e_step(heads, tosses, [0.5, 0.01])
        assert resp[:, 1].tolist() == [0.0, 0.0]  # below the smallest float
        result = coins.fit(heads, tosses, [0.5, 0.01], estimate_weights=estimate_weights)
        ll = result.log_likelihoods
        assert np.all(np.isfinite(ll)) and np.all(np.diff(ll) >= -1e-9 * np.abs(ll[1:]))
        for step in result.history:
            assert np.all(np.isfinite(step.params.theta)) and np.all(np.isfinite(step.params.weights))
        # both rows are 50 % heads, so the coin that explains them sits at 0.5
        assert result.params.theta[0] == 0.5
        # the other coin still got its (tiny, equal) share of both rows: 0.5 as well
        assert result.params.theta[1] == 0.5
        with decimal_context():
            best = float(2 * (Decimal(1_000_000) * Decimal(0.5).ln()))  # both rows at theta = 0.5
        assert result.log_likelihood == pytest.approx(best, rel=1e-13)
        if estimate_weights:
            assert result.params.weights.tolist() == [1.0, 0.0]  # exp(-1.6e6) is 0 in float64


    def test_tiny_row_probabilities_give_the_exact_log_likelihood(self):
        """0.01**1000 and 0.02**1000 are far below the smallest float: the sum must be taken in log space."""
        with decimal_context():
            only_b = float(1000 * Decimal("0.01").ln())
            mixed = float((Decimal("0.5") * Decimal("0.01") ** 1000 + Decimal("0.5") * Decimal("0.02") ** 1000).ln())
            share_a = float(1 / (1 + Decimal(2) ** 1000))
        assert coins.log_likelihood([1000], 1000, [1.0, 0.01], weights=[0.0, 1.0]) == pytest.approx(only_b, rel=1e-14)
        assert coins.log_likelihood([1000], 1000, [0.01, 0.02]) == pytest.approx(mixed, rel=1e-14)
        assert coins.e_step([1000], 1000, [0.01, 0.02])[0, 0] == pytest.approx(share_a, rel=1e-12)

    def test_a_coin_left_with_no_responsibility_keeps_its_theta(self):
        """Not 0.5, not the other coin's: the rows are at 60 % heads, so a reset would show."""
        result = coins.fit([600_000] * 2, 1_000_000, [0.5, 0.01], estimate_weights=True, tol=0, max_iter=3)
        first = result.history[1].params  # coin B's tiny but nonzero shares of both rows: their 60 %
        assert first.theta.tolist() == [0.6, 0.6] and first.weights.tolist() == [1.0, 0.0]
        for step in result.history[2:]:  # weight 0: no responsibility at all, theta kept
            assert step.params.theta.tolist() == [0.6, 0.6]


# --------------------------------------------------------------------------
# Binomial coefficients and stacks of thetas
# --------------------------------------------------------------------------


class TestBinomialCoefficient:
    @pytest.mark.parametrize(
        "heads, tosses",
        [
            (HEADS, [TOSSES] * 5),
            ([0, 3, 255, 256, 1000, 7], [3, 300, 256, 1000, 2000, 7]),  # around the table's end (255)
            ([1234, 10_000], [20_000, 20_000]),
        ],
    )
    def test_exact_combinations(self, heads, tosses):
        theta = [0.3, 0.55]
        gap = (coins.log_likelihood(heads, tosses, theta, binomial_coefficient=True)
               - coins.log_likelihood(heads, tosses, theta))
        expected = sum(math.log(math.comb(n, h)) for h, n in zip(heads, tosses))
        assert gap == pytest.approx(expected, rel=1e-12, abs=1e-12)
        rows = (coins.row_log_likelihoods(heads, tosses, theta, binomial_coefficient=True)
                - coins.row_log_likelihoods(heads, tosses, theta))
        per_row = [math.log(math.comb(n, h)) for h, n in zip(heads, tosses)]
        np.testing.assert_allclose(rows, np.column_stack([per_row, per_row]), rtol=1e-12, atol=1e-10)

    def test_a_million_tosses_against_lgamma(self):
        heads, tosses = [500_000, 300_000, 1, 999_999, 1_000_000], [10**6] * 5
        theta = [0.3, 0.55]
        gap = (coins.log_likelihood(heads, tosses, theta, binomial_coefficient=True)
               - coins.log_likelihood(heads, tosses, theta))
        expected = math.fsum(
            math.lgamma(n + 1) - math.lgamma(h + 1) - math.lgamma(n - h + 1) for h, n in zip(heads, tosses)
        )
        assert gap == pytest.approx(expected, rel=1e-12)
        # log comb(10**6, 1) = log(10**6) exactly enough to check the small ones too
        rows = (coins.row_log_likelihoods(heads, tosses, theta, binomial_coefficient=True)
                - coins.row_log_likelihoods(heads, tosses, theta))[:, 0]
        assert rows[2] == pytest.approx(math.log(10**6), rel=1e-12)   # (differences of logs near -7e5)
        assert rows[3] == pytest.approx(math.log(10**6), rel=1e-12)
        assert rows[4] == 0.0

    @pytest.mark.parametrize("n", [10**6, 10**7, 10**9, 10**12])
    def test_few_heads_in_very_long_rows_lose_no_precision(self, n):
        """comb(n, h) for small h from its closed form: two huge log-factorials must not cancel."""
        rows = coins._log_binomial(np.array([1.0, 2, 3, n - 2]), np.full(4, float(n)))
        exact = [math.log(n), math.log(n * (n - 1) // 2), math.log(n * (n - 1) * (n - 2) // 6),
                 math.log(n * (n - 1) // 2)]
        np.testing.assert_allclose(rows, exact, rtol=1e-14)

    def test_the_responsibilities_do_not_change(self):
        def normalised(log_prob):
            p = np.exp(log_prob - log_prob.max(axis=1, keepdims=True))
            return p / p.sum(axis=1, keepdims=True)

        for heads, tosses in [(HEADS, TOSSES), ([3, 600, 1000], [1000, 1000, 2000])]:
            plain = normalised(coins.row_log_likelihoods(heads, tosses, [0.3, 0.55]))
            counted = normalised(coins.row_log_likelihoods(heads, tosses, [0.3, 0.55], binomial_coefficient=True))
            np.testing.assert_allclose(counted, plain, rtol=1e-9, atol=1e-300)
            np.testing.assert_allclose(plain, coins.e_step(heads, tosses, [0.3, 0.55]), rtol=1e-9, atol=1e-300)

    def test_probabilities_of_the_counts_sum_to_one(self):
        # with the coefficient, the rows 0..n heads of one coin are a whole distribution
        n = 12
        log_prob = coins.row_log_likelihoods(np.arange(n + 1), n, [0.37], binomial_coefficient=True)
        assert np.exp(log_prob).sum() == pytest.approx(1.0, abs=1e-14)


class TestStackedTheta:
    def test_a_grid_equals_the_point_by_point_calls(self):
        a, b = np.meshgrid(np.linspace(0.05, 0.95, 4), np.linspace(0.1, 0.9, 3), indexing="ij")
        grid = np.stack([a, b], axis=-1)
        assert grid.shape == (4, 3, 2)
        for kwargs in ({}, {"weights": [0.3, 0.7]}, {"binomial_coefficient": True}):
            values = coins.log_likelihood(HEADS, TOSSES, grid, **kwargs)
            assert isinstance(values, np.ndarray) and values.shape == (4, 3)
            expected = [[coins.log_likelihood(HEADS, TOSSES, grid[i, j], **kwargs) for j in range(3)]
                        for i in range(4)]
            np.testing.assert_allclose(values, expected, rtol=1e-14)

    def test_a_single_theta_gives_a_float(self):
        value = coins.log_likelihood(HEADS, TOSSES, START)
        assert type(value) is float


# --------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------

GOOD_RESP = [[0.5, 0.5], [0.5, 0.5]]

COUNT_CALLS = {
    "e_step": lambda heads, tosses: coins.e_step(heads, tosses, [0.6, 0.5]),
    "m_step": lambda heads, tosses: coins.m_step(heads, tosses, GOOD_RESP),
    "expected_counts": lambda heads, tosses: coins.expected_counts(heads, tosses, GOOD_RESP),
    "log_likelihood": lambda heads, tosses: coins.log_likelihood(heads, tosses, [0.6, 0.5]),
    "row_log_likelihoods": lambda heads, tosses: coins.row_log_likelihoods(heads, tosses, [0.6, 0.5]),
    "fit": lambda heads, tosses: coins.fit(heads, tosses, [0.6, 0.5]),
}


@pytest.mark.parametrize(
    "heads, tosses, error, message",
    [
        ([5, 12], 10, ValueError, "heads must not exceed tosses; row 1 has 12 heads in 10 tosses"),
        ([5, 3], [10, 2], ValueError, "heads must not exceed tosses; row 1 has 3 heads in 2 tosses"),
        ([5, -1], 10, ValueError, "heads must not be negative; row 1 has -1"),
        ([5, 0], [10, 0], ValueError, "tosses must be at least 1 in every row; row 1 has 0"),
        ([5, 0], 0, ValueError, "tosses must be at least 1 in every row; row 0 has 0"),
        ([5, 2.5], 10, ValueError, r"heads must hold whole numbers \(counts\); entry 1 is .*2\.5"),
        ([5, 2], [10, 10.5], ValueError, r"tosses must hold whole numbers \(counts\); entry 1 is .*10\.5"),
        ([True, False], 10, TypeError, r"heads must hold counts \(whole numbers\); got booleans"),
        (np.array([1, 0], dtype=bool), 10, TypeError, r"heads must hold counts \(whole numbers\); got booleans"),
        ([5, 2], True, TypeError, r"tosses must hold counts \(whole numbers\); got booleans"),
        ([5, 2], [True, True], TypeError, r"tosses must hold counts \(whole numbers\); got booleans"),
        ("55", 10, TypeError, r"heads must be an array of real numbers; got '55' \(str\)"),
        (None, 10, TypeError, r"heads must be an array of real numbers; got None \(NoneType\)"),
        ([5, 2], None, TypeError, r"tosses must be an array of real numbers; got None \(NoneType\)"),
        ([5, 2], "10", TypeError, r"tosses must be an array of real numbers; got '10' \(str\)"),
        (["5", "2"], 10, TypeError, "heads must hold real numbers; got an array of dtype <U1"),
        ([5, 2], [10, 10, 10], ValueError,
         r"heads and tosses must have the same length \(one entry per row\); got 2 and 3"),
        ([[5, 2]], 10, ValueError,
         r"heads must be a 1-d array of shape \(n_rows,\); got a 2-d array of shape \(1, 2\)"),
        (5, 10, ValueError, r"heads must be a 1-d array of shape \(n_rows,\); got a 0-d array"),
        ([5, 2], [[10, 10]], ValueError, r"tosses must be a 1-d array of shape \(n_rows,\); got a 2-d array"),
        ([5, np.nan], 10, ValueError, "heads contains NaN; every entry must be finite"),
        ([5, 2], [10, np.inf], ValueError, "tosses contains infinity; every entry must be finite"),
        ([], 10, ValueError, r"heads must not be empty; got shape \(0,\)"),
    ],
)
@pytest.mark.parametrize("call", COUNT_CALLS)
def test_bad_counts(call, heads, tosses, error, message):
    with pytest.raises(error, match=message):
        COUNT_CALLS[call](heads, tosses)


THETA_CALLS = {
    "e_step": lambda theta: coins.e_step(HEADS, TOSSES, theta),
    "log_likelihood": lambda theta: coins.log_likelihood(HEADS, TOSSES, theta),
    "row_log_likelihoods": lambda theta: coins.row_log_likelihoods(HEADS, TOSSES, theta),
    "fit": lambda theta: coins.fit(HEADS, TOSSES, theta),
}
BETWEEN = r"must lie between 0 and 1 \(a probability of heads\); got "
STRICTLY = r"must lie strictly between 0 and 1: EM never moves a coin that starts at 0 or 1; got "


@pytest.mark.parametrize(
    "theta, error, message",
    [
        ([-0.1, 0.5], ValueError, "OUTSIDE" + r"-0\.1$"),
        ([0.5, 1.2], ValueError, "OUTSIDE" + r"1\.2$"),
        ([0.5, np.nan], ValueError, "contains NaN; every entry must be finite"),
        ([], ValueError, r"must not be empty; got shape \(0,\)"),
        (None, TypeError, r"must be an array of real numbers; got None \(NoneType\)"),
        ("0.5", TypeError, r"must be an array of real numbers; got '0.5' \(str\)"),
        (0.5, ValueError, r"must be a 1-d array of shape \(k,\), one per coin; got a 0-d array"),
    ],
)
@pytest.mark.parametrize("call", THETA_CALLS)
def test_bad_theta(call, theta, error, message):
    name = "theta0" if call == "fit" else "theta"
    message = message.replace("OUTSIDE", STRICTLY if call == "fit" else BETWEEN)
    with pytest.raises(error, match=f"^{name} {message}"):
        THETA_CALLS[call](theta)


@pytest.mark.parametrize("theta, value", [([0.0, 0.5], r"0\.0$"), ([0.6, 1.0], r"1\.0$")])
def test_a_start_on_the_boundary_is_refused(theta, value):
    with pytest.raises(ValueError, match="^theta0 " + STRICTLY + value):
        coins.fit(HEADS, TOSSES, theta)


@pytest.mark.parametrize("theta0", [[0.6], np.array([0.6])])
def test_a_mixture_needs_at_least_two_coins(theta0):
    with pytest.raises(ValueError, match=r"^theta0 must have one entry per coin, at least 2 for a mixture; got 1$"):
        coins.fit(HEADS, TOSSES, theta0)


def test_tol_is_per_row():
    """Stopping at tol per row: the same rows repeated stop after the same iteration."""
    once = coins.fit(HEADS, TOSSES, START, tol=1e-6)
    ten_times = coins.fit(HEADS * 10, TOSSES, START, tol=1e-6)
    assert once.n_iter == ten_times.n_iter
    gains = np.abs(np.diff(once.log_likelihoods))
    assert gains[-1] < 1e-6 * len(HEADS) <= gains[-2]


def test_a_start_very_near_the_diagonal_can_stop_at_the_saddle():
    """converged means the log-likelihood stopped changing, not that a maximum was reached."""
    near = coins.fit(HEADS, TOSSES, [0.5, 0.5 + 1e-5])
    assert near.converged and np.allclose(near.params.theta, 33 / 50, atol=1e-4)
    farther = coins.fit(HEADS, TOSSES, [0.5, 0.5 + 1e-3])
    assert farther.converged and farther.log_likelihood > near.log_likelihood + 0.4


def test_the_boundary_can_be_evaluated():
    # a coin that cannot show tails: only all-heads rows are possible under it
    log_rows = coins.row_log_likelihoods([10, 9], 10, [1.0, 0.5])
    assert log_rows[0, 0] == 0.0 and log_rows[1, 0] == -np.inf
    resp = coins.e_step([10, 9], 10, [1.0, 0.5])
    assert resp[1].tolist() == [0.0, 1.0] and np.isclose(resp[0, 0], 1 / (1 + 0.5**10))
    assert coins.log_likelihood([10, 3], 10, [1.0, 0.0]) == -np.inf   # row 2 is impossible


def test_a_row_impossible_under_every_coin_is_an_error_in_the_e_step():
    with pytest.raises(ValueError, match=r"^row 1 \(3 heads in 10 tosses\) has probability 0 under every coin "
                                         r"\(theta = \[1.0, 0.0\], weights = \[0.5, 0.5\]\)$"):
        coins.e_step([10, 3], 10, [1.0, 0.0])


@pytest.mark.parametrize("call", ["e_step", "row_log_likelihoods", "fit"])
def test_two_dimensional_theta(call):
    name = "theta0" if call == "fit" else "theta"
    with pytest.raises(ValueError, match=rf"^{name} must be a 1-d array of shape \(k,\), one per coin; "
                                         r"got a 2-d array of shape \(1, 2\)"):
        THETA_CALLS[call]([[0.6, 0.5]])


def test_a_stack_of_thetas_is_checked_entry_by_entry():
    with pytest.raises(ValueError, match="theta " + BETWEEN + r"1\.5$"):
        coins.log_likelihood(HEADS, TOSSES, [[0.1, 0.5], [0.2, 1.5]])


WEIGHT_CALLS = {
    "e_step": lambda weights: coins.e_step(HEADS, TOSSES, START, weights),
    "log_likelihood": lambda weights: coins.log_likelihood(HEADS, TOSSES, START, weights),
    "fit": lambda weights: coins.fit(HEADS, TOSSES, START, weights0=weights),
}


@pytest.mark.parametrize(
    "weights, error, message",
    [
        ([1.0], ValueError, r"must have one entry per coin \(k = 2\); got 1"),
        ([0.2, 0.3, 0.5], ValueError, r"must have one entry per coin \(k = 2\); got 3"),
        ([0.5, 0.6], ValueError, "must sum to 1; got sum .*1.1"),
        ([0.2, 0.2], ValueError, "must sum to 1; got sum .*0.4"),
        ([1.5, -0.5], ValueError, r"must be NONNEGATIVE; got \[1.5, -0.5\]"),
        ([0.5, np.nan], ValueError, "contains NaN"),
        ([[0.5, 0.5]], ValueError, r"must be a 1-d array of shape \(k,\), one per coin; got a 2-d array"),
        ("equal", TypeError, "must be an array of real numbers; got 'equal'"),
    ],
)
@pytest.mark.parametrize("call", WEIGHT_CALLS)
def test_bad_weights(call, weights, error, message):
    name = "weights0" if call == "fit" else "weights"
    rule = "positive: a coin that starts with weight 0 keeps it" if call == "fit" else "non-negative"
    message = message.replace("NONNEGATIVE", rule)
    with pytest.raises(error, match=f"^{name} {message}"):
        WEIGHT_CALLS[call](weights)


def test_a_zero_weight_can_be_evaluated_but_not_started_from():
    assert coins.e_step(HEADS, TOSSES, START, [1.0, 0.0])[:, 1].tolist() == [0.0] * 5
    with pytest.raises(ValueError, match=r"^weights0 must be positive: a coin that starts with weight 0 keeps it; "
                                         r"got \[1.0, 0.0\]$"):
        coins.fit(HEADS, TOSSES, START, weights0=[1.0, 0.0])


def test_weights_summing_to_one_up_to_rounding_are_fine():
    thirds = [0.7, 0.2, 0.1]  # sums to 0.9999999999999999 in floating point
    assert sum(thirds) != 1.0
    assert coins.e_step(HEADS, TOSSES, [0.2, 0.5, 0.8], thirds).shape == (5, 3)


@pytest.mark.parametrize(
    "resp, error, message",
    [
        ([[1.0, 0.0]] * 4, ValueError, r"resp must have one row per row of heads \(5\); got shape \(4, 2\)"),
        ([[0.5, 0.6]] + [[0.5, 0.5]] * 4, ValueError, "each row of resp must sum to 1; row 0 sums to .*1.1"),
        ([[0.5, 0.5]] * 4 + [[0.2, 0.2]], ValueError, "each row of resp must sum to 1; row 4 sums to .*0.4"),
        ([[1.5, -0.5]] + [[0.5, 0.5]] * 4, ValueError, "resp must hold probabilities between 0 and 1"),
        ([[np.nan, 0.5]] + [[0.5, 0.5]] * 4, ValueError, "resp contains NaN"),
        ([0.5] * 5, ValueError, r"resp must be a 2-d array of shape \(n_rows, k\); got a 1-d array"),
        (None, TypeError, "resp must be an array of real numbers; got None"),
    ],
)
@pytest.mark.parametrize("call", ["m_step", "expected_counts"])
def test_bad_resp(call, resp, error, message):
    function = getattr(coins, call)
    with pytest.raises(error, match=message):
        function(HEADS, TOSSES, resp)


def test_m_step_needs_every_coin_to_have_a_row():
    with pytest.raises(ValueError, match=r"resp gives coin 1 no row at all \(its column is all 0\), "
                                         "so its theta is undefined"):
        coins.m_step(HEADS, TOSSES, [[1.0, 0.0]] * 5)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"max_iter": -1}, ValueError, "max_iter must be at least 0; got -1"),
        ({"max_iter": 10.0}, TypeError, r"max_iter must be an integer; got 10.0 \(float\)"),
        ({"max_iter": True}, TypeError, r"max_iter must be an integer; got True \(bool\)"),
        ({"tol": -1e-3}, ValueError, "tol must be at least 0.0; got -0.001"),
        ({"tol": np.nan}, ValueError, "tol must be finite; got nan"),
        ({"tol": "small"}, TypeError, "tol must be a real number; got 'small'"),
        ({"callback": "print"}, TypeError, "callback must be a function or None; got str"),
    ],
)
def test_bad_fit_arguments(kwargs, error, message):
    with pytest.raises(error, match=message):
        coins.fit(HEADS, TOSSES, START, **kwargs)


def test_max_iter_zero_returns_the_start():
    result = coins.fit(HEADS, TOSSES, START, max_iter=0)
    assert result.n_iter == 0 and not result.converged and len(result.history) == 1
    assert result.params.theta.tolist() == list(START)
    assert result.log_likelihood == coins.log_likelihood(HEADS, TOSSES, START)


# --------------------------------------------------------------------------
# Edge cases found in review
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "heads, tosses, theta0, estimate_weights",
    [
        ([0], 1, [0.5, 0.6], False),  # no heads at all: both thetas become 0.0
        ([10, 0], 10, [0.9, 0.1], False),  # theta reaches exactly 1.0 and 0.0
        ([500_000, 500_000], 1_000_000, [0.5, 0.01], True),  # weights become [1.0, 0.0]
    ],
)
def test_fit_results_on_the_boundary_can_be_evaluated(heads, tosses, theta0, estimate_weights):
    result = coins.fit(heads, tosses, theta0, estimate_weights=estimate_weights, tol=0, max_iter=200)
    on_boundary = np.concatenate([np.isin(result.params.theta, [0.0, 1.0]), result.params.weights == 0])
    assert on_boundary.any()
    assert coins.log_likelihood(heads, tosses, *result.params) == pytest.approx(result.log_likelihood)
    assert np.allclose(coins.e_step(heads, tosses, *result.params).sum(axis=1), 1.0)
    # but not restarted from: a coin at 0 or 1, or with weight 0, would never move
    with pytest.raises(ValueError, match="^(theta0 must lie strictly between 0 and 1|weights0 must be positive)"):
        coins.fit(heads, tosses, result.params.theta, weights0=result.params.weights)


def test_expected_counts_accepts_a_coin_with_no_rows():
    counts = coins.expected_counts(HEADS, TOSSES, one_hot([0] * 5))
    assert counts.heads[:, 1].tolist() == [0.0] * 5


@pytest.mark.parametrize("heads, tosses, name", [([[1, 2], [3]], 10, "heads"), ([1, 2], [[10, 2], [3]], "tosses")])
def test_ragged_counts_get_emlib_s_message(heads, tosses, name):
    with pytest.raises(ValueError, match=f"{name} must be a rectangular array of numbers"):
        coins.e_step(heads, tosses, START)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: coins.e_step([5, 2.5], 10, START), r"entry 1 is 2\.5$"),
        (lambda: coins.e_step(HEADS, TOSSES, [0.5, 1.2]), r"got 1\.2$"),
        (lambda: coins.e_step(HEADS, TOSSES, START, [0.5, 0.6]), r"got sum 1\.1$"),
        (lambda: coins.m_step(HEADS, TOSSES, [[0.5, 0.6]] + [[0.5, 0.5]] * 4), r"sums to 1\.1$"),
    ],
)
def test_messages_show_plain_numbers(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_one_dimensional_resp_gets_advice_about_resp():
    with pytest.raises(ValueError) as info:
        coins.m_step(HEADS, TOSSES, [0.5] * 5)
    assert "feature" not in str(info.value)


@pytest.mark.parametrize("tosses", [10**6, 10**9])
def test_long_rows_of_resp_sum_to_one(tosses):
    spread = int(tosses**0.5) // 3
    heads = [tosses // 2 + k * spread for k in range(-3, 4)]
    theta = [0.5, 0.5 + 0.5 / tosses**0.5]
    resp = coins.e_step(heads, tosses, theta)
    assert np.all((resp > 0.05) & (resp < 0.95))  # a hard case: no row is certain
    np.testing.assert_allclose(resp.sum(axis=1), 1.0, rtol=0, atol=1e-15)
    # and the M-step takes them: each theta is the responsibility-weighted fraction of heads
    theta_new = coins.m_step(heads, tosses, resp)
    heads, resp = np.array(heads, dtype=float), np.asarray(resp)
    np.testing.assert_allclose(theta_new, (heads @ resp) / (tosses * resp.sum(axis=0)), rtol=1e-14)


# --------------------------------------------------------------------------
# Mutation check: values no test above pins down
# --------------------------------------------------------------------------


def test_expected_log_likelihood_by_hand():
    heads, tosses, theta, weights = [5, 9], 10, [0.6, 0.5], [0.3, 0.7]
    resp = [[1.0, 0.0], [0.25, 0.75]]
    expected = (
        (math.log(0.3) + 5 * math.log(0.6) + 5 * math.log(0.4))
        + 0.25 * (math.log(0.3) + 9 * math.log(0.6) + math.log(0.4))
        + 0.75 * (math.log(0.7) + 10 * math.log(0.5))
    )
    value = coins.expected_log_likelihood(heads, tosses, theta, resp, weights)
    assert value == pytest.approx(expected, rel=1e-14)
    with_coefficients = coins.expected_log_likelihood(heads, tosses, theta, resp, weights,
                                                      binomial_coefficient=True)
    assert with_coefficients - value == pytest.approx(math.log(252) + math.log(10), rel=1e-13)


def test_binomial_coefficients_beyond_the_table_to_twelve_digits():
    # both factorials past the table (255): the Stirling series differenced term by term
    heads, tosses = [10, 100, 280], [300, 400, 300]
    theta = [0.3, 0.55]
    rows = (coins.row_log_likelihoods(heads, tosses, theta, binomial_coefficient=True)
            - coins.row_log_likelihoods(heads, tosses, theta))
    per_row = [math.log(math.comb(n, h)) for h, n in zip(heads, tosses)]
    np.testing.assert_allclose(rows, np.column_stack([per_row, per_row]), rtol=0, atol=1e-12)
