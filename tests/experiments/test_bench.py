"""The benchmark compares like with like: on a tiny grid the per-run loop, torch.func ensembling
and our trainers reach the same losses (no timing is asserted here: see experiments/bench.py)."""
import copy

import numpy as np
import pytest
import yaml

from experiments import bench

TINY = copy.deepcopy(yaml.safe_load(bench.CONFIG.read_text()))
TINY["loss_floor"].update(keys=8, samples_per_key=[10, 30], rho=[0.5])
TINY["least_squares"].update(repeats=2, rho=[0.5])
TINY["deep_linear"].update(samples=[32], rho=[0.5])


@pytest.mark.parametrize("make", [
    lambda: bench.e1_grid(TINY, [0, 1], "linear", 4),
    lambda: bench.e1_grid(TINY, [0, 1], "mlp", 4),
    lambda: bench.e3_grid(TINY, [0, 1], 4),
    lambda: bench.e4_grid(TINY, [0, 1], 4),
], ids=["e1-linear", "e1-mlp", "e3", "e4"])
def test_three_ways_reach_the_same_losses(make):
    grid = make()
    ours = grid.ours()[grid.subset]
    assert np.allclose(grid.naive(grid.subset), ours, rtol=bench.TOLERANCE)
    assert np.allclose(grid.vmap(grid.subset), ours, rtol=bench.TOLERANCE)
