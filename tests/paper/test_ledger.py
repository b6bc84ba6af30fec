"""The paper's ledger and macros: names are letters only, a failed claim shows as failed, the text counts
predictions only, and the PDF lists every failed cell but not the passing ones."""
import pandas as pd

from paper import build_macros, ledger


def test_macro_names_are_letters_only():
    assert ledger.macro_name("T1.bayes_floor") == "TOneBayesFloor"
    assert ledger.macro_name("loss_floor.samples_per_key") == "LossFloorSamplesPerKey"
    assert ledger.macro_name("E7.map_2d").isalpha()


def _ledger(verdicts):
    return pd.DataFrame({
        "claim": ["T1.bayes_floor"] * len(verdicts), "experiment": "E1", "params": ['{"rho": 0.5}'] * len(verdicts),
        "predicted": 1.0, "measured": 1.1, "ci_low": 1.0, "ci_high": 1.2, "n_seeds": 3, "n_diverged": 0, "statistic": 5.0,
        "verdict": verdicts, "source": "derived here (T1)",
    })


def test_a_failed_claim_is_shown_as_failed():
    table = ledger.summary_table(_ledger(["pass", "fail"]))
    assert "1/2" in table and r"\textbf{fail}" in table
    macros = ledger.macros(_ledger(["pass", "fail"]))
    assert r"\newcommand{\ClaimsFailed}{1}" in macros and r"\newcommand{\ClaimTOneBayesFloorPassed}{1}" in macros
    assert "rho=0.5" in ledger.failed_table(_ledger(["fail"]))


def test_diverged_runs_are_counted_in_the_failed_cells():
    assert "diverged" not in ledger.failed_table(_ledger(["pass", "fail"]))
    assert "(3 diverged)" in ledger.failed_table(_ledger(["fail"]).assign(n_diverged=3))


def _kinds():
    """Two claims, a prediction (one of three cells fails) and a consistency check (one of two fails), with powers."""
    prediction = _ledger(["pass", "fail", "pass"]).assign(kind="prediction", detectable=[0.01, 0.02, 0.04],
                                                         params=['{"rho": 0.1}', '{"rho": 0.2}', '{"rho": 0.3}'])
    consistency = _ledger(["fail", "pass"]).assign(claim="T2.grad_sq_norm", kind="consistency", detectable=[0.5, 0.5], source="identity")
    return pd.concat([prediction, consistency], ignore_index=True)


def test_the_text_counts_predictions_only():
    macros = ledger.macros(_kinds())
    for name, value in {"ClaimsTotal": 3, "ClaimsPassed": 2, "ClaimsFailed": 1, "ConsistencyTotal": 2, "ConsistencyFailed": 1,
                        "ClaimTTwoGradSqNormTotal": 2}.items():
        assert f"\\newcommand{{\\{name}}}{{{value}}}" in macros
    summary, consistency = ledger.summary_table(_kinds()), ledger.consistency_table(_kinds())
    assert "T1.bayes" in summary and "grad" not in summary and "2/3" in summary
    assert "grad" in consistency and "T1.bayes" not in consistency and "1/2" in consistency


def test_the_appendix_has_one_line_per_claim_and_every_failed_cell():
    families = ledger.families_table(_kinds())
    assert "T1.bayes\\_floor & prediction & E1 & 3 & 2 & 0.02" in families  # median detectable of 0.01, 0.02, 0.04
    assert "T2.grad\\_sq\\_norm & consistency & E1 & 2 & 1 & 0.5" in families
    failed = ledger.failed_table(_kinds())  # the failed prediction cell; the consistency check's is in results/claims.csv
    assert "rho=0.2" in failed and "rho=0.1" not in failed and "rho=0.3" not in failed
    assert "T2.grad" not in failed and failed.count(r"\\") == 3  # the head, the claim's line and its one failed cell
    assert r"\textbf{T1.bayes\_floor}" in failed  # the claim's line (its cells share no parameter but rho here)
    assert ledger.failed_table(_ledger(["pass"])) == r"\emph{No prediction cell failed.}"


def test_a_ledger_without_kinds_holds_predictions():
    macros = ledger.macros(_ledger(["pass", "fail"]))
    assert r"\newcommand{\ClaimsTotal}{2}" in macros and r"\newcommand{\ConsistencyTotal}{0}" in macros
    assert "detectable" not in ledger.summary_table(_ledger(["pass"])) + ledger.families_table(_ledger(["pass"]))


def test_smoke_build_is_marked():
    smoke = build_macros.macros({"build": "smoke", "seeds": [0, 1]}, "abc")
    assert r"\SmokeBuildtrue" in smoke and r"\newcommand{\CfgSeedsCount}{2}" in smoke
    assert r"\SmokeBuildfalse" in build_macros.macros({"build": "default", "seeds": [0, 1]}, "abc")
