"""The benchmark compares like with like: on its quick (tiny) grids, every family's ways (the per-run loop on
samples, the per-run loop and torch.func ensembling on sufficient statistics where ours uses any, torch.func
ensembling on samples, and ours) reach the same values, cell by cell (no timing is asserted here: see
experiments/bench/); and each grid counts the elementwise work its attainable bound adds."""
import numpy as np
import pytest
import torch
import yaml

from experiments import bench
from experiments.bench import core
from experiments.bench.machine import ELEMENTWISE
from experiments.common.models import MODELS

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
    assert ("naive-stats" in grid.ways) == ("vmap-stats" in grid.ways), "a statistic's per-run loop and its ensembling come together"
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


def test_ways_on_statistics_wherever_ours_uses_one(grids):
    """The families whose ours trains or sums on a sufficient statistic (E1-E4, E5 data) have both ways on it."""
    for name in ["E1 linear", "E1 mlp", "E2 linear", "E2 mlp", "E3", "E4", "E5 data"]:
        assert {"naive-stats", "vmap-stats"} <= set(grids[name].ways), name


@pytest.mark.parametrize("name", list(bench.GRIDS))
def test_elementwise_work_is_counted(grids, name):
    """Every kind of elementwise work is counted (zero where the algorithm has none), and none is negative."""
    work = grids[name].work
    assert set(work) == set(ELEMENTWISE), name
    assert all(count >= 0 for count in work.values()), work


@pytest.mark.parametrize("model_name", ["linear", "mlp"])
def test_e1_counts_an_exponential_per_logit_and_adam_per_parameter(grids, model_name):
    """E1's step: every member's softmax over every key's V logits, and Adam on every parameter of every member
    (the sizes from the config and the model's own initialisation, not from the grid's formula)."""
    section = QUICK["loss_floor"]
    members = len(section["rho"]) * len(section["samples_per_key"]) * len(QUICK["seeds"])
    n_keys, n_classes = section["keys"], max(section["classes"])
    parameters = sum(p.numel() for p in MODELS[model_name].init(0, n_keys, n_classes, **section["models"][model_name]).values())
    work = grids[f"E1 {model_name}"].work
    assert work["exp"] == members * n_keys * n_classes
    assert work["adam"] == members * parameters
