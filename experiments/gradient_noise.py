"""E2: gradient signal and noise at initialisation across the dial (tests T2).

For one model, every cell (rho, seed) is one ensemble member at its initialisation.  Each
member draws n samples from its own mixture and we take every sample's gradient with
autograd (torch.func.grad mapped over samples and members), accumulating sums in float64:

    grad_sq_norm        mean over samples of |g_i|^2
    grad_trace          tr Sigma, the unbiased sample covariance trace
    mean_grad_sq_norm   |G|^2, estimated without bias as |mean g|^2 - tr Sigma / n
    noise_scale         B_noise = tr Sigma / |G|^2 (McCandlish et al. 2018)
    minibatch_sq_norm   mean of |mean of B consecutive gradients|^2, for each batch size B

    python -m experiments.gradient_noise --model linear --seeds 0 1 --config '{...}' \
        --out results/gradient_noise/linear.csv --manifest results/gradient_noise/linear.json
"""
import itertools

import numpy as np
import pandas as pd
import torch
from torch.func import grad, vmap

from experiments import lookup_table, runs
from experiments.models import MODELS, Model, Params, init_ensemble


def per_sample_gradients(model: Model, params: Params, keys: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Every sample's gradient of its cross-entropy, flattened: keys, labels (E, C) -> (E, C, P)."""

    def sample_loss(p: Params, key: torch.Tensor, label: torch.Tensor) -> torch.Tensor:
        return torch.nn.functional.cross_entropy(model.logits(p, key[None]), label[None])

    grads = vmap(vmap(grad(sample_loss), in_dims=(None, 0, 0)))(params, keys, labels)
    return torch.cat([g.flatten(start_dim=2) for g in grads.values()], dim=2)


def run(config: dict, seeds: list[int], model_name: str) -> pd.DataFrame:
    model = MODELS[model_name]
    n_keys, n_classes, n = config["keys"], config["classes"], config["samples"]
    batch_sizes, chunk = config["batch_sizes"], config["chunk"]
    batch_sizes = sorted(batch_sizes)
    if any(big % small for small, big in zip([1] + batch_sizes, batch_sizes + [chunk])) or n % chunk:
        raise ValueError(f"gradient_noise: each of batch_sizes {batch_sizes} must divide the next, the largest must divide chunk ({chunk}), and chunk must divide samples ({n})")
    cells = list(itertools.product(config["rho"], seeds))

    # data: n samples for each member
    data = [lookup_table.samples(s, lookup_table.rule_table(s, n_keys, n_classes), r, n_classes, n) for r, s in cells]
    keys = torch.tensor(np.stack([k for k, _ in data]))  # (E, n)
    labels = torch.tensor(np.stack([y for _, y in data]))  # (E, n)
    params = init_ensemble(model, [s for _, s in cells], n_keys, n_classes, config["models"][model_name])

    # accumulate sums over samples, chunk by chunk
    n_params = sum(p[0].numel() for p in params.values())
    grad_sum = torch.zeros(len(cells), n_params, dtype=torch.float64)
    sq_norm_sum = torch.zeros(len(cells), dtype=torch.float64)
    batch_sq_sum = {b: torch.zeros(len(cells), dtype=torch.float64) for b in batch_sizes}
    for start in range(0, n, chunk):
        g = per_sample_gradients(model, params, keys[:, start : start + chunk], labels[:, start : start + chunk]).double()  # (E, C, P)
        grad_sum += g.sum(dim=1)
        sq_norm_sum += (g**2).sum(dim=(1, 2))
        batch_means, size = g, 1  # each batch size's means from the previous one's: one pass in all
        for b in batch_sizes:
            batch_means = batch_means.reshape(len(cells), chunk // b, b // size, n_params).mean(dim=2)  # (E, C/B, P)
            batch_sq_sum[b] += (batch_means**2).sum(dim=(1, 2))
            size = b

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
    table = run(args.config, args.seeds, args.model)
    runs.finish(args, table, started, model=args.model)


if __name__ == "__main__":
    main()
