"""E8's claims: the jump's delay, the noise limit and the gradient signal at initialisation (paper section "The middle
of the dial: a capability jump, and natural data", E8; the ledger's machinery is experiments/common/ledger.py)."""
from experiments.common.ledger import STANDARD_ERRORS, Claim, middle, standard_errors
from experiments.e8_modular_addition.spec import CELL
from theory.deep_linear import t6_jump_delay

CLAIMS = (
    Claim("E8.jump_delay", "E8", "modular_addition", "jump_delay_at_least", CELL,
          predict=lambda c: t6_jump_delay(c["rho"], c["modulus"]), tolerance=standard_errors(STANDARD_ERRORS), reference="jump_horizon",
          rationale="4 standard errors over seeds of the paired ratio jump(rho)/jump(1), no bias: the jump is read at every "
                    "step; T6's delay with clean test accuracy as the mode's strength, from u0 = 1/p to s = 1 (t6_jump_delay); "
                    "a seed that never jumps counts its last step, a lower bound of its delay, so cells are kept only where "
                    "the predicted delay lies within the steps run (below the mean horizon): there a jump that never came "
                    "contradicts the prediction",
          source="T6 carried to the jump (E8)", kind="prediction",
          select=lambda c: middle(c) & (c["rho"] > 2 / c["modulus"]) & (t6_jump_delay(c["rho"], c["modulus"]) < c["reference"])),
    Claim("E8.no_generalisation", "E8", "modular_addition", "clean_accuracy", CELL,
          predict=lambda c: 1 / c["modulus"], tolerance=standard_errors(STANDARD_ERRORS),
          rationale="4 standard errors over seeds, no bias: at rho = 0 the labels are independent of the rule and the "
                    "initialisation is exchangeable in the classes, so every test guess is right with probability exactly 1/p",
          source="the noise limit (E8)", kind="prediction", select=lambda c: c["rho"] == 0),
    Claim("E8.grad_signal", "E8", "modular_addition", "grad_signal_ratio", CELL,
          predict=lambda c: c["rho"] ** 2 + c["reference"], tolerance=standard_errors(STANDARD_ERRORS), reference="grad_noise_part",
          rationale="4 standard errors over seeds of the paired ratio |G(rho)|^2/|G(1)|^2 at initialisation: T2's signal "
                    "rho^2 plus the random labels' finite-sample share, (1 - rho) times the same seed's ratio at rho = 0",
          source="T2 carried to the network (E8)", kind="prediction", select=middle),
)
