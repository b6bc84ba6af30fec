# The validated config, the code each stage depends on, and the lists of results files.
import ast
import json
import re
from glob import glob
from pathlib import Path

from snakemake.utils import validate

from theory.io import git_commit

validate(config, "../schemas/config.schema.yaml")

ENV = "../envs/paper.yaml"  # every rule's software, for --sdm conda; `make` uses .venv instead
COMMIT = git_commit()  # printed in the paper; a new commit rebuilds only the macros and the PDF
SEEDS = " ".join(str(seed) for seed in config["seeds"])
THEORY_CODE = sorted(glob("theory/*.py"))
EXPERIMENT_CODE = THEORY_CODE + sorted(glob("experiments/*.py"))


def code(*modules):
    """The source files a training job runs: its experiment's modules, the shared ones and theory/."""
    shared = ["experiments/__init__.py", "experiments/runs.py", "experiments/lookup_table.py"]
    return THEORY_CODE + shared + [f"experiments/{module}.py" for module in modules]


LOSS_FLOOR = expand(
    "results/loss_floor/{model}_V{classes}.csv",
    model=config["loss_floor"]["models"],
    classes=config["loss_floor"]["classes"],
)
GRADIENT_NOISE = expand(
    "results/gradient_noise/{model}.csv", model=config["gradient_noise"]["models"]
)
LEAST_SQUARES = expand(
    "results/least_squares/d{features}.csv", features=config["least_squares"]["features"]
)
DEEP_LINEAR = ["results/deep_linear/all.csv"]
ZIPF_SCALING = expand("results/zipf_scaling/{part}.csv", part=["data", "size", "emergence"])
CAPACITY = expand(
    "results/capacity/noise_N{weights}.csv", weights=config["capacity"]["weights"]
) + ["results/capacity/mixture.csv"]
DIGITS = ["results/digits/all.csv"]
MODULAR_ADDITION = ["results/modular_addition/all.csv"]
FIGURES = {  # figure stem -> the results it plots (script paper/figures/<stem>.py)
    "e1_loss_floor": LOSS_FLOOR,
    "e2_gradient_noise": GRADIENT_NOISE,
    "e3_least_squares": LEAST_SQUARES,
    "e4_deep_linear": DEEP_LINEAR,
    "e5_zipf_scaling": ZIPF_SCALING,
    "e6_capacity": CAPACITY,
    "e8_modular_addition": MODULAR_ADDITION,
    "e9_digits": DIGITS,
    "e7_middle_map": ["results/claims.csv"],
}


def section(name):
    """One experiment's config section as JSON, for the job's command line."""
    return json.dumps(config[name], sort_keys=True)


wildcard_constraints:
    model="[a-z]+",
    classes=r"\d+",
    features=r"\d+",
    part="[a-z]+",
    weights=r"\d+",
    figure="[a-z0-9_]+",


def docstring(wildcards):
    """The figure script's docstring, as reStructuredText's plain text: the figure's caption in the report."""
    script = Path(f"paper/figures/{wildcards.figure}.py")
    text = ast.get_docstring(ast.parse(script.read_text()))
    if not text:
        raise ValueError(f"{script} has no docstring: it is the figure's caption in the report")
    text = re.sub(r"([\\|*`_])", r"\\\1", text)  # |G|^2 is no substitution, *x* no emphasis
    return re.sub(r"^\(", r"\\(", text, flags=re.M)  # a line's "(a) ..." is no enumerated list
