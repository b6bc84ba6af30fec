# The validated config, the experiments of the registry, and the code each job runs, derived from its imports.
import ast
import json
import re
from functools import cache
from pathlib import Path

import jsonschema
import yaml
from snakemake.exceptions import WorkflowError

from experiments.common.io import git_commit
from experiments.registry import BY_NAME, EXPERIMENTS


def schema():
    """workflow/schemas/config.schema.yaml with each experiment's section (its spec's schema) required under properties."""
    load = lambda text: yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # libyaml's safe loader: 0.16 s less per start
    full = load(Path(workflow.basedir, "workflow/schemas/config.schema.yaml").read_text())
    for experiment in EXPERIMENTS:
        if experiment.section:
            full["properties"][experiment.section] = load(experiment.schema)
            full["required"].append(experiment.section)
    return full


# Snakemake's validate() reads a schema file only; this is the same check (JSON Schema draft 2020-12) on the schema
# assembled above, and the same error: the build stops before any job, naming the value, the field and what is allowed.
try:
    jsonschema.Draft202012Validator(schema()).validate(config)
except jsonschema.ValidationError as error:
    raise WorkflowError("Error validating config file.", error)

ENV = "../envs/paper.yaml"  # every rule's software, for --sdm conda; `make` uses .venv instead
COMMIT = git_commit()  # printed in the paper; a new commit rebuilds only the macros and the PDF
SEEDS = " ".join(str(seed) for seed in config["seeds"])
PROJECT = ("theory", "experiments", "paper")  # the packages whose modules are code inputs


# Code inputs: a job's code is every project module that its script imports, directly or transitively, read from the
# modules' import statements (anywhere in a module, functions included), never typed by hand.  Importing a.b.c also
# runs a/__init__.py and a/b/__init__.py.  Two modules load others by name from the registry: the registry loads every
# spec, and the ledger every experiment's claims: LOADED_BY_NAME adds those.  tests/workflow/test_code_inputs.py checks
# the result against what Python loads, and that editing a module reruns exactly the jobs whose scripts import it.
LOADED_BY_NAME = {
    "experiments.registry": [f"{experiment.package}.spec" for experiment in EXPERIMENTS],
    "experiments.claims": [experiment.claims for experiment in EXPERIMENTS],
}


@cache
def module_file(name):
    """The source file of a project module (a.b -> a/b.py or a/b/__init__.py), or None if it is none."""
    path = Path(*name.split("."))
    return next((f for f in (path.with_suffix(".py"), path / "__init__.py") if f.is_file()), None)


def statements(body):
    """Every statement of a block and of the blocks nested in it (imports are statements: expressions need no visit)."""
    for node in body:
        yield node
        for block in ("body", "orelse", "finalbody", "handlers", "cases"):
            yield from statements(getattr(node, block, None) or [])


@cache
def imported_names(file):
    """The names of the modules that a source file imports (for `from a import b`: a, and a.b in case b is a module)."""
    names = []
    for node in statements(ast.parse(file.read_text(), str(file)).body):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                raise WorkflowError(f"{file}: a relative import; write it absolute, so that its code inputs can be read")
            names += [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
    return tuple(names)


@cache
def imports(name):
    """The project's source files that importing module ``name`` runs, its own included: a sorted tuple."""
    files, seen, todo = set(), set(), [name]
    while todo:
        current = todo.pop()
        if current in seen or current.split(".")[0] not in PROJECT:
            continue
        seen.add(current)
        parts = current.split(".")
        for file in {module_file(".".join(parts[:i])) for i in range(1, len(parts) + 1)} - {None}:
            files.add(file)
            todo += imported_names(file)
        todo += LOADED_BY_NAME.get(current, [])
    return tuple(sorted(str(f) for f in files))


def code(*modules):
    """The code inputs of a job whose script runs these modules."""
    return sorted({f for name in modules for f in imports(name)})


def section(name):
    """One experiment's config section as JSON, for the job's command line."""
    return json.dumps(config[name], sort_keys=True)


def arguments(options):
    """A job's own arguments on its run's command line: {"model": "mlp", "classes": 2} -> --model mlp --classes 2."""
    return " ".join(f"--{name} {value}" for name, value in options.items())


def jobs(experiment):
    """An experiment's jobs in this build: job name -> its run's arguments."""
    return experiment.jobs(config[experiment.section]) if experiment.section else {}


def tables(experiment):
    """An experiment's results tables in this build."""
    return [f"results/{experiment.section}/{job}.csv" for job in jobs(experiment)]


TABLES = [table for experiment in EXPERIMENTS for table in tables(experiment)]  # every experiment's, for the ledger


def figure_tables(name):
    """What a figure plots: its experiment's tables, or the ledger."""
    experiment = BY_NAME[name]
    return tables(experiment) if experiment.section else ["results/claims.csv"]


def tabled():
    """The experiments whose folder holds a table for the text (experiments/<name>/table.py)."""
    return [experiment.name for experiment in EXPERIMENTS if module_file(experiment.table)]


def docstring(wildcards):
    """The figure script's docstring, as reStructuredText's plain text: the figure's caption in the report."""
    script = module_file(BY_NAME[wildcards.figure].figure)
    text = ast.get_docstring(ast.parse(script.read_text()))
    if not text:
        raise ValueError(f"{script} has no docstring: it is the figure's caption in the report")
    text = re.sub(r"([\\|*`_])", r"\\\1", text)  # |G|^2 is no substitution, *x* no emphasis
    return re.sub(r"^\(", r"\\(", text, flags=re.M)  # a line's "(a) ..." is no enumerated list
