"""E2's claims: T2's gradient signal, noise and noise scale at initialisation (paper section "Measurements on the
dial", E2; the ledger's machinery is experiments/common/ledger.py)."""
import numpy as np

from experiments.common.ledger import BIAS_CAP, STANDARD_ERRORS, Cells, Claim, linear, relative, standard_errors
from experiments.e2_gradient_noise.spec import CELL
from theory.gradient_noise import gradient_noise_scale, gradient_sq_norm, mean_gradient_sq_norm, minibatch_sq_norm_pure_noise


def noise_scale_bias(cells: Cells, predicted: np.ndarray) -> np.ndarray:
    """B_noise is a ratio over an unbiased |G|^2 estimate: E[1/X] - 1/E[X] ~ Var X / E[X]^3 with
    Var |G|^2_hat <= 4 |G|^2 tr Sigma/n + 2 (tr Sigma)^2/n^2, i.e. a relative bias <= 4 B/n + 2 B^2/n^2, evaluated at
    the measured B (never at the formula under test) and capped at BIAS_CAP of the prediction."""
    b, n = np.abs(cells["mean"].to_numpy(float)), cells["samples"].to_numpy(float)
    return np.minimum(b * (4 * b / n + 2 * b**2 / n**2), BIAS_CAP * np.abs(predicted))


CLAIMS = (
    Claim("T2.grad_sq_norm", "E2", "gradient_noise", "grad_sq_norm", CELL,
          predict=lambda c: gradient_sq_norm(c["classes"]), tolerance=relative(1e-5),
          rationale="exact for every sample at zero init (an identity); float32 rounding only (relative 1e-5)",
          source="identity (T2)", kind="consistency", select=linear),
    Claim("T2.mean_grad_sq_norm", "E2", "gradient_noise", "mean_grad_sq_norm", CELL,
          predict=lambda c: mean_gradient_sq_norm(c["rho"], c["classes"], c["keys"]), tolerance=standard_errors(STANDARD_ERRORS),
          rationale="4 standard errors over seeds; no bias: |mean g|^2 - tr Sigma/n is unbiased for |G|^2",
          source="derived here (T2)", kind="prediction", select=lambda c: linear(c) & (c["rho"] > 0)),
    Claim("T2.noise_scale", "E2", "gradient_noise", "noise_scale", CELL,
          predict=lambda c: gradient_noise_scale(c["rho"], c["keys"]), tolerance=standard_errors(STANDARD_ERRORS, bias=noise_scale_bias),
          rationale="4 standard errors over seeds + the ratio's bias, relative 4 B/n + 2 B^2/n^2 at the measured B, capped "
                    "at 5% of the prediction (noise_scale_bias)",
          source="McCandlish et al. 2018; formula derived here (T2)", kind="prediction", select=lambda c: linear(c) & (c["rho"] > 0)),
    Claim("T2.minibatch_pure_noise", "E2", "gradient_noise", "minibatch_sq_norm", CELL,
          predict=lambda c: minibatch_sq_norm_pure_noise(c["batch_size"], c["classes"]), tolerance=standard_errors(STANDARD_ERRORS),
          rationale="4 standard errors over seeds: at rho = 0 |mean of B iid zero-mean gradients|^2 has mean tr Sigma/B "
                    "(an identity of the estimator)",
          source="identity (T2)", kind="consistency", select=lambda c: linear(c) & (c["rho"] == 0)),
)
