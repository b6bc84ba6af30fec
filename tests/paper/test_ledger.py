"""The paper's ledger and macros: names are letters only, a failed claim shows as failed, the headline counts prediction
families only, inconclusive cells and families are counted apart, the audit table prints every family's resolving
power, each claim names the commit that gave it its form, and the PDF lists every failed cell but not the passing ones."""
import pandas as pd

from experiments.common.audit import AUDIT_COLUMNS
from paper import build_macros, declared, ledger


def test_macro_names_are_letters_only():
    assert ledger.macro_name("T1.bayes_floor") == "TOneBayesFloor"
    assert ledger.macro_name("loss_floor.samples_per_key") == "LossFloorSamplesPerKey"
    assert ledger.macro_name("E7.map_2d").isalpha()


def _ledger(verdicts, claim="T1.bayes_floor", kind="prediction"):
    return pd.DataFrame({
        "claim": claim, "kind": kind, "experiment": "E1", "params": [f'{{"rho": 0.{i + 1}}}' for i in range(len(verdicts))],
        "predicted": 1.0, "asymptotic": 0.9, "measured": 1.1, "ci_low": 1.0, "ci_high": 1.2, "n_seeds": 3, "n_diverged": 0,
        "n_censored": 0, "statistic": 5.0, "detectable": 0.02, "chance": 0.005, "verdict": verdicts, "source": "derived here (T1)",
    })


def _audit(ledger_rows: pd.DataFrame, verdicts: dict[str, str], power: dict[str, float]) -> pd.DataFrame:
    rows = []
    for claim, cells in ledger_rows.groupby("claim", sort=False):
        v = cells["verdict"]
        rows.append({"claim": claim, "kind": cells["kind"].iloc[0], "experiment": "E1", "cells": len(cells), "passed": int((v == "pass").sum()),
                     "failed": int((v == "fail").sum()), "inconclusive": int((v == "inconclusive").sum()), "expected_failures": 0.01,
                     "allowed_failures": 0, "resolving_power": power[claim], "verdict": verdicts[claim]})
    return pd.DataFrame(rows, columns=AUDIT_COLUMNS)


def _kinds():
    """A prediction (one of three cells fails, one inconclusive), a consistency check and a map."""
    rows = pd.concat([_ledger(["pass", "fail", "inconclusive"]), _ledger(["fail", "pass"], "T2.grad_sq_norm", "consistency"),
                      _ledger(["fail"], "E7.e1_loss.naive", "map")], ignore_index=True)
    audit = _audit(rows, {"T1.bayes_floor": "fail", "T2.grad_sq_norm": "fail", "E7.e1_loss.naive": "fail"},
                   {"T1.bayes_floor": 0.05, "T2.grad_sq_norm": 0.01, "E7.e1_loss.naive": float("nan")})
    return rows, audit


def test_a_failed_claim_is_shown_as_failed():
    rows, audit = _kinds()
    table = ledger.summary_table(rows, audit)
    assert "1/3" in table and r"\textbf{fail}" in table and r"5\%" in table
    macros = ledger.macros(rows, audit)
    assert r"\newcommand{\ClaimsFailed}{1}" in macros and r"\newcommand{\ClaimTOneBayesFloorPassed}{1}" in macros
    assert r"\newcommand{\ClaimTOneBayesFloorVerdict}{fail}" in macros and r"\newcommand{\ClaimTOneBayesFloorResolves}{5\%}" in macros
    assert "rho=0.2" in ledger.failed_table(rows)


def test_diverged_and_censored_runs_are_counted_in_the_failed_cells():
    assert "diverged" not in ledger.failed_table(_ledger(["pass", "fail"]))
    assert "(3 diverged)" in ledger.failed_table(_ledger(["fail"]).assign(n_diverged=3))
    assert "(2 censored)" in ledger.failed_table(_ledger(["fail"]).assign(n_censored=2))


def test_the_headline_counts_prediction_families_only():
    rows, audit = _kinds()
    macros = ledger.macros(rows, audit)
    for name, value in {"ClaimsTotal": 3, "ClaimsPassed": 1, "ClaimsFailed": 1, "ClaimsInconclusive": 1, "ConsistencyTotal": 2,
                        "ConsistencyFailed": 1, "MapTotal": 1, "Families": 1, "FamiliesFailed": 1, "FamiliesPassed": 0,
                        "FamiliesRejectTwenty": 1, "FamiliesRejectFive": 1, "ClaimTTwoGradSqNormTotal": 2}.items():
        assert f"\\newcommand{{\\{name}}}{{{value}}}" in macros, name
    summary = ledger.summary_table(rows, audit)
    consistency, maps = ledger.kind_table("consistency", "none")(rows, audit), ledger.kind_table("map", "none")(rows, audit)
    assert "T1.bayes" in summary and "grad" not in summary and "E7" not in summary
    assert "grad" in consistency and "T1.bayes" not in consistency and "1/2" in consistency
    assert "E7" in maps and "grad" not in maps


def test_the_audit_table_prints_every_family():
    rows, audit = _kinds()
    table = ledger.audit_table(rows, audit)
    assert r"T1.bayes\_floor & prediction & 3 & 5\%" in table and r"E7.e1\_loss.naive & map & 1 & $>50$\%" in table


def test_the_appendix_has_one_line_per_claim_and_every_failed_cell():
    rows, audit = _kinds()
    families = ledger.families_table(rows, audit)
    assert "T1.bayes\\_floor & prediction & E1 & \\raggedright derived here (T1) & 0.02 & \\texttt{" in families  # no cells: Table 2 has them
    failed = ledger.failed_table(rows)  # the failed prediction cell; the consistency check's and the map's are elsewhere
    assert "rho=0.2" in failed and "rho=0.1" not in failed and "rho=0.3" not in failed
    assert "T2.grad" not in failed and "E7" not in failed and failed.count(r"\\") == 3  # the head, the claim's line, its cell
    assert "& 0.9 &" in failed  # the asymptotic law beside the finite-size prediction
    assert ledger.failed_table(_ledger(["pass"])) == r"\emph{No prediction cell failed.}"


def test_the_tables_follow_the_paper_and_print_numbers_as_a_paper_does():
    rows = pd.concat([_ledger(["fail"], "E8.grad_signal").assign(experiment="E8"), _ledger(["fail"], "E7.e1_loss.naive").assign(experiment="E7"),
                      _ledger(["fail"]).assign(params='{"repeats": 64.0, "rho": 0.4465059845, "init": 1e-05}', detectable=9.537e-07)],
                     ignore_index=True)
    failed = ledger.failed_table(rows)
    assert failed.index("T1.bayes") < failed.index("E8.grad")  # E1 before E8, whatever the ledger's order
    assert "repeats=64," in failed and "rho=0.4465," in failed and r"init=\ensuremath{10^{-5}}" in failed
    assert r"\ensuremath{9.537\times 10^{-7}}" in failed and "e-0" not in failed
    assert list(ledger.in_paper_order(rows)["experiment"]) == ["E1", "E7", "E8"]
    assert ledger.cited("Hastie et al. 2022 (T4)") == r"\citet{hastie2022surprises} (T4)"


def test_config_lists_print_as_ranges_and_numbers_as_numbers():
    macros = build_macros.macros({"build": "default", "seeds": [0, 1], "e": {"rho": [0.0, 0.1, 0.2, 0.3, 0.4, 0.5], "u": [0.01, 0.001, 0.0001, 1e-05, 1e-06],
                                                                          "norm": 1.0, "n": [32, 256, 4096]}}, "abc")
    b = r", \allowbreak "  # a list may break after any comma
    assert rf"\newcommand{{\CfgERho}}{{0{b}0.1{b}\ldots{b}0.5}}" in macros and r"\newcommand{\CfgERhoCount}{6}" in macros
    assert rf"\newcommand{{\CfgEU}}{{\ensuremath{{10^{{-2}}}}{b}\ensuremath{{10^{{-3}}}}{b}\ldots{b}\ensuremath{{10^{{-6}}}}}}" in macros
    assert r"\newcommand{\CfgENorm}{1}" in macros and rf"\newcommand{{\CfgEN}}{{32{b}256{b}4096}}" in macros


def test_each_claim_names_the_commit_of_its_current_form():
    text = 'CLAIMS = (\n    Claim("T0.a", x,\n          y),\n    Claim("T0.b", z),\n)\n'
    assert declared.claim_lines(text, "T0.a") == (2, 3) and declared.claim_lines(text, "T0.b") == (4, 4)
    assert declared.claim_lines(text, "T0.c") is None
    commit, date, changes = declared.declared("T1.bayes_floor", "experiments/e1_loss_floor/claims.py")
    assert (commit == "--" and changes == 0) or (len(commit) >= 7 and changes >= 1 and date[:2] == "20")
    assert declared.declared("T1.bayes_floor", "no/such/file.py") == ("--", "--", 0)  # outside git, or no such file: unknown


def test_smoke_build_is_marked():
    smoke = build_macros.macros({"build": "smoke", "seeds": [0, 1]}, "abc")
    assert r"\SmokeBuildtrue" in smoke and r"\newcommand{\CfgSeedsCount}{2}" in smoke
    assert r"\SmokeBuildfalse" in build_macros.macros({"build": "default", "seeds": [0, 1]}, "abc")
