"""The ledger: a right prediction passes, a deliberately wrong one fails, a missing measurement is inconclusive; three
verdicts, censored runs, dtype floors, Wilson intervals at 0 and 1, kinds, power (detectable), one-sided bounds, fitted
grids and config columns."""
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from experiments.claims import CLAIMS
from experiments.common import ledger as machinery
from experiments.e1_loss_floor.claims import floor_at_m


def _results(offset=0.0, nan=False):
    rows = []
    for rho in (0.0, 0.5):
        for seed in range(4):
            cell = {"model": "linear", "classes": 10, "keys": 8, "rho": rho, "samples_per_key": 1000}
            value = float(floor_at_m(pd.DataFrame([cell]))[0]) + offset + 0.001 * (seed - 1.5)
            rows.append({**cell, "seed": seed, "quantity": "test_loss", "value": np.nan if nan else value})
    return {"loss_floor": pd.DataFrame(rows)}


FLOOR = next(c for c in CLAIMS if c.id == "T1.bayes_floor")


def test_right_prediction_passes_with_interval_and_params():
    ledger = machinery.ledger(_results(), [FLOOR])
    assert list(ledger.columns) == machinery.COLUMNS
    assert (ledger["verdict"] == "pass").all() and len(ledger) == 2
    assert (ledger["ci_low"] < ledger["measured"]).all() and (ledger["measured"] < ledger["ci_high"]).all()
    assert json.loads(ledger["params"][1])["rho"] == 0.5


def test_deliberately_wrong_prediction_fails():
    wrong = machinery.Claim(**{**FLOOR.__dict__, "predict": lambda c: floor_at_m(c) + 0.05})
    ledger = machinery.ledger(_results(), [wrong])
    assert (ledger["verdict"] == "fail").all()
    assert (ledger["statistic"].abs() > 1).all()


def test_measurement_off_by_more_than_the_tolerance_fails():
    assert (machinery.ledger(_results(offset=0.03), [FLOOR])["verdict"] == "fail").all()
    assert (machinery.ledger(_results(offset=0.001), [FLOOR])["verdict"] == "pass").all()


def test_missing_measurement_is_inconclusive():
    ledger = machinery.ledger(_results(nan=True), [FLOOR])
    assert (ledger["verdict"] == "inconclusive").all() and (ledger["n_seeds"] == 0).all()


def _constant(cells, value=1.0, seeds=4):
    """A results table whose every cell measures ``value`` in each of ``seeds`` seeds, sd 0.01."""
    rows = [{"x": x, "seed": seed, "quantity": "q", "value": value + 0.01 * (seed - (seeds - 1) / 2)} for x in (1, 2) for seed in range(seeds)]
    return pd.DataFrame(rows)


def _claim(**changes):
    base = dict(id="T0.test", experiment="E0", table="t", quantity="q", cell=("x",), predict=lambda c: np.ones(len(c)),
                tolerance=machinery.absolute(0.1), rationale="test", source="test", kind="prediction")
    return machinery.Claim(**{**base, **changes})


def test_kind_is_validated_and_reported():
    assert (machinery.evaluate(_claim(), _constant(None))["kind"] == "prediction").all()
    with pytest.raises(ValueError, match="kind"):
        machinery.evaluate(_claim(kind="identity"), _constant(None))


def test_detectable_is_the_smallest_relative_deviation_that_fails():
    table = _constant(None, value=2.0)
    fixed = machinery.evaluate(_claim(predict=lambda c: np.full(len(c), 2.0)), table)
    assert np.allclose(fixed["detectable"], 0.1 / 2.0)  # tolerance / |p| for a tolerance that does not scale
    scaled = machinery.evaluate(_claim(predict=lambda c: np.full(len(c), 2.0), tolerance=machinery.relative(0.2)), table)
    assert np.allclose(scaled["detectable"], 0.2 / (1 - 0.2))  # the larger of (r/(1-r), r/(1+r))
    # a wrong theory off by just more than detectable fails, one just inside passes
    for factor, verdict in ((1.01, "fail"), (0.99, "pass")):
        for sign in (1, -1):
            delta = sign * factor * fixed["detectable"][0]
            wrong = machinery.evaluate(_claim(predict=lambda c: np.full(len(c), 2.0 * (1 + delta))), _constant(None, value=2.0))
            assert (wrong["verdict"] == verdict).all()


def test_standard_errors_tolerance_is_k_standard_errors_plus_bias():
    table = _constant(None, value=1.0)
    sem = np.std([0.01 * (s - 1.5) for s in range(4)], ddof=1) / 2
    ledger = machinery.evaluate(_claim(tolerance=machinery.standard_errors(3, bias=lambda c, p: 0.05)), table)
    r = machinery.ROUNDING["float32"]  # the rounding floor, relative to the (wrong) prediction: detectable is (tol + r)/(1 - r)
    assert np.allclose(ledger["detectable"], (0.05 + 3 * sem + r) / (1 - r), rtol=1e-9)


def test_upper_bound_counts_only_measurements_above():
    below = machinery.evaluate(_claim(predict=lambda c: np.full(len(c), 5.0), upper_bound=True), _constant(None))
    above = machinery.evaluate(_claim(predict=lambda c: np.full(len(c), 0.5), upper_bound=True), _constant(None))
    assert (below["verdict"] == "pass").all() and (below["statistic"] == 0).all()
    assert (above["verdict"] == "fail").all()


def test_exact_match_passes_a_zero_tolerance_and_a_miss_fails_it():
    table = pd.DataFrame([{"x": 1, "seed": s, "quantity": "q", "value": 1.0} for s in range(3)])
    assert (machinery.evaluate(_claim(tolerance=machinery.absolute(0.0)), table)["verdict"] == "pass").all()
    assert (machinery.evaluate(_claim(tolerance=machinery.absolute(0.0), predict=lambda c: np.full(len(c), 0.999)), table)["verdict"] == "fail").all()


def test_grid_reaches_the_cells():
    table = pd.concat([_constant(None), pd.DataFrame([{"x": np.nan, "n": n, "seed": 0, "quantity": "curve", "value": 1.0} for n in (10, 30, 100)])])
    seen = []
    machinery.evaluate(_claim(grid=("n", "curve"), predict=lambda c: seen.append(c["grid"].iloc[0]) or np.ones(len(c))), table)
    assert seen == [(10.0, 30.0, 100.0)]


def test_read_tables_adds_the_manifest_config_scalars(tmp_path: Path):
    folder = tmp_path / "deep_linear"
    folder.mkdir()
    pd.DataFrame([{"rho": 0.5, "seed": 0, "quantity": "q", "value": 1.0}]).to_csv(folder / "all.csv", index=False)
    (folder / "all.json").write_text(json.dumps({"config": {"learning_rate": 0.02, "rho": [0.5], "steps": 100}}))
    table = machinery.read_tables([folder / "all.csv"])["deep_linear"]
    assert table["learning_rate"].tolist() == [0.02] and table["steps"].tolist() == [100] and table["rho"].tolist() == [0.5]


def test_every_claim_declares_a_kind_and_no_duplicate_ids():
    ids = [c.id for c in CLAIMS]
    assert len(ids) == len(set(ids))
    assert {c.kind for c in CLAIMS} <= set(machinery.KINDS)


def test_too_few_seeds_half_the_runs_lost_or_no_power_are_inconclusive():
    two = machinery.evaluate(_claim(), _constant(None, seeds=2))
    assert (two["verdict"] == "inconclusive").all()  # fewer than MIN_SEEDS = 3 survive
    lost = _constant(None, seeds=6)
    lost.loc[lost["seed"] >= 3, "value"] = np.nan  # 3 of 6 survive: not fewer than half
    assert (machinery.evaluate(_claim(), lost)["verdict"] == "pass").all()
    lost.loc[lost["seed"] == 2, "value"] = np.nan  # 2 of 6
    assert (machinery.evaluate(_claim(), lost)["verdict"] == "inconclusive").all()
    coarse = machinery.evaluate(_claim(tolerance=machinery.absolute(0.5)), _constant(None))  # detects only 50%
    assert (coarse["verdict"] == "inconclusive").all() and (coarse["detectable"] > machinery.RESOLUTION).all()
    assert (machinery.evaluate(_claim(tolerance=machinery.absolute(0.5), kind="consistency"), _constant(None))["verdict"] == "pass").all()
    far = machinery.evaluate(_claim(tolerance=machinery.absolute(0.5), predict=lambda c: np.full(len(c), 3.0)), _constant(None))
    assert (far["verdict"] == "fail").all()  # a wide tolerance that is still exceeded is a failure


def test_censored_runs_are_lower_bounds_not_divergences():
    table = _constant(None, seeds=4)
    table.loc[table["seed"] == 0, "value"] = np.inf  # one run never reached its level
    censored = machinery.evaluate(_claim(censored=True), table)
    assert (censored["n_censored"] == 1).all() and (censored["n_diverged"] == 0).all() and (censored["n_seeds"] == 3).all()
    assert (censored["verdict"] == "inconclusive").all()  # the censored run could only raise the mean
    below = machinery.evaluate(_claim(censored=True, predict=lambda c: np.full(len(c), 0.5)), table)
    assert (below["verdict"] == "fail").all()  # even the finite runs are later than predicted: decided
    above = machinery.evaluate(_claim(censored=True, predict=lambda c: np.full(len(c), 2.0)), table)
    assert (above["verdict"] == "inconclusive").all()
    diverged = machinery.evaluate(_claim(), table)  # the same +inf where the claim is not censored: a divergence
    assert (diverged["n_diverged"] == 1).all() and (diverged["n_censored"] == 0).all()


def test_the_rounding_floor_is_the_measured_dtype():
    float32 = np.float32(0.9)  # 0.899999976: a float32 mean of identical values, against 0.9 in float64
    table = pd.DataFrame([{"x": 1, "seed": s, "quantity": "q", "value": float(float32)} for s in range(3)])
    right = dict(predict=lambda c: np.full(len(c), 0.9), tolerance=machinery.standard_errors(4))
    assert (machinery.evaluate(_claim(**right), table)["verdict"] == "pass").all()
    assert (machinery.evaluate(_claim(**right, dtype="float64"), table)["verdict"] == "fail").all()
    with pytest.raises(ValueError, match="dtype"):
        machinery.evaluate(_claim(dtype="float16"), table)


@pytest.mark.parametrize("fraction", [0.0, 1.0])
def test_wilson_intervals_are_taken_from_the_measurement_and_stay_open_at_0_and_1(fraction):
    cells = pd.DataFrame({"mean": [fraction], "n_seeds": [8], "labellings": [16]})
    low, high = machinery.wilson_interval(np.array([fraction * 128]), np.array([128.0]), 4)
    assert 0 <= low[0] < high[0] <= 1 and high[0] - low[0] > 0.05  # finite width at the boundary
    tolerance = machinery.binomial_standard_errors(4)
    to_the_middle = high[0] - fraction if fraction == 0 else fraction - low[0]  # the interval's end on the prediction's side
    assert tolerance(cells, np.array([0.5]))[0] == pytest.approx(to_the_middle, abs=1e-6)
    assert tolerance(cells, np.array([fraction]))[0] > 0  # never zero at the predicted p = 0 or 1


def test_wilson_interval_covers_at_its_level():
    rng = np.random.default_rng(3)
    p, n = 0.9, 64
    draws = rng.binomial(n, p, size=20000)
    low, high = machinery.wilson_interval(draws, np.full(len(draws), n), 1.959964)
    assert 0.93 <= np.mean((low <= p) & (p <= high)) <= 0.98  # near 95%: a binomial's coverage steps with its discreteness
