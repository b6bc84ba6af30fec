"""T6: the derived sigmoids equal Saxe et al.'s forms, and real gradient steps on linear networks follow them."""
import numpy as np
import sympy as sp

from theory import deep_linear
from theory.symbols import rho, s, t, u0


def test_derived_equals_plan_closed_forms():
    res = deep_linear.derive().results
    sigmoid = lambda g: g * sp.exp(2 * g * t) / (sp.exp(2 * g * t) - 1 + g / u0)
    assert sp.simplify(res["SaxeModeStrength"] - sigmoid(s)) == 0
    assert sp.simplify(res["MixtureModeStrength"] - sigmoid(rho * s)) == 0
    assert sp.simplify(res["MixtureCorrelation"] - rho * s) == 0 and res["MixtureFinalStrength"] == rho * s
    assert sp.simplify(res["MixtureHalfTime"] - sp.log((rho * s - u0) / u0) / (2 * rho * s)) == 0
    # The plan's width (1/s) ln(s/eps) is the leading term of the exact (1/s) ln((s - eps)/eps).
    eps = deep_linear.epsilon
    assert sp.simplify(sp.expand_log(res["SaxeTransitionWidth"] - sp.log((s - eps) / eps) / s, force=True)) == 0


def _orthogonal(rng, size):
    return np.linalg.qr(rng.standard_normal((size, size)))[0]


def test_gradient_steps_on_a_two_layer_network_follow_the_sigmoids():
    # Population loss (1/2) E|y - W2 W1 x|^2 with E x x^T = I and E y x^T = U diag(s) V^T, from a
    # small balanced start on the singular vectors (a random rotation of the hidden layer).
    rng = np.random.default_rng(8)
    strengths, initial, step, n_steps = np.array([2.0, 1.0, 0.5]), 1e-3, 2e-4, 60_000
    left, right, hidden = (_orthogonal(rng, 3) for _ in range(3))
    correlation = left @ np.diag(strengths) @ right.T
    w1, w2 = np.sqrt(initial) * hidden @ right.T, np.sqrt(initial) * left @ hidden.T
    modes = np.empty((n_steps, 3))
    for i in range(n_steps):
        error = correlation - w2 @ w1
        w1, w2 = w1 + step * w2.T @ error, w2 + step * error @ w1.T
        modes[i] = np.diag(left.T @ w2 @ w1 @ right)
    time = step * np.arange(1, n_steps + 1)[:, None]
    predicted = deep_linear.saxe_mode_strength(time, strengths, initial)
    # A step moves the logit ln(u/(s-u)) by 2 eta s (1 + O(eta s)): a time shift of at most eta s t,
    # so |du| <= (s^2/2) eta s t; the allowance doubles that leading-order bound.
    assert np.all(np.abs(modes - predicted) <= step * strengths**3 * time)
    assert np.all(modes[-1] > 0.99 * strengths)  # every mode has been learned


def test_monte_carlo_mixture_delays_the_half_time():
    # A scalar two-layer net trained on sampled mixture data: label s x with probability rho, else N(0, 1).
    rng = np.random.default_rng(9)
    dials, strength, initial, step, n_samples = np.array([0.25, 0.5, 1.0]), 2.0, 1e-3, 5e-3, 50_000
    x = rng.standard_normal(n_samples)
    x /= np.sqrt((x**2).mean())  # whitened: mean x^2 = 1 exactly
    rule = rng.random((3, n_samples)) < dials[:, None]
    y = np.where(rule, strength * x, rng.standard_normal((3, n_samples)))
    n_steps = int(3 * deep_linear.mixture_half_time(dials, strength, initial).max() / step)
    w1 = w2 = np.full(3, np.sqrt(initial))
    path = np.empty((n_steps, 3))
    for i in range(n_steps):
        grad = ((y - (w2 * w1)[:, None] * x) * x).mean(axis=1)  # -dL/d(w2 w1) on the samples
        w1, w2 = w1 + step * w2 * grad, w2 + step * w1 * grad
        path[i] = w1 * w2
    half = step * (1 + (path < path[-1] / 2).sum(axis=0))  # the first step at half the final strength
    stderr = (y * x).std(axis=1) / np.sqrt(n_samples)  # of the sampled correlation rho s
    slow = deep_linear.mixture_half_time(dials - 4 * stderr / strength, strength, initial)
    fast = deep_linear.mixture_half_time(dials + 4 * stderr / strength, strength, initial)
    allowance = step * (dials * strength + 4 * stderr)  # relative time shift of the discrete steps
    assert np.all(half >= fast * (1 - allowance)) and np.all(half <= slow * (1 + allowance) + step)
