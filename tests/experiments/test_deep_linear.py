"""E4's trainer: its hand-written gradients are autograd's, and at large n with rho = 1 a mode's
half-time is Saxe's (the finite-n departures are the experiment's subject, not tested here)."""
import numpy as np
import torch

from experiments import deep_linear
from theory.deep_linear import mixture_half_time


def test_gradient_step_equals_autograd():
    rng = np.random.default_rng(0)
    sxx = torch.tensor(np.cov(rng.normal(size=(5, 50)))[None])
    syx = torch.tensor(rng.normal(size=(1, 5, 5)))
    w1 = torch.tensor(rng.normal(size=(1, 3, 5)), requires_grad=True)
    w2 = torch.tensor(rng.normal(size=(1, 5, 3)), requires_grad=True)
    w = w2 @ w1
    loss = 0.5 * torch.einsum("eij,ejk,eik->", w, sxx, w) - torch.einsum("eij,eij->", w, syx)  # the sample loss up to a constant
    loss.backward()
    maps = deep_linear.train(sxx, syx, w1.detach(), w2.detach(), lr=0.1, steps=1, record=1)
    w1_next = w1.detach() - 0.1 * w1.grad
    w2_next = w2.detach() - 0.1 * w2.grad
    assert torch.allclose(maps[:, 1], w2_next @ w1_next, atol=1e-10)


def test_half_time_interpolation():
    times = np.linspace(0, 10, 101)
    curve = 2.0 / (1 + np.exp(-(times - 4.0) * 3))
    assert abs(deep_linear.half_times(times, curve[None], np.array([2.0]))[0] - 4.0) < 0.02


def test_large_n_structure_follows_saxe():
    config = {"dimension": 4, "singular_values": [2.0, 1.0], "rho": [1.0], "samples": [20000], "noise_variance": 1.0,
              "init": 0.01, "learning_rate": 0.01, "steps": 800, "record_every": 2}
    table = deep_linear.run(config, [0, 1])
    half = table[table["quantity"] == "half_time"].groupby("singular_value")["value"].mean()
    predicted = mixture_half_time(1.0, half.index.to_numpy(), 0.01)
    assert np.allclose(half.to_numpy(), predicted, rtol=0.03)
