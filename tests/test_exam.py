"""The exam question: the M-step of a two-Gaussian mixture maximises Q, checked two ways.

Symbolically (sympy): for symbolic data and responsibilities, the stationary
points of Q in tau, the means and the (co)variances are the closed forms of
the chapter "The exam question", and they are maxima.

Numerically (emlib.calculus): the gradient of Q is zero at ``gmm.m_step``'s
output and Q is lower at random points around it; the same for the
shared-covariance update of the chapter's exercise.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import assume, given
from hypothesis import strategies as st

from emlib import calculus, gmm

# --------------------------------------------------------------------------
# sympy: one dimension, n symbolic points and responsibilities
# --------------------------------------------------------------------------


def log_normal(x, mean, var):
    return -sp.log(2 * sp.pi * var) / 2 - (x - mean) ** 2 / (2 * var)


class OneD:
    """Q(theta | theta_t) for n symbolic points x_i with symbolic responsibilities r_i."""

    def __init__(self, n: int):
        self.n = n
        self.x = sp.symbols(f"x1:{n + 1}", real=True)
        self.r = sp.symbols(f"r1:{n + 1}", positive=True)
        self.tau = sp.Symbol("tau", positive=True)
        self.mu1, self.mu2 = sp.symbols("mu1 mu2", real=True)
        self.v1, self.v2 = sp.symbols("v1 v2", positive=True)
        self.Q = sum(
            ri * (sp.log(self.tau) + log_normal(xi, self.mu1, self.v1))
            + (1 - ri) * (sp.log(1 - self.tau) + log_normal(xi, self.mu2, self.v2))
            for ri, xi in zip(self.r, self.x)
        )
        self.N1 = sum(self.r)
        self.N2 = n - self.N1
        self.mean1 = sum(ri * xi for ri, xi in zip(self.r, self.x)) / self.N1
        self.mean2 = sum((1 - ri) * xi for ri, xi in zip(self.r, self.x)) / self.N2
        self.var1 = sum(ri * (xi - self.mean1) ** 2 for ri, xi in zip(self.r, self.x)) / self.N1
        self.var2 = sum((1 - ri) * (xi - self.mean2) ** 2 for ri, xi in zip(self.r, self.x)) / self.N2


def is_zero(expression) -> bool:
    return sp.simplify(expression) == 0


@pytest.fixture(scope="module", params=[2, 3, 4], ids=lambda n: f"n={n}")
def one_d(request):
    return OneD(request.param)


def test_sympy_the_stationary_tau_and_means_are_the_closed_forms(one_d):
    m = one_d
    (tau_hat,) = sp.solve(sp.diff(m.Q, m.tau), m.tau)
    (mu1_hat,) = sp.solve(sp.diff(m.Q, m.mu1), m.mu1)
    (mu2_hat,) = sp.solve(sp.diff(m.Q, m.mu2), m.mu2)
    assert is_zero(tau_hat - m.N1 / m.n)
    assert is_zero(mu1_hat - m.mean1)
    assert is_zero(mu2_hat - m.mean2)


def test_sympy_the_stationary_variances_are_the_closed_forms(one_d):
    m = one_d
    (v1_hat,) = sp.solve(sp.diff(m.Q, m.v1).subs(m.mu1, m.mean1), m.v1)
    (v2_hat,) = sp.solve(sp.diff(m.Q, m.v2).subs(m.mu2, m.mean2), m.v2)
    assert is_zero(v1_hat - m.var1)
    assert is_zero(v2_hat - m.var2)


def test_sympy_the_stationary_variance_is_a_sum_over_pairs(one_d):
    m = one_d
    pairs = sum(m.r[i] * m.r[j] * (m.x[i] - m.x[j]) ** 2
                for i in range(m.n) for j in range(i + 1, m.n))
    assert is_zero(m.var1 - pairs / m.N1**2)


def test_sympy_second_order_conditions_hold_at_the_stationary_point(one_d):
    m = one_d
    d2_tau = sp.diff(m.Q, m.tau, 2).subs(m.tau, m.N1 / m.n)
    assert is_zero(d2_tau + m.n**3 / (m.N1 * m.N2))  # negative: 0 < N1 < n
    d2_v1 = sp.diff(m.Q, m.v1, 2).subs({m.mu1: m.mean1, m.v1: m.var1})
    assert is_zero(d2_v1 * m.var1**2 + m.N1 / 2)  # negative
    hessian = sp.hessian(m.Q, (m.mu1, m.mu2))
    assert sp.simplify(hessian - sp.diag(-m.N1 / m.v1, -m.N2 / m.v2)) == sp.zeros(2, 2)
    # no cross terms between the parts of Q: tau, (mu1, v1), (mu2, v2) are maximised separately
    for first, second in [(m.tau, m.mu1), (m.tau, m.v1), (m.mu1, m.mu2), (m.v1, m.v2), (m.mu1, m.v2)]:
        assert sp.diff(m.Q, first, second) == 0


def test_sympy_second_order_conditions_are_negative_at_numbers():
    m = OneD(3)
    values = {m.r[0]: sp.Rational(9, 10), m.r[1]: sp.Rational(1, 3), m.r[2]: sp.Rational(1, 20),
              m.x[0]: -1, m.x[1]: 2, m.x[2]: 5}
    point = {m.tau: (m.N1 / m.n).subs(values), m.mu1: m.mean1.subs(values), m.mu2: m.mean2.subs(values),
             m.v1: m.var1.subs(values), m.v2: m.var2.subs(values)}
    hessian = sp.hessian(m.Q, (m.tau, m.mu1, m.mu2, m.v1, m.v2)).subs(values).subs(point)
    gradient = [sp.diff(m.Q, v).subs(values).subs(point) for v in point]
    assert all(sp.simplify(g) == 0 for g in gradient)
    eigenvalues = np.linalg.eigvalsh(np.array(hessian.evalf(), dtype=float))
    assert np.all(eigenvalues < 0)


def test_sympy_shared_variance_is_the_pooled_scatter():
    m = OneD(3)
    v = sp.Symbol("v", positive=True)
    Q = m.Q.subs({m.v1: v, m.v2: v})
    (v_hat,) = sp.solve(sp.diff(Q, v).subs({m.mu1: m.mean1, m.mu2: m.mean2}), v)
    assert is_zero(v_hat - (m.N1 * m.var1 + m.N2 * m.var2) / m.n)
    # the means do not change when the variance is shared
    (mu1_hat,) = sp.solve(sp.diff(Q, m.mu1), m.mu1)
    assert is_zero(mu1_hat - m.mean1)


def test_sympy_k_weights_by_lagrange_multiplier():
    N = sp.symbols("N1:4", positive=True)
    w = sp.symbols("w1:4", positive=True)
    alpha = sp.Symbol("alpha", positive=True)  # the multiplier; the chapter writes alpha
    lagrangian = sum(Nk * sp.log(wk) for Nk, wk in zip(N, w)) - alpha * (sum(w) - 1)
    (solution,) = sp.solve([sp.diff(lagrangian, v) for v in (*w, alpha)], [*w, alpha], dict=True)
    assert is_zero(solution[alpha] - sum(N))
    for Nk, wk in zip(N, w):
        assert is_zero(solution[wk] - Nk / sum(N))


# --------------------------------------------------------------------------
# sympy: two dimensions, with the precision matrix
# --------------------------------------------------------------------------


def symmetric_2x2(names: str, diagonal_positive: bool = True) -> tuple[sp.Matrix, tuple]:
    first, second, third = names.split()
    a, c = sp.symbols(f"{first} {third}", positive=diagonal_positive, real=True)
    b = sp.Symbol(second, real=True)
    return sp.Matrix([[a, b], [b, c]]), (a, b, c)


@pytest.fixture(scope="module")
def two_d():
    Lam, entries = symmetric_2x2("a b c")
    m = sp.Matrix(sp.symbols("m1 m2", real=True))
    r = sp.symbols("r1:4", positive=True)
    points = [sp.Matrix(sp.symbols(f"x{i}1 x{i}2", real=True)) for i in (1, 2, 3)]
    Q_mean = -sum(ri * ((p - m).T * Lam * (p - m))[0] for ri, p in zip(r, points)) / 2
    return Lam, entries, m, r, points, Q_mean


def test_sympy_the_mean_in_2d_is_the_weighted_mean_for_every_precision(two_d):
    Lam, (a, b, c), m, r, points, Q_mean = two_d
    (solution,) = sp.solve(list(sp.Matrix([Q_mean]).jacobian(m)), list(m), dict=True)
    weighted = sum((ri * p for ri, p in zip(r, points)), sp.zeros(2, 1)) / sum(r)
    for j in range(2):
        assert is_zero(solution[m[j]] - weighted[j])
        assert not solution[m[j]].free_symbols & {a, b, c}


def test_sympy_the_hessian_in_the_mean_is_minus_n1_times_the_precision(two_d):
    Lam, (a, b, c), m, r, points, Q_mean = two_d
    hessian = sp.hessian(Q_mean, list(m))
    assert sp.simplify(hessian + sum(r) * Lam) == sp.zeros(2, 2)
    # negative definite: -hessian = N1 Lam has positive leading minors when Lam is a precision
    minors = [sp.factor(-hessian[0, 0]), sp.factor((-hessian).det())]
    assert minors[0] == sp.factor(a * sum(r))
    assert sp.simplify(minors[1] - sum(r) ** 2 * (a * c - b**2)) == 0


def test_sympy_the_trace_trick(two_d):
    Lam, _, m, r, points, Q_mean = two_d
    scatter = sum(((p - m) * (p - m).T * ri for ri, p in zip(r, points)), sp.zeros(2, 2))
    assert sp.expand(-2 * Q_mean - (Lam * scatter).trace()) == 0


def test_sympy_the_covariance_in_2d_is_the_scatter_over_n1():
    Lam, (a, b, c) = symmetric_2x2("a b c")
    S, _ = symmetric_2x2("s11 s12 s22")
    N = sp.Symbol("N", positive=True)
    Q_cov = N / 2 * sp.log(Lam.det()) - (Lam * S).trace() / 2
    solutions = sp.solve([sp.diff(Q_cov, v) for v in (a, b, c)], [a, b, c], dict=True)
    assert len(solutions) == 1
    assert sp.simplify(Lam.subs(solutions[0]).inv() - S / N) == sp.zeros(2, 2)


@pytest.mark.parametrize("scatter", [
    [[2, 1], [1, 3]], [[1, 0], [0, 1]], [[5, -4], [-4, 7]], [[sp.Rational(1, 10), 0], [0, 100]],
])
def test_sympy_the_covariance_stationary_point_is_a_maximum(scatter):
    Lam, (a, b, c) = symmetric_2x2("a b c")
    S = sp.Matrix(scatter)
    N = sp.Integer(7)
    Q_cov = N / 2 * sp.log(Lam.det()) - (Lam * S).trace() / 2
    optimum = dict(zip((a, b, c), [(N * S.inv())[0, 0], (N * S.inv())[0, 1], (N * S.inv())[1, 1]]))
    assert all(sp.simplify(sp.diff(Q_cov, v).subs(optimum)) == 0 for v in (a, b, c))
    hessian = sp.hessian(Q_cov, (a, b, c)).subs(optimum)
    assert np.all(np.linalg.eigvalsh(np.array(hessian.evalf(), dtype=float)) < 0)


# --------------------------------------------------------------------------
# Numbers: the chapter's data
# --------------------------------------------------------------------------

TRUTH = gmm.Params(
    weights=np.array([0.35, 0.65]),
    means=np.array([[0.0, 0.0], [3.0, 1.5]]),
    covariances=np.array([[[1.0, 0.5], [0.5, 0.8]], [[0.6, -0.25], [-0.25, 0.4]]]),
)
THETA_T = gmm.Params(np.array([0.5, 0.5]), np.array([[1.0, 1.5], [2.0, 0.0]]), np.array([np.eye(2)] * 2))


@pytest.fixture(scope="module")
def problem():
    X, _ = gmm.sample(TRUTH, 400, rng=2010677)
    resp, _ = gmm.e_step(X, THETA_T)
    theta_next = gmm.m_step(X, resp, reg_covar=0)

    def Q(v):
        return gmm.expected_log_likelihood(X, calculus.unpack(v, 2, 2), resp)

    return X, resp, theta_next, Q


def test_the_gradient_of_q_vanishes_at_the_m_step(problem):
    X, resp, theta_next, Q = problem
    v_next = calculus.pack(theta_next)
    at_optimum = np.linalg.norm(calculus.numerical_gradient(Q, v_next))
    rng = np.random.default_rng(1)
    elsewhere = [np.linalg.norm(calculus.numerical_gradient(Q, v_next + 0.05 * rng.standard_normal(v_next.size)))
                 for _ in range(20)]
    elsewhere.append(np.linalg.norm(calculus.numerical_gradient(Q, calculus.pack(THETA_T))))
    assert at_optimum < 1e-8 * min(elsewhere)


def test_q_at_the_m_step_beats_500_random_nearby_points(problem):
    X, resp, theta_next, Q = problem
    v_next = calculus.pack(theta_next)
    best = Q(v_next)
    assert np.isclose(best, gmm.q_function(X, theta_next, THETA_T), rtol=1e-13)
    rng = np.random.default_rng(2)
    distances = np.exp(rng.uniform(np.log(1e-3), np.log(1.0), size=500))
    steps = rng.standard_normal((500, v_next.size))
    steps *= (distances / np.linalg.norm(steps, axis=1))[:, None]
    values = np.array([Q(v_next + step) for step in steps])
    assert np.all(values < best)


def test_the_default_reg_covar_moves_the_m_step_off_the_maximum(problem):
    X, resp, theta_next, Q = problem
    regularised = gmm.m_step(X, resp)  # reg_covar=1e-6
    gradient = np.linalg.norm(calculus.numerical_gradient(Q, calculus.pack(regularised)))
    exact = np.linalg.norm(calculus.numerical_gradient(Q, calculus.pack(theta_next)))
    assert gradient > 1e3 * exact
    assert Q(calculus.pack(regularised)) < Q(calculus.pack(theta_next))


def shared_covariance_m_step(X, resp) -> gmm.Params:
    """The exercise's update: the separate M-step's means and weights, the pooled scatter."""
    separate = gmm.m_step(X, resp, reg_covar=0)
    counts = resp.sum(axis=0)
    pooled = np.einsum("k,kde->de", counts, separate.covariances) / len(X)
    return separate._replace(covariances=np.repeat(pooled[None], resp.shape[1], axis=0))


def test_the_shared_covariance_update_is_the_pooled_weighted_scatter(problem):
    X, resp, _, _ = problem
    theta = shared_covariance_m_step(X, resp)
    scatter = sum(
        (resp[:, k, None] * (X - theta.means[k])).T @ (X - theta.means[k]) for k in range(2)
    ) / len(X)
    np.testing.assert_allclose(theta.covariances[0], scatter, rtol=1e-12)


def test_the_shared_covariance_update_maximises_q_among_shared_covariances(problem):
    X, resp, theta_next, Q = problem
    size = 3  # one Cholesky triangle in 2-d

    def Q_shared(v):
        return Q(np.concatenate([v, v[-size:]]))

    v_shared = calculus.pack(shared_covariance_m_step(X, resp))[:-size]
    at_optimum = np.linalg.norm(calculus.numerical_gradient(Q_shared, v_shared))
    rng = np.random.default_rng(3)
    nearby = v_shared + 0.05 * rng.standard_normal((500, v_shared.size))
    elsewhere = [np.linalg.norm(calculus.numerical_gradient(Q_shared, v)) for v in nearby[:20]]
    assert at_optimum < 1e-8 * min(elsewhere)
    best = Q_shared(v_shared)
    assert all(Q_shared(v) < best for v in nearby)
    assert best < Q(calculus.pack(theta_next))  # a constrained maximum is lower


# --------------------------------------------------------------------------
# Numbers: laws for every data set and every theta_t
# --------------------------------------------------------------------------


def random_problem(seed: int, k: int, d: int):
    """Data from a random mixture and a random current guess theta_t whose responsibilities are spread."""
    rng = np.random.default_rng(seed)
    truth = gmm.Params(rng.dirichlet(np.ones(k) * 3), rng.normal(scale=3, size=(k, d)),
                       np.array([np.eye(d) * rng.uniform(0.3, 2) for _ in range(k)]))
    X, _ = gmm.sample(truth, 40 * k * d, rng=rng)
    factors = rng.normal(size=(k, d, d)) * X.std()
    theta_t = gmm.Params(rng.dirichlet(np.ones(k) * 5), X[rng.choice(len(X), k, replace=False)],
                         factors @ factors.swapaxes(1, 2) + np.eye(d) * X.var())
    resp, _ = gmm.e_step(X, theta_t)
    return X, resp, theta_t, rng


@given(st.integers(0, 2**32 - 1), st.integers(1, 3), st.integers(1, 3))
def test_the_m_step_is_a_stationary_point_of_q_for_any_data(seed, k, d):
    X, resp, _, rng = random_problem(seed, k, d)
    assume(resp.sum(axis=0).min() > d + 1)
    theta = gmm.m_step(X, resp, reg_covar=0)

    def Q(v):
        return gmm.expected_log_likelihood(X, calculus.unpack(v, k, d), resp)

    v = calculus.pack(theta)
    gradient = calculus.numerical_gradient(Q, v)
    # rounding of central differences: about eps |Q| / h per coordinate
    assert np.abs(gradient).max() < 1e-7 * (abs(Q(v)) + len(X))


@given(st.integers(0, 2**32 - 1), st.integers(1, 3), st.integers(1, 3), st.floats(1e-3, 3.0))
def test_q_at_the_m_step_beats_every_other_theta(seed, k, d, distance):
    X, resp, theta_t, rng = random_problem(seed, k, d)
    assume(resp.sum(axis=0).min() > d + 1)
    theta = gmm.m_step(X, resp, reg_covar=0)
    best = gmm.expected_log_likelihood(X, theta, resp)
    v = calculus.pack(theta)
    for _ in range(10):
        step = rng.standard_normal(v.size)
        other = calculus.unpack(v + distance * step / np.linalg.norm(step), k, d)
        assert gmm.expected_log_likelihood(X, other, resp) <= best
    if k > 1:  # theta_t itself is one of the others
        assert gmm.q_function(X, theta_t, theta_t) <= best


@given(st.integers(0, 2**32 - 1), st.integers(2, 3), st.integers(1, 2))
def test_q_and_the_log_likelihood_have_the_same_gradient_at_theta_t(seed, k, d):
    """Fisher's identity: Q(. | theta_t) touches the log-likelihood at theta_t (EM in general's "The bound is tangent")."""
    X, resp, theta_t, _ = random_problem(seed, k, d)
    v_t = calculus.pack(theta_t)

    def Q(v):
        return gmm.expected_log_likelihood(X, calculus.unpack(v, k, d), resp)

    def log_likelihood(v):
        return gmm.log_likelihood(X, calculus.unpack(v, k, d))

    grad_q = calculus.numerical_gradient(Q, v_t)
    grad_ll = calculus.numerical_gradient(log_likelihood, v_t)
    scale = abs(Q(v_t)) + abs(log_likelihood(v_t)) + len(X)
    np.testing.assert_allclose(grad_q, grad_ll, rtol=0, atol=1e-7 * scale)


@given(st.integers(0, 2**32 - 1), st.integers(1, 3), st.integers(1, 3))
def test_the_covariance_update_is_a_weighted_sum_over_pairs(seed, k, d):
    """The chapter's exercise "The covariance without the mean", for every component."""
    X, resp, _, _ = random_problem(seed, k, d)
    assume(resp.sum(axis=0).min() > d + 1)
    theta = gmm.m_step(X, resp, reg_covar=0)
    differences = X[:, None, :] - X[None, :, :]
    for j in range(k):
        r = resp[:, j]
        pairs = np.einsum("i,l,ila,ilb->ab", r, r, differences, differences) / (2 * r.sum() ** 2)
        np.testing.assert_allclose(pairs, theta.covariances[j], rtol=1e-9, atol=1e-12 * X.var())


@given(st.integers(0, 2**32 - 1), st.integers(1, 4))
def test_q_is_strictly_concave_in_the_precision(seed, d):
    """The model answer's shortcut: N log|L| - tr(L S) is strictly concave in the precision L.

    Along a line L + sV (V symmetric, not 0), log|L + sV| = log|L| + sum_j log(1 + s nu_j)
    with nu_j the eigenvalues of L^{-1/2} V L^{-1/2}; the second derivative in s is
    -N sum_j nu_j^2 / (1 + s nu_j)^2 < 0, and the stationary point is L = N S^{-1}.
    """
    rng = np.random.default_rng(seed)
    A, B, W = rng.normal(size=(3, d, d))
    Lam, S = A @ A.T + 0.1 * np.eye(d), B @ B.T + 0.1 * np.eye(d)
    V = W + W.T
    N = rng.uniform(1, 100)

    def q(s):
        return 0.5 * (N * np.linalg.slogdet(Lam + s * V)[1] - np.trace((Lam + s * V) @ S))

    root = np.linalg.cholesky(Lam)  # L^{-1/2} V L^{-1/2} has the eigenvalues of C^{-1} V C^{-T}
    nu = np.linalg.eigvalsh(np.linalg.solve(root, np.linalg.solve(root, V).T))
    s = 0.5 / max(1.0, np.abs(nu).max())  # keeps L + sV positive definite
    assert np.isclose(np.linalg.slogdet(Lam + s * V)[1],
                      np.linalg.slogdet(Lam)[1] + np.log1p(s * nu).sum(), rtol=1e-9, atol=1e-9)
    second = -0.5 * N * np.sum(nu**2 / (1 + s * nu) ** 2)
    assert second < 0
    step = 1e-3 * s
    numerical = (q(s + step) - 2 * q(s) + q(s - step)) / step**2
    rounding = 1e-13 * (abs(q(s)) + 1) / step**2
    assert abs(numerical - second) < 1e-4 * abs(second) + rounding
    # the gradient (N L^{-1} - S) / 2 vanishes at L = N S^{-1}
    optimum = N * np.linalg.inv(S)
    np.testing.assert_allclose(N * np.linalg.inv(optimum) - S, 0, atol=1e-9 * np.abs(S).max())
