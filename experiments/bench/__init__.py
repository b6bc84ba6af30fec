"""Benchmark: where the build's training time goes, against the strongest peers (README "The benchmark").

    python -m experiments.bench [--steps 50] [--threads 1]     # the default build's grids, on one thread as its jobs run
    python -m experiments.bench --quick                         # tiny grids, a few steps: do the four agree?

For every training family of the default build (workflow/configs/default.yaml: E1-E6, E8, E9) the same work,
from the same initial weights and data, runs up to five ways in this one process, all under one allocator setting
(glibc told to keep freed memory, bench/machine.py, as PyTorch's CPU tuning guide recommends; without it the
plain loop's large per-step tensors went back to the kernel every step):

  naive        one nn.Module and one optimizer per run, on its samples, as most research code does (fused Adam or
               AdamW where torch offers it)
  naive-stats  the same per-run loop on the sufficient statistic that ours uses (per-key label counts for E1 and
               E5's data part, the distinct (key, label) gradients' Gram matrix and pair counts for E2, Sigma_xx
               and Sigma_yx for E4, the n x n kernel X X^T / n and the residual for E3).  Where ours uses none (E5's size and emergence parts, E6, E8, E9 work
               on the points, population or samples themselves) the column shows "-"
  vmap         PyTorch's documented ensembling: torch.func.stack_module_state + functional_call + vmap(grad) of
               the naive model on its samples, in chunks of members whose activations fit in MEMORY
  vmap-stats   the same ensembling on the sufficient statistic that ours uses: like for like with ours
  ours         the experiment's own function, called as the build's job calls it (its run(...), or the training
               function its job calls), so that a change to it shows here

The table separates the gains, each like for like: mathematics (naive / naive-stats: the same loop on samples and
on the statistic), batching (naive-stats / vmap-stats: torch.func's ensembling of the same loss; naive / vmap where
there is no statistic) and our kernels (vmap-stats / ours: closed-form gradients, cache-sized chunks); their product
is the end-to-end ratio naive / ours, printed apart with vmap / ours (torch.func on samples), both labelled e2e.

Units: a training step of every member for the step-loop families (E1, E3, E4, E5 data and emergence, E8, E9);
a chunk of per-sample gradients for E2 (no training loop); a Newton iteration of every fit for E5's size part
and E6.  E8 has one grid per setting of its phase diagram (the build's jobs), summed as the family "E8 phase
diagram".  Each family's module says what its ways compute, what is compared and what is counted:
bench/one_hot.py (E1, E2, E5 data), bench/linear_models.py (E3, E4), bench/threshold_fits.py (E5 size, E6),
bench/networks.py (E5 emergence, E8, E9).

Timing: setup (data, modules, optimizers) stays outside a stopwatch that runs only around the baselines' work.
Ours is the job's own function, which cannot be split, so after a warm-up (the process's first imports and
kernels) it runs twice, for one unit and for all: the difference gives its time per unit ("ours ms"), the rest its
one-time cost ("setup s", reported apart).  The baselines run the first seed's cells (every cell of one seed)
and their time is scaled to the grid by the number of seeds; ours runs the whole grid.  Each way runs
min(--steps, the build's own count) units; "build s" is ours' one-time cost plus its time per unit times the
build's own count (E8: each setting's horizon and first pass, read from the last build's table of that job, or
max_steps, marked "<= steps", where there is none).

Extrapolation checked: "last s" is the wall time of the grid's jobs in the last build (their manifests in results/,
when they were run with this config), and a "!" marks a build s more than 20% from it.  The build runs two jobs
side by side on two cores, the benchmark one; a job's start-up and imports count in last s only.

Agreement: each way's final values (losses where the job writes them; see each module for the quantity and its
tolerance) equal ours, cell by cell.

Bounds (bench/machine.py): the roofline, the larger of each grid's matrix products at this machine's matmul rate (in
the grid's float type) and the bytes it cannot avoid moving at its copy rate; and the attainable bound, the
products plus the elementwise work the algorithm cannot avoid (exponentials, element passes, Adam updates: Grid.work,
counted in each module) at this machine's measured rates.  "of roof" and "of bound" are each time over ours.

The last two lines are machine-readable.  The one before the last sums every grid (ours' one-time costs
included, the baselines' not), labelled as the aggregate; the last names the grid that costs the build the most
time (the largest build s, a family summed) and gives its end-to-end ratios and its fractions of both bounds:
``costliest_grid=<name> build_s=<s> speedup_vs_naive=<x> speedup_vs_vmap=<y> attainable_fraction=<z> roofline_fraction=<w>``.
"""
import copy
from pathlib import Path
from typing import Iterator

from experiments.bench import linear_models, networks, one_hot, threshold_fits
from experiments.bench.core import Grid

CONFIG = Path(__file__).resolve().parents[2] / "workflow/configs/default.yaml"

GRIDS = {  # a short name (--grids matches its start) -> the grid's builder
    "E1 linear": lambda config: one_hot.e1_grid(config, "linear"),
    "E1 mlp": lambda config: one_hot.e1_grid(config, "mlp"),
    "E2 linear": lambda config: one_hot.e2_grid(config, "linear"),
    "E2 mlp": lambda config: one_hot.e2_grid(config, "mlp"),
    "E3": linear_models.e3_grid,
    "E4": linear_models.e4_grid,
    "E5 data": one_hot.e5_data_grid,
    "E5 size": threshold_fits.e5_size_grid,
    "E5 emergence": networks.e5_emergence_grid,
    "E6 noise": threshold_fits.e6_noise_grid,
    "E6 mixture": threshold_fits.e6_mixture_grid,
    "E8": networks.e8_grids,
    "E9": networks.e9_grid,
}


def grids(config: dict, names: list[str] | None = None) -> Iterator[Grid]:
    """The grids whose short names start with one of ``names`` (all if None), each built when reached (E8 builds one
    grid per setting of its phase diagram, as the build runs one job per setting)."""
    for name, build in GRIDS.items():
        if names is None or name.startswith(tuple(names)):
            built = build(config)
            yield from built if isinstance(built, list) else [built]


def quick_config(config: dict) -> dict:
    """Tiny grids of the same kinds: for the test, which asserts agreement, never speed."""
    tiny = copy.deepcopy(config)
    tiny["seeds"] = [0, 1]
    tiny["loss_floor"].update(keys=8, samples_per_key=[10, 30], rho=[0.5])
    tiny["gradient_noise"].update(rho=[0.5, 1.0], samples=256, chunk=64, batch_sizes=[1, 4, 16])
    tiny["least_squares"].update(repeats=2, rho=[0.5])
    tiny["deep_linear"].update(samples=[32], rho=[0.5])
    zipf = tiny["zipf_scaling"]
    zipf["alpha"] = [1.0]
    zipf["data"].update(keys=64, samples=[30, 100])
    zipf["size"].update(keys=256, weights=[4, 8])
    zipf["emergence"].update(skills=8, hidden=8, records=4, init_scale=0.5)  # out of the small-init plateau within 4 steps
    tiny["capacity"].update(weights=[8], points_per_weight=[1.0, 2.0, 3.0], labellings=4)
    tiny["capacity"]["mixture"].update(weights=8, points_per_weight=[1.0, 2.0], rho=[0.0, 0.5, 1.0], labellings=2)
    tiny["modular_addition"].update(settings=[{"modulus": 7, "train_fraction": 0.8, "weight_decay": 1.0}], hidden=16, rho=[0.0, 0.5, 1.0], seeds=2)
    tiny["digits"].update(train_sizes=[50, 100], rho=[0.0, 0.5, 1.0], hidden=16)
    return tiny
