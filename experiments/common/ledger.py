"""The ledger's machinery: a claim, its tolerance, and its evaluation cell by cell (paper section "Claims ledger").

Each experiment declares its claims in experiments/<name>/claims.py; experiments/claims.py evaluates them all, in
the order of the paper, into results/claims.csv, and audits them (experiments/common/audit.py).  ``measured`` is the
mean over seeds and ``statistic`` is (measured - predicted) / tolerance.  A cell has one of three verdicts:

- "inconclusive" when it cannot decide: fewer than MIN_SEEDS surviving seeds or fewer than half its runs, an
  undefined (NaN) tolerance, or, for a prediction, a resolving power (``detectable``) worse than RESOLUTION;
  a cell with censored runs (a time that never came within the steps, a lower bound) decides only a measurement
  above the prediction (the censored runs could only raise the mean);
- "fail" when |statistic| > 1 (a decided cell: a wide tolerance that is still exceeded is a failure);
- "pass" otherwise.  Inconclusive never counts as a pass.

Runs whose measurement is NaN or infinite (training diverged) are left out of the mean and counted in ``n_diverged``;
where a claim says its quantity is ``censored``, a +inf is a run that never reached its threshold, counted in
``n_censored``.  A prediction's tolerance is ``standard_errors(k)``: k standard errors of the cell's mean over seeds
plus the rounding floor of the measured dtype (ROUNDING); a proportion's is ``binomial_standard_errors(k)``, Wilson's
score interval at k from the measured count, never the binomial error at the predicted proportion.  ``chance`` is
the probability that a right theory fails the cell by chance (the tolerance's tail), which calibrates the family
verdicts (audit.py).  No tolerance term is computed from the formula under test: the falsifiability audit scales
the prediction by 1 +- delta and re-evaluates the tolerance at the scaled prediction, so a tolerance that moved
with the formula would show as a family that rejects nothing.  Config settings (a learning rate, a noise variance)
reach the cells from the manifest beside each results table (read_tables); ``grid`` hands a fitted quantity's grid
to predict and tolerance.

Each claim has a ``kind``: "prediction", a theory's value that the measurement could contradict; "consistency", an
identity of the measurement itself (it checks the code and the pipeline, not a theory); or "map", a comparison or a
boundary (E7's naive and continued lines, T3's breakdown, E9's structure limit under frozen noise) expected to fail
somewhere, whose cells may repeat another family's measurement.  The abstract, the summary table and the pass counts
speak of predictions only.

``detectable`` is the resolving power of a cell: the smallest relative deviation delta of the prediction that the
cell would detect, i.e. a wrong theory predicting p(1 + delta) instead of p, against a measurement equal to p, gets
|statistic| > 1.  For a tolerance that does not depend on the prediction this is tolerance / |p|; where it does, the
tolerance is evaluated at the wrong prediction, for each sign, and the larger threshold is kept
(detectable_deviation).  It is NaN where p = 0.
"""
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from experiments.common.stats import normal_tail, summarise, t_quantile, t_tail, wilson_interval

COLUMNS = ["claim", "kind", "experiment", "params", "predicted", "asymptotic", "measured", "ci_low", "ci_high", "n_seeds", "n_diverged",
           "n_censored", "statistic", "detectable", "chance", "verdict", "source"]
VERDICTS = ("pass", "fail", "inconclusive")

KINDS = ("prediction", "consistency", "map")

Cells = pd.DataFrame  # one row per prediction, with the cell's parameter columns

STANDARD_ERRORS = 4  # k: the standard errors of the mean over seeds in a tolerance, for every claim here
RESOLUTION = 0.20  # a prediction cell that cannot detect a 20% error of its theory is inconclusive
MIN_SEEDS = 3  # fewer surviving seeds (or fewer than half the runs) leave a cell inconclusive
BIAS_CAP = 0.05  # a bias bound that remains (derived apart from the formula under test) is capped at this fraction of the prediction
# The rounding floor, relative, of a mean of the measured dtype: float32 about 8 ulps (2^-20; a mean of float32 values
# is exact to a few ulps: T2's pure-noise minibatch norm at B = 1 measures 0.89999995 for 0.9), float64 1e-12.
ROUNDING = {"float32": 2.0**-20, "float64": 1e-12}


@dataclass(frozen=True)
class Claim:
    id: str  # begins with the paper's T or E id (README "Theory and experiments, one table")
    experiment: str  # the experiment that measures it
    table: str  # the results table: its folder under results/
    quantity: str  # the measured quantity in that table
    cell: tuple[str, ...]  # the columns that identify one prediction (seeds are averaged)
    predict: Callable[[Cells], np.ndarray]  # theory's value for each cell
    tolerance: Callable[[Cells, np.ndarray], np.ndarray]  # (cells, predicted) -> allowed |error|
    rationale: str  # why this tolerance (when it took its form: paper/declared.py reads git)
    source: str  # where the prediction comes from
    kind: str  # KINDS: "prediction" (a theory's value the measurement could contradict), "consistency" (an identity), "map"
    select: Callable[[Cells], pd.Series] = lambda cells: pd.Series(True, index=cells.index)  # cells covered
    reference: str | None = None  # a quantity holding theory's value per run on that run's own data: its mean is column "reference"
    grid: str | tuple[str, str] | None = None  # column, or (column, quantity): the column's distinct values (on that
    # quantity's rows), the grid a fitted quantity used, reach predict and tolerance as the cells' column "grid"
    upper_bound: bool = False  # the prediction bounds the measurement from above: only a measurement above it counts against
    asymptotic: Callable[[Cells], np.ndarray] | None = None  # the law the text states, where the prediction is its finite-size value
    dtype: str = "float32"  # the measurement's floating-point type (ROUNDING): float32 for the training runs
    censored: bool = False  # the quantity is a time whose +inf means "never within the steps" (a lower bound), not a divergence


def absolute(tol: float):
    return lambda cells, predicted: np.full(len(cells), tol)


def relative(tol: float):
    return lambda cells, predicted: tol * np.abs(predicted)


def rounding(cells: Cells, predicted: np.ndarray) -> np.ndarray:
    """The floor below which a difference is rounding of the measured dtype (the cells' column ``rounding``, set by
    evaluate from the claim's dtype; float64's where a tolerance is evaluated on cells without it)."""
    floor = cells["rounding"].to_numpy(float) if "rounding" in cells else ROUNDING["float64"]
    return floor * np.abs(predicted)


def standard_errors(count: float, bias: Callable[[Cells, np.ndarray], np.ndarray] = lambda cells, predicted: 0.0):
    """``count`` standard errors of the mean over seeds (read off the cell's 95% interval) plus the rounding floor of
    the measured dtype.  ``bias`` is kept for a bound derived independently of the formula under test (capped by its
    claim at a stated fraction of the prediction); none of this ledger's predictions needs one."""
    def tolerance(cells: Cells, predicted: np.ndarray) -> np.ndarray:
        t = np.array([t_quantile(int(n) - 1) if n > 1 else np.nan for n in cells["n_seeds"]])
        return bias(cells, predicted) + count * (cells["ci_high"] - cells["mean"]).to_numpy() / t + rounding(cells, predicted)
    tolerance.chance = lambda cells: np.array([t_tail(int(n) - 1, count) if n > 1 else np.nan for n in cells["n_seeds"]])
    return tolerance


def binomial_standard_errors(count: float, trials_per_seed: Callable[[Cells], pd.Series] = lambda cells: cells["labellings"]):
    """A fraction F over a cell's independent trials (by default its seeds x labellings fits, each labelling separable
    or not): Wilson's score interval at ``count`` standard errors around the measured count (stats.wilson_interval);
    the tolerance is the distance from the measurement to the interval's end on the prediction's side.  Never taken
    at the predicted F, where it would vanish at F = 0 or 1."""
    def tolerance(cells: Cells, predicted: np.ndarray) -> np.ndarray:
        trials = (cells["n_seeds"] * trials_per_seed(cells)).to_numpy(float)
        measured = cells["mean"].to_numpy(float)
        low, high = wilson_interval(measured * trials, trials, count)
        return np.where(predicted >= measured, high - measured, measured - low) + rounding(cells, predicted)
    tolerance.chance = lambda cells: np.full(len(cells), normal_tail(count))
    return tolerance


def declared(cells: Cells) -> np.ndarray:
    """A prediction that each run declared on its own data (the claim's ``reference``): the cells' mean of it."""
    return cells["reference"].to_numpy(float)


def config_scalars(cells: Cells, *names: str) -> list[np.ndarray]:
    """Columns of the cells as float arrays (config values that read_tables attached from the manifests)."""
    return [cells[name].to_numpy(float) for name in names]


def grid_of(cells: Cells) -> np.ndarray:
    """The grid the cell's exponent or crossing was fitted on (the claim's ``grid`` column)."""
    return np.asarray(cells["grid"].iloc[0], float)


def middle(cells: Cells) -> pd.Series:
    """The cells inside the dial, 0 < rho < 1."""
    return (cells["rho"] > 0) & (cells["rho"] < 1)


def dial_ends(cells: Cells) -> pd.Series:
    """The cells at the dial's ends, rho = 0 and rho = 1."""
    return cells["rho"].isin([0.0, 1.0])


def linear(cells: Cells) -> pd.Series:
    """The cells of the linear model (E1, E2; the other model is the MLP)."""
    return cells["model"] == "linear"


def claim_cells(claim: Claim, results: pd.DataFrame) -> tuple[Cells, list[str]]:
    """The cells a claim covers, summarised over seeds, with its grid, reference and rounding columns; and the names of
    the columns that identify a cell."""
    if claim.kind not in KINDS:
        raise ValueError(f"claim {claim.id}: kind {claim.kind!r} is not one of {KINDS}")
    if claim.dtype not in ROUNDING:
        raise ValueError(f"claim {claim.id}: dtype {claim.dtype!r} is not one of {tuple(ROUNDING)}")
    rows = results[results["quantity"] == claim.quantity]
    cell = [c for c in claim.cell if c in rows.columns]
    cells = summarise(rows, cell, censored=claim.censored)
    if cells.empty:  # no run measured the quantity
        return cells, cell
    if claim.grid:
        column, quantity = (claim.grid, None) if isinstance(claim.grid, str) else claim.grid
        on = results if quantity is None else results[results["quantity"] == quantity]
        values = pd.to_numeric(on[column], errors="coerce").dropna().unique() if column in on else []
        grid = tuple(sorted(float(v) for v in values))
        cells["grid"] = [grid] * len(cells)
    if claim.reference:
        reference = summarise(results[results["quantity"] == claim.reference], cell)[cell + ["mean"]]
        cells = cells.merge(reference.rename(columns={"mean": "reference"}), on=cell, how="left")
    cells["rounding"] = ROUNDING[claim.dtype]
    return cells[np.asarray(claim.select(cells), dtype=bool)].reset_index(drop=True), cell


def judge(claim: Claim, cells: Cells, predicted: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """statistic, detectable and verdict (module docstring) of each cell against ``predicted``."""
    tolerance = np.asarray(claim.tolerance(cells, predicted), dtype=float)
    error = cells["mean"].to_numpy(float) - predicted
    censored = cells["n_censored"].to_numpy() > 0
    if claim.upper_bound:
        error = np.maximum(error, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        statistic = np.where(error == 0, 0.0, error / tolerance)  # an exact match passes even where the tolerance is 0
    detectable = detectable_deviation(claim, cells, predicted)
    decided = decidable(cells, statistic)
    fail = decided & ((statistic > 1) | ((statistic < -1) & ~censored))  # censored runs only ever raise the mean
    unresolved = ~(detectable <= RESOLUTION) if claim.kind == "prediction" else np.zeros(len(cells), bool)
    passed = decided & ~fail & ~censored & ~unresolved
    return statistic, detectable, np.where(fail, "fail", np.where(passed, "pass", "inconclusive"))


def decidable(cells: Cells, statistic: np.ndarray) -> np.ndarray:
    """The cells that can pass or fail at all: MIN_SEEDS surviving seeds and at least half the runs, and a defined
    statistic (an infinite one, a miss of an exact tolerance, decides)."""
    n = cells["n_seeds"].to_numpy()
    runs = n + cells["n_diverged"].to_numpy() + cells["n_censored"].to_numpy()
    return (n >= MIN_SEEDS) & (2 * n >= runs) & ~np.isnan(statistic)


def chance_failures(claim: Claim, cells: Cells, statistic: np.ndarray) -> np.ndarray:
    """The probability that a right theory fails each cell by chance: the tolerance's tail (0 for an exact one); NaN
    for a cell that can neither pass nor fail (decidable), which the family's calibration leaves out."""
    rate = getattr(claim.tolerance, "chance", None)
    chance = np.asarray(rate(cells), float) if rate else np.zeros(len(cells))
    return np.where(decidable(cells, statistic), chance, np.nan)


def evaluate(claim: Claim, results: pd.DataFrame) -> pd.DataFrame:
    """The ledger rows of one claim: one per cell that it covers."""
    cells, cell = claim_cells(claim, results)
    if cells.empty:
        return pd.DataFrame(columns=COLUMNS)
    return rows(claim, cells, cell, np.asarray(claim.predict(cells), dtype=float))


def rows(claim: Claim, cells: Cells, cell: list[str], predicted: np.ndarray) -> pd.DataFrame:
    """The ledger rows of a claim's cells against its predictions."""
    statistic, detectable, verdict = judge(claim, cells, predicted)
    return pd.DataFrame({
        "claim": claim.id,
        "kind": claim.kind,
        "experiment": claim.experiment,
        "params": [json.dumps({c: _plain(v) for c, v in zip(cell, values)}) for values in cells[cell].itertuples(index=False)],
        "predicted": predicted,
        "asymptotic": np.asarray(claim.asymptotic(cells), dtype=float) if claim.asymptotic else np.nan,
        "measured": cells["mean"],
        "ci_low": cells["ci_low"],
        "ci_high": cells["ci_high"],
        "n_seeds": cells["n_seeds"],
        "n_diverged": cells["n_diverged"],
        "n_censored": cells["n_censored"],
        "statistic": statistic,
        "detectable": detectable,
        "chance": chance_failures(claim, cells, statistic),
        "verdict": verdict,
        "source": claim.source,
    })


def detectable_deviation(claim: Claim, cells: Cells, predicted: np.ndarray, iterations: int = 50) -> np.ndarray:
    """The smallest relative deviation delta of the prediction that the cell detects (module docstring, "detectable").

    A wrong theory predicting p(1 + delta) against a measurement equal to p fails when |delta p| > tolerance at
    p(1 + delta).  The threshold for each sign solves delta = tolerance(p(1 + sign delta)) / |p| (a fixed point,
    found by iteration: the tolerance's part proportional to the prediction is below the prediction itself);
    the larger of the two signs is returned, so every deviation at least this large is detected.  NaN where p = 0.
    """
    scale = np.abs(predicted)
    with np.errstate(divide="ignore", invalid="ignore"):
        thresholds = []
        for sign in (1.0, -1.0):
            delta = np.asarray(claim.tolerance(cells, predicted), dtype=float) / scale
            for _ in range(iterations):
                previous, delta = delta, np.asarray(claim.tolerance(cells, predicted * (1 + sign * delta)), dtype=float) / scale
                if np.allclose(delta, previous, rtol=1e-9, atol=0, equal_nan=True):
                    break
            thresholds.append(delta)
        return np.where(scale > 0, np.maximum(*thresholds), np.nan)


def _plain(value):
    """A cell value as plain JSON (numpy scalars and pandas NA included)."""
    if pd.isna(value):
        return None
    return value.item() if hasattr(value, "item") else value


def ledger(tables: dict[str, pd.DataFrame], claims) -> pd.DataFrame:
    """Every claim whose results table is present, evaluated."""
    parts = [evaluate(claim, tables[claim.table]) for claim in claims if claim.table in tables]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=COLUMNS)


def read_tables(paths: list[Path]) -> dict[str, pd.DataFrame]:
    """Results CSVs grouped by table (their folder's name) and concatenated; each table gains, as columns, the
    scalar settings of its run's config (from the manifest beside it) that it does not already hold."""
    grouped: dict[str, list[pd.DataFrame]] = {}
    for path in paths:
        table = pd.read_csv(path)
        manifest = path.with_suffix(".json")
        if manifest.exists():
            config = json.loads(manifest.read_text())["config"]
            parts = table["part"].dropna().unique() if "part" in table else []
            if len(parts) == 1 and isinstance(config.get(parts[0]), dict):  # one part of a run: its own settings first
                config = {**config[parts[0]], **config}
            scalars = {k: v for k, v in config.items() if isinstance(v, (int, float, str, bool)) and k not in table.columns}
            table = table.assign(**scalars)
        grouped.setdefault(path.parent.name, []).append(table)
    return {name: pd.concat(frames, ignore_index=True) for name, frames in grouped.items()}
