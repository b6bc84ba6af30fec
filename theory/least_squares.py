"""T4: least squares on pure noise and on a teacher (paper section "Theory at the ends of the dial", T4--T8).

Source: Hastie, Montanari, Rosset and Tibshirani (2019/2022), "Surprises in high-dimensional
ridgeless least squares interpolation"; here in their exact finite-n form for Gaussian features.

The model: n samples, the rows of X (n x d), with independent N(0, 1) entries; labels
y = X beta + eps with eps ~ N(0, sigma^2 I) independent of X.  Pure noise is beta = 0; a teacher
has |beta| = r.  The fit is w = X^+ y: for d < n the least-squares solution (X^T X)^{-1} X^T y,
for d > n the minimum-norm interpolator X^T (X X^T)^{-1} y.  The test risk is E (y0 - x0^T w)^2
on a fresh sample, and the excess risk is the test risk less sigma^2.

The derivation: the expectation of a quadratic form in the noise is sigma^2 times a trace
(E eps eps^T = sigma^2 I), traces of products of X are cycled until X^T X (or X X^T) cancels
against its inverse; the remaining E tr W^{-1} of a Wishart matrix W is d times the mean of one
diagonal entry, which is the reciprocal of a chi-square variable (stated with its source), and
SymPy integrates that mean.  The teacher's part of the minimum-norm fit is the component of beta
outside the row space of X.

Assumptions: isotropic Gaussian features; n > d + 1 for the under-parameterised results and
d > n + 1 for the over-parameterised one (the inverse Wishart mean is finite only there).
"""
from functools import cache

import numpy as np
import sympy as sp
from sympy.stats import ChiSquared, E

from theory.derivation import Derivation, Readable, Step, floats, predictor, written
from theory.symbols import Tex, d, n, r, sigma

X = sp.MatrixSymbol("X", n, d)  # the design matrix, one sample per row
W = sp.MatrixSymbol("W", d, d)  # X^T X, a Wishart matrix with n degrees of freedom
G = sp.MatrixSymbol("Wtilde", n, n)  # X X^T, a Wishart matrix with d degrees of freedom
eps = sp.MatrixSymbol("xi", n, 1)  # the label noise
dof = sp.Symbol("nu", positive=True)  # degrees of freedom of a chi-square variable


def _cycle(trace: sp.Trace) -> sp.Basic:
    """tr(M1 M2 ... Mk) = tr(M2 ... Mk M1), then X^T X = W and X X^T = G (both symmetric) cancel."""
    first, *rest = trace.arg.args
    cycled = sp.MatMul(*rest, first).subs({X.T * X: W, X * X.T: G})
    return sp.Trace(cycled).doit().subs({W.T: W, G.T: G}).doit()


def _cycle_traces(expr: sp.Basic) -> sp.Basic:
    return expr.replace(lambda e: isinstance(e, sp.Trace) and isinstance(e.arg, sp.MatMul), _cycle)


def _noise_mean(form: sp.Basic) -> sp.Basic:
    """E over eps of a quadratic form eps^T A eps (a 1 x 1 matrix): tr(A eps eps^T) with E eps eps^T = sigma^2 I."""
    traced = _cycle_traces(sp.Trace(sp.expand(form)).doit())
    return sp.expand(traced.subs(eps * eps.T, sigma**2 * sp.Identity(n)).doit())


@cache
def derive() -> Derivation:
    # Pure noise, d < n: the residual of the least-squares fit and the fitted weights.
    weights = W.I * X.T * eps
    residual = eps - X * weights
    train_sq = _cycle_traces(_noise_mean(residual.T * residual))
    train_mse = sp.simplify(train_sq / n)
    weight_sq = _cycle_traces(_noise_mean(weights.T * weights))  # sigma^2 tr W^{-1}

    # E tr W^{-1}: each of the d diagonal entries is 1/chi^2 with n - d + 1 degrees of freedom.
    reciprocal_chi2 = sp.simplify(E(1 / ChiSquared("chi", dof), conds="none"))
    inverse_trace = d * reciprocal_chi2.subs(dof, n - d + 1)
    test_risk = sp.simplify(sigma**2 + weight_sq.subs(sp.Trace(W.I), inverse_trace))

    # A teacher, d > n: w - beta = -(I - Pi) beta + X^T G^{-1} eps, with Pi = X^T G^{-1} X the row-space projection.
    projection_trace = _cycle(sp.Trace(X.T * G.I * X))
    bias = r**2 * (1 - projection_trace / d)  # E Pi = (tr Pi / d) I for isotropic X
    noise_weights = X.T * G.I * eps
    variance_tr = _cycle_traces(_noise_mean(noise_weights.T * noise_weights))  # sigma^2 tr G^{-1}
    variance = variance_tr.subs(sp.Trace(G.I), n * reciprocal_chi2.subs(dof, d - n + 1))
    excess = bias + variance

    steps = (
        Step("On pure noise the least-squares weights and the training residual are",
             (sp.Eq(sp.MatrixSymbol("w", d, 1), weights), sp.Eq(sp.MatrixSymbol("y - X w", n, 1), residual))),
        Step("The noise mean of a quadratic form is a trace, $\\mathbb{E}\\,\\xi^\\top A \\xi = \\sigma^2 \\operatorname{tr} A$; cycling the traces until $W = X^\\top X$ cancels gives the training error",
             sp.Eq(Tex(r"\mathbb{E}\|y - Xw\|^2"), train_sq), Readable(sp.Mul(sigma**2, written(n, -d), evaluate=False))),
        Step("so the expected training mean squared error is", sp.Eq(Tex(r"\mathbb{E}\,\mathrm{MSE}_{\mathrm{train}}"), train_mse)),
        Step("The same steps give the squared norm of the weights, which the test risk adds to $\\sigma^2$ ($\\mathbb{E}\\,x_0 x_0^\\top = I$):",
             sp.Eq(Tex(r"\mathbb{E}\|w\|^2"), weight_sq)),
        Step("A diagonal entry of $W^{-1}$ is the reciprocal of a Schur complement distributed as $\\chi^2_{n-d+1}$ (Muirhead 1982, Theorem 3.2.10); the reciprocal of $\\chi^2_\\nu$ has mean",
             sp.Eq(Tex(r"\mathbb{E}\,\frac{1}{\chi^2_\nu}"), reciprocal_chi2)),
        Step("so the test risk on pure noise is", sp.Eq(Tex(r"R_{\mathrm{test}}"), test_risk)),
        Step("Over-parameterised with a teacher, the minimum-norm fit misses the part of $\\beta$ outside the row space of $X$; that projection $\\Pi$ has trace",
             sp.Eq(Tex(r"\operatorname{tr}\Pi"), projection_trace)),
        Step("and isotropy makes $\\mathbb{E}\\,\\Pi = (\\operatorname{tr}\\Pi/d) I$, so the bias and (with $\\tilde W = XX^\\top$ Wishart with $d$ degrees of freedom) the variance are",
             (sp.Eq(Tex(r"\mathrm{bias}"), bias), sp.Eq(Tex(r"\mathrm{variance}"), variance)),
             (Readable(r**2 * written(1, -n / d)), Readable(sigma**2 * n / written(d, -n, -1)))),
        Step("The excess risk of the minimum-norm interpolator, which diverges at $d = n + 1$:", sp.Eq(Tex(r"R_{\mathrm{test}} - \sigma^2"), excess)),
    )
    return Derivation(
        target="T4",
        title="Least squares on noise and on a teacher",
        assumptions="Rows of $X$ independent standard Gaussian; noise independent of $X$; $n > d + 1$ (pure noise) or $d > n + 1$ (minimum-norm fit).",
        steps=steps,
        results={"NoiseTrainMse": train_mse, "NoiseTestRisk": test_risk, "OverparamExcessRisk": excess},
        readable={  # as the paper writes them
            "NoiseTrainMse": Readable(sigma**2 * written(1, -d / n)),
            "NoiseTestRisk": Readable(sigma**2 * written(n, -1) / written(n, -d, -1)),
            "OverparamExcessRisk": Readable(written(r**2 * written(1, -n / d), sigma**2 * n / written(d, -n, -1))),
        },
    )


def noise_train_mse(n_samples, n_features, sigma2):
    """sigma^2 (1 - d/n): expected training MSE of least squares on pure noise (d < n)."""
    return predictor(derive()["NoiseTrainMse"], n, d, sigma)(*floats(n_samples, n_features, np.sqrt(sigma2)))


def noise_test_risk(n_samples, n_features, sigma2):
    """sigma^2 (n - 1)/(n - d - 1): expected test risk of least squares on pure noise (d < n - 1)."""
    return predictor(derive()["NoiseTestRisk"], n, d, sigma)(*floats(n_samples, n_features, np.sqrt(sigma2)))


def overparam_excess_risk(n_samples, n_features, r2, sigma2):
    """r^2 (1 - n/d) + sigma^2 n/(d - n - 1): excess risk of the minimum-norm fit (d > n + 1)."""
    args = floats(n_samples, n_features, np.sqrt(r2), np.sqrt(sigma2))
    return predictor(derive()["OverparamExcessRisk"], n, d, r, sigma)(*args)
