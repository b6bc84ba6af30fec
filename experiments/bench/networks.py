"""Small networks trained step by step on what they see: E5's emergence part (plain gradient descent on the
Zipf-weighted population), E8 (AdamW on the training pairs) and E9 (Adam on the training images).

Unit: one training step of every member.  Ours trains on the population (E5) or the samples themselves (E8, E9):
no sufficient statistic, so naive-stats does not apply.  Ours is the job's whole run(...), which also records its
per-step measurements (E5: each skill's probability and first crossing; E8: clean test accuracy on every step;
E9: the fit of every training label on every step, test curves every record_every steps); the baselines only
train and measure at the end, so they do less work than ours (their speedups are lower bounds).  Compared:
  E5 emergence  every skill's probability of its answer after the last step (rtol 1e-3, float32 training);
  E8            the gradient signal ratio at initialisation (rtol 1e-3), and the final accuracies on the
                rule's and the random training pairs and on the test pairs, argmax counts that a float32 rounding
                can flip where two logits nearly tie: within 1% (absolute, about 3 of the 288 test pairs of p = 31);
  E9            the test cross-entropy under the label mixture, noisy_test_loss (rtol 1e-3; torch's
                cross_entropy with label_smoothing = 1 - rho is that mixture's loss).
Counted per step: FLOPs of the matrix products, forward and two backward (E8: the forward over all p^2 pairs,
which ours evaluates for the test accuracy, and the backward over the training pairs); bytes of the parameters
and the optimizer's moments read and written once (E5: parameters only, plain gradient descent) and of the
shared images read once (E9).
"""
import itertools

import numpy as np
import pandas as pd
import torch
from torch.func import functional_call, vmap

from experiments.bench.core import RESULTS, Grid, column, last_build, stacked, train_steps, vmap_steps
from experiments.common.streams import rng_for
from experiments.e5_zipf_scaling import run as zipf_scaling
from experiments.e8_modular_addition import run as modular_addition
from experiments.e8_modular_addition.spec import setting_jobs
from experiments.e9_digits import run as digits
from theory.zipf_skills import zipf_frequencies

ACCURACY_ATOL = 0.01  # E8's argmax accuracies: at most 1% of a member's pairs may flip (see above)


class ParameterNet(torch.nn.Module):
    """One run's module holding its parameters by name; ``function(params, *inputs)`` is its forward."""

    def __init__(self, params: dict, function):
        super().__init__()
        self.p = torch.nn.ParameterDict({k: torch.nn.Parameter(v.clone()) for k, v in params.items()})
        self.function = function

    def forward(self, *inputs):
        return self.function(dict(self.p), *inputs)


# ---- E5 emergence: a two-layer linear network, plain gradient descent on the Zipf-weighted cross-entropy ----

def e5_emergence_grid(config: dict) -> Grid:
    section, seeds = config["zipf_scaling"], config["seeds"]
    part, alphas = section["emergence"], section["alpha"]
    n_skills, hidden, lr = part["skills"], part["hidden"], part["learning_rate"]
    cells = list(itertools.product(alphas, seeds))
    first = [i for i, (_, s) in enumerate(cells) if s == seeds[0]]
    # the first seed's table, Zipf weights and small init, as zipf_scaling.run_emergence draws them
    answers = torch.from_numpy(np.stack([rng_for(cells[i][1], "bijection", n_skills).permutation(n_skills) for i in first]))
    weights = torch.from_numpy(np.stack([zipf_frequencies(cells[i][0], n_skills) for i in first])).float()  # (E, K)
    init = [rng_for(cells[i][1], "two_layer_init", n_skills, hidden).standard_normal((2, n_skills, hidden)) * part["init_scale"]
            for i in first]
    init = [{"embedding": torch.tensor(w[0], dtype=torch.float32), "unembedding": torch.tensor(w[1].T, dtype=torch.float32)} for w in init]

    def logits(p):  # every skill's logits over the answers, (K, K)
        return p["embedding"] @ p["unembedding"]

    def answer_log_prob(out, answer):  # every skill's log probability of its answer, (K,)
        return torch.log_softmax(out, dim=-1).gather(-1, answer[:, None])[:, 0]

    def naive(steps, watch):
        probabilities = []
        for j, params in enumerate(init):
            net = ParameterNet(params, logits)
            train_steps(torch.optim.SGD(net.parameters(), lr=lr), lambda: -(weights[j] * answer_log_prob(net(), answers[j])).sum(), steps, watch)
            with torch.no_grad():
                probabilities.append(answer_log_prob(net(), answers[j]).exp().numpy())
        return np.concatenate(probabilities)

    def vmapped(steps, watch):
        nets = [ParameterNet(params, logits) for params in init]
        params, base = stacked(nets), nets[0]

        def loss_fn(p, answer, weight):
            return -(weight * answer_log_prob(functional_call(base, p, ()), answer)).sum()

        vmap_steps(params, loss_fn, (answers, weights), (0, 0), torch.optim.SGD(params.values(), lr=lr), steps, watch)
        with torch.no_grad():
            return vmap(lambda p, a: answer_log_prob(functional_call(base, p, ()), a))(params, answers).exp().reshape(-1).numpy()

    def ours(steps, watch):
        with watch:
            table = zipf_scaling.run({**section, "emergence": {**part, "steps": steps, "records": 2}}, seeds, "emergence")
        return column(table, ["alpha", "seed", "step", "rank"], [(a, s, steps, k) for a, s in cells for k in range(1, n_skills + 1)],
                      "skill_probability")  # two records (step 1 and the last) whatever the steps: the build records
        # 40 of its 12,000 steps, and a record at every one of a few timed steps made each cost 3.5 times a step of the build

    subset = [i * n_skills + k for i in first for k in range(n_skills)]
    flops = len(cells) * 3 * 2 * n_skills * hidden * n_skills
    moved = len(cells) * 4 * 2 * 2 * n_skills * hidden  # the two layers in and out
    work = {"exp": len(cells) * n_skills * n_skills,  # the softmax of every skill's logits
            "pass": len(cells) * (n_skills * n_skills + 2 * 2 * n_skills * hidden),  # its normalisation; the two layers' updates
            "adam": 0}  # plain gradient descent
    return Grid("E5 emergence", len(cells), len(seeds), subset, part["steps"], flops, moved,
                {"naive": naive, "vmap": vmapped, "ours": ours}, jobs=("zipf_scaling/emergence",), work=work)


# ---- E8: modular addition, AdamW on each member's training pairs ----

def pair_logits(p: dict, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """One member's logits on pairs (a, b): relu(embed_a[a] + embed_b[b] + b1) W2 + b2, (n,) -> (n, p)."""
    return torch.relu(p["embed_a"][a] + p["embed_b"][b] + p["b1"]) @ p["W2"] + p["b2"]


def e8_grids(config: dict) -> list[Grid]:
    """One grid per setting of the phase diagram, as the build runs one job per setting."""
    return [e8_grid(config, setting) for setting in config["modular_addition"]["settings"]]


def e8_build_units(config: dict, job: str) -> tuple[int, bool]:
    """The training steps of every member that the build's job ran: its horizon, plus its first pass (the rho = 1
    members until every seed jumped) counted by its share of the members; read from the last build's table of that
    job when it is there and was run with this config (True), else max_steps, an upper bound (False)."""
    section = config["modular_addition"]
    table = RESULTS / f"{job}.csv"
    if last_build(job, config) is None or not table.exists():
        return section["max_steps"], False
    rows = pd.read_csv(table)
    horizon = rows.loc[rows["quantity"] == "horizon", "value"].max()
    first_pass = rows.loc[(rows["quantity"] == "jump_step") & (rows["rho"] == 1.0), "value"].max()
    return round(horizon + first_pass / len(section["rho"])), True


def e8_grid(config: dict, setting: dict) -> Grid:
    """One setting of the phase diagram (every seed x rho), ``steps`` steps from initialisation."""
    section, seeds = config["modular_addition"], config["seeds"][: config["modular_addition"]["seeds"]]
    modulus, fraction, weight_decay, hidden = setting["modulus"], setting["train_fraction"], setting["weight_decay"], section["hidden"]
    modular_addition.check(section, modulus, fraction)
    job = "modular_addition/" + next(name for name, s in setting_jobs(section).items() if s == setting)
    build_steps, known = e8_build_units(config, job)
    cells = list(itertools.product(section["rho"], seeds))
    first = [i for i, (_, s) in enumerate(cells) if s == seeds[0]]
    a_all, rule = (torch.from_numpy(v) for v in modular_addition.pairs(modulus))
    b_all = torch.arange(modulus * modulus) % modulus  # pairs are row-major in (a, b)
    members = modular_addition.Members(modulus, fraction, hidden, [cells[i] for i in first])
    labels, kept, train = members.labels, members.kept, members.train
    init = modular_addition.init_members([cells[i][1] for i in first], modulus, hidden)
    optimizer_for = lambda params: torch.optim.AdamW(params, lr=section["learning_rate"], weight_decay=weight_decay, fused=True)  # noqa: E731

    def measured(guesses: torch.Tensor, grad_sq: torch.Tensor) -> np.ndarray:
        """Per member: the gradient signal ratio (over the member at rho = 1) and the three accuracies (E, 4)."""
        def accuracy(right, mask):
            return torch.where(mask.any(1), (right & mask).sum(1) / mask.sum(1).clamp(min=1), torch.nan)
        at_one = next(grad_sq[j] for j, i in enumerate(first) if cells[i][0] == 1.0)
        right = guesses == labels
        return torch.stack([grad_sq / at_one, accuracy(right, train & kept), accuracy(right, train & ~kept), accuracy(guesses == rule, ~train)], 1).numpy()

    def naive(steps, watch):
        guesses, grad_sq = [], []
        for j in range(len(first)):
            net = ParameterNet({k: v[j] for k, v in init.items()}, pair_logits)
            mask = train[j]
            loss_fn = lambda: torch.nn.functional.cross_entropy(net(a_all[mask], b_all[mask]), labels[j][mask])  # noqa: E731
            record = lambda: grad_sq.append(sum(float((p.grad**2).sum()) for p in net.parameters()))  # noqa: E731
            train_steps(optimizer_for(net.parameters()), loss_fn, steps, watch, first_gradients=record)
            with torch.no_grad():
                guesses.append(net(a_all, b_all).argmax(-1))
        return measured(torch.stack(guesses), torch.tensor(grad_sq))

    def vmapped(steps, watch):
        nets = [ParameterNet({k: v[j] for k, v in init.items()}, pair_logits) for j in range(len(first))]
        params, base = stacked(nets), nets[0]
        index = torch.stack([torch.nonzero(m)[:, 0] for m in train])  # every member has round(f p^2) training pairs

        def loss_fn(p, pairs, y):
            return torch.nn.functional.cross_entropy(functional_call(base, p, (a_all[pairs], b_all[pairs])), y)

        grad_sq = []
        record = lambda grads: grad_sq.append(sum((g.detach() ** 2).flatten(1).sum(1) for g in grads.values()))  # noqa: E731
        vmap_steps(params, loss_fn, (index, labels.gather(1, index)), (0, 0), optimizer_for(params.values()), steps, watch, first_gradients=record)
        with torch.no_grad():
            guesses = vmap(lambda p: functional_call(base, p, (a_all, b_all)))(params).argmax(-1)
        return measured(guesses, grad_sq[0])

    def ours(steps, watch):
        everyone = modular_addition.Members(modulus, fraction, hidden, cells)
        with watch:
            result = modular_addition.train(everyone, section, weight_decay, steps)
        final = result["curves"][-1]  # (curves, members)
        ratio = result["grad_sq"] / result["grad_sq"][[cells.index((1.0, s)) for _, s in cells]]
        return np.stack([ratio, final[0], final[1], final[3]], axis=1)

    n_train = round(fraction * modulus**2)
    n_params = sum(v[0].numel() for v in init.values())
    flops = len(cells) * (2 * modulus**2 * hidden * modulus + 2 * 2 * n_train * hidden * modulus)
    moved = len(cells) * 4 * 6 * n_params  # parameters and AdamW's two moments, in and out
    hidden_all, hidden_train = modulus**2 * hidden, n_train * hidden
    work = {"exp": len(cells) * modulus * n_train,  # the softmax of every training pair's logits
            "pass": len(cells) * (hidden_all + 2 * hidden_train + modulus * (modulus**2 - n_train) + modulus * n_train),  # the
            # ReLU of every pair's hidden units, its backward and the embeddings' sums over the training pairs, the argmax
            # over the test pairs' logits (the test accuracy at every step; the training pairs' only at the recorded
            # steps), the softmax's normalisation over the training pairs'
            "adam": len(cells) * n_params}
    return Grid(f"E8 {job.split('/')[1]}" + ("" if known else " (<= steps)"), len(cells), len(seeds), first,
                build_steps, flops, moved, {"naive": naive, "vmap": vmapped, "ours": ours}, rtol=np.array([1e-3, 0, 0, 0]),
                atol=np.array([0, *3 * [ACCURACY_ATOL]]), family="E8 phase diagram", jobs=(job,), work=work)


# ---- E9: handwritten digits, Adam on each member's labels of the shared images ----

def e9_grid(config: dict) -> Grid:
    section, seeds = config["digits"], config["seeds"]  # ours trains the build's noises; the baselines frozen noise (see below)
    digits.check(section)
    pool_x, pool_y, test_x, test_y = digits.split(section["test_images"])
    x_test, y_test = torch.from_numpy(test_x), torch.from_numpy(test_y)
    cells = list(itertools.product(section["train_sizes"], section["rho"], seeds))  # of one noise
    noises = section["noise"]
    first = [i for i, (_, _, s) in enumerate(cells) if s == seeds[0]]
    n_inputs, hidden = pool_x.shape[1], section["hidden"]
    labels = {i: torch.from_numpy(digits.mixture_labels(cells[i][2], pool_y[: cells[i][0]], cells[i][1])[0]) for i in first}
    init = {i: {k: v[0] for k, v in digits.init_members([cells[i][2]], n_inputs, hidden).items()} for i in first}

    def network(i):  # the plain module: Linear, ReLU, Linear, with the member's initial weights
        net = torch.nn.Sequential(torch.nn.Linear(n_inputs, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, digits.N_CLASSES))
        with torch.no_grad():
            for layer, w, b in ((net[0], "W1", "b1"), (net[2], "W2", "b2")):
                layer.weight.copy_(init[i][w].T)
                layer.bias.copy_(init[i][b])
        return net

    def noisy_test_loss(test_logits, i):  # the cross-entropy under the mixture: rho on the digit, 1 - rho uniform
        return float(torch.nn.functional.cross_entropy(test_logits.double(), y_test, label_smoothing=1 - cells[i][1]))

    def naive(steps, watch):
        losses = []
        for i in first:
            net, x = network(i), torch.from_numpy(pool_x[: cells[i][0]])
            train_steps(torch.optim.Adam(net.parameters(), lr=section["learning_rate"], fused=True),
                        lambda: torch.nn.functional.cross_entropy(net(x), labels[i]), steps, watch)
            with torch.no_grad():
                losses.append(noisy_test_loss(net(x_test), i))
        return np.array(losses)

    def vmapped(steps, watch):
        losses = {}
        for n in section["train_sizes"]:  # one shape: the members of one training-set size
            idx = [i for i in first if cells[i][0] == n]
            nets = [network(i) for i in idx]
            params, base = stacked(nets), nets[0]

            def loss_fn(p, x, y):
                return torch.nn.functional.cross_entropy(functional_call(base, p, (x,)), y)

            vmap_steps(params, loss_fn, (torch.from_numpy(pool_x[:n]), torch.stack([labels[i] for i in idx])), (None, 0),
                       torch.optim.Adam(params.values(), lr=section["learning_rate"], fused=True), steps, watch)
            with torch.no_grad():
                test_logits = vmap(lambda p: functional_call(base, p, (x_test,)))(params)
            losses.update((i, noisy_test_loss(test_logits[j], i)) for j, i in enumerate(idx))
        return np.array([losses[i] for i in first])

    def ours(steps, watch):  # every noise of the build, the frozen members' values first
        with watch:
            table = digits.run({**section, "steps": steps}, seeds)
        return np.concatenate([column(table, ["train_size", "rho", "seed"], cells, "noisy_test_loss", noise=noise) for noise in noises])

    n_params = n_inputs * hidden + hidden + hidden * digits.N_CLASSES + digits.N_CLASSES
    per_noise = len(noises)  # every cell trains once per noise
    flops = per_noise * sum(3 * 2 * n * (n_inputs * hidden + hidden * digits.N_CLASSES) for n, _, _ in cells)
    moved = per_noise * len(cells) * 4 * 6 * n_params + sum(4 * n * n_inputs for n in section["train_sizes"])
    work = {"exp": per_noise * sum(n * digits.N_CLASSES for n, _, _ in cells),  # the softmax of every training image's logits
            "pass": per_noise * sum(n * (2 * hidden + digits.N_CLASSES) for n, _, _ in cells),  # the ReLU and its backward, the normalisation
            "adam": per_noise * len(cells) * n_params}
    # The baselines train the first seed's members of frozen noise and are scaled to every seed and noise: under fresh
    # noise the build's members also redraw their labels every step, which the scaling leaves out (their ratios are
    # lower bounds there)
    return Grid("E9 digits", len(noises) * len(cells), len(noises) * len(seeds), first, section["steps"], flops, moved,
                {"naive": naive, "vmap": vmapped, "ours": ours}, jobs=("digits/all",), work=work)
