"""The report a reviewer can browse: Snakemake's HTML report of the smoke build, every figure with its
caption (its script's docstring) and the full claims ledger as a sortable table."""
import ast

import pandas as pd
import pytest

from experiments.registry import EXPERIMENTS


@pytest.mark.slow
def test_the_report_holds_every_figure_with_its_caption_and_the_ledger(smoke_build, snakemake, root):
    assert smoke_build.result.returncode == 0, smoke_build.result.stderr[-4000:]
    made = snakemake(smoke_build.path, "--profile", "workflow/profiles/smoke", *smoke_build.select, "--report", "report.html")
    assert made.returncode == 0, made.stderr[-4000:]
    report = (smoke_build.path / "report.html").read_text()

    for experiment in EXPERIMENTS:
        script = root / "experiments" / experiment.name / "figure.py"
        assert f"{experiment.name}.pdf" in report, f"the report lacks {experiment.name}"
        first_line = ast.get_docstring(ast.parse(script.read_text())).splitlines()[0]
        assert first_line.split(":")[0] in report, f"the report lacks the caption of {experiment.name}"
    assert "claims.html" in report and "Claims ledger" in report

    ledger_page = (smoke_build.path / "results/report/claims.html").read_text()
    ledger = pd.read_csv(smoke_build.path / "results/claims.csv")
    assert ledger_page.count("<tr>") == len(ledger)  # one row per cell (the head's row has a style)
    assert "addEventListener(\"click\"" in ledger_page  # sortable by a click on a column's head
