"""T5: the derived gradient-flow loss equals the eigen-sum, and real gradient-descent iterates agree."""
import numpy as np
import sympy as sp

from theory import gradient_flow
from theory.symbols import a, b, n, t


def test_derived_equals_plan_closed_forms():
    res = gradient_flow.derive().results
    lam, y_k = gradient_flow.lam, gradient_flow.y_mode
    assert sp.simplify(res["GradientFlowModeLoss"] - y_k**2 * sp.exp(-2 * lam * t) / (2 * n)) == 0
    assert sp.simplify(res["PowerLawLossExponent"] - (2 * a + 2 * b - 1) / (2 * a)) == 0


def _gradient_descent(x, y, step, n_steps):
    """Full-batch gradient descent on |y - Xw|^2/(2n) from w = 0; the loss after every step (y may hold many columns)."""
    w = np.zeros((x.shape[1],) + y.shape[1:])
    losses = []
    for _ in range(n_steps):
        w += step * x.T @ (y - x @ w) / len(x)
        losses.append(((y - x @ w) ** 2).sum(axis=0) / (2 * len(x)))
    return np.array(losses)


def _allowance(time, step, eigenvalues):
    """GD shrinks mode k by (1 - eta lambda)^(2T) >= (1 - t eta lambda^2/(1 - eta lambda)) e^(-2 lambda t), t = eta T."""
    top = eigenvalues.max()
    return time * step * top**2 / (1 - step * top)


def test_gradient_descent_iterates_follow_the_eigen_sum():
    rng = np.random.default_rng(6)
    n_samples, n_features, step, n_steps = 40, 10, 1e-3, 4000
    x = rng.standard_normal((n_samples, n_features))
    y = x @ rng.standard_normal(n_features) + 0.5 * rng.standard_normal(n_samples)
    measured = _gradient_descent(x, y, step, n_steps)
    eigenvalues, vectors = np.linalg.eigh(x @ x.T / n_samples)
    time = step * np.arange(1, n_steps + 1)
    predicted = gradient_flow.gradient_flow_loss(time, eigenvalues, vectors.T @ y, n_samples)
    assert np.all(measured <= predicted * (1 + 1e-9))
    assert np.all(measured >= predicted * (1 - _allowance(time, step, eigenvalues)))


def test_monte_carlo_teacher_and_noise_add_without_cross_term():
    rng = np.random.default_rng(7)
    n_samples, n_features, draws, sigma2, step, n_steps = 20, 5, 2000, 0.5, 1e-3, 1000
    x = rng.standard_normal((n_samples, n_features))
    teacher = x @ rng.standard_normal(n_features)
    y = teacher[:, None] + np.sqrt(sigma2) * rng.standard_normal((n_samples, draws))
    final = _gradient_descent(x, y, step, n_steps)[-1]  # one loss per noise draw at t = eta T
    eigenvalues, vectors = np.linalg.eigh(x @ x.T / n_samples)
    time = step * n_steps
    predicted = gradient_flow.expected_gradient_flow_loss(time, eigenvalues, vectors.T @ teacher, sigma2, n_samples)
    stderr = final.std() / np.sqrt(draws)
    assert predicted * (1 - _allowance(time, step, eigenvalues)) - 4 * stderr < final.mean() < predicted + 4 * stderr


def test_power_law_exponent_from_the_exact_sum():
    # The exact eigen-sum for lambda_j = j^(-2a), teacher j^(-b), summed in NumPy over a million modes.
    spectrum, teacher = 0.75, 1.0
    j = np.arange(1, 1_000_001, dtype=float)
    time = np.geomspace(1e3, 1e5, 5)
    loss = (j ** (-2 * spectrum - 2 * teacher) * np.exp(-2 * np.outer(time, j ** (-2 * spectrum)))).sum(axis=1) / 2
    slope = np.polyfit(np.log(time), np.log(loss), 1)[0]
    assert abs(-slope - gradient_flow.power_law_loss_exponent(spectrum, teacher)) < 1e-4
    assert np.allclose(loss, gradient_flow.power_law_loss(time, spectrum, teacher), rtol=1e-5)  # the cut at 10^6 modes
