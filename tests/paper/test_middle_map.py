"""E7's map in words (paper/middle_map.py): where a prediction holds, read off the ledger."""
import json

import pandas as pd

from paper import middle_map


def ledger(claim: str, verdicts: dict[tuple[float, int], str]) -> pd.DataFrame:
    return pd.DataFrame({"claim": claim, "params": [json.dumps({"rho": r, "samples_per_key": m}) for r, m in verdicts],
                         "verdict": list(verdicts.values())})


def test_where_reads_the_rho_and_the_scales_at_which_a_prediction_holds_everywhere():
    cells = ledger("E7.x.naive", {(0.0, 10): "fail", (0.5, 10): "fail", (0.5, 100): "pass", (0.9, 10): "pass", (0.9, 100): "pass", (1.0, 10): "fail"})
    held, rhos, scales = middle_map.where(cells, ("samples_per_key",))
    assert held == "3/4"  # the ends (rho = 0 and 1) are not the middle
    assert rhos == "0.9" and scales == "m=100"


def test_totals_count_the_cells_inside_the_dial_of_every_mapped_claim():
    naive, continued = middle_map.MIDDLE_MAP[0][2], middle_map.MIDDLE_MAP[0][3]
    cells = pd.concat([ledger(naive, {(0.0, 10): "pass", (0.5, 10): "pass", (0.5, 30): "fail"}),
                       ledger(continued, {(0.5, 10): "pass", (1.0, 10): "fail"}), ledger("T9.other", {(0.5, 10): "pass"})])
    text = middle_map.totals(cells)
    assert "\\MiddleNaivePassed}{1}" in text and "\\MiddleNaiveTotal}{2}" in text
    assert "\\MiddleContinuedPassed}{1}" in text and "\\MiddleContinuedTotal}{1}" in text
