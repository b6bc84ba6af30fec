"""E4's claims: T6's half-times, final strengths, transition widths and onsets under the rho delay, and the noise
threshold (paper section "Measurements on the dial", E4; the ledger's machinery is experiments/common/ledger.py)."""
from functools import cache

import numpy as np
import pandas as pd

from experiments.common.curves import crossing_times
from experiments.common.ledger import STANDARD_ERRORS, Cells, Claim, config_scalars, grid_of, standard_errors
from experiments.e4_deep_linear.spec import CELL, WIDTH_MARGIN
from theory.deep_linear import gd_mode_strength, mixture_half_time, saxe_transition_width
from theory.spiked_correlation import kept_strength, noise_scale


def discrete_mode(rho_s: np.ndarray, initial: np.ndarray, learning_rate: np.ndarray, steps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One mode of E4's network under gradient descent with the experiment's step (theory.deep_linear.gd_mode_strength,
    T6's flow discretised): the time (eta x steps, interpolated linearly as the experiment does) at which u first
    reaches rho s / 2, and u after ``steps`` steps; cells that share a step size and a step count run together."""
    half, final = np.full(len(rho_s), np.nan), np.full(len(rho_s), np.nan)
    for lr, n in set(zip(learning_rate.tolist(), steps.astype(int).tolist())):
        at = (learning_rate == lr) & (steps == n)
        path = gd_mode_strength(n, lr, 1.0, rho_s[at], initial[at])  # (cells, n + 1)
        half[at] = crossing_times(lr * np.arange(n + 1), path, rho_s[at] / 2)
        final[at] = path[:, -1]
    return half, final


def mode_sampling_sd(cells: Cells) -> np.ndarray:
    """The sampling sd of a mode's empirical strength u^T Sigma_yx_hat v over n samples: each sample adds
    (u^T y)(v^T x), of mean rho s and second moment 3 rho s^2 + (1 - rho) sigma^2 (x Gaussian, label noise N(0, sigma^2))."""
    r, s, n, sigma2 = config_scalars(cells, "rho", "singular_value", "samples", "noise_variance")
    return np.sqrt((3 * r * s**2 + (1 - r) * sigma2 - (r * s) ** 2) / n)


def t6_premise(cells: Cells) -> pd.Series:
    """T6 is a population result: a mode whose empirical strength scatters by more than a quarter of rho s
    (one sd, mode_sampling_sd) is outside its premise, in the regime of E4's noise threshold."""
    return pd.Series(mode_sampling_sd(cells) <= cells["rho"] * cells["singular_value"] / 4, index=cells.index)


def half_time_bias(cells: Cells, predicted: np.ndarray) -> np.ndarray:
    """|discrete-step half time - flow half time| at rho s, plus the convexity bias of the half time in the sampled
    strength: (t(rho s + sd) + t(rho s - sd))/2 - t(rho s) for the sampling sd of mode_sampling_sd."""
    r, s, u0, lr, steps = config_scalars(cells, "rho", "singular_value", "init", "learning_rate", "steps")
    discrete, _ = discrete_mode(r * s, u0, lr, steps)
    sd = mode_sampling_sd(cells)
    flow = mixture_half_time(r, s, u0)
    with np.errstate(invalid="ignore"):
        convexity = (mixture_half_time(1.0, r * s + sd, u0) + mixture_half_time(1.0, r * s - sd, u0)) / 2 - flow
    return np.abs(discrete - flow) + np.abs(convexity)


def unconverged(cells: Cells, predicted: np.ndarray) -> np.ndarray:
    """rho s minus the strength a mode of rho s reaches in the experiment's steps (discrete_mode): the final map is
    the least-squares map, unbiased for rho W*, only once training has converged."""
    r, s, u0, lr, steps = config_scalars(cells, "rho", "singular_value", "init", "learning_rate", "steps")
    return np.abs(r * s - discrete_mode(r * s, u0, lr, steps)[1])


@cache
def gd_crossings(rho_s: float, initial: float, learning_rate: float, fractions: tuple[float, ...]) -> np.ndarray:
    """The times at which T6's mode under gradient descent with the experiment's step (theory.deep_linear.gd_mode_strength)
    first reaches each fraction of rho s, interpolated as the experiment does; run to twice the flow's time to 90%."""
    steps = int(np.ceil(2 * (mixture_half_time(1.0, rho_s, initial) + saxe_transition_width(rho_s, 0.1 * rho_s)) / learning_rate))
    path = gd_mode_strength(steps, learning_rate, 1.0, rho_s, initial)
    return crossing_times(learning_rate * np.arange(steps + 1), np.broadcast_to(path, (len(fractions), steps + 1)), rho_s * np.asarray(fractions))


def width_bias(cells: Cells, predicted: np.ndarray) -> np.ndarray:
    """|discrete-step width - T6's flow width| at rho s, plus the width's convexity in the sampled strength
    (w(rho s + sd) + w(rho s - sd))/2 - w(rho s), sd from mode_sampling_sd."""
    r, s, u0, lr = config_scalars(cells, "rho", "singular_value", "init", "learning_rate")
    width = lambda theta: saxe_transition_width(theta, WIDTH_MARGIN * theta)
    discrete = np.array([np.diff(gd_crossings(*cell, (WIDTH_MARGIN, 1 - WIDTH_MARGIN)))[0] for cell in zip(r * s, u0, lr)])
    sd = mode_sampling_sd(cells)
    return np.abs(discrete - width(r * s)) + np.abs((width(r * s + sd) + width(r * s - sd)) / 2 - width(r * s))


def onset_slope_bias(cells: Cells, predicted: np.ndarray) -> np.ndarray:
    """|the slope against ln(1/u0), over the cell's u0 grid, of the discrete-step half times - 1/(2 rho s)| (it holds
    ln(rho s - u0) and the step's shift), plus the slope's convexity in the sampled strength, as width_bias."""
    r, s, lr = config_scalars(cells, "rho", "singular_value", "learning_rate")
    inits, flow = grid_of(cells), 1 / (2 * r * s)
    halves = np.array([[gd_crossings(theta, u0, eta, (0.5,))[0] for theta, eta in zip(r * s, lr)] for u0 in inits])  # (inits, cells)
    slopes = np.polyfit(np.log(1 / inits), halves, 1)[0]
    sd = mode_sampling_sd(cells)
    return np.abs(slopes - flow) + np.abs((1 / (2 * (r * s + sd)) + 1 / (2 * (r * s - sd))) / 2 - flow)


CRITICAL_WINDOW_EXPONENT = 1 / 3  # BBP's critical window at finite d is d^(-1/3) wide

THRESHOLD_WINDOW = 2  # cells within THRESHOLD_WINDOW x d^(-1/3) of the threshold (BBP's critical window) are left out


def threshold_cells(cells: Cells) -> tuple[np.ndarray, np.ndarray]:
    """rho s and the noise scale a = sigma_eff sqrt(d/n) (theory.spiked_correlation) of each one-mode cell."""
    r, s, n, d, sigma2 = config_scalars(cells, "rho", "singular_value", "samples", "dimension", "noise_variance")
    return r * s, noise_scale(r, n, d, s**2, sigma2)


def above_threshold(cells: Cells) -> pd.Series:
    theta, a = threshold_cells(cells)
    return pd.Series(theta >= a * (1 + THRESHOLD_WINDOW * cells["dimension"].to_numpy(float) ** -CRITICAL_WINDOW_EXPONENT), index=cells.index)


def below_threshold(cells: Cells) -> pd.Series:
    theta, a = threshold_cells(cells)
    return pd.Series(theta <= a * (1 - THRESHOLD_WINDOW * cells["dimension"].to_numpy(float) ** -CRITICAL_WINDOW_EXPONENT), index=cells.index)


def kept_strength_bias(cells: Cells, predicted: np.ndarray) -> np.ndarray:
    """|kept strength at the exact noise scale - at the asymptotic one|: the fit's noise entries have variance
    sigma_eff^2/(n - d - 1) (the inverse Wishart's mean), and the mixture's x-dependent noise adds
    2 rho (1 - rho) s^2 / d^2 to their mean (Gaussian fourth moments along the mode)."""
    theta, a = threshold_cells(cells)
    r, s, n, d = config_scalars(cells, "rho", "singular_value", "samples", "dimension")
    exact = np.sqrt((a**2 * n + 2 * r * (1 - r) * s**2 / d) / (n - d - 1))
    return np.abs(kept_strength(theta, exact) - kept_strength(theta, a))


def random_direction_projection(cells: Cells, predicted: np.ndarray) -> np.ndarray:
    """2a/d: the strength along a fixed mode of a top noise component at the edge 2a whose singular vectors are random
    (each squared overlap 1/d on average)."""
    _, a = threshold_cells(cells)
    return 2 * a / cells["dimension"].to_numpy(float)


CLAIMS = (
    Claim("T6.mixture_half_time", "E4", "deep_linear", "half_time", CELL,
          predict=lambda c: mixture_half_time(c["rho"], c["singular_value"], c["init"]), tolerance=standard_errors(STANDARD_ERRORS, bias=half_time_bias),
          rationale="4 standard errors over seeds + the discrete step's shift of the half time and the convexity bias of "
                    "the half time in the sampled strength (half_time_bias); modes within T6's population premise (t6_premise)",
          source="Saxe et al. 2014; rho-delay derived here (T6)", kind="prediction", select=t6_premise),
    Claim("T6.mixture_final_strength", "E4", "deep_linear", "final_strength", CELL,
          predict=lambda c: c["rho"] * c["singular_value"], tolerance=standard_errors(STANDARD_ERRORS, bias=unconverged),
          rationale="4 standard errors over seeds + what training leaves unlearned in its steps (unconverged): the final "
                    "map is the least-squares map, an unbiased estimate of rho W*",
          source="Saxe et al. 2014; rho-delay derived here (T6)", kind="prediction", select=lambda c: c["rho"] < 1),
    Claim("T6.clean_final_strength", "E4", "deep_linear", "final_strength", CELL,
          predict=lambda c: c["rho"] * c["singular_value"], tolerance=standard_errors(STANDARD_ERRORS, bias=unconverged),
          rationale="as T6.mixture_final_strength; at rho = 1 the labels are W* x exactly, so the least-squares map is W* "
                    "(an identity once training converged)",
          source="identity (T6 at rho = 1)", kind="consistency", select=lambda c: c["rho"] == 1),
    Claim("T6.transition_width", "E4", "deep_linear", "transition_width", CELL,
          predict=lambda c: saxe_transition_width(c["rho"] * c["singular_value"], WIDTH_MARGIN * c["rho"] * c["singular_value"]),
          tolerance=standard_errors(STANDARD_ERRORS, bias=width_bias),
          rationale="4 standard errors over seeds + |the discrete step's width - the flow's| and the width's convexity in the "
                    "sampled strength (width_bias); one cell per u0: T6's width (1/(rho s)) ln 9 does not depend on u0",
          source="Saxe et al. 2014; rho-delay derived here (T6)", kind="prediction"),
    Claim("T6.onset_slope", "E4", "deep_linear", "onset_slope", CELL,
          predict=lambda c: 1 / (2 * c["rho"] * c["singular_value"]), tolerance=standard_errors(STANDARD_ERRORS, bias=onset_slope_bias),
          rationale="4 standard errors over seeds + |the fitted slope of the discrete step's half times over the u0 grid - "
                    "1/(2 rho s)| and its convexity in the sampled strength (onset_slope_bias)",
          source="Saxe et al. 2014; rho-delay derived here (T6)", kind="prediction", grid="init"),
    Claim("T6.noise_threshold_above", "E4", "deep_linear", "threshold_final_strength", CELL,
          predict=lambda c: kept_strength(*threshold_cells(c)), tolerance=standard_errors(STANDARD_ERRORS, bias=kept_strength_bias),
          rationale="4 standard errors over seeds + the kept strength's change from the noise scale's exact finite-n "
                    "variance (kept_strength_bias); cells above BBP's critical window a(1 + 2 d^(-1/3)); the O(1/d) "
                    "corrections to the outlier and overlaps at finite d are not bounded",
          source="Baik, Ben Arous and Peche 2005; Benaych-Georges and Nadakuditi 2012; applied here", kind="prediction",
          select=above_threshold),
    Claim("T6.noise_threshold_below", "E4", "deep_linear", "threshold_final_strength", CELL,
          predict=lambda c: kept_strength(*threshold_cells(c)), tolerance=standard_errors(STANDARD_ERRORS, bias=random_direction_projection),
          rationale="4 standard errors over seeds + 2a/d, the strength along the mode of a top noise component with random "
                    "singular vectors (random_direction_projection); cells below BBP's critical window a(1 - 2 d^(-1/3)), "
                    "where T6 would predict rho s and BBP 0",
          source="Baik, Ben Arous and Peche 2005; applied here", kind="prediction", select=below_threshold),
)
