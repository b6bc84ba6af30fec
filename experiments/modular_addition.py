"""E8: a capability jump in the middle of the dial (paper section "The middle of the dial: a capability jump").

Data: every ordered pair (a, b) of Z_p, labelled (a + b) mod p with probability rho and otherwise
uniformly at random, frozen per pair and seed: one uniform draw u per pair decides (u < rho keeps the
rule's label), so every rho of a seed shares its random labels and raising rho only returns pairs to
the rule.  A fraction f of the pairs (the first f p^2 of a seed's fixed permutation) is the training
set; the rest is the test set, scored against the rule (Power et al. 2022; Doshi et al. 2024 for the
corrupted labels).

Model: each number has an embedding of width H for each position, the two are summed with a bias and
passed through a ReLU, and a linear readout gives p logits; this is one hidden layer on the one-hot
pair, initialised as torch.nn.Linear by the seed alone.  Full-batch AdamW with weight decay on the
mean cross-entropy of the training pairs.  Every seed x rho x f trains at once as one program: the
network's table of logits over all p^2 pairs is one batched tensor, and a mask selects each member's
training pairs.

    jump_step            the first step at which clean test accuracy reaches 1/2 (NaN: never within the steps)
    jump_delay           jump_step over the same seed's and f's jump_step at rho = 1
    jump_delay_at_least  the same with a jump that never came counted at the last step: a lower bound of the
                         delay, exact where the jump came (the ledger's E8.jump_delay reads it)
    jump_horizon         the last step over the same seed's and f's jump_step at rho = 1: the largest delay seen
    clean_accuracy       clean test accuracy after the last step
    grad_signal_ratio    |full-batch gradient at initialisation|^2 over the same seed's and f's at rho = 1
    grad_noise_part      (1 - rho) times the rho = 0 member's grad_signal_ratio: the random labels' share
    train_accuracy_rule, train_accuracy_random, test_accuracy_curve: curves over training (column step)

    python -m experiments.modular_addition --seeds 0 1 --config '{...}' --out results/modular_addition/all.csv --manifest ...
"""
import itertools
import math

import numpy as np
import pandas as pd
import torch

from experiments import runs
from experiments.lookup_table import rng_for
from experiments.models import _uniform
from theory.deep_linear import mixture_half_time

JUMP_LEVEL = 0.5  # the clean test accuracy that marks the jump


def t6_jump_delay(rho, p):
    """T6's delay carried to the jump: the half-time at rho over the half-time at rho = 1.

    Assumed mapping (a prediction, not a derivation): the network's clean test accuracy plays T6's mode
    strength, with final strength s = 1 (the rule learned) and initial strength u0 = 1/p (chance), so the
    ratio is (1/rho) ln(rho p - 1) / ln(p - 1); it needs rho > 2/p (half the final strength above u0)."""
    return mixture_half_time(rho, 1.0, 1.0 / p) / mixture_half_time(1.0, 1.0, 1.0 / p)


def check(config: dict) -> None:
    """Refuse a config with an empty training or test set, before any training."""
    if not {0.0, 1.0} <= set(config["rho"]):
        raise ValueError(f"rho {config['rho']} lacks 0 or 1: the ratios pair every member with its seed's members at rho = 1 and 0")
    pairs = config["modulus"] ** 2
    for f in config["train_fraction"]:
        if not 1 <= round(f * pairs) < pairs:
            raise ValueError(f"train_fraction {f} of {pairs} pairs leaves an empty training or test set")


def pairs(p: int) -> tuple[np.ndarray, np.ndarray]:
    """Every ordered pair (a, b) in row-major order, and its rule label (a + b) mod p: (p^2,), (p^2,)."""
    a, b = np.divmod(np.arange(p * p), p)
    return a, (a + b) % p


def mixture_labels(seed: int, p: int, rho: float) -> tuple[np.ndarray, np.ndarray]:
    """Every pair's label under the rho mixture and whether it kept the rule's, frozen per pair and seed."""
    rng = rng_for(seed, "modular_labels", p)
    keep = rng.random(p * p) < rho
    return np.where(keep, pairs(p)[1], rng.integers(p, size=p * p)), keep


def train_mask(seed: int, p: int, fraction: float) -> np.ndarray:
    """The training pairs: the first round(f p^2) of the seed's permutation, so sets of one seed are nested in f."""
    order = rng_for(seed, "modular_split", p).permutation(p * p)
    mask = np.zeros(p * p, dtype=bool)
    mask[order[: round(fraction * p * p)]] = True
    return mask


def init_members(seeds: list[int], p: int, hidden: int) -> dict[str, torch.Tensor]:
    """One member per seed: torch.nn.Linear's initialisation of the one-hot pair's layer (fan-in 2p) and the readout."""
    members = []
    for seed in seeds:
        generator = torch.Generator().manual_seed(seed)
        members.append({
            "embed_a": _uniform(generator, (p, hidden), 2 * p),
            "embed_b": _uniform(generator, (p, hidden), 2 * p),
            "b1": _uniform(generator, (hidden,), 2 * p),
            "W2": _uniform(generator, (hidden, p), hidden),
            "b2": _uniform(generator, (p,), hidden),
        })
    return {name: torch.stack([m[name] for m in members]) for name in members[0]}


def table(params: dict[str, torch.Tensor]) -> torch.Tensor:
    """Every member's logits on every pair, row-major in (a, b): (E, p^2, p)."""
    e, p, h = params["embed_a"].shape
    hidden = torch.relu(params["embed_a"][:, :, None] + params["embed_b"][:, None, :] + params["b1"][:, None, None])  # (E, p, p, H)
    return torch.bmm(hidden.reshape(e, p * p, h), params["W2"]) + params["b2"][:, None]  # (E, p^2, p)


def run(config: dict, seeds: list[int]) -> pd.DataFrame:
    check(config)
    p, steps, every = config["modulus"], config["steps"], config["record_every"]
    cells = list(itertools.product(config["rho"], config["train_fraction"], seeds))
    drawn = [mixture_labels(s, p, r) for r, _, s in cells]
    labels = torch.tensor(np.stack([y for y, _ in drawn]))  # (E, p^2)
    kept = torch.tensor(np.stack([k for _, k in drawn]))  # (E, p^2) bool
    train = torch.tensor(np.stack([train_mask(s, p, f) for _, f, s in cells]))  # (E, p^2) bool
    rule = torch.tensor(pairs(p)[1])  # (p^2,)
    params = {k: v.requires_grad_(True) for k, v in init_members([s for _, _, s in cells], p, config["hidden"]).items()}
    optimizer = torch.optim.AdamW(params.values(), lr=config["learning_rate"], weight_decay=config["weight_decay"], fused=True)

    jump = torch.full((len(cells),), math.nan)
    grad_sq = torch.zeros(len(cells))
    curves = []
    for step in range(steps + 1):
        logits = table(params)  # (E, p^2, p)
        # record: clean test accuracy every step (for the jump), curves every record_every steps
        with torch.no_grad():
            guesses = logits.argmax(-1)  # (E, p^2)
            test_accuracy = _masked_mean(guesses == rule, ~train)
            jump[(test_accuracy >= JUMP_LEVEL) & torch.isnan(jump)] = float(step)
            if step % every == 0 or step == steps:
                right = guesses == labels
                curves.append((step, _masked_mean(right, train & kept), _masked_mean(right, train & ~kept), test_accuracy))
        if step == steps:
            break
        # forward/backward: each member's mean cross-entropy over its own training pairs
        losses = torch.nn.functional.cross_entropy(logits.transpose(1, 2), labels, reduction="none")  # (E, p^2)
        loss = (losses * train).sum(1) / train.sum(1)  # (E,)
        optimizer.zero_grad(set_to_none=True)
        loss.sum().backward()
        if step == 0:  # the gradient signal at initialisation: members are independent, so each gradient is its own
            grad_sq = sum(g.grad.pow(2).flatten(1).sum(1) for g in params.values())
        optimizer.step()
    return _tidy(config, cells, jump.numpy(), curves[-1][3].numpy(), grad_sq.numpy(), curves)


def _masked_mean(right: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Each member's accuracy over its masked pairs (E,); NaN where it has none."""
    count = mask.sum(1)
    return torch.where(count > 0, (right & mask).sum(1) / count.clamp(min=1), torch.nan)


def _tidy(config, cells, jump, clean, grad_sq, curves) -> pd.DataFrame:
    """Rows per member; ratios pair each member with the same seed's and f's member at rho = 1 (and at rho = 0)."""
    index = {cell: i for i, cell in enumerate(cells)}
    at = lambda r, f, s, values: values[index[(r, f, s)]] if (r, f, s) in index else math.nan  # noqa: E731
    finals = {
        "jump_step": jump,
        "jump_delay": np.array([jump[i] / at(1.0, f, s, jump) for i, (r, f, s) in enumerate(cells)]),
        "jump_delay_at_least": np.array([np.fmin(jump[i], config["steps"]) / at(1.0, f, s, jump) for i, (r, f, s) in enumerate(cells)]),
        "jump_horizon": np.array([config["steps"] / at(1.0, f, s, jump) for r, f, s in cells]),
        "clean_accuracy": clean,
        "grad_signal_ratio": np.array([grad_sq[i] / at(1.0, f, s, grad_sq) for i, (r, f, s) in enumerate(cells)]),
        "grad_noise_part": np.array([(1 - r) * at(0.0, f, s, grad_sq) / at(1.0, f, s, grad_sq) for r, f, s in cells]),
    }
    base = {"modulus": config["modulus"], "hidden": config["hidden"], "weight_decay": config["weight_decay"]}
    rows = [{**base, "rho": r, "train_fraction": f, "seed": s, "step": config["steps"], "quantity": q, "value": float(v[i])}
            for q, v in finals.items() for i, (r, f, s) in enumerate(cells)]
    for step, rule_acc, random_acc, test_acc in curves:
        for q, v in (("train_accuracy_rule", rule_acc), ("train_accuracy_random", random_acc), ("test_accuracy_curve", test_acc)):
            rows += [{**base, "rho": r, "train_fraction": f, "seed": s, "step": step, "quantity": q, "value": float(v[i])}
                     for i, (r, f, s) in enumerate(cells)]
    return pd.DataFrame(rows)


def main() -> None:
    args = runs.parser(__doc__).parse_args()
    started = runs.start(args)
    runs.finish(args, run(args.config, args.seeds), started)


if __name__ == "__main__":
    main()
