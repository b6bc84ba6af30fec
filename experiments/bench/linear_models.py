"""Linear models on Gaussian data: E3 (least squares) and E4 (the two-layer linear network), plain gradient descent
on samples (naive, vmap) or on the second moments Sigma_xx, Sigma_yx that ours uses (naive-stats, ours).

Unit: one gradient step of every member.  Counted per step: FLOPs of the matrix products (E3: X w and X^T r; E4:
the products of W2 W1 with Sigma_xx and the two layers' gradients); bytes of the data (E3) or statistics (E4) read
once and the weights read and written once.
"""
import itertools

import numpy as np
import torch
from torch.func import functional_call, grad, vmap

from experiments.bench.core import Grid, train_steps
from experiments.e3_least_squares import run as least_squares
from experiments.e4_deep_linear import run as deep_linear


def e3_grid(config: dict) -> Grid:
    section, seeds = config["least_squares"], config["seeds"]
    n, d, repeats = section["samples"], max(section["gd_features"]), section["repeats"]
    cells = list(itertools.product(section["rho"], seeds))
    data = [least_squares.draw(s, n, d, r, section["teacher_norm_sq"], section["noise_variance"], repeats) for r, s in cells]
    x = torch.tensor(np.concatenate([a for a, _, _ in data]), dtype=torch.float32)  # (E, n, d)
    y = torch.tensor(np.concatenate([b for _, b, _ in data]), dtype=torch.float32)  # (E, n)
    lr = section["gd_learning_rate"]
    first = [i for i in range(len(x)) if cells[i // repeats][1] == seeds[0]]

    def mse(out, target):
        return ((out - target) ** 2).mean() / 2

    def naive(steps, watch):
        losses = []
        for i in first:
            net = torch.nn.Linear(d, 1, bias=False)
            torch.nn.init.zeros_(net.weight)
            optimizer = torch.optim.SGD(net.parameters(), lr=lr)
            train_steps(optimizer, lambda: mse(net(x[i])[:, 0], y[i]), steps, watch)
            losses.append(float(mse(net(x[i])[:, 0], y[i]).detach()))
        return np.array(losses)

    def naive_stats(steps, watch):
        losses = []
        for i in first:
            sxx, sxy, syy = x[i].T @ x[i] / n, x[i].T @ y[i] / n, y[i] @ y[i] / n
            w = torch.zeros(d, requires_grad=True)
            optimizer = torch.optim.SGD([w], lr=lr)

            def loss_fn():  # |y - Xw|^2 / 2n from the statistics
                return 0.5 * w @ sxx @ w - w @ sxy + 0.5 * syy

            train_steps(optimizer, loss_fn, steps, watch)
            losses.append(float(loss_fn().detach()))
        return np.array(losses)

    def vmapped(steps, watch):
        xs, ys = x[first], y[first]
        nets = [torch.nn.Linear(d, 1, bias=False) for _ in first]
        params, _ = torch.func.stack_module_state(nets)
        params = {k: torch.zeros_like(v) for k, v in params.items()}
        base = nets[0]

        def loss_fn(p, xi, yi):
            return mse(functional_call(base, p, (xi,))[:, 0], yi)

        with watch:
            for _ in range(steps):
                grads = vmap(grad(loss_fn))(params, xs, ys)
                params = {k: v - lr * grads[k] for k, v in params.items()}
        return vmap(loss_fn)(params, xs, ys).detach().numpy()

    def ours(steps, watch):
        with watch:
            losses = least_squares.gradient_descent(x, y, lr, [steps])[:, 0]
        return losses.numpy()

    flops = len(x) * 2 * 2 * n * d  # X w and X^T r
    moved = len(x) * 4 * (n * d + n + 2 * d)  # X and y in, w in and out
    return Grid(f"E3 least squares d={d}", len(x), len(seeds), first, section["gd_steps"], flops, moved,
                {"naive": naive, "naive-stats": naive_stats, "vmap": vmapped, "ours": ours})


def e4_grid(config: dict) -> Grid:
    c, seeds = config["deep_linear"], config["seeds"]
    dim, u0, lr = c["dimension"], c["init"], c["learning_rate"]
    u, s, v = deep_linear.teacher(dim, c["singular_values"])
    cells = list(itertools.product(c["rho"], c["samples"], seeds))
    first = [i for i, (_, _, seed) in enumerate(cells) if seed == seeds[0]]

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

    def per_run(steps, watch, on_stats):
        losses = []
        for i in first:
            net = TwoLayer()
            x, y = data[i]
            loss_fn = (lambda: stats_loss(net.w2 @ net.w1, i)) if on_stats else (lambda: ((net(x) - y) ** 2).sum(dim=1).mean() / 2)
            optimizer = torch.optim.SGD(net.parameters(), lr=lr)
            train_steps(optimizer, loss_fn, steps, watch)
            losses.append(float(loss_fn().detach()))
        return np.array(losses)

    def vmapped(steps, watch):
        losses = {}
        for n in c["samples"]:  # vmap needs one shape: members with the same n
            idx = [i for i in first if cells[i][1] == n]
            nets = [TwoLayer() for _ in idx]
            params, _ = torch.func.stack_module_state(nets)
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
        return np.array([losses[i] for i in first])

    def ours(steps, watch):
        w1, w2 = w1_0.expand(len(cells), -1, -1), w2_0.expand(len(cells), -1, -1)
        with watch:
            maps = deep_linear.train(sxx, syx, w1, w2, lr, steps, steps)
        return stats_loss(maps[:, -1], slice(None)).numpy()  # the end-to-end maps after the last step

    flops = len(cells) * 6 * 2 * dim**3  # W2 W1, (W2 W1) Sxx, W2^T E, E W1^T, and their products
    moved = len(cells) * 8 * (2 * dim * dim + 4 * dim * dim)  # Sxx, Syx in; W1, W2 in and out (float64)
    return Grid("E4 deep linear", len(cells), len(seeds), first, c["steps"], flops, moved,
                {"naive": lambda st, w: per_run(st, w, False), "naive-stats": lambda st, w: per_run(st, w, True),
                 "vmap": vmapped, "ours": ours})
