"""E3: least squares between noise and teacher (tests T4, T5 and T4's continuation inward).

Data: n isotropic Gaussian samples with d features; the label is the teacher's x^T beta
(|beta|^2 = r^2) with probability rho, else an independent N(0, sigma^2) draw.  For one d,
every (rho, seed, repeat) is one member of one batched program: one batched least-squares
solve gives every minimum-norm fit, and full-batch gradient descent runs on each
member's residual and n x n kernel X X^T / n, in chunks of members that fit in cache.  Each
seed's measurement is its mean over ``repeats`` independent data sets.

    train_mse      |y - X w|^2 / n of the minimum-norm fit
    test_risk      E (y0 - x0^T w)^2 = rho |beta - w|^2 + (1 - rho)(sigma^2 + |w|^2), exact over x0
    gd_loss        the loss of gradient descent from w = 0 after ``step`` steps (gd_features only)
    gd_eigen_sum   T5's eigen-sum (1/2n) sum_k (u_k^T y)^2 e^{-2 lambda_k t}, t = lr x step, on the same data

The power-law run (power_law; in the job of the largest d): noiseless labels x^T beta on features of
spectrum lambda_j = j^{-2a} with teacher beta_j = j^{-b} (j = 1..d), full-batch gradient descent from
w = 0 on the data's sufficient statistics X^T X / n and X^T y / n.

    power_law_loss      the train loss after ``power_law_step`` steps (log-spaced)
    power_law_exponent  per seed, -d ln(loss) / d ln(step) fitted over those steps (T5: (2a + 2b - 1)/(2a))

    python -m experiments.e3_least_squares.run --features 32 --seeds 0 1 --config '{...}' --out ... --manifest ...
"""
import itertools
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import torch

from experiments.common import runs
from experiments.common.chunks import member_slices
from experiments.common.curves import log_log_slope
from experiments.common.device import CPU, chunks_on
from experiments.common.progress import Progress
from experiments.common.streams import rng_for
from theory.gradient_flow import gradient_flow_loss


def draw(seed: int, n: int, d: int, rho: float, r2: float, sigma2: float, repeats: int):
    """(X, y, beta) for ``repeats`` data sets of one cell: shapes (R, n, d), (R, n), (R, d)."""
    rng = rng_for(seed, "least_squares", n, d, float(rho), repeats)
    x = rng.normal(size=(repeats, n, d))
    beta = rng.normal(size=(repeats, d))
    beta *= np.sqrt(r2) / np.linalg.norm(beta, axis=1, keepdims=True)
    teacher = np.einsum("rnd,rd->rn", x, beta)
    y = np.where(rng.random((repeats, n)) < rho, teacher, rng.normal(scale=np.sqrt(sigma2), size=(repeats, n)))
    return x, y, beta


def min_norm_fit(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Every member's minimum-norm least-squares fit pinv(X) y: (E, n, d), (E, n) -> (E, d).

    LAPACK's gels (QR where n >= d, LQ where n < d) gives it when X has full rank, as Gaussian data has with
    probability one; it equals the pseudo-inverse's fit to float64 rounding (tests/experiments/test_least_squares.py)
    at a fifth of the SVD's cost."""
    return torch.linalg.lstsq(x, y.unsqueeze(-1), driver="gels").solution[..., 0]


def gradient_descent(x: torch.Tensor, y: torch.Tensor, learning_rate: float, record: list[int]) -> torch.Tensor:
    """Full-batch GD on |y - Xw|^2/(2n) from w = 0 for every member; the loss at each recorded step: (E, S).

    The step w <- w - lr X^T r / n moves the residual r = X w - y by r <- r - lr K r, K = X X^T / n, for any d:
    so GD runs on the residual (from r = -y) and the n x n kernel, the same iterates in exact arithmetic as on w
    with the n x d data X, and the loss |r|^2 / 2n comes without X w - y's cancellation however small it gets.  Members are
    independent: they run in chunks whose kernels fit in the CPU's cache, all steps of a chunk before the next,
    the chunks shared among torch's threads (on a GPU, all at once)."""
    n = x.shape[1]
    kernel = x @ x.transpose(1, 2) / n  # (E, n, n), symmetric
    losses = torch.empty(x.shape[0], len(record), dtype=x.dtype, device=x.device)

    slices = chunks_on(x.device, x.shape[0], member_slices(x.shape[0], n * n * x.element_size()))  # chunks of kernels
    progress = Progress(f"gradient descent, {x.shape[0]} members in {len(slices)} chunks", len(slices) * (max(record) + 1))
    done = itertools.count(1)  # steps taken over all chunks (next() is atomic under the interpreter lock)

    def descend(chunk: slice) -> None:
        torch.set_num_threads(1)  # one thread per chunk, the chunks spread over torch's threads
        residual, chunk_kernel = -y[chunk, None, :], kernel[chunk]  # (E_chunk, 1, n): r = X w - y at w = 0, a row, so r K reads K by rows
        for step in range(max(record) + 1):
            if step in record:
                losses[chunk, record.index(step)] = (residual[:, 0] ** 2).sum(dim=1) / (2 * n)
            residual = torch.baddbmm(residual, residual, chunk_kernel, alpha=-learning_rate)  # r - lr r K
            progress.update(next(done))

    threads = torch.get_num_threads()
    try:
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(descend, slices))
    finally:
        torch.set_num_threads(threads)
    return losses


def run(config: dict, seeds: list[int], n_features: int, device: torch.device = CPU) -> pd.DataFrame:
    n, r2, sigma2, repeats = config["samples"], config["teacher_norm_sq"], config["noise_variance"], config["repeats"]
    cells = list(itertools.product(config["rho"], seeds))
    data = [draw(s, n, n_features, r, r2, sigma2, repeats) for r, s in cells]  # drawn on the CPU, fitted on the device
    x = torch.tensor(np.concatenate([dx for dx, _, _ in data]), device=device)  # (E, n, d), E = cells x repeats
    y = torch.tensor(np.concatenate([dy for _, dy, _ in data]), device=device)  # (E, n)
    beta = torch.tensor(np.concatenate([db for _, _, db in data]), device=device)  # (E, d)
    dial = torch.tensor(np.repeat([r for r, _ in cells], repeats), device=device)  # (E,)

    # the minimum-norm least-squares fit of every member at once
    w = min_norm_fit(x, y)
    train_mse = ((torch.einsum("end,ed->en", x, w) - y) ** 2).mean(dim=1)
    test_risk = dial * ((beta - w) ** 2).sum(dim=1) + (1 - dial) * (sigma2 + (w**2).sum(dim=1))
    per_cell = {"train_mse": train_mse.cpu(), "test_risk": test_risk.cpu()}
    design = {"samples": n, "features": n_features, "repeats": repeats, "teacher_norm_sq": r2, "noise_variance": sigma2}
    rows = [
        {**design, "rho": r, "seed": s, "step": pd.NA, "quantity": q, "value": float(v.reshape(len(cells), repeats)[i].mean())}
        for q, v in per_cell.items()
        for i, (r, s) in enumerate(cells)
    ]

    # gradient descent against T5's eigen-sum on the same data
    if n_features in config["gd_features"]:
        record = sorted({0, *np.unique(np.geomspace(1, config["gd_steps"], 12).astype(int))})
        measured = gradient_descent(x, y, config["gd_learning_rate"], record).reshape(len(cells), repeats, -1).mean(dim=1).cpu()
        eigenvalues, vectors = torch.linalg.eigh(x @ x.transpose(1, 2) / n)  # of X X^T / n, (E, n)
        projections = torch.einsum("enk,en->ek", vectors, y)
        times = config["gd_learning_rate"] * np.asarray(record, float)
        theory = gradient_flow_loss(times[:, None], eigenvalues.cpu().numpy()[None], projections.cpu().numpy()[None], n)  # (S, E)
        theory = theory.T.reshape(len(cells), repeats, -1).mean(axis=1)
        for (i, (r, s)), (j, step) in itertools.product(enumerate(cells), enumerate(record)):
            for q, v in (("gd_loss", float(measured[i, j])), ("gd_eigen_sum", float(theory[i, j]))):
                rows.append({**design, "rho": r, "seed": s, "step": step, "quantity": q, "value": v})
    if n_features == max(config["features"]):
        rows += power_law_run(config["power_law"], seeds, device)
    return pd.DataFrame(rows).astype({"step": "Int64"})


def power_law_steps(part: dict) -> list[int]:
    """The recorded steps: log-spaced from ``fit_from`` to ``steps``."""
    return sorted(set(np.geomspace(part["fit_from"], part["steps"], part["records"]).round().astype(int).tolist()))


def power_law_run(part: dict, seeds: list[int], device: torch.device = CPU) -> list[dict]:
    """T5's power law: gradient descent on noiseless data with spectrum j^{-2a} and teacher j^{-b}, every (a, b, seed)."""
    n, d, lr = part["samples"], part["features"], part["learning_rate"]
    if len(part["spectrum"]) != len(part["teacher"]):
        raise ValueError(f"least_squares.power_law: spectrum {part['spectrum']} and teacher {part['teacher']} must pair up")
    cells = [(a, b, s) for a, b in zip(part["spectrum"], part["teacher"]) for s in seeds]
    sxx, sxy, syy = [], [], []
    for spectrum, teacher, seed in cells:
        j = np.arange(1.0, d + 1)
        x = rng_for(seed, "least_squares_power_law", n, d, float(spectrum)).normal(size=(n, d)) * j ** -spectrum  # E x_j^2 = j^{-2a}
        y = x @ j ** -teacher
        sxx.append(x.T @ x / n), sxy.append(x.T @ y / n), syy.append(y @ y / n)
    sxx, sxy, syy = (torch.tensor(np.stack(v), device=device) for v in (sxx, sxy, syy))
    record = power_law_steps(part)
    w = torch.zeros(len(cells), d, dtype=torch.float64, device=device)
    losses = []
    for step in range(record[-1] + 1):
        gradient = torch.einsum("eij,ej->ei", sxx, w) - sxy  # of |y - X w|^2 / (2n)
        if step in record:
            losses.append(0.5 * torch.einsum("ei,ei->e", w, gradient - sxy) + 0.5 * syy)
        w = w - lr * gradient
    losses = torch.stack(losses, dim=1).cpu().numpy()  # (E, steps)
    exponents = -log_log_slope(np.asarray(record, float), losses)
    design = {"samples": n, "features": d, "rho": 1.0, "learning_rate": lr, "step": pd.NA}
    rows = []
    for e, (spectrum, teacher, seed) in enumerate(cells):
        base = {**design, "spectrum_exponent": spectrum, "teacher_exponent": teacher, "seed": seed}
        rows += [{**base, "power_law_step": k, "quantity": "power_law_loss", "value": float(v)} for k, v in zip(record, losses[e])]
        rows.append({**base, "power_law_step": pd.NA, "quantity": "power_law_exponent", "value": float(exponents[e])})
    return rows


def main() -> None:
    p = runs.parser(__doc__)
    p.add_argument("--features", required=True, type=int, help="d, the number of features of this job's fits")
    args = p.parse_args()
    started = runs.start(args)
    table = run(args.config, args.seeds, args.features, args.device)
    runs.finish(args, table, started, features=args.features)


if __name__ == "__main__":
    main()
