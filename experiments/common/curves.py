"""What the experiments read off their curves: power-law slopes (E3, E5), crossing times (E4, censored), the jump (E8).

Only numpy, so that the ledger, the figures and the macros load without torch (a figure's edit
rebuilds in a few seconds; README "The benchmark").
"""
import numpy as np


def log_log_slope(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """d ln y / d ln x by least squares along the last axis; NaN where fewer than 3 values are positive and finite."""
    x, y = np.broadcast_arrays(np.asarray(x, float), np.asarray(y, float))
    ok = np.isfinite(y) & (y > 0)
    lx, ly = np.where(ok, np.log(x), 0.0), np.log(np.where(ok, y, 1.0))
    count = ok.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        dx = np.where(ok, lx - lx.sum(axis=-1, keepdims=True) / count[..., None], 0.0)
        slope = (dx * ly).sum(axis=-1) / (dx**2).sum(axis=-1)
    return np.where(count >= 3, slope, np.nan)


def crossing_times(times: np.ndarray, strength: np.ndarray, level: np.ndarray) -> np.ndarray:
    """First time each trajectory (last axis: time) reaches its level, linearly interpolated; the first time where it
    starts at or above the level; +inf where it never reaches it within the times given (right-censored: the time is a
    lower bound, not a divergence); NaN where the trajectory itself is not finite (diverged)."""
    level = np.asarray(level)[..., None]
    above = strength >= level
    first = np.where(above.any(axis=-1), above.argmax(axis=-1), -1)
    out = np.where(np.isfinite(strength).all(axis=-1), np.where(first == 0, times[0], np.inf), np.nan)
    for idx in zip(*np.nonzero(first > 0)):
        j = first[idx]
        u_lo, u_hi = strength[idx][j - 1], strength[idx][j]
        out[idx] = times[j - 1] + (level[idx][0] - u_lo) / (u_hi - u_lo) * (times[j] - times[j - 1])
    return out
