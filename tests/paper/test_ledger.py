"""The paper's ledger and macros: names are letters only, a failed claim shows as failed."""
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
    assert r"\textbf{fail}" in ledger.full_table(_ledger(["fail"]))


def test_diverged_runs_are_counted_in_the_full_ledger():
    assert "diverged" not in ledger.full_table(_ledger(["pass"]))
    assert r"\textbf{fail} (3 diverged)" in ledger.full_table(_ledger(["fail"]).assign(n_diverged=3))


def test_smoke_build_is_marked():
    smoke = build_macros.macros({"build": "smoke", "seeds": [0, 1]}, "abc")
    assert r"\SmokeBuildtrue" in smoke and r"\newcommand{\CfgSeedsCount}{2}" in smoke
    assert r"\SmokeBuildfalse" in build_macros.macros({"build": "default", "seeds": [0, 1]}, "abc")
