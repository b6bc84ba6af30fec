"""E2's measurement: autograd's per-sample gradients equal the analytic e_x (1/V - e_y) at zero
initialisation, the sums from pair counts and the Gram matrix equal the direct sums over every
sample's gradient, and the estimates from a small run fall near T2."""
import itertools

import numpy as np
import pytest
import torch

from experiments.common import lookup_table
from experiments.common.models import MODELS, init_ensemble
from experiments.e2_gradient_noise import run as gradient_noise
from theory.gradient_noise import gradient_noise_scale, gradient_trace


def test_per_sample_gradients_are_the_analytic_ones():
    n_keys, n_classes = 5, 4
    params = init_ensemble(MODELS["linear"], [0, 1], n_keys, n_classes, {})
    keys = torch.tensor([[0, 3, 3], [4, 1, 0]])
    labels = torch.tensor([[2, 0, 1], [3, 3, 0]])
    grads = gradient_noise.per_sample_gradients(MODELS["linear"], params, keys, labels).reshape(2, 3, n_classes, n_keys).transpose(2, 3)  # W is (V, K)
    expected = np.zeros((2, 3, n_keys, n_classes))
    for e in range(2):
        for i in range(3):
            expected[e, i, keys[e, i]] = 1 / n_classes
            expected[e, i, keys[e, i], labels[e, i]] -= 1
    assert np.allclose(grads.numpy(), expected, atol=1e-7)


def direct_sums(model, params, keys, labels, batch_sizes, chunk):
    """The sums as E2 took them before: every sample's gradient, accumulated chunk by chunk in float64."""
    members, n = keys.shape
    grad_sum, sq_norm_sum, batch_sq_sum = 0.0, 0.0, {b: 0.0 for b in batch_sizes}
    for start in range(0, n, chunk):
        g = gradient_noise.per_sample_gradients(model, params, keys[:, start : start + chunk], labels[:, start : start + chunk]).double()
        grad_sum = grad_sum + g.sum(dim=1)
        sq_norm_sum = sq_norm_sum + (g**2).sum(dim=(1, 2))
        for b in batch_sizes:
            batch_sq_sum[b] = batch_sq_sum[b] + (g.reshape(members, chunk // b, b, -1).mean(dim=2) ** 2).sum(dim=(1, 2))
    return grad_sum, sq_norm_sum, batch_sq_sum


@pytest.mark.parametrize("model_name, options", [("linear", {}), ("mlp", {"hidden": 8})])
def test_sums_from_pair_counts_equal_the_direct_sums(model_name, options):
    # A = 30 pairs: batches of 1 and 2 take batch_pair_counts' counting of couples, the others its outer products
    n_keys, n_classes, n, chunk, batch_sizes = 5, 6, 1024, 128, [1, 2, 4, 32, 128]
    cells = list(itertools.product([0.0, 0.3, 1.0], [0, 1]))
    data = [lookup_table.samples(s, lookup_table.rule_table(s, n_keys, n_classes), r, n_classes, n) for r, s in cells]
    keys = torch.tensor(np.stack([k for k, _ in data]))
    labels = torch.tensor(np.stack([y for _, y in data]))
    model = MODELS[model_name]
    # float64 parameters: both ways then see every sample's gradient to float64 rounding
    params = {name: p.double() for name, p in init_ensemble(model, [s for _, s in cells], n_keys, n_classes, options).items()}
    new = gradient_noise.gradient_sums(model, params, keys, labels, n_keys, n_classes, batch_sizes, chunk)
    old = direct_sums(model, params, keys, labels, batch_sizes, chunk)
    scale = old[0].abs().max()  # sums of many signed terms: rounding relative to the largest
    assert torch.allclose(new[0], old[0], rtol=1e-12, atol=1e-12 * scale)
    assert torch.allclose(new[1], old[1], rtol=1e-12, atol=0)
    for b in batch_sizes:
        assert torch.allclose(new[2][b], old[2][b], rtol=1e-12, atol=0), b


def test_batch_pair_counts_are_the_sum_of_outer_products_of_batch_counts():
    n_pairs, n, chunk = 30, 256, 64
    pairs = torch.randint(n_pairs, (3, n), generator=torch.Generator().manual_seed(0))
    for b in [1, 2, 4, 16, 64]:  # counting couples below n_pairs / 10, outer products above
        counts = torch.nn.functional.one_hot(pairs, n_pairs).reshape(3, n // b, b, n_pairs).sum(dim=2).double()
        assert torch.equal(gradient_noise.batch_pair_counts(pairs, n_pairs, b, chunk), counts.transpose(1, 2) @ counts), b


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
