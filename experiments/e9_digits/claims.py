"""E9's claims: the structure limit carried inward, and the noisy test labels' identity (paper section "The middle of
the dial: a capability jump, and natural data", E9; the ledger's machinery is experiments/common/ledger.py)."""
import numpy as np

from experiments.common.ledger import STANDARD_ERRORS, Claim, middle, standard_errors
from experiments.e9_digits.spec import CELL

CLAIMS = (
    Claim("E9.structure_limit", "E9", "digits", "clean_accuracy_drop", CELL,
          predict=lambda c: np.zeros(len(c)), tolerance=standard_errors(STANDARD_ERRORS),
          rationale="4 standard errors over seeds of the paired drop acc(1) - acc(rho), no bias: for every rho > 0 the "
                    "Bayes classifier of the mixture is the clean one, so with enough data the drop is 0; the test set is "
                    "fixed, so its sampling cancels in the pair; expected to fail where the network memorises random labels: a straw man for frozen noise, "
                    "so a map of where the structure limit carries inward, not a prediction",
          source="the structure limit carried inward (E9)", kind="map", select=middle),
    Claim("E9.noisy_accuracy", "E9", "digits", "noisy_accuracy_gap", CELL,
          predict=lambda c: np.zeros(len(c)), tolerance=standard_errors(STANDARD_ERRORS),
          rationale="4 standard errors over seeds, no bias: the test labels' mixture draw is independent of the network, so "
                    "its accuracy on them has mean rho a + (1 - rho)/V given the clean accuracy a; only the draw's "
                    "binomial noise remains (rho = 1 has none and is left out)",
          source="identity", kind="consistency", select=lambda c: c["rho"] < 1),
)
