"""T4: derived least-squares risks equal the closed forms, and real least-squares fits in NumPy agree."""
import numpy as np
import sympy as sp

from theory import least_squares
from theory.symbols import d, n, r, sigma


def test_derived_equals_plan_closed_forms():
    res = least_squares.derive().results
    assert sp.simplify(res["NoiseTrainMse"] - sigma**2 * (1 - d / n)) == 0
    assert sp.simplify(res["NoiseTestRisk"] - sigma**2 * (n - 1) / (n - d - 1)) == 0
    assert sp.simplify(res["OverparamExcessRisk"] - (r**2 * (1 - n / d) + sigma**2 * n / (d - n - 1))) == 0


def test_monte_carlo_train_and_test_risk_on_pure_noise():
    # Fit least squares to pure noise 20,000 times (batched pseudo-inverse); score on fresh samples.
    rng = np.random.default_rng(4)
    fits, n_samples, n_features, n_test, sigma2 = 20_000, 20, 10, 20, 2.0
    x = rng.standard_normal((fits, n_samples, n_features))
    y = np.sqrt(sigma2) * rng.standard_normal((fits, n_samples))
    w = np.einsum("fdn,fn->fd", np.linalg.pinv(x), y)
    train = ((y - np.einsum("fnd,fd->fn", x, w)) ** 2).mean(axis=1)
    x0 = rng.standard_normal((fits, n_test, n_features))
    y0 = np.sqrt(sigma2) * rng.standard_normal((fits, n_test))
    test = ((y0 - np.einsum("fnd,fd->fn", x0, w)) ** 2).mean(axis=1)
    for measured, predicted in ((train, least_squares.noise_train_mse(n_samples, n_features, sigma2)),
                                (test, least_squares.noise_test_risk(n_samples, n_features, sigma2))):
        assert abs(measured.mean() - predicted) < 4 * measured.std() / np.sqrt(fits)


def test_monte_carlo_minimum_norm_excess_risk():
    # Over-parameterised: the minimum-norm interpolator X^+ y of a teacher of norm r plus noise.
    rng = np.random.default_rng(5)
    fits, n_samples, n_features, r2, sigma2 = 20_000, 10, 20, 1.0, 2.0
    beta = rng.standard_normal(n_features)
    beta *= np.sqrt(r2) / np.linalg.norm(beta)
    x = rng.standard_normal((fits, n_samples, n_features))
    y = x @ beta + np.sqrt(sigma2) * rng.standard_normal((fits, n_samples))
    w = np.einsum("fdn,fn->fd", np.linalg.pinv(x), y)
    excess = ((w - beta) ** 2).sum(axis=1)  # E (x0^T (w - beta))^2 for isotropic x0
    predicted = least_squares.overparam_excess_risk(n_samples, n_features, r2, sigma2)
    assert abs(excess.mean() - predicted) < 4 * excess.std() / np.sqrt(fits)
