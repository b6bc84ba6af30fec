"""The cluster path (README "On a cluster"): a dry run of the SLURM profile lists every job of the full
build with its resources, and the same profile, with Snakemake's cluster-generic executor and a
submit script that starts jobs in the background in place of sbatch, builds the smoke paper with the
same results tables as a local run and hands each job the resources that the SLURM dry run lists."""
import itertools
import re
from math import prod
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SLURM = ["--profile", "workflow/profiles/slurm"]
SUBMIT = "bash tests/workflow/submit_background.sh {threads} {resources.mem_mb} {resources.runtime}"  # what it logs
PROFILE = yaml.safe_load((ROOT / "workflow/profiles/slurm/config.yaml").read_text())


def listed_jobs(dry_run: str) -> list[dict]:
    """Each job of a dry run: its rule, whether it is submitted (it has outputs, so something to run), threads and resources."""
    blocks = re.split(r"^\[.*\]\n(?=(?:local)?rule )", dry_run, flags=re.M)[1:]
    jobs = []
    for block in blocks:
        rule = re.match(r"(?:local)?rule (\w+):", block).group(1)
        threads = re.search(r"^\s+threads: (\d+)$", block, re.M)
        resources = dict(re.findall(r"(\w+)=([^,\s]+)", re.search(r"^\s+resources: (.*)$", block, re.M).group(1)))
        jobs.append({"rule": rule, "submitted": "    output: " in block, "threads": int(threads.group(1)) if threads else 1, **resources})
    return jobs


def test_slurm_dry_run_lists_few_jobs_with_their_resources(snakemake):
    result = snakemake(ROOT, *SLURM, "--dry-run", "--forceall")
    assert result.returncode == 0, result.stderr[-3000:]
    jobs = listed_jobs(result.stdout + result.stderr)
    total = int(re.search(r"^total\s+(\d+)$", result.stdout + result.stderr, re.M).group(1))
    assert len(jobs) == total
    for job in jobs:  # a cluster needs memory and a time limit for every job
        assert int(job["mem_mb"]) > 0 and int(job["runtime"]) > 0, job
    training = [job for job in jobs if job["rule"] in PROFILE["set-threads"]]
    assert training and all(job["threads"] == PROFILE["set-threads"][job["rule"]] for job in training)
    assert all(int(job["runtime"]) == PROFILE["set-resources"][job["rule"]]["runtime"] for job in training)
    # batched: each training job is a whole grid, so tens of thousands of runs make a few dozen jobs
    full = yaml.safe_load((ROOT / "workflow/configs/full.yaml").read_text())
    e1 = full["loss_floor"]
    runs = len(full["seeds"]) * prod(len(e1[k]) for k in ("classes", "rho", "samples_per_key", "models"))
    assert runs > 10_000 and total < 200


@pytest.mark.slow
def test_smoke_build_through_a_batch_system(repo_copy, snakemake, smoke_build):
    # only two cores here: four jobs at once with at most two threads each, as in the local build
    local = ["--jobs", "4", "--cores", "4", "--max-threads", "2", "--seconds-between-status-checks", "1"]
    generic = ["--executor", "cluster-generic", "--cluster-generic-submit-cmd", SUBMIT]
    result = snakemake(repo_copy, *SLURM, *generic, *local, "--configfile", "workflow/configs/smoke.yaml", *smoke_build.select)
    assert result.returncode == 0, result.stderr[-4000:]

    # every job went through the submit script, asking for what the SLURM dry run lists
    submitted = [dict(re.findall(r"(\w+)=(\d+)", line), rule=line.split(".")[1])
                 for line in (repo_copy / ".snakemake/submitted.log").read_text().splitlines()]
    dry = snakemake(repo_copy, *SLURM, *local, "--configfile", "workflow/configs/smoke.yaml", *smoke_build.select, "--dry-run", "--forceall")
    listed = listed_jobs(dry.stdout + dry.stderr)
    assert sorted(job["rule"] for job in submitted) == sorted(job["rule"] for job in listed if job["submitted"])
    for rule, jobs in itertools.groupby(sorted(listed, key=lambda job: job["rule"]), key=lambda job: job["rule"]):
        asked = {(int(j["threads"]), int(j["mem_mb"]), int(j["runtime"])) for j in submitted if j["rule"] == rule}
        assert asked <= {(j["threads"], int(j["mem_mb"]), int(j["runtime"])) for j in jobs}, rule
    assert any(j["mem_mb"] == str(PROFILE["default-resources"]["mem_mb"]) for j in submitted)  # a cheap rule's default

    # the same results tables as the local build, byte for byte
    tables = {p.relative_to(repo_copy): p.read_bytes() for p in (repo_copy / "results").rglob("*.csv")}
    expected = {p.relative_to(smoke_build.path): p.read_bytes() for p in (smoke_build.path / "results").rglob("*.csv")}
    assert tables.keys() == expected.keys() and tables == expected
    if not smoke_build.select:
        assert (repo_copy / "paper/build/paper.pdf").read_bytes().startswith(b"%PDF")
