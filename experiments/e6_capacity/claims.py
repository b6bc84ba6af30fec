"""E6's claims: T8's separable fraction and half point (Cover), the loss's bits bound, and the mixture's half point
against the noisy teacher's capacity, with its N -> infinity fraction as a map (paper section "Measurements on the
dial", E6; machinery: experiments/common/ledger.py)."""
from functools import cache

import numpy as np

from experiments.common.ledger import STANDARD_ERRORS, Cells, Claim, absolute, binomial_standard_errors, grid_of, middle, standard_errors
from experiments.e6_capacity.spec import CELL
from theory.capacity import cover_separable_fraction, half_crossing
from theory.capacity import derive as capacity_derivation
from theory.noisy_teacher import noisy_teacher_capacity


@cache
def _expected_half_crossing(n_weights: int, ratios: tuple[float, ...], labellings: int, draws: int = 4000) -> float:
    """The mean half crossing of one seed's fractions, each drawn binomially from Cover's exact F on the grid."""
    points = np.round(np.asarray(ratios) * n_weights).astype(int)
    exact = cover_separable_fraction(points, np.full(len(points), n_weights))
    sampled = np.random.default_rng(0).binomial(labellings, exact, size=(draws, len(points))) / labellings
    return float(np.nanmean([half_crossing(points / n_weights, f) for f in sampled]))


def expected_half_point(cells: Cells) -> np.ndarray:
    """Cover's half point for the experiment as run: E[half crossing of binomially sampled exact fractions] on the cell's
    P/N grid and labellings (Monte Carlo over 4000 draws, its own error ~ 1e-3 sd); F(2N, N) = 1/2 exactly, so the
    grid and the crossing's nonlinearity in the sampled fractions are all that move it from 2."""
    ratios = tuple(grid_of(cells))
    return np.array([_expected_half_crossing(int(n), ratios, int(l)) for n, l in zip(cells["weights"], cells["labellings"])])


CLAIMS = (
    Claim("T8.separable_fraction", "E6", "capacity", "separated_fraction", CELL,
          predict=lambda c: cover_separable_fraction(c["points"], c["weights"]), tolerance=binomial_standard_errors(STANDARD_ERRORS),
          rationale="Wilson's interval at 4 standard errors around the measured count of the seeds x labellings fits "
                    "(binomial_standard_errors); "
                    "the fit separates every separable labelling (the measured fractions do not move between 20 and 40 Newton steps)",
          source="Cover 1965 (T8)", kind="prediction", select=lambda c: c["points"] > c["weights"]),
    Claim("T8.all_separable", "E6", "capacity", "separated_fraction", CELL,
          predict=lambda c: cover_separable_fraction(c["points"], c["weights"]), tolerance=absolute(0.0),
          rationale="exactly 1: P <= N points in general position are separable under every labelling (an identity of "
                    "the geometry; it checks the fit)",
          source="identity (T8)", kind="consistency", select=lambda c: c["points"] <= c["weights"]),
    Claim("T8.capacity_half_point", "E6", "capacity", "half_point_per_weight", CELL,
          predict=expected_half_point, asymptotic=lambda c: np.full(len(c), float(capacity_derivation()["CoverBitsPerWeight"])),
          tolerance=standard_errors(STANDARD_ERRORS),
          rationale="4 standard errors over seeds: the prediction is the mean half crossing of binomially sampled exact "
                    "fractions on the cell's P/N grid (expected_half_point), Cover's 2 beside it",
          source="Cover 1965 (T8)", kind="prediction", grid=("points_per_weight", "separated_fraction")),
    Claim("T8.loss_bits_bound", "E6", "capacity", "bits_per_weight", CELL,
          predict=lambda c: c["points"] / c["weights"], tolerance=standard_errors(STANDARD_ERRORS), upper_bound=True,
          rationale="the loss estimator is a lower bound of the bits stored: it never exceeds the P/N bits of the labels "
                    "(4 standard errors over seeds above it fail)",
          source="Shannon; the estimator of theory/capacity.py", kind="consistency"),
    Claim("E6.mixture_half_point", "E6", "capacity", "mixture_half_point_per_weight", CELL + ("rho",),
          predict=lambda c: noisy_teacher_capacity(c["rho"]), tolerance=standard_errors(STANDARD_ERRORS), censored=True,
          rationale="4 standard errors over seeds of the half point (each seed's P/N where the fraction of its labellings "
                    "separable falls to 1/2, from each labelling's bisected threshold; +inf, censored, beyond the largest P); no bias term: the prediction is the "
                    "N -> infinity capacity alpha_c(rho), so its finite-N correction, which theory does not give, is part "
                    "of what the cell tests; 0 < rho < 1 (rho = 0 is T8's half point, rho = 1 always separable)",
          source="noisy-teacher capacity, replica symmetric (Engel and Van den Broeck 2001, ch. 5)", kind="prediction",
          select=middle),
    Claim("E6.mixture_separable_fraction", "E6", "capacity", "mixture_separated_fraction", CELL + ("rho",),
          predict=lambda c: (c["points"] / c["weights"] < noisy_teacher_capacity(c["rho"])).astype(float),
          tolerance=binomial_standard_errors(STANDARD_ERRORS),
          rationale="as T8.separable_fraction: Wilson's interval at 4 standard errors around the measured count; the "
                    "N -> infinity fraction, 1 below the capacity alpha_c(rho) and 0 above, at the cell's P/N: a map of "
                    "where the finite unit's transition is still too wide for the limit (E7's continued line)",
          source="noisy-teacher capacity, N -> infinity", kind="map",
          select=lambda c: middle(c) & (c["points"] > c["weights"])),
)
