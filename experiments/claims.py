"""The claims ledger: every prediction joined with its measurement (paper section "Claims ledger").

Each claim below was declared, with its rule for passing, before any measurement.  A cell
(one prediction) passes when |measured - predicted| <= tolerance, where "measured" is the mean
over seeds; ``statistic`` is that error divided by the tolerance, so |statistic| <= 1 passes.
Runs that diverged (a NaN or infinite measurement) are left out of the mean and counted in
``n_diverged``; a cell whose every run diverged has no measurement and fails.
A prediction's tolerance is ``standard_errors(k, bias=...)``: k standard errors of the cell's mean over
seeds plus a bias bound computed from the theory (an exact finite-size value minus the asymptotic one, or
the next term of an expansion), both stated in the claim's rationale; a fixed fraction only where such a
bound justifies it.  Tolerances are declared before measuring and never tuned after seeing the results.
Config settings that a bias needs (a learning rate, a noise variance) reach the cells from the manifest
beside each results table (read_tables); ``grid`` hands a fitted quantity's grid to predict and tolerance.

Each claim has a ``kind``: "prediction", a theory's value that the measurement could contradict, or
"consistency", an identity of the measurement itself (it checks the code and the pipeline, not a theory).
The abstract, the summary table and the pass counts speak of predictions.

``detectable`` is the power of a cell: the smallest relative deviation delta of the prediction that the cell
would detect, i.e. a wrong theory predicting p(1 + delta) instead of p, against a measurement equal to p, gets
|statistic| > 1.  For a tolerance that does not depend on the prediction this is tolerance / |p|.  Where it
does (a bias proportional to p, r|p|), the tolerance is evaluated at the wrong prediction: the threshold for a
deviation up is (tol_0/|p| + r)/(1 - r) and down (tol_0/|p| + r)/(1 + r); ``detectable`` is the larger, so
every deviation at least that large is detected whatever its sign (detectable_deviation).  It is NaN where p = 0.

    python -m experiments.claims --out results/claims.csv results/loss_floor/*.csv results/gradient_noise/*.csv
"""
import argparse
import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from experiments.stats import summarise, t_quantile
from theory.bayes_floor import bayes_accuracy, bayes_floor
from theory.bayes_floor import derive as bayes_floor_derivation
from theory.bias_bounds import finite_sample_next_term
from theory.capacity import cover_separable_fraction, half_crossing
from theory.capacity import derive as capacity_derivation
from theory.finite_samples import finite_sample_excess, other_class_count
from theory.gradient_noise import gradient_noise_scale, gradient_sq_norm, gradient_trace, mean_gradient_sq_norm, minibatch_sq_norm_pure_noise
from experiments.curves import WIDTH_MARGIN, crossing_times, log_log_slope
from theory.deep_linear import gd_mode_strength, mixture_half_time, saxe_transition_width, t6_jump_delay
from theory.gradient_flow import gradient_flow_loss, power_law_loss_exponent
from theory.online_memoriser import expected_loss
from theory.spiked_correlation import kept_strength, noise_scale
from theory.io import atomic_path
from theory.regression_mixture import mixture_test_risk, mixture_train_mse
from theory.derivation import predictor
from theory.symbols import V
from theory.symbols import rho as rho_symbol
from theory.zipf_skills import hutter_error, hutter_exponent, quantization_exponents, skill_emergence_exponent, zipf_frequencies

COLUMNS = ["claim", "kind", "experiment", "params", "predicted", "measured", "ci_low", "ci_high", "n_seeds", "n_diverged", "statistic",
           "detectable", "verdict", "source"]
KINDS = ("prediction", "consistency")

Cells = pd.DataFrame  # one row per prediction, with the cell's parameter columns
STANDARD_ERRORS = 4  # k: the standard errors of the mean over seeds in a tolerance, for every claim here


@dataclass(frozen=True)
class Claim:
    id: str  # begins with the paper plan's T or E id
    experiment: str  # the experiment that measures it
    table: str  # the results table: its folder under results/
    quantity: str  # the measured quantity in that table
    cell: tuple[str, ...]  # the columns that identify one prediction (seeds are averaged)
    predict: Callable[[Cells], np.ndarray]  # theory's value for each cell
    tolerance: Callable[[Cells, np.ndarray], np.ndarray]  # (cells, predicted) -> allowed |error|
    rationale: str  # why this tolerance, stated before measuring
    source: str  # where the prediction comes from
    kind: str  # KINDS: "prediction" (a theory's value the measurement could contradict) or "consistency" (an identity)
    select: Callable[[Cells], pd.Series] = lambda cells: pd.Series(True, index=cells.index)  # cells covered
    reference: str | None = None  # a quantity holding theory's value per run on that run's own data: its mean is column "reference"
    grid: str | tuple[str, str] | None = None  # column, or (column, quantity): the column's distinct values (on that
    # quantity's rows), the grid a fitted quantity used, reach predict and tolerance as the cells' column "grid"
    upper_bound: bool = False  # the prediction bounds the measurement from above: only a measurement above it counts against


def absolute(tol: float):
    return lambda cells, predicted: np.full(len(cells), tol)


def relative(tol: float):
    return lambda cells, predicted: tol * np.abs(predicted)


def largest_m(cells: Cells) -> pd.Series:
    return cells["samples_per_key"] == cells["samples_per_key"].max()


T3_VALIDITY = 20  # T3 holds where every other class is expected this many times, m(1 - rho)/V >= T3_VALIDITY


def t3_valid(cells: Cells) -> pd.Series:
    """T3's expansion needs every class seen often: m(1 - rho)/V >= T3_VALIDITY makes an unseen class negligible."""
    return other_class_count(cells["rho"], cells["samples_per_key"], cells["classes"]) >= T3_VALIDITY


def linear(cells: Cells) -> pd.Series:
    return cells["model"] == "linear"


def away_from_threshold(cells: Cells) -> pd.Series:
    """T4's risks are finite with finite variance only away from d = n: d/n <= 3/4 or >= 5/4."""
    ratio = cells["features"] / cells["samples"]
    return (ratio <= 0.75) | (ratio >= 1.25)


def dial_ends(cells: Cells) -> pd.Series:
    return cells["rho"].isin([0.0, 1.0])


E1_CELL = ("model", "classes", "keys", "rho", "samples_per_key")
E2_CELL = ("model", "classes", "keys", "rho", "batch_size", "samples")
E3_CELL = ("samples", "features", "rho", "step", "repeats", "teacher_norm_sq", "noise_variance")
E4_CELL = ("dimension", "rho", "samples", "mode", "singular_value", "init", "learning_rate", "noise_variance", "steps")  # the last three from the manifest
E5_CELL = ("alpha", "keys", "samples")  # data part: n samples; the fitted exponents have no n
E5_EMERGENCE_CELL = ("alpha", "skills", "hidden", "learning_rate")  # the learning rate from the manifest
E6_CELL = ("part", "weights", "points", "labellings")  # half_point_per_weight has no P
E8_CELL = ("modulus", "hidden", "weight_decay", "train_fraction", "rho")
E9_CELL = ("hidden", "test_images", "train_size", "rho")


FLOAT64_ROUNDING = 1e-12  # relative: a mean of up to 10^4 float64 values is exact to about this; a smaller difference is rounding


def standard_errors(count: float, bias: Callable[[Cells, np.ndarray], np.ndarray] = lambda cells, predicted: 0.0):
    """bias(cells, predicted) plus ``count`` standard errors of the mean over seeds (read off the cell's 95% interval),
    plus float64 rounding: where every seed measures the same value (a spread of 0), a difference of 1e-16 is no failure."""
    def tolerance(cells: Cells, predicted: np.ndarray) -> np.ndarray:
        t = np.array([t_quantile(int(n) - 1) if n > 1 else np.nan for n in cells["n_seeds"]])
        return bias(cells, predicted) + count * (cells["ci_high"] - cells["mean"]).to_numpy() / t + FLOAT64_ROUNDING * np.abs(predicted)
    return tolerance


def memorising_error(cells: Cells) -> np.ndarray:
    """Hutter's E_n = sum_k p_k (1 - p_k)^n summed exactly over the cell's K keys."""
    return np.array([hutter_error(n, a, int(k)) for n, a, k in zip(cells["samples"], cells["alpha"], cells["keys"])])


def config_scalars(cells: Cells, *names: str) -> list[np.ndarray]:
    """Columns of the cells as float arrays (config values that read_tables attached from the manifests)."""
    return [cells[name].to_numpy(float) for name in names]


def argmax_miss(cells: Cells, predicted: np.ndarray) -> np.ndarray:
    """The accuracy lost when the per-key argmax is not the rule's class: rho (V - 1) P(N_q >= N_p) among m labels.

    N_p - N_q, the rule's count minus one other class's, has mean m(p - q) and variance m(p + q - (p - q)^2);
    the normal tail at that mean, times the V - 1 other classes (union bound), times the accuracy lost, p - q = rho.
    """
    r, m, v = config_scalars(cells, "rho", "samples_per_key", "classes")
    p, q = (predictor(bayes_floor_derivation()[name], rho_symbol, V)(r, v) for name in ("LabelProbRule", "LabelProbOther"))
    with np.errstate(divide="ignore", invalid="ignore"):  # rho = 1: no other class is ever counted, z = infinity
        z = np.where(q > 0, m * (p - q) / np.sqrt(m * (p + q - (p - q) ** 2)), np.inf)
    return r * (v - 1) * 0.5 * np.vectorize(math.erfc)(z / math.sqrt(2))


def t3_bias(cells: Cells, predicted: np.ndarray) -> np.ndarray:
    """The 1/m^2 term that T3's (V - 1)/(2m) truncates (theory/bias_bounds.py)."""
    return finite_sample_next_term(cells["rho"], cells["samples_per_key"], cells["classes"])


def noise_scale_bias(cells: Cells, predicted: np.ndarray) -> np.ndarray:
    """B_noise is a ratio over an unbiased |G|^2 estimate: E[1/X] - 1/E[X] ~ Var X / E[X]^3 with
    Var |G|^2_hat <= 4 |G|^2 tr Sigma/n + 2 (tr Sigma)^2/n^2, i.e. a relative bias <= 4 B/n + 2 B^2/n^2."""
    b, n = np.abs(predicted), cells["samples"].to_numpy(float)
    return b * (4 * b / n + 2 * b**2 / n**2)


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


def grid_of(cells: Cells) -> np.ndarray:
    """The grid the cell's exponent or crossing was fitted on (the claim's ``grid`` column)."""
    return np.asarray(cells["grid"].iloc[0], float)


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


def binomial_standard_errors(count: float):
    """``count`` binomial standard errors of a fraction F over the seeds x labellings fits of a cell: given its
    points, each labelling is separable with probability F exactly (Cover's count holds for any points in
    general position), independently."""
    def tolerance(cells: Cells, predicted: np.ndarray) -> np.ndarray:
        f = np.clip(predicted, 0.0, 1.0)
        return count * np.sqrt(f * (1 - f) / (cells["n_seeds"] * cells["labellings"]).to_numpy(float))
    return tolerance


@cache
def _expected_half_crossing(n_weights: int, ratios: tuple[float, ...], labellings: int, draws: int = 4000) -> float:
    """The mean half crossing of one seed's fractions, each drawn binomially from Cover's exact F on the grid."""
    points = np.round(np.asarray(ratios) * n_weights).astype(int)
    exact = cover_separable_fraction(points, np.full(len(points), n_weights))
    sampled = np.random.default_rng(0).binomial(labellings, exact, size=(draws, len(points))) / labellings
    return float(np.nanmean([half_crossing(points / n_weights, f) for f in sampled]))


def half_point_bias(cells: Cells, predicted: np.ndarray) -> np.ndarray:
    """|E[half crossing of binomially sampled exact fractions] - 2|: what the grid and the crossing's nonlinearity in
    the sampled fractions add to the measured half point (Monte Carlo over 4000 draws, its own error ~ 1e-3 sd)."""
    ratios = tuple(grid_of(cells))
    capacity = float(capacity_derivation()["CoverBitsPerWeight"])
    return np.array([abs(_expected_half_crossing(int(n), ratios, int(l)) - capacity) for n, l in zip(cells["weights"], cells["labellings"])])



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



# E7: the middle, mapped.  For each quantity with a prediction at both ends of the dial, the naive prediction
# interpolates the two ends' predictions at the cell's scale linearly in rho; the continued one is the theory
# carried inward where one is derived.  Both are predictions, expected to fail somewhere: the map says where.
def middle(cells: Cells) -> pd.Series:
    return (cells["rho"] > 0) & (cells["rho"] < 1)


def interpolate(noise_end: Callable[[Cells], np.ndarray], structure_end: Callable[[Cells], np.ndarray]):
    """E7's naive prediction: (1 - rho) x the noise end's prediction + rho x the structure end's, at the cell's scale."""
    def predict(cells: Cells) -> np.ndarray:
        r = cells["rho"].to_numpy(float)
        return (1 - r) * np.asarray(noise_end(cells), float) + r * np.asarray(structure_end(cells), float)
    return predict


def at_end(value: float, predict: Callable[[Cells], np.ndarray]) -> Callable[[Cells], np.ndarray]:
    """A prediction evaluated at one end of the dial, rho = value, at the cell's scale."""
    return lambda cells: predict(cells.assign(rho=value))


def e1_continued(cells: Cells) -> np.ndarray:
    """T1's floor, exact in rho, plus T3's excess (V-1)/(2m) at the cell's m."""
    return bayes_floor(cells["rho"], cells["classes"]) + finite_sample_excess(cells["samples_per_key"], cells["classes"])


def e1_structure_end(cells: Cells) -> np.ndarray:
    """At rho = 1 every label is the rule's: the per-key estimate is exact, the floor and the excess are 0."""
    return np.zeros(len(cells))


def e4_naive(cells: Cells) -> np.ndarray:
    """The half time interpolated as a rate, linear in rho between 0 (rho = 0: nothing to learn) and T6's rate at rho = 1."""
    return mixture_half_time(1.0, cells["singular_value"], cells["init"]) / cells["rho"]


def e3_risk(cells: Cells) -> np.ndarray:
    return mixture_test_risk(cells["rho"], cells["samples"], cells["features"], cells["teacher_norm_sq"], cells["noise_variance"])


MIDDLE_MAP = (  # E7's map, a row of panels per quantity: (label, in LaTeX, the params that make its scale, naive claim, continued claim)
    ("E1 test loss (linear)", ("classes", "samples_per_key"), "E7.e1_loss.naive", "E7.e1_loss.continued"),
    ("E1 test accuracy (linear)", ("classes", "samples_per_key"), "E7.e1_accuracy.naive", None),  # T1 is linear in rho
    ("E2 gradient signal $|G|^2$", ("keys",), "E7.e2_signal.naive", "T2.mean_grad_sq_norm"),
    ("E3 test risk", ("features",), "E7.e3_risk.naive", "E3.continuation_test_risk"),
    ("E4 half-time", ("samples", "singular_value"), "E7.e4_half_time.naive", "E7.e4_half_time.continued"),
    ("E6 separated fraction", ("weights", "points"), "E7.e6_separated.naive", "E6.mixture_separable_fraction"),
    ("E8 jump delay", ("train_fraction",), "E7.e8_jump_delay.naive", "E8.jump_delay"),
    ("E9 clean accuracy drop", ("train_size",), "E7.e9_accuracy.naive", "E9.structure_limit"),
)

def power_law_slope_bias(cells: Cells, predicted: np.ndarray) -> np.ndarray:
    """|the slope the experiment's fit finds on T5's eigen-sum of the population's d modes (lambda_j = j^{-2a}, teacher
    j^{-b}) over its step grid - (2a + 2b - 1)/(2a)|: the finite d, the sum for the integral and the finite window."""
    steps = grid_of(cells)
    slopes = []
    for a, b, d, n, lr in zip(*config_scalars(cells, "spectrum_exponent", "teacher_exponent", "features", "samples", "learning_rate")):
        j = np.arange(1.0, d + 1)
        loss = gradient_flow_loss(lr * steps, j ** (-2 * a), np.sqrt(n * j ** (-2 * a)) * j**-b, n)
        slopes.append(-log_log_slope(steps, loss))
    return np.abs(np.array(slopes) - power_law_loss_exponent(*config_scalars(cells, "spectrum_exponent", "teacher_exponent")))


def rule_leaves_one_direction(cells: Cells) -> np.ndarray:
    """E6's mixture, predicted before measuring: once the unit holds the rule, the rule's facts cost it one direction
    (t) and nothing more, so the labelling is separable when the random facts, Binomial(P, 1 - rho) of them, are
    separable by the N - 1 weights left: E F(P_random, N - 1), Cover's fraction averaged over the binomial count."""
    out = []
    for p, n, r in zip(*(cells[c].to_numpy() for c in ("points", "weights", "rho"))):
        counts = np.arange(int(p) + 1)
        pmf = np.array([math.comb(int(p), int(k)) for k in counts]) * (1 - r) ** counts * r ** (int(p) - counts)
        fractions = np.where(counts == 0, 1.0, cover_separable_fraction(np.maximum(counts, 1), np.full(len(counts), int(n) - 1)))
        out.append(float(pmf @ fractions))
    return np.array(out)


CLAIMS = (
    Claim("T1.bayes_floor", "E1", "loss_floor", "test_loss", E1_CELL,
          predict=lambda c: bayes_floor(c["rho"], c["classes"]),
          tolerance=standard_errors(STANDARD_ERRORS, bias=lambda c, p: finite_sample_excess(c["samples_per_key"], c["classes"])),
          rationale="4 standard errors over seeds + the finite-sample excess (V-1)/(2m) of T3 at the cell's m: the floor "
                    "is the m -> infinity limit, the largest m is finite; at rho = 1 the floor is 0, which training reaches "
                    "only as its time grows without end (the logits grow as ln t): no bias covers that residual, so a "
                    "failure there measures finite training",
          source="derived here (T1)", kind="prediction", select=largest_m),
    Claim("T1.bayes_accuracy", "E1", "loss_floor", "test_accuracy", E1_CELL,
          predict=lambda c: bayes_accuracy(c["rho"], c["classes"]), tolerance=standard_errors(STANDARD_ERRORS, bias=argmax_miss),
          rationale="4 standard errors over seeds + the accuracy lost where another class is counted at least as often as "
                    "the rule's among m labels (argmax_miss, a normal tail with a union bound)",
          source="derived here (T1)", kind="prediction", select=lambda c: largest_m(c) & (c["rho"] > 0)),
    Claim("T1.chance_accuracy", "E1", "loss_floor", "test_accuracy", E1_CELL,
          predict=lambda c: bayes_accuracy(c["rho"], c["classes"]), tolerance=standard_errors(STANDARD_ERRORS),
          rationale="4 standard errors over seeds: at rho = 0 the labels are independent of everything, so any predictor's "
                    "expected accuracy is 1/V (an identity, not a prediction)",
          source="identity", kind="consistency", select=lambda c: c["rho"] == 0),
    Claim("T3.finite_sample_excess", "E1", "loss_floor", "test_loss", E1_CELL,
          predict=lambda c: bayes_floor(c["rho"], c["classes"]) + finite_sample_excess(c["samples_per_key"], c["classes"]),
          tolerance=standard_errors(STANDARD_ERRORS, bias=t3_bias),
          rationale="4 standard errors over seeds + the 1/m^2 term that (V-1)/(2m) truncates (t3_bias); on the linear "
                    "per-key model, whose optimum is the per-key frequency estimate that T3 assumes",
          source="multinomial MLE asymptotics (T3)", kind="prediction", select=lambda c: t3_valid(c) & linear(c)),
    Claim("E1.mlp_excess", "E1", "loss_floor", "test_loss", E1_CELL,
          predict=lambda c: bayes_floor(c["rho"], c["classes"]) + finite_sample_excess(c["samples_per_key"], c["classes"]),
          tolerance=standard_errors(STANDARD_ERRORS, bias=t3_bias),
          rationale="as T3.finite_sample_excess, on the MLP, which shares its weights across keys and is not the per-key "
                    "estimate T3 assumes: whether T3's excess carries over to it (a measurement of the MLP against T3)",
          source="T3 applied beyond its premise (measured here)", kind="prediction", select=lambda c: t3_valid(c) & ~linear(c)),
    Claim("T2.grad_sq_norm", "E2", "gradient_noise", "grad_sq_norm", E2_CELL,
          predict=lambda c: gradient_sq_norm(c["classes"]), tolerance=relative(1e-5),
          rationale="exact for every sample at zero init (an identity); float32 rounding only",
          source="identity (T2)", kind="consistency", select=linear),
    Claim("T2.grad_trace", "E2", "gradient_noise", "grad_trace", E2_CELL,
          predict=lambda c: gradient_trace(c["rho"], c["classes"], c["keys"]), tolerance=standard_errors(STANDARD_ERRORS),
          rationale="4 standard errors over seeds; no bias: the sample covariance trace is unbiased",
          source="derived here (T2)", kind="prediction", select=linear),
    Claim("T2.mean_grad_sq_norm", "E2", "gradient_noise", "mean_grad_sq_norm", E2_CELL,
          predict=lambda c: mean_gradient_sq_norm(c["rho"], c["classes"], c["keys"]), tolerance=standard_errors(STANDARD_ERRORS),
          rationale="4 standard errors over seeds; no bias: |mean g|^2 - tr Sigma/n is unbiased for |G|^2",
          source="derived here (T2)", kind="prediction", select=lambda c: linear(c) & (c["rho"] > 0)),
    Claim("T2.noise_scale", "E2", "gradient_noise", "noise_scale", E2_CELL,
          predict=lambda c: gradient_noise_scale(c["rho"], c["keys"]), tolerance=standard_errors(STANDARD_ERRORS, bias=noise_scale_bias),
          rationale="4 standard errors over seeds + the ratio's bias, relative 4 B/n + 2 B^2/n^2 (noise_scale_bias)",
          source="McCandlish et al. 2018; formula derived here (T2)", kind="prediction", select=lambda c: linear(c) & (c["rho"] > 0)),
    Claim("T2.minibatch_pure_noise", "E2", "gradient_noise", "minibatch_sq_norm", E2_CELL,
          predict=lambda c: minibatch_sq_norm_pure_noise(c["batch_size"], c["classes"]), tolerance=standard_errors(STANDARD_ERRORS),
          rationale="4 standard errors over seeds: at rho = 0 |mean of B iid zero-mean gradients|^2 has mean tr Sigma/B "
                    "(an identity of the estimator)",
          source="identity (T2)", kind="consistency", select=lambda c: linear(c) & (c["rho"] == 0)),
    Claim("T4.train_mse", "E3", "least_squares", "train_mse", E3_CELL,
          predict=lambda c: mixture_train_mse(c["rho"], c["samples"], c["features"], c["teacher_norm_sq"], c["noise_variance"]),
          tolerance=standard_errors(STANDARD_ERRORS),
          rationale="4 standard errors over seeds; no bias: sigma^2 (1 - d/n) is the exact finite-n mean at the dial's ends",
          source="Hastie et al. 2022 (T4)", kind="prediction", select=lambda c: dial_ends(c) & (c["features"] < c["samples"]) & (c["rho"] < 1)),
    Claim("T4.test_risk", "E3", "least_squares", "test_risk", E3_CELL,
          predict=lambda c: mixture_test_risk(c["rho"], c["samples"], c["features"], c["teacher_norm_sq"], c["noise_variance"]),
          tolerance=standard_errors(STANDARD_ERRORS),
          rationale="4 standard errors over seeds; no bias: the risks are the exact finite-n Gaussian-design means "
                    "(d/(n-d-1) and n/(d-n-1), not their n -> infinity limits)",
          source="Hastie et al. 2022 (T4)", kind="prediction", select=lambda c: dial_ends(c) & away_from_threshold(c) & ~((c["rho"] == 1) & (c["features"] < c["samples"]))),
    Claim("E3.continuation_train_mse", "E3", "least_squares", "train_mse", E3_CELL,
          predict=lambda c: mixture_train_mse(c["rho"], c["samples"], c["features"], c["teacher_norm_sq"], c["noise_variance"]),
          tolerance=standard_errors(STANDARD_ERRORS), rationale="as T4.train_mse: whether the mixture's noise acts as Gaussian noise of its variance",
          source="T4 continued inward (derived here)", kind="prediction", select=lambda c: ~dial_ends(c) & (c["features"] < c["samples"])),
    Claim("E3.continuation_test_risk", "E3", "least_squares", "test_risk", E3_CELL,
          predict=lambda c: mixture_test_risk(c["rho"], c["samples"], c["features"], c["teacher_norm_sq"], c["noise_variance"]),
          tolerance=standard_errors(STANDARD_ERRORS), rationale="as T4.test_risk",
          source="T4 continued inward (derived here)", kind="prediction", select=lambda c: ~dial_ends(c) & away_from_threshold(c)),
    Claim("T5.gradient_flow_loss", "E3", "least_squares", "gd_loss", E3_CELL,
          predict=lambda c: c["reference"], tolerance=relative(0.03), reference="gd_eigen_sum",
          rationale="3%; gradient descent with step eta multiplies a mode's loss by about exp(-k eta^2 lambda^2) relative to the flow, "
                    "a change of order eta lambda (lambda t) <= 2% on the modes that still hold loss at t; a check of the "
                    "numerics against the eigen-sum of the same data",
          source="standard eigen-mode solution (T5)", kind="consistency"),
    Claim("T6.mixture_half_time", "E4", "deep_linear", "half_time", E4_CELL,
          predict=lambda c: mixture_half_time(c["rho"], c["singular_value"], c["init"]), tolerance=standard_errors(STANDARD_ERRORS, bias=half_time_bias),
          rationale="4 standard errors over seeds + the discrete step's shift of the half time and the convexity bias of "
                    "the half time in the sampled strength (half_time_bias); modes within T6's population premise (t6_premise)",
          source="Saxe et al. 2014; rho-delay derived here (T6)", kind="prediction", select=t6_premise),
    Claim("T6.mixture_final_strength", "E4", "deep_linear", "final_strength", E4_CELL,
          predict=lambda c: c["rho"] * c["singular_value"], tolerance=standard_errors(STANDARD_ERRORS, bias=unconverged),
          rationale="4 standard errors over seeds + what training leaves unlearned in its steps (unconverged): the final "
                    "map is the least-squares map, an unbiased estimate of rho W*",
          source="Saxe et al. 2014; rho-delay derived here (T6)", kind="prediction", select=lambda c: c["rho"] < 1),
    Claim("T6.clean_final_strength", "E4", "deep_linear", "final_strength", E4_CELL,
          predict=lambda c: c["rho"] * c["singular_value"], tolerance=standard_errors(STANDARD_ERRORS, bias=unconverged),
          rationale="as T6.mixture_final_strength; at rho = 1 the labels are W* x exactly, so the least-squares map is W* "
                    "(an identity once training converged)",
          source="identity (T6 at rho = 1)", kind="consistency", select=lambda c: c["rho"] == 1),
    Claim("T7.memorising_error", "E5", "zipf_scaling", "memorising_error", E5_CELL,
          predict=memorising_error, tolerance=standard_errors(STANDARD_ERRORS),
          rationale="4 standard errors over seeds: the per-key model answers every seen key right and leaves every unseen key "
                    "at a tie, counted wrong, so its error is the unseen mass, whose mean is E_n (an identity)",
          source="identity (Hutter 2021, T7)", kind="consistency"),
    Claim("T7.hutter_exponent", "E5", "zipf_scaling", "memorising_error_exponent", E5_CELL,
          predict=lambda c: hutter_exponent(c["alpha"]), tolerance=standard_errors(STANDARD_ERRORS, bias=hutter_slope_bias),
          rationale="4 standard errors over seeds + |the slope the same fit finds on the exact finite sum E_n over the "
                    "cell's n grid and K keys - alpha/(1+alpha)| (hutter_slope_bias)",
          source="Hutter 2021 (T7)", kind="prediction", grid=("samples", "memorising_error")),
    Claim("T7.param_exponent_error", "E5", "zipf_scaling", "population_error_exponent", E5_CELL,
          predict=lambda c: quantization_exponents(c["alpha"])[0], tolerance=standard_errors(STANDARD_ERRORS, bias=quantization_slope_bias),
          rationale="4 standard errors over seeds + |the fitted slope of the exact tail sum_{k > 2N} p_k over the N grid "
                    "and K keys - alpha| (quantization_slope_bias)",
          source="Michaud et al. 2023 (T7)", kind="prediction", grid=("weights", "population_error")),
    Claim("T7.param_exponent_loss", "E5", "zipf_scaling", "population_loss_exponent", E5_CELL,
          predict=lambda c: quantization_exponents(c["alpha"])[0], tolerance=standard_errors(STANDARD_ERRORS, bias=quantization_slope_bias),
          rationale="as T7.param_exponent_error, if an unlearned skill costs a fixed loss and a learned one none",
          source="Michaud et al. 2023 (T7)", kind="prediction", grid=("weights", "population_error")),
    Claim("T7.emergence_exponent", "E5", "zipf_scaling", "emergence_exponent", E5_EMERGENCE_CELL,
          predict=lambda c: skill_emergence_exponent(c["alpha"]), tolerance=standard_errors(STANDARD_ERRORS, bias=emergence_step_bias),
          rationale="4 standard errors over seeds + the tilt that a finite step gives the jump steps (emergence_step_bias): "
                    "skill k grows by 1 + x_k per step instead of e^{x_k}, x_k = 2 eta p_k; the cross-entropy's time "
                    "constant differs from the squared loss's but is common to all skills, so it moves no slope",
          source="Nam et al. 2024 (T7)", kind="prediction"),
    Claim("T8.separable_fraction", "E6", "capacity", "separated_fraction", E6_CELL,
          predict=lambda c: cover_separable_fraction(c["points"], c["weights"]), tolerance=binomial_standard_errors(STANDARD_ERRORS),
          rationale="4 binomial standard errors of Cover's F over the seeds x labellings fits (binomial_standard_errors); "
                    "the fit separates every separable labelling (the measured fractions do not move between 20 and 40 Newton steps)",
          source="Cover 1965 (T8)", kind="prediction", select=lambda c: c["points"] > c["weights"]),
    Claim("T8.all_separable", "E6", "capacity", "separated_fraction", E6_CELL,
          predict=lambda c: cover_separable_fraction(c["points"], c["weights"]), tolerance=absolute(0.0),
          rationale="exactly 1: P <= N points in general position are separable under every labelling (an identity of "
                    "the geometry; it checks the fit)",
          source="identity (T8)", kind="consistency", select=lambda c: c["points"] <= c["weights"]),
    Claim("T8.capacity_half_point", "E6", "capacity", "half_point_per_weight", E6_CELL,
          predict=lambda c: np.full(len(c), float(capacity_derivation()["CoverBitsPerWeight"])),
          tolerance=standard_errors(STANDARD_ERRORS, bias=half_point_bias),
          rationale="4 standard errors over seeds + |the mean half crossing of binomially sampled exact fractions on the "
                    "cell's P/N grid - 2| (half_point_bias); F(2N, N) = 1/2 exactly, so Cover's half point has no "
                    "finite-N correction of its own",
          source="Cover 1965 (T8)", kind="prediction", grid=("points_per_weight", "separated_fraction")),
    Claim("T8.loss_bits_bound", "E6", "capacity", "bits_per_weight", E6_CELL,
          predict=lambda c: c["points"] / c["weights"], tolerance=standard_errors(STANDARD_ERRORS), upper_bound=True,
          rationale="the loss estimator is a lower bound of the bits stored: it never exceeds the P/N bits of the labels "
                    "(4 standard errors over seeds above it fail)",
          source="Shannon; the estimator of theory/capacity.py", kind="consistency"),
    Claim("T6.transition_width", "E4", "deep_linear", "transition_width", E4_CELL,
          predict=lambda c: saxe_transition_width(c["rho"] * c["singular_value"], WIDTH_MARGIN * c["rho"] * c["singular_value"]),
          tolerance=standard_errors(STANDARD_ERRORS, bias=width_bias),
          rationale="4 standard errors over seeds + |the discrete step's width - the flow's| and the width's convexity in the "
                    "sampled strength (width_bias); one cell per u0: T6's width (1/(rho s)) ln 9 does not depend on u0",
          source="Saxe et al. 2014; rho-delay derived here (T6)", kind="prediction"),
    Claim("T6.onset_slope", "E4", "deep_linear", "onset_slope", E4_CELL,
          predict=lambda c: 1 / (2 * c["rho"] * c["singular_value"]), tolerance=standard_errors(STANDARD_ERRORS, bias=onset_slope_bias),
          rationale="4 standard errors over seeds + |the fitted slope of the discrete step's half times over the u0 grid - "
                    "1/(2 rho s)| and its convexity in the sampled strength (onset_slope_bias)",
          source="Saxe et al. 2014; rho-delay derived here (T6)", kind="prediction", grid="init"),
    Claim("T6.noise_threshold_above", "E4", "deep_linear", "threshold_final_strength", E4_CELL,
          predict=lambda c: kept_strength(*threshold_cells(c)), tolerance=standard_errors(STANDARD_ERRORS, bias=kept_strength_bias),
          rationale="4 standard errors over seeds + the kept strength's change from the noise scale's exact finite-n "
                    "variance (kept_strength_bias); cells above BBP's critical window a(1 + 2 d^(-1/3)); the O(1/d) "
                    "corrections to the outlier and overlaps at finite d are not bounded",
          source="Baik, Ben Arous and Peche 2005; Benaych-Georges and Nadakuditi 2012; applied here", kind="prediction",
          select=above_threshold),
    Claim("T6.noise_threshold_below", "E4", "deep_linear", "threshold_final_strength", E4_CELL,
          predict=lambda c: kept_strength(*threshold_cells(c)), tolerance=standard_errors(STANDARD_ERRORS, bias=random_direction_projection),
          rationale="4 standard errors over seeds + 2a/d, the strength along the mode of a top noise component with random "
                    "singular vectors (random_direction_projection); cells below BBP's critical window a(1 - 2 d^(-1/3)), "
                    "where T6 would predict rho s and BBP 0",
          source="Baik, Ben Arous and Peche 2005; applied here", kind="prediction", select=below_threshold),
    Claim("T7.step_exponent_loss", "E5", "zipf_scaling", "online_loss_exponent", E5_CELL + ("classes", "online_learning_rate"),
          predict=lambda c: quantization_exponents(c["alpha"])[2], tolerance=standard_errors(STANDARD_ERRORS, bias=online_slope_bias),
          rationale="4 standard errors over seeds + |the fitted slope of the online learner's exact expected loss (a finite "
                    "sum over keys and binomial sighting counts) over the step grid - alpha/(1+alpha)| (online_slope_bias)",
          source="Michaud et al. 2023 (T7), in steps of batch 1", kind="prediction", grid="samples"),
    # E7: the middle, mapped (see middle() and interpolate() above; paper section "The middle, mapped")
    Claim("E7.e1_loss.naive", "E7", "loss_floor", "test_loss", E1_CELL,
          predict=interpolate(at_end(0.0, e1_continued), e1_structure_end), tolerance=standard_errors(STANDARD_ERRORS, bias=t3_bias),
          rationale="as T3.finite_sample_excess: 4 standard errors over seeds + T3's next term; the ends' predictions at the "
                    "cell's m, ln V + (V-1)/(2m) and 0, interpolated linearly in rho; every m, inside the dial, linear model",
          source="the two limits interpolated (E7)", kind="prediction", select=lambda c: linear(c) & middle(c)),
    Claim("E7.e1_loss.continued", "E7", "loss_floor", "test_loss", E1_CELL,
          predict=e1_continued, tolerance=standard_errors(STANDARD_ERRORS, bias=t3_bias),
          rationale="as T3.finite_sample_excess, but at every m, also where T3's premise m(1-rho)/V >> 1 fails",
          source="T1 exact in rho + T3 (E7)", kind="prediction", select=lambda c: linear(c) & middle(c)),
    Claim("E7.e1_accuracy.naive", "E7", "loss_floor", "test_accuracy", E1_CELL,
          predict=lambda c: bayes_accuracy(c["rho"], c["classes"]), tolerance=standard_errors(STANDARD_ERRORS),
          rationale="4 standard errors over seeds (and float64 rounding); T1's Bayes accuracy rho + (1-rho)/V is itself linear "
                    "in rho, so the naive interpolation and the continued theory coincide (one row); every m, where the "
                    "argmax of m labels misses the rule's class",
          source="the two limits interpolated = T1 (E7)", kind="prediction", select=lambda c: linear(c) & middle(c)),
    Claim("E7.e2_signal.naive", "E7", "gradient_noise", "mean_grad_sq_norm", E2_CELL,
          predict=interpolate(lambda c: np.zeros(len(c)), at_end(1.0, lambda c: mean_gradient_sq_norm(c["rho"], c["classes"], c["keys"]))),
          tolerance=standard_errors(STANDARD_ERRORS),
          rationale="as T2.mean_grad_sq_norm: 4 standard errors over seeds, no bias; the ends, 0 and (1 - 1/V)/K, "
                    "interpolated linearly in rho; the continued theory, rho^2, is T2.mean_grad_sq_norm",
          source="the two limits interpolated (E7)", kind="prediction", select=lambda c: linear(c) & middle(c)),
    Claim("E7.e3_risk.naive", "E7", "least_squares", "test_risk", E3_CELL,
          predict=interpolate(at_end(0.0, e3_risk), at_end(1.0, e3_risk)), tolerance=standard_errors(STANDARD_ERRORS),
          rationale="as T4.test_risk: 4 standard errors over seeds, no bias; T4's exact risks at the two ends at the cell's "
                    "d/n, interpolated linearly in rho; the continued theory is E3.continuation_test_risk",
          source="the two limits interpolated (E7)", kind="prediction", select=lambda c: middle(c) & away_from_threshold(c)),
    Claim("E7.e4_half_time.naive", "E7", "deep_linear", "half_time", E4_CELL,
          predict=e4_naive, tolerance=standard_errors(STANDARD_ERRORS, bias=half_time_bias),
          rationale="as T6.mixture_half_time: 4 standard errors over seeds + half_time_bias; the learning rate 1/t "
                    "interpolated linearly in rho between 0 and T6's rate at rho = 1, i.e. t(1)/rho; every n",
          source="the two limits interpolated (E7)", kind="prediction", select=middle),
    Claim("E7.e4_half_time.continued", "E7", "deep_linear", "half_time", E4_CELL,
          predict=lambda c: mixture_half_time(c["rho"], c["singular_value"], c["init"]), tolerance=standard_errors(STANDARD_ERRORS, bias=half_time_bias),
          rationale="as T6.mixture_half_time, but at every n, also where a mode's sampled strength leaves T6's premise",
          source="T6's rho delay (E7)", kind="prediction", select=middle),
    # E8: a capability jump in the middle (paper section "The middle of the dial: a capability jump")
    Claim("E8.jump_delay", "E8", "modular_addition", "jump_delay_at_least", E8_CELL,
          predict=lambda c: t6_jump_delay(c["rho"], c["modulus"]), tolerance=standard_errors(STANDARD_ERRORS), reference="jump_horizon",
          rationale="4 standard errors over seeds of the paired ratio jump(rho)/jump(1), no bias: the jump is read at every "
                    "step; T6's delay with clean test accuracy as the mode's strength, from u0 = 1/p to s = 1 (t6_jump_delay); "
                    "a seed that never jumps counts its last step, a lower bound of its delay, so cells are kept only where "
                    "the predicted delay lies within the steps run (below the mean horizon): there a jump that never came "
                    "contradicts the prediction",
          source="T6 carried to the jump (E8)", kind="prediction",
          select=lambda c: middle(c) & (c["rho"] > 2 / c["modulus"]) & (t6_jump_delay(c["rho"], c["modulus"]) < c["reference"])),
    Claim("E8.no_generalisation", "E8", "modular_addition", "clean_accuracy", E8_CELL,
          predict=lambda c: 1 / c["modulus"], tolerance=standard_errors(STANDARD_ERRORS),
          rationale="4 standard errors over seeds, no bias: at rho = 0 the labels are independent of the rule and the "
                    "initialisation is exchangeable in the classes, so every test guess is right with probability exactly 1/p",
          source="the noise limit (E8)", kind="prediction", select=lambda c: c["rho"] == 0),
    Claim("E8.grad_signal", "E8", "modular_addition", "grad_signal_ratio", E8_CELL,
          predict=lambda c: c["rho"] ** 2 + c["reference"], tolerance=standard_errors(STANDARD_ERRORS), reference="grad_noise_part",
          rationale="4 standard errors over seeds of the paired ratio |G(rho)|^2/|G(1)|^2 at initialisation: T2's signal "
                    "rho^2 plus the random labels' finite-sample share, (1 - rho) times the same seed's ratio at rho = 0",
          source="T2 carried to the network (E8)", kind="prediction", select=middle),
    # E9: natural data (paper section "The middle of the dial: natural data")
    Claim("E9.structure_limit", "E9", "digits", "clean_accuracy_drop", E9_CELL,
          predict=lambda c: np.zeros(len(c)), tolerance=standard_errors(STANDARD_ERRORS),
          rationale="4 standard errors over seeds of the paired drop acc(1) - acc(rho), no bias: for every rho > 0 the "
                    "Bayes classifier of the mixture is the clean one, so with enough data the drop is 0; the test set is "
                    "fixed, so its sampling cancels in the pair; expected to fail where the network memorises random labels",
          source="the structure limit carried inward (E9)", kind="prediction", select=middle),
    Claim("E9.noisy_accuracy", "E9", "digits", "noisy_accuracy_gap", E9_CELL,
          predict=lambda c: np.zeros(len(c)), tolerance=standard_errors(STANDARD_ERRORS),
          rationale="4 standard errors over seeds, no bias: the test labels' mixture draw is independent of the network, so "
                    "its accuracy on them has mean rho a + (1 - rho)/V given the clean accuracy a; only the draw's "
                    "binomial noise remains (rho = 1 has none and is left out)",
          source="identity", kind="consistency", select=lambda c: c["rho"] < 1),
    Claim("T5.power_law_exponent", "E3", "least_squares", "power_law_exponent",
          ("samples", "features", "spectrum_exponent", "teacher_exponent", "learning_rate"),
          predict=lambda c: power_law_loss_exponent(c["spectrum_exponent"], c["teacher_exponent"]),
          tolerance=standard_errors(STANDARD_ERRORS, bias=power_law_slope_bias),
          rationale="4 standard errors over seeds + |the same fit on T5's eigen-sum over the population's d modes - "
                    "(2a+2b-1)/(2a)| (power_law_slope_bias); the discrete step changes a mode's factor e^{-2 lambda t} by "
                    "O(eta lambda), small for the modes that hold the loss at t >= eta x fit_from; the sampled spectrum's "
                    "departure from j^{-2a} at n = 16 d is left to the standard errors",
          source="Bordelon et al. 2020 (T5)", kind="prediction", grid="power_law_step"),
    Claim("T3.breakdown", "E1", "loss_floor", "test_loss", E1_CELL,
          predict=lambda c: bayes_floor(c["rho"], c["classes"]) + finite_sample_excess(c["samples_per_key"], c["classes"]),
          tolerance=standard_errors(STANDARD_ERRORS, bias=t3_bias),
          rationale="as T3.finite_sample_excess, on the linear per-key model's cells below T3's validity bound, "
                    "m(1-rho)/V < T3_VALIDITY: the cells that fail map where the expansion breaks (a measured boundary; "
                    "T3 itself claims nothing there)",
          source="T3 applied below its validity bound (measured here)", kind="prediction",
          select=lambda c: ~t3_valid(c) & linear(c)),
    Claim("E6.mixture_separable_fraction", "E6", "capacity", "mixture_separated_fraction", E6_CELL + ("rho",),
          predict=rule_leaves_one_direction, tolerance=binomial_standard_errors(STANDARD_ERRORS),
          rationale="4 binomial standard errors of the predicted fraction over the seeds x labellings fits "
                    "(binomial_standard_errors); no bias term: the prediction is a heuristic (the rule costs one "
                    "direction), stated before measuring, and its failure would be the finding; 0 < rho < 1 and P > N "
                    "only (rho = 0 is Cover's count itself; rho = 1 and P <= N are always separable)",
          source="stated here before measuring (E6)", kind="prediction",
          select=lambda c: middle(c) & (c["points"] > c["weights"])),
    Claim("E7.e6_separated.naive", "E7", "capacity", "mixture_separated_fraction", E6_CELL + ("rho",),
          predict=interpolate(lambda c: cover_separable_fraction(c["points"], c["weights"]), lambda c: np.ones(len(c))),
          tolerance=binomial_standard_errors(STANDARD_ERRORS),
          rationale="as E6.mixture_separable_fraction: 4 binomial standard errors; Cover's fraction at rho = 0 and 1 (a "
                    "rule's labels are always separable) at the cell's P/N, interpolated linearly in rho; the continued "
                    "prediction is E6.mixture_separable_fraction",
          source="the two limits interpolated (E7)", kind="prediction", select=lambda c: middle(c) & (c["points"] > c["weights"])),
    Claim("E7.e8_jump_delay.naive", "E7", "modular_addition", "jump_delay_at_least", E8_CELL,
          predict=lambda c: 1 / c["rho"], tolerance=standard_errors(STANDARD_ERRORS), reference="jump_horizon",
          rationale="as E8.jump_delay: 4 standard errors over seeds of the paired ratio; the jump's rate interpolated "
                    "linearly in rho between 0 (no rule to find) and its rate at rho = 1, i.e. a delay 1/rho; cells where "
                    "1/rho lies within the steps run; the continued prediction (T6's logarithm) is E8.jump_delay",
          source="the two limits interpolated (E7)", kind="prediction", select=lambda c: middle(c) & (1 / c["rho"] < c["reference"])),
    Claim("E7.e9_accuracy.naive", "E7", "digits", "clean_accuracy_drop", E9_CELL,
          predict=lambda c: (1 - c["rho"]) * c["reference"], tolerance=standard_errors(STANDARD_ERRORS), reference="structure_margin",
          rationale="as E9.structure_limit: 4 standard errors over seeds of the paired drop; clean test accuracy "
                    "interpolated linearly in rho between chance, 1/V, and the same seed's accuracy at rho = 1, so the drop "
                    "from rho = 1 is (1 - rho) (a(1) - 1/V); the continued prediction (no drop) is E9.structure_limit",
          source="the two limits interpolated (E7)", kind="prediction", select=middle),
)


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


def ledger(tables: dict[str, pd.DataFrame], claims=CLAIMS) -> pd.DataFrame:
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("results", type=Path, nargs="+", help="tidy results tables (CSV)")
    args = parser.parse_args()
    table = ledger(read_tables(args.results))
    with atomic_path(args.out) as tmp:
        table.to_csv(tmp, index=False, float_format="%.8g")
    print(table.groupby("claim")["verdict"].value_counts().unstack(fill_value=0).to_string())


if __name__ == "__main__":
    main()
