"""Do two builds agree?  Results tables compared value by value, each quantity within a stated
tolerance, and two claims ledgers compared cell by cell (README "Do the results still match?").

    python workflow/scripts/compare.py REF [NEW]   # `make compare REF=...`; NEW defaults to results/

REF and NEW are each a results folder (holding claims.csv and <experiment>/<table>.csv) or a git
commit, whose recorded reference ledger (workflow/reference/<build>/claims.csv, --build default
or smoke) is read.  Printed: the claims whose verdict flipped, the measurements that moved outside
the reference's 95% interval, and the cells present in one ledger only.  Exit status 1 when any.

Across machines, float rounding differs: torch picks its vectorised kernels by the CPU's vector
width (AVX-512, AVX2, ...), and a reduction such as the softmax's sum over V classes adds in
another order when V fills more than one vector.  ``SMOOTH`` states how far a quantity may move for
that reason alone; the quantities that jump, which the ledger judges instead, are named by each experiment's spec
(``jumps``); ``verify.py`` applies both to the smoke build.
"""
import argparse
import io
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from experiments.registry import BY_SECTION

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "workflow/reference"  # <build>/: the authors' recorded results (README)
LEDGER = "claims.csv"
AUDIT = "resolving_power.csv"  # the falsifiability audit beside the ledger (experiments/common/audit.py)
LEDGER_KEY = ["claim", "params"]


@dataclass(frozen=True)
class Tolerance:
    """|a - b| <= rtol * max(|a|, |b|) + floor * (the quantity's largest |value| in the reference table); equal values
    (equal infinities among them, whose difference is NaN) and NaN against NaN pass; an infinity against anything else
    moves."""
    rtol: float
    floor: float

    def allows(self, a: np.ndarray, b: np.ndarray, scale: np.ndarray) -> np.ndarray:
        both_nan = np.isnan(a) & np.isnan(b)
        with np.errstate(invalid="ignore"):  # inf - inf, decided by a == b first
            return both_nan | (a == b) | (np.isfinite(a) & np.isfinite(b) & (np.abs(a - b) <= self.rtol * np.maximum(np.abs(a), np.abs(b)) + self.floor * scale))


# Float32 training, about a thousand ulps: the smoke results moved by at most 2e-6 (relative) between torch's
# AVX-512, AVX2 and scalar kernels on one machine.
SMOOTH = Tolerance(1e-4, 1e-6)
# Quantities that jump when a value crosses a threshold (an argmax, a sign, a first step past 1/2): rounding
# can move one count or one crossing.  Each experiment's spec names its own (experiments/<name>/spec.py, ``jumps``);
# their raw moves are listed as notes but judged through the ledger, where a cell's mean over seeds must stay inside
# the reference's 95% interval and keep its verdict.


def jumps(name: str) -> frozenset[str]:
    """The quantities that jump in the results table ``name`` (<section>/<job>.csv): its experiment's spec says."""
    experiment = BY_SECTION.get(Path(name).parts[0])
    return experiment.jumps if experiment else frozenset()


def read_table(path: Path | io.StringIO) -> pd.DataFrame:
    """A tidy table with every column as text (so keys match exactly) but ``value`` as float."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    return table.assign(value=table["value"].replace("", "nan").map(float))  # float() reads nan and inf as CSV writes them


def compare_table(name: str, reference: pd.DataFrame, measured: pd.DataFrame) -> tuple[list[str], list[str]]:
    """(failures, notes) for one results table: rows present in one only, and values beyond their tolerance."""
    key = [c for c in reference.columns if c != "value"]
    if sorted(key) != sorted(c for c in measured.columns if c != "value"):
        return [f"{name}: columns differ ({', '.join(reference.columns)} | {', '.join(measured.columns)})"], []
    joined = reference.merge(measured, on=key, how="outer", suffixes=("_ref", "_new"), indicator=True)
    failures, notes = [], []
    discontinuous = jumps(name)
    for side, label in (("left_only", "only in the reference"), ("right_only", "only in this build")):
        lost = joined[joined["_merge"] == side]
        for quantity, rows in lost.groupby("quantity"):
            (notes if quantity in discontinuous else failures).append(f"{name}: {len(rows)} rows of {quantity} {label}")
    both = joined[joined["_merge"] == "both"]
    for quantity, rows in both.groupby("quantity"):
        a, b = rows["value_ref"].to_numpy(float), rows["value_new"].to_numpy(float)
        scale = np.max(np.abs(a[np.isfinite(a)])) if np.isfinite(a).any() else 0.0  # an infinite value would pass anything
        moved = ~SMOOTH.allows(a, b, scale)
        if not moved.any():
            continue
        with np.errstate(invalid="ignore"):  # an infinity against a finite value: inf / inf, a move of inf
            worst = np.nan_to_num(np.abs(a - b)[moved] / np.maximum(np.abs(a[moved]), 1e-300), nan=np.inf).max()
        line = f"{name}: {int(moved.sum())} of {len(rows)} values of {quantity} moved beyond {SMOOTH.rtol:g} (largest relative move {worst:.2g})"
        (notes if quantity in discontinuous else failures).append(line)
    return failures, notes


def compare_results(reference: Path, measured: Path) -> tuple[list[str], list[str]]:
    """(failures, notes) over every results table of two results folders (the ledger excepted)."""
    names = sorted({p.relative_to(folder).as_posix() for folder in (reference, measured) for p in folder.glob("*/*.csv")})
    failures, notes = [], []
    for name in names:
        ref, new = reference / name, measured / name
        if not (ref.exists() and new.exists()):
            failures.append(f"{name}: {'not built' if ref.exists() else 'not in the reference'}")
            continue
        f, n = compare_table(name, read_table(ref), read_table(new))
        failures += f
        notes += n
    return failures, notes


def compare_ledgers(reference: pd.DataFrame, measured: pd.DataFrame) -> list[str]:
    """One line per cell whose verdict flipped, whose measurement left the reference's 95% interval, or
    that is in one ledger only.  A verdict that flips while the measurement moved by rounding only
    (``SMOOTH``) sits at its tolerance's edge: it is listed, marked so."""
    joined = reference.merge(measured, on=LEDGER_KEY, how="outer", suffixes=("_ref", "_new"), indicator="side")
    lines = []
    for row in joined.itertuples(index=False):
        cell = f"{row.claim} {row.params}"
        if row.side != "both":
            lines.append(f"{cell}: only in {'the reference' if row.side == 'left_only' else 'this build'}")
            continue
        a, b = np.array([row.measured_ref], float), np.array([row.measured_new], float)
        rounding = bool(SMOOTH.allows(a, b, np.abs(a))[0])
        if row.verdict_ref != row.verdict_new:
            edge = " (at its tolerance's edge: the measurement moved by rounding only)" if rounding else ""
            lines.append(f"{cell}: verdict {row.verdict_ref} -> {row.verdict_new}, statistic {row.statistic_ref:.4g} -> {row.statistic_new:.4g}{edge}")
        outside = not rounding and not (row.ci_low_ref <= row.measured_new <= row.ci_high_ref)
        if outside:
            lines.append(f"{cell}: measured {row.measured_new:.6g} outside the reference's 95% interval "
                         f"[{row.ci_low_ref:.6g}, {row.ci_high_ref:.6g}] (was {row.measured_ref:.6g})")
    return lines


def read_ledger(source: str, build: str) -> pd.DataFrame:
    """The ledger of a results folder, or the reference ledger recorded at a git commit."""
    folder = Path(source)
    if folder.is_dir():
        path = folder / LEDGER
        if not path.exists():
            sys.exit(f"compare: {folder} holds no {LEDGER}: build it first (make paper, or make smoke)")
        return pd.read_csv(path, dtype={"params": str})
    recorded = (REFERENCE / build / LEDGER).relative_to(ROOT).as_posix()
    shown = subprocess.run(["git", "show", f"{source}:{recorded}"], cwd=ROOT, capture_output=True, text=True)
    if shown.returncode != 0:
        sys.exit(f"compare: {source!r} is neither a results folder nor a commit with {recorded}: {shown.stderr.strip()}")
    return pd.read_csv(io.StringIO(shown.stdout), dtype={"params": str})


def is_default_build(results: Path) -> bool:
    """Whether every job in ``results`` ran the default config: each manifest's config holds its section of default.yaml."""
    default = yaml.safe_load((ROOT / "workflow/configs/default.yaml").read_text())
    manifests = [json.loads(p.read_text()) for p in results.glob("*/*.json")]
    return bool(manifests) and all(
        any(isinstance(section, dict) and section.items() <= m["config"].items() for section in default.values()) for m in manifests)


def record_default(results: Path) -> None:
    """Copy a default build's ledger and its falsifiability audit to workflow/reference/default/: the authors' ledger
    that `make compare` reads, and the audit that tests/experiments/test_audit.py checks."""
    if not is_default_build(results):
        print(f"compare: {results} is not a default build's results (make paper): the default ledger is not recorded")
        return
    for name in (LEDGER, AUDIT):
        target = REFERENCE / "default" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(results / name, target)
        print(f"Recorded the default build's {name} in {target.relative_to(ROOT)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("reference", nargs="?", default=str(REFERENCE / "default"), help="a results folder, or a git commit (its recorded reference ledger)")
    parser.add_argument("measured", nargs="?", default="results", help="a results folder or commit (default: results)")
    parser.add_argument("--build", default="default", choices=["default", "smoke"], help="which recorded ledger a commit stands for")
    parser.add_argument("--record-default", type=Path, metavar="RESULTS", help="record RESULTS' ledger as the default reference (`make reference`)")
    args = parser.parse_args()
    if args.record_default:
        record_default(args.record_default)
        return
    lines = compare_ledgers(read_ledger(args.reference, args.build), read_ledger(args.measured, args.build))
    print("\n".join(lines) if lines else "compare: every cell of the two ledgers agrees (verdicts, and measurements inside the reference's intervals)")
    sys.exit(1 if lines else 0)


if __name__ == "__main__":
    main()
