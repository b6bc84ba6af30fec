"""E4's trainer: its hand-written gradients are autograd's, at large n with rho = 1 a mode's half-time is Saxe's
(the finite-n departures are the experiment's subject, not tested here), and the onset's random start finds the
mode well above the declared threshold and not far below it."""
import numpy as np
import pandas as pd
import pytest
import torch

from experiments.common import curves
from experiments.e4_deep_linear import run as deep_linear
from theory.deep_linear import mixture_half_time, saxe_transition_width
from theory.spiked_correlation import critical_rho, kept_strength, noise_scale, overlap_sq


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
    assert abs(curves.crossing_times(times, curve[None], np.array([1.0]))[0] - 4.0) < 0.02
    assert np.isposinf(curves.crossing_times(times, curve[None], np.array([2.5]))[0])  # never reached: censored, a lower bound
    assert np.isnan(curves.crossing_times(times, np.where(times > 5, np.nan, curve)[None], np.array([2.5]))[0])  # diverged
    assert curves.crossing_times(times, curve[None], np.array([curve[0]]))[0] == 0.0  # met at the start: time 0, not censored


ONSET = {"singular_value": 2.0, "shapes": [[16, 64]], "rho_over_critical": [0.5, 3.0], "init": 1e-4, "repeats": 1, "learning_rate": 0.1, "steps": 400}


def test_large_n_structure_follows_saxe():
    config = {"dimension": 4, "singular_values": [2.0, 1.0], "rho": [1.0], "samples": [20000], "noise_variance": 1.0,
              "init": 0.01, "learning_rate": 0.01, "steps": 800, "record_every": 2,
              "u0_sweep": {"init": [0.01, 0.0001], "samples": 20000},
              "noise_threshold": {"dimension": 4, "samples": 64, "rho": 0.5, "singular_values": [1.0], "repeats": 1, "learning_rate": 0.1, "steps": 10},
              "onset": ONSET}
    table = deep_linear.run(config, [0, 1])
    half = table[table["quantity"] == "half_time"].groupby("singular_value")["value"].mean()
    predicted = mixture_half_time(1.0, half.index.to_numpy(), 0.01)
    assert np.allclose(half.to_numpy(), predicted, rtol=0.03)
    # the sweep: T6's width (1/s) ln 9 whatever u0, and half-times rising by 1/(2s) per unit of ln(1/u0)
    width = table[table["quantity"] == "transition_width"].groupby("singular_value")["value"]
    assert np.allclose(width.mean().to_numpy(), saxe_transition_width(width.mean().index.to_numpy(), 0.1 * width.mean().index.to_numpy()), rtol=0.03)
    assert np.all(width.std().to_numpy() < 0.01 * width.mean().to_numpy())
    slope = table[table["quantity"] == "onset_slope"].groupby("singular_value")["value"].mean()
    assert np.allclose(slope.to_numpy(), 1 / (2 * slope.index.to_numpy()), rtol=0.03)


def test_noise_threshold_run_keeps_a_strong_mode_and_loses_a_weak_one():
    # a = sqrt(d sigma_eff^2 / n) = 0.18 at rho = 0.5 (theory.spiked_correlation): rho s = 0.05 below, 0.75 above
    config = {"dimension": 16, "init": 0.001, "noise_variance": 1.0, "learning_rate": 0.02,
              "noise_threshold": {"dimension": 16, "samples": 256, "rho": 0.5, "singular_values": [0.1, 1.5], "repeats": 2, "learning_rate": 0.1, "steps": 800}}
    rows = pd.DataFrame(deep_linear.noise_threshold(config, [0, 1, 2], {"dimension": 16, "noise_variance": 1.0, "learning_rate": 0.02}))
    kept = rows.groupby("singular_value")["value"].mean()
    scale = noise_scale(0.5, 256, 16, kept.index.to_numpy() ** 2, 1.0)
    assert abs(kept[1.5] - kept_strength(0.75, scale[1])) < 0.1 * 0.75
    assert kept[0.1] < 0.8 * 0.05  # below: the width-1 network learns a noise direction, not T6's rho s = 0.05


def test_onset_finds_the_mode_well_above_the_declared_threshold_from_a_random_start():
    """rho = 3 rho_c: the overlap approaches the spiked-matrix theory's 1 - a^2/(rho s)^2; rho = rho_c / 2: far less;
    and the random start has no more than chance overlap with the mode (it knows nothing of the teacher)."""
    config = {"onset": {**ONSET, "shapes": [[32, 256]], "steps": 1500, "repeats": 2}}
    rows = pd.DataFrame(deep_linear.onset(config, [0, 1, 2], {"dimension": 32, "noise_variance": 1.0, "learning_rate": 0.02}))
    overlap = rows.groupby("rho")["value"].mean()
    low, high = overlap.index
    assert high == pytest.approx(6 * low) and 2 * high == pytest.approx(3 * 2 * critical_rho(2.0, 256, 32, 1.0))
    assert abs(overlap[high] - overlap_sq(2 * high, noise_scale(high, 256, 32, 4.0, 1.0))) < 0.1
    assert overlap[low] < overlap[high] - 0.3
    w1, w2 = deep_linear.random_start(0, 32, 1e-4, 1)
    u, _, v = deep_linear.teacher(32, [2.0])
    assert float((w1[0, 0] @ torch.tensor(v[:, 0])) ** 2 / (w1**2).sum()) < 0.25  # a random direction: about 1/d


@pytest.mark.parametrize("change", [{"shapes": [[32, 32]]}, {"rho_over_critical": [10.0]}])
def test_bad_onset_refused_before_training(change):
    config = {"dimension": 4, "singular_values": [2.0], "rho": [1.0], "samples": [64], "noise_variance": 1.0, "init": 0.01,
              "learning_rate": 0.01, "steps": 10, "record_every": 2, "u0_sweep": {"init": [0.01, 0.0001], "samples": 64},
              "noise_threshold": {"dimension": 4, "samples": 64, "rho": 0.5, "singular_values": [1.0], "repeats": 1, "learning_rate": 0.1, "steps": 10},
              "onset": {**ONSET, **change}}
    with pytest.raises(ValueError, match="onset"):
        deep_linear.check(config)
