"""Summaries over seeds: the mean and its 95% Student-t interval (used by the ledger and the figures).

The Student-t quantiles and tails are SciPy's: scipy.special's stdtrit and stdtr, the functions that scipy.stats.t's
ppf and sf evaluate (tests/experiments/test_stats.py checks them against scipy.stats.t).  Importing scipy.stats
took about 1.1 s here, scipy.special 0.4 s, in each of the dozen processes of a build that summarise over seeds.
"""
import math
from functools import cache

import numpy as np
import pandas as pd
from scipy.special import bdtrc, stdtr, stdtrit

CONFIDENCE = 0.95  # every interval in the paper


@cache
def t_quantile(df: int, level: float = CONFIDENCE) -> float:
    """The two-sided Student-t quantile: P(|T_df| <= q) = level."""
    return float(stdtrit(df, (1 + level) / 2))


def t_tail(df: int, x: float) -> float:
    """The two-sided Student-t tail P(|T_df| > x): how often a right theory fails a cell of x standard errors by chance."""
    return float(2 * stdtr(df, -x))


def mean_interval(values) -> tuple[float, float, float, int]:
    """Mean, 95% interval (low, high) and count of the finite values; the interval is NaN for one value."""
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    n = len(x)
    if n == 0:
        return math.nan, math.nan, math.nan, 0
    mean = float(x.mean())
    if n == 1:
        return mean, math.nan, math.nan, 1
    half = t_quantile(n - 1) * float(x.std(ddof=1)) / math.sqrt(n)
    return mean, mean - half, mean + half, n


def summarise(table: pd.DataFrame, by: list[str], censored: bool = False) -> pd.DataFrame:
    """One row per group of ``by``: mean, ci_low, ci_high and n_seeds of the finite values of the column ``value``;
    n_diverged, the runs whose value is NaN or infinite (diverged), left out of the mean; and n_censored: where
    ``censored``, a value of +inf is a run that never reached its threshold within its steps (a lower bound, right-
    censored, not a divergence), left out of the mean and counted here instead."""
    rows = []
    for key, group in table.groupby(by, dropna=False, sort=True):
        mean, low, high, n = mean_interval(group["value"])
        n_censored = int(np.isposinf(group["value"].to_numpy(float)).sum()) if censored else 0
        rows.append({**dict(zip(by, key if isinstance(key, tuple) else (key,))), "mean": mean, "ci_low": low, "ci_high": high, "n_seeds": n,
                     "n_diverged": len(group) - n - n_censored, "n_censored": n_censored})
    return pd.DataFrame(rows)


def normal_tail(x: float) -> float:
    """The two-sided normal tail P(|Z| > x)."""
    return math.erfc(x / math.sqrt(2))


def wilson_interval(successes: np.ndarray, trials: np.ndarray, z: float) -> tuple[np.ndarray, np.ndarray]:
    """Wilson's score interval of a proportion at z standard errors, from the measured count alone (never from a
    predicted proportion): finite and of positive width at 0 and at 1 (Wilson 1927)."""
    k, n = np.asarray(successes, float), np.asarray(trials, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        f = k / n
        centre = (f + z**2 / (2 * n)) / (1 + z**2 / n)
        half = z / (1 + z**2 / n) * np.sqrt(f * (1 - f) / n + z**2 / (4 * n**2))
    return centre - half, centre + half


def allowed_failures(cells: int, rate: float, level: float) -> int:
    """The most failed cells a right theory gives by chance at ``level``: the smallest c with P(Binomial(cells, rate) > c)
    <= level, where ``rate`` is a cell's chance failure rate (paper section "Claims ledger", family verdicts)."""
    if cells == 0 or rate <= 0:
        return 0
    c = 0
    while c < cells and bdtrc(c, cells, rate) > level:
        c += 1
    return c
