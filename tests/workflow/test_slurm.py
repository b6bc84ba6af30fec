"""The cluster path run on a real SLURM cluster (README "On a cluster"): where the tests are root with apt-get,
slurm_cluster installs Debian's slurm-wlm and munge and starts a one-node cluster, and the smoke build's
results (every experiment and the claims table: no TeX needed on the node) are built through
workflow/profiles/slurm with Snakemake's SLURM executor plugin. Every job must have run as a SLURM job (the
cluster lists one completed job per job that Snakemake planned, with its rule, and the job's log shows the
rule run inside it by srun), and the results tables must equal the local smoke build's byte for byte (the
same code on the same machine)."""
import re
import sys
from collections import Counter
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # the helper beside this file (pytest imports with importlib)
import slurm_cluster  # noqa: E402


@pytest.fixture
def cluster():
    """A one-node SLURM cluster, stopped after the test, whether it passed or not; skipped where none can start."""
    why = slurm_cluster.unavailable()
    if why:
        pytest.skip(why)
    cluster = slurm_cluster.Cluster()
    try:
        cluster.start()
        yield cluster
    except slurm_cluster.Busy as busy:
        pytest.skip(str(busy))
    finally:
        cluster.stop()  # whatever start() began, even if it failed half-way


def job_stats(log: str) -> Counter:
    """The jobs Snakemake planned, per rule: its "Job stats" table."""
    table = log.split("Job stats:", 1)[1].split("\ntotal", 1)[0]
    return Counter({rule: int(count) for rule, count in re.findall(r"^(\w+)\s+(\d+)$", table, re.M) if rule != "job"})


@pytest.mark.slow
def test_smoke_build_on_a_one_node_slurm_cluster(cluster, tmp_path, snakemake, smoke_build):
    assert smoke_build.result.returncode == 0, smoke_build.result.stderr[-3000:]
    repo_copy = smoke_build.copy(tmp_path / "repo")  # the code that the local build ran
    cpus = re.search(r" CPUs=(\d+)", cluster.conf.read_text()).group(1)
    smoke = ["results/claims.csv", "--configfile", "workflow/configs/smoke.yaml"]  # target first: --configfile takes a list
    on_this_node = ["--max-threads", cpus]  # the profile gives training a node's worth of cores: this one has fewer
    quick = ["--slurm-init-seconds-before-status-checks", "2"]  # first status check after 2 s, not 40 s
    result = snakemake(repo_copy, *smoke, "--profile", "workflow/profiles/slurm", *on_this_node, *quick,
                       "--slurm-keep-successful-logs", timeout=1500)
    assert result.returncode == 0, result.stderr[-4000:] + cluster.logs()

    # every job Snakemake planned ran as a SLURM job of this workflow run, completed, with its own log
    planned = job_stats(result.stderr)
    jobs = cluster.jobs()
    assert sum(planned.values()) > 0 and len(jobs) == sum(planned.values()), (planned, jobs)
    assert len({job["name"] for job in jobs}) == 1  # the plugin names every job by the run's id
    assert all(job["state"] == "COMPLETED" and job["exit_code"] == "0:0" for job in jobs), jobs
    # the plugin submits each job with the comment rule_<rule>[_wildcards_<values>]
    rules = [re.fullmatch(r"rule_(\w+?)(?:_wildcards_.*)?", job["comment"]).group(1) for job in jobs]
    assert Counter(rules) == planned
    logs = {path.stem: path for path in (repo_copy / ".snakemake/slurm_logs").rglob("*.log")}
    assert logs.keys() == {job["id"] for job in jobs}
    for job, rule in zip(jobs, rules):
        log = logs[job["id"]].read_text()  # srun ran the rule's job inside the SLURM job, to its end
        assert f"\nlocalrule {rule}:\n" in log and re.search(rf"^Finished jobid: \d+ \(Rule: {rule}\)$", log, re.M), log

    # the same results tables as the local build, byte for byte
    tables = {p.relative_to(repo_copy): p.read_bytes() for p in (repo_copy / "results").rglob("*.csv")}
    expected = {p.relative_to(smoke_build.path): p.read_bytes() for p in (smoke_build.path / "results").rglob("*.csv")}
    assert tables and tables.keys() == expected.keys() and tables == expected
