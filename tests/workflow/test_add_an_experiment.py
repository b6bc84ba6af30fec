"""Adding an experiment is its folder, one registry line and its config section (README "Add an experiment"): a toy
experiment added so, in a copy of the finished smoke build, runs through the workflow to a ledger row and a figure,
and nothing else trains again."""
import hashlib
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

TOY = {  # experiments/e0_coin/: a coin whose heads follow the rule with probability rho, the rest fair
    "spec.py": '''"""E0: a coin on the dial (a toy: tests/workflow/test_add_an_experiment.py)."""
from experiments.common.spec import Experiment

CELL = ("flips", "rho")

SCHEMA = """
type: object
additionalProperties: false
required: [flips, rho]
properties:
  flips: {description: flips per seed and rho, type: integer, minimum: 1}
  rho: {$ref: "#/$defs/dial"}
"""

SPEC = Experiment(name="e0_coin", title="E0: a coin on the dial", section="coin", schema=SCHEMA)
''',
    "run.py": '''"""E0: each flip is the rule's side with probability rho and a fair coin's otherwise; measured: the fraction on the rule's side."""
import pandas as pd
import torch

from experiments.common import runs


def main() -> None:
    args = runs.parser(__doc__).parse_args()
    started = runs.start(args)
    rows = []
    for rho in args.config["rho"]:
        for seed in args.seeds:
            flips = torch.rand(args.config["flips"], generator=torch.Generator().manual_seed(seed)) < rho + (1 - rho) / 2
            rows.append({"flips": args.config["flips"], "rho": rho, "seed": seed, "quantity": "rule_side", "value": flips.double().mean().item()})
    runs.finish(args, pd.DataFrame(rows), started)


if __name__ == "__main__":
    main()
''',
    "claims.py": '''"""E0's claim: T1's Bayes accuracy with V = 2 classes."""
from experiments.common.ledger import STANDARD_ERRORS, Claim, standard_errors
from experiments.e0_coin.spec import CELL
from theory.bayes_floor import bayes_accuracy

CLAIMS = (
    Claim("E0.rule_side", "E0", "coin", "rule_side", CELL, predict=lambda c: bayes_accuracy(c["rho"], 2),
          tolerance=standard_errors(STANDARD_ERRORS), rationale="4 standard errors over seeds", source="T1", kind="prediction"),
)
''',
    "figure.py": '''"""Figure E0: the fraction of flips on the rule's side against rho, with T1's rho + (1 - rho)/2."""
import matplotlib.pyplot as plt
import numpy as np

from experiments.common import figures
from experiments.common.stats import summarise
from theory.bayes_floor import bayes_accuracy


def main() -> None:
    args = figures.parser(__doc__).parse_args()
    data = figures.read(args.tables)
    fig, ax = plt.subplots(figsize=(figures.WIDTH / 2, 2))
    figures.points(ax, summarise(data, ["rho"]), "rho", color="k", marker="o")
    ax.plot(np.linspace(0, 1, 50), bayes_accuracy(np.linspace(0, 1, 50), 2), color="C0")
    figures.save(fig, args.out)


if __name__ == "__main__":
    main()
''',
}


def digests(tree: Path) -> dict[str, str]:
    """The source files of a tree (results and build outputs aside) and their contents' sha256."""
    skip = ("results", "paper/generated", "paper/build", ".snakemake")
    return {str(p.relative_to(tree)): hashlib.sha256(p.read_bytes()).hexdigest() for p in tree.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and not str(p.relative_to(tree)).startswith(skip)}


@pytest.mark.slow
def test_a_toy_experiment_runs_through_the_workflow_to_a_ledger_row_and_a_figure(smoke_build, snakemake, tmp_path):
    assert smoke_build.result.returncode == 0, smoke_build.result.stderr[-4000:]
    tree = tmp_path / "repo"
    shutil.copytree(smoke_build.path, tree, symlinks=True)  # the smoke build, finished
    before = digests(tree)

    folder = tree / "experiments/e0_coin"
    folder.mkdir()
    for name, text in TOY.items():
        (folder / name).write_text(text)
    registry = tree / "experiments/registry.py"
    registry.write_text(re.sub(r"(FOLDERS = \(.*\n)", r'\1    "e0_coin",\n', registry.read_text(), count=1))
    with (tree / "workflow/configs/smoke.yaml").open("a") as smoke:
        smoke.write("\ncoin:  # E0, a toy\n  flips: 2000\n  rho: [0.0, 0.5, 1.0]\n")

    after = digests(tree)
    changed = sorted(name for name in after if before.get(name) != after[name])
    assert len(changed) <= 6, changed

    made = snakemake(tree, "--profile", "workflow/profiles/smoke", "results/claims.csv", "paper/generated/e0_coin.pdf")
    assert made.returncode == 0, made.stderr[-4000:]
    ran = re.findall(r"^(?:local)?rule (\w+):", made.stdout + made.stderr, re.M)
    assert sorted(ran) == ["claims", "coin", "figure"], ran  # the toy's job, the ledger and its figure: nothing else trains again

    ledger = pd.read_csv(tree / "results/claims.csv")
    rows = ledger[ledger["claim"] == "E0.rule_side"]
    assert len(rows) == 3 and set(rows["kind"]) == {"prediction"} and rows["verdict"].isin(["pass", "fail", "inconclusive"]).all()
    assert ledger["claim"].iloc[0] == "E0.rule_side"  # the registry's first line: the ledger's first claim
    assert (tree / "paper/generated/e0_coin.pdf").read_bytes().startswith(b"%PDF")
