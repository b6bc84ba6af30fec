"""The ledger's machinery: a claim, its tolerance, and its evaluation cell by cell (paper section "Claims ledger").

Each experiment declares its claims in experiments/<name>/claims.py; experiments/claims.py evaluates them all, in
the order of the paper, into results/claims.csv.  A cell (one prediction) passes when |measured - predicted| <=
tolerance, where "measured" is the mean over seeds; ``statistic`` is that error divided by the tolerance, so
|statistic| <= 1 passes.  Runs that diverged (a NaN or infinite measurement) are left out of the mean and counted in
``n_diverged``; a cell whose every run diverged has no measurement and fails.
A prediction's tolerance is ``standard_errors(k, bias=...)``: k standard errors of the cell's mean over seeds plus a
bias bound computed from the theory (an exact finite-size value minus the asymptotic one, or the next term of an
expansion), both stated in the claim's rationale; a fixed fraction only where such a bound justifies it.
Config settings that a bias needs (a learning rate, a noise variance) reach the cells from the manifest beside each
results table (read_tables); ``grid`` hands a fitted quantity's grid to predict and tolerance.

Each claim has a ``kind``: "prediction", a theory's value that the measurement could contradict; "consistency", an
identity of the measurement itself (it checks the code and the pipeline, not a theory); or "map", a comparison or a
boundary (E7's naive and continued lines, T3's breakdown, E9's structure limit under frozen noise) expected to fail
somewhere, whose cells may repeat another family's measurement.  The abstract, the summary table and the pass counts
speak of predictions only.

``detectable`` is the power of a cell: the smallest relative deviation delta of the prediction that the cell
would detect, i.e. a wrong theory predicting p(1 + delta) instead of p, against a measurement equal to p, gets
|statistic| > 1.  For a tolerance that does not depend on the prediction this is tolerance / |p|.  Where it
does (a bias proportional to p, r|p|), the tolerance is evaluated at the wrong prediction: the threshold for a
deviation up is (tol_0/|p| + r)/(1 - r) and down (tol_0/|p| + r)/(1 + r); ``detectable`` is the larger, so
every deviation at least that large is detected whatever its sign (detectable_deviation).  It is NaN where p = 0.
"""
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from experiments.common.stats import summarise, t_quantile

COLUMNS = ["claim", "kind", "experiment", "params", "predicted", "measured", "ci_low", "ci_high", "n_seeds", "n_diverged", "statistic",
           "detectable", "verdict", "source"]

KINDS = ("prediction", "consistency", "map")

Cells = pd.DataFrame  # one row per prediction, with the cell's parameter columns

STANDARD_ERRORS = 4  # k: the standard errors of the mean over seeds in a tolerance, for every claim here


@dataclass(frozen=True)
class Claim:
    id: str  # begins with the paper's T or E id (README "Theory and experiments, one table")
    experiment: str  # the experiment that measures it
    table: str  # the results table: its folder under results/
    quantity: str  # the measured quantity in that table
    cell: tuple[str, ...]  # the columns that identify one prediction (seeds are averaged)
    predict: Callable[[Cells], np.ndarray]  # theory's value for each cell
    tolerance: Callable[[Cells, np.ndarray], np.ndarray]  # (cells, predicted) -> allowed |error|
    rationale: str  # why this tolerance, stated before measuring
    source: str  # where the prediction comes from
    kind: str  # KINDS: "prediction" (a theory's value the measurement could contradict), "consistency" (an identity), "map"
    select: Callable[[Cells], pd.Series] = lambda cells: pd.Series(True, index=cells.index)  # cells covered
    reference: str | None = None  # a quantity holding theory's value per run on that run's own data: its mean is column "reference"
    grid: str | tuple[str, str] | None = None  # column, or (column, quantity): the column's distinct values (on that
    # quantity's rows), the grid a fitted quantity used, reach predict and tolerance as the cells' column "grid"
    upper_bound: bool = False  # the prediction bounds the measurement from above: only a measurement above it counts against


def absolute(tol: float):
    return lambda cells, predicted: np.full(len(cells), tol)


def relative(tol: float):
    return lambda cells, predicted: tol * np.abs(predicted)


FLOAT64_ROUNDING = 1e-12  # relative: a mean of up to 10^4 float64 values is exact to about this; a smaller difference is rounding


def standard_errors(count: float, bias: Callable[[Cells, np.ndarray], np.ndarray] = lambda cells, predicted: 0.0):
    """bias(cells, predicted) plus ``count`` standard errors of the mean over seeds (read off the cell's 95% interval),
    plus float64 rounding: where every seed measures the same value (a spread of 0), a difference of 1e-16 is no failure."""
    def tolerance(cells: Cells, predicted: np.ndarray) -> np.ndarray:
        t = np.array([t_quantile(int(n) - 1) if n > 1 else np.nan for n in cells["n_seeds"]])
        return bias(cells, predicted) + count * (cells["ci_high"] - cells["mean"]).to_numpy() / t + FLOAT64_ROUNDING * np.abs(predicted)
    return tolerance


def config_scalars(cells: Cells, *names: str) -> list[np.ndarray]:
    """Columns of the cells as float arrays (config values that read_tables attached from the manifests)."""
    return [cells[name].to_numpy(float) for name in names]


def grid_of(cells: Cells) -> np.ndarray:
    """The grid the cell's exponent or crossing was fitted on (the claim's ``grid`` column)."""
    return np.asarray(cells["grid"].iloc[0], float)


def binomial_standard_errors(count: float):
    """``count`` binomial standard errors of a fraction F over the seeds x labellings fits of a cell: given its
    points, each labelling is separable with probability F exactly (Cover's count holds for any points in
    general position), independently."""
    def tolerance(cells: Cells, predicted: np.ndarray) -> np.ndarray:
        f = np.clip(predicted, 0.0, 1.0)
        return count * np.sqrt(f * (1 - f) / (cells["n_seeds"] * cells["labellings"]).to_numpy(float))
    return tolerance


def middle(cells: Cells) -> pd.Series:
    """The cells inside the dial, 0 < rho < 1."""
    return (cells["rho"] > 0) & (cells["rho"] < 1)


def dial_ends(cells: Cells) -> pd.Series:
    """The cells at the dial's ends, rho = 0 and rho = 1."""
    return cells["rho"].isin([0.0, 1.0])


def linear(cells: Cells) -> pd.Series:
    """The cells of the linear model (E1, E2; the other model is the MLP)."""
    return cells["model"] == "linear"


def evaluate(claim: Claim, results: pd.DataFrame) -> pd.DataFrame:
    """The ledger rows of one claim: one per cell that it covers."""
    if claim.kind not in KINDS:
        raise ValueError(f"claim {claim.id}: kind {claim.kind!r} is not one of {KINDS}")
    rows = results[results["quantity"] == claim.quantity]
    cell = [c for c in claim.cell if c in rows.columns]
    cells = summarise(rows, cell)
    if claim.grid:
        column, quantity = (claim.grid, None) if isinstance(claim.grid, str) else claim.grid
        on = results if quantity is None else results[results["quantity"] == quantity]
        values = pd.to_numeric(on[column], errors="coerce").dropna().unique() if column in on else []
        grid = tuple(sorted(float(v) for v in values))
        cells["grid"] = [grid] * len(cells)
    if claim.reference:
        reference = summarise(results[results["quantity"] == claim.reference], cell)[cell + ["mean"]]
        cells = cells.merge(reference.rename(columns={"mean": "reference"}), on=cell, how="left")
    if cells.empty:  # no run measured the quantity
        return pd.DataFrame(columns=COLUMNS)
    cells = cells[np.asarray(claim.select(cells), dtype=bool)].reset_index(drop=True)
    if cells.empty:
        return pd.DataFrame(columns=COLUMNS)
    predicted = np.asarray(claim.predict(cells), dtype=float)
    tolerance = np.asarray(claim.tolerance(cells, predicted), dtype=float)
    error = cells["mean"].to_numpy() - predicted
    if claim.upper_bound:
        error = np.maximum(error, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        statistic = np.where(error == 0, 0.0, error / tolerance)  # an exact match passes even where the tolerance is 0
    detectable = detectable_deviation(claim, cells, predicted)
    passed = np.abs(statistic) <= 1  # NaN (no finite measurement) fails
    return pd.DataFrame({
        "claim": claim.id,
        "kind": claim.kind,
        "experiment": claim.experiment,
        "params": [json.dumps({c: _plain(v) for c, v in zip(cell, values)}) for values in cells[cell].itertuples(index=False)],
        "predicted": predicted,
        "measured": cells["mean"],
        "ci_low": cells["ci_low"],
        "ci_high": cells["ci_high"],
        "n_seeds": cells["n_seeds"],
        "n_diverged": cells["n_diverged"],
        "statistic": statistic,
        "detectable": detectable,
        "verdict": np.where(passed, "pass", "fail"),
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
