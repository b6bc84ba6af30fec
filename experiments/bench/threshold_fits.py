"""The threshold unit fitted by Newton's method: E5's size part and E6 (noise, mixture).

There is no training loop: each fit is Newton's method with a line search (experiments/common/threshold_unit.py).
Unit: one Newton iteration (gradient, Hessian, solve, line search) of every fit of the job; the build runs
``iterations`` of them.  naive fits each labelling (E6) or each (seed, alpha, size) (E5) with its own
torch.nn.Linear, its gradient by backward() and its Hessian by torch.autograd.functional.hessian; vmap maps
torch.func's grad and hessian of the same module over the fits of one shape.  The data are the job's own: the
arguments its run(...) hands to fit_logistic, captured (so no second copy of its label recipe).  Ours fits the
points (E6) or the Zipf-weighted population of keys (E5) themselves: no sufficient statistic, naive-stats and
vmap-stats do not apply.  Compared, in float64: E5's population_loss and E6's bits_per_weight (its mean over labellings of
an affine map of each fit's loss), rtol 1e-9.  Counted per iteration and fit of P points and N weights: FLOPs
2 P N^2 (the Hessian) + 6 P N (gradient, margins, the step's change of the margins) + 2 N^3 / 3 (the solve);
bytes of each point set read once and each fit's labels, data weights and margins read once (float64);
elementwise work (Grid.work), with S the line search's nonzero step sizes (STEP_SIZES, 10): S P exponentials (each candidate's softplus at every
point; the accepted one's also gives the next iteration's sigmoid, and the zero step's loss is the current one)
and (2 S + 2) P passes (each candidate's margins m - t a and its weighted sum of softplus; the gradient's and the
Hessian's point weights from the sigmoid).  Left out, so that the bound stays a bound: the softplus's logarithms,
the sigmoid's division, the scaling of the points by the Hessian's weights (a rank-one update per point could
absorb it), and the passes over the N weights (the ridge on the Hessian's diagonal, the step).  The elementwise rates
are float32's (bench/machine.py): in float64 these kernels are slower, which also keeps the bound a bound.
"""
import math

import numpy as np
import torch
from torch.func import functional_call, grad, hessian, vmap

from experiments.bench.core import Grid, Stopwatch, calls, column
from experiments.common import threshold_unit
from experiments.common.threshold_unit import RIDGE, STEP_SIZES, logistic_loss
from experiments.e5_zipf_scaling import run as zipf_scaling
from experiments.e6_capacity import run as capacity

RTOL = 1e-9  # float64 fits whose operations are summed in different orders
SIZES = [0.0, *STEP_SIZES.tolist()]  # the line search's candidates, 0 keeping the weights


def unit(n_weights: int) -> torch.nn.Linear:
    """One fit's module: N weights, no bias, from zero."""
    module = torch.nn.Linear(n_weights, 1, bias=False, dtype=torch.float64)
    torch.nn.init.zeros_(module.weight)
    return module


def newton_per_run(x: torch.Tensor, y: torch.Tensor, c: torch.Tensor, iterations: int, watch: Stopwatch) -> float:
    """One fit, the plain way: points x (P, N), signs y and data weights c (P,); its final loss, NaN if it diverged."""
    module = unit(x.shape[1])

    def loss_at(w):  # the weighted logistic loss at weights w (N,)
        return logistic_loss(y * (x @ w), c)

    diverged = False
    with watch:
        for _ in range(iterations):
            module.zero_grad()
            logistic_loss(y * module(x)[:, 0], c).backward()
            w = module.weight.detach()[0]
            h = torch.autograd.functional.hessian(loss_at, w) + RIDGE * torch.eye(len(w), dtype=torch.float64)
            step = torch.linalg.solve(h, module.weight.grad[0])
            with torch.no_grad():
                losses = [float(loss_at(w - size * step)) for size in SIZES]
                diverged |= not math.isfinite(losses[0])
                best = min(range(len(SIZES)), key=lambda j: math.inf if math.isnan(losses[j]) else losses[j])
                module.weight -= SIZES[best] * step
    with torch.no_grad():
        final = float(loss_at(module.weight[0]))
    return math.nan if diverged or not math.isfinite(final) else final


def newton_vmapped(x: torch.Tensor, y: torch.Tensor, c: torch.Tensor, iterations: int, watch: Stopwatch) -> np.ndarray:
    """Fits of one shape by torch.func: x (F, P, N), y and c (F, P); their final losses (F,), NaN where diverged."""
    modules = [unit(x.shape[2]) for _ in range(len(x))]
    params, _ = torch.func.stack_module_state(modules)
    params = {k: v.detach() for k, v in params.items()}  # {"weight": (F, 1, N)}
    base = modules[0]

    def loss_fn(p, xi, yi, ci):
        return logistic_loss(yi * functional_call(base, p, (xi,))[:, 0], ci)

    n = x.shape[2]
    diverged = torch.zeros(len(x), dtype=torch.bool)
    with watch:
        for _ in range(iterations):
            g = vmap(grad(loss_fn))(params, x, y, c)["weight"].reshape(-1, n)
            h = vmap(hessian(loss_fn))(params, x, y, c)["weight"]["weight"].reshape(-1, n, n)
            step = torch.linalg.solve(h + RIDGE * torch.eye(n, dtype=torch.float64), g)[:, None]  # (F, 1, N)
            losses = torch.stack([vmap(loss_fn)({"weight": params["weight"] - size * step}, x, y, c) for size in SIZES])
            diverged |= ~torch.isfinite(losses[0])
            best = torch.tensor(SIZES, dtype=torch.float64)[torch.nan_to_num(losses, nan=math.inf).argmin(dim=0)]
            params = {"weight": params["weight"] - best[:, None, None] * step}
    final = vmap(loss_fn)(params, x, y, c)
    return final.masked_fill(diverged | ~torch.isfinite(final), math.nan).numpy()


def fits_grid(name: str, fits: list[tuple], point_floats: int, n_seeds: int, subset: list[int], build_steps: int, ours,
              to_values, job: str) -> Grid:
    """A grid of Newton fits.  fits: the first seed's (x (P, N), y (P,), c (P,)) in the order ``to_values`` reads
    their losses, point_floats: the size of their distinct point sets; ours(units) -> ours' values (the first
    seed's at ``subset``); job: the build's job that runs it (Grid.jobs)."""

    def naive(units, watch):
        return to_values(np.array([newton_per_run(x, y, c, units, watch) for x, y, c in fits]))

    def vmapped(units, watch):
        losses = np.empty(len(fits))
        shapes = {}
        for i, (x, _, _) in enumerate(fits):
            shapes.setdefault(tuple(x.shape), []).append(i)
        for idx in shapes.values():
            x, y, c = (torch.stack([fits[i][j] for i in idx]) for j in range(3))
            losses[idx] = newton_vmapped(x, y, c, units, watch)
        return to_values(losses)

    def timed_ours(units, watch):
        with watch:
            table = ours(units)
        return table

    flops = n_seeds * sum(2 * p * n * n + 6 * p * n + 2 * n**3 / 3 for p, n in (x.shape for x, _, _ in fits))
    moved = n_seeds * 8 * (point_floats + sum(3 * x.shape[0] for x, _, _ in fits))
    points = n_seeds * sum(x.shape[0] for x, _, _ in fits)
    candidates = len(STEP_SIZES)  # the line search's step sizes other than 0, whose loss is the current one
    work = {"exp": points * candidates, "pass": points * (2 * candidates + 2), "adam": 0}
    return Grid(name, n_seeds * len(fits), n_seeds, subset, build_steps, flops, moved,
                {"naive": naive, "vmap": vmapped, "ours": timed_ours}, rtol=RTOL, dtype=torch.float64, jobs=(job,), work=work)


def fit_arguments(module, run) -> list[tuple]:
    """The (points, signs, data weights) of each fit_logistic call of an experiment's run, answered by 0 iterations."""
    return [args[:3] for args in calls(module, "fit_logistic", run, lambda p, s, w, _: threshold_unit.fit_logistic(p, s, w, 0))]


def e5_size_grid(config: dict) -> Grid:
    section, seeds = config["zipf_scaling"], config["seeds"]
    part, alphas = section["size"], section["alpha"]
    widths = sorted(part["weights"])
    arguments = fit_arguments(zipf_scaling, lambda: zipf_scaling.run(section, seeds, "size"))  # one call per width
    fits = [(features[0], signs[0, a], p[0, a]) for features, signs, p in arguments for a in range(len(alphas))]  # seed 0
    cells = [(width, s, a) for width in widths for s in seeds for a in alphas]
    first = [(width, seeds[0], a) for width in widths for a in alphas]

    def ours(units):
        table = zipf_scaling.run({**section, "size": {**part, "iterations": units}}, seeds, "size")
        return column(table, ["weights", "seed", "alpha"], cells, "population_loss")

    point_floats = sum(features[0].numel() for features, _, _ in arguments)
    return fits_grid("E5 size", fits, point_floats, len(seeds), [cells.index(c) for c in first], part["iterations"], ours, lambda losses: losses,
                     "zipf_scaling/size")


def e6_noise_grid(config: dict) -> Grid:
    section, seeds = config["capacity"], config["seeds"]
    n_weights, ratios = max(section["weights"]), sorted(section["points_per_weight"])
    (points, signs, weights), = fit_arguments(capacity, lambda: capacity.run(section, seeds, "noise", n_weights))
    cells = capacity.padded_sets(seeds, n_weights, ratios, "noise")[0]  # (P/N, P, seed), the job's order
    first = [i for i, (_, _, s) in enumerate(cells) if s == seeds[0]]
    n_labellings = signs.shape[1]
    fits = [(points[i, :p], signs[i, l, :p], weights[i, l, :p]) for i in first for l in range(n_labellings) for p in [cells[i][1]]]

    def bits(losses):  # each set's mean over labellings of bits_per_weight, as the job writes it
        n_points = torch.tensor([float(cells[i][1]) for i in first])[:, None].expand(-1, n_labellings)
        return capacity.bits_per_weight(torch.from_numpy(losses).reshape(len(first), n_labellings), n_points, n_weights).nanmean(dim=1).numpy()

    def ours(units):
        table = capacity.run({**section, "iterations": units}, seeds, "noise", n_weights)
        return column(table, ["points_per_weight", "points", "seed"], cells, "bits_per_weight")

    point_floats = sum(cells[i][1] * n_weights for i in first)
    return fits_grid(f"E6 noise N={n_weights}", fits, point_floats, len(seeds), first, section["iterations"], ours, bits, f"capacity/noise_N{n_weights}")


def e6_mixture_grid(config: dict) -> Grid:
    section, seeds = config["capacity"], config["seeds"]
    part = section["mixture"]
    n_weights, dials, n_labellings = part["weights"], sorted(part["rho"]), part["labellings"]
    points, signs, weights = fit_arguments(capacity, lambda: capacity.run(section, seeds, "mixture"))[0]  # the main fit; the
    # half points' bisection fits that follow it are ours' work alone (the baselines fit the grid once: a lower bound of the gain)
    sets = capacity.padded_sets(seeds, n_weights, sorted(part["points_per_weight"]), "mixture")[0]  # (P/N, P, seed)
    first = [i for i, (_, _, s) in enumerate(sets) if s == seeds[0]]
    fits = [(points[i, :p], signs[i, j, :p], weights[i, j, :p]) for i in first for j in range(len(dials) * n_labellings)
            for p in [sets[i][1]]]  # labels (rho, labelling) of each set, rho-major as the job stacks them
    cells = [(r, p, rho, s) for r, p, s in sets for rho in dials]

    def bits(losses):  # per (set, rho): the mean over labellings of bits_per_weight, as the job writes it
        n_points = torch.tensor([float(sets[i][1]) for i in first])[:, None, None].expand(-1, len(dials), n_labellings)
        per_fit = torch.from_numpy(losses).reshape(len(first), len(dials), n_labellings)
        return capacity.bits_per_weight(per_fit, n_points, n_weights).nanmean(dim=-1).reshape(-1).numpy()

    def ours(units):
        table = capacity.run({**section, "iterations": units}, seeds, "mixture")
        return column(table, ["points_per_weight", "points", "rho", "seed"], cells, "bits_per_weight")

    subset = [i * len(dials) + j for i in first for j in range(len(dials))]
    point_floats = sum(sets[i][1] * n_weights for i in first)
    return fits_grid(f"E6 mixture N={n_weights}", fits, point_floats, len(seeds), subset, section["iterations"], ours, bits, "capacity/mixture")
