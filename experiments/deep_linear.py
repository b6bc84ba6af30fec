"""E4: stage-like learning in a two-layer linear network, and how label noise delays it (tests T6).

Data: n whitened Gaussian inputs x (d dimensions) and a teacher W* = U diag(s) V^T; the label is
W* x with probability rho, else an independent N(0, sigma^2 I) draw.  The network W2 W1 starts
from Saxe et al.'s decoupled, balanced initialisation (every teacher mode at strength u0) and
trains by full-batch gradient descent on |y - W2 W1 x|^2 / 2 averaged over the samples.  That
loss depends on the data only through Sigma_xx = X^T X / n and Sigma_yx = Y^T X / n, so every
(rho, n, seed) cell trains as one batched program whose cost does not grow with n.

    mode_strength   u_i = u_i^T W2 W1 v_i at recorded steps (time = learning rate x steps)
    half_time       the first time u_i reaches half its final value rho s_i (interpolated)
    final_strength  u_i after the last step

    python -m experiments.deep_linear --seeds 0 1 --config '{...}' --out ... --manifest ...
"""
import itertools

import numpy as np
import pandas as pd
import torch

from experiments import runs
from experiments.lookup_table import rng_for


def teacher(dim: int, singular_values: list[float]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """U, s, V of a fixed teacher with orthonormal singular vectors (the same for every seed)."""
    rng = rng_for(0, "deep_linear_teacher", dim, tuple(singular_values))
    u, _ = np.linalg.qr(rng.normal(size=(dim, dim)))
    v, _ = np.linalg.qr(rng.normal(size=(dim, dim)))
    k = len(singular_values)
    return u[:, :k], np.asarray(singular_values, float), v[:, :k]


def statistics(seed: int, dim: int, rho: float, n: int, sigma2: float, u, s, v) -> tuple[np.ndarray, np.ndarray]:
    """Sigma_xx and Sigma_yx of n mixture samples."""
    rng = rng_for(seed, "deep_linear", dim, float(rho), n)
    x = rng.normal(size=(n, dim))
    y_teacher = x @ (v * s) @ u.T  # W* x for every sample
    y = np.where(rng.random((n, 1)) < rho, y_teacher, rng.normal(scale=np.sqrt(sigma2), size=(n, dim)))
    return x.T @ x / n, y.T @ x / n


def train(sxx: torch.Tensor, syx: torch.Tensor, w1: torch.Tensor, w2: torch.Tensor, lr: float, steps: int, record: int):
    """Full-batch GD for every member; the end-to-end map W2 W1 every ``record`` steps: (E, T, d, d)."""
    snapshots = []
    for step in range(steps + 1):
        if step % record == 0:
            snapshots.append(w2 @ w1)
        error = w2 @ w1 @ sxx - syx  # dL/d(W2 W1), (E, d, d)
        w1, w2 = w1 - lr * w2.transpose(1, 2) @ error, w2 - lr * error @ w1.transpose(1, 2)
    return torch.stack(snapshots, dim=1)


def half_times(times: np.ndarray, strength: np.ndarray, final: np.ndarray) -> np.ndarray:
    """First time each trajectory (last axis: time) reaches final/2, linearly interpolated; NaN if never."""
    level = final[..., None] / 2
    above = strength >= level
    first = np.where(above.any(axis=-1), above.argmax(axis=-1), -1)
    out = np.full(final.shape, np.nan)
    for idx in zip(*np.nonzero(first > 0)):
        j = first[idx]
        u_lo, u_hi = strength[idx][j - 1], strength[idx][j]
        out[idx] = times[j - 1] + (level[idx][0] - u_lo) / (u_hi - u_lo) * (times[j] - times[j - 1])
    return out


def run(config: dict, seeds: list[int]) -> pd.DataFrame:
    dim, sigma2, u0 = config["dimension"], config["noise_variance"], config["init"]
    lr, steps, record = config["learning_rate"], config["steps"], config["record_every"]
    u, s, v = teacher(dim, config["singular_values"])
    cells = list(itertools.product(config["rho"], config["samples"], seeds))
    stats = [statistics(seed, dim, r, n, sigma2, u, s, v) for r, n, seed in cells]
    sxx = torch.tensor(np.stack([a for a, _ in stats]))  # (E, d, d)
    syx = torch.tensor(np.stack([b for _, b in stats]))

    # decoupled balanced start: W1 = sqrt(u0) V^T, W2 = sqrt(u0) U on the teacher's modes
    w1 = torch.tensor(np.sqrt(u0) * v.T).expand(len(cells), -1, -1).clone()  # (E, k, d)
    w2 = torch.tensor(np.sqrt(u0) * u).expand(len(cells), -1, -1).clone()  # (E, d, k)
    maps = train(sxx, syx, w1, w2, lr, steps, record)  # (E, T, d, d)
    strength = torch.einsum("ik,etij,jk->ekt", torch.tensor(u), maps, torch.tensor(v)).numpy()  # (E, modes, T)
    times = lr * np.arange(0, steps + 1, record)
    final = np.asarray(config["rho"])[[config["rho"].index(r) for r, _, _ in cells]][:, None] * s[None]  # rho s_i
    halves = half_times(times, strength, final)

    rows = []
    for (e, (r, n, seed)), i in itertools.product(enumerate(cells), range(len(s))):
        base = {"dimension": dim, "init": u0, "rho": r, "samples": n, "seed": seed, "mode": i, "singular_value": s[i]}
        rows.append({**base, "time": np.nan, "quantity": "half_time", "value": halves[e, i]})
        rows.append({**base, "time": np.nan, "quantity": "final_strength", "value": strength[e, i, -1]})
        rows += [{**base, "time": t, "quantity": "mode_strength", "value": val} for t, val in zip(times, strength[e, i])]
    return pd.DataFrame(rows)


def main() -> None:
    p = runs.parser(__doc__)
    args = p.parse_args()
    started = runs.start(args)
    table = run(args.config, args.seeds)
    runs.finish(args, table, started)


if __name__ == "__main__":
    main()
