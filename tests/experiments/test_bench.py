"""The benchmark compares like with like: on its quick (tiny) grids the per-run loop on samples, the
per-run loop on sufficient statistics, torch.func ensembling and our trainers reach the same losses,
member by member (no timing is asserted here: see experiments/bench.py)."""
import numpy as np
import pytest
import yaml

from experiments import bench

QUICK = bench.quick_config(yaml.safe_load(bench.CONFIG.read_text()))
GRIDS = {g.name: g for g in bench.grids(QUICK)}


@pytest.mark.parametrize("name", sorted(GRIDS))
def test_four_ways_reach_the_same_losses(name):
    grid = GRIDS[name]
    results = bench.run_grid(grid, steps=4)
    ours = results["ours"][1]
    assert len(ours) == len(grid.subset) > 0
    assert np.isfinite(ours).all()
    for variant in bench.VARIANTS:
        seconds_per_step, losses = results[variant]
        assert seconds_per_step > 0, variant
        np.testing.assert_allclose(losses, ours, rtol=bench.TOLERANCE, err_msg=f"{name}: {variant} against ours")


def test_agreement_is_after_training():
    """The losses compared have moved: four steps take every way's loss below its value after one."""
    grid = GRIDS["E1 mlp V=32"]
    after_one, after_four = (bench.run_grid(grid, steps)["naive"][1] for steps in (1, 4))
    assert (after_four < after_one).all()
