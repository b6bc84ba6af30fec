"""Rebuild the smoke results from clean and compare them with the authors' recorded ones
(README "Do the results still match?").

    python workflow/scripts/verify.py           # `make verify`: exit 1 when the results disagree
    python workflow/scripts/verify.py --record  # `make reference`: record this machine's smoke results

Two checks, because bitwise equality is a property of one machine only:
- numerically, on every machine: each value of every results table within the tolerance stated for
  its quantity (compare.SMOOTH; the quantities that jump, compare.jumps, come from each experiment's spec), and
  the ledger cell by cell (verdicts, and measurements inside the recorded 95% intervals), against
  workflow/reference/smoke/;
- bitwise, only on a machine with the recording machine's fingerprint (CPU vendor, family, model,
  stepping and flags, torch's kernel ISA and BLAS, core count, package versions), against
  workflow/reference/smoke.sha256.  A machine with another fingerprint is never failed for it.
The build runs in a temporary copy of the source tree (git's tracked and untracked, unignored files),
so the checkout's own results are never touched.  Manifests (wall times) and logs (dates) are not compared.
"""
import argparse
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import compare  # noqa: E402  (a sibling script)

ROOT = compare.ROOT
REFERENCE = compare.REFERENCE / "smoke"  # the recorded results tables, laid out as results/
CHECKSUMS = compare.REFERENCE / "smoke.sha256"
TARGET = "results/claims.csv"  # the ledger reads every experiment's table, so this builds them all


def copy_source(target: Path) -> None:
    """Copy the files git would commit (tracked, or untracked and not ignored) to ``target``."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT, capture_output=True, check=True)
    for name in filter(None, listed.stdout.decode().split("\0")):
        if (ROOT / name).is_file():  # a tracked file deleted in the work tree is not copied
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)


def build(tree: Path, env: dict[str, str] | None = None) -> None:
    """The smoke build's results in ``tree``, with this Python's snakemake (its jobs run this Python)."""
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, **(env or {}), "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    subprocess.run([str(bin_dir / "snakemake"), "--profile", "workflow/profiles/smoke", TARGET], cwd=tree, env=env, check=True)


def tables(results: Path) -> list[Path]:
    """Every results table under a results folder, the ledger included."""
    return sorted(results.rglob("*.csv"))


def checksums(results: Path) -> dict[str, str]:
    """sha256 of every results table, by path relative to the results folder."""
    return {p.relative_to(results).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in tables(results)}


def machine() -> dict[str, str]:
    """What decides float rounding here: the CPU's identity and flags, torch's kernels, cores, versions."""
    import torch  # torch is slow to import; only this needs it

    cpu: dict[str, str] = {}
    cpuinfo = Path("/proc/cpuinfo")
    for line in cpuinfo.read_text().splitlines() if cpuinfo.exists() else []:
        name, _, value = line.partition(":")
        if name.strip() in ("vendor_id", "model name", "cpu family", "model", "stepping", "flags") and name.strip() not in cpu:
            cpu[name.strip()] = value.strip()
    blas = [line.strip(" -") for line in torch.__config__.show().splitlines() if "Math Kernel Library" in line or "MKL-DNN" in line or "OpenBLAS" in line]
    return {
        "cpu": f"{cpu.get('model name', platform.machine())} (vendor {cpu.get('vendor_id', '?')}, family {cpu.get('cpu family', '?')}, "
               f"model {cpu.get('model', '?')}, stepping {cpu.get('stepping', '?')})",
        "cpu_flags": " ".join(sorted(cpu.get("flags", "").split())),
        "torch_kernels": torch.backends.cpu.get_cpu_capability(),
        "blas": "; ".join(blas),
        "cores": str(os.cpu_count()),
        "versions": f"Python {platform.python_version()}, torch {version('torch')}, numpy {version('numpy')}",
    }


def fingerprint(description: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(description, sort_keys=True).encode()).hexdigest()[:16]


def describe(description: dict[str, str]) -> str:
    return f"{description['cpu']}, torch kernels {description['torch_kernels']}, {description['cores']} cores, {description['versions']}"


def read_checksums(path: Path) -> tuple[dict[str, str], str]:
    """A `sha256sum`-style file ('<hex>  <path>' per line) and the fingerprint in its '# fingerprint:' line."""
    lines = path.read_text().splitlines()
    recorded = next((line.split(":", 1)[1].strip() for line in lines if line.startswith("# fingerprint:")), "")
    sums = {name: digest for digest, name in (line.split(maxsplit=1) for line in lines if line.strip() and not line.startswith("#"))}
    return sums, recorded


def record(results: Path) -> None:
    """Copy the smoke results tables to workflow/reference/smoke/ and write their checksums with this machine's fingerprint."""
    here = machine()
    shutil.rmtree(REFERENCE, ignore_errors=True)
    for table in tables(results):
        target = REFERENCE / table.relative_to(results)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(table, target)
    header = ("# sha256 of the smoke build's results tables, recorded by `make reference` on\n"
              f"# machine: {describe(here)}\n# cpu flags: {here['cpu_flags']}\n# blas: {here['blas']}\n# fingerprint: {fingerprint(here)}\n")
    CHECKSUMS.write_text(header + "".join(f"{digest}  {name}\n" for name, digest in checksums(results).items()))
    print(f"Recorded {len(tables(results))} results tables in {REFERENCE.relative_to(ROOT)}/ and their checksums in {CHECKSUMS.relative_to(ROOT)}")


def check(results: Path) -> list[str]:
    """Failures: numerical on every machine, bitwise where the fingerprint matches the recording machine's.  Prints notes."""
    failures, notes = compare.compare_results(REFERENCE, results)
    failures += compare.compare_ledgers(pd.read_csv(REFERENCE / compare.LEDGER, dtype={"params": str}),
                                        pd.read_csv(results / compare.LEDGER, dtype={"params": str}))
    for line in notes:
        print(f"note: {line}")
    here = machine()
    sums, recorded = read_checksums(CHECKSUMS)
    if fingerprint(here) == recorded:
        measured = checksums(results)
        differing = sorted(name for name in sums.keys() | measured.keys() if sums.get(name) != measured.get(name))
        failures += [f"{name}: not bitwise equal to the record, on a machine with the recording machine's fingerprint" for name in differing]
        print(f"verify: this machine has the recording machine's fingerprint ({recorded}): bitwise checks applied")
    else:
        print(f"verify: this machine's fingerprint ({fingerprint(here)}: {describe(here)}) is not the recording machine's "
              f"({recorded}): numerical checks only, as float rounding may differ")
    return failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--record", action="store_true", help="record the results instead of comparing with them")
    parser.add_argument("--keep", type=Path, help="build in this new folder and keep it (default: a temporary one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="verify-") as scratch:
        tree = args.keep or Path(scratch) / "repo"
        tree.mkdir(parents=True)
        copy_source(tree)
        build(tree)
        if args.record:
            record(tree / "results")
            return
        failures = check(tree / "results")
    for line in failures:
        print(line)
    if failures:
        sys.exit(f"verify: {len(failures)} disagreements with the recorded smoke results (workflow/reference/smoke/)")
    print("verify: the smoke results agree with the recorded ones (every table within its stated tolerance, every ledger cell)")


if __name__ == "__main__":
    main()
