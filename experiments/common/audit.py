"""The falsifiability audit and the calibrated family verdicts (paper section "Claims ledger", "Can the ledger fail?").

A family (one claim) is judged from its cells' verdicts: it fails when its failed cells exceed what a right theory
gives by chance at FAMILY_LEVEL (binomial over its decided cells at their mean chance rate, the ledger's ``chance``,
stats.allowed_failures); it is inconclusive when no cell decides.  The audit re-evaluates every family with its
theory scaled by 1 + delta and by 1 - delta for each delta of DELTAS: the prediction, and with it every tolerance
term that depends on the prediction (the tolerance is re-evaluated at the scaled prediction).  A family's resolving
power is the smallest delta at which it fails for both signs; a prediction family that does not reject a RESOLUTION
error is inconclusive, however its cells fare.  One row per family goes to results/resolving_power.csv.
"""
import numpy as np
import pandas as pd

from experiments.common.ledger import COLUMNS, RESOLUTION, Claim, chance_failures, claim_cells, judge, rows
from experiments.common.stats import allowed_failures

DELTAS = (0.01, 0.02, 0.05, 0.10, 0.20, 0.50)  # the relative errors of a theory that the audit tries
FAMILY_LEVEL = 0.01  # a right theory's family fails by chance at most this often
TARGET = 0.05  # the resolving power every genuine family should reach (paper plan, "What the ledger must be")
AUDIT_COLUMNS = ["claim", "kind", "experiment", "cells", "passed", "failed", "inconclusive", "expected_failures",
                 "allowed_failures", "resolving_power", "verdict"]


def family(verdicts: np.ndarray, chance: np.ndarray) -> tuple[str, float, int]:
    """A family's verdict from its cells' (calibrated: module docstring), the failures a right theory expects by chance
    among the cells that could fail (a finite ``chance``: enough seeds, a defined tolerance), and the most it allows at
    FAMILY_LEVEL.  It passes only where some cell passed."""
    testable = np.isfinite(chance)
    rate = float(chance[testable].mean()) if testable.any() else 0.0
    allowed = allowed_failures(int(testable.sum()), rate, FAMILY_LEVEL)
    failed = int((verdicts == "fail").sum())
    verdict = "fail" if failed > allowed else "pass" if (verdicts == "pass").any() else "inconclusive"
    return verdict, rate * int(testable.sum()), allowed


def resolving_power(claim: Claim, cells, predicted: np.ndarray) -> float:
    """The smallest delta of DELTAS at which the family fails with its theory scaled by 1 + delta and by 1 - delta; NaN
    where none does."""
    for delta in DELTAS:
        if all(family(verdict, chance_failures(claim, cells, statistic))[0] == "fail"
               for statistic, _, verdict in (judge(claim, cells, predicted * (1 + sign * delta)) for sign in (1, -1))):
            return delta
    return float("nan")


def audited(tables: dict[str, pd.DataFrame], claims) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ledger (one row per cell) and the audit (one row per family) of every claim whose results table is present."""
    ledger, audit = [], []
    for claim in claims:
        if claim.table not in tables:
            continue
        cells, cell = claim_cells(claim, tables[claim.table])
        if cells.empty:
            continue
        predicted = np.asarray(claim.predict(cells), dtype=float)
        part = rows(claim, cells, cell, predicted)
        verdict, expected, allowed = family(part["verdict"].to_numpy(), part["chance"].to_numpy(float))
        power = resolving_power(claim, cells, predicted)
        if claim.kind == "prediction" and verdict == "pass" and not power <= RESOLUTION:
            verdict = "inconclusive"  # it passes, but would pass a theory 20% wrong as well
        counts = part["verdict"].value_counts()
        audit.append({"claim": claim.id, "kind": claim.kind, "experiment": claim.experiment, "cells": len(part),
                      **{name: int(counts.get(v, 0)) for name, v in (("passed", "pass"), ("failed", "fail"), ("inconclusive", "inconclusive"))},
                      "expected_failures": expected, "allowed_failures": allowed, "resolving_power": power, "verdict": verdict})
        ledger.append(part)
    return (pd.concat(ledger, ignore_index=True) if ledger else pd.DataFrame(columns=COLUMNS),
            pd.DataFrame(audit, columns=AUDIT_COLUMNS))
