"""The intervals over seeds: SciPy's Student-t quantiles and tails, and an interval that covers the mean 95% of the time."""
import numpy as np
import pytest
from scipy import stats as scipy_stats

from experiments.common.stats import CONFIDENCE, mean_interval, t_quantile, t_tail


@pytest.mark.parametrize("df", [1, 2, 3, 7, 15, 100])
def test_quantiles_and_tails_are_scipy_stats_t(df):
    assert t_quantile(df) == pytest.approx(scipy_stats.t.ppf((1 + CONFIDENCE) / 2, df), rel=1e-12)
    for x in (0.5, 2.0, 4.0):
        assert t_tail(df, x) == pytest.approx(2 * scipy_stats.t.sf(x, df), rel=1e-12)
    assert t_tail(df, t_quantile(df)) == pytest.approx(1 - CONFIDENCE, rel=1e-9)


def test_the_interval_covers_the_mean_at_its_level():
    rng = np.random.default_rng(7)
    draws = rng.normal(3.0, 2.0, size=(20000, 8))
    covered = [low <= 3.0 <= high for low, high in (mean_interval(d)[1:3] for d in draws)]
    assert np.mean(covered) == pytest.approx(CONFIDENCE, abs=4 * np.sqrt(CONFIDENCE * (1 - CONFIDENCE) / len(draws)))


def test_nan_values_are_left_out_and_counted():
    mean, low, high, n = mean_interval([1.0, np.nan, 3.0, np.inf])
    assert (mean, n) == (2.0, 2) and low < 2.0 < high
    assert np.isnan(mean_interval([np.nan])[0]) and mean_interval([np.nan])[3] == 0
