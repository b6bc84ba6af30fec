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


def hutter_slope_bias(cells: Cells, predicted: np.ndarray) -> np.ndarray:
    """|the slope that the experiment's fit finds on the exact finite sum E_n over its n grid and K keys - alpha/(1+alpha)|."""
    n = grid_of(cells)
    exact = np.array([-log_log_slope(n, hutter_error(n, a, int(k))) for a, k in zip(cells["alpha"], cells["keys"])])
    return np.abs(exact - hutter_exponent(cells["alpha"]))


def quantization_slope_bias(cells: Cells, predicted: np.ndarray) -> np.ndarray:
    """|the fitted slope of the exact tail sum_{k > 2N} p_k over the N grid and K keys - alpha|: a unit of N weights
    holds about 2N one-bit facts (T8), the most frequent first; the finite tail and the finite K bend the power law."""
    widths = grid_of(cells)
    slopes = []
    for a, k in zip(cells["alpha"], cells["keys"]):
        tail = np.cumsum(zipf_frequencies(a, int(k))[::-1])[::-1]  # tail[j] = sum_{k > j} p_k (0-based j)
        slopes.append(-log_log_slope(widths, tail[np.minimum(2 * widths.astype(int), int(k) - 1)]))
    return np.abs(np.array(slopes) - quantization_exponents(cells["alpha"])[0])


def emergence_step_bias(cells: Cells, predicted: np.ndarray) -> np.ndarray:
    """|the slope in rank of the delay that a finite step adds|: skill k grows by 1 + x_k per step instead of e^{x_k},
    x_k = 2 eta p_k (S = 1), so its jump comes later by the factor x_k/ln(1 + x_k); the same fit over ranks 1..K."""
    ranks = np.arange(1, int(cells["skills"].iloc[0]) + 1)
    slopes = []
    for a, lr in zip(cells["alpha"], cells["learning_rate"]):
        x = 2 * lr * zipf_frequencies(a, len(ranks))
        slopes.append(log_log_slope(ranks, x / np.log1p(x)))
    return np.abs(np.array(slopes))


@cache
def _online_slope(alpha: float, n_keys: int, n_classes: int, lr: float, grid: tuple[float, ...]) -> float:
    """The fitted exponent of the online learner's exact expected loss (theory.online_memoriser) over the step grid."""
    steps = np.asarray(grid)
    loss = [expected_loss(int(t), zipf_frequencies(alpha, n_keys), lr, n_classes) for t in steps]
    return float(-log_log_slope(steps, np.array(loss)))


def online_slope_bias(cells: Cells, predicted: np.ndarray) -> np.ndarray:
    """|the slope the experiment's fit finds on the exact expected loss of the online learner over its step grid and K
    keys - alpha/(1+alpha)|: finite T and K, and the 1/c tail of a key's loss after c sightings, bend the power law."""
    grid = tuple(grid_of(cells))
    exact = np.array([_online_slope(float(a), int(k), int(v), float(lr), grid)
                      for a, k, v, lr in zip(cells["alpha"], cells["keys"], cells["classes"], cells["online_learning_rate"])])
    return np.abs(exact - quantization_exponents(cells["alpha"].to_numpy(float))[2])


CLAIMS = (
    Claim("T7.memorising_error", "E5", "zipf_scaling", "memorising_error", CELL,
          predict=memorising_error, tolerance=standard_errors(STANDARD_ERRORS),
          rationale="4 standard errors over seeds: the per-key model answers every seen key right and leaves every unseen key "
                    "at a tie, counted wrong, so its error is the unseen mass, whose mean is E_n (an identity)",
          source="identity (Hutter 2021, T7)", kind="consistency"),
    Claim("T7.hutter_exponent", "E5", "zipf_scaling", "memorising_error_exponent", CELL,
          predict=lambda c: hutter_exponent(c["alpha"]), tolerance=standard_errors(STANDARD_ERRORS, bias=hutter_slope_bias),
          rationale="4 standard errors over seeds + |the slope the same fit finds on the exact finite sum E_n over the "
                    "cell's n grid and K keys - alpha/(1+alpha)| (hutter_slope_bias)",
          source="Hutter 2021 (T7)", kind="prediction", grid=("samples", "memorising_error")),
    Claim("T7.step_exponent_loss", "E5", "zipf_scaling", "online_loss_exponent", CELL + ("classes", "online_learning_rate"),
          predict=lambda c: quantization_exponents(c["alpha"])[2], tolerance=standard_errors(STANDARD_ERRORS, bias=online_slope_bias),
          rationale="4 standard errors over seeds + |the fitted slope of the online learner's exact expected loss (a finite "
                    "sum over keys and binomial sighting counts) over the step grid - alpha/(1+alpha)| (online_slope_bias)",
          source="Michaud et al. 2023 (T7), in steps of batch 1", kind="prediction", grid="samples"),
    Claim("T7.param_exponent_error", "E5", "zipf_scaling", "population_error_exponent", CELL,
          predict=lambda c: quantization_exponents(c["alpha"])[0], tolerance=standard_errors(STANDARD_ERRORS, bias=quantization_slope_bias),
          rationale="4 standard errors over seeds + |the fitted slope of the exact tail sum_{k > 2N} p_k over the N grid "
                    "and K keys - alpha| (quantization_slope_bias)",
          source="Michaud et al. 2023 (T7)", kind="prediction", grid=("weights", "population_error")),
    Claim("T7.param_exponent_loss", "E5", "zipf_scaling", "population_loss_exponent", CELL,
          predict=lambda c: quantization_exponents(c["alpha"])[0], tolerance=standard_errors(STANDARD_ERRORS, bias=quantization_slope_bias),
          rationale="as T7.param_exponent_error, if an unlearned skill costs a fixed loss and a learned one none",
          source="Michaud et al. 2023 (T7)", kind="prediction", grid=("weights", "population_error")),
    Claim("T7.emergence_exponent", "E5", "zipf_scaling", "emergence_exponent", EMERGENCE_CELL,
          predict=lambda c: skill_emergence_exponent(c["alpha"]), tolerance=standard_errors(STANDARD_ERRORS, bias=emergence_step_bias),
          rationale="4 standard errors over seeds + the tilt that a finite step gives the jump steps (emergence_step_bias): "
                    "skill k grows by 1 + x_k per step instead of e^{x_k}, x_k = 2 eta p_k; the cross-entropy's time "
                    "constant differs from the squared loss's but is common to all skills, so it moves no slope",
          source="Nam et al. 2024 (T7)", kind="prediction"),
)
