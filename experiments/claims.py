"""The claims ledger: every experiment's claims, in the order of the paper, joined with the measurements (paper
section "Claims ledger").

The claims are declared in each experiment's folder (experiments/<name>/claims.py), one file per experiment, and
taken here in the registry's order (experiments/registry.py); the machinery that evaluates them is
experiments/common/ledger.py.

    python -m experiments.claims --out results/claims.csv results/loss_floor/*.csv results/gradient_noise/*.csv ...
"""
import argparse
from importlib import import_module
from pathlib import Path

from experiments.common.io import atomic_path
from experiments.common.ledger import ledger, read_tables
from experiments.registry import EXPERIMENTS

CLAIMS = tuple(claim for experiment in EXPERIMENTS for claim in import_module(experiment.claims).CLAIMS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("results", type=Path, nargs="+", help="tidy results tables (CSV)")
    args = parser.parse_args()
    table = ledger(read_tables(args.results), CLAIMS)
    with atomic_path(args.out) as tmp:
        table.to_csv(tmp, index=False, float_format="%.8g")
    print(table.groupby("claim")["verdict"].value_counts().unstack(fill_value=0).to_string())


if __name__ == "__main__":
    main()
