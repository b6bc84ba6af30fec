"""E3's claims: T4's train and test risks at the dial's ends and continued inward, T5's eigen-sum and power law
(paper section "Measurements on the dial", E3; the ledger's machinery is experiments/common/ledger.py)."""
import numpy as np
import pandas as pd

from experiments.common.curves import log_log_slope
from experiments.common.ledger import STANDARD_ERRORS, Cells, Claim, config_scalars, declared, dial_ends, grid_of, relative, standard_errors
from experiments.e3_least_squares.spec import CELL, POWER_LAW_CELL
from theory.gradient_flow import gradient_flow_loss, power_law_loss_exponent
from theory.regression_mixture import mixture_test_risk, mixture_train_mse


def away_from_threshold(cells: Cells) -> pd.Series:
    """T4's risks are finite with finite variance only away from d = n: d/n <= 3/4 or >= 5/4."""
    ratio = cells["features"] / cells["samples"]
    return (ratio <= 0.75) | (ratio >= 1.25)


def finite_power_law_exponent(cells: Cells) -> np.ndarray:
    """T5 for the experiment as run: the slope its fit finds on T5's eigen-sum of the population's d modes
    (lambda_j = j^{-2a}, teacher j^{-b}) over its step grid, whose n -> infinity, d -> infinity limit is (2a + 2b - 1)/(2a)."""
    steps = grid_of(cells)
    slopes = []
    for a, b, d, n, lr in zip(*config_scalars(cells, "spectrum_exponent", "teacher_exponent", "features", "samples", "learning_rate")):
        j = np.arange(1.0, d + 1)
        loss = gradient_flow_loss(lr * steps, j ** (-2 * a), np.sqrt(n * j ** (-2 * a)) * j**-b, n)
        slopes.append(-log_log_slope(steps, loss))
    return np.array(slopes)


CLAIMS = (
    Claim("T4.train_mse", "E3", "least_squares", "train_mse", CELL,
          predict=lambda c: mixture_train_mse(c["rho"], c["samples"], c["features"], c["teacher_norm_sq"], c["noise_variance"]),
          tolerance=standard_errors(STANDARD_ERRORS),
          rationale="4 standard errors over seeds; no bias: sigma^2 (1 - d/n) is the exact finite-n mean at the dial's ends",
          source="Hastie et al. 2022 (T4)", kind="prediction", select=lambda c: dial_ends(c) & (c["features"] < c["samples"]) & (c["rho"] < 1)),
    Claim("T4.test_risk", "E3", "least_squares", "test_risk", CELL,
          predict=lambda c: mixture_test_risk(c["rho"], c["samples"], c["features"], c["teacher_norm_sq"], c["noise_variance"]),
          tolerance=standard_errors(STANDARD_ERRORS),
          rationale="4 standard errors over seeds; no bias: the risks are the exact finite-n Gaussian-design means "
                    "(d/(n-d-1) and n/(d-n-1), not their n -> infinity limits)",
          source="Hastie et al. 2022 (T4)", kind="prediction", select=lambda c: dial_ends(c) & away_from_threshold(c) & ~((c["rho"] == 1) & (c["features"] < c["samples"]))),
    Claim("E3.continuation_train_mse", "E3", "least_squares", "train_mse", CELL,
          predict=lambda c: mixture_train_mse(c["rho"], c["samples"], c["features"], c["teacher_norm_sq"], c["noise_variance"]),
          tolerance=standard_errors(STANDARD_ERRORS), rationale="as T4.train_mse: whether the mixture's noise acts as Gaussian noise of its variance",
          source="T4 continued inward (derived here)", kind="prediction", select=lambda c: ~dial_ends(c) & (c["features"] < c["samples"])),
    Claim("E3.continuation_test_risk", "E3", "least_squares", "test_risk", CELL,
          predict=lambda c: mixture_test_risk(c["rho"], c["samples"], c["features"], c["teacher_norm_sq"], c["noise_variance"]),
          tolerance=standard_errors(STANDARD_ERRORS), rationale="as T4.test_risk",
          source="T4 continued inward (derived here)", kind="prediction", select=lambda c: ~dial_ends(c) & away_from_threshold(c)),
    Claim("T5.gradient_flow_loss", "E3", "least_squares", "gd_loss", CELL,
          predict=declared, tolerance=relative(0.03), reference="gd_eigen_sum",
          rationale="3%; gradient descent with step eta multiplies a mode's loss by about exp(-k eta^2 lambda^2) relative to the flow, "
                    "a change of order eta lambda (lambda t) <= 2% on the modes that still hold loss at t; a check of the "
                    "numerics against the eigen-sum of the same data",
          source="standard eigen-mode solution (T5)", kind="consistency"),
    Claim("T5.power_law_exponent", "E3", "least_squares", "power_law_exponent",
          POWER_LAW_CELL,
          predict=finite_power_law_exponent,
          asymptotic=lambda c: power_law_loss_exponent(c["spectrum_exponent"], c["teacher_exponent"]),
          tolerance=standard_errors(STANDARD_ERRORS),
          rationale="4 standard errors over seeds: the prediction is the same fit on T5's eigen-sum over the population's d "
                    "modes and the cell's step grid (finite_power_law_exponent), the law (2a+2b-1)/(2a) beside it; the "
                    "discrete step changes a mode's factor e^{-2 lambda t} by O(eta lambda), small for the modes that hold "
                    "the loss at t >= eta x fit_from; the sampled spectrum's departure from j^{-2a} at n = 16 d is left to "
                    "the standard errors",
          source="Bordelon et al. 2020 (T5)", kind="prediction", grid="power_law_step"),
)
