"""The benchmark's command line and table (see experiments/bench/__init__.py)."""
import argparse
import math

import numpy as np
import torch
import yaml

from experiments import bench
from experiments.bench.core import VARIANTS, agree, run_grid
from experiments.bench.machine import Rates, keep_freed_memory, machine
from experiments.common import runs


def cell(value: float, width: int, digits: int, missing: str = "-") -> str:
    return f"{missing:>{width}}" if math.isnan(value) else f"{value:>{width}.{digits}f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=bench.__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=1, help="torch threads (the build's jobs run on one each, two side by side)")
    parser.add_argument("--steps", type=int, default=50, help="timed units per run, at most the build's own count")
    parser.add_argument("--quick", action="store_true", help="tiny grids and few steps: checks agreement, times nothing of note")
    parser.add_argument("--grids", nargs="+", help=f"only the grids whose names start with one of these: {', '.join(bench.GRIDS)}")
    parser.add_argument("--variants", nargs="+", choices=VARIANTS, default=list(VARIANTS), help="ways to time (ours always)")
    args = parser.parse_args()
    runs.start(args)  # the jobs' own settings: threads, deterministic algorithms, denormals flushed
    config = yaml.safe_load(bench.CONFIG.read_text())
    steps = 4 if args.quick else args.steps
    if args.quick:
        config = bench.quick_config(config)
    allocator = keep_freed_memory()
    rates = Rates.measure(args.quick)
    print(f"machine: {machine()}; {allocator}")
    print(f"measured now: {rates.describe()}; at most {steps} timed units per run")
    print("baselines run one seed's cells; their times are scaled to the whole grid (x seeds). ms = per unit of the whole grid;\n"
          "stats '-': ours uses no sufficient statistic (math x = 1 by definition); 'skip': not timed in this run.\n")
    print(f"{'grid':<22}{'runs':>6}{'base':>5}{'units':>6}{'naive ms':>10}{'stats ms':>10}{'vmap ms':>10}{'ours ms':>9}"
          f"{'math x':>8}{'batch x':>8}{'x naive':>9}{'x vmap':>8}{'roof ms':>9}{'of roof':>8}{'setup s':>8}{'build s':>9}  agree")
    variants = [name for name in VARIANTS if name in args.variants or name == "ours"]
    build = dict.fromkeys(VARIANTS, 0.0)
    fraction, cost = {}, {}
    all_agree = True
    for g in bench.grids(config, args.grids):
        r = run_grid(g, steps, variants)
        t = {name: r[name][0] if name in r else math.nan for name in VARIANTS}
        stats = t["naive-stats"] if "naive-stats" in g.ways else t["naive"]  # no statistic: naive is its own
        roof = rates.roofline(g.flops, g.bytes, g.dtype)
        setup = r["ours"].setup
        fraction[g.name], cost[g.name] = roof / t["ours"], np.nan_to_num(setup) + t["ours"] * g.build_steps
        for name in ("naive", "vmap", "ours"):
            build[name] += t[name] * g.build_steps + (np.nan_to_num(setup) if name == "ours" else 0.0)
        all_agree &= agree(g, r)
        skipped = lambda name: "-" if name not in g.ways else "skip"  # noqa: E731
        print(f"{g.name:<22}{g.runs:>6}{g.runs // g.seeds:>5}{min(steps, g.build_steps):>6}"
              + "".join(cell(1e3 * t[name], 10, 2, skipped(name)) for name in ("naive", "naive-stats", "vmap"))
              + f"{1e3 * t['ours']:>9.3f}{cell(t['naive'] / stats, 8, 1)}{cell(stats / t['ours'], 8, 1)}{cell(t['naive'] / t['ours'], 9, 1)}"
              f"{cell(t['vmap'] / t['ours'], 8, 1)}{1e3 * roof:>9.3f}{fraction[g.name]:>8.2f}{cell(setup, 8, 2, '?')}{cost[g.name]:>9.1f}  {'yes' if agree(g, r) else 'NO'}")
    if not cost:
        return
    costliest = max(cost, key=cost.get)
    print(f"\nmath x = naive / naive-stats (sufficient statistics); batch x = naive-stats / ours (batching); ours ms excludes "
          f"ours' one-time cost, setup s ('?': lost in noise);\nbuild s = setup s + ours at the build's own count of units; "
          f"the grid that costs the build the most: {costliest}"
          + ("" if all_agree else "\nsome ways do NOT agree with ours: their times compare different work"))
    print(f"speedup_vs_naive={build['naive'] / build['ours']:.2f} speedup_vs_vmap={build['vmap'] / build['ours']:.2f} "
          f"roofline_fraction={fraction[costliest]:.3f}")


if __name__ == "__main__":
    main()
