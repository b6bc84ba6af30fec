"""Benchmark: our batched trainers against a per-run PyTorch loop and torch.func ensembling.

    python -m experiments.bench [--steps-scale 1.0] [--threads 2]

For each experiment family's default grid (workflow/configs/default.yaml) the same training is
run three ways in this process, from the same initial weights and data:

  naive  one nn.Module and one optimizer per run, trained on the samples, as most research code does
  vmap   PyTorch's documented ensembling: torch.func.stack_module_state + functional_call + vmap(grad),
         on the samples, in chunks of members that fit in memory
  ours   the project's trainers: per-key counts (E1), batched einsum gradient descent (E3),
         sufficient statistics Sigma_xx, Sigma_yx (E4)

Timing uses a reduced number of steps (the per-step costs are what differ).  Ours trains every
member of the grid; the two baselines train the members of the first seed only (1/S of the grid)
and their times are scaled by S, the number of seeds: both cost the same per member, so the
scaling is linear (the table says so in its "baseline runs" column).  The final losses of the
three on the baselines' members must agree within TOLERANCE.  The table gives wall times,
ratios, and our achieved GFLOP/s (matrix-multiply work only) as a fraction of this machine's fp32
matmul peak, measured here.  The last line is
``speedup_vs_naive=<x> speedup_vs_vmap=<y> peak_fraction=<z>``: x and y over all grids together,
z on the most compute-bound grid (the most matmul work per step).
"""
import argparse
import itertools
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import torch
import yaml
from torch.func import functional_call, grad, stack_module_state, vmap

from experiments import deep_linear, least_squares, lookup_table
from experiments.models import MODELS, init_ensemble
from experiments.trainer import TrainConfig, cosine_schedule, train_on_counts

CONFIG = Path(__file__).resolve().parents[1] / "workflow/configs/default.yaml"
TOLERANCE = 1e-3  # relative agreement of the three methods' final mean losses (float32 summation order differs)
MEMORY = 2**30  # bytes of activations a vmap chunk may hold


@dataclass
class Grid:
    name: str
    members: int
    subset: list[int]  # the members the baselines train (the first seed's)
    matmul_flops: float  # per step, ours
    naive: Callable[[list[int]], np.ndarray]  # members -> their final losses
    vmap: Callable[[list[int]], np.ndarray]
    ours: Callable[[], np.ndarray]  # every member's final loss


# ---- E1: the lookup table, trained with Adam on samples (baselines) or on counts (ours) ----

class LookupNet(torch.nn.Module):
    """The E1 models as modules: linear W[x] or relu(W1[x] + b1) W2 + b2."""

    def __init__(self, params: dict):
        super().__init__()
        self.p = torch.nn.ParameterDict({k: torch.nn.Parameter(v.clone()) for k, v in params.items()})
        self.logits = MODELS["mlp" if "W1" in params else "linear"].logits

    def forward(self, keys):
        return self.logits(dict(self.p), keys)


def e1_grid(config: dict, seeds: list[int], model: str, steps: int) -> Grid:
    section = config["loss_floor"]
    n_keys, n_classes = section["keys"], max(section["classes"])
    cells = list(itertools.product(section["rho"], section["samples_per_key"], seeds))
    tables = {s: lookup_table.rule_table(s, n_keys, n_classes) for s in seeds}
    counts = np.stack([lookup_table.label_counts(s, tables[s], r, n_classes, m) for r, m, s in cells])
    init = init_ensemble(MODELS[model], [s for _, _, s in cells], n_keys, n_classes, section["models"][model])
    lr = section["learning_rate"]

    def samples(i):  # the samples that member i's counts describe
        keys = np.repeat(np.arange(n_keys)[:, None].repeat(n_classes, 1).ravel(), counts[i].ravel())
        labels = np.repeat(np.tile(np.arange(n_classes), n_keys), counts[i].ravel())
        return torch.tensor(keys), torch.tensor(labels)

    def naive(members):
        losses = []
        for i in members:
            net = LookupNet({k: v[i] for k, v in init.items()})
            opt = torch.optim.Adam(net.parameters(), lr=lr)
            schedule = cosine_schedule(opt, steps)
            keys, labels = samples(i)
            for _ in range(steps):
                loss = torch.nn.functional.cross_entropy(net(keys), labels)
                opt.zero_grad()
                loss.backward()
                opt.step()
                schedule.step()
            losses.append(float(torch.nn.functional.cross_entropy(net(keys), labels).detach()))
        return np.array(losses)

    def vmapped(members):
        losses = {}
        by_m = {}
        for i in members:
            by_m.setdefault(cells[i][1], []).append(i)
        for m, group in by_m.items():
            chunk = max(1, MEMORY // (4 * 4 * n_keys * m * (n_classes + section["models"][model].get("hidden", 0))))
            for start in range(0, len(group), chunk):
                idx = group[start : start + chunk]
                nets = [LookupNet({k: v[i] for k, v in init.items()}) for i in idx]
                params, _ = stack_module_state(nets)
                params = {k: v.detach().requires_grad_() for k, v in params.items()}
                keys = torch.stack([samples(i)[0] for i in idx])
                labels = torch.stack([samples(i)[1] for i in idx])
                base = nets[0]

                def loss_fn(p, k, y):
                    return torch.nn.functional.cross_entropy(functional_call(base, p, (k,)), y)

                opt = torch.optim.Adam(params.values(), lr=lr)
                schedule = cosine_schedule(opt, steps)
                for _ in range(steps):
                    grads = vmap(grad(loss_fn))(params, keys, labels)
                    for name, p in params.items():
                        p.grad = grads[name]
                    opt.step()
                    schedule.step()
                with torch.no_grad():
                    losses.update(zip(idx, vmap(loss_fn)(params, keys, labels).tolist()))
        return np.array([losses[i] for i in members])

    def ours():
        trained = train_on_counts(MODELS[model], init, torch.tensor(counts, dtype=torch.float32), TrainConfig(steps=steps, learning_rate=lr))
        return trained.loss.numpy()

    hidden = section["models"][model].get("hidden", 0)
    flops = 3 * 2 * len(cells) * n_keys * hidden * n_classes  # forward and backward of the hidden-to-logit bmm
    subset = [i for i, (_, _, s) in enumerate(cells) if s == seeds[0]]
    return Grid(f"E1 lookup {model} V={n_classes}", len(cells), subset, flops, naive, vmapped, ours)


# ---- E3: least-squares gradient descent on samples ----

def e3_grid(config: dict, seeds: list[int], steps: int) -> Grid:
    section = config["least_squares"]
    n, d = section["samples"], max(section["gd_features"])
    cells = list(itertools.product(section["rho"], seeds))
    data = [least_squares.draw(s, n, d, r, section["teacher_norm_sq"], section["noise_variance"], section["repeats"]) for r, s in cells]
    x = torch.tensor(np.concatenate([a for a, _, _ in data]), dtype=torch.float32)
    y = torch.tensor(np.concatenate([b for _, b, _ in data]), dtype=torch.float32)
    lr = section["gd_learning_rate"]

    def mse(out, target):
        return ((out - target) ** 2).mean() / 2

    def naive(members):
        losses = []
        for i in members:
            net = torch.nn.Linear(d, 1, bias=False)
            torch.nn.init.zeros_(net.weight)
            opt = torch.optim.SGD(net.parameters(), lr=lr)
            for _ in range(steps):
                loss = mse(net(x[i])[:, 0], y[i])
                opt.zero_grad()
                loss.backward()
                opt.step()
            losses.append(float(mse(net(x[i])[:, 0], y[i]).detach()))
        return np.array(losses)

    def vmapped(members):
        xs, ys = x[members], y[members]
        nets = [torch.nn.Linear(d, 1, bias=False) for _ in members]
        params, _ = stack_module_state(nets)
        params = {k: torch.zeros_like(v) for k, v in params.items()}
        base = nets[0]

        def loss_fn(p, xi, yi):
            return mse(functional_call(base, p, (xi,))[:, 0], yi)

        for _ in range(steps):
            grads = vmap(grad(loss_fn))(params, xs, ys)
            params = {k: v - lr * grads[k] for k, v in params.items()}
        return vmap(loss_fn)(params, xs, ys).detach().numpy()

    def ours():
        return least_squares.gradient_descent(x, y, lr, [steps])[:, 0].numpy()

    repeats = section["repeats"]
    subset = [i for i in range(len(x)) if cells[i // repeats][1] == seeds[0]]
    return Grid(f"E3 least squares d={d}", len(x), subset, 2 * 2 * len(x) * n * d, naive, vmapped, ours)


# ---- E4: the two-layer linear network on samples (baselines) or on sufficient statistics (ours) ----

def e4_grid(config: dict, seeds: list[int], steps: int) -> Grid:
    c = config["deep_linear"]
    dim, u0, lr = c["dimension"], c["init"], c["learning_rate"]
    u, s, v = deep_linear.teacher(dim, c["singular_values"])
    cells = list(itertools.product(c["rho"], c["samples"], seeds))

    def sample(seed, rho, n):
        rng = lookup_table.rng_for(seed, "deep_linear", dim, float(rho), n)
        x = rng.normal(size=(n, dim))
        y = np.where(rng.random((n, 1)) < rho, x @ (v * s) @ u.T, rng.normal(scale=np.sqrt(c["noise_variance"]), size=(n, dim)))
        return torch.tensor(x), torch.tensor(y)

    data = [sample(seed, r, n) for r, n, seed in cells]
    w1_0, w2_0 = torch.tensor(np.sqrt(u0) * v.T), torch.tensor(np.sqrt(u0) * u)

    class TwoLayer(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.w1 = torch.nn.Parameter(w1_0.clone())
            self.w2 = torch.nn.Parameter(w2_0.clone())

        def forward(self, x):
            return x @ self.w1.T @ self.w2.T

    def loss_fn_module(net, x, y):
        return ((net(x) - y) ** 2).sum(dim=1).mean() / 2

    def naive(members):
        losses = []
        for x, y in (data[i] for i in members):
            net = TwoLayer()
            opt = torch.optim.SGD(net.parameters(), lr=lr)
            for _ in range(steps):
                loss = loss_fn_module(net, x, y)
                opt.zero_grad()
                loss.backward()
                opt.step()
            losses.append(float(loss_fn_module(net, x, y).detach()))
        return np.array(losses)

    def vmapped(members):
        losses = {}
        for n in c["samples"]:  # vmap needs one shape: members with the same n
            idx = [i for i in members if cells[i][1] == n]
            nets = [TwoLayer() for _ in idx]
            params, _ = stack_module_state(nets)
            params = {k: v.detach() for k, v in params.items()}
            xs, ys = torch.stack([data[i][0] for i in idx]), torch.stack([data[i][1] for i in idx])
            base = nets[0]

            def loss_fn(p, x, y):
                return ((functional_call(base, p, (x,)) - y) ** 2).sum(dim=1).mean() / 2

            for _ in range(steps):
                grads = vmap(grad(loss_fn))(params, xs, ys)
                params = {k: v - lr * grads[k] for k, v in params.items()}
            losses.update(zip(idx, vmap(loss_fn)(params, xs, ys).tolist()))
        return np.array([losses[i] for i in members])

    def ours():
        sxx = torch.stack([x.T @ x / len(x) for x, _ in data])
        syx = torch.stack([y.T @ x / len(x) for x, y in data])
        maps = deep_linear.train(sxx, syx, w1_0.expand(len(cells), -1, -1), w2_0.expand(len(cells), -1, -1), lr, steps, steps)
        w = maps[:, -1]  # the end-to-end maps after the last step; the sample loss from the statistics
        syy = torch.stack([(y * y).sum(dim=1).mean() for _, y in data])
        loss = 0.5 * torch.einsum("eij,ejk,eik->e", w, sxx, w) - torch.einsum("eij,eij->e", w, syx) + 0.5 * syy
        return loss.numpy()

    k = len(c["singular_values"])
    subset = [i for i, (_, _, seed) in enumerate(cells) if seed == seeds[0]]
    return Grid("E4 deep linear", len(cells), subset, 2 * len(cells) * 3 * dim * dim * k, naive, vmapped, ours)


def matmul_peak(size: int = 2048, repeats: int = 10) -> float:
    """This machine's fp32 matrix-multiply rate in GFLOP/s, measured now."""
    a, b = torch.randn(size, size), torch.randn(size, size)
    a @ b
    start = time.perf_counter()
    for _ in range(repeats):
        a @ b
    return 2 * size**3 * repeats / (time.perf_counter() - start) / 1e9


def timed(fn: Callable, *args) -> tuple[float, np.ndarray]:
    start = time.perf_counter()
    losses = fn(*args)
    return time.perf_counter() - start, losses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--steps", type=int, default=5, help="training steps per run for the timing")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    config = yaml.safe_load(CONFIG.read_text())
    seeds = config["seeds"]
    peak = matmul_peak()
    grids = [e1_grid(config, seeds, "linear", args.steps), e1_grid(config, seeds, "mlp", args.steps),
             e3_grid(config, seeds, args.steps), e4_grid(config, seeds, args.steps)]

    print(f"fp32 matmul peak on {args.threads} threads: {peak:.1f} GFLOP/s; {args.steps} steps per run\n")
    print(f"{'grid':<26}{'runs':>6}{'baseline runs':>14}{'naive s':>10}{'vmap s':>10}{'ours s':>9}{'x naive':>9}{'x vmap':>8}{'GFLOP/s':>9}{'of peak':>9}  losses agree")
    totals = np.zeros(3)
    for g in grids:
        scale = g.members / len(g.subset)
        (t_naive, l_naive), (t_vmap, l_vmap), (t_ours, l_ours) = timed(g.naive, g.subset), timed(g.vmap, g.subset), timed(g.ours)
        t_naive, t_vmap = t_naive * scale, t_vmap * scale
        l_naive, l_vmap, l_ours = l_naive.mean(), l_vmap.mean(), l_ours[g.subset].mean()
        agree = max(abs(l_naive - l_ours), abs(l_vmap - l_ours)) <= TOLERANCE * abs(l_ours)
        totals += (t_naive, t_vmap, t_ours)
        gflops = g.matmul_flops * args.steps / t_ours / 1e9
        g.fraction = gflops / peak
        print(f"{g.name:<26}{g.members:>6}{len(g.subset):>7} (x{scale:g}){t_naive:>10.2f}{t_vmap:>10.2f}{t_ours:>9.3f}{t_naive / t_ours:>9.1f}{t_vmap / t_ours:>8.1f}"
              f"{gflops:>9.2f}{g.fraction:>9.3f}  {'yes' if agree else 'NO'} ({l_naive:.5g}, {l_vmap:.5g}, {l_ours:.5g})")
    bound = max(grids, key=lambda g: g.matmul_flops)
    print(f"\nmost compute-bound grid: {bound.name}")
    print(f"speedup_vs_naive={totals[0] / totals[2]:.2f} speedup_vs_vmap={totals[1] / totals[2]:.2f} peak_fraction={bound.fraction:.3f}")


if __name__ == "__main__":
    main()
