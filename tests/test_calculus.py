"""emlib.calculus: central differences, and mixtures packed into unconstrained vectors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from emlib import calculus, gmm


def random_params(rng: np.random.Generator, k: int, d: int, spread: float = 1.0) -> gmm.Params:
    """A mixture with positive weights and well-conditioned random full covariances."""
    weights = rng.dirichlet(np.ones(k)) * 0.9 + 0.1 / k
    means = rng.normal(scale=3.0, size=(k, d))
    factors = rng.normal(scale=spread, size=(k, d, d))
    covariances = factors @ factors.swapaxes(1, 2) + 0.5 * spread**2 * np.eye(d)
    return gmm.Params(weights, means, covariances)


# --------------------------------------------------------------------------
# numerical_gradient
# --------------------------------------------------------------------------


@given(st.integers(0, 2**32 - 1), st.integers(1, 6))
def test_central_differences_are_exact_for_quadratics(seed, n):
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(n, n))
    A = A + A.T
    b = rng.normal(size=n)
    x = rng.normal(scale=3.0, size=n)

    def quadratic(v):
        return 0.5 * v @ A @ v + b @ v + 7.0

    gradient = calculus.numerical_gradient(quadratic, x)
    scale = np.abs(A).sum() * max(1.0, np.abs(x).max()) ** 2 + np.abs(b).sum() + 7
    # no truncation error: only rounding, eps * |f| / h
    np.testing.assert_allclose(gradient, A @ x + b, atol=1e-9 * scale)


def test_gradient_of_a_smooth_function_to_about_ten_digits_of_the_functions_size():
    x = np.array([0.3, -1.2, 2.0])  # fun(x) is about 16

    def fun(v):
        return np.sin(v[0]) * np.exp(v[1]) + v[2] ** 4

    expected = [np.cos(0.3) * np.exp(-1.2), np.sin(0.3) * np.exp(-1.2), 4 * 2.0**3]
    np.testing.assert_allclose(calculus.numerical_gradient(fun, x), expected, rtol=1e-9, atol=16e-10)


def test_vectorized_gives_the_same_gradient_in_one_call():
    calls = []

    def fun(points):
        calls.append(points.shape)
        return (points**3).sum(axis=1)

    x = np.array([1.0, -2.0, 0.5])
    vectorized = calculus.numerical_gradient(fun, x, vectorized=True)
    looped = calculus.numerical_gradient(lambda v: float((v**3).sum()), x)
    assert calls == [(6, 3)]
    np.testing.assert_array_equal(vectorized, looped)
    np.testing.assert_allclose(vectorized, 3 * x**2, rtol=1e-9)


def test_a_given_step_is_used_per_coordinate():
    # f(x) = x^3: the central difference is 3 x^2 + h^2, so the step shows
    gradient = calculus.numerical_gradient(lambda v: float((v**3).sum()), [0.0, 0.0], step=[0.5, 0.25])
    np.testing.assert_allclose(gradient, [0.25, 0.0625])
    gradient = calculus.numerical_gradient(lambda v: float((v**3).sum()), [0.0], step=0.5)
    np.testing.assert_allclose(gradient, [0.25])


def test_the_default_step_scales_with_large_coordinates():
    # at x = 1e8, a step of 6e-6 would be lost to rounding; the default scales with |x|
    x = np.array([1e8])
    gradient = calculus.numerical_gradient(lambda v: float(v[0] ** 2), x)
    np.testing.assert_allclose(gradient, [2e8], rtol=1e-6)


def test_integers_and_lists_are_accepted():
    gradient = calculus.numerical_gradient(lambda v: float(v @ v), [1, 2])
    assert gradient.dtype == np.float64
    np.testing.assert_allclose(gradient, [2.0, 4.0], rtol=1e-9)


@pytest.mark.parametrize("fun, x, kwargs, error, message", [
    (3, [1.0], {}, TypeError, "fun must be callable; got int"),
    (np.sum, [[1.0]], {}, ValueError, "x must be a 1-d array (n,); got a 2-d array"),
    (np.sum, [np.nan], {}, ValueError, "x contains NaN"),
    (np.sum, "1", {}, TypeError, "x must be an array of real numbers"),
    (np.sum, [1.0], {"step": -1.0}, ValueError, "step must be positive and finite; got [-1.0]"),
    (np.sum, [1.0], {"step": 0.0}, ValueError, "step must be positive and finite"),
    (np.sum, [1.0], {"step": True}, TypeError, "step must be a positive number"),
    (np.sum, [1.0, 2.0], {"step": [1.0]}, ValueError, "step must be a number or have the shape of x, (2,)"),
    (np.sum, [1e20], {"step": 1.0}, ValueError, "step is too small for x[0] = 1e+20"),
    (np.sum, [1.0], {"vectorized": 1}, TypeError, "vectorized must be True or False; got 1 (int)"),
    (lambda v: v, [1.0, 2.0], {}, TypeError, "fun must return a real number; got ndarray at x + step[0] e_0"),
    (lambda v: "a", [1.0], {}, TypeError, "fun must return a real number; got str"),
    (lambda v: True, [1.0], {}, TypeError, "fun must return a real number; got bool"),
    (lambda v: np.log(v[0]), [0.0], {"step": 1.0}, ValueError, "fun returned nan at x - step[0] e_0"),
    (lambda V: V.sum(), [1.0], {"vectorized": True}, TypeError,
     "fun must return real numbers of shape (m,) = (2,) for m = 2 points when vectorized=True"),
    (lambda V: np.log(V[:, 0]), [0.0], {"vectorized": True, "step": 1.0}, ValueError,
     "fun returned nan at x - step[0] e_0"),
])
def test_bad_arguments_are_named(fun, x, kwargs, error, message):
    with np.errstate(invalid="ignore", divide="ignore"):
        with pytest.raises(error) as caught:
            calculus.numerical_gradient(fun, x, **kwargs)
    assert message in str(caught.value)


# --------------------------------------------------------------------------
# pack and unpack
# --------------------------------------------------------------------------


@given(st.integers(0, 2**32 - 1), st.integers(1, 4), st.integers(1, 4), st.floats(1e-3, 1e3))
def test_unpack_inverts_pack(seed, k, d, spread):
    params = random_params(np.random.default_rng(seed), k, d, spread)
    vector = calculus.pack(params)
    assert vector.shape == (calculus.packed_size(k, d),) == (gmm.n_parameters(params),)
    back = calculus.unpack(vector, k, d)
    assert isinstance(back, gmm.Params)
    np.testing.assert_allclose(back.weights, params.weights, rtol=1e-13)
    np.testing.assert_allclose(back.means, params.means, rtol=0, atol=0)
    scale = np.abs(params.covariances).max()
    np.testing.assert_allclose(back.covariances, params.covariances, rtol=0, atol=1e-13 * scale)
    np.testing.assert_array_equal(back.covariances, back.covariances.swapaxes(1, 2))


@given(st.integers(0, 2**32 - 1), st.integers(1, 4), st.integers(1, 4), st.floats(0.01, 2.0))
def test_every_vector_unpacks_to_valid_params_and_packs_back(seed, k, d, scale):
    rng = np.random.default_rng(seed)
    vector = rng.normal(scale=scale, size=calculus.packed_size(k, d))
    params = calculus.unpack(vector, k, d)
    checked = gmm._check_params(params)  # raises if not a valid mixture
    assert gmm.covariance_type_of(checked) == "full"
    assert np.all(params.weights > 0) and np.isclose(params.weights.sum(), 1)
    assert np.all(np.linalg.eigvalsh(params.covariances) > 0)
    # Cholesky of L L^T returns L to about eps times the condition number of Sigma
    condition = np.linalg.cond(params.covariances).max()
    np.testing.assert_allclose(calculus.pack(params), vector, rtol=1e-9, atol=1e-9 + 1e-14 * condition)


def test_the_layout_is_logit_tau_then_means_then_log_cholesky():
    tau = 0.2
    L = np.array([[2.0, 0.0], [0.5, 3.0]])
    params = gmm.Params([tau, 1 - tau], [[1.0, 2.0], [3.0, 4.0]], [np.eye(2), L @ L.T])
    vector = calculus.pack(params)
    np.testing.assert_allclose(vector, [np.log(tau / (1 - tau)), 1, 2, 3, 4,
                                        0, 0, 0, np.log(2), 0.5, np.log(3)], atol=1e-15)


def test_k_equal_one_has_no_weight_entry():
    params = gmm.Params([1.0], [[5.0]], [[[9.0]]])
    np.testing.assert_allclose(calculus.pack(params), [5.0, np.log(3.0)])
    back = calculus.unpack([5.0, np.log(3.0)], 1, 1)
    assert back.weights.tolist() == [1.0]
    np.testing.assert_allclose(back.covariances, [[[9.0]]])


def test_huge_log_odds_are_stable():
    params = calculus.unpack([800.0, 0.0, 0.0, 0.0, 0.0], 2, 1)
    assert params.weights.tolist() == [1.0, 0.0]


def test_unpack_returns_new_arrays():
    vector = np.array([0.0, 1.0, 2.0, 0.0, 0.0])
    params = calculus.unpack(vector, 2, 1)
    params.means[0, 0] = 99.0
    assert vector[1] == 1.0


@pytest.mark.parametrize("params, message", [
    (gmm.Params([0.5, 0.5], [[0.0], [1.0]], [1.0, 1.0]),
     "params.covariances must be full, of shape (k, d, d) = (2, 1, 1), to be packed; got shape (2,)"),
    (gmm.Params([0.5, 0.5], [[0.0, 0.0], [1.0, 1.0]], [[1.0, 1.0], [1.0, 1.0]], "diag"),
     "got shape (2, 2). Expand them first"),
    (gmm.Params([0.5, 0.5], [[0.0, 0.0], [1.0, 1.0]], [[1.0, 0.0], [0.0, 1.0]], "tied"),
     "got shape (2, 2). Expand them first, e.g. covariances[:, :, None] * np.eye(d) for diagonal ones, "
     "np.broadcast_to(covariances, (k, d, d)) for a tied one"),
    (gmm.Params([1.0, 0.0], [[0.0], [1.0]], [[[1.0]], [[1.0]]]),
     "params.weights must all be positive to be packed"),
    (gmm.Params([0.5, 0.6], [[0.0], [1.0]], [[[1.0]], [[1.0]]]), "params.weights must sum to 1"),
    (gmm.Params([0.5, 0.5], [[0.0], [1.0]], [[[1.0]], [[-1.0]]]),
     "params.covariances[1] is not a covariance"),
])
def test_pack_names_what_is_wrong(params, message):
    with pytest.raises(ValueError) as caught:
        calculus.pack(params)
    assert message in str(caught.value)


def test_pack_refuses_what_is_not_params():
    with pytest.raises(TypeError, match="params must be a gmm.Params"):
        calculus.pack([1.0, 2.0])


@pytest.mark.parametrize("vector, k, d, error, message", [
    ([0.0] * 4, 2, 1, ValueError, "vector must have (k - 1) + k d + k d (d + 1) / 2 = 5 entries "
                                  "for k = 2, d = 1; got 4"),
    ([[0.0] * 5], 2, 1, ValueError, "vector must be a 1-d array"),
    ([0.0, 0.0, 0.0, np.inf, 0.0], 2, 1, ValueError, "vector contains infinity"),
    ([0.0] * 5, 0, 1, ValueError, "k must be at least 1; got 0"),
    ([0.0] * 5, 2, 1.0, TypeError, "d must be an integer"),
    ([0.0, 0.0, 0.0, 0.0, 400.0], 2, 1, ValueError,
     "vector[4:5] (component 1's Cholesky factor) makes a covariance that overflows float64"),
    ([0.0, 0.0, 0.0, -400.0, 0.0], 2, 1, ValueError,
     "vector[3:4] (component 0's Cholesky factor) makes a covariance that is singular in float64"),
    ([0.0, 0.0, 0.0, 1.0, -30.0], 1, 2, ValueError,
     "vector[2:5] (component 0's Cholesky factor) makes a covariance that is singular"),
])
def test_unpack_names_what_is_wrong(vector, k, d, error, message):
    with pytest.raises(error) as caught:
        calculus.unpack(vector, k, d)
    assert message in str(caught.value)


def test_packed_size_checks_its_arguments():
    assert calculus.packed_size(3, 4) == 2 + 12 + 30
    with pytest.raises(ValueError, match="d must be at least 1"):
        calculus.packed_size(2, 0)
