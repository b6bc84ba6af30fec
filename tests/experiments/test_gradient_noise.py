"""E2's measurement: autograd's per-sample gradients equal the analytic e_x (1/V - e_y) at zero
initialisation, and the estimates from a small run fall near T2."""
import numpy as np
import torch

from experiments import gradient_noise
from experiments.models import MODELS, init_ensemble
from theory.gradient_noise import gradient_noise_scale, gradient_trace


def test_per_sample_gradients_are_the_analytic_ones():
    n_keys, n_classes = 5, 4
    params = init_ensemble(MODELS["linear"], [0, 1], n_keys, n_classes, {})
    keys = torch.tensor([[0, 3, 3], [4, 1, 0]])
    labels = torch.tensor([[2, 0, 1], [3, 3, 0]])
    grads = gradient_noise.per_sample_gradients(MODELS["linear"], params, keys, labels).reshape(2, 3, n_keys, n_classes)
    expected = np.zeros((2, 3, n_keys, n_classes))
    for e in range(2):
        for i in range(3):
            expected[e, i, keys[e, i]] = 1 / n_classes
            expected[e, i, keys[e, i], labels[e, i]] -= 1
    assert np.allclose(grads.numpy(), expected, atol=1e-7)


def test_small_run_estimates_near_theory():
    config = {"keys": 4, "classes": 5, "rho": [0.5], "samples": 16384, "batch_sizes": [1, 4], "chunk": 1024, "models": {"linear": {}}}
    table = gradient_noise.run(config, [0, 1, 2], "linear")
    mean = table.groupby("quantity")["value"].mean()
    assert abs(mean["grad_trace"] / gradient_trace(0.5, 5, 4) - 1) < 0.01
    assert abs(mean["noise_scale"] / gradient_noise_scale(0.5, 4) - 1) < 0.15


def test_batch_sizes_must_nest():
    config = {"keys": 4, "classes": 5, "rho": [0.5], "samples": 1024, "batch_sizes": [4, 6], "chunk": 1024, "models": {"linear": {}}}
    try:
        gradient_noise.run(config, [0], "linear")
    except ValueError as error:
        assert "batch_sizes" in str(error)
    else:
        raise AssertionError("batch sizes 4 and 6 do not nest and must be refused")
