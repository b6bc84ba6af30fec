"""T3: the derived finite-sample excess equals (V-1)/(2m), and simulated multinomial estimates agree."""
import numpy as np
import sympy as sp

from theory import finite_samples
from theory.symbols import V, m


def test_derived_equals_plan_closed_form():
    assert sp.simplify(finite_samples.derive()["FiniteSampleExcess"] - (V - 1) / (2 * m)) == 0


def test_monte_carlo_expected_kl_of_the_frequency_estimate():
    rng = np.random.default_rng(3)
    n_classes, dial, samples, repeats = 5, 0.3, 400, 20_000
    truth = np.full(n_classes, (1 - dial) / n_classes)
    truth[0] += dial
    assert finite_samples.other_class_count(dial, samples, n_classes) > 50  # inside T3's validity
    counts = rng.multinomial(samples, truth, size=repeats)
    estimate = counts / samples
    kl = (truth * (np.log(truth) - np.log(estimate))).sum(axis=1)
    predicted = finite_samples.finite_sample_excess(samples, n_classes)
    assert abs(kl.mean() - predicted) < 4 * kl.std() / np.sqrt(repeats) + 0.02 * predicted
