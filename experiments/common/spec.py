"""What the workflow needs to know of an experiment: its spec (README "Add an experiment").

Each experiment is one folder, experiments/<name>/, holding four modules:

    spec.py    its Experiment (below) and the constants that its run, claims and figure share; no torch
    run.py     the training run, ``python -m experiments.<name>.run``: the only module of the folder that loads torch
    claims.py  its claims (experiments/common/ledger.py), declared in the order the paper states them
    figure.py  its figure, ``python -m experiments.<name>.figure`` -> paper/generated/<name>.pdf
    table.py   (optional) a table for the text, ``python -m experiments.<name>.table`` -> paper/generated/<name>_table.tex

experiments/registry.py lists the specs in paper order; the Snakemake rules are generated from that list
(workflow/rules/), so no other file names an experiment.  The folder's name is the figure's stem, from the
script to the paper's \\rebuild line.  The spec is imported when the workflow is parsed: it stays light
(no torch, no pandas, no SymPy).
"""
from dataclasses import dataclass, field
from typing import Callable

Jobs = dict[str, dict[str, object]]  # job name -> the arguments of its run, e.g. {"linear_V2": {"model": "linear", "classes": 2}}


def one_job(section: dict) -> Jobs:
    """One job, "all", that trains the whole grid."""
    return {"all": {}}


@dataclass(frozen=True)
class Experiment:
    name: str  # the folder under experiments/, the figure's stem: "e1_loss_floor"
    title: str  # the paper's id and title: "E1: the loss floor across the dial"
    section: str | None  # its section of the build's config, and its folder of results/; None: it trains nothing, and
    # its figure plots the claims ledger (results/claims.csv) instead of tables of its own (E7)
    schema: str | None = None  # its config section's JSON schema, as YAML text: workflow/rules/common.smk validates the
    # build's config against it before any job runs (the $defs of workflow/schemas/config.schema.yaml are in scope)
    jobs: Callable[[dict], Jobs] = one_job  # its config section -> its jobs; job J writes results/<section>/J.csv
    jumps: frozenset[str] = frozenset()  # quantities that jump at a threshold (an argmax, a first crossing): verify and
    # compare judge them through the ledger, not value by value (workflow/scripts/compare.py)
    resources: dict[str, int] = field(default_factory=lambda: {"mem_mb": 2000, "runtime": 30})  # per job: MB, minutes
    priority: int = 0  # the longest jobs first, so that none is left running alone at the end of the build

    @property
    def package(self) -> str:
        return f"experiments.{self.name}"

    @property
    def run(self) -> str:
        return f"{self.package}.run"

    @property
    def claims(self) -> str:
        return f"{self.package}.claims"

    @property
    def figure(self) -> str:
        return f"{self.package}.figure"

    @property
    def table(self) -> str:
        return f"{self.package}.table"
