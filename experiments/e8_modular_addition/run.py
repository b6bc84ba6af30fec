"""E8: a capability jump in the middle of the dial (paper section "The middle of the dial: a capability jump, and natural data", E8).

Data: every ordered pair (a, b) of Z_p, labelled (a + b) mod p with probability rho and otherwise
uniformly at random, frozen per pair and seed: one uniform draw u per pair decides (u < rho keeps the
rule's label), so every rho of a seed shares its random labels and raising rho only returns pairs to
the rule.  A fraction f of the pairs (the first f p^2 of a seed's fixed permutation) is the training
set; the rest is the test set, scored against the rule (Power et al. 2022; Doshi et al. 2024 for the
corrupted labels).

Model: each number has an embedding of width H for each position, the two are summed with a bias and
passed through a ReLU, and a linear readout gives p logits; this is one hidden layer on the one-hot
pair, initialised as torch.nn.Linear by the seed alone.  Full-batch AdamW with weight decay on the
mean cross-entropy of the training pairs.  Every seed x rho x f trains in one program: the network's
table of logits over all p^2 pairs is one batched tensor (classes first, so the softmax runs across
pairs), and a weight per pair (1 / training count on the member's training pairs, else 0) selects its
training pairs.  The gradient is written out in closed form (softmax minus one-hot, back through the
readout, the ReLU and the sum of the embeddings; tests/experiments/test_modular_addition.py checks it
against autograd).  Members are independent, so they train in chunks small enough that a chunk's
hidden activations stay in the CPU's cache, a run of consecutive chunks per torch thread, each thread
with its own AdamW over its chunks (AdamW acts elementwise, so this is one AdamW over all members); the
chunks are fixed by the member count alone, so the thread count changes nothing that is computed.

    jump_step            the first step at which clean test accuracy reaches 1/2 (NaN: never within the steps)
    jump_delay           jump_step over the same seed's and f's jump_step at rho = 1
    jump_delay_at_least  the same with a jump that never came counted at the last step: a lower bound of the
                         delay, exact where the jump came (the ledger's E8.jump_delay reads it)
    jump_horizon         the last step over the same seed's and f's jump_step at rho = 1: the largest delay seen
    clean_accuracy       clean test accuracy after the last step
    grad_signal_ratio    |full-batch gradient at initialisation|^2 over the same seed's and f's at rho = 1
    grad_noise_part      (1 - rho) times the rho = 0 member's grad_signal_ratio: the random labels' share
    train_accuracy_rule, train_accuracy_random, test_accuracy_curve: curves over training (column step)

    python -m experiments.e8_modular_addition.run --seeds 0 1 --config '{...}' --out results/modular_addition/all.csv --manifest ...
"""
import itertools
import math
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import torch

from experiments.common import runs
from experiments.common.chunks import member_slices
from experiments.common.models import linear_init
from experiments.common.progress import Progress
from experiments.common.streams import rng_for
from experiments.e8_modular_addition.spec import JUMP_LEVEL


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
            "embed_a": linear_init(generator, (p, hidden), 2 * p),
            "embed_b": linear_init(generator, (p, hidden), 2 * p),
            "b1": linear_init(generator, (hidden,), 2 * p),
            "W2": linear_init(generator, (hidden, p), hidden),
            "b2": linear_init(generator, (p,), hidden),
        })
    return {name: torch.stack([m[name] for m in members]) for name in members[0]}


def readout_first(params: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """The same network with its readout stored classes first: W2 (E, H, p) becomes readout (E, p, H)."""
    return {**{k: v for k, v in params.items() if k != "W2"}, "readout": params["W2"].transpose(1, 2).contiguous()}


def forward(params: dict[str, torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
    """Every member's hidden activations on every pair, row-major in (a, b), (E, p^2, H), and its logits
    classes first (E, p, p^2); params as readout_first gives them."""
    e, p, h = params["embed_a"].shape
    hidden = torch.add((params["embed_a"] + params["b1"][:, None])[:, :, None], params["embed_b"][:, None, :]).relu_()  # (E, p, p, H)
    hidden = hidden.view(e, p * p, h)
    return hidden, torch.baddbmm(params["b2"][:, :, None], params["readout"], hidden.transpose(1, 2))  # (E, p, p^2)


def gradient(params, hidden, logits, weight, target) -> dict[str, torch.Tensor]:
    """Each member's gradient of its mean cross-entropy over its training pairs, in closed form: (softmax minus
    one-hot) x weight at the logits, back through the readout, the ReLU and the sum of embeddings and bias.

    weight: 1 / training count on the member's training pairs, else 0 (E, p^2); target: its one-hot labels
    times weight, classes first (E, p, p^2); hidden and logits as forward gives them."""
    e, p, h = params["embed_a"].shape
    d_logits = torch.softmax(logits, dim=1).mul_(weight[:, None]).sub_(target)  # (E, p, p^2)
    d_hidden = torch.bmm(d_logits.transpose(1, 2), params["readout"])  # (E, p^2, H)
    torch.ops.aten.threshold_backward.grad_input(d_hidden, hidden, 0, grad_input=d_hidden)  # through the ReLU, in place: autograd's own kernel
    d_sum = d_hidden.view(e, p, p, h)
    d_embed_a = d_sum.sum(2)  # (E, p, H)
    return {"embed_a": d_embed_a, "embed_b": d_sum.sum(1), "b1": d_embed_a.sum(1),
            "readout": torch.bmm(d_logits, hidden), "b2": d_logits.sum(2)}


def member_chunks(members: int, p: int, hidden: int, workers: int) -> list[list[slice]]:
    """Each worker's chunks: consecutive slices of the members, each holding about CACHE_BYTES of hidden activations
    (experiments/common/chunks.py), dealt in consecutive runs.  The chunks depend on the member count alone."""
    chunks = member_slices(members, p * p * hidden * 4)  # float32 activations
    bounds = [round(w * len(chunks) / workers) for w in range(workers + 1)]
    return [chunks[start:stop] for start, stop in zip(bounds, bounds[1:]) if stop > start]


class Record:
    """What run measures, filled in by the workers, each in its own members: the jump step and the gradient
    at initialisation (E,), and the curves at every record_every-th and the last step (recorded steps, 3, E)."""

    def __init__(self, members: int, steps: int, every: int, rule, labels, train, kept, dtype: torch.dtype):
        self.steps, self.every = steps, every
        self.rule, self.labels, self.train, self.kept = rule, labels, train, kept
        self.guesses = torch.zeros(labels.shape, dtype=torch.long)  # (E, p^2): each member's argmax at this step
        self.jump = torch.full((members,), math.nan)
        self.grad_sq = torch.zeros(members, dtype=dtype)
        self.curve_steps = [s for s in range(steps + 1) if s % every == 0 or s == steps]
        self.curves = torch.zeros(len(self.curve_steps), 3, members)

    def observe(self, step: int, members: slice) -> None:
        """Clean test accuracy every step (for the jump), the curves at their steps, from the members' guesses."""
        guesses, train = self.guesses[members], self.train[members]
        test_accuracy = _masked_mean(guesses == self.rule, ~train)
        jump = self.jump[members]
        jump[(test_accuracy >= JUMP_LEVEL) & torch.isnan(jump)] = float(step)
        if step % self.every == 0 or step == self.steps:
            right, kept = guesses == self.labels[members], self.kept[members]
            self.curves[self.curve_steps.index(step), :, members] = torch.stack(
                [_masked_mean(right, train & kept), _masked_mean(right, train & ~kept), test_accuracy])


def _train_chunks(chunks: list[slice], params: list[dict], weight, target, config: dict, record: Record, progress: Progress | None) -> None:
    """Train one worker's chunks in place, on one thread: every chunk's forward and backward, then its own AdamW
    (and worker 0 reports its steps in the job's log)."""
    torch.set_num_threads(1)
    optimizer = torch.optim.AdamW([t for leaf in params for t in leaf.values()], lr=config["learning_rate"],
                                  weight_decay=config["weight_decay"], fused=True)
    for step in range(config["steps"] + 1):
        for chunk, leaf in zip(chunks, params):
            hidden, logits = forward(leaf)
            record.guesses[chunk] = logits.max(1).indices  # the argmax (the first of equal maxima), in a faster kernel
            if step == config["steps"]:
                continue
            # backward: each member's mean cross-entropy over its own training pairs, in closed form
            grads = gradient(leaf, hidden, logits, weight[chunk], target[chunk])
            for name, value in grads.items():
                leaf[name].grad = value
            if step == 0:  # the gradient signal at initialisation: each member's own full-batch gradient
                record.grad_sq[chunk] = sum(g.pow(2).flatten(1).sum(1) for g in grads.values())
        # record: clean test accuracy every step, curves every record_every steps
        record.observe(step, slice(chunks[0].start, chunks[-1].stop))
        if step < config["steps"]:
            optimizer.step()
        if progress:
            progress.update(step + 1)


def run(config: dict, seeds: list[int]) -> pd.DataFrame:
    check(config)
    p, steps, every = config["modulus"], config["steps"], config["record_every"]
    cells = list(itertools.product(config["rho"], config["train_fraction"], seeds))
    drawn = [mixture_labels(s, p, r) for r, _, s in cells]
    labels = torch.tensor(np.stack([y for y, _ in drawn]))  # (E, p^2)
    kept = torch.tensor(np.stack([k for _, k in drawn]))  # (E, p^2) bool
    train = torch.tensor(np.stack([train_mask(s, p, f) for _, f, s in cells]))  # (E, p^2) bool
    rule = torch.tensor(pairs(p)[1])  # (p^2,)
    params = readout_first(init_members([s for _, _, s in cells], p, config["hidden"]))
    weight = train.to(params["b2"].dtype) / train.sum(1, keepdim=True)  # (E, p^2): each training pair's share of its member's mean loss
    target = (labels[:, None] == torch.arange(p)[:, None]) * weight[:, None]  # (E, p, p^2): one-hot, classes first

    # members in chunks that fit in cache, a run of chunks per thread, each worker with its own AdamW
    threads = torch.get_num_threads()
    work = member_chunks(len(cells), p, config["hidden"], threads)
    leaves = [[{name: value[chunk].clone() for name, value in params.items()} for chunk in chunks] for chunks in work]
    record = Record(len(cells), steps, every, rule, labels, train, kept, params["b2"].dtype)
    try:
        with ThreadPoolExecutor(len(work)) as pool:
            progress = Progress(f"modular addition, {len(cells)} members", steps + 1)  # worker 0's steps, in the job's log
            jobs = [pool.submit(_train_chunks, chunks, leaf, weight, target, config, record, progress if w == 0 else None)
                    for w, (chunks, leaf) in enumerate(zip(work, leaves))]
            for job in jobs:
                job.result()
    finally:
        torch.set_num_threads(threads)
    curves = [(step, *record.curves[i]) for i, step in enumerate(record.curve_steps)]
    return _tidy(config, cells, record.jump.numpy(), record.curves[-1, 2].numpy(), record.grad_sq.numpy(), curves)


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
