"""T5: gradient flow on least squares, mode by mode (paper section "Theory at the ends of the dial", T4--T8).

Source: the eigen-mode solution is standard; the power-law exponent is that of e.g. Bordelon,
Canatar and Pehlevan (2020), "Spectrum dependent learning curves in kernel regression and wide
neural networks".

The model: the loss L(w) = |y - X w|^2 / (2n) on n samples, minimised by gradient flow
dw/dt = -grad L from w = 0 (t = learning rate x steps).  We derive the flow of the residual
r = y - X w, solve it with dsolve on each eigenvector u_k of X X^T / n (eigenvalue lambda_k),
and arrive at L(t) = (1/2n) sum_k (u_k^T y)^2 e^{-2 lambda_k t}.  With y = X beta + eps the
noise's mean is zero, so teacher and noise add with no cross term in expectation.  For a
power-law spectrum lambda_j = j^{-2a} and teacher weights j^{-b} on the eigenvectors, the sum,
replaced by an integral, is a Gamma function times t^{-(2a+2b-1)/(2a)}.

Assumptions: noise independent of X with mean 0 and variance sigma^2; for the power law,
2a + 2b > 1 (a finite loss at t = 0) and t large, so that the summand varies on a scale
j ~ t^{1/(2a)} >> 1 and the sum is its integral.
"""
from functools import cache

import numpy as np
import sympy as sp
from sympy.stats import E, Normal

from theory.derivation import Derivation, Readable, Step, predictor, written
from theory.symbols import Tex, a, b, d, n, sigma, t

X = sp.MatrixSymbol("X", n, d)  # the design matrix, one sample per row
y = sp.MatrixSymbol("y", n, 1)  # the labels
w = sp.MatrixSymbol("w", d, 1)  # the weights
residual = sp.MatrixSymbol("r", n, 1)  # y - X w
lam = sp.Symbol("lambda_k", nonnegative=True)  # an eigenvalue of X X^T / n
y_mode = sp.Symbol("y_k", real=True)  # u_k^T y, the labels' projection on that eigenvector
teacher_mode = sp.Symbol("ystar_k", real=True)  # u_k^T X beta, the teacher's part of it, printed y^star_k
beta_mode = sp.Symbol("beta_k", real=True)  # v_k^T beta, the teacher on the matching right singular vector
c = sp.Function("c_k")  # u_k^T r(t), the residual along the mode
j = sp.Symbol("j", positive=True)  # the mode's rank in a power-law spectrum
mode = sp.Symbol("k", integer=True)  # the summation index over modes


@cache
def derive() -> Derivation:
    loss = (y - X * w).T * (y - X * w) / (2 * n)
    flow = -sp.diff(loss, w)  # dw/dt
    residual_flow = (-X * flow).subs(y - X * w, residual)  # dr/dt = -X dw/dt

    # Along an eigenvector u_k of X X^T / n the flow is one linear ODE; w(0) = 0 gives r(0) = y.
    mode_ode = sp.Eq(c(t).diff(t), -lam * c(t))
    mode_solution = sp.dsolve(mode_ode, c(t), ics={c(0): y_mode}).rhs
    mode_loss = mode_solution**2 / (2 * n)  # the u_k are orthonormal, so |r|^2 = sum_k c_k^2
    lam_k, y_k = sp.IndexedBase("lambda"), sp.IndexedBase("y")
    total_loss = sp.Sum(mode_loss.subs({lam: lam_k[mode], y_mode: y_k[mode]}), (mode, 1, n))

    # Teacher plus noise: u_k^T y = ystar_k + u_k^T xi, the second term N(0, sigma^2) given X.
    noise = Normal("xi_k", 0, sigma)
    expected_mode_loss = sp.factor(E(mode_loss.subs(y_mode, teacher_mode + noise)))

    # Power law: X = sqrt(n) sum_k sqrt(lambda_k) u_k v_k^T gives ystar_k = sqrt(n lambda_k) v_k^T beta.
    teacher_loss = mode_loss.subs(y_mode, sp.sqrt(n * lam) * beta_mode)
    power_summand = sp.powsimp(teacher_loss.subs({lam: j ** (-2 * a), beta_mode: j ** (-b)}))
    power_loss = sp.simplify(sp.integrate(power_summand, (j, 0, sp.oo), conds="none"))
    exponent = sp.factor(-t * sp.diff(sp.log(power_loss), t))

    gamma = sp.Symbol("gamma", positive=True)  # the exponent, named in the printed loss
    residual_named = sp.MatAdd(y, -X * w)
    steps = (
        Step("The loss and the gradient flow from $w = 0$:", (sp.Eq(sp.MatrixSymbol("L", 1, 1), loss), sp.Eq(sp.MatrixSymbol("dw/dt", d, 1), flow)),
             (Readable(residual_named.T * residual_named / (2 * n), tex=r"\frac{1}{2n}\|y - Xw\|^2"),
              Readable(X.T * residual_named / n, tex=r"\frac{1}{n} X^\top (y - Xw)"))),
        Step("The residual $r = y - Xw$ then obeys", sp.Eq(sp.MatrixSymbol("dr/dt", n, 1), residual_flow)),
        Step("On an eigenvector $u_k$ of $XX^\\top/n$ with eigenvalue $\\lambda_k$ its component $c_k = u_k^\\top r$ obeys one linear equation,", mode_ode),
        Step("solved from $c_k(0) = u_k^\\top y = y_k$ by", sp.Eq(c(t), mode_solution)),
        Step("The eigenvectors are orthonormal, so the loss is the sum over modes", sp.Eq(sp.Symbol("L(t)"), total_loss)),
        Step("With $y_k = y^\\star_k + \\xi_k$, the teacher's part $y^\\star_k = u_k^\\top X\\beta$ and the noise's $\\xi_k \\sim N(0, \\sigma^2)$, "
             "the noise's mean vanishes and each mode's expected loss is", sp.Eq(Tex(r"\mathbb{E}\,L_k"), expected_mode_loss)),
        Step("A noiseless teacher has $y^\\star_k = \\sqrt{n\\lambda_k}\\, v_k^\\top\\beta$; with $\\lambda_j = j^{-2a}$ and $v_j^\\top\\beta = j^{-b}$ mode $j$ contributes",
             sp.Eq(Tex("L_j(t)"), power_summand),
             Readable(sp.Mul(sp.Rational(1, 2), sp.Pow(j, -written(2 * a, 2 * b), evaluate=False), sp.exp(-2 * t * j ** (-2 * a)), evaluate=False))),
        Step("and replacing the sum over $j$ by an integral, with $\\gamma$ the exponent below,", sp.Eq(sp.Symbol("L(t)"), power_loss)),
        Step("a power law in time with exponent", sp.Eq(Tex(r"\gamma = -\frac{d\ln L}{d\ln t}"), exponent)),
    )
    return Derivation(
        target="T5",
        title="Gradient flow on least squares",
        assumptions="Gradient flow from $w = 0$; noise independent of $X$ with mean 0; for the power law $2a + 2b > 1$ and $t \\gg 1$, so the sum over modes is its integral.",
        steps=steps,
        results={
            "GradientFlowModeLoss": mode_loss,
            "GradientFlowLoss": total_loss,
            "GradientFlowExpectedModeLoss": expected_mode_loss,
            "PowerLawLoss": power_loss,
            "PowerLawLossExponent": exponent,
        },
        readable={"PowerLawLoss": Readable(sp.Mul(sp.gamma(gamma) / (4 * a), sp.Pow(2 * t, -gamma, evaluate=False), evaluate=False), {gamma: exponent})},
    )


def gradient_flow_loss(time, eigenvalues, projections, n_samples):
    """L(t) = (1/2n) sum_k (u_k^T y)^2 e^{-2 lambda_k t}: the loss under gradient flow from w = 0.

    ``eigenvalues`` are those of X X^T / n and ``projections`` the matching u_k^T y (last axis:
    the modes); ``time`` broadcasts against the leading axes.
    """
    mode_loss = predictor(derive()["GradientFlowModeLoss"], t, lam, y_mode, n)
    time = np.asarray(time, float)[..., None]
    return mode_loss(time, np.asarray(eigenvalues, float), np.asarray(projections, float), float(n_samples)).sum(axis=-1)


def expected_gradient_flow_loss(time, eigenvalues, teacher_projections, sigma2, n_samples):
    """E over the noise of L(t): (1/2n) sum_k ((u_k^T X beta)^2 + sigma^2) e^{-2 lambda_k t}."""
    mode_loss = predictor(derive()["GradientFlowExpectedModeLoss"], t, lam, teacher_mode, sigma, n)
    time = np.asarray(time, float)[..., None]
    args = (np.asarray(eigenvalues, float), np.asarray(teacher_projections, float), np.sqrt(sigma2), float(n_samples))
    return mode_loss(time, *args).sum(axis=-1)


def power_law_loss(time, spectrum_exponent, teacher_exponent):
    """The large-t loss for lambda_j = j^{-2a}, teacher weights j^{-b} (a, b scalars)."""
    return predictor(derive()["PowerLawLoss"], t, a, b)(np.asarray(time, float), float(spectrum_exponent), float(teacher_exponent))


def power_law_loss_exponent(spectrum_exponent, teacher_exponent):
    """(2a + 2b - 1)/(2a): L(t) falls as t to minus this power."""
    return predictor(derive()["PowerLawLossExponent"], a, b)(np.asarray(spectrum_exponent, float), np.asarray(teacher_exponent, float))
