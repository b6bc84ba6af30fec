"""T1: the derived Bayes floor equals the closed form of the paper's T1, and Monte Carlo agrees."""
import numpy as np
import sympy as sp

from theory import bayes_floor
from theory.derivation import equal
from theory.symbols import V, rho

p = rho + (1 - rho) / V
q = (1 - rho) / V


def test_floor_equals_plan_closed_form():
    d = bayes_floor.derive()
    assert equal(d["BayesFloor"], -p * sp.log(p) - (V - 1) * q * sp.log(q))
    assert equal(d["BayesAccuracy"], p)


def test_slope_equals_plan_closed_form():
    d = bayes_floor.derive()
    assert equal(d["BayesFloorSlope"], -(1 - 1 / V) * sp.log(1 + V * rho / (1 - rho)))


def test_expansion_at_pure_noise():
    series = bayes_floor.derive()["BayesFloorNearNoise"]
    assert sp.simplify(series.removeO() - (sp.log(V) - (V - 1) * rho**2 / 2)) == 0
    assert series.getO() == sp.O(rho**3)


def test_predictor_ends_of_the_dial():
    assert np.allclose(bayes_floor.bayes_floor(0.0, [2, 10, 32]), np.log([2, 10, 32]))
    limit = sp.limit(bayes_floor.derive()["BayesFloor"], rho, 1, "-")
    assert limit == 0 and bayes_floor.bayes_floor(1.0, 10) == 0.0
    assert np.allclose(bayes_floor.bayes_accuracy([0.0, 1.0], 10), [0.1, 1.0])


def test_monte_carlo_cross_entropy_of_the_true_distribution():
    # Sample labels from the mixture in NumPy and score them with the true conditional.
    rng = np.random.default_rng(0)
    n, n_classes = 200_000, 7
    for dial in (0.0, 0.3, 0.8):
        rule = rng.integers(n_classes, size=n)
        labels = np.where(rng.random(n) < dial, rule, rng.integers(n_classes, size=n))
        probs = np.where(labels == rule, dial + (1 - dial) / n_classes, (1 - dial) / n_classes)
        loss = -np.log(probs)
        stderr = loss.std() / np.sqrt(n)
        assert abs(loss.mean() - bayes_floor.bayes_floor(dial, n_classes)) < 4 * stderr + 1e-12
        accuracy = (labels == rule).mean()
        assert abs(accuracy - bayes_floor.bayes_accuracy(dial, n_classes)) < 4 * np.sqrt(0.25 / n)
