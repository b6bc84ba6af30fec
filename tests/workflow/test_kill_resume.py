"""Kill and resume: SIGKILL the smoke build in the middle of training, then do what the README says
("When something goes wrong"): `--unlock` the stale lock and build again.  Finished jobs are not
redone, no temporary or half-written file survives, and the results equal an uninterrupted build's."""
import json
import os
import re
import signal
import subprocess
import time

import pandas as pd
import pytest

SMOKE = ["--profile", "workflow/profiles/smoke", "results/claims.csv"]  # the results: what training can leave half-done
TABLE = re.compile(r"results/\w+/[\w.]+\.csv")  # an experiment's results table (the ledger lies above them)


def outputs_by_job(log: str) -> dict[str, list[str]]:
    """Each job's output files, by job id, from Snakemake's log of started (or planned) jobs."""
    return {job: [name.strip() for name in names.split(",")] for names, job in re.findall(r"^\s+output: (.*)\n(?:\s+\w+: .*\n)*?\s+jobid: (\d+)$", log, re.M)}


def finished_tables(log: str) -> list[str]:
    """The results tables of the jobs that Snakemake has logged as finished (its bookkeeping done)."""
    outputs = outputs_by_job(log)
    return [name for job in re.findall(r"Finished jobid: (\d+)", log) for name in outputs.get(job, []) if TABLE.fullmatch(name)]


def table_files(tree) -> dict[str, tuple[int, bytes]]:
    """Every results table and manifest: (mtime in ns, contents) by path."""
    files = [p for p in sorted((tree / "results").glob("*/*")) if p.suffix in {".csv", ".json"}]
    return {p.relative_to(tree).as_posix(): (p.stat().st_mtime_ns, p.read_bytes()) for p in files}


def temporaries(tree) -> list[str]:
    """Files named like experiments.common.io.atomic_path's temporaries, outside Snakemake's own folder."""
    return [str(p) for p in tree.rglob(".*.tmp") if ".snakemake" not in p.relative_to(tree).parts]


@pytest.mark.slow
def test_kill_mid_training_then_resume(repo_copy, snakemake, smoke_build, tmp_path):
    # start the build in its own process group; wait until Snakemake logs a training job as finished
    # while the ledger is still missing, then SIGKILL the whole group
    log = tmp_path / "killed.log"
    with log.open("w") as out:
        build = subprocess.Popen([*snakemake.command, *SMOKE], cwd=repo_copy, env=snakemake.env, start_new_session=True, stdout=out, stderr=out)
    deadline = time.monotonic() + 600
    while not finished_tables(log.read_text()):
        assert build.poll() is None, "the build ended before a training job finished"
        assert time.monotonic() < deadline, "no training job finished in 10 minutes"
        time.sleep(0.05)
    os.killpg(build.pid, signal.SIGKILL)
    build.wait()
    assert not (repo_copy / "results/claims.csv").exists(), "killed too late: the ledger was built"

    # the next build refuses to start on the stale lock and says what to type
    locked = snakemake(repo_copy, *SMOKE)
    assert locked.returncode != 0 and "--unlock" in locked.stdout + locked.stderr
    assert snakemake(repo_copy, "--profile", "workflow/profiles/smoke", "--unlock").returncode == 0

    # what Snakemake will keep is complete: each kept table has its manifest, whose row count matches
    dry = snakemake(repo_copy, *SMOKE, "--dry-run")
    assert dry.returncode == 0, dry.stderr[-3000:]
    planned = {name for names in outputs_by_job(dry.stdout + dry.stderr).values() for name in names}
    before = table_files(repo_copy)
    kept = {name: stamp for name, stamp in before.items() if name not in planned}
    assert set(finished_tables(log.read_text())) <= kept.keys(), f"a finished job is planned again: {sorted(planned)}"
    assert "results/claims.csv" in planned and any(TABLE.fullmatch(name) for name in planned), "killed after training"
    for name in kept:
        if name.endswith(".csv"):
            manifest = json.loads((repo_copy / name).with_suffix(".json").read_text())
            assert manifest["rows"] == len(pd.read_csv(repo_copy / name)), name

    # resume: only the unfinished jobs run, and nothing half-written is left anywhere
    resumed = snakemake(repo_copy, *SMOKE)
    assert resumed.returncode == 0, resumed.stderr[-4000:]
    after = table_files(repo_copy)
    assert {name: after[name] for name in kept} == kept, "a finished job was redone"
    assert temporaries(repo_copy) == []

    # the results equal the uninterrupted build's, byte for byte (manifests hold wall times: not compared)
    tables = {name: data for name, (_, data) in after.items() if name.endswith(".csv")}
    expected = {p.relative_to(smoke_build.path).as_posix(): p.read_bytes() for p in (smoke_build.path / "results").glob("*/*.csv")}
    assert tables.keys() == expected.keys()
    assert tables == expected
    assert (repo_copy / "results/claims.csv").read_bytes() == (smoke_build.path / "results/claims.csv").read_bytes()
