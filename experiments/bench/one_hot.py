"""Models on one-hot keys: E1 and E5's data part (Adam on samples or on per-key counts), and E2 (per-sample gradients).

E1, E5 data  unit: one Adam step of every member.  naive-stats trains the same per-run loop on the per-key label
             counts that ours uses; vmap-stats trains on them by torch.func: vmap(grad) of count_loss on each
             member's table of every key's logits, over the members stacked with torch.func.stack_module_state,
             in chunks only where their logits and hidden activations would pass MEMORY (the counts are small:
             the default grids take one chunk).  Every way uses Adam with fused=True (ours its fused kernel too:
             common/trainer.py), on the stacked tensors for vmap and vmap-stats, and the same cosine schedule.
             Counted per step: FLOPs of the hidden-to-logit matmul, forward and two backward (the linear model has
             none: memory-bound); bytes of the parameters and Adam's two moments read and written once and the
             counts read once.  That is the bound for a trainer whose state crosses memory every step; ours keeps
             each chunk's state in cache through all its steps, so on the linear grid, where the bytes set the
             roof, ours can reach it or pass it (the roof is then no bound).  Elementwise work (Grid.work): an
             exponential per logit (K V a member, every key's softmax), one pass per logit (its normalisation,
             w_k e / s_k - f, a multiply-add; the sum s_k rides along with the exponentials), two per hidden unit
             of every key (K H: the bias and ReLU forward, the ReLU's mask backward; the biases' gradient sums ride
             along), and Adam on every parameter.  Left out, so that the bound stays a bound: the softmax's
             subtraction of the maximum (safe, not needed by the mathematics) and anything a product's scaling
             absorbs (the readout's bias b2).
E2           no training loop: every sample's gradient at initialisation, and the sums the job reads from them.
             unit: one chunk (the config's ``chunk`` samples) of every member's samples; the build runs
             samples / chunk units.  naive takes each sample's gradient by its own backward call, vmap by
             torch.func's vmap(vmap(grad)) over members and samples.  Ours (gradient_noise.run) uses a sufficient
             statistic: a sample's gradient is one of the A = K V distinct (key, label) gradients g_a, so every
             sum follows from their Gram matrix M and the pair counts c_b of each batch b (|mean of b|^2 =
             c_b^T M c_b / B^2); naive-stats is the per-run loop on it (one backward call per pair, then each
             batch's counts against M), vmap-stats the same by torch.func (the pairs' gradients by vmap(vmap(grad))
             over members and pairs, then M and the batches' counts for all members at once).  Compared: the
             mean squared per-sample gradient norm and the mean squared minibatch-mean norm of each batch size,
             which the job writes, in float64 from float32 gradients (rtol 1e-5: a hundred float32 roundings).
             Counted per unit: for each batch size B, the cheaper of counting the chunk's B-sample couples (C B)
             and multiplying its count vectors with M (2 (C / B) A^2 FLOPs); bytes of the chunk's keys and labels
             read once (int64); elementwise work: one pass per sample (its pair, key V + label), no exponential
             (the gradients are taken once, at initialisation) and no Adam.
"""
import itertools
from functools import partial

import numpy as np
import torch
from torch.func import functional_call, grad, vmap

from experiments.bench.core import MEMORY, Grid, column, stacked, train_steps, vmap_steps
from experiments.common import lookup_table
from experiments.common.models import MODELS, init_ensemble
from experiments.common.trainer import TrainConfig, cosine_schedule, count_loss, train_on_counts
from experiments.e2_gradient_noise import run as gradient_noise
from experiments.e5_zipf_scaling import run as zipf_scaling
from theory.zipf_skills import zipf_frequencies


class LookupNet(torch.nn.Module):
    """The E1 and E2 models as one run's module: linear W[x] or relu(W1[x] + b1) W2 + b2."""

    def __init__(self, params: dict, model_name: str):
        super().__init__()
        self.p = torch.nn.ParameterDict({k: torch.nn.Parameter(v.clone()) for k, v in params.items()})
        self.model = MODELS[model_name]

    def forward(self, keys: torch.Tensor | None = None):  # keys (N,) -> their logits (N, V); None -> every key's (K, V)
        return self.model.table(dict(self.p)) if keys is None else self.model.logits(dict(self.p), keys)


def counts_grid(name: str, model_name: str, options: dict, counts: np.ndarray, seeds_of: list[int], n_seeds: int,
                lr: float, build_steps: int, jobs: tuple[str, ...] = ()) -> Grid:
    """A grid of members trained with Adam on a cosine schedule, each on its own counts (E, K, V); ``jobs``: the
    build's jobs whose work this is (Grid.jobs), none where the job does much besides this training."""
    n_members, n_keys, n_classes = counts.shape
    init = init_ensemble(MODELS[model_name], seeds_of, n_keys, n_classes, options)
    counts_t = torch.tensor(counts, dtype=torch.float32)
    sizes = counts.sum(axis=(1, 2)).astype(int)
    first = [i for i, s in enumerate(seeds_of) if s == seeds_of[0]]

    hidden = options.get("hidden", 0)
    width = n_classes + hidden  # a sample's or key's logits and hidden activations

    def samples(i):  # the samples that member i's counts describe, keys in order
        keys = np.repeat(np.repeat(np.arange(n_keys), n_classes), counts[i].ravel().astype(int))
        labels = np.repeat(np.tile(np.arange(n_classes), n_keys), counts[i].ravel().astype(int))
        return torch.tensor(keys), torch.tensor(labels)

    def per_run(steps, watch, on_counts):
        losses = []
        for i in first:
            net = LookupNet({k: v[i] for k, v in init.items()}, model_name)
            optimizer = torch.optim.Adam(net.parameters(), lr=lr, fused=True)
            schedule = cosine_schedule(optimizer, steps)
            keys, labels = samples(i)
            loss_fn = (lambda: count_loss(net()[None], counts_t[i : i + 1])[0]) if on_counts else \
                (lambda: torch.nn.functional.cross_entropy(net(keys), labels))
            train_steps(optimizer, loss_fn, steps, watch, schedule)
            with torch.no_grad():
                losses.append(float(loss_fn()))
        return np.array(losses)

    def vmapped(steps, watch):
        losses = {}
        by_size = {}  # vmap needs one shape: members with the same number of samples
        for i in first:
            by_size.setdefault(sizes[i], []).append(i)
        for size, group in by_size.items():
            chunk = max(1, MEMORY // (4 * 4 * max(size, 1) * width))
            for start in range(0, len(group), chunk):
                idx = group[start : start + chunk]
                nets = [LookupNet({k: v[i] for k, v in init.items()}, model_name) for i in idx]
                params, base = stacked(nets), nets[0]
                keys = torch.stack([samples(i)[0] for i in idx])
                labels = torch.stack([samples(i)[1] for i in idx])

                def loss_fn(p, k, y):
                    return torch.nn.functional.cross_entropy(functional_call(base, p, (k,)), y)

                optimizer = torch.optim.Adam(params.values(), lr=lr, fused=True)
                vmap_steps(params, loss_fn, (keys, labels), (0, 0), optimizer, steps, watch, cosine_schedule(optimizer, steps))
                with torch.no_grad():
                    losses.update(zip(idx, vmap(loss_fn)(params, keys, labels).tolist()))
        return np.array([losses[i] for i in first])

    def vmap_stats(steps, watch):
        losses = []
        chunk = max(1, MEMORY // (4 * 4 * n_keys * width))  # every key's logits and hidden activations, a few copies
        for start in range(0, len(first), chunk):
            idx = first[start : start + chunk]
            nets = [LookupNet({k: v[i] for k, v in init.items()}, model_name) for i in idx]
            params, base = stacked(nets), nets[0]

            def loss_fn(p, c):  # one member's count loss: its table of every key's logits against its counts (K, V)
                return count_loss(functional_call(base, p, ())[None], c[None])[0]

            optimizer = torch.optim.Adam(params.values(), lr=lr, fused=True)
            vmap_steps(params, loss_fn, (counts_t[idx],), (0,), optimizer, steps, watch, cosine_schedule(optimizer, steps))
            with torch.no_grad():
                losses += vmap(loss_fn)(params, counts_t[idx]).tolist()
        return np.array(losses)

    def ours(steps, watch):
        with watch:
            trained = train_on_counts(MODELS[model_name], init, counts_t, TrainConfig(steps=steps, learning_rate=lr))
        return trained.loss.numpy()

    params_per_member = sum(v[0].numel() for v in init.values())
    flops = n_members * 3 * 2 * n_keys * hidden * n_classes  # the hidden-to-logit matmul, forward and two backward
    moved = n_members * 4 * (6 * params_per_member + n_keys * n_classes)  # p, m, v in and out; the counts in
    work = {"exp": n_members * n_keys * n_classes,  # the softmax of every key's logits
            "pass": n_members * n_keys * (n_classes + 2 * hidden),  # its normalisation; the ReLU forward and backward
            "adam": n_members * params_per_member}
    return Grid(name, n_members, n_seeds, first, build_steps, flops, moved, {
        "naive": lambda steps, watch: per_run(steps, watch, on_counts=False),
        "naive-stats": lambda steps, watch: per_run(steps, watch, on_counts=True),
        "vmap": vmapped,
        "vmap-stats": vmap_stats,
        "ours": ours,
    }, jobs=jobs, work=work)


def e1_grid(config: dict, model_name: str) -> Grid:
    section, seeds = config["loss_floor"], config["seeds"]
    n_keys, n_classes = section["keys"], max(section["classes"])
    cells = list(itertools.product(section["rho"], section["samples_per_key"], seeds))
    tables = {s: lookup_table.rule_table(s, n_keys, n_classes) for s in seeds}
    counts = np.stack([lookup_table.label_counts(s, tables[s], r, n_classes, m) for r, m, s in cells])
    return counts_grid(f"E1 {model_name} V={n_classes}", model_name, section["models"][model_name], counts,
                       [s for _, _, s in cells], len(seeds), section["learning_rate"], section["steps"], (f"loss_floor/{model_name}_V{n_classes}",))


def e5_data_grid(config: dict) -> Grid:
    section, seeds = config["zipf_scaling"], config["seeds"]
    part, alphas = section["data"], section["alpha"]
    n_keys, n_classes, sizes = part["keys"], part["classes"], sorted(part["samples"])
    cells = list(itertools.product(alphas, sizes, seeds))
    frequencies = {a: zipf_frequencies(a, n_keys) for a in alphas}
    streams = {(a, s): zipf_scaling.zipf_stream(s, frequencies[a], sizes[-1], a) for a in alphas for s in seeds}
    tables = {s: lookup_table.rule_table(s, n_keys, n_classes) for s in seeds}
    counts = np.zeros((len(cells), n_keys, n_classes), dtype=np.float32)  # as zipf_scaling.run_data builds them
    for i, (a, n, s) in enumerate(cells):
        counts[i, np.arange(n_keys), tables[s]] = np.bincount(streams[a, s][:n], minlength=n_keys)
    return counts_grid("E5 data (linear)", "linear", {}, counts, [s for _, _, s in cells], len(seeds),
                       part["learning_rate"], part["steps"])  # no jobs: its job also draws the streams and runs the online learner


class GradientSums:
    """The sums E2 reads from per-sample gradients, from their definitions: per member, the mean of |g_i|^2 and, for
    each batch size B, the mean over consecutive batches of |mean of the batch's g_i|^2 (float64)."""

    def __init__(self, members: int, batch_sizes: list[int]):
        self.batch_sizes = batch_sizes
        self.squares = torch.zeros(members, dtype=torch.float64)
        self.batches = torch.zeros(members, len(batch_sizes), dtype=torch.float64)

    def add(self, gradients: torch.Tensor, members: slice = slice(None)) -> None:
        """One chunk of consecutive samples' gradients (E, C, P), float64, of ``members``."""
        e, c, p = gradients.shape
        self.squares[members] += (gradients**2).sum(dim=(1, 2))
        for j, b in enumerate(self.batch_sizes):
            self.batches[members, j] += (gradients.reshape(e, c // b, b, p).mean(dim=2) ** 2).sum(dim=(1, 2))

    def add_pairs(self, gram: torch.Tensor, pairs: torch.Tensor, members: slice = slice(None)) -> None:
        """The same from a sufficient statistic: one chunk of consecutive samples given by their pairs (E, C), pair a =
        key V + label, and the Gram matrix (E, A, A) of the A distinct pairs' gradients: |g_i|^2 = M_aa and
        |mean of batch b's g_i|^2 = c_b^T M c_b / B^2, c_b the batch's pair counts."""
        e, c = pairs.shape
        counts = torch.nn.functional.one_hot(pairs, gram.shape[-1]).double()  # (E, C, A): each sample's pair
        self.squares[members] += (counts.sum(1) * gram.diagonal(dim1=1, dim2=2)).sum(1)
        for j, b in enumerate(self.batch_sizes):
            batch_counts = counts.reshape(e, c // b, b, -1).sum(2)  # (E, C / B, A)
            self.batches[members, j] += ((batch_counts @ gram) * batch_counts).sum(dim=(1, 2)) / b**2

    def means(self, n: int) -> np.ndarray:  # (E, 1 + batch sizes)
        return torch.cat([self.squares[:, None] / n, self.batches / torch.tensor([n // b for b in self.batch_sizes])], dim=1).numpy()


def e2_grid(config: dict, model_name: str) -> Grid:
    section, seeds = config["gradient_noise"], config["seeds"]
    n_keys, n_classes, chunk = section["keys"], section["classes"], section["chunk"]
    batch_sizes, options = sorted(section["batch_sizes"]), section["models"][model_name]
    cells = list(itertools.product(section["rho"], seeds))
    first = [i for i, (_, s) in enumerate(cells) if s == seeds[0]]
    init = init_ensemble(MODELS[model_name], [cells[i][1] for i in first], n_keys, n_classes, options)
    nets = lambda: [LookupNet({k: v[j] for k, v in init.items()}, model_name) for j in range(len(first))]  # noqa: E731
    tables = {s: lookup_table.rule_table(s, n_keys, n_classes) for s in seeds}

    def data(units):  # the first seed's samples, drawn as the job draws them for samples = units x chunk
        drawn = [lookup_table.samples(s, tables[s], r, n_classes, units * chunk) for r, s in (cells[i] for i in first)]
        return torch.tensor(np.stack([k for k, _ in drawn])), torch.tensor(np.stack([y for _, y in drawn]))  # (E, n), (E, n)

    def naive(units, watch):
        keys, labels = data(units)
        sums = GradientSums(len(first), batch_sizes)
        for j, net in enumerate(nets()):
            with watch:
                for start in range(0, units * chunk, chunk):
                    rows = []
                    for t in range(start, start + chunk):  # one backward call per sample
                        net.zero_grad()
                        torch.nn.functional.cross_entropy(net(keys[j, t : t + 1]), labels[j, t : t + 1]).backward()
                        rows.append(torch.cat([p.grad.flatten() for p in net.parameters()]))
                    sums.add(torch.stack(rows)[None].double(), slice(j, j + 1))
        return sums.means(units * chunk)

    pairs = torch.arange(n_keys).repeat_interleave(n_classes), torch.arange(n_classes).repeat(n_keys)  # pair a = key V + label

    def sample_loss(base, p, key, label):  # one sample's loss under the parameters p of a module like base
        return torch.nn.functional.cross_entropy(functional_call(base, p, (key[None],)), label[None])

    def naive_stats(units, watch):
        keys, labels = data(units)
        sums = GradientSums(len(first), batch_sizes)
        for j, net in enumerate(nets()):
            with watch:
                distinct = []
                for key, label in zip(*pairs):  # one backward call per distinct (key, label) pair
                    net.zero_grad()
                    torch.nn.functional.cross_entropy(net(key[None]), label[None]).backward()
                    distinct.append(torch.cat([p.grad.flatten() for p in net.parameters()]))
                distinct = torch.stack(distinct).double()  # (A, P)
                gram = (distinct @ distinct.T)[None]  # (1, A, A)
                sample_pairs = keys[j : j + 1] * n_classes + labels[j : j + 1]  # (1, n)
                for start in range(0, units * chunk, chunk):
                    sums.add_pairs(gram, sample_pairs[:, start : start + chunk], slice(j, j + 1))
        return sums.means(units * chunk)

    def vmapped(units, watch):
        keys, labels = data(units)
        modules = nets()
        params = {k: v.detach() for k, v in stacked(modules).items()}
        sums = GradientSums(len(first), batch_sizes)
        per_sample = vmap(vmap(grad(partial(sample_loss, modules[0])), in_dims=(None, 0, 0)))  # members, then samples
        with watch:
            for start in range(0, units * chunk, chunk):
                g = per_sample(params, keys[:, start : start + chunk], labels[:, start : start + chunk])
                sums.add(torch.cat([v.flatten(start_dim=2) for v in g.values()], dim=2).double())
        return sums.means(units * chunk)

    def vmap_stats(units, watch):
        keys, labels = data(units)
        modules = nets()
        params = {k: v.detach() for k, v in stacked(modules).items()}
        sums = GradientSums(len(first), batch_sizes)
        per_pair = vmap(vmap(grad(partial(sample_loss, modules[0])), in_dims=(None, 0, 0)), in_dims=(0, None, None))  # members, pairs
        with watch:
            g = per_pair(params, *pairs)
            distinct = torch.cat([v.flatten(start_dim=2) for v in g.values()], dim=2).double()  # (E, A, P)
            gram = distinct @ distinct.transpose(1, 2)  # (E, A, A)
            sample_pairs = keys * n_classes + labels  # (E, n)
            for start in range(0, units * chunk, chunk):
                sums.add_pairs(gram, sample_pairs[:, start : start + chunk])
        return sums.means(units * chunk)

    def ours(units, watch):
        with watch:
            table = gradient_noise.run({**section, "samples": units * chunk}, seeds, model_name)
        return np.stack([column(table, ["rho", "seed"], cells, "grad_sq_norm")]
                        + [column(table, ["rho", "seed"], cells, "minibatch_sq_norm", batch_size=b) for b in batch_sizes], axis=1)

    n_pairs = n_keys * n_classes
    flops = len(cells) * sum(min(chunk * b, 2 * (chunk // b) * n_pairs**2) for b in batch_sizes)
    moved = len(cells) * chunk * 2 * 8
    work = {"exp": 0, "pass": len(cells) * chunk, "adam": 0}  # each sample's pair, key V + label
    return Grid(f"E2 {model_name}", len(cells), len(seeds), first, section["samples"] // chunk, flops, moved,
                {"naive": naive, "naive-stats": naive_stats, "vmap": vmapped, "vmap-stats": vmap_stats, "ours": ours}, rtol=1e-5,
                jobs=(f"gradient_noise/{model_name}",), work=work)
