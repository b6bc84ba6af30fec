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

The initial-scale sweep (u0_sweep: every rho at one large n, each u0 of a grid, strengths at every step):

    sweep_half_time   the first time u_i reaches half its own final value, per u0
    transition_width  the time from 10% to 90% of the final value (T6: (1/(rho s)) ln 9, whatever u0)
    onset_slope       the least-squares slope of sweep_half_time against ln(1/u0) (T6: 1/(2 rho s))

The noise threshold (noise_threshold: a one-mode teacher in d dimensions, a width-1 network, one
teacher per strength s; theory.spiked_correlation):

    threshold_final_strength   u after the last step, along the teacher's mode

The capability onset (onset: a one-mode teacher of strength s in d dimensions, for each (d, n) of its shapes, rho
swept across the threshold rho_c that theory declares from d, n and sigma_eff alone, rho_c s = sigma_eff(rho_c)
sqrt(d/n) (theory.spiked_correlation.critical_rho); a width-1 network from a random small start, W1 and W2
Gaussian of squared norm u0 in random directions):

    onset_overlap              the squared overlap of the learned directions with the teacher's after the last step,
                               the mean of the output side's (u . w2/|w2|)^2 and the input side's (v . w1/|w1|)^2

    python -m experiments.e4_deep_linear.run --seeds 0 1 --config '{...}' --out ... --manifest ...
"""
import itertools

import numpy as np
import pandas as pd
import torch

from experiments.common import runs
from experiments.common.curves import crossing_times
from experiments.common.device import CPU
from experiments.common.progress import Progress
from experiments.common.streams import rng_for
from experiments.e4_deep_linear.spec import WIDTH_MARGIN
from theory.spiked_correlation import critical_rho


def teacher(dim: int, singular_values: list[float]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """U, s, V of a fixed teacher with orthonormal singular vectors (the same for every seed)."""
    rng = rng_for(0, "deep_linear_teacher", dim, tuple(singular_values))
    u, _ = np.linalg.qr(rng.normal(size=(dim, dim)))
    v, _ = np.linalg.qr(rng.normal(size=(dim, dim)))
    k = len(singular_values)
    return u[:, :k], np.asarray(singular_values, float), v[:, :k]


def mixture_samples(seed: int, dim: int, rho: float, n: int, sigma2: float, u, s, v, *repeat: int) -> tuple[np.ndarray, np.ndarray]:
    """n mixture samples (x, y), (n, d) each (a further data set of the seed for each ``repeat`` tag)."""
    rng = rng_for(seed, "deep_linear", dim, float(rho), n, *repeat)
    x = rng.normal(size=(n, dim))
    y_teacher = x @ (v * s) @ u.T  # W* x for every sample
    y = np.where(rng.random((n, 1)) < rho, y_teacher, rng.normal(scale=np.sqrt(sigma2), size=(n, dim)))
    return x, y


def statistics(seed: int, dim: int, rho: float, n: int, sigma2: float, u, s, v, *repeat: int) -> tuple[np.ndarray, np.ndarray]:
    """Sigma_xx and Sigma_yx of n mixture samples (mixture_samples)."""
    x, y = mixture_samples(seed, dim, rho, n, sigma2, u, s, v, *repeat)
    return x.T @ x / n, y.T @ x / n


def train(sxx: torch.Tensor, syx: torch.Tensor, w1: torch.Tensor, w2: torch.Tensor, lr: float, steps: int, record: int, modes=None):
    """Full-batch GD for every member; every ``record`` steps the end-to-end map W2 W1, (E, T, d, d), or with
    modes = (U, V) (d x k each) only its strengths along the modes, diag(U^T W2 W1 V): (E, T, k)."""
    snapshots = []
    progress = Progress(f"gradient descent, {w1.shape[0]} members", steps + 1)  # in the job's log
    for step in range(steps + 1):
        if step % record == 0:
            w = w2 @ w1
            snapshots.append(w if modes is None else torch.einsum("ik,eij,jk->ek", modes[0], w, modes[1]))
        error = w2 @ w1 @ sxx - syx  # dL/d(W2 W1), (E, d, d)
        w1, w2 = w1 - lr * w2.transpose(1, 2) @ error, w2 - lr * error @ w1.transpose(1, 2)
        progress.update(step + 1)
    return torch.stack(snapshots, dim=1)


def start(u0, u: np.ndarray, v: np.ndarray, members: int, device: torch.device = CPU) -> tuple[torch.Tensor, torch.Tensor]:
    """Saxe et al.'s decoupled balanced start, W1 = sqrt(u0) V^T, W2 = sqrt(u0) U, for each member (u0 scalar or one per member)."""
    scale = torch.tensor(np.sqrt(np.broadcast_to(np.asarray(u0, float), (members,))), device=device)[:, None, None]
    return scale * torch.tensor(v.T, device=device), scale * torch.tensor(u, device=device)  # (E, k, d), (E, d, k)


def check(config: dict) -> None:
    """Clear errors before any training: the sweep's grid holds the main u0, every u0 lies below the weakest rho s, and
    the onset's shapes and dial are possible."""
    inits, weakest = config["u0_sweep"]["init"], min(config["rho"]) * min(config["singular_values"])
    if config["init"] not in inits:
        raise ValueError(f"deep_linear: u0_sweep.init {inits} must include init {config['init']} (one grid of u0 in the table)")
    if max(inits) >= weakest:
        raise ValueError(f"deep_linear: every u0 must lie below the weakest mode rho s = {weakest}; got {max(inits)}")
    onset_part = config["onset"]
    for dim, n in onset_part["shapes"]:
        if n <= dim + 1:
            raise ValueError(f"deep_linear: onset shape (d, n) = ({dim}, {n}) needs n > d + 1 for the fitted map's noise")
        top = max(onset_part["rho_over_critical"]) * critical_rho(onset_part["singular_value"], n, dim, config["noise_variance"])
        if top > 1:
            raise ValueError(f"deep_linear: onset rho_over_critical reaches rho = {top:.3g} > 1 at (d, n) = ({dim}, {n})")


def run(config: dict, seeds: list[int], device: torch.device = CPU) -> pd.DataFrame:
    """Every part's rows; each part's members train on ``device`` from data drawn on the CPU."""
    check(config)
    dim, sigma2, u0 = config["dimension"], config["noise_variance"], config["init"]
    lr, steps, record = config["learning_rate"], config["steps"], config["record_every"]
    u, s, v = teacher(dim, config["singular_values"])
    cells = list(itertools.product(config["rho"], config["samples"], seeds))
    stats = [statistics(seed, dim, r, n, sigma2, u, s, v) for r, n, seed in cells]
    sxx = torch.tensor(np.stack([a for a, _ in stats]), device=device)  # (E, d, d)
    syx = torch.tensor(np.stack([b for _, b in stats]), device=device)

    w1, w2 = start(u0, u, v, len(cells), device)
    modes = (torch.tensor(u, device=device), torch.tensor(v, device=device))
    strength = train(sxx, syx, w1, w2, lr, steps, record, modes).transpose(1, 2).cpu().numpy()  # (E, modes, T)
    times = lr * np.arange(0, steps + 1, record)
    final = np.asarray([r for r, _, _ in cells])[:, None] * s[None]  # rho s_i
    halves = crossing_times(times, strength, final / 2)

    rows = []
    common = {"dimension": dim, "noise_variance": sigma2, "learning_rate": lr, "steps": steps}
    for (e, (r, n, seed)), i in itertools.product(enumerate(cells), range(len(s))):
        base = {**common, "init": u0, "rho": r, "samples": n, "seed": seed, "mode": i, "singular_value": s[i]}
        rows.append({**base, "time": np.nan, "quantity": "half_time", "value": halves[e, i]})
        rows.append({**base, "time": np.nan, "quantity": "final_strength", "value": strength[e, i, -1]})
        rows += [{**base, "time": t, "quantity": "mode_strength", "value": val} for t, val in zip(times, strength[e, i])]
    rows += u0_sweep(config, seeds, u, s, v, common, device)
    rows += noise_threshold(config, seeds, common, device)
    rows += onset(config, seeds, common, device)
    return pd.DataFrame(rows)


def u0_sweep(config: dict, seeds: list[int], u, s, v, common: dict, device: torch.device = CPU) -> list[dict]:
    """Every rho at the sweep's n, from each u0 of its grid on the same data: half-times, widths, onset slopes."""
    sweep, lr, steps = config["u0_sweep"], config["learning_rate"], config["steps"]
    inits, n = sweep["init"], sweep["samples"]
    data = {(r, seed): statistics(seed, common["dimension"], r, n, common["noise_variance"], u, s, v) for r in config["rho"] for seed in seeds}
    cells = list(itertools.product(config["rho"], seeds, inits))
    sxx = torch.tensor(np.stack([data[r, seed][0] for r, seed, _ in cells]), device=device)
    syx = torch.tensor(np.stack([data[r, seed][1] for r, seed, _ in cells]), device=device)
    w1, w2 = start([u0 for _, _, u0 in cells], u, v, len(cells), device)
    modes = (torch.tensor(u, device=device), torch.tensor(v, device=device))
    strength = train(sxx, syx, w1, w2, lr, steps, 1, modes).transpose(1, 2).cpu().numpy()  # (E, modes, T)
    times = lr * np.arange(steps + 1)
    final = strength[..., -1]
    halves = crossing_times(times, strength, final / 2)
    upper, lower = crossing_times(times, strength, (1 - WIDTH_MARGIN) * final), crossing_times(times, strength, WIDTH_MARGIN * final)
    widths = np.where(np.isposinf(upper), np.inf, upper - lower)  # a transition unfinished within the steps is censored
    rows = []
    for (e, (r, seed, u0)), i in itertools.product(enumerate(cells), range(len(s))):
        base = {**common, "init": u0, "rho": r, "samples": n, "seed": seed, "mode": i, "singular_value": s[i], "time": np.nan}
        rows.append({**base, "quantity": "sweep_half_time", "value": halves[e, i]})
        rows.append({**base, "quantity": "transition_width", "value": widths[e, i]})
    log_inverse = np.log(1 / np.asarray(inits, float))
    by_run = halves.reshape(len(config["rho"]), len(seeds), len(inits), len(s))
    for (j, r), (k, seed), i in itertools.product(enumerate(config["rho"]), enumerate(seeds), range(len(s))):
        times_k = by_run[j, k, :, i]  # a half time censored at the smallest u0 leaves the slope a lower bound: censored too
        slope = np.polyfit(log_inverse, times_k, 1)[0] if np.all(np.isfinite(times_k)) else np.inf if not np.isnan(times_k).any() else np.nan
        rows.append({**common, "init": np.nan, "rho": r, "samples": n, "seed": seed, "mode": i, "singular_value": s[i], "time": np.nan,
                     "quantity": "onset_slope", "value": slope})
    return rows


def noise_threshold(config: dict, seeds: list[int], common: dict, device: torch.device = CPU) -> list[dict]:
    """A width-1 network on a one-mode teacher of each strength s: the strength it keeps along the mode
    (per seed, the mean over ``repeats`` data sets)."""
    part, u0 = config["noise_threshold"], config["init"]
    dim, n, r, repeats = part["dimension"], part["samples"], part["rho"], part["repeats"]
    cells = list(itertools.product(part["singular_values"], seeds, range(repeats)))
    teachers = {strength: teacher(dim, [strength]) for strength in part["singular_values"]}
    stats = [statistics(seed, dim, r, n, common["noise_variance"], *teachers[strength], rep) for strength, seed, rep in cells]
    sxx = torch.tensor(np.stack([a for a, _ in stats]), device=device)
    syx = torch.tensor(np.stack([b for _, b in stats]), device=device)
    u = torch.tensor(np.concatenate([teachers[strength][0] for strength, _, _ in cells], axis=1), device=device)  # (d, E): member e's mode
    v = torch.tensor(np.concatenate([teachers[strength][2] for strength, _, _ in cells], axis=1), device=device)
    w1 = np.sqrt(u0) * v.T[:, None, :]  # (E, 1, d)
    w2 = np.sqrt(u0) * u.T[:, :, None]  # (E, d, 1)
    maps = train(sxx, syx, w1, w2, part["learning_rate"], part["steps"], part["steps"])[:, -1]  # (E, d, d)
    kept = torch.einsum("ie,eij,je->e", u, maps, v).cpu().numpy().reshape(len(part["singular_values"]), len(seeds), repeats).mean(axis=-1)
    base = {**common, "dimension": dim, "learning_rate": part["learning_rate"], "steps": part["steps"], "init": u0, "rho": r, "samples": n,
            "mode": 0, "time": np.nan}
    return [{**base, "seed": seed, "singular_value": strength, "quantity": "threshold_final_strength", "value": kept[i, k]}
            for (i, strength), (k, seed) in itertools.product(enumerate(part["singular_values"]), enumerate(seeds))]


def random_start(seed: int, dim: int, u0: float, members: int) -> tuple[torch.Tensor, torch.Tensor]:
    """A width-1 network's random small start, the same for every member of a seed and shape: W1 (1, d) and W2 (d, 1)
    Gaussian, each of squared norm u0 in expectation, in directions independent of any teacher."""
    generator = torch.Generator().manual_seed(int(rng_for(seed, "deep_linear_onset_start", dim).integers(2**62)))
    w1, w2 = torch.randn(1, dim, generator=generator, dtype=torch.float64), torch.randn(dim, 1, generator=generator, dtype=torch.float64)
    scale = np.sqrt(u0 / dim)
    return (scale * w1).expand(members, 1, dim).clone(), (scale * w2).expand(members, dim, 1).clone()


def onset(config: dict, seeds: list[int], common: dict, device: torch.device = CPU) -> list[dict]:
    """Every rho of the declared grid around rho_c, per shape (d, n), from a random small start: the squared overlap of
    the learned directions with the teacher's mode (per seed, the mean over ``repeats`` data sets)."""
    part, sigma2 = config["onset"], common["noise_variance"]
    strength, u0, lr, steps, repeats = part["singular_value"], part["init"], part["learning_rate"], part["steps"], part["repeats"]
    rows = []
    for dim, n in part["shapes"]:
        rhos = [m * critical_rho(strength, n, dim, sigma2) for m in part["rho_over_critical"]]
        u, s, v = teacher(dim, [strength])
        cells = list(itertools.product(rhos, seeds, range(repeats)))
        stats = [statistics(seed, dim, r, n, sigma2, u, s, v, "onset", rep) for r, seed, rep in cells]
        sxx = torch.tensor(np.stack([a for a, _ in stats]), device=device)
        syx = torch.tensor(np.stack([b for _, b in stats]), device=device)
        starts = [random_start(seed, dim, u0, 1) for _, seed, _ in cells]  # on the CPU's generator
        w1, w2 = torch.cat([a for a, _ in starts]).to(device), torch.cat([b for _, b in starts]).to(device)
        progress = Progress(f"onset d = {dim}, n = {n}, {len(cells)} members", steps)
        for step in range(steps):  # full-batch GD on the rank-1 map w2 w1: the error w2 w1 Sxx - Syx never formed
            w1_sxx, w2t = w1 @ sxx, w2.transpose(1, 2)  # (E, 1, d), (E, 1, d)
            grad1 = (w2t @ w2) * w1_sxx - w2t @ syx  # w2^T error, (E, 1, d)
            grad2 = w2 * (w1_sxx @ w1.transpose(1, 2)) - syx @ w1.transpose(1, 2)  # error w1^T, (E, d, 1)
            w1, w2 = w1 - lr * grad1, w2 - lr * grad2
            progress.update(step + 1)
        out = (torch.tensor(u[:, 0], device=device) @ w2[:, :, 0].T) ** 2 / (w2[:, :, 0] ** 2).sum(1)
        into = (w1[:, 0, :] @ torch.tensor(v[:, 0], device=device)) ** 2 / (w1[:, 0, :] ** 2).sum(1)
        overlap = ((out + into) / 2).cpu().numpy().reshape(len(rhos), len(seeds), repeats).mean(axis=-1)
        base = {**common, "dimension": dim, "samples": n, "learning_rate": lr, "steps": steps, "init": u0, "mode": 0, "singular_value": strength,
                "time": np.nan, "quantity": "onset_overlap"}
        rows += [{**base, "rho": r, "seed": seed, "value": overlap[i, k]} for (i, r), (k, seed) in itertools.product(enumerate(rhos), enumerate(seeds))]
    return rows


def main() -> None:
    p = runs.parser(__doc__)
    args = p.parse_args()
    started = runs.start(args)
    table = run(args.config, args.seeds, args.device)
    runs.finish(args, table, started)


if __name__ == "__main__":
    main()
