"""The experiments, in the order of the paper: the one list of them (README "Add an experiment").

Each line names an experiment's folder under experiments/, whose spec.py defines its SPEC.  The workflow generates
its rules from this list (workflow/rules/), the ledger evaluates the claims of each in this order
(experiments/claims.py), and verify and compare read from it which quantities jump (workflow/scripts/compare.py).
E7 comes last: it maps the others.  Importing this module loads the specs only: no torch, no pandas, no SymPy.
"""
from importlib import import_module

from experiments.common.spec import Experiment

FOLDERS = (  # one line per experiment, in the order of the paper
    "e1_loss_floor",
    "e2_gradient_noise",
    "e3_least_squares",
    "e4_deep_linear",
    "e5_zipf_scaling",
    "e6_capacity",
    "e8_modular_addition",
    "e9_digits",
    "e7_middle_map",
)


def load(folder: str) -> Experiment:
    """The SPEC of experiments/<folder>/spec.py, checked to name its own folder."""
    spec = import_module(f"experiments.{folder}.spec").SPEC
    if spec.name != folder:
        raise ValueError(f"experiments/{folder}/spec.py: its SPEC is named {spec.name!r}; an experiment's name is its folder's")
    return spec


EXPERIMENTS: tuple[Experiment, ...] = tuple(load(folder) for folder in FOLDERS)
BY_NAME = {experiment.name: experiment for experiment in EXPERIMENTS}
BY_SECTION = {experiment.section: experiment for experiment in EXPERIMENTS if experiment.section}
