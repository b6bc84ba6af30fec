"""Rebuild the smoke results from clean and compare them with the checksums recorded for this machine
(README "When something goes wrong").

    python workflow/scripts/verify.py           # `make verify`: exit 1, naming each table that differs
    python workflow/scripts/verify.py --record  # `make checksums`: (re)write workflow/checksums/smoke.sha256

The build runs in a temporary copy of the source tree (git's tracked and untracked, unignored files),
so the checkout's own results are never touched.  Only the results tables (CSV) are compared:
manifests hold wall times, logs hold dates.  Floating-point results may change with the CPU, so the
checksums are this machine's; record them again after a change that moves the smoke results.
"""
import argparse
import hashlib
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHECKSUMS = ROOT / "workflow/checksums/smoke.sha256"
TARGET = "results/claims.csv"  # the ledger reads every experiment's table, so this builds them all


def copy_source(target: Path) -> None:
    """Copy the files git would commit (tracked, or untracked and not ignored) to ``target``."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT, capture_output=True, check=True)
    for name in filter(None, listed.stdout.decode().split("\0")):
        if (ROOT / name).is_file():  # a tracked file deleted in the work tree is not copied
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)


def build(tree: Path) -> None:
    """The smoke build's results in ``tree``, with this Python's snakemake (its jobs run this Python)."""
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    subprocess.run([str(bin_dir / "snakemake"), "--profile", "workflow/profiles/smoke", TARGET], cwd=tree, env=env, check=True)


def checksums(tree: Path) -> dict[str, str]:
    """sha256 of every results table under ``tree``, by path relative to it."""
    return {p.relative_to(tree).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted((tree / "results").rglob("*.csv"))}


def machine() -> str:
    """The CPU and versions that the checksums hold for."""
    cpuinfo = Path("/proc/cpuinfo")
    models = [line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines() if line.startswith("model name")] if cpuinfo.exists() else []
    return f"{models[0] if models else platform.machine()}, Python {platform.python_version()}, torch {version('torch')}"


def read(path: Path) -> dict[str, str]:
    """A `sha256sum`-style file: '<hex>  <path>' per line, '#' comments."""
    lines = [line for line in path.read_text().splitlines() if line.strip() and not line.startswith("#")]
    return {name: digest for digest, name in (line.split(maxsplit=1) for line in lines)}


def write(path: Path, sums: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    header = f"# sha256 of the smoke build's results tables, recorded by `make checksums` on: {machine()}\n"
    path.write_text(header + "".join(f"{digest}  {name}\n" for name, digest in sums.items()))


def compare(recorded: dict[str, str], measured: dict[str, str]) -> list[str]:
    """One line per table that differs, is missing, or was not recorded; empty when all match."""
    return [
        f"{name}: " + ("not built" if name not in measured else "not recorded" if name not in recorded else "differs")
        for name in sorted(recorded.keys() | measured.keys())
        if recorded.get(name) != measured.get(name)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--record", action="store_true", help="write the checksums instead of comparing with them")
    parser.add_argument("--checksums", type=Path, default=CHECKSUMS)
    parser.add_argument("--keep", type=Path, help="build in this new folder and keep it (default: a temporary one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="verify-") as scratch:
        tree = args.keep or Path(scratch) / "repo"
        tree.mkdir(parents=True)
        copy_source(tree)
        build(tree)
        measured = checksums(tree)
    if args.record:
        write(args.checksums, measured)
        print(f"Recorded {len(measured)} results tables in {args.checksums}")
        return
    problems = compare(read(args.checksums), measured)
    for line in problems:
        print(line)
    if problems:
        sys.exit(f"verify: {len(problems)} of {len(measured)} results tables do not match {args.checksums}, recorded on\n"
                 f"  {args.checksums.read_text().splitlines()[0].split(': ', 1)[-1]}\nThis machine: {machine()}")
    print(f"verify: all {len(measured)} results tables match {args.checksums}")


if __name__ == "__main__":
    main()
