"""The claims ledger: every experiment's claims, in the order of the paper, joined with the measurements (paper
section "Claims ledger").

The claims are declared in each experiment's folder (experiments/<name>/claims.py), one file per experiment, and
taken here in the registry's order (experiments/registry.py); the machinery that evaluates them is
experiments/common/ledger.py.

    python -m experiments.claims --out results/claims.csv --audit results/resolving_power.csv results/loss_floor/*.csv ...

Beside the ledger it writes the falsifiability audit, one row per family (experiments/common/audit.py).
"""
import argparse
from importlib import import_module
from pathlib import Path

from experiments.common.io import atomic_path
from experiments.common.audit import audited
from experiments.common.ledger import read_tables
from experiments.registry import EXPERIMENTS

CLAIMS = tuple(claim for experiment in EXPERIMENTS for claim in import_module(experiment.claims).CLAIMS)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--audit", type=Path, required=True, help="the resolving power of each family (CSV)")
    parser.add_argument("results", type=Path, nargs="+", help="tidy results tables (CSV)")
    args = parser.parse_args()
    table, audit = audited(read_tables(args.results), CLAIMS)
    for frame, path in ((table, args.out), (audit, args.audit)):
        with atomic_path(path) as tmp:
            frame.to_csv(tmp, index=False, float_format="%.8g")
    print(audit.to_string(index=False))


if __name__ == "__main__":
    main()
