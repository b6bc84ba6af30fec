"""Linear models on Gaussian data: E3 (least squares) and E4 (the two-layer linear network), plain gradient descent
on samples (naive, vmap) or on the sufficient statistics that ours uses (naive-stats, vmap-stats, ours).

E3   ours (least_squares.gradient_descent) descends on each member's n x n kernel K = X X^T / n and its residual
     r = X w - y, from r = -y: a gradient step of w moves r by -lr K r, which is a plain gradient step on
     1/2 r^T K r.  naive-stats takes that step by autograd, run by run; vmap-stats by torch.func's vmap(grad) over
     the members' residuals and kernels (one chunk: a member's kernel is n^2 floats).  With d > n (the grid's d is
     the largest gd_features) the kernel is the smaller statistic: Sigma_xx would cost (d / n)^2 as much a step.
E4   ours (deep_linear.train) descends on Sigma_xx and Sigma_yx; naive-stats takes the gradient of the loss from
     them at W2 W1 by autograd, run by run; vmap-stats by vmap(grad) over the members' two layers, stacked with
     torch.func.stack_module_state, and their statistics (one chunk: 2 d^2 floats a member).  Float64, as the job.

Every baseline steps with torch's fused SGD (fused=True), as a competent engineer would; ours updates in its own
products.  Compared: the final loss of each member, rtol TRAINING_RTOL.

Unit: one gradient step of every member.  Counted per step, of ours' algorithm: FLOPs of the matrix products (E3:
r K, 2 n^2; E4: W2 W1, (W2 W1) Sigma_xx, W2^T E and E W1^T, 2 d^3 each); bytes of the statistics read once and
the residual (E3) or the weights (E4) read and written once; elementwise work (Grid.work): none, since the
steps (r - lr r K, W - lr ...) and E4's error W Sigma_xx - Sigma_yx are their products' scaling (BLAS's alpha
and beta) and no exponential or Adam is involved.
"""
import itertools

import numpy as np
import torch
from torch.func import functional_call, vmap

from experiments.bench.core import Grid, stacked, train_steps, vmap_steps
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

    def zero_linear():  # one run's model from w = 0
        net = torch.nn.Linear(d, 1, bias=False)
        torch.nn.init.zeros_(net.weight)
        return net

    kernels = x[first] @ x[first].transpose(1, 2) / n  # the first seed's (n, n): the statistic ours descends on, with r = X w - y

    def kernel_loss(r, kernel):  # 1/2 r K r: its gradient K r is the residual's step under gradient descent on w
        return 0.5 * r @ kernel @ r

    def residual_loss(r):  # |y - X w|^2 / 2n from the residual (..., n)
        return (r**2).mean(dim=-1) / 2

    def naive(steps, watch):
        losses = []
        for i in first:
            net = zero_linear()
            optimizer = torch.optim.SGD(net.parameters(), lr=lr, fused=True)
            train_steps(optimizer, lambda: mse(net(x[i])[:, 0], y[i]), steps, watch)
            losses.append(float(mse(net(x[i])[:, 0], y[i]).detach()))
        return np.array(losses)

    def naive_stats(steps, watch):
        losses = []
        for i, kernel in zip(first, kernels):
            r = (-y[i]).requires_grad_()  # X w - y at w = 0
            optimizer = torch.optim.SGD([r], lr=lr, fused=True)
            train_steps(optimizer, lambda: kernel_loss(r, kernel), steps, watch)
            losses.append(float(residual_loss(r.detach())))
        return np.array(losses)

    def vmapped(steps, watch):
        nets = [zero_linear() for _ in first]
        params, base = stacked(nets), nets[0]

        def loss_fn(p, xi, yi):
            return mse(functional_call(base, p, (xi,))[:, 0], yi)

        optimizer = torch.optim.SGD(params.values(), lr=lr, fused=True)
        vmap_steps(params, loss_fn, (x[first], y[first]), (0, 0), optimizer, steps, watch)
        return vmap(loss_fn)(params, x[first], y[first]).detach().numpy()

    def vmap_stats(steps, watch):
        params = {"r": (-y[first]).requires_grad_()}
        optimizer = torch.optim.SGD(params.values(), lr=lr, fused=True)
        vmap_steps(params, lambda p, kernel: kernel_loss(p["r"], kernel), (kernels,), (0,), optimizer, steps, watch)
        return residual_loss(params["r"].detach()).numpy()

    def ours(steps, watch):
        with watch:
            losses = least_squares.gradient_descent(x, y, lr, [steps])[:, 0]
        return losses.numpy()

    flops = len(x) * 2 * n * n  # r K
    moved = len(x) * 4 * (n * n + 2 * n)  # K in, r in and out
    work = {"exp": 0, "pass": 0, "adam": 0}  # the step r - lr r K is its product's scaling (BLAS's alpha and beta)
    # no jobs: the job of this d also takes every rho's minimum-norm fit and T5's eigen-sum
    return Grid(f"E3 least squares d={d}", len(x), len(seeds), first, section["gd_steps"], flops, moved,
                {"naive": naive, "naive-stats": naive_stats, "vmap": vmapped, "vmap-stats": vmap_stats, "ours": ours}, work=work)


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

    def stats_loss(w, s_xx, s_yx, s_yy):  # the mean of |y - W x|^2 / 2 from the statistics: (..., d, d) -> (...)
        return 0.5 * torch.einsum("...ij,...jk,...ik->...", w, s_xx, w) - torch.einsum("...ij,...ij->...", w, s_yx) + 0.5 * s_yy

    def per_run(steps, watch, on_stats):
        losses = []
        for i in first:
            net = TwoLayer()
            x, y = data[i]
            loss_fn = (lambda: stats_loss(net.w2 @ net.w1, sxx[i], syx[i], syy[i])) if on_stats else \
                (lambda: ((net(x) - y) ** 2).sum(dim=1).mean() / 2)
            optimizer = torch.optim.SGD(net.parameters(), lr=lr, fused=True)
            train_steps(optimizer, loss_fn, steps, watch)
            losses.append(float(loss_fn().detach()))
        return np.array(losses)

    def vmapped(steps, watch):
        losses = {}
        for n in c["samples"]:  # vmap needs one shape: members with the same n
            idx = [i for i in first if cells[i][1] == n]
            nets = [TwoLayer() for _ in idx]
            params, base = stacked(nets), nets[0]
            xs, ys = torch.stack([data[i][0] for i in idx]), torch.stack([data[i][1] for i in idx])

            def loss_fn(p, x, y):
                return ((functional_call(base, p, (x,)) - y) ** 2).sum(dim=1).mean() / 2

            optimizer = torch.optim.SGD(params.values(), lr=lr, fused=True)
            vmap_steps(params, loss_fn, (xs, ys), (0, 0), optimizer, steps, watch)
            losses.update(zip(idx, vmap(loss_fn)(params, xs, ys).tolist()))
        return np.array([losses[i] for i in first])

    def vmap_stats(steps, watch):
        params = stacked([TwoLayer() for _ in first])

        def loss_fn(p, *statistics):  # one member's loss from its statistics, at its end-to-end map W2 W1
            return stats_loss(p["w2"] @ p["w1"], *statistics)

        optimizer = torch.optim.SGD(params.values(), lr=lr, fused=True)
        vmap_steps(params, loss_fn, (sxx[first], syx[first], syy[first]), (0, 0, 0), optimizer, steps, watch)
        return stats_loss(params["w2"] @ params["w1"], sxx[first], syx[first], syy[first]).detach().numpy()

    def ours(steps, watch):
        w1, w2 = w1_0.expand(len(cells), -1, -1), w2_0.expand(len(cells), -1, -1)
        with watch:
            maps = deep_linear.train(sxx, syx, w1, w2, lr, steps, steps)
        return stats_loss(maps[:, -1], sxx, syx, syy).numpy()  # the end-to-end maps after the last step

    flops = len(cells) * 4 * 2 * dim**3  # W2 W1, (W2 W1) Sxx, W2^T E, E W1^T
    moved = len(cells) * 8 * (2 * dim * dim + 4 * dim * dim)  # Sxx, Syx in; W1, W2 in and out (float64)
    work = {"exp": 0, "pass": 0, "adam": 0}  # the error and the steps are their products' scaling (BLAS's alpha and beta)
    # no jobs: deep_linear/all also runs the u0 sweep, the noise threshold and the onset
    return Grid("E4 deep linear", len(cells), len(seeds), first, c["steps"], flops, moved,
                {"naive": lambda st, w: per_run(st, w, False), "naive-stats": lambda st, w: per_run(st, w, True),
                 "vmap": vmapped, "vmap-stats": vmap_stats, "ours": ours}, dtype=torch.float64, work=work)
