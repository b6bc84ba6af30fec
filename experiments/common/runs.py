"""What every experiment entry point shares: its command line, thread setting, and atomic output.

Each run writes a tidy CSV (one row per measurement) and, beside it, a JSON manifest with the
config, seeds, device, package versions, git commit and wall time, one per job (README "When something goes wrong").
Runs flagged diverged (rows with quantity "diverged" and value 1) are counted in the manifest
and listed, with their configs, in the job's log (README "When something goes wrong").
"""
import argparse
import json
import platform
import time
from importlib.metadata import version
from pathlib import Path

import pandas as pd
import torch

from experiments.common import device
from experiments.common.io import atomic_path, git_commit, write_text_atomic

PACKAGES = ("torch", "numpy", "pandas", "sympy")


def parser(description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--config", required=True, type=json.loads, help="the experiment's section of the validated config, as JSON")
    p.add_argument("--seeds", required=True, type=int, nargs="+")
    p.add_argument("--threads", type=int, default=1, help="torch CPU threads (Snakemake passes the rule's threads)")
    p.add_argument("--device", type=device.argument, default="cpu",
                   help="cpu, cuda or cuda:N: the config's device (experiments/common/device.py), checked before any training")
    p.add_argument("--out", required=True, type=Path, help="the tidy results table (CSV)")
    p.add_argument("--manifest", required=True, type=Path, help="the run's manifest (JSON)")
    return p


def start(args: argparse.Namespace) -> float:
    """Fix the thread count, determinism and float settings; return the start time.

    Denormal floats (below 1.2e-38) are flushed to zero: late in training, gradients that small made the CPU's
    kernels several times slower, and no measurement resolves them (worker threads inherit the setting)."""
    torch.set_num_threads(args.threads)
    torch.use_deterministic_algorithms(True)
    torch.set_flush_denormal(True)
    return time.perf_counter()


def finish(args: argparse.Namespace, table: pd.DataFrame, started: float, **selection) -> None:
    """Write the results table and its manifest, each atomically."""
    diverged = table[(table["quantity"] == "diverged") & (table["value"] > 0)]
    if len(diverged):
        print(f"{len(diverged)} runs diverged (loss NaN or infinite); their measurements are NaN:\n{diverged.to_string(index=False)}")
    with atomic_path(args.out) as tmp:
        table.to_csv(tmp, index=False, float_format="%.10g")
    manifest = {
        "config": args.config,
        "selection": selection,
        "seeds": args.seeds,
        "threads": args.threads,
        "device": str(args.device) + (f" ({torch.cuda.get_device_name(args.device)})" if args.device.type == "cuda" else ""),
        "versions": {"python": platform.python_version(), **{name: version(name) for name in PACKAGES}},
        "git_commit": git_commit(),
        "wall_time_s": round(time.perf_counter() - started, 3),
        "rows": len(table),
        "diverged": len(diverged),
    }
    write_text_atomic(args.manifest, json.dumps(manifest, indent=2) + "\n")
