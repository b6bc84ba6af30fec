"""E7's claims: the middle of the dial, mapped (paper section "The middle, mapped").

For each quantity with a prediction at both ends of the dial (experiments/e7_middle_map/spec.py's MIDDLE_MAP), the
naive prediction interpolates the two ends' predictions at the cell's scale linearly in rho; the continued one is the
theory carried inward where one is derived.  Both are of kind "map": comparisons expected to fail somewhere (the map
says where), many of whose cells repeat another family's measurement, so no headline count includes them.
Each reads another experiment's table, with that experiment's cells and tolerances."""
from typing import Callable

import numpy as np

from experiments.common.ledger import STANDARD_ERRORS, Cells, Claim, binomial_standard_errors, linear, middle, standard_errors
from experiments.e1_loss_floor import spec as e1
from experiments.e1_loss_floor.claims import t3_bias
from experiments.e2_gradient_noise import spec as e2
from experiments.e3_least_squares import spec as e3
from experiments.e3_least_squares.claims import away_from_threshold
from experiments.e4_deep_linear import spec as e4
from experiments.e4_deep_linear.claims import half_time
from experiments.e6_capacity import spec as e6
from experiments.e8_modular_addition import spec as e8
from experiments.e9_digits import spec as e9
from theory.bayes_floor import bayes_accuracy, bayes_floor
from theory.capacity import cover_separable_fraction
from theory.deep_linear import mixture_half_time
from theory.finite_samples import finite_sample_excess
from theory.gradient_noise import mean_gradient_sq_norm
from theory.regression_mixture import mixture_test_risk


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


def e3_risk(cells: Cells) -> np.ndarray:
    return mixture_test_risk(cells["rho"], cells["samples"], cells["features"], cells["teacher_norm_sq"], cells["noise_variance"])


def e4_naive(cells: Cells) -> np.ndarray:
    """The half time interpolated as a rate, linear in rho between 0 (rho = 0: nothing to learn) and T6's rate at rho = 1."""
    return mixture_half_time(1.0, cells["singular_value"], cells["init"]) / cells["rho"]


CLAIMS = (
    Claim("E7.e1_loss.naive", "E7", "loss_floor", "test_loss", e1.CELL,
          predict=interpolate(at_end(0.0, e1_continued), e1_structure_end), tolerance=standard_errors(STANDARD_ERRORS, bias=t3_bias),
          rationale="as T3.finite_sample_excess: 4 standard errors over seeds + T3's next term; the ends' predictions at the "
                    "cell's m, ln V + (V-1)/(2m) and 0, interpolated linearly in rho; every m, inside the dial, linear model",
          source="the two limits interpolated (E7)", kind="map", select=lambda c: linear(c) & middle(c)),
    Claim("E7.e1_loss.continued", "E7", "loss_floor", "test_loss", e1.CELL,
          predict=e1_continued, tolerance=standard_errors(STANDARD_ERRORS, bias=t3_bias),
          rationale="as T3.finite_sample_excess, but at every m, also where T3's premise m(1-rho)/V >> 1 fails",
          source="T1 exact in rho + T3 (E7)", kind="map", select=lambda c: linear(c) & middle(c)),
    Claim("E7.e1_accuracy.naive", "E7", "loss_floor", "test_accuracy", e1.CELL,
          predict=lambda c: bayes_accuracy(c["rho"], c["classes"]), tolerance=standard_errors(STANDARD_ERRORS),
          rationale="4 standard errors over seeds (and float64 rounding); T1's Bayes accuracy rho + (1-rho)/V is itself linear "
                    "in rho, so the naive interpolation and the continued theory coincide (one row); every m, where the "
                    "argmax of m labels misses the rule's class",
          source="the two limits interpolated = T1 (E7)", kind="map", select=lambda c: linear(c) & middle(c)),
    Claim("E7.e2_signal.naive", "E7", "gradient_noise", "mean_grad_sq_norm", e2.CELL,
          predict=interpolate(lambda c: np.zeros(len(c)), at_end(1.0, lambda c: mean_gradient_sq_norm(c["rho"], c["classes"], c["keys"]))),
          tolerance=standard_errors(STANDARD_ERRORS),
          rationale="as T2.mean_grad_sq_norm: 4 standard errors over seeds, no bias; the ends, 0 and (1 - 1/V)/K, "
                    "interpolated linearly in rho; the continued theory, rho^2, is T2.mean_grad_sq_norm",
          source="the two limits interpolated (E7)", kind="map", select=lambda c: linear(c) & middle(c)),
    Claim("E7.e3_risk.naive", "E7", "least_squares", "test_risk", e3.CELL,
          predict=interpolate(at_end(0.0, e3_risk), at_end(1.0, e3_risk)), tolerance=standard_errors(STANDARD_ERRORS),
          rationale="as T4.test_risk: 4 standard errors over seeds, no bias; T4's exact risks at the two ends at the cell's "
                    "d/n, interpolated linearly in rho; the continued theory is E3.continuation_test_risk",
          source="the two limits interpolated (E7)", kind="map", select=lambda c: middle(c) & away_from_threshold(c)),
    Claim("E7.e4_half_time.naive", "E7", "deep_linear", "half_time", e4.CELL,
          predict=e4_naive, tolerance=standard_errors(STANDARD_ERRORS), censored=True,
          rationale="as T6.mixture_half_time: 4 standard errors over seeds; the learning rate 1/t interpolated linearly in "
                    "rho between 0 and T6's flow rate at rho = 1, i.e. t(1)/rho; every n",
          source="the two limits interpolated (E7)", kind="map", select=middle),
    Claim("E7.e4_half_time.continued", "E7", "deep_linear", "half_time", e4.CELL,
          predict=half_time, tolerance=standard_errors(STANDARD_ERRORS), censored=True,
          rationale="as T6.mixture_half_time, but at every n, also where a mode's sampled strength leaves T6's premise",
          source="T6's rho delay (E7)", kind="map", select=middle),
    Claim("E7.e6_separated.naive", "E7", "capacity", "mixture_separated_fraction", e6.CELL + ("rho",),
          predict=interpolate(lambda c: cover_separable_fraction(c["points"], c["weights"]), lambda c: np.ones(len(c))),
          tolerance=binomial_standard_errors(STANDARD_ERRORS),
          rationale="as E6.mixture_separable_fraction: 4 binomial standard errors; Cover's fraction at rho = 0 and 1 (a "
                    "rule's labels are always separable) at the cell's P/N, interpolated linearly in rho; the continued "
                    "prediction is E6.mixture_separable_fraction",
          source="the two limits interpolated (E7)", kind="map", select=lambda c: middle(c) & (c["points"] > c["weights"])),
    Claim("E7.e8_jump_delay.naive", "E7", "modular_addition", "jump_delay_at_least", e8.CELL,
          predict=lambda c: np.minimum(1 / c["rho"], c["reference"]), tolerance=standard_errors(STANDARD_ERRORS), reference="horizon_ratio",
          rationale="as E8.declared_delay: 4 standard errors over seeds of the paired ratio, a seed not jumped by the "
                    "horizon counted there; the jump's rate interpolated linearly in rho between 0 (no rule to find) and "
                    "its rate at rho = 1, i.e. a delay 1/rho, censored at the same horizon; the continued prediction is "
                    "E8.declared_delay",
          source="the two limits interpolated (E7)", kind="map", select=middle),
    Claim("E7.e9_accuracy.naive", "E7", "digits", "clean_accuracy_drop", e9.CELL,
          predict=lambda c: (1 - c["rho"]) * c["reference"], tolerance=standard_errors(STANDARD_ERRORS), reference="structure_margin",
          rationale="as E9.structure_limit: 4 standard errors over seeds of the paired drop; clean test accuracy "
                    "interpolated linearly in rho between chance, 1/V, and the same seed's accuracy at rho = 1, so the drop "
                    "from rho = 1 is (1 - rho) (a(1) - 1/V), under frozen noise; the continued prediction (no drop) is "
                    "E9.structure_limit_frozen",
          source="the two limits interpolated (E7)", kind="map", select=lambda c: middle(c) & (c["noise"] == "frozen")),
)
