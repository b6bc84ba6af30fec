"""The ledger: a right prediction passes, a deliberately wrong one fails, and a missing measurement fails."""
import json

import numpy as np
import pandas as pd

from experiments import claims
from theory.bayes_floor import bayes_floor


def _results(offset=0.0, nan=False):
    rows = []
    for rho in (0.0, 0.5):
        for seed in range(4):
            value = bayes_floor(rho, 10) + offset + 0.001 * (seed - 1.5)
            rows.append({"model": "linear", "classes": 10, "keys": 8, "rho": rho, "samples_per_key": 1000, "seed": seed,
                         "quantity": "test_loss", "value": np.nan if nan else value})
    return {"loss_floor": pd.DataFrame(rows)}


FLOOR = next(c for c in claims.CLAIMS if c.id == "T1.bayes_floor")


def test_right_prediction_passes_with_interval_and_params():
    ledger = claims.ledger(_results(), [FLOOR])
    assert list(ledger.columns) == claims.COLUMNS
    assert (ledger["verdict"] == "pass").all() and len(ledger) == 2
    assert (ledger["ci_low"] < ledger["measured"]).all() and (ledger["measured"] < ledger["ci_high"]).all()
    assert json.loads(ledger["params"][1])["rho"] == 0.5


def test_deliberately_wrong_prediction_fails():
    wrong = claims.Claim(**{**FLOOR.__dict__, "predict": lambda c: bayes_floor(c["rho"], c["classes"]) + 0.05})
    ledger = claims.ledger(_results(), [wrong])
    assert (ledger["verdict"] == "fail").all()
    assert (ledger["statistic"].abs() > 1).all()


def test_measurement_off_by_more_than_the_tolerance_fails():
    assert (claims.ledger(_results(offset=0.03), [FLOOR])["verdict"] == "fail").all()
    assert (claims.ledger(_results(offset=0.01), [FLOOR])["verdict"] == "pass").all()


def test_missing_measurement_fails():
    ledger = claims.ledger(_results(nan=True), [FLOOR])
    assert (ledger["verdict"] == "fail").all() and (ledger["n_seeds"] == 0).all()
