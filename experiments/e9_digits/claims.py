"""E9's claims: the memoriser theory for frozen noise, the structure limit for fresh noise (a straw man for frozen
noise, kept as a map), and the noisy test labels' identity (paper section "The middle of the dial: a capability
jump, and natural data", E9; the ledger's machinery is experiments/common/ledger.py)."""
import numpy as np

from experiments.common.ledger import STANDARD_ERRORS, Claim, declared, middle, standard_errors
from experiments.e9_digits.spec import CELL, N_CLASSES


def structure_accuracy(cells):
    """The same seeds' clean accuracy at rho = 1: their structure margin plus chance."""
    return declared(cells) + 1 / N_CLASSES


def frozen(cells):
    return cells["noise"] == "frozen"


def fresh(cells):
    return cells["noise"] == "fresh"


CLAIMS = (
    Claim("E9.memoriser", "E9", "digits", "clean_accuracy", CELL,
          predict=declared, tolerance=standard_errors(STANDARD_ERRORS), reference="memoriser_accuracy",
          rationale="4 standard errors over seeds of the clean test accuracy; the prediction is a 1-nearest-neighbour "
                    "learner's clean test accuracy on the member's own training images and frozen labels, computed from the "
                    "data before training (the memoriser theory of frozen noise: it fits every label, so a randomised "
                    "neighbour is right by chance only)",
          source="the memoriser, 1-NN (E9)", kind="prediction", select=frozen),
    Claim("E9.structure_limit", "E9", "digits", "clean_accuracy", CELL,
          predict=structure_accuracy, tolerance=standard_errors(STANDARD_ERRORS), reference="structure_margin",
          rationale="4 standard errors over seeds of the clean test accuracy, no bias: for every rho > 0 the Bayes "
                    "classifier of the mixture is the clean one, and labels redrawn at every step average to the "
                    "mixture's distribution, so with fresh noise the clean accuracy is the same seed's at rho = 1 once "
                    "training has settled (the reference is that accuracy minus chance, 1/V)",
          source="the structure limit carried inward (E9)", kind="prediction", select=lambda c: middle(c) & fresh(c)),
    Claim("E9.structure_limit_frozen", "E9", "digits", "clean_accuracy_drop", CELL,
          predict=lambda c: np.zeros(len(c)), tolerance=standard_errors(STANDARD_ERRORS),
          rationale="as E9.structure_limit, under frozen noise, where a network that memorises the random labels is "
                    "expected to fail it: a straw man, kept as a map of where the structure limit does not carry inward",
          source="the structure limit carried inward (E9)", kind="map", select=lambda c: middle(c) & frozen(c)),
    Claim("E9.noisy_accuracy", "E9", "digits", "noisy_accuracy_gap", CELL,
          predict=lambda c: np.zeros(len(c)), tolerance=standard_errors(STANDARD_ERRORS),
          rationale="4 standard errors over seeds, no bias: the test labels' mixture draw is independent of the network, so "
                    "its accuracy on them has mean rho a + (1 - rho)/V given the clean accuracy a; only the draw's "
                    "binomial noise remains (rho = 1 has none and is left out)",
          source="identity", kind="consistency", select=lambda c: c["rho"] < 1),
)
