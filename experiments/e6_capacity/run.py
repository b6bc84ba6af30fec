"""E6: capacity on pure noise, and what noise costs structure (tests T8; paper section "Measurements on the dial", E6).

The model is the linear threshold unit of experiments/common/threshold_unit.py: N weights, no bias,
on P random Gaussian points (the facts' keys), each fact a one-bit answer y = +-1, fitted to
the optimum of its mean logistic loss by Newton's method.  Two parts:

noise     one job per N.  Every point set (one per seed and number of points P) carries
          ``labellings`` independent uniform random labellings, each fitted on its own.
          Cover's count holds for any points in general position, so sharing the points
          leaves the chance of separability of each labelling unchanged.  Measured per set:
          separated_fraction, the fraction of its labellings that the fit classifies without
          error, and bits_per_weight, the estimator K (log2 V - L_train/ln 2) / N of
          theory/capacity.py with K = P facts and V = 2, averaged over labellings; per seed,
          capacity_bits_per_weight, the largest bits_per_weight over the grid of P/N, and
          half_point_per_weight, the P/N at which the separated fraction falls to 1/2
          (theory/capacity.py's half_crossing, between grid points P = round(r N)).
mixture   the rho dial on the same unit: each fact follows a rule, sign(t . x) for a random
          teacher t, with probability rho, and is a uniform random bit otherwise.  Measured
          per (P/N, rho, seed), averaged over labellings: the train accuracy on the rule's facts
          and on the random facts, the rule accuracy 1 - angle(w, t)/pi (the exact accuracy on
          fresh Gaussian points), bits_per_weight, and mixture_separated_fraction, the fraction of
          labellings whose every fact the fit classifies right.  Per (rho, seed) with rho < 1,
          mixture_half_point_per_weight: on the largest point set, each labelling's threshold, the
          largest P whose first P facts the fit separates (bisection over P: a separable set stays
          separable when facts are removed), gives the seed's separable fraction at every P; the P/N
          at which it falls to 1/2 (half_crossing) is set against the noisy teacher's capacity
          (theory/noisy_teacher.py).

Both parts fit on the CPU whatever the config's device: experiments/common/threshold_unit.py makes its tensors there.

    python -m experiments.e6_capacity.run --part noise --weights 16 --seeds 0 1 --config '{...}' \
        --out results/capacity/noise_N16.csv --manifest results/capacity/noise_N16.json
"""
import itertools
import math
import warnings

import numpy as np
import pandas as pd
import torch

from experiments.common import runs
from experiments.common.streams import rng_for
from experiments.common.threshold_unit import fit_logistic, gaussian_points, random_signs
from experiments.e6_capacity.spec import PARTS
from theory.capacity import bits_stored_lower_bound, half_crossing


def padded_sets(seeds: list[int], n_weights: int, ratios: list[float], tag: str) -> tuple[list[tuple], torch.Tensor, torch.Tensor]:
    """One point set per (P/N, seed), zero-padded to the largest P: cells, points (B, P_max, N), mask (B, P_max)."""
    cells = [(r, round(r * n_weights), s) for r, s in itertools.product(ratios, seeds)]
    largest = max(p for _, p, _ in cells)
    points = np.zeros((len(cells), largest, n_weights))
    mask = np.zeros((len(cells), largest))
    for i, (_, p, s) in enumerate(cells):
        points[i, :p] = gaussian_points(s, p, n_weights, tag)
        mask[i, :p] = 1.0
    return cells, torch.from_numpy(points), torch.from_numpy(mask)


def pad(rows: list[np.ndarray], width: int) -> np.ndarray:
    """Arrays (..., P_i) stacked with their last axis zero-padded to ``width``."""
    return np.stack([np.pad(r, [(0, 0)] * (r.ndim - 1) + [(0, width - r.shape[-1])]) for r in rows])


def bits_per_weight(loss: torch.Tensor, n_points: torch.Tensor, n_weights: int) -> torch.Tensor:
    """T8's estimator per weight for P one-bit facts fitted to mean train loss ``loss`` (nats)."""
    return torch.from_numpy(bits_stored_lower_bound(n_points.numpy(), 2, loss.numpy())) / n_weights


def run_noise(config: dict, seeds: list[int], n_weights: int) -> pd.DataFrame:
    ratios, n_labellings = sorted(config["points_per_weight"]), config["labellings"]
    cells, points, mask = padded_sets(seeds, n_weights, ratios, "noise")
    signs = torch.from_numpy(pad([random_signs(s, (n_labellings, p), "noise", n_weights) for _, p, s in cells], points.shape[1]))  # (B, L, P)
    n_points = mask.sum(dim=1)  # (B,)

    fit = fit_logistic(points, signs, (mask / n_points[:, None])[:, None].expand_as(signs), config["iterations"])
    separated = ((fit.margins > 0) | (mask[:, None] == 0)).all(dim=-1).double().masked_fill(fit.diverged, math.nan)  # (B, L)
    bits = bits_per_weight(fit.loss, n_points[:, None].expand_as(fit.loss), n_weights)  # (B, L)

    quantities = {"separated_fraction": separated.nanmean(dim=1), "bits_per_weight": bits.nanmean(dim=1), "diverged": fit.diverged.sum(dim=1)}
    rows = [{"points_per_weight": r, "points": p, "seed": s, "quantity": q, "value": float(v[i])}
            for q, v in quantities.items() for i, (r, p, s) in enumerate(cells)]
    best = quantities["bits_per_weight"].numpy().reshape(len(ratios), len(seeds)).max(axis=0)  # NaN if any P/N diverged entirely
    rows += [{"seed": s, "quantity": "capacity_bits_per_weight", "value": float(best[j])} for j, s in enumerate(seeds)]
    fractions = quantities["separated_fraction"].numpy().reshape(len(ratios), len(seeds))
    rows += [{"seed": s, "quantity": "half_point_per_weight", "value": half_crossing([p / n_weights for _, p, _ in cells[::len(seeds)]], fractions[:, j])}
             for j, s in enumerate(seeds)]
    return pd.DataFrame(rows).assign(weights=n_weights, labellings=n_labellings).astype({"points": "Int64"})


def separability_thresholds(points: torch.Tensor, signs: torch.Tensor, iterations: int) -> torch.Tensor:
    """The largest P at which the fit separates each member's first P facts, (B, L) (NaN where a fit diverged).

    Bisection over P between N (P <= N points in general position are always separable) and the P_max facts
    of points (B, P_max, N), signs (B, L, P_max): separable at P implies separable at every smaller P.
    """
    n_sets, n_members, largest = signs.shape
    low = torch.full((n_sets, n_members), points.shape[-1])  # separable
    high = torch.full((n_sets, n_members), largest + 1)  # not separable, or beyond the facts
    diverged = torch.zeros(n_sets, n_members, dtype=torch.bool)
    while (high - low > 1).any():
        middle = (low + high) // 2  # (B, L); a member already decided refits at its low and stays
        used = (torch.arange(largest) < middle[..., None]).double()  # its first P facts, (B, L, P_max)
        fit = fit_logistic(points, signs, used / middle[..., None], iterations)
        separated = ((fit.margins > 0) | (used == 0)).all(dim=-1)
        diverged |= fit.diverged
        low, high = torch.where(separated, middle, low), torch.where(separated, high, middle)
    return low.double().masked_fill(diverged, math.nan)


def half_points(thresholds: np.ndarray, n_weights: int, largest: int) -> np.ndarray:
    """Per row of labellings' thresholds (..., L): the P/N at which the fraction separable, mean(threshold >= P)
    over the labellings that did not diverge, falls to 1/2 on P = N, ..., largest; +inf (censored: beyond the
    largest P) where it stays above."""
    points = np.arange(n_weights, largest + 1)
    reached = np.where(np.isnan(thresholds[..., None]), np.nan, thresholds[..., None] >= points)  # (..., L, P)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a row whose every fit diverged has no fraction: NaN
        fractions = np.nanmean(reached, axis=-2)  # (..., P)
    rows = fractions.reshape(-1, len(points))
    crossings = np.array([np.inf if f[-1] > 0.5 else half_crossing(points / n_weights, f) for f in rows])  # NaN: every fit diverged
    return crossings.reshape(fractions.shape[:-1])


def run_mixture(config: dict, seeds: list[int]) -> pd.DataFrame:
    part = config["mixture"]
    n_weights, dials, n_labellings = part["weights"], sorted(part["rho"]), part["labellings"]
    cells, points, mask = padded_sets(seeds, n_weights, sorted(part["points_per_weight"]), "mixture")
    largest = points.shape[1]

    # labels: per set, rho and labelling a teacher, which facts follow it, and the random bits of the rest
    teachers, from_rule, signs = [], [], []
    for i, (_, p, s) in enumerate(cells):
        x = points[i, :p].numpy()
        draws = [rng_for(s, "mixture", n_weights, p, float(rho)) for rho in dials]
        t = np.stack([rng.standard_normal((n_labellings, n_weights)) for rng in draws])  # (R, L, N)
        rule = np.stack([rng.random((n_labellings, p)) < rho for rng, rho in zip(draws, dials)])  # (R, L, P)
        noise = np.stack([rng.integers(2, size=(n_labellings, p)) * 2.0 - 1.0 for rng in draws])
        teachers.append(t.reshape(-1, n_weights))
        from_rule.append(rule.reshape(-1, p))
        signs.append(np.where(rule, np.sign(t @ x.T), noise).reshape(-1, p))
    teachers = torch.from_numpy(np.stack(teachers))  # (B, R L, N)
    from_rule = torch.from_numpy(pad(from_rule, largest)).bool() & (mask[:, None] > 0)  # (B, R L, P)
    signs = torch.from_numpy(pad(signs, largest))
    n_points = mask.sum(dim=1)

    fit = fit_logistic(points, signs, (mask / n_points[:, None])[:, None].expand_as(signs), config["iterations"])
    right = (fit.margins > 0).double()
    random_facts = ~from_rule & (mask[:, None] > 0)
    cosine = torch.nn.functional.cosine_similarity(fit.weights, teachers, dim=-1).clamp(-1, 1)
    measured = {
        "rule_facts_accuracy": (right * from_rule).sum(-1) / from_rule.sum(-1),  # NaN where no fact follows the rule: left out of the mean
        "random_facts_accuracy": (right * random_facts).sum(-1) / random_facts.sum(-1),
        "rule_accuracy": 1 - torch.arccos(cosine) / math.pi,
        "bits_per_weight": bits_per_weight(fit.loss, n_points[:, None].expand_as(fit.loss), n_weights),
        "mixture_separated_fraction": ((fit.margins > 0) | (mask[:, None] == 0)).all(dim=-1).double(),  # every fact fitted
    }
    shape = (len(cells), len(dials), n_labellings)
    quantities = {q: v.masked_fill(fit.diverged, math.nan).reshape(shape).nanmean(dim=-1) for q, v in measured.items()}
    quantities["diverged"] = fit.diverged.reshape(shape).sum(dim=-1).double()
    undefined = {"rule_facts_accuracy": 0.0, "random_facts_accuracy": 1.0}  # the dial where a quantity has no facts
    rows = [{"points_per_weight": r, "points": p, "rho": rho, "seed": s, "quantity": q, "value": float(v[i, j])}
            for q, v in quantities.items() for i, (r, p, s) in enumerate(cells) for j, rho in enumerate(dials) if undefined.get(q) != rho]

    # the half point on the largest sets (the last len(seeds) cells), at every rho below 1 (a rule is always separable)
    noisy = [j for j, rho in enumerate(dials) if rho < 1]
    largest_signs = signs[-len(seeds):].reshape(len(seeds), len(dials), n_labellings, largest)[:, noisy]
    thresholds = separability_thresholds(points[-len(seeds):], largest_signs.reshape(len(seeds), -1, largest), config["iterations"])
    half = half_points(thresholds.numpy().reshape(len(seeds), len(noisy), n_labellings), n_weights, largest)  # (S, R < 1)
    rows += [{"rho": dials[j], "seed": s, "quantity": "mixture_half_point_per_weight", "value": float(half[k, i])}
             for k, s in enumerate(seeds) for i, j in enumerate(noisy)]
    return pd.DataFrame(rows).assign(weights=n_weights, labellings=n_labellings)


def run(config: dict, seeds: list[int], part: str, n_weights: int | None = None) -> pd.DataFrame:
    """One part's tidy table; the noise part is for one number of weights N."""
    table = run_noise(config, seeds, n_weights) if part == "noise" else run_mixture(config, seeds)
    return table.assign(part=part)


def main() -> None:
    p = runs.parser(__doc__)
    p.add_argument("--part", required=True, choices=PARTS)
    p.add_argument("--weights", type=int, help="N, the noise part's number of weights")
    args = p.parse_args()
    if args.part == "noise" and args.weights is None:
        p.error("--part noise needs --weights")
    started = runs.start(args)
    table = run(args.config, args.seeds, args.part, args.weights)
    runs.finish(args, table, started, part=args.part, weights=args.weights)


if __name__ == "__main__":
    main()
