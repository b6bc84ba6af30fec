"""The benchmark's command line and table (see experiments/bench/__init__.py)."""
import argparse
import math

import numpy as np
import yaml

from experiments import bench
from experiments.bench.core import VARIANTS, agree, last_build_seconds, run_grid
from experiments.bench.machine import Rates, keep_freed_memory, machine
from experiments.common import runs

MISMATCH = 0.2  # an extrapolated build time further than this from the last build's, relatively, is flagged


def cell(value: float, width: int, digits: int, missing: str = "-") -> str:
    return f"{missing:>{width}}" if math.isnan(value) else f"{value:>{width}.{digits}f}"


def ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator > 0 else math.nan


def main() -> None:
    parser = argparse.ArgumentParser(description=bench.__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threads", type=int, default=1, help="torch threads (the build's jobs run on one each, two side by side)")
    parser.add_argument("--steps", type=int, default=50, help="timed units per run, at most the build's own count")
    parser.add_argument("--quick", action="store_true", help="tiny grids and few steps: checks agreement, times nothing of note")
    parser.add_argument("--grids", nargs="+", help=f"only the grids whose names start with one of these: {', '.join(bench.GRIDS)}")
    parser.add_argument("--variants", nargs="+", choices=VARIANTS, default=list(VARIANTS), help="ways to time (ours always)")
    args = parser.parse_args()
    allocator = keep_freed_memory()  # before any way allocates: every way runs under the same allocator
    runs.start(args)  # the jobs' own settings: threads, deterministic algorithms, denormals flushed
    config = yaml.safe_load(bench.CONFIG.read_text())
    steps = 4 if args.quick else args.steps
    if args.quick:
        config = bench.quick_config(config)
    rates = Rates.measure(args.quick)
    print(f"machine: {machine()}\n{allocator}")
    print(f"measured at the start: {rates.describe()}; at most {steps} timed units per run")
    print("baselines run one seed's cells; their times are scaled to the whole grid (x seeds). ms = per unit of the whole grid;\n"
          "'-': the way does not apply (no sufficient statistic: math x = 1 by definition); 'skip': not timed in this run.\n")
    print(f"{'grid':<26}{'runs':>6}{'units':>6}{'naive ms':>10}{'stats ms':>10}{'vmap ms':>10}{'vstats ms':>10}{'ours ms':>9}"
          f"{'math x':>8}{'batch x':>8}{'kernel x':>9}{'e2e naive':>10}{'e2e vmap':>9}{'of roof':>8}{'bound ms':>9}{'of bound':>9}"
          f"{'setup s':>8}{'build s':>8}{'last s':>7}{'mm GF':>6}  agree")
    variants = [name for name in VARIANTS if name in args.variants or name == "ours"]
    build = dict.fromkeys(VARIANTS, 0.0)
    rows, families, members, all_agree = {}, {}, {}, True
    for g in bench.grids(config, args.grids):
        rates = Rates.measure(args.quick, repeats=3)  # again, just before the grid: its bounds at the same moment as its times
        r = run_grid(g, steps, variants)
        t = {name: r[name][0] if name in r else math.nan for name in VARIANTS}
        statistic = "naive-stats" in g.ways
        plain, ensembled = (t["naive-stats"], t["vmap-stats"]) if statistic else (t["naive"], t["vmap"])  # on the data ours uses
        setup = np.nan_to_num(r["ours"].setup)
        cost = setup + t["ours"] * g.build_steps
        last = last_build_seconds(g, config)
        roof = rates.roofline(g.flops, g.bytes, g.dtype)
        bound = rates.attainable(g.flops, g.bytes, g.dtype, g.work)
        rows[g.name] = {"cost": cost, "naive": ratio(t["naive"], t["ours"]), "vmap": ratio(t["vmap"], t["ours"]),
                        "roof": roof / t["ours"], "bound": bound / t["ours"]}
        if g.family:  # the family's sums over its grids' build units: seconds of each way, and of the two bounds
            total = families.setdefault(g.family, dict.fromkeys(("cost", "naive", "vmap", "ours", "roof", "bound"), 0.0))
            members.setdefault(g.family, []).append(g.name)
            for key, value in (("cost", cost), ("naive", t["naive"]), ("vmap", t["vmap"]), ("ours", t["ours"]), ("roof", roof), ("bound", bound)):
                total[key] += value * (1 if key == "cost" else g.build_steps)
        for name in ("naive", "vmap", "ours"):
            build[name] += t[name] * g.build_steps + (setup if name == "ours" else 0.0)
        all_agree &= agree(g, r)
        skipped = lambda name: "-" if name not in g.ways else "skip"  # noqa: E731
        flag = "!" if abs(ratio(cost, last) - 1) > MISMATCH else " "
        print(f"{g.name:<26}{g.runs:>6}{min(steps, g.build_steps):>6}"
              + "".join(cell(1e3 * t[name], 10, 2, skipped(name)) for name in ("naive", "naive-stats", "vmap", "vmap-stats"))
              + f"{1e3 * t['ours']:>9.3f}{cell(ratio(t['naive'], t['naive-stats']) if statistic else 1.0, 8, 1)}"
              f"{cell(ratio(plain, ensembled), 8, 1)}{cell(ratio(ensembled, t['ours']), 9, 1)}"
              f"{cell(rows[g.name]['naive'], 10, 1)}{cell(rows[g.name]['vmap'], 9, 1)}{rows[g.name]['roof']:>8.2f}"
              f"{1e3 * bound:>9.3f}{rows[g.name]['bound']:>9.2f}{cell(r['ours'].setup, 8, 2, '?')}{cost:>8.1f}{cell(last, 7, 1)}{flag}"
              f"{rates.matmul[g.dtype] / 1e9:>5.0f} "
              f"{'yes' if agree(g, r) else 'NO'}")
    if not rows:
        return
    for family, total in families.items():  # a family counts as one grid of the build, in place of its members
        print(f"{family:<26} build s {total['cost']:.1f}, e2e naive {ratio(total['naive'], total['ours']):.1f}, e2e vmap "
              f"{ratio(total['vmap'], total['ours']):.1f}, of roof {total['roof'] / total['ours']:.2f}, of bound {total['bound'] / total['ours']:.2f}"
              " (each way's seconds summed over the family's grids at their build units)")
        for name in members[family]:
            del rows[name]
        rows[family] = {"cost": total["cost"], "naive": ratio(total["naive"], total["ours"]), "vmap": ratio(total["vmap"], total["ours"]),
                        "roof": total["roof"] / total["ours"], "bound": total["bound"] / total["ours"]}
    costliest = max(rows, key=lambda name: rows[name]["cost"])
    print(f"""
math x = naive / stats (the per-run loop on samples over the same loop on ours' sufficient statistic); batch x = stats /
vstats (torch.func's ensembling of that loop; where ours uses no statistic, naive / vmap); kernel x = vstats / ours (or vmap /
ours): the three multiply to e2e naive = naive / ours, end to end.  e2e vmap = vmap / ours, torch.func's ensembling on
samples against ours, end to end.  of roof = roofline / ours (matrix products at the matmul rate, or bytes at the copy rate);
bound = the attainable bound (the roofline's products plus the elementwise work the algorithm cannot avoid at this
machine's rates, measured again just before each grid: mm GF is that measurement's matmul rate in the grid's float type),
of bound = bound / ours.  ours ms excludes ours' one-time cost, setup s ('?': lost in noise);
build s = setup s + ours at the build's own count of units, extrapolated from the timed units; last s = the wall seconds
of the last build's jobs of the grid, from their manifests in results/ (with the process's start-up and imports, and
another job beside it; '-': none, or not of this config); '!': build s and last s differ by more than {MISMATCH:.0%}."""
          + ("" if all_agree else "\nsome ways do NOT agree with ours: their times compare different work"))
    print(f"all grids together (build seconds of each way, ours' one-time costs included, the baselines' not): "
          f"speedup_vs_naive={ratio(build['naive'], build['ours']):.2f} speedup_vs_vmap={ratio(build['vmap'], build['ours']):.2f}")
    top = rows[costliest]
    print(f"costliest_grid={costliest.replace(' ', '_')} build_s={top['cost']:.1f} speedup_vs_naive={top['naive']:.2f} "
          f"speedup_vs_vmap={top['vmap']:.2f} attainable_fraction={top['bound']:.3f} roofline_fraction={top['roof']:.3f}")


if __name__ == "__main__":
    main()
