"""T7 in steps: the online memoriser's derived margin step is the softmax's gradient step, and its exact
expected loss agrees with sampled streams."""
import numpy as np
import sympy as sp

from theory import online_memoriser
from theory.symbols import V, eta
from theory.zipf_skills import zipf_frequencies

margin = online_memoriser.margin


def test_derived_equals_closed_forms():
    res = online_memoriser.derive().results
    assert sp.simplify(res["OnlineMarginStep"] - eta * V / (V - 1 + sp.exp(margin))) == 0
    assert sp.simplify(sp.exp(res["OnlineMarginLoss"]) - (1 + (V - 1) * sp.exp(-margin))) == 0


def test_margin_recursion_is_the_softmax_gradient_step():
    classes, lr = 3, 0.7
    logits = np.zeros(classes)  # answer 0
    for _ in range(6):
        q = np.exp(logits) / np.exp(logits).sum()
        logits -= lr * (q - np.eye(classes)[0])
    loss = -np.log(np.exp(logits[0]) / np.exp(logits).sum())
    assert np.isclose(online_memoriser.loss_after_sightings(6, lr, classes)[-1], loss, rtol=1e-12)


def test_expected_loss_against_sampled_streams():
    rng = np.random.default_rng(5)
    p, steps, lr = zipf_frequencies(1.0, 200), 300, 0.5
    per_count = online_memoriser.loss_after_sightings(steps, lr, 2)
    sampled = [p @ per_count[np.bincount(rng.choice(200, size=steps, p=p), minlength=200)] for _ in range(4000)]
    stderr = np.std(sampled) / np.sqrt(len(sampled))
    assert abs(np.mean(sampled) - online_memoriser.expected_loss(steps, p, lr, 2)) < 4 * stderr
