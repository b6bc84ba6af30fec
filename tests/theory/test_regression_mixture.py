"""The regression mixture: derived effective noise equals rho(1-rho) r^2 + (1-rho) sigma^2, the
continuation reduces to T4 at the ends of the dial, and sampled labels agree."""
import numpy as np
import sympy as sp

from theory import least_squares, regression_mixture
from theory.symbols import d, n, r, rho, sigma


def test_effective_noise_equals_closed_form():
    derived = regression_mixture.derive()["MixtureNoiseVariance"]
    assert sp.simplify(derived - (rho * (1 - rho) * r**2 + (1 - rho) * sigma**2)) == 0


def test_continuation_is_t4_at_the_ends_of_the_dial():
    mix, t4 = regression_mixture.derive(), least_squares.derive()
    assert sp.simplify(mix["MixtureTestRiskUnder"].subs(rho, 0) - t4["NoiseTestRisk"]) == 0
    assert sp.simplify(mix["MixtureTrainMse"].subs(rho, 0) - t4["NoiseTrainMse"]) == 0
    assert sp.simplify(mix["MixtureTestRiskOver"].subs(rho, 1) - r**2 * (1 - n / d)) == 0


def test_monte_carlo_label_moments():
    rng = np.random.default_rng(5)
    dim, n_draws, dial, sigma2 = 6, 400_000, 0.3, 0.5
    beta = rng.normal(size=dim)
    beta *= np.sqrt(2.0) / np.linalg.norm(beta)  # r^2 = 2
    x = rng.normal(size=(n_draws, dim))
    f = x @ beta
    y = np.where(rng.random(n_draws) < dial, f, rng.normal(scale=np.sqrt(sigma2), size=n_draws))
    resid = y - dial * f  # the label around the effective teacher
    predicted = dial * (1 - dial) * 2.0 + (1 - dial) * sigma2
    assert abs(np.mean(resid * f)) < 4 * np.std(resid * f) / np.sqrt(n_draws)  # no correlation left with x^T beta
    assert abs(np.mean(resid**2) - predicted) < 4 * np.std(resid**2) / np.sqrt(n_draws)
