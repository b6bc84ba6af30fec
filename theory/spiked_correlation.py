"""E4's noise threshold: when a mode of the input-output correlation separates from its sampling noise
(paper section "Measurements on the dial", E4).

Source: the spiked-matrix (BBP) transition of Baik, Ben Arous and Peche (2005), in the form of
Benaych-Georges and Nadakuditi (2012) for the singular values of a low-rank matrix plus noise.

The model: E4's network fits the least-squares map of n samples, W_hat = rho W* + N, where the d x d
matrix N = R^T X (X^T X)^{-1} carries the mixture's residual R = Y - rho X W*^T.  Its entries have
mean 0 and variance sigma_eff^2 / n, with sigma_eff^2 the mixture's noise variance per output
coordinate (theory.regression_mixture with r^2 = |W*|_F^2 / d, the mean squared teacher output).
Write omega^2 = d sigma_eff^2 / n: N is omega^2/d-variance Gaussian noise, whose singular values fill
[0, 2 omega] (the spectral edge, sigma_eff sqrt(d/n) up to the factor 2).

From the Dyson equations of N's Hermitian dilation [[0, N], [N^T, 0]] (each block's resolvent
G = 1/(z - omega^2 G_other)) we solve for G, find the edge where G's branch point sits, and for a mode
theta = rho s (singular vectors u, v) the singular value z of theta u v^T + N outside the bulk:
1 = theta G(z).  It exists only above the threshold theta > omega, at z = theta + omega^2/theta, with
squared overlaps |<u, u_hat>|^2 = |<v, v_hat>|^2 = -1/(theta^2 G'(z)) = 1 - omega^2/theta^2.  A
network that keeps that component keeps z <u,u_hat><v,v_hat> = theta - omega^4/theta^3 along the
true mode; below the threshold the top component is a noise direction, orthogonal to the mode as
d grows, and the mode's strength sinks into the noise.

Assumptions: d -> infinity at fixed d/n; N's entries independent with equal variance (the
mixture's residual has a variance that depends on x, replaced by its mean, as in T4's
continuation); the spike's singular vectors independent of N; square N (input and output of one
dimension d).
"""
from functools import cache

import numpy as np
import sympy as sp
from scipy.optimize import brentq

from theory import regression_mixture
from theory.derivation import Derivation, Readable, Step, floats, predictor, written
from theory.symbols import Tex, d, n, r, rho, sigma, sigma_eff

scale = sp.Symbol("omega", positive=True)  # the noise matrix's scale omega: singular values fill [0, 2 omega]
theta = sp.Symbol("theta", positive=True)  # a mode's strength rho s in the fitted map
z = sp.Symbol("z", positive=True)  # a singular value of the fitted map, outside the noise bulk


@cache
def derive() -> Derivation:
    noise_variance = regression_mixture.derive()["MixtureNoiseVariance"]  # sigma_eff^2 with |beta|^2 = r^2
    noise_scale = sp.sqrt(d * noise_variance / n)  # omega: sqrt(d) x the entries' standard deviation sqrt(sigma_eff^2/n)

    g_left, g_right = sp.symbols("Gcal_1 Gcal_2")
    dyson = (sp.Eq(g_left, 1 / (z - scale**2 * g_right)), sp.Eq(g_right, 1 / (z - scale**2 * g_left)))
    branches = sp.solve(dyson, (g_left, g_right), dict=True)
    # the physical branch: symmetric (square N) and G ~ 1/z as z -> infinity
    (resolvent,) = [b[g_left] for b in branches if sp.simplify(b[g_left] - b[g_right]) == 0 and sp.limit(z * b[g_left], z, sp.oo) == 1]
    resolvent = sp.simplify(resolvent)
    discriminant = sp.discriminant(sp.numer(sp.together(z - scale**2 * g_left - 1 / g_left)), g_left)  # of omega^2 G^2 - z G + 1
    (edge,) = sp.solve(sp.Eq(discriminant, 0), z)
    threshold = sp.simplify(1 / resolvent.subs(z, edge))  # the smallest theta with 1 = theta G(z) solvable at z >= edge

    (outlier,) = [root for root in sp.solve(sp.Eq(theta * resolvent, 1), z)]
    outlier = sp.simplify(outlier)
    above = sp.Symbol("p", positive=True)  # theta = omega (1 + p): a mode above the threshold
    overlap_sq = sp.factor((-1 / (theta**2 * sp.diff(resolvent, z))).subs(z, outlier).subs(theta, scale * (1 + above)), deep=True)
    overlap_sq = sp.factor(sp.simplify(overlap_sq).subs(above, theta / scale - 1))
    kept_strength = sp.expand(outlier * overlap_sq)

    resolvent_named = sp.Function("Gcal")
    steps = (
        Step("The fitted map's noise has entries of variance $\\sigma_{\\mathrm{eff}}^2/n$, so its scale is", sp.Eq(scale, noise_scale)),
        Step("The resolvents of the two blocks of its Hermitian dilation obey the Dyson equations", dyson,
             (Readable(1 / written(z, -scale**2 * g_right)), Readable(1 / written(z, -scale**2 * g_left)))),
        Step("whose symmetric solution decaying as $1/z$ is",
             sp.Eq(resolvent_named(z), resolvent), Readable(written(z, -sp.sqrt(written(z**2, -4 * scale**2))) / (2 * scale**2))),
        Step("real outside the noise bulk, whose edge is", sp.Eq(Tex(r"z_{\mathrm{edge}}"), edge)),
        Step("A mode $\\theta u v^\\top$ gives a singular value outside the bulk where $\\theta \\mathcal{G}(z) = 1$, possible only above",
             sp.Eq(Tex(r"\theta_c"), threshold)),
        Step("at", sp.Eq(Tex(r"z(\theta)"), outlier)),
        Step("with squared overlaps $-1/(\\theta^2 \\mathcal{G}'(z))$ of its singular vectors with the mode's",
             sp.Eq(Tex(r"|\langle u, \hat u\rangle|^2 = |\langle v, \hat v\rangle|^2"), overlap_sq)),
        Step("so the fitted component keeps, along the true mode, the strength",
             sp.Eq(Tex(r"z\,\langle u, \hat u\rangle \langle v, \hat v\rangle"), kept_strength)),
    )
    return Derivation(
        target="T6",
        title="E4's noise threshold: a mode separates from the sampling noise above $\\theta_c = \\omega$",
        assumptions="$d \\to \\infty$ at fixed $d/n$; the noise matrix's entries independent with the mixture's mean noise variance; square noise matrix.",
        steps=steps,
        results={
            "NoiseScale": noise_scale,
            "NoiseEdge": edge,
            "NoiseThreshold": threshold,
            "SpikeOutlier": outlier,
            "SpikeOverlapSq": overlap_sq,
            "SpikeKeptStrength": kept_strength,
        },
        readable={  # as Benaych-Georges and Nadakuditi write them, with the noise scale sigma_eff sqrt(d/n)
            "NoiseScale": Readable(sp.Mul(sigma_eff, sp.Pow(d / n, sp.Rational(1, 2), evaluate=False), evaluate=False), {sigma_eff: sp.sqrt(noise_variance)}),
            "SpikeOutlier": Readable(written(theta, scale**2 / theta)),
            "SpikeOverlapSq": Readable(written(1, -scale**2 / theta**2)),
            "SpikeKeptStrength": Readable(written(theta, -scale**4 / theta**3)),
        },
    )


def noise_scale(rho_value, n_samples, dimension, teacher_sq_norm, sigma2):
    """omega = sqrt(d sigma_eff^2 / n), sigma_eff^2 the mixture's noise with r^2 = |W*|_F^2 / d: the threshold on rho s."""
    r2 = np.asarray(teacher_sq_norm, float) / np.asarray(dimension, float)
    return predictor(derive()["NoiseScale"], rho, n, d, r, sigma)(*floats(rho_value, n_samples, dimension, np.sqrt(r2), np.sqrt(sigma2)))


def kept_strength(strength, scale_a):
    """theta - omega^4/theta^3 above the threshold theta > omega, 0 below: the mode's strength that a fitted
    top component keeps along the true mode."""
    th, sc = floats(strength, scale_a)
    return np.where(th > sc, predictor(derive()["SpikeKeptStrength"], theta, scale)(th, sc), 0.0)


def overlap_sq(strength, scale_a):
    """1 - omega^2/theta^2 above the threshold theta > omega, 0 below: the squared overlap of the fitted top component's
    singular vectors with the mode's."""
    th, sc = floats(strength, scale_a)
    return np.where(th > sc, predictor(derive()["SpikeOverlapSq"], theta, scale)(th, sc), 0.0)


def critical_rho(strength: float, n_samples: int, dimension: int, sigma2: float) -> float:
    """rho_c, where a one-mode teacher of strength s meets the noise: rho_c s = omega(rho_c) = sigma_eff(rho_c) sqrt(d/n)
    (a root in (0, 1); sigma_eff^2 = (1 - rho)(sigma^2 + rho s^2/d) vanishes at rho = 1, so one exists)."""
    return float(brentq(lambda r: r * strength - float(noise_scale(r, n_samples, dimension, strength**2, sigma2)), 1e-9, 1.0, xtol=1e-12))
