"""The benchmark's machinery: stopwatch, the plain per-run loop, a grid's four ways, agreement, this machine's roofline."""
import json
import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, NamedTuple
from unittest import mock

import numpy as np
import pandas as pd
import torch

VARIANTS = ("naive", "naive-stats", "vmap", "vmap-stats", "ours")
MEMORY = 2**30  # bytes of activations a vmap chunk may hold
TRAINING_RTOL = 1e-3  # float32 training: relative agreement of final losses, member by member (summation order differs)


class Stopwatch:
    """Accumulates the seconds spent inside ``with watch:`` blocks."""

    def __init__(self):
        self.seconds = 0.0

    def __enter__(self):
        self._start = time.perf_counter()

    def __exit__(self, *exc):
        self.seconds += time.perf_counter() - self._start


def train_steps(optimizer: torch.optim.Optimizer, loss_fn: Callable[[], torch.Tensor], steps: int, watch: Stopwatch,
                schedule: torch.optim.lr_scheduler.LRScheduler | None = None, first_gradients: Callable[[], None] | None = None) -> None:
    """The plain per-run loop of the baselines: ``steps`` steps of ``optimizer`` on ``loss_fn``, timed by ``watch``;
    ``first_gradients()`` reads the gradients of the first step, where the job records them."""
    with watch:
        for step in range(steps):
            loss = loss_fn()
            optimizer.zero_grad()
            loss.backward()
            if step == 0 and first_gradients:
                first_gradients()
            optimizer.step()
            if schedule is not None:
                schedule.step()


def vmap_steps(params: dict, loss_fn: Callable, inputs: tuple, in_dims: tuple, optimizer: torch.optim.Optimizer, steps: int,
               watch: Stopwatch, schedule=None, first_gradients: Callable[[dict], None] | None = None) -> None:
    """torch.func ensembling's loop: every member's gradient by vmap(grad(loss_fn)) over stacked ``params``, then one
    optimizer step over the stacked tensors (the optimizers used here act elementwise, so it is each member's own)."""
    with watch:
        for step in range(steps):
            grads = torch.func.vmap(torch.func.grad(loss_fn), in_dims=(0, *in_dims))(params, *inputs)
            if step == 0 and first_gradients:
                first_gradients(grads)
            for key, p in params.items():
                p.grad = grads[key].contiguous()  # a fused optimizer reads the gradient as laid out like its (contiguous)
                # parameter: a transposed one (a linear table's) would be read scrambled, without an error (torch 2.13)
            optimizer.step()
            if schedule is not None:
                schedule.step()


def stacked(modules: list[torch.nn.Module]) -> dict[str, torch.Tensor]:
    """The modules' parameters stacked along a new member dimension, as leaf tensors an optimizer can update."""
    params, _ = torch.func.stack_module_state(modules)
    return {k: v.detach().requires_grad_() for k, v in params.items()}


def calls(module, name: str, run: Callable[[], object], replacement: Callable) -> list[tuple]:
    """The arguments of every call that ``run()`` makes to ``module.name``, which ``replacement`` answers meanwhile:
    the data an experiment's job hands its fitting function, without a second copy of the job's data recipe."""
    with mock.patch.object(module, name, side_effect=replacement) as patched:
        run()
    return [c.args for c in patched.call_args_list]


# A way: steps -> (its values, seconds in its stopwatch).  The baselines run the first seed's cells; ours the whole grid.
Way = Callable[[int, Stopwatch], np.ndarray]


@dataclass
class Grid:
    name: str
    runs: int  # training runs (fits) in the whole grid
    seeds: int  # the baselines run the first seed's cells: 1/seeds of the grid
    subset: list[int]  # ours' rows of the first seed, in the baselines' order
    build_steps: int  # units of work per run in the default build (training steps, Newton iterations, chunks)
    flops: float  # per unit, whole grid (what is counted: each grid's docstring)
    bytes: float  # per unit, whole grid
    ways: dict[str, Way]  # a way that does not apply (no sufficient statistic) is absent
    rtol: float | np.ndarray = TRAINING_RTOL  # agreement with ours, per value (broadcast over the value's columns)
    atol: float | np.ndarray = 0.0
    dtype: torch.dtype = torch.float32  # of the arithmetic: the roofline's matmul rate is measured in it
    family: str = ""  # grids of one family (E8's settings) are also summed, as one grid of the build ("": its name alone)
    jobs: tuple[str, ...] = ()  # the build's jobs whose work this grid is, as results/<section>/<job> (their manifests' times)
    work: dict[str, float] = field(default_factory=dict)  # per unit, whole grid: the elementwise work the algorithm cannot
    # avoid, by kind (machine.ELEMENTWISE: "exp" exponentials, "pass" element passes of plain arithmetic, "adam"
    # parameters updated by Adam or AdamW); the attainable bound adds its time at this machine's measured rates


class Timed(NamedTuple):
    per_unit: float  # seconds per unit of work on the whole grid
    values: np.ndarray  # the compared values on the first seed's cells
    setup: float = 0.0  # ours only: its one-time seconds (data, modules, tables), apart from the units


def run_grid(g: Grid, steps: int, variants=VARIANTS) -> dict[str, Timed]:
    """Each way's seconds per unit on the whole grid (baselines scaled by the number of seeds) and its values on the
    first seed's cells, after at most the build's own number of units.  Ours runs whole, so after a warm-up it runs
    twice, for one unit and for all: the difference gives its time per unit beyond the first, the rest its one-time
    cost (where the difference is not positive, from noise, its whole time per unit counts and the setup is NaN)."""
    steps = min(steps, g.build_steps)
    results = {}
    for name in variants:
        if name not in g.ways:
            continue
        once, watch = Stopwatch(), Stopwatch()
        if name == "ours" and steps > 1:
            g.ways[name](1, Stopwatch())  # a warm-up: the process's first use of a kernel or an import is no unit's
            g.ways[name](1, once)
        values = np.asarray(g.ways[name](steps, watch), dtype=float)
        if name != "ours":
            results[name] = Timed(watch.seconds * g.seeds / steps, values)
            continue
        per_unit = (watch.seconds - once.seconds) / (steps - 1) if steps > 1 else watch.seconds
        if per_unit > 0:
            results[name] = Timed(per_unit, values[g.subset], once.seconds - per_unit if steps > 1 else 0.0)
        else:
            results[name] = Timed(watch.seconds / steps, values[g.subset], math.nan)
    return results


def agree(g: Grid, results: dict) -> bool:
    """Every way's values equal ours within the grid's tolerance (NaN only where ours is NaN)."""
    ours = results["ours"].values

    def close(values):
        return values.shape == ours.shape and bool(np.all((np.abs(values - ours) <= g.atol + g.rtol * np.abs(ours))
                                                          | (np.isnan(values) & np.isnan(ours))))
    return all(close(timed.values) for timed in results.values())


RESULTS = Path(__file__).resolve().parents[2] / "results"


def last_build(job: str, config: dict) -> dict | None:
    """The manifest of a job (results/<section>/<job>) in the last build, or None unless the job was run with this
    config's section and seeds (so that a smoke build's results are never compared)."""
    manifest = RESULTS / f"{job}.json"
    if not manifest.exists():
        return None
    written = json.loads(manifest.read_text())
    return written if written["config"] == config[job.split("/")[0]] and written["seeds"] == config["seeds"] else None


def last_build_seconds(g: Grid, config: dict) -> float:
    """The wall seconds the last build's jobs of this grid took, NaN unless every one of them is there (last_build)."""
    manifests = [last_build(job, config) for job in g.jobs]
    return sum(m["wall_time_s"] for m in manifests) if manifests and all(manifests) else math.nan


def column(table: pd.DataFrame, names: list[str], cells: list, quantity: str, **fixed) -> np.ndarray:
    """The value of ``quantity`` in a job's tidy table at each cell (values of the columns ``names``), in order."""
    rows = table[table["quantity"] == quantity]
    for name, value in fixed.items():
        rows = rows[rows[name] == value]
    return rows.set_index(names)["value"].loc[cells].to_numpy()
