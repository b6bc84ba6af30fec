"""The smoke build end to end: config -> theory -> experiments -> claims -> figures -> PDF."""
import json

import pandas as pd
import pytest
import yaml

from experiments.claims import CLAIMS


@pytest.mark.slow
def test_smoke_build_runs_end_to_end(smoke_build, snakemake):
    repo_copy, result, has_tex = smoke_build.path, smoke_build.result, not smoke_build.select
    assert result.returncode == 0, result.stderr[-4000:]

    # every claim of the slice has ledger rows, each with a verdict
    ledger = pd.read_csv(repo_copy / "results/claims.csv")
    assert {c.id for c in CLAIMS} <= set(ledger["claim"])
    assert set(ledger["verdict"]) <= {"pass", "fail", "inconclusive"}
    # and the falsifiability audit, one row per family of the ledger, in its order
    audit = pd.read_csv(repo_copy / "results/resolving_power.csv")
    assert audit["claim"].tolist() == list(dict.fromkeys(ledger["claim"]))
    assert set(audit["verdict"]) <= {"pass", "fail", "inconclusive"} and (audit["cells"] == ledger.groupby("claim").size()[audit["claim"]].to_numpy()).all()

    # every results table has its manifest: config, seeds, versions, commit, wall time
    smoke = yaml.safe_load((repo_copy / "workflow/configs/smoke.yaml").read_text())
    for table in (repo_copy / "results").glob("*/*.csv"):
        manifest = json.loads(table.with_suffix(".json").read_text())
        assert manifest["seeds"] == smoke["seeds"]
        assert {"config", "versions", "git_commit", "wall_time_s", "threads"} <= set(manifest)
        assert manifest["rows"] == len(pd.read_csv(table))

    for figure in ("e1_loss_floor", "e2_gradient_noise"):
        assert (repo_copy / f"paper/generated/{figure}.pdf").read_bytes().startswith(b"%PDF")
    assert "\\SmokeBuildtrue" in (repo_copy / "paper/generated/build_macros.tex").read_text() or not has_tex

    # a second run finds nothing to do
    again = snakemake(repo_copy, "--profile", "workflow/profiles/smoke", *smoke_build.select)
    assert again.returncode == 0 and "Nothing to be done" in again.stdout + again.stderr

    if not has_tex:
        pytest.skip("TeX Live / latexmk are not installed and could not be (not root): the PDF step was not run")
    assert (repo_copy / "paper/build/paper.pdf").read_bytes().startswith(b"%PDF")
