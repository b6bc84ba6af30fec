"""T2: derived gradient statistics equal the closed forms, and per-sample gradients in NumPy agree."""
import numpy as np
import sympy as sp

from theory import gradient_noise
from theory.symbols import B, K, V, rho


def test_derived_equals_plan_closed_forms():
    d = gradient_noise.derive()
    assert sp.simplify(d["LogitGradSqNorm"] - (1 - 1 / V)) == 0
    assert sp.simplify(d["LogitGradMeanSqNorm"] - rho**2 * (1 - 1 / V)) == 0
    assert sp.simplify(d["LogitGradCondTrace"] - (1 - 1 / V) * (1 - rho**2)) == 0
    assert sp.simplify(d["GradientNoiseScale"] - (K / rho**2 - 1)) == 0
    assert sp.simplify(d["MinibatchSqNormPureNoise"] - (1 - 1 / V) / B) == 0


def _per_sample_gradients(rng, dial, n_keys, n_classes, n):
    """Gradients of the linear softmax at zero weights, sample by sample: e_x (1/V - e_y)."""
    table = rng.integers(n_classes, size=n_keys)
    keys = rng.integers(n_keys, size=n)
    labels = np.where(rng.random(n) < dial, table[keys], rng.integers(n_classes, size=n))
    grads = np.zeros((n, n_keys, n_classes))
    grads[np.arange(n), keys, :] = 1.0 / n_classes
    grads[np.arange(n), keys, labels] -= 1.0
    return grads.reshape(n, -1)


def test_monte_carlo_signal_noise_and_noise_scale():
    rng = np.random.default_rng(1)
    n_keys, n_classes, n = 8, 5, 100_000
    for dial in (0.3, 0.7):
        grads = _per_sample_gradients(rng, dial, n_keys, n_classes, n)
        mean = grads.mean(axis=0)
        trace = ((grads - mean) ** 2).sum(axis=1).mean() * n / (n - 1)
        signal = mean @ mean - trace / n  # unbiased estimate of |G|^2
        assert np.allclose((grads**2).sum(axis=1), gradient_noise.gradient_sq_norm(n_classes))
        assert abs(trace / gradient_noise.gradient_trace(dial, n_classes, n_keys) - 1) < 0.01
        assert abs(signal / gradient_noise.mean_gradient_sq_norm(dial, n_classes, n_keys) - 1) < 0.1
        assert abs(trace / signal / gradient_noise.gradient_noise_scale(dial, n_keys) - 1) < 0.1


def test_monte_carlo_minibatch_norm_falls_as_one_over_b_on_pure_noise():
    rng = np.random.default_rng(2)
    n_keys, n_classes, repeats = 4, 3, 4000
    for batch in (1, 8, 64):
        grads = _per_sample_gradients(rng, 0.0, n_keys, n_classes, repeats * batch)
        sq = (grads.reshape(repeats, batch, -1).mean(axis=1) ** 2).sum(axis=1)
        predicted = gradient_noise.minibatch_sq_norm_pure_noise(batch, n_classes)
        assert abs(sq.mean() - predicted) < 4 * sq.std() / np.sqrt(repeats)
