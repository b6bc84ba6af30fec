"""E1: the loss floor across the dial, and the finite-sample excess (tests T1 and T3).

For one model and one number of classes V, every cell (rho, samples per key m, seed) of the
grid trains together as one ensemble on its own per-key label counts.  After training we
measure each member's test cross-entropy and accuracy under the exact label distribution
(no test-set noise), its final train loss and the lowest train loss its counts allow.  A member
whose loss became NaN or infinite gets ``diverged`` = 1 and NaN measurements (0 otherwise).

    python -m experiments.e1_loss_floor.run --model linear --classes 10 --seeds 0 1 \
        --config '{"keys": 64, "rho": [0, 0.5, 1], "samples_per_key": [100, 2000], ...}' \
        --out results/loss_floor/linear_V10.csv --manifest results/loss_floor/linear_V10.json
"""
import itertools

import numpy as np
import pandas as pd
import torch

from experiments.common import lookup_table, runs
from experiments.common.device import CPU, to_device
from experiments.common.models import MODELS, init_ensemble
from experiments.common.trainer import TrainConfig, all_key_logits, train_on_counts


def run(config: dict, seeds: list[int], model_name: str, n_classes: int, device: torch.device = CPU) -> pd.DataFrame:
    model = MODELS[model_name]
    n_keys = config["keys"]
    cells = list(itertools.product(config["rho"], config["samples_per_key"], seeds))

    # data: each cell's counts and exact label distribution, shape (E, K, V)
    tables = {seed: lookup_table.rule_table(seed, n_keys, n_classes) for seed in seeds}
    counts = np.stack([lookup_table.label_counts(s, tables[s], r, n_classes, m) for r, m, s in cells])
    truth = np.stack([lookup_table.label_distribution(tables[s], r, n_classes) for r, m, s in cells])

    # train on the device: one member per cell, initialised by its seed alone (on the CPU's generator)
    params = init_ensemble(model, [s for _, _, s in cells], n_keys, n_classes, config["models"][model_name])
    train = TrainConfig(steps=config["steps"], learning_rate=config["learning_rate"])
    params, train_loss, diverged = train_on_counts(model, to_device(params, device), torch.tensor(counts, dtype=torch.float32, device=device), train)
    diverged = diverged.cpu().numpy()

    # measure: test loss and accuracy under the exact distribution, and the train optimum
    with torch.no_grad():
        log_probs = torch.log_softmax(all_key_logits(model, params), dim=-1).double().cpu().numpy()
    test_loss = -(truth * log_probs).sum(axis=2).mean(axis=1)
    guesses = log_probs.argmax(axis=2)  # (E, K)
    test_accuracy = np.take_along_axis(truth, guesses[..., None], axis=2)[..., 0].mean(axis=1)
    test_loss, test_accuracy = np.where(diverged, np.nan, test_loss), np.where(diverged, np.nan, test_accuracy)
    freq = counts / counts.sum(axis=2, keepdims=True)
    train_optimum = -(counts * np.log(np.where(counts > 0, freq, 1.0))).sum(axis=(1, 2)) / counts.sum(axis=(1, 2))

    quantities = {
        "test_loss": test_loss,
        "test_accuracy": test_accuracy,
        "train_loss": train_loss.double().cpu().numpy(),
        "train_loss_optimum": train_optimum,
        "diverged": diverged.astype(float),
    }
    rows = [
        {"model": model_name, "keys": n_keys, "classes": n_classes, "rho": r, "samples_per_key": m, "seed": s, "quantity": q, "value": values[i]}
        for q, values in quantities.items()
        for i, (r, m, s) in enumerate(cells)
    ]
    return pd.DataFrame(rows)


def main() -> None:
    p = runs.parser(__doc__)
    p.add_argument("--model", required=True, choices=sorted(MODELS))
    p.add_argument("--classes", required=True, type=int)
    args = p.parse_args()
    started = runs.start(args)
    table = run(args.config, args.seeds, args.model, args.classes, args.device)
    runs.finish(args, table, started, model=args.model, classes=args.classes)


if __name__ == "__main__":
    main()
