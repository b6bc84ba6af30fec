"""How long a writer waits after an edit (README "The benchmark"): times the build's three common loops.

    python workflow/scripts/edit_times.py [--repeats 3] [--keep]

In a temporary copy of the repository (the working tree as it stands; this checkout's venv) it builds
the smoke paper once (untimed set-up), then times, each ``--repeats`` times with a fresh edit:

  no-op         the smoke build (`make smoke`'s Snakemake) with nothing to do: start-up and DAG
  prose edit    a sentence added to paper/paper.tex, to a new PDF
  figure edit   a comment added to one figure script (experiments/e1_loss_floor/figure.py): that
                figure and the PDF are rebuilt, nothing else (the jobs that ran are checked)

and prints the median of each, and a machine-readable last line
``noop_s=<a> prose_edit_s=<b> figure_edit_s=<c>``.  The smoke profile stands in for the default
one: the three loops run the same rules whatever the grids, and the default build's results are
not needed.  Timing claims belong here, not in tests.
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# without .git the copy's commit reads "unknown" throughout: on a clean checkout the first edit would turn the commit
# printed in the paper "-dirty" and rebuild the macros once, which is no part of the loops timed here
IGNORE = shutil.ignore_patterns(".git", ".venv", ".snakemake", "results", "build", "generated", "__pycache__", "*.egg-info")
SNAKEMAKE = ROOT / ".venv/bin/snakemake"
FIGURE = "e1_loss_floor"  # the figure whose script is edited


def make(copy: Path) -> tuple[float, dict[str, int]]:
    """Seconds the smoke build took in the copy, and the jobs it ran by rule (from Snakemake's job stats).
    It runs what `make smoke` runs once the venv and TeX are in place."""
    env = {**os.environ, "PATH": f"{SNAKEMAKE.parent}{os.pathsep}{os.environ['PATH']}"}
    start = time.perf_counter()
    done = subprocess.run([SNAKEMAKE, "--profile", "workflow/profiles/smoke"], cwd=copy, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode:
        sys.exit(f"edit_times: the smoke build failed in {copy}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    jobs = {}
    stats = re.search(r"Job stats:\n.*?\n-+\s+-+\n(.*?)\ntotal", done.stdout + done.stderr, re.S)
    for line in stats.group(1).splitlines() if stats else []:
        rule, count = line.split()
        jobs[rule] = int(count)
    return seconds, jobs


def edit_prose(copy: Path, i: int) -> None:
    tex = copy / "paper/paper.tex"
    text = tex.read_text()
    if "\\end{abstract}" not in text:
        sys.exit("edit_times: paper/paper.tex has no abstract to edit")
    tex.write_text(text.replace("\\end{abstract}", f"An edited sentence, number {i}.\n\\end{{abstract}}", 1))


def edit_figure(copy: Path, i: int) -> None:
    with open(copy / f"experiments/{FIGURE}/figure.py", "a") as script:
        script.write(f"# edit {i}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the temporary copy")
    args = parser.parse_args()
    if not SNAKEMAKE.exists():
        sys.exit("edit_times: run `make setup` first (the copy uses this checkout's .venv)")

    copy = Path(tempfile.mkdtemp(prefix="edit_times_")) / "repo"
    shutil.copytree(ROOT, copy, ignore=IGNORE, symlinks=True)
    try:
        seconds, jobs = make(copy)
        print(f"set-up: the smoke build from scratch in {copy}: {seconds:.1f} s, {sum(jobs.values())} jobs")
        times = {"no-op": [], "prose edit": [], "figure edit": []}
        expected = {"no-op": set(), "prose edit": {"paper"}, "figure edit": {"figure", "paper"}}
        for i in range(args.repeats):
            for loop, edit in [("no-op", None), ("prose edit", edit_prose), ("figure edit", edit_figure)]:
                if edit:
                    edit(copy, i)
                seconds, jobs = make(copy)
                ran = set(jobs) - {"all"}
                if ran != expected[loop] or jobs.get("figure", 0) > 1:
                    sys.exit(f"edit_times: the {loop} ran {jobs}, expected only {sorted(expected[loop])} (one of each)")
                times[loop].append(seconds)
                print(f"{loop:<12} run {i}: {seconds:6.2f} s  jobs {jobs or 'none'}", flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(copy.parent)
    median = {loop: statistics.median(values) for loop, values in times.items()}
    print("\nmedian seconds: " + ", ".join(f"{loop} {value:.2f}" for loop, value in median.items()))
    print(f"noop_s={median['no-op']:.2f} prose_edit_s={median['prose edit']:.2f} figure_edit_s={median['figure edit']:.2f}")


if __name__ == "__main__":
    main()
