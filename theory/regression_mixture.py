"""The rho mixture in regression, and T4 continued inward (paper section "Measurements on the dial", E3).

The labels: with probability rho the teacher's y = x^T beta (|beta| = r, x isotropic Gaussian),
otherwise an independent N(0, sigma^2) label.  From that definition we derive the conditional
mean and variance of a label: the mixture acts as an effective teacher rho beta plus noise of
variance rho(1 - rho)(x^T beta)^2 + (1 - rho) sigma^2, whose average over x is the effective noise
variance sigma_eff^2 = rho(1 - rho) r^2 + (1 - rho) sigma^2.

The continuation: T4's least-squares results with r -> rho r and sigma^2 -> sigma_eff^2.  That
treats the mixture's noise as Gaussian and independent of x, which it is not (its variance grows
with (x^T beta)^2): an assumption, exact only at rho = 0 and rho = 1, which E3 tests in between.
"""
from functools import cache

import numpy as np
import sympy as sp
from sympy.stats import Bernoulli, E, Normal, variance

from theory import least_squares
from theory.derivation import Derivation, Readable, Step, floats, predictor, written
from theory.symbols import Tex, d, n, r, rho, sigma, sigma_eff

teacher_output = sp.Symbol("f", real=True)  # x^T beta for one input x


@cache
def derive() -> Derivation:
    from_teacher = Bernoulli("J", rho)  # 1: the teacher's label
    noise = Normal("xi", 0, sigma)
    label = from_teacher * teacher_output + (1 - from_teacher) * noise
    cond_mean = sp.simplify(E(label))
    cond_variance = sp.factor(sp.simplify(variance(label)))
    # average over x: E (x^T beta)^2 = |beta|^2 = r^2 for isotropic x
    noise_variance = sp.factor(cond_variance.subs(teacher_output**2, r**2))
    effective_teacher_sq = sp.factor(sp.diff(cond_mean, teacher_output) ** 2 * r**2)

    t4 = least_squares.derive()
    effective = {sigma: sp.sqrt(noise_variance), r: sp.sqrt(effective_teacher_sq)}
    train_mse = sp.factor(t4["NoiseTrainMse"].subs(effective))
    under_risk = sp.factor(t4["NoiseTestRisk"].subs(effective))
    over_risk = noise_variance + t4["OverparamExcessRisk"].subs(effective)

    effective_noise = {sigma_eff: sp.sqrt(noise_variance)}
    steps = (
        Step("A label of the mixture, with $J \\sim \\mathrm{Bernoulli}(\\rho)$, $f = x^\\top\\beta$ and $\\xi \\sim N(0,\\sigma^2)$:",
             sp.Eq(sp.Symbol("y"), label),
             Readable(written(sp.Mul(from_teacher, teacher_output, evaluate=False), sp.Mul(written(1, -from_teacher), noise, evaluate=False)))),
        Step("has conditional mean and variance", (sp.Eq(Tex(r"\mathbb{E}[y \mid x]"), cond_mean), sp.Eq(Tex(r"\operatorname{Var}[y \mid x]"), cond_variance)),
             (Readable(sp.Mul(rho, teacher_output, evaluate=False)),
              Readable(written(sp.Mul(rho, written(1, -rho), teacher_output**2, evaluate=False), sp.Mul(written(1, -rho), sigma**2, evaluate=False))))),
        Step("so the effective teacher is $\\rho\\beta$, of squared norm",
             sp.Eq(Tex(r"\|\rho\beta\|^2"), effective_teacher_sq), Readable(sp.Mul(rho**2, r**2, evaluate=False))),
        Step("and, averaging over isotropic $x$ ($\\mathbb{E} f^2 = \\|\\beta\\|^2$), the effective noise variance is",
             sp.Eq(Tex(r"\sigma_{\mathrm{eff}}^2"), noise_variance)),
        Step("Continuing T4 inward (the mixture's noise treated as Gaussian and independent of $x$), the train error is",
             sp.Eq(Tex(r"\mathbb{E}\,\mathrm{MSE}_{\mathrm{train}}"), train_mse)),
        Step("the test risk below the interpolation threshold", sp.Eq(Tex(r"R_{\mathrm{test}}"), under_risk)),
        Step("and above it", sp.Eq(Tex(r"R_{\mathrm{test}}"), over_risk)),
    )
    return Derivation(
        target="T4",
        title="The $\\rho$ mixture in regression: T4 continued inward",
        assumptions="Isotropic Gaussian inputs; the continuation treats the mixture's noise, whose variance depends on $x$, as Gaussian noise of the same average variance.",
        steps=steps,
        results={
            "MixtureNoiseVariance": noise_variance,
            "MixtureTrainMse": train_mse,
            "MixtureTestRiskUnder": under_risk,
            "MixtureTestRiskOver": over_risk,
        },
        readable={  # as the paper writes them, with the effective noise variance named sigma_eff^2
            "MixtureNoiseVariance": Readable(written(1, -rho) * written(sigma**2, rho * r**2)),
            "MixtureTrainMse": Readable(sigma_eff**2 * written(1, -d / n), effective_noise),
            "MixtureTestRiskUnder": Readable(sigma_eff**2 * written(n, -1) / written(n, -d, -1), effective_noise),
            "MixtureTestRiskOver": Readable(written(sigma_eff**2, sp.Mul(rho**2, r**2, written(1, -n / d), evaluate=False), sigma_eff**2 * n / written(d, -n, -1)), effective_noise),
        },
    )


def mixture_train_mse(rho_value, n_samples, n_features, r2, sigma2):
    """sigma_eff^2 (1 - d/n): the continuation's expected train MSE (d < n)."""
    return predictor(derive()["MixtureTrainMse"], rho, n, d, r, sigma)(*floats(rho_value, n_samples, n_features, np.sqrt(r2), np.sqrt(sigma2)))


def mixture_test_risk(rho_value, n_samples, n_features, r2, sigma2):
    """The continuation's expected test risk: below (d < n - 1) or above (d > n + 1) the threshold; NaN between."""
    args = floats(rho_value, n_samples, n_features, np.sqrt(r2), np.sqrt(sigma2))
    with np.errstate(divide="ignore", invalid="ignore"):  # each branch is used only on its own side
        under = predictor(derive()["MixtureTestRiskUnder"], rho, n, d, r, sigma)(*args)
        over = predictor(derive()["MixtureTestRiskOver"], rho, n, d, r, sigma)(*args)
    n_arr, d_arr = args[1], args[2]
    return np.where(d_arr < n_arr - 1, under, np.where(d_arr > n_arr + 1, over, np.nan))
