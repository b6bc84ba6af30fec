"""E8's claims: the middle's laws declared from the dial's ends (laws.py), the dip below chance, and the noise end
(paper section "The middle of the dial: a capability jump, and natural data", E8; the ledger's machinery is
experiments/common/ledger.py).  Every prediction here is a per-run value that the run computes from the same seed's
members at rho = 1 and 0 and from its own data, never from a middle member's measurement (laws.py)."""
import numpy as np

from experiments.common.ledger import STANDARD_ERRORS, Claim, binomial_standard_errors, declared, middle, standard_errors
from experiments.e8_modular_addition.spec import CELL


def test_pairs(cells):
    """A cell's test pairs per seed, round((1 - f) p^2)."""
    return np.round((1 - cells["train_fraction"]) * cells["modulus"] ** 2)


def test_pairs_proportion(count: float):
    """``count`` standard errors over seeds, or, where the seeds agree too closely for their spread to mean anything (a
    proportion at or near 0), Wilson's interval at ``count`` of the measured accuracy over the cell's test pairs of all
    its seeds (each pair one trial), whichever is wider; the interval comes from the measured count alone."""
    over_seeds, over_pairs = standard_errors(count), binomial_standard_errors(count, test_pairs)

    def tolerance(cells, predicted):
        return np.maximum(over_seeds(cells, predicted), over_pairs(cells, predicted))
    tolerance.chance = over_seeds.chance
    return tolerance


CLAIMS = (
    Claim("E8.grad_signal", "E8", "modular_addition", "grad_signal_ratio", CELL,
          predict=declared, tolerance=standard_errors(STANDARD_ERRORS), reference="grad_signal_expected",
          rationale="4 standard errors over seeds of the paired ratio |G(rho)|^2/|G(1)|^2 at initialisation; the "
                    "prediction is its expectation over the mixture's draw with the random labels frozen, from the same "
                    "seed's gradients at rho = 1 and 0 and the label flips' sum of squares (laws.py)",
          source="the mixture's gradient, from the ends (E8)", kind="prediction", select=middle),
    Claim("E8.dip", "E8", "modular_addition", "dip_accuracy", CELL,
          predict=declared, tolerance=test_pairs_proportion(STANDARD_ERRORS), reference="memoriser_accuracy",
          rationale="4 standard errors over seeds of the clean test accuracy averaged over steps 10 to 50, or Wilson's "
                    "interval at 4 over the cell's test pairs where that is wider (near 0 the seeds can agree exactly); the prediction "
                    "is the additive memoriser's accuracy on the run's own training pairs and labels (laws.py), computed "
                    "from the data before training",
          source="the additive memoriser (E8)", kind="prediction"),
    Claim("E8.declared_delay", "E8", "modular_addition", "jump_delay_at_least", CELL,
          predict=declared, tolerance=standard_errors(STANDARD_ERRORS), reference="declared_delay_censored",
          rationale="4 standard errors over seeds of the jump's delay jump(rho)/jump(1), a seed that has not jumped by the "
                    "horizon counted at the horizon (a lower bound); the prediction is censored at the same horizon: the "
                    "norm competition's rho_c from the same seed's final squared norms at rho = 1 and 0, and a delay "
                    "(1 - rho_c)/(rho - rho_c) above it (laws.py)",
          source="the norm competition, from the ends (E8)", kind="prediction", select=middle),
    Claim("E8.no_generalisation", "E8", "modular_addition", "clean_accuracy", CELL,
          predict=lambda c: 1 / c["modulus"], tolerance=standard_errors(STANDARD_ERRORS),
          rationale="4 standard errors over seeds, no bias: at rho = 0 the labels are independent of the rule and the "
                    "initialisation is exchangeable in the classes, so every test guess is right with probability exactly "
                    "1/p: a symmetry of the set-up, a check of the code",
          source="the noise limit (E8)", kind="consistency", select=lambda c: c["rho"] == 0),
)
