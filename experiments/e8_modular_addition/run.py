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
mean cross-entropy of the training pairs.  Every seed x rho of one setting (p, f, lambda) trains in one
program, in chunks of one seed's members, which share a training set: the chunk lists the pairs training
pairs first, its hidden layer on every pair is one batched tensor (each pair's sum of two embedding rows
and the bias: torch's embedding_bag), and its logits are classes first, so the softmax runs across pairs.
The forward runs on every pair (the test accuracy is read at every step), the backward on the training
pairs alone, a contiguous slice.  The gradient is written out in closed form (softmax minus one-hot, back
through the readout, the ReLU and the sum of the embeddings; tests/experiments/test_modular_addition.py
checks it against autograd), and AdamW is torch's fused kernel called directly (FusedAdam).  Members are
independent, so the chunks are small enough that a chunk's hidden activations stay near the CPU's cache
(experiments/common/chunks.py); the chunks change what is computed only in the last bits.

The horizon.  A first pass trains the rho = 1 members alone until every seed has jumped (clean test
accuracy JUMP_LEVEL); the horizon is HORIZON_FACTOR times the slowest seed's jump step (at most max_steps),
and every member then trains to it from its initialisation.  A member that has not jumped by the
horizon is censored: its jump step is a lower bound (column "censored"), never "never" and never diverged.

    jump_step          the first step at which clean test accuracy reaches JUMP_LEVEL (NaN: censored)
    censored           1 where the member had not jumped by the horizon, else 0
    horizon            the steps every member of the setting trained (the same for all)
    jump_delay         jump_step over the same seed's jump_step at rho = 1 (NaN: censored)
    jump_delay_at_least  the same with a censored jump counted at the horizon: a lower bound
    clean_accuracy     clean test accuracy after the last step (the curves below hold the rest at the horizon)
    norm_sq            the squared norm of all parameters after the last step (what weight decay prices)
    grad_signal_ratio  |full-batch gradient at initialisation|^2 over the same seed's at rho = 1
    dip_accuracy       the mean clean test accuracy over the steps DIP_STEPS, where the network sits below chance
    memoriser_accuracy the additive memoriser's clean test accuracy on the member's own data (laws.py)
    train_accuracy_rule, train_accuracy_random, train_rule_on_random, test_accuracy_curve: curves (column step)
    and the declared laws of the middle (laws.py), per member, from the same seed's ends

    python -m experiments.e8_modular_addition.run --modulus 31 --train_fraction 0.8 --weight_decay 1 --seeds 0 1 2 --config '{...}' ...
"""
import itertools
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from experiments.common import chunks, runs
from experiments.common.device import CPU, chunks_on, to_device
from experiments.common.models import linear_init
from experiments.common.progress import Progress
from experiments.common.streams import rng_for
from experiments.common.trainer import FusedAdam
from experiments.e8_modular_addition import laws
from experiments.e8_modular_addition.spec import DIP_STEPS, HORIZON_FACTOR, JUMP_LEVEL


def check(config: dict, modulus: int, fraction: float) -> None:
    """Refuse a setting with an empty training or test set, or a dial without its ends, before any training."""
    if not {0.0, 1.0} <= set(config["rho"]):
        raise ValueError(f"rho {config['rho']} lacks 0 or 1: the middle's laws are declared from the same seed's members at rho = 1 and 0")
    pairs = modulus**2
    if not 1 <= round(fraction * pairs) < pairs:
        raise ValueError(f"train_fraction {fraction} of {pairs} pairs leaves an empty training or test set")


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


def batched(params: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """The same network as the batched program stores it: the embeddings and the bias as one table per member,
    embed (E, 2p + 1, H) = [embed_a; embed_b; b1], the readout classes first, readout (E, p, H), and b2 (E, p)."""
    table = torch.cat([params["embed_a"], params["embed_b"], params["b1"][:, None]], dim=1)
    return {"embed": table, "readout": params["W2"].transpose(1, 2).contiguous(), "b2": params["b2"]}


@dataclass
class PairRows:
    """The rows of the members' stacked tables, embed viewed as (E (2p + 1), H), that each listed pair's hidden layer
    sums: its a's embedding, its b's and the bias; member j's rows are offset by j (2p + 1)."""
    bags: torch.Tensor  # (3 E n,), member-major: the a, b and bias rows of member j's pair i, one bag of three per pair
    starts: torch.Tensor  # (E n,): where each bag starts in bags
    a: torch.Tensor  # (E n,): the a rows alone, and below the b rows (the backward's scatter)
    b: torch.Tensor

    @classmethod
    def of(cls, members: int, p: int, listed: torch.Tensor) -> "PairRows":
        """The rows of the pairs ``listed`` by their row-major index a p + b, the same list for every member."""
        a, b = listed // p, listed % p
        offset = torch.arange(members, device=a.device)[:, None] * (2 * p + 1)
        rows_a, rows_b = (a[None] + offset).reshape(-1), (b[None] + p + offset).reshape(-1)
        bags = torch.stack([rows_a, rows_b, (offset + 2 * p).expand(-1, len(a)).reshape(-1)], dim=1).reshape(-1)
        return cls(bags, torch.arange(0, len(bags), 3, device=a.device), rows_a, rows_b)


def hidden_layer(params: dict[str, torch.Tensor], rows: PairRows) -> torch.Tensor:
    """Every member's hidden activations on the listed pairs (E, n, H), params as batched gives them: one bag-sum of
    table rows per pair (torch's embedding_bag in mode sum, called without torch.nn.functional's checks), then the ReLU."""
    e, _, h = params["embed"].shape
    return torch.embedding_bag(params["embed"].view(-1, h), rows.bags, rows.starts, False, 0)[0].relu_().view(e, -1, h)


def readout(params: dict[str, torch.Tensor], hidden: torch.Tensor) -> torch.Tensor:
    """The logits of hidden activations (E, n, H), classes first (E, p, n)."""
    return torch.baddbmm(params["b2"][:, :, None], params["readout"], hidden.transpose(1, 2))


def forward(params: dict[str, torch.Tensor], rows: PairRows) -> tuple[torch.Tensor, torch.Tensor]:
    """Every member's hidden activations on the listed pairs (E, n, H) and its logits classes first (E, p, n)."""
    hidden = hidden_layer(params, rows)
    return hidden, readout(params, hidden)


def gradient(params, hidden, logits, weight, target, rows: PairRows, out: dict[str, torch.Tensor] | None = None) -> dict[str, torch.Tensor]:
    """Each member's gradient of its mean cross-entropy over its training pairs, in closed form: (softmax minus
    one-hot) x weight at the logits, back through the readout, the ReLU and the sum of embeddings and bias.

    On the listed pairs (rows), which must include every training pair: weight, each pair's share of the mean loss
    (1 / training count on a training pair, 0 on any other) (E, n); target, the one-hot labels times weight, classes
    first (E, p, n); hidden and logits as forward gives them on the same pairs.  Written into ``out`` where given (tensors
    shaped as params), else into new tensors."""
    h, p = params["embed"].shape[2], params["readout"].shape[1]
    out = out or {name: torch.empty_like(value) for name, value in params.items()}
    d_logits = torch.softmax(logits, dim=1).mul_(weight[:, None]).sub_(target)  # (E, p, n)
    torch.bmm(d_logits, hidden, out=out["readout"])  # first, while the hidden activations are still in cache (4% faster here)
    d_hidden = torch.bmm(d_logits.transpose(1, 2), params["readout"])  # (E, n, H)
    torch.ops.aten.threshold_backward.grad_input(d_hidden, hidden, 0, grad_input=d_hidden)  # through the ReLU, in place: autograd's own kernel
    flat = d_hidden.view(-1, h)
    d_embed = out["embed"].zero_()
    d_embed.view(-1, h).index_add_(0, rows.a, flat).index_add_(0, rows.b, flat)  # each pair's into its a's and b's rows
    torch.sum(d_embed[:, :p], dim=1, out=d_embed[:, 2 * p])  # the bias enters every pair once, as embed_a's rows do
    torch.sum(d_logits, dim=2, out=out["b2"])
    return out


def label_flip_sq_norms(params, hidden, weight, rule, labels) -> torch.Tensor:
    """Each member's sum over its training pairs of |g_i(rule) - g_i(random)|^2 at the parameters: the squared
    norm of the change of the mean loss's gradient when pair i's label goes from the random one to the rule's.

    The gradient is linear in the one-hot target, so the change is weight_i (e_random - e_rule) backpropagated
    from pair i's logits: on the readout (e_random - e_rule) h_i^T and on b2 (e_random - e_rule), on the hidden
    layer r_i = relu'(pre_i) * readout^T (e_random - e_rule), which enters embed_a's row a, embed_b's row b and
    b1 once each.  Zero where the random label equals the rule's.  Every pair listed in row-major order.  (E,)"""
    differs = (labels != rule).to(weight.dtype) * weight  # (E, p^2): weight_i where the labels differ
    flip = params["readout"].gather(1, labels[:, :, None].expand(-1, -1, params["readout"].shape[2])) \
        - params["readout"][:, rule]  # (E, p^2, H): readout^T (e_random - e_rule) per pair
    r_sq = (flip * (hidden > 0)).pow(2).sum(2)  # (E, p^2)
    return (differs.pow(2) * (2 * (hidden.pow(2).sum(2) + 1) + 3 * r_sq)).sum(1)


class Members:
    """The members of one setting (p, f): each seed x rho's labels, training set and initialisation, every pair
    listed in row-major order."""

    def __init__(self, p: int, fraction: float, hidden: int, cells: list[tuple[float, int]], device: torch.device = CPU):
        self.p, self.cells, self.device = p, cells, device  # drawn on the CPU, trained on the device
        drawn = [mixture_labels(s, p, r) for r, s in cells]
        self.labels = torch.tensor(np.stack([y for y, _ in drawn]), device=device)  # (E, p^2)
        self.kept = torch.tensor(np.stack([k for _, k in drawn]), device=device)  # (E, p^2) bool
        self.train = torch.tensor(np.stack([train_mask(s, p, fraction) for _, s in cells]), device=device)  # (E, p^2) bool
        self.rule = torch.tensor(pairs(p)[1], device=device)  # (p^2,)
        self.rows = PairRows.of(len(cells), p, torch.arange(p * p, device=device))
        self.params = to_device(batched(init_members([s for _, s in cells], p, hidden)), device)
        self.weight = self.train.to(self.params["b2"].dtype) / self.train.sum(1, keepdim=True)  # each training pair's share of the mean loss
        self.target = (self.labels[:, None] == torch.arange(p, device=device)[:, None]) * self.weight[:, None]  # (E, p, p^2): one-hot, classes first


class Chunk:
    """Members of one seed, which share a training set, with the pairs listed training pairs first (each part in
    row-major order): the forward runs on every pair, the backward on the first n_train alone, a contiguous slice
    (the other pairs' weight is zero: they would add nothing), and the test accuracy reads the rest."""

    def __init__(self, members: Members, ids: list[int]):
        p = members.p
        self.ids = torch.tensor(ids, device=members.device)
        train = members.train[ids[0]]
        if not (members.train[self.ids] == train).all():
            raise ValueError(f"a chunk's members {ids} do not share a training set")
        order = torch.cat([torch.nonzero(train)[:, 0], torch.nonzero(~train)[:, 0]])
        n = self.n_train = int(train.sum())
        self.rows, self.train_rows = PairRows.of(len(ids), p, order), PairRows.of(len(ids), p, order[:n])
        self.labels, self.kept, self.rule = members.labels[self.ids][:, order], members.kept[self.ids][:, order], members.rule[order]
        self.weight, self.target = members.weight[self.ids][:, order[:n]], members.target[self.ids][:, :, order[:n]]
        self.params = {name: value[self.ids] for name, value in members.params.items()}  # copies: the chunk's own leaves

    def test_correct(self, test_logits: torch.Tensor) -> torch.Tensor:
        """Each member's count of test pairs whose argmax (the first of equal maxima) is the rule's label (E_chunk,)."""
        return (test_logits.max(1).indices == self.rule[self.n_train :]).sum(1)

    def train_accuracies(self, train_logits: torch.Tensor) -> torch.Tensor:
        """On the training pairs: the accuracy on the rule's and on the random labels, and the rule's accuracy on the
        random ones, (3, E_chunk)."""
        n = self.n_train
        guesses, kept = train_logits.max(1).indices, self.kept[:, :n]
        right = guesses == self.labels[:, :n]
        return torch.stack([_masked_mean(right, kept), _masked_mean(right, ~kept), _masked_mean(guesses == self.rule[:n], ~kept)])


def seed_chunks(members: Members, hidden: int) -> list[Chunk]:
    """Each seed's members in chunks whose hidden activations take about CACHE_BYTES (on a GPU, a chunk per seed)."""
    parts = []
    for seed in dict.fromkeys(s for _, s in members.cells):
        ids = [i for i, (_, s) in enumerate(members.cells) if s == seed]
        slices = chunks_on(members.device, len(ids), chunks.equal_slices(len(ids), members.p**2 * hidden * 4, chunks.CACHE_BYTES))  # float32 activations
        parts += [Chunk(members, ids[piece]) for piece in slices]
    return parts


def flat_views(groups: list[dict[str, torch.Tensor]]) -> tuple[torch.Tensor, list[dict[str, torch.Tensor]]]:
    """One flat tensor holding every group's tensors (a copy), and the groups again as views into it: one tensor for
    the fused AdamW kernel instead of three per chunk."""
    flat = torch.cat([value.reshape(-1) for group in groups for value in group.values()])
    views, start = [], 0
    for group in groups:
        views.append({})
        for name, value in group.items():
            views[-1][name], start = flat[start : start + value.numel()].view(value.shape), start + value.numel()
    return flat, views


CURVES = ("train_accuracy_rule", "train_accuracy_random", "train_rule_on_random", "test_accuracy_curve")


def curve_steps(horizon: int, every: int) -> list[int]:
    """The recorded steps: every fifth over the first 2 x every steps (the dip below chance comes early), then every
    ``every``-th, and the horizon."""
    early = range(0, min(2 * every, horizon), max(1, every // 10))
    return sorted(set(early) | set(range(0, horizon + 1, every)) | {horizon})


def train(members: Members, config: dict, weight_decay: float, steps: int, stop_when_jumped: bool = False, label: str = "") -> dict:
    """Train every member from its initialisation for ``steps`` full-batch AdamW steps (or until every member has
    jumped), chunk by chunk on one thread; return what was measured: the jump step (NaN: not by the last step)
    and the gradient signal at initialisation (E,), the curves at curve_steps (steps, 4, E), and after the last
    step the squared parameter norm (E,), and the mean clean test accuracy over DIP_STEPS (E,)."""
    e, device = len(members.cells), members.device
    parts = seed_chunks(members, config["hidden"])
    order = torch.cat([part.ids for part in parts])  # the members in the chunks' order
    n_test = torch.cat([torch.full((len(part.ids),), members.p**2 - part.n_train, device=device) for part in parts])
    leaves, views = flat_views([part.params for part in parts])  # every chunk's parameters, and their gradients, in one tensor
    grads, part_grads = flat_views([{name: torch.empty_like(v) for name, v in part.params.items()} for part in parts])
    for part, view in zip(parts, views):
        part.params = view  # the same values, now in the flat tensor the optimizer steps
    optimizer = FusedAdam([leaves], lambda step: config["learning_rate"], weight_decay=weight_decay, decoupled=True)  # AdamW(fused=True)'s steps
    record_at = curve_steps(steps, config["record_every"])
    jump = torch.full((e,), math.nan, device=device)
    grad_sq, dip, test_accuracy = (torch.zeros(e, device=device) for _ in range(3))
    curves = torch.full((len(record_at), len(CURVES), e), math.nan, device=device)
    progress = Progress(f"modular addition {label}, {e} members", steps)
    for step in range(steps + 1):
        correct = []
        for part, part_grad in zip(parts, part_grads):
            hidden = hidden_layer(part.params, part.rows)
            train_hidden = hidden[:, : part.n_train]
            train_logits = readout(part.params, train_hidden)  # the two parts apart: each contiguous for the kernels after
            correct.append(part.test_correct(readout(part.params, hidden[:, part.n_train :])))
            if step in record_at:
                curves[record_at.index(step), :3, part.ids] = part.train_accuracies(train_logits)
            if step == steps:
                continue
            gradient(part.params, train_hidden, train_logits, part.weight, part.target, part.train_rows, out=part_grad)
            if step == 0:  # the gradient signal at initialisation
                grad_sq[part.ids] = sum(g.pow(2).flatten(1).sum(1) for g in part_grad.values())
        test_accuracy[order] = torch.cat(correct) / n_test
        jump[(test_accuracy >= JUMP_LEVEL) & torch.isnan(jump)] = float(step)
        if DIP_STEPS[0] <= step <= DIP_STEPS[1]:
            dip += test_accuracy / (DIP_STEPS[1] - DIP_STEPS[0] + 1)
        if step in record_at:
            curves[record_at.index(step), 3] = test_accuracy
        if stop_when_jumped and not torch.isnan(jump).any():
            break
        if step < steps:
            optimizer.step([grads], step)
        progress.update(step + 1)
    norm_sq = torch.empty(e, device=device)
    for part in parts:
        norm_sq[part.ids] = sum(v.pow(2).flatten(1).sum(1) for v in part.params.values())
    return {"jump": jump.cpu().numpy(), "grad_sq": grad_sq.cpu().numpy(), "dip": dip.cpu().numpy(), "norm_sq": norm_sq.cpu().numpy(),
            "curves": curves.cpu().numpy(), "steps": record_at}


def initial_ends(p: int, fraction: float, hidden: int, seeds: list[int]) -> pd.DataFrame:
    """Per seed, at initialisation: the full-batch gradients G1 (rho = 1) and G0 (rho = 0) as |G1|^2, |G0|^2 and
    G1 . G0, and the label flips' sum of squares (label_flip_sq_norms), all that E|G(rho)|^2 needs (laws.py)."""
    ends = Members(p, fraction, hidden, [(r, s) for s in seeds for r in (1.0, 0.0)])
    hidden_, logits = forward(ends.params, ends.rows)
    grads = gradient(ends.params, hidden_, logits, ends.weight, ends.target, ends.rows)
    flat = torch.cat([g.flatten(1) for g in grads.values()], dim=1).double()
    g1, g0 = flat[0::2], flat[1::2]
    flips = label_flip_sq_norms(ends.params, hidden_, ends.weight, ends.rule, ends.labels)[1::2]  # every training pair's label flips at rho = 0
    return pd.DataFrame({"seed": seeds, "g1_sq": g1.pow(2).sum(1).numpy(), "g0_sq": g0.pow(2).sum(1).numpy(),
                         "g1_dot_g0": (g1 * g0).sum(1).numpy(), "flip_sq": flips.double().numpy()})


def horizon(config: dict, p: int, fraction: float, weight_decay: float, seeds: list[int], device: torch.device = CPU) -> int:
    """HORIZON_FACTOR times the slowest seed's jump step at rho = 1 (the first pass), at most max_steps."""
    first = train(Members(p, fraction, config["hidden"], [(1.0, s) for s in seeds], device), config, weight_decay,
                  config["max_steps"], stop_when_jumped=True, label="rho = 1 first pass")
    slowest = np.max(first["jump"])  # NaN where a seed never jumped: the horizon is then max_steps
    return config["max_steps"] if np.isnan(slowest) else min(config["max_steps"], math.ceil(HORIZON_FACTOR * slowest))


def run(config: dict, seeds: list[int], modulus: int, train_fraction: float, weight_decay: float, device: torch.device = CPU) -> pd.DataFrame:
    check(config, modulus, train_fraction)
    seeds = seeds[: config["seeds"]]
    steps = horizon(config, modulus, train_fraction, weight_decay, seeds, device)
    cells = list(itertools.product(config["rho"], seeds))
    members = Members(modulus, train_fraction, config["hidden"], cells, device)
    measured = train(members, config, weight_decay, steps, label=f"p = {modulus}, f = {train_fraction:g}, weight decay {weight_decay:g}")
    memoriser = [laws.memoriser_accuracy(members.labels[i].cpu().numpy(), members.train[i].cpu().numpy(), modulus) for i in range(len(cells))]
    ends = initial_ends(modulus, train_fraction, config["hidden"], seeds)
    return _tidy(cells, steps, measured, np.array(memoriser), ends, {"modulus": modulus, "hidden": config["hidden"],
                                                                 "weight_decay": weight_decay, "train_fraction": train_fraction})


def _masked_mean(right: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Each member's accuracy over its masked pairs (E,); NaN where it has none."""
    count = mask.sum(1)
    return torch.where(count > 0, (right & mask).sum(1) / count.clamp(min=1), torch.nan)


def _tidy(cells, steps: int, measured: dict, memoriser: np.ndarray, ends: pd.DataFrame, base: dict) -> pd.DataFrame:
    """Rows per member: what it measured, and the laws declared for it from the same seed's ends (laws.py)."""
    rho, seed = (np.array(column) for column in zip(*cells))
    final = measured["curves"][-1]
    jump = measured["jump"]
    finals = pd.DataFrame({
        "rho": rho, "seed": seed, "jump_step": jump, "censored": np.isnan(jump).astype(float), "horizon": float(steps),
        "clean_accuracy": final[3],
        "norm_sq": measured["norm_sq"], "grad_sq": measured["grad_sq"], "dip_accuracy": measured["dip"], "memoriser_accuracy": memoriser})
    finals = pd.concat([laws.with_ratios(finals), laws.declare(finals, ends)], axis=1)
    quantities = [c for c in finals.columns if c not in ("rho", "seed", "grad_sq")]
    rows = finals.melt(id_vars=["rho", "seed"], value_vars=quantities, var_name="quantity").assign(step=steps)
    curves = [pd.DataFrame({"rho": rho, "seed": seed, "step": step, "quantity": name, "value": measured["curves"][i, j]})
              for i, step in enumerate(measured["steps"]) for j, name in enumerate(CURVES)]
    table = pd.concat([rows, *curves], ignore_index=True)
    for column, value in base.items():
        table.insert(0, column, value)
    return table[["modulus", "hidden", "weight_decay", "train_fraction", "rho", "seed", "step", "quantity", "value"]]


def main() -> None:
    parser = runs.parser(__doc__)
    parser.add_argument("--modulus", type=int, required=True)
    parser.add_argument("--train_fraction", type=float, required=True)
    parser.add_argument("--weight_decay", type=float, required=True)
    args = parser.parse_args()
    started = runs.start(args)
    runs.finish(args, run(args.config, args.seeds, args.modulus, args.train_fraction, args.weight_decay, args.device), started,
                modulus=args.modulus, train_fraction=args.train_fraction, weight_decay=args.weight_decay)


if __name__ == "__main__":
    main()
