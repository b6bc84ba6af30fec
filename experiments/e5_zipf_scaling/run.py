"""E5: scaling laws from Zipf skills (tests T7; paper section "Measurements on the dial", E5).

The task is the lookup table at rho = 1: each of K keys is a skill, a fact with a fixed answer,
and key k is asked with probability p_k proportional to k^-(1+alpha).  Every measurement is
under that Zipf distribution, exactly (no test-set noise).  Three parts, one job each; each
trains every alpha and seed of its shape as one batched program:

data        Hutter's learner.  The per-key linear softmax (zero init, full-batch Adam) trains on
            the counts of the first n samples of one stream of Zipf keys, for each n of the
            grid.  Measured: memorising_error (a skill counts as known only where its answer's
            logit is strictly the largest, so a key never seen, with its logits still all zero,
            is an error) and memorising_loss; per seed, their power-law exponents in n.
            The same stream also trains the per-key softmax online (T7 in steps): one sample
            per step, one plain gradient step of size online_learning_rate on its cross-entropy,
            from zero logits.  Measured after T = n steps: online_loss; per seed, its exponent in T.
size        The quantization model's capacity limit.  A threshold unit of N weights on random
            Gaussian features of the keys (V = 2: one bit per fact) is fitted on the population,
            the p_k-weighted loss, for each N of the grid.  Measured: population_error and
            population_loss; per seed, their exponents in N.
emergence   Nam et al.'s skills.  A two-layer linear network, logits = E[k] U with embedding
            width H, on a bijective table (V = K: every skill has its own answer, so no two
            skills share an output), trained by full-batch plain gradient descent from a small
            Gaussian init on the p_k-weighted cross-entropy.  Measured at log-spaced steps:
            each skill's probability of its answer (skill_probability) and their Zipf-weighted
            sum (expected_accuracy); per skill that emerges within the steps, jump_step, the
            step at which its probability first reaches 1/2 (interpolated between steps); per
            seed, the exponent of jump_step in k (NaN if fewer than 3 skills emerge).

    python -m experiments.e5_zipf_scaling.run --part data --seeds 0 1 --config '{"alpha": [1.0], "data": {...}, ...}' \
        --out results/zipf_scaling/data.csv --manifest results/zipf_scaling/data.json
"""
import itertools
import math

import numpy as np
import pandas as pd
import torch

from experiments.common import lookup_table, runs
from experiments.common.curves import log_log_slope
from experiments.common.device import CPU, to_device
from experiments.common.models import MODELS, init_ensemble
from experiments.common.progress import Progress
from experiments.common.streams import rng_for
from experiments.common.threshold_unit import fit_logistic, gaussian_points, random_signs
from experiments.common.trainer import TrainConfig, all_key_logits, train_on_counts
from experiments.e5_zipf_scaling.spec import PARTS
from theory.zipf_skills import zipf_frequencies


def zipf_stream(seed: int, frequencies: np.ndarray, n: int, alpha: float) -> np.ndarray:
    """The first n keys (0-based ranks) of a seed's stream of Zipf samples; a shorter stream is a prefix of a longer."""
    uniforms = rng_for(seed, "zipf_stream", len(frequencies), float(alpha)).random(n)
    return np.minimum(np.searchsorted(np.cumsum(frequencies), uniforms, side="right"), len(frequencies) - 1)


def strictly_right(logits: torch.Tensor, answers: torch.Tensor) -> torch.Tensor:
    """Whether each answer's logit is strictly the largest: logits (..., V), answers (...) -> bool (...)."""
    others = logits.scatter(-1, answers[..., None], -math.inf)
    return logits.gather(-1, answers[..., None])[..., 0] > others.amax(dim=-1)


def tidy(cells: list[tuple], names: tuple[str, ...], quantities: dict[str, np.ndarray]) -> list[dict]:
    """One row per cell and quantity; a cell is a tuple of parameter values named by ``names``."""
    return [{**dict(zip(names, cell)), "quantity": q, "value": float(v[i])} for q, v in quantities.items() for i, cell in enumerate(cells)]


def run_data(config: dict, seeds: list[int], device: torch.device = CPU) -> pd.DataFrame:
    part, alphas = config["data"], config["alpha"]
    n_keys, n_classes, grid = part["keys"], part["classes"], sorted(part["samples"])
    cells = list(itertools.product(alphas, grid, seeds))

    # data: each cell's counts of the first n samples of its seed's stream, all on the rule's answer
    frequencies = {a: zipf_frequencies(a, n_keys) for a in alphas}
    streams = {(a, s): zipf_stream(s, frequencies[a], grid[-1], a) for a in alphas for s in seeds}
    tables = {s: lookup_table.rule_table(s, n_keys, n_classes) for s in seeds}
    counts = np.zeros((len(cells), n_keys, n_classes), dtype=np.float32)  # (E, K, V)
    for i, (a, n, s) in enumerate(cells):
        counts[i, np.arange(n_keys), tables[s]] = np.bincount(streams[a, s][:n], minlength=n_keys)

    # train on the device: the per-key linear softmax, one member per cell
    model = MODELS["linear"]
    params = to_device(init_ensemble(model, [s for _, _, s in cells], n_keys, n_classes, {}), device)
    trained = train_on_counts(model, params, torch.from_numpy(counts).to(device), TrainConfig(part["steps"], part["learning_rate"]))

    # measure on the CPU: error and loss under the Zipf distribution; per seed, their exponents in n
    with torch.no_grad():
        logits = all_key_logits(model, trained.params).double().cpu()  # (E, K, V)
    answers = torch.from_numpy(np.stack([tables[s] for _, _, s in cells]))  # (E, K)
    p = np.stack([frequencies[a] for a, _, _ in cells])  # (E, K)
    log_prob = torch.log_softmax(logits, dim=-1).gather(-1, answers[..., None])[..., 0].numpy()
    diverged = trained.diverged.cpu().numpy()
    error = np.where(diverged, np.nan, (p * ~strictly_right(logits, answers).numpy()).sum(axis=1))
    loss = np.where(diverged, np.nan, -(p * log_prob).sum(axis=1))
    rows = tidy(cells, ("alpha", "samples", "seed"), {"memorising_error": error, "memorising_loss": loss, "diverged": diverged})

    by_seed = list(itertools.product(alphas, seeds))
    curves = {q: v.reshape(len(alphas), len(grid), len(seeds)).transpose(0, 2, 1) for q, v in (("error", error), ("loss", loss))}
    rows += tidy(by_seed, ("alpha", "seed"), {f"memorising_{q}_exponent": -log_log_slope(grid, c).reshape(-1) for q, c in curves.items()})

    online = online_losses(by_seed, streams, tables, frequencies, grid, part["online_learning_rate"], n_keys, n_classes)  # (A x S, n)
    rows += tidy([(a, n, s) for a, s in by_seed for n in grid], ("alpha", "samples", "seed"), {"online_loss": online.reshape(-1)})
    rows += tidy(by_seed, ("alpha", "seed"), {"online_loss_exponent": -log_log_slope(grid, online)})
    return pd.DataFrame(rows).assign(keys=n_keys, classes=n_classes, online_learning_rate=part["online_learning_rate"]).astype({"samples": "Int64"})


def online_losses(members: list[tuple], streams: dict, tables: dict, frequencies: dict, grid: list[int], lr: float,
                  n_keys: int, n_classes: int) -> np.ndarray:
    """The per-key softmax trained online on each (alpha, seed)'s stream, one sample and one plain gradient step of
    its cross-entropy per step, from zero logits; its Zipf-weighted loss after each T of the grid: (members, grid)."""
    logits = torch.zeros(len(members), n_keys, n_classes, dtype=torch.float64)  # (E, K, V)
    keys = torch.from_numpy(np.stack([streams[a, s][: grid[-1]] for a, s in members]))  # (E, T)
    answers = torch.from_numpy(np.stack([tables[s] for _, s in members]))  # (E, K)
    p = torch.from_numpy(np.stack([frequencies[a] for a, _ in members]))  # (E, K)
    member = torch.arange(len(members))
    out = np.empty((len(members), len(grid)))
    for step in range(1, grid[-1] + 1):
        key = keys[:, step - 1]
        seen = logits[member, key]  # (E, V)
        target = torch.nn.functional.one_hot(answers[member, key], n_classes).double()
        logits[member, key] = seen - lr * (torch.softmax(seen, dim=-1) - target)  # d(-log softmax_answer)/d logits
        if step in grid:
            log_prob = torch.log_softmax(logits, dim=-1).gather(-1, answers[..., None])[..., 0]
            out[:, grid.index(step)] = -(p * log_prob).sum(dim=1).numpy()
    return out


def run_size(config: dict, seeds: list[int]) -> pd.DataFrame:
    part, alphas = config["size"], config["alpha"]
    n_keys, widths = part["keys"], sorted(part["weights"])

    # data: per seed, the keys' Gaussian features and one-bit answers; each alpha weights them by p_k
    signs = torch.from_numpy(np.stack([random_signs(s, (n_keys,), "zipf_answers") for s in seeds]))[:, None].expand(-1, len(alphas), -1)
    p = torch.from_numpy(np.stack([zipf_frequencies(a, n_keys) for a in alphas]))[None].expand(len(seeds), -1, -1)  # (S, A, K)

    # fit: one program per model size N (its first N features), every seed and alpha at once
    error, loss, diverged = (np.empty((len(widths), len(seeds), len(alphas))) for _ in range(3))
    for j, width in enumerate(widths):
        features = torch.from_numpy(np.stack([gaussian_points(s, n_keys, width, "zipf_keys") for s in seeds]))  # (S, K, N)
        fit = fit_logistic(features, signs, p, part["iterations"])
        error[j] = torch.where(fit.diverged, math.nan, (p * (fit.margins <= 0)).sum(dim=-1)).numpy()
        loss[j], diverged[j] = fit.loss.numpy(), fit.diverged.numpy()

    cells = list(itertools.product(widths, seeds, alphas))
    rows = tidy(cells, ("weights", "seed", "alpha"), {"population_error": error.reshape(-1), "population_loss": loss.reshape(-1), "diverged": diverged.reshape(-1)})
    by_seed = list(itertools.product(seeds, alphas))
    rows += tidy(by_seed, ("seed", "alpha"), {f"population_{q}_exponent": -log_log_slope(widths, np.moveaxis(v, 0, -1)).reshape(-1)
                                             for q, v in (("error", error), ("loss", loss))})
    return pd.DataFrame(rows).assign(keys=n_keys).astype({"weights": "Int64"})


def run_emergence(config: dict, seeds: list[int], device: torch.device = CPU) -> pd.DataFrame:
    part, alphas = config["emergence"], config["alpha"]
    n_skills, hidden, steps, lr = part["skills"], part["hidden"], part["steps"], part["learning_rate"]
    cells = list(itertools.product(alphas, seeds))
    records = set(np.unique(np.geomspace(1, steps, part["records"]).round().astype(int)).tolist()) | {0}

    # the bijective table, the Zipf weights and the small init, one member per (alpha, seed), drawn on the CPU
    answers = torch.from_numpy(np.stack([rng_for(s, "bijection", n_skills).permutation(n_skills) for _, s in cells])).to(device)  # (E, K)
    p = torch.from_numpy(np.stack([zipf_frequencies(a, n_skills) for a, _ in cells])).float().to(device)  # (E, K)
    init = [rng_for(s, "two_layer_init", n_skills, hidden).standard_normal((2, n_skills, hidden)) * part["init_scale"] for _, s in cells]
    embedding = torch.tensor(np.stack([w[0] for w in init]), dtype=torch.float32, device=device, requires_grad=True)  # (E, K, H)
    unembedding = torch.tensor(np.stack([w[1].T for w in init]), dtype=torch.float32, device=device, requires_grad=True)  # (E, H, V = K)

    # plain full-batch gradient descent on the device; every skill's probability of its answer at every step
    jump = torch.full(answers.shape, math.nan, dtype=torch.float64, device=device)  # (E, K)
    previous = None
    curves = {}
    diverged = torch.zeros(len(cells), dtype=torch.bool, device=device)
    progress = Progress(f"emergence, {len(cells)} members", steps)  # in the job's log
    for step in range(steps + 1):
        logits = embedding @ unembedding  # (E, K, V)
        log_prob = torch.log_softmax(logits, dim=-1).gather(-1, answers[..., None])[..., 0]  # (E, K)
        loss = -(p * log_prob).sum(dim=1)  # (E,)
        with torch.no_grad():
            diverged |= ~torch.isfinite(loss)
            prob = log_prob.exp().double()
            crossed = jump.isnan() & (prob >= 0.5)
            if previous is None:
                jump[crossed] = 0.0
            else:  # linear interpolation between the last two steps
                jump = torch.where(crossed, step - 1 + (0.5 - previous) / (prob - previous), jump)
            previous = prob
            if step in records:
                curves[step] = prob.cpu().numpy()
        if step == steps:
            break
        embedding.grad = unembedding.grad = None
        loss.sum().backward()  # members are independent: each gets its own gradient
        with torch.no_grad():
            embedding -= lr * embedding.grad
            unembedding -= lr * unembedding.grad
        progress.update(step + 1)

    # rows: curves at the recorded steps, jump steps of the skills that emerged, and per seed the exponent of jump step in rank
    dead = diverged.cpu().numpy()
    ranks = np.arange(1, n_skills + 1)
    jump = np.where(dead[:, None], np.nan, jump.cpu().numpy())
    rows = []
    for step in sorted(curves):
        prob = np.where(dead[:, None], np.nan, curves[step])
        rows += tidy([(a, s, step, k) for a, s in cells for k in ranks], ("alpha", "seed", "step", "rank"), {"skill_probability": prob.reshape(-1)})
        rows += tidy([(a, s, step) for a, s in cells], ("alpha", "seed", "step"), {"expected_accuracy": (p.cpu().numpy() * prob).sum(axis=1)})
    emerged = [(i, k) for i in range(len(cells)) for k in ranks if np.isfinite(jump[i, k - 1])]
    rows += tidy([(*cells[i], k) for i, k in emerged], ("alpha", "seed", "rank"), {"jump_step": np.array([jump[i, k - 1] for i, k in emerged])})
    rows += tidy(cells, ("alpha", "seed"), {"emergence_exponent": log_log_slope(ranks, jump), "diverged": dead})
    return pd.DataFrame(rows).assign(skills=n_skills, hidden=hidden).astype({"step": "Int64", "rank": "Int64"})


RUNS = {"data": run_data, "size": run_size, "emergence": run_emergence}
ON_DEVICE = ("data", "emergence")  # the parts that train on the config's device; size's Newton fits and data's online learner run on the CPU


def run(config: dict, seeds: list[int], part: str, device: torch.device = CPU) -> pd.DataFrame:
    """One part's tidy table: parameter columns, seed, quantity, value (and the column part)."""
    table = RUNS[part](config, seeds, device) if part in ON_DEVICE else RUNS[part](config, seeds)
    return table.assign(part=part)


def main() -> None:
    p = runs.parser(__doc__)
    p.add_argument("--part", required=True, choices=PARTS)
    args = p.parse_args()
    started = runs.start(args)
    table = run(args.config, args.seeds, args.part, args.device)
    runs.finish(args, table, started, part=args.part)


if __name__ == "__main__":
    main()
