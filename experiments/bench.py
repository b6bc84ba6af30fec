"""Benchmark: where the build's training time goes, against the strongest peers (README "Speed").

    python -m experiments.bench [--steps 50] [--threads 2]     # the default build's grids
    python -m experiments.bench --quick                         # tiny grids, a few steps: do the four agree?

For each training family of the default build (workflow/configs/default.yaml) the same training,
from the same initial weights and data, runs four ways in this one process:

  naive        one nn.Module and one optimizer per run, trained on its samples, as most research code does
  naive-stats  the same per-run loop on the sufficient statistics that ours uses (per-key label counts for
               E1 and E5, Sigma_xx and Sigma_yx for E3 and E4): naive / naive-stats is the gain from mathematics,
               naive-stats / ours the gain from batching
  vmap         PyTorch's documented ensembling on the samples: torch.func.stack_module_state +
               functional_call + vmap(grad), in chunks of members whose activations fit in MEMORY
  ours         the project's trainers, called as the experiment modules call them

Timing: setup (data, modules, optimizers) stays outside a stopwatch that runs only around the
training steps; ours is timed whole (its setup included, against it).  The baselines train the
first seed's members (every grid cell of one seed) and their time is scaled to the grid by the
number of seeds, which the table states; ours trains the whole grid.  Per-step times are scaled to
the build's own number of steps for the "build s" columns.

Roofline: per step, each grid's arithmetic (its matrix multiplies, forward and backward) and the
bytes it cannot avoid moving (parameters and optimizer moments read and written once, data read
once), against this machine's fp32 matmul rate and memory bandwidth measured at the start of the
run; the fastest time physics allows is the larger of the two, and "of roofline" is that time over
ours.  The last line is machine-readable:
``speedup_vs_naive=<x> speedup_vs_vmap=<y> roofline_fraction=<z>``, x and y over the build time of
all grids together, z on E1's MLP grid (the jobs that cost the default build the most time).

Not covered yet: E2 (per-sample gradients at initialisation, no training loop), E5's size and
emergence parts, E6, E8 and E9.
"""
import argparse
import copy
import itertools
import math
import platform
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import torch
import yaml
from torch.func import functional_call, grad, stack_module_state, vmap

from experiments import deep_linear, least_squares, lookup_table, zipf_scaling
from experiments.models import MODELS, init_ensemble
from experiments.trainer import TrainConfig, cosine_schedule, count_loss, train_on_counts
from theory.zipf_skills import zipf_frequencies

CONFIG = Path(__file__).resolve().parents[1] / "workflow/configs/default.yaml"
TOLERANCE = 1e-3  # relative agreement of the four ways' final losses, member by member (float32 summation order differs)
MEMORY = 2**30  # bytes of activations a vmap chunk may hold
VARIANTS = ("naive", "naive-stats", "vmap", "ours")


class Stopwatch:
    """Accumulates the seconds spent inside ``with watch:`` blocks."""

    def __init__(self):
        self.seconds = 0.0

    def __enter__(self):
        self._start = time.perf_counter()

    def __exit__(self, *exc):
        self.seconds += time.perf_counter() - self._start


def train_steps(optimizer: torch.optim.Optimizer, loss_fn: Callable[[], torch.Tensor], steps: int, watch: Stopwatch,
                schedule: torch.optim.lr_scheduler.LRScheduler | None = None) -> None:
    """The plain per-run loop of the baselines: ``steps`` steps of ``optimizer`` on ``loss_fn``, timed by ``watch``."""
    with watch:
        for _ in range(steps):
            loss = loss_fn()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            if schedule is not None:
                schedule.step()


Variant = Callable[[list[int], int, Stopwatch], np.ndarray]  # (members, steps, stopwatch) -> their final losses


@dataclass
class Grid:
    name: str
    members: int
    subset: list[int]  # the members the baselines train: the first seed's
    build_steps: int  # training steps per run in the default build
    flops: float  # per step, whole grid: matmul arithmetic, forward and backward
    bytes: float  # per step, whole grid: parameters and optimizer state read and written once, data read once
    variants: dict[str, Variant]


# ---- E1 and E5 (data): a model on one-hot keys, Adam on samples (naive, vmap) or on per-key counts ----

class LookupNet(torch.nn.Module):
    """The E1 models as one run's module: linear W[x] or relu(W1[x] + b1) W2 + b2."""

    def __init__(self, params: dict, model_name: str):
        super().__init__()
        self.p = torch.nn.ParameterDict({k: torch.nn.Parameter(v.clone()) for k, v in params.items()})
        self.model = MODELS[model_name]

    def forward(self, keys):  # (N,) -> (N, V)
        return self.model.logits(dict(self.p), keys)

    def table(self):  # every key's logits (K, V)
        return self.model.table(dict(self.p))


def counts_grid(name: str, model_name: str, options: dict, counts: np.ndarray, seeds_of: list[int], first_seed: int,
                lr: float, build_steps: int) -> Grid:
    """A grid of members trained with Adam on a cosine schedule, each on its own counts (E, K, V)."""
    n_members, n_keys, n_classes = counts.shape
    init = init_ensemble(MODELS[model_name], seeds_of, n_keys, n_classes, options)
    counts_t = torch.tensor(counts, dtype=torch.float32)
    sizes = counts.sum(axis=(1, 2)).astype(int)

    def samples(i):  # the samples that member i's counts describe, keys in order
        keys = np.repeat(np.repeat(np.arange(n_keys), n_classes), counts[i].ravel().astype(int))
        labels = np.repeat(np.tile(np.arange(n_classes), n_keys), counts[i].ravel().astype(int))
        return torch.tensor(keys), torch.tensor(labels)

    def per_run(members, steps, watch, on_counts):
        losses = []
        for i in members:
            net = LookupNet({k: v[i] for k, v in init.items()}, model_name)
            optimizer = torch.optim.Adam(net.parameters(), lr=lr)
            schedule = cosine_schedule(optimizer, steps)
            keys, labels = samples(i)
            loss_fn = (lambda: count_loss(net.table()[None], counts_t[i : i + 1])[0]) if on_counts else \
                (lambda: torch.nn.functional.cross_entropy(net(keys), labels))
            train_steps(optimizer, loss_fn, steps, watch, schedule)
            with torch.no_grad():
                losses.append(float(loss_fn()))
        return np.array(losses)

    def vmapped(members, steps, watch):
        losses = {}
        by_size = {}  # vmap needs one shape: members with the same number of samples
        for i in members:
            by_size.setdefault(sizes[i], []).append(i)
        width = n_classes + options.get("hidden", 0)
        for size, group in by_size.items():
            chunk = max(1, MEMORY // (4 * 4 * max(size, 1) * width))
            for start in range(0, len(group), chunk):
                idx = group[start : start + chunk]
                nets = [LookupNet({k: v[i] for k, v in init.items()}, model_name) for i in idx]
                params, _ = stack_module_state(nets)
                params = {k: v.detach().requires_grad_() for k, v in params.items()}
                keys = torch.stack([samples(i)[0] for i in idx])
                labels = torch.stack([samples(i)[1] for i in idx])
                base = nets[0]

                def loss_fn(p, k, y):
                    return torch.nn.functional.cross_entropy(functional_call(base, p, (k,)), y)

                optimizer = torch.optim.Adam(params.values(), lr=lr)
                schedule = cosine_schedule(optimizer, steps)
                with watch:
                    for _ in range(steps):
                        grads = vmap(grad(loss_fn))(params, keys, labels)
                        for key, p in params.items():
                            p.grad = grads[key]
                        optimizer.step()
                        schedule.step()
                with torch.no_grad():
                    losses.update(zip(idx, vmap(loss_fn)(params, keys, labels).tolist()))
        return np.array([losses[i] for i in members])

    def ours(members, steps, watch):
        with watch:
            trained = train_on_counts(MODELS[model_name], init, counts_t, TrainConfig(steps=steps, learning_rate=lr))
        return trained.loss.numpy()[members]

    hidden = options.get("hidden", 0)
    params_per_member = sum(v[0].numel() for v in init.values())
    flops = n_members * 3 * 2 * n_keys * hidden * n_classes  # the hidden-to-logit matmul, forward and two backward
    moved = n_members * 4 * (6 * params_per_member + n_keys * n_classes)  # p, m, v in and out; the counts in
    subset = [i for i, s in enumerate(seeds_of) if s == first_seed]
    return Grid(name, n_members, subset, build_steps, flops, moved, {
        "naive": lambda m, s, w: per_run(m, s, w, on_counts=False),
        "naive-stats": lambda m, s, w: per_run(m, s, w, on_counts=True),
        "vmap": vmapped,
        "ours": ours,
    })


def e1_grid(config: dict, model_name: str) -> Grid:
    section, seeds = config["loss_floor"], config["seeds"]
    n_keys, n_classes = section["keys"], max(section["classes"])
    cells = list(itertools.product(section["rho"], section["samples_per_key"], seeds))
    tables = {s: lookup_table.rule_table(s, n_keys, n_classes) for s in seeds}
    counts = np.stack([lookup_table.label_counts(s, tables[s], r, n_classes, m) for r, m, s in cells])
    return counts_grid(f"E1 {model_name} V={n_classes}", model_name, section["models"][model_name], counts,
                       [s for _, _, s in cells], seeds[0], section["learning_rate"], section["steps"])


def e5_data_grid(config: dict) -> Grid:
    section, seeds = config["zipf_scaling"], config["seeds"]
    part, alphas = section["data"], section["alpha"]
    n_keys, n_classes, sizes = part["keys"], part["classes"], sorted(part["samples"])
    cells = list(itertools.product(alphas, sizes, seeds))
    frequencies = {a: zipf_frequencies(a, n_keys) for a in alphas}
    streams = {(a, s): zipf_scaling.zipf_stream(s, frequencies[a], sizes[-1], a) for a in alphas for s in seeds}
    tables = {s: lookup_table.rule_table(s, n_keys, n_classes) for s in seeds}
    counts = np.zeros((len(cells), n_keys, n_classes), dtype=np.float32)  # as zipf_scaling.run_data builds them
    for i, (a, n, s) in enumerate(cells):
        counts[i, np.arange(n_keys), tables[s]] = np.bincount(streams[a, s][:n], minlength=n_keys)
    return counts_grid("E5 data (linear)", "linear", {}, counts, [s for _, _, s in cells], seeds[0],
                       part["learning_rate"], part["steps"])


# ---- E3: least-squares gradient descent, on samples or on Sigma_xx, Sigma_xy ----

def e3_grid(config: dict) -> Grid:
    section, seeds = config["least_squares"], config["seeds"]
    n, d = section["samples"], max(section["gd_features"])
    cells = list(itertools.product(section["rho"], seeds))
    data = [least_squares.draw(s, n, d, r, section["teacher_norm_sq"], section["noise_variance"], section["repeats"]) for r, s in cells]
    x = torch.tensor(np.concatenate([a for a, _, _ in data]), dtype=torch.float32)  # (E, n, d)
    y = torch.tensor(np.concatenate([b for _, b, _ in data]), dtype=torch.float32)  # (E, n)
    lr = section["gd_learning_rate"]

    def mse(out, target):
        return ((out - target) ** 2).mean() / 2

    def naive(members, steps, watch):
        losses = []
        for i in members:
            net = torch.nn.Linear(d, 1, bias=False)
            torch.nn.init.zeros_(net.weight)
            optimizer = torch.optim.SGD(net.parameters(), lr=lr)
            train_steps(optimizer, lambda: mse(net(x[i])[:, 0], y[i]), steps, watch)
            losses.append(float(mse(net(x[i])[:, 0], y[i]).detach()))
        return np.array(losses)

    def naive_stats(members, steps, watch):
        losses = []
        for i in members:
            sxx, sxy, syy = x[i].T @ x[i] / n, x[i].T @ y[i] / n, y[i] @ y[i] / n
            w = torch.zeros(d, requires_grad=True)
            optimizer = torch.optim.SGD([w], lr=lr)

            def loss_fn():  # |y - Xw|^2 / 2n from the statistics
                return 0.5 * w @ sxx @ w - w @ sxy + 0.5 * syy

            train_steps(optimizer, loss_fn, steps, watch)
            losses.append(float(loss_fn().detach()))
        return np.array(losses)

    def vmapped(members, steps, watch):
        xs, ys = x[members], y[members]
        nets = [torch.nn.Linear(d, 1, bias=False) for _ in members]
        params, _ = stack_module_state(nets)
        params = {k: torch.zeros_like(v) for k, v in params.items()}
        base = nets[0]

        def loss_fn(p, xi, yi):
            return mse(functional_call(base, p, (xi,))[:, 0], yi)

        with watch:
            for _ in range(steps):
                grads = vmap(grad(loss_fn))(params, xs, ys)
                params = {k: v - lr * grads[k] for k, v in params.items()}
        return vmap(loss_fn)(params, xs, ys).detach().numpy()

    def ours(members, steps, watch):
        with watch:
            losses = least_squares.gradient_descent(x, y, lr, [steps])[:, 0]
        return losses.numpy()[members]

    repeats = section["repeats"]
    subset = [i for i in range(len(x)) if cells[i // repeats][1] == seeds[0]]
    flops = len(x) * 2 * 2 * n * d  # X w and X^T r
    moved = len(x) * 4 * (n * d + n + 2 * d)  # X and y in, w in and out
    return Grid(f"E3 least squares d={d}", len(x), subset, section["gd_steps"], flops, moved,
                {"naive": naive, "naive-stats": naive_stats, "vmap": vmapped, "ours": ours})


# ---- E4: the two-layer linear network, on samples or on Sigma_xx, Sigma_yx ----

def e4_grid(config: dict) -> Grid:
    c, seeds = config["deep_linear"], config["seeds"]
    dim, u0, lr = c["dimension"], c["init"], c["learning_rate"]
    u, s, v = deep_linear.teacher(dim, c["singular_values"])
    cells = list(itertools.product(c["rho"], c["samples"], seeds))

    data = [tuple(map(torch.tensor, deep_linear.mixture_samples(seed, dim, r, n, c["noise_variance"], u, s, v))) for r, n, seed in cells]
    sxx = torch.stack([x.T @ x / len(x) for x, _ in data])  # (E, d, d)
    syx = torch.stack([y.T @ x / len(x) for x, y in data])  # (E, d, d)
    syy = torch.stack([(y * y).sum(dim=1).mean() for _, y in data])  # (E,)
    w1_0, w2_0 = torch.tensor(np.sqrt(u0) * v.T), torch.tensor(np.sqrt(u0) * u)

    class TwoLayer(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.w1 = torch.nn.Parameter(w1_0.clone())
            self.w2 = torch.nn.Parameter(w2_0.clone())

        def forward(self, x):
            return x @ self.w1.T @ self.w2.T

    def stats_loss(w, i):  # the mean of |y - W x|^2 / 2 from the statistics: (..., d, d) -> (...)
        return 0.5 * torch.einsum("...ij,...jk,...ik->...", w, sxx[i], w) - torch.einsum("...ij,...ij->...", w, syx[i]) + 0.5 * syy[i]

    def per_run(members, steps, watch, on_stats):
        losses = []
        for i in members:
            net = TwoLayer()
            x, y = data[i]
            loss_fn = (lambda: stats_loss(net.w2 @ net.w1, i)) if on_stats else (lambda: ((net(x) - y) ** 2).sum(dim=1).mean() / 2)
            optimizer = torch.optim.SGD(net.parameters(), lr=lr)
            train_steps(optimizer, loss_fn, steps, watch)
            losses.append(float(loss_fn().detach()))
        return np.array(losses)

    def vmapped(members, steps, watch):
        losses = {}
        for n in c["samples"]:  # vmap needs one shape: members with the same n
            idx = [i for i in members if cells[i][1] == n]
            nets = [TwoLayer() for _ in idx]
            params, _ = stack_module_state(nets)
            params = {k: p.detach() for k, p in params.items()}
            xs, ys = torch.stack([data[i][0] for i in idx]), torch.stack([data[i][1] for i in idx])
            base = nets[0]

            def loss_fn(p, x, y):
                return ((functional_call(base, p, (x,)) - y) ** 2).sum(dim=1).mean() / 2

            with watch:
                for _ in range(steps):
                    grads = vmap(grad(loss_fn))(params, xs, ys)
                    params = {k: p - lr * grads[k] for k, p in params.items()}
            losses.update(zip(idx, vmap(loss_fn)(params, xs, ys).tolist()))
        return np.array([losses[i] for i in members])

    def ours(members, steps, watch):
        w1, w2 = w1_0.expand(len(cells), -1, -1), w2_0.expand(len(cells), -1, -1)
        with watch:
            maps = deep_linear.train(sxx, syx, w1, w2, lr, steps, steps)
        return stats_loss(maps[:, -1], slice(None)).numpy()[members]  # the end-to-end maps after the last step

    subset = [i for i, (_, _, seed) in enumerate(cells) if seed == seeds[0]]
    flops = len(cells) * 6 * 2 * dim**3  # W2 W1, (W2 W1) Sxx, W2^T E, E W1^T, and their products
    moved = len(cells) * 8 * (2 * dim * dim + 4 * dim * dim)  # Sxx, Syx in; W1, W2 in and out (float64)
    return Grid("E4 deep linear", len(cells), subset, c["steps"], flops, moved,
                {"naive": lambda m, st, w: per_run(m, st, w, False), "naive-stats": lambda m, st, w: per_run(m, st, w, True),
                 "vmap": vmapped, "ours": ours})


# ---- the machine ----

def matmul_rate(size: int, repeats: int) -> float:
    """This machine's fp32 matrix-multiply rate in FLOP/s, measured now."""
    a, b = torch.randn(size, size), torch.randn(size, size)
    a @ b
    start = time.perf_counter()
    for _ in range(repeats):
        a @ b
    return 2 * size**3 * repeats / (time.perf_counter() - start)


def memory_bandwidth(floats: int, repeats: int) -> float:
    """This machine's memory bandwidth in bytes/s: a copy between two arrays far larger than any cache."""
    a, b = torch.ones(floats), torch.empty(floats)
    b.copy_(a)
    start = time.perf_counter()
    for _ in range(repeats):
        b.copy_(a)
    return 2 * 4 * floats * repeats / (time.perf_counter() - start)


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else platform.processor()
    kernels = [name for name, on in [("MKL", torch.backends.mkl.is_available()), ("oneDNN", torch.backends.mkldnn.is_available()),
                                     ("OpenMP", torch.backends.openmp.is_available())] if on]
    return (f"{cpu}; torch {torch.__version__} ({', '.join(kernels)}, {torch.backends.cpu.get_cpu_capability()}); "
            f"{torch.get_num_threads()} threads")


# ---- the table ----

def quick_config(config: dict) -> dict:
    """Tiny grids of the same shapes' kinds: for the test, which asserts agreement, never speed."""
    tiny = copy.deepcopy(config)
    tiny["seeds"] = [0, 1]
    tiny["loss_floor"].update(keys=8, samples_per_key=[10, 30], rho=[0.5])
    tiny["zipf_scaling"]["data"].update(keys=64, samples=[30, 100])
    tiny["zipf_scaling"]["alpha"] = [1.0]
    tiny["least_squares"].update(repeats=2, rho=[0.5])
    tiny["deep_linear"].update(samples=[32], rho=[0.5])
    return tiny


def grids(config: dict) -> list[Grid]:
    return [e1_grid(config, "linear"), e1_grid(config, "mlp"), e5_data_grid(config), e3_grid(config), e4_grid(config)]


def run_grid(g: Grid, steps: int, variants=VARIANTS) -> dict[str, tuple[float, np.ndarray]]:
    """Each way's seconds per step on the whole grid (baselines scaled from the subset) and its losses on the subset."""
    results = {}
    for name in variants:
        watch = Stopwatch()
        members = list(range(g.members)) if name == "ours" else g.subset
        losses = g.variants[name](members, steps, watch)
        scale = g.members / len(members)
        results[name] = (watch.seconds * scale / steps, losses[g.subset] if name == "ours" else losses)
    return results


def agree(results: dict) -> bool:
    ours = results["ours"][1]
    return all(np.allclose(losses, ours, rtol=TOLERANCE) for _, losses in results.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--steps", type=int, default=50, help="timed training steps per run (the build's own counts are larger)")
    parser.add_argument("--quick", action="store_true", help="tiny grids and few steps: checks agreement, times nothing of note")
    parser.add_argument("--grids", nargs="+", help="only the grids whose names start with one of these (e.g. 'E1 mlp' E3)")
    parser.add_argument("--variants", nargs="+", choices=VARIANTS, default=list(VARIANTS), help="ways to time (ours always)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    config = yaml.safe_load(CONFIG.read_text())
    steps = 4 if args.quick else args.steps
    if args.quick:
        config = quick_config(config)
    flop_rate = matmul_rate(256 if args.quick else 2048, 10)
    bandwidth = memory_bandwidth(2**20 if args.quick else 2**26, 10)
    print(f"machine: {machine()}")
    print(f"measured now: fp32 matmul {flop_rate / 1e9:.1f} GFLOP/s, memory copy {bandwidth / 1e9:.1f} GB/s; {steps} timed steps per run")
    print("baselines train one seed's members; their times are scaled to the whole grid (x seeds). ms = per training step of the whole grid.\n")
    header = (f"{'grid':<24}{'runs':>6}{'base':>6}{'naive ms':>10}{'stats ms':>10}{'vmap ms':>10}{'ours ms':>9}"
              f"{'math x':>8}{'batch x':>8}{'x naive':>9}{'x vmap':>8}{'roof ms':>9}{'of roof':>8}{'build s':>9}  agree")
    print(header)
    variants = [name for name in VARIANTS if name in args.variants or name == "ours"]
    build = dict.fromkeys(VARIANTS, 0.0)
    fraction = {}
    for g in grids(config):
        if args.grids and not g.name.startswith(tuple(args.grids)):
            continue
        r = run_grid(g, steps, variants)
        t = {name: r[name][0] if name in r else math.nan for name in VARIANTS}  # nan: not timed
        roof = max(g.flops / flop_rate, g.bytes / bandwidth)
        fraction[g.name] = roof / t["ours"]
        for name in VARIANTS:
            build[name] += t[name] * g.build_steps
        print(f"{g.name:<24}{g.members:>6}{len(g.subset):>6}{1e3 * t['naive']:>10.2f}{1e3 * t['naive-stats']:>10.2f}{1e3 * t['vmap']:>10.2f}"
              f"{1e3 * t['ours']:>9.3f}{t['naive'] / t['naive-stats']:>8.1f}{t['naive-stats'] / t['ours']:>8.1f}{t['naive'] / t['ours']:>9.1f}"
              f"{t['vmap'] / t['ours']:>8.1f}{1e3 * roof:>9.3f}{fraction[g.name]:>8.2f}{t['ours'] * g.build_steps:>9.1f}  {'yes' if agree(r) else 'NO'}")
    costliest = next((name for name in fraction if name.startswith("E1 mlp")), None)
    if costliest is None:
        return  # the machine-readable line needs E1's MLP grid
    print(f"\nmath x = naive / naive-stats (sufficient statistics); batch x = naive-stats / ours (batching); "
          f"build s = ours at the build's steps; roofline fraction on {costliest}")
    print(f"speedup_vs_naive={build['naive'] / build['ours']:.2f} speedup_vs_vmap={build['vmap'] / build['ours']:.2f} "
          f"roofline_fraction={fraction[costliest]:.3f}")


if __name__ == "__main__":
    main()
