"""The benchmark compares like with like: on its quick (tiny) grids, every family's ways (the per-run loop on
samples, the per-run loop on sufficient statistics where ours uses any, torch.func ensembling, and ours) reach
the same values, cell by cell (no timing is asserted here: see experiments/bench/)."""
import numpy as np
import pytest
import torch
import yaml

from experiments import bench
from experiments.bench import core

QUICK = bench.quick_config(yaml.safe_load(bench.CONFIG.read_text()))
STEPS = 4


@pytest.fixture(scope="module")
def grids():
    """Every quick grid, run on one thread: tiny tensors on two threads of a busy machine wait on each other."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield {name: next(bench.grids(QUICK, [name])) for name in bench.GRIDS}
    torch.set_num_threads(threads)


def test_every_family_of_the_default_build_is_covered():
    """Each experiment section of the default config that trains or fits something has a grid."""
    sections = {"loss_floor": "E1", "gradient_noise": "E2", "least_squares": "E3", "deep_linear": "E4", "zipf_scaling": "E5",
                "capacity": "E6", "modular_addition": "E8", "digits": "E9"}
    config = yaml.safe_load(bench.CONFIG.read_text())
    assert {prefix for section, prefix in sections.items() if section in config} <= {name.split()[0] for name in bench.GRIDS}
    assert {"E5 data", "E5 size", "E5 emergence", "E6 noise", "E6 mixture"} <= set(bench.GRIDS)


@pytest.mark.parametrize("name", list(bench.GRIDS))
def test_the_ways_reach_the_same_values(grids, name):
    grid = grids[name]
    results = core.run_grid(grid, steps=STEPS)
    ours = results["ours"].values
    assert set(results) == set(grid.ways) >= {"naive", "vmap", "ours"}
    assert len(ours) == len(grid.subset) > 0
    assert np.isfinite(ours).any()
    for variant, (seconds_per_unit, values, _) in results.items():
        assert seconds_per_unit > 0, variant
        close = np.abs(values - ours) <= grid.atol + grid.rtol * np.abs(ours)
        assert (close | (np.isnan(values) & np.isnan(ours))).all(), f"{name}: {variant} against ours\n{values}\n{ours}"
    assert core.agree(grid, results)


def test_agreement_is_after_training(grids):
    """The values compared have moved: four steps take every way's loss below its value after one."""
    after_one, after_four = (core.run_grid(grids["E1 mlp"], steps)["naive"].values for steps in (1, STEPS))
    assert (after_four < after_one).all()


def test_agree_catches_a_way_that_differs(grids):
    """The agreement check fails when one way's values move by more than the tolerance."""
    grid = grids["E3"]
    results = core.run_grid(grid, steps=STEPS)
    assert core.agree(grid, results)
    results["naive"] = results["naive"]._replace(values=results["naive"].values * (1 + 10 * grid.rtol))
    assert not core.agree(grid, results)
