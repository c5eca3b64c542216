"""emlib.em: the generic EM loop, driven by scripted toy models."""

import dataclasses
import math
import re
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from emlib import em


def scripted(log_likelihoods):
    """A toy model whose parameters are the iteration number t and whose log-likelihoods are given.

    The E-step of ``t`` reports ``log_likelihoods[t]`` and hands ``("from", t)``
    to the M-step, which returns ``t + 1``.  Every call is recorded.
    """
    calls = {"e_step": [], "m_step": []}

    def e_step(t):
        calls["e_step"].append(t)
        return ("from", t), log_likelihoods[t]

    def m_step(expectations, t):
        calls["m_step"].append((expectations, t))
        return t + 1

    return e_step, m_step, calls


# gains 10, 5, 2.5, 1, 0.25, 0.125, ...: all exact in binary
RISING = [0.0, 10.0, 15.0, 17.5, 18.5, 18.75, 18.875, 18.9375, 18.96875]


# --------------------------------------------------------------------------
# The result
# --------------------------------------------------------------------------


class TestResult:
    def test_history_starts_with_the_start_and_has_one_entry_per_iteration(self):
        e_step, m_step, _ = scripted(RISING)
        result = em.run(0, e_step, m_step, max_iter=6, tol=0)
        assert isinstance(result, em.EMResult)
        assert len(result.history) == result.n_iter + 1 == 7
        assert all(isinstance(step, em.EMStep) for step in result.history)
        assert [step.params for step in result.history] == list(range(7))
        assert [step.log_likelihood for step in result.history] == RISING[:7]
        assert result.params == result.history[-1].params == 6
        assert result.log_likelihood == result.history[-1].log_likelihood == RISING[6]

    def test_log_likelihoods_property(self):
        e_step, m_step, _ = scripted(RISING)
        result = em.run(0, e_step, m_step, max_iter=4, tol=0)
        assert isinstance(result.log_likelihoods, np.ndarray)
        assert result.log_likelihoods.shape == (5,)
        assert result.log_likelihoods.tolist() == RISING[:5]

    def test_log_likelihoods_are_python_floats(self):
        log_likelihoods = [np.float32(-3.5), -2, np.float64(-1.25)]
        result = em.run(0, lambda t: (None, log_likelihoods[t]), lambda _, t: t + 1, max_iter=2, tol=0)
        assert [type(step.log_likelihood) for step in result.history] == [float] * 3
        assert result.log_likelihoods.tolist() == [-3.5, -2.0, -1.25]

    def test_params_are_whatever_the_model_uses(self):
        start = {"mean": 0.0}
        result = em.run(start, lambda p: (p["mean"], -abs(p["mean"] - 3)),
                        lambda mean, p: {"mean": (mean + 3) / 2}, max_iter=3, tol=0)
        assert result.history[0].params is start
        assert [step.params["mean"] for step in result.history] == [0.0, 1.5, 2.25, 2.625]

    def test_results_are_frozen(self):
        e_step, m_step, _ = scripted(RISING)
        result = em.run(0, e_step, m_step, max_iter=2, tol=0)
        with pytest.raises(dataclasses.FrozenInstanceError):
            result.n_iter = 5
        with pytest.raises(dataclasses.FrozenInstanceError):
            result.history[0].log_likelihood = 0.0
        assert isinstance(result.history, tuple)


# --------------------------------------------------------------------------
# The stopping rule
# --------------------------------------------------------------------------


class TestStoppingRule:
    @pytest.mark.parametrize(
        "tol, stop",
        [
            (11.0, 1),  # |10 - 0| < 11 at once
            (10.0, 2),  # a gain of exactly 10 is not below 10: the gain of 5 stops it
            (6.0, 2),
            (5.0, 3),
            (1.0, 5),  # the gain of exactly 1 (t = 4) does not stop; 0.25 (t = 5) does
            (1.0000001, 4),
            (0.25, 6),
            (0.2, 6),
        ],
    )
    def test_stops_at_the_first_change_below_tol(self, tol, stop):
        e_step, m_step, _ = scripted(RISING)
        result = em.run(0, e_step, m_step, max_iter=8, tol=tol)
        assert (result.n_iter, result.converged) == (stop, True)
        assert result.params == stop
        changes = np.abs(np.diff(result.log_likelihoods))
        assert changes[-1] < tol and np.all(changes[:-1] >= tol)

    def test_a_change_exactly_equal_to_tol_does_not_stop(self):
        e_step, m_step, _ = scripted([0.0, 0.5, 1.0, 1.5, 2.0])
        with pytest.warns(em.ConvergenceWarning):
            result = em.run(0, e_step, m_step, max_iter=4, tol=0.5)
        assert (result.n_iter, result.converged) == (4, False)

    def test_the_absolute_change_is_used(self):
        # a fall (which EM never makes, up to rounding) smaller than tol also stops
        e_step, m_step, _ = scripted([0.0, -0.5, -100.0])
        result = em.run(0, e_step, m_step, max_iter=2, tol=1.0)
        assert (result.n_iter, result.converged) == (1, True)
        # and a large fall does not
        e_step, m_step, _ = scripted([0.0, -5.0, -5.5])
        result = em.run(0, e_step, m_step, max_iter=2, tol=1.0)
        assert (result.n_iter, result.converged) == (2, True)

    def test_converging_on_the_last_allowed_iteration_counts(self):
        e_step, m_step, _ = scripted(RISING)
        assert em.run(0, e_step, m_step, max_iter=5, tol=1.0).converged
        e_step, m_step, _ = scripted(RISING)
        with pytest.warns(em.ConvergenceWarning):
            result = em.run(0, e_step, m_step, max_iter=4, tol=1.0)
        assert (result.n_iter, result.converged) == (4, False)

    def test_stopping_at_max_iter_warns_with_the_count_and_the_last_change(self):
        e_step, m_step, _ = scripted(RISING)  # changes 10, 5, 2.5, 1, 0.25, ...
        message = ("EM stopped at max_iter = 3 iterations without converging: in the last iteration "
                   "the log-likelihood changed by 2.5, not less than tol = 1; raise max_iter or tol")
        with pytest.warns(em.ConvergenceWarning, match=f"^{re.escape(message)}$"):
            em.run(0, e_step, m_step, max_iter=3, tol=1.0)

    def test_the_warning_speaks_per_row_when_tol_is_per_row(self):
        e_step, m_step, _ = scripted(RISING)
        with pytest.warns(em.ConvergenceWarning, match=re.escape("changed by 0.25 per row, not less than tol = 0.01")):
            em.run(0, e_step, m_step, max_iter=3, tol=0.01, n_rows=10)
        e_step, m_step, _ = scripted(RISING)
        result = em.run(0, e_step, m_step, max_iter=8, tol=0.3, n_rows=10)  # stops when a change < 3
        assert (result.n_iter, result.converged) == (3, True)

    def test_tol_zero_and_max_iter_zero_say_nothing(self):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            e_step, m_step, _ = scripted(RISING)
            em.run(0, e_step, m_step, max_iter=3, tol=0)
            e_step, m_step, _ = scripted(RISING)
            em.run(0, e_step, m_step, max_iter=0)

    @pytest.mark.parametrize("max_iter", [1, 3, 8])
    def test_tol_zero_runs_exactly_max_iter_iterations(self, max_iter):
        e_step, m_step, _ = scripted([0.0] * 9)  # nothing ever changes
        result = em.run(0, e_step, m_step, max_iter=max_iter, tol=0)
        assert (result.n_iter, result.converged) == (max_iter, False)
        assert len(result.history) == max_iter + 1

    def test_max_iter_zero_returns_the_start(self):
        e_step, m_step, calls = scripted(RISING)
        result = em.run("start", lambda p: (None, -1.5), m_step, max_iter=0)
        assert (result.n_iter, result.converged) == (0, False)
        assert len(result.history) == 1
        assert (result.params, result.log_likelihood) == ("start", -1.5)
        assert calls["m_step"] == []

    def test_the_defaults(self):
        # max_iter = 1000 and tol = 1e-8
        result = em.run(0, lambda t: (None, 0.0), lambda _, t: t + 1)
        assert (result.n_iter, result.converged) == (1, True)
        result = em.run(0, lambda t: (None, -(2.0**-t)), lambda _, t: t + 1)
        # the change 2**-(t+1)... is below 1e-8 first at t = 27 (2**-27 = 7.45e-9)
        assert (result.n_iter, result.converged) == (27, True)
        with pytest.warns(em.ConvergenceWarning, match="max_iter = 1000"):
            result = em.run(0, lambda t: (None, float(t)), lambda _, t: t + 1)
        assert (result.n_iter, result.converged) == (1000, False)


# --------------------------------------------------------------------------
# Calls
# --------------------------------------------------------------------------


class TestCalls:
    def test_callback_gets_each_step_as_recorded(self):
        seen = []
        e_step, m_step, _ = scripted(RISING)
        result = em.run(0, e_step, m_step, max_iter=8, tol=1.0, callback=lambda t, step: seen.append((t, step)))
        assert [t for t, _ in seen] == list(range(1, result.n_iter + 1)) == [1, 2, 3, 4, 5]
        for t, step in seen:
            assert step is result.history[t]

    def test_callback_is_not_called_for_the_start(self):
        seen = []
        em.run(0, lambda t: (None, 0.0), lambda _, t: t, max_iter=0, callback=lambda *args: seen.append(args))
        assert seen == []

    @pytest.mark.parametrize("max_iter, tol", [(6, 0), (8, 1.0), (0, 0)])
    def test_each_step_is_computed_once(self, max_iter, tol):
        e_step, m_step, calls = scripted(RISING)
        result = em.run(0, e_step, m_step, max_iter=max_iter, tol=tol)
        assert len(calls["e_step"]) == result.n_iter + 1
        assert len(calls["m_step"]) == result.n_iter
        assert calls["e_step"] == [step.params for step in result.history]

    def test_m_step_gets_the_current_params_and_their_expectations(self):
        e_step, m_step, calls = scripted(RISING)
        result = em.run(0, e_step, m_step, max_iter=5, tol=0)
        assert calls["m_step"] == [(("from", t), t) for t in range(5)]
        assert [params for _, params in calls["m_step"]] == [step.params for step in result.history[:-1]]

    def test_the_objects_are_passed_on_as_they_are(self):
        start, expectations = object(), object()
        received = []
        new = object()

        def m_step(e, p):
            received.append((e, p))
            return new

        result = em.run(start, lambda p: (expectations, 0.0), m_step, max_iter=1, tol=0)
        assert received[0][0] is expectations and received[0][1] is start
        assert result.params is new and result.history[0].params is start

    def test_the_docstring_example(self):
        heads, tosses = 7, 10

        def e_step(theta):
            return None, heads * math.log(theta) + (tosses - heads) * math.log(1 - theta)

        result = em.run(0.5, e_step, lambda _, theta: heads / tosses)
        assert (result.params, result.n_iter, result.converged) == (0.7, 2, True)
        assert result.log_likelihoods[0] == pytest.approx(10 * math.log(0.5), rel=1e-15)


# --------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------


def good_e_step(t):
    return None, -1.0


def good_m_step(_, t):
    return t + 1


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"e_step": 3}, TypeError, "e_step must be a function; got int"),
        ({"e_step": None}, TypeError, "e_step must be a function; got NoneType"),
        ({"m_step": "m"}, TypeError, "m_step must be a function; got str"),
        ({"callback": 1.5}, TypeError, "callback must be a function or None; got float"),
        ({"max_iter": -1}, ValueError, "max_iter must be at least 0; got -1"),
        ({"max_iter": 10.0}, TypeError, r"max_iter must be an integer; got 10.0 \(float\)"),
        ({"max_iter": True}, TypeError, r"max_iter must be an integer; got True \(bool\)"),
        ({"max_iter": "10"}, TypeError, r"max_iter must be an integer; got '10' \(str\)"),
        ({"tol": -1e-3}, ValueError, "tol must be at least 0.0; got -0.001"),
        ({"tol": np.inf}, ValueError, "tol must be finite; got inf"),
        ({"tol": np.nan}, ValueError, "tol must be finite; got nan"),
        ({"tol": None}, TypeError, r"tol must be a real number; got None \(NoneType\)"),
    ],
)
def test_bad_arguments(kwargs, error, message):
    arguments = {"e_step": good_e_step, "m_step": good_m_step, **kwargs}
    calls = []
    e_step = arguments.pop("e_step")
    wrapped = (lambda p: calls.append(p) or e_step(p)) if callable(e_step) else e_step
    with pytest.raises(error, match=message):
        em.run(0, wrapped, **arguments)
    assert calls == []  # checked before any work


def test_numpy_integer_max_iter_is_fine():
    assert em.run(0, good_e_step, good_m_step, max_iter=np.int64(3), tol=0).n_iter == 3


@pytest.mark.parametrize(
    "returned, message",
    [
        (-1.0, "e_step must return a pair \\(expectations, log_likelihood\\); got float"),
        (None, "e_step must return a pair \\(expectations, log_likelihood\\); got NoneType"),
        ([None, -1.0], "e_step must return a pair \\(expectations, log_likelihood\\); got list"),
        ((None, -1.0, 0), "e_step must return a pair \\(expectations, log_likelihood\\); got tuple"),
        ((None,), "e_step must return a pair \\(expectations, log_likelihood\\); got tuple"),
        ((None, None),
         "e_step must return \\(expectations, log_likelihood\\) with a real log_likelihood; got NoneType"),
        ((None, "high"), "with a real log_likelihood; got str"),
        ((None, 1 + 2j), "with a real log_likelihood; got complex"),
        ((None, np.array([-1.0, -2.0])), "with a real log_likelihood; got ndarray"),
    ],
)
@pytest.mark.parametrize("at", [0, 2])
def test_e_step_must_return_a_pair_with_a_real_log_likelihood(returned, message, at):
    def e_step(t):
        return returned if t == at else (None, -float(10 - t))

    with pytest.raises(TypeError, match=message):
        em.run(0, e_step, good_m_step, max_iter=5, tol=0)


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_a_non_finite_log_likelihood_at_the_start(value):
    with pytest.raises(ValueError, match=f"^the log-likelihood of the starting parameters is {value}: "):
        em.run(0, lambda t: (None, value), good_m_step)


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_a_non_finite_log_likelihood_at_iteration_t(value):
    seen = []

    def e_step(t):
        return None, (value if t == 3 else -float(10 - t))

    with pytest.raises(ValueError, match=f"^the log-likelihood of the parameters after iteration 3 is {value}: "):
        em.run(0, e_step, good_m_step, max_iter=5, tol=0, callback=lambda t, step: seen.append(t))
    assert seen == [1, 2]


@pytest.mark.parametrize("value, reason", [
    (-math.inf, "the data are impossible under them"),
    (math.inf, "the likelihood is unbounded there \\(a degenerate fit\\)"),
    (math.nan, "the E-step failed to compute it"),
])
def test_each_non_finite_value_is_explained(value, reason):
    with pytest.raises(ValueError, match=f"is {value}: {reason}$"):
        em.run(0, lambda t: (None, value), good_m_step)


def test_errors_from_the_steps_pass_through():
    def m_step(_, t):
        raise ZeroDivisionError("from the model")

    with pytest.raises(ZeroDivisionError, match="from the model"):
        em.run(0, good_e_step, m_step)


@pytest.mark.parametrize("value", ["-1.5", True, np.bool_(False), None, [1.0]])
def test_a_log_likelihood_that_is_not_a_number_is_refused(value):
    with pytest.raises(TypeError, match="with a real log_likelihood"):
        em.run(0, lambda t: (None, value), good_m_step, max_iter=2)


@pytest.mark.parametrize("value", [np.float32(-1.5), np.int64(-2), np.array(-1.5), -3])
def test_numpy_and_integer_log_likelihoods_are_accepted(value):
    result = em.run(0, lambda t: (None, value), good_m_step, max_iter=1, tol=0)
    assert result.log_likelihood == float(value) and type(result.log_likelihood) is float


# --------------------------------------------------------------------------
# The assignment behind gmm.align
# --------------------------------------------------------------------------


@given(st.integers(1, 9), st.integers(0, 2**32 - 1), st.booleans())
def test_min_cost_assignment_is_optimal(k, seed, ties):
    from scipy.optimize import linear_sum_assignment

    from emlib._math import min_cost_assignment

    rng = np.random.default_rng(seed)
    cost = rng.integers(0, 3, size=(k, k)).astype(float) if ties else rng.normal(scale=1e3, size=(k, k))
    order = min_cost_assignment(cost)
    assert sorted(order.tolist()) == list(range(k))
    rows, columns = linear_sum_assignment(cost)
    assert cost[np.arange(k), order].sum() == pytest.approx(cost[rows, columns].sum(), rel=1e-12, abs=1e-9)


def test_distances_to_final_flatten_every_part_of_the_parameters():
    steps = [(np.array([0.0, 0.0]), 3.0), (np.array([3.0, 0.0]), 7.0), (np.array([3.0, 4.0]), 7.0)]
    result = em.EMResult(params=steps[-1], log_likelihood=0.0, n_iter=2, converged=False,
                         history=tuple(em.EMStep(p, float(t)) for t, p in enumerate(steps)))
    # from (0, 0, 3) and (3, 0, 7) to (3, 4, 7)
    np.testing.assert_allclose(result.distances_to_final, [np.sqrt(9 + 16 + 16), 4.0, 0.0])
    scalar = em.run(0.0, lambda t: (None, -abs(t - 1)), lambda _, t: (t + 1) / 2, max_iter=3, tol=0)
    np.testing.assert_allclose(scalar.distances_to_final, [0.875, 0.375, 0.125, 0.0])


# --------------------------------------------------------------------------
# Mutation check: values no test above pins down
# --------------------------------------------------------------------------


def test_entropy_adds_up_over_the_rows():
    resp = [[0.5, 0.5], [0.25, 0.75], [1.0, 0.0]]
    expected = math.log(2) - (0.25 * math.log(0.25) + 0.75 * math.log(0.75))
    assert em.entropy(resp) == pytest.approx(expected, rel=1e-15)
