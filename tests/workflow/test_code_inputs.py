"""Code inputs are derived, never typed: editing any module of the project makes `snakemake -n` schedule exactly the
jobs whose scripts import it, directly or transitively, and no others (workflow/rules/common.smk reads the imports).

"Whose scripts import it" is measured here, not read from the workflow: each job's script module (the `python -m`
of its shell command) is imported in a fresh child process, and the project's source files in sys.modules
afterwards are what it imports.  Every module is edited at once, in a copy of the finished smoke build; the reason
that `snakemake -n` gives for a job lists its updated input files one by one, so the dry runs answer for every module
at once: the modules a job names as updated must be exactly those its script imports.  A job downstream of a
scheduled one is given that as its reason instead, so the jobs are read level by level: the jobs whose reason is
complete are read, their outputs marked up to date (`snakemake --touch`: new times, same contents), and the dry
run repeated, until nothing is left to run.
"""
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = ("theory", "experiments", "paper", "workflow/scripts")  # every Python module of the project (tests aside)

TRACE = r"""
import importlib, json, os, sys
root = os.path.realpath(sys.argv[1])
sys.path.insert(0, root)
# the third-party libraries the scripts use, loaded once before the children fork (none of them imports the project)
import matplotlib.pyplot, numpy, pandas, scipy.stats, sklearn.datasets, sympy, torch, yaml  # noqa: E401
assert not [m for m in sys.modules if m.split(".")[0] in ("theory", "experiments", "paper")]
loaded = {}
for script in sys.argv[2:]:
    read, write = os.pipe()
    if os.fork() == 0:
        os.close(read)
        importlib.import_module(script)
        files = {os.path.relpath(os.path.realpath(m.__file__), root) for name, m in list(sys.modules.items())
                 if name.split(".")[0] in ("theory", "experiments", "paper") and getattr(m, "__file__", None)}
        with os.fdopen(write, "w") as out:
            json.dump(sorted(files), out)
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as answer:
        loaded[script] = json.loads(answer.read() or "null")
    os.wait()
print(json.dumps(loaded))
"""


def project_modules(tree: Path) -> list[Path]:
    return sorted(p for folder in PROJECT for p in (tree / folder).rglob("*.py"))


def scheduled(dry_run: str) -> list[dict]:
    """Each job of `snakemake -n -p`'s output: its rule, output, the updated input files its reason names, its script."""
    jobs = []
    for block in re.split(r"\n(?=\[[A-Z][a-z]{2} [A-Z][a-z]{2} )", dry_run):
        rule = re.search(r"^(?:local)?rule (\w+):", block, re.M)
        if not rule:
            continue
        reason = re.search(r"^\s*reason: (.*)$", block, re.M).group(1)
        updated = re.search(r"Updated input files: ([^;]*)", reason)
        script = re.search(r"^Shell command: python -m ([\w.]+)", block, re.M)
        output = re.search(r"^\s*output: (.*)$", block, re.M)
        jobs.append({"rule": rule.group(1), "output": output.group(1).split(", ") if output else [], "complete": "updated by another job" not in reason,
                     "updated": set(updated.group(1).split(", ")) if updated else set(), "script": script.group(1) if script else None})
    return jobs


@pytest.mark.slow
def test_editing_a_module_reruns_exactly_the_jobs_whose_scripts_import_it(smoke_build, snakemake, tmp_path):
    assert smoke_build.result.returncode == 0, smoke_build.result.stderr[-4000:]
    tree = tmp_path / "repo"
    shutil.copytree(smoke_build.path, tree, symlinks=True)  # results, metadata and modification times as built
    up_to_date = snakemake(tree, "-n", "--profile", "workflow/profiles/smoke", *smoke_build.select)
    assert up_to_date.returncode == 0 and "Nothing to be done" in up_to_date.stdout + up_to_date.stderr
    every = snakemake(tree, "-n", "-p", "--forceall", "--profile", "workflow/profiles/smoke", *smoke_build.select)
    with_script = {tuple(job["output"]) for job in scheduled(every.stdout + every.stderr) if job["script"]}

    modules = project_modules(tree)
    for module in modules:  # a comment line: new content, the same code
        with module.open("a") as source:
            source.write("\n# edited by tests/workflow/test_code_inputs.py\n")
    jobs, left = [], None
    for _ in range(8):  # a level of the DAG per round: training, theory and macros; the ledger and figures; what reads the ledger
        dry = snakemake(tree, "-n", "-p", "--profile", "workflow/profiles/smoke", *smoke_build.select)
        assert dry.returncode == 0, dry.stderr[-3000:]
        left = [job for job in scheduled(dry.stdout + dry.stderr) if job["rule"] != "all"]
        read = [job for job in left if job["complete"]]
        if not read:
            break
        jobs += read
        touched = snakemake(tree, "--touch", "--profile", "workflow/profiles/smoke", *[f for job in read for f in job["output"]])
        assert touched.returncode == 0, touched.stderr[-3000:]
    assert not left, f"jobs still scheduled, with no reason of their own: {left}"
    assert {job["rule"] for job in jobs} >= {"loss_floor", "claims", "figure", "theory", "ledger", "build_macros"}, jobs

    scripts = sorted({job["script"] for job in jobs if job["script"]})
    traced = subprocess.run([sys.executable, "-c", TRACE, str(tree), *scripts], cwd=tree, capture_output=True, text=True, timeout=600)
    assert traced.returncode == 0, traced.stderr[-3000:]
    imports = {script: set(files) for script, files in json.loads(traced.stdout).items()}
    edited = {str(m.relative_to(tree)) for m in modules}
    for script, files in imports.items():
        assert files and files <= edited, f"{script} imports no module of the project, or one that is not under {PROJECT}: {files - edited}"

    for job in jobs:
        code = {f for f in job["updated"] if f.endswith(".py")}
        expected = imports[job["script"]] if job["script"] else set()
        assert code == expected, (f"{job['rule']} -> {job['output']}: snakemake reruns it for {sorted(code - expected)} that its script does "
                                  f"not import, and not for {sorted(expected - code)} that it does")
    # and every job of the build whose script is a project module was scheduled, once
    assert sorted(tuple(job["output"]) for job in jobs if job["script"]) == sorted(with_script)


def test_the_registry_and_specs_load_without_torch_pandas_or_sympy(root):
    probe = "import sys, experiments.registry; print(sorted({m.split('.')[0] for m in sys.modules} & {'torch', 'pandas', 'sympy', 'numpy'}))"
    loaded = subprocess.run([sys.executable, "-c", probe], cwd=root, capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]"


def test_only_the_runs_load_torch(root):
    """The figures, the ledger and the paper's scripts never load torch: a figure's edit rebuilds in seconds."""
    from experiments.registry import EXPERIMENTS

    scripts = [e.figure for e in EXPERIMENTS] + ["experiments.claims", "paper.ledger", "paper.middle_map", "paper.build_macros", "paper.derivations"]
    probe = f"import importlib, sys\nfor s in {scripts!r}: importlib.import_module(s)\nprint('torch' in sys.modules)"
    loaded = subprocess.run([sys.executable, "-c", probe], cwd=root, capture_output=True, text=True)
    assert loaded.returncode == 0, loaded.stderr[-2000:]
    assert loaded.stdout.strip() == "False"
