"""E2: gradient signal and noise at initialisation across the dial (tests T2).

For one model, every cell (rho, seed) is one ensemble member at its initialisation.  Each
member draws n samples from its own mixture.  The model sees a sample only through its
(key, label) pair, so a sample's gradient is one of the K V distinct gradients g_{k,y}; we take
these once per member with autograd (torch.func.grad mapped over pairs and members), and every
sum over samples follows, in float64, from the gradients' Gram matrix M_{ab} = g_a . g_b and the
samples' counts of each pair (n_a over all samples, c_{b,a} in batch b):

    grad_sq_norm        mean over samples of |g_i|^2 = sum_a n_a M_aa / n
    grad_trace          tr Sigma, the unbiased sample covariance trace
    mean_grad_sq_norm   |G|^2, estimated without bias as |mean g|^2 - tr Sigma / n
    noise_scale         B_noise = tr Sigma / |G|^2 (McCandlish et al. 2018)
    minibatch_sq_norm   mean of |mean of B consecutive gradients|^2 = c_b^T M c_b / B^2 over the
                        batches b, for each batch size B

    python -m experiments.e2_gradient_noise.run --model linear --seeds 0 1 --config '{...}' \
        --out results/gradient_noise/linear.csv --manifest results/gradient_noise/linear.json
"""
import itertools

import numpy as np
import pandas as pd
import torch
from torch.func import grad, vmap

from experiments.common import lookup_table, runs
from experiments.common.device import CPU, to_device
from experiments.common.models import MODELS, Model, Params, init_ensemble


def per_sample_gradients(model: Model, params: Params, keys: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Every sample's gradient of its cross-entropy, flattened: keys, labels (E, C) -> (E, C, P)."""

    def sample_loss(p: Params, key: torch.Tensor, label: torch.Tensor) -> torch.Tensor:
        return torch.nn.functional.cross_entropy(model.logits(p, key[None]), label[None])

    grads = vmap(vmap(grad(sample_loss), in_dims=(None, 0, 0)))(params, keys, labels)
    return torch.cat([g.flatten(start_dim=2) for g in grads.values()], dim=2)


def distinct_gradients(model: Model, params: Params, n_keys: int, n_classes: int) -> torch.Tensor:
    """Every (key, label) pair's gradient, pair a = key * V + label: (E, K V, P).

    They are per_sample_gradients of the K V pairs, so each is the gradient of any sample with that pair.
    """
    first = next(iter(params.values()))
    members = first.shape[0]
    keys = torch.arange(n_keys, device=first.device).repeat_interleave(n_classes).expand(members, -1)
    labels = torch.arange(n_classes, device=first.device).repeat(n_keys).expand(members, -1)
    return per_sample_gradients(model, params, keys, labels)


def batch_pair_counts(pairs: torch.Tensor, n_pairs: int, batch_size: int, chunk: int) -> torch.Tensor:
    """sum_b c_b c_b^T over the consecutive batches b of pairs (E, n), c_b the batch's pair counts: (E, A, A).

    Entry (a, a') counts the ordered couples of samples in one batch with pairs a and a'.  These are
    integers, taken exactly either way, chunk by chunk (batch_size divides chunk): by counting each
    batch's B^2 couples of samples, or by multiplying its count vector with itself (2 A^2 flops, a
    flop costing about 1/200 of a counting step on CPU), so couples are counted while 10 B < A.
    """
    members, n = pairs.shape
    member = torch.arange(members, device=pairs.device)[:, None]
    batches = chunk // batch_size
    total = torch.zeros(members, n_pairs * n_pairs, dtype=torch.float64, device=pairs.device)
    for start in range(0, n, chunk):
        within = pairs[:, start : start + chunk].reshape(members, batches, batch_size)
        if 10 * batch_size < n_pairs:
            index = (member[:, :, None, None] * n_pairs + within[..., :, None]) * n_pairs + within[..., None, :]  # (E, C/B, B, B)
            total += torch.bincount(index.flatten(), minlength=members * n_pairs * n_pairs).reshape(members, -1)
        else:
            index = ((member[:, :, None] * batches + torch.arange(batches, device=pairs.device)[:, None]) * n_pairs + within).flatten()  # (E, C/B, B)
            counts = torch.bincount(index, minlength=members * batches * n_pairs).reshape(members, batches, n_pairs).double()
            total += (counts.transpose(1, 2) @ counts).reshape(members, -1)
    return total.reshape(members, n_pairs, n_pairs)


def gradient_sums(model: Model, params: Params, keys: torch.Tensor, labels: torch.Tensor, n_keys: int, n_classes: int,
                  batch_sizes: list[int], chunk: int) -> tuple[torch.Tensor, torch.Tensor, dict[int, torch.Tensor]]:
    """Sums over the samples keys, labels (E, n) of their gradients, in float64, from pair counts.

    Returns sum_i g_i = sum_a n_a g_a (E, P), sum_i |g_i|^2 = sum_a n_a M_aa (E,), and for each batch
    size B the sum over the n / B consecutive batches b of |mean of b's gradients|^2 = c_b^T M c_b / B^2
    (E,), with M the Gram matrix of the pairs' gradients, n_a the count of pair a in all samples and
    c_b in batch b.  Each batch size must divide chunk, which must divide n (run checks these).
    """
    members = keys.shape[0]
    n_pairs = n_keys * n_classes
    gradients = distinct_gradients(model, params, n_keys, n_classes).double()  # (E, A, P)
    gram = gradients @ gradients.transpose(1, 2)  # (E, A, A)
    pairs = keys * n_classes + labels  # (E, n)
    member = torch.arange(members, device=pairs.device)[:, None]
    pair_counts = torch.bincount((member * n_pairs + pairs).flatten(), minlength=members * n_pairs).reshape(members, n_pairs).double()
    grad_sum = (pair_counts[:, None, :] @ gradients)[:, 0]
    sq_norm_sum = (pair_counts * gram.diagonal(dim1=1, dim2=2)).sum(dim=1)
    batch_sq_sum = {b: (batch_pair_counts(pairs, n_pairs, b, chunk) * gram).sum(dim=(1, 2)) / b**2 for b in batch_sizes}
    return grad_sum, sq_norm_sum, batch_sq_sum


def run(config: dict, seeds: list[int], model_name: str, device: torch.device = CPU) -> pd.DataFrame:
    model = MODELS[model_name]
    n_keys, n_classes, n = config["keys"], config["classes"], config["samples"]
    batch_sizes, chunk = config["batch_sizes"], config["chunk"]
    batch_sizes = sorted(batch_sizes)
    if any(big % small for small, big in zip([1] + batch_sizes, batch_sizes + [chunk])) or n % chunk:
        raise ValueError(f"gradient_noise: each of batch_sizes {batch_sizes} must divide the next, the largest must divide chunk ({chunk}), and chunk must divide samples ({n})")
    cells = list(itertools.product(config["rho"], seeds))

    # data: n samples for each member, drawn on the CPU, and each member's initialisation, on the device
    data = [lookup_table.samples(s, lookup_table.rule_table(s, n_keys, n_classes), r, n_classes, n) for r, s in cells]
    keys = torch.tensor(np.stack([k for k, _ in data]), device=device)  # (E, n)
    labels = torch.tensor(np.stack([y for _, y in data]), device=device)  # (E, n)
    params = to_device(init_ensemble(model, [s for _, s in cells], n_keys, n_classes, config["models"][model_name]), device)
    grad_sum, sq_norm_sum, batch_sq_sum = gradient_sums(model, params, keys, labels, n_keys, n_classes, batch_sizes, chunk)

    # estimates
    mean = grad_sum / n
    trace = (sq_norm_sum - n * (mean**2).sum(dim=1)) / (n - 1)
    signal = (mean**2).sum(dim=1) - trace / n
    quantities = {
        ("grad_sq_norm", None): sq_norm_sum / n,
        ("grad_trace", None): trace,
        ("mean_grad_sq_norm", None): signal,
        ("noise_scale", None): trace / signal,
        **{("minibatch_sq_norm", b): batch_sq_sum[b] / (n // b) for b in batch_sizes},
    }
    quantities = {key: values.cpu() for key, values in quantities.items()}
    rows = [
        {"model": model_name, "keys": n_keys, "classes": n_classes, "rho": r, "samples": n, "seed": s, "quantity": q, "batch_size": b, "value": float(values[i])}
        for (q, b), values in quantities.items()
        for i, (r, s) in enumerate(cells)
    ]
    return pd.DataFrame(rows).astype({"batch_size": "Int64"})


def main() -> None:
    p = runs.parser(__doc__)
    p.add_argument("--model", required=True, choices=sorted(MODELS))
    args = p.parse_args()
    started = runs.start(args)
    table = run(args.config, args.seeds, args.model, args.device)
    runs.finish(args, table, started, model=args.model)


if __name__ == "__main__":
    main()
