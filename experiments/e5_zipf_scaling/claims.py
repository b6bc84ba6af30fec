"""E5's claims: T7's memorising learner, its exponents in data, steps and parameters, and the emergence of skills
(paper section "Measurements on the dial", E5; the ledger's machinery is experiments/common/ledger.py)."""
from functools import cache

import numpy as np

from experiments.common.curves import log_log_slope
from experiments.common.ledger import STANDARD_ERRORS, Cells, Claim, grid_of, standard_errors
from experiments.e5_zipf_scaling.spec import CELL, EMERGENCE_CELL
from theory.online_memoriser import expected_loss
from theory.zipf_skills import hutter_error, hutter_exponent, quantization_exponents, skill_emergence_exponent, zipf_frequencies


def memorising_error(cells: Cells) -> np.ndarray:
    """Hutter's E_n = sum_k p_k (1 - p_k)^n summed exactly over the cell's K keys."""
    return np.array([hutter_error(n, a, int(k)) for n, a, k in zip(cells["samples"], cells["alpha"], cells["keys"])])


def hutter_slope(cells: Cells) -> np.ndarray:
    """Hutter's exponent for the experiment as run: the slope its fit finds on the exact finite sum E_n over its n grid
    and K keys (the law alpha/(1+alpha) holds as n and K grow without end)."""
    n = grid_of(cells)
    return np.array([-log_log_slope(n, hutter_error(n, a, int(k))) for a, k in zip(cells["alpha"], cells["keys"])])


def quantization_slope(cells: Cells) -> np.ndarray:
    """The parameter exponent for the experiment as run: the fitted slope of the exact tail sum_{k > 2N} p_k over the N
    grid and K keys (a unit of N weights holds about 2N one-bit facts, T8, the most frequent first); the law is alpha."""
    widths = grid_of(cells)
    slopes = []
    for a, k in zip(cells["alpha"], cells["keys"]):
        tail = np.cumsum(zipf_frequencies(a, int(k))[::-1])[::-1]  # tail[j] = sum_{k > j} p_k (0-based j)
        slopes.append(-log_log_slope(widths, tail[np.minimum(2 * widths.astype(int), int(k) - 1)]))
    return np.array(slopes)


def emergence_slope(cells: Cells) -> np.ndarray:
    """The emergence exponent at the experiment's finite step: skill k grows by 1 + x_k per step instead of e^{x_k},
    x_k = 2 eta p_k (S = 1), so its jump comes later by the factor x_k/ln(1 + x_k); 1 + alpha plus that factor's slope in
    rank over ranks 1..K.  The cross-entropy's time constant differs from the squared loss's but is common to all skills."""
    ranks = np.arange(1, int(cells["skills"].iloc[0]) + 1)
    tilt = []
    for a, lr in zip(cells["alpha"], cells["learning_rate"]):
        x = 2 * lr * zipf_frequencies(a, len(ranks))
        tilt.append(log_log_slope(ranks, x / np.log1p(x)))
    return skill_emergence_exponent(cells["alpha"].to_numpy(float)) + np.array(tilt)


@cache
def _online_slope(alpha: float, n_keys: int, n_classes: int, lr: float, grid: tuple[float, ...]) -> float:
    """The fitted exponent of the online learner's exact expected loss (theory.online_memoriser) over the step grid."""
    steps = np.asarray(grid)
    loss = [expected_loss(int(t), zipf_frequencies(alpha, n_keys), lr, n_classes) for t in steps]
    return float(-log_log_slope(steps, np.array(loss)))


def online_slope(cells: Cells) -> np.ndarray:
    """The step exponent for the experiment as run: the fitted slope of the online learner's exact expected loss over
    its step grid and K keys (finite T and K, and the 1/c tail of a key's loss after c sightings, bend alpha/(1+alpha))."""
    grid = tuple(grid_of(cells))
    return np.array([_online_slope(float(a), int(k), int(v), float(lr), grid)
                     for a, k, v, lr in zip(cells["alpha"], cells["keys"], cells["classes"], cells["online_learning_rate"])])


CLAIMS = (
    Claim("T7.memorising_error", "E5", "zipf_scaling", "memorising_error", CELL,
          predict=memorising_error, tolerance=standard_errors(STANDARD_ERRORS),
          rationale="4 standard errors over seeds: the per-key model answers every seen key right and leaves every unseen key "
                    "at a tie, counted wrong, so its error is the unseen mass, whose mean is E_n (an identity)",
          source="identity (Hutter 2021, T7)", kind="consistency"),
    Claim("T7.hutter_exponent", "E5", "zipf_scaling", "memorising_error_exponent", CELL,
          predict=hutter_slope, asymptotic=lambda c: hutter_exponent(c["alpha"]), tolerance=standard_errors(STANDARD_ERRORS),
          rationale="4 standard errors over seeds: the prediction is the slope the same fit finds on the exact finite sum "
                    "E_n over the cell's n grid and K keys (hutter_slope), alpha/(1+alpha) beside it",
          source="Hutter 2021 (T7)", kind="prediction", grid=("samples", "memorising_error")),
    Claim("T7.step_exponent_loss", "E5", "zipf_scaling", "online_loss_exponent", CELL + ("classes", "online_learning_rate"),
          predict=online_slope, asymptotic=lambda c: quantization_exponents(c["alpha"])[2], tolerance=standard_errors(STANDARD_ERRORS),
          rationale="4 standard errors over seeds: the prediction is the fitted slope of the online learner's exact expected "
                    "loss (a finite sum over keys and binomial sighting counts) over the step grid (online_slope), "
                    "alpha/(1+alpha) beside it",
          source="Michaud et al. 2023 (T7), in steps of batch 1", kind="prediction", grid="samples"),
    Claim("T7.param_exponent_error", "E5", "zipf_scaling", "population_error_exponent", CELL,
          predict=quantization_slope, asymptotic=lambda c: quantization_exponents(c["alpha"])[0], tolerance=standard_errors(STANDARD_ERRORS),
          rationale="4 standard errors over seeds: the prediction is the fitted slope of the exact tail sum_{k > 2N} p_k "
                    "over the N grid and K keys (quantization_slope), alpha beside it",
          source="Michaud et al. 2023 (T7)", kind="prediction", grid=("weights", "population_error")),
    Claim("T7.param_exponent_loss", "E5", "zipf_scaling", "population_loss_exponent", CELL,
          predict=quantization_slope, asymptotic=lambda c: quantization_exponents(c["alpha"])[0], tolerance=standard_errors(STANDARD_ERRORS),
          rationale="as T7.param_exponent_error, if an unlearned skill costs a fixed loss and a learned one none",
          source="Michaud et al. 2023 (T7)", kind="prediction", grid=("weights", "population_error")),
    Claim("T7.emergence_exponent", "E5", "zipf_scaling", "emergence_exponent", EMERGENCE_CELL,
          predict=emergence_slope, asymptotic=lambda c: skill_emergence_exponent(c["alpha"]), tolerance=standard_errors(STANDARD_ERRORS),
          rationale="4 standard errors over seeds: the prediction is 1 + alpha tilted by the finite step (emergence_slope): "
                    "skill k grows by 1 + x_k per step instead of e^{x_k}, x_k = 2 eta p_k; 1 + alpha beside it",
          source="Nam et al. 2024 (T7)", kind="prediction"),
)
